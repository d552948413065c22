//! One story per workflow of SPEC §4 steps 1-6, told through the core API the
//! way a consultant would work, checked the way they would check it: by
//! reading the client's record back.

use tovholder::model::*;

use crate::support::*;

#[test]
fn intake_referral_info_talk_enrolment_assessment_children_and_plan() {
    let mut w = World::new();
    let client = w.client("Karen Kildevæld", "120385-1234", "0320");

    // Referral: first contact; the 14-day deadline runs from here.
    let referral =
        w.j.add_referral(
            &w.ctx,
            &ReferralRecord {
                id: None,
                client_id: client,
                received_on: date("2026-10-20"),
                source: "gp".into(),
                referrer: Some("Lægehuset i Haslev".into()),
                reason: Some("Højt alkoholforbrug".into()),
                door: "alcohol_unit".into(),
                unit_id: None,
                info_talk_on: None,
                outcome: "pending".into(),
            },
        )
        .unwrap();
    let waiting = w.j.waiting_referrals(&w.ctx).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].1.deadline, date("2026-11-03"));

    w.j.record_info_talk(&w.ctx, referral, date("2026-10-22")).unwrap();
    let mut course = course_record(client, "alcohol", "2026-10-22", Some("2026-10-27"), w.consultant);
    course.referral_id = Some(referral);
    let course = w.j.enrol(&w.ctx, &course).unwrap();
    assert!(w.j.waiting_referrals(&w.ctx).unwrap().is_empty(), "an enrolled referral is no longer waiting");

    w.j.add_assessment(
        &w.ctx,
        &AssessmentRecord {
            id: None,
            course_id: course,
            assessed_on: date("2026-10-27"),
            audit_score: Some(27),
            units_per_week: Some(45),
            side_abuse: vec!["cannabis".into()],
            income_source: Some("wages".into()),
            housing: Some("own_home".into()),
            children_situation: vec!["home_under_18".into(), "visitation".into()],
            pregnant: Some(false),
            violence: Some(false),
            psychiatric: None,
            remarks: None,
        },
    )
    .unwrap();

    // The family questions: two children in different situations.
    let emma = w.child(client, "Emma Kildevæld", "2015-03-01", "joint", "with_client");
    let (mut child, mut link) = child_records(client, "Oliver Bakke", "2012-07-15", "other_parent", "visitation");
    child.family_case = true;
    child.caseworker = Some("Sagsbehandler B".into());
    child.caseworker_unit = Some(w.faxe_family);
    child.concern = "some".into();
    link.relation = "own".into();
    link.visitation = Some("hver anden weekend".into());
    let oliver = w.j.add_child(&w.ctx, &child, &link).unwrap();

    w.j.revise_plan(
        &w.ctx,
        &PlanRevisionRecord {
            id: None,
            course_id: course,
            made_on: date("2026-10-28"),
            goals: "Alkoholfri hverdag; stabil kontakt med børnene.".into(),
            elements: vec!["ambulant_individual".into(), "family_sessions".into()],
            medication: None,
            family_section: Some("Fællessamtale med familiekonsulent; Oliver tilbydes børnegruppe.".into()),
            midway_on: Some(date("2027-01-15")),
            final_on: Some(date("2027-04-15")),
        },
    )
    .unwrap();

    let r = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(r.client.cpr.as_deref(), Some("120385-1234"));
    assert_eq!(r.client.birth_date, Some(date("1985-03-12")));
    assert_eq!(r.client.sex.as_ref().map(|s| s.code.as_str()), Some("K"));
    assert_eq!(r.referrals[0].outcome.code, "enrolled");
    assert_eq!(r.referrals[0].info_talk_on, Some(date("2026-10-22")));
    let c = &r.courses[0];
    assert_eq!(c.status.code, "active");
    assert_eq!(c.waiting_days, Some(7), "20-10 to 27-10: treatment within 14 days");
    assert_eq!(c.paying_municipality.code, "0320");
    assert_eq!(c.assessments[0].audit_score, Some(27));
    assert_eq!(c.assessments[0].children_situation.len(), 2);
    assert_eq!(c.plan.len(), 1);
    assert!(c.plan[0].family_section.as_deref().unwrap().contains("børnegruppe"));
    let kids: Vec<_> =
        r.children.iter().map(|c| (c.id, c.custody.code.as_str(), c.residence.code.as_str(), c.age)).collect();
    assert_eq!(kids, vec![(oliver, "other_parent", "visitation", 14), (emma, "joint", "with_client", 11)]);
    assert_eq!(r.children[0].caseworker_unit.as_deref(), Some("Faxe Familie & PPR-Enheden"));
    assert_eq!(r.children[0].concern.label, "Nogen bekymring");
}

#[test]
fn treatment_sessions_joint_session_notes_plan_revisions_evaluation_medication() {
    let mut w = World::new();
    let client = w.client("Bo Birkholm", "010170-1235", "0336");
    let course = w.course(client, "alcohol", "2026-09-01", Some("2026-09-03"));

    // A Stevns citizen treated in Faxe: Stevns pays.
    let r = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(r.courses[0].paying_municipality.label, "Stevns");

    // Book a session, then record that it was held.
    let booked =
        w.j.add_session(
            &w.ctx,
            &SessionRecord {
                id: None,
                course_id: Some(course),
                kind: "individual".into(),
                held_on: date("2026-10-01"),
                start_time: Some("10.00".into()),
                minutes: Some(45),
                place: Some("Haslev".into()),
                attendance: None,
                participants: vec![Participant::Client(client), Participant::Staff(w.consultant)],
            },
        )
        .unwrap();
    w.j.record_attendance(&w.ctx, booked, "attended").unwrap();

    // A joint session with the Stevns family consultant lists both units.
    let joint =
        w.j.add_session(
            &w.ctx,
            &SessionRecord {
                id: None,
                course_id: Some(course),
                kind: "joint".into(),
                held_on: date("2026-10-15"),
                start_time: Some("13:30".into()),
                minutes: Some(90),
                place: None,
                attendance: Some("attended".into()),
                participants: vec![
                    Participant::Client(client),
                    Participant::Staff(w.consultant),
                    Participant::Staff(w.stevns_fc),
                ],
            },
        )
        .unwrap();
    let note =
        w.j.add_note(
            &w.ctx,
            &NoteRecord {
                id: None,
                client_id: client,
                course_id: Some(course),
                session_id: Some(joint),
                kind: NoteKind::Note,
                corrects: None,
                written_on: date("2026-10-15"),
                internal: false,
                text: "Fællessamtale om børnenes hverdag. Ingen tilbagefald siden sidst.".into(),
            },
        )
        .unwrap();

    // The plan is revised: a new version, the first one unchanged.
    let plan = |goals: &str, on: &str| PlanRevisionRecord {
        id: None,
        course_id: course,
        made_on: date(on),
        goals: goals.into(),
        elements: vec!["ambulant_individual".into()],
        medication: None,
        family_section: None,
        midway_on: None,
        final_on: None,
    };
    w.j.revise_plan(&w.ctx, &plan("Reducere forbruget til under 14 genstande.", "2026-09-03")).unwrap();
    w.j.revise_plan(&w.ctx, &plan("Helt alkoholfri, med Antabus.", "2026-10-16")).unwrap();
    w.j.add_evaluation(
        &w.ctx,
        &EvaluationRecord {
            id: None,
            course_id: course,
            kind: EvaluationKind::Midway,
            evaluated_on: date("2026-10-16"),
            text: "Målene er delvist nået.".into(),
        },
    )
    .unwrap();

    // Medication: the doctor starts Antabus; it is stopped later.
    let doctor = w.as_staff(w.doctor);
    let med =
        w.j.start_medication(
            &doctor,
            &MedicationRecord {
                id: None,
                course_id: course,
                drug: "antabus".into(),
                dose: "200 mg mandag og torsdag".into(),
                started_on: date("2026-10-16"),
                started_by: w.doctor,
                stopped_on: None,
                stopped_by: None,
                stop_reason: None,
            },
        )
        .unwrap();
    w.j.stop_medication(&w.ctx, med, date("2026-11-01"), Some("Ønsker at stoppe".into())).unwrap();

    let r = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(r.sessions.len(), 2);
    let joint_view = r.sessions.iter().find(|s| s.id == joint).unwrap();
    let units: Vec<&str> = joint_view.participants.iter().filter_map(|p| p.unit.as_deref()).collect();
    assert_eq!(units, vec!["Faxe Rusmiddelcenter", "Stevns Center Familie"]);
    let booked_view = r.sessions.iter().find(|s| s.id == booked).unwrap();
    assert_eq!(booked_view.attendance.as_ref().unwrap().code, "attended");
    assert_eq!(booked_view.start_time.as_deref(), Some("10:00"));
    let c = &r.courses[0];
    let goals: Vec<(i64, &str)> = c.plan.iter().map(|p| (p.revision, p.goals.as_str())).collect();
    assert_eq!(goals, vec![(1, "Reducere forbruget til under 14 genstande."), (2, "Helt alkoholfri, med Antabus.")]);
    assert_eq!(c.evaluations[0].kind, EvaluationKind::Midway);
    assert_eq!(c.medications[0].started_by, "Dora Doktor");
    assert_eq!(c.medications[0].stopped_on, Some(date("2026-11-01")));
    assert_eq!(c.medications[0].stopped_by.as_deref(), Some("Anders Alkobehandler"));
    assert_eq!(r.notes[0].id, note);
    assert_eq!(r.notes[0].author, "Anders Alkobehandler");
}

#[test]
fn notes_are_append_only_and_a_correction_keeps_the_original() {
    let mut w = World::new();
    let client = w.client("Carl Carlsen", "020280-1111", "0320");
    let original =
        w.j.add_note(&w.ctx, &note(client, "2026-10-30", "Borgeren drak 20 genstande i weekenden.")).unwrap();
    let correction = w
        .j
        .correct_note(&w.ctx, original, NoteKind::Correction, "Rettelse: 12 genstande, ikke 20.", date("2026-11-01"))
        .unwrap();

    let r = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(r.notes.len(), 2);
    let orig = r.notes.iter().find(|n| n.id == original).unwrap();
    assert_eq!(orig.text, "Borgeren drak 20 genstande i weekenden.", "the original stays readable");
    assert_eq!(orig.corrected_by, vec![correction]);
    let corr = r.notes.iter().find(|n| n.id == correction).unwrap();
    assert_eq!((corr.kind, corr.corrects), (NoteKind::Correction, Some(original)));

    // Not even SQL written past the core can change or rewrite a note.
    let err = sql(&w.j).execute("UPDATE note SET text = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");
    assert_eq!(count(&w.j, "note"), 2);
}

#[test]
fn family_course_both_parents_network_emergency_plan_and_childrens_group() {
    let mut w = World::new();
    let mother = w.client("Mona Mosegaard", "030388-2222", "0336");
    let father = w.client("Finn Mosegaard", "040486-3331", "0336");
    w.course(mother, "family", "2026-08-01", Some("2026-08-05"));
    w.course(father, "alcohol", "2026-08-01", Some("2026-08-05"));
    let child = w.child(father, "Lily Mosegaard", "2016-02-02", "joint", "with_client");
    w.j.link_child(
        &w.ctx,
        &ChildLinkRecord {
            id: None,
            child_id: child,
            client_id: mother,
            relation: "own".into(),
            custody: "joint".into(),
            residence: "with_client".into(),
            visitation: None,
        },
    )
    .unwrap();
    w.j.add_network_person(
        &w.ctx,
        &NetworkPersonRecord {
            id: None,
            child_id: child,
            role: "teacher".into(),
            name: "Klasselærer Å".into(),
            contact: None,
        },
    )
    .unwrap();
    let plan = |trusted: &str| EmergencyPlanRecord {
        id: None,
        child_id: child,
        made_on: date("2026-09-01"),
        trusted_adults: trusted.into(),
        plan: "Ring til mormor, hvis far drikker.".into(),
    };
    w.j.add_emergency_plan(&w.ctx, &plan("Mormor")).unwrap();
    w.j.add_emergency_plan(&w.ctx, &plan("Mormor og nabo")).unwrap();
    let group = w.j.add_group(&w.ctx, &group_record("Børnegruppen efterår", "2026-09-01")).unwrap();
    let member = w.j.add_group_member(&w.ctx, &member_record(group, None, Some(child), "2026-09-01")).unwrap();
    w.j.add_group_attendance(
        &w.ctx,
        &GroupAttendanceRecord {
            id: None,
            member_id: member,
            met_on: date("2026-09-08"),
            attendance: "attended".into(),
        },
    )
    .unwrap();
    w.j.add_session(
        &w.ctx,
        &SessionRecord {
            id: None,
            course_id: None,
            kind: "family".into(),
            held_on: date("2026-09-10"),
            start_time: None,
            minutes: Some(60),
            place: None,
            attendance: Some("attended".into()),
            participants: vec![
                Participant::Client(mother),
                Participant::Client(father),
                Participant::Child(child),
                Participant::Staff(w.consultant),
                Participant::Staff(w.stevns_fc),
            ],
        },
    )
    .unwrap();

    let r = w.j.client_record(&w.ctx, mother).unwrap();
    let lily = &r.children[0];
    assert_eq!(lily.other_adults, vec!["Finn Mosegaard".to_string()]);
    assert_eq!(lily.network[0].role.label, "Lærer");
    let revisions: Vec<(i64, &str)> =
        lily.emergency_plans.iter().map(|p| (p.revision, p.trusted_adults.as_str())).collect();
    assert_eq!(revisions, vec![(1, "Mormor"), (2, "Mormor og nabo")]);
    assert_eq!(r.sessions.len(), 1, "the family session is on both parents' records");
    assert_eq!(w.j.client_record(&w.ctx, father).unwrap().sessions.len(), 1);
    assert_eq!(count(&w.j, "group_attendance"), 1);
}

#[test]
fn group_with_a_child_and_a_client_two_meetings_and_a_member_leaving() {
    let mut w = World::new();
    let mother = w.client("Mona Mosegaard", "030388-2222", "0336");
    let stranger = w.client("Ukendt Udenfor", "050590-1111", "0320");
    let child = w.child(mother, "Lily Mosegaard", "2016-02-02", "joint", "with_client");
    let group = w.j.add_group(&w.ctx, &group_record("Stjernerne", "2026-10-01")).unwrap();
    let member = |client: Option<ClientId>, child: Option<ChildId>| member_record(group, client, child, "2026-10-01");
    let lily = w.j.add_group_member(&w.ctx, &member(None, Some(child))).unwrap();
    let mona = w.j.add_group_member(&w.ctx, &member(Some(mother), None)).unwrap();
    let other = w.j.add_group_member(&w.ctx, &member(Some(stranger), None)).unwrap();
    let all = |a: &str, b: &str, c: &str| vec![(lily, a.to_string()), (mona, b.to_string()), (other, c.to_string())];
    w.j.record_group_meeting(&w.ctx, group, date("2026-10-07"), &all("attended", "attended", "no_show")).unwrap();
    w.j.record_group_meeting(&w.ctx, group, date("2026-10-14"), &all("attended", "cancelled_by_client", "attended"))
        .unwrap();
    w.j.leave_group(&w.ctx, other, date("2026-10-20")).unwrap();

    let list = w.j.groups(&w.ctx).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].members, list[0].meetings), (2, 2), "the member who left is not counted");
    let g = w.j.group(&w.ctx, group).unwrap();
    assert_eq!(g.kind.label, "Børnegruppe (6-13 år)");
    assert_eq!(g.meetings, vec![date("2026-10-07"), date("2026-10-14")]);
    let names: Vec<&str> = g.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["Mona Mosegaard", "Ukendt Udenfor", "Lily Mosegaard"], "clients first, then children");
    assert_eq!(g.members[1].left_on, Some(date("2026-10-20")));
    assert_eq!(g.members[2].child_id, Some(child));
    let mona_codes: Vec<&str> = g.members[0].attendance.iter().map(|a| a.attendance.code.as_str()).collect();
    assert_eq!(mona_codes, vec!["attended", "cancelled_by_client"]);
    assert_eq!(w.j.client_record(&w.ctx, stranger).unwrap().groups[0].left_on, Some(date("2026-10-20")));
    let log = w.j.access_log(&w.as_staff(w.leader), mother.0).unwrap();
    assert!(log.iter().any(|e| e.what_label.as_deref() == Some("gruppe")), "reading the group is in Mona's access log");

    // The family consultant of Stevns sees the group through the shared
    // child only, not the other members.
    let stevns = w.j.role_of(w.stevns_fc).unwrap().1;
    let consent = ConsentRecord {
        id: None,
        client_id: mother,
        scope: "family_department".into(),
        recipient: "Stevns Center Familie".into(),
        to_unit: Some(stevns),
        given_on: date("2026-10-01"),
        withdrawn_on: None,
        remarks: None,
    };
    w.j.give_consent(&w.ctx, &consent).unwrap();
    let fc = w.as_staff(w.stevns_fc);
    let g = w.j.group(&fc, group).unwrap();
    let names: Vec<&str> = g.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["Mona Mosegaard", "Lily Mosegaard"]);
    assert_eq!(w.j.groups(&fc).unwrap()[0].members, 2);
}

#[test]
fn notification_is_recorded_listed_until_answered_and_shown_on_the_child() {
    let mut w = World::new();
    let client = w.client("Nis Nørregaard", "050575-4443", "0320");
    let child = w.child(client, "Noah Nørregaard", "2018-05-05", "client_alone", "with_client");
    let n =
        w.j.add_notification(
            &w.ctx,
            &NotificationRecord {
                id: None,
                child_id: child,
                client_id: Some(client),
                made_on: date("2026-10-01"),
                made_by: w.consultant,
                to_unit: Some(w.faxe_family),
                recipient: "Faxe Familie & PPR-Enheden, modtagelsen".into(),
                reason: "Far møder beruset op til samtale; Noah er alene hjemme.".into(),
                answer_received_on: None,
                answer: None,
            },
        )
        .unwrap();
    let open = w.j.unanswered_notifications(&w.ctx).unwrap();
    assert_eq!(open.iter().map(|n| n.id).collect::<Vec<_>>(), vec![n]);
    w.j.answer_notification(&w.ctx, n, date("2026-10-08"), "Sagen er oprettet; sagsbehandler tildelt.").unwrap();
    assert!(w.j.unanswered_notifications(&w.ctx).unwrap().is_empty());
    let r = w.j.client_record(&w.ctx, client).unwrap();
    let shown = &r.children[0].notifications[0];
    assert_eq!(shown.made_by, "Anders Alkobehandler");
    assert_eq!(shown.answer_received_on, Some(date("2026-10-08")));
}

#[test]
fn monthly_case_review_lists_exactly_active_clients_with_children_under_18() {
    let mut w = World::new();
    // In: an active client with a child under 18.
    let active = w.client("Aase Aktiv", "060680-5554", "0320");
    w.course(active, "alcohol", "2026-06-01", Some("2026-06-02"));
    let kid = w.child(active, "Alfred Aktiv", "2014-01-01", "joint", "with_client");
    // In: a waiting client (course not started) is also active.
    let waiting = w.client("Willy Venter", "070781-6667", "0336");
    w.course(waiting, "alcohol", "2026-10-30", None);
    w.child(waiting, "Wilma Venter", "2020-01-01", "other_parent", "visitation");
    // Out: a closed course.
    let closed = w.client("Lukket Lund", "080882-7777", "0320");
    let c = w.course(closed, "alcohol", "2026-01-01", Some("2026-01-02"));
    w.child(closed, "Luna Lund", "2015-01-01", "joint", "with_client");
    w.j.close_course(&w.ctx, c, date("2026-05-01"), "completed").unwrap();
    // Out: no children; and a child who turned 18 before the review.
    let childless = w.client("Ib Ingenbørn", "090983-8889", "0320");
    w.course(childless, "alcohol", "2026-06-01", Some("2026-06-01"));
    let grown = w.client("Gurli Voksenbarn", "101084-9990", "0320");
    w.course(grown, "alcohol", "2026-06-01", Some("2026-06-01"));
    let (mut gustav, link) = child_records(grown, "Gustav Voksen", "2008-10-15", "joint", "with_client");
    gustav.registered_on = Some(date("2026-06-01"));
    w.j.add_child(&w.ctx, &gustav, &link).unwrap();

    let list = w.j.case_review_list(&w.ctx, date("2026-11-01")).unwrap();
    let names: Vec<&str> = list.clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["Aase Aktiv", "Willy Venter"]);
    assert_eq!(list.questions.len(), 10);
    assert_eq!(list.questions[0].label, "Forældre");
    assert_eq!(list.clients[0].children[0].age, 12);
    assert_eq!(list.clients[0].case_owner, vec!["Anders Alkobehandler".to_string()]);

    let mut answers = std::collections::BTreeMap::new();
    answers.insert("concerned".to_string(), "Nej".to_string());
    answers.insert("involve_us".to_string(), "Ja, børnesamtale".to_string());
    let review =
        w.j.record_case_review(
            &w.ctx,
            &CaseReviewRecord {
                id: None,
                unit_id: None,
                held_on: date("2026-11-01"),
                led_by: w.leader,
                items: vec![CaseReviewItemRecord {
                    id: None,
                    client_id: active,
                    child_id: kid,
                    answers,
                    decision: "Tilbyd Alfred børnegruppe.".into(),
                    responsible: Some(w.consultant),
                }],
            },
        )
        .unwrap();
    let held = w.j.case_review(&w.ctx, review).unwrap();
    assert_eq!(held.items[0].answers[0].0.label, "Er du bekymret for barnet");
    assert_eq!(held.items[0].decision, "Tilbyd Alfred børnegruppe.");
    let next = w.j.case_review_list(&w.ctx, date("2026-11-02")).unwrap();
    assert_eq!(
        next.clients[0].children[0].last_decision,
        Some((date("2026-11-01"), "Tilbyd Alfred børnegruppe.".to_string()))
    );
}

#[test]
fn closing_a_course_with_each_nab_end_reason() {
    let mut w = World::new();
    let reasons = w.j.code_list(CodeList::EndReason).unwrap();
    assert_eq!(reasons.len(), 9);
    for (i, reason) in reasons.iter().enumerate() {
        let client = w.client(&format!("Klient {i}"), &format!("0101{:02}1{:03}", 60 + i, i), "0320");
        let course = w.course(client, "alcohol", "2026-01-05", Some("2026-01-06"));
        w.j.add_evaluation(
            &w.ctx,
            &EvaluationRecord {
                id: None,
                course_id: course,
                kind: EvaluationKind::Final,
                evaluated_on: date("2026-06-30"),
                text: "Slutevaluering.".into(),
            },
        )
        .unwrap();
        w.j.close_course(&w.ctx, course, date("2026-06-30"), &reason.code).unwrap();
        let r = w.j.client_record(&w.ctx, client).unwrap();
        let c = &r.courses[0];
        assert_eq!((c.status.code.as_str(), c.end_on), ("closed", Some(date("2026-06-30"))));
        assert_eq!(c.end_reason.as_ref().unwrap().label, reason.label);
        // A closed course cannot be closed again, and a new one may start.
        let again = w.j.close_course(&w.ctx, course, date("2026-07-01"), "other").unwrap_err();
        assert_eq!(again.code(), "course_closed");
        w.course(client, "alcohol", "2026-08-01", None);
    }
}

#[test]
fn follow_up_after_treatment_then_close() {
    let mut w = World::new();
    let client = w.client("Elin Efterbehandling", "111165-1112", "0320");
    let course = w.course(client, "alcohol", "2026-01-05", None);
    w.j.start_course(&w.ctx, course, date("2026-01-12")).unwrap();
    w.j.follow_up(&w.ctx, course, date("2026-06-01")).unwrap();
    let r = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(r.courses[0].status.label, "Efterbehandling");
    let err = w.j.close_course(&w.ctx, course, date("2026-05-01"), "completed").unwrap_err();
    assert_eq!(err.code(), "date_order", "cannot end before follow-up began");
    w.j.close_course(&w.ctx, course, date("2026-10-01"), "completed").unwrap();
}

#[test]
fn intake_writes_client_and_referral_together_and_a_returning_client_keeps_one_record() {
    let mut w = World::new();
    let first = ReferralRecord {
        id: None,
        client_id: ClientId::default(),
        received_on: date("2026-03-02"),
        source: "self".into(),
        referrer: None,
        reason: Some("Drikker hver dag".into()),
        door: "alcohol_unit".into(),
        unit_id: None,
        info_talk_on: None,
        outcome: "pending".into(),
    };
    let (client, referral) = w.j.intake(&w.ctx, &client_record("Vilma Vendeby", Some("070779-2468")), &first).unwrap();
    let record = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(record.client.name, "Vilma Vendeby");
    assert_eq!(record.referrals.len(), 1);
    assert_eq!(record.referrals[0].id, referral);
    assert_eq!(record.referrals[0].received_on, date("2026-03-02"));

    // She comes back in the autumn: a second intake with her CPR number is
    // refused, and the new referral goes on the record she already has.
    let again = ReferralRecord { received_on: date("2026-10-05"), ..first.clone() };
    let e = w.j.intake(&w.ctx, &client_record("Vilma Vendeby", Some("070779-2468")), &again).unwrap_err();
    assert_eq!(e.code(), "cpr_registered");
    w.j.add_referral(&w.ctx, &ReferralRecord { client_id: client, ..again }).unwrap();
    let record = w.j.client_record(&w.ctx, client).unwrap();
    assert_eq!(record.referrals.len(), 2);
    assert_eq!(count(&w.j, "client"), 1);
}
