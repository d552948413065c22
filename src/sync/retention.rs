//! Retention across sites (SPEC §3, §5 invariant 4): deleting a client's
//! record after its retention period writes a *tombstone*, a change of the
//! client row in group [`RETENTION_GROUP`] that travels to every partner
//! like any other change. Its value is the rule (`years`, and `limit`: the
//! last entry must lie before this date); its `seen` is the version vector
//! of the whole record the deleting site held (per site, the highest clock
//! of that site's changes to the record's rows).
//!
//! The receiver re-checks the same rule on its own rows: the record's last
//! entry (`LAST_ENTRY_SQL`) before `limit`, and no change of the record the
//! tombstone had not seen. If it holds, the record goes the same way as at
//! the sender, and every removed row is marked (`sync_tombstone`): a change
//! of it the tombstone had seen is ignored when an old change set brings it
//! again. If it fails (a newer entry there), nothing is removed and the
//! tombstone is a listed conflict (rule `retention`). A newer change of a
//! removed row that reaches the deleting site later is kept in the log, its
//! row waits (`retention <client>`), and the same conflict is listed there:
//! never silently lost.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::{log, Change};
use crate::error::Result;
use crate::store::Writer;

/// The field group of a retention tombstone (never a column name).
pub const RETENTION_GROUP: &str = "!retention";

/// The rule name of a retention conflict, and the start of the waiting
/// reason of a row that waits for a record removed by retention.
pub const RETENTION_RULE: &str = "retention";

/// The last date anything was written about a client: the latest of every
/// dated row that belongs to them (and the rows' own change times).
pub(crate) const LAST_ENTRY_SQL: &str = "
    SELECT max(d) FROM (
        SELECT substr(changed_at, 1, 10) AS d FROM client WHERE id = ?1
        UNION ALL SELECT received_on FROM referral WHERE client_id = ?1
        UNION ALL SELECT max(enrolled_on, coalesce(start_on, ''), coalesce(follow_up_from, ''), coalesce(end_on, ''),
                             substr(changed_at, 1, 10)) FROM course WHERE client_id = ?1
        UNION ALL SELECT max(written_on, substr(created_at, 1, 10)) FROM note WHERE client_id = ?1
        UNION ALL SELECT s.held_on FROM session s JOIN session_participant p ON p.session_id = s.id WHERE p.client_id = ?1
        UNION ALL SELECT given_on FROM consent WHERE client_id = ?1
        UNION ALL SELECT coalesce(withdrawn_on, given_on) FROM consent WHERE client_id = ?1
        UNION ALL SELECT made_on FROM notification WHERE client_id = ?1
        UNION ALL SELECT r.held_on FROM case_review_item i JOIN case_review r ON r.id = i.review_id WHERE i.client_id = ?1
    )";

/// The client's last entry (`None` without any dated row).
pub(crate) fn last_entry(conn: &Connection, client: &str) -> Result<Option<NaiveDate>> {
    let d: Option<String> = conn.prepare_cached(LAST_ENTRY_SQL)?.query_row([client], |r| r.get(0))?;
    Ok(d.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

/// Every row of a client's record, children before the rows they refer to
/// (the order of removal): the client's rows, and the children linked to
/// this client only with theirs, the client row last.
pub(crate) fn record_rows(conn: &Connection, client: &str) -> Result<Vec<(&'static str, String)>> {
    let only: Vec<String> = conn
        .prepare_cached(
            "SELECT child_id FROM child_link l WHERE client_id = ?1
             AND NOT EXISTS (SELECT 1 FROM child_link o WHERE o.child_id = l.child_id AND o.client_id <> ?1)",
        )?
        .query_map([client], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let courses = "(SELECT id FROM course WHERE client_id = ?1)";
    let sessions = format!("(SELECT id FROM session WHERE course_id IN {courses})");
    let members = "(SELECT id FROM group_member WHERE client_id = ?1)";
    let steps: Vec<(&'static str, String)> = vec![
        ("case_review_item", "client_id = ?1".into()),
        ("group_attendance", format!("member_id IN {members}")),
        ("group_member", "client_id = ?1".into()),
        ("consent", "client_id = ?1".into()),
        ("notification", "client_id = ?1".into()),
        ("medication", format!("course_id IN {courses}")),
        ("evaluation", format!("course_id IN {courses}")),
        ("plan_revision", format!("course_id IN {courses}")),
        ("assessment", format!("course_id IN {courses}")),
        // A correction of a note before the note it corrects.
        ("note", format!("(client_id = ?1 OR session_id IN {sessions}) AND corrects IS NOT NULL")),
        ("note", format!("client_id = ?1 OR session_id IN {sessions}")),
        ("session_participant", format!("client_id = ?1 OR session_id IN {sessions}")),
        ("session", format!("id IN {sessions}")),
        ("settlement_line", "client_id = ?1".into()),
        ("course", "client_id = ?1".into()),
        ("referral", "client_id = ?1".into()),
        ("child_link", "client_id = ?1".into()),
    ];
    let child_steps: [(&'static str, &str); 8] = [
        ("case_review_item", "child_id = ?1"),
        ("group_attendance", "member_id IN (SELECT id FROM group_member WHERE child_id = ?1)"),
        ("group_member", "child_id = ?1"),
        ("notification", "child_id = ?1"),
        ("network_person", "child_id = ?1"),
        ("emergency_plan", "child_id = ?1"),
        ("session_participant", "child_id = ?1"),
        ("child", "id = ?1"),
    ];
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut add = |conn: &Connection, table: &'static str, filter: &str, key: &str| -> Result<()> {
        let ids: Vec<String> = conn
            .prepare(&format!("SELECT id FROM {table} WHERE {filter} ORDER BY id"))?
            .query_map([key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            if !out.iter().any(|(t, r)| *t == table && *r == id) {
                out.push((table, id));
            }
        }
        Ok(())
    };
    for (table, filter) in &steps {
        add(conn, table, filter, client)?;
    }
    for child in &only {
        for (table, filter) in child_steps {
            add(conn, table, filter, child)?;
        }
    }
    add(conn, "client", "id = ?1", client)?;
    Ok(out)
}

/// The version vector of a record: per site, the highest clock of that
/// site's changes to any of the rows.
fn record_seen(conn: &Connection, rows: &[(&'static str, String)]) -> Result<BTreeMap<String, i64>> {
    let mut seen = BTreeMap::new();
    let mut stmt = conn.prepare_cached("SELECT site, max(hlc) FROM sync_change WHERE row_id = ?1 GROUP BY site")?;
    for (_, row) in rows {
        for r in stmt.query_map([row], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (site, hlc) = r?;
            let e = seen.entry(site).or_insert(hlc);
            if *e < hlc {
                *e = hlc;
            }
        }
    }
    Ok(seen)
}

/// Remove a client's record here by retention (the local deletion, already
/// checked against the rule by the caller), and write the tombstone that
/// carries it to the partners. The number of rows removed.
pub(crate) fn delete_local(w: &mut Writer<'_>, client: &str, years: u32, limit: NaiveDate) -> Result<usize> {
    let rows = record_rows(w.conn(), client)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let seen = record_seen(w.conn(), &rows)?;
    let mut value = serde_json::Map::new();
    value.insert("years".into(), serde_json::Value::from(i64::from(years)));
    value.insert("limit".into(), serde_json::Value::String(limit.format("%Y-%m-%d").to_string()));
    let (site, hlc) = w.log_tombstone(client, &value, &seen)?;
    remove(w, client, &rows, &site, hlc)
}

fn remove(w: &mut Writer<'_>, client: &str, rows: &[(&'static str, String)], site: &str, hlc: i64) -> Result<usize> {
    let person = uuid::Uuid::parse_str(client).ok();
    let mut n = 0;
    let mut i = 0;
    while i < rows.len() {
        let table = rows[i].0;
        let mut j = i;
        while j < rows.len() && rows[j].0 == table {
            j += 1;
        }
        let ids: Vec<&str> = rows[i..j].iter().map(|(_, r)| r.as_str()).collect();
        n += w.delete_rows(table, &ids, person, client, site, hlc)?;
        i = j;
    }
    Ok(n)
}

/// The tombstone a change of `row` meets here, if the row was removed by
/// retention: the tombstone's `(site, hlc)` and what it had seen.
fn tombstone_of(conn: &Connection, row: &str) -> Result<Option<Change>> {
    let at: Option<(String, String, i64)> = conn
        .prepare_cached("SELECT client_id, site, hlc FROM sync_tombstone WHERE row_id = ?1")?
        .query_row([row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((client, site, hlc)) = at else { return Ok(None) };
    let t = conn
        .prepare_cached(
            "SELECT site, hlc, tbl, row_id, grp, value, seen, at, staff FROM sync_change
             WHERE row_id = ?1 AND site = ?2 AND hlc = ?3 AND grp = ?4",
        )?
        .query_row(params![client, site, hlc, RETENTION_GROUP], log::read_change)
        .optional()?;
    t.transpose()
}

/// Whether a received change must be dropped because retention removed its
/// row here and the tombstone had seen it (an old change set sent again).
pub(crate) fn ignored(conn: &Connection, c: &Change) -> Result<bool> {
    if c.group == RETENTION_GROUP {
        return Ok(false);
    }
    Ok(tombstone_of(conn, &c.row)?.is_some_and(|t| log::saw(&t, c)))
}

/// The client whose removed record a row waits for: the row itself was
/// removed, or it refers to a removed row.
pub(crate) fn waits_for(conn: &Connection, row: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT client_id FROM sync_tombstone WHERE row_id = ?1")?
        .query_row([row], |r| r.get(0))
        .optional()?)
}

/// The reason a row waits, when it waits for a record retention removed
/// here ("retention <client>").
pub(crate) fn waiting_for_retention(conn: &Connection, row: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT reason FROM sync_pending WHERE row_id = ?1 AND reason LIKE ?2")?
        .query_row(rusqlite::params![row, format!("{RETENTION_RULE} %")], |r| r.get(0))
        .optional()?)
}

/// After a merge: re-check every tombstone this journal holds against its
/// rows. A record still here is removed if the rule holds, else the
/// tombstone is listed as a conflict; a record removed here is in conflict
/// while newer changes of it wait. The number of rows removed.
pub(crate) fn recheck(w: &mut Writer<'_>) -> Result<usize> {
    let stones: Vec<Change> = {
        let mut stmt = w.conn().prepare_cached(
            // The group as a literal, so the partial index serves it.
            "SELECT site, hlc, tbl, row_id, grp, value, seen, at, staff FROM sync_change
             WHERE grp = '!retention' ORDER BY hlc, site",
        )?;
        let rows = stmt.query_map([], log::read_change)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r??);
        }
        out
    };
    let mut removed = 0;
    for t in &stones {
        let client = t.row.as_str();
        let here: bool = w
            .conn()
            .prepare_cached("SELECT 1 FROM client WHERE id = ?1")?
            .query_row([client], |_| Ok(()))
            .optional()?
            .is_some();
        let conflict = if here {
            let limit = t.value.get("limit").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let last = last_entry(w.conn(), client)?.map(|d| d.format("%Y-%m-%d").to_string());
            let expired = last.is_some_and(|d| d < limit);
            let rows = record_rows(w.conn(), client)?;
            let mut unseen = false;
            for (_, row) in &rows {
                if log::row_changes(w.conn(), row)?.iter().any(|c| c.group != RETENTION_GROUP && !log::saw(t, c)) {
                    unseen = true;
                    break;
                }
            }
            if expired && !unseen {
                removed += remove(w, client, &rows, &t.site.to_string(), t.hlc)?;
                false
            } else {
                true
            }
        } else {
            let waiting: Option<i64> = w
                .conn()
                .prepare_cached("SELECT 1 FROM sync_pending WHERE reason = ?1 LIMIT 1")?
                .query_row([format!("{RETENTION_RULE} {client}")], |r| r.get(0))
                .optional()?;
            waiting.is_some()
        };
        w.set_retention_conflict(t, conflict)?;
    }
    Ok(removed)
}
