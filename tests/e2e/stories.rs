//! The stories of issue 3: a consultant's intake-to-closing story, and bad
//! input that shows its Danish message beside the field and changes nothing;
//! and of issue 6: logging in, a wrong password, locking, a role's limits.
//! Every story runs on the encrypted demo journal.

use std::sync::Arc;

use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::views::FullRecord;
use tovholder::model::{FixedClock, NoteKind, Participant};
use tovholder::security::keys::{KdfParams, Secret};
use tovholder::store::ClientFilter;

use crate::harness::{d, open_as_leader, sql, today, App};

/// The record of the one client called `name`, read from the file through
/// the core as the leader.
fn record_of(journal: &std::path::Path, name: &str) -> Option<FullRecord> {
    let (mut j, ctx) = open_as_leader(journal);
    let hits = j.client_list(&ctx, name, &ClientFilter::default(), 10).unwrap();
    let hit = hits.iter().find(|c| c.name == name)?;
    Some(j.client_record(&ctx, hit.id).unwrap())
}

/// Every client in the journal, as the leader's list shows them.
fn all_clients(journal: &std::path::Path) -> Vec<tovholder::model::views::ClientSummary> {
    let (mut j, ctx) = open_as_leader(journal);
    j.client_list(&ctx, "", &ClientFilter::default(), 1000).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn consultant_takes_a_family_from_referral_to_closed_course() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let app = App::launch(dir.path(), &journal, true).await;

    // The alcohol consultant logs in; the demo journal opens on the client
    // list; the search is instant.
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text("[data-screen=clients] tbody", "Halvorsen").await;
    app.wait_text(".topbar .user", "Mikkel Sønderby").await;
    app.search("halv").await;
    app.wait_text("tbody tr[data-client='Kim Halvorsen']", "140681-1235").await;
    app.shot("01-klientliste").await;

    // 1. A new client and the referral, saved together.
    app.click("[data-nav=intake]").await;
    app.fill("[data-form=intake] input[name=name]", "Sofie Testesen").await;
    app.fill("[data-form=intake] input[name=cpr]", "120388-1234").await;
    app.choose("[data-form=intake] select[name=municipality]", "0336").await;
    app.fill("[data-form=intake] input[name=phone]", "11 22 33 44").await;
    app.fill("[data-form=intake] input[name=received_on]", "10-11-2026").await;
    app.choose("[data-form=intake] select[name=source]", "gp").await;
    app.fill("[data-form=intake] input[name=reason]", "Bekymring for alkoholforbrug").await;
    app.shot("02-ny-henvendelse").await;
    app.click("[data-form=intake] button[type=submit]").await;

    // 2. Information talk and enrolment, with the 14-day deadline in view.
    app.wait_text("[data-deadline]", "24-11-2026").await;
    app.fill("[data-form=info-talk] input[name=info_talk_on]", "12-11-2026").await;
    app.click("[data-form=info-talk] button[type=submit]").await;
    app.wait_text(".referral", "Informationssamtale holdt 12-11-2026").await;
    app.fill("[data-form=enrol] input[name=enrolled_on]", "16-11-2026").await;
    app.fill("[data-form=enrol] input[name=start_on]", "16-11-2026").await;
    app.shot("03-indskrivning").await;
    app.click("[data-form=enrol] button[type=submit]").await;
    app.wait_text("[data-table=courses] tbody", "I behandling").await;

    // 3. Two children with different custody and residence.
    app.click("[data-tab=children]").await;
    for (name, born, custody, residence, visitation) in [
        ("Emil Testesen", "04-05-2015", "joint", "with_client", ""),
        ("Ida Testesen", "21-09-2019", "other_parent", "visitation", "Hver anden weekend"),
    ] {
        app.click("[data-action=add-child]").await;
        app.fill("[data-form=child] input[name=name]", name).await;
        app.fill("[data-form=child] input[name=birth_date]", born).await;
        app.choose("[data-form=child] select[name=custody]", custody).await;
        app.choose("[data-form=child] select[name=residence]", residence).await;
        if !visitation.is_empty() {
            app.fill("[data-form=child] input[name=visitation]", visitation).await;
        }
        app.click("[data-form=child] button[type=submit]").await;
        app.wait_text("article.child h3", name).await;
    }
    app.wait_text("article.child[data-child='Ida Testesen'] [data-field=residence]", "Samvær").await;

    // A notification about Ida, answered by the family department; an
    // answer dated before the notification is refused beside its field.
    let ida = "article.child[data-child='Ida Testesen']";
    app.click(&format!("{ida} [data-action=add-notification]")).await;
    app.fill(&format!("{ida} [data-form=notification] input[name=made_on]"), "17-11-2026").await;
    app.fill(&format!("{ida} [data-form=notification] input[name=recipient]"), "Familieafdelingen, Stevns Kommune")
        .await;
    app.fill(&format!("{ida} [data-form=notification] textarea[name=reason]"), "Mor drikker i samværsweekender").await;
    app.click(&format!("{ida} [data-form=notification] button[type=submit]")).await;
    app.wait_text(&format!("{ida} [data-field=notifications]"), "afventer svar").await;
    app.click(&format!("{ida} [data-action=answer-notification]")).await;
    app.fill(&format!("{ida} [data-form=notification-answer] input[name=answer_received_on]"), "16-11-2026").await;
    app.fill(&format!("{ida} [data-form=notification-answer] textarea[name=answer]"), "Sagen er oprettet.").await;
    app.click(&format!("{ida} [data-form=notification-answer] button[type=submit]")).await;
    let msg = app.wait_text(&format!("{ida} [data-error-for=answer_received_on]"), "før").await;
    assert!(msg.starts_with("Svar modtaget ligger før"), "{msg}");
    app.fill(&format!("{ida} [data-form=notification-answer] input[name=answer_received_on]"), "20-11-2026").await;
    app.click(&format!("{ida} [data-form=notification-answer] button[type=submit]")).await;
    app.wait_text(&format!("{ida} [data-field=notifications]"), "svar 20-11-2026: Sagen er oprettet.").await;
    // An emergency plan for Ida, then a new version; the first stays readable.
    app.click(&format!("{ida} [data-action=add-emergency-plan]")).await;
    app.fill(&format!("{ida} [data-form=emergency-plan] input[name=made_on]"), "17-11-2026").await;
    app.fill(&format!("{ida} [data-form=emergency-plan] input[name=trusted_adults]"), "Mormor").await;
    app.fill(&format!("{ida} [data-form=emergency-plan] textarea[name=plan]"), "Ida ringer til mormor.").await;
    app.click(&format!("{ida} [data-form=emergency-plan] button[type=submit]")).await;
    app.wait_text(&format!("{ida} [data-field=emergency_plan]"), "Version 1").await;
    app.click(&format!("{ida} [data-action=add-emergency-plan]")).await;
    assert_eq!(app.value(&format!("{ida} [data-form=emergency-plan] input[name=trusted_adults]")).await, "Mormor");
    app.fill(&format!("{ida} [data-form=emergency-plan] input[name=made_on]"), "20-11-2026").await;
    app.fill(&format!("{ida} [data-form=emergency-plan] input[name=trusted_adults]"), "Mormor, nabo Bente").await;
    app.click(&format!("{ida} [data-form=emergency-plan] button[type=submit]")).await;
    app.wait_text(&format!("{ida} [data-field=emergency_plan]"), "Version 2, 20-11-2026").await;
    app.wait_text(&format!("{ida} [data-field=emergency_plan] details summary"), "Tidligere versioner (1)").await;
    app.shot("04-boern").await;

    // 4. A plan, then a revision; the first revision stays viewable.
    app.click("[data-tab=plan]").await;
    app.click("[data-action=edit-plan]").await;
    app.fill("[data-form=plan] input[name=made_on]", "16-11-2026").await;
    app.fill("[data-form=plan] textarea[name=goals]", "Alkoholfri hverdag").await;
    app.click("[data-form=plan] input[name=element][value=relapse_prevention]").await;
    app.click("[data-form=plan] button[type=submit]").await;
    app.wait_text("article.plan", "Revision 1 af 1").await;
    app.click("[data-action=edit-plan]").await;
    app.fill("[data-form=plan] input[name=made_on]", "20-11-2026").await;
    app.fill("[data-form=plan] textarea[name=goals]", "Alkoholfri hverdag og trygge weekender for børnene").await;
    app.click("[data-form=plan] button[type=submit]").await;
    app.wait_text("article.plan", "Revision 2 af 2").await;
    app.click("[data-show-revision='1']").await;
    app.wait_text("article.plan [data-field=goals]", "Alkoholfri hverdag").await;
    app.wait_text("article.plan h3", "Tidligere").await;
    app.shot("05-behandlingsplan").await;

    // 5. A joint session with the family consultant, a note, a correction.
    app.click("[data-tab=sessions]").await;
    app.click("[data-action=add-session]").await;
    app.choose("[data-form=session] select[name=kind]", "joint").await;
    app.fill("[data-form=session] input[name=held_on]", "18-11-2026").await;
    app.fill("[data-form=session] input[name=minutes]", "60").await;
    app.click("[data-form=session] input[name=staff][data-initials=RB]").await;
    app.click("[data-form=session] button[type=submit]").await;
    app.wait_text("article.session", "Rikke Brøndum").await;
    app.fill("[data-form=note] input[name=written_on]", "18-11-2026").await;
    app.fill("[data-form=note] textarea[name=text]", "Fællessamtale: aftale om weekendplan.").await;
    app.click("[data-form=note] button[type=submit]").await;
    app.wait_text("article.note [data-note-text]", "aftale om weekendplan").await;
    app.click("[data-action=correct-note]").await;
    app.fill("[data-form=correction] input[name=written_on]", "19-11-2026").await;
    app.fill(
        "[data-form=correction] textarea[name=text]",
        "Fællessamtale med Rikke Brøndum: aftale om weekendplan for Ida.",
    )
    .await;
    app.click("[data-form=correction] button[type=submit]").await;
    app.wait_text("blockquote[data-original]", "«Fællessamtale: aftale om weekendplan.»").await;
    app.shot("06-samtaler-og-notater").await;

    // 6. Closing the course with its NAB end reason.
    app.click("[data-tab=courses]").await;
    app.click("[data-action=close-course]").await;
    app.fill("[data-form=close-course] input[name=end_on]", "22-11-2026").await;
    app.choose("[data-form=close-course] select[name=end_reason]", "completed").await;
    app.click("[data-form=close-course] button[type=submit]").await;
    app.wait_text("[data-table=courses] [data-field=end_reason]", "Færdigbehandlet").await;
    app.shot("07-forloeb-afsluttet").await;

    // 7. She comes back the same day: a new referral on her own record.
    app.click("[data-action=new-referral]").await;
    app.fill("[data-form=referral] input[name=received_on]", "22-11-2026").await;
    app.choose("[data-form=referral] select[name=source]", "self").await;
    app.click("[data-form=referral] button[type=submit]").await;
    app.wait_text("[data-deadline]", "06-12-2026").await;

    // The other main screens, for the record.
    app.click("[data-nav=waiting]").await;
    app.el("[data-screen=waiting] tbody tr").await;
    app.shot("08-venteliste").await;
    app.click("[data-nav=review]").await;
    app.wait_text("[data-screen=review]", "Forældremyndighed").await;
    app.click("details.review-child summary").await;
    app.shot("09-sagsmoede").await;
    app.quit().await;

    // The journal file holds exactly that.
    let r = record_of(&journal, "Sofie Testesen").expect("the client is in the journal");
    assert_eq!(r.client.cpr.as_deref(), Some("120388-1234"));
    assert_eq!(r.client.municipality.code, "0336");
    assert_eq!(r.client.phone.as_deref(), Some("11 22 33 44"));
    assert_eq!(r.referrals.len(), 2);
    let referral = r.referrals.iter().find(|x| x.received_on == d("2026-11-10")).expect("the first referral");
    assert_eq!(
        (referral.received_on, referral.source.code.as_str(), referral.info_talk_on, referral.outcome.code.as_str()),
        (d("2026-11-10"), "gp", Some(d("2026-11-12")), "enrolled")
    );
    assert_eq!(referral.deadline, d("2026-11-24"));
    let again = r.referrals.iter().find(|x| x.received_on == d("2026-11-22")).expect("the second referral");
    assert_eq!((again.source.code.as_str(), again.outcome.code.as_str()), ("self", "pending"));
    assert_eq!(r.courses.len(), 1);
    let c = &r.courses[0];
    assert_eq!(
        (c.kind.code.as_str(), c.start_on, c.end_on, c.end_reason.as_ref().map(|e| e.code.as_str())),
        ("alcohol", Some(d("2026-11-16")), Some(d("2026-11-22")), Some("completed"))
    );
    assert_eq!(c.case_owner, "Mikkel Sønderby");
    let children: Vec<(&str, &str, &str, Option<&str>)> = r
        .children
        .iter()
        .map(|ch| (ch.name.as_str(), ch.custody.code.as_str(), ch.residence.code.as_str(), ch.visitation.as_deref()))
        .collect();
    assert_eq!(children.len(), 2, "{children:?}");
    assert!(children.contains(&("Emil Testesen", "joint", "with_client", None)), "{children:?}");
    assert!(children.contains(&("Ida Testesen", "other_parent", "visitation", Some("Hver anden weekend"))));
    let ida = r.children.iter().find(|ch| ch.name == "Ida Testesen").unwrap();
    let n: Vec<_> = ida
        .notifications
        .iter()
        .map(|n| (n.made_on, n.recipient.as_str(), n.answer_received_on, n.answer.as_deref(), n.made_by.as_str()))
        .collect();
    assert_eq!(
        n,
        vec![(
            d("2026-11-17"),
            "Familieafdelingen, Stevns Kommune",
            Some(d("2026-11-20")),
            Some("Sagen er oprettet."),
            "Mikkel Sønderby"
        )]
    );
    let plans: Vec<_> = ida
        .emergency_plans
        .iter()
        .map(|p| (p.revision, p.made_on, p.trusted_adults.as_str(), p.plan.as_str()))
        .collect();
    assert_eq!(
        plans,
        vec![
            (1, d("2026-11-17"), "Mormor", "Ida ringer til mormor."),
            (2, d("2026-11-20"), "Mormor, nabo Bente", "Ida ringer til mormor.")
        ]
    );
    let plan: Vec<(i64, &str)> = c.plan.iter().map(|p| (p.revision, p.goals.as_str())).collect();
    assert_eq!(plan, vec![(1, "Alkoholfri hverdag"), (2, "Alkoholfri hverdag og trygge weekender for børnene")]);
    assert_eq!(c.plan[0].elements.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), vec!["relapse_prevention"]);
    assert_eq!(r.sessions.len(), 1);
    let s = &r.sessions[0];
    assert_eq!((s.kind.code.as_str(), s.held_on, s.minutes), ("joint", d("2026-11-18"), Some(60)));
    assert_eq!(s.attendance.as_ref().map(|a| a.code.as_str()), Some("attended"));
    let staff: Vec<&str> =
        s.participants.iter().filter(|p| matches!(p.who, Participant::Staff(_))).map(|p| p.name.as_str()).collect();
    assert_eq!(staff.len(), 2, "{staff:?}");
    assert!(staff.iter().any(|n| n.contains("Rikke Brøndum")) && staff.iter().any(|n| n.contains("Mikkel Sønderby")));
    assert!(s.participants.iter().any(|p| p.who == Participant::Client(r.client.id)));
    assert_eq!(r.notes.len(), 2);
    let original = r.notes.iter().find(|n| n.kind == NoteKind::Note).unwrap();
    let correction = r.notes.iter().find(|n| n.kind == NoteKind::Correction).unwrap();
    assert_eq!(original.text, "Fællessamtale: aftale om weekendplan.");
    assert_eq!(original.corrected_by, vec![correction.id]);
    assert_eq!(correction.corrects, Some(original.id));
    assert_eq!(correction.text, "Fællessamtale med Rikke Brøndum: aftale om weekendplan for Ida.");
    assert_eq!(correction.written_on, d("2026-11-19"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_shows_its_danish_message_beside_the_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let clock = Arc::new(FixedClock::on(today()));
    let data = tovholder::demo::demo_file().unwrap();
    drop(
        tovholder::demo::make_demo(&journal, &data, &Secret::new(DEMO_PASSWORD), clock, KdfParams::TEST_ONLY).unwrap(),
    );
    let before_list = all_clients(&journal);
    let before_kim = record_of(&journal, "Kim Halvorsen").unwrap();

    let app = App::launch(dir.path(), &journal, false).await;
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text("[data-screen=clients] tbody", "Halvorsen").await;

    // An impossible CPR number (32 January).
    app.click("[data-nav=intake]").await;
    app.fill("[data-form=intake] input[name=name]", "Forkert Cpr").await;
    app.fill("[data-form=intake] input[name=cpr]", "320188-1234").await;
    app.fill("[data-form=intake] input[name=received_on]", "20-11-2026").await;
    app.click("[data-form=intake] button[type=submit]").await;
    let msg = app.wait_text("[data-form=intake] [data-error-for=cpr]", "CPR-nummeret").await;
    assert_eq!(msg, "CPR-nummeret indeholder ikke en gyldig fødselsdato.");
    assert_eq!(app.value("[data-form=intake] input[name=name]").await, "Forkert Cpr", "nothing typed is lost");
    assert_eq!(app.value("[data-form=intake] input[name=cpr]").await, "320188-1234");
    app.shot("10-fejl-cpr").await;

    // Kim Halvorsen again as a new client: refused, his referral belongs on
    // his own record; and a referral date in the future leaves no client.
    app.fill("[data-form=intake] input[name=cpr]", "140681-1235").await;
    app.click("[data-form=intake] button[type=submit]").await;
    let msg = app.wait_text("[data-form=intake] [data-error-for=cpr]", "findes allerede").await;
    assert!(msg.starts_with("Der findes allerede en klient med dette CPR-nummer."), "{msg}");
    app.fill("[data-form=intake] input[name=cpr]", "010190-1234").await;
    app.fill("[data-form=intake] input[name=received_on]", "01-01-2030").await;
    app.click("[data-form=intake] button[type=submit]").await;
    let msg = app.wait_text("[data-form=intake] [data-error-for=received_on]", "fremtiden").await;
    assert_eq!(msg, "Henvendelsesdato ligger i fremtiden.");

    // An end date before the course started.
    app.click("[data-nav=clients]").await;
    app.search("Kim Halvorsen").await;
    app.click("tbody tr[data-client='Kim Halvorsen'] button").await;
    app.click("[data-tab=courses]").await;
    app.click("[data-action=close-course]").await;
    app.fill("[data-form=close-course] input[name=end_on]", "01-01-2020").await;
    app.choose("[data-form=close-course] select[name=end_reason]", "completed").await;
    app.click("[data-form=close-course] button[type=submit]").await;
    let msg = app.wait_text("[data-form=close-course] [data-error-for=end_on]", "Slutdato").await;
    assert_eq!(msg, "Slutdato ligger før Startdato.");
    assert_eq!(app.value("[data-form=close-course] input[name=end_on]").await, "01-01-2020");
    app.shot("11-fejl-slutdato").await;
    app.quit().await;

    // Nothing changed: the same clients, and Kim's record as it was.
    assert_eq!(all_clients(&journal), before_list);
    assert_eq!(record_of(&journal, "Kim Halvorsen").unwrap(), before_kim);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_wrong_password_locking_and_a_secretarys_limits() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    // Idle locking after 6 seconds without use (10 minutes by default).
    let app = App::launch_with(dir.path(), &journal, true, &[("TOVHOLDER_IDLE_MINUTES", "0.1")]).await;

    // The app starts locked, at the login screen.
    app.el("[data-screen=login] [data-form=login]").await;
    assert!(!app.present(".topbar").await);
    app.shot("12-log-ind").await;

    // A wrong password: the message beside the form, still the login screen.
    app.login("MS", "forkert-adgangskode").await;
    let msg = app.wait_text("[data-form=login] [data-error-for=_form]", "Forkert").await;
    assert_eq!(msg, "Forkert brugernavn eller adgangskode.");
    assert!(app.present("[data-screen=login]").await && !app.present("[data-screen=clients]").await);
    assert_eq!(app.value("[data-form=login] input[name=password]").await, "", "the password is not kept");
    app.shot("13-forkert-adgangskode").await;

    // The secretary logs in and opens a client: the notes are hidden.
    app.login("PL", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "Pia Lundbæk").await;
    app.search("Kim Halvorsen").await;
    app.click("tbody tr[data-client='Kim Halvorsen'] button").await;
    app.click("[data-tab=sessions]").await;
    let hidden = app.wait_text("[data-notes-hidden]", "journalnotater").await;
    assert_eq!(hidden, "Din rolle giver ikke adgang til journalnotater.");
    assert!(!app.present("article.note").await && !app.present("[data-form=note]").await);
    app.shot("14-sekretaer-uden-notater").await;

    // Locking on demand: back at the login screen, and the shell refuses the
    // client list until someone logs in again.
    app.click("[data-action=lock]").await;
    app.el("[data-screen=login] [data-form=login]").await;
    assert!(!app.present("[data-screen=clients]").await && !app.present(".topbar").await);
    let refused = app
        .d()
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('search_clients', {input: {query: '', active: false, with_children: false, mine: false}}).then(() => 'svar', (e) => e.code);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(refused.json(), &serde_json::json!("locked"));
    app.shot("15-laast").await;

    // Logged in again and left alone: the app locks by itself.
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "Mikkel Sønderby").await;
    let start = std::time::Instant::now();
    while app.present(".topbar").await {
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "the idle lock never came");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(start.elapsed() >= std::time::Duration::from_secs(4), "locked too early: {:?}", start.elapsed());
    app.el("[data-screen=login] [data-form=login]").await;
    app.quit().await;

    // The journal's audit log holds the failed login and both logins.
    let actions: Vec<String> = sql(&journal)
        .prepare("SELECT action FROM audit_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(actions.iter().any(|a| a == "login_failed"), "{actions:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_leader_sees_the_reports_and_saves_the_annual_pdf_others_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let pdf = dir.path().join("årsrapport 2026.pdf");
    let app = App::launch(dir.path(), &journal, true).await;

    // The leader: the annual report's tables with small counts suppressed,
    // the audit log's check, and the PDF written where she says.
    app.login("BH", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(BH)").await;
    app.click("[data-nav=reports]").await;
    let title = "Personer i alkoholbehandling 2026 fordelt på alder";
    app.wait_text("[data-screen=reports] .report-table h2", title).await;
    app.el(&format!("[data-report-table='{title}'] td[data-cell='<5']")).await;
    app.wait_text("[data-audit]", "Adgangsloggen er intakt").await;
    app.wait_text("[data-waiting]", "inden for 14 dage").await;
    app.fill("[data-form=pdf] input[name=path]", &pdf.display().to_string()).await;
    app.click("[data-action=save-pdf]").await;
    app.wait_text("[data-pdf-saved]", "Gemt").await;
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "{:?}", &bytes[..bytes.len().min(8)]);
    app.shot("16-rapporter").await;

    // The consultant gets the core's refusal in Danish, and no tables.
    app.click("[data-action=lock]").await;
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "Mikkel Sønderby").await;
    app.click("[data-nav=reports]").await;
    let refused = app.text("[data-screen=reports] [data-error-for=_form]").await;
    assert_eq!(refused, "Din rolle giver ikke adgang til at se rapporter.");
    assert!(!app.present(".report-table").await && !app.present("[data-audit]").await);
    app.quit().await;
}
