//! What the journal returns when read: rows with their codes labelled in
//! Danish and who wrote them when. Serialisable for the CLI's `--json` and
//! for the desktop UI.

use chrono::NaiveDate;
use serde::Serialize;

use super::ids::*;
use super::records::{EvaluationKind, NoteKind, Participant};

/// A code with its Danish label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Coded {
    pub code: String,
    pub label: String,
}

/// Who wrote a row and when (every entry shows this, SPEC §3 "Retention").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stamp {
    pub created_at: String,
    pub created_by: String,
    pub changed_at: String,
    pub changed_by: String,
    pub origin_site: SiteId,
    pub version: i64,
}

/// One line of the client list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientSummary {
    pub id: ClientId,
    pub name: String,
    /// `ddmmåå-xxxx`
    pub cpr: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub municipality: Coded,
    /// Has a course that is not closed.
    pub active: bool,
    /// Children under 18 linked to the client (today).
    pub children_under_18: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientView {
    pub id: ClientId,
    pub name: String,
    pub cpr: Option<String>,
    pub anonymous: bool,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<i32>,
    pub sex: Option<Coded>,
    pub municipality: Coded,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChildView {
    pub id: ChildId,
    pub link_id: ChildLinkId,
    pub name: String,
    pub cpr: Option<String>,
    pub birth_date: NaiveDate,
    pub age: i32,
    pub relation: Coded,
    pub custody: Coded,
    pub residence: Coded,
    pub visitation: Option<String>,
    pub family_case: bool,
    pub caseworker: Option<String>,
    pub caseworker_unit: Option<String>,
    pub concern: Coded,
    pub other_measures: Option<String>,
    pub emergency_plans: Vec<EmergencyPlanView>,
    pub network: Vec<NetworkPersonView>,
    pub notifications: Vec<NotificationView>,
    /// The other adults in the journal the child is linked to.
    pub other_adults: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmergencyPlanView {
    pub id: EmergencyPlanId,
    pub revision: i64,
    pub made_on: NaiveDate,
    pub trusted_adults: String,
    pub plan: String,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkPersonView {
    pub id: NetworkPersonId,
    pub role: Coded,
    pub name: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationView {
    pub id: NotificationId,
    pub child_id: ChildId,
    pub child_name: String,
    pub made_on: NaiveDate,
    pub made_by: String,
    pub recipient: String,
    pub reason: String,
    pub answer_received_on: Option<NaiveDate>,
    pub answer: Option<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralView {
    pub id: ReferralId,
    pub received_on: NaiveDate,
    pub source: Coded,
    pub referrer: Option<String>,
    pub reason: Option<String>,
    pub door: Coded,
    pub unit: String,
    pub info_talk_on: Option<NaiveDate>,
    pub outcome: Coded,
    /// Last day to offer treatment (Sundhedsloven §141: within 14 days).
    pub deadline: NaiveDate,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CourseView {
    pub id: CourseId,
    pub referral_id: Option<ReferralId>,
    pub unit: String,
    pub kind: Coded,
    pub setting: Coded,
    pub status: Coded,
    pub enrolled_on: NaiveDate,
    pub start_on: Option<NaiveDate>,
    pub follow_up_from: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<Coded>,
    pub case_owner: String,
    pub paying_municipality: Coded,
    /// Days from first contact (the referral) to treatment start.
    pub waiting_days: Option<i64>,
    pub assessments: Vec<AssessmentView>,
    pub plan: Vec<PlanRevisionView>,
    pub evaluations: Vec<EvaluationView>,
    pub medications: Vec<MedicationView>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssessmentView {
    pub id: AssessmentId,
    pub assessed_on: NaiveDate,
    pub audit_score: Option<i64>,
    pub units_per_week: Option<i64>,
    pub side_abuse: Vec<Coded>,
    pub income_source: Option<Coded>,
    pub housing: Option<Coded>,
    pub children_situation: Vec<Coded>,
    pub pregnant: Option<bool>,
    pub violence: Option<bool>,
    pub psychiatric: Option<bool>,
    pub remarks: Option<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanRevisionView {
    pub id: PlanRevisionId,
    pub revision: i64,
    pub made_on: NaiveDate,
    pub goals: String,
    pub elements: Vec<Coded>,
    pub medication: Option<String>,
    pub family_section: Option<String>,
    pub midway_on: Option<NaiveDate>,
    pub final_on: Option<NaiveDate>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationView {
    pub id: EvaluationId,
    pub kind: EvaluationKind,
    pub evaluated_on: NaiveDate,
    pub text: String,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MedicationView {
    pub id: MedicationId,
    pub drug: Coded,
    pub dose: String,
    pub started_on: NaiveDate,
    pub started_by: String,
    pub stopped_on: Option<NaiveDate>,
    pub stopped_by: Option<String>,
    pub stop_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionView {
    pub id: SessionId,
    pub course_id: Option<CourseId>,
    pub kind: Coded,
    pub held_on: NaiveDate,
    pub start_time: Option<String>,
    pub minutes: Option<i64>,
    pub place: Option<String>,
    pub attendance: Option<Coded>,
    pub participants: Vec<ParticipantView>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParticipantView {
    pub who: Participant,
    pub name: String,
    /// For staff: their unit, so a joint session shows both units.
    pub unit: Option<String>,
    pub role: Option<Coded>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteView {
    pub id: NoteId,
    pub course_id: Option<CourseId>,
    pub session_id: Option<SessionId>,
    pub kind: NoteKind,
    pub corrects: Option<NoteId>,
    /// Ids of later notes that correct this one; the note itself is unchanged.
    pub corrected_by: Vec<NoteId>,
    pub written_on: NaiveDate,
    pub internal: bool,
    pub text: String,
    pub author: String,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentView {
    pub id: ConsentId,
    pub scope: Coded,
    pub recipient: String,
    pub given_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub remarks: Option<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupMembershipView {
    pub group_id: GroupId,
    pub group: String,
    pub kind: Coded,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

/// A group in the list of the unit's groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupSummary {
    pub id: GroupId,
    pub kind: Coded,
    pub name: String,
    pub unit: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    /// Members who have not left (that the reader may see).
    pub members: i64,
    /// Dates with attendance recorded.
    pub meetings: i64,
}

/// One member's attendance at one meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupAttendanceView {
    pub met_on: NaiveDate,
    pub attendance: Coded,
}

/// A member of a group: a client or a child, with attendance by date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupMemberView {
    pub id: GroupMemberId,
    pub client_id: Option<ClientId>,
    pub child_id: Option<ChildId>,
    pub name: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    /// Oldest meeting first.
    pub attendance: Vec<GroupAttendanceView>,
}

/// One group with its members and meeting dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupView {
    pub id: GroupId,
    pub kind: Coded,
    pub name: String,
    pub unit: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    /// Clients first, then children, each by name.
    pub members: Vec<GroupMemberView>,
    /// Every date with attendance recorded, oldest first.
    pub meetings: Vec<NaiveDate>,
}

/// Everything about one client: all tabs of the client page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FullRecord {
    pub client: ClientView,
    pub children: Vec<ChildView>,
    pub referrals: Vec<ReferralView>,
    pub courses: Vec<CourseView>,
    pub sessions: Vec<SessionView>,
    pub notes: Vec<NoteView>,
    pub consents: Vec<ConsentView>,
    pub groups: Vec<GroupMembershipView>,
    /// The reader's role may not read notes (a secretary): `notes` is empty.
    pub notes_hidden: bool,
    /// A family consultant's view of a shared case: assessments, medication,
    /// evaluations, the plan's clinical parts, the sessions their unit had no
    /// part in and internal notes are left out (`security::scope`).
    pub family_view: bool,
}

/// A hit of the note search.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteHit {
    pub note_id: NoteId,
    pub client_id: ClientId,
    pub client_name: String,
    pub written_on: NaiveDate,
    /// The text around the match, with the match in «».
    pub snippet: String,
}

/// The monthly case review list: each active client with children under 18.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseReviewList {
    pub on: NaiveDate,
    pub questions: Vec<Coded>,
    pub clients: Vec<CaseReviewClient>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseReviewClient {
    pub client_id: ClientId,
    pub name: String,
    pub case_owner: Vec<String>,
    pub children: Vec<CaseReviewChild>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseReviewChild {
    pub child_id: ChildId,
    pub name: String,
    pub age: i32,
    pub custody: Coded,
    pub residence: Coded,
    pub visitation: Option<String>,
    pub family_case: bool,
    pub concern: Coded,
    pub notifications: i64,
    pub has_emergency_plan: bool,
    /// The most recent decision at an earlier review, with its date.
    pub last_decision: Option<(NaiveDate, String)>,
}

/// A held case review as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseReviewView {
    pub id: CaseReviewId,
    pub held_on: NaiveDate,
    pub led_by: String,
    pub items: Vec<CaseReviewItemView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseReviewItemView {
    pub client_id: ClientId,
    pub client_name: String,
    pub child_name: String,
    pub answers: Vec<(Coded, String)>,
    pub decision: String,
    pub responsible: Option<String>,
}
