//! The leader's reports: the annual report's tables, the waiting times, the
//! annual report as PDF, the audit log's check, the monthly settlement (CSV,
//! PDF, approval) and the NAB extract. The core refuses everyone but the
//! leader (`forbidden`); a file is written only after the core has made it.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;
use tovholder::report::{
    AnnualReport, NabProblem, ReportFile, Settlement, SettlementApproval, SettlementProblem, WaitingReport,
};
use ts_rs::TS;

use crate::error::{IpcError, IpcResult};
use crate::forms::date;
use crate::state::AppState;

/// The annual report asked for: the year, and a paying municipality's code
/// or none for every citizen.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AnnualForm {
    pub year: i32,
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PdfForm {
    pub year: i32,
    pub municipality: Option<String>,
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
pub async fn annual_report(state: State<'_, AppState>, input: AnnualForm) -> IpcResult<AnnualReport> {
    state.with_journal(move |j, ctx| Ok(j.annual_report_for(ctx, input.year, input.municipality.as_deref())?)).await
}

#[tauri::command]
pub async fn waiting_report(state: State<'_, AppState>, input: i32) -> IpcResult<WaitingReport> {
    state.with_journal(move |j, ctx| Ok(j.waiting_report(ctx, input)?)).await
}

/// A full path, chosen in the system's dialog or typed, or `path_required`.
/// The message names no platform's paths: the same app runs on Windows.
pub(crate) fn typed_path(path: &str) -> IpcResult<PathBuf> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(IpcError::new("path_required", PATH_REQUIRED, Some("path")));
    }
    Ok(path)
}

/// The message of `path_required`.
pub(crate) const PATH_REQUIRED: &str =
    "Vælg filen med knappen «Vælg …», eller skriv den fulde sti til den (med mappen, den skal ligge i).";

/// Write a file the core has made, its failure beside the path field.
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> IpcResult<String> {
    std::fs::write(path, bytes).map_err(|e| {
        IpcError::new("io", format!("Filen kunne ikke skrives: {}", tovholder::Error::from(e)), Some("path"))
    })?;
    crate::files::remember_saved(path);
    Ok(path.display().to_string())
}

/// Write the annual report as PDF to the typed path; returns the path written.
#[tauri::command]
pub async fn save_annual_pdf(state: State<'_, AppState>, input: PdfForm) -> IpcResult<String> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let report = j.annual_report_for(ctx, input.year, input.municipality.as_deref())?;
            let unit = j.unit_name()?;
            let pdf = tovholder::report::pdf::annual_pdf(&report, &unit)?;
            write_file(&path, &pdf)
        })
        .await
}

/// The settlement asked for: the paying municipality's code and the month.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SettlementForm {
    pub payer: String,
    /// "åååå-mm"
    pub month: String,
}

/// One line of a settlement as shown: amounts in Danish ("1.234,50 kr.").
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettlementLineView {
    pub client: String,
    pub cpr: String,
    pub course: String,
    pub setting: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    pub price: String,
    /// "day", "month" or "course"
    pub per: String,
    pub amount: String,
}

/// The month's settlement as shown, and its approval when it is stored.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettlementView {
    pub payer: String,
    pub provider: String,
    pub period: String,
    pub lines: Vec<SettlementLineView>,
    /// "1.234,50 kr.", exact to the øre.
    pub total: String,
    pub approval: Option<ApprovalView>,
    /// Courses that cannot be priced, by name; then there are no lines and
    /// nothing can be saved or approved.
    pub problems: Vec<SettlementProblem>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ApprovalView {
    pub made_on: NaiveDate,
    pub made_by: String,
    pub lines: i64,
    pub total: String,
}

fn approval_view(a: SettlementApproval) -> ApprovalView {
    ApprovalView { made_on: a.made_on, made_by: a.made_by, lines: a.lines, total: a.total.danish() }
}

fn settlement_view(s: Settlement, approval: Option<SettlementApproval>) -> SettlementView {
    SettlementView {
        lines: s
            .lines
            .into_iter()
            .map(|l| SettlementLineView {
                client: l.client,
                cpr: l.cpr,
                course: l.course_label,
                setting: l.setting,
                from: l.from,
                to: l.to,
                days: l.days,
                price: l.price.danish(),
                per: l.per.code().to_string(),
                amount: l.amount.danish(),
            })
            .collect(),
        total: s.total.danish(),
        payer: s.payer,
        provider: s.provider,
        period: s.period,
        approval: approval.map(approval_view),
        problems: Vec::new(),
    }
}

#[tauri::command]
pub async fn settlement(state: State<'_, AppState>, input: SettlementForm) -> IpcResult<SettlementView> {
    state
        .with_journal(move |j, ctx| {
            let s = match j.settlement(ctx, &input.payer, &input.month) {
                Ok(s) => s,
                Err(tovholder::Error::SettlementIncomplete { problems }) => {
                    return Ok(SettlementView {
                        payer: input.payer.trim().to_string(),
                        provider: String::new(),
                        period: input.month.trim().to_string(),
                        lines: Vec::new(),
                        total: String::new(),
                        approval: None,
                        problems,
                    })
                }
                Err(e) => return Err(e.into()),
            };
            let approval = j.settlement_approval(ctx, &s.payer, &s.period)?;
            Ok(settlement_view(s, approval))
        })
        .await
}

/// Approve and store the month's settlement (once per payer and month).
#[tauri::command]
pub async fn approve_settlement(state: State<'_, AppState>, input: SettlementForm) -> IpcResult<SettlementView> {
    state
        .with_journal(move |j, ctx| {
            let approval = j.approve_settlement(ctx, &input.payer, &input.month)?;
            let s = j.settlement(ctx, &approval.payer, &approval.period)?;
            Ok(settlement_view(s, Some(approval)))
        })
        .await
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Pdf,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SettlementFileForm {
    pub payer: String,
    pub month: String,
    pub format: FileFormat,
    /// Where the file is written: a full path the user typed.
    pub path: String,
}

/// Write the month's settlement as CSV or PDF; returns the path written.
#[tauri::command]
pub async fn save_settlement(state: State<'_, AppState>, input: SettlementFileForm) -> IpcResult<String> {
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let s = j.settlement(ctx, &input.payer, &input.month)?;
            let bytes = match input.format {
                FileFormat::Csv => s.to_csv().into_bytes(),
                FileFormat::Pdf => tovholder::report::pdf::settlement_pdf(&s, &j.unit_name()?)?,
            };
            let people: Vec<_> = s.lines.iter().map(|l| l.client_id).collect();
            let what = match input.format {
                FileFormat::Csv => "csv",
                FileFormat::Pdf => "pdf",
            };
            j.log_report_export(ctx, ReportFile::Settlement, &people, &format!("{} {} {what}", s.payer, s.period))?;
            write_file(&path, &bytes)
        })
        .await
}

/// The NAB extract asked for: period (dd-mm-åååå), institution, file.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NabForm {
    pub from: String,
    pub to: String,
    pub institution: String,
    pub path: String,
}

/// The extract written, or every incomplete course by name (no file then).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NabOutcome {
    Written { path: String, courses: usize },
    Incomplete { problems: Vec<NabProblem> },
}

#[tauri::command]
pub async fn save_nab_extract(state: State<'_, AppState>, input: NabForm) -> IpcResult<NabOutcome> {
    let from = date(&input.from, "from")?;
    let to = date(&input.to, "to")?;
    let path = typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let lines = match j.nab_extract(ctx, from, to, &input.institution) {
                Ok(lines) => lines,
                Err(tovholder::Error::NabIncomplete { problems }) => return Ok(NabOutcome::Incomplete { problems }),
                Err(e) => return Err(e.into()),
            };
            let csv = tovholder::report::nab_csv(&lines);
            j.log_report_export(ctx, ReportFile::Nab, &[], &format!("{from} {to} rows={}", lines.len()))?;
            let path = write_file(&path, csv.as_bytes())?;
            Ok(NabOutcome::Written { path, courses: lines.len() })
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// A file name alone is refused beside the path field, and the message
    /// names no platform's folders (no `/home/…`, no `C:\…`).
    #[test]
    fn a_path_without_its_folder_is_refused_in_words_for_every_platform() {
        let e = super::typed_path("aarsrapport.pdf").unwrap_err();
        assert_eq!((e.code.as_str(), e.field.as_deref()), ("path_required", Some("path")));
        assert!(!e.message.contains('/') && !e.message.contains('\\') && !e.message.contains("home"), "{}", e.message);
        assert!(super::typed_path("  ").is_err());
        let full = std::env::temp_dir().join("aarsrapport.pdf");
        assert_eq!(super::typed_path(full.to_str().unwrap()).unwrap(), full);
    }
}
