//! The benchmark mode of `scripts/bench-desktop`, inert unless both
//! `TOVHOLDER_BENCH_LOGIN` (initials) and `TOVHOLDER_BENCH_PASSWORD` are set.
//!
//! Then `app_info` says `bench: true`, the UI logs in with `bench_login`
//! (the real `Journal::login`, Argon2id, through the same code as the login
//! screen) and, once the client list has rendered its rows, calls
//! `bench_ready`, which prints one line to stdout and exits the app:
//!
//! `bench_ready ms=… login_ms=… pss_kib=… processes=… page_ms=… list_ms=…`
//!
//! `ms` is the time since `run()` began (`mark_start`), `login_ms` the
//! login's share of it, `pss_kib` the PSS of the app and its webview
//! processes (`pss.rs`); `page_ms` when the page's script first asked the
//! shell for anything (`app_info`) and `list_ms` when the client list's rows
//! left the core, both since start: where the time goes. Without the
//! variables both commands refuse.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use tauri::{AppHandle, State};
use tovholder::security::keys::Secret;

use crate::commands::journal::JournalInfo;
use crate::commands::login::login_as;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

static START: OnceLock<Instant> = OnceLock::new();
/// The benchmark login's duration in microseconds (0: none yet).
static LOGIN_US: AtomicU64 = AtomicU64::new(0);
/// Microseconds since start when the page first called the shell, and when
/// the first client list was answered (0: not yet).
static PAGE_US: AtomicU64 = AtomicU64::new(0);
static LIST_US: AtomicU64 = AtomicU64::new(0);

/// Where the benchmark's time goes.
#[derive(Clone, Copy)]
pub enum Mark {
    /// The page's script is running (its first command).
    Page,
    /// The client list's rows are on their way to the page.
    List,
}

/// Note the first time `mark` happens (cheap, and only in benchmark mode).
pub fn mark(mark: Mark) {
    let (Some(start), true) = (START.get(), enabled()) else { return };
    let us = start.elapsed().as_micros().max(1) as u64;
    let slot = match mark {
        Mark::Page => &PAGE_US,
        Mark::List => &LIST_US,
    };
    let _ = slot.compare_exchange(0, us, Ordering::Relaxed, Ordering::Relaxed);
}

/// Note the start of the process; the first thing `run()` does.
pub fn mark_start() {
    START.get_or_init(Instant::now);
}

/// The benchmark's login and password, when both are set.
fn credentials() -> Option<(String, String)> {
    let login = std::env::var("TOVHOLDER_BENCH_LOGIN").ok().filter(|v| !v.trim().is_empty())?;
    let password = std::env::var("TOVHOLDER_BENCH_PASSWORD").ok().filter(|v| !v.is_empty())?;
    Some((login, password))
}

/// Whether the app runs in benchmark mode (read once).
pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| credentials().is_some())
}

fn not_bench() -> IpcError {
    IpcError::new("not_bench", "Kun i benchmark-tilstand (TOVHOLDER_BENCH_LOGIN).", None)
}

/// Log in as `TOVHOLDER_BENCH_LOGIN`, exactly as the login screen does.
#[tauri::command]
pub async fn bench_login(state: State<'_, AppState>) -> IpcResult<JournalInfo> {
    let (login, password) = credentials().ok_or_else(not_bench)?;
    let t = Instant::now();
    let info = login_as(&state, login, Secret::new(password)).await?;
    LOGIN_US.store(t.elapsed().as_micros().max(1) as u64, Ordering::Relaxed);
    Ok(info)
}

/// The client list is interactive: print the time since start, the login
/// time and the PSS of the app's processes, and quit.
#[tauri::command]
pub fn bench_ready(app: AppHandle) -> IpcResult<()> {
    if !enabled() {
        return Err(not_bench());
    }
    let ms = START.get().map(|s| s.elapsed().as_secs_f64() * 1000.0).unwrap_or(0.0);
    let login_ms = LOGIN_US.load(Ordering::Relaxed) as f64 / 1000.0;
    let page_ms = PAGE_US.load(Ordering::Relaxed) as f64 / 1000.0;
    let list_ms = LIST_US.load(Ordering::Relaxed) as f64 / 1000.0;
    let (pss_kib, processes) = crate::pss::tree_pss_kib(std::process::id());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "bench_ready ms={ms:.1} login_ms={login_ms:.1} pss_kib={pss_kib} processes={processes} page_ms={page_ms:.1} list_ms={list_ms:.1}"
    );
    let _ = out.flush();
    drop(out);
    app.exit(0);
    Ok(())
}
