//! The clinical story of a course in treatment (spec §4 workflows 1-2, 6):
//! the assessment (udredning), medication under the roles matrix (only the
//! doctor starts medication or stops anything but Antabus; a consultant may
//! stop Antabus), a mid-way evaluation, a consent given and withdrawn (what
//! lets the family department's consultant find the client, and then no
//! longer), and the course into follow-up. Bad input (an AUDIT score of 41,
//! a stop date before the start) and a refused role show their Danish
//! messages beside the form and change nothing; the journal file holds
//! exactly what was typed.

use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::views::FullRecord;
use tovholder::model::EvaluationKind;
use tovholder::store::ClientFilter;
use tovholder::{Ctx, Journal};

use crate::harness::{d, open_as_leader, sql, App};

const CLIENT: &str = "Jannik Strøm Bertelsen";
/// DEMO Familie & PPR-Enheden, Faxe Kommune, in the demo journal.
const FAXE_FAMILY_UNIT: &str = "00000000-0000-4000-8000-000100000002";

fn open(journal: &std::path::Path) -> (Journal, Ctx) {
    open_as_leader(journal)
}

fn record_of(j: &mut (Journal, Ctx), name: &str) -> FullRecord {
    let (j, ctx) = j;
    let hits = j.client_list(ctx, name, &ClientFilter::default(), 10).unwrap();
    let hit = hits.iter().find(|c| c.name == name).unwrap();
    j.client_record(ctx, hit.id).unwrap()
}

/// Log in as `initials` (after locking, when someone is logged in) and open
/// the client's page on `tab`.
async fn as_user_on(app: &App, initials: &str, name: &str, tab: &str) {
    if app.present("[data-action=lock]").await {
        app.click("[data-action=lock]").await;
    }
    app.login(initials, DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", &format!("({initials})")).await;
    app.search(name).await;
    app.click(&format!("tbody tr[data-client='{name}'] button")).await;
    app.click(&format!("[data-tab={tab}]")).await;
}

/// Whether `initials`, logged in, finds the client called `name` in the
/// client list (a family consultant sees only the cases shared with their unit).
async fn finds(app: &App, initials: &str, name: &str) -> bool {
    app.click("[data-action=lock]").await;
    app.login(initials, DEMO_PASSWORD).await;
    app.wait_text(".topbar .user", &format!("({initials})")).await;
    app.search(name).await;
    let row = format!("tbody tr[data-client='{name}']");
    let start = std::time::Instant::now();
    loop {
        if app.present(&row).await {
            return true;
        }
        if app.present("[data-screen=clients] tbody td.muted").await {
            return false;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(15), "the client list never answered");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn assessment_medication_by_role_evaluation_consent_and_follow_up() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("demo.journal");
    let app = App::launch(dir.path(), &journal, true).await;

    // 1. The alcohol consultant records an assessment; an AUDIT score of 41
    // is refused beside its field, and nothing typed is lost.
    as_user_on(&app, "MS", CLIENT, "courses").await;
    app.wait_text("[data-panel=assessments]", "Udredning 16-02-2026").await;
    app.click("[data-action=add-assessment]").await;
    let f = "[data-form=assessment]";
    app.fill(&format!("{f} input[name=assessed_on]"), "20-11-2026").await;
    app.fill(&format!("{f} input[name=audit_score]"), "41").await;
    app.fill(&format!("{f} input[name=units_per_week]"), "45").await;
    app.click(&format!("{f} input[name=side_abuse][value=cannabis]")).await;
    app.click(&format!("{f} input[name=side_abuse][value=benzodiazepines]")).await;
    app.choose(&format!("{f} select[name=income_source]"), "sickness_benefit").await;
    app.choose(&format!("{f} select[name=housing]"), "own_home").await;
    app.click(&format!("{f} input[name=children_situation][value=visitation]")).await;
    app.click(&format!("{f} input[name=children_situation][value=over_18]")).await;
    app.choose(&format!("{f} select[name=violence]"), "nej").await;
    app.choose(&format!("{f} select[name=psychiatric]"), "ja").await;
    app.fill(&format!("{f} textarea[name=remarks]"), "Genudredning efter tilbagefald i oktober.").await;
    app.click(&format!("{f} button[type=submit]")).await;
    let msg = app.wait_text(&format!("{f} [data-error-for=audit_score]"), "AUDIT").await;
    assert_eq!(msg, "AUDIT-score skal være mellem 0 og 40.");
    assert_eq!(app.value(&format!("{f} input[name=audit_score]")).await, "41", "nothing typed is lost");
    assert_eq!(app.value(&format!("{f} textarea[name=remarks]")).await, "Genudredning efter tilbagefald i oktober.");
    assert!(app.selected(&format!("{f} input[name=side_abuse][value=benzodiazepines]")).await);
    app.shot("40-udredning-fejl-audit").await;
    app.fill(&format!("{f} input[name=audit_score]"), "24").await;
    app.click(&format!("{f} button[type=submit]")).await;
    let a = "[data-panel=assessments] article[data-assessment='2026-11-20']";
    app.wait_text(&format!("{a} [data-field=audit_score]"), "24").await;
    app.wait_text(&format!("{a} [data-field=side_abuse]"), "Hash / cannabis, Benzodiazepiner").await;
    app.wait_text(&format!("{a} [data-field=pregnant]"), "Ikke oplyst").await;
    app.wait_text(&format!("{a} [data-field=psychiatric]"), "Ja").await;
    assert!(!app.present("[data-form=assessment]").await);

    // 2. The consultant may not start medication: the core's refusal in
    // Danish beside the form, the form kept.
    app.click("[data-action=start-medication]").await;
    let m = "[data-form=start-medication]";
    app.choose(&format!("{m} select[name=drug]"), "antabus").await;
    app.fill(&format!("{m} input[name=dose]"), "400 mg dagligt").await;
    app.fill(&format!("{m} input[name=started_on]"), "20-11-2026").await;
    app.click(&format!("{m} button[type=submit]")).await;
    let refused = app.wait_text(&format!("{m} [data-error-for=_form]"), "rolle").await;
    assert_eq!(refused, "Din rolle giver ikke adgang til at ordinere medicin.");
    assert_eq!(app.value(&format!("{m} input[name=dose]")).await, "400 mg dagligt");
    app.shot("41-medicin-afvist").await;

    // 3. The doctor starts Antabus and Campral.
    as_user_on(&app, "JA", CLIENT, "courses").await;
    for (drug, dose) in [("antabus", "400 mg dagligt"), ("campral", "333 mg, 2 tabletter 3 gange dagligt")] {
        app.click("[data-action=start-medication]").await;
        app.choose(&format!("{m} select[name=drug]"), drug).await;
        app.fill(&format!("{m} input[name=dose]"), dose).await;
        app.fill(&format!("{m} input[name=started_on]"), "20-11-2026").await;
        app.click(&format!("{m} button[type=submit]")).await;
        app.wait_text(&format!("[data-table=medication] tr[data-medication={drug}][data-current]"), dose).await;
    }
    app.shot("42-medicin-startet").await;

    // 4. The consultant again: Campral only the doctor stops; Antabus the
    // consultant may, but not before it started.
    as_user_on(&app, "MS", CLIENT, "courses").await;
    let s = "[data-form=stop-medication]";
    app.click("tr[data-medication=campral] [data-action=stop-medication]").await;
    app.fill(&format!("{s} input[name=stopped_on]"), "22-11-2026").await;
    app.click(&format!("{s} button[type=submit]")).await;
    let refused = app.wait_text(&format!("{s} [data-error-for=_form]"), "rolle").await;
    assert_eq!(refused, "Din rolle giver ikke adgang til at stoppe medicin.");
    app.click(&format!("{s} button[type=button]")).await;
    app.click("tr[data-medication=antabus] [data-action=stop-medication]").await;
    app.fill(&format!("{s} input[name=stopped_on]"), "19-11-2026").await;
    app.fill(&format!("{s} input[name=stop_reason]"), "Klienten ønsker en pause").await;
    app.click(&format!("{s} button[type=submit]")).await;
    let msg = app.wait_text(&format!("{s} [data-error-for=stopped_on]"), "før").await;
    assert_eq!(msg, "Stopdato ligger før Startdato.");
    assert_eq!(app.value(&format!("{s} input[name=stop_reason]")).await, "Klienten ønsker en pause");
    app.shot("43-stop-fejl-dato").await;
    app.fill(&format!("{s} input[name=stopped_on]"), "22-11-2026").await;
    app.click(&format!("{s} button[type=submit]")).await;
    app.wait_text("[data-table=medication] tr[data-medication=antabus][data-stopped]", "22-11-2026").await;
    app.wait_text("[data-table=medication] tr[data-medication=campral][data-current]", "Aktuel").await;
    app.shot("44-forloeb-udredning-medicin").await;

    // 5. The mid-way evaluation, on the plan's tab.
    app.click("[data-tab=plan]").await;
    app.click("[data-action=add-evaluation]").await;
    let e = "[data-form=evaluation]";
    app.choose(&format!("{e} select[name=kind]"), "midway").await;
    app.fill(&format!("{e} input[name=evaluated_on]"), "21-11-2026").await;
    app.fill(
        &format!("{e} textarea[name=text]"),
        "Alkoholfri i Frejas weekender siden september; arbejdsprøvning aftalt.",
    )
    .await;
    app.click(&format!("{e} button[type=submit]")).await;
    app.wait_text("[data-panel=evaluations] article[data-evaluation=midway] h4", "Midtvejsevaluering, 21-11-2026")
        .await;
    app.shot("45-evaluering").await;

    // 6. A consent to the family department, then withdrawn.
    app.click("[data-tab=overview]").await;
    app.click("[data-action=give-consent]").await;
    let c = "[data-form=consent]";
    app.choose(&format!("{c} select[name=scope]"), "family_department").await;
    app.choose(&format!("{c} select[name=to_unit]"), FAXE_FAMILY_UNIT).await;
    assert_eq!(app.value(&format!("{c} input[name=recipient]")).await, "DEMO Familie & PPR-Enheden, Faxe Kommune");
    app.fill(&format!("{c} input[name=given_on]"), "20-11-2026").await;
    app.fill(&format!("{c} input[name=remarks]"), "Fællessamtaler om Freja").await;
    app.shot("46-samtykke").await;
    app.click(&format!("{c} button[type=submit]")).await;
    let given = "[data-panel=consents] [data-consent=family_department]";
    app.wait_text(given, "givet 20-11-2026").await;
    // The consent shares the case with that family department: its family
    // consultant now finds the client, and no longer once it is withdrawn.
    assert!(finds(&app, "RB", CLIENT).await, "shared by the consent");
    as_user_on(&app, "MS", CLIENT, "overview").await;
    app.click(&format!("{given} [data-action=withdraw-consent]")).await;
    app.fill("[data-form=withdraw-consent] input[name=withdrawn_on]", "22-11-2026").await;
    app.click("[data-form=withdraw-consent] button[type=submit]").await;
    app.wait_text(&format!("{given} [data-field=withdrawn_on]"), "Trukket tilbage 22-11-2026").await;
    app.shot("47-samtykke-trukket-tilbage").await;
    assert!(!finds(&app, "RB", CLIENT).await, "no longer shared once the consent is withdrawn");

    // 7. The course goes into follow-up.
    as_user_on(&app, "MS", CLIENT, "courses").await;
    app.click("[data-table=courses] [data-action=follow-up]").await;
    app.fill("[data-form=follow-up] input[name=follow_up_from]", "23-11-2026").await;
    app.click("[data-form=follow-up] button[type=submit]").await;
    app.wait_text("[data-table=courses] [data-field=follow_up_from]", "fra 23-11-2026").await;
    app.wait_text("[data-table=courses] tbody", "Efterbehandling").await;
    app.shot("48-efterbehandling").await;
    app.quit().await;

    // The journal file holds exactly that, and nothing of what was refused.
    let mut j = open(&journal);
    let r = record_of(&mut j, CLIENT);
    assert_eq!(r.courses.len(), 1);
    let course = &r.courses[0];
    assert_eq!((course.status.code.as_str(), course.follow_up_from), ("follow_up", Some(d("2026-11-23"))));
    assert_eq!(course.assessments.len(), 2, "the demo's assessment and the new one, not the refused one");
    let a = course.assessments.iter().find(|a| a.assessed_on == d("2026-11-20")).unwrap();
    let codes = |cs: &[tovholder::model::views::Coded]| {
        let mut v: Vec<String> = cs.iter().map(|c| c.code.clone()).collect();
        v.sort();
        v
    };
    assert_eq!((a.audit_score, a.units_per_week), (Some(24), Some(45)));
    assert_eq!(codes(&a.side_abuse), ["benzodiazepines", "cannabis"]);
    assert_eq!(codes(&a.children_situation), ["over_18", "visitation"]);
    assert_eq!(a.income_source.as_ref().map(|c| c.code.as_str()), Some("sickness_benefit"));
    assert_eq!(a.housing.as_ref().map(|c| c.code.as_str()), Some("own_home"));
    assert_eq!((a.pregnant, a.violence, a.psychiatric), (None, Some(false), Some(true)));
    assert_eq!(a.remarks.as_deref(), Some("Genudredning efter tilbagefald i oktober."));
    assert_eq!(a.stamp.created_by, "MS");

    let mut meds: Vec<_> = course
        .medications
        .iter()
        .map(|m| {
            (
                m.drug.code.as_str(),
                m.dose.as_str(),
                m.started_on,
                m.started_by.as_str(),
                m.stopped_on,
                m.stopped_by.as_deref(),
                m.stop_reason.as_deref(),
            )
        })
        .collect();
    meds.sort();
    assert_eq!(
        meds,
        vec![
            (
                "antabus",
                "400 mg dagligt",
                d("2026-11-20"),
                "Jens Aaskov",
                Some(d("2026-11-22")),
                Some("Mikkel Sønderby"),
                Some("Klienten ønsker en pause")
            ),
            ("campral", "333 mg, 2 tabletter 3 gange dagligt", d("2026-11-20"), "Jens Aaskov", None, None, None),
        ],
        "the consultant's refused start and stop left nothing"
    );

    let evals: Vec<_> = course.evaluations.iter().map(|e| (e.kind, e.evaluated_on, e.text.as_str())).collect();
    assert_eq!(
        evals,
        vec![(
            EvaluationKind::Midway,
            d("2026-11-21"),
            "Alkoholfri i Frejas weekender siden september; arbejdsprøvning aftalt."
        )]
    );

    let consent = r.consents.iter().find(|c| c.scope.code == "family_department").expect("the new consent");
    assert_eq!(
        (consent.recipient.as_str(), consent.given_on, consent.withdrawn_on, consent.remarks.as_deref()),
        (
            "DEMO Familie & PPR-Enheden, Faxe Kommune",
            d("2026-11-20"),
            Some(d("2026-11-22")),
            Some("Fællessamtaler om Freja")
        )
    );
    assert_eq!(r.consents.len(), 2, "the demo's consent to the GP and the new one");
    let to_unit: Option<String> =
        sql(&journal).query_row("SELECT to_unit FROM consent WHERE id = ?1", [consent.id], |row| row.get(0)).unwrap();
    assert_eq!(to_unit.as_deref(), Some(FAXE_FAMILY_UNIT));
}
