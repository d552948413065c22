//! The repair after a wrong local clock (issue 12, item 4; docs/sync.md
//! "Clocks"): a laptop whose clock ran ahead stamps its changes in the
//! future, and since the hybrid clock never goes back, every later change
//! too; partners refuse them once they lie beyond the clock limit.
//! `Journal::restamp_changes`, after the clock is right again, gives this
//! site's own changes that lie beyond the wall clock and beyond every
//! change of any other site new clock values just after those, in the
//! same order, and lowers the journal's clock with them. Only changes that
//! never left in a change set may be re-stamped: a partner may hold an
//! exported one (confirmed or not), so it keeps its name
//! (`restamp_exported`, nothing changed).

use rusqlite::params;

use super::tables;
use crate::error::{Error, Result};
use crate::model::time::Hlc;
use crate::security::roles::Action;
use crate::store::write::AuditAction;
use crate::store::{Ctx, Journal};

impl Journal {
    /// Re-stamp this site's unexported changes that lie ahead of the wall
    /// clock (see the module comment). The number re-stamped; 0 changes
    /// nothing.
    pub fn restamp_changes(&mut self, ctx: &Ctx) -> Result<usize> {
        self.authorize(ctx, Action::Import)?;
        let own = self.site().to_string();
        self.write(ctx, |w| {
            let ms = w.now().timestamp_millis();
            let now = Hlc::from_parts(ms, 0).0;
            let conn = w.conn();
            let others: i64 =
                conn.query_row("SELECT coalesce(max(hlc), 0) FROM sync_change WHERE site <> ?1", [&own], |r| r.get(0))?;
            let base = others.max(now);
            // Ahead: after this millisecond of the wall clock (the new values
            // stay within it) and after every other site's change.
            let cut = others.max(Hlc::from_parts(ms, u16::MAX).0);
            let ahead: Vec<(i64, i64, String, String)> = conn
                .prepare(
                    "SELECT seq, hlc, tbl, row_id FROM sync_change WHERE site = ?1 AND hlc > ?2 ORDER BY hlc, seq",
                )?
                .query_map(params![own, cut], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            if ahead.is_empty() {
                return Ok(0);
            }
            // Exported: up to the last own change that left in any set
            // (journal_meta.sync_exported); for a journal that exported
            // before that key existed, up to any position a partner
            // confirmed or that a set was made at (sync_scope).
            let exported: i64 = conn.query_row(
                "SELECT coalesce(
                   (SELECT CAST(value AS INTEGER) FROM journal_meta WHERE key = 'sync_exported'),
                   max(coalesce((SELECT max(sent_acked) FROM sync_peer), 0),
                       coalesce((SELECT max(abs(since_seq)) FROM sync_scope), 0)))",
                [],
                |r| r.get(0),
            )?;
            let sent = ahead.iter().filter(|a| a.0 <= exported).count();
            if sent > 0 {
                return Err(Error::RestampExported { count: sent });
            }
            // One change of a row can be logged as several groups with one
            // clock value: they keep one new value.
            let mut map: Vec<(i64, i64)> = Vec::new();
            for (_, old, _, _) in &ahead {
                if map.last().is_some_and(|(o, _)| o == old) {
                    continue;
                }
                let next = map.last().map(|(_, n)| *n).unwrap_or(base) + 1;
                map.push((*old, next));
            }
            let path = format!("$.\"{own}\"");
            for (old, new) in &map {
                for sql in [
                    "UPDATE sync_change SET hlc = ?2 WHERE site = ?3 AND hlc = ?1",
                    "UPDATE sync_conflict SET hlc = ?2 WHERE site = ?3 AND hlc = ?1",
                    "UPDATE sync_tombstone SET hlc = ?2 WHERE site = ?3 AND hlc = ?1",
                ] {
                    w.conn().prepare_cached(sql)?.execute(params![old, new, own])?;
                }
                w.conn()
                    .prepare_cached(
                        "UPDATE sync_change SET seen = json_set(seen, ?3, ?2) WHERE json_extract(seen, ?3) = ?1",
                    )?
                    .execute(params![old, new, path])?;
            }
            for (_, old, tbl, row) in &ahead {
                let Some(desc) = tables::table(tbl) else { continue };
                let Some((_, new)) = map.iter().find(|(o, _)| o == old) else { continue };
                w.conn()
                    .prepare_cached(&format!("UPDATE {} SET version = ?1 WHERE id = ?2 AND version = ?3", desc.name))?
                    .execute(params![new, row, old])?;
            }
            let last = map.last().map(|(_, n)| *n).unwrap_or(base);
            w.reset_clock(Hlc(last));
            w.audit(AuditAction::Change, None, Some("sync_change"), Some(format!("restamp={}", ahead.len())));
            Ok(ahead.len())
        })
    }
}
