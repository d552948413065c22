//! The intake with the keyboard alone (issue 16, item 7): log in, skip to
//! the content, open Ny henvendelse by its shortcut, fill the client and
//! the referral with Tab and typing, get a refusal with the focus on the
//! refused field, correct it and save, and land on the new client's
//! heading; then the client's tabs with the arrow keys. No element is
//! clicked: every key goes where the focus is. (A screenshot takes the
//! focus away, so the one screenshot is taken at the end.)

use std::sync::Arc;

use thirtyfour::prelude::Key;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::FixedClock;
use tovholder::security::keys::{KdfParams, Secret};

use crate::harness::{open_as_leader, today, App};

#[tokio::test(flavor = "multi_thread")]
async fn a_consultant_records_an_intake_with_the_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let clock = Arc::new(FixedClock::on(today()));
    let data = tovholder::demo::demo_file().unwrap();
    drop(
        tovholder::demo::make_demo(&journal, &data, &Secret::new(DEMO_PASSWORD), clock, KdfParams::TEST_ONLY).unwrap(),
    );

    let app = App::launch(dir.path(), &journal, false).await;
    // The login screen starts with the focus in the initials.
    app.wait_focus("[data-form=login] input[name=login]").await;
    app.press("MS").await;
    app.press(Key::Tab).await;
    app.wait_focus("[data-form=login] input[name=password]").await;
    app.press(DEMO_PASSWORD).await;
    app.press(Key::Enter).await;
    app.wait_text(".topbar .user", "(MS)").await;

    // Tab reaches the skip link first in the page (WebKit may first move the
    // focus out of the page, where the login form was), and the link moves
    // the focus to the content.
    app.tab_to("a.skip-link").await;
    assert!(app.count("a.skip-link:focus").await == 1);
    app.press(Key::Enter).await;
    app.wait_focus("main#main").await;

    // Ny henvendelse by its shortcut; the focus goes to the new screen's heading.
    app.chord(Key::Alt, '2').await;
    app.wait_focus("[data-screen=intake] h1").await;
    app.tab_to("[data-form=intake] input[name=name]").await;
    app.press("Tove Tastesen").await;
    app.press(Key::Tab).await;
    app.wait_focus("[data-form=intake] input[name=cpr]").await;
    app.press("120383-4562").await;
    app.tab_to("[data-form=intake] input[name=phone]").await;
    app.press("20 30 40 50").await;
    // Saved without the date of first contact: refused, the focus on that field.
    app.tab_to("[data-form=intake] button[type=submit]").await;
    app.press(Key::Enter).await;
    app.wait_text("[data-form=intake] [data-error-for=received_on]", "").await;
    app.wait_focus("[data-form=intake] input[name=received_on][aria-invalid=true]").await;
    let described = app.attr("[data-form=intake] input[name=received_on]", "aria-describedby").await.unwrap();
    let message = app.text(&format!("[id='{described}']")).await;
    assert!(!message.is_empty(), "the refusal is tied to its field");
    assert_eq!(app.attr("[data-form=intake] input[name=received_on]", "aria-required").await.as_deref(), Some("true"));
    app.press("20-11-2026").await;
    app.tab_to("[data-form=intake] input[name=reason]").await;
    app.press("Ønsker hjælp til at drikke mindre").await;
    app.press(Key::Enter).await;

    // Saved: the new client's page, the focus on its heading.
    app.wait_text("[data-screen=client] h1", "Tove Tastesen").await;
    app.wait_focus("[data-screen=client] h1").await;
    // The tabs with the arrow keys: selection and focus move together.
    app.tab_to("[role=tab][aria-selected=true]").await;
    app.press(Key::Right).await;
    app.wait_focus("[role=tab][data-tab=plan][aria-selected=true]").await;
    app.press(Key::Left).await;
    app.wait_focus("[role=tab][data-tab=courses][aria-selected=true]").await;
    app.shot("52-tastatur-klient").await;
    app.quit().await;

    let (mut j, leader) = open_as_leader(&journal);
    let found = j.client_list(&leader, "Tove Tastesen", &Default::default(), 5).unwrap();
    assert_eq!(found.len(), 1);
    let r = j.client_record(&leader, found[0].id).unwrap();
    assert_eq!(r.client.cpr.as_deref(), Some("120383-4562"));
    assert_eq!(r.referrals.len(), 1);
    assert_eq!(r.referrals[0].received_on, crate::harness::d("2026-11-20"));
}
