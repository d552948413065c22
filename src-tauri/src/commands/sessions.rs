//! Sessions with participants and attendance, and the append-only notes.

use serde::Deserialize;
use tauri::State;
use tovholder::model::*;
use ts_rs::TS;

use crate::error::IpcResult;
use crate::forms::{date, opt_number, opt_text, opt_time};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SessionForm {
    pub client_id: ClientId,
    pub course_id: Option<CourseId>,
    pub kind: String,
    pub held_on: String,
    pub start_time: String,
    pub minutes: String,
    pub place: String,
    /// Empty while the session is only booked.
    pub attendance: String,
    /// Staff taking part (a joint session: an alcohol and a family consultant).
    pub staff: Vec<StaffId>,
    /// The client's children taking part.
    pub children: Vec<ChildId>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AttendanceForm {
    pub session_id: SessionId,
    pub attendance: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NoteForm {
    pub client_id: ClientId,
    pub course_id: Option<CourseId>,
    pub written_on: String,
    pub text: String,
    pub internal: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CorrectionForm {
    pub note_id: NoteId,
    pub written_on: String,
    pub text: String,
}

#[tauri::command]
pub async fn add_session(state: State<'_, AppState>, input: SessionForm) -> IpcResult<SessionId> {
    state
        .with_journal(move |j, ctx| {
            let mut participants = vec![Participant::Client(input.client_id)];
            participants.extend(input.staff.iter().map(|s| Participant::Staff(*s)));
            participants.extend(input.children.iter().map(|c| Participant::Child(*c)));
            let record = SessionRecord {
                id: None,
                course_id: input.course_id,
                kind: input.kind.clone(),
                held_on: date(&input.held_on, "held_on")?,
                start_time: opt_time(&input.start_time, "start_time")?,
                minutes: opt_number(&input.minutes, "minutes", "Varighed i minutter")?,
                place: opt_text(&input.place),
                attendance: opt_text(&input.attendance),
                participants,
            };
            Ok(j.add_session(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn record_attendance(state: State<'_, AppState>, input: AttendanceForm) -> IpcResult<()> {
    state.with_journal(move |j, ctx| Ok(j.record_attendance(ctx, input.session_id, &input.attendance)?)).await
}

#[tauri::command]
pub async fn add_note(state: State<'_, AppState>, input: NoteForm) -> IpcResult<NoteId> {
    state
        .with_journal(move |j, ctx| {
            let record = NoteRecord {
                id: None,
                client_id: input.client_id,
                course_id: input.course_id,
                session_id: None,
                kind: NoteKind::Note,
                corrects: None,
                written_on: date(&input.written_on, "written_on")?,
                internal: input.internal,
                text: input.text.clone(),
            };
            Ok(j.add_note(ctx, &record)?)
        })
        .await
}

/// A correction is a new note naming the original, which stays readable.
#[tauri::command]
pub async fn correct_note(state: State<'_, AppState>, input: CorrectionForm) -> IpcResult<NoteId> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.written_on, "written_on")?;
            Ok(j.correct_note(ctx, input.note_id, NoteKind::Correction, &input.text, on)?)
        })
        .await
}
