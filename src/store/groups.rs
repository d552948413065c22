//! Groups as a screen sees them: the unit's groups, one group with its
//! members and their attendance by meeting, a member leaving, a meeting's
//! attendance for every member at once. Inserting groups, members and single
//! attendance rows is `family.rs`'s (`insert_group*`); this module adds no
//! other rules than the leaving date's.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::family::insert_group_attendance;
use super::people::not_before;
use super::{Ctx, Journal};
use crate::error::{Entity, Error, Invalid, Result};
use crate::model::views::*;
use crate::model::*;
use crate::security::roles::{child_shared, client_shared, Action};

/// SQL true when the member row `m` may be seen by a reader whose scope is
/// `?1` (NULL: everyone).
fn member_visible() -> String {
    format!(
        "(?1 IS NULL OR (m.client_id IS NOT NULL AND {}) OR (m.child_id IS NOT NULL AND {}))",
        client_shared("m.client_id", "?1"),
        child_shared("m.child_id", "?1")
    )
}

impl Journal {
    /// A family consultant sees the members shared with their unit (and the
    /// groups of their unit or with such a member); everyone else with
    /// `ReadRecord` sees all.
    fn group_scope(&self, ctx: &Ctx) -> Result<Option<UnitId>> {
        Ok(self.reader(ctx, Action::ReadRecord)?.shared_unit())
    }

    /// The groups, newest start first, with their current members and
    /// meetings counted. No person's record is shown, so nothing is audited.
    pub fn groups(&self, ctx: &Ctx) -> Result<Vec<GroupSummary>> {
        let scope = self.group_scope(ctx)?;
        let codes = self.codes();
        let visible = member_visible();
        let sql = format!(
            "SELECT g.id, g.kind, g.name, u.name, g.start_on, g.end_on,
                    (SELECT count(*) FROM group_member m WHERE m.group_id = g.id AND m.left_on IS NULL AND {visible}),
                    (SELECT count(DISTINCT a.met_on) FROM group_attendance a JOIN group_member m ON m.id = a.member_id
                      WHERE m.group_id = g.id AND {visible})
             FROM activity_group g JOIN unit u ON u.id = g.unit_id
             WHERE ?1 IS NULL OR g.unit_id = ?1
                OR EXISTS (SELECT 1 FROM group_member m WHERE m.group_id = g.id AND {visible})
             ORDER BY g.start_on DESC, g.name, g.id"
        );
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![scope], |r| {
            Ok(GroupSummary {
                id: r.get(0)?,
                kind: codes.coded(CodeList::GroupKind, &r.get::<_, String>(1)?),
                name: r.get(2)?,
                unit: r.get(3)?,
                start_on: r.get(4)?,
                end_on: r.get(5)?,
                members: r.get(6)?,
                meetings: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One group with the members the reader may see and their attendance.
    /// Reading it is written to the audit log for each member shown.
    pub fn group(&mut self, ctx: &Ctx, id: GroupId) -> Result<GroupView> {
        let scope = self.group_scope(ctx)?;
        let codes = self.codes();
        let conn = self.connection();
        let (kind, name, unit, start_on, end_on, group_unit): (
            String,
            String,
            String,
            NaiveDate,
            Option<NaiveDate>,
            UnitId,
        ) = conn
            .prepare_cached(
                "SELECT g.kind, g.name, u.name, g.start_on, g.end_on, g.unit_id
                 FROM activity_group g JOIN unit u ON u.id = g.unit_id WHERE g.id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .optional()?
            .ok_or(Error::NotFound(Entity::Group))?;
        let sql = format!(
            "SELECT m.id, m.client_id, m.child_id, coalesce(c.name, ch.name), m.joined_on, m.left_on
             FROM group_member m LEFT JOIN client c ON c.id = m.client_id LEFT JOIN child ch ON ch.id = m.child_id
             WHERE m.group_id = ?2 AND {}
             ORDER BY m.child_id IS NOT NULL, coalesce(c.name, ch.name) COLLATE NOCASE, m.id",
            member_visible()
        );
        let mut members: Vec<GroupMemberView> = conn
            .prepare_cached(&sql)?
            .query_map(params![scope, id], |r| {
                Ok(GroupMemberView {
                    id: r.get(0)?,
                    client_id: r.get(1)?,
                    child_id: r.get(2)?,
                    name: r.get(3)?,
                    joined_on: r.get(4)?,
                    left_on: r.get(5)?,
                    attendance: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if scope.is_some_and(|u| u != group_unit) && members.is_empty() {
            return Err(Error::Forbidden { what: "se sager, der ikke er delt med din enhed" });
        }
        let mut meetings = Vec::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT a.met_on, a.attendance FROM group_attendance a WHERE a.member_id = ?1 ORDER BY a.met_on",
            )?;
            for m in &mut members {
                m.attendance = stmt
                    .query_map([m.id], |r| {
                        Ok(GroupAttendanceView {
                            met_on: r.get(0)?,
                            attendance: codes.coded(CodeList::Attendance, &r.get::<_, String>(1)?),
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                meetings.extend(m.attendance.iter().map(|a| a.met_on));
            }
        }
        meetings.sort();
        meetings.dedup();
        let people: Vec<uuid::Uuid> =
            members.iter().filter_map(|m| m.client_id.map(|c| c.0).or(m.child_id.map(|c| c.0))).collect();
        self.audit_reads(ctx, &people, "group_member", "gruppe")?;
        Ok(GroupView {
            id,
            kind: codes.coded(CodeList::GroupKind, &kind),
            name,
            unit,
            start_on,
            end_on,
            members,
            meetings,
        })
    }

    /// A member leaves the group on `on`: not before joining, not before a
    /// meeting they were recorded at, not in the future, and only once.
    pub fn leave_group(&mut self, ctx: &Ctx, member: GroupMemberId, on: NaiveDate) -> Result<()> {
        self.authorize(ctx, Action::Treatment)?;
        self.write(ctx, |w| {
            type Row = (Option<ClientId>, Option<ChildId>, NaiveDate, Option<NaiveDate>, Option<NaiveDate>);
            let (client, child, joined, left, last): Row = w
                .conn()
                .prepare_cached(
                    "SELECT client_id, child_id, joined_on, left_on,
                            (SELECT max(met_on) FROM group_attendance WHERE member_id = m.id)
                     FROM group_member m WHERE id = ?1",
                )?
                .query_row([member], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .optional()?
                .ok_or(Error::NotFound(Entity::GroupMember))?;
            if left.is_some() {
                return Err(Invalid::AlreadyLeft.into());
            }
            if on > w.today() {
                return Err(Invalid::InFuture { field: "left_on" }.into());
            }
            not_before(Some(on), "left_on", Some(joined), "joined_on")?;
            not_before(Some(on), "left_on", last, "met_on")?;
            let person = client.map(|c| c.0).or(child.map(|c| c.0));
            w.update("group_member", &member, &[("left_on", &on)], person, Entity::GroupMember)
        })
    }

    /// One meeting of a group: the attendance of each listed member on
    /// `met_on`, all or nothing. Each member must belong to the group.
    pub fn record_group_meeting(
        &mut self,
        ctx: &Ctx,
        group: GroupId,
        met_on: NaiveDate,
        attendance: &[(GroupMemberId, String)],
    ) -> Result<Vec<GroupAttendanceId>> {
        self.authorize(ctx, Action::Treatment)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            if !w.exists("activity_group", &group)? {
                return Err(Error::NotFound(Entity::Group));
            }
            if attendance.is_empty() {
                return Err(Invalid::NoMembers.into());
            }
            let mut ids = Vec::with_capacity(attendance.len());
            for (member, code) in attendance {
                let of: Option<GroupId> = w
                    .conn()
                    .prepare_cached("SELECT group_id FROM group_member WHERE id = ?1")?
                    .query_row([member], |r| r.get(0))
                    .optional()?;
                if of != Some(group) {
                    return Err(Invalid::Missing { what: Entity::GroupMember, field: "member_id" }.into());
                }
                let r = GroupAttendanceRecord { id: None, member_id: *member, met_on, attendance: code.clone() };
                ids.push(insert_group_attendance(w, &codes, &r)?);
            }
            Ok(ids)
        })
    }
}
