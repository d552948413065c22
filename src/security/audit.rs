//! Reading the audit log: verifying its hash chain and answering a citizen's
//! question "who has looked at my record, when and why". Only the leader
//! reads the log (`Action::ReadAudit`); nothing in the program changes it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::roles::Action;
use crate::error::{Invalid, Result};
use crate::model::codes::Code;
use crate::model::time::{danish_date, instant_text};
use crate::model::StaffId;
use crate::store::{Ctx, Journal};

/// The actions an audit entry can record (the CHECK of `audit_log.action`).
pub const ACTIONS: [&str; 9] =
    ["read", "create", "change", "delete", "export", "import", "login", "login_failed", "backup"];

/// Most entries one page of the audit view holds.
pub const MAX_PAGE: usize = 500;

/// Which entries of the audit log to list, newest first. Dates are Danish
/// calendar days, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub staff: Option<StaffId>,
    /// One of `ACTIONS`.
    pub action: Option<String>,
    /// Keyset paging: only entries older than this sequence number (the
    /// previous page's `next_before`).
    pub before: Option<i64>,
    pub limit: usize,
}

/// One entry of the audit log as the leader reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub staff: String,
    pub initials: String,
    pub action: String,
    /// The action in Danish.
    pub action_label: String,
    /// The person whose record was touched: id and name (no CPR number);
    /// the name is empty when the record has since been deleted.
    pub person_id: Option<String>,
    pub person: Option<String>,
    /// The table or part of the record (client, note, login, …).
    pub entity: Option<String>,
    /// `entity` in Danish.
    pub entity_label: Option<String>,
    pub purpose: Option<String>,
    pub detail: Option<String>,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
}

/// The first instant of a Danish calendar day, in UTC.
fn danish_day_start(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let summer = midnight - chrono::Duration::hours(2);
    if danish_date(summer) == d {
        summer
    } else {
        midnight - chrono::Duration::hours(1)
    }
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditCheck {
    pub entries: i64,
    /// The first entry whose hash or link does not match, if any.
    pub first_broken: Option<i64>,
}

/// One access to a person's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccessEntry {
    pub seq: i64,
    pub at: String,
    pub staff: String,
    pub initials: String,
    pub unit: String,
    /// read, create, change, delete …
    pub action: String,
    pub what: Option<String>,
    /// `what` in Danish.
    pub what_label: Option<String>,
    pub purpose: Option<String>,
}

impl Journal {
    /// Check the audit log (leader only).
    pub fn audit_check(&mut self, ctx: &Ctx) -> Result<AuditCheck> {
        self.authorize(ctx, Action::ReadAudit)?;
        let entries: i64 = self.connection().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
        let first_broken = self.verify_audit()?;
        Ok(AuditCheck { entries, first_broken })
    }

    /// One page of the audit log, newest first, filtered by Danish dates,
    /// member of staff and action (leader only). Keyset-paged on the
    /// sequence number, so a page costs the same however large the log is
    /// and entries written meanwhile do not shift the pages. Listing the log
    /// is not itself logged: it shows who did what, not a person's record.
    pub fn audit_page(&self, ctx: &Ctx, q: &AuditQuery) -> Result<AuditPage> {
        self.authorize(ctx, Action::ReadAudit)?;
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if to < from {
                return Err(Invalid::DateOrder { field: "to", before: "from" }.into());
            }
        }
        if let Some(a) = q.action.as_deref() {
            if !ACTIONS.contains(&a) {
                return Err(Invalid::UnknownAuditAction { value: a.to_string() }.into());
            }
        }
        let limit = q.limit.clamp(1, MAX_PAGE);
        let from = q.from.map(|d| instant_text(danish_day_start(d)));
        let to = q.to.and_then(|d| d.succ_opt()).map(|d| instant_text(danish_day_start(d)));
        let mut stmt = self.connection().prepare_cached(
            "SELECT a.seq, a.at, coalesce(s.name, a.staff_id), coalesce(s.initials, ''), a.action,
                    a.person_id, coalesce(c.name, ch.name), a.entity, a.purpose, a.detail
             FROM audit_log a
             LEFT JOIN staff s ON s.id = a.staff_id
             LEFT JOIN client c ON c.id = a.person_id
             LEFT JOIN child ch ON ch.id = a.person_id
             WHERE a.seq < ?1
               AND (?2 IS NULL OR a.at >= ?2)
               AND (?3 IS NULL OR a.at < ?3)
               AND (?4 IS NULL OR a.staff_id = ?4)
               AND (?5 IS NULL OR a.action = ?5)
             ORDER BY a.seq DESC
             LIMIT ?6",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![q.before.unwrap_or(i64::MAX), from, to, q.staff, q.action, (limit + 1) as i64],
            |r| {
                let action: String = r.get(4)?;
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    staff: r.get(2)?,
                    initials: r.get(3)?,
                    action_label: action_label(&action).to_string(),
                    action,
                    person_id: r.get(5)?,
                    person: r.get(6)?,
                    entity_label: r.get::<_, Option<String>>(7)?.map(|e| entity_label(&e)),
                    entity: r.get(7)?,
                    purpose: r.get(8)?,
                    detail: r.get(9)?,
                })
            },
        )?;
        let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let next_before = if entries.len() > limit {
            entries.truncate(limit);
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage { entries, next_before })
    }

    /// Every access to one person's record (a client or a child), oldest
    /// first: who, when, from which unit, what and why. Leader only; the
    /// lookup is itself logged.
    pub fn access_log(&mut self, ctx: &Ctx, person: uuid::Uuid) -> Result<Vec<AccessEntry>> {
        self.authorize(ctx, Action::ReadAudit)?;
        let rows = {
            let mut stmt = self.connection().prepare_cached(
                "SELECT a.seq, a.at, coalesce(s.name, a.staff_id), coalesce(s.initials, ''), coalesce(u.name, ''),
                        a.action, a.entity, a.purpose
                 FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN unit u ON u.id = s.unit_id
                 WHERE a.person_id = ?1 ORDER BY a.seq",
            )?;
            let rows = stmt.query_map([person.hyphenated().to_string()], |r| {
                Ok(AccessEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    staff: r.get(2)?,
                    initials: r.get(3)?,
                    unit: r.get(4)?,
                    action: r.get(5)?,
                    what_label: r.get::<_, Option<String>>(6)?.map(|w| entity_label(&w)),
                    what: r.get(6)?,
                    purpose: r.get(7)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        self.audit_reads(ctx, &[person], "audit_log", "adgangslog")?;
        Ok(rows)
    }
}

/// The audit actions with their Danish words, for a filter.
pub fn action_codes() -> Vec<Code> {
    ACTIONS.iter().map(|a| Code { code: (*a).to_string(), label: action_label(a).to_string() }).collect()
}

/// Danish words for what an audit entry touched: a table, or the view
/// that was read. Unknown names are shown as they are.
pub fn entity_label(entity: &str) -> String {
    let label = match entity {
        "client" => "klientens journal",
        "child" => "barn",
        "child_link" => "barnets tilknytning",
        "network_person" => "netværksperson",
        "emergency_plan" => "nødplan",
        "referral" => "henvendelse",
        "course" => "forløb",
        "assessment" => "udredning",
        "plan_revision" => "behandlingsplan",
        "evaluation" => "evaluering",
        "medication" => "medicin",
        "session" | "session_participant" => "samtale",
        "note" => "journalnotat",
        "note_search" => "notatsøgning",
        "client_search" => "søgning efter borger",
        "waiting_list" => "venteliste",
        "notification_list" => "ubesvarede underretninger",
        "notification" => "underretning",
        "consent" => "samtykke",
        "activity_group" | "group_member" | "group_attendance" => "gruppe",
        "case_review" | "case_review_item" => "sagsmøde",
        "agreement_price" => "aftalepris",
        "settlement" | "settlement_line" => "afregning",
        "nab_extract" => "NAB-udtræk",
        "person_report" => "indsigtsrapport",
        "unit" => "enhed",
        "staff" => "medarbejder",
        "login" => "login",
        "journal_meta" => "indstilling",
        "journal_head" => "det senest gemte",
        "audit_log" => "adgangsloggen",
        other => return other.to_string(),
    };
    label.to_string()
}

/// Danish words for the audit actions.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "read" => "læst",
        "create" => "oprettet",
        "change" => "ændret",
        "delete" => "slettet",
        "export" => "eksporteret",
        "import" => "importeret",
        "login" => "logget ind",
        "login_failed" => "mislykket login",
        "backup" => "sikkerhedskopi",
        _ => "andet",
    }
}
