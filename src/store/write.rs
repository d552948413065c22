//! The one write path.
//!
//! `Journal::write` opens an immediate transaction and hands the operation a
//! `Writer`. The writer's `insert` and `update` stamp every row with its sync
//! metadata (origin site, hybrid-clock version, who and when) and queue an
//! audit entry; `finish` stores the clock, appends the hash-chained audit
//! entries and commits. An operation that returns `Err` drops the transaction,
//! so a failed command leaves the journal exactly as it was.
//!
//! Roles (who may write what) and the bundle change log hook in here, once,
//! rather than in every operation.

use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

use super::{queue, Ctx, Journal};
use crate::error::{Error, Result};
use crate::model::time::{instant_text, Hlc};
use crate::model::{SiteId, StaffId, UnitId};

pub(crate) fn now_text(t: DateTime<Utc>) -> String {
    instant_text(t)
}

/// The audit actions (the CHECK of `audit_log.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Read,
    Create,
    Change,
    Export,
    Import,
    Login,
    LoginFailed,
    Backup,
    Delete,
}

impl AuditAction {
    fn code(self) -> &'static str {
        match self {
            AuditAction::Read => "read",
            AuditAction::Create => "create",
            AuditAction::Change => "change",
            AuditAction::Export => "export",
            AuditAction::Import => "import",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Backup => "backup",
            AuditAction::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone)]
struct PendingAudit {
    action: AuditAction,
    person: Option<String>,
    entity: Option<&'static str>,
    entity_id: Option<String>,
    purpose: Option<String>,
    detail: Option<String>,
}

impl PendingAudit {
    fn new(action: AuditAction, person: Person, entity: Option<&'static str>, detail: Option<String>) -> PendingAudit {
        PendingAudit {
            action,
            person: person.map(|p| p.hyphenated().to_string()),
            entity,
            entity_id: None,
            purpose: None,
            detail,
        }
    }
}

/// Audit entries that are not row changes (a login, reads of people's
/// records), for `Journal::write_audit`.
#[derive(Debug, Default)]
pub(crate) struct AuditEntries(Vec<PendingAudit>);

impl AuditEntries {
    pub(crate) fn push(&mut self, action: AuditAction, person: Person, detail: Option<String>) {
        self.0.push(PendingAudit::new(action, person, None, detail));
    }

    pub(crate) fn read(&mut self, person: Person, entity: &'static str, purpose: &'static str) {
        self.0.push(PendingAudit {
            purpose: Some(purpose.to_string()),
            ..PendingAudit::new(AuditAction::Read, person, Some(entity), None)
        });
    }
}

/// How long an audit-only write (a login, a read) waits for the write lock
/// before its entries are queued instead (`store::queue`): a person's write
/// takes milliseconds, an import minutes.
pub const AUDIT_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// The `journal_meta` key naming the queued entries the last flush wrote.
const QUEUE_DONE_KEY: &str = "audit_queue";

/// How a transaction is audited: one entry per changed row (what a person
/// does), or one entry for the whole (an import of a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuditMode {
    PerRow,
    Bulk,
}

/// The handle an operation writes through. See the module comment.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    site: SiteId,
    staff: StaffId,
    now: DateTime<Utc>,
    now_text: String,
    hlc: Hlc,
    mode: AuditMode,
    audit: Vec<PendingAudit>,
    rows: usize,
    /// A family consultant's unit: they may only touch cases shared with it.
    scope: Option<UnitId>,
    /// Rows made in this transaction (a new client is in scope of its maker).
    created: std::collections::HashSet<String>,
    /// Roll back instead of committing (a dry run: `discard`).
    discard: bool,
    /// The statements of `put_row`, by table, insert or update, and the
    /// columns the row has.
    put_sql: std::collections::HashMap<(&'static str, bool, u64), String>,
}

/// The full-text indexes kept by an insert trigger (schema.sql, "Search"):
/// table, index, indexed column, trigger.
const SEARCH_INDEXED: [(&str, &str, &str, &str); 2] =
    [("client", "client_fts", "name", "client_fts_insert"), ("note", "note_fts", "text", "note_fts_insert")];

/// The insert triggers `Writer::defer_search_index` took out: per index,
/// its table, index, column, the trigger's SQL and the highest `rid` then.
#[must_use = "the search index triggers must be put back (Writer::index_deferred)"]
pub(crate) struct DeferredIndex(Vec<(&'static str, &'static str, &'static str, String, i64)>);

/// The person whose record a row belongs to, for the audit log.
pub type Person = Option<uuid::Uuid>;

impl<'c> Writer<'c> {
    /// The transaction, for the reads an operation's validation needs.
    pub fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn today(&self) -> chrono::NaiveDate {
        crate::model::time::danish_date(self.now)
    }

    pub fn staff(&self) -> StaffId {
        self.staff
    }

    /// This journal's site.
    pub fn site(&self) -> SiteId {
        self.site
    }

    /// Rows written so far in this transaction.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Refuse a change to a person's record outside the actor's scope.
    fn check_scope(&self, person: Person) -> Result<()> {
        let (Some(unit), Some(person)) = (self.scope, person) else { return Ok(()) };
        let p = person.hyphenated().to_string();
        if self.created.contains(&p) {
            return Ok(());
        }
        let sql = format!(
            "SELECT {} OR {}",
            crate::security::roles::client_shared("?1", "?2"),
            crate::security::roles::child_shared("?1", "?2")
        );
        let shared: bool = self.tx.prepare_cached(&sql)?.query_row(params![p, unit], |r| r.get(0))?;
        if shared {
            Ok(())
        } else {
            Err(Error::Forbidden { what: "arbejde i sager, der ikke er delt med din enhed" })
        }
    }

    /// A new value of the journal's clock for an event that writes no row
    /// (a change set made: its clock is then past everything this journal
    /// had seen, the revocation markers it has learnt of among them).
    pub(crate) fn tick_event(&mut self) -> i64 {
        self.hlc = self.hlc.tick(self.now);
        self.hlc.0
    }

    fn tick(&mut self) -> i64 {
        self.rows += 1;
        self.tick_event()
    }

    /// Insert a new row of `table` with `id` and the given columns, stamped
    /// with the sync metadata.
    pub fn insert(
        &mut self,
        table: &'static str,
        id: &dyn ToSql,
        cols: &[(&'static str, &dyn ToSql)],
        person: Person,
    ) -> Result<()> {
        if self.scope.is_some() {
            if let Some(text) = id_text(id) {
                self.created.insert(text);
            }
            self.check_scope(person)?;
        }
        self.check_unique(table, cols)?;
        let version = self.tick();
        let mut sql = String::with_capacity(64 + cols.len() * 24);
        sql.push_str("INSERT INTO ");
        sql.push_str(table);
        sql.push_str(" (id");
        for (c, _) in cols {
            sql.push_str(", ");
            sql.push_str(c);
        }
        sql.push_str(", origin_site, version, created_at, created_by, changed_at, changed_by) VALUES (?");
        for _ in 0..cols.len() + 6 {
            sql.push_str(", ?");
        }
        sql.push(')');
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(cols.len() + 7);
        values.push(id);
        values.extend(cols.iter().map(|(_, v)| *v));
        values.extend([&self.site as &dyn ToSql, &version, &self.now_text, &self.staff, &self.now_text, &self.staff]);
        self.tx.prepare_cached(&sql)?.execute(values.as_slice()).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                Error::Invalid(crate::error::Invalid::Duplicate { what: entity_of(table) })
            }
            other => Error::Db(other),
        })?;
        if let Some(desc) = crate::sync::tables::table(table) {
            self.log_local(desc, id, version, "")?;
        }
        if self.mode == AuditMode::PerRow {
            let id = id_text(id);
            self.audit.push(PendingAudit {
                action: AuditAction::Create,
                person: person.map(|p| p.hyphenated().to_string()),
                entity: Some(table),
                entity_id: id,
                purpose: None,
                detail: None,
            });
        }
        Ok(())
    }

    /// Refuse a local row that repeats a unique key of local work
    /// (`sync::tables::unique_keys`), as the schema's own keys are refused.
    fn check_unique(&self, table: &'static str, cols: &[(&'static str, &dyn ToSql)]) -> Result<()> {
        let key = crate::sync::tables::unique_keys(table);
        if key.is_empty() {
            return Ok(());
        }
        let mut sql = format!("SELECT 1 FROM {table} WHERE ");
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(key.len());
        for (i, k) in key.iter().enumerate() {
            let Some((_, v)) = cols.iter().find(|(c, _)| c == k) else { return Ok(()) };
            if i > 0 {
                sql.push_str(" AND ");
            }
            sql.push_str(&format!("{k} = ?{}", i + 1));
            values.push(*v);
        }
        sql.push_str(" LIMIT 1");
        let found = self.tx.prepare_cached(&sql)?.query_row(values.as_slice(), |_| Ok(())).optional()?;
        if found.is_some() {
            return Err(Error::Invalid(crate::error::Invalid::Duplicate { what: entity_of(table) }));
        }
        Ok(())
    }

    /// Change columns of an existing row, bumping its version. Only columns
    /// whose value differs from the stored one are written, audited and
    /// logged (by field group, `sync::tables`): passing a whole form with one
    /// field changed is one change of that field, so edits of different
    /// fields on two sites never look like a conflict. Nothing changed is no
    /// write at all. A missing row is an error of the caller (it checks
    /// existence first), reported as `not found` by `entity`.
    pub fn update(
        &mut self,
        table: &'static str,
        id: &dyn ToSql,
        cols: &[(&'static str, &dyn ToSql)],
        person: Person,
        entity: crate::error::Entity,
    ) -> Result<()> {
        self.update_inner(table, id, cols, person, entity, None)
    }

    /// An edit that settles a conflict of `group`: logged as a change of that
    /// group even when the kept value is the one already in the row, so it
    /// closes the conflict wherever it arrives.
    pub(crate) fn update_resolving(
        &mut self,
        table: &'static str,
        id: &dyn ToSql,
        cols: &[(&'static str, &dyn ToSql)],
        person: Person,
        entity: crate::error::Entity,
        group: &'static str,
    ) -> Result<()> {
        self.update_inner(table, id, cols, person, entity, Some(group))
    }

    fn update_inner(
        &mut self,
        table: &'static str,
        id: &dyn ToSql,
        cols: &[(&'static str, &dyn ToSql)],
        person: Person,
        entity: crate::error::Entity,
        force: Option<&'static str>,
    ) -> Result<()> {
        self.check_scope(person)?;
        // The stored values of the passed columns, to keep only real changes.
        let mut select = String::with_capacity(32 + cols.len() * 16);
        select.push_str("SELECT ");
        for (i, (c, _)) in cols.iter().enumerate() {
            if i > 0 {
                select.push_str(", ");
            }
            select.push_str(c);
        }
        if cols.is_empty() {
            select.push('1');
        }
        select.push_str(" FROM ");
        select.push_str(table);
        select.push_str(" WHERE id = ?1");
        let stored: Option<Vec<rusqlite::types::Value>> = self
            .tx
            .prepare_cached(&select)?
            .query_row([id], |r| (0..cols.len()).map(|i| r.get(i)).collect())
            .optional()?;
        let Some(stored) = stored else { return Err(Error::NotFound(entity)) };
        let mut changed: Vec<(&'static str, &dyn ToSql)> = Vec::with_capacity(cols.len());
        for ((c, v), old) in cols.iter().zip(&stored) {
            if sql_value(*v)? != *old {
                changed.push((*c, *v));
            }
        }
        if changed.is_empty() && force.is_none() {
            return Ok(());
        }
        let version = self.tick();
        let mut sql = String::with_capacity(64 + changed.len() * 24);
        sql.push_str("UPDATE ");
        sql.push_str(table);
        sql.push_str(" SET ");
        for (c, _) in &changed {
            sql.push_str(c);
            sql.push_str(" = ?, ");
        }
        sql.push_str("version = ?, changed_at = ?, changed_by = ? WHERE id = ?");
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(changed.len() + 4);
        values.extend(changed.iter().map(|(_, v)| *v));
        values.extend([&version as &dyn ToSql, &self.now_text, &self.staff, id]);
        let n = self.tx.prepare_cached(&sql)?.execute(values.as_slice())?;
        if n != 1 {
            return Err(Error::NotFound(entity));
        }
        if let Some(desc) = crate::sync::tables::table(table) {
            let mut groups: Vec<&'static str> = changed.iter().filter_map(|(c, _)| desc.group_of(c)).collect();
            groups.extend(force);
            groups.sort_unstable();
            groups.dedup();
            for g in groups {
                self.log_local(desc, id, version, g)?;
            }
        }
        if self.mode == AuditMode::PerRow {
            let detail = changed.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",");
            self.audit.push(PendingAudit {
                action: AuditAction::Change,
                person: person.map(|p| p.hyphenated().to_string()),
                entity: Some(table),
                entity_id: id_text(id),
                purpose: None,
                detail: Some(detail),
            });
        }
        Ok(())
    }

    /// Append a local change to the log: the insert of the whole row
    /// (`group` "") or the new value of one field group, read back from the
    /// row just written, with the version vector of that field this writer
    /// has seen. A local edit has seen every change of the field the journal
    /// holds, so it closes the field's open conflict.
    fn log_local(&mut self, desc: &crate::sync::tables::Table, id: &dyn ToSql, hlc: i64, group: &str) -> Result<()> {
        let columns = if group.is_empty() { desc.columns.to_vec() } else { desc.group_columns(group) };
        let seen = if group.is_empty() {
            "{}".to_string()
        } else {
            let row = id_text(id).unwrap_or_default();
            crate::sync::log::seen_text(&self.tx, &row, group)?
        };
        let mut sql = String::with_capacity(160 + columns.len() * 24);
        sql.push_str(
            "INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff) \
             SELECT ?1, ?2, ?3, id, ?4, json_object(",
        );
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('\'');
            sql.push_str(c);
            sql.push_str("', ");
            sql.push_str(c);
        }
        sql.push_str("), ?5, ?6, ?7 FROM ");
        sql.push_str(desc.name);
        sql.push_str(" WHERE id = ?8");
        self.tx.prepare_cached(&sql)?.execute(params![
            self.site,
            hlc,
            desc.name,
            group,
            seen,
            self.now_text,
            self.staff,
            id
        ])?;
        if !group.is_empty() {
            self.tx
                .prepare_cached("DELETE FROM sync_conflict WHERE row_id = ?1 AND grp = ?2")?
                .execute(params![id, group])?;
        }
        Ok(())
    }

    // ---- Remote-apply mode (src/sync/apply.rs): writes that keep the
    // stamps of the site that made a change instead of this site's.

    /// Append a change received from another site to the log, as it came.
    pub(crate) fn log_remote(&mut self, c: &crate::sync::Change) -> Result<()> {
        let value = serde_json::to_string(&c.value).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
        let seen = serde_json::to_string(&c.seen).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
        self.tx
            .prepare_cached(
                "INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![c.site, c.hlc, c.table, c.row, c.group, value, seen, c.at, c.staff])?;
        Ok(())
    }

    /// Write a row as its merged log says it is, with the stamps of the
    /// changes that made it. `Ok(Err(reason))` when the journal's own rules
    /// (a unique key, a check across columns) refuse the row: nothing of it
    /// is written and the caller keeps it waiting.
    pub(crate) fn put_row(
        &mut self,
        desc: &crate::sync::tables::Table,
        row: &str,
        values: &serde_json::Map<String, serde_json::Value>,
        stamps: &RowStamps,
        exists: bool,
    ) -> Result<std::result::Result<(), String>> {
        // Each value bound as itself (what `json_extract` would give of it,
        // borrowed, not copied), so SQLite parses no JSON per column.
        use rusqlite::types::{ToSqlOutput, ValueRef};
        fn text(s: &str) -> ToSqlOutput<'_> {
            ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
        }
        let mut mask: u64 = 0;
        let mut bound: Vec<ToSqlOutput<'_>> = Vec::with_capacity(7 + desc.columns.len());
        bound.push(text(row));
        bound.push(text(&stamps.origin_site));
        bound.push(ToSqlOutput::Owned(rusqlite::types::Value::Integer(stamps.version)));
        bound.push(text(&stamps.created_at));
        bound.push(text(&stamps.created_by));
        bound.push(text(&stamps.changed_at));
        bound.push(text(&stamps.changed_by));
        for (i, c) in desc.columns.iter().enumerate() {
            if let Some(v) = values.get(*c) {
                mask |= 1 << i;
                bound.push(json_sql(v));
            }
        }
        // The statement of each shape (table, insert or update, the columns
        // the row has) is made once per writer.
        let sql = self.put_sql.entry((desc.name, exists, mask)).or_insert_with(|| put_row_sql(desc, exists, mask));
        let result = self.tx.prepare_cached(sql)?.execute(rusqlite::params_from_iter(bound));
        match result {
            Ok(_) => {
                self.rows += 1;
                Ok(Ok(()))
            }
            Err(rusqlite::Error::SqliteFailure(f, msg)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                Ok(Err(msg.unwrap_or_else(|| "constraint".into())))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Replace the listed conflicts of one row by these: `(change, reason)`,
    /// reason "" for a head that lost to a concurrent one, else the rule
    /// that held the change out of the row.
    pub(crate) fn set_conflicts(
        &mut self,
        table: &str,
        row: &str,
        listed: &[(&crate::sync::Change, String)],
    ) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM sync_conflict WHERE row_id = ?1 AND grp <> '!retention'")?
            .execute([row])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO sync_conflict (tbl, row_id, grp, site, hlc, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (c, reason) in listed {
            stmt.execute(params![table, row, c.group, c.site, c.hlc, reason])?;
        }
        Ok(())
    }

    /// Mark a row as waiting (with why), or, with `None`, as no longer.
    pub(crate) fn set_pending(&mut self, table: &str, row: &str, reason: Option<&str>) -> Result<()> {
        match reason {
            Some(r) => self
                .tx
                .prepare_cached(
                    "INSERT INTO sync_pending (tbl, row_id, reason) VALUES (?1, ?2, ?3)
                     ON CONFLICT (row_id) DO UPDATE SET reason = excluded.reason",
                )?
                .execute(params![table, row, r])?,
            None => self.tx.prepare_cached("DELETE FROM sync_pending WHERE row_id = ?1")?.execute([row])?,
        };
        Ok(())
    }

    /// Lower the journal's clock to `hlc` (only the repair after a wrong
    /// local clock, `sync::restamp`, which has re-stamped every change
    /// beyond it).
    pub(crate) fn reset_clock(&mut self, hlc: Hlc) {
        self.hlc = hlc;
    }

    /// Take in the clock of received changes (already checked against the
    /// limit by the plan): every later local change sorts after them.
    pub(crate) fn observe_clock(&mut self, remote: Hlc) -> Result<()> {
        self.hlc = self.hlc.observe(remote, self.now).map_err(|_| Error::ClockDamaged)?;
        Ok(())
    }

    /// Remove a row a partner revoked, with its changes, conflicts and
    /// waiting mark, and keep the marker. `keep_own`: this site's own
    /// changes of the row stay in its log (a relay revoked the row, which
    /// may have removed them there too, and the owner may still send the
    /// row here: they then go on with it). `false` (nothing removed) when a row of
    /// this journal still refers to it.
    pub(crate) fn remove_revoked(&mut self, table: &'static str, row: &str, hlc: i64, keep_own: bool) -> Result<bool> {
        match self.tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [row]) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                return Ok(false)
            }
            Err(e) => return Err(e.into()),
        }
        // Kept own changes are sent nowhere while the row is out of scope
        // (`scope::reduce`); when it enters again they are part of it here.
        self.tx
            .prepare_cached("DELETE FROM sync_change WHERE row_id = ?1 AND NOT (?2 AND site = ?3)")?
            .execute(params![row, keep_own, self.site])?;
        for sql in ["DELETE FROM sync_conflict WHERE row_id = ?1", "DELETE FROM sync_pending WHERE row_id = ?1"] {
            self.tx.prepare_cached(sql)?.execute([row])?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO sync_revoked (row_id, tbl, hlc, seq)
                 VALUES (?1, ?2, ?3, coalesce((SELECT seq + 1 FROM sqlite_sequence WHERE name = 'sync_change'), 1))
                 ON CONFLICT (row_id) DO UPDATE SET hlc = max(hlc, excluded.hlc), seq = excluded.seq",
            )?
            .execute(params![row, table, hlc])?;
        self.rows += 1;
        Ok(true)
    }

    /// Note that this site's own changes up to log position `seq` have left
    /// in a change set (`journal_meta.sync_exported`, only ever raised).
    pub(crate) fn note_exported(&mut self, seq: i64) -> Result<()> {
        if seq > 0 {
            self.tx
                .prepare_cached(
                    "INSERT INTO journal_meta (key, value) VALUES ('sync_exported', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                )?
                .execute([seq.to_string()])?;
        }
        Ok(())
    }

    /// Lift the marker of a revoked row that entered scope again.
    pub(crate) fn lift_revoked(&mut self, row: &str, newer_than: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM sync_revoked WHERE row_id = ?1 AND hlc < ?2")?
            .execute(params![row, newer_than])?;
        Ok(())
    }

    /// Forget rows as delivered to a partner that has removed them since (a
    /// third site's revocation; `ChangeSet::dropped`): while they are in its
    /// scope, the next export sends them whole again. A revocation of them
    /// not yet confirmed stays.
    pub(crate) fn forget_dropped(&mut self, site: SiteId, rows: &[String]) -> Result<usize> {
        let mut stmt =
            self.tx.prepare_cached("DELETE FROM sync_scope WHERE site = ?1 AND row_id = ?2 AND since_seq >= 0")?;
        let mut n = 0;
        for r in rows {
            n += stmt.execute(params![site, r])?;
        }
        Ok(n)
    }

    /// Forget rows as sent to a partner (they left its scope).
    pub(crate) fn remove_scope_rows(&mut self, site: SiteId, rows: &[String]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached("DELETE FROM sync_scope WHERE site = ?1 AND row_id = ?2")?;
        for r in rows {
            stmt.execute(params![site, r])?;
        }
        Ok(())
    }

    /// Take the search indexes' insert triggers out for a merge's bulk of
    /// row writes, to be put back by `index_deferred` in the same
    /// transaction. FTS5 writes what it holds in memory to disk at the start
    /// of every statement of a transaction that has written to it, so a
    /// trigger that indexes each new client and note as it is inserted makes
    /// one index segment per row, then merges them (a sixth of a first
    /// bundle's import). `index_deferred` indexes the rows inserted since in
    /// one statement per index instead. Nothing between the two may delete
    /// a client or a note (new rows are those with a higher `rid`); a
    /// rollback puts the triggers back by itself.
    pub(crate) fn defer_search_index(&mut self) -> Result<DeferredIndex> {
        let mut out = DeferredIndex(Vec::new());
        for (table, index, column, trigger) in SEARCH_INDEXED {
            let sql: Option<String> = self
                .tx
                .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", [trigger], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(sql) = sql else { continue };
            let newest: i64 =
                self.tx.query_row(&format!("SELECT coalesce(max(rid), 0) FROM {table}"), [], |r| r.get(0))?;
            self.tx.execute_batch(&format!("DROP TRIGGER {trigger}"))?;
            out.0.push((table, index, column, sql, newest));
        }
        Ok(out)
    }

    /// Index the rows inserted since `defer_search_index` and put its
    /// triggers back.
    pub(crate) fn index_deferred(&mut self, deferred: DeferredIndex) -> Result<()> {
        for (table, index, column, sql, newest) in deferred.0 {
            self.tx.execute(
                &format!("INSERT INTO {index} (rowid, {column}) SELECT rid, {column} FROM {table} WHERE rid > ?1 ORDER BY rid"),
                [newest],
            )?;
            self.tx.execute_batch(&sql)?;
        }
        Ok(())
    }

    /// Replace a logged change held reduced to this site's scope by the
    /// whole change (`sync::plan` `widened`).
    pub(crate) fn widen_remote(&mut self, c: &crate::sync::Change) -> Result<()> {
        let value = serde_json::Value::Object(c.value.clone()).to_string();
        self.tx
            .prepare_cached("UPDATE sync_change SET value = ?4 WHERE site = ?1 AND hlc = ?2 AND grp = ?3")?
            .execute(params![c.site, c.hlc, c.group, value])?;
        Ok(())
    }

    /// Note rows as revoked from a partner's scope in the set up to log
    /// position `seq`, until the partner confirms that set (`sync::apply`).
    pub(crate) fn revoke_scope_rows(&mut self, site: SiteId, rows: &[String], seq: i64) -> Result<()> {
        let mut stmt =
            self.tx.prepare_cached("UPDATE sync_scope SET since_seq = ?3 WHERE site = ?1 AND row_id = ?2")?;
        for r in rows {
            stmt.execute(params![site, r, -seq])?;
        }
        Ok(())
    }

    /// Note rows as sent to a partner's scope from log position `seq` on
    /// (again, for a row whose revocation is not confirmed yet).
    pub(crate) fn add_scope_rows(&mut self, site: SiteId, rows: &[&str], seq: i64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO sync_scope (site, row_id, since_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET since_seq = excluded.since_seq WHERE since_seq < 0",
        )?;
        for r in rows {
            stmt.execute(params![site, r, seq])?;
        }
        Ok(())
    }

    /// Record what has been exchanged with a partner site (never lowered).
    pub(crate) fn set_peer(&mut self, site: SiteId, sent_acked: i64, received_upto: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sync_peer (site, sent_acked, received_upto) VALUES (?1, ?2, ?3)
                 ON CONFLICT (site) DO UPDATE SET sent_acked = max(sent_acked, excluded.sent_acked),
                                                  received_upto = max(received_upto, excluded.received_upto)",
            )?
            .execute(params![site, sent_acked, received_upto])?;
        Ok(())
    }

    /// Delete rows of `table` by id (retention only, `sync::retention`),
    /// with one audit entry per table naming how many rows went. Their
    /// changes, conflicts, waiting marks and scope marks go too (the log holds
    /// a copy of every value), and each is marked as removed by the tombstone
    /// `(site, hlc)` of `client`'s record, which stays in the log.
    pub(crate) fn delete_rows(
        &mut self,
        table: &'static str,
        ids: &[&str],
        person: Person,
        client: &str,
        site: &str,
        hlc: i64,
    ) -> Result<usize> {
        self.check_scope(person)?;
        // A record goes whole (a correction of a correction, a child's rows):
        // its references are checked at commit.
        self.tx.pragma_update(None, "defer_foreign_keys", true)?;
        let mut n = 0;
        for id in ids {
            n += self.tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?.execute([id])?;
            for sql in [
                "DELETE FROM sync_change WHERE row_id = ?1 AND grp <> '!retention'",
                "DELETE FROM sync_conflict WHERE row_id = ?1 AND grp <> '!retention'",
                "DELETE FROM sync_pending WHERE row_id = ?1",
                "DELETE FROM sync_scope WHERE row_id = ?1",
            ] {
                self.tx.prepare_cached(sql)?.execute([id])?;
            }
            self.tx
                .prepare_cached(
                    "INSERT INTO sync_tombstone (row_id, tbl, client_id, site, hlc) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (row_id) DO UPDATE SET site = excluded.site, hlc = excluded.hlc",
                )?
                .execute(params![id, table, client, site, hlc])?;
        }
        if n > 0 {
            self.rows += n;
            self.audit.push(PendingAudit {
                action: AuditAction::Delete,
                person: person.map(|p| p.hyphenated().to_string()),
                entity: Some(table),
                entity_id: None,
                purpose: Some("retention".into()),
                detail: Some(format!("rows={n}")),
            });
        }
        Ok(n)
    }

    /// Append this site's retention tombstone of a client's record to the
    /// log (`sync::retention`): `value` the rule, `seen` the record's version
    /// vector. Its name `(site, hlc)`.
    pub(crate) fn log_tombstone(
        &mut self,
        client: &str,
        value: &serde_json::Map<String, serde_json::Value>,
        seen: &std::collections::BTreeMap<String, i64>,
    ) -> Result<(String, i64)> {
        let hlc = self.tick();
        let value = serde_json::to_string(value).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
        let seen = serde_json::to_string(seen).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
        self.tx
            .prepare_cached(
                "INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
                 VALUES (?1, ?2, 'client', ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                self.site,
                hlc,
                client,
                crate::sync::retention::RETENTION_GROUP,
                value,
                seen,
                self.now_text,
                self.staff
            ])?;
        Ok((self.site.to_string(), hlc))
    }

    /// List a retention tombstone as an open conflict (a newer entry stops
    /// it), or, with `false`, no longer.
    pub(crate) fn set_retention_conflict(&mut self, t: &crate::sync::Change, open: bool) -> Result<()> {
        if open {
            self.tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO sync_conflict (tbl, row_id, grp, site, hlc, reason)
                     VALUES ('client', ?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![t.row, t.group, t.site, t.hlc, crate::sync::retention::RETENTION_RULE])?;
        } else {
            self.tx
                .prepare_cached("DELETE FROM sync_conflict WHERE row_id = ?1 AND grp = ?2 AND site = ?3 AND hlc = ?4")?
                .execute(params![t.row, t.group, t.site, t.hlc])?;
        }
        Ok(())
    }

    /// Does a row with this id exist in `table`?
    pub fn exists(&self, table: &'static str, id: &dyn ToSql) -> Result<bool> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([id], |_| Ok(())).optional()?.is_some())
    }

    /// Queue an audit entry that is not a row change (a read, an export, an
    /// import).
    pub fn audit(&mut self, action: AuditAction, person: Person, entity: Option<&'static str>, detail: Option<String>) {
        self.audit.push(PendingAudit {
            action,
            person: person.map(|p| p.hyphenated().to_string()),
            entity,
            entity_id: None,
            purpose: None,
            detail,
        });
    }

    /// A read, with the purpose it was made for (the screen or list).
    pub(crate) fn audit_read(
        &mut self,
        person: Person,
        entity: &'static str,
        purpose: &'static str,
        detail: Option<String>,
    ) {
        self.audit.push(PendingAudit {
            action: AuditAction::Read,
            person: person.map(|p| p.hyphenated().to_string()),
            entity: Some(entity),
            entity_id: None,
            purpose: Some(purpose.to_string()),
            detail,
        });
    }

    /// Store a local setting of this installation in `journal_meta` (never
    /// exchanged), with an audit entry naming the key and the new value. The
    /// journal's own keys (`site_id`, `hlc`) are not settings.
    pub(crate) fn set_local_setting(&mut self, key: &'static str, value: &str) -> Result<()> {
        if matches!(key, "site_id" | "hlc" | "sync_exported" | QUEUE_DONE_KEY) {
            return Err(Error::Forbidden { what: "ændre journalens egne nøgler" });
        }
        self.tx.execute(
            "INSERT INTO journal_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        self.audit(AuditAction::Change, None, Some("journal_meta"), Some(format!("{key}={value}")));
        Ok(())
    }

    /// The site row is local (not synced) and written once at set-up.
    pub(crate) fn raw_insert_site(&mut self, site: SiteId, name: &str, unit: UnitId, now: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO site (id, name, unit_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![site, name, unit, now],
        )?;
        Ok(())
    }

    /// End this transaction without keeping anything (a dry run): the
    /// operation's result is returned, its writes and audit entries are not.
    pub(crate) fn discard(&mut self) {
        self.discard = true;
    }

    fn finish(self) -> Result<()> {
        if self.discard {
            return Ok(());
        }
        self.tx.execute("UPDATE journal_meta SET value = ?1 WHERE key = 'hlc'", [self.hlc.0.to_string()])?;
        let staff = self.staff.to_string();
        append_audit(&self.tx, self.site, self.audit.iter().map(|e| e.row(&self.now_text, &staff)))?;
        self.tx.commit()?;
        Ok(())
    }
}

/// The stamps a merged row carries: those of the changes that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowStamps {
    pub origin_site: String,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub changed_at: String,
    pub changed_by: String,
}

/// The entity a table holds, for messages.
pub(crate) fn entity_of(table: &str) -> crate::error::Entity {
    use crate::error::Entity::*;
    match table {
        "unit" => Unit,
        "staff" => Staff,
        "client" => Client,
        "child" => Child,
        "child_link" => ChildLink,
        "referral" => Referral,
        "course" => Course,
        "assessment" => Assessment,
        "plan_revision" => PlanRevision,
        "medication" => Medication,
        "session" | "session_participant" => Session,
        "note" => Note,
        "notification" => Notification,
        "consent" => Consent,
        "activity_group" => Group,
        "group_member" | "group_attendance" => GroupMember,
        "case_review" | "case_review_item" => CaseReview,
        "agreement_price" => AgreementPrice,
        _ => Row,
    }
}

/// The value a parameter gives SQLite, for comparing with a stored one.
fn sql_value(v: &dyn ToSql) -> Result<rusqlite::types::Value> {
    use rusqlite::types::ToSqlOutput;
    Ok(match v.to_sql()? {
        ToSqlOutput::Borrowed(r) => {
            rusqlite::types::Value::try_from(r).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?
        }
        ToSqlOutput::Owned(v) => v,
        _ => return Err(Error::Db(rusqlite::Error::InvalidQuery)),
    })
}

fn id_text(id: &dyn ToSql) -> Option<String> {
    match id.to_sql().ok()? {
        rusqlite::types::ToSqlOutput::Owned(rusqlite::types::Value::Text(s)) => Some(s),
        rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(b)) => {
            Some(String::from_utf8_lossy(b).into_owned())
        }
        _ => None,
    }
}

/// The hash of an audit entry: SHA-256 over the previous hash and every field,
/// each followed by a unit separator so fields cannot run into each other.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit_hash(
    prev: &str,
    seq: i64,
    at: &str,
    site: &str,
    staff: &str,
    action: &str,
    person: Option<&str>,
    entity: Option<&str>,
    entity_id: Option<&str>,
    purpose: Option<&str>,
    detail: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        Some(prev),
        Some(&*seq.to_string()),
        Some(at),
        Some(site),
        Some(staff),
        Some(action),
        person,
        entity,
        entity_id,
        purpose,
        detail,
    ] {
        match part {
            Some(p) => {
                h.update([1u8]);
                h.update(p.as_bytes());
            }
            None => h.update([0u8]),
        }
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

pub(crate) const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as `append_audit` writes it.
struct AuditRow<'a> {
    at: &'a str,
    staff: &'a str,
    action: &'a str,
    person: Option<&'a str>,
    entity: Option<&'a str>,
    entity_id: Option<&'a str>,
    purpose: Option<&'a str>,
    detail: Option<&'a str>,
}

impl PendingAudit {
    fn row<'a>(&'a self, at: &'a str, staff: &'a str) -> AuditRow<'a> {
        AuditRow {
            at,
            staff,
            action: self.action.code(),
            person: self.person.as_deref(),
            entity: self.entity,
            entity_id: self.entity_id.as_deref(),
            purpose: self.purpose.as_deref(),
            detail: self.detail.as_deref(),
        }
    }
}

impl queue::Queued {
    fn row(&self) -> AuditRow<'_> {
        AuditRow {
            at: &self.at,
            staff: &self.staff,
            action: &self.action,
            person: self.person.as_deref(),
            entity: self.entity.as_deref(),
            entity_id: self.entity_id.as_deref(),
            purpose: self.purpose.as_deref(),
            detail: self.detail.as_deref(),
        }
    }
}

fn append_audit<'a>(tx: &Transaction<'_>, site: SiteId, entries: impl IntoIterator<Item = AuditRow<'a>>) -> Result<()> {
    let mut entries = entries.into_iter().peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    let (mut seq, mut prev): (i64, String) = tx
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_string()));
    let site = site.to_string();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, site_id, staff_id, action, person_id, entity, entity_id, purpose, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for e in entries {
        seq += 1;
        let hash = audit_hash(
            &prev,
            seq,
            e.at,
            &site,
            e.staff,
            e.action,
            e.person,
            e.entity,
            e.entity_id,
            e.purpose,
            e.detail,
        );
        stmt.execute(params![
            seq,
            e.at,
            site,
            e.staff,
            e.action,
            e.person,
            e.entity,
            e.entity_id,
            e.purpose,
            e.detail,
            prev,
            hash
        ])?;
        prev = hash;
    }
    Ok(())
}

impl Journal {
    /// Check the audit log's hash chain: `None` when every entry's hash and
    /// link are intact, else the sequence number of the first broken entry.
    pub fn verify_audit(&self) -> Result<Option<i64>> {
        let mut stmt = self.connection().prepare(
            "SELECT seq, at, site_id, staff_id, action, person_id, entity, entity_id, purpose, detail, prev_hash, hash
             FROM audit_log ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS_HASH.to_string();
        let mut expected_seq = 1;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let text = |i: usize| r.get::<_, Option<String>>(i);
            let hash = audit_hash(
                &prev,
                seq,
                &text(1)?.unwrap_or_default(),
                &text(2)?.unwrap_or_default(),
                &text(3)?.unwrap_or_default(),
                &text(4)?.unwrap_or_default(),
                text(5)?.as_deref(),
                text(6)?.as_deref(),
                text(7)?.as_deref(),
                text(8)?.as_deref(),
                text(9)?.as_deref(),
            );
            let stored_prev: String = r.get(10)?;
            let stored: String = r.get(11)?;
            if seq != expected_seq || stored_prev != prev || stored != hash {
                return Ok(Some(seq));
            }
            prev = stored;
            expected_seq += 1;
        }
        Ok(None)
    }

    /// Run `op` as one transaction through the write path (see module doc).
    pub(crate) fn write<T>(&mut self, ctx: &Ctx, op: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_mode(ctx, AuditMode::PerRow, true, op)
    }

    /// The merge of received changes: one transaction, one audit entry.
    pub(crate) fn write_remote<T>(&mut self, ctx: &Ctx, op: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_mode(ctx, AuditMode::Bulk, true, op)
    }

    pub(crate) fn write_bulk<T>(&mut self, ctx: &Ctx, op: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_mode(ctx, AuditMode::Bulk, true, op)
    }

    /// The set-up writes the first staff member, who does not exist yet.
    pub(crate) fn write_as_setup<T>(&mut self, ctx: &Ctx, op: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_mode(ctx, AuditMode::PerRow, false, op)
    }

    fn write_mode<T>(
        &mut self,
        ctx: &Ctx,
        mode: AuditMode,
        check_staff: bool,
        op: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        // Queued access entries go first when the lock is free, and whoever
        // held it writes those queued meanwhile when done (store::queue).
        self.flush_queue_now();
        let out = self.write_transaction(ctx, mode, check_staff, true, op);
        self.flush_queue_now();
        out
    }

    /// The write path without its work on the files beside the journal: no
    /// look at the audit queue before and after, no head recorded after the
    /// commit. Only for `tovholder bench`, which measures the cost of that
    /// work against it; the head is then behind, never ahead, so the next
    /// ordinary write records it and nothing is refused.
    pub(crate) fn write_without_files<T>(
        &mut self,
        ctx: &Ctx,
        op: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_transaction(ctx, AuditMode::PerRow, true, false, op)
    }

    fn write_transaction<T>(
        &mut self,
        ctx: &Ctx,
        mode: AuditMode,
        check_staff: bool,
        record_head: bool,
        op: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let site = self.site;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // A journal not yet marked as keeping a head file is marked in its
        // first write, its current head written first (store::head).
        let marking = !self.head_marked;
        if marking {
            super::head::mark(&tx, &self.path, site)?;
        }
        let mut scope = None;
        if check_staff {
            let actor: Option<(String, UnitId)> = tx
                .prepare_cached("SELECT role, unit_id FROM staff WHERE id = ?1 AND active = 1")?
                .query_row([ctx.staff], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            match actor {
                None => return Err(Error::UnknownUser(ctx.staff.to_string())),
                Some((role, unit)) if role == "family_consultant" => scope = Some(unit),
                Some(_) => {}
            }
        }
        let hlc: String = tx.query_row("SELECT value FROM journal_meta WHERE key = 'hlc'", [], |r| r.get(0))?;
        let now = ctx.clock.now();
        let mut w = Writer {
            tx,
            site,
            staff: ctx.staff,
            now,
            now_text: now_text(now),
            hlc: Hlc::parse(&hlc).map_err(|_| Error::ClockDamaged)?,
            mode,
            audit: Vec::new(),
            rows: 0,
            scope,
            created: std::collections::HashSet::new(),
            discard: false,
            put_sql: std::collections::HashMap::new(),
        };
        let out = op(&mut w)?;
        let kept = !w.discard;
        w.finish()?;
        if marking && kept {
            self.head_marked = true;
        }
        if record_head {
            self.record_head();
        }
        Ok(out)
    }

    /// Record reads of people's records in the audit log (SPEC §6: every read
    /// of a person's record is logged).
    /// `purpose` is the screen or list in Danish, as the citizen's access
    /// log shows it. Nothing shown, nothing written.
    pub(crate) fn audit_reads(
        &mut self,
        ctx: &Ctx,
        people: &[uuid::Uuid],
        entity: &'static str,
        purpose: &'static str,
    ) -> Result<()> {
        if people.is_empty() {
            return Ok(());
        }
        let mut entries = AuditEntries::default();
        for p in people {
            entries.read(Some(*p), entity, purpose);
        }
        self.write_audit(ctx, entries)
    }

    /// Write audit entries that are not row changes (a login, reads): now,
    /// if the journal's write lock is free within `AUDIT_WAIT`, else queued
    /// durably (store::queue) for the next transaction that finds it free.
    /// Either way they are on disk when this returns `Ok`, so the caller may
    /// show what was read.
    pub(crate) fn write_audit(&mut self, ctx: &Ctx, entries: AuditEntries) -> Result<()> {
        if entries.0.is_empty() {
            return Ok(());
        }
        let written = super::waiting_at_most(AUDIT_WAIT, || {
            self.write(ctx, |w| {
                w.audit.extend(entries.0.iter().cloned());
                Ok(())
            })
        });
        match written {
            Err(Error::Busy { .. }) => {}
            other => return other,
        }
        let at = now_text(ctx.clock.now());
        let staff = ctx.staff.to_string();
        let queued: Vec<queue::Queued> = entries
            .0
            .iter()
            .map(|e| queue::Queued {
                id: uuid::Uuid::new_v4().to_string(),
                at: at.clone(),
                staff: staff.clone(),
                action: e.action.code().to_string(),
                person: e.person.clone(),
                entity: e.entity.map(str::to_string),
                entity_id: e.entity_id.clone(),
                purpose: e.purpose.clone(),
                detail: e.detail.clone(),
            })
            .collect();
        queue::append(&self.path, &queue::Sealer::new(self.key(), self.site), &queued)?;
        // The holder of the lock writes them when it is done; if it let go
        // while they were being queued, they are written now.
        self.flush_queue_now();
        Ok(())
    }

    /// Write the queued entries if the write lock is free right now; if it
    /// is not, its holder does when it is done (`write_mode`). A failure
    /// leaves them queued for the next try.
    pub(crate) fn flush_queue_now(&mut self) {
        if queue::pending(&self.path) {
            let _ = super::waiting_at_most(std::time::Duration::ZERO, || self.flush_queue());
        }
    }

    /// Write every queued access entry into the audit chain in one
    /// transaction, synced before the queue is emptied; the number written.
    /// See store::queue for why none is lost or written twice.
    pub(crate) fn flush_queue(&mut self) -> Result<usize> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let written = self.flush_queue_transaction();
        let restored = self.conn.pragma_update(None, "synchronous", "NORMAL");
        let n = written?;
        restored?;
        if n > 0 {
            self.record_head();
        }
        Ok(n)
    }

    fn flush_queue_transaction(&mut self) -> Result<usize> {
        let sealer = queue::Sealer::new(self.key.as_ref(), self.site);
        let site = self.site;
        let path = self.path.clone();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(taken) = queue::take(&path, &sealer)? else { return Ok(0) };
        if taken.entries.is_empty() && taken.damaged.is_empty() {
            return Ok(0);
        }
        let done: String = tx
            .query_row("SELECT value FROM journal_meta WHERE key = ?1", [QUEUE_DONE_KEY], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        let done: std::collections::HashSet<&str> = done.split(',').collect();
        let fresh: Vec<&queue::Queued> = taken.entries.iter().filter(|e| !done.contains(e.id.as_str())).collect();
        append_audit(&tx, site, fresh.iter().map(|e| e.row()))?;
        let ids = taken.entries.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(",");
        tx.execute(
            "INSERT INTO journal_meta (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![QUEUE_DONE_KEY, ids],
        )?;
        tx.commit()?;
        let n = fresh.len();
        taken.clear()?;
        Ok(n)
    }
}

#[cfg(test)]
mod audit_hash_frozen {
    //! Golden vectors of the audit hash. If these change, every audit chain
    //! written before fails `verify_audit`: the function is frozen. The
    //! expected values were computed independently of this code (Python's
    //! hashlib, from the layout in `audit_hash`'s doc comment).
    use super::{audit_hash, GENESIS_HASH};

    const SITE: &str = "01a23363-2e04-71c8-9633-3c0a665282d1";
    const STAFF: &str = "01a23363-2e04-71c8-9633-3c0c16b1f627";

    #[test]
    fn the_audit_hash_of_known_entries_never_changes() {
        let first =
            audit_hash(GENESIS_HASH, 1, "2026-11-23T09:15:00.000Z", SITE, STAFF, "login", None, None, None, None, None);
        assert_eq!(first, "430972d195e4b9f50a3a06e226614c132afdc45652e49d5b28d9d5f660194115");
        // Non-ASCII text and a unit separator inside a field.
        let second = audit_hash(
            &first,
            2,
            "2026-11-23T09:16:30.250Z",
            SITE,
            STAFF,
            "read",
            Some("00000000-0000-4000-8000-000300000006"),
            Some("client"),
            None,
            Some("sagsmøde"),
            Some("Ærø|Å\u{1f}ø"),
        );
        assert_eq!(second, "bf500f8d74ed9b5de63cf1e1e6213c7b01606aae5a759fbdab29b7bb92f7b2d6");
        // An empty field is not an absent one.
        let third = audit_hash(
            &second,
            3,
            "2026-11-23T09:17:00.000Z",
            "s",
            "t",
            "create",
            Some(""),
            Some("note"),
            Some("00000000-0000-4000-8000-000000000001"),
            Some(""),
            Some(""),
        );
        assert_eq!(third, "d51cc6910150044c7684ff487e44c2232eda5c7cc1030ef683f676c4ef97ce9e");
        assert_ne!(
            third,
            audit_hash(
                &second,
                3,
                "2026-11-23T09:17:00.000Z",
                "s",
                "t",
                "create",
                None,
                Some("note"),
                Some("00000000-0000-4000-8000-000000000001"),
                None,
                None
            )
        );
    }
}

/// A JSON value as SQLite's `json_extract` gives it: `true`/`false` as 1/0,
/// an integer beyond 64 bits as a real, an array or object as its JSON text.
/// The merge's rows and a person's resolution are written through it alike.
/// The statement `Writer::put_row` writes a row of `desc` with: the
/// columns of `mask` (bit i: `desc.columns[i]`) bound from ?8 on, after the
/// id and the six stamps.
fn put_row_sql(desc: &crate::sync::tables::Table, exists: bool, mask: u64) -> String {
    let cols: Vec<&str> =
        desc.columns.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| *c).collect();
    if exists {
        let set: String = cols.iter().enumerate().map(|(i, c)| format!("{c} = ?{}, ", i + 8)).collect();
        format!(
            "UPDATE {} SET {set}origin_site = ?2, version = ?3, created_at = ?4, created_by = ?5, changed_at = ?6, changed_by = ?7 WHERE id = ?1",
            desc.name
        )
    } else {
        let names: String = cols.iter().map(|c| format!(", {c}")).collect();
        let params: String = (0..cols.len()).map(|i| format!(", ?{}", i + 8)).collect();
        format!(
            "INSERT INTO {} (id, origin_site, version, created_at, created_by, changed_at, changed_by{names}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7{params})",
            desc.name
        )
    }
}

/// `json_value` for binding, borrowing a text instead of copying it.
pub(crate) fn json_sql(v: &serde_json::Value) -> rusqlite::types::ToSqlOutput<'_> {
    use rusqlite::types::{ToSqlOutput, ValueRef};
    match v {
        serde_json::Value::String(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        other => ToSqlOutput::Owned(json_value(other)),
    }
}

pub(crate) fn json_value(v: &serde_json::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => n.as_f64().map_or(Value::Null, Value::Real),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

#[cfg(test)]
mod json_binding {
    //! `Writer::put_row` binds each merged value as `json_value` gives it;
    //! before, SQLite took it out of the row's JSON with `json_extract`. The
    //! stored row must be the same either way, type included.
    use super::{json_sql, json_value};

    #[test]
    fn a_bound_value_is_what_json_extract_gives() {
        let conn = rusqlite::Connection::open_in_memory().expect("in-memory database");
        let cases = [
            "null",
            "true",
            "false",
            "0",
            "-17",
            "9223372036854775807",
            "18446744073709551615",
            "1.5",
            "2.0",
            "\"\"",
            "\"Ærø 4690\"",
            "[1,\"a\",null]",
            "{\"b\":1,\"a\":[true]}",
        ];
        for text in cases {
            let v: serde_json::Value = serde_json::from_str(text).expect("a JSON case");
            // The old way: the row's values as one JSON text, one column
            // taken out of it.
            let mut row = serde_json::Map::new();
            row.insert("column".into(), v.clone());
            let json = serde_json::to_string(&row).expect("JSON text");
            let (extracted, kind): (rusqlite::types::Value, String) = conn
                .query_row("SELECT json_extract(?1, '$.column'), typeof(json_extract(?1, '$.column'))", [json], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .expect("a query of values");
            let (bound, bound_kind): (rusqlite::types::Value, String) = conn
                .query_row("SELECT ?1, typeof(?1)", [json_value(&v)], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("a query of values");
            assert_eq!((bound, bound_kind), (extracted.clone(), kind.clone()), "{text}");
            let (borrowed, borrowed_kind): (rusqlite::types::Value, String) = conn
                .query_row("SELECT ?1, typeof(?1)", [json_sql(&v)], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("a query of values");
            assert_eq!((borrowed, borrowed_kind), (extracted, kind), "{text}");
        }
    }
}
