//! The client list, the client page, new clients and their children.

use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::model::views::{ClientSummary, FullRecord, ReferralView};
use tovholder::model::*;
use tovholder::store::{ClientFilter, ClientSummaryLine};
use ts_rs::TS;

use crate::error::IpcResult;
use crate::forms::{date, gather_opt_cpr, gather_opt_date, opt_cpr, opt_date, opt_text};
use crate::state::AppState;
use tovholder::Refusals;

/// The client list's search box and filters.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ClientQuery {
    /// A name (every word a prefix) or the start of a CPR number.
    pub query: String,
    pub active: bool,
    pub with_children: bool,
    /// Only the acting user's own cases.
    pub mine: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ClientForm {
    pub name: String,
    pub cpr: String,
    pub anonymous: bool,
    /// Only for a client without CPR number.
    pub birth_date: String,
    pub municipality: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

/// A client's master data edited on the client page (Overblik, "Ret
/// stamdata"): the new-client form, filled in from the record, and whose it is.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ClientEditForm {
    pub client_id: ClientId,
    pub client: ClientForm,
    /// The sex as the record has it ("M", "K" or empty): no field edits it,
    /// and a CPR number decides it, but a client without one keeps it.
    pub sex: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ChildForm {
    pub client_id: ClientId,
    pub name: String,
    pub cpr: String,
    pub birth_date: String,
    pub relation: String,
    pub custody: String,
    pub residence: String,
    pub visitation: String,
    pub family_case: bool,
    pub caseworker: String,
    pub concern: String,
    pub other_measures: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct EmergencyPlanForm {
    pub child_id: ChildId,
    pub made_on: String,
    pub trusted_adults: String,
    pub plan: String,
}

/// A referral waiting for treatment, with its client.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WaitingReferral {
    pub client: ClientSummaryLine,
    pub referral: ReferralView,
}

/// How many clients the list shows at most; the search narrows it.
const LIST_LIMIT: usize = 200;

#[tauri::command]
pub async fn search_clients(state: State<'_, AppState>, input: ClientQuery) -> IpcResult<Vec<ClientSummary>> {
    state
        .with_journal(move |j, ctx| {
            let filter = ClientFilter {
                active: input.active,
                with_children: input.with_children,
                case_owner: input.mine.then_some(ctx.staff),
            };
            // Scoped by role: a family consultant sees only the cases shared with their unit.
            let list = j.client_list(ctx, &input.query, &filter, LIST_LIMIT)?;
            crate::bench::mark(crate::bench::Mark::List);
            Ok(list)
        })
        .await
}

#[tauri::command]
pub async fn client_record(state: State<'_, AppState>, input: ClientId) -> IpcResult<FullRecord> {
    state.with_journal(move |j, ctx| Ok(j.client_record(ctx, input)?)).await
}

/// Which of these clients travel to a partner, and when they last did (the
/// mark on the client list and the client page).
#[tauri::command]
pub async fn client_sharing(
    state: State<'_, AppState>,
    input: Vec<ClientId>,
) -> IpcResult<Vec<tovholder::sync::Sharing>> {
    state.with_journal(move |j, ctx| Ok(j.client_sharing(ctx, &input)?)).await
}

#[tauri::command]
pub async fn waiting_referrals(state: State<'_, AppState>) -> IpcResult<Vec<WaitingReferral>> {
    state
        .with_journal(|j, ctx| {
            Ok(j.waiting_referrals(ctx)?
                .into_iter()
                .map(|(client, referral)| WaitingReferral { client, referral })
                .collect())
        })
        .await
}

impl ClientForm {
    /// The core's record of the typed client; a field that cannot be read
    /// is refused beside that field.
    pub fn record(&self) -> IpcResult<ClientRecord> {
        let mut refused = Refusals::new();
        let record = self.read(&mut refused);
        refused.finish()?;
        Ok(record)
    }

    /// The record, every field that cannot be read put in `refused` (and
    /// left empty in the record).
    pub fn read(&self, refused: &mut Refusals) -> ClientRecord {
        ClientRecord {
            id: None,
            name: self.name.clone(),
            cpr: gather_opt_cpr(&self.cpr, "cpr", refused),
            anonymous: self.anonymous,
            birth_date: gather_opt_date(&self.birth_date, "birth_date", refused),
            sex: None,
            municipality: self.municipality.clone(),
            address: opt_text(&self.address),
            phone: opt_text(&self.phone),
            email: opt_text(&self.email),
        }
    }
}

#[tauri::command]
pub async fn add_client(state: State<'_, AppState>, input: ClientForm) -> IpcResult<ClientId> {
    state.with_journal(move |j, ctx| Ok(j.add_client(ctx, &input.record()?)?)).await
}

/// Save a client's edited master data; refused beside its field as a new
/// client's would be (the core's rules are the same).
#[tauri::command]
pub async fn update_client(state: State<'_, AppState>, input: ClientEditForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let mut record = input.client.record()?;
            if record.cpr.is_none() {
                record.sex = Sex::parse(&input.sex);
            }
            Ok(j.update_client(ctx, input.client_id, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn add_child(state: State<'_, AppState>, input: ChildForm) -> IpcResult<ChildId> {
    state
        .with_journal(move |j, ctx| {
            let child = ChildRecord {
                id: None,
                name: input.name.clone(),
                birth_date: opt_date(&input.birth_date, "birth_date")?,
                cpr: opt_cpr(&input.cpr, "cpr")?,
                sex: None,
                family_case: input.family_case,
                caseworker: opt_text(&input.caseworker),
                caseworker_unit: None,
                concern: input.concern.clone(),
                other_measures: opt_text(&input.other_measures),
                registered_on: None,
            };
            let link = ChildLinkRecord {
                id: None,
                child_id: ChildId::new(),
                client_id: input.client_id,
                relation: input.relation.clone(),
                custody: input.custody.clone(),
                residence: input.residence.clone(),
                visitation: opt_text(&input.visitation),
            };
            Ok(j.add_child(ctx, &child, &link)?)
        })
        .await
}

#[tauri::command]
pub async fn add_emergency_plan(state: State<'_, AppState>, input: EmergencyPlanForm) -> IpcResult<EmergencyPlanId> {
    state
        .with_journal(move |j, ctx| {
            let record = EmergencyPlanRecord {
                id: None,
                child_id: input.child_id,
                made_on: date(&input.made_on, "made_on")?,
                trusted_adults: input.trusted_adults.clone(),
                plan: input.plan.clone(),
            };
            Ok(j.add_emergency_plan(ctx, &record)?)
        })
        .await
}

/// A person in a child's network (teacher, pedagogue, grandparent…).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NetworkPersonForm {
    pub child_id: ChildId,
    /// A code of the `network_role` list.
    pub role: String,
    pub name: String,
    pub contact: String,
}

#[tauri::command]
pub async fn add_network_person(state: State<'_, AppState>, input: NetworkPersonForm) -> IpcResult<NetworkPersonId> {
    state
        .with_journal(move |j, ctx| {
            if input.role.trim().is_empty() {
                return Err(tovholder::Invalid::Required { field: "role" }.into());
            }
            let record = NetworkPersonRecord {
                id: None,
                child_id: input.child_id,
                role: input.role.clone(),
                name: input.name.clone(),
                contact: opt_text(&input.contact),
            };
            Ok(j.add_network_person(ctx, &record)?)
        })
        .await
}

/// A notification (underretning) about a child to the family department.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NotificationForm {
    pub child_id: ChildId,
    /// The parent whose record the notification is made from.
    pub client_id: ClientId,
    pub made_on: String,
    /// The family department, when it is a unit in the journal.
    pub to_unit: Option<UnitId>,
    pub recipient: String,
    pub reason: String,
}

/// The family department's answer to a notification.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NotificationAnswerForm {
    pub notification_id: NotificationId,
    pub answer_received_on: String,
    pub answer: String,
}

#[tauri::command]
pub async fn add_notification(state: State<'_, AppState>, input: NotificationForm) -> IpcResult<NotificationId> {
    state
        .with_journal(move |j, ctx| {
            let record = NotificationRecord {
                id: None,
                child_id: input.child_id,
                client_id: Some(input.client_id),
                made_on: date(&input.made_on, "made_on")?,
                made_by: ctx.staff,
                to_unit: input.to_unit,
                recipient: input.recipient.clone(),
                reason: input.reason.clone(),
                answer_received_on: None,
                answer: None,
            };
            Ok(j.add_notification(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn answer_notification(state: State<'_, AppState>, input: NotificationAnswerForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.answer_received_on, "answer_received_on")?;
            Ok(j.answer_notification(ctx, input.notification_id, on, &input.answer)?)
        })
        .await
}
