//! Reports against a hand-counted fixture year (2025): every figure of the
//! annual report, the suppression rule, waiting times, the NAB extract's
//! completeness check and the settlement's totals to the øre.

use chrono::Months;
use tovholder::model::*;
use tovholder::report::{Cell, ReportFile, Table};

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
            // The 1 beside the heading's 25: hiding the 8 leaves it 1-4 (a hidden
            // 5 or 6 would leave it 1 or 1-2, since an "x" is 5 or more).
            row("30-39 år", &["5"]),
            row("40-49 år", &["x"]),
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
    // 25 people, 22 without children: the other 3 would be the <5, so the 22 is hidden.
    assert_eq!(kids[6], row("Ingen børn", &["x"]));
    assert_eq!(kids.len(), 7, "everyone answered: no 'Ikke registreret' row");
    assert_eq!(
        cells(t("fordelt på afslutningsårsag")),
        vec![
            // 2 + 1 beside 14: hiding the 6 leaves each 1-3; hiding the 5, only 1-2.
            row("Færdigbehandlet", &["x"]),
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
    // Each year as in its own report, no total across the years.
    assert_eq!(years.columns, vec!["2022", "2023", "2024", "2025"]);
    assert_eq!(cells(years)[0], row("Færdigbehandlet", &["0", "0", "<5", "x"]));
    assert_eq!(cells(years).last().unwrap(), &row("I alt", &["0", "0", "<5", "14"]));
    for table in &report.tables {
        assert_no_count_below_five(table);
    }
    // Only the leader sees reports.
    assert_eq!(w.j.annual_report(&w.ctx, 2025).unwrap_err().code(), "forbidden");
}

#[test]
fn the_annual_report_for_one_paying_municipality_counts_only_its_courses() {
    let mut w = fixture_year();
    let leader = w.as_staff(w.leader);
    let all = w.j.annual_report(&leader, 2025).unwrap();
    // Every fixture person is a Faxe citizen: Faxe's report is the whole report.
    let faxe = w.j.annual_report_for(&leader, 2025, Some("0320")).unwrap();
    assert_eq!(faxe.municipality.as_deref(), Some("Faxe Kommune (0320)"));
    assert_eq!((faxe.people, &faxe.tables), (all.people, &all.tables));
    assert_eq!(all.municipality, None);
    // One Stevns citizen in treatment in 2025, ended in 2025.
    let s = w.client("Stevns Årsperson", "010170-1111", "0336");
    let c = w.course(s, "alcohol", "2025-03-01", Some("2025-03-03"));
    w.j.close_course(&w.ctx, c, date("2025-05-01"), "completed").unwrap();
    let stevns = w.j.annual_report_for(&leader, 2025, Some("0336")).unwrap();
    assert_eq!(stevns.people, 1);
    let ended = stevns.tables.iter().find(|t| t.title.contains("fordelt på afslutningsårsag")).unwrap();
    assert_eq!(cells(ended)[0], row("Færdigbehandlet", &["<5"]));
    assert!(stevns.to_text().contains("Borgere fra Stevns Kommune (0336)"));
    assert_eq!(w.j.annual_report(&leader, 2025).unwrap().people, all.people + 1);
    let err = w.j.annual_report_for(&leader, 2025, Some("9999")).unwrap_err();
    assert_eq!((err.code(), err.invalid().and_then(|i| i.field())), ("unknown_municipality", Some("municipality")));
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
    // No institution code, or a period that ends before it starts: refused by field.
    for (institution, (f, t), code, field) in
        [("  ", (from, to), "required", "institution"), ("3502", (to, from), "date_order", "to")]
    {
        let err = w.j.nab_extract(&leader, f, t, institution).unwrap_err();
        assert_eq!((err.code(), err.invalid().and_then(|i| i.field())), (code, Some(field)), "{err}");
    }
    // A new course with no assessment stops the extract, by name.
    let c = w.client("Mangler Madsen", "040480-4444", "0320");
    w.course(c, "alcohol", "2025-06-01", Some("2025-06-02"));
    let err = w.j.nab_extract(&leader, from, to, "3502").unwrap_err();
    assert_eq!(err.code(), "nab_incomplete");
    assert!(err.to_string().contains("Mangler Madsen (mangler udredning)"), "{err}");
}

/// Stevns' prices from 2026 (alcohol per day, family per course) and three
/// Stevns courses in October 2026 (22 days, 5 days, a family course
/// started), plus a Faxe citizen who is not on Stevns' bill.
fn stevns_october(w: &mut World) {
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
    let a = w.client("Stevns Anker", "010170-1111", "0336");
    w.course(a, "alcohol", "2026-10-10", Some("2026-10-10"));
    let b = w.client("Stevns Birk", "020270-2222", "0336");
    let cb = w.course(b, "alcohol", "2026-09-01", Some("2026-09-01"));
    w.j.close_course(&w.ctx, cb, date("2026-10-05"), "completed").unwrap();
    w.course(b, "family", "2026-10-20", Some("2026-10-20"));
    let f = w.client("Faxe Frost", "030370-3333", "0320");
    w.course(f, "alcohol", "2026-10-01", Some("2026-10-01"));
}

#[test]
fn the_settlement_adds_up_to_the_oere() {
    let mut w = World::new();
    stevns_october(&mut w);
    let leader = w.as_staff(w.leader);
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
    assert!(s.to_csv().ends_with("I alt;;;;;;;;;;8928,50\r\n"));
    // A course without a price is named, and nothing is settled.
    let c = w.client("Stevns Dag", "040470-4444", "0336");
    let mut r = course_record(c, "alcohol", "2026-10-01", Some("2026-10-01"), w.consultant);
    r.setting = "day".into();
    w.j.enrol(&w.ctx, &r).unwrap();
    let err = w.j.settlement(&leader, "0336", "2026-10").unwrap_err();
    assert_eq!(err.code(), "settlement_incomplete");
    assert!(
        err.to_string().contains("Stevns Dag (ingen aftalepris for Alkoholbehandling (Sundhedsloven §141), dag)"),
        "{err}"
    );
}

/// A stored line: the citizen's name, days and amount (storage form).
type StoredLine = (String, i64, String);

/// A stored settlement's total and lines, read back from the journal's tables.
fn stored_settlement(w: &World, payer: &str, period: &str) -> Option<(String, Vec<StoredLine>)> {
    let c = sql(&w.j);
    let (id, total): (String, String) = c
        .query_row("SELECT id, total FROM settlement WHERE payer = ?1 AND period = ?2", [payer, period], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ok()?;
    let mut stmt = c
        .prepare(
            "SELECT cl.name, l.days, l.amount FROM settlement_line l JOIN client cl ON cl.id = l.client_id
             WHERE l.settlement_id = ?1 ORDER BY cl.name, l.amount",
        )
        .unwrap();
    let lines = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect();
    Some((total, lines))
}

#[test]
fn an_approved_settlement_is_stored_once_with_lines_that_add_up() {
    let mut w = World::new();
    stevns_october(&mut w);
    let leader = w.as_staff(w.leader);
    let computed = w.j.settlement(&leader, "0336", "2026-10").unwrap();

    // Others may not approve; nothing is written.
    let before = snapshot(&w.j);
    let consultant = w.as_staff(w.consultant);
    assert_eq!(w.j.approve_settlement(&consultant, "0336", "2026-10").unwrap_err().code(), "forbidden");
    assert_eq!(snapshot(&w.j), before);

    let a = w.j.approve_settlement(&leader, "0336", "2026-10").unwrap();
    assert_eq!((a.payer.as_str(), a.period.as_str(), a.lines), ("0336", "2026-10", 3));
    assert_eq!(a.total, computed.total);
    assert_eq!(a.made_on, date(TODAY));
    assert_eq!(w.j.settlement_approval(&leader, "0336", "2026-10").unwrap(), Some(a.clone()));
    assert_eq!(w.j.settlement_approval(&leader, "0336", "2026-09").unwrap(), None);

    // The stored rows: the lines the core computed, adding up to the stored total.
    let (total, lines) = stored_settlement(&w, "0336", "2026-10").unwrap();
    assert_eq!(total, "8928.50");
    assert_eq!(
        lines,
        vec![
            ("Stevns Anker".to_string(), 22, "3201.00".to_string()),
            ("Stevns Birk".to_string(), 12, "5000.00".to_string()),
            ("Stevns Birk".to_string(), 5, "727.50".to_string()),
        ]
    );
    let sum: rust_decimal::Decimal = lines.iter().map(|(_, _, a)| a.parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(sum.to_string(), total);
    // Written through the one write path: sync stamps and audit entries.
    let c = sql(&w.j);
    let unstamped: i64 = c
        .query_row(
            "SELECT (SELECT count(*) FROM settlement WHERE version = 0 OR origin_site = '' OR created_by = '')
                  + (SELECT count(*) FROM settlement_line WHERE version = 0 OR origin_site = '' OR created_by = '')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unstamped, 0);
    let audited: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'create' AND entity IN ('settlement', 'settlement_line')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 4);
    let people: i64 = c
        .query_row("SELECT count(DISTINCT person_id) FROM audit_log WHERE entity = 'settlement_line'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(people, 2, "each line is logged on its citizen");
    assert_eq!(w.j.verify_audit().unwrap(), None);

    // A second approval of the same month is refused in Danish and changes nothing.
    let before = snapshot(&w.j);
    let err = w.j.approve_settlement(&leader, "0336", "2026-10").unwrap_err();
    assert_eq!(err.code(), "settlement_already_approved");
    assert_eq!(
        err.to_string(),
        "Afregningen til Stevns Kommune (0336) for 2026-10 er allerede godkendt og gemt. Den kan ikke godkendes igen."
    );
    assert_eq!(err.invalid().and_then(|i| i.field()), Some("month"));
    assert_eq!(snapshot(&w.j), before);

    // Bad input: each refused with its code, nothing written.
    for (payer, month, code) in [
        ("0336", "2026-13", "month_format"),
        ("0336", "oktober", "month_format"),
        ("0336", "2026-1", "month_format"),
        ("9999", "2026-10", "unknown_municipality"),
        ("0320", "2026-10", "no_agreement"),
        ("0336", "2025-01", "settlement_empty"),
    ] {
        let err = w.j.approve_settlement(&leader, payer, month).unwrap_err();
        assert_eq!(err.code(), code, "{payer} {month}: {err}");
        assert_eq!(snapshot(&w.j), before, "{payer} {month}");
    }
    // Another month is a settlement of its own.
    let nov = w.j.approve_settlement(&leader, "0336", "2026-11").unwrap();
    assert_eq!(nov.lines, 1, "only the open alcohol course; the family course was priced in October");
    assert_eq!(stored_settlement(&w, "0336", "2026-11").unwrap().0, nov.total.storage());
}

#[test]
fn an_approved_settlement_travels_in_the_journal_file_and_a_wrong_total_is_refused() {
    let mut w = World::new();
    stevns_october(&mut w);
    let leader = w.as_staff(w.leader);
    w.j.approve_settlement(&leader, "0336", "2026-10").unwrap();
    let file = w.j.export(&leader).unwrap();
    assert_eq!(file.settlements.len(), 1);
    assert_eq!(file.settlements[0].lines.len(), 3);

    // Into a new journal: the same settlement, the same lines.
    let dir = tempfile::tempdir().unwrap();
    let setup =
        tovholder::Setup { site_name: "Kopi".into(), unit: file.units[0].clone(), first_staff: file.staff[0].clone() };
    let clock = std::sync::Arc::new(FixedClock::on(date(TODAY)));
    let (mut copy, ctx) = tovholder::Journal::create(&dir.path().join("kopi.journal"), &setup, clock).unwrap();
    copy.import(&ctx, &file).unwrap();
    assert_eq!(copy.export(&ctx).unwrap().settlements, file.settlements);

    // A file whose lines do not add up to the total is refused whole.
    let mut bad = file.clone();
    bad.settlements[0].id = Some(SettlementId::new());
    bad.settlements[0].period = "2026-09".into();
    bad.settlements[0].lines.iter_mut().for_each(|l| l.id = None);
    bad.settlements[0].total = Money::parse("1,00", "total").unwrap();
    let before = snapshot(&copy);
    let err = copy.import(&ctx, &bad).unwrap_err();
    assert_eq!(err.code(), "settlement_total");
    assert!(err.to_string().contains("settlements"), "{err}");
    assert_eq!(snapshot(&copy), before);
    // The same month twice is refused too.
    let mut twice = file.clone();
    twice.settlements[0].id = Some(SettlementId::new());
    twice.settlements[0].lines.iter_mut().for_each(|l| l.id = None);
    assert_eq!(copy.import(&ctx, &twice).unwrap_err().code(), "settlement_already_approved");
    assert_eq!(snapshot(&copy), before);
}

#[test]
fn the_settlement_pdf_names_every_line_and_the_total() {
    let mut w = World::new();
    stevns_october(&mut w);
    let s = w.j.settlement(&w.as_staff(w.leader), "0336", "2026-10").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("afregning.pdf");
    std::fs::write(&pdf, tovholder::report::pdf::settlement_pdf(&s, "Faxe Rusmiddelcenter").unwrap()).unwrap();
    let text = String::from_utf8(poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    for expected in [
        "Afregning 2026-10 til Stevns Kommune (0336)",
        "Fra Faxe Rusmiddelcenter. 3 linjer.",
        "010170-1111",
        "10-10 – 31-10, 22 dage",
        "3.201,00 kr.",
        "727,50 kr.",
        "5.000,00 kr.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let total = text.lines().find(|l| l.trim_start().starts_with("I alt")).unwrap_or_default();
    assert!(total.trim_end().ends_with("8.928,50 kr."), "{total}");
}

#[test]
fn a_saved_report_file_is_an_export_in_each_named_citizens_access_log() {
    let mut w = World::new();
    let a = w.client("Eksport Anker", "010170-1111", "0336");
    let b = w.client("Eksport Birk", "020270-2222", "0336");
    let leader = w.as_staff(w.leader);
    let consultant = w.as_staff(w.consultant);
    let before = snapshot(&w.j);
    let err = w.j.log_report_export(&consultant, ReportFile::Settlement, &[a], "0336 2026-10 csv").unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(snapshot(&w.j), before);
    w.j.log_report_export(&leader, ReportFile::Settlement, &[a, b, a], "0336 2026-10 csv").unwrap();
    w.j.log_report_export(&leader, ReportFile::Nab, &[], "2026-01-01 2026-10-31 rows=0").unwrap();
    let rows: Vec<(Option<String>, String, String)> = sql(&w.j)
        .prepare("SELECT person_id, entity, detail FROM audit_log WHERE action = 'export' ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some(a.to_string()), "settlement".into(), "0336 2026-10 csv".into()),
            (Some(b.to_string()), "settlement".into(), "0336 2026-10 csv".into()),
            (None, "nab_extract".into(), "2026-01-01 2026-10-31 rows=0".into()),
        ]
    );
    assert_eq!(w.j.verify_audit().unwrap(), None);
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
        // The grouped charts of the tables with several years side by side.
        "Grå stump: tallet er under 5 eller skjult og tegnes ikke.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(text.matches("Grå stump").count(), 2, "one legend per table of several years");
    // The age table as published: 30-39 hidden, 40-49 shown.
    let age_line =
        |label: &str| text.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_default().to_string();
    assert!(age_line("30-39 år").trim_end().ends_with('5'), "{}", age_line("30-39 år"));
    assert!(age_line("40-49 år").trim_end().ends_with('x'), "{}", age_line("40-49 år"));
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

/// The citizen's insight report as a PDF: the whole record and who looked,
/// with Danish letters intact; saving it is an export in their access log,
/// and only the leader may make it.
#[test]
fn the_insight_report_pdf_holds_the_record_and_the_access_log() {
    let mut w = World::new();
    let client = w.client("Åse Indsigtsen", "070770-7777", "0320");
    w.course(client, "alcohol", "2026-10-01", Some("2026-10-02"));
    w.j.add_note(&w.ctx, &note(client, "2026-10-05", "Første samtale om søvn og tømmermænd.")).unwrap();
    w.j.client_record(&w.ctx, client).unwrap();
    let consultant = w.ctx.clone();
    assert_eq!(w.j.person_report(&consultant, client).unwrap_err().code(), "forbidden");
    let leader = w.as_staff(w.leader);
    let report = w.j.person_report(&leader, client).unwrap();
    let bytes = tovholder::report::pdf::person_report_pdf(&report, "Faxe Rusmiddelcenter").unwrap();
    assert_eq!(
        w.j.log_report_export(&consultant, ReportFile::Insight, &[client], "pdf").unwrap_err().code(),
        "forbidden"
    );
    w.j.log_report_export(&leader, ReportFile::Insight, &[client], "pdf").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("indsigt.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let text = String::from_utf8(poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    for expected in [
        "Indsigt – Åse Indsigtsen",
        "Alt, hvad Faxe Rusmiddelcenter har registreret om borgeren, udskrevet 23-11-2026.",
        "CPR: 070770-7777",
        "Første samtale om søvn",
        "oprettet: journalnotat",
        "Forløb",
        "Første samtale om søvn og tømmermænd.",
        "Hvem har set eller ændret journalen",
        "oprettet",
        "læst",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let info = String::from_utf8(poppler("pdfinfo", &[pdf.to_str().unwrap()]).stdout).unwrap();
    assert!(info.contains("Indsigt – Åse Indsigtsen"), "{info}");
    let log = w.j.access_log(&leader, client.0).unwrap();
    assert!(log.iter().any(|e| e.action == "export" && e.what_label.as_deref() == Some("indsigtsrapport")), "{log:?}");
}

/// Read CSV files with Python's `csv` module (an independent reader), as
/// Danish Excel would: ';'-separated, UTF-8 with the byte-order mark
/// stripped. Returns, per file, whether it began with the mark and its rows.
fn python_csv(files: &[&std::path::Path]) -> Vec<(bool, Vec<Vec<String>>)> {
    let script = r#"
import csv, json, sys
out = []
for path in sys.argv[1:]:
    bom = open(path, 'rb').read().startswith(b'\xef\xbb\xbf')
    with open(path, newline='', encoding='utf-8-sig') as f:
        out.append([bom, list(csv.reader(f, delimiter=';'))])
print(json.dumps(out))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("python3: {e} (run scripts/test)"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn csv_files_read_back_with_an_independent_reader_with_danish_letters_and_separators_intact() {
    let mut w = World::new();
    stevns_october(&mut w);
    // A name with the separator, a quote and Danish letters.
    let c = w.client("Søren \"Sø\" Ærø; Østergård", "050570-5555", "0336");
    w.course(c, "alcohol", "2026-10-20", Some("2026-10-20"));
    let leader = w.as_staff(w.leader);
    let s = w.j.settlement(&leader, "0336", "2026-10").unwrap();
    let year = fixture_year();
    let year_leader = year.as_staff(year.leader);
    let report = year.j.annual_report(&year_leader, 2025).unwrap();
    let lines = year.j.nab_extract(&year_leader, date("2025-01-01"), date("2025-12-31"), "3502").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (settlement, annual, nab) =
        (dir.path().join("afregning.csv"), dir.path().join("aarsrapport.csv"), dir.path().join("nab.csv"));
    std::fs::write(&settlement, s.to_csv()).unwrap();
    let ended = report.tables.iter().find(|t| t.title.contains("fordelt på afslutningsårsag")).unwrap();
    std::fs::write(&annual, ended.to_csv()).unwrap();
    std::fs::write(&nab, tovholder::report::nab_csv(&lines)).unwrap();
    let read = python_csv(&[&settlement, &annual, &nab]);

    // The settlement: header, a line per course with every field as written, the total.
    let (bom, rows) = &read[0];
    assert!(bom, "Danish Excel needs the byte-order mark");
    assert_eq!(rows[0][0], "klient");
    assert_eq!(rows.len(), s.lines.len() + 2);
    for (row, l) in rows[1..].iter().zip(&s.lines) {
        assert_eq!(row.len(), 11);
        assert_eq!(
            (row[0].as_str(), row[1].as_str(), row[7].as_str()),
            (l.client.as_str(), l.cpr.as_str(), &*l.days.to_string())
        );
    }
    assert!(rows.iter().any(|r| r[0] == "Søren \"Sø\" Ærø; Østergård"), "{rows:?}");
    assert_eq!(rows.last().unwrap()[0], "I alt");
    assert_eq!(rows.last().unwrap()[10], s.total.storage().replace('.', ","));

    // The annual report's table: the cells as published, Danish letters intact.
    let (bom, rows) = &read[1];
    assert!(bom);
    assert_eq!(rows[0], vec!["Afslutningsårsag", "Forløb"]);
    assert_eq!(rows[1], vec!["Færdigbehandlet", "x"]);
    assert_eq!(rows[3], vec!["Udeblevet", "<5"]);
    assert_eq!(rows[10], vec!["I alt", "14"]);

    // The NAB extract: for the register's import, no byte-order mark.
    let (bom, rows) = &read[2];
    assert!(!bom);
    assert_eq!(rows[0].join(";"), tovholder::report::NAB_HEADER);
    assert_eq!(rows.len(), lines.len() + 1);
    assert!(rows[1..].iter().all(|r| r.len() == 19 && r[0] == "3502"));
}

#[test]
fn the_pdfs_metadata_reads_in_danish() {
    let w = fixture_year();
    let leader = w.as_staff(w.leader);
    let report = w.j.annual_report(&leader, 2025).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("årsrapport.pdf");
    std::fs::write(&pdf, tovholder::report::pdf::annual_pdf(&report, "Færgeby Rusmiddelcenter").unwrap()).unwrap();
    let info = String::from_utf8(poppler("pdfinfo", &[pdf.to_str().unwrap()]).stdout).unwrap();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {info}"))
    };
    assert_eq!(field("Title"), "Årsrapport 2025");
    assert_eq!(field("Subject"), "Årsrapport 2025");
    assert_eq!(field("Author"), "Færgeby Rusmiddelcenter");
    assert!(field("Producer").starts_with("Tovholder "), "{info}");
    assert!(!info.contains('Ã'), "{info}");
    // The text still reads after the metadata is rewritten.
    let text = String::from_utf8(poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    assert!(text.contains("Årsrapport 2025"), "{text}");
}

/// Seed 003 counts families "med aktivitet" in the year: ended, newly
/// started and running over from the year before (13 in 2013).
#[test]
fn family_courses_are_the_families_with_activity_in_the_year_as_seed_003_counts_them() {
    let mut w = World::new();
    let mut n = 0;
    let mut family = |w: &mut World, start: &str, end: Option<&str>| {
        n += 1;
        let c = w.anonymous_client(&format!("Familie {n:02}"));
        let course = w.course(c, "family", start, Some(start));
        if let Some(end) = end {
            w.j.close_course(&w.ctx, course, date(end), "completed").unwrap();
        }
    };
    for _ in 0..5 {
        family(&mut w, "2012-09-01", None); // running over from 2012
    }
    for _ in 0..4 {
        family(&mut w, "2013-04-01", None); // newly started
    }
    for _ in 0..4 {
        family(&mut w, "2012-10-01", Some("2013-03-01")); // ended in 2013
    }
    family(&mut w, "2012-01-10", Some("2012-06-01")); // ended before 2013
    family(&mut w, "2014-01-10", None); // started after
    let report = w.j.annual_report(&w.as_staff(w.leader), 2013).unwrap();
    let offers = report.tables.iter().find(|t| t.title.starts_with("Behandlingstilbud")).unwrap();
    assert_eq!(offers.columns, vec!["2010", "2011", "2012", "2013"]);
    assert_eq!(cells(offers)[1], row("Familieforløb", &["0", "0", "10", "13"]));
    assert!(offers.note.as_deref().unwrap().contains("Med aktivitet"));
}
