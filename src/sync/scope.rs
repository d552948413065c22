//! What a partner may receive (SPEC §5 "Scope"), computed from data both
//! sites hold, independently of the reader roles of `security::roles`.
//!
//! A partner is known by its municipality (that of the units its site
//! owns). In scope are:
//! - the partner's citizens whose course the agreement covers: residence in
//!   the partner municipality, a course it pays, and an agreement price for
//!   that payer, course kind and setting;
//! - clients with a recorded, not withdrawn consent to a unit of the partner
//!   municipality (a consent with no recipient unit matches no partner);
//! - clients on a settlement the partner pays;
//! - people the partner registered itself (their record goes back to it);
//! - the children linked to those clients;
//! - notifications addressed to a unit of the partner, with the child they
//!   concern, whether or not there is a consent (SPEC §4.4);
//! - the organisation (units, staff, groups, agreement prices, case review
//!   meetings) and the settlements the partner pays or provides.
//!
//! Never: internal notes and corrections of them. A row that names a person
//! outside the scope is held back (a session participant, a group member, a
//! child's link to an other parent out of scope) or reduced (a notification's
//! client, when only the child is in scope).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::{tables, Change};
use crate::error::Result;
use crate::model::SiteId;

/// The persons and units in scope, as SQL tables over `?1` (the partner's
/// municipality code) and `?2` (its site id).
const SCOPE_CTE: &str = "WITH
  pu(id) AS (SELECT id FROM unit WHERE municipality = ?1),
  sc(id) AS (
    SELECT c.id FROM client c WHERE
      (c.municipality = ?1 AND EXISTS (
         SELECT 1 FROM course co WHERE co.client_id = c.id AND +co.paying_municipality = ?1
           AND EXISTS (SELECT 1 FROM agreement_price ap
                       WHERE ap.payer = ?1 AND ap.course_kind = co.kind AND ap.setting = co.setting)))
      OR EXISTS (SELECT 1 FROM consent k WHERE k.client_id = c.id AND k.withdrawn_on IS NULL
                   AND k.to_unit IN (SELECT id FROM pu))
      OR EXISTS (SELECT 1 FROM settlement_line sl JOIN settlement s ON s.id = sl.settlement_id
                   WHERE sl.client_id = c.id AND s.payer = ?1)
      OR EXISTS (SELECT 1 FROM sync_change x WHERE x.row_id = c.id AND x.grp = '' AND x.site = ?2)),
  sk(id) AS (SELECT child_id FROM child_link WHERE client_id IN (SELECT id FROM sc)
             UNION SELECT row_id FROM sync_change WHERE tbl = 'child' AND grp = '' AND site = ?2),
  sn(id) AS (SELECT id FROM notification WHERE to_unit IN (SELECT id FROM pu) OR child_id IN (SELECT id FROM sk)),
  sco(id) AS (SELECT id FROM course WHERE client_id IN (SELECT id FROM sc)),
  sse(id) AS (SELECT id FROM session WHERE course_id IN (SELECT id FROM sco)),
  sgm(id) AS (SELECT id FROM group_member WHERE client_id IN (SELECT id FROM sc) OR child_id IN (SELECT id FROM sk)),
  sst(id) AS (SELECT id FROM settlement WHERE payer = ?1 OR provider = ?1)
";

/// Each table's rows in scope, as a condition on the row `t`.
fn condition(table: &str) -> &'static str {
    match table {
        "unit" | "staff" | "activity_group" | "agreement_price" | "case_review" => "1",
        "client" => "t.id IN (SELECT id FROM sc)",
        "child" => {
            "t.id IN (SELECT id FROM sk) OR t.id IN (SELECT child_id FROM notification WHERE id IN (SELECT id FROM sn))"
        }
        "child_link" => "t.client_id IN (SELECT id FROM sc) AND t.child_id IN (SELECT id FROM sk)",
        "network_person" | "emergency_plan" => "t.child_id IN (SELECT id FROM sk)",
        "referral" | "consent" => "t.client_id IN (SELECT id FROM sc)",
        "course" => "t.id IN (SELECT id FROM sco)",
        "assessment" | "plan_revision" | "evaluation" | "medication" => "t.course_id IN (SELECT id FROM sco)",
        "session" => "t.id IN (SELECT id FROM sse)",
        "session_participant" => {
            "t.session_id IN (SELECT id FROM sse)
             AND (t.client_id IS NULL OR t.client_id IN (SELECT id FROM sc))
             AND (t.child_id IS NULL OR t.child_id IN (SELECT id FROM sk))"
        }
        "note" => {
            "t.client_id IN (SELECT id FROM sc) AND t.internal = 0
             AND (t.corrects IS NULL OR t.corrects IN (SELECT id FROM note WHERE internal = 0))
             AND (t.session_id IS NULL OR t.session_id IN (SELECT id FROM sse))"
        }
        "notification" => "t.id IN (SELECT id FROM sn)",
        "group_member" => "t.id IN (SELECT id FROM sgm)",
        "group_attendance" => "t.member_id IN (SELECT id FROM sgm)",
        "case_review_item" => "t.client_id IN (SELECT id FROM sc) AND t.child_id IN (SELECT id FROM sk)",
        "settlement" => "t.id IN (SELECT id FROM sst)",
        "settlement_line" => "t.settlement_id IN (SELECT id FROM sst) AND t.client_id IN (SELECT id FROM sc)",
        _ => "0",
    }
}

/// The rows of every exchanged table the partner site `site` in
/// `municipality` may hold.
///
/// One statement for every table, so each set of the scope (`sc`, `sk`, …)
/// is worked out once rather than once per table. The course of a client is
/// found by the client (`+` keeps the planner off the index by paying
/// municipality: by that index, each client of the partner scanned every
/// course it pays, which took more than half an hour on a 50,000-client
/// journal).
pub fn rows_in_scope(
    conn: &Connection,
    municipality: &str,
    site: SiteId,
) -> Result<BTreeMap<&'static str, BTreeSet<String>>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> =
        tables::TABLES.iter().map(|t| (t.name, BTreeSet::new())).collect();
    let site = site.to_string();
    let mut sql = String::from(SCOPE_CTE);
    for (i, t) in tables::TABLES.iter().enumerate() {
        if i > 0 {
            sql.push_str(" UNION ALL ");
        }
        sql.push_str(&format!("SELECT {i}, t.id FROM {} t WHERE {}", t.name, condition(t.name)));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([municipality, site.as_str()])?;
    while let Some(r) = rows.next()? {
        let i: i64 = r.get(0)?;
        if let Some(t) = usize::try_from(i).ok().and_then(|i| tables::TABLES.get(i)) {
            out.entry(t.name).or_default().insert(r.get(1)?);
        }
    }
    Ok(out)
}

/// The municipality of a partner site: that of the units it made (an
/// insert of the unit by that site is in the log, even where another site
/// registered the same unit first); before the partner's organisation has
/// arrived, that of the unit on its registered site card (src/bundle).
/// `None` for a site that is neither.
pub fn partner_municipality(conn: &Connection, site: SiteId) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let made: Option<String> = conn
        .query_row(
            "SELECT u.municipality FROM sync_change c JOIN unit u ON u.id = c.row_id
             WHERE c.site = ?1 AND c.tbl = 'unit' AND c.grp = '' ORDER BY c.hlc LIMIT 1",
            [site],
            |r| r.get(0),
        )
        .optional()?;
    match made {
        Some(m) => Ok(Some(m)),
        None => {
            Ok(conn.query_row("SELECT municipality FROM partner WHERE site = ?1", [site], |r| r.get(0)).optional()?)
        }
    }
}

/// A change as the partner may receive it: `None` when held back, else the
/// change, reduced where it names a person out of scope.
pub fn reduce(c: &Change, rows: &BTreeMap<&'static str, BTreeSet<String>>) -> Option<Change> {
    let in_scope = |table: &str, id: &str| rows.get(table).is_some_and(|s| s.contains(id));
    if !in_scope(&c.table, &c.row) {
        return None;
    }
    if c.table == "notification" {
        if let Some(serde_json::Value::String(client)) = c.value.get("client_id") {
            if !in_scope("client", client) {
                let mut reduced = c.clone();
                reduced.value.insert("client_id".into(), serde_json::Value::Null);
                return Some(reduced);
            }
        }
    }
    Some(c.clone())
}

/// Changes of the organisation only (units, staff), for a partner whose
/// municipality is not known yet: what it needs to know who we are.
pub fn organisation_only(c: &Change) -> bool {
    matches!(c.table.as_str(), "unit" | "staff")
}

/// The name of a unit that belongs to a registered partner site, `None`
/// for a unit of this site: a unit whose insert only other sites made, or
/// one in the municipality of a partner this journal exchanges with (other
/// than this site's own). Its staff are made by that site only, so two
/// journals never make staff of one unit apart (issue 12, item 7).
pub fn partner_unit(conn: &Connection, own: SiteId, unit: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let sql = "SELECT u.name FROM unit u, site s WHERE u.id = ?1 AND s.id = ?2 AND (
                 (EXISTS (SELECT 1 FROM sync_change c WHERE c.row_id = u.id AND c.grp = '')
                  AND NOT EXISTS (SELECT 1 FROM sync_change c WHERE c.row_id = u.id AND c.grp = '' AND c.site = ?2))
                 OR (u.municipality <> (SELECT municipality FROM unit WHERE id = s.unit_id)
                     AND u.municipality IN (
                       SELECT pu.municipality FROM sync_peer p JOIN sync_change c ON c.site = p.site AND c.tbl = 'unit' AND c.grp = ''
                       JOIN unit pu ON pu.id = c.row_id)))";
    Ok(conn.prepare_cached(sql)?.query_row(rusqlite::params![unit, own.to_string()], |r| r.get(0)).optional()?)
}
