//! Every public read of a citizen, as every role, on the demo journal
//! (shared and unshared cases, joint sessions, notifications, a case
//! review, groups), compared with a policy written out here from the
//! journal file itself, independently of the core's SQL: a family
//! consultant sees only the cases shared with their unit, in them no
//! internal note, assessment or medication; a secretary sees no note; a
//! role the matrix does not allow a read is refused.
//!
//! A new `pub fn` of `Journal` that is not in `roles::JOURNAL_API`, or a
//! person read without a call here, fails the first test.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;
use tovholder::model::*;
use tovholder::security::audit::AuditQuery;
use tovholder::security::roles::{Api, JOURNAL_API};
use tovholder::store::ClientFilter;
use tovholder::{Ctx, Error, Journal};

use crate::support::{date, TODAY};

type Call = fn(&mut Journal, &Ctx, &JournalFile) -> Result<serde_json::Value, Error>;

fn json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

/// Calls a per-id read for every id and collects what came back; a refusal
/// for one id (`forbidden`, a case not shared) is kept as its code.
fn each<I: Copy, T: Serialize>(
    ids: impl IntoIterator<Item = I>,
    mut f: impl FnMut(I) -> Result<T, Error>,
) -> Result<serde_json::Value, Error> {
    let mut out = Vec::new();
    let mut refused = None;
    for id in ids {
        match f(id) {
            Ok(v) => out.push(json(v)),
            Err(e) if e.code() == "forbidden" => {
                // A role that may not use the read at all is refused for
                // every id: report that as the read's refusal.
                refused.get_or_insert(e);
                out.push(serde_json::Value::String("forbidden".into()));
            }
            Err(e) => return Err(e),
        }
    }
    if out.iter().all(|v| v == "forbidden") {
        if let Some(e) = refused {
            return Err(e);
        }
    }
    Ok(serde_json::Value::Array(out))
}

/// Words that occur in the demo's notes, internal ones included.
fn note_words(f: &JournalFile) -> Vec<String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    for n in &f.notes {
        for w in n.text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 6).take(3) {
            words.insert(w.to_lowercase());
        }
    }
    words.into_iter().collect()
}

/// One call per public person read of `Journal`.
fn calls() -> Vec<(&'static str, Call)> {
    vec![
        ("client_list", |j, c, _| Ok(json(j.client_list(c, "", &ClientFilter::default(), 1000)?))),
        ("client_sharing", |j, c, f| {
            let ids: Vec<ClientId> = f.clients.iter().filter_map(|x| x.id).collect();
            Ok(json(j.client_sharing(c, &ids)?))
        }),
        ("client_record", |j, c, f| each(f.clients.iter().filter_map(|x| x.id), |id| j.client_record(c, id))),
        ("plan_history", |j, c, f| each(f.courses.iter().filter_map(|x| x.id), |id| j.plan_history(c, id))),
        ("search_notes", |j, c, f| each(note_words(f).iter(), |w| j.search_notes(c, w, 50))),
        ("waiting_referrals", |j, c, _| Ok(json(j.waiting_referrals(c)?))),
        ("unanswered_notifications", |j, c, _| Ok(json(j.unanswered_notifications(c)?))),
        ("case_review_list", |j, c, _| Ok(json(j.case_review_list(c, date(TODAY))?))),
        ("case_review", |j, c, f| each(f.case_reviews.iter().filter_map(|x| x.id), |id| j.case_review(c, id))),
        ("groups", |j, c, _| Ok(json(j.groups(c)?))),
        ("group", |j, c, f| each(f.groups.iter().filter_map(|x| x.id), |id| j.group(c, id))),
        ("annual_report", |j, c, _| Ok(json(j.annual_report(c, 2026)?))),
        ("annual_report_for", |j, c, _| Ok(json(j.annual_report_for(c, 2026, Some("0336"))?))),
        ("waiting_report", |j, c, _| Ok(json(j.waiting_report(c, 2026)?))),
        ("nab_extract", |j, c, _| match j.nab_extract(c, date("2026-01-01"), date(TODAY), "3502") {
            // An extract refused for incomplete courses names them: that is
            // a read of those people too.
            Err(e) if e.code() != "forbidden" => Ok(json(e.to_string())),
            other => Ok(json(other?)),
        }),
        ("settlement", |j, c, _| Ok(json(j.settlement(c, "0336", "2026-10")?))),
        ("settlement_approval", |j, c, _| Ok(json(j.settlement_approval(c, "0336", "2026-10")?))),
        ("received_settlements", |j, c, _| Ok(json(j.received_settlements(c)?))),
        ("audit_page", |j, c, _| Ok(json(j.audit_page(c, &AuditQuery { limit: 500, ..AuditQuery::default() })?))),
        ("access_log", |j, c, f| each(f.clients.iter().filter_map(|x| x.id), |id| j.access_log(c, id.0))),
        ("person_report", |j, c, f| each(f.clients.iter().filter_map(|x| x.id), |id| j.person_report(c, id))),
        ("expired", |j, c, _| Ok(json(j.expired(c, 10, date(TODAY))?))),
        ("export", |j, c, _| Ok(json(j.export(c)?))),
        ("export_changes", |j, c, _| Ok(json(j.export_changes(c, SiteId::new())?))),
        ("conflicts", |j, c, _| Ok(json(j.conflicts(c)?))),
        ("conflict_review", |j, c, _| Ok(json(j.conflict_review(c)?))),
        ("duplicates", |j, c, _| Ok(json(j.duplicates(c)?))),
    ]
}

/// The public functions of every `impl Journal` block under src/.
fn public_journal_functions() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut names = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("\nimpl Journal {") {
            let body = &rest[at + "\nimpl Journal {".len()..];
            // The block ends at the first closing brace in column 0.
            let end = body.find("\n}").unwrap_or(body.len());
            for line in body[..end].lines() {
                if let Some(sig) = line.strip_prefix("    pub fn ") {
                    let name: String = sig.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    names.insert(name);
                }
            }
            rest = &body[end..];
        }
    }
    names
}

#[test]
fn every_public_function_of_the_journal_is_classified_and_every_person_read_is_tested() {
    let listed: BTreeSet<String> = JOURNAL_API.iter().map(|(n, _)| n.to_string()).collect();
    let found = public_journal_functions();
    assert!(found.len() > 50, "the source was read: {found:?}");
    let missing: Vec<_> = found.difference(&listed).collect();
    assert!(missing.is_empty(), "pub fn of Journal not in roles::JOURNAL_API: {missing:?}");
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(stale.is_empty(), "roles::JOURNAL_API names functions that do not exist: {stale:?}");
    let reads: BTreeSet<&str> =
        JOURNAL_API.iter().filter(|(_, a)| matches!(a, Api::PersonRead(_))).map(|(n, _)| *n).collect();
    let called: BTreeSet<&str> = calls().iter().map(|(n, _)| *n).collect();
    assert_eq!(reads, called, "every person read has a call in this test, and only those");
}

/// The demo journal, unencrypted (the test inspects nothing but what the
/// reads return), and its file.
fn demo() -> (tempfile::TempDir, Journal, JournalFile, Arc<FixedClock>) {
    let dir = tempfile::tempdir().unwrap();
    let file = tovholder::demo::demo_file().unwrap();
    let clock = Arc::new(FixedClock::on(date(TODAY)));
    let setup = tovholder::demo::setup_from(&file).unwrap();
    let (mut j, ctx) = Journal::create(&dir.path().join("demo.journal"), &setup, clock.clone()).unwrap();
    j.import(&ctx, &file).unwrap();
    (dir, j, file, clock)
}

/// A citizen of the demo: id and full name.
struct Citizen {
    id: String,
    name: String,
}

/// What one role may see, from the file: `None` = every citizen.
struct Visible {
    clients: Option<BTreeSet<String>>,
    children: Option<BTreeSet<String>>,
}

/// The cases shared with a family department's unit, from the records:
/// a consent to the unit not withdrawn, a course or referral there, or a
/// child whose caseworker is there; and the children of those cases.
fn shared_with(f: &JournalFile, unit: UnitId, notified_children: bool) -> Visible {
    let own_unit = f.units[0].id;
    let mut clients = BTreeSet::new();
    for c in f.clients.iter().filter_map(|c| c.id) {
        let consent =
            f.consents.iter().any(|x| x.client_id == c && x.to_unit == Some(unit) && x.withdrawn_on.is_none());
        let course = f.courses.iter().any(|x| x.client_id == c && x.unit_id.or(own_unit) == Some(unit));
        let referral = f.referrals.iter().any(|x| x.client_id == c && x.unit_id.or(own_unit) == Some(unit));
        let child = f.child_links.iter().any(|l| {
            l.client_id == c
                && f.children.iter().any(|ch| ch.id == Some(l.child_id) && ch.caseworker_unit == Some(unit))
        });
        if consent || course || referral || child {
            clients.insert(c.to_string());
        }
    }
    let mut children = BTreeSet::new();
    for ch in &f.children {
        let Some(id) = ch.id else { continue };
        let linked = f.child_links.iter().any(|l| l.child_id == id && clients.contains(&l.client_id.to_string()));
        let notified = notified_children && f.notifications.iter().any(|n| n.child_id == id && n.to_unit == Some(unit));
        if ch.caseworker_unit == Some(unit) || linked || notified {
            children.insert(id.to_string());
        }
    }
    Visible { clients: Some(clients), children: Some(children) }
}

/// Which roles may use each read at all (SPEC §6 and the role matrix, as
/// the users were told it).
fn may(read: &str, role: &str) -> bool {
    let care = ["leader", "alcohol_consultant", "family_consultant", "doctor"];
    let front = ["leader", "alcohol_consultant", "family_consultant", "doctor", "secretary"];
    let roles: &[&str] = match read {
        "client_list" | "client_sharing" | "client_record" | "plan_history" | "waiting_referrals" | "groups"
        | "group" => &front,
        "search_notes" | "unanswered_notifications" | "case_review_list" | "case_review" => &care,
        "export" | "export_changes" => &["leader", "administrator"],
        // Whoever does the monthly hand-off reviews its conflicts (SPEC §4 step 7).
        "conflicts" | "conflict_review" | "duplicates" => &["leader", "alcohol_consultant", "administrator"],
        _ => &["leader"],
    };
    roles.contains(&role)
}

#[test]
fn every_person_read_as_every_role_shows_only_what_the_role_may_see() {
    let (_dir, mut j, f, clock) = demo();
    let citizens: Vec<(bool, Citizen)> = f
        .clients
        .iter()
        .map(|c| (true, Citizen { id: c.id.unwrap().to_string(), name: c.name.clone() }))
        .chain(f.children.iter().map(|c| (false, Citizen { id: c.id.unwrap().to_string(), name: c.name.clone() })))
        .collect();
    let unit_of: BTreeMap<String, UnitId> = f.staff.iter().map(|s| (s.initials.clone(), s.unit_id)).collect();
    let internal: Vec<&NoteRecord> = f.notes.iter().filter(|n| n.internal).collect();
    assert!(!internal.is_empty(), "the demo has an internal note to hide");
    let mut checked = 0;
    for staff in &f.staff {
        let role = staff.role.as_str();
        let ctx = Ctx::new(staff.id.unwrap(), clock.clone());
        for (read, call) in calls() {
            let got = call(&mut j, &ctx, &f);
            if !may(read, role) {
                let e = got.expect_err(&format!("{read} as {role} must be refused"));
                assert_eq!(e.code(), "forbidden", "{read} as {role}: {e}");
                continue;
            }
            let got = got.unwrap_or_else(|e| panic!("{read} as {role}: {e}"));
            let text = got.to_string();
            let visible = if role == "family_consultant" {
                shared_with(&f, unit_of[&staff.initials], read == "unanswered_notifications")
            } else {
                Visible { clients: None, children: None }
            };
            for (is_client, c) in &citizens {
                let allowed = if *is_client { &visible.clients } else { &visible.children };
                if allowed.as_ref().is_some_and(|a| !a.contains(&c.id)) {
                    assert!(!text.contains(&c.id), "{read} as {} ({role}) shows the id of {}", staff.initials, c.name);
                    assert!(!text.contains(&c.name), "{read} as {} ({role}) names {}", staff.initials, c.name);
                }
            }
            if role == "secretary" {
                for n in &f.notes {
                    assert!(!text.contains(&n.text), "{read} shows a secretary a note");
                }
            }
            if role == "family_consultant" {
                for n in &internal {
                    assert!(!text.contains(&n.text), "{read} shows {} an internal note", staff.initials);
                }
                for a in f.assessments.iter().filter_map(|a| a.id) {
                    assert!(!text.contains(&a.to_string()), "{read} shows {} an assessment", staff.initials);
                }
                for m in f.medications.iter().filter_map(|m| m.id) {
                    assert!(!text.contains(&m.to_string()), "{read} shows {} a medication", staff.initials);
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked} reads checked");
}

#[test]
fn a_family_consultant_sees_the_shared_cases_and_no_other() {
    // The positive side of the policy: the shared cases are there.
    let (_dir, mut j, f, clock) = demo();
    for initials in ["RB", "SK"] {
        let staff = f.staff.iter().find(|s| s.initials == initials).unwrap();
        let ctx = Ctx::new(staff.id.unwrap(), clock.clone());
        let expected = shared_with(&f, staff.unit_id, false).clients.unwrap();
        assert!(!expected.is_empty(), "{initials} has shared cases in the demo");
        let listed: BTreeSet<String> = j
            .client_list(&ctx, "", &ClientFilter::default(), 1000)
            .unwrap()
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(listed, expected, "{initials}'s client list is exactly the shared cases");
        for c in &expected {
            let r = j.client_record(&ctx, c.parse().unwrap()).unwrap();
            assert!(r.family_view, "{initials} sees the family department's part");
            assert!(r.courses.iter().all(|c| c.assessments.is_empty() && c.medications.is_empty()));
        }
    }
}

#[test]
fn lists_that_show_more_than_a_name_write_an_access_entry_per_person_with_the_purpose() {
    let (_dir, mut j, f, clock) = demo();
    let leader = f.staff.iter().find(|s| s.role == "leader").unwrap();
    let ctx = Ctx::new(leader.id.unwrap(), clock.clone());
    let waiting = j.waiting_referrals(&ctx).unwrap();
    let review = j.case_review_list(&ctx, date(TODAY)).unwrap();
    assert!(!waiting.is_empty() && !review.clients.is_empty(), "the demo has both");
    let on_list = waiting[0].0.id;
    let reviewed = review.clients[0].client_id;
    j.client_list(&ctx, "Kim", &ClientFilter::default(), 50).unwrap();
    let purposes = |j: &mut Journal, who: ClientId| -> Vec<(Option<String>, Option<String>)> {
        j.access_log(&ctx, who.0).unwrap().into_iter().map(|e| (e.what, e.purpose)).collect()
    };
    let log = purposes(&mut j, on_list);
    assert!(
        log.contains(&(Some("waiting_list".into()), Some("venteliste".into()))),
        "the waiting list is in {on_list}'s access log: {log:?}"
    );
    let log = purposes(&mut j, reviewed);
    assert!(
        log.contains(&(Some("case_review".into()), Some("sagsmøde".into()))),
        "the case review is in the reviewed client's access log: {log:?}"
    );
    // A name search is one entry with the query and who searched.
    let page = j.audit_page(&ctx, &AuditQuery { limit: 50, ..AuditQuery::default() }).unwrap();
    let search = page.entries.iter().find(|e| e.entity.as_deref() == Some("client_search")).expect("the search");
    assert_eq!(search.detail.as_deref(), Some("Kim"));
    assert_eq!(search.initials, leader.initials);
}

#[test]
fn a_family_consultant_is_not_told_of_the_other_parent_or_a_co_participant_outside_the_case() {
    let mut w = crate::support::World::new();
    let shared = w.client("Delt Dalby", "040404-4444", "0320");
    let hidden = w.client("Skjult Skovgaard", "060606-6666", "0320");
    w.course(shared, "alcohol", "2026-10-01", Some("2026-10-05"));
    w.course(hidden, "alcohol", "2026-10-01", Some("2026-10-05"));
    let child = w.child(shared, "Ditte Dalby", "2016-03-03", "joint", "with_client");
    let (_, link) = crate::support::child_records(hidden, "", "2016-03-03", "joint", "with_client");
    w.j.link_child(&w.ctx, &ChildLinkRecord { child_id: child, ..link }).unwrap();
    let consent = ConsentRecord {
        id: None,
        client_id: shared,
        scope: "family_department".into(),
        recipient: "Faxe Familie & PPR".into(),
        to_unit: Some(w.faxe_family),
        given_on: date("2026-10-02"),
        withdrawn_on: None,
        remarks: None,
    };
    w.j.give_consent(&w.ctx, &consent).unwrap();
    let session = SessionRecord {
        id: None,
        course_id: None,
        kind: "family".into(),
        held_on: date("2026-11-02"),
        start_time: None,
        minutes: Some(60),
        place: None,
        attendance: Some("attended".into()),
        participants: vec![Participant::Client(shared), Participant::Client(hidden), Participant::Child(child)],
    };
    w.j.add_session(&w.ctx, &session).unwrap();

    let leader = w.as_staff(w.leader);
    let full = serde_json::to_string(&w.j.client_record(&leader, shared).unwrap()).unwrap();
    assert!(full.contains("Skjult Skovgaard"), "the leader sees the other parent");

    let fc = w.as_staff(w.j.staff_by_initials("FF").unwrap());
    let r = w.j.client_record(&fc, shared).unwrap();
    let text = serde_json::to_string(&r).unwrap();
    assert!(r.family_view);
    assert_eq!(r.sessions.len(), 1, "the family session is shown");
    assert!(!text.contains("Skjult Skovgaard"), "the other parent is not named: {text}");
    assert!(!text.contains(&hidden.to_string()), "nor identified");
    assert_eq!(r.children[0].name, "Ditte Dalby");
}
