//! Sessions with participants, append-only notes, notifications about
//! children, consents and groups.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::people::{must_exist, not_before, optional, required};
use super::write::Writer;
use super::{Codes, Ctx, Journal};
use crate::error::{Entity, Error, Invalid, Result};
use crate::model::time::parse_time;
use crate::model::*;
use crate::security::roles::Action;

pub(crate) fn insert_session(w: &mut Writer<'_>, codes: &Codes, r: &SessionRecord) -> Result<SessionId> {
    let id = r.id.unwrap_or_default();
    codes.check(CodeList::SessionKind, &r.kind, "kind")?;
    if let Some(a) = &r.attendance {
        codes.check(CodeList::Attendance, a, "attendance")?;
        // Attendance is recorded for what has happened.
        if r.held_on > w.today() {
            return Err(Invalid::InFuture { field: "held_on" }.into());
        }
    }
    let start_time = r.start_time.as_deref().map(|t| parse_time(t, "start_time")).transpose()?;
    if r.minutes.is_some_and(|m| !(1..=1440).contains(&m)) {
        return Err(Invalid::OutOfRange { field: "minutes", min: 1, max: 1440 }.into());
    }
    if r.participants.is_empty() {
        return Err(Invalid::NoParticipants.into());
    }
    let mut person = None;
    if let Some(course) = &r.course_id {
        let client: ClientId = w
            .conn()
            .prepare_cached("SELECT client_id FROM course WHERE id = ?1")?
            .query_row([course], |row| row.get(0))
            .optional()?
            .ok_or(Invalid::Missing { what: Entity::Course, field: "course_id" })?;
        person = Some(client.0);
    }
    let mut unit_kinds = Vec::new();
    for p in &r.participants {
        match p {
            Participant::Client(c) => {
                must_exist(w, "client", c, Entity::Client, "participants")?;
                person = person.or(Some(c.0));
            }
            Participant::Child(c) => must_exist(w, "child", c, Entity::Child, "participants")?,
            Participant::Staff(s) => {
                let kind: String = w
                    .conn()
                    .prepare_cached("SELECT u.kind FROM staff s JOIN unit u ON u.id = s.unit_id WHERE s.id = ?1")?
                    .query_row([s], |row| row.get(0))
                    .optional()?
                    .ok_or(Invalid::Missing { what: Entity::Staff, field: "participants" })?;
                unit_kinds.push(kind);
            }
            Participant::External(name) => {
                required(name, "participants")?;
            }
        }
    }
    // A joint session (fællessamtale) is the alcohol consultant and the
    // family consultant together: staff from both kinds of unit.
    if r.kind == "joint" && !(unit_kinds.iter().any(|k| k == "alcohol") && unit_kinds.iter().any(|k| k == "family")) {
        return Err(Invalid::JointSessionStaff.into());
    }
    let place = optional(&r.place);
    w.insert(
        "session",
        &id,
        &[
            ("course_id", &r.course_id),
            ("kind", &r.kind),
            ("held_on", &r.held_on),
            ("start_time", &start_time),
            ("minutes", &r.minutes),
            ("place", &place),
            ("attendance", &r.attendance),
        ],
        person,
    )?;
    for p in &r.participants {
        let pid = ParticipantId::new();
        let (client, child, staff, external) = match p {
            Participant::Client(c) => (Some(*c), None, None, None),
            Participant::Child(c) => (None, Some(*c), None, None),
            Participant::Staff(s) => (None, None, Some(*s), None),
            Participant::External(n) => (None, None, None, Some(n.trim().to_string())),
        };
        let who = client.map(|c| c.0).or(child.map(|c| c.0));
        w.insert(
            "session_participant",
            &pid,
            &[
                ("session_id", &id),
                ("client_id", &client),
                ("child_id", &child),
                ("staff_id", &staff),
                ("external_name", &external),
            ],
            who.or(person),
        )?;
    }
    Ok(id)
}

pub(crate) fn insert_note(w: &mut Writer<'_>, r: &NoteRecord) -> Result<NoteId> {
    let id = r.id.unwrap_or_default();
    let text = required(&r.text, "text")?;
    if r.written_on > w.today() {
        return Err(Invalid::InFuture { field: "written_on" }.into());
    }
    must_exist(w, "client", &r.client_id, Entity::Client, "client_id")?;
    if let Some(c) = &r.course_id {
        let owner: ClientId = w
            .conn()
            .prepare_cached("SELECT client_id FROM course WHERE id = ?1")?
            .query_row([c], |row| row.get(0))
            .optional()?
            .ok_or(Invalid::Missing { what: Entity::Course, field: "course_id" })?;
        if owner != r.client_id {
            return Err(Invalid::OtherClient { what: Entity::Course, field: "course_id" }.into());
        }
    }
    if let Some(s) = &r.session_id {
        must_exist(w, "session", s, Entity::Session, "session_id")?;
        // The session must be the client's: they took part, or it is on their course.
        let theirs = w
            .conn()
            .prepare_cached(
                "SELECT 1 FROM session se WHERE se.id = ?1 AND (
                    EXISTS (SELECT 1 FROM session_participant p WHERE p.session_id = se.id AND p.client_id = ?2)
                    OR EXISTS (SELECT 1 FROM course co WHERE co.id = se.course_id AND co.client_id = ?2))",
            )?
            .exists(rusqlite::params![s, r.client_id])?;
        if !theirs {
            return Err(Invalid::OtherClient { what: Entity::Session, field: "session_id" }.into());
        }
    }
    match (r.kind, &r.corrects) {
        (NoteKind::Note, None) => {}
        (NoteKind::Note, Some(_)) => return Err(Invalid::Required { field: "kind" }.into()),
        (_, None) => return Err(Invalid::Required { field: "corrects" }.into()),
        (_, Some(original)) => {
            let owner: ClientId = w
                .conn()
                .prepare_cached("SELECT client_id FROM note WHERE id = ?1")?
                .query_row([original], |row| row.get(0))
                .optional()?
                .ok_or(Invalid::Missing { what: Entity::Note, field: "corrects" })?;
            if owner != r.client_id {
                return Err(Invalid::CorrectionOtherClient.into());
            }
        }
    }
    w.insert(
        "note",
        &id,
        &[
            ("client_id", &r.client_id),
            ("course_id", &r.course_id),
            ("session_id", &r.session_id),
            ("kind", &r.kind.code()),
            ("corrects", &r.corrects),
            ("written_on", &r.written_on),
            ("internal", &r.internal),
            ("text", &text),
        ],
        Some(r.client_id.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_notification(w: &mut Writer<'_>, r: &NotificationRecord) -> Result<NotificationId> {
    let id = r.id.unwrap_or_default();
    let recipient = required(&r.recipient, "recipient")?;
    let reason = required(&r.reason, "reason")?;
    if r.made_on > w.today() {
        return Err(Invalid::InFuture { field: "made_on" }.into());
    }
    not_before(r.answer_received_on, "answer_received_on", Some(r.made_on), "made_on")?;
    must_exist(w, "child", &r.child_id, Entity::Child, "child_id")?;
    must_exist(w, "staff", &r.made_by, Entity::Staff, "made_by")?;
    if let Some(c) = &r.client_id {
        must_exist(w, "client", c, Entity::Client, "client_id")?;
    }
    if let Some(u) = &r.to_unit {
        must_exist(w, "unit", u, Entity::Unit, "to_unit")?;
    }
    let answer = optional(&r.answer);
    w.insert(
        "notification",
        &id,
        &[
            ("child_id", &r.child_id),
            ("client_id", &r.client_id),
            ("made_on", &r.made_on),
            ("made_by", &r.made_by),
            ("to_unit", &r.to_unit),
            ("recipient", &recipient),
            ("reason", &reason),
            ("answer_received_on", &r.answer_received_on),
            ("answer", &answer),
        ],
        Some(r.child_id.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_consent(w: &mut Writer<'_>, codes: &Codes, r: &ConsentRecord) -> Result<ConsentId> {
    let id = r.id.unwrap_or_default();
    codes.check(CodeList::ConsentScope, &r.scope, "scope")?;
    let recipient = required(&r.recipient, "recipient")?;
    if r.given_on > w.today() {
        return Err(Invalid::InFuture { field: "given_on" }.into());
    }
    not_before(r.withdrawn_on, "withdrawn_on", Some(r.given_on), "given_on")?;
    must_exist(w, "client", &r.client_id, Entity::Client, "client_id")?;
    if let Some(u) = &r.to_unit {
        must_exist(w, "unit", u, Entity::Unit, "to_unit")?;
    }
    let remarks = optional(&r.remarks);
    w.insert(
        "consent",
        &id,
        &[
            ("client_id", &r.client_id),
            ("scope", &r.scope),
            ("recipient", &recipient),
            ("to_unit", &r.to_unit),
            ("given_on", &r.given_on),
            ("withdrawn_on", &r.withdrawn_on),
            ("remarks", &remarks),
        ],
        Some(r.client_id.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_group(w: &mut Writer<'_>, codes: &Codes, unit: UnitId, r: &GroupRecord) -> Result<GroupId> {
    let id = r.id.unwrap_or_default();
    codes.check(CodeList::GroupKind, &r.kind, "kind")?;
    let name = required(&r.name, "name")?;
    not_before(r.end_on, "end_on", Some(r.start_on), "start_on")?;
    let unit_id = r.unit_id.unwrap_or(unit);
    must_exist(w, "unit", &unit_id, Entity::Unit, "unit_id")?;
    w.insert(
        "activity_group",
        &id,
        &[("unit_id", &unit_id), ("kind", &r.kind), ("name", &name), ("start_on", &r.start_on), ("end_on", &r.end_on)],
        None,
    )?;
    Ok(id)
}

pub(crate) fn insert_group_member(w: &mut Writer<'_>, r: &GroupMemberRecord) -> Result<GroupMemberId> {
    let id = r.id.unwrap_or_default();
    let start: NaiveDate = w
        .conn()
        .prepare_cached("SELECT start_on FROM activity_group WHERE id = ?1")?
        .query_row([r.group_id], |row| row.get(0))
        .optional()?
        .ok_or(Invalid::Missing { what: Entity::Group, field: "group_id" })?;
    let person = match (&r.client_id, &r.child_id) {
        (Some(c), None) => {
            must_exist(w, "client", c, Entity::Client, "client_id")?;
            c.0
        }
        (None, Some(c)) => {
            must_exist(w, "child", c, Entity::Child, "child_id")?;
            c.0
        }
        _ => return Err(Invalid::Required { field: "client_id" }.into()),
    };
    not_before(Some(r.joined_on), "joined_on", Some(start), "start_on")?;
    // A person is in a group once at a time; after leaving they may rejoin.
    let current: bool = w
        .conn()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM group_member WHERE group_id = ?1 AND left_on IS NULL
                            AND (client_id = ?2 OR child_id = ?3))",
        )?
        .query_row(rusqlite::params![r.group_id, r.client_id, r.child_id], |row| row.get(0))?;
    if current {
        return Err(Invalid::Duplicate { what: Entity::GroupMember }.into());
    }
    not_before(r.left_on, "left_on", Some(r.joined_on), "joined_on")?;
    w.insert(
        "group_member",
        &id,
        &[
            ("group_id", &r.group_id),
            ("client_id", &r.client_id),
            ("child_id", &r.child_id),
            ("joined_on", &r.joined_on),
            ("left_on", &r.left_on),
        ],
        Some(person),
    )?;
    Ok(id)
}

pub(crate) fn insert_group_attendance(
    w: &mut Writer<'_>,
    codes: &Codes,
    r: &GroupAttendanceRecord,
) -> Result<GroupAttendanceId> {
    let id = r.id.unwrap_or_default();
    codes.check(CodeList::Attendance, &r.attendance, "attendance")?;
    type Member = (Option<ClientId>, Option<ChildId>, NaiveDate, Option<NaiveDate>, NaiveDate);
    let (client, child, joined, left, start): Member = w
        .conn()
        .prepare_cached(
            "SELECT m.client_id, m.child_id, m.joined_on, m.left_on, g.start_on
             FROM group_member m JOIN activity_group g ON g.id = m.group_id WHERE m.id = ?1",
        )?
        .query_row([r.member_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))
        .optional()?
        .ok_or(Invalid::Missing { what: Entity::GroupMember, field: "member_id" })?;
    // Attendance is recorded for meetings that have been held, while the
    // group ran and the member was in it.
    if r.met_on > w.today() {
        return Err(Invalid::InFuture { field: "met_on" }.into());
    }
    not_before(Some(r.met_on), "met_on", Some(start), "start_on")?;
    if r.met_on < joined || left.is_some_and(|l| r.met_on > l) {
        return Err(Invalid::NotInGroup { field: "met_on" }.into());
    }
    w.insert(
        "group_attendance",
        &id,
        &[("member_id", &r.member_id), ("met_on", &r.met_on), ("attendance", &r.attendance)],
        client.map(|c| c.0).or(child.map(|c| c.0)),
    )?;
    Ok(id)
}

impl Journal {
    /// Book (no attendance yet) or record a session with its participants.
    pub fn add_session(&mut self, ctx: &Ctx, r: &SessionRecord) -> Result<SessionId> {
        self.authorize(ctx, if r.attendance.is_some() { Action::RecordSession } else { Action::BookSession })?;
        let codes = self.codes();
        self.write(ctx, |w| insert_session(w, &codes, r))
    }

    /// Record the attendance of a booked session.
    pub fn record_attendance(&mut self, ctx: &Ctx, id: SessionId, attendance: &str) -> Result<()> {
        self.authorize(ctx, Action::BookSession)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            codes.check(CodeList::Attendance, attendance, "attendance")?;
            let held_on: NaiveDate = w
                .conn()
                .prepare_cached("SELECT held_on FROM session WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?
                .ok_or(Error::NotFound(Entity::Session))?;
            if held_on > w.today() {
                return Err(Invalid::InFuture { field: "held_on" }.into());
            }
            w.update("session", &id, &[("attendance", &attendance)], None, Entity::Session)
        })
    }

    /// Write a journal note. Notes are never changed afterwards.
    pub fn add_note(&mut self, ctx: &Ctx, r: &NoteRecord) -> Result<NoteId> {
        self.authorize(ctx, Action::WriteNote)?;
        self.write(ctx, |w| insert_note(w, &NoteRecord { kind: NoteKind::Note, corrects: None, ..r.clone() }))
    }

    /// Correct a note (or mark it as made in error) by adding a note that
    /// names it; the original stays as written.
    pub fn correct_note(
        &mut self,
        ctx: &Ctx,
        original: NoteId,
        kind: NoteKind,
        text: &str,
        on: NaiveDate,
    ) -> Result<NoteId> {
        self.authorize(ctx, Action::WriteNote)?;
        self.write(ctx, |w| {
            let (client, course, internal): (ClientId, Option<CourseId>, bool) = w
                .conn()
                .prepare_cached("SELECT client_id, course_id, internal FROM note WHERE id = ?1")?
                .query_row([original], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or(Error::NotFound(Entity::Note))?;
            let kind = if kind == NoteKind::Note { NoteKind::Correction } else { kind };
            insert_note(
                w,
                &NoteRecord {
                    id: None,
                    client_id: client,
                    course_id: course,
                    session_id: None,
                    kind,
                    corrects: Some(original),
                    written_on: on,
                    internal,
                    text: text.to_string(),
                },
            )
        })
    }

    pub fn add_notification(&mut self, ctx: &Ctx, r: &NotificationRecord) -> Result<NotificationId> {
        self.authorize(ctx, Action::Family)?;
        self.write(ctx, |w| insert_notification(w, r))
    }

    /// Record the family department's answer to a notification.
    pub fn answer_notification(&mut self, ctx: &Ctx, id: NotificationId, on: NaiveDate, answer: &str) -> Result<()> {
        self.authorize(ctx, Action::Family)?;
        self.write(ctx, |w| {
            let (child, made_on): (ChildId, NaiveDate) = w
                .conn()
                .prepare_cached("SELECT child_id, made_on FROM notification WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or(Error::NotFound(Entity::Notification))?;
            let answer = required(answer, "answer")?;
            if on > w.today() {
                return Err(Invalid::InFuture { field: "answer_received_on" }.into());
            }
            not_before(Some(on), "answer_received_on", Some(made_on), "made_on")?;
            w.update(
                "notification",
                &id,
                &[("answer_received_on", &on), ("answer", &answer)],
                Some(child.0),
                Entity::Notification,
            )
        })
    }

    pub fn give_consent(&mut self, ctx: &Ctx, r: &ConsentRecord) -> Result<ConsentId> {
        self.authorize(ctx, Action::Family)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_consent(w, &codes, &ConsentRecord { withdrawn_on: None, ..r.clone() }))
    }

    pub fn withdraw_consent(&mut self, ctx: &Ctx, id: ConsentId, on: NaiveDate) -> Result<()> {
        self.authorize(ctx, Action::Family)?;
        self.write(ctx, |w| {
            let (client, given, withdrawn): (ClientId, NaiveDate, Option<NaiveDate>) = w
                .conn()
                .prepare_cached("SELECT client_id, given_on, withdrawn_on FROM consent WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or(Error::NotFound(Entity::Consent))?;
            if withdrawn.is_some() {
                return Err(Invalid::ConsentWithdrawn.into());
            }
            if on > w.today() {
                return Err(Invalid::InFuture { field: "withdrawn_on" }.into());
            }
            not_before(Some(on), "withdrawn_on", Some(given), "given_on")?;
            w.update("consent", &id, &[("withdrawn_on", &on)], Some(client.0), Entity::Consent)
        })
    }

    pub fn add_group(&mut self, ctx: &Ctx, r: &GroupRecord) -> Result<GroupId> {
        self.authorize(ctx, Action::Treatment)?;
        let (codes, unit) = (self.codes(), self.unit());
        self.write(ctx, |w| insert_group(w, &codes, unit, r))
    }

    pub fn add_group_member(&mut self, ctx: &Ctx, r: &GroupMemberRecord) -> Result<GroupMemberId> {
        self.authorize(ctx, Action::Treatment)?;
        self.write(ctx, |w| insert_group_member(w, r))
    }

    pub fn add_group_attendance(&mut self, ctx: &Ctx, r: &GroupAttendanceRecord) -> Result<GroupAttendanceId> {
        self.authorize(ctx, Action::Treatment)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_group_attendance(w, &codes, r))
    }
}
