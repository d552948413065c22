//! A published table and its suppression (docs/reports.md "Small counts").
//!
//! 1. *Primary*: every count from 1 to 4 is shown as "<5". Zero is shown.
//! 2. *Secondary*: the disclosure audit (`audit.rs`) works out, for every
//!    "<5", the smallest and largest value a reader can deduce from
//!    everything published with it (cells, totals, the number of people in
//!    the heading, the whole report beside a one-municipality report, and
//!    the rule itself). While some "<5" can be narrowed to fewer than three
//!    of the values 1-4, more
//!    counts of 5 or more are hidden as "x": the cheapest choice (fewest
//!    people hidden) that protects it, a single cell or, in a table with
//!    rows and columns, a rectangle of four corners.
//! 3. A table that cannot be protected that way is not published: its rows
//!    are left out and its note says why.
//!
//! Must not: publish a count from 1 to 4; publish a table in which the audit
//! can narrow a "<5"; hide a count below 5 as "x" (a reader knows "x" is 5
//! or more).

use serde::Serialize;

use super::audit::{Constraint, Known, Rel, System};

/// One published cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Cell {
    Count(i64),
    /// 1-4, shown as "<5".
    Small,
    /// Hidden so a small count cannot be worked out; shown as "x" (5 or more).
    Hidden,
}

impl Cell {
    pub fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Small => "<5".into(),
            Cell::Hidden => "x".into(),
        }
    }

    fn suppressed(self) -> bool {
        !matches!(self, Cell::Count(_))
    }

    fn known(self) -> Known {
        match self {
            Cell::Count(n) => Known::Value(n),
            Cell::Small => Known::Small,
            Cell::Hidden => Known::Hidden,
        }
    }

    /// A count as the primary rule publishes it.
    pub fn primary(n: i64) -> Cell {
        if (1..=4).contains(&n) {
            Cell::Small
        } else {
            Cell::Count(n)
        }
    }
}

/// How a table's numbers hang together, as a reader sees them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Shape {
    /// Each cell stands alone: no totals.
    #[default]
    Plain,
    /// A total row and, with several columns, a total column ("I alt").
    Totals,
    /// One column, each person or course in exactly one row, whose total
    /// the report states elsewhere too (the number of people in the heading;
    /// the courses ended in the year in both the end-reason and the
    /// duration table), so the total row is never hidden.
    FixedTotal,
    /// Rows a person may be in several of (children, side abuse), beside the
    /// number of people the heading states (`people`). A person in an
    /// `exclusive` row is in no other row, and everyone is in at least one.
    /// No total row.
    Overlapping { people: i64, exclusive: Vec<bool> },
}

/// A table as published: rows of labelled cells; with totals, the last
/// column is the row total and the last row the column totals.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub title: String,
    pub row_header: String,
    pub columns: Vec<String>,
    // Empty when the table cannot be published (the note says why).
    pub rows: Vec<(String, Vec<Cell>)>,
    /// Whether the last row (and, with several columns, the last column) are totals.
    pub totals: bool,
    pub note: Option<String>,
    /// The counts before suppression, for charts drawn from published data
    /// only (never published themselves).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub raw: Vec<Vec<i64>>,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub shape: Shape,
}

/// Said beside a table that is not published.
pub const WITHHELD: &str =
    "Tabellen vises ikke: tallene er så små, at et tal under 5 ville kunne regnes ud, uanset hvad der skjules.";

impl Table {
    /// A table from raw counts. With `totals`, a total column ("I alt", with
    /// several columns) and a total row are added; then small counts are
    /// suppressed.
    pub fn new(
        title: &str,
        row_header: &str,
        columns: Vec<String>,
        rows: Vec<(String, Vec<i64>)>,
        totals: bool,
        note: Option<String>,
    ) -> Table {
        let shape = if totals { Shape::Totals } else { Shape::Plain };
        Table::build(title, row_header, columns, rows, shape, note, None)
    }

    /// A table of `shape` from raw counts, suppressed so that neither it
    /// alone nor it read beside `beside` (the same table of the whole
    /// report, when this one is limited to one municipality) lets a reader
    /// narrow a "<5".
    pub fn build(
        title: &str,
        row_header: &str,
        columns: Vec<String>,
        rows: Vec<(String, Vec<i64>)>,
        shape: Shape,
        note: Option<String>,
        beside: Option<&Table>,
    ) -> Table {
        let mut columns = columns;
        let mut labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
        let mut grid: Vec<Vec<i64>> = rows.into_iter().map(|(_, v)| v).collect();
        let width = columns.len().max(grid.first().map(Vec::len).unwrap_or(0));
        for r in &mut grid {
            r.resize(width, 0);
        }
        let row_totals = shape == Shape::Totals && width > 1;
        let col_totals = matches!(shape, Shape::Totals | Shape::FixedTotal);
        if row_totals {
            for r in &mut grid {
                let sum = r.iter().sum();
                r.push(sum);
            }
            columns.push("I alt".into());
        }
        if col_totals {
            let w = grid.first().map(Vec::len).unwrap_or(columns.len());
            let total_row: Vec<i64> = (0..w).map(|c| grid.iter().map(|r| r[c]).sum()).collect();
            grid.push(total_row);
            labels.push("I alt".into());
        }
        let mut table = Table {
            title: title.into(),
            row_header: row_header.into(),
            columns,
            rows: Vec::new(),
            totals: col_totals,
            note,
            raw: grid,
            shape,
        };
        let beside = beside.filter(|b| b.shape == table.shape && b.raw.len() == table.raw.len() && !b.rows.is_empty());
        match suppress(&table.raw, &table.shape, beside) {
            Some(cells) => table.rows = labels.into_iter().zip(cells).collect(),
            None => {
                table.note = Some(match table.note.take() {
                    Some(n) => format!("{WITHHELD} {n}"),
                    None => WITHHELD.into(),
                })
            }
        }
        table
    }

    /// Several one-column tables (one a year) side by side, each suppressed
    /// on its own, so a year's column is published the same in every report
    /// that shows it. No row totals: totals over a moving window of years
    /// would let two reports be subtracted. A year whose column cannot be
    /// published is left out and named in the note.
    pub fn side_by_side(title: &str, row_header: &str, years: Vec<(String, Table)>, note: Option<String>) -> Table {
        let mut columns = Vec::new();
        let mut rows: Vec<(String, Vec<Cell>)> = Vec::new();
        let mut raw: Vec<Vec<i64>> = Vec::new();
        let mut left_out = Vec::new();
        let mut totals = false;
        for (year, t) in years {
            if t.rows.is_empty() {
                left_out.push(year);
                continue;
            }
            totals = t.totals;
            if rows.is_empty() {
                rows = t.rows.iter().map(|(l, _)| (l.clone(), Vec::new())).collect();
                raw = vec![Vec::new(); t.raw.len()];
            }
            for (i, (_, cells)) in t.rows.iter().enumerate() {
                if let (Some(row), Some(cell)) = (rows.get_mut(i), cells.first()) {
                    row.1.push(*cell);
                }
                if let (Some(r), Some(n)) = (raw.get_mut(i), t.raw.get(i).and_then(|r| r.first())) {
                    r.push(*n);
                }
            }
            columns.push(year);
        }
        let mut notes: Vec<String> = note.into_iter().collect();
        if !left_out.is_empty() {
            notes.push(format!(
                "{} vises ikke: tallene er så små, at et tal under 5 ville kunne regnes ud.",
                left_out.join(", ")
            ));
        }
        Table {
            title: title.into(),
            row_header: row_header.into(),
            columns,
            rows,
            totals,
            note: (!notes.is_empty()).then(|| notes.join(" ")),
            raw,
            shape: Shape::Plain,
        }
    }

    /// As text: a Markdown table.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n\n| {} |", self.title, self.row_header);
        for c in &self.columns {
            s.push_str(&format!(" {c} |"));
        }
        s.push_str(&format!("\n|{}|\n", vec!["---"; self.columns.len() + 1].join("|")));
        for (label, cells) in &self.rows {
            s.push_str(&format!("| {label} |"));
            for c in cells {
                s.push_str(&format!(" {} |", c.text()));
            }
            s.push('\n');
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("\n{n}\n"));
        }
        s
    }

    /// As CSV records (header first), for `super::csv`.
    pub fn csv_records(&self) -> Vec<Vec<String>> {
        let mut out = Vec::with_capacity(self.rows.len() + 2);
        out.push(std::iter::once(self.row_header.clone()).chain(self.columns.iter().cloned()).collect());
        for (label, cells) in &self.rows {
            out.push(std::iter::once(label.clone()).chain(cells.iter().map(|c| c.text())).collect());
        }
        if let Some(n) = &self.note {
            out.push(vec![n.clone()]);
        }
        out
    }

    /// As CSV for a Danish spreadsheet: ';'-separated, quoted where needed,
    /// UTF-8 with a byte-order mark.
    pub fn to_csv(&self) -> String {
        super::csvfile::spreadsheet(&self.csv_records())
    }
}

/// What a reader knows of a table whose published cells are `cells`
/// (`grid`'s shape, totals included), with the helper numbers of
/// `Shape::Overlapping` (people with any overlapping row, the people
/// stated) after the cells.
fn system_of(grid: &[Vec<i64>], cells: &[Vec<Cell>], shape: &Shape) -> System {
    let rows = grid.len();
    let cols = grid.first().map(Vec::len).unwrap_or(0);
    let at = |r: usize, c: usize| r * cols + c;
    let mut s = System { vars: cells.iter().flatten().map(|c| c.known()).collect(), constraints: Vec::new() };
    let line = |s: &mut System, body: Vec<usize>, total: usize| {
        let mut terms: Vec<(usize, i64)> = body.into_iter().map(|v| (v, 1)).collect();
        terms.push((total, -1));
        s.constraints.push(Constraint::new(terms, Rel::Eq, 0));
    };
    match shape {
        Shape::Plain => {}
        Shape::Totals | Shape::FixedTotal => {
            let row_totals = *shape == Shape::Totals && cols > 1;
            if row_totals {
                for r in 0..rows {
                    line(&mut s, (0..cols - 1).map(|c| at(r, c)).collect(), at(r, cols - 1));
                }
            }
            if rows > 0 {
                for c in 0..cols {
                    line(&mut s, (0..rows - 1).map(|r| at(r, c)).collect(), at(rows - 1, c));
                }
            }
        }
        Shape::Overlapping { people, exclusive } => {
            let any = s.vars.len();
            s.vars.push(Known::Free);
            let n = s.vars.len();
            s.vars.push(Cell::primary(*people).known());
            let overlapping: Vec<usize> =
                (0..rows).filter(|&r| !exclusive.get(r).copied().unwrap_or(false)).map(|r| at(r, 0)).collect();
            // People = those in an exclusive row + those in any other row.
            let mut terms: Vec<(usize, i64)> =
                (0..rows).filter(|&r| exclusive.get(r).copied().unwrap_or(false)).map(|r| (at(r, 0), 1)).collect();
            terms.push((any, 1));
            terms.push((n, -1));
            s.constraints.push(Constraint::new(terms, Rel::Eq, 0));
            // Those in any other row: at least the largest, at most the sum.
            for &o in &overlapping {
                s.constraints.push(Constraint::new(vec![(o, 1), (any, -1)], Rel::Le, 0));
            }
            let mut terms: Vec<(usize, i64)> = overlapping.iter().map(|&o| (o, 1)).collect();
            terms.push((any, -1));
            s.constraints.push(Constraint::new(terms, Rel::Ge, 0));
            // No row holds more people than there are.
            for r in 0..rows {
                s.constraints.push(Constraint::new(vec![(at(r, 0), 1), (n, -1)], Rel::Le, 0));
            }
        }
    }
    s
}

/// The true values of `system_of`'s numbers.
fn truth_of(grid: &[Vec<i64>], shape: &Shape) -> Vec<i64> {
    let mut t: Vec<i64> = grid.iter().flatten().copied().collect();
    if let Shape::Overlapping { people, exclusive } = shape {
        let in_exclusive: i64 = grid
            .iter()
            .enumerate()
            .filter(|(r, _)| exclusive.get(*r).copied().unwrap_or(false))
            .map(|(_, row)| row.first().copied().unwrap_or(0))
            .sum();
        t.push(people - in_exclusive);
        t.push(*people);
    }
    t
}

fn holds(c: &Constraint, values: &[i64]) -> bool {
    let lhs: i64 = c.terms.iter().map(|&(v, a)| a * values.get(v).copied().unwrap_or(0)).sum();
    match c.rel {
        Rel::Eq => lhs == c.rhs,
        Rel::Le => lhs <= c.rhs,
        Rel::Ge => lhs >= c.rhs,
    }
}

/// Everything a reader has: this table's cells and, with `beside`, the
/// whole report's table and what ties the two together (this table counts
/// some of the whole's people, so the rest, whole minus this, has the same
/// shape and no negative count). A tie the true counts do not satisfy (a
/// person whose courses differ between the two) is left out: a reader
/// assuming it would be misled, not informed.
fn reader(grid: &[Vec<i64>], cells: &[Vec<Cell>], shape: &Shape, beside: Option<&Table>) -> (System, Vec<usize>) {
    let mut s = system_of(grid, cells, shape);
    let own = s.vars.len();
    let mut targets: Vec<usize> = (0..own).collect();
    if let Some(b) = beside {
        let whole_cells: Vec<Vec<Cell>> = b.rows.iter().map(|(_, c)| c.clone()).collect();
        let offset = s.append(system_of(&b.raw, &whole_cells, &b.shape));
        targets.extend(offset..offset + own);
        let (mine, whole) = (truth_of(grid, shape), truth_of(&b.raw, &b.shape));
        let rest_truth: Vec<i64> = whole.iter().zip(&mine).map(|(w, m)| w - m).collect();
        let mut rest = system_of(grid, cells, shape);
        rest.vars.iter_mut().for_each(|k| *k = Known::Free);
        if rest.constraints.iter().all(|c| holds(c, &rest_truth)) && rest_truth.iter().all(|&r| r >= 0) {
            let r0 = s.append(rest);
            for i in 0..own {
                s.constraints.push(Constraint::new(vec![(offset + i, 1), (i, -1), (r0 + i, -1)], Rel::Eq, 0));
            }
        }
    }
    (s, targets)
}

/// Suppress `grid` (totals included) so that no "<5" can be narrowed; `None`
/// when no choice of hidden cells protects every one.
fn suppress(grid: &[Vec<i64>], shape: &Shape, beside: Option<&Table>) -> Option<Vec<Vec<Cell>>> {
    let mut cells: Vec<Vec<Cell>> = grid.iter().map(|r| r.iter().map(|&n| Cell::primary(n)).collect()).collect();
    let rows = grid.len();
    let cols = grid.first().map(Vec::len).unwrap_or(0);
    if rows == 0 || cols == 0 {
        return Some(cells);
    }
    // A total stated elsewhere too is never hidden.
    let fixed = |r: usize| *shape == Shape::FixedTotal && r == rows - 1;
    let candidate = |cells: &[Vec<Cell>], r: usize, c: usize| !cells[r][c].suppressed() && grid[r][c] >= 5 && !fixed(r);
    let hidden_of = |cells: &[Vec<Cell>], cs: &[(usize, usize)]| -> Option<Vec<(usize, usize)>> {
        let new: Vec<(usize, usize)> = cs.iter().copied().filter(|&(r, c)| !cells[r][c].suppressed()).collect();
        (!new.is_empty() && new.iter().all(|&(r, c)| candidate(cells, r, c))).then_some(new)
    };
    loop {
        let (system, targets) = reader(grid, &cells, shape, beside);
        let Some(target) = system.first_unprotected(targets) else {
            return Some(cells);
        };
        // The target's place in this table (a cell of the whole report's
        // table beside it is protected through the same place here).
        let own = rows * cols + if matches!(shape, Shape::Overlapping { .. }) { 2 } else { 0 };
        let place = if target < own { target } else { target - own };
        let (tr, tc) = (place / cols, place % cols);
        // The choices: a single cell, or (rows and columns) a rectangle
        // with the target in one corner; cheapest first.
        let mut moves: Vec<Vec<(usize, usize)>> = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                if let Some(m) = hidden_of(&cells, &[(r, c)]) {
                    moves.push(m);
                }
            }
        }
        if rows > 1 && cols > 1 && tr < rows && *shape != Shape::FixedTotal {
            for r in (0..rows).filter(|&r| r != tr) {
                for c in (0..cols).filter(|&c| c != tc) {
                    if let Some(m) = hidden_of(&cells, &[(tr, c), (r, tc), (r, c)]) {
                        if m.len() > 1 {
                            moves.push(m);
                        }
                    }
                }
            }
        }
        if moves.is_empty() {
            return None;
        }
        let cost = |m: &Vec<(usize, usize)>| (m.iter().map(|&(r, c)| grid[r][c]).sum::<i64>(), m.len(), m.clone());
        moves.sort_by_key(cost);
        let width = |s: &System| s.interval(target).map(|(lo, hi)| hi - lo).unwrap_or(-1);
        let before = width(&system);
        let mut best: Option<(i64, usize)> = None;
        let mut chosen = None;
        for (i, m) in moves.iter().enumerate() {
            let mut trial = cells.clone();
            for &(r, c) in m {
                trial[r][c] = Cell::Hidden;
            }
            let (s, _) = reader(grid, &trial, shape, beside);
            if s.protected(target) {
                chosen = Some(i);
                break;
            }
            let w = width(&s);
            if w > before && best.is_none_or(|(bw, _)| w > bw) {
                best = Some((w, i));
            }
        }
        // Nothing protects it alone: take the move that helps most, or else
        // the cheapest, and look again.
        let i = chosen.or(best.map(|(_, i)| i)).unwrap_or(0);
        for &(r, c) in &moves[i] {
            cells[r][c] = Cell::Hidden;
        }
    }
}
