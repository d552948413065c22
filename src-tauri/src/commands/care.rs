//! Intake and the course: referral, information talk, enrolment with the
//! 14-day deadline, treatment start, the assessment, the plan's revisions
//! and evaluations, medication, follow-up, closing.

use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::model::*;
use ts_rs::TS;

use crate::commands::clients::ClientForm;
use crate::error::IpcResult;
use crate::forms::{date, gather_date, opt_date, opt_number, opt_text};
use crate::state::AppState;
use tovholder::Refusals;

/// A referral's own fields, as typed.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReferralFields {
    pub received_on: String,
    pub source: String,
    pub referrer: String,
    pub reason: String,
    /// `alcohol_unit` or `family_department`.
    pub door: String,
}

impl ReferralFields {
    fn record(&self, client_id: ClientId) -> IpcResult<ReferralRecord> {
        let mut refused = Refusals::new();
        let record = self.read(client_id, &mut refused);
        refused.finish()?;
        Ok(record)
    }

    /// The record, a date that cannot be read put in `refused`. Its place
    /// is then held by the earliest date, which the core neither checks (the
    /// field is refused) nor writes (nothing is written after a refusal).
    fn read(&self, client_id: ClientId, refused: &mut Refusals) -> ReferralRecord {
        let received_on = gather_date(&self.received_on, "received_on", refused);
        ReferralRecord {
            id: None,
            client_id,
            received_on: received_on.unwrap_or(chrono::NaiveDate::MIN),
            source: self.source.clone(),
            referrer: opt_text(&self.referrer),
            reason: opt_text(&self.reason),
            door: self.door.clone(),
            unit_id: None,
            info_talk_on: None,
            outcome: "pending".to_string(),
        }
    }
}

/// A new referral for a registered (returning) client.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReferralForm {
    pub client_id: ClientId,
    pub referral: ReferralFields,
}

/// The intake form: a new client and the first referral, saved together.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct IntakeForm {
    pub client: ClientForm,
    pub referral: ReferralFields,
}

/// What the intake made.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Intake {
    pub client_id: ClientId,
    pub referral_id: ReferralId,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct InfoTalkForm {
    pub referral_id: ReferralId,
    pub info_talk_on: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct EnrolForm {
    pub client_id: ClientId,
    pub referral_id: Option<ReferralId>,
    pub kind: String,
    pub setting: String,
    pub enrolled_on: String,
    /// Treatment start; empty while the client waits.
    pub start_on: String,
    /// The case owner; the acting user when left out.
    pub case_owner: Option<StaffId>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct StartForm {
    pub course_id: CourseId,
    pub start_on: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CloseForm {
    pub course_id: CourseId,
    pub end_on: String,
    pub end_reason: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PlanForm {
    pub course_id: CourseId,
    pub made_on: String,
    pub goals: String,
    pub elements: Vec<String>,
    pub medication: String,
    pub family_section: String,
    pub midway_on: String,
    pub final_on: String,
}

#[tauri::command]
pub async fn add_referral(state: State<'_, AppState>, input: ReferralForm) -> IpcResult<ReferralId> {
    state.with_journal(move |j, ctx| Ok(j.add_referral(ctx, &input.referral.record(input.client_id)?)?)).await
}

/// A new client and the first referral in one transaction (both or neither).
#[tauri::command]
pub async fn intake(state: State<'_, AppState>, input: IntakeForm) -> IpcResult<Intake> {
    state
        .with_journal(move |j, ctx| {
            // Every refused field at once: what cannot be read, then the core's rules.
            let mut refused = Refusals::new();
            let client = input.client.read(&mut refused);
            let referral = input.referral.read(ClientId::default(), &mut refused);
            let (client_id, referral_id) = j.intake_form(ctx, &client, &referral, refused)?;
            Ok(Intake { client_id, referral_id })
        })
        .await
}

#[tauri::command]
pub async fn record_info_talk(state: State<'_, AppState>, input: InfoTalkForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.info_talk_on, "info_talk_on")?;
            Ok(j.record_info_talk(ctx, input.referral_id, on)?)
        })
        .await
}

#[tauri::command]
pub async fn enrol(state: State<'_, AppState>, input: EnrolForm) -> IpcResult<CourseId> {
    state
        .with_journal(move |j, ctx| {
            let record = CourseRecord {
                id: None,
                client_id: input.client_id,
                referral_id: input.referral_id,
                unit_id: None,
                kind: input.kind.clone(),
                setting: input.setting.clone(),
                enrolled_on: date(&input.enrolled_on, "enrolled_on")?,
                start_on: opt_date(&input.start_on, "start_on")?,
                follow_up_from: None,
                end_on: None,
                end_reason: None,
                case_owner: input.case_owner.unwrap_or(ctx.staff),
                paying_municipality: None,
            };
            Ok(j.enrol(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn start_course(state: State<'_, AppState>, input: StartForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.start_on, "start_on")?;
            Ok(j.start_course(ctx, input.course_id, on)?)
        })
        .await
}

#[tauri::command]
pub async fn close_course(state: State<'_, AppState>, input: CloseForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let end_on = date(&input.end_on, "end_on")?;
            if input.end_reason.trim().is_empty() {
                return Err(tovholder::Invalid::Required { field: "end_reason" }.into());
            }
            Ok(j.close_course(ctx, input.course_id, end_on, &input.end_reason)?)
        })
        .await
}

/// Write a new revision of the plan; earlier revisions stay as they were.
#[tauri::command]
pub async fn revise_plan(state: State<'_, AppState>, input: PlanForm) -> IpcResult<PlanRevisionId> {
    state
        .with_journal(move |j, ctx| {
            let record = PlanRevisionRecord {
                id: None,
                course_id: input.course_id,
                made_on: date(&input.made_on, "made_on")?,
                goals: input.goals.clone(),
                elements: input.elements.clone(),
                medication: opt_text(&input.medication),
                family_section: opt_text(&input.family_section),
                midway_on: opt_date(&input.midway_on, "midway_on")?,
                final_on: opt_date(&input.final_on, "final_on")?,
            };
            Ok(j.revise_plan(ctx, &record)?)
        })
        .await
}

/// The assessment (udredning) of a course: the NAB register's background
/// variables. Numbers are typed as text and read here, so a word in a number
/// field is refused beside it; the ranges are the core's.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AssessmentForm {
    pub course_id: CourseId,
    pub assessed_on: String,
    pub audit_score: String,
    pub units_per_week: String,
    pub side_abuse: Vec<String>,
    /// Empty when not stated.
    pub income_source: String,
    /// Empty when not stated.
    pub housing: String,
    pub children_situation: Vec<String>,
    /// `None`: not stated.
    pub pregnant: Option<bool>,
    pub violence: Option<bool>,
    pub psychiatric: Option<bool>,
    pub remarks: String,
}

/// Medication started by the acting user (the core lets only the doctor).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct MedicationStartForm {
    pub course_id: CourseId,
    pub drug: String,
    pub dose: String,
    pub started_on: String,
}

/// Medication stopped by the acting user (the doctor anything, a
/// consultant only Antabus; the core decides).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct MedicationStopForm {
    pub medication_id: MedicationId,
    pub stopped_on: String,
    pub stop_reason: String,
}

/// The mid-way or final evaluation of the plan.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EvaluationForm {
    pub course_id: CourseId,
    pub kind: EvaluationKind,
    pub evaluated_on: String,
    pub text: String,
}

/// A started course goes into follow-up (efterbehandling) from a date.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FollowUpForm {
    pub course_id: CourseId,
    pub follow_up_from: String,
}

#[tauri::command]
pub async fn add_assessment(state: State<'_, AppState>, input: AssessmentForm) -> IpcResult<AssessmentId> {
    state
        .with_journal(move |j, ctx| {
            let record = AssessmentRecord {
                id: None,
                course_id: input.course_id,
                assessed_on: date(&input.assessed_on, "assessed_on")?,
                audit_score: opt_number(&input.audit_score, "audit_score", "AUDIT-score")?,
                units_per_week: opt_number(&input.units_per_week, "units_per_week", "Genstande pr. uge")?,
                side_abuse: input.side_abuse.clone(),
                income_source: opt_text(&input.income_source),
                housing: opt_text(&input.housing),
                children_situation: input.children_situation.clone(),
                pregnant: input.pregnant,
                violence: input.violence,
                psychiatric: input.psychiatric,
                remarks: opt_text(&input.remarks),
            };
            Ok(j.add_assessment(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn start_medication(state: State<'_, AppState>, input: MedicationStartForm) -> IpcResult<MedicationId> {
    state
        .with_journal(move |j, ctx| {
            if input.drug.trim().is_empty() {
                return Err(tovholder::Invalid::Required { field: "drug" }.into());
            }
            let record = MedicationRecord {
                id: None,
                course_id: input.course_id,
                drug: input.drug.clone(),
                dose: input.dose.clone(),
                started_on: date(&input.started_on, "started_on")?,
                started_by: ctx.staff,
                stopped_on: None,
                stopped_by: None,
                stop_reason: None,
            };
            Ok(j.start_medication(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn stop_medication(state: State<'_, AppState>, input: MedicationStopForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.stopped_on, "stopped_on")?;
            Ok(j.stop_medication(ctx, input.medication_id, on, opt_text(&input.stop_reason))?)
        })
        .await
}

#[tauri::command]
pub async fn add_evaluation(state: State<'_, AppState>, input: EvaluationForm) -> IpcResult<EvaluationId> {
    state
        .with_journal(move |j, ctx| {
            let record = EvaluationRecord {
                id: None,
                course_id: input.course_id,
                kind: input.kind,
                evaluated_on: date(&input.evaluated_on, "evaluated_on")?,
                text: input.text.clone(),
            };
            Ok(j.add_evaluation(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn follow_up(state: State<'_, AppState>, input: FollowUpForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let from = date(&input.follow_up_from, "follow_up_from")?;
            Ok(j.follow_up(ctx, input.course_id, from)?)
        })
        .await
}
