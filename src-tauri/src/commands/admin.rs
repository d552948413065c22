//! The Brugere screen (staff and their logins, passwords, the idle lock) and
//! the leader's Revisionslog (the audit log a page at a time, and a person's
//! access log). The core decides who may do what (`forbidden`).

use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::model::{ClientId, StaffId, StaffRecord, UnitId};
use tovholder::security::audit::{AccessEntry, AuditPage, AuditQuery};
use tovholder::security::keys::Secret;
use tovholder::security::users::StaffAccount;
use ts_rs::TS;

use crate::commands::journal::idle_override;
use crate::error::{IpcError, IpcResult};
use crate::forms::opt_date;
use crate::state::AppState;

/// A new member of staff with their first password. No `Debug`: it holds a password.
#[derive(Deserialize, TS)]
pub struct UserForm {
    pub name: String,
    pub initials: String,
    pub role: String,
    /// This installation's unit when left out.
    pub unit_id: Option<UnitId>,
    pub password: String,
    pub password_again: String,
}

/// A new password for a member of staff (administrator). No `Debug`.
#[derive(Deserialize, TS)]
pub struct PasswordForm {
    pub staff_id: StaffId,
    pub password: String,
    pub password_again: String,
}

/// The logged-in user's own new password. No `Debug`.
#[derive(Deserialize, TS)]
pub struct OwnPasswordForm {
    pub current_password: String,
    pub password: String,
    pub password_again: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct IdleForm {
    pub minutes: String,
}

/// The idle lock: the installation's choice, and what applies now (the
/// `TOVHOLDER_IDLE_MINUTES` override, if set, wins).
#[derive(Debug, Clone, Serialize, TS)]
pub struct IdleSetting {
    pub minutes: u32,
    pub effective_minutes: f64,
    pub overridden: bool,
}

/// The Revisionslog's filters as typed; dates `dd-mm-åååå` or empty.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AuditForm {
    pub from: String,
    pub to: String,
    pub staff_id: Option<StaffId>,
    /// An audit action code, or empty for all.
    pub action: String,
    /// The previous page's `next_before`, for the next (older) page.
    pub before: Option<i64>,
}

/// Entries on one page of the Revisionslog.
const PAGE: usize = 50;

/// Both typed passwords, or `password_mismatch` beside the second.
fn new_password(password: String, again: String) -> IpcResult<Secret> {
    let (password, again) = (Secret::new(password), Secret::new(again));
    if password.expose() != again.expose() {
        let e: IpcError = tovholder::Error::PasswordMismatch.into();
        return Err(IpcError { field: Some("password_again".into()), ..e });
    }
    Ok(password)
}

fn idle_setting(j: &tovholder::Journal) -> IpcResult<IdleSetting> {
    let minutes = j.idle_minutes()?;
    let over = idle_override();
    Ok(IdleSetting { minutes, effective_minutes: over.unwrap_or(f64::from(minutes)), overridden: over.is_some() })
}

#[tauri::command]
pub async fn staff_accounts(state: State<'_, AppState>) -> IpcResult<Vec<StaffAccount>> {
    state.with_journal(|j, ctx| Ok(j.staff_accounts(ctx)?)).await
}

#[tauri::command]
pub async fn add_user(state: State<'_, AppState>, input: UserForm) -> IpcResult<StaffId> {
    let UserForm { name, initials, role, unit_id, password, password_again } = input;
    state
        .with_journal(move |j, ctx| {
            let password = new_password(password, password_again)?;
            let record = StaffRecord { id: None, unit_id: unit_id.unwrap_or(j.unit()), name, initials, role };
            Ok(j.add_user(ctx, &record, &password, tovholder::demo::kdf_from_env())?)
        })
        .await
}

/// A new password for someone else (administrator).
#[tauri::command]
pub async fn set_password(state: State<'_, AppState>, input: PasswordForm) -> IpcResult<()> {
    let PasswordForm { staff_id, password, password_again } = input;
    state
        .with_journal(move |j, ctx| {
            let password = new_password(password, password_again)?;
            Ok(j.set_login(ctx, staff_id, &password, tovholder::demo::kdf_from_env())?)
        })
        .await
}

/// The logged-in user's own password (any role).
#[tauri::command]
pub async fn change_own_password(state: State<'_, AppState>, input: OwnPasswordForm) -> IpcResult<()> {
    let OwnPasswordForm { current_password, password, password_again } = input;
    state
        .with_journal(move |j, ctx| {
            let current = Secret::new(current_password);
            let password = new_password(password, password_again)?;
            Ok(j.change_own_password(ctx, &current, &password, tovholder::demo::kdf_from_env())?)
        })
        .await
}

/// Take a login away; the member of staff becomes inactive.
#[tauri::command]
pub async fn remove_login(state: State<'_, AppState>, input: StaffId) -> IpcResult<()> {
    state.with_journal(move |j, ctx| Ok(j.remove_login(ctx, input)?)).await
}

#[tauri::command]
pub async fn idle_minutes(state: State<'_, AppState>) -> IpcResult<IdleSetting> {
    state.with_journal(|j, _| idle_setting(j)).await
}

#[tauri::command]
pub async fn set_idle_minutes(state: State<'_, AppState>, input: IdleForm) -> IpcResult<IdleSetting> {
    state
        .with_journal(move |j, ctx| {
            let t = input.minutes.trim();
            if t.is_empty() {
                return Err(tovholder::Invalid::Required { field: "idle_minutes" }.into());
            }
            let minutes = t.parse::<u32>().map_err(|_| {
                IpcError::new("number_format", "Minutter før låsning skal være et helt tal.", Some("idle_minutes"))
            })?;
            j.set_idle_minutes(ctx, minutes)?;
            idle_setting(j)
        })
        .await
}

/// One page of the audit log, newest first (leader only).
#[tauri::command]
pub async fn audit_page(state: State<'_, AppState>, input: AuditForm) -> IpcResult<AuditPage> {
    state
        .with_journal(move |j, ctx| {
            let action = input.action.trim();
            let q = AuditQuery {
                from: opt_date(&input.from, "from")?,
                to: opt_date(&input.to, "to")?,
                staff: input.staff_id,
                action: (!action.is_empty()).then(|| action.to_string()),
                before: input.before,
                limit: PAGE,
            };
            Ok(j.audit_page(ctx, &q)?)
        })
        .await
}

/// Who has looked at one client's record (leader only; the lookup is logged).
#[tauri::command]
pub async fn access_log(state: State<'_, AppState>, input: ClientId) -> IpcResult<Vec<AccessEntry>> {
    state.with_journal(move |j, ctx| Ok(j.access_log(ctx, input.0)?)).await
}
