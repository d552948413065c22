//! The merge: a change set's new changes go into the log, and every row
//! they touch is rebuilt from its log in one IMMEDIATE transaction through
//! the write path's remote-apply mode (`Writer::put_row`, which keeps the
//! stamps of the site that made each change).
//!
//! Rebuilding a row: start from its insert; for each field group take the
//! heads (the changes of that field no other change has seen) and write the
//! winner, the head with the highest (clock, site id). The other heads are
//! the field's conflict. Because the row and the conflicts are a function of
//! the set of changes held, any order of arrival, with duplicates, ends in
//! the same rows and the same conflict list.

use std::collections::{HashMap, HashSet};

use rusqlite::OptionalExtension;

use super::plan::{plan, revoked_at, FastHash};
use super::{log, retention, scope, tables, Change, ChangeSet, Conflict, Duplicate, MergeSummary, Revocation, FORMAT};
use crate::error::{Error, Result};
use crate::model::time::Hlc;
use crate::model::SiteId;
use crate::security::roles::Action;
use crate::store::write::{AuditAction, RowStamps};
use crate::store::{Ctx, Journal, Writer};

impl Journal {
    /// The changes to send `to`: everything in this journal's log after what
    /// `to` has confirmed, within its scope (`scope`), and every change of a
    /// row that entered its scope since (a person who comes into scope brings
    /// their existing record, not only what changed after). Changes `to`
    /// made itself go back too (it counts them as known): that is how a
    /// journal learns that a copy of it writes under its site id elsewhere.
    pub fn export_changes(&mut self, ctx: &Ctx, to: SiteId) -> Result<ChangeSet> {
        self.authorize(ctx, Action::Export)?;
        self.export_set(ctx, to)
    }

    /// `export_changes` for a caller that has authorized the export itself
    /// (the case bundle, `src/bundle`).
    pub(crate) fn export_set(&mut self, ctx: &Ctx, to: SiteId) -> Result<ChangeSet> {
        let own = self.site();
        self.write(ctx, |w| {
            let conn = w.conn();
            let (acked, received): (i64, i64) = conn
                .query_row("SELECT sent_acked, received_upto FROM sync_peer WHERE site = ?1", [to], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?
                .unwrap_or((0, 0));
            let upto: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM sync_change", [], |r| r.get(0))?;
            let partner_m = scope::partner_municipality(conn, to)?;
            let scope_rows = match &partner_m {
                Some(m) => Some(scope::rows_in_scope(conn, m, to)?),
                None => None,
            };
            let in_scope: std::collections::HashSet<&str> =
                scope_rows.iter().flat_map(|m| m.values()).flatten().map(String::as_str).collect();
            // Rows the partner holds for certain: sent in a set it confirmed.
            let mut known_rows: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
            // Rows revoked in a set up to the given position that the partner
            // has not confirmed yet (stored as a negative since_seq): the
            // revocation goes again in every set until it is confirmed, so a
            // lost set cannot leave the partner holding them.
            let mut revoking: Vec<(String, i64)> = Vec::new();
            {
                let mut stmt = conn.prepare("SELECT row_id, since_seq FROM sync_scope WHERE site = ?1")?;
                for r in stmt.query_map([to], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                    let (row, since) = r?;
                    if since < 0 {
                        revoking.push((row, -since));
                    } else {
                        known_rows.insert(row, since);
                    }
                }
            }
            let delivered = |row: &str| known_rows.get(row).is_some_and(|since| *since <= acked);
            // A notification sent without its client (out of scope then) goes
            // whole again while its client enters the scope.
            let notified: std::collections::HashMap<String, String> = conn
                .prepare("SELECT id, client_id FROM notification WHERE client_id IS NOT NULL")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let client_enters =
                |row: &str| notified.get(row).is_some_and(|c| in_scope.contains(c.as_str()) && !delivered(c));
            let mut changes = Vec::new();
            // The last position of this site's own changes that leaves in
            // the set (the clock repair never re-stamps one: `restamp`).
            let mut own_sent: i64 = 0;
            {
                let mut stmt = conn.prepare(
                    "SELECT seq, site, hlc, tbl, row_id, grp, value, seen, at, staff FROM sync_change ORDER BY seq",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let seq: i64 = r.get(0)?;
                    let row: String = r.get(4)?;
                    let entering = in_scope.contains(row.as_str()) && (!delivered(&row) || client_enters(&row));
                    if seq <= acked && !entering {
                        continue;
                    }
                    let c = change_at(r)?;
                    let sent = match &scope_rows {
                        // A tombstone names no one's data but an id: every
                        // partner gets it (it may hold the record, or pass
                        // it on to a site that does).
                        _ if c.group == retention::RETENTION_GROUP => Some(c),
                        Some(rows) => scope::reduce(&c, rows),
                        None => scope::organisation_only(&c).then_some(c),
                    };
                    if sent.as_ref().is_some_and(|c| c.site == own) {
                        own_sent = own_sent.max(seq);
                    }
                    changes.extend(sent);
                }
            }
            let added: Vec<&str> = in_scope.iter().copied().filter(|r| !known_rows.contains_key(*r)).collect();
            let entering: Vec<String> =
                in_scope.iter().copied().filter(|r| !delivered(r)).map(str::to_string).collect();
            // Rows sent before that have left the scope: revoked.
            let left: Vec<String> = match &scope_rows {
                Some(_) => known_rows.keys().filter(|r| !in_scope.contains(r.as_str())).cloned().collect(),
                None => Vec::new(),
            };
            let confirmed: Vec<String> =
                revoking.iter().filter(|(_, at)| *at <= acked).map(|(r, _)| r.clone()).collect();
            let again = revoking.iter().filter(|(r, at)| *at > acked && !in_scope.contains(r.as_str()));
            let mut revoked = Vec::new();
            for row in left.iter().chain(again.map(|(r, _)| r)) {
                // A row this site relayed and has itself removed since (a
                // revocation reached it first) is named by its marker.
                let table: Option<String> = w
                    .conn()
                    .query_row(
                        "SELECT tbl FROM sync_change WHERE row_id = ?1
                         UNION ALL SELECT tbl FROM sync_revoked WHERE row_id = ?1 LIMIT 1",
                        [row],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(table) = table {
                    let withdrawn_on = match &partner_m {
                        Some(m) => withdrawn_on(w.conn(), &table, row, m)?,
                        None => None,
                    };
                    revoked.push(Revocation { table, row: row.clone(), withdrawn_on });
                }
            }
            revoked.sort_by(|a, b| (&a.table, &a.row).cmp(&(&b.table, &b.row)));
            let mut entering = entering;
            entering.sort();
            let dropped: Vec<String> = w
                .conn()
                .prepare_cached("SELECT row_id FROM sync_revoked WHERE seq > ?1 ORDER BY row_id")?
                .query_map([acked], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            w.note_exported(own_sent)?;
            w.add_scope_rows(to, &added, upto)?;
            w.revoke_scope_rows(to, &left, upto.max(1))?;
            w.remove_scope_rows(to, &confirmed)?;
            // A set's clock is a new event: past every clock value this
            // journal has seen, so that it lifts a revocation whose removal
            // it has learnt of (`ChangeSet::dropped`).
            let clock = Hlc(w.tick_event());
            let from_name: String = w.conn().query_row("SELECT name FROM site WHERE id = ?1", [own], |r| r.get(0))?;
            let set = ChangeSet {
                format: FORMAT,
                from: own,
                from_name,
                to,
                from_seq: acked + 1,
                upto_seq: upto.max(acked),
                ack: received,
                clock: clock.0,
                changes,
                entering,
                revoked,
                dropped,
            };
            w.audit(
                AuditAction::Export,
                None,
                Some("sync_change"),
                Some(format!("changes={} to={to}", set.changes.len())),
            );
            Ok(set)
        })
    }

    /// Merge a partner's change set: all of it or, on any refusal, nothing.
    pub fn merge_changes(&mut self, ctx: &Ctx, set: &ChangeSet) -> Result<MergeSummary> {
        self.authorize(ctx, Action::Import)?;
        Ok(self.merge_set(ctx, set, |_, _| Ok(()))?.0)
    }

    /// The merge for a caller that has authorized it itself; `after` runs in
    /// the same transaction once the set is applied (the case bundle records
    /// the bundle there, or discards the transaction for a dry run). Also
    /// returns how long the plan took (the bundle benchmark's stage).
    pub(crate) fn merge_set<T>(
        &mut self,
        ctx: &Ctx,
        set: &ChangeSet,
        after: impl FnOnce(&mut Writer<'_>, &MergeSummary) -> Result<T>,
    ) -> Result<(MergeSummary, T, std::time::Duration)> {
        let from = set.from;
        let own = self.site();
        let now = ctx.clock.now();
        self.write_remote(ctx, |w| {
            // Planned inside the write transaction: its reads see exactly
            // the journal the apply changes, and share one read lock.
            let started = std::time::Instant::now();
            let plan = plan(w.conn(), own, set, now)?;
            let planned = started.elapsed();
            let had_revoked: bool =
                w.conn().query_row("SELECT EXISTS (SELECT 1 FROM sync_revoked)", [], |r| r.get(0))?;
            if had_revoked {
                for row in &set.entering {
                    w.lift_revoked(row, set.clock)?;
                }
            }
            let resend = w.forget_dropped(from, &set.dropped)?;
            // Rows this journal holds no change of yet: their log will be
            // exactly the set's changes, so they are rebuilt from those in
            // memory rather than read back (the bulk of a first bundle).
            let mut fresh: HashMap<&str, Vec<&Change>, FastHash> =
                HashMap::with_capacity_and_hasher(plan.new.len(), FastHash::default());
            {
                let mut checked: HashSet<&str, FastHash> = HashSet::default();
                let mut held = w.conn().prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_change WHERE row_id = ?1)")?;
                for (_, c) in &plan.new {
                    if c.group != retention::RETENTION_GROUP
                        && checked.insert(c.row.as_str())
                        && !held.query_row([&c.row], |r| r.get::<_, bool>(0))?
                    {
                        fresh.insert(c.row.as_str(), Vec::new());
                    }
                }
            }
            let any_revoked: bool =
                w.conn().query_row("SELECT EXISTS (SELECT 1 FROM sync_revoked)", [], |r| r.get(0))?;
            let any_tombstone: bool =
                w.conn().query_row("SELECT EXISTS (SELECT 1 FROM sync_tombstone)", [], |r| r.get(0))?;
            // The rows of the changes taken into the log.
            let mut rows: Vec<(usize, &str)> = Vec::with_capacity(plan.new.len());
            for &(pos, c) in &plan.new {
                if any_revoked && revoked_at(w.conn(), &c.row)?.is_some_and(|at| c.hlc <= at) {
                    continue;
                }
                // A change of a row retention removed here, that the
                // tombstone had seen: an old set cannot bring the row back.
                if any_tombstone && retention::ignored(w.conn(), c)? {
                    continue;
                }
                w.log_remote(c)?;
                if let Some(changes) = fresh.get_mut(c.row.as_str()) {
                    changes.push(c);
                }
                // A tombstone is re-checked after the merge, not rebuilt.
                if c.group != retention::RETENTION_GROUP {
                    rows.push((pos, c.row.as_str()));
                }
            }
            for &(pos, c) in &plan.widened {
                w.widen_remote(c)?;
                rows.push((pos, c.row.as_str()));
            }
            // Rows waiting for a row they refer to, and rows with a change held
            // out by a rule (a later change may make it fit), get another try.
            let waiting: Vec<(String, String)> = w
                .conn()
                .prepare("SELECT tbl, row_id FROM sync_pending UNION SELECT tbl, row_id FROM sync_conflict WHERE reason NOT IN ('', 'retention')")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (t, r) in &waiting {
                if let Some(pos) = tables::TABLES.iter().position(|d| d.name == t) {
                    rows.push((pos, r.as_str()));
                }
            }
            // In table order (rows referred to before the rows that refer
            // to them), each row once.
            rows.sort_unstable();
            rows.dedup();
            let mut summary =
                MergeSummary { applied: plan.new.len(), known: plan.known, resend, ..Default::default() };
            // A row can wait for a row later in the same set (a note
            // correcting a note): repeat while rows come free.
            let mut todo: Vec<(usize, &str)> = Vec::with_capacity(rows.len());
            for (pos, row) in rows {
                if !any_revoked || revoked_at(w.conn(), row)?.is_none() {
                    todo.push((pos, row));
                }
            }
            // Rows known to be in their table during the rebuilds (nothing
            // is removed before they end), so a reference is looked up once.
            let mut present = Present::default();
            // New clients and notes are indexed for search after the
            // rebuilds, in one statement per index (`defer_search_index`).
            let deferred = w.defer_search_index()?;
            loop {
                let before = todo.len();
                let mut still = Vec::new();
                for (pos, row) in todo {
                    let before_rows = w.rows();
                    // A fresh row's first try; a retry reads its log (it may
                    // be listed as waiting by then).
                    let known = fresh.remove(row).map(|mut changes| {
                        changes.sort_by(|a, b| (a.hlc, a.site, &a.group).cmp(&(b.hlc, b.site, &b.group)));
                        changes
                    });
                    if !rebuild(w, &mut present, &tables::TABLES[pos], row, known)? {
                        still.push((pos, row));
                    } else if w.rows() > before_rows {
                        summary.rows += 1;
                    }
                }
                todo = still;
                if todo.is_empty() || todo.len() == before {
                    break;
                }
            }
            w.index_deferred(deferred)?;
            summary.pending = todo.len();
            // Revocations, children before the rows they refer to. A row this
            // site made itself is never removed: leaving a partner's scope
            // is not deleting the owner's record.
            let mut revoked: Vec<(usize, &Revocation)> = set
                .revoked
                .iter()
                .filter_map(|r| tables::TABLES.iter().position(|t| t.name == r.table).map(|p| (p, r)))
                .collect();
            revoked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.row.cmp(&b.1.row)));
            for (pos, r) in revoked {
                let desc = &tables::TABLES[pos];
                let origin: Option<String> = w
                    .conn()
                    .prepare_cached(&format!("SELECT origin_site FROM {} WHERE id = ?1", desc.name))?
                    .query_row([&r.row], |row| row.get(0))
                    .optional()?;
                if origin.as_deref() == Some(own.to_string().as_str()) {
                    continue;
                }
                // A relay's revocation (the row is not the sender's) keeps
                // this site's unsent changes of it: the owner may still send
                // the row here, and they must not be lost then.
                let keep_own = origin.as_deref() != Some(from.to_string().as_str());
                if w.remove_revoked(desc.name, &r.row, set.clock, keep_own)? {
                    summary.revoked += 1;
                }
            }
            // Tombstones, re-checked by the retention rule on this journal's
            // rows (after everything else, so a newer entry in this very set
            // stops one).
            summary.retired = retention::recheck(w)?;
            w.observe_clock(plan.clock)?;
            let received = if set.from_seq <= 1 + received_upto(w, from)? { set.upto_seq } else { 0 };
            w.set_peer(from, set.ack, received)?;
            // Every row written above had its references checked by SQLite
            // as it was written (foreign keys are on and immediate), so only
            // a removal can leave one dangling: retention's removals are
            // checked at commit (`Writer::delete_rows` defers them). The
            // whole check reads every table, 9 of the 17 s of a bundle into
            // a 50,000-client journal, so it runs when this merge removed
            // rows.
            if summary.retired > 0 || summary.revoked > 0 {
                let broken: Option<String> = w
                    .conn()
                    .query_row("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1", [], |r| r.get(0))
                    .optional()?;
                if broken.is_some() {
                    return Err(Error::MergeBroken);
                }
            }
            let conflicts: i64 =
                w.conn().query_row("SELECT count(DISTINCT row_id || grp) FROM sync_conflict", [], |r| r.get(0))?;
            summary.conflicts = usize::try_from(conflicts).unwrap_or_default();
            w.audit(
                AuditAction::Import,
                None,
                Some("sync_change"),
                Some(format!(
                    "from={from} applied={} known={} rows={} pending={} conflicts={} revoked={}",
                    summary.applied, summary.known, summary.rows, summary.pending, summary.conflicts, summary.revoked
                )),
            );
            let extra = after(w, &summary)?;
            Ok((summary, extra, planned))
        })
    }

    /// The open conflicts, by table, row and field. Whoever does the
    /// hand-off (`Action::Exchange`: leader, alcohol consultant,
    /// administrator) reviews and resolves its conflicts (SPEC §4 step 7).
    pub fn conflicts(&self, ctx: &Ctx) -> Result<Vec<Conflict>> {
        self.authorize(ctx, Action::Exchange)?;
        let conn = self.connection();
        let listed: Vec<(String, String, String, String, i64, String)> = conn
            .prepare("SELECT tbl, row_id, grp, site, hlc, reason FROM sync_conflict ORDER BY tbl, row_id, grp, hlc DESC, site DESC")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out: Vec<Conflict> = Vec::new();
        let mut i = 0;
        while i < listed.len() {
            let (table, row, group) = (&listed[i].0, &listed[i].1, &listed[i].2);
            let mut j = i;
            while j < listed.len() && (&listed[j].0, &listed[j].1, &listed[j].2) == (table, row, group) {
                j += 1;
            }
            let field = log::field_changes(conn, row, group)?;
            let named = |site: &str, hlc: i64| {
                field.iter().find(|c| c.site.to_string() == site && c.hlc == hlc && c.group == *group)
            };
            let others: Vec<Change> = if group == retention::RETENTION_GROUP {
                Vec::new()
            } else {
                listed[i..j].iter().filter_map(|l| named(&l.3, l.4).cloned()).collect()
            };
            let held: Vec<&Change> =
                listed[i..j].iter().filter(|l| !l.5.is_empty()).filter_map(|l| named(&l.3, l.4)).collect();
            let rest: Vec<&Change> = field.iter().filter(|c| !held.iter().any(|h| h.id() == c.id())).collect();
            let kept = if group == retention::RETENTION_GROUP {
                // A tombstone stopped by a newer entry: the tombstone itself.
                held.first().map(|c| (*c).clone())
            } else {
                log::heads_of(&rest).first().map(|c| (*c).clone())
            };
            if let Some(kept) = kept {
                out.push(Conflict {
                    table: table.clone(),
                    row: row.clone(),
                    group: group.clone(),
                    rule: listed[i..j].iter().map(|l| l.5.clone()).find(|r| !r.is_empty()),
                    kept,
                    others,
                });
            }
            i = j;
        }
        Ok(out)
    }

    /// Rows that two sites made without knowing of each other and that a
    /// rule of local work forbids together: two open courses of one kind
    /// for one client, one CPR number on two clients, two revisions of one
    /// plan with the same number, and the unique keys of
    /// `sync::tables::unique_keys` (one link of a child to an adult, one
    /// attendance of a member per meeting, one review item per child and
    /// review, one settlement per payer, provider and month). Computed from the rows, so every site with
    /// the same rows lists the same; settled by ordinary work (closing one
    /// course, correcting a CPR number).
    pub fn duplicates(&self, ctx: &Ctx) -> Result<Vec<Duplicate>> {
        self.authorize(ctx, Action::Exchange)?;
        let sql = "SELECT 'course_open', group_concat(id, ' ') FROM (SELECT id, client_id, kind FROM course WHERE end_on IS NULL ORDER BY id)
                   GROUP BY client_id, kind HAVING count(*) > 1
                   UNION ALL
                   SELECT 'client_cpr', group_concat(id, ' ') FROM (SELECT id, cpr FROM client WHERE cpr IS NOT NULL ORDER BY id)
                   GROUP BY cpr HAVING count(*) > 1
                   UNION ALL
                   SELECT 'plan_revision', group_concat(id, ' ') FROM (SELECT id, course_id, revision FROM plan_revision ORDER BY id)
                   GROUP BY course_id, revision HAVING count(*) > 1
                   UNION ALL
                   SELECT 'child_link', group_concat(id, ' ') FROM (SELECT id, child_id, client_id FROM child_link ORDER BY id)
                   GROUP BY child_id, client_id HAVING count(*) > 1
                   UNION ALL
                   SELECT 'group_attendance', group_concat(id, ' ') FROM (SELECT id, member_id, met_on FROM group_attendance ORDER BY id)
                   GROUP BY member_id, met_on HAVING count(*) > 1
                   UNION ALL
                   SELECT 'case_review_item', group_concat(id, ' ') FROM (SELECT id, review_id, client_id, child_id FROM case_review_item ORDER BY id)
                   GROUP BY review_id, client_id, child_id HAVING count(*) > 1
                   UNION ALL
                   SELECT 'settlement', group_concat(id, ' ') FROM (SELECT id, payer, provider, period FROM settlement ORDER BY id)
                   GROUP BY payer, provider, period HAVING count(*) > 1
                   ORDER BY 1, 2";
        let rows = self
            .connection()
            .prepare(sql)?
            .query_map([], |r| {
                let ids: String = r.get(1)?;
                Ok(Duplicate { rule: r.get(0)?, rows: ids.split(' ').map(str::to_string).collect() })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Settle a conflict by keeping one of its values (`keep`: the site and
    /// clock of that change). It is an ordinary edit that has seen every
    /// value of the field, so it closes the conflict wherever it arrives.
    pub fn resolve_conflict(&mut self, ctx: &Ctx, row: &str, group: &str, keep: (SiteId, i64)) -> Result<()> {
        self.authorize(ctx, Action::Exchange)?;
        let conflict = self
            .conflicts(ctx)?
            .into_iter()
            .find(|c| c.row == row && c.group == group)
            .ok_or(Error::NotFound(crate::error::Entity::Row))?;
        let chosen = std::iter::once(&conflict.kept)
            .chain(&conflict.others)
            .find(|c| (c.site, c.hlc) == keep)
            .ok_or(Error::NotFound(crate::error::Entity::Row))?
            .clone();
        let desc = tables::table(&conflict.table).ok_or(Error::NotFound(crate::error::Entity::Row))?;
        let group: &'static str =
            desc.group_names().into_iter().find(|g| *g == group).ok_or(Error::NotFound(crate::error::Entity::Row))?;
        let columns = desc.group_columns(group);
        let values: Vec<rusqlite::types::Value> = columns
            .iter()
            .map(|c| crate::store::write::json_value(chosen.value.get(*c).unwrap_or(&serde_json::Value::Null)))
            .collect();
        let cols: Vec<(&'static str, &dyn rusqlite::ToSql)> =
            columns.iter().zip(&values).map(|(c, v)| (*c, v as &dyn rusqlite::ToSql)).collect();
        let person = person_of(self.connection(), desc, row)?;
        let entity = crate::store::write::entity_of(desc.name);
        let row = row.to_string();
        self.write(ctx, |w| w.update_resolving(desc.name, &row, &cols, person, entity, group))
    }
}

/// A change read from a `SELECT seq, site, …` row (the log's columns after
/// a leading seq).
fn change_at(r: &rusqlite::Row<'_>) -> Result<Change> {
    let bad = || Error::Db(rusqlite::Error::InvalidQuery);
    let site: String = r.get(1)?;
    let value: String = r.get(6)?;
    let seen: String = r.get(7)?;
    Ok(Change {
        site: site.parse().map_err(|_| bad())?,
        hlc: r.get(2)?,
        table: r.get(3)?,
        row: r.get(4)?,
        group: r.get(5)?,
        value: serde_json::from_str(&value).map_err(|_| bad())?,
        seen: serde_json::from_str(&seen).map_err(|_| bad())?,
        at: r.get(8)?,
        staff: r.get(9)?,
    })
}

/// The day the last consent of the person a revoked row belongs to (a
/// child's: of an adult it is linked to) to a unit of the recipient's
/// municipality was withdrawn, if there is one and none is still open.
fn withdrawn_on(
    conn: &rusqlite::Connection,
    table: &str,
    row: &str,
    municipality: &str,
) -> Result<Option<chrono::NaiveDate>> {
    let Some(desc) = tables::table(table) else { return Ok(None) };
    let Some(person) = person_of(conn, desc, row)? else { return Ok(None) };
    let (open, last): (i64, Option<chrono::NaiveDate>) = conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE withdrawn_on IS NULL), max(withdrawn_on) FROM consent
             WHERE (client_id = ?1 OR client_id IN (SELECT client_id FROM child_link WHERE child_id = ?1))
               AND to_unit IN (SELECT id FROM unit WHERE municipality = ?2)",
        )?
        .query_row(rusqlite::params![person.to_string(), municipality], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(if open == 0 { last } else { None })
}

fn received_upto(w: &Writer<'_>, site: SiteId) -> Result<i64> {
    Ok(w.conn()
        .query_row("SELECT received_upto FROM sync_peer WHERE site = ?1", [site], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// The person a row belongs to (by the table's descriptor).
pub(super) fn person_of(conn: &rusqlite::Connection, desc: &tables::Table, row: &str) -> Result<Option<uuid::Uuid>> {
    let Some(expr) = desc.person else { return Ok(None) };
    let p: Option<String> = conn
        .query_row(&format!("SELECT {expr} FROM {} t WHERE t.id = ?1", desc.name), [row], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(p.and_then(|p| uuid::Uuid::parse_str(&p).ok()))
}

/// Rebuild one row from its log (see the module comment). `false` when the
/// row must wait (its insert or a row it refers to is not here yet, or the
/// journal's rules refuse even its insert); it is then listed in
/// `sync_pending`.
///
/// When the merged row breaks a rule of the journal (a close racing an edit
/// of the start date: the end before the start), the newest winning change
/// is held out of the row and listed as a conflict with the rule, and the
/// row is tried again: the same changes give the same row on every site.
///
/// `fresh`: the row's whole log when the journal held none of it before
/// this merge (so it is not waiting and lists no conflict yet); `None`
/// reads the log.
fn rebuild(
    w: &mut Writer<'_>,
    present: &mut Present,
    desc: &tables::Table,
    row: &str,
    fresh: Option<Vec<&Change>>,
) -> Result<bool> {
    let first_try = fresh.is_some();
    let read;
    let all: Vec<&Change> = match fresh {
        Some(changes) => changes,
        None => {
            read = log::row_changes(w.conn(), row)?;
            read.iter().collect()
        }
    };
    let inserts: Vec<&Change> = all.iter().copied().filter(|c| c.group.is_empty()).collect();
    let insert_heads = log::heads_of(&inserts);
    let Some(first) = insert_heads.first().copied() else {
        // A newer change of a row retention removed here waits, listed
        // with the tombstone's conflict (`retention::recheck`).
        let reason = match retention::waits_for(w.conn(), row)? {
            Some(client) => format!("{} {client}", retention::RETENTION_RULE),
            None => "insert".to_string(),
        };
        w.set_pending(desc.name, row, Some(&reason))?;
        return Ok(false);
    };
    // Two inserts of one id with other content is damage, kept visible.
    let damaged: Vec<(&Change, String)> =
        insert_heads[1..].iter().copied().filter(|c| !c.same_content(first)).map(|c| (c, String::new())).collect();
    let exists = present.holds(w, desc.name, row)?;
    if desc.append_only && exists {
        w.set_conflicts(desc.name, row, &damaged)?;
        w.set_pending(desc.name, row, None)?;
        return Ok(true);
    }
    let mut held_out: Vec<(&Change, String)> = Vec::new();
    loop {
        let m = merge_row(desc, &all, first, &held_out);
        let mut listed = damaged.clone();
        listed.extend(m.lost.iter().map(|c| (*c, String::new())));
        listed.extend(held_out.iter().cloned());
        if let Some((target, id)) = missing_ref(w, present, desc, row, &m.values)? {
            // A row waiting for one that waits for a record retention
            // removed here (a plan revision of a course of that client)
            // waits for the same record: the tombstone's conflict lists it.
            let reason = match retention::waits_for(w.conn(), &id)? {
                Some(client) => format!("{} {client}", retention::RETENTION_RULE),
                None => retention::waiting_for_retention(w.conn(), &id)?.unwrap_or_else(|| target.to_string()),
            };
            w.set_conflicts(desc.name, row, &listed)?;
            w.set_pending(desc.name, row, Some(&reason))?;
            return Ok(false);
        }
        let stamps = RowStamps {
            origin_site: first.site.to_string(),
            version: m.latest.hlc,
            created_at: first.at.clone(),
            created_by: first.staff.clone(),
            changed_at: m.latest.at.clone(),
            changed_by: m.latest.staff.clone(),
        };
        let outcome = if exists && unchanged(w, desc, row, &m.values, &stamps)? {
            Ok(())
        } else {
            w.put_row(desc, row, &m.values, &stamps, exists)?
        };
        match outcome {
            Ok(()) if first_try && listed.is_empty() => {
                present.add(desc.name, row);
                return Ok(true);
            }
            Ok(()) => {
                present.add(desc.name, row);
                w.set_conflicts(desc.name, row, &listed)?;
                w.set_pending(desc.name, row, None)?;
                return Ok(true);
            }
            Err(reason) => {
                let newest = m.winners.iter().copied().filter(|c| !c.group.is_empty()).max_by_key(|c| c.order_key());
                match newest {
                    Some(c) => held_out.push((c, reason)),
                    None => {
                        w.set_conflicts(desc.name, row, &listed)?;
                        w.set_pending(desc.name, row, Some(&reason))?;
                        return Ok(false);
                    }
                }
            }
        }
    }
}

/// A row as its changes make it.
struct Merged<'a> {
    values: serde_json::Map<String, serde_json::Value>,
    /// The change whose stamps the row carries as its last change.
    latest: &'a Change,
    /// The winner of each group.
    winners: Vec<&'a Change>,
    /// Heads that lost to a concurrent head.
    lost: Vec<&'a Change>,
}

fn merge_row<'a>(
    desc: &tables::Table,
    all: &[&'a Change],
    first: &'a Change,
    held_out: &[(&'a Change, String)],
) -> Merged<'a> {
    let mut m = Merged { values: first.value.clone(), latest: first, winners: Vec::new(), lost: Vec::new() };
    // A row of one insert and nothing else (most of a first bundle) is
    // that insert: every group's one head is the insert itself.
    let only_insert = all.len() == 1 && std::ptr::eq(all[0], first) && held_out.is_empty();
    if only_insert {
        if !desc.append_only {
            m.winners.push(first);
        }
    } else if !desc.append_only {
        for g in desc.group_names() {
            let field: Vec<&'a Change> = all
                .iter()
                .copied()
                .filter(|c| c.group.is_empty() || c.group == g)
                .filter(|c| !held_out.iter().any(|(h, _)| h.id() == c.id()))
                .collect();
            let heads = log::heads_of(&field);
            let Some(winner) = heads.first().copied() else { continue };
            for col in desc.group_columns(g) {
                if let Some(v) = winner.value.get(col) {
                    m.values.insert(col.to_string(), v.clone());
                }
            }
            m.lost.extend(heads[1..].iter().copied().filter(|c| !c.group.is_empty()));
            m.winners.push(winner);
            if winner.order_key() > m.latest.order_key() {
                m.latest = winner;
            }
        }
    }
    for (col, derive) in desc.derived {
        let v = derive(&m.values);
        m.values.insert((*col).to_string(), v);
    }
    m
}

/// The table a row refers to that does not hold the row referred to, and
/// that row's id.
fn missing_ref(
    w: &Writer<'_>,
    present: &mut Present,
    desc: &tables::Table,
    row: &str,
    values: &serde_json::Map<String, serde_json::Value>,
) -> Result<Option<(&'static str, String)>> {
    for (col, target) in desc.refs {
        let Some(serde_json::Value::String(id)) = values.get(*col) else { continue };
        if id == row && *target == desc.name {
            continue;
        }
        if !present.holds(w, target, id)? {
            return Ok(Some((target, id.clone())));
        }
    }
    Ok(None)
}

/// Does the stored row already hold exactly these values and stamps? Every
/// stamp counts, not only `version`: two sites can write a field at the same
/// clock value (clocks alike), and when they wrote the same value the row's
/// values and version agree while `changed_at`/`changed_by` must still be
/// those of the winner, whichever change arrived first.
fn unchanged(
    w: &Writer<'_>,
    desc: &tables::Table,
    row: &str,
    merged: &serde_json::Map<String, serde_json::Value>,
    stamps: &RowStamps,
) -> Result<bool> {
    let mut sql = String::from("SELECT json_object(");
    for (i, c) in desc.columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("'{c}', {c}"));
    }
    sql.push_str(&format!(
        "), version, origin_site, created_at, created_by, changed_at, changed_by FROM {} WHERE id = ?1",
        desc.name
    ));
    let (json, stored_stamps): (String, RowStamps) = w.conn().prepare_cached(&sql)?.query_row([row], |r| {
        Ok((
            r.get(0)?,
            RowStamps {
                version: r.get(1)?,
                origin_site: r.get(2)?,
                created_at: r.get(3)?,
                created_by: r.get(4)?,
                changed_at: r.get(5)?,
                changed_by: r.get(6)?,
            },
        ))
    })?;
    let stored: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
    Ok(stored_stamps == *stamps && merged.iter().all(|(k, v)| stored.get(k) == Some(v)))
}

/// Rows known to be in their table, by table and id: looked up once, or
/// written by this merge.
#[derive(Default)]
struct Present(HashMap<&'static str, HashSet<String, FastHash>, FastHash>);

impl Present {
    fn holds(&mut self, w: &Writer<'_>, table: &'static str, id: &str) -> Result<bool> {
        if self.0.get(table).is_some_and(|ids| ids.contains(id)) {
            return Ok(true);
        }
        let found = w
            .conn()
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some();
        if found {
            self.add(table, id);
        }
        Ok(found)
    }

    fn add(&mut self, table: &'static str, id: &str) {
        let ids = self.0.entry(table).or_default();
        if !ids.contains(id) {
            ids.insert(id.to_string());
        }
    }
}
