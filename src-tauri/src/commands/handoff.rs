//! Overlevering: the monthly exchange of case bundles with a partner site
//! (docs/bundles.md). This site's card written to a chosen file, a
//! partner's card read (its fingerprint shown to compare over the phone)
//! and registered once the person confirms it, the status of each partner,
//! a bundle exported to a chosen folder, and a bundle imported: a dry run
//! first (what changes per person, which conflicts it opens), then for
//! real; the open conflicts listed with their values side by side, and one
//! resolved by keeping a chosen value or by writing a new one. Each command calls one core function; the core decides who may
//! and refuses in Danish with a stable code.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use tovholder::bundle::{BundleImport, BundleProgress, BundleWritten, PartnerAdded, PartnerStatus, SiteCard};
use tovholder::model::SiteId;
use tovholder::sync::ConflictView;
use ts_rs::TS;

use crate::commands::reports::{typed_path, write_file};
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// The event each stage of an export or import sends to the window
/// (`BundleProgress`: step of steps and its Danish label).
pub const PROGRESS_EVENT: &str = "bundle-progress";

/// A callback that sends each stage to the window (a lost event only
/// leaves the bar where it was).
fn progress_to(app: AppHandle) -> impl FnMut(BundleProgress) {
    move |p| {
        let _ = app.emit(PROGRESS_EVENT, p);
    }
}

/// A file or folder chosen with the system's dialog.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PathForm {
    pub path: String,
}

/// This site's card as written to a file.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardSaved {
    pub path: String,
    pub fingerprint: String,
}

/// A partner's card as read from its file, before it is registered.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardPreview {
    pub card: SiteCard,
    /// The fingerprint to compare with the partner over the phone.
    pub fingerprint: String,
}

/// Register the partner of the card file, with the fingerprint the person
/// confirmed (typed, or the shown one after comparing it).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AddPartnerForm {
    pub path: String,
    pub fingerprint: String,
}

/// What registering did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PartnerRegistered {
    pub name: String,
    pub fingerprint: String,
    /// The same card was registered before: nothing changed.
    pub already: bool,
}

/// Export the bundle for `partner` into the folder `dir`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportForm {
    pub partner: SiteId,
    pub dir: String,
}

/// Import the bundle file `path`; with `dry_run` nothing is written.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ImportForm {
    pub path: String,
    pub dry_run: bool,
}

/// A site card file, read no further than the core's limit (a larger one
/// is refused by `SiteCard::parse`).
fn read_card(path: &Path) -> IpcResult<SiteCard> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(tovholder::bundle::keys::CARD_MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            IpcError::new("io", format!("Filen kunne ikke læses: {}", tovholder::Error::from(e)), Some("path"))
        })?;
    Ok(SiteCard::parse(&bytes)?)
}

/// Write this site's card (its public keys, signed) to a new file, to send
/// to the partner.
#[tauri::command]
pub async fn save_site_card(state: State<'_, AppState>, input: PathForm) -> IpcResult<CardSaved> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let card = j.site_card(ctx)?;
            let written = write_file(&path, card.to_json().as_bytes())?;
            Ok(CardSaved { path: written, fingerprint: card.fingerprint() })
        })
        .await
}

/// Read a partner's card file and show who it is and its fingerprint;
/// nothing is registered.
#[tauri::command]
pub async fn read_site_card(state: State<'_, AppState>, input: PathForm) -> IpcResult<CardPreview> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |_, _| {
            let card = read_card(&path)?;
            let fingerprint = card.fingerprint();
            Ok(CardPreview { card, fingerprint })
        })
        .await
}

/// Register the partner of the card file (leader or administrator), once
/// the confirmed fingerprint equals the card's.
#[tauri::command]
pub async fn add_partner(state: State<'_, AppState>, input: AddPartnerForm) -> IpcResult<PartnerRegistered> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let card = read_card(&path)?;
            let added = j.add_partner(ctx, &card, &input.fingerprint)?;
            Ok(PartnerRegistered {
                name: card.name.clone(),
                fingerprint: card.fingerprint(),
                already: added == PartnerAdded::AlreadyRegistered,
            })
        })
        .await
}

/// Every partner with its last bundle sent and received.
#[tauri::command]
pub async fn bundle_status(state: State<'_, AppState>) -> IpcResult<Vec<PartnerStatus>> {
    state.with_journal(move |j, ctx| Ok(j.bundle_status(ctx)?)).await
}

/// Write the next bundle for the partner into the chosen folder, each
/// stage sent as a `bundle-progress` event.
#[tauri::command]
pub async fn export_bundle(app: AppHandle, state: State<'_, AppState>, input: ExportForm) -> IpcResult<BundleWritten> {
    let dir = typed_path(&input.dir)?;
    let mut progress = progress_to(app);
    state.with_journal(move |j, ctx| Ok(j.export_bundle_with(ctx, input.partner, &dir, &mut progress)?)).await
}

/// Read a bundle file: with `dry_run` only what it would change; without,
/// applied (all or nothing). Each stage is sent as a `bundle-progress` event.
#[tauri::command]
pub async fn import_bundle(app: AppHandle, state: State<'_, AppState>, input: ImportForm) -> IpcResult<BundleImport> {
    let path = typed_path(&input.path)?;
    let mut progress = progress_to(app);
    state.with_journal(move |j, ctx| Ok(j.import_bundle_with(ctx, &path, input.dry_run, &mut progress)?)).await
}

/// Keep one value of an open conflict: the site and clock value of the
/// chosen side, as the conflict list gave them.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ResolveForm {
    pub row: String,
    pub group: String,
    pub site: SiteId,
    /// Decimal text (larger than a JavaScript number holds exactly).
    pub hlc: String,
}

/// The open conflicts, each with its values side by side (leader or
/// administrator).
#[tauri::command]
pub async fn conflict_review(state: State<'_, AppState>) -> IpcResult<Vec<ConflictView>> {
    state.with_journal(move |j, ctx| Ok(j.conflict_review(ctx)?)).await
}

/// How many conflicts are open (the top bar's badge; no person is read).
#[tauri::command]
pub async fn open_conflict_count(state: State<'_, AppState>) -> IpcResult<usize> {
    state.with_journal(move |j, ctx| Ok(j.open_conflict_count(ctx)?)).await
}

/// Keep the chosen value (an ordinary edit that travels in the next
/// bundle); returns the conflicts still open.
#[tauri::command]
pub async fn resolve_conflict(state: State<'_, AppState>, input: ResolveForm) -> IpcResult<Vec<ConflictView>> {
    let hlc: i64 = input
        .hlc
        .parse()
        .map_err(|_| IpcError::new("conflict_value", "Den valgte værdi findes ikke i konflikten.", None))?;
    state
        .with_journal(move |j, ctx| {
            j.resolve_conflict(ctx, &input.row, &input.group, (input.site, hlc))?;
            Ok(j.conflict_review(ctx)?)
        })
        .await
}

/// A new value for an open conflict instead of either side: the typed text
/// of every column of its field group (`ConflictView::new_value` names
/// them), read and checked by the core.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewValueInput {
    pub row: String,
    pub group: String,
    pub values: Vec<NewValueText>,
}

/// One column's typed text.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewValueText {
    pub column: String,
    pub text: String,
}

/// Write the new value (an ordinary edit that travels in the next bundle);
/// returns the conflicts still open.
#[tauri::command]
pub async fn write_conflict_value(state: State<'_, AppState>, input: NewValueInput) -> IpcResult<Vec<ConflictView>> {
    state
        .with_journal(move |j, ctx| {
            let values: Vec<(&str, &str)> = input.values.iter().map(|v| (v.column.as_str(), v.text.as_str())).collect();
            j.write_conflict_value(ctx, &input.row, &input.group, &values)?;
            Ok(j.conflict_review(ctx)?)
        })
        .await
}

/// One bundle file of a folder read by `import_bundle_dir`: what it did
/// (or would do), or the core's refusal of it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FolderBundle {
    pub file_name: String,
    pub import: Option<BundleImport>,
    pub error: Option<IpcError>,
}

/// Read every bundle addressed here in a folder (each partner's in
/// sequence; files for other sites passed over): with `dry_run` only what
/// each would change. One refusal does not stop the others.
#[tauri::command]
pub async fn import_bundle_dir(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ImportForm,
) -> IpcResult<Vec<FolderBundle>> {
    let dir = typed_path(&input.path)?;
    let mut progress = progress_to(app);
    state
        .with_journal(move |j, ctx| {
            let found = j.import_bundle_dir_with(ctx, &dir, input.dry_run, &mut progress)?;
            Ok(found
                .into_iter()
                .map(|(file_name, r)| match r {
                    Ok(i) => FolderBundle { file_name, import: Some(i), error: None },
                    Err(e) => FolderBundle { file_name, import: None, error: Some(e.into()) },
                })
                .collect())
        })
        .await
}
