//! The monthly case review: the list of active clients with children under
//! 18 with the review questions, recording the decisions, and the list as a
//! printable PDF form.

use std::collections::BTreeMap;

use serde::Deserialize;
use tauri::State;
use tovholder::model::views::CaseReviewList;
use tovholder::model::*;
use ts_rs::TS;

use crate::error::IpcResult;
use crate::forms::date;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewForm {
    pub held_on: String,
    pub items: Vec<ReviewItemForm>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewItemForm {
    pub client_id: ClientId,
    pub child_id: ChildId,
    /// Answers by question code; unanswered questions are left out.
    pub answers: BTreeMap<String, String>,
    pub decision: String,
}

/// Where the case-review form is written: a full path the user typed.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewPdfForm {
    pub path: String,
}

/// Write today's case-review list as a printable PDF; returns the path.
#[tauri::command]
pub async fn save_case_review_pdf(state: State<'_, AppState>, input: ReviewPdfForm) -> IpcResult<String> {
    let path = crate::commands::reports::typed_path(&input.path)?;
    state
        .with_journal(move |j, ctx| {
            let list = j.case_review_list(ctx, ctx.clock.today())?;
            let pdf = tovholder::report::pdf::case_review_pdf(&list, &j.unit_name()?)?;
            let people: Vec<_> = list.clients.iter().map(|c| c.client_id).collect();
            j.log_report_export(ctx, tovholder::report::ReportFile::CaseReview, &people, &format!("{} pdf", list.on))?;
            crate::commands::reports::write_file(&path, &pdf)
        })
        .await
}

#[tauri::command]
pub async fn case_review_list(state: State<'_, AppState>) -> IpcResult<CaseReviewList> {
    state.with_journal(|j, ctx| Ok(j.case_review_list(ctx, ctx.clock.today())?)).await
}

#[tauri::command]
pub async fn record_case_review(state: State<'_, AppState>, input: ReviewForm) -> IpcResult<CaseReviewId> {
    state
        .with_journal(move |j, ctx| {
            let record = CaseReviewRecord {
                id: None,
                unit_id: None,
                held_on: date(&input.held_on, "held_on")?,
                led_by: ctx.staff,
                items: input
                    .items
                    .iter()
                    .map(|i| CaseReviewItemRecord {
                        id: None,
                        client_id: i.client_id,
                        child_id: i.child_id,
                        answers: i
                            .answers
                            .iter()
                            .filter(|(_, a)| !a.trim().is_empty())
                            .map(|(q, a)| (q.clone(), a.trim().to_string()))
                            .collect(),
                        decision: i.decision.clone(),
                        responsible: None,
                    })
                    .collect(),
            };
            Ok(j.record_case_review(ctx, &record)?)
        })
        .await
}
