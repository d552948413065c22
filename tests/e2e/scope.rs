//! Story: a family consultant of Stevns (SK) opens the client list, the
//! waiting list, the monthly case review and a shared family's children
//! with their notifications — and sees only the cases shared with Center
//! Familie, and of those only the family department's part. What the app
//! showed is compared afterwards with what the core gives SK and the leader.

use std::collections::BTreeSet;

use tovholder::demo::DEMO_PASSWORD;
use tovholder::store::ClientFilter;

use crate::harness::{open_as_leader, today, App};

/// The value of `attr` of every element `[attr]` under `within`, once
/// `ready` is on screen (the list has arrived from the core).
async fn names(app: &App, ready: &str, within: &str, attr: &str) -> BTreeSet<String> {
    app.el(ready).await;
    let mut out = BTreeSet::new();
    for e in app.d().find_all(thirtyfour::By::Css(format!("{within} [{attr}]"))).await.unwrap() {
        out.insert(e.attr(attr).await.unwrap().unwrap_or_default());
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_family_consultant_sees_only_the_shared_cases_on_every_list() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let app = App::launch(dir.path(), &journal, true).await;
    app.login("SK", DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", "(SK)").await;

    // The client list: the shared cases.
    let listed =
        names(&app, "[data-screen=clients] tbody tr[data-client]", "[data-screen=clients]", "data-client").await;
    app.shot("60-familiekonsulent-klienter").await;

    // The waiting list.
    app.click("[data-nav=waiting]").await;
    let waiting =
        names(&app, "[data-screen=waiting] table[data-loaded=true]", "[data-screen=waiting]", "data-waiting").await;
    app.shot("61-familiekonsulent-venteliste").await;

    // The case review.
    app.click("[data-nav=review]").await;
    let reviewed =
        names(&app, "[data-screen=review] [data-form=review]", "[data-screen=review]", "data-review-client").await;
    app.shot("62-familiekonsulent-sagsmoede").await;

    // A shared family: the family department's view, the children with
    // their notifications.
    let first = listed.iter().next().expect("SK has shared cases in the demo").clone();
    app.click("[data-nav=clients]").await;
    app.search(&first).await;
    app.click(&format!("tbody tr[data-client='{first}'] button")).await;
    let notice = app.wait_text("[data-family-view]", "familieafdelingens del").await;
    assert!(notice.contains("Udredning, medicin"), "{notice}");
    app.click("[data-tab=children]").await;
    let shown_children = names(
        &app,
        "[data-screen=client] [data-tab=children][aria-selected=true]",
        "[data-screen=client]",
        "data-child",
    )
    .await;
    app.shot("63-familiekonsulent-boern").await;
    app.quit().await;

    // What the core gives SK is what the app showed, and none of it lies
    // outside the cases shared with Center Familie (the leader sees more).
    let (mut j, leader) = open_as_leader(&journal);
    let sk = tovholder::Ctx::new(j.staff_by_initials("SK").unwrap(), leader.clock.clone());
    let shared: BTreeSet<String> =
        j.client_list(&sk, "", &ClientFilter::default(), 1000).unwrap().into_iter().map(|c| c.name).collect();
    let everyone: BTreeSet<String> =
        j.client_list(&leader, "", &ClientFilter::default(), 1000).unwrap().into_iter().map(|c| c.name).collect();
    assert!(shared.len() < everyone.len(), "SK's list is smaller than the leader's");
    assert_eq!(listed, shared, "the app's list is the shared cases");
    let core_waiting: BTreeSet<String> = j.waiting_referrals(&sk).unwrap().into_iter().map(|(c, _)| c.name).collect();
    assert_eq!(waiting, core_waiting);
    assert!(waiting.is_subset(&shared), "{waiting:?}");
    let all_waiting: BTreeSet<String> =
        j.waiting_referrals(&leader).unwrap().into_iter().map(|(c, _)| c.name).collect();
    for hidden in ["Ib Sandvad", "Rasmus Tved"] {
        assert!(all_waiting.contains(hidden) && !waiting.contains(hidden), "{hidden} waits, but not for SK");
    }
    let core_review: BTreeSet<String> =
        j.case_review_list(&sk, today()).unwrap().clients.into_iter().map(|c| c.name).collect();
    assert_eq!(reviewed, core_review);
    assert!(reviewed.is_subset(&shared), "{reviewed:?}");
    let all_review = j.case_review_list(&leader, today()).unwrap().clients.len();
    assert!(reviewed.len() < all_review, "the leader's case review holds more families");
    let id = j.client_list(&sk, &first, &ClientFilter::default(), 5).unwrap()[0].id;
    let record = j.client_record(&sk, id).unwrap();
    let children: BTreeSet<String> = record.children.iter().map(|c| c.name.clone()).collect();
    assert_eq!(shown_children, children, "the shared family's children, as the core gives them to SK");
}
