//! Reading the audit log: verifying its hash chain and answering a citizen's
//! question "who has looked at my record, when and why". Only the leader
//! reads the log (`Action::ReadAudit`); nothing in the program changes it.

use serde::Serialize;

use super::roles::Action;
use crate::error::Result;
use crate::store::{Ctx, Journal};

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditCheck {
    pub entries: i64,
    /// The first entry whose hash or link does not match, if any.
    pub first_broken: Option<i64>,
}

/// One access to a person's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub seq: i64,
    pub at: String,
    pub staff: String,
    pub initials: String,
    pub unit: String,
    /// read, create, change, delete …
    pub action: String,
    pub what: Option<String>,
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
                    what: r.get(6)?,
                    purpose: r.get(7)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        self.audit_reads(ctx, &[person], "audit_log")?;
        Ok(rows)
    }
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
