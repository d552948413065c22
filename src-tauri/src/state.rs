//! The app's state: the open journal and who acts in it.
//!
//! The journal sits behind a mutex and is only touched inside
//! `spawn_blocking`, so SQLite never runs on the main (UI) thread. The acting
//! user is decided in one place, `Session::acting`: until personal logins
//! exist it is the staff member chosen when the journal is opened, or the
//! journal's first staff member.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tovholder::model::time::parse_date;
use tovholder::model::{Clock, FixedClock, StaffId, SystemClock};
use tovholder::{Ctx, Journal};

use crate::error::{IpcError, IpcResult};

/// An open journal and the member of staff acting in it.
pub struct Session {
    pub journal: Journal,
    /// The acting user; the one thing logins will replace.
    pub acting: StaffId,
}

impl Session {
    /// Open a session as the staff member with `initials`, or as the
    /// journal's first staff member when none are given.
    pub fn new(journal: Journal, initials: Option<&str>) -> IpcResult<Session> {
        let acting = match initials.map(str::trim).filter(|s| !s.is_empty()) {
            Some(i) => journal.staff_by_initials(i)?,
            None => journal.first_staff()?,
        };
        Ok(Session { journal, acting })
    }
}

pub struct AppState {
    session: Arc<Mutex<Option<Session>>>,
    pub clock: Arc<dyn Clock>,
    /// Where the demo journal is made when the UI asks for it.
    pub demo_path: PathBuf,
    /// The journal to open at start, taken by the UI's first `app_info`.
    start: Mutex<Option<Start>>,
}

/// What the command line asked to open at start.
#[derive(Debug, Clone)]
pub struct Start {
    /// `--journal PATH` or `TOVHOLDER_JOURNAL`.
    pub path: PathBuf,
    /// `--demo`: make the journal from the demo data when it is missing.
    pub demo: bool,
    /// `--as INITIALS` or `TOVHOLDER_USER`.
    pub user: Option<String>,
}

impl AppState {
    pub fn new(clock: Arc<dyn Clock>, demo_path: PathBuf, start: Option<Start>) -> AppState {
        AppState { session: Arc::new(Mutex::new(None)), clock, demo_path, start: Mutex::new(start) }
    }

    /// The start request, once.
    pub fn take_start(&self) -> Option<Start> {
        self.start.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Run `f` on a blocking thread with the session lock held.
    pub async fn with_session<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Option<Session>, &Arc<dyn Clock>) -> IpcResult<T> + Send + 'static,
    {
        let session = Arc::clone(&self.session);
        let clock = Arc::clone(&self.clock);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = session.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard, &clock)
        })
        .await
        .map_err(|_| IpcError::new("internal", "Handlingen blev afbrudt. Prøv igen.", None))?
    }

    /// Run `f` with the open journal and a `Ctx` for the acting user.
    pub async fn with_journal<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Journal, &Ctx) -> IpcResult<T> + Send + 'static,
    {
        self.with_session(move |s, clock| {
            let s = s.as_mut().ok_or_else(IpcError::no_journal)?;
            let ctx = Ctx::new(s.acting, Arc::clone(clock));
            f(&mut s.journal, &ctx)
        })
        .await
    }
}

/// The clock: `TOVHOLDER_NOW` (a date, for reproducible runs and tests) or
/// the machine's, as in the CLI.
pub fn clock_from_env() -> Arc<dyn Clock> {
    match std::env::var("TOVHOLDER_NOW") {
        Ok(s) if !s.trim().is_empty() => match chrono::DateTime::parse_from_rfc3339(s.trim()) {
            Ok(t) => Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))),
            Err(_) => match parse_date(&s, "TOVHOLDER_NOW") {
                Ok(d) => Arc::new(FixedClock::on(d)),
                Err(e) => {
                    eprintln!("TOVHOLDER_NOW: {e}");
                    Arc::new(SystemClock)
                }
            },
        },
        _ => Arc::new(SystemClock),
    }
}
