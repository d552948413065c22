//! The product as a new unit meets it (issue 16): the app starts at its start
//! screen, tells its version under "Om Tovholder" (F1), and the demo journal
//! can never be mistaken for a real one: it says DEMO on every screen, and
//! its file cannot become a real journal.
//!
//! `scripts/package-check` runs this story against the installed package's
//! binary (`TOVHOLDER_E2E_APP=/usr/bin/tovholder-desktop`).

use tovholder::demo::DEMO_PASSWORD;

use crate::harness::App;

#[tokio::test(flavor = "multi_thread")]
async fn the_app_starts_at_its_start_screen_tells_its_version_and_marks_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::launch_fresh(dir.path()).await;

    // A fresh start: the start screen, no journal chosen.
    app.el("[data-screen=start] [data-form=create]").await;
    assert!(!app.present(".topbar").await && !app.present("[data-demo-banner]").await);
    app.shot("50-start").await;

    // F1: "Om Tovholder" with the version the package carries.
    app.keys("body", "\u{E031}").await;
    let version = app.wait_text("[data-dialog=about] [data-version]", env!("CARGO_PKG_VERSION")).await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    app.shot("51-om-tovholder").await;
    app.click("[data-action=close-about]").await;

    // The demo button: the login screen says DEMO before anyone logs in …
    let demo_path = app.text("[data-demo-path]").await;
    app.click("[data-action=open-demo]").await;
    app.el("[data-screen=login] [data-form=login]").await;
    let banner = app.wait_text("[data-demo-banner]", "DEMO").await;
    assert!(banner.contains("opdigtede personer"), "{banner}");
    // … and every screen after it, with the DEMO unit in the header.
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text(".topbar .unit", "DEMO").await;
    for nav in ["clients", "intake", "waiting", "review", "users", "groups"] {
        app.click(&format!("[data-nav={nav}]")).await;
        app.wait_text("[data-demo-banner]", "DEMO").await;
    }
    app.shot("52-demo-banner").await;

    // The demo's file cannot be made into a real journal.
    app.click("[data-action=lock]").await;
    app.click("[data-action=other-journal]").await;
    app.fill("[data-form=create] input[name=path]", &demo_path).await;
    app.fill("[data-form=create] input[name=unit_name]", "Rusmiddelcentret").await;
    app.fill("[data-form=create] input[name=staff_name]", "Ib Iversen").await;
    app.fill("[data-form=create] input[name=initials]", "II").await;
    app.fill("[data-form=create] input[name=password]", "en-lang-adgangskode-2026").await;
    app.fill("[data-form=create] input[name=password_again]", "en-lang-adgangskode-2026").await;
    app.click("[data-form=create] button[type=submit]").await;
    let refused = app.wait_text("[data-form=create] [data-error-for=path]", "Demojournalens").await;
    assert_eq!(refused, "Demojournalens fil kan ikke blive en rigtig journal. Vælg en anden fil.");
    assert!(!app.present("[data-recovery]").await && !app.present(".topbar").await);

    // A real journal: its file is suggested in the app's data folder, named
    // for the unit; the recovery key is saved as a file and its safe keeping
    // confirmed before the journal opens.
    let suggested = app.value("[data-form=create] input[name=path]").await;
    app.fill("[data-form=create] input[name=path]", "").await;
    app.fill("[data-form=create] input[name=unit_name]", "Rusmiddelcentret Nord").await;
    let suggested_now = app.value("[data-form=create] input[name=path]").await;
    assert_eq!(suggested, demo_path, "the typed path stays until it is cleared");
    assert!(
        suggested_now.ends_with("Rusmiddelcentret Nord.journal") && suggested_now.contains("dk.tovholder.test"),
        "{suggested_now}"
    );
    let journal = dir.path().join("nord.journal");
    app.fill("[data-form=create] input[name=path]", &journal.display().to_string()).await;
    app.click("[data-form=create] button[type=submit]").await;
    let key = app.text("[data-recovery-key]").await;
    assert!(app.attr("[data-action=recovery-noted]", "disabled").await.is_some(), "not before the key is stored");
    let key_file = dir.path().join("gendannelsesnøgle.txt");
    let saved = app
        .d()
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('save_recovery_key', {input: {path: arguments[0], key: arguments[1]}});",
            vec![serde_json::json!(key_file.display().to_string()), serde_json::json!(key)],
        )
        .await
        .unwrap();
    assert_eq!(saved.json(), &serde_json::json!(key_file.display().to_string()));
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(text.contains(&format!("Nøgle: {key}")) && text.contains("nord.journal"), "{text}");
    app.shot("53-gendannelsesnoegle").await;
    app.click("[data-recovery] input[name=key_stored]").await;
    app.click("[data-action=recovery-noted]").await;
    app.wait_text(".topbar .unit", "Rusmiddelcentret Nord").await;
    assert!(!app.present("[data-demo-banner]").await, "a real journal has no DEMO banner");
    app.quit().await;

    // The next start opens the last journal at its login screen.
    let app = App::launch_fresh(dir.path()).await;
    let shown = app.wait_text("[data-screen=login] .journal-path", "nord.journal").await;
    assert_eq!(shown, journal.display().to_string());
    assert!(!app.present("[data-demo-banner]").await);
    app.quit().await;

    // The demo journal is still the demo: its unit says DEMO.
    let (j, _) = tovholder::Journal::login(
        std::path::Path::new(&demo_path),
        "BH",
        &tovholder::security::keys::Secret::new(DEMO_PASSWORD),
        std::sync::Arc::new(tovholder::model::FixedClock::on(crate::harness::today())),
    )
    .unwrap();
    assert!(j.unit_name().unwrap().starts_with("DEMO "), "{}", j.unit_name().unwrap());
}

/// The accessibility engine (axe-core, WCAG 2.1 A and AA rules) finds nothing
/// serious or critical on the start and login screens (with their refusals,
/// the restore confirmation, the recovery form and Om Tovholder), on every
/// main screen of the side menu as the leader opens it in the demo journal
/// (Overlevering too), on the forms behind the Grupper and client-tab
/// buttons, on the intake's refusals, insight, and the guide.
#[tokio::test(flavor = "multi_thread")]
async fn the_accessibility_engine_finds_nothing_serious_on_the_main_screens() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::launch_fresh(dir.path()).await;
    let mut found = Vec::new();
    app.el("[data-screen=start] [data-form=create]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("start: {f}")));
    // The start screen's refusals (every field of the new journal at once)
    // and its confirmation before a restore.
    app.click("[data-form=create] button[type=submit]").await;
    app.el("[data-form=create] [aria-invalid=true]").await;
    for (field, message) in [
        ("name", "Navn skal udfyldes."),
        ("staff_name", "Medarbejderens navn skal udfyldes."),
        ("initials", "Initialer skal udfyldes."),
        ("password", "Adgangskoden skal have mindst 10 tegn."),
    ] {
        assert_eq!(app.text(&format!("[data-form=create] [data-error-for={field}]")).await, message);
    }
    assert_eq!(app.count("[data-form=create] [aria-invalid=true]").await, 4, "every refused field at once");
    app.wait_focus("[data-form=create] input[name=unit_name]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("start/refused: {f}")));
    app.click("[data-action=restore]").await;
    app.el("[data-confirm=restore]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("start/confirm: {f}")));
    app.click("[data-action=cancel-restore]").await;
    app.click("[data-action=about]").await;
    app.el("[data-dialog=about] [data-version]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("about: {f}")));
    app.click("[data-action=close-about]").await;
    app.click("[data-action=open-demo]").await;
    app.el("[data-screen=login] [data-form=login]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("login: {f}")));
    app.click("[data-action=start-recovery]").await;
    app.el("[data-form=recover] input[name=recovery_key]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("login/recovery: {f}")));
    app.click("[data-action=back-to-login]").await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "Birgitte").await;
    for (nav, ready) in [
        ("clients", "[data-screen=clients] tbody tr"),
        ("intake", "[data-screen=intake] form"),
        ("waiting", "[data-screen=waiting]"),
        ("review", "[data-screen=review] form"),
        ("reports", "[data-screen=reports]"),
        ("safety", "[data-screen=safety] [data-form=backup]"),
        ("users", "[data-screen=users] form"),
        ("audit", "[data-table=audit] tbody tr"),
        ("groups", "[data-screen=groups] [data-action=open-group]"),
        ("handoff", "[data-screen=handoff] [data-no-partners]"),
    ] {
        app.click(&format!("[data-nav={nav}]")).await;
        app.el(ready).await;
        found.extend(app.axe_findings().await.into_iter().map(|f| format!("{nav}: {f}")));
    }
    // Overlevering with this site's card saved (its fingerprint shown).
    let card = dir.path().join("stedkort.json");
    app.fill("[data-form=site-card] input[name=path]", &card.display().to_string()).await;
    app.click("[data-action=save-card]").await;
    app.el("[data-card-saved] [data-fingerprint]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("handoff/card: {f}")));
    // The forms behind a button, and the intake's refusals shown.
    for (nav, open, ready) in [
        ("groups", "[data-action=open-group]", "[data-action=add-member]"),
        ("", "[data-action=add-member]", "[data-form=group-member]"),
        ("", "[data-action=record-meeting]", "[data-form=group-meeting]"),
        ("groups", "[data-action=new-group]", "[data-form=group]"),
        ("intake", "[data-form=intake] button[type=submit]", "[data-form=intake] [aria-invalid=true]"),
    ] {
        if !nav.is_empty() {
            app.click(&format!("[data-nav={nav}]")).await;
        }
        app.click(open).await;
        app.el(ready).await;
        found.extend(app.axe_findings().await.into_iter().map(|f| format!("{open}: {f}")));
    }
    app.click("[data-nav=clients]").await;
    app.search("Kim Halvorsen").await;
    app.click("tbody tr[data-client='Kim Halvorsen'] button").await;
    for tab in ["overview", "children", "courses", "plan", "sessions"] {
        app.click(&format!("[data-tab={tab}]")).await;
        app.el(&format!("[data-tab={tab}][aria-selected=true]")).await;
        found.extend(app.axe_findings().await.into_iter().map(|f| format!("client/{tab}: {f}")));
    }
    // Each tab's forms behind its buttons.
    for (tab, open, form) in [
        ("children", "add-child", "child"),
        ("children", "add-notification", "notification"),
        ("courses", "new-referral", "referral"),
        ("plan", "edit-plan", "plan"),
        ("sessions", "add-session", "session"),
    ] {
        app.click(&format!("[data-tab={tab}]")).await;
        app.el(&format!("[data-tab={tab}][aria-selected=true]")).await;
        app.click(&format!("[data-action={open}]")).await;
        app.el(&format!("#client-tabpanel [data-form={form}]")).await;
        found.extend(app.axe_findings().await.into_iter().map(|f| format!("client/{tab}/{open}: {f}")));
    }
    app.click("[data-action=insight]").await;
    app.el("[data-insight] [data-table=insight-access]").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("insight: {f}")));
    // The user guide inside the app, from Hjælp.
    app.click("[data-action=about]").await;
    app.click("[data-action=open-guide]").await;
    app.wait_text("[data-guide] h2", "Alkoholbehandleren").await;
    app.wait_text("[data-guide]", "Gendan en sikkerhedskopi").await;
    app.shot("45-brugervejledning").await;
    found.extend(app.axe_findings().await.into_iter().map(|f| format!("guide: {f}")));
    app.quit().await;
    assert!(found.is_empty(), "serious or critical accessibility findings:\n{}", found.join("\n"));
}
