//! Grupper and netværk (spec §4 step 3): a consultant starts a children's
//! group, adds two children of demo clients and an adult client, records two
//! meetings' attendance for everyone at once, one member leaves; a network
//! person is added to a child on the Børn tab. Bad input (an empty name, a
//! meeting before the group started, leaving before joining) shows its
//! Danish message beside the field, keeps what was typed and changes
//! nothing; the journal file holds exactly what was done.

use chrono::NaiveDate;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::store::ClientFilter;
use tovholder::{Ctx, Journal};

use crate::harness::{d, open_as_leader, App};

const GROUP: &str = "Mælkebøtterne, vinter 2026";

fn open(journal: &std::path::Path) -> (Journal, Ctx) {
    open_as_leader(journal)
}

/// Add a member from the group page: search the client, then choose the
/// client (`child` None) or one of their children.
async fn add_member(app: &App, client: &str, child: Option<&str>, joined: &str, shot: Option<&str>) {
    app.click("[data-action=add-member]").await;
    let f = "[data-form=group-member]";
    app.fill(&format!("{f} input[name=client_query]"), client).await;
    app.click(&format!("{f} [data-client='{client}']")).await;
    match child {
        Some(c) => app.click(&format!("{f} label[data-child='{c}']")).await,
        None => app.click(&format!("{f} label[data-who=client]")).await,
    }
    app.fill(&format!("{f} input[name=joined_on]"), joined).await;
    if let Some(name) = shot {
        app.shot(name).await;
    }
    app.click(&format!("{f} button[type=submit]")).await;
    let who = child.unwrap_or(client);
    app.el(&format!("[data-field=members] tr[data-member='{who}']")).await;
}

/// Record a meeting: the date, and a code for each member named in `codes`
/// (the others keep "attended").
async fn meeting(app: &App, on: &str, codes: &[(&str, &str)]) {
    app.click("[data-action=record-meeting]").await;
    let f = "[data-form=group-meeting]";
    app.fill(&format!("{f} input[name=met_on]"), on).await;
    for (who, code) in codes {
        app.choose(&format!("{f} tr[data-member='{who}'] select"), code).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn consultant_runs_a_childrens_group_and_adds_a_network_person() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let app = App::launch(dir.path(), &journal, true).await;
    app.login("MS", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(MS)").await;

    // 1. The groups; a new group without a name is refused beside the name.
    app.click("[data-nav=groups]").await;
    app.wait_text("[data-field=groups]", "Tilbagefaldsgruppen tirsdag").await;
    app.shot("50-grupper").await;
    app.click("[data-action=new-group]").await;
    let g = "[data-form=group]";
    app.choose(&format!("{g} select[name=kind]"), "children").await;
    app.fill(&format!("{g} input[name=start_on]"), "02-11-2026").await;
    app.click(&format!("{g} button[type=submit]")).await;
    let msg = app.wait_text(&format!("{g} [data-error-for=name]"), "Navn").await;
    assert_eq!(msg, "Navn skal udfyldes.");
    assert_eq!(app.value(&format!("{g} input[name=start_on]")).await, "02-11-2026", "nothing typed is lost");
    app.shot("51-ny-gruppe-fejl-navn").await;
    app.fill(&format!("{g} input[name=name]"), GROUP).await;
    app.click(&format!("{g} button[type=submit]")).await;
    app.wait_text("[data-field=group-name]", GROUP).await;

    // 2. Nobody chosen is refused beside the search; then two children of
    // demo clients and an adult client join.
    app.click("[data-action=add-member]").await;
    app.fill("[data-form=group-member] input[name=joined_on]", "02-11-2026").await;
    app.click("[data-form=group-member] button[type=submit]").await;
    let msg = app.wait_text("[data-form=group-member] [data-error-for=client_id]", "Klient").await;
    assert_eq!(msg, "Klient eller barn skal udfyldes.");
    app.click("[data-form=group-member] .actions button[type=button]").await;
    add_member(&app, "Michael Skovbo Rask", Some("Ida Skovbo Rask"), "02-11-2026", Some("52-ny-deltager-barn")).await;
    add_member(&app, "Allan Bisgaard", Some("Viktor Bisgaard"), "02-11-2026", None).await;
    add_member(&app, "Louise Dalsgaard Winther", None, "02-11-2026", None).await;

    // 3. A meeting before the group started is refused beside the date, the
    // chosen codes kept; then two meetings.
    meeting(&app, "26-10-2026", &[("Viktor Bisgaard", "no_show")]).await;
    app.click("[data-form=group-meeting] button[type=submit]").await;
    let msg = app.wait_text("[data-form=group-meeting] [data-error-for=met_on]", "Mødedato").await;
    assert_eq!(msg, "Mødedato ligger før Startdato.");
    assert_eq!(app.value("[data-form=group-meeting] tr[data-member='Viktor Bisgaard'] select").await, "no_show");
    app.shot("53-gruppemoede-fejl-dato").await;
    app.fill("[data-form=group-meeting] input[name=met_on]", "09-11-2026").await;
    app.click("[data-form=group-meeting] button[type=submit]").await;
    app.wait_text("[data-field=members] thead", "09-11-2026").await;
    meeting(&app, "16-11-2026", &[("Louise Dalsgaard Winther", "cancelled_by_client")]).await;
    app.click("[data-form=group-meeting] button[type=submit]").await;
    app.wait_text("[data-field=members] thead", "16-11-2026").await;
    app.wait_text("[data-field=members] tr[data-member='Louise Dalsgaard Winther']", "Aflyst af borger").await;

    // 4. Louise leaves: a date before she joined is refused beside it.
    app.click("tr[data-member='Louise Dalsgaard Winther'] [data-action=leave-group]").await;
    app.fill("[data-form=leave-group] input[name=left_on]", "01-11-2026").await;
    app.click("[data-form=leave-group] button[type=submit]").await;
    let msg = app.wait_text("[data-error-for=left_on]", "Udmeldelsesdato").await;
    assert_eq!(msg, "Udmeldelsesdato ligger før Indmeldelsesdato.");
    assert_eq!(app.value("[data-form=leave-group] input[name=left_on]").await, "01-11-2026");
    app.shot("54-udmeldelse-fejl-dato").await;
    app.fill("[data-form=leave-group] input[name=left_on]", "18-11-2026").await;
    app.click("[data-form=leave-group] button[type=submit]").await;
    app.wait_text("tr[data-member='Louise Dalsgaard Winther'] [data-field=left_on]", "18-11-2026").await;
    app.shot("55-gruppe-deltagere-fremmoede").await;
    app.click("[data-action=all-groups]").await;
    app.wait_text(&format!("tr[data-group='{GROUP}']"), "Børnegruppe").await;

    // 5. A network person for Ida on her father's Børn tab; an empty name first.
    app.click("[data-nav=clients]").await;
    app.search("Michael Skovbo Rask").await;
    app.click("tbody tr[data-client='Michael Skovbo Rask'] button").await;
    app.click("[data-tab=children]").await;
    let ida = "article[data-child='Ida Skovbo Rask']";
    app.click(&format!("{ida} [data-action=add-network-person]")).await;
    let n = "[data-form=network-person]";
    app.choose(&format!("{n} select[name=role]"), "pedagogue").await;
    app.fill(&format!("{n} input[name=contact]"), "SFO Kastanjen, 56 00 00 00").await;
    app.click(&format!("{n} button[type=submit]")).await;
    let msg = app.wait_text(&format!("{n} [data-error-for=name]"), "Navn").await;
    assert_eq!(msg, "Navn skal udfyldes.");
    assert_eq!(app.value(&format!("{n} input[name=contact]")).await, "SFO Kastanjen, 56 00 00 00");
    app.fill(&format!("{n} input[name=name]"), "Pædagog Rikke Lund").await;
    app.click(&format!("{n} button[type=submit]")).await;
    let shown = app.wait_text(&format!("{ida} [data-field=network]"), "Pædagog Rikke Lund").await;
    assert!(shown.contains("Pædagog: Pædagog Rikke Lund (SFO Kastanjen, 56 00 00 00)"), "{shown}");
    app.shot("56-netvaerk").await;
    app.quit().await;

    // 6. The journal file holds exactly that.
    let (mut j, ctx) = open(&journal);
    let groups = j.groups(&ctx).unwrap();
    assert_eq!(groups.len(), 5, "the demo's four groups and the new one; no group without a name");
    let ours = groups.iter().find(|g| g.name == GROUP).unwrap();
    assert_eq!((ours.kind.code.as_str(), ours.start_on), ("children", d("2026-11-02")));
    let g = j.group(&ctx, ours.id).unwrap();
    assert_eq!(g.meetings, vec![d("2026-11-09"), d("2026-11-16")]);
    // Name, a child?, joined, left, attendance codes by meeting.
    type Member<'a> = (&'a str, bool, NaiveDate, Option<NaiveDate>, Vec<&'a str>);
    let members: Vec<Member> = g
        .members
        .iter()
        .map(|m| {
            let codes = m.attendance.iter().map(|a| a.attendance.code.as_str()).collect();
            (m.name.as_str(), m.child_id.is_some(), m.joined_on, m.left_on, codes)
        })
        .collect();
    assert_eq!(
        members,
        vec![
            (
                "Louise Dalsgaard Winther",
                false,
                d("2026-11-02"),
                Some(d("2026-11-18")),
                vec!["attended", "cancelled_by_client"]
            ),
            ("Ida Skovbo Rask", true, d("2026-11-02"), None, vec!["attended", "attended"]),
            // Udeblevet was chosen before the refused date and kept.
            ("Viktor Bisgaard", true, d("2026-11-02"), None, vec!["no_show", "attended"]),
        ]
    );
    let hits = j.client_list(&ctx, "Michael Skovbo Rask", &ClientFilter::default(), 5).unwrap();
    let r = j.client_record(&ctx, hits[0].id).unwrap();
    let ida = r.children.iter().find(|c| c.name == "Ida Skovbo Rask").unwrap();
    let network: Vec<(&str, &str, Option<&str>)> =
        ida.network.iter().map(|p| (p.role.code.as_str(), p.name.as_str(), p.contact.as_deref())).collect();
    assert!(network.contains(&("pedagogue", "Pædagog Rikke Lund", Some("SFO Kastanjen, 56 00 00 00"))), "{network:?}");
    assert_eq!(network.iter().filter(|p| p.1.is_empty() || p.0 == "pedagogue").count(), 1, "{network:?}");
}
