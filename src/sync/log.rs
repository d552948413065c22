//! Reading the change log: the changes of a row, the version vector a new
//! edit of a field has seen, and the heads of a field (the changes no other
//! change of that field has seen), from which the winner and the conflicts
//! follow.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::Change;
use crate::error::Result;

/// A version vector: per site, the highest clock value of that site's
/// changes to one field that a writer had seen. A site's changes to one
/// field form a chain (each saw the one before), so one number per site
/// says everything, and it still holds when changes arrive lost,
/// duplicated or out of order.
pub type Seen = BTreeMap<String, i64>;

/// Has `by` seen `c` (is `c` before `by` in the history of the field)?
pub fn saw(by: &Change, c: &Change) -> bool {
    by.seen.get(&c.site.to_string()).is_some_and(|h| *h >= c.hlc)
}

/// The changes of one field of one row: the inserts of the row (group "")
/// and the changes of the group.
pub fn field_changes(conn: &Connection, row: &str, group: &str) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT site, hlc, tbl, row_id, grp, value, seen, at, staff FROM sync_change
         WHERE row_id = ?1 AND grp IN ('', ?2) ORDER BY hlc, site, grp",
    )?;
    let rows = stmt.query_map(params![row, group], read_change)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r??);
    }
    Ok(out)
}

/// Every change of one row, in clock order.
pub fn row_changes(conn: &Connection, row: &str) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT site, hlc, tbl, row_id, grp, value, seen, at, staff FROM sync_change
         WHERE row_id = ?1 ORDER BY hlc, site, grp",
    )?;
    let rows = stmt.query_map([row], read_change)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r??);
    }
    Ok(out)
}

/// A change as stored. Damaged JSON in the log is a database error.
pub fn read_change(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Change>> {
    let site: String = r.get(0)?;
    let value: String = r.get(5)?;
    let seen: String = r.get(6)?;
    let parsed = (|| -> Result<Change> {
        Ok(Change {
            site: site.parse().map_err(|_| crate::Error::Db(rusqlite::Error::InvalidQuery))?,
            hlc: r.get(1)?,
            table: r.get(2)?,
            row: r.get(3)?,
            group: r.get(4)?,
            value: serde_json::from_str(&value).map_err(|_| crate::Error::Db(rusqlite::Error::InvalidQuery))?,
            seen: serde_json::from_str(&seen).map_err(|_| crate::Error::Db(rusqlite::Error::InvalidQuery))?,
            at: r.get(7)?,
            staff: r.get(8)?,
        })
    })();
    Ok(parsed)
}

/// What a new edit of `group` of `row` has seen: everything the journal
/// holds of that field (each change and what it had seen), as JSON text.
pub fn seen_text(conn: &Connection, row: &str, group: &str) -> Result<String> {
    let mut seen = Seen::new();
    for c in field_changes(conn, row, group)? {
        bump(&mut seen, &c.site.to_string(), c.hlc);
        for (s, h) in &c.seen {
            bump(&mut seen, s, *h);
        }
    }
    Ok(serde_json::to_string(&seen).unwrap_or_else(|_| "{}".into()))
}

fn bump(seen: &mut Seen, site: &str, hlc: i64) {
    let e = seen.entry(site.to_string()).or_insert(hlc);
    if *e < hlc {
        *e = hlc;
    }
}

/// The heads of a field: the changes no other change of it has seen, the
/// winner (highest clock, then highest site id) first.
pub fn heads(changes: &[Change]) -> Vec<&Change> {
    let refs: Vec<&Change> = changes.iter().collect();
    heads_of(&refs)
}

/// `heads` over borrowed changes.
pub fn heads_of<'a>(changes: &[&'a Change]) -> Vec<&'a Change> {
    let mut heads: Vec<&'a Change> =
        changes.iter().copied().filter(|c| !changes.iter().any(|d| d.id() != c.id() && saw(d, c))).collect();
    heads.sort_by_key(|c| std::cmp::Reverse(c.order_key()));
    heads.dedup_by(|a, b| a.id() == b.id());
    heads
}
