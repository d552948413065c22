//! Every rule, broken on purpose: each case must fail with its stable code
//! and a Danish message, and leave the journal exactly as it was (every table,
//! the audit log included).

use tovholder::model::*;
use tovholder::{Ctx, Error, Invalid, Journal, Refusals};

use crate::support::Ids;

use crate::support::*;

/// What the cases work on.
struct Fx {
    client: ClientId,
    other_client: ClientId,
    anonymous_course: CourseId,
    course: CourseId,
    waiting_course: CourseId,
    closed_course: CourseId,
    child: ChildId,
    note: NoteId,
    other_note: NoteId,
    stopped_medication: MedicationId,
    withdrawn_consent: ConsentId,
    notification: NotificationId,
    referral: ReferralId,
    group: GroupId,
    member: GroupMemberId,
    left_member: GroupMemberId,
}

fn prepare(w: &mut World) -> Fx {
    let client = w.client("Regel Rasmussen", "121270-1113", "0320");
    let other_client = w.client("Anden Andersen", "131271-2224", "0336");
    let anon = w.anonymous_client("Anonym A");
    let anonymous_course = w.course(anon, "alcohol", "2026-09-01", Some("2026-09-02"));
    let course = w.course(client, "alcohol", "2026-09-01", Some("2026-09-02"));
    let waiting_course = w.course(other_client, "alcohol", "2026-10-01", None);
    let closed_course = w.course(other_client, "relative", "2026-01-01", Some("2026-01-02"));
    w.j.close_course(&w.ctx, closed_course, date("2026-03-01"), "completed").unwrap();
    let child = w.child(client, "Regel Barn", "2016-06-06", "joint", "with_client");
    let note_rec = |c: ClientId| note(c, "2026-10-01", "Notat.");
    let note = w.j.add_note(&w.ctx, &note_rec(client)).unwrap();
    let other_note = w.j.add_note(&w.ctx, &note_rec(other_client)).unwrap();
    let doctor = w.as_staff(w.doctor);
    let stopped_medication =
        w.j.start_medication(
            &doctor,
            &MedicationRecord {
                id: None,
                course_id: course,
                drug: "campral".into(),
                dose: "333 mg x 6".into(),
                started_on: date("2026-09-05"),
                started_by: w.doctor,
                stopped_on: None,
                stopped_by: None,
                stop_reason: None,
            },
        )
        .unwrap();
    w.j.stop_medication(&doctor, stopped_medication, date("2026-10-05"), None).unwrap();
    let withdrawn_consent = w.j.give_consent(&w.ctx, &consent(client)).unwrap();
    w.j.withdraw_consent(&w.ctx, withdrawn_consent, date("2026-10-10")).unwrap();
    let notification =
        w.j.add_notification(
            &w.ctx,
            &NotificationRecord {
                id: None,
                child_id: child,
                client_id: Some(client),
                made_on: date("2026-10-01"),
                made_by: w.consultant,
                to_unit: Some(w.faxe_family),
                recipient: "Familieafdelingen".into(),
                reason: "Bekymring.".into(),
                answer_received_on: None,
                answer: None,
            },
        )
        .unwrap();
    let referral = w.j.add_referral(&w.ctx, &referral(client)).unwrap();
    let group = w.j.add_group(&w.ctx, &group_record("Børnegruppen", "2026-09-01")).unwrap();
    let member = w.j.add_group_member(&w.ctx, &member_record(group, None, Some(child), "2026-09-15")).unwrap();
    let left_member = w.j.add_group_member(&w.ctx, &member_record(group, Some(client), None, "2026-09-01")).unwrap();
    w.j.record_group_meeting(&w.ctx, group, date("2026-10-06"), &[(left_member, "attended".into())]).unwrap();
    w.j.record_group_meeting(&w.ctx, group, date("2026-10-27"), &[(member, "attended".into())]).unwrap();
    w.j.leave_group(&w.ctx, left_member, date("2026-10-20")).unwrap();
    Fx {
        group,
        member,
        left_member,
        referral,
        client,
        other_client,
        anonymous_course,
        course,
        waiting_course,
        closed_course,
        child,
        note,
        other_note,
        stopped_medication,
        withdrawn_consent,
        notification,
    }
}

fn consent(client: ClientId) -> ConsentRecord {
    ConsentRecord {
        id: None,
        client_id: client,
        scope: "family_department".into(),
        recipient: "Faxe Familie & PPR-Enheden".into(),
        to_unit: None,
        given_on: date("2026-09-10"),
        withdrawn_on: None,
        remarks: None,
    }
}

fn session(w: &Ids, f: &Fx, kind: &str, participants: Vec<Participant>) -> SessionRecord {
    let _ = w;
    SessionRecord {
        id: None,
        course_id: Some(f.course),
        kind: kind.into(),
        held_on: date("2026-10-20"),
        start_time: None,
        minutes: Some(60),
        place: None,
        attendance: Some("attended".into()),
        participants,
    }
}

fn plan(course: CourseId, goals: &str, elements: &[&str]) -> PlanRevisionRecord {
    PlanRevisionRecord {
        id: None,
        course_id: course,
        made_on: date("2026-10-01"),
        goals: goals.into(),
        elements: elements.iter().map(|e| e.to_string()).collect(),
        medication: None,
        family_section: None,
        midway_on: None,
        final_on: None,
    }
}

fn assessment(course: CourseId) -> AssessmentRecord {
    AssessmentRecord {
        id: None,
        course_id: course,
        assessed_on: date("2026-09-03"),
        audit_score: Some(20),
        units_per_week: Some(30),
        side_abuse: vec![],
        income_source: None,
        housing: None,
        children_situation: vec![],
        pregnant: None,
        violence: None,
        psychiatric: None,
        remarks: None,
    }
}

fn referral(client: ClientId) -> ReferralRecord {
    ReferralRecord {
        id: None,
        client_id: client,
        received_on: date("2026-10-01"),
        source: "gp".into(),
        referrer: None,
        reason: None,
        door: "alcohol_unit".into(),
        unit_id: None,
        info_talk_on: None,
        outcome: "pending".into(),
    }
}

type Op = Box<dyn Fn(&mut Journal, &Ctx, &Ids, &Fx) -> Result<(), Error>>;

fn case(
    name: &'static str,
    code: &'static str,
    op: impl Fn(&mut Journal, &Ctx, &Ids, &Fx) -> Result<(), Error> + 'static,
) -> (&'static str, &'static str, Op) {
    (name, code, Box::new(op))
}

fn cases() -> Vec<(&'static str, &'static str, Op)> {
    vec![
        case("client without a name", "required", |j, c, _, _| j.add_client(c, &client_record("  ", None)).map(drop)),
        case("anonymous client with a CPR number", "anonymous_with_cpr", |j, c, _, _| {
            j.add_client(c, &ClientRecord { anonymous: true, ..client_record("A", Some("010101-1234")) }).map(drop)
        }),
        case("birth date that contradicts the CPR", "cpr_mismatch", |j, c, _, _| {
            j.add_client(
                c,
                &ClientRecord { birth_date: Some(date("1990-01-01")), ..client_record("A", Some("010101-1234")) },
            )
            .map(drop)
        }),
        case("sex that contradicts the CPR", "cpr_mismatch", |j, c, _, _| {
            j.add_client(c, &ClientRecord { sex: Some(Sex::K), ..client_record("A", Some("010101-1235")) }).map(drop)
        }),
        case("new client with a CPR number already registered", "cpr_registered", |j, c, _, _| {
            j.add_client(c, &client_record("Ny Navnesen", Some("121270-1113"))).map(drop)
        }),
        case("intake with a CPR number already registered", "cpr_registered", |j, c, _, f| {
            j.intake(c, &client_record("Ny Navnesen", Some("1212701113")), &referral(f.client)).map(drop)
        }),
        case("intake whose referral has an unknown source: no client either", "unknown_code", |j, c, _, f| {
            let r = ReferralRecord { source: "oracle".into(), ..referral(f.client) };
            j.intake(c, &client_record("Ny Navnesen", Some("010180-1234")), &r).map(drop)
        }),
        case("intake whose referral lies in the future: no client either", "in_future", |j, c, _, f| {
            let r = ReferralRecord { received_on: date("2027-01-01"), ..referral(f.client) };
            j.intake(c, &client_record("Ny Navnesen", Some("010180-1234")), &r).map(drop)
        }),
        case("unknown municipality", "unknown_municipality", |j, c, _, _| {
            j.add_client(c, &ClientRecord { municipality: "9999".into(), ..client_record("A", None) }).map(drop)
        }),
        case("client born in the future", "in_future", |j, c, _, _| {
            j.add_client(c, &ClientRecord { birth_date: Some(date("2027-01-01")), ..client_record("A", None) })
                .map(drop)
        }),
        case("child 18 or older when registered", "child_not_minor", |j, c, _, f| {
            let (ch, l) = child_records(f.client, "Voksen", "2008-11-01", "joint", "with_client");
            j.add_child(c, &ch, &l).map(drop)
        }),
        case("child without birth date or CPR", "required", |j, c, _, f| {
            let (ch, l) = child_records(f.client, "Ukendt", "2015-01-01", "joint", "with_client");
            j.add_child(c, &ChildRecord { birth_date: None, ..ch }, &l).map(drop)
        }),
        case("child with unknown custody code", "unknown_code", |j, c, _, f| {
            let (ch, l) = child_records(f.client, "Barn", "2015-01-01", "shared", "with_client");
            j.add_child(c, &ch, &l).map(drop)
        }),
        case("child linked to a missing client", "missing_reference", |j, c, _, _| {
            let (ch, l) = child_records(ClientId::new(), "Barn", "2015-01-01", "joint", "with_client");
            j.add_child(c, &ch, &l).map(drop)
        }),
        case("child linked twice to the same adult", "child_already_linked", |j, c, _, f| {
            let (_, l) = child_records(f.client, "", "2015-01-01", "joint", "with_client");
            j.link_child(c, &ChildLinkRecord { child_id: f.child, ..l }).map(drop)
        }),
        case("referral from an unknown source", "unknown_code", |j, c, _, f| {
            j.add_referral(c, &ReferralRecord { source: "neighbour".into(), ..referral(f.client) }).map(drop)
        }),
        case("information talk before the referral", "date_order", |j, c, _, f| {
            j.add_referral(c, &ReferralRecord { info_talk_on: Some(date("2026-09-01")), ..referral(f.client) })
                .map(drop)
        }),
        case("referral in the future", "in_future", |j, c, _, f| {
            j.add_referral(c, &ReferralRecord { received_on: date("2026-12-24"), ..referral(f.client) }).map(drop)
        }),
        case("referral for a missing client", "missing_reference", |j, c, _, _| {
            j.add_referral(c, &referral(ClientId::new())).map(drop)
        }),
        case("course ending before it starts", "date_order", |j, c, w, f| {
            let mut r = course_record(f.other_client, "family", "2026-05-01", Some("2026-05-10"), w.consultant);
            r.end_on = Some(date("2026-05-05"));
            r.end_reason = Some("completed".into());
            j.enrol(c, &r).map(drop)
        }),
        case("course starting before enrolment", "date_order", |j, c, w, f| {
            j.enrol(c, &course_record(f.other_client, "family", "2026-05-01", Some("2026-04-01"), w.consultant))
                .map(drop)
        }),
        case("course of an unknown kind", "unknown_code", |j, c, w, f| {
            j.enrol(c, &course_record(f.other_client, "yoga", "2026-05-01", None, w.consultant)).map(drop)
        }),
        case("second open course of the same kind", "course_already_open", |j, c, w, f| {
            j.enrol(c, &course_record(f.client, "alcohol", "2026-10-01", None, w.consultant)).map(drop)
        }),
        case("course with an end date but no end reason", "required", |j, c, w, f| {
            let mut r = course_record(f.other_client, "family", "2026-05-01", Some("2026-05-10"), w.consultant);
            r.end_on = Some(date("2026-06-01"));
            j.enrol(c, &r).map(drop)
        }),
        case("course owned by a missing staff member", "missing_reference", |j, c, _, f| {
            j.enrol(c, &course_record(f.other_client, "family", "2026-05-01", None, StaffId::new())).map(drop)
        }),
        case("closing a course before it started", "date_order", |j, c, _, f| {
            j.close_course(c, f.course, date("2026-08-01"), "completed")
        }),
        case("closing with an unknown end reason", "unknown_code", |j, c, _, f| {
            j.close_course(c, f.course, date("2026-10-01"), "bored")
        }),
        case("closing a closed course", "course_closed", |j, c, _, f| {
            j.close_course(c, f.closed_course, date("2026-10-01"), "completed")
        }),
        case("closing a missing course", "not_found", |j, c, _, _| {
            j.close_course(c, CourseId::new(), date("2026-10-01"), "completed")
        }),
        case("follow-up of a course not started", "course_not_started", |j, c, _, f| {
            j.follow_up(c, f.waiting_course, date("2026-10-20"))
        }),
        case("starting a course in the future", "in_future", |j, c, _, f| {
            j.start_course(c, f.waiting_course, date("2026-12-01"))
        }),
        case("AUDIT score above 40", "out_of_range", |j, c, _, f| {
            j.add_assessment(c, &AssessmentRecord { audit_score: Some(41), ..assessment(f.course) }).map(drop)
        }),
        case("unknown side abuse", "unknown_code", |j, c, _, f| {
            j.add_assessment(c, &AssessmentRecord { side_abuse: vec!["sugar".into()], ..assessment(f.course) })
                .map(drop)
        }),
        case("assessment before enrolment", "date_order", |j, c, _, f| {
            j.add_assessment(c, &AssessmentRecord { assessed_on: date("2026-08-01"), ..assessment(f.course) }).map(drop)
        }),
        case("assessment of a closed course", "course_closed", |j, c, _, f| {
            j.add_assessment(c, &assessment(f.closed_course)).map(drop)
        }),
        case("plan without goals", "required", |j, c, _, f| j.revise_plan(c, &plan(f.course, "", &[])).map(drop)),
        case("plan with an unknown element", "unknown_code", |j, c, _, f| {
            j.revise_plan(c, &plan(f.course, "Mål", &["magic"])).map(drop)
        }),
        case("plan for a closed course", "course_closed", |j, c, _, f| {
            j.revise_plan(c, &plan(f.closed_course, "Mål", &[])).map(drop)
        }),
        case("medication for an anonymous client", "medication_anonymous", |j, _, w, f| {
            let doctor = w.as_staff(w.doctor);
            j.start_medication(
                &doctor,
                &MedicationRecord {
                    id: None,
                    course_id: f.anonymous_course,
                    drug: "antabus".into(),
                    dose: "200 mg".into(),
                    started_on: date("2026-10-01"),
                    started_by: w.doctor,
                    stopped_on: None,
                    stopped_by: None,
                    stop_reason: None,
                },
            )
            .map(drop)
        }),
        case("unknown drug", "unknown_code", |j, _, w, f| {
            let c = &w.as_staff(w.doctor);
            j.start_medication(
                c,
                &MedicationRecord {
                    id: None,
                    course_id: f.course,
                    drug: "aspirin".into(),
                    dose: "1".into(),
                    started_on: date("2026-10-01"),
                    started_by: w.doctor,
                    stopped_on: None,
                    stopped_by: None,
                    stop_reason: None,
                },
            )
            .map(drop)
        }),
        case("stopping stopped medication", "medication_stopped", |j, _, w, f| {
            let c = &w.as_staff(w.doctor);
            j.stop_medication(c, f.stopped_medication, date("2026-10-20"), None)
        }),
        case("joint session without a family consultant", "joint_session_staff", |j, c, w, f| {
            j.add_session(
                c,
                &session(w, f, "joint", vec![Participant::Client(f.client), Participant::Staff(w.consultant)]),
            )
            .map(drop)
        }),
        case("session with nobody in it", "no_participants", |j, c, w, f| {
            j.add_session(c, &session(w, f, "individual", vec![])).map(drop)
        }),
        case("session at an impossible time", "time_format", |j, c, w, f| {
            let s = SessionRecord {
                start_time: Some("25:99".into()),
                ..session(w, f, "individual", vec![Participant::Client(f.client)])
            };
            j.add_session(c, &s).map(drop)
        }),
        case("session of zero minutes", "out_of_range", |j, c, w, f| {
            let s =
                SessionRecord { minutes: Some(0), ..session(w, f, "individual", vec![Participant::Client(f.client)]) };
            j.add_session(c, &s).map(drop)
        }),
        case("attendance recorded for a future session", "in_future", |j, c, w, f| {
            let s = SessionRecord {
                held_on: date("2026-12-01"),
                ..session(w, f, "individual", vec![Participant::Client(f.client)])
            };
            j.add_session(c, &s).map(drop)
        }),
        case("session with a missing staff member", "missing_reference", |j, c, w, f| {
            j.add_session(c, &session(w, f, "individual", vec![Participant::Staff(StaffId::new())])).map(drop)
        }),
        case("attendance of a missing session", "not_found", |j, c, _, _| {
            j.record_attendance(c, SessionId::new(), "attended")
        }),
        case("empty note", "required", |j, c, _, f| j.add_note(c, &note(f.client, "2026-10-01", " \n ")).map(drop)),
        case("a note on another client's course", "other_client", |j, c, _, f| {
            j.add_note(
                c,
                &NoteRecord {
                    id: None,
                    client_id: f.other_client,
                    course_id: Some(f.course),
                    session_id: None,
                    kind: NoteKind::Note,
                    corrects: None,
                    written_on: date("2026-10-01"),
                    internal: false,
                    text: "Notat.".into(),
                },
            )
            .map(drop)
        }),
        case("a course enrolled from another client's referral", "other_client", |j, c, w, f| {
            let mut r = course_record(f.other_client, "family", "2026-10-01", None, w.consultant);
            r.referral_id = Some(f.referral);
            j.enrol(c, &r).map(drop)
        }),
        case("correcting a missing note", "not_found", |j, c, _, _| {
            j.correct_note(c, NoteId::new(), NoteKind::Correction, "x", date("2026-10-01")).map(drop)
        }),
        case("notification answered before it was made", "date_order", |j, c, _, f| {
            j.answer_notification(c, f.notification, date("2026-09-01"), "Svar")
        }),
        case("notification without a reason", "required", |j, c, w, f| {
            j.add_notification(
                c,
                &NotificationRecord {
                    id: None,
                    child_id: f.child,
                    client_id: None,
                    made_on: date("2026-10-01"),
                    made_by: w.consultant,
                    to_unit: None,
                    recipient: "Familieafdelingen".into(),
                    reason: "".into(),
                    answer_received_on: None,
                    answer: None,
                },
            )
            .map(drop)
        }),
        case("consent of an unknown scope", "unknown_code", |j, c, _, f| {
            j.give_consent(c, &ConsentRecord { scope: "everyone".into(), ..consent(f.client) }).map(drop)
        }),
        case("withdrawing a withdrawn consent", "consent_withdrawn", |j, c, _, f| {
            j.withdraw_consent(c, f.withdrawn_consent, date("2026-10-20"))
        }),
        case("case review of a child not linked to the client", "child_not_linked", |j, c, w, f| {
            j.record_case_review(c, &review(w, f.other_client, f.child, "Beslutning", &[])).map(drop)
        }),
        case("case review answer to an unknown question", "unknown_question", |j, c, w, f| {
            j.record_case_review(c, &review(w, f.client, f.child, "Beslutning", &[("weather", "sol")])).map(drop)
        }),
        case("case review without a decision", "required", |j, c, w, f| {
            j.record_case_review(c, &review(w, f.client, f.child, "", &[])).map(drop)
        }),
        case("staff initials already in use", "initials_taken", |j, _, w, _| {
            let c = &w.as_staff(w.admin);
            j.add_staff(
                c,
                &StaffRecord {
                    id: None,
                    unit_id: w.rmc,
                    name: "Ny".into(),
                    initials: "aa".into(),
                    role: "secretary".into(),
                },
            )
            .map(drop)
        }),
        case("staff of an unknown role", "unknown_code", |j, _, w, _| {
            let c = &w.as_staff(w.admin);
            j.add_staff(
                c,
                &StaffRecord {
                    id: None,
                    unit_id: w.rmc,
                    name: "Ny".into(),
                    initials: "NY".into(),
                    role: "janitor".into(),
                },
            )
            .map(drop)
        }),
        case("an acting user who is not staff", "unknown_user", |j, _, w, _| {
            let stranger = w.as_staff(StaffId::new());
            j.add_client(&stranger, &client_record("A", None)).map(drop)
        }),
        case("a price valid to before valid from", "date_order", |j, _, w, _| {
            j.add_agreement_price(
                &w.as_staff(w.leader),
                &AgreementPriceRecord {
                    id: None,
                    payer: "0336".into(),
                    provider: "0320".into(),
                    course_kind: "alcohol".into(),
                    setting: "ambulant".into(),
                    per: PricePer::Day,
                    amount: Money::parse("145,50", "amount").unwrap(),
                    valid_from: date("2026-01-01"),
                    valid_to: Some(date("2025-12-31")),
                },
            )
            .map(drop)
        }),
        case("a note correcting another client's note, in an import", "correction_other_client", |j, _, w, f| {
            let c = &w.as_staff(w.leader);
            let mut file = JournalFile::new();
            file.notes.push(NoteRecord {
                id: None,
                client_id: f.client,
                course_id: None,
                session_id: None,
                kind: NoteKind::Correction,
                corrects: Some(f.other_note),
                written_on: date("2026-10-01"),
                internal: false,
                text: "Rettelse".into(),
            });
            j.import(c, &file).map(drop)
        }),
        case("a note that names itself a correction without saying of what", "required", |j, _, w, f| {
            let c = &w.as_staff(w.leader);
            let mut file = JournalFile::new();
            file.notes.push(NoteRecord {
                id: None,
                client_id: f.client,
                course_id: None,
                session_id: None,
                kind: NoteKind::Error,
                corrects: None,
                written_on: date("2026-10-01"),
                internal: false,
                text: "Fejl".into(),
            });
            let _ = f.note;
            j.import(c, &file).map(drop)
        }),
        case("a group without a name", "required", |j, c, _, _| {
            j.add_group(c, &group_record(" ", "2026-09-01")).map(drop)
        }),
        case("a group of a kind not on the list", "unknown_code", |j, c, _, _| {
            j.add_group(c, &GroupRecord { kind: "yoga".into(), ..group_record("Yoga", "2026-09-01") }).map(drop)
        }),
        case("a member who joins before the group starts", "date_order", |j, c, _, f| {
            j.add_group_member(c, &member_record(f.group, Some(f.other_client), None, "2026-08-01")).map(drop)
        }),
        case("a child who is already in the group", "duplicate", |j, c, _, f| {
            j.add_group_member(c, &member_record(f.group, None, Some(f.child), "2026-10-01")).map(drop)
        }),
        case("a member who is neither client nor child", "required", |j, c, _, f| {
            j.add_group_member(c, &member_record(f.group, None, None, "2026-09-01")).map(drop)
        }),
        case("a meeting before the group started", "date_order", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2026-08-25"), &[(f.member, "attended".into())]).map(drop)
        }),
        case("a meeting before the member joined", "not_in_group", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2026-09-08"), &[(f.member, "attended".into())]).map(drop)
        }),
        case("a meeting after the member left", "not_in_group", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2026-11-03"), &[(f.left_member, "attended".into())]).map(drop)
        }),
        case("a meeting in the future", "in_future", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2027-01-05"), &[(f.member, "attended".into())]).map(drop)
        }),
        case("a meeting with an attendance code not on the list", "unknown_code", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2026-10-13"), &[(f.member, "maybe".into())]).map(drop)
        }),
        case("a meeting whose second member is bad keeps not even the first", "unknown_code", |j, c, _, f| {
            let rows = [(f.member, "attended".to_string()), (f.left_member, "x".to_string())];
            j.record_group_meeting(c, f.group, date("2026-10-13"), &rows).map(drop)
        }),
        case("the same meeting recorded twice", "duplicate", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2026-10-06"), &[(f.left_member, "attended".into())]).map(drop)
        }),
        case("a meeting with nobody", "no_members", |j, c, _, f| {
            j.record_group_meeting(c, f.group, date("2026-10-13"), &[]).map(drop)
        }),
        case("leaving before joining", "date_order", |j, c, _, f| {
            j.leave_group(c, f.member, date("2026-09-10")).map(drop)
        }),
        case("leaving before a meeting attended", "date_order", |j, c, _, f| {
            j.leave_group(c, f.member, date("2026-10-20")).map(drop)
        }),
        case("leaving twice", "already_left", |j, c, _, f| j.leave_group(c, f.left_member, date("2026-11-01"))),
        case("an administrator recording a group meeting", "forbidden", |j, _, w, f| {
            let c = &w.as_staff(w.admin);
            j.record_group_meeting(c, f.group, date("2026-11-03"), &[(f.member, "attended".into())]).map(drop)
        }),
    ]
}

fn review(w: &Ids, client: ClientId, child: ChildId, decision: &str, answers: &[(&str, &str)]) -> CaseReviewRecord {
    CaseReviewRecord {
        id: None,
        unit_id: None,
        held_on: date("2026-11-01"),
        led_by: w.leader,
        items: vec![CaseReviewItemRecord {
            id: None,
            client_id: client,
            child_id: child,
            answers: answers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            decision: decision.into(),
            responsible: None,
        }],
    }
}

#[test]
fn every_rule_refuses_bad_input_with_its_code_and_changes_nothing() {
    let mut w = World::new();
    let f = prepare(&mut w);
    let mut failures = Vec::new();
    let ids = w.ids();
    for (name, code, op) in cases() {
        let before = snapshot(&w.j);
        let result = op(&mut w.j, &w.ctx, &ids, &f);
        match result {
            Ok(()) => failures.push(format!("{name}: accepted")),
            Err(e) => {
                if e.code() != code {
                    failures.push(format!("{name}: code {} ({e}), expected {code}", e.code()));
                }
                let message = e.to_string();
                if message.is_empty() || !message.chars().any(|c| "æøåÆØÅ".contains(c) || c.is_alphabetic()) {
                    failures.push(format!("{name}: no message"));
                }
            }
        }
        if snapshot(&w.j) != before {
            failures.push(format!("{name}: the journal changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The intake form refuses every broken field at once (issue 16, item 7),
/// each with its code, field and Danish message, and writes nothing; a
/// field its reader has already refused keeps that refusal, and the rules
/// about it (which would judge a value the person did not mean) are left out.
#[test]
fn the_intake_refuses_every_broken_field_at_once_and_writes_nothing() {
    let mut w = World::new();
    let f = prepare(&mut w);
    let before = snapshot(&w.j);
    let client = ClientRecord { municipality: "9999".into(), ..client_record("  ", Some("121270-1113")) };
    let r = ReferralRecord { source: "oracle".into(), received_on: date("2027-01-01"), ..referral(f.client) };
    let e = w.j.intake(&w.ctx, &client, &r).unwrap_err();
    let got: Vec<(&str, Option<&str>)> = e.refusals().iter().map(|i| (i.code(), i.field())).collect();
    assert_eq!(
        got,
        [
            ("required", Some("name")),
            ("unknown_municipality", Some("municipality")),
            ("cpr_registered", Some("cpr")),
            ("in_future", Some("received_on")),
            ("unknown_code", Some("source")),
        ]
    );
    assert!(matches!(e, Error::Refused(_)), "{e:?}");
    assert_eq!(e.code(), "required", "the first refusal's code");
    let messages: Vec<String> = e.refusals().iter().map(|i| i.to_string()).collect();
    assert_eq!(messages[0], "Navn skal udfyldes.");
    assert_eq!(messages[1], "Kommunekoden «9999» er ukendt.");
    assert_eq!(messages[3], "Henvendelsesdato ligger i fremtiden.");
    assert_eq!(e.to_string(), messages.join(" "));
    assert!(snapshot(&w.j) == before, "nothing is written");

    // The form's reader could not read the date: that refusal stays, the
    // date's own rules (in the future, the information talk before it) are
    // left out, and the core's refusal of the empty name is added.
    let mut earlier = Refusals::new();
    earlier.push(Invalid::DateFormat { field: "received_on", value: "32-13-2026".into() });
    let r = ReferralRecord {
        received_on: date("2099-01-01"),
        info_talk_on: Some(date("2026-01-01")),
        ..referral(f.client)
    };
    let e = w.j.intake_form(&w.ctx, &client_record("", None), &r, earlier).unwrap_err();
    let got: Vec<(&str, Option<&str>)> = e.refusals().iter().map(|i| (i.code(), i.field())).collect();
    assert_eq!(got, [("date_format", Some("received_on")), ("required", Some("name"))]);
    assert!(snapshot(&w.j) == before, "nothing is written");

    // One broken rule is one `Invalid`, as before; a client alone too.
    let e = w.j.intake(&w.ctx, &client_record("", None), &referral(f.client)).unwrap_err();
    assert!(matches!(e, Error::Invalid(Invalid::Required { field: "name" })), "{e:?}");
    let both =
        ClientRecord { birth_date: Some(date("2030-01-01")), municipality: "9999".into(), ..client_record("", None) };
    let e = w.j.add_client(&w.ctx, &both).unwrap_err();
    let codes: Vec<&str> = e.refusals().iter().map(|i| i.code()).collect();
    assert_eq!(codes, ["required", "in_future", "unknown_municipality"]);
    assert!(snapshot(&w.j) == before, "nothing is written");
}

/// The first start's set-up form refuses every broken field at once (the
/// unit's name, its municipality, the first user's name and initials, the
/// password), each beside its own field, and makes no file.
#[test]
fn a_new_journals_set_up_refuses_every_broken_field_at_once_and_makes_no_file() {
    use tovholder::security::keys::{KdfParams, Secret};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ny.journal");
    let setup = tovholder::Setup {
        site_name: " ".into(),
        unit: UnitRecord { id: None, municipality: "9999".into(), kind: "alcohol".into(), name: " ".into() },
        first_staff: StaffRecord {
            id: None,
            unit_id: UnitId::new(),
            name: "".into(),
            initials: "X".into(),
            role: "administrator".into(),
        },
    };
    let clock = std::sync::Arc::new(FixedClock::on(date(TODAY)));
    let e = Journal::create_keyed(&path, &setup, &Secret::new("kort"), clock, KdfParams::TEST_ONLY).unwrap_err();
    let got: Vec<(&str, Option<&str>, String)> =
        e.refusals().iter().map(|i| (i.code(), i.field(), i.to_string())).collect();
    let want = [
        ("required", Some("name"), "Navn skal udfyldes."),
        ("unknown_municipality", Some("municipality"), "Kommunekoden «9999» er ukendt."),
        ("required", Some("staff_name"), "Medarbejderens navn skal udfyldes."),
        ("out_of_range", Some("initials"), "Initialer skal være mellem 2 og 8."),
        ("password_too_short", Some("password"), "Adgangskoden skal have mindst 10 tegn."),
    ];
    let want: Vec<(&str, Option<&str>, String)> = want.iter().map(|(c, f, m)| (*c, *f, m.to_string())).collect();
    assert_eq!(got, want);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file is made");
}

#[test]
fn messages_are_danish_and_name_the_field() {
    let mut w = World::new();
    let f = prepare(&mut w);
    let e = w.j.close_course(&w.ctx, f.course, date("2026-08-01"), "completed").unwrap_err();
    assert_eq!(e.to_string(), "Slutdato ligger før Startdato.");
    assert_eq!(e.invalid().and_then(|i| i.field()), Some("end_on"));
    let e = w.j.add_client(&w.ctx, &client_record("", None)).unwrap_err();
    assert_eq!(e.to_string(), "Navn skal udfyldes.");
    let e = w.j.add_group_member(&w.ctx, &member_record(f.group, None, None, "2026-10-01")).unwrap_err();
    assert_eq!(e.to_string(), "Klient eller barn skal udfyldes.");
    let e = w.j.leave_group(&w.ctx, f.member, date("2026-09-10")).unwrap_err();
    assert_eq!(e.to_string(), "Udmeldelsesdato ligger før Indmeldelsesdato.");
    let e = Cpr::parse("311301-1234").unwrap_err();
    assert_eq!(e.to_string(), "CPR-nummeret indeholder ikke en gyldig fødselsdato.");
}
