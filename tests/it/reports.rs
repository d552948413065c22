//! Reports against a hand-counted fixture year (2025): every figure of the
//! annual report, the suppression rule, waiting times, the NAB extract's
//! completeness check and the settlement's totals to the øre.

use chrono::Months;
use proptest::prelude::*;
use tovholder::model::*;
use tovholder::report::{Cell, Table};

use crate::support::*;

/// A client of `age` when the course starts, with an alcohol course from
/// `start` to `end` (closed with `reason`), assessed with `income`.
#[allow(clippy::too_many_arguments)]
fn person(
    w: &mut World,
    n: usize,
    age: u32,
    sex: Sex,
    start: &str,
    end: Option<(&str, &str)>,
    income: &str,
    kids: &[&str],
) -> (ClientId, CourseId) {
    let born = date(start) - Months::new(12 * age) - chrono::Days::new(10);
    let client =
        w.j.add_client(
            &w.ctx,
            &ClientRecord {
                id: None,
                name: format!("Årsperson {n:02}"),
                cpr: None,
                anonymous: true,
                birth_date: Some(born),
                sex: Some(sex),
                municipality: "0320".into(),
                address: None,
                phone: None,
                email: None,
            },
        )
        .unwrap();
    let course = w.course(client, "alcohol", start, Some(start));
    w.j.add_assessment(
        &w.ctx,
        &AssessmentRecord {
            id: None,
            course_id: course,
            assessed_on: date(start),
            audit_score: Some(20),
            units_per_week: Some(30),
            side_abuse: vec!["none".into()],
            income_source: Some(income.into()),
            housing: Some("own_home".into()),
            children_situation: kids.iter().map(|k| k.to_string()).collect(),
            pregnant: None,
            violence: None,
            psychiatric: None,
            remarks: None,
        },
    )
    .unwrap();
    if let Some((end, reason)) = end {
        w.j.close_course(&w.ctx, course, date(end), reason).unwrap();
    }
    (client, course)
}

fn cells(t: &Table) -> Vec<(String, Vec<String>)> {
    t.rows.iter().map(|(l, c)| (l.clone(), c.iter().map(|c| c.text()).collect())).collect()
}

fn row(label: &str, values: &[&str]) -> (String, Vec<String>) {
    (label.to_string(), values.iter().map(|v| v.to_string()).collect())
}

/// The fixture year, counted by hand:
/// ages 20-29: 1, 30-39: 5, 40-49: 8, 50-59: 6, 60+: 5 (25 people; 18 men, 7 women);
/// 14 courses ended in 2025: completed 6, own wish 5, no-show 2, died 1;
/// their durations: under 3 months 5, 3-6 months 5, over 9 months 4.
fn fixture_year() -> World {
    let mut w = World::new();
    let mut n = 0;
    for (count, age) in [(1, 25), (5, 35), (8, 45), (6, 55), (5, 65)] {
        for _ in 0..count {
            n += 1;
            let sex = if n <= 18 { Sex::M } else { Sex::K };
            let income = if n <= 20 { "wages" } else { "disability_pension" };
            let kids: &[&str] = if n <= 3 { &["home_under_18"] } else { &["none"] };
            let (start, end) = end_plan(n);
            person(&mut w, n, age, sex, start, end, income, kids);
        }
    }
    // Not counted: an alcohol course that ended in 2024, a relative course, a waiting course.
    person(&mut w, 90, 40, Sex::M, "2024-01-10", Some(("2024-06-30", "completed")), "wages", &[]);
    let r = w.client("Pårørende Pia", "111170-1112", "0320");
    w.course(r, "relative", "2025-02-01", Some("2025-02-01"));
    w.course(r, "family", "2025-05-01", Some("2025-05-02"));
    let v = w.client("Venter Viggo", "121270-1113", "0320");
    w.course(v, "alcohol", "2025-12-01", None);
    w
}

/// Person n's course: its start, and (end, reason) for the 14 who end in 2025.
fn end_plan(n: usize) -> (&'static str, Option<(&'static str, &'static str)>) {
    let reason = match n {
        1..=6 => "completed",
        7..=11 => "own_wish",
        12 | 13 => "no_show",
        14 => "died",
        _ => return ("2025-03-01", None),
    };
    // Durations: 1-5 under 3 months, 6-10 three to six, 11-14 over nine.
    let (start, end) = match n {
        1..=5 => ("2025-03-01", "2025-04-15"),
        6..=10 => ("2025-03-01", "2025-07-15"),
        _ => ("2025-01-02", "2025-11-20"),
    };
    (start, Some((end, reason)))
}

#[test]
fn the_annual_report_for_the_fixture_year_is_right_to_the_count() {
    let w = fixture_year();
    let leader = w.as_staff(w.leader);
    let report = w.j.annual_report(&leader, 2025).unwrap();
    assert_eq!(report.people, 25);
    let t = |title: &str| report.tables.iter().find(|t| t.title.contains(title)).unwrap_or_else(|| panic!("{title}"));
    assert_eq!(
        cells(t("fordelt på alder")),
        vec![
            row("Under 20 år", &["0"]),
            row("20-29 år", &["<5"]),
            row("30-39 år", &["x"]), // 5, hidden: else 25 - 8 - 6 - 5 - 5 gives the <5
            row("40-49 år", &["8"]),
            row("50-59 år", &["6"]),
            row("60 år og derover", &["5"]),
            row("I alt", &["25"]),
        ]
    );
    assert_eq!(cells(t("fordelt på køn")), vec![row("Mænd", &["18"]), row("Kvinder", &["7"]), row("I alt", &["25"])]);
    let income = cells(t("hovedindtægtskilde"));
    assert_eq!(income[0], row("Lønindkomst", &["20"]));
    assert_eq!(income[1], row("Førtidspension", &["5"]));
    assert_eq!(income.last().unwrap(), &row("I alt", &["25"]));
    let kids = cells(t(": børn"));
    assert_eq!(kids[0], row("Hjemmeboende børn under 18", &["<5"]));
    assert_eq!(kids[6], row("Ingen børn", &["22"]));
    assert_eq!(
        cells(t("afslutningsårsag")),
        vec![
            row("Færdigbehandlet", &["6"]),
            row("Afsluttet efter eget ønske", &["5"]),
            row("Udeblevet", &["<5"]),
            row("Død", &["<5"]),
            row("Fraflyttet", &["0"]),
            row("Udskrevet til anden institution", &["0"]),
            row("Udskrevet til egen læge", &["0"]),
            row("Udskrevet til hospital", &["0"]),
            row("Andet", &["0"]),
            row("I alt", &["14"]),
        ]
    );
    assert_eq!(
        cells(t("Behandlingsperiode")),
        vec![
            row("0-3 måneder", &["x"]),
            row("3-6 måneder", &["5"]),
            row("6-9 måneder", &["0"]),
            row("Længere end 9 måneder", &["<5"]),
            row("I alt", &["14"])
        ]
    );
    assert_eq!(
        cells(t("Behandlingstilbud")),
        vec![row("Pårørendeforløb", &["0", "0", "0", "<5"]), row("Familieforløb", &["0", "0", "0", "<5"])]
    );
    let years = t("Afslutningsårsag 2022-2025");
    assert_eq!(years.columns, vec!["2022", "2023", "2024", "2025", "I alt"]);
    // 2024: 1 (person 90), 2025: 6; the 6 is hidden, else 7 - 6 gives the <5.
    assert_eq!(cells(years)[0], row("Færdigbehandlet", &["0", "0", "<5", "x", "7"]));
    for table in &report.tables {
        assert_no_count_below_five(table);
    }
    // Only the leader sees reports.
    assert_eq!(w.j.annual_report(&w.ctx, 2025).unwrap_err().code(), "forbidden");
}

fn assert_no_count_below_five(t: &Table) {
    for (label, cells) in &t.rows {
        for c in cells {
            assert!(!matches!(c, Cell::Count(1..=4)), "{}: {label} publishes a small count", t.title);
        }
    }
}

#[test]
fn waiting_times_against_the_14_days() {
    let mut w = World::new();
    for (name, cpr, received, start) in [
        ("Hurtig Hansen", "010180-1111", "2025-10-01", "2025-10-10"),
        ("Langsom Larsen", "020280-2222", "2025-10-01", "2025-10-20"),
    ] {
        let c = w.client(name, cpr, "0320");
        let referral =
            w.j.add_referral(
                &w.ctx,
                &ReferralRecord {
                    id: None,
                    client_id: c,
                    received_on: date(received),
                    source: "gp".into(),
                    referrer: None,
                    reason: None,
                    door: "alcohol_unit".into(),
                    unit_id: None,
                    info_talk_on: None,
                    outcome: "pending".into(),
                },
            )
            .unwrap();
        let mut r = course_record(c, "alcohol", received, Some(start), w.consultant);
        r.referral_id = Some(referral);
        w.j.enrol(&w.ctx, &r).unwrap();
    }
    let still = w.client("Venter Vang", "030380-3333", "0320");
    w.j.add_referral(
        &w.ctx,
        &ReferralRecord {
            id: None,
            client_id: still,
            received_on: date("2026-11-01"),
            source: "self".into(),
            referrer: None,
            reason: None,
            door: "alcohol_unit".into(),
            unit_id: None,
            info_talk_on: None,
            outcome: "pending".into(),
        },
    )
    .unwrap();
    let report = w.j.waiting_report(&w.as_staff(w.leader), 2025).unwrap();
    assert_eq!(report.started.iter().map(|s| s.days).collect::<Vec<_>>(), vec![9, 19]);
    assert_eq!((report.within_14_days, report.share_within_14_days), (1, 50.0));
    assert_eq!(report.waiting_now.len(), 1);
    assert_eq!((report.waiting_now[0].name.as_str(), report.waiting_now[0].days), ("Venter Vang", 22));
}

#[test]
fn the_nab_extract_names_every_incomplete_course_and_then_writes_all() {
    let mut w = fixture_year();
    let leader = w.as_staff(w.leader);
    let (from, to) = (date("2025-01-01"), date("2025-12-31"));
    let lines = w.j.nab_extract(&leader, from, to, "3502").unwrap();
    assert_eq!(lines.len(), 25);
    let csv = tovholder::report::nab_csv(&lines);
    assert_eq!(csv.lines().count(), 26);
    assert!(csv.lines().nth(1).unwrap().starts_with("3502;;"), "anonymous: no CPR: {csv}");
    // A new course with no assessment stops the extract, by name.
    let c = w.client("Mangler Madsen", "040480-4444", "0320");
    w.course(c, "alcohol", "2025-06-01", Some("2025-06-02"));
    let err = w.j.nab_extract(&leader, from, to, "3502").unwrap_err();
    assert_eq!(err.code(), "nab_incomplete");
    assert!(err.to_string().contains("Mangler Madsen (mangler udredning)"), "{err}");
}

#[test]
fn the_settlement_adds_up_to_the_oere() {
    let mut w = World::new();
    let leader = w.as_staff(w.leader);
    let price = |kind: &str, per: PricePer, amount: &str| AgreementPriceRecord {
        id: None,
        payer: "0336".into(),
        provider: "0320".into(),
        course_kind: kind.into(),
        setting: "ambulant".into(),
        per,
        amount: Money::parse(amount, "amount").unwrap(),
        valid_from: date("2026-01-01"),
        valid_to: None,
    };
    w.j.add_agreement_price(&leader, &price("alcohol", PricePer::Day, "145,50")).unwrap();
    w.j.add_agreement_price(&leader, &price("family", PricePer::Course, "5.000,00")).unwrap();
    // Stevns citizens: one started 10 Oct (22 days), one ended 5 Oct (5 days), a family course started in October.
    let a = w.client("Stevns Anker", "010170-1111", "0336");
    w.course(a, "alcohol", "2026-10-10", Some("2026-10-10"));
    let b = w.client("Stevns Birk", "020270-2222", "0336");
    let cb = w.course(b, "alcohol", "2026-09-01", Some("2026-09-01"));
    w.j.close_course(&w.ctx, cb, date("2026-10-05"), "completed").unwrap();
    w.course(b, "family", "2026-10-20", Some("2026-10-20"));
    // A Faxe citizen is not on Stevns' bill.
    let f = w.client("Faxe Frost", "030370-3333", "0320");
    w.course(f, "alcohol", "2026-10-01", Some("2026-10-01"));
    let s = w.j.settlement(&leader, "0336", "2026-10").unwrap();
    let lines: Vec<(&str, i64, String)> =
        s.lines.iter().map(|l| (l.client.as_str(), l.days, l.amount.storage())).collect();
    assert_eq!(
        lines,
        vec![
            ("Stevns Anker", 22, "3201.00".to_string()),
            ("Stevns Birk", 5, "727.50".to_string()),
            ("Stevns Birk", 12, "5000.00".to_string())
        ]
    );
    assert_eq!(s.total.danish(), "8.928,50 kr.");
    assert!(s.to_csv().ends_with("I alt;;;;;;;;;;8928,50\n"));
    // A course without a price is named, and nothing is settled.
    let c = w.client("Stevns Dag", "040470-4444", "0336");
    let mut r = course_record(c, "alcohol", "2026-10-01", Some("2026-10-01"), w.consultant);
    r.setting = "day".into();
    w.j.enrol(&w.ctx, &r).unwrap();
    let err = w.j.settlement(&leader, "0336", "2026-10").unwrap_err();
    assert_eq!(err.code(), "settlement_incomplete");
    assert!(err.to_string().contains("Stevns Dag (ingen pris for alcohol (day))"), "{err}");
}

proptest! {
    #[test]
    fn suppression_never_publishes_or_betrays_a_small_count(
        grid in prop::collection::vec(prop::collection::vec(0i64..12, 1..5), 1..7),
    ) {
        let width = grid[0].len();
        let rows: Vec<(String, Vec<i64>)> = grid.iter().enumerate()
            .map(|(i, r)| (format!("r{i}"), r.iter().cycle().take(width).copied().collect()))
            .collect();
        let columns: Vec<String> = (0..width).map(|c| format!("c{c}")).collect();
        let t = Table::new("t", "r", columns, rows, true, None);
        let rows_n = t.rows.len();
        let cols_n = t.rows[0].1.len();
        for (r, (_, cells)) in t.rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                // What is published is the true count; nothing published is 1-4.
                if let Cell::Count(n) = cell { prop_assert_eq!(*n, t.raw[r][c]); prop_assert!(!(1..=4).contains(n)); }
            }
        }
        // No line with a published total has exactly one hidden cell.
        let hidden = |r: usize, c: usize| !matches!(t.rows[r].1[c], Cell::Count(_));
        if cols_n > 1 {
            for r in 0..rows_n {
                if !hidden(r, cols_n - 1) {
                    prop_assert_ne!((0..cols_n - 1).filter(|&c| hidden(r, c)).count(), 1);
                }
            }
        }
        for c in 0..cols_n {
            if !hidden(rows_n - 1, c) {
                prop_assert_ne!((0..rows_n - 1).filter(|&r| hidden(r, c)).count(), 1);
            }
        }
    }
}

/// Run a poppler tool (Debian's poppler-utils, installed by scripts/ensure-deps).
fn poppler(tool: &str, args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (run scripts/test)"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn the_annual_report_pdf_renders_to_readable_pages() {
    let w = fixture_year();
    let report = w.j.annual_report(&w.as_staff(w.leader), 2025).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("aarsrapport.pdf");
    std::fs::write(&pdf, tovholder::report::pdf::annual_pdf(&report, "Faxe Rusmiddelcenter").unwrap()).unwrap();
    // The text a reader sees, with Danish letters intact.
    let text = String::from_utf8(poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    for expected in [
        "Årsrapport 2025",
        "Faxe Rusmiddelcenter",
        "25 personer i alkoholbehandling",
        "Behandlingsperiode",
        "Længere end 9 måneder",
        "Færdigbehandlet",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // The age table as published: 30-39 hidden, 40-49 shown.
    let age_line =
        |label: &str| text.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_default().to_string();
    assert!(age_line("30-39 år").trim_end().ends_with('x'), "{}", age_line("30-39 år"));
    assert!(age_line("40-49 år").trim_end().ends_with('8'), "{}", age_line("40-49 år"));
    // Every page renders to an image that is not blank.
    let prefix = dir.path().join("side");
    poppler("pdftoppm", &["-r", "50", "-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    let pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    for p in pages {
        assert!(p.metadata().unwrap().len() > 4000, "{} looks blank", p.path().display());
    }
}

#[test]
fn the_case_review_form_prints_every_child_with_the_questions() {
    let mut w = World::new();
    let client = w.client("Form Formsen", "050580-5555", "0320");
    w.course(client, "alcohol", "2026-10-01", Some("2026-10-02"));
    w.child(client, "Frida Formsen", "2016-04-04", "joint", "with_client");
    let list = w.j.case_review_list(&w.ctx, date(TODAY)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("sagsmoede.pdf");
    std::fs::write(&pdf, tovholder::report::pdf::case_review_pdf(&list, "Faxe Rusmiddelcenter").unwrap()).unwrap();
    let text = String::from_utf8(poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    for expected in [
        "Sagsmøde 23-11-2026",
        "Form Formsen – Frida Formsen (10 år)",
        "1. Forældre",
        "10. Er det relevant, at vi inddrages",
        "Beslutning og ansvarlig",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
