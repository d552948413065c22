//! The first step of a merge, a pure function of the journal and the change
//! set: it writes nothing. It refuses a set that must not be applied at all
//! (another recipient, an unknown format, a clock too far ahead, a table,
//! field or code this program does not know, a change already held with
//! other content, changes written under this site's own id by another
//! journal) and sorts the rest into new and already known changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{tables, Change, ChangeSet, FORMAT};
use crate::error::{Error, Result};
use crate::model::time::{danish, danish_date, Hlc, MAX_AHEAD_DAYS};
use crate::model::SiteId;

/// What applying a change set will do: the set's changes by reference,
/// each with its table's position in `tables::TABLES` (a bundle's changes
/// are never copied on their way into the journal).
#[derive(Debug, Clone, Default)]
pub struct Plan<'a> {
    /// Changes this journal does not hold yet, in the set's order.
    pub new: Vec<(usize, &'a Change)>,
    /// Changes it already holds (counted, then ignored).
    pub known: usize,
    /// The highest clock value in the set, to observe.
    pub clock: Hlc,
    /// Changes held here reduced to this site's scope (a notification
    /// without its client) that arrive whole now that the client is in
    /// scope: their value replaces the held one.
    pub widened: Vec<(usize, &'a Change)>,
}

/// The hasher of the merge's maps of ids (foldhash: hashbrown's own, seeded
/// per process; the keys come from a signed bundle of a registered partner).
pub(crate) type FastHash = foldhash::fast::RandomState;

/// `reduced` is `whole` as `sync::scope::reduce` sends it to a partner for
/// whom the notification's client is out of scope.
fn reduction_of(reduced: &Change, whole: &Change) -> bool {
    let client = |c: &Change| c.value.get("client_id").cloned();
    whole.table == "notification"
        && reduced.table == whole.table
        && reduced.row == whole.row
        && reduced.seen == whole.seen
        && client(reduced) == Some(serde_json::Value::Null)
        && client(whole).is_some_and(|v| v.is_string())
        && reduced.value.iter().all(|(k, v)| k == "client_id" || whole.value.get(k) == Some(v))
        && reduced.value.len() == whole.value.len()
}

pub fn plan<'a>(conn: &Connection, own: SiteId, set: &'a ChangeSet, now: DateTime<Utc>) -> Result<Plan<'a>> {
    if set.format != FORMAT {
        return Err(Error::ChangesVersion { found: set.format, known: FORMAT });
    }
    if set.to != own {
        return Err(Error::ChangesNotForThisSite);
    }
    let clock = set.changes.iter().map(|c| Hlc(c.hlc)).chain([Hlc(set.clock)]).max().unwrap_or_default();
    if let Err(e) = Hlc::default().observe(clock, now) {
        let date = e.remote.instant().map(|t| danish(danish_date(t))).unwrap_or_else(|| "en ukendt dato".into());
        return Err(Error::ClockAhead { sender: set.from_name.clone(), date, days: MAX_AHEAD_DAYS });
    }
    if let Some(bad) = set.dropped.iter().find(|r| uuid::Uuid::parse_str(r).is_err()) {
        return Err(Error::ChangesUnknown { what: format!("dropped: {bad}") });
    }
    let mut codes = CodeRefs::default();
    let mut seen_in_set: HashMap<(SiteId, i64, &str), &Change, FastHash> =
        HashMap::with_capacity_and_hasher(set.changes.len(), FastHash::default());
    let mut out = Plan { clock, ..Plan::default() };
    out.new.reserve(set.changes.len());
    let mut lookup = conn.prepare_cached(
        "SELECT site, hlc, tbl, row_id, grp, value, seen, at, staff FROM sync_change WHERE site = ?1 AND hlc = ?2 AND grp = ?3",
    )?;
    // Per site, the highest clock of its changes held here: a change
    // beyond it cannot be held (most of a bundle), so it is not looked up.
    let mut newest_held: HashMap<SiteId, Option<i64>, FastHash> = HashMap::default();
    let mut newest = conn.prepare_cached("SELECT max(hlc) FROM sync_change WHERE site = ?1")?;
    for c in &set.changes {
        let Some(pos) = tables::TABLES.iter().position(|t| t.name == c.table) else {
            return Err(Error::ChangesUnknown { what: c.table.clone() });
        };
        let desc = &tables::TABLES[pos];
        check_shape(desc, c)?;
        codes.check(conn, desc, c)?;
        if let Some(prev) = seen_in_set.get(&(c.site, c.hlc, c.group.as_str())) {
            if !prev.same_content(c) {
                return Err(Error::ChangesDamaged { sender: set.from_name.clone() });
            }
            out.known += 1;
            continue;
        }
        seen_in_set.insert((c.site, c.hlc, c.group.as_str()), c);
        let newest_of_site = match newest_held.get(&c.site) {
            Some(n) => *n,
            None => {
                let n: Option<i64> = newest.query_row([c.site], |r| r.get(0))?;
                newest_held.insert(c.site, n);
                n
            }
        };
        let held = if newest_of_site.is_some_and(|n| c.hlc <= n) {
            lookup.query_row(params![c.site, c.hlc, c.group], super::log::read_change).optional()?
        } else {
            None
        };
        match held {
            // Our own change, echoed: we are its authority (a partner may
            // hold it reduced to its scope).
            Some(_) if c.site == own => out.known += 1,
            Some(held) => {
                let held = held?;
                if reduction_of(&held, c) {
                    out.widened.push((pos, c));
                } else if !held.same_content(c) && !reduction_of(c, &held) {
                    return Err(Error::ChangesDamaged { sender: set.from_name.clone() });
                }
                out.known += 1;
            }
            // Our own change of a record retention removed here, echoed.
            None if c.site == own && super::retention::waits_for(conn, &c.row)?.is_some() => out.known += 1,
            // Our own change of a row a partner's revocation removed here,
            // unless the row enters this site's scope again in this very set
            // (the merge lifts the revocation): then the change, which left
            // this log with the row, is taken back like any other, or the
            // row would be rebuilt without it here and with it at the sender.
            None if c.site == own => match revoked_at(conn, &c.row)? {
                Some(at) if at < set.clock && set.entering.contains(&c.row) => out.new.push((pos, c)),
                Some(_) => out.known += 1,
                None => return Err(Error::CopiedJournal),
            },
            None => out.new.push((pos, c)),
        }
    }
    Ok(out)
}

/// The clock of the revocation that removed `row` here (`sync_revoked`),
/// if one did. The merge lifts it when a set brings the row back in
/// `entering` with a later clock (`Writer::lift_revoked`).
pub(super) fn revoked_at(conn: &Connection, row: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT hlc FROM sync_revoked WHERE row_id = ?1")?
        .query_row([row], |r| r.get(0))
        .optional()?)
}

/// A change names only columns of its table, and a group change exactly the
/// columns of its group.
fn check_shape(desc: &tables::Table, c: &Change) -> Result<()> {
    let unknown = |what: String| Err(Error::ChangesUnknown { what });
    if uuid::Uuid::parse_str(&c.row).is_err() || c.hlc < 0 {
        return unknown(format!("{}.id", desc.name));
    }
    if c.group == super::retention::RETENTION_GROUP {
        // A retention tombstone of a client: the rule, nothing else.
        let date = c.value.get("limit").and_then(|v| v.as_str()).and_then(|d| d.parse::<chrono::NaiveDate>().ok());
        let years = c.value.get("years").and_then(serde_json::Value::as_i64);
        if desc.name != "client" || c.value.len() != 2 || date.is_none() || years.is_none() {
            return unknown(format!("{}.{}", desc.name, c.group));
        }
        return Ok(());
    }
    for k in c.value.keys() {
        if !desc.columns.contains(&k.as_str()) {
            return unknown(format!("{}.{k}", desc.name));
        }
    }
    if !c.group.is_empty() {
        let cols = desc.group_columns(&c.group);
        if cols.is_empty() || cols.first().copied() != desc.group_of(&c.group) {
            return unknown(format!("{}.{}", desc.name, c.group));
        }
        if cols.len() != c.value.len() || cols.iter().any(|k| !c.value.contains_key(*k)) {
            return unknown(format!("{}.{}", desc.name, c.group));
        }
    }
    for v in c.value.values() {
        if !(v.is_null() || v.is_string() || v.is_i64()) {
            return unknown(format!("{}: {v}", desc.name));
        }
    }
    Ok(())
}

/// The code-list and municipality columns of each table (from the schema's
/// foreign keys), to refuse a code this journal lacks by name.
#[derive(Default)]
struct CodeRefs {
    by_table: HashMap<&'static str, Vec<(String, String, String)>>,
    /// Codes found, by code table: looked up once per set.
    found: HashMap<String, std::collections::HashSet<String>>,
}

impl CodeRefs {
    fn check(&mut self, conn: &Connection, desc: &'static tables::Table, c: &Change) -> Result<()> {
        if !self.by_table.contains_key(desc.name) {
            let mut stmt = conn.prepare(&format!(
                "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{}')",
                desc.name
            ))?;
            let refs = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter(|(t, _, _)| t.starts_with("code_") || t == "municipality")
                .collect();
            self.by_table.insert(desc.name, refs);
        }
        for (target, from, to) in self.by_table.get(desc.name).map(Vec::as_slice).unwrap_or_default() {
            let Some(serde_json::Value::String(code)) = c.value.get(from) else { continue };
            if self.found.get(target).is_some_and(|codes| codes.contains(code)) {
                continue;
            }
            let found = conn
                .prepare_cached(&format!("SELECT 1 FROM {target} WHERE {to} = ?1"))?
                .query_row([code], |_| Ok(()))
                .optional()?;
            if found.is_none() {
                let what = if target == "municipality" {
                    format!("kommunekode {code}")
                } else {
                    format!("koden {code} ({target})")
                };
                return Err(Error::ChangesUnknown { what });
            }
            self.found.entry(target.clone()).or_default().insert(code.clone());
        }
        Ok(())
    }
}
