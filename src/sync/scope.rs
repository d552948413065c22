//! What a partner may receive (SPEC §5 "Scope").
//!
//! Today: everything in the log except internal notes and corrections of
//! them, which never leave the site. The partner's citizens, consented
//! family cases, settlement lines and notifications to the partner's family
//! department (issue 12, item 5) are not yet computed here; see
//! docs/sync.md "Not yet".

use rusqlite::{Connection, OptionalExtension};

use super::Change;
use crate::error::Result;

/// May this change leave the site?
pub fn may_send(conn: &Connection, c: &Change) -> Result<bool> {
    if c.table != "note" {
        return Ok(true);
    }
    if c.value.get("internal").and_then(|v| v.as_i64()) == Some(1) {
        return Ok(false);
    }
    if let Some(serde_json::Value::String(corrects)) = c.value.get("corrects") {
        let internal: Option<i64> = conn
            .prepare_cached("SELECT internal FROM note WHERE id = ?1")?
            .query_row([corrects], |r| r.get(0))
            .optional()?;
        if internal == Some(1) {
            return Ok(false);
        }
    }
    Ok(true)
}
