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
