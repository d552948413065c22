//! Which cases travel to a partner and when they last did: the mark on the
//! client list and the client page (issue 14, item 4).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::model::time::danish_date;
use crate::model::ClientId;
use crate::security::roles::Action;
use crate::store::{Ctx, Journal};

/// A case shared with partner municipalities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sharing {
    pub client: ClientId,
    /// The partners' names, sorted: a partner the case has been sent to
    /// (and not revoked from since), or the partner it came from.
    pub partners: Vec<String>,
    /// The last day a case bundle to or from a partner held something of
    /// the case (Danish time), if one has.
    pub last_exchanged: Option<NaiveDate>,
}

impl Journal {
    /// The sharing of each of `clients` the reader may see that is shared
    /// with a partner; the others are left out. Reading it is reading the
    /// client list (`Action::ReadRecord`, within the reader's scope).
    pub fn client_sharing(&mut self, ctx: &Ctx, clients: &[ClientId]) -> Result<Vec<Sharing>> {
        let reader = self.reader(ctx, Action::ReadRecord)?;
        let conn = self.connection();
        let mut visible = conn.prepare_cached(&format!(
            "SELECT 1 FROM client c WHERE c.id = ?1 AND {}",
            reader.client_in_scope("c.id")
        ))?;
        let mut partners = conn.prepare_cached(
            "SELECT p.name FROM partner p
             WHERE EXISTS (SELECT 1 FROM sync_scope s WHERE s.site = p.site AND s.row_id = ?1 AND s.since_seq >= 0)
                OR p.site = (SELECT origin_site FROM client WHERE id = ?1)
             ORDER BY p.name",
        )?;
        let mut last = conn.prepare_cached(
            "SELECT max(at) FROM audit_log
             WHERE person_id = ?1 AND entity = 'bundle' AND action IN ('export', 'import')",
        )?;
        let mut out: BTreeMap<ClientId, Sharing> = BTreeMap::new();
        for id in clients {
            if out.contains_key(id) || !visible.exists([id])? {
                continue;
            }
            let names: Vec<String> = partners.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            if names.is_empty() {
                continue;
            }
            let at: Option<String> = last.query_row([id], |r| r.get(0))?;
            let last_exchanged = at.and_then(|t| t.parse::<DateTime<Utc>>().ok()).map(danish_date);
            out.insert(*id, Sharing { client: *id, partners: names, last_exchanged });
        }
        Ok(clients.iter().filter_map(|id| out.remove(id)).collect())
    }
}
