//! The monthly hand-off (issue 14), in the real app on two journals: Faxe's
//! (made from the demo) and Stevns' (Center Familie, its own journal). The
//! two sites are partners and have exchanged once; a month apart both
//! change the same citizen's phone, Faxe the address and Stevns the e-mail.
//! Faxe's leader exports the bundle to a folder in the app; Stevns' leader
//! reads it in the app: the preview first, then applied. The same-field
//! conflict shows in the top bar and on Konflikter, and is resolved there by
//! keyboard only. The accessibility engine checks Konflikter. Afterwards the
//! journals are checked through the core, after Stevns' next bundle: both
//! hold Faxe's phone, both other edits, and no open conflict.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use thirtyfour::prelude::Key;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::{ClientId, ClientRecord, FixedClock, JournalFile, StaffRecord};
use tovholder::security::keys::{KdfParams, Secret};
use tovholder::{Ctx, Journal, Setup};

use crate::harness::{today, App};

/// The shared citizen of the demo (consent to Center Familie, Stevns).
const MICHAEL: &str = "00000000-0000-4000-8000-000300000018";

fn login(path: &Path, initials: &str, clock: &Arc<FixedClock>) -> (Journal, Ctx) {
    Journal::login(path, initials, &Secret::new(DEMO_PASSWORD), clock.clone()).unwrap()
}

/// Register each site's card at the other, as the two leaders do by phone.
fn partners(a: &mut Journal, actx: &Ctx, b: &mut Journal, bctx: &Ctx) {
    let card_a = a.site_card(actx).unwrap();
    let card_b = b.site_card(bctx).unwrap();
    b.add_partner(bctx, &card_a, &card_a.fingerprint()).unwrap();
    a.add_partner(actx, &card_b, &card_b.fingerprint()).unwrap();
}

/// The citizen's form as the demo file has it (neither site changed it
/// before), changed by `f` and saved whole, as a person edits it.
fn edit(j: &mut Journal, ctx: &Ctx, demo: &JournalFile, f: impl FnOnce(&mut ClientRecord)) {
    let id: ClientId = MICHAEL.parse().unwrap();
    let mut r = demo.clients.iter().find(|c| c.id == Some(id)).unwrap().clone();
    r.id = None;
    f(&mut r);
    j.update_client(ctx, id, &r).unwrap();
}

fn field(
    j: &mut Journal,
    ctx: &Ctx,
    f: impl Fn(&tovholder::model::views::ClientView) -> Option<String>,
) -> Option<String> {
    f(&j.client_record(ctx, MICHAEL.parse().unwrap()).unwrap().client)
}

/// The one bundle file numbered `seq` in `dir`.
fn bundle(dir: &Path, seq: u32) -> PathBuf {
    let end = format!("-{seq:04}.tovholder");
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(&end))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn faxe_exports_stevns_previews_imports_and_resolves_the_conflict_by_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let stick = dir.path().join("usb");
    std::fs::create_dir_all(&stick).unwrap();
    let faxe_path = dir.path().join("faxe.journal");
    let stevns_path = dir.path().join("stevns.journal");
    let pw = Secret::new(DEMO_PASSWORD);
    let demo = tovholder::demo::demo_file().unwrap();
    let clock = Arc::new(FixedClock::on(today()));

    // Stevns' own journal: its administrator, the demo's SK, and its leader SL.
    let unit = demo.units.iter().find(|u| u.municipality == "0336").unwrap().clone();
    let unit_id = unit.id.unwrap();
    let admin = StaffRecord {
        id: None,
        unit_id,
        name: "Stevns Administrator".into(),
        initials: "SA".into(),
        role: "administrator".into(),
    };
    let setup = Setup { site_name: "Center Familie, Stevns".into(), unit, first_staff: admin };
    let (mut sj, sa, _) =
        Journal::create_keyed(&stevns_path, &setup, &pw, clock.clone(), KdfParams::TEST_ONLY).unwrap();
    let sk = demo.staff.iter().find(|s| s.initials == "SK").unwrap().clone();
    let sk = sj.add_user(&sa, &sk, &pw, KdfParams::TEST_ONLY).unwrap();
    let leader =
        StaffRecord { id: None, unit_id, name: "Signe Lindholm".into(), initials: "SL".into(), role: "leader".into() };
    sj.add_user(&sa, &leader, &pw, KdfParams::TEST_ONLY).unwrap();

    // Faxe's journal from the demo, after it received Stevns' organisation
    // in Stevns' first bundle; then Faxe's first bundle brings the shared cases.
    let (mut fj, bh, _) = Journal::create_keyed(
        &faxe_path,
        &tovholder::demo::setup_from(&demo).unwrap(),
        &pw,
        clock.clone(),
        KdfParams::TEST_ONLY,
    )
    .unwrap();
    partners(&mut fj, &bh, &mut sj, &sa);
    let s1 = sj.export_bundle(&sa, fj.site(), &stick).unwrap().path;
    fj.import_bundle(&bh, &s1, false).unwrap();
    fj.import(&bh, &demo).unwrap();
    let f1 = fj.export_bundle(&bh, sj.site(), &stick).unwrap().path;
    sj.import_bundle(&sa, &f1, false).unwrap();
    let sk = Ctx::new(sk, clock.clone());
    assert_eq!(field(&mut sj, &sk, |c| Some(c.name.clone())).as_deref(), Some("Michael Skovbo Rask"));

    // A month apart: both change the phone; Faxe the address, Stevns the e-mail (later).
    edit(&mut fj, &bh, &demo, |r| {
        r.phone = Some("20 30 40 50".into());
        r.address = Some("Algade 3, 4673 Rødvig Stevns".into());
    });
    clock.advance(chrono::Duration::hours(3));
    edit(&mut sj, &sk, &demo, |r| {
        r.phone = Some("60 70 80 90".into());
        r.email = Some("michael@example.dk".into());
    });
    drop((fj, sj));

    // Faxe's leader exports to the folder (the USB stick), in the app.
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.keys("body", Key::Alt + "0").await;
    app.wait_text("[data-form=export] select[name=partner]", "Center Familie, Stevns").await;
    app.fill("[data-form=export] input[name=path]", &stick.display().to_string()).await;
    app.click("[data-action=export]").await;
    // The demo's twelve citizens shared with Center Familie travel.
    let done = app.wait_text("[data-export-done]", "Bundle 2 til Center Familie, Stevns: 12 borgere,").await;
    assert!(done.contains("ændringer"), "{done}");
    app.wait_text("[data-partner-list] [data-sent]", "Bundle 2").await;
    app.shot("70-overlevering-eksport").await;
    app.quit().await;
    let file = bundle(&stick, 2);
    assert!(file.file_name().unwrap().to_string_lossy().contains("-til-center-familie-stevns-"), "{file:?}");

    // Stevns' leader reads it: the preview, then applied.
    let app = App::launch(dir.path(), &stevns_path, false).await;
    app.login("SL", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(SL)").await;
    app.el("[data-nav=conflicts]").await;
    assert!(!app.present("[data-action=conflicts-badge]").await, "no conflict is open yet");
    app.keys("body", Key::Alt + "0").await;
    app.fill("[data-form=import] input[name=path]", &file.display().to_string()).await;
    app.click("[data-action=preview-import]").await;
    app.wait_text("[data-preview] h3", "Bundle 2 fra DEMO Faxe Rusmiddelcenter").await;
    app.wait_text("[data-preview] [data-people]", "Michael Skovbo Rask").await;
    app.wait_text("[data-preview] [data-conflict]", "klient").await;
    app.wait_text("[data-preview] [data-summary]", "Intet er skrevet endnu").await;
    app.shot("71-overlevering-forhaandsvisning").await;
    {
        // The preview wrote nothing: no conflict yet.
        let (j, c) = login(&stevns_path, "SL", &clock);
        assert_eq!(j.open_conflict_count(&c).unwrap(), 0);
    }
    app.click("[data-action=apply-import]").await;
    app.wait_text("[data-import-done]", "Bundle 2 fra DEMO Faxe Rusmiddelcenter er indlæst").await;
    app.wait_text("[data-import-done]", "1 konflikt venter").await;
    app.wait_text("[data-action=conflicts-badge]", "1 åben konflikt").await;
    app.shot("72-overlevering-indlaest").await;

    // Konflikter by keyboard only: Alt+K, Tab to the values, the arrow key
    // to Faxe's, Tab to "Behold", Enter.
    app.chord(Key::Alt, 'k').await;
    app.wait_focus("[data-screen=conflicts] h1").await;
    app.wait_text("[data-conflict-person] h2", "Michael Skovbo Rask").await;
    app.wait_text("form.conflict h3", "Klient: telefon").await;
    let sides = app.texts("label.side").await;
    assert_eq!(sides.len(), 2, "{sides:?}");
    assert!(sides[0].contains("60 70 80 90") && sides[0].contains("Center Familie, Stevns"), "{sides:?}");
    assert!(sides[0].contains("Står i journalen nu"), "{sides:?}");
    assert!(sides[1].contains("20 30 40 50") && sides[1].contains("Faxe Rusmiddelcenter"), "{sides:?}");
    assert!(sides.iter().all(|s| s.contains("23-11-2026")), "{sides:?}");
    let found = app.axe_findings().await;
    assert!(found.is_empty(), "serious or critical accessibility findings on Konflikter:\n{}", found.join("\n"));
    app.shot("73-konflikter").await;
    app.tab_to("input[data-value='0']").await;
    app.press(Key::Right).await;
    assert!(app.selected("input[data-value='1']").await, "the arrow key chose Faxe's value");
    app.tab_to("[data-action=keep]").await;
    app.press(Key::Enter).await;
    app.wait_text(
        "[data-resolved]",
        "telefon for Michael Skovbo Rask er nu «20 30 40 50» (fra DEMO Faxe Rusmiddelcenter)",
    )
    .await;
    app.wait_focus("[data-resolved]").await;
    app.el("[data-no-conflicts]").await;
    assert!(!app.present("[data-action=conflicts-badge]").await, "the badge is gone");
    app.shot("74-konflikt-loest").await;
    app.quit().await;

    // Stevns' next bundle carries the resolution; then both journals hold
    // Faxe's phone, Faxe's address, Stevns' e-mail, and no open conflict.
    let (mut sj, sl) = login(&stevns_path, "SL", &clock);
    let (mut fj, bh) = login(&faxe_path, "BH", &clock);
    let s2 = sj.export_bundle(&sl, fj.site(), &stick).unwrap().path;
    fj.import_bundle(&bh, &s2, false).unwrap();
    for (j, c) in [(&mut fj, &bh), (&mut sj, &sl)] {
        assert_eq!(field(j, c, |x| x.phone.clone()).as_deref(), Some("20 30 40 50"));
        assert_eq!(field(j, c, |x| x.address.clone()).as_deref(), Some("Algade 3, 4673 Rødvig Stevns"));
        assert_eq!(field(j, c, |x| x.email.clone()).as_deref(), Some("michael@example.dk"));
        assert_eq!(j.open_conflict_count(c).unwrap(), 0);
    }
}
