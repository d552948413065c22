//! Safety and administration: the encrypted backup (checked before it gets
//! its name), "Kontrollér journalen", restoring a backup into a new file,
//! a new administrator with the recovery key, the citizen's insight report
//! (on screen and as PDF), and retention (what has passed its period, then
//! deleting one record). Each command calls one core function; the core
//! decides who may (`forbidden`) and refuses in Danish.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::model::{ClientId, Code, StaffRecord, UnitId};
use tovholder::report::ReportFile;
use tovholder::security::audit::AccessEntry;
use tovholder::security::backup::{BackupInfo, Expired, DEFAULT_RETENTION_YEARS};
use tovholder::security::check::CheckReport;
use tovholder::security::keys::{Keyring, Secret};
use tovholder::Journal;
use ts_rs::TS;

use crate::commands::journal::{app_info_of, info, AppInfo, JournalInfo};
use crate::commands::reports::{typed_path, write_file};
use crate::error::{IpcError, IpcResult};
use crate::state::{AppState, Session};

#[derive(Debug, Clone, Deserialize, TS)]
pub struct BackupForm {
    /// The new backup file (it must not exist).
    pub path: String,
}

/// "Kontrollér journalen": the logged-in user's password again, since the
/// check opens the files afresh. No `Debug`: it holds a password.
#[derive(Deserialize, TS)]
pub struct CheckForm {
    pub password: String,
}

/// A backup restored into a new journal file, as one of the backup's
/// logins. No `Debug`: it holds a password.
#[derive(Deserialize, TS)]
pub struct RestoreForm {
    pub backup: String,
    pub target: String,
    pub login: String,
    pub password: String,
}

/// A new administrator for the chosen journal, made with its recovery key
/// (when every administrator has forgotten their password). No `Debug`.
#[derive(Deserialize, TS)]
pub struct RecoverForm {
    pub recovery_key: String,
    pub name: String,
    pub initials: String,
    pub password: String,
    pub password_again: String,
}

/// A citizen's insight report as the screen shows it: the core's text of
/// the whole record and the access log.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InsightView {
    pub client_id: ClientId,
    pub name: String,
    /// The heading, with the day it was made.
    pub title: String,
    /// The whole record as the core writes it (also the PDF's text).
    pub record: String,
    pub access: Vec<AccessEntry>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct InsightPdfForm {
    pub client_id: ClientId,
    pub path: String,
}

/// The retention list asked for: years after the last entry, as typed
/// (empty: the default of 10).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RetentionForm {
    pub years: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct DeleteExpiredForm {
    pub client_id: ClientId,
    pub years: String,
}

/// What has passed its retention period.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RetentionView {
    pub years: u32,
    pub expired: Vec<Expired>,
}

fn years(s: &str) -> IpcResult<u32> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(DEFAULT_RETENTION_YEARS);
    }
    match t.parse::<u32>() {
        Ok(y) if y >= 1 => Ok(y),
        _ => {
            Err(IpcError::new("number_format", "Opbevaringsperioden skal være et helt antal år, fx 10.", Some("years")))
        }
    }
}

fn required(value: &str, field: &'static str) -> IpcResult<()> {
    if value.trim().is_empty() {
        return Err(tovholder::Invalid::Required { field }.into());
    }
    Ok(())
}

/// Write an encrypted, checked backup of the open journal (and its keyring
/// beside it) to a new file (leader or administrator).
#[tauri::command]
pub async fn backup_journal(state: State<'_, AppState>, input: BackupForm) -> IpcResult<BackupInfo> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let made = j.backup(ctx, &path).map_err(|e| {
                let e: IpcError = e.into();
                // Where the file goes is what the person can change.
                if matches!(e.code.as_str(), "already_exists" | "io") {
                    IpcError { field: Some("path".into()), ..e }
                } else {
                    e
                }
            })?;
            crate::files::remember_saved(&made.journal);
            Ok(made)
        })
        .await
}

/// "Kontrollér journalen": the keyring, every page, the structure and the
/// audit chain of the open journal, checked from its files (leader or
/// administrator; the password is asked again and throttled as at login).
#[tauri::command]
pub async fn check_journal(state: State<'_, AppState>, input: CheckForm) -> IpcResult<CheckReport> {
    let password = Secret::new(input.password);
    state
        .with_inner(move |inner, clock| {
            let s = inner.session.as_ref().ok_or_else(IpcError::locked)?;
            let path = s.journal.path().to_path_buf();
            let me = info(s, inner.demo)?.user.initials;
            Ok(tovholder::security::check::check_journal(&path, &me, &password, clock.clone())?)
        })
        .await
}

/// Restore a backup into a new journal file; it opens locked, at its login
/// screen. A damaged backup is refused and nothing is made.
#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, input: RestoreForm) -> IpcResult<AppInfo> {
    let demo_path = state.demo_path.clone();
    let RestoreForm { backup, target, login, password } = input;
    let password = Secret::new(password);
    state
        .with_inner(move |inner, clock| {
            let backup = typed_path(&backup).map_err(|e| IpcError { field: Some("backup".into()), ..e })?;
            let target = typed_path(&target).map_err(|e| IpcError { field: Some("target".into()), ..e })?;
            required(&login, "login")?;
            if target.exists() || Keyring::exists(&target) {
                let e: IpcError = tovholder::Error::AlreadyExists(target.clone()).into();
                return Err(IpcError { field: Some("target".into()), ..e });
            }
            let restored =
                tovholder::security::backup::restore(&backup, &target, login.trim(), &password, clock.clone())
                    .map_err(|e| {
                        let field = match &e {
                            tovholder::Error::NoJournal(_) | tovholder::Error::KeyringMissing(_) => Some("backup"),
                            _ => None,
                        };
                        let e: IpcError = e.into();
                        IpcError { field: field.map(str::to_string).or(e.field.clone()), ..e }
                    })?;
            drop(restored);
            inner.lock();
            inner.demo = false;
            inner.path = Some(target);
            app_info_of(inner, &demo_path, None)
        })
        .await
}

/// Make a new administrator for the chosen (locked) journal with its
/// recovery key, and log in as them.
#[tauri::command]
pub async fn recover_journal(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    input: RecoverForm,
) -> IpcResult<JournalInfo> {
    let RecoverForm { recovery_key, name, initials, password, password_again } = input;
    let (recovery, password, again) = (Secret::new(recovery_key), Secret::new(password), Secret::new(password_again));
    let made = state
        .with_inner(move |inner, clock| {
            let path = inner.path.clone().ok_or_else(IpcError::no_journal)?;
            required(recovery.expose(), "recovery_key")?;
            if password.expose() != again.expose() {
                let e: IpcError = tovholder::Error::PasswordMismatch.into();
                return Err(IpcError { field: Some("password_again".into()), ..e });
            }
            let admin = StaffRecord { id: None, unit_id: UnitId::new(), name, initials, role: "administrator".into() };
            let (journal, ctx) =
                Journal::recover(&path, &recovery, &admin, &password, clock.clone(), tovholder::demo::kdf_from_env())
                    .map_err(|e| {
                    let e: IpcError = e.into();
                    // The one answer for a wrong key belongs beside the key.
                    if e.code == "login_failed" {
                        IpcError {
                            message: "Gendannelsesnøglen passer ikke til denne journal.".into(),
                            field: Some("recovery_key".into()),
                            ..e
                        }
                    } else {
                        e
                    }
                })?;
            let session = Session { journal, ctx };
            let i = info(&session, inner.demo)?;
            inner.session = Some(session);
            Ok(i)
        })
        .await?;
    if !made.demo {
        crate::files::remember_journal(&app, Path::new(&made.path));
    }
    Ok(made)
}

/// Everything held about one client and who has looked at it (leader only;
/// the report is itself logged).
#[tauri::command]
pub async fn insight_report(state: State<'_, AppState>, input: ClientId) -> IpcResult<InsightView> {
    state
        .with_journal(move |j, ctx| {
            let r = j.person_report(ctx, input)?;
            Ok(InsightView {
                client_id: input,
                name: r.record.client.name.clone(),
                title: tovholder::report::insight::title(&r),
                record: tovholder::report::insight::record_text(&r.record),
                access: r.access,
            })
        })
        .await
}

/// Write a client's insight report as PDF (leader only; logged as an
/// export in their access log); returns the path written.
#[tauri::command]
pub async fn save_insight_pdf(state: State<'_, AppState>, input: InsightPdfForm) -> IpcResult<String> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let r = j.person_report(ctx, input.client_id)?;
            let pdf = tovholder::report::pdf::person_report_pdf(&r, &j.unit_name()?)?;
            j.log_report_export(ctx, ReportFile::Insight, &[input.client_id], "pdf")?;
            write_file(&path, &pdf)
        })
        .await
}

/// The clients whose last entry is older than the retention period (leader only).
#[tauri::command]
pub async fn expired_clients(state: State<'_, AppState>, input: RetentionForm) -> IpcResult<RetentionView> {
    let years = years(&input.years)?;
    state
        .with_journal(move |j, ctx| Ok(RetentionView { years, expired: j.expired(ctx, years, ctx.clock.today())? }))
        .await
}

/// Delete one expired client's whole record (leader only; refused unless it
/// is on the retention list); returns the rows deleted.
#[tauri::command]
pub async fn delete_expired(state: State<'_, AppState>, input: DeleteExpiredForm) -> IpcResult<usize> {
    let years = years(&input.years)?;
    state.with_journal(move |j, ctx| Ok(j.delete_expired(ctx, input.client_id, years)?)).await
}

/// The municipalities a new journal may belong to (no journal needed).
#[tauri::command]
pub async fn municipality_list(state: State<'_, AppState>) -> IpcResult<Vec<Code>> {
    state.with_inner(|_, _| Ok(tovholder::store::municipalities()?)).await
}
