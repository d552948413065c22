//! What a reader can work out of the published tables, checked by an audit
//! written here independently of the production one (src/report/audit.rs):
//! an exhaustive search over whole-number solutions, one group of linked
//! numbers at a time. Regression tests for seed 000's end-reason table (the
//! 2011 and 2012 reports, each alone and read together with the next year's),
//! the children table of seed 003, the whole report beside one
//! municipality's, and property tests on random tables.

// The grids are indexed by row and column on purpose: it reads like the tables.
#![allow(clippy::needless_range_loop)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tovholder::report::{AnnualReport, Cell, Shape, Table};

use crate::support::*;

/// Σ coefficient · number = rhs, or ≤ rhs when the flag is set.
type Sum = (Vec<(usize, i64)>, bool, i64);

/// A reader's knowledge: numbers with a range, and sums between them.
#[derive(Default, Clone)]
struct Reader {
    names: BTreeMap<String, usize>,
    range: Vec<(i64, i64)>,
    sums: Vec<Sum>,
    /// The numbers published as "<5".
    small: BTreeSet<usize>,
    cap: i64,
}

impl Reader {
    fn new(cap: i64) -> Reader {
        Reader { cap, ..Reader::default() }
    }

    /// The number called `name` (one per count, shared by every report that shows it).
    fn num(&mut self, name: &str) -> usize {
        if let Some(&v) = self.names.get(name) {
            return v;
        }
        self.range.push((0, self.cap));
        self.names.insert(name.to_string(), self.range.len() - 1);
        self.range.len() - 1
    }

    /// What a published cell says about number `v`.
    fn sees(&mut self, v: usize, cell: Cell) {
        let (lo, hi) = match cell {
            Cell::Count(n) => (n, n),
            Cell::Small => {
                self.small.insert(v);
                (1, 4)
            }
            Cell::Hidden => (5, self.cap),
        };
        let r = &mut self.range[v];
        *r = (r.0.max(lo), r.1.min(hi));
    }

    fn sum(&mut self, terms: Vec<(usize, i64)>, rhs: i64) {
        self.sums.push((terms, false, rhs));
    }

    fn at_most(&mut self, terms: Vec<(usize, i64)>, rhs: i64) {
        self.sums.push((terms, true, rhs));
    }

    /// A one-column table: each row `prefix/label`, the rows adding up to
    /// the total row ("I alt").
    fn column(&mut self, prefix: &str, labels: &[String], cells: &[Cell]) {
        let vars: Vec<usize> = labels.iter().map(|l| self.num(&format!("{prefix}/{l}"))).collect();
        for (&v, &c) in vars.iter().zip(cells) {
            self.sees(v, c);
        }
        let (total, body) = vars.split_last().unwrap();
        let mut terms: Vec<(usize, i64)> = body.iter().map(|&v| (v, 1)).collect();
        terms.push((*total, -1));
        self.sum(terms, 0);
    }

    /// Every value each number can take, found by trying them all.
    fn values(&self) -> Vec<BTreeSet<i64>> {
        let n = self.range.len();
        // Groups of numbers tied by a sum are searched together.
        let mut group: Vec<usize> = (0..n).collect();
        fn root(g: &mut [usize], v: usize) -> usize {
            let mut v = v;
            while g[v] != v {
                v = g[v];
            }
            v
        }
        for (terms, _, _) in &self.sums {
            for w in terms.windows(2) {
                let (a, b) = (root(&mut group, w[0].0), root(&mut group, w[1].0));
                group[a] = b;
            }
        }
        let mut out = vec![BTreeSet::new(); n];
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for v in 0..n {
            let r = root(&mut group, v);
            groups.entry(r).or_default().push(v);
        }
        for vars in groups.values() {
            let sums: Vec<&Sum> =
                self.sums.iter().filter(|(t, _, _)| t.iter().any(|(v, _)| vars.contains(v))).collect();
            let mut value = vec![None; n];
            self.search(vars, 0, &sums, &mut value, &mut out);
        }
        out
    }

    fn search(&self, vars: &[usize], i: usize, sums: &[&Sum], value: &mut Vec<Option<i64>>, out: &mut [BTreeSet<i64>]) {
        // Can every sum still hold, with the numbers not yet chosen anywhere in their range?
        for (terms, at_most, rhs) in sums {
            let (mut lo, mut hi) = (0, 0);
            for &(v, a) in terms.iter() {
                let (l, h) = match value[v] {
                    Some(x) => (x, x),
                    None => self.range[v],
                };
                if a > 0 {
                    lo += a * l;
                    hi += a * h;
                } else {
                    lo += a * h;
                    hi += a * l;
                }
            }
            if lo > *rhs || (!at_most && hi < *rhs) {
                return;
            }
        }
        if i == vars.len() {
            for &v in vars {
                out[v].insert(value[v].unwrap());
            }
            return;
        }
        let v = vars[i];
        let (lo, hi) = self.range[v];
        for x in lo..=hi {
            value[v] = Some(x);
            self.search(vars, i + 1, sums, value, out);
        }
        value[v] = None;
    }

    /// The "<5" numbers a reader can narrow to fewer than three values,
    /// with what is left of them.
    fn pinned(&self) -> Vec<(String, BTreeSet<i64>)> {
        let values = self.values();
        let name: BTreeMap<usize, &String> = self.names.iter().map(|(k, &v)| (v, k)).collect();
        self.small.iter().filter(|&&v| values[v].len() < 3).map(|&v| (name[&v].clone(), values[v].clone())).collect()
    }
}

fn labels(t: &Table) -> Vec<String> {
    t.rows.iter().map(|(l, _)| l.clone()).collect()
}

fn column_cells(t: &Table, c: usize) -> Vec<Cell> {
    t.rows.iter().map(|(_, cells)| cells[c]).collect()
}

/// A table of years side by side (the end-reason table): each year's
/// column with its total, read as the year's own counts.
fn read_years(r: &mut Reader, prefix: &str, t: &Table) {
    let l = labels(t);
    for (c, year) in t.columns.iter().enumerate() {
        r.column(&format!("{prefix}{year}"), &l, &column_cells(t, c));
    }
}

/// Every cell published is the true count, none is 1-4, and an "x" is 5 or more.
fn assert_true_to_the_counts(t: &Table) {
    for (r, (label, cells)) in t.rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let truth = t.raw[r][c];
            match cell {
                Cell::Count(n) => assert!(*n == truth && !(1..=4).contains(n), "{}: {label} {n}", t.title),
                Cell::Small => assert!((1..=4).contains(&truth), "{}: {label}", t.title),
                Cell::Hidden => assert!(truth >= 5, "{}: {label} hides {truth}", t.title),
            }
        }
    }
}

// ---------------------------------------------------------------------
// Seed 000: end reasons 2010-2013 (institution 3502), with 2009 and the
// "<5" values made up (fictional), and 2013's from seed 003.

const REASONS: [&str; 9] =
    ["completed", "own_wish", "no_show", "died", "moved", "other_institution", "own_gp", "hospital", "other"];

/// Courses ended per year and reason (the order of `REASONS`).
fn seed_000() -> Vec<(i32, [i64; 9])> {
    vec![
        (2009, [12, 7, 18, 0, 2, 0, 1, 0, 0]),
        (2010, [11, 8, 23, 1, 0, 2, 0, 0, 0]),
        (2011, [10, 5, 12, 0, 1, 5, 0, 0, 0]),
        (2012, [13, 3, 8, 0, 1, 2, 1, 0, 6]),
        (2013, [23, 15, 10, 0, 1, 3, 2, 0, 0]),
    ]
}

/// The seed's courses in a journal: for each year and reason, that many
/// alcohol courses ended on 1 July (started in March, or for one no-show
/// a year, never started).
fn seed_journal() -> World {
    let mut w = World::new();
    let mut n = 0;
    for (year, counts) in seed_000() {
        for (reason, count) in REASONS.iter().zip(counts) {
            for k in 0..count {
                n += 1;
                let c = w.anonymous_client(&format!("Seedperson {n:03}"));
                let never_started = *reason == "no_show" && k == 0;
                let start = format!("{year}-03-01");
                let course = w.course(c, "alcohol", &start, (!never_started).then_some(start.as_str()));
                w.j.close_course(&w.ctx, course, date(&format!("{year}-07-01")), reason).unwrap();
            }
        }
    }
    w
}

fn years_table(r: &AnnualReport) -> &Table {
    r.tables.iter().find(|t| t.title.starts_with("Afslutningsårsag ")).unwrap()
}

/// The rule before this audit: every line with exactly one suppressed cell
/// gets a second (reproduced here to show that the audit catches it).
fn old_rule(grid: &[Vec<i64>]) -> Vec<Vec<Cell>> {
    let mut cells: Vec<Vec<Cell>> = grid.iter().map(|r| r.iter().map(|&n| Cell::primary(n)).collect()).collect();
    let (rows, cols) = (grid.len(), grid[0].len());
    let mut lines: Vec<Vec<(usize, usize)>> = (0..rows).map(|r| (0..cols).map(|c| (r, c)).collect()).collect();
    lines.extend((0..cols).map(|c| (0..rows).map(|r| (r, c)).collect::<Vec<_>>()));
    let hidden = |c: Cell| !matches!(c, Cell::Count(_));
    loop {
        let mut changed = false;
        for line in &lines {
            let (body, total) = line.split_at(line.len() - 1);
            if hidden(cells[total[0].0][total[0].1]) || body.iter().filter(|&&(r, c)| hidden(cells[r][c])).count() != 1
            {
                continue;
            }
            let pick = body
                .iter()
                .filter(|&&(r, c)| !hidden(cells[r][c]) && grid[r][c] > 0)
                .min_by_key(|&&(r, c)| (grid[r][c], r, c))
                .copied()
                .unwrap_or(total[0]);
            cells[pick.0][pick.1] = Cell::Hidden;
            changed = true;
        }
        if !changed {
            return cells;
        }
    }
}

#[test]
fn the_old_rule_let_the_2012_report_be_solved_and_the_audit_sees_it() {
    // The 2012 report's table 2009-2012 with row totals, as the old rule published it.
    let seed = seed_000();
    let mut grid: Vec<Vec<i64>> = (0..9)
        .map(|r| {
            let mut row: Vec<i64> = seed[..4].iter().map(|(_, c)| c[r]).collect();
            row.push(row.iter().sum());
            row
        })
        .collect();
    grid.push((0..5).map(|c| grid.iter().map(|r| r[c]).sum()).collect());
    let cells = old_rule(&grid);
    let mut r = Reader::new(200);
    let vars: Vec<Vec<usize>> = (0..10).map(|i| (0..5).map(|c| r.num(&format!("{i}/{c}"))).collect()).collect();
    for i in 0..10 {
        for c in 0..5 {
            r.sees(vars[i][c], cells[i][c]);
        }
        let mut terms: Vec<(usize, i64)> = (0..4).map(|c| (vars[i][c], 1)).collect();
        terms.push((vars[i][4], -1));
        r.sum(terms, 0);
    }
    for c in 0..5 {
        let mut terms: Vec<(usize, i64)> = (0..9).map(|i| (vars[i][c], 1)).collect();
        terms.push((vars[9][c], -1));
        r.sum(terms, 0);
    }
    let pinned = r.pinned();
    // "Død" 2010 (row 3, column 1) is worked out to exactly 1.
    assert!(pinned.iter().any(|(name, v)| name == "3/1" && v.iter().eq([1].iter())), "{pinned:?}");
    assert!(pinned.len() >= 3, "{pinned:?}");
}

#[test]
fn the_2011_and_2012_reports_pin_no_small_count_alone_or_read_with_the_next_year() {
    let w = seed_journal();
    let leader = w.as_staff(w.leader);
    let reports: Vec<AnnualReport> = (2011..=2013).map(|y| w.j.annual_report(&leader, y).unwrap()).collect();
    for report in &reports {
        let t = years_table(report);
        assert!(t.columns.iter().all(|c| c.len() == 4), "no total column across the years: {:?}", t.columns);
        assert_true_to_the_counts(t);
        let mut r = Reader::new(80);
        read_years(&mut r, "", t);
        assert_eq!(r.pinned(), vec![], "{} alone", t.title);
    }
    // Two consecutive reports side by side, and all three: a year's column
    // is the same number in each, so the reader has one set of numbers.
    for pair in [&reports[0..2], &reports[1..3], &reports[0..3]] {
        let mut r = Reader::new(80);
        for report in pair {
            read_years(&mut r, "", years_table(report));
            // The year's own end-reason and duration tables have the same total.
            let own = report.tables.iter().find(|t| t.title.contains("fordelt på afslutningsårsag")).unwrap();
            r.column(&report.year.to_string(), &labels(own), &column_cells(own, 0));
        }
        assert_eq!(r.pinned(), vec![], "{:?}", pair.iter().map(|p| p.year).collect::<Vec<_>>());
    }
    // Each year's column is published alike in every report that shows it.
    let col = |report: &AnnualReport, year: &str| {
        let t = years_table(report);
        let c = t.columns.iter().position(|c| c == year).unwrap();
        column_cells(t, c)
    };
    assert_eq!(col(&reports[0], "2011"), col(&reports[1], "2011"));
    assert_eq!(col(&reports[1], "2012"), col(&reports[2], "2012"));
    // The seed's 2013 column as published: nothing needed hiding (1 + 3 + 2 beside 54).
    let t2013 = col(&reports[2], "2013").iter().map(|c| c.text()).collect::<Vec<_>>();
    assert_eq!(t2013, ["23", "15", "10", "0", "<5", "<5", "<5", "0", "0", "54"]);
    // 2010: "Død" 1 and "anden institution" 2 add up to 3 beside the total, so
    // one more count is hidden (the cheapest that protects both: the 8).
    let t2010 = col(&reports[1], "2010").iter().map(|c| c.text()).collect::<Vec<_>>();
    assert_eq!(t2010, ["11", "x", "23", "<5", "0", "<5", "0", "0", "0", "45"]);
}

#[test]
fn the_duration_table_adds_up_to_the_courses_ended_with_the_never_started_named() {
    let w = seed_journal();
    let report = w.j.annual_report(&w.as_staff(w.leader), 2013).unwrap();
    let t = |title: &str| report.tables.iter().find(|t| t.title.contains(title)).unwrap();
    let ended = t("fordelt på afslutningsårsag");
    let durations = t("Behandlingsperiode");
    assert_eq!(ended.rows.last().unwrap().1, vec![Cell::Count(54)]);
    assert_eq!(durations.rows.last().unwrap().1, vec![Cell::Count(54)]);
    let not_started = durations.rows.iter().find(|(l, _)| l == "Ikke startet").unwrap();
    assert_eq!(not_started.1, vec![Cell::Small], "one no-show a year never started");
    assert!(durations.note.as_deref().unwrap().contains("samme total"));
}

#[test]
fn a_municipality_report_beside_the_whole_report_pins_no_small_count() {
    let mut w = seed_journal();
    // Stevns pays for a few 2013 courses: 6 completed, 1 moved, 2 to another institution.
    let mut k = 0;
    for (reason, count) in [("completed", 6), ("moved", 1), ("other_institution", 2)] {
        for _ in 0..count {
            k += 1;
            let c = w.client(&format!("Stevns {reason} {k}"), &format!("0101{:02}-11{:02}", 50 + k, 10 + k), "0336");
            let course = w.course(c, "alcohol", "2013-03-01", Some("2013-03-01"));
            w.j.close_course(&w.ctx, course, date("2013-07-01"), reason).unwrap();
        }
    }
    let leader = w.as_staff(w.leader);
    let whole = w.j.annual_report(&leader, 2013).unwrap();
    let stevns = w.j.annual_report_for(&leader, 2013, Some("0336")).unwrap();
    let table =
        |r: &AnnualReport| r.tables.iter().find(|t| t.title.contains("fordelt på afslutningsårsag")).unwrap().clone();
    let (tw, ts) = (table(&whole), table(&stevns));
    assert_true_to_the_counts(&ts);
    let l = labels(&tw);
    let mut r = Reader::new(80);
    r.column("whole", &l, &column_cells(&tw, 0));
    r.column("stevns", &l, &column_cells(&ts, 0));
    // The rest (whole minus Stevns) is a table of its own with no negative count.
    for label in &l {
        let (a, b, c) =
            (r.num(&format!("whole/{label}")), r.num(&format!("stevns/{label}")), r.num(&format!("rest/{label}")));
        r.sum(vec![(b, 1), (c, 1), (a, -1)], 0);
    }
    let rest: Vec<usize> = l.iter().map(|label| r.num(&format!("rest/{label}"))).collect();
    let (total, body) = rest.split_last().unwrap();
    let mut terms: Vec<(usize, i64)> = body.iter().map(|&v| (v, 1)).collect();
    terms.push((*total, -1));
    r.sum(terms, 0);
    assert_eq!(r.pinned(), vec![]);
    assert_eq!(ts.rows.last().unwrap().1, vec![Cell::Count(9)]);
}

/// Seed 003's children (96 people): the heading and the overlapping rows
/// must not pin "not stated" (72 + 1 + 23 = 96 did before).
#[test]
fn the_children_table_and_its_heading_pin_no_small_count() {
    let rows = [
        ("Hjemmeboende børn under 18", 23),
        ("Børn over 18", 7),
        ("Anbragte børn", 1),
        ("Samvær uden at bo sammen", 14),
        ("Ingen kontakt", 8),
        ("Ønsker ikke at oplyse", 1),
        ("Ingen børn", 72),
    ];
    let exclusive = vec![false, false, false, false, false, true, true];
    let t = Table::build(
        "Børn",
        "Børn",
        vec!["Personer".into()],
        rows.iter().map(|(l, n)| (l.to_string(), vec![*n])).collect(),
        Shape::Overlapping { people: 96, exclusive: exclusive.clone() },
        None,
        None,
    );
    assert_true_to_the_counts(&t);
    assert_eq!(overlapping_reader(&t, 96, &exclusive).pinned(), vec![]);
    // Without the secondary suppression the reader has it exactly.
    let naive: Vec<(String, Vec<Cell>)> = rows.iter().map(|(l, n)| (l.to_string(), vec![Cell::primary(*n)])).collect();
    let t0 = Table { rows: naive, ..t.clone() };
    let pinned = overlapping_reader(&t0, 96, &exclusive).pinned();
    assert!(pinned.iter().any(|(n, v)| n == "Ønsker ikke at oplyse" && v.iter().eq([1].iter())), "{pinned:?}");
}

/// A reader of an overlapping table beside its heading's `people`: those in
/// an exclusive row plus those in any other row are all the people, and
/// those in any other row are at least the largest such row and at most
/// their sum.
fn overlapping_reader(t: &Table, people: i64, exclusive: &[bool]) -> Reader {
    let mut r = Reader::new(people.max(5));
    let n = r.num("people");
    r.sees(n, Cell::primary(people));
    let any = r.num("any");
    let mut all = vec![(any, 1), (n, -1)];
    let mut others = vec![(any, -1)];
    for (i, (label, cells)) in t.rows.iter().enumerate() {
        let v = r.num(label);
        r.sees(v, cells[0]);
        r.at_most(vec![(v, 1), (n, -1)], 0);
        if exclusive[i] {
            all.push((v, 1));
        } else {
            r.at_most(vec![(v, 1), (any, -1)], 0);
            others.push((v, 1));
        }
    }
    r.sum(all, 0);
    // any ≤ Σ others, as −Σ others + any ≤ 0.
    r.at_most(others.into_iter().map(|(v, a)| (v, -a)).collect(), 0);
    r
}

/// A one-column table built as the reports build them.
fn fixed_column(title: &str, counts: &[i64], beside: Option<&Table>) -> Table {
    Table::build(
        title,
        "r",
        vec!["n".into()],
        counts.iter().enumerate().map(|(i, &n)| (format!("r{i}"), vec![n])).collect(),
        Shape::FixedTotal,
        None,
        beside,
    )
}

/// Counts with many small ones and zeros, as small units have them.
fn count() -> impl Strategy<Value = i64> {
    prop_oneof![3 => Just(0i64), 4 => 1i64..5, 3 => 5i64..12]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Random tables with rows and columns: nothing published is 1-4, what is
    /// published is true, and no "<5" is pinned.
    #[test]
    fn a_random_table_pins_no_small_count(grid in prop::collection::vec(prop::collection::vec(count(), 2..4), 2..4)) {
        let width = grid.iter().map(Vec::len).min().unwrap();
        let rows: Vec<(String, Vec<i64>)> =
            grid.iter().enumerate().map(|(i, r)| (format!("r{i}"), r[..width].to_vec())).collect();
        let t = Table::new("t", "r", (0..width).map(|c| format!("c{c}")).collect(), rows, true, None);
        assert_true_to_the_counts(&t);
        if t.rows.is_empty() {
            prop_assert!(t.note.as_deref().unwrap().contains("vises ikke"));
            return Ok(());
        }
        // A hidden total may be larger than it is; the search must let it.
        let cap = t.raw.last().unwrap().last().copied().unwrap() + 10;
        let mut r = Reader::new(cap);
        let (nr, nc) = (t.rows.len(), t.columns.len());
        let v: Vec<Vec<usize>> = (0..nr).map(|i| (0..nc).map(|c| r.num(&format!("{i}/{c}"))).collect()).collect();
        for i in 0..nr {
            for c in 0..nc {
                r.sees(v[i][c], t.rows[i].1[c]);
            }
            let mut terms: Vec<(usize, i64)> = (0..nc - 1).map(|c| (v[i][c], 1)).collect();
            terms.push((v[i][nc - 1], -1));
            r.sum(terms, 0);
        }
        for c in 0..nc {
            let mut terms: Vec<(usize, i64)> = (0..nr - 1).map(|i| (v[i][c], 1)).collect();
            terms.push((v[nr - 1][c], -1));
            r.sum(terms, 0);
        }
        prop_assert_eq!(r.pinned(), vec![]);
    }

    /// Random years of counts: the reports of two consecutive years (four
    /// years side by side each), read together, pin no "<5", and a year is
    /// published alike in both.
    #[test]
    fn two_consecutive_reports_read_together_pin_no_small_count(
        years in prop::collection::vec(prop::collection::vec(count(), 4), 5),
    ) {
        let column = |y: usize| fixed_column(&format!("{y}"), &years[y], None);
        let window = |last: usize| Table::side_by_side("w", "r", (last - 3..=last).map(|y| (y.to_string(), column(y))).collect(), None);
        let (a, b) = (window(3), window(4));
        let mut r = Reader::new(years.iter().flatten().sum::<i64>() + 10);
        read_years(&mut r, "", &a);
        read_years(&mut r, "", &b);
        for y in ["1", "2", "3"] {
            let ca = a.columns.iter().position(|c| c == y);
            let cb = b.columns.iter().position(|c| c == y);
            if let (Some(ca), Some(cb)) = (ca, cb) {
                prop_assert_eq!(column_cells(&a, ca), column_cells(&b, cb));
            }
        }
        prop_assert_eq!(r.pinned(), vec![]);
    }

    /// A random municipality's share of a random whole: its table beside the
    /// whole's pins no "<5" in either.
    #[test]
    fn a_municipality_table_beside_the_whole_pins_no_small_count(
        mine in prop::collection::vec(count(), 4),
        rest in prop::collection::vec(count(), 4),
    ) {
        let whole_counts: Vec<i64> = mine.iter().zip(&rest).map(|(a, b)| a + b).collect();
        let whole = fixed_column("t", &whole_counts, None);
        let part = fixed_column("t", &mine, Some(&whole));
        assert_true_to_the_counts(&part);
        prop_assume!(!whole.rows.is_empty() && !part.rows.is_empty());
        let l = labels(&whole);
        let mut r = Reader::new(whole_counts.iter().sum::<i64>() + 10);
        r.column("whole", &l, &column_cells(&whole, 0));
        r.column("part", &l, &column_cells(&part, 0));
        for label in &l {
            let (w, p, x) = (r.num(&format!("whole/{label}")), r.num(&format!("part/{label}")), r.num(&format!("rest/{label}")));
            r.sum(vec![(p, 1), (x, 1), (w, -1)], 0);
        }
        let rest_vars: Vec<usize> = l.iter().map(|label| r.num(&format!("rest/{label}"))).collect();
        let (total, body) = rest_vars.split_last().unwrap();
        let mut terms: Vec<(usize, i64)> = body.iter().map(|&v| (v, 1)).collect();
        terms.push((*total, -1));
        r.sum(terms, 0);
        prop_assert_eq!(r.pinned(), vec![]);
    }

    /// Random people with random overlapping answers ("none" and "not
    /// stated" alone): the heading and the rows pin no "<5".
    #[test]
    fn an_overlapping_table_and_its_heading_pin_no_small_count(
        people in prop::collection::vec(prop_oneof![2 => Just(vec![0usize]), 1 => Just(vec![1usize]), 3 => prop::collection::btree_set(2usize..5, 1..3).prop_map(|s| s.into_iter().collect::<Vec<_>>())], 1..14),
    ) {
        let counts: Vec<i64> = (0..5).map(|k| people.iter().filter(|p| p.contains(&k)).count() as i64).collect();
        let exclusive = vec![true, true, false, false, false];
        let n = people.len() as i64;
        let t = Table::build(
            "b", "b", vec!["n".into()],
            counts.iter().enumerate().map(|(i, &c)| (format!("r{i}"), vec![c])).collect(),
            Shape::Overlapping { people: n, exclusive: exclusive.clone() }, None, None,
        );
        assert_true_to_the_counts(&t);
        prop_assume!(!t.rows.is_empty());
        prop_assert_eq!(overlapping_reader(&t, n, &exclusive).pinned(), vec![]);
    }
}
