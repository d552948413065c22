//! Files and folders for the user: the platform's folders offered as
//! defaults (journals in the app's data directory, saved reports in
//! Documents), the files the app saved this session, which "Åbn" and
//! "Vis i mappe" may open (and nothing else), the recovery key saved as a
//! file, and the remembered last journal (Tauri's store plugin,
//! `settings.json` in the app's data directory).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use tauri_plugin_store::StoreExt;
use ts_rs::TS;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// The settings file of this installation (the store plugin's).
const SETTINGS: &str = "settings.json";
const LAST_JOURNAL: &str = "last_journal";

/// Every file the app wrote for the user in this session.
static SAVED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Note a file the app has just written, so the UI may open it.
pub fn remember_saved(path: &Path) {
    SAVED.lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_path_buf());
}

fn saved(path: &str) -> IpcResult<PathBuf> {
    let path = PathBuf::from(path);
    if SAVED.lock().unwrap_or_else(|p| p.into_inner()).contains(&path) {
        Ok(path)
    } else {
        Err(IpcError::new("not_saved", "Tovholder kan kun åbne filer, den selv har gemt.", None))
    }
}

/// The folders the app suggests.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Folders {
    /// Where a new journal goes by default: the app's data directory.
    pub journals: String,
    /// Where saved reports go by default: the user's Documents (or home).
    pub documents: String,
    /// The platform's path separator, for default file names.
    pub separator: String,
}

impl Folders {
    /// The platform's folders (journals: the app's data directory).
    pub fn of<R: Runtime>(app: &AppHandle<R>, journals: &Path) -> Folders {
        let path = app.path();
        let documents = path.document_dir().or_else(|_| path.home_dir()).unwrap_or_else(|_| journals.to_path_buf());
        Folders {
            journals: journals.display().to_string(),
            documents: documents.display().to_string(),
            separator: std::path::MAIN_SEPARATOR.to_string(),
        }
    }
}

/// A file the app saved.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SavedFile {
    pub path: String,
}

/// "Åbn": open a saved file with the system's program for it.
#[tauri::command]
pub async fn open_saved(app: AppHandle, input: SavedFile) -> IpcResult<()> {
    let path = saved(&input.path)?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| IpcError::new("open_failed", format!("Filen kunne ikke åbnes: {e}"), None))
}

/// "Vis i mappe": show a saved file in the system's file manager.
#[tauri::command]
pub async fn show_saved(app: AppHandle, input: SavedFile) -> IpcResult<()> {
    let path = saved(&input.path)?;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| IpcError::new("open_failed", format!("Mappen kunne ikke vises: {e}"), None))
}

/// The recovery key to save as a text file. No `Debug`: it holds the key.
#[derive(Deserialize, TS)]
pub struct RecoveryKeyFile {
    pub path: String,
    pub key: String,
}

/// "Gem som fil": the recovery key as a short Danish text file, named for
/// the journal it opens.
#[tauri::command]
pub async fn save_recovery_key(state: State<'_, AppState>, input: RecoveryKeyFile) -> IpcResult<String> {
    let path = crate::commands::reports::typed_path(&input.path)?;
    state
        .with_inner(move |inner, clock| {
            let journal = inner.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
            let text = format!(
                "Tovholder — gendannelsesnøgle\r\n\r\nJournal: {journal}\r\nLavet: {}\r\n\r\nNøgle: {}\r\n\r\n\
                 Med nøglen kan en ny administrator oprettes, hvis alle har glemt deres adgangskode.\r\n\
                 Opbevar filen sikkert (fx på en USB-nøgle i et aflåst skab), ikke på samme computer som journalen.\r\n",
                tovholder::model::time::danish(clock.today()),
                input.key.trim()
            );
            crate::commands::reports::write_file(&path, text.as_bytes())
        })
        .await
}

/// Remember `path` as the journal to open at the next start.
pub fn remember_journal<R: Runtime>(app: &AppHandle<R>, path: &Path) {
    let result = app.store(SETTINGS).and_then(|store| {
        store.set(LAST_JOURNAL, serde_json::Value::String(path.display().to_string()));
        store.save()
    });
    if let Err(e) = result {
        eprintln!("Tovholder kunne ikke huske journalen: {e}");
    }
}

/// The journal remembered from the last time, if its file is still there.
pub fn last_journal<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    let store = app.store(SETTINGS).ok()?;
    let value = store.get(LAST_JOURNAL)?;
    let path = PathBuf::from(value.as_str()?);
    path.is_file().then_some(path)
}
