//! Safety in the app (issue 16, item 3), as a leader and an IT person use
//! it: an encrypted backup to a chosen file, checked; "Kontrollér
//! journalen"; the retention list; the backup restored into a new journal
//! after a confirmation; the citizen's insight report on screen and as PDF
//! from the restored journal; and a new administrator made with the
//! recovery key. Every file is checked afterwards through the core.

use std::sync::Arc;

use thirtyfour::prelude::Key;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::FixedClock;
use tovholder::security::keys::{KdfParams, Secret};
use tovholder::Journal;

use crate::harness::{today, App};

#[tokio::test(flavor = "multi_thread")]
async fn a_leader_backs_up_checks_restores_and_answers_a_citizens_request_for_insight() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("faxe.journal");
    let clock = Arc::new(FixedClock::on(today()));
    let data = tovholder::demo::demo_file().unwrap();
    // Made through the core, so the story knows the recovery key.
    let demo =
        tovholder::demo::make_demo(&journal, &data, &Secret::new(DEMO_PASSWORD), clock.clone(), KdfParams::TEST_ONLY)
            .unwrap();
    let recovery = demo.recovery.expose().to_string();
    drop(demo);
    let backup = dir.path().join("usb").join("kopi.journal");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let restored = dir.path().join("gendannet.journal");
    let pdf = dir.path().join("indsigt-kim.pdf");

    let app = App::launch(dir.path(), &journal, false).await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "Birgitte").await;

    // Sikkerhed, by its shortcut: the backup to a chosen file, checked.
    app.keys("body", Key::Alt + "9").await;
    let suggested = app.value("[data-form=backup] input[name=path]").await;
    assert!(suggested.ends_with("sikkerhedskopi-demo-faxe-rusmiddelcenter-23-11-2026.journal"), "{suggested}");
    app.fill("[data-form=backup] input[name=path]", &backup.display().to_string()).await;
    app.click("[data-action=backup]").await;
    app.wait_text("[data-backup-done]", "Sikkerhedskopien er skrevet og kontrolleret").await;
    app.wait_text("[data-backup-done]", "kopi.journal.keys").await;
    app.shot("40-sikkerhedskopi").await;
    let checked =
        tovholder::security::check::check_journal(&backup, "BH", &Secret::new(DEMO_PASSWORD), clock.clone()).unwrap();
    assert!(checked.ok(), "the backup passes the core's check: {checked:?}");
    // The same file again: the core's refusal beside the path, nothing overwritten.
    let bytes = std::fs::read(&backup).unwrap();
    app.click("[data-action=backup]").await;
    app.wait_text("[data-form=backup] [data-error-for=path]", "findes allerede").await;
    assert_eq!(app.attr("[data-form=backup] input[name=path]", "aria-invalid").await.as_deref(), Some("true"));
    assert_eq!(std::fs::read(&backup).unwrap(), bytes);

    // Kontrollér journalen: a wrong password is refused, the right one checks every part.
    app.fill("[data-form=check] input[name=password]", "forkert-kode-123").await;
    app.click("[data-action=check]").await;
    app.wait_text("[data-form=check] [data-error-for=_form]", "Forkert brugernavn eller adgangskode").await;
    app.fill("[data-form=check] input[name=password]", DEMO_PASSWORD).await;
    app.click("[data-action=check]").await;
    app.wait_text("[data-check-summary]", "Journalen er hel").await;
    let items = app.texts("[data-check-item]").await;
    assert!(items.len() >= 3 && items.iter().all(|i| i.starts_with("I orden")), "{items:?}");
    assert_eq!(app.value("[data-form=check] input[name=password]").await, "", "the password is not kept");

    // Retention: nothing in the demo is older than ten years.
    app.click("[data-action=show-retention]").await;
    app.wait_text("[data-retention-empty]", "Ingen journaler er ældre end 10 år").await;
    app.shot("41-kontrol-og-opbevaring").await;

    // The backup restored into a new journal, from the start screen.
    app.click("[data-action=lock]").await;
    app.click("[data-action=other-journal]").await;
    app.fill("[data-form=restore] input[name=backup]", &backup.display().to_string()).await;
    app.fill("[data-form=restore] input[name=target]", &restored.display().to_string()).await;
    app.fill("[data-form=restore] input[name=login]", "BH").await;
    app.fill("[data-form=restore] input[name=password]", DEMO_PASSWORD).await;
    app.click("[data-action=restore]").await;
    app.wait_text("[data-confirm=restore]", "gendannet.journal").await;
    assert!(!restored.exists(), "nothing before the confirmation");
    app.shot("42-gendan-bekraeft").await;
    app.click("[data-action=confirm-restore]").await;
    app.wait_text("[data-screen=login] [data-notice]", "kontrolleret og genskabt").await;
    app.wait_text("[data-screen=login] .journal-path", "gendannet.journal").await;
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "Birgitte").await;
    assert!(app.text(".journal-path").await.contains("gendannet.journal"));

    // A citizen asks for insight: everything about them, and who has looked.
    app.search("Kim Halvorsen").await;
    app.click("tbody tr[data-client='Kim Halvorsen'] button").await;
    app.click("[data-action=insight]").await;
    app.wait_text("[data-screen=insight] h1", "Indsigt: Kim Halvorsen").await;
    app.wait_text("[data-insight-record]", "Notater").await;
    app.wait_text("[data-table=insight-access]", "Birgitte Holmsgaard (BH)").await;
    app.fill("[data-form=insight-pdf] input[name=path]", &pdf.display().to_string()).await;
    app.click("[data-action=save-insight-pdf]").await;
    app.el(&format!("[data-saved-file='{}']", pdf.display())).await;
    app.shot("43-indsigt").await;
    app.quit().await;

    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let (mut j, leader) = Journal::login(&restored, "BH", &Secret::new(DEMO_PASSWORD), clock.clone()).unwrap();
    let kim = j.client_list(&leader, "Kim Halvorsen", &Default::default(), 5).unwrap().into_iter().next().unwrap().id;
    let log = j.access_log(&leader, kim.0).unwrap();
    assert!(log.iter().any(|e| e.action == "export" && e.what.as_deref() == Some("person_report")), "{log:?}");
    assert!(tovholder::security::check::check_journal(&restored, "BH", &Secret::new(DEMO_PASSWORD), clock.clone())
        .unwrap()
        .ok());
    drop(j);

    // Every administrator has forgotten: the recovery key makes a new one.
    let app = App::launch(dir.path(), &restored, false).await;
    app.click("[data-action=start-recovery]").await;
    app.fill("[data-form=recover] input[name=recovery_key]", "forkert-nøgle").await;
    app.fill("[data-form=recover] input[name=name]", "Nora Nyadmin").await;
    app.fill("[data-form=recover] input[name=initials]", "NN").await;
    app.fill("[data-form=recover] input[name=password]", "nora-kode-2026").await;
    app.fill("[data-form=recover] input[name=password_again]", "nora-kode-2026").await;
    app.click("[data-action=recover]").await;
    app.wait_text("[data-form=recover] [data-error-for=recovery_key]", "passer ikke").await;
    app.fill("[data-form=recover] input[name=recovery_key]", &recovery).await;
    app.fill("[data-form=recover] input[name=password]", "nora-kode-2026").await;
    app.fill("[data-form=recover] input[name=password_again]", "nora-kode-2026").await;
    app.click("[data-action=recover]").await;
    app.wait_text(".topbar .user", "Nora Nyadmin (NN)").await;
    app.shot("44-ny-administrator").await;
    app.quit().await;
    let (j, nn) = Journal::login(&restored, "NN", &Secret::new("nora-kode-2026"), clock).unwrap();
    assert_eq!(j.role_of(nn.staff).unwrap().0, tovholder::security::roles::Role::Administrator);
}
