//! Logging in to the chosen journal and locking it again.

use serde::Deserialize;
use tauri::State;
use tovholder::security::keys::Secret;
use tovholder::Journal;
use ts_rs::TS;

use crate::commands::journal::{app_info_of, info, AppInfo, JournalInfo};
use crate::error::{IpcError, IpcResult};
use crate::state::{AppState, Session};

/// The login screen. No `Debug`: it holds a password.
#[derive(Deserialize, TS)]
pub struct LoginForm {
    /// The user's initials.
    pub login: String,
    pub password: String,
}

/// Log in to the chosen journal through the core (Argon2id, throttling,
/// audit); the journal and the user's `Ctx` are kept until `lock`.
#[tauri::command]
pub async fn login(app: tauri::AppHandle, state: State<'_, AppState>, input: LoginForm) -> IpcResult<JournalInfo> {
    let LoginForm { login, password } = input;
    // Moved, not copied, into a `Secret`, which is zeroized on drop.
    let info = login_as(&state, login, Secret::new(password)).await?;
    // The next start opens this journal's login screen (never the demo's).
    if !info.demo {
        crate::files::remember_journal(&app, std::path::Path::new(&info.path));
    }
    Ok(info)
}

/// The login itself, shared with the benchmark mode's `bench_login`.
pub async fn login_as(state: &AppState, login: String, password: Secret) -> IpcResult<JournalInfo> {
    state
        .with_inner(move |inner, clock| {
            inner.lock();
            let path = inner.path.clone().ok_or_else(IpcError::no_journal)?;
            if login.trim().is_empty() {
                return Err(tovholder::Invalid::Required { field: "login" }.into());
            }
            let (journal, ctx) = Journal::login(&path, login.trim(), &password, clock.clone())?;
            let session = Session { journal, ctx };
            let i = info(&session, inner.demo)?;
            inner.session = Some(session);
            Ok(i)
        })
        .await
}

/// Lock: drop the journal and with it the database key (zeroized on drop).
/// The chosen journal stays, so the login screen can log in again.
#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    let demo_path = state.demo_path.clone();
    state
        .with_inner(move |inner, _| {
            inner.lock();
            app_info_of(inner, &demo_path, None)
        })
        .await
}
