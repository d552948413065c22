//! Choosing, creating and opening a journal (it opens locked; see
//! `login.rs`); the code lists and staff the forms offer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::model::{Code, CodeList, StaffRecord, UnitId, UnitRecord};
use tovholder::security::keys::{Keyring, Secret};
use tovholder::store::StaffView;
use tovholder::{Journal, Setup};
use ts_rs::TS;

use crate::error::{IpcError, IpcResult};
use crate::state::{AppState, Inner, Session};

/// The open journal as the UI shows it in its header.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JournalInfo {
    pub path: String,
    pub unit: String,
    /// Who is logged in.
    pub user: StaffView,
    pub today: NaiveDate,
    /// Minutes without use before the UI locks: the journal's setting, or
    /// `TOVHOLDER_IDLE_MINUTES` when set.
    pub idle_minutes: f64,
    /// The fictional demo journal: every screen says so.
    pub demo: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    /// The journal someone is logged in to.
    pub journal: Option<JournalInfo>,
    /// The journal chosen but locked: the login screen logs in to it.
    pub locked: Option<String>,
    /// The chosen journal is the fictional demo journal.
    pub demo: bool,
    /// Tovholder's version (Cargo's, which the package and "Om Tovholder" show).
    pub version: String,
    /// The platform's folders for new and saved files (in `app_info`'s answer).
    pub folders: Option<crate::files::Folders>,
    /// Where "Åbn demojournalen" makes or opens the demo journal.
    pub demo_path: String,
    /// Minutes without use before the UI locks the journal, until someone
    /// logs in and the journal's own setting applies
    /// (`TOVHOLDER_IDLE_MINUTES`, default 10).
    pub idle_minutes: f64,
    /// Why the journal given at start could not be opened.
    pub start_error: Option<IpcError>,
    /// Benchmark mode (`scripts/bench-desktop`): the UI logs in with
    /// `bench_login` and calls `bench_ready` when the client list is shown.
    pub bench: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct OpenForm {
    pub path: String,
}

/// A new encrypted journal and its first user, who is its administrator
/// (`FIRST_USER_ROLE`: the one who gives the others their logins). No
/// `Debug`: it holds a password.
#[derive(Deserialize, TS)]
pub struct CreateForm {
    pub path: String,
    pub unit_name: String,
    pub municipality: String,
    pub unit_kind: String,
    pub staff_name: String,
    pub initials: String,
    pub password: String,
    pub password_again: String,
}

/// A new journal, logged in as its first user, and the recovery key to be
/// shown once.
#[derive(Clone, Serialize, TS)]
pub struct CreatedJournal {
    pub journal: JournalInfo,
    pub recovery_key: String,
}

/// Everything the forms offer as choices.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReferenceData {
    /// Code lists by name (`end_reason`, `custody`, …), in list order.
    pub codes: BTreeMap<String, Vec<Code>>,
    pub municipalities: Vec<Code>,
    pub staff: Vec<StaffView>,
    /// The journal's units (code: the unit's id), for the Brugere screen.
    pub units: Vec<Code>,
    /// The audit log's actions, for the Revisionslog's filter.
    pub audit_actions: Vec<Code>,
}

/// `TOVHOLDER_IDLE_MINUTES` (a positive number, fractions allowed), which
/// overrides the journal's setting: for tests and the benchmark.
pub fn idle_override() -> Option<f64> {
    std::env::var("TOVHOLDER_IDLE_MINUTES")
        .ok()
        .and_then(|v| v.trim().replace(',', ".").parse::<f64>().ok())
        .filter(|m| m.is_finite() && *m > 0.0)
}

/// Minutes without use before the UI locks while no journal is open: the
/// override, or the default.
pub fn idle_minutes() -> f64 {
    idle_override().unwrap_or(f64::from(tovholder::security::users::DEFAULT_IDLE_MINUTES))
}

/// The logged-in user's journal as the header shows it.
pub fn info(s: &Session, demo: bool) -> IpcResult<JournalInfo> {
    let j = &s.journal;
    let unit = j.unit_name()?;
    let user = j
        .staff_list()?
        .into_iter()
        .find(|v| v.id == s.ctx.staff)
        .ok_or_else(|| IpcError::new("unknown_user", "Brugeren findes ikke i journalen.", None))?;
    let idle_minutes = match idle_override() {
        Some(m) => m,
        None => f64::from(j.idle_minutes()?),
    };
    Ok(JournalInfo { path: j.path().display().to_string(), unit, user, today: s.ctx.clock.today(), idle_minutes, demo })
}

/// The state as the UI starts from it.
pub fn app_info_of(inner: &Inner, demo_path: &Path, start_error: Option<IpcError>) -> IpcResult<AppInfo> {
    let journal = inner.session.as_ref().map(|s| info(s, inner.demo)).transpose()?;
    let locked = match journal {
        Some(_) => None,
        None => inner.path.as_ref().map(|p| p.display().to_string()),
    };
    Ok(AppInfo {
        journal,
        locked,
        demo: inner.demo && inner.path.is_some(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        folders: None,
        demo_path: demo_path.display().to_string(),
        idle_minutes: idle_minutes(),
        start_error,
        bench: crate::bench::enabled(),
    })
}

fn path_of(s: &str) -> IpcResult<PathBuf> {
    let t = s.trim();
    if t.is_empty() {
        return Err(tovholder::Invalid::Required { field: "path" }.into());
    }
    Ok(PathBuf::from(t))
}

/// Whether `path` is where the demo button makes the demo journal.
fn is_demo_path(path: &Path, demo_path: &Path) -> bool {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    absolute(path) == absolute(demo_path)
}

/// An existing encrypted journal at `path`, or why not.
fn check_encrypted(path: &Path) -> IpcResult<()> {
    if !path.is_file() {
        return Err(tovholder::Error::NoJournal(path.to_path_buf()).into());
    }
    if !Keyring::exists(path) {
        return Err(tovholder::Error::NotEncrypted.into());
    }
    Ok(())
}

/// Make the encrypted demo journal at `path` (as the CLI's `demo` does) and
/// close it again: it opens locked, and every demo user logs in with the
/// demo password.
pub fn create_demo(path: &Path, clock: std::sync::Arc<dyn tovholder::model::Clock>) -> IpcResult<()> {
    let data = tovholder::demo::demo_file()?;
    let password = Secret::new(tovholder::demo::DEMO_PASSWORD);
    drop(tovholder::demo::make_demo(path, &data, &password, clock, tovholder::demo::kdf_from_env())?);
    Ok(())
}

/// The state of the app; on the first call, chooses the journal given at
/// start (making the demo journal first with `--demo` when it is missing).
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    crate::bench::mark(crate::bench::Mark::Page);
    let start = state.take_start();
    let demo_path = state.demo_path.clone();
    let folders = state.folders.clone();
    state
        .with_inner(move |inner, clock| {
            let mut start_error = None;
            if let Some(start) = start {
                let chosen = if start.demo && !start.path.exists() {
                    create_demo(&start.path, clock.clone())
                } else {
                    check_encrypted(&start.path)
                };
                match chosen {
                    Ok(()) => {
                        inner.demo = start.demo || is_demo_path(&start.path, &demo_path);
                        inner.path = Some(start.path);
                    }
                    Err(e) => start_error = Some(e),
                }
            }
            Ok(AppInfo { folders: Some(folders), ..app_info_of(inner, &demo_path, start_error)? })
        })
        .await
}

/// Choose an encrypted journal; it opens locked, at the login screen.
#[tauri::command]
pub async fn open_journal(state: State<'_, AppState>, input: OpenForm) -> IpcResult<AppInfo> {
    let demo_path = state.demo_path.clone();
    state
        .with_inner(move |inner, _| {
            let path = path_of(&input.path)?;
            check_encrypted(&path)?;
            inner.lock();
            inner.demo = is_demo_path(&path, &demo_path);
            inner.path = Some(path);
            app_info_of(inner, &demo_path, None)
        })
        .await
}

/// Back to the start screen: lock and forget the chosen journal.
#[tauri::command]
pub async fn close_journal(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    let demo_path = state.demo_path.clone();
    state
        .with_inner(move |inner, _| {
            *inner = Inner::default();
            app_info_of(inner, &demo_path, None)
        })
        .await
}

/// Make a new encrypted journal and log in as its first user.
#[tauri::command]
pub async fn create_journal(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    mut input: CreateForm,
) -> IpcResult<CreatedJournal> {
    let demo_path = state.demo_path.clone();
    // Moved, not copied, into `Secret`s, which are zeroized on drop.
    let password = Secret::new(std::mem::take(&mut input.password));
    let again = Secret::new(std::mem::take(&mut input.password_again));
    state
        .with_inner(move |inner, clock| {
            // Every refused field of the form at once: the file, then the
            // set-up's rules (the core's), then the repeated password.
            let mut refused = Vec::new();
            let path = path_of(&input.path).map_err(|e| refused.push(e)).ok();
            if path.as_ref().is_some_and(|p| is_demo_path(p, &demo_path)) {
                refused.push(IpcError::new(
                    "demo_path",
                    "Demojournalens fil kan ikke blive en rigtig journal. Vælg en anden fil.",
                    Some("path"),
                ));
            }
            let setup = Setup {
                site_name: input.unit_name.clone(),
                unit: UnitRecord {
                    id: None,
                    municipality: input.municipality.clone(),
                    kind: input.unit_kind.clone(),
                    name: input.unit_name.clone(),
                },
                first_staff: StaffRecord {
                    id: None,
                    unit_id: UnitId::new(),
                    name: input.staff_name.clone(),
                    initials: input.initials.clone(),
                    role: tovholder::security::users::FIRST_USER_ROLE.to_string(),
                },
            };
            if let Err(e) = tovholder::security::check_setup(&setup, &password) {
                refused.push(e.into());
            }
            if password.expose() != again.expose() {
                let e: IpcError = tovholder::Error::PasswordMismatch.into();
                refused.push(IpcError { field: Some("password_again".into()), ..e });
            }
            if let Some(e) = IpcError::all(refused) {
                return Err(e);
            }
            let Some(path) = path else { return Err(tovholder::Invalid::Required { field: "path" }.into()) };
            let (journal, ctx, recovery) =
                Journal::create_keyed(&path, &setup, &password, clock.clone(), tovholder::demo::kdf_from_env())?;
            let session = Session { journal, ctx };
            let journal = info(&session, false)?;
            inner.demo = false;
            inner.path = Some(path);
            inner.session = Some(session);
            Ok(CreatedJournal { journal, recovery_key: recovery.expose().to_string() })
        })
        .await
        .inspect(|created| crate::files::remember_journal(&app, Path::new(&created.journal.path)))
}

/// Choose the demo journal, making it (encrypted) when it is missing; it
/// opens locked.
#[tauri::command]
pub async fn open_demo(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    let path = state.demo_path.clone();
    state
        .with_inner(move |inner, clock| {
            inner.lock();
            if !Keyring::exists(&path) {
                // An unencrypted demo journal made by an earlier version: ours to remake.
                tovholder::store::remove_journal_files(&path, false);
                create_demo(&path, clock.clone())?;
            }
            inner.path = Some(path.clone());
            inner.demo = true;
            app_info_of(inner, &path, None)
        })
        .await
}

#[tauri::command]
pub async fn reference_data(state: State<'_, AppState>) -> IpcResult<ReferenceData> {
    state
        .with_journal(|j, _| {
            let mut codes = BTreeMap::new();
            for &list in CodeList::ALL {
                codes.insert(list.name().to_string(), j.code_list(list)?);
            }
            let units =
                j.unit_list()?.into_iter().map(|(id, name, _, _)| Code { code: id.to_string(), label: name }).collect();
            Ok(ReferenceData {
                codes,
                municipalities: j.municipalities()?,
                staff: j.staff_list()?,
                units,
                audit_actions: tovholder::security::audit::action_codes(),
            })
        })
        .await
}
