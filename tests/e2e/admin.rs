//! The stories of issue 6's desktop part: a newcomer makes a journal for a
//! shared workstation (on the first start, with no path typed), becomes its
//! administrator and gives three colleagues their logins (bad input refused
//! in Danish, nothing changed); a password change; a removed login; the
//! idle lock chosen in the app; the unit's first client (every refused
//! field of the intake shown at once); and the
//! leader's Revisionslog with a citizen's access log, which others are
//! refused by the core.

use std::path::Path;
use std::sync::Arc;

use thirtyfour::prelude::Key;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::FixedClock;
use tovholder::security::keys::{Keyring, Secret};
use tovholder::Journal;

use crate::harness::{App, TODAY};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::on(chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()))
}

fn login(journal: &Path, who: &str, password: &str) -> Result<(Journal, tovholder::Ctx), tovholder::Error> {
    Journal::login(journal, who, &Secret::new(password), clock())
}

const ADMIN_PW: &str = "administrator-kode";

/// Invoke a command from the page as the UI would, answering the error code.
async fn refused_code(app: &App, command: &str, input: serde_json::Value) -> serde_json::Value {
    let script = format!(
        "return window.__TAURI_INTERNALS__.invoke('{command}', {{input: arguments[0]}}).then(() => 'svar', (e) => e.code);"
    );
    app.d().execute(&script, vec![input]).await.unwrap().json().clone()
}

/// Add a member of staff on the Brugere screen.
async fn add_user(app: &App, name: &str, initials: &str, role: &str, password: &str) {
    app.fill("[data-form=add-user] input[name=name]", name).await;
    app.fill("[data-form=add-user] input[name=initials]", initials).await;
    app.choose("[data-form=add-user] select[name=role]", role).await;
    app.fill("[data-form=add-user] input[name=password]", password).await;
    app.fill("[data-form=add-user] input[name=password_again]", password).await;
    app.click("[data-form=add-user] button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_sets_up_a_shared_workstation_with_three_users() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::launch_fresh(dir.path()).await;

    // A new journal, as a new unit meets it on the first start: no path is
    // typed (the file is suggested in the platform's data folder, named for
    // the unit), the municipality is chosen from the list, and its first
    // user is its administrator.
    app.fill("[data-form=create] input[name=unit_name]", "Rusmiddelcentret Stevns").await;
    app.choose("[data-form=create] select[name=municipality]", "0336").await;
    let chosen = app.text("[data-form=create] select[name=municipality] option:checked").await;
    assert_eq!(chosen, "Stevns (0336)");
    let journal = std::path::PathBuf::from(app.value("[data-form=create] input[name=path]").await);
    assert!(
        journal.starts_with(dir.path().join("xdg/data")) && journal.ends_with("Rusmiddelcentret Stevns.journal"),
        "the default file in the data folder: {}",
        journal.display()
    );
    assert!(!journal.exists());
    app.fill("[data-form=create] input[name=staff_name]", "Ib Iversen").await;
    app.fill("[data-form=create] input[name=initials]", "II").await;
    app.fill("[data-form=create] input[name=password]", ADMIN_PW).await;
    app.fill("[data-form=create] input[name=password_again]", ADMIN_PW).await;
    app.click("[data-form=create] button[type=submit]").await;
    app.click("[data-recovery] input[name=key_stored]").await;
    app.click("[data-action=recovery-noted]").await;
    app.wait_text(".topbar .user", "Ib Iversen (II)").await;
    let role = app.attr(".topbar .user", "title").await;
    assert_eq!(role.as_deref(), Some("Administrator"));

    // Brugere, by its keyboard shortcut.
    app.keys("body", Key::Alt + "6").await;
    app.wait_text("[data-table=staff] tr[data-staff=II] [data-field=role]", "Administrator").await;
    add_user(&app, "Lone Lund", "LL", "leader", "lones-kode-2026").await;
    app.wait_text("[data-done]", "LL er oprettet").await;
    add_user(&app, "Mads Holm", "mh", "alcohol_consultant", "mads-kode-2026").await;
    app.wait_text("[data-done]", "MH er oprettet").await;
    add_user(&app, "Pia Sand", "PS", "secretary", "pias-kode-2026").await;
    app.wait_text("[data-done]", "PS er oprettet").await;
    app.wait_text("[data-table=staff] tr[data-staff=PS] [data-field=role]", "Sekretær").await;
    app.wait_text("[data-table=staff] tr[data-staff=MH] [data-field=login]", "Ja").await;
    app.shot("30-brugere").await;

    // Bad input: the Danish message beside its field; nothing changes.
    let keys_before = std::fs::read(Keyring::path_for(&journal)).unwrap();
    add_user(&app, "Karl Kort", "KK", "doctor", "kort").await;
    let msg = app.wait_text("[data-form=add-user] [data-error-for=password]", "Adgangskoden").await;
    assert_eq!(msg, "Adgangskoden skal have mindst 10 tegn.");
    assert_eq!(app.value("[data-form=add-user] input[name=name]").await, "Karl Kort", "nothing typed is lost");
    add_user(&app, "Maja Hansen", "MH", "doctor", "majas-kode-2026").await;
    let msg = app.wait_text("[data-form=add-user] [data-error-for=initials]", "Initialerne").await;
    assert_eq!(msg, "Initialerne «MH» er allerede i brug i enheden.");
    app.fill("[data-form=idle] input[name=idle_minutes]", "0").await;
    app.click("[data-form=idle] button[type=submit]").await;
    let msg = app.wait_text("[data-form=idle] [data-error-for=idle_minutes]", "Minutter").await;
    assert_eq!(msg, "Minutter før låsning skal være mellem 1 og 480.");
    app.shot("31-brugere-fejl").await;
    assert_eq!(app.count("[data-table=staff] tbody tr[data-staff]").await, 4);
    assert_eq!(std::fs::read(Keyring::path_for(&journal)).unwrap(), keys_before, "the keyring is unchanged");

    // The idle lock, a new password for Mads, Pia's login taken away.
    app.fill("[data-form=idle] input[name=idle_minutes]", "15").await;
    app.click("[data-form=idle] button[type=submit]").await;
    app.wait_text("[data-done]", "låses nu efter 15 minutter").await;
    app.wait_text("[data-idle-now]", "efter 15 minutter").await;
    app.click("tr[data-staff=MH] [data-action=new-password]").await;
    app.fill("[data-form=set-password] input[name=password]", "mads-nye-kode-1").await;
    app.fill("[data-form=set-password] input[name=password_again]", "mads-nye-kode-1").await;
    app.click("[data-form=set-password] button[type=submit]").await;
    app.wait_text("[data-done]", "MH har fået en ny adgangskode").await;
    app.click("tr[data-staff=PS] [data-action=remove-login]").await;
    app.wait_text("[data-confirm=remove]", "Pia Sand (PS) kan ikke længere logge ind").await;
    app.click("[data-confirm=remove] [data-action=confirm-remove]").await;
    app.wait_text("[data-done]", "PS kan ikke længere logge ind").await;
    app.wait_text("tr[data-staff=PS] [data-field=active]", "Nej").await;
    app.wait_text("tr[data-staff=PS] [data-field=login]", "Nej").await;
    assert!(!app.present("tr[data-staff=II] [data-action=remove-login]").await, "not one's own login");
    app.shot("32-brugere-fjernet").await;

    // Mads logs in with his new password and meets his role's limits.
    app.click("[data-action=lock]").await;
    app.login("MH", "mads-kode-2026").await;
    app.wait_text("[data-form=login] [data-error-for=_form]", "Forkert brugernavn eller adgangskode.").await;
    app.login("MH", "mads-nye-kode-1").await;
    app.wait_text(".topbar .user", "Mads Holm (MH)").await;
    app.click("[data-nav=users]").await;
    app.wait_text("[data-staff-refused]", "Din rolle giver ikke adgang til at administrere brugere.").await;
    assert!(!app.present("[data-form=add-user]").await && !app.present("[data-form=idle]").await);
    assert_eq!(
        refused_code(&app, "add_user", serde_json::json!({"name": "Snyd", "initials": "SN", "role": "administrator", "unit_id": null, "password": "snyde-kode-123", "password_again": "snyde-kode-123"})).await,
        serde_json::json!("forbidden"),
        "the core refuses, not just the screen"
    );
    // His own password: the current one is checked first.
    app.fill("[data-form=own-password] input[name=current_password]", "forkert-kode-1").await;
    app.fill("[data-form=own-password] input[name=password]", "mads-egen-kode-1").await;
    app.fill("[data-form=own-password] input[name=password_again]", "mads-egen-kode-1").await;
    app.click("[data-form=own-password] button[type=submit]").await;
    let msg = app.wait_text("[data-form=own-password] [data-error-for=current_password]", "forkert").await;
    assert_eq!(msg, "Den nuværende adgangskode er forkert.");
    app.fill("[data-form=own-password] input[name=current_password]", "mads-nye-kode-1").await;
    app.fill("[data-form=own-password] input[name=password]", "mads-egen-kode-1").await;
    app.fill("[data-form=own-password] input[name=password_again]", "mads-egen-kode-1").await;
    app.click("[data-form=own-password] button[type=submit]").await;
    app.wait_text("[data-done]", "Din adgangskode er skiftet").await;
    app.shot("33-egen-adgangskode").await;

    // The unit's first client, on Ny henvendelse. Saved half filled in
    // first: every refused field is shown at once (the core's rules), the
    // focus on the first, and nothing is saved.
    app.keys("body", Key::Alt + "2").await;
    app.fill("[data-form=intake] input[name=cpr]", "070779-2468").await;
    app.click("[data-form=intake] button[type=submit]").await;
    let name_refused = app.wait_text("[data-form=intake] [data-error-for=name]", "Navn").await;
    assert_eq!(name_refused, "Navn skal udfyldes.");
    let date_refused = app.text("[data-form=intake] [data-error-for=received_on]").await;
    assert_eq!(date_refused, "Henvendelsesdato skal udfyldes.");
    assert_eq!(app.count("[data-form=intake] [aria-invalid=true]").await, 2);
    app.wait_focus("[data-form=intake] input[name=name][aria-invalid=true]").await;
    app.fill("[data-form=intake] input[name=name]", "Vilma Vendeby").await;
    app.fill("[data-form=intake] input[name=received_on]", "32-11-2026").await;
    app.click("[data-form=intake] button[type=submit]").await;
    let bad_date = app.wait_text("[data-form=intake] [data-error-for=received_on]", "gyldig dato").await;
    assert_eq!(bad_date, "«32-11-2026» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå.");
    assert!(!app.present("[data-form=intake] [data-error-for=name]").await, "the corrected field is no longer refused");
    app.fill("[data-form=intake] input[name=received_on]", "20-11-2026").await;
    app.click("[data-form=intake] button[type=submit]").await;
    app.wait_text("[data-screen=client] h1", "Vilma Vendeby").await;
    app.click("[data-nav=audit]").await;
    let refused = app.wait_text("[data-screen=audit] [data-error-for=_form]", "adgangsloggen").await;
    assert_eq!(refused, "Din rolle giver ikke adgang til at se adgangsloggen.");

    // Pia's login is gone: the same message as any wrong password.
    app.click("[data-action=lock]").await;
    app.login("PS", "pias-kode-2026").await;
    let msg = app.wait_text("[data-form=login] [data-error-for=_form]", "Forkert").await;
    assert_eq!(msg, "Forkert brugernavn eller adgangskode.");
    app.shot("34-fjernet-login").await;

    // The leader logs in; the new idle time applies to everyone.
    app.login("LL", "lones-kode-2026").await;
    app.wait_text(".topbar .user", "Lone Lund (LL)").await;
    let title = app.attr("[data-action=lock]", "title").await.unwrap_or_default();
    assert!(title.contains("efter 15 minutter"), "{title}");
    app.quit().await;

    // Through the core: four staff, Pia inactive, the idle time kept, Mads's
    // own password works, nothing of the refused attempts, an intact log.
    let (j, admin) = login(&journal, "II", ADMIN_PW).unwrap();
    let staff: Vec<(String, String, bool, bool)> = j
        .staff_accounts(&admin)
        .unwrap()
        .into_iter()
        .map(|a| (a.initials, a.role.code, a.active, a.has_login))
        .collect();
    let want = [
        ("II", "administrator", true, true),
        ("LL", "leader", true, true),
        ("MH", "alcohol_consultant", true, true),
        ("PS", "secretary", false, false),
    ];
    let want: Vec<(String, String, bool, bool)> =
        want.iter().map(|(i, r, a, l)| (i.to_string(), r.to_string(), *a, *l)).collect();
    let mut staff = staff;
    staff.sort();
    assert_eq!(staff, want);
    assert_eq!(j.idle_minutes().unwrap(), 15);
    assert_eq!(j.verify_audit().unwrap(), None);
    drop(j);
    // The first client, once, with the referral's date as typed.
    let (mut j, leader) = login(&journal, "LL", "lones-kode-2026").unwrap();
    let found = j.client_list(&leader, "", &Default::default(), 10).unwrap();
    assert_eq!(found.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Vilma Vendeby"]);
    let r = j.client_record(&leader, found[0].id).unwrap();
    assert_eq!(r.referrals.len(), 1);
    assert_eq!(r.referrals[0].received_on, crate::harness::d("2026-11-20"));
    drop(j);
    assert!(login(&journal, "MH", "mads-egen-kode-1").is_ok());
    assert_eq!(login(&journal, "PS", "pias-kode-2026").unwrap_err().code(), "login_failed");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_leader_reads_the_revisionslog_and_a_citizens_access_log() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let app = App::launch(dir.path(), &journal, true).await;

    // The consultant reads Kim Halvorsen's record; the Revisionslog is not his.
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text("[data-screen=clients] tbody", "Halvorsen").await;
    app.search("Kim Halvorsen").await;
    app.click("tbody tr[data-client='Kim Halvorsen'] button").await;
    app.wait_text(".client-head", "Kim Halvorsen").await;
    app.keys("body", Key::Alt + "7").await;
    let refused = app.wait_text("[data-screen=audit] [data-error-for=_form]", "adgangsloggen").await;
    assert_eq!(refused, "Din rolle giver ikke adgang til at se adgangsloggen.");
    assert!(!app.present("[data-table=audit]").await);
    let filter = serde_json::json!({"from": "", "to": "", "staff_id": null, "action": "", "before": null});
    assert_eq!(refused_code(&app, "audit_page", filter).await, serde_json::json!("forbidden"));
    app.shot("35-revisionslog-afvist").await;

    // The leader: the chain is intact, the newest entries first, MS's read
    // of Kim among them.
    app.click("[data-action=lock]").await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.click("[data-nav=audit]").await;
    app.wait_text("[data-audit]", "Adgangsloggen er intakt").await;
    let first = app.text("[data-table=audit] tbody tr").await;
    assert!(first.contains("BH") && first.contains("logget ind"), "newest first: {first}");
    app.wait_text("[data-table=audit] tr[data-action-code=read] [data-field=person]", "Kim Halvorsen").await;
    app.shot("36-revisionslog").await;

    // Filtered: MS's reads today.
    app.fill("[data-form=audit-filter] input[name=from]", "23-11-2026").await;
    app.fill("[data-form=audit-filter] input[name=to]", "23-11-2026").await;
    app.choose("[data-form=audit-filter] select[name=staff]", "00000000-0000-4000-8000-000200000002").await;
    app.choose("[data-form=audit-filter] select[name=action]", "read").await;
    app.click("[data-form=audit-filter] button[type=submit]").await;
    app.wait_text("[data-table=audit] tbody", "Kim Halvorsen").await;
    let rows = app.texts("[data-table=audit] tbody tr").await;
    assert!(!rows.is_empty());
    for t in rows {
        assert!(t.contains("MS") && t.contains("læst") && !t.contains("logget ind"), "{t}");
    }
    app.wait_text("[data-pager]", "Side 1").await;
    app.shot("37-revisionslog-filter").await;
    // A date that is no date: beside its field.
    app.fill("[data-form=audit-filter] input[name=from]", "32-11-2026").await;
    app.click("[data-form=audit-filter] button[type=submit]").await;
    let msg = app.wait_text("[data-form=audit-filter] [data-error-for=from]", "gyldig dato").await;
    assert_eq!(msg, "«32-11-2026» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå.");

    // The citizen's question: who has looked at Kim Halvorsen's record?
    app.fill("[data-form=access] input[name=query]", "Halvorsen").await;
    app.click("[data-form=access] button[type=submit]").await;
    app.click("[data-access] [data-person='Kim Halvorsen']").await;
    app.wait_text("[data-access-for='Kim Halvorsen']", "Adgang til Kim Halvorsen").await;
    let read = app.wait_text("[data-table=access] tr[data-access-entry=read]", "Mikkel Sønderby (MS)").await;
    assert!(read.contains("Faxe Rusmiddelcenter") && read.contains("læst"), "{read}");
    app.shot("38-borgers-adgangslog").await;
    app.quit().await;

    // Through the core: the leader's lookup is itself in the log.
    let (mut j, leader) = login(&journal, "BH", DEMO_PASSWORD).unwrap();
    let kim = j
        .client_list(&leader, "Kim Halvorsen", &tovholder::store::ClientFilter::default(), 5)
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Kim Halvorsen")
        .unwrap();
    let mut j = j;
    let log = j.access_log(&leader, kim.id.0).unwrap();
    assert!(log.iter().any(|e| e.initials == "BH" && e.what.as_deref() == Some("audit_log")), "{log:?}");
}
