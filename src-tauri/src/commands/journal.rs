//! Opening, creating and choosing a journal; the code lists and staff the
//! forms offer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::model::views::Coded;
use tovholder::model::{Code, CodeList, JournalFile, StaffId, StaffRecord, UnitId, UnitRecord};
use tovholder::{Journal, Setup};
use ts_rs::TS;

use crate::error::{IpcError, IpcResult};
use crate::state::{AppState, Session};

/// The fictional demo journal (Faxe + Stevns), as the CLI's `demo` uses it.
const DEMO_JSON: &str = include_str!("../../../fixtures/demo.json");

/// A member of staff as the forms offer them (the core's staff list).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Staff {
    pub id: StaffId,
    pub initials: String,
    pub name: String,
    pub role: Coded,
    pub unit: String,
}

/// The staff of the journal, by unit and name.
pub fn staff_of(j: &Journal) -> IpcResult<Vec<Staff>> {
    Ok(j.staff_list()?
        .into_iter()
        .map(|v| Staff { id: v.id, initials: v.initials, name: v.name, role: v.role, unit: v.unit })
        .collect())
}

/// The open journal as the UI shows it in its header.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JournalInfo {
    pub path: String,
    pub unit: String,
    /// Who acts (until logins: chosen at opening, or the first staff member).
    pub user: Staff,
    pub today: NaiveDate,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub journal: Option<JournalInfo>,
    /// Where "Åbn demojournalen" makes or opens the demo journal.
    pub demo_path: String,
    /// Why the journal given at start could not be opened.
    pub start_error: Option<IpcError>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct OpenForm {
    pub path: String,
    /// Initials of the acting user; empty for the journal's first user.
    pub initials: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CreateForm {
    pub path: String,
    pub unit_name: String,
    pub municipality: String,
    pub unit_kind: String,
    pub staff_name: String,
    pub initials: String,
    pub role: String,
}

/// Everything the forms offer as choices.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReferenceData {
    /// Code lists by name (`end_reason`, `custody`, …), in list order.
    pub codes: BTreeMap<String, Vec<Code>>,
    pub municipalities: Vec<Code>,
    pub staff: Vec<Staff>,
}

fn info(s: &Session, today: NaiveDate) -> IpcResult<JournalInfo> {
    let j = &s.journal;
    let unit = j.unit_list()?.into_iter().find(|u| u.0 == j.unit()).map(|u| u.1).unwrap_or_default();
    let user = staff_of(j)?
        .into_iter()
        .find(|v| v.id == s.acting)
        .ok_or_else(|| IpcError::new("unknown_user", "Brugeren findes ikke i journalen.", None))?;
    Ok(JournalInfo { path: j.path().display().to_string(), unit, user, today })
}

fn path_of(s: &str) -> IpcResult<PathBuf> {
    let t = s.trim();
    if t.is_empty() {
        return Err(tovholder::Invalid::Required { field: "path" }.into());
    }
    Ok(PathBuf::from(t))
}

/// Make the demo journal at `path` from the embedded demo data; nothing is
/// left behind if that fails.
pub fn create_demo(path: &Path, clock: std::sync::Arc<dyn tovholder::model::Clock>) -> IpcResult<Journal> {
    let data: JournalFile = serde_json::from_str(DEMO_JSON).map_err(tovholder::Error::from)?;
    let unit = data.units.first().cloned().ok_or(tovholder::Invalid::Required { field: "units" })?;
    let staff = data.staff.first().cloned().ok_or(tovholder::Invalid::Required { field: "staff" })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(tovholder::Error::from)?;
    }
    let setup = Setup { site_name: unit.name.clone(), unit, first_staff: staff };
    let (mut j, ctx) = Journal::create(path, &setup, clock)?;
    if let Err(e) = j.import(&ctx, &data) {
        drop(j);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        return Err(e.into());
    }
    Ok(j)
}

/// The state of the app; on the first call, opens the journal given at start.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    let start = state.take_start();
    let demo_path = state.demo_path.display().to_string();
    state
        .with_session(move |s, clock| {
            let mut start_error = None;
            if let Some(start) = start {
                let opened = if start.demo && !start.path.exists() {
                    create_demo(&start.path, clock.clone())
                } else {
                    Journal::open(&start.path).map_err(IpcError::from)
                };
                match opened.and_then(|j| Session::new(j, start.user.as_deref())) {
                    Ok(session) => *s = Some(session),
                    Err(e) => start_error = Some(e),
                }
            }
            let journal = s.as_ref().map(|s| info(s, clock.today())).transpose()?;
            Ok(AppInfo { journal, demo_path, start_error })
        })
        .await
}

#[tauri::command]
pub async fn open_journal(state: State<'_, AppState>, input: OpenForm) -> IpcResult<JournalInfo> {
    state
        .with_session(move |s, clock| {
            let path = path_of(&input.path)?;
            let session = Session::new(Journal::open(&path)?, Some(&input.initials))?;
            let i = info(&session, clock.today())?;
            *s = Some(session);
            Ok(i)
        })
        .await
}

#[tauri::command]
pub async fn create_journal(state: State<'_, AppState>, input: CreateForm) -> IpcResult<JournalInfo> {
    state
        .with_session(move |s, clock| {
            let path = path_of(&input.path)?;
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
                    role: input.role.clone(),
                },
            };
            let (j, _) = Journal::create(&path, &setup, clock.clone())?;
            let session = Session::new(j, None)?;
            let i = info(&session, clock.today())?;
            *s = Some(session);
            Ok(i)
        })
        .await
}

/// Open the demo journal, making it from the demo data when it is missing.
#[tauri::command]
pub async fn open_demo(state: State<'_, AppState>) -> IpcResult<JournalInfo> {
    let path = state.demo_path.clone();
    state
        .with_session(move |s, clock| {
            let j = if path.exists() { Journal::open(&path)? } else { create_demo(&path, clock.clone())? };
            let session = Session::new(j, None)?;
            let i = info(&session, clock.today())?;
            *s = Some(session);
            Ok(i)
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
            Ok(ReferenceData { codes, municipalities: j.municipalities()?, staff: staff_of(j)? })
        })
        .await
}
