//! The open conflicts as a person reads them (the desktop's Konflikter
//! screen): per conflict the person it concerns, the field in Danish, and
//! each value side by side with who wrote it, when and on which site. The
//! merge and the resolution themselves are `apply.rs` (`Journal::conflicts`,
//! `Journal::resolve_conflict`) and `resolve.rs` (a new value,
//! `Journal::write_conflict_value`); this is a read over them.
//!
//! Privacy by default: the person's name, and the values of a person's row,
//! are shown only to a role that may read records; another role (the
//! administrator) sees which field, which sites, who and when, and may
//! still choose by those.

use chrono::DateTime;
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{labels, retention, tables, Change};
use crate::error::Result;
use crate::model::time::danish_date;
use crate::model::SiteId;
use crate::security::roles::Action;
use crate::store::{Ctx, Journal};

/// One open conflict, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictView {
    pub table: String,
    /// The table in Danish ("klient").
    pub table_label: String,
    pub row: String,
    pub group: String,
    /// The field (group) in Danish ("telefon", "CPR-nummer, fødselsdato, køn").
    pub field_label: String,
    /// The client or child the row belongs to (its id), if any.
    pub person: Option<String>,
    /// Their name, for a reader whose role may read records.
    pub person_name: Option<String>,
    /// Why it is a conflict, in Danish.
    pub reason: String,
    /// The values: the one in the journal now first, then the others,
    /// newest first. Fewer than two: nothing to choose between (a stopped
    /// retention deletion).
    pub values: Vec<ConflictValue>,
    /// The form for writing a new value instead (a field per column of the
    /// group, `resolve::NewValueForm`); `None` where a new value makes no
    /// sense (`resolve::choose_only`) or the reader may not see the values.
    pub new_value: Option<super::NewValueForm>,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictValue {
    /// What `Journal::resolve_conflict` keeps: the site and its clock value
    /// (decimal text: it is larger than a JavaScript number holds exactly).
    pub site: SiteId,
    pub hlc: String,
    /// The value as text ("20 30 40 50"; several columns "Adresse: …;
    /// Telefon: …"); `None` when the reader's role may not see it.
    pub value: Option<String>,
    /// Who wrote it ("Søren Klitgaard (Center Familie, Stevns)").
    pub staff: String,
    /// The site's name, this journal's own or a partner's.
    pub site_name: String,
    pub own_site: bool,
    /// When, RFC 3339 UTC, and the Danish date (dd-mm-åååå).
    pub at: String,
    pub on: String,
    /// This is the value the journal holds now.
    pub current: bool,
}

impl Journal {
    /// The open conflicts, each with its person, its field in Danish and
    /// its values side by side (who, when, which site). Whoever does the
    /// hand-off, as `conflicts`. Each person whose name or values are
    /// shown is written to the audit log (a read).
    pub fn conflict_review(&mut self, ctx: &Ctx) -> Result<Vec<ConflictView>> {
        let out = self.conflict_views(ctx)?;
        let mut people: Vec<uuid::Uuid> = out
            .iter()
            .filter(|c| c.person_name.is_some())
            .filter_map(|c| c.person.as_deref().and_then(|p| uuid::Uuid::parse_str(p).ok()))
            .collect();
        people.sort();
        people.dedup();
        self.audit_reads(ctx, &people, "sync_conflict", "konfliktliste")?;
        Ok(out)
    }

    /// How many conflicts are open (the desktop's badge): a number only,
    /// nothing about a person, so no read is logged. Whoever does the
    /// hand-off, as `conflicts`.
    pub fn open_conflict_count(&self, ctx: &Ctx) -> Result<usize> {
        Ok(self.conflicts(ctx)?.len())
    }

    fn conflict_views(&self, ctx: &Ctx) -> Result<Vec<ConflictView>> {
        let list = self.conflicts(ctx)?;
        let sees_records = self.reader(ctx, Action::ReadRecord).is_ok();
        let conn = self.connection();
        let codes = self.codes();
        let own = self.site();
        let own_name: String = conn
            .query_row("SELECT name FROM site WHERE id = ?1", [own], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| "denne installation".into());
        let site_name = |site: SiteId| -> Result<String> {
            if site == own {
                return Ok(own_name.clone());
            }
            Ok(conn
                .query_row("SELECT name FROM partner WHERE site = ?1", [site], |r| r.get(0))
                .optional()?
                .unwrap_or_else(|| "en ukendt installation".into()))
        };
        let mut staff_stmt =
            conn.prepare_cached("SELECT s.name, u.name FROM staff s JOIN unit u ON u.id = s.unit_id WHERE s.id = ?1")?;
        let mut name_stmt = conn.prepare_cached(
            "SELECT name FROM client WHERE id = ?1 UNION ALL SELECT name FROM child WHERE id = ?1 LIMIT 1",
        )?;
        let mut out = Vec::new();
        for c in list {
            let desc = tables::table(&c.table);
            let person: Option<String> = match desc.and_then(|d| d.person) {
                Some(expr) => conn
                    .query_row(&format!("SELECT {expr} FROM {} t WHERE t.id = ?1", c.table), [&c.row], |r| r.get(0))
                    .optional()?
                    .flatten(),
                None => None,
            };
            let person_name = match (&person, sees_records) {
                (Some(p), true) => name_stmt.query_row([p], |r| r.get(0)).optional()?,
                _ => None,
            };
            let columns: Vec<&str> = match desc {
                Some(d) if c.group != retention::RETENTION_GROUP => d.group_columns(&c.group),
                _ => Vec::new(),
            };
            let field_label = labels::group_text(&c.table, &c.group);
            let reason = match c.rule.as_deref() {
                Some("retention") => {
                    "Sletningen efter opbevaringsperioden er standset, fordi der er nyere registreringer.".to_string()
                }
                Some(_) => "Værdien er holdt ude, fordi posten ellers bryder journalens regler.".to_string(),
                None => "Feltet er ændret på begge installationer, uden at de kendte hinandens ændring.".to_string(),
            };
            let shows_value = sees_records || person.is_none();
            let new_value = if shows_value { super::resolve::new_value_form(conn, &c)? } else { None };
            let mut values = Vec::new();
            let sides: Vec<&Change> = if c.group == retention::RETENTION_GROUP {
                Vec::new()
            } else {
                std::iter::once(&c.kept).chain(&c.others).collect()
            };
            for (n, ch) in sides.into_iter().enumerate() {
                let staff = staff_stmt
                    .query_row([&ch.staff], |r| Ok(format!("{} ({})", r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                    .optional()?
                    .unwrap_or_else(|| "ukendt medarbejder".into());
                let value = if shows_value {
                    let text = |col: &str| {
                        labels::value_text(
                            conn,
                            &codes,
                            &c.table,
                            col,
                            ch.value.get(col).unwrap_or(&serde_json::Value::Null),
                        )
                    };
                    Some(if columns.len() == 1 {
                        text(columns[0])?
                    } else {
                        let mut parts = Vec::new();
                        for col in &columns {
                            parts.push(format!("{}: {}", labels::column_text(&c.table, col), text(col)?));
                        }
                        parts.join("; ")
                    })
                } else {
                    None
                };
                let on = DateTime::parse_from_rfc3339(&ch.at)
                    .map(|t| danish_date(t.to_utc()).format("%d-%m-%Y").to_string())
                    .unwrap_or_default();
                values.push(ConflictValue {
                    site: ch.site,
                    hlc: ch.hlc.to_string(),
                    value,
                    staff,
                    site_name: site_name(ch.site)?,
                    own_site: ch.site == own,
                    at: ch.at.clone(),
                    on,
                    current: n == 0,
                });
            }
            out.push(ConflictView {
                table_label: labels::table_text(&c.table),
                table: c.table,
                row: c.row,
                group: c.group,
                field_label,
                person,
                person_name,
                reason,
                values,
                new_value,
            });
        }
        Ok(out)
    }
}
