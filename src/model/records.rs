//! The records a person or a file gives the journal.
//!
//! These are both the arguments of the store's write operations and the
//! sections of the journal JSON format (docs/journal-format.md): one shape, so
//! an import is the same code path as typing the data in. An `id` of `None`
//! means "make a new one"; an import keeps the ids it is given. Codes are the
//! `code` column of their `code_*` table; dates are ISO `åååå-mm-dd`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cpr::{Cpr, Sex};
use super::ids::*;
use super::money::Money;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UnitId>,
    pub municipality: String,
    /// `alcohol` or `family`.
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<StaffId>,
    pub unit_id: UnitId,
    pub name: String,
    pub initials: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ClientId>,
    pub name: String,
    /// Optional: anonymous treatment (Sundhedsloven §141) has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpr: Option<Cpr>,
    #[serde(default)]
    pub anonymous: bool,
    /// Derived from the CPR number when one is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Municipality of residence: decides who pays.
    pub municipality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ChildId>,
    pub name: String,
    /// Required unless a CPR number gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpr: Option<Cpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Is there a case in the family department?
    #[serde(default)]
    pub family_case: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseworker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseworker_unit: Option<UnitId>,
    /// Level of concern (code list `concern`).
    #[serde(default = "concern_none")]
    pub concern: String,
    /// Other measures started for the child (review question 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_measures: Option<String>,
    /// The day the child was registered; today when left out. The child must
    /// be under 18 on that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_on: Option<NaiveDate>,
}

fn concern_none() -> String {
    "none".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildLinkRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ChildLinkId>,
    pub child_id: ChildId,
    pub client_id: ClientId,
    pub relation: String,
    pub custody: String,
    pub residence: String,
    /// How often and how, when the child visits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkPersonRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<NetworkPersonId>,
    pub child_id: ChildId,
    pub role: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyPlanRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<EmergencyPlanId>,
    pub child_id: ChildId,
    pub made_on: NaiveDate,
    pub trusted_adults: String,
    pub plan: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ReferralId>,
    pub client_id: ClientId,
    pub received_on: NaiveDate,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `alcohol_unit` or `family_department`.
    pub door: String,
    /// The receiving unit; this site's own unit when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<UnitId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_talk_on: Option<NaiveDate>,
    #[serde(default = "pending")]
    pub outcome: String,
}

fn pending() -> String {
    "pending".to_string()
}

/// A course. Enrolment gives the first fields; a course read from a file may
/// also be started, in follow-up or closed. The status follows from the dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CourseId>,
    pub client_id: ClientId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_id: Option<ReferralId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<UnitId>,
    pub kind: String,
    pub setting: String,
    pub enrolled_on: NaiveDate,
    /// Treatment start; a course without one is waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
    pub case_owner: StaffId,
    /// The client's municipality of residence when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paying_municipality: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<AssessmentId>,
    pub course_id: CourseId,
    pub assessed_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_score: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_per_week: Option<i64>,
    #[serde(default)]
    pub side_abuse: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub housing: Option<String>,
    #[serde(default)]
    pub children_situation: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violence: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psychiatric: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// One revision of a course's treatment plan. Revisions are numbered by the
/// journal; a revision is never changed, a new one is written instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRevisionRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PlanRevisionId>,
    pub course_id: CourseId,
    pub made_on: NaiveDate,
    pub goals: String,
    #[serde(default)]
    pub elements: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medication: Option<String>,
    /// The plan's family section: the children, what is agreed for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_section: Option<String>,
    /// Agreed date of the mid-way evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub midway_on: Option<NaiveDate>,
    /// Agreed date of the final evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<EvaluationId>,
    pub course_id: CourseId,
    /// `midway` or `final`.
    pub kind: EvaluationKind,
    pub evaluated_on: NaiveDate,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EvaluationKind {
    Midway,
    Final,
}

impl EvaluationKind {
    pub fn code(self) -> &'static str {
        match self {
            EvaluationKind::Midway => "midway",
            EvaluationKind::Final => "final",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            EvaluationKind::Midway => "Midtvejsevaluering",
            EvaluationKind::Final => "Slutevaluering",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicationRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MedicationId>,
    pub course_id: CourseId,
    pub drug: String,
    pub dose: String,
    pub started_on: NaiveDate,
    pub started_by: StaffId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<StaffId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
}

/// Who took part in a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Participant {
    Client(ClientId),
    Child(ChildId),
    Staff(StaffId),
    /// Someone outside the journal, by name (a teacher at a network meeting).
    External(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<SessionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_id: Option<CourseId>,
    pub kind: String,
    pub held_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Left out while the session is only booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<String>,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// An ordinary note.
    #[default]
    Note,
    /// Corrects an earlier note, which stays readable.
    Correction,
    /// Marks an earlier note as made in error (wrong client, wrong case).
    Error,
}

impl NoteKind {
    pub fn code(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Correction => "correction",
            NoteKind::Error => "error",
        }
    }
    pub fn from_code(s: &str) -> Option<NoteKind> {
        match s {
            "note" => Some(NoteKind::Note),
            "correction" => Some(NoteKind::Correction),
            "error" => Some(NoteKind::Error),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Note => "Notat",
            NoteKind::Correction => "Rettelse",
            NoteKind::Error => "Markeret som fejlregistrering",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<NoteId>,
    pub client_id: ClientId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_id: Option<CourseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    #[serde(default)]
    pub kind: NoteKind,
    /// The note this one corrects (kinds `correction` and `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<NoteId>,
    pub written_on: NaiveDate,
    /// Internal notes never leave the site.
    #[serde(default)]
    pub internal: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<NotificationId>,
    pub child_id: ChildId,
    /// The parent the concern is about, when it is a client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    pub made_on: NaiveDate,
    pub made_by: StaffId,
    /// The family department it went to, when it is a unit in the journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_unit: Option<UnitId>,
    pub recipient: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_received_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ConsentId>,
    pub client_id: ClientId,
    pub scope: String,
    pub recipient: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_unit: Option<UnitId>,
    pub given_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<GroupId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<UnitId>,
    pub kind: String,
    pub name: String,
    pub start_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMemberRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<GroupMemberId>,
    pub group_id: GroupId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_id: Option<ChildId>,
    pub joined_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupAttendanceRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<GroupAttendanceId>,
    pub member_id: GroupMemberId,
    pub met_on: NaiveDate,
    pub attendance: String,
}

/// A monthly case review with one item per child discussed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseReviewRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CaseReviewId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<UnitId>,
    pub held_on: NaiveDate,
    pub led_by: StaffId,
    pub items: Vec<CaseReviewItemRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseReviewItemRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CaseReviewItemId>,
    pub client_id: ClientId,
    pub child_id: ChildId,
    /// Answers keyed by the codes of `code_review_question`.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    pub decision: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<StaffId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementPriceRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<AgreementPriceId>,
    pub payer: String,
    pub provider: String,
    pub course_kind: String,
    pub setting: String,
    /// `day`, `month` or `course`.
    pub per: PricePer,
    pub amount: Money,
    pub valid_from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricePer {
    Day,
    Month,
    Course,
}

impl PricePer {
    pub fn code(self) -> &'static str {
        match self {
            PricePer::Day => "day",
            PricePer::Month => "month",
            PricePer::Course => "course",
        }
    }
    pub fn from_code(s: &str) -> Option<PricePer> {
        match s {
            "day" => Some(PricePer::Day),
            "month" => Some(PricePer::Month),
            "course" => Some(PricePer::Course),
            _ => None,
        }
    }
}

/// An approved monthly settlement and its lines (`report::settlement`):
/// what `payer` owes `provider` for `period` ("åååå-mm").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<SettlementId>,
    pub payer: String,
    pub provider: String,
    pub period: String,
    pub made_on: NaiveDate,
    /// The sum of the lines' amounts, exact to the øre.
    pub total: Money,
    pub lines: Vec<SettlementLineRecord>,
}

/// One citizen's course in a settlement, priced by one agreement price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementLineRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<SettlementLineId>,
    pub client_id: ClientId,
    pub course_id: CourseId,
    pub price_id: AgreementPriceId,
    pub days: i64,
    pub amount: Money,
}

/// A whole journal in one file: the import/export and fixture format.
/// Sections are in dependency order; a section left out is empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalFile {
    /// Always "tovholder-journal".
    pub format: String,
    pub format_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub units: Vec<UnitRecord>,
    #[serde(default)]
    pub staff: Vec<StaffRecord>,
    #[serde(default)]
    pub clients: Vec<ClientRecord>,
    #[serde(default)]
    pub children: Vec<ChildRecord>,
    #[serde(default)]
    pub child_links: Vec<ChildLinkRecord>,
    #[serde(default)]
    pub network_persons: Vec<NetworkPersonRecord>,
    #[serde(default)]
    pub emergency_plans: Vec<EmergencyPlanRecord>,
    #[serde(default)]
    pub referrals: Vec<ReferralRecord>,
    #[serde(default)]
    pub courses: Vec<CourseRecord>,
    #[serde(default)]
    pub assessments: Vec<AssessmentRecord>,
    #[serde(default)]
    pub plan_revisions: Vec<PlanRevisionRecord>,
    #[serde(default)]
    pub evaluations: Vec<EvaluationRecord>,
    #[serde(default)]
    pub medications: Vec<MedicationRecord>,
    #[serde(default)]
    pub sessions: Vec<SessionRecord>,
    #[serde(default)]
    pub notes: Vec<NoteRecord>,
    #[serde(default)]
    pub notifications: Vec<NotificationRecord>,
    #[serde(default)]
    pub consents: Vec<ConsentRecord>,
    #[serde(default)]
    pub groups: Vec<GroupRecord>,
    #[serde(default)]
    pub group_members: Vec<GroupMemberRecord>,
    #[serde(default)]
    pub group_attendance: Vec<GroupAttendanceRecord>,
    #[serde(default)]
    pub case_reviews: Vec<CaseReviewRecord>,
    #[serde(default)]
    pub agreement_prices: Vec<AgreementPriceRecord>,
    #[serde(default)]
    pub settlements: Vec<SettlementRecord>,
}

impl JournalFile {
    pub const FORMAT: &'static str = "tovholder-journal";
    pub const VERSION: u32 = 1;

    pub fn new() -> Self {
        JournalFile { format: Self::FORMAT.to_string(), format_version: Self::VERSION, ..Default::default() }
    }

    /// Rows in the file (a session's participants and a review's items count).
    pub fn row_count(&self) -> usize {
        self.units.len()
            + self.staff.len()
            + self.clients.len()
            + self.children.len()
            + self.child_links.len()
            + self.network_persons.len()
            + self.emergency_plans.len()
            + self.referrals.len()
            + self.courses.len()
            + self.assessments.len()
            + self.plan_revisions.len()
            + self.evaluations.len()
            + self.medications.len()
            + self.sessions.iter().map(|s| 1 + s.participants.len()).sum::<usize>()
            + self.notes.len()
            + self.notifications.len()
            + self.consents.len()
            + self.groups.len()
            + self.group_members.len()
            + self.group_attendance.len()
            + self.case_reviews.iter().map(|r| 1 + r.items.len()).sum::<usize>()
            + self.agreement_prices.len()
            + self.settlements.iter().map(|s| 1 + s.lines.len()).sum::<usize>()
    }
}
