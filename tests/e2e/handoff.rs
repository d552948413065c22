//! The monthly hand-off (issue 14), in the real app on two journals: Faxe's
//! (made from the demo) and Stevns' (Center Familie, its own journal).
//!
//! 1. The partners register each other **in the app** from the site card
//!    files, the fingerprint read aloud (typed in) and compared; Stevns'
//!    first bundle brings its organisation to Faxe.
//! 2. Faxe's consultant records a joint session with Stevns' family
//!    consultant and a notification about a child of a Stevns family, and
//!    exports the bundle to a folder (the USB stick). (Faxe's leader reads
//!    Stevns' first bundle in the app before that.)
//! 3. Stevns' leader previews it (nothing but the preview's access entries
//!    is written) and applies it.
//! 4. Both sites change the same citizen's phone and e-mail in the app
//!    (the client page's "Ret stamdata", filled in from the record); Faxe
//!    also the address, Stevns three hours later.
//! 5. They exchange again in the app, both ways: an altered copy of Faxe's
//!    bundle is refused with the core's Danish message and nothing changed;
//!    the real one opens the two conflicts at Stevns; Stevns' bundle opens
//!    them at Faxe too. Stevns' leader settles them on Konflikter by
//!    keyboard only (axe-checked): keeps Faxe's phone, and writes a new
//!    e-mail instead of either (the form opened, cancelled with Escape,
//!    opened again, saved with Enter); Faxe reads the whole folder
//!    (several bundles, one new) and both conflicts have closed there too.
//!
//! Afterwards the journal files are checked through the core: both hold
//! Faxe's phone, Faxe's address, the new e-mail, the session and the
//! notification, and no open conflict.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thirtyfour::prelude::Key;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::{Clock, FixedClock, StaffRecord};
use tovholder::security::keys::{KdfParams, Keyring, Secret};
use tovholder::{Ctx, Journal, Setup};

use crate::harness::{today, App};

/// The shared citizen of the demo (consent to Center Familie, Stevns; he
/// lives in Stevns, and his children have a case there).
const MICHAEL: &str = "00000000-0000-4000-8000-000300000018";
/// Center Familie, Stevns Kommune: the unit of Stevns' journal.
const STEVNS_UNIT: &str = "00000000-0000-4000-8000-000100000003";
const FAXE: &str = "DEMO Faxe Rusmiddelcenter";
const STEVNS: &str = "Center Familie, Stevns";
const NOTIFICATION: &str = "Magnus fortæller om uro derhjemme om aftenen.";
/// The e-mail Stevns' leader writes instead of either site's.
const NEW_EMAIL: &str = "michael.rask@example.dk";

fn login(path: &Path, initials: &str, clock: &Arc<FixedClock>) -> (Journal, Ctx) {
    Journal::login(path, initials, &Secret::new(DEMO_PASSWORD), clock.clone()).unwrap()
}

/// Michael's master data edited in the app as a person does: found by
/// name, his page's "Ret stamdata" opened (filled in from the record, the
/// phone still the demo's), `fields` typed over, saved; the Kontakt panel
/// then shows the new values. `shot` names a screenshot of the filled form.
async fn edit_michael(app: &App, fields: &[(&str, &str)], shot: Option<&str>) {
    app.search("Skovbo").await;
    app.click("tr[data-client='Michael Skovbo Rask'] button").await;
    app.wait_text("[data-screen=client] h1", "Michael Skovbo Rask").await;
    app.click("[data-panel=contact] [data-action=edit-client]").await;
    let form = "form[data-form=edit-client]";
    assert_eq!(app.value(&format!("{form} input[name=name]")).await, "Michael Skovbo Rask");
    assert_eq!(app.value(&format!("{form} input[name=phone]")).await, "12 34 50 15", "filled in from the record");
    for (name, value) in fields {
        app.fill(&format!("{form} input[name={name}]"), value).await;
    }
    if let Some(name) = shot {
        app.shot(name).await;
    }
    app.click(&format!("{form} [data-action=save-client]")).await;
    app.wait_text("[data-panel=contact] [data-client-saved]", "Stamdata er gemt.").await;
    for (name, value) in fields {
        app.wait_text(&format!("[data-panel=contact] [data-field={name}]"), value).await;
    }
}

/// The one bundle file to `to` (its file-name form) numbered `seq` in `dir`.
fn bundle(dir: &Path, to: &str, seq: u32) -> PathBuf {
    let end = format!("-{seq:04}.tovholder");
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(&end) && name.contains(&format!("-til-{to}-"))
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

/// Everything the journal file holds, read by a connection of the test's
/// own (the key unwrapped with `initials`' password): each table's rows,
/// sorted, as text. The access log is returned apart.
type Content = (BTreeMap<String, Vec<String>>, Vec<(String, Option<String>)>);
fn content(journal: &Path, initials: &str) -> Content {
    let ring = Keyring::load(journal).unwrap();
    let (key, _) = ring.unlock_user(initials, &Secret::new(DEMO_PASSWORD)).unwrap().unwrap();
    let c = rusqlite::Connection::open(journal).unwrap();
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str())).unwrap();
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'audit_log'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut data = BTreeMap::new();
    for t in tables {
        let mut s = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = s.column_count();
        let mut rows: Vec<String> = s
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        data.insert(t, rows);
    }
    let audit = c
        .prepare("SELECT action, purpose FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (data, audit)
}

/// Import `file` in the app's Overlevering screen: the preview first (what
/// changes, nothing written), then applied. Returns the result line.
async fn import_file(app: &App, file: &Path, from: &str, seq: u32) -> String {
    app.fill("[data-form=import] input[name=path]", &file.display().to_string()).await;
    app.click("[data-action=preview-import]").await;
    app.wait_text("[data-preview] h3", &format!("Bundle {seq} fra {from}")).await;
    app.wait_text("[data-preview] [data-summary]", "Intet er skrevet endnu").await;
    app.click("[data-action=apply-import]").await;
    app.wait_text("[data-import-done]", &format!("Bundle {seq} fra {from} er indlæst")).await
}

/// Export the next bundle to `dir` in the app; returns the result line.
async fn export_to(app: &App, dir: &Path, to: &str) -> String {
    app.wait_text("[data-form=export] select[name=partner]", to).await;
    app.fill("[data-form=export] input[name=path]", &dir.display().to_string()).await;
    app.click("[data-action=export]").await;
    app.wait_text("[data-export-done]", &format!(" til {to}: ")).await
}

/// The leader's sight of a partner's card in the app: read it, see the
/// fingerprint large, type what the partner reads aloud, register.
async fn register_partner(app: &App, card: &Path, name: &str, read_aloud: &str) {
    app.fill("[data-form=partner-card] input[name=path]", &card.display().to_string()).await;
    app.click("[data-action=read-card]").await;
    app.wait_text("[data-form=partner-confirm] h3", &format!("Registrér «{name}» som partner?")).await;
    let shown = app.text("[data-form=partner-confirm] [data-fingerprint]").await;
    assert_eq!(shown, read_aloud, "the fingerprint shown is the one the partner reads aloud");
    app.fill("[data-form=partner-confirm] input[name=fingerprint]", read_aloud).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_sites_register_exchange_preview_import_and_resolve_a_conflict_in_the_app() {
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
    let setup = Setup { site_name: STEVNS.into(), unit, first_staff: admin };
    let (mut sj, sa, _) =
        Journal::create_keyed(&stevns_path, &setup, &pw, clock.clone(), KdfParams::TEST_ONLY).unwrap();
    let sk = demo.staff.iter().find(|s| s.initials == "SK").unwrap().clone();
    sj.add_user(&sa, &sk, &pw, KdfParams::TEST_ONLY).unwrap();
    let leader =
        StaffRecord { id: None, unit_id, name: "Signe Lindholm".into(), initials: "SL".into(), role: "leader".into() };
    sj.add_user(&sa, &leader, &pw, KdfParams::TEST_ONLY).unwrap();
    // Stevns' card, as its administrator sent it to Faxe (by secure mail).
    let stevns_card = sj.site_card(&sa).unwrap();
    let stevns_fingerprint = stevns_card.fingerprint();
    let stevns_card_file = stick.join("stedkort-stevns.json");
    std::fs::write(&stevns_card_file, stevns_card.to_json()).unwrap();
    drop(sj);
    // Faxe's journal, the demo's set-up only so far (its cases name Stevns'
    // unit and staff, which come in Stevns' first bundle).
    let (fj, _, _) = Journal::create_keyed(
        &faxe_path,
        &tovholder::demo::setup_from(&demo).unwrap(),
        &pw,
        clock.clone(),
        KdfParams::TEST_ONLY,
    )
    .unwrap();
    drop(fj);

    // 1. Faxe's leader saves Faxe's card (its fingerprint to read aloud)
    // and registers Stevns from its card, the fingerprint Stevns reads aloud.
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.keys("body", Key::Alt + "0").await;
    app.el("[data-no-partners]").await;
    let faxe_card_file = stick.join("stedkort-faxe.json");
    app.fill("[data-form=site-card] input[name=path]", &faxe_card_file.display().to_string()).await;
    app.click("[data-action=save-card]").await;
    let faxe_fingerprint = app.text("[data-card-saved] [data-fingerprint]").await;
    assert!(faxe_card_file.exists());
    register_partner(&app, &stevns_card_file, STEVNS, &stevns_fingerprint).await;
    app.shot("68-partner-fingeraftryk").await;
    app.click("[data-action=register-partner]").await;
    app.wait_text("[data-registered]", &format!("«{STEVNS}» er registreret som partner.")).await;
    app.wait_text("[data-partner-list] [data-sent]", "Ingen endnu").await;
    app.quit().await;

    // Stevns' leader registers Faxe (Faxe reads its fingerprint aloud) and
    // sends the first bundle: Stevns' organisation.
    let app = App::launch(dir.path(), &stevns_path, false).await;
    app.login("SL", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(SL)").await;
    app.keys("body", Key::Alt + "0").await;
    register_partner(&app, &faxe_card_file, FAXE, &faxe_fingerprint).await;
    app.click("[data-action=register-partner]").await;
    app.wait_text("[data-registered]", &format!("«{FAXE}» er registreret som partner.")).await;
    app.shot("69-partner-registreret").await;
    let done = export_to(&app, &stick, FAXE).await;
    assert!(done.starts_with(&format!("Bundle 1 til {FAXE}: ")), "{done}");
    app.quit().await;

    // Faxe's leader reads it in the app; then the demo's cases are Faxe's
    // own (set-up data, through the core).
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.keys("body", Key::Alt + "0").await;
    import_file(&app, &bundle(&stick, "demo-faxe-rusmiddelcenter", 1), STEVNS, 1).await;
    app.wait_text("[data-partner-list] [data-received]", "Bundle 1").await;
    app.quit().await;
    {
        let (mut fj, bh) = login(&faxe_path, "BH", &clock);
        fj.import(&bh, &demo).unwrap();
        let ms = demo.staff.iter().find(|s| s.initials == "MS").and_then(|s| s.id).unwrap();
        fj.set_login(&Ctx::new(ms, clock.clone()), ms, &pw, KdfParams::TEST_ONLY).unwrap();
    }

    // 2. Faxe's consultant records a joint session with Stevns' family
    // consultant and a notification about Magnus to Center Familie, then
    // exports the month's bundle to the stick.
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(MS)").await;
    app.search("Skovbo").await;
    app.click("tr[data-client='Michael Skovbo Rask'] button").await;
    app.click("[data-tab=sessions]").await;
    app.click("[data-action=add-session]").await;
    app.choose("[data-form=session] select[name=kind]", "joint").await;
    app.fill("[data-form=session] input[name=held_on]", "20-11-2026").await;
    app.fill("[data-form=session] input[name=minutes]", "90").await;
    app.fill("[data-form=session] input[name=place]", "Center Familie, Store Heddinge").await;
    app.click("[data-form=session] input[name=staff][data-initials=SK]").await;
    app.click("[data-form=session] button[type=submit]").await;
    let session = app.wait_text("article.session", "20-11-2026").await;
    assert!(session.contains("Søren Klitgaard") && session.contains("Mikkel Sønderby"), "{session}");
    app.click("[data-tab=children]").await;
    let magnus = "article.child[data-child='Magnus Skovbo Rask']";
    app.click(&format!("{magnus} [data-action=add-notification]")).await;
    app.fill(&format!("{magnus} [data-form=notification] input[name=made_on]"), "20-11-2026").await;
    app.choose(&format!("{magnus} [data-form=notification] select[name=to_unit]"), STEVNS_UNIT).await;
    app.fill(&format!("{magnus} [data-form=notification] input[name=recipient]"), "Center Familie, Stevns Kommune")
        .await;
    app.fill(&format!("{magnus} [data-form=notification] textarea[name=reason]"), NOTIFICATION).await;
    app.click(&format!("{magnus} [data-form=notification] button[type=submit]")).await;
    app.wait_text(&format!("{magnus} [data-field=notifications]"), NOTIFICATION).await;
    app.keys("body", Key::Alt + "0").await;
    let done = export_to(&app, &stick, STEVNS).await;
    assert!(done.starts_with(&format!("Bundle 1 til {STEVNS}: 12 borgere, ")), "{done}");
    app.wait_text("[data-partner-list] [data-sent]", "Bundle 1").await;
    app.shot("70-overlevering-eksport").await;
    app.quit().await;
    let f1 = bundle(&stick, "center-familie-stevns", 1);

    // 3. Stevns' leader previews it: what changes per person, nothing
    // written but the access entries of the names shown; then applies it.
    let app = App::launch(dir.path(), &stevns_path, false).await;
    app.login("SL", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(SL)").await;
    app.el("[data-nav=conflicts]").await;
    app.keys("body", Key::Alt + "0").await;
    app.wait_text("[data-partner-list] [data-received]", "Ingen endnu").await;
    let before = content(&stevns_path, "SL");
    app.fill("[data-form=import] input[name=path]", &f1.display().to_string()).await;
    app.click("[data-action=preview-import]").await;
    app.wait_text("[data-preview] h3", &format!("Bundle 1 fra {FAXE}")).await;
    app.wait_text("[data-preview] [data-people]", "Michael Skovbo Rask").await;
    app.wait_text("[data-preview] [data-no-conflicts]", "Ingen konflikter opstår.").await;
    app.wait_text("[data-preview] [data-summary]", "Intet er skrevet endnu").await;
    app.shot("71-overlevering-forhaandsvisning").await;
    let after = content(&stevns_path, "SL");
    assert!(before.0 == after.0, "the preview changed the journal's data");
    let added = &after.1[before.1.len()..];
    assert!(after.1.starts_with(&before.1), "the access log was rewritten");
    assert!(!added.is_empty(), "the names shown are logged as reads");
    assert!(
        added.iter().all(|(a, p)| a == "read" && p.as_deref() == Some("Forhåndsvisning af bundle")),
        "the preview wrote more than its reads: {added:?}"
    );
    app.click("[data-action=apply-import]").await;
    let done = app.wait_text("[data-import-done]", &format!("Bundle 1 fra {FAXE} er indlæst")).await;
    assert!(!done.contains("konflikt"), "{done}");
    app.wait_text("[data-partner-list] [data-received]", "Bundle 1").await;
    // The client list and the client page mark the case that came from
    // Faxe, and the day it last travelled.
    app.click("[data-nav=clients]").await;
    let mark = format!("Delt med {FAXE} · sidst udvekslet {}", tovholder::model::time::danish(today()));
    app.wait_text("tr[data-client='Michael Skovbo Rask'] [data-shared]", &mark).await;
    app.click("tr[data-client='Michael Skovbo Rask'] button").await;
    app.wait_text("[data-screen=client] .facts [data-shared]", &mark).await;
    app.shot("71b-klient-delt-med").await;
    app.quit().await;

    // 4. A month apart both change Michael's phone and e-mail on his page
    // (Stevns later); Faxe also the address. Faxe's leader first.
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    let faxe_edit =
        [("phone", "20 30 40 50"), ("address", "Algade 3, 4673 Rødvig Stevns"), ("email", "m.skovbo@example.dk")];
    edit_michael(&app, &faxe_edit, Some("71c-ret-stamdata")).await;
    app.shot("71d-stamdata-gemt").await;
    app.quit().await;
    // Three hours later at Stevns (its app's clock too), the family
    // consultant who shares the case.
    clock.advance(chrono::Duration::hours(3));
    let later = clock.now().to_rfc3339();
    let app = App::launch_with(dir.path(), &stevns_path, false, &[("TOVHOLDER_NOW", &later)]).await;
    app.login("SK", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(SK)").await;
    edit_michael(&app, &[("phone", "60 70 80 90"), ("email", "michael@example.dk")], None).await;
    app.quit().await;

    // 5. Faxe's leader sends the next bundle, by keyboard: Alt+0, the
    // folder typed into its field, Enter.
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.keys("body", Key::Alt + "0").await;
    app.wait_text("[data-form=export] select[name=partner]", STEVNS).await;
    app.fill("[data-form=export] input[name=path]", &stick.display().to_string()).await;
    app.press(Key::Enter).await;
    let done = app.wait_text("[data-export-done]", &format!(" til {STEVNS}: ")).await;
    assert!(done.starts_with(&format!("Bundle 2 til {STEVNS}: ")), "{done}");
    app.quit().await;
    let f2 = bundle(&stick, "center-familie-stevns", 2);

    // Stevns: an altered copy is refused with the core's message, and
    // nothing changes; the real one opens the two conflicts.
    let altered = dir.path().join("ændret");
    std::fs::create_dir_all(&altered).unwrap();
    let altered = altered.join(f2.file_name().unwrap());
    let mut bytes = std::fs::read(&f2).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&altered, bytes).unwrap();
    let app = App::launch(dir.path(), &stevns_path, false).await;
    app.login("SL", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(SL)").await;
    app.keys("body", Key::Alt + "0").await;
    app.wait_text("[data-partner-list] [data-received]", "Bundle 1").await;
    let before = content(&stevns_path, "SL");
    app.fill("[data-form=import] input[name=path]", &altered.display().to_string()).await;
    app.click("[data-action=preview-import]").await;
    app.wait_text(
        "[data-import] [role=alert]",
        "Bundlen er ændret eller beskadiget (for eksempel afbrudt under kopieringen); intet er ændret. Bed afsenderen om at skrive den igen.",
    )
    .await;
    assert!(!app.present("[data-preview]").await, "no preview of a refused bundle");
    app.shot("75-overlevering-afvist").await;
    assert!(before == content(&stevns_path, "SL"), "the refused bundle changed the journal");
    // The real one by keyboard: its path typed, Enter shows the preview
    // (the focus on its heading), Tab to "Indlæs bundle 2", Enter.
    app.fill("[data-form=import] input[name=path]", &f2.display().to_string()).await;
    app.press(Key::Enter).await;
    app.wait_text("[data-preview] [data-conflicts]", "2 konflikter opstår:").await;
    app.wait_focus("#preview-title").await;
    app.tab_to("[data-action=apply-import]").await;
    app.press(Key::Enter).await;
    let done = app.wait_text("[data-import-done]", &format!("Bundle 2 fra {FAXE} er indlæst")).await;
    assert!(done.contains(" ændringer. 2 konflikter venter på at blive afgjort."), "{done}");
    app.wait_text("[data-action=conflicts-badge]", "2 åbne konflikter").await;
    app.shot("72-overlevering-indlaest").await;
    // Stevns' own edit goes to Faxe before anyone chooses.
    let done = export_to(&app, &stick, FAXE).await;
    assert!(done.starts_with(&format!("Bundle 2 til {FAXE}: ")), "{done}");

    // Konflikter by keyboard only: Alt+K, Tab to the phone's values, the
    // arrow key to Faxe's, Tab to "Behold", Enter.
    let phone = format!("form[data-conflict='{MICHAEL}/phone']");
    let email = format!("form[data-conflict='{MICHAEL}/email']");
    app.chord(Key::Alt, 'k').await;
    app.wait_focus("[data-screen=conflicts] h1").await;
    app.wait_text("[data-conflict-person] h2", "Michael Skovbo Rask").await;
    app.wait_text(&format!("{phone} h3"), "Klient: telefon").await;
    app.wait_text(&format!("{email} h3"), "Klient: e-mail").await;
    let sides = app.texts(&format!("{phone} label.side")).await;
    assert_eq!(sides.len(), 2, "{sides:?}");
    assert!(sides[0].contains("60 70 80 90") && sides[0].contains(STEVNS), "{sides:?}");
    assert!(sides[0].contains("Står i journalen nu"), "{sides:?}");
    assert!(sides[1].contains("20 30 40 50") && sides[1].contains("Faxe Rusmiddelcenter"), "{sides:?}");
    assert!(sides.iter().all(|s| s.contains("23-11-2026")), "{sides:?}");
    let sides = app.texts(&format!("{email} label.side")).await;
    assert!(sides.len() == 2 && sides[0].contains("michael@example.dk"), "{sides:?}");
    assert!(sides[1].contains("m.skovbo@example.dk"), "{sides:?}");
    let found = app.axe_findings().await;
    assert!(found.is_empty(), "serious or critical accessibility findings on Konflikter:\n{}", found.join("\n"));
    app.shot("73-konflikter").await;
    app.tab_to(&format!("{phone} input[data-value='0']")).await;
    app.press(Key::Right).await;
    assert!(app.selected(&format!("{phone} input[data-value='1']")).await, "the arrow key chose Faxe's value");
    app.tab_to(&format!("{phone} [data-action=keep]")).await;
    app.press(Key::Enter).await;
    app.wait_text("[data-resolved]", &format!("telefon for Michael Skovbo Rask er nu «20 30 40 50» (fra {FAXE})"))
        .await;
    app.wait_focus("[data-resolved]").await;
    app.wait_text("[data-action=conflicts-badge]", "1 åben konflikt").await;
    app.shot("74-konflikt-loest").await;

    // The e-mail: neither site's, a new one. Tab to "Skriv en ny værdi",
    // Enter opens the form on the e-mail field (the value in the journal
    // now to start from); Escape closes it and the focus is back on the
    // button; Enter opens it again, the new address typed, Enter saves.
    let new_value = format!("{email} [data-action=new-value]");
    let form = format!("form[data-new-value='{MICHAEL}/email']");
    let field = format!("{form} [data-new-column=email]");
    app.tab_to(&new_value).await;
    app.press(Key::Enter).await;
    app.wait_focus(&field).await;
    assert_eq!(app.value(&field).await, "michael@example.dk", "the value in the journal now to start from");
    app.press(Key::Escape).await;
    app.wait_focus(&new_value).await;
    assert!(!app.present(&form).await, "Escape closed the form");
    app.press(Key::Enter).await;
    app.wait_focus(&field).await;
    app.chord(Key::Control, 'a').await;
    app.press(NEW_EMAIL).await;
    let found = app.axe_findings().await;
    assert!(
        found.is_empty(),
        "serious or critical accessibility findings in the new value's form:\n{}",
        found.join("\n")
    );
    // The screenshot takes the focus away (harness); Tab brings it back.
    app.shot("77-konflikt-ny-vaerdi").await;
    app.tab_to(&field).await;
    assert_eq!(app.value(&field).await, NEW_EMAIL);
    app.press(Key::Enter).await;
    app.wait_text(
        "[data-resolved]",
        &format!(
            "e-mail for Michael Skovbo Rask er nu «{NEW_EMAIL}» (en ny værdi). Afgørelsen sendes med næste bundle"
        ),
    )
    .await;
    app.wait_focus("[data-resolved]").await;
    app.el("[data-no-conflicts]").await;
    assert!(!app.present("[data-action=conflicts-badge]").await, "the badge is gone");
    app.shot("78-konflikter-loest").await;
    // The choice travels in the next bundle.
    app.keys("body", Key::Alt + "0").await;
    let done = export_to(&app, &stick, FAXE).await;
    assert!(done.starts_with(&format!("Bundle 3 til {FAXE}: ")), "{done}");
    app.quit().await;

    // Faxe's leader reads Stevns' bundle 2: both conflicts are open at Faxe
    // too; then the whole stick, where only bundle 3 is new: they close.
    let app = App::launch(dir.path(), &faxe_path, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.keys("body", Key::Alt + "0").await;
    let done = import_file(&app, &bundle(&stick, "demo-faxe-rusmiddelcenter", 2), STEVNS, 2).await;
    assert!(done.contains("2 konflikter venter"), "{done}");
    app.wait_text("[data-action=conflicts-badge]", "2 åbne konflikter").await;
    app.fill("[data-form=import-dir] input[name=path]", &stick.display().to_string()).await;
    app.click("[data-action=preview-import-dir]").await;
    let s3 = bundle(&stick, "demo-faxe-rusmiddelcenter", 3);
    let s3_name = s3.file_name().unwrap().to_string_lossy().into_owned();
    let lines = {
        app.wait_text(&format!("[data-folder-file='{s3_name}']"), &format!("Bundle 3 fra {STEVNS}: ")).await;
        app.texts("[data-folder-preview] li").await
    };
    assert_eq!(lines.len(), 3, "Stevns' three bundles, and none of Faxe's own: {lines:?}");
    assert!(lines.iter().filter(|l| l.contains("er allerede indlæst; intet ændres.")).count() == 2, "{lines:?}");
    app.wait_text("[data-action=apply-import-dir]", "Indlæs 1 bundle").await;
    app.shot("76-overlevering-mappe").await;
    app.click("[data-action=apply-import-dir]").await;
    app.wait_text(&format!("[data-folder-result='{s3_name}']"), &format!("Indlæst: Bundle 3 fra {STEVNS}")).await;
    app.wait_text("[data-partner-list] [data-received]", "Bundle 3").await;
    assert!(!app.present("[data-action=conflicts-badge]").await, "the conflicts closed at Faxe too");
    app.chord(Key::Alt, 'k').await;
    app.el("[data-no-conflicts]").await;
    app.quit().await;

    // The journal files hold exactly that: Faxe's phone, Faxe's address,
    // the new e-mail, the joint session and the notification, no conflict.
    let (mut sj, sl) = login(&stevns_path, "SL", &clock);
    let (mut fj, bh) = login(&faxe_path, "BH", &clock);
    for (site, j, c) in [("Faxe", &mut fj, &bh), ("Stevns", &mut sj, &sl)] {
        let r = j.client_record(c, MICHAEL.parse().unwrap()).unwrap();
        assert_eq!(r.client.phone.as_deref(), Some("20 30 40 50"), "{site}");
        assert_eq!(r.client.address.as_deref(), Some("Algade 3, 4673 Rødvig Stevns"), "{site}");
        assert_eq!(r.client.email.as_deref(), Some(NEW_EMAIL), "{site}");
        let joint: Vec<_> = r.sessions.iter().filter(|s| s.held_on == crate::harness::d("2026-11-20")).collect();
        assert_eq!(joint.len(), 1, "{site}: {joint:?}");
        assert_eq!((joint[0].kind.code.as_str(), joint[0].minutes), ("joint", Some(90)), "{site}");
        let who: Vec<&str> = joint[0].participants.iter().map(|p| p.name.as_str()).collect();
        assert!(who.contains(&"Søren Klitgaard") && who.contains(&"Mikkel Sønderby"), "{site}: {who:?}");
        let magnus = r.children.iter().find(|ch| ch.name == "Magnus Skovbo Rask").unwrap();
        let n: Vec<_> = magnus.notifications.iter().filter(|n| n.reason == NOTIFICATION).collect();
        assert_eq!(n.len(), 1, "{site}");
        assert_eq!(n[0].made_on, crate::harness::d("2026-11-20"), "{site}");
        assert_eq!(j.open_conflict_count(c).unwrap(), 0, "{site}");
    }
}
