//! Consents (samtykker): giving one, to a unit of the journal or another
//! recipient, and withdrawing it. A consent to a family department decides
//! what that unit's family consultants may see (the core's
//! `roles::client_shared`); the rule lives there, not here.

use serde::Deserialize;
use tauri::State;
use tovholder::model::*;
use ts_rs::TS;

use crate::error::IpcResult;
use crate::forms::{date, opt_text};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ConsentForm {
    pub client_id: ClientId,
    /// A code of the `consent_scope` list.
    pub scope: String,
    /// The unit in the journal the consent is to, if it is one.
    pub to_unit: Option<UnitId>,
    /// Who receives: the unit's name, or another recipient (egen læge…).
    pub recipient: String,
    pub given_on: String,
    pub remarks: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct WithdrawConsentForm {
    pub consent_id: ConsentId,
    pub withdrawn_on: String,
}

#[tauri::command]
pub async fn give_consent(state: State<'_, AppState>, input: ConsentForm) -> IpcResult<ConsentId> {
    state
        .with_journal(move |j, ctx| {
            if input.scope.trim().is_empty() {
                return Err(tovholder::Invalid::Required { field: "scope" }.into());
            }
            let record = ConsentRecord {
                id: None,
                client_id: input.client_id,
                scope: input.scope.clone(),
                recipient: input.recipient.clone(),
                to_unit: input.to_unit,
                given_on: date(&input.given_on, "given_on")?,
                withdrawn_on: None,
                remarks: opt_text(&input.remarks),
            };
            Ok(j.give_consent(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn withdraw_consent(state: State<'_, AppState>, input: WithdrawConsentForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.withdrawn_on, "withdrawn_on")?;
            Ok(j.withdraw_consent(ctx, input.consent_id, on)?)
        })
        .await
}
