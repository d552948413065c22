//! Grupper: the unit's groups, one group with its members and attendance,
//! starting a group, adding a member (a client or a child), a meeting's
//! attendance for every member at once, a member leaving. The rules (dates,
//! who may see which member) are the core's; this file reads the forms.

use serde::Deserialize;
use tauri::State;
use tovholder::model::views::{GroupSummary, GroupView};
use tovholder::model::*;
use ts_rs::TS;

use crate::error::IpcResult;
use crate::forms::date;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct GroupForm {
    /// A code of the `group_kind` list.
    pub kind: String,
    pub name: String,
    pub start_on: String,
}

/// A client or (exactly one of them) a child joining a group.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct GroupMemberForm {
    pub group_id: GroupId,
    pub client_id: Option<ClientId>,
    pub child_id: Option<ChildId>,
    pub joined_on: String,
}

/// One member's attendance code (the `attendance` list) at a meeting.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct GroupAttendanceLine {
    pub member_id: GroupMemberId,
    pub attendance: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct GroupMeetingForm {
    pub group_id: GroupId,
    pub met_on: String,
    pub attendance: Vec<GroupAttendanceLine>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LeaveGroupForm {
    pub member_id: GroupMemberId,
    pub left_on: String,
}

#[tauri::command]
pub async fn list_groups(state: State<'_, AppState>) -> IpcResult<Vec<GroupSummary>> {
    state.with_journal(|j, ctx| Ok(j.groups(ctx)?)).await
}

#[tauri::command]
pub async fn group_detail(state: State<'_, AppState>, input: GroupId) -> IpcResult<GroupView> {
    state.with_journal(move |j, ctx| Ok(j.group(ctx, input)?)).await
}

#[tauri::command]
pub async fn add_group(state: State<'_, AppState>, input: GroupForm) -> IpcResult<GroupId> {
    state
        .with_journal(move |j, ctx| {
            if input.kind.trim().is_empty() {
                return Err(tovholder::Invalid::Required { field: "kind" }.into());
            }
            let record = GroupRecord {
                id: None,
                unit_id: None,
                kind: input.kind.clone(),
                name: input.name.clone(),
                start_on: date(&input.start_on, "start_on")?,
                end_on: None,
            };
            Ok(j.add_group(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn add_group_member(state: State<'_, AppState>, input: GroupMemberForm) -> IpcResult<GroupMemberId> {
    state
        .with_journal(move |j, ctx| {
            let record = GroupMemberRecord {
                id: None,
                group_id: input.group_id,
                client_id: input.client_id,
                child_id: input.child_id,
                joined_on: date(&input.joined_on, "joined_on")?,
                left_on: None,
            };
            Ok(j.add_group_member(ctx, &record)?)
        })
        .await
}

#[tauri::command]
pub async fn record_group_meeting(state: State<'_, AppState>, input: GroupMeetingForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.met_on, "met_on")?;
            let rows: Vec<(GroupMemberId, String)> =
                input.attendance.iter().map(|l| (l.member_id, l.attendance.clone())).collect();
            j.record_group_meeting(ctx, input.group_id, on, &rows)?;
            Ok(())
        })
        .await
}

#[tauri::command]
pub async fn leave_group(state: State<'_, AppState>, input: LeaveGroupForm) -> IpcResult<()> {
    state
        .with_journal(move |j, ctx| {
            let on = date(&input.left_on, "left_on")?;
            Ok(j.leave_group(ctx, input.member_id, on)?)
        })
        .await
}
