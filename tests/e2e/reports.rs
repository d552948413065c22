//! The leader's Reports area as she uses it (issue 5): the month's settlement
//! for Stevns shown, saved as CSV and PDF, approved and refused a second
//! time; the NAB extract refused while a course is incomplete and written for
//! a complete period; the case-review form printed as PDF. Every file is
//! checked against the core's own computation from the journal file opened
//! after the app has closed.

use std::path::Path;
use std::sync::Arc;

use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::{ClientRecord, CourseRecord, Cpr, FixedClock, Money};
use tovholder::security::keys::{KdfParams, Secret};
use tovholder::{Ctx, Journal};

use crate::harness::{d, open_as_leader, sql, today, App};

/// The journal file, opened through the core as the leader.
fn open(journal: &Path) -> (Journal, Ctx) {
    open_as_leader(journal)
}

/// The encrypted demo journal, made here rather than by the app, with one
/// more Faxe citizen whose alcohol course started on 20-11-2026 without an
/// assessment (the NAB extract must name her until she is assessed), and a
/// Stevns citizen in residential alcohol treatment from 20-11-2026, which the
/// agreement has no price for (November's settlement must name him).
fn demo_with_an_incomplete_course(journal: &Path) {
    let clock = Arc::new(FixedClock::on(today()));
    let file = tovholder::demo::demo_file().unwrap();
    let demo =
        tovholder::demo::make_demo(journal, &file, &Secret::new(DEMO_PASSWORD), clock.clone(), KdfParams::TEST_ONLY)
            .unwrap();
    let mut j = demo.journal;
    let ms = j.staff_by_initials("MS").unwrap();
    let ctx = Ctx::new(ms, clock);
    for (name, cpr, municipality, setting) in [
        ("Nanna Udredningsløs", "040480-4444", "0320", "ambulant"),
        ("Preben Prisløs", "050575-5555", "0336", "residential"),
    ] {
        let client = j
            .add_client(
                &ctx,
                &ClientRecord {
                    id: None,
                    name: name.into(),
                    cpr: Some(Cpr::parse(cpr).unwrap()),
                    anonymous: false,
                    birth_date: None,
                    sex: None,
                    municipality: municipality.into(),
                    address: None,
                    phone: None,
                    email: None,
                },
            )
            .unwrap();
        j.enrol(
            &ctx,
            &CourseRecord {
                id: None,
                client_id: client,
                referral_id: None,
                unit_id: None,
                kind: "alcohol".into(),
                setting: setting.into(),
                enrolled_on: d("2026-11-18"),
                start_on: Some(d("2026-11-20")),
                follow_up_from: None,
                end_on: None,
                end_reason: None,
                case_owner: ms,
                paying_municipality: None,
            },
        )
        .unwrap();
    }
}

/// Render a PDF's pages to PNG with poppler's `pdftoppm`; the page count.
fn render_pdf(pdf: &Path, out: &Path) -> usize {
    std::fs::create_dir_all(out).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "50", "-png", pdf.to_str().unwrap(), out.join("side").to_str().unwrap()])
        .status()
        .expect("pdftoppm mangler (apt-get install poppler-utils, eller kør scripts/test)");
    assert!(status.success(), "pdftoppm {}", pdf.display());
    let pages: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    for p in &pages {
        assert!(p.metadata().unwrap().len() > 2000, "{} looks blank", p.path().display());
    }
    pages.len()
}

fn assert_pdf(pdf: &Path, out: &Path) {
    let bytes = std::fs::read(pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "{}: {:?}", pdf.display(), &bytes[..bytes.len().min(8)]);
    assert!(render_pdf(pdf, out) >= 1, "{}: no pages", pdf.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_leader_settles_stevns_month_approves_it_once_and_writes_nab_and_case_review_files() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    demo_with_an_incomplete_course(&journal);
    let csv = dir.path().join("afregning stevns 2026-10.csv");
    let pdf = dir.path().join("afregning stevns 2026-10.pdf");
    let nab = dir.path().join("nab-2026.csv");
    let review_pdf = dir.path().join("sagsmøde.pdf");
    let app = App::launch(dir.path(), &journal, false).await;

    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.click("[data-nav=reports]").await;
    app.wait_text("[data-screen=reports] .report-table h2", "fordelt på alder").await;
    // The waiting list, oldest first, and end reasons for four years side by side.
    app.el("[data-waiting] tr[data-waiting-now]").await;
    app.click("[data-waiting-started] summary").await;
    app.wait_text("[data-waiting-started] td", "-2026").await;
    app.wait_text("[data-screen=reports] .report-table h2", "Afslutningsårsag 2023-2026").await;
    app.d()
        .execute(
            "document.querySelector(\"[data-report-table='Behandlingstilbud (familier og pårørende med aktivitet i året)']\").scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    app.shot("17-rapporter-flere-aar").await;

    // The annual report for Stevns' citizens only.
    app.choose("[data-screen=reports] select[name=municipality]", "0336").await;
    app.click("[data-screen=reports] .screen-head button[type=submit]").await;
    app.wait_text("[data-people]", "borgere fra Stevns Kommune (0336)").await;

    // Settlement: Stevns and last month are offered first.
    app.click("[data-report-part=settlement]").await;
    assert_eq!(app.value("[data-form=settlement] select[name=payer]").await, "0336");
    assert_eq!(app.value("[data-form=settlement] input[name=month]").await, "2026-10");
    // Bad input first: each message beside its field, nothing shown or saved.
    app.fill("[data-form=settlement] input[name=month]", "2026-13").await;
    app.click("[data-action=show-settlement]").await;
    app.wait_text("[data-settlement] [data-error-for=month]", "«2026-13» er ikke en gyldig måned").await;
    app.fill("[data-form=settlement] input[name=month]", "2026-10").await;
    app.choose("[data-form=settlement] select[name=payer]", "0320").await;
    app.click("[data-action=show-settlement]").await;
    app.wait_text("[data-settlement] [data-error-for=payer]", "Der er ingen aftalepriser for Faxe Kommune (0320)")
        .await;
    assert!(!app.present("[data-settlement-total]").await);
    app.choose("[data-form=settlement] select[name=payer]", "0336").await;
    // November has a course with no agreement price: named, nothing to save.
    app.fill("[data-form=settlement] input[name=month]", "2026-11").await;
    app.click("[data-action=show-settlement]").await;
    let problem = app.text("[data-settlement-problem='Preben Prisløs']").await;
    assert!(problem.contains("ingen aftalepris for Alkoholbehandling (Sundhedsloven §141), døgn"), "{problem}");
    assert!(!app.present("[data-action=approve-settlement]").await && !app.present("[data-form=settlement-csv]").await);
    app.shot("18-afregning-uden-pris").await;
    app.fill("[data-form=settlement] input[name=month]", "2026-10").await;
    app.click("[data-action=show-settlement]").await;
    let total = app.wait_text("[data-settlement-total]", "kr.").await;
    assert_eq!(total, "38.052,50 kr.");
    app.wait_text("[data-settlement-title]", "Afregning til Stevns Kommune (0336) for oktober 2026").await;
    let amount = app.text("tr[data-settlement-line='Allan Bisgaard'] [data-amount]").await;
    assert_eq!(amount, "19.483,50 kr.");
    assert!(!app.present("[data-settlement-approval]").await, "not approved yet");

    app.fill("[data-form=settlement-csv] input[name=path]", "afregning.csv").await;
    app.click("[data-action=save-settlement-csv]").await;
    app.wait_text("[data-form=settlement-csv] [data-error-for=path]", "skriv den fulde sti").await;
    app.fill("[data-form=settlement-csv] input[name=path]", &csv.display().to_string()).await;
    app.click("[data-action=save-settlement-csv]").await;
    app.wait_text("[data-settlement-csv-saved]", "Gemt").await;
    app.fill("[data-form=settlement-pdf] input[name=path]", &pdf.display().to_string()).await;
    app.click("[data-action=save-settlement-pdf]").await;
    app.wait_text("[data-settlement-pdf-saved]", "Gemt").await;
    app.shot("19-afregning").await;

    // Approval: asked first, naming what is approved; stored once; the
    // second time the core's Danish refusal.
    app.click("[data-action=approve-settlement]").await;
    app.wait_text("[data-confirm=approve]", "5 linjer, i alt 38.052,50 kr.").await;
    app.shot("19b-afregning-bekraeft").await;
    app.click("[data-action=confirm-approve]").await;
    app.wait_text("[data-settlement-approved]", "godkendt og gemt").await;
    app.wait_text(
        "[data-settlement-approval]",
        "Godkendt 23-11-2026 af Birgitte Holmsgaard – 5 linjer, i alt 38.052,50 kr.",
    )
    .await;
    app.click("[data-action=approve-settlement]").await;
    app.click("[data-action=confirm-approve]").await;
    let refused = app.wait_text("[data-settlement] [data-error-for=month]", "allerede").await;
    assert_eq!(
        refused,
        "Afregningen til Stevns Kommune (0336) for 2026-10 er allerede godkendt og gemt. Den kan ikke godkendes igen."
    );
    app.shot("20-afregning-godkendt-igen").await;

    // NAB: the incomplete course is named and no file is written; a period
    // before her course starts is complete and is written.
    app.click("[data-report-part=nab]").await;
    assert_eq!(app.value("[data-form=nab] input[name=from]").await, "01-01-2026");
    assert_eq!(app.value("[data-form=nab] input[name=to]").await, "23-11-2026");
    app.fill("[data-form=nab] input[name=path]", &nab.display().to_string()).await;
    app.click("[data-action=save-nab]").await;
    let problem = app.text("[data-nab-problem='Nanna Udredningsløs']").await;
    assert!(problem.contains("udredning"), "{problem}");
    assert!(!nab.exists(), "no file while a course is incomplete");
    app.shot("21-nab-mangler").await;
    // The settlement is still there after a look at another part.
    app.click("[data-report-part=settlement]").await;
    app.wait_text("[data-settlement-total]", "38.052,50 kr.").await;
    app.click("[data-report-part=nab]").await;
    app.fill("[data-form=nab] input[name=to]", "31-10-2026").await;
    app.click("[data-action=save-nab]").await;
    let written = app.wait_text("[data-nab-written]", "forløb er gemt").await;
    assert!(!app.present("[data-nab-incomplete]").await);

    // The case-review form, from the review screen.
    app.click("[data-nav=review]").await;
    app.fill("[data-form=review-pdf] input[name=path]", &review_pdf.display().to_string()).await;
    app.click("[data-action=save-review-pdf]").await;
    app.wait_text("[data-review-pdf-saved]", "Gemt").await;
    app.shot("22-sagsmoede-pdf").await;
    app.quit().await;

    // The files against the core's own computation from the journal file.
    let (j, leader) = open(&journal);
    let s = j.settlement(&leader, "0336", "2026-10").unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text, s.to_csv());
    assert_eq!(text.lines().count(), s.lines.len() + 2, "header, lines, total");
    assert_eq!(text.lines().last().unwrap(), "I alt;;;;;;;;;;38052,50");
    assert_pdf(&pdf, &dir.path().join("afregning-png"));
    assert_pdf(&review_pdf, &dir.path().join("sagsmoede-png"));

    // The approved settlement is in the journal, lines adding up to its total.
    let c = sql(&journal);
    let (id, stored_total): (String, String) = c
        .query_row("SELECT id, total FROM settlement WHERE payer = '0336' AND period = '2026-10'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(stored_total, s.total.storage());
    let amounts: Vec<String> = c
        .prepare("SELECT amount FROM settlement_line WHERE settlement_id = ?1")
        .unwrap()
        .query_map([&id], |r| r.get(0))
        .unwrap()
        .map(|a| a.unwrap())
        .collect();
    assert_eq!(amounts.len(), s.lines.len());
    let sum = amounts.iter().fold(Money::ZERO.decimal(), |acc, a| acc + Money::parse(a, "amount").unwrap().decimal());
    assert_eq!(Money::new(sum).unwrap(), s.total);
    let settlements: i64 = c.query_row("SELECT count(*) FROM settlement", [], |r| r.get(0)).unwrap();
    assert_eq!(settlements, 1, "the second approval wrote nothing");

    // The NAB file is the core's extract for the period.
    let lines = j.nab_extract(&leader, d("2026-01-01"), d("2026-10-31"), "3502").unwrap();
    assert_eq!(std::fs::read_to_string(&nab).unwrap(), tovholder::report::nab_csv(&lines));
    assert!(written.contains(&format!("{} forløb", lines.len())), "{written}");

    // Each file saved is an export in the audit log; the chain is intact.
    let exports: Vec<String> = c
        .prepare("SELECT DISTINCT entity FROM audit_log WHERE action = 'export' ORDER BY entity")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    assert_eq!(exports, ["case_review", "nab_extract", "settlement"]);
    assert_eq!(j.verify_audit().unwrap(), None);
}
