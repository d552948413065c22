//! The leader's reports: the annual report's tables, the waiting times, the
//! annual report as PDF and the audit log's check. Reads only; the core
//! refuses everyone but the leader (`forbidden`).

use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::report::{AnnualReport, WaitingReport};
use ts_rs::TS;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PdfForm {
    pub year: i32,
    /// Where the PDF is written: a full path the user typed.
    pub path: String,
}

/// The audit log's check: how many entries, and the first broken one.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditStatus {
    pub entries: i64,
    pub first_broken: Option<i64>,
}

#[tauri::command]
pub async fn annual_report(state: State<'_, AppState>, input: i32) -> IpcResult<AnnualReport> {
    state.with_journal(move |j, ctx| Ok(j.annual_report(ctx, input)?)).await
}

#[tauri::command]
pub async fn waiting_report(state: State<'_, AppState>, input: i32) -> IpcResult<WaitingReport> {
    state.with_journal(move |j, ctx| Ok(j.waiting_report(ctx, input)?)).await
}

/// Write the annual report as PDF to the typed path; returns the path written.
#[tauri::command]
pub async fn save_annual_pdf(state: State<'_, AppState>, input: PdfForm) -> IpcResult<String> {
    let path = std::path::PathBuf::from(input.path.trim());
    if !path.is_absolute() {
        return Err(IpcError::new(
            "path_required",
            "Skriv den fulde sti til PDF-filen, fx /home/bruger/aarsrapport.pdf.",
            Some("path"),
        ));
    }
    state
        .with_journal(move |j, ctx| {
            let report = j.annual_report(ctx, input.year)?;
            let unit = j.unit_name()?;
            let pdf = tovholder::report::pdf::annual_pdf(&report, &unit)?;
            std::fs::write(&path, pdf).map_err(|e| {
                IpcError::new("io", format!("PDF-filen kunne ikke skrives: {}", e.kind()), Some("path"))
            })?;
            Ok(path.display().to_string())
        })
        .await
}

#[tauri::command]
pub async fn audit_check(state: State<'_, AppState>) -> IpcResult<AuditStatus> {
    state
        .with_journal(|j, ctx| {
            let c = j.audit_check(ctx)?;
            Ok(AuditStatus { entries: c.entries, first_broken: c.first_broken })
        })
        .await
}
