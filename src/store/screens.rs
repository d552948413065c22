//! Small read-only queries that a screen of the desktop app needs and no
//! workflow operation returns. Reads only: nothing here writes the journal.

use super::Journal;
use crate::error::Result;
use crate::model::Code;

impl Journal {
    /// The municipalities the journal knows (code and name), by code: the
    /// choices for a client's municipality of residence.
    pub fn municipalities(&self) -> Result<Vec<Code>> {
        let mut stmt = self.connection().prepare_cached("SELECT code, name FROM municipality ORDER BY code")?;
        let rows = stmt.query_map([], |r| Ok(Code { code: r.get(0)?, label: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The municipalities a new journal knows (the rows `schema.sql` gives every
/// journal), read without a journal: the choices of the first-run screen,
/// before there is a journal to ask.
pub fn municipalities() -> Result<Vec<Code>> {
    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch(super::SCHEMA_SQL)?;
    let mut stmt = conn.prepare("SELECT code, name FROM municipality ORDER BY name, code")?;
    let rows = stmt.query_map([], |r| Ok(Code { code: r.get(0)?, label: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
