//! The app's state: which journal the login screen logs in to, and, while
//! someone is logged in, the open journal with their `Ctx`.
//!
//! The app starts locked. `login` calls the core's `Journal::login`
//! (Argon2id, throttling, audit) and keeps the `Journal` and `Ctx` here;
//! `lock` drops them, and with the `Journal` its database key, which is
//! zeroized on drop. Every command that needs the journal goes through
//! `with_journal`, which answers `locked` while no one is logged in. The
//! journal is only touched inside `spawn_blocking`, so SQLite never runs on
//! the main (UI) thread.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tovholder::model::time::parse_date;
use tovholder::model::{Clock, FixedClock, SystemClock};
use tovholder::{Ctx, Journal};

use crate::error::{IpcError, IpcResult};

/// The event the UI hears when a command has waited for a journal that
/// another user or an import holds (`tovholder::store::on_busy_wait`).
pub const BUSY_EVENT: &str = "journal-busy";

/// What the UI shows while a command waits (the core's Danish notice); it
/// goes away when the command is answered.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct BusyNotice {
    pub message: String,
}

/// A logged-in user's open journal.
pub struct Session {
    pub journal: Journal,
    pub ctx: Ctx,
}

/// The journal chosen (its path), and the session while unlocked.
#[derive(Default)]
pub struct Inner {
    /// The encrypted journal the login screen logs in to.
    pub path: Option<PathBuf>,
    /// `Some` while someone is logged in.
    pub session: Option<Session>,
    /// The chosen journal is the fictional demo journal (chosen with the
    /// demo button or `--demo`, or the file at the demo's place): the UI
    /// shows the demo banner on every screen.
    pub demo: bool,
}

impl Inner {
    /// Forget the session: the `Journal` (and its key) is dropped here.
    pub fn lock(&mut self) {
        self.session = None;
    }
}

pub struct AppState {
    inner: Arc<Mutex<Inner>>,
    pub clock: Arc<dyn Clock>,
    /// Where the demo journal is made when the UI asks for it.
    pub demo_path: PathBuf,
    /// The platform's folders the UI suggests for new and saved files.
    pub folders: crate::files::Folders,
    /// The journal to open at start, taken by the UI's first `app_info`.
    start: Mutex<Option<Start>>,
}

/// What the command line asked to open at start.
#[derive(Debug, Clone)]
pub struct Start {
    /// `--journal PATH` or `TOVHOLDER_JOURNAL`.
    pub path: PathBuf,
    /// `--demo`: make the encrypted demo journal when it is missing.
    pub demo: bool,
}

impl AppState {
    pub fn new(
        clock: Arc<dyn Clock>,
        demo_path: PathBuf,
        folders: crate::files::Folders,
        start: Option<Start>,
    ) -> AppState {
        AppState { inner: Arc::new(Mutex::new(Inner::default())), clock, demo_path, folders, start: Mutex::new(start) }
    }

    /// The start request, once.
    pub fn take_start(&self) -> Option<Start> {
        self.start.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Run `f` on a blocking thread with the state lock held.
    pub async fn with_inner<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Inner, &Arc<dyn Clock>) -> IpcResult<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let clock = Arc::clone(&self.clock);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard, &clock)
        })
        .await
        .map_err(|_| IpcError::new("internal", "Handlingen blev afbrudt. Prøv igen.", None))?
    }

    /// Run `f` with the open journal and the logged-in user's `Ctx`;
    /// `locked` when no one is logged in.
    pub async fn with_journal<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Journal, &Ctx) -> IpcResult<T> + Send + 'static,
    {
        self.with_inner(move |inner, _| {
            let s = inner.session.as_mut().ok_or_else(|| match inner.path {
                Some(_) => IpcError::locked(),
                None => IpcError::no_journal(),
            })?;
            let answer = f(&mut s.journal, &s.ctx);
            // The journal file alone complete after every command that
            // wrote (an audited read writes too); a no-op after one that
            // did not, and it never waits for another process (issue 17,
            // item 5; `tovholder bench` measures it). It cannot fail a
            // command that has committed: the next checkpoint tries again.
            let _ = s.journal.checkpoint_after_command();
            answer
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
