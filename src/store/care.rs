//! Referral → course → assessment → treatment plan → evaluation, medication,
//! and closing the course.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::people::{client_cols, cpr_free, must_exist, not_before, optional, required, write_client};
use super::write::Writer;
use super::{Codes, Ctx, Journal};
use crate::error::{Entity, Error, Invalid, Refusals, Result};
use crate::model::*;
use crate::security::roles::Action;

fn not_future(w: &Writer<'_>, d: NaiveDate, field: &'static str) -> Result<(), Invalid> {
    if d > w.today() {
        Err(Invalid::InFuture { field })
    } else {
        Ok(())
    }
}

pub(crate) fn insert_referral(
    w: &mut Writer<'_>,
    codes: &Codes,
    unit: UnitId,
    r: &ReferralRecord,
) -> Result<ReferralId> {
    let mut refused = Refusals::new();
    referral_checks(w, codes, unit, r, true, &mut refused)?;
    refused.finish()?;
    write_referral(w, unit, r)
}

/// Every rule of a referral, gathered in `refused`; `client` says whether
/// its client must exist already (not at intake, where it is made with it).
fn referral_checks(
    w: &Writer<'_>,
    codes: &Codes,
    unit: UnitId,
    r: &ReferralRecord,
    client: bool,
    refused: &mut Refusals,
) -> Result<()> {
    refused.check(not_future(w, r.received_on, "received_on"));
    refused.check(codes.check(CodeList::ReferralSource, &r.source, "source"));
    refused.check(codes.check(CodeList::ReferralDoor, &r.door, "door"));
    refused.check(codes.check(CodeList::ReferralOutcome, &r.outcome, "outcome"));
    refused.check(not_before(r.info_talk_on, "info_talk_on", Some(r.received_on), "received_on"));
    if client {
        refused.take(must_exist(w, "client", &r.client_id, Entity::Client, "client_id"))?;
    }
    refused.take(must_exist(w, "unit", &r.unit_id.unwrap_or(unit), Entity::Unit, "unit_id"))?;
    Ok(())
}

/// Insert a referral that passed `referral_checks`.
fn write_referral(w: &mut Writer<'_>, unit: UnitId, r: &ReferralRecord) -> Result<ReferralId> {
    let id = r.id.unwrap_or_default();
    let unit_id = r.unit_id.unwrap_or(unit);
    let (referrer, reason) = (optional(&r.referrer), optional(&r.reason));
    w.insert(
        "referral",
        &id,
        &[
            ("client_id", &r.client_id),
            ("received_on", &r.received_on),
            ("source", &r.source),
            ("referrer", &referrer),
            ("reason", &reason),
            ("door", &r.door),
            ("unit_id", &unit_id),
            ("info_talk_on", &r.info_talk_on),
            ("outcome", &r.outcome),
        ],
        Some(r.client_id.0),
    )?;
    Ok(id)
}

/// The status a course's dates give it.
fn course_status(r: &CourseRecord) -> &'static str {
    match (r.end_on, r.follow_up_from, r.start_on) {
        (Some(_), _, _) => "closed",
        (None, Some(_), _) => "follow_up",
        (None, None, Some(_)) => "active",
        (None, None, None) => "waiting",
    }
}

pub(crate) fn insert_course(w: &mut Writer<'_>, codes: &Codes, unit: UnitId, r: &CourseRecord) -> Result<CourseId> {
    let id = r.id.unwrap_or_default();
    codes.check(CodeList::CourseKind, &r.kind, "kind")?;
    codes.check(CodeList::CourseSetting, &r.setting, "setting")?;
    not_future(w, r.enrolled_on, "enrolled_on")?;
    not_before(r.start_on, "start_on", Some(r.enrolled_on), "enrolled_on")?;
    not_before(r.follow_up_from, "follow_up_from", r.start_on, "start_on")?;
    if r.follow_up_from.is_some() && r.start_on.is_none() {
        return Err(Invalid::CourseNotStarted.into());
    }
    not_before(r.end_on, "end_on", r.start_on.or(Some(r.enrolled_on)), "start_on")?;
    not_before(r.end_on, "end_on", r.follow_up_from, "follow_up_from")?;
    match (&r.end_on, &r.end_reason) {
        (Some(end), Some(reason)) => {
            codes.check(CodeList::EndReason, reason, "end_reason")?;
            not_future(w, *end, "end_on")?;
        }
        (Some(_), None) => return Err(Invalid::Required { field: "end_reason" }.into()),
        (None, Some(_)) => return Err(Invalid::Required { field: "end_on" }.into()),
        (None, None) => {}
    }
    let municipality: String = w
        .conn()
        .prepare_cached("SELECT municipality FROM client WHERE id = ?1")?
        .query_row([r.client_id], |row| row.get(0))
        .optional()?
        .ok_or(Invalid::Missing { what: Entity::Client, field: "client_id" })?;
    let paying = r.paying_municipality.clone().unwrap_or(municipality);
    codes.municipality(&paying, "paying_municipality")?;
    must_exist(w, "staff", &r.case_owner, Entity::Staff, "case_owner")?;
    if let Some(referral) = &r.referral_id {
        let owner: ClientId = w
            .conn()
            .prepare_cached("SELECT client_id FROM referral WHERE id = ?1")?
            .query_row([referral], |row| row.get(0))
            .optional()?
            .ok_or(Invalid::Missing { what: Entity::Referral, field: "referral_id" })?;
        if owner != r.client_id {
            return Err(Invalid::OtherClient { what: Entity::Referral, field: "referral_id" }.into());
        }
    }
    let unit_id = r.unit_id.unwrap_or(unit);
    must_exist(w, "unit", &unit_id, Entity::Unit, "unit_id")?;
    if r.end_on.is_none() {
        let open = w
            .conn()
            .prepare_cached("SELECT 1 FROM course WHERE client_id = ?1 AND kind = ?2 AND end_on IS NULL")?
            .exists(rusqlite::params![r.client_id, r.kind])?;
        if open {
            return Err(Invalid::CourseAlreadyOpen { kind: codes.coded(CodeList::CourseKind, &r.kind).label }.into());
        }
    }
    let status = course_status(r);
    w.insert(
        "course",
        &id,
        &[
            ("client_id", &r.client_id),
            ("referral_id", &r.referral_id),
            ("unit_id", &unit_id),
            ("kind", &r.kind),
            ("setting", &r.setting),
            ("status", &status),
            ("enrolled_on", &r.enrolled_on),
            ("start_on", &r.start_on),
            ("follow_up_from", &r.follow_up_from),
            ("end_on", &r.end_on),
            ("end_reason", &r.end_reason),
            ("case_owner", &r.case_owner),
            ("paying_municipality", &paying),
        ],
        Some(r.client_id.0),
    )?;
    Ok(id)
}

/// What an operation on a course needs to know about it.
struct CourseState {
    client: ClientId,
    enrolled_on: NaiveDate,
    start_on: Option<NaiveDate>,
    follow_up_from: Option<NaiveDate>,
    closed: bool,
    anonymous: bool,
}

fn course_state(w: &Writer<'_>, id: CourseId, field: &'static str) -> Result<CourseState> {
    w.conn()
        .prepare_cached(
            "SELECT co.client_id, co.enrolled_on, co.start_on, co.follow_up_from, co.end_on IS NOT NULL, cl.anonymous
             FROM course co JOIN client cl ON cl.id = co.client_id WHERE co.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(CourseState {
                client: r.get(0)?,
                enrolled_on: r.get(1)?,
                start_on: r.get(2)?,
                follow_up_from: r.get(3)?,
                closed: r.get(4)?,
                anonymous: r.get(5)?,
            })
        })
        .optional()?
        .ok_or_else(|| Invalid::Missing { what: Entity::Course, field }.into())
}

fn open_course(w: &Writer<'_>, id: CourseId) -> Result<CourseState> {
    let state = course_state(w, id, "course_id").map_err(|e| match e {
        Error::Invalid(Invalid::Missing { .. }) => Error::NotFound(Entity::Course),
        other => other,
    })?;
    if state.closed {
        return Err(Invalid::CourseClosed.into());
    }
    Ok(state)
}

pub(crate) fn insert_assessment(w: &mut Writer<'_>, codes: &Codes, r: &AssessmentRecord) -> Result<AssessmentId> {
    let id = r.id.unwrap_or_default();
    let course = course_state(w, r.course_id, "course_id")?;
    not_future(w, r.assessed_on, "assessed_on")?;
    not_before(Some(r.assessed_on), "assessed_on", Some(course.enrolled_on), "enrolled_on")?;
    if r.audit_score.is_some_and(|s| !(0..=40).contains(&s)) {
        return Err(Invalid::OutOfRange { field: "audit_score", min: 0, max: 40 }.into());
    }
    if r.units_per_week.is_some_and(|s| !(0..=1000).contains(&s)) {
        return Err(Invalid::OutOfRange { field: "units_per_week", min: 0, max: 1000 }.into());
    }
    codes.check_all(CodeList::SideAbuse, &r.side_abuse, "side_abuse")?;
    codes.check_all(CodeList::ChildrenSituation, &r.children_situation, "children_situation")?;
    if let Some(c) = &r.income_source {
        codes.check(CodeList::IncomeSource, c, "income_source")?;
    }
    if let Some(c) = &r.housing {
        codes.check(CodeList::Housing, c, "housing")?;
    }
    let side = serde_json::to_string(&r.side_abuse).unwrap_or_else(|_| "[]".into());
    let children = serde_json::to_string(&r.children_situation).unwrap_or_else(|_| "[]".into());
    let remarks = optional(&r.remarks);
    w.insert(
        "assessment",
        &id,
        &[
            ("course_id", &r.course_id),
            ("assessed_on", &r.assessed_on),
            ("audit_score", &r.audit_score),
            ("units_per_week", &r.units_per_week),
            ("side_abuse", &side),
            ("income_source", &r.income_source),
            ("housing", &r.housing),
            ("children_situation", &children),
            ("pregnant", &r.pregnant),
            ("violence", &r.violence),
            ("psychiatric", &r.psychiatric),
            ("remarks", &remarks),
        ],
        Some(course.client.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_plan_revision(
    w: &mut Writer<'_>,
    codes: &Codes,
    r: &PlanRevisionRecord,
) -> Result<PlanRevisionId> {
    let id = r.id.unwrap_or_default();
    let course = course_state(w, r.course_id, "course_id")?;
    let goals = required(&r.goals, "goals")?;
    not_future(w, r.made_on, "made_on")?;
    not_before(Some(r.made_on), "made_on", Some(course.enrolled_on), "enrolled_on")?;
    not_before(r.midway_on, "midway_on", Some(r.made_on), "made_on")?;
    not_before(r.final_on, "final_on", r.midway_on.or(Some(r.made_on)), "midway_on")?;
    codes.check_all(CodeList::TreatmentElement, &r.elements, "elements")?;
    let revision: i64 = w
        .conn()
        .prepare_cached("SELECT coalesce(max(revision), 0) + 1 FROM plan_revision WHERE course_id = ?1")?
        .query_row([r.course_id], |row| row.get(0))?;
    let elements = serde_json::to_string(&r.elements).unwrap_or_else(|_| "[]".into());
    let (medication, family) = (optional(&r.medication), optional(&r.family_section));
    w.insert(
        "plan_revision",
        &id,
        &[
            ("course_id", &r.course_id),
            ("revision", &revision),
            ("made_on", &r.made_on),
            ("goals", &goals),
            ("elements", &elements),
            ("medication", &medication),
            ("family_section", &family),
            ("midway_on", &r.midway_on),
            ("final_on", &r.final_on),
        ],
        Some(course.client.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_evaluation(w: &mut Writer<'_>, r: &EvaluationRecord) -> Result<EvaluationId> {
    let id = r.id.unwrap_or_default();
    let course = course_state(w, r.course_id, "course_id")?;
    let text = required(&r.text, "text")?;
    not_future(w, r.evaluated_on, "evaluated_on")?;
    not_before(Some(r.evaluated_on), "evaluated_on", Some(course.enrolled_on), "enrolled_on")?;
    w.insert(
        "evaluation",
        &id,
        &[("course_id", &r.course_id), ("kind", &r.kind.code()), ("evaluated_on", &r.evaluated_on), ("text", &text)],
        Some(course.client.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_medication(w: &mut Writer<'_>, codes: &Codes, r: &MedicationRecord) -> Result<MedicationId> {
    let id = r.id.unwrap_or_default();
    let course = course_state(w, r.course_id, "course_id")?;
    if course.anonymous {
        return Err(Invalid::MedicationForAnonymous.into());
    }
    codes.check(CodeList::Medication, &r.drug, "drug")?;
    let dose = required(&r.dose, "dose")?;
    not_future(w, r.started_on, "started_on")?;
    not_before(r.stopped_on, "stopped_on", Some(r.started_on), "started_on")?;
    must_exist(w, "staff", &r.started_by, Entity::Staff, "started_by")?;
    match (&r.stopped_on, &r.stopped_by) {
        (Some(_), Some(by)) => must_exist(w, "staff", by, Entity::Staff, "stopped_by")?,
        (Some(_), None) => return Err(Invalid::Required { field: "stopped_by" }.into()),
        (None, Some(_)) => return Err(Invalid::Required { field: "stopped_on" }.into()),
        (None, None) => {}
    }
    let reason = optional(&r.stop_reason);
    w.insert(
        "medication",
        &id,
        &[
            ("course_id", &r.course_id),
            ("drug", &r.drug),
            ("dose", &dose),
            ("started_on", &r.started_on),
            ("started_by", &r.started_by),
            ("stopped_on", &r.stopped_on),
            ("stopped_by", &r.stopped_by),
            ("stop_reason", &reason),
        ],
        Some(course.client.0),
    )?;
    Ok(id)
}

impl Journal {
    /// Register a referral (first contact). The 14-day deadline runs from its date.
    pub fn add_referral(&mut self, ctx: &Ctx, r: &ReferralRecord) -> Result<ReferralId> {
        self.authorize(ctx, Action::RegisterClient)?;
        let (codes, unit) = (self.codes(), self.unit());
        self.write(ctx, |w| insert_referral(w, &codes, unit, r))
    }

    /// A new client and their first referral, in one transaction: both are
    /// written or neither is (the intake form of the desktop app). The
    /// referral's `client_id` is ignored; it becomes the new client's.
    ///
    /// Every broken rule of both is refused at once (`Error::Refused` when
    /// there are several), so the form can show them all.
    pub fn intake(
        &mut self,
        ctx: &Ctx,
        client: &ClientRecord,
        referral: &ReferralRecord,
    ) -> Result<(ClientId, ReferralId)> {
        self.intake_form(ctx, client, referral, Refusals::new())
    }

    /// `intake` for a form whose reader has already refused some fields
    /// (a date or CPR number that could not be read: `earlier`). The
    /// journal's rules are checked too, except those about a refused field,
    /// and every refusal comes back at once; nothing is written unless there
    /// are none.
    pub fn intake_form(
        &mut self,
        ctx: &Ctx,
        client: &ClientRecord,
        referral: &ReferralRecord,
        earlier: Refusals,
    ) -> Result<(ClientId, ReferralId)> {
        self.authorize(ctx, Action::RegisterClient)?;
        let (codes, unit) = (self.codes(), self.unit());
        self.write(ctx, |w| {
            let mut refused = earlier;
            let cols = client_cols(&codes, client, w.today(), &mut refused);
            cpr_free(w, client, &mut refused)?;
            referral_checks(w, &codes, unit, referral, false, &mut refused)?;
            refused.finish()?;
            let id = write_client(w, client, &cols)?;
            let referral = write_referral(w, unit, &ReferralRecord { client_id: id, ..referral.clone() })?;
            Ok((id, referral))
        })
    }

    /// Record that the information talk was held.
    pub fn record_info_talk(&mut self, ctx: &Ctx, id: ReferralId, on: NaiveDate) -> Result<()> {
        self.authorize(ctx, Action::RegisterClient)?;
        self.write(ctx, |w| {
            let (client, received): (ClientId, NaiveDate) = w
                .conn()
                .prepare_cached("SELECT client_id, received_on FROM referral WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or(Error::NotFound(Entity::Referral))?;
            not_future(w, on, "info_talk_on")?;
            not_before(Some(on), "info_talk_on", Some(received), "received_on")?;
            w.update("referral", &id, &[("info_talk_on", &on)], Some(client.0), Entity::Referral)
        })
    }

    /// Close a referral without a course (declined, referred elsewhere, no-show).
    pub fn set_referral_outcome(&mut self, ctx: &Ctx, id: ReferralId, outcome: &str) -> Result<()> {
        self.authorize(ctx, Action::RegisterClient)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            codes.check(CodeList::ReferralOutcome, outcome, "outcome")?;
            let client: ClientId = w
                .conn()
                .prepare_cached("SELECT client_id FROM referral WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?
                .ok_or(Error::NotFound(Entity::Referral))?;
            w.update("referral", &id, &[("outcome", &outcome)], Some(client.0), Entity::Referral)
        })
    }

    /// Enrol a client in a course. When it follows a referral, the referral's
    /// outcome becomes `enrolled`.
    pub fn enrol(&mut self, ctx: &Ctx, r: &CourseRecord) -> Result<CourseId> {
        self.authorize(ctx, Action::Treatment)?;
        let (codes, unit) = (self.codes(), self.unit());
        self.write(ctx, |w| {
            let id = insert_course(w, &codes, unit, r)?;
            if let Some(referral) = r.referral_id {
                let enrolled = "enrolled";
                w.update("referral", &referral, &[("outcome", &enrolled)], Some(r.client_id.0), Entity::Referral)?;
            }
            Ok(id)
        })
    }

    /// Treatment starts (the waiting time ends).
    pub fn start_course(&mut self, ctx: &Ctx, id: CourseId, on: NaiveDate) -> Result<()> {
        self.authorize(ctx, Action::Treatment)?;
        self.write(ctx, |w| {
            let c = open_course(w, id)?;
            not_future(w, on, "start_on")?;
            not_before(Some(on), "start_on", Some(c.enrolled_on), "enrolled_on")?;
            let status = "active";
            w.update("course", &id, &[("start_on", &on), ("status", &status)], Some(c.client.0), Entity::Course)
        })
    }

    /// The course goes into follow-up (efterbehandling).
    pub fn follow_up(&mut self, ctx: &Ctx, id: CourseId, from: NaiveDate) -> Result<()> {
        self.authorize(ctx, Action::Treatment)?;
        self.write(ctx, |w| {
            let c = open_course(w, id)?;
            let start = c.start_on.ok_or(Invalid::CourseNotStarted)?;
            not_before(Some(from), "follow_up_from", Some(start), "start_on")?;
            let status = "follow_up";
            w.update("course", &id, &[("follow_up_from", &from), ("status", &status)], Some(c.client.0), Entity::Course)
        })
    }

    /// Close a course with its end date and NAB end reason.
    pub fn close_course(&mut self, ctx: &Ctx, id: CourseId, end_on: NaiveDate, reason: &str) -> Result<()> {
        self.authorize(ctx, Action::Treatment)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            let c = open_course(w, id)?;
            codes.check(CodeList::EndReason, reason, "end_reason")?;
            not_future(w, end_on, "end_on")?;
            not_before(Some(end_on), "end_on", c.start_on.or(Some(c.enrolled_on)), "start_on")?;
            not_before(Some(end_on), "end_on", c.follow_up_from, "follow_up_from")?;
            let status = "closed";
            w.update(
                "course",
                &id,
                &[("end_on", &end_on), ("end_reason", &reason), ("status", &status)],
                Some(c.client.0),
                Entity::Course,
            )
        })
    }

    pub fn add_assessment(&mut self, ctx: &Ctx, r: &AssessmentRecord) -> Result<AssessmentId> {
        self.authorize(ctx, Action::Treatment)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            open_course(w, r.course_id)?;
            insert_assessment(w, &codes, r)
        })
    }

    /// Write a new revision of the course's treatment plan; earlier revisions
    /// stay as they were.
    pub fn revise_plan(&mut self, ctx: &Ctx, r: &PlanRevisionRecord) -> Result<PlanRevisionId> {
        self.authorize(ctx, Action::Treatment)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            open_course(w, r.course_id)?;
            insert_plan_revision(w, &codes, r)
        })
    }

    pub fn add_evaluation(&mut self, ctx: &Ctx, r: &EvaluationRecord) -> Result<EvaluationId> {
        self.authorize(ctx, Action::Treatment)?;
        self.write(ctx, |w| insert_evaluation(w, r))
    }

    pub fn start_medication(&mut self, ctx: &Ctx, r: &MedicationRecord) -> Result<MedicationId> {
        self.authorize(ctx, Action::StartMedication)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            open_course(w, r.course_id)?;
            insert_medication(w, &codes, &MedicationRecord { stopped_on: None, stopped_by: None, ..r.clone() })
        })
    }

    /// Stop medication: the doctor stops anything, a consultant only Antabus.
    pub fn stop_medication(
        &mut self,
        ctx: &Ctx,
        id: MedicationId,
        on: NaiveDate,
        reason: Option<String>,
    ) -> Result<()> {
        let drug: String = self
            .connection()
            .prepare_cached("SELECT drug FROM medication WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound(Entity::Medication))?;
        self.authorize(ctx, if drug == "antabus" { Action::StopAntabus } else { Action::StopMedication })?;
        self.write(ctx, |w| {
            let (course, started, stopped): (CourseId, NaiveDate, Option<NaiveDate>) = w
                .conn()
                .prepare_cached("SELECT course_id, started_on, stopped_on FROM medication WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or(Error::NotFound(Entity::Medication))?;
            if stopped.is_some() {
                return Err(Invalid::MedicationStopped.into());
            }
            not_future(w, on, "stopped_on")?;
            not_before(Some(on), "stopped_on", Some(started), "started_on")?;
            let c = course_state(w, course, "course_id")?;
            let by = w.staff();
            let reason = optional(&reason);
            w.update(
                "medication",
                &id,
                &[("stopped_on", &on), ("stopped_by", &by), ("stop_reason", &reason)],
                Some(c.client.0),
                Entity::Medication,
            )
        })
    }
}
