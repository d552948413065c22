//! The audit chain's head kept outside the database, in `<journal>.head`, so
//! that a journal which has lost committed entries is found when it is
//! opened rather than opened as if nothing happened.
//!
//! Between checkpoints, committed work lives only in the journal's `-wal`
//! file. A copy of the journal without it (a sync tool that skips it, a file
//! copied back from a stick, a `-wal` deleted as "junk") is an older journal
//! whose audit chain still verifies. After every commit the write path
//! records the newest audit entry's `(seq, hash)` here (never lowering it);
//! `Journal::open` and login refuse a journal whose audit log lacks that
//! entry (`Error::JournalBehind`), and `tovholder check` reports it.
//!
//! Cost and durability (docs/journal-format.md, "The head file"): a commit
//! writes the file in place under an exclusive lock, without fsync (about
//! 0.05 ms, a fifth of a small commit; an fsync would add 0.1 to 3 ms, up to
//! four small commits; `tovholder bench`). The journal's WAL is not synced per commit either
//! (`synchronous = NORMAL`). A checkpoint, which runs when every command
//! ends and when the app locks or quits, syncs the journal and then this
//! file, so after a clean close both are durable and agree. Only a power
//! loss within seconds of a write can leave the head ahead of the journal,
//! and then committed work really was lost; the message says how to go on.
//!
//! The file is fixed-length text (frozen format, golden test in
//! tests/it/faults.rs):
//!
//! ```text
//! tovholder-head 1
//! site <journal site id>
//! seq <20 decimal digits>
//! hash <64 hex digits>
//! check <SHA-256 of the four lines above, each with its newline, lower-case hex>
//! ```
//!
//! A journal that keeps a head file is marked so inside itself
//! (`journal_meta` key `head_file`, [`MARKER`]): the write path sets it in the
//! transaction of the first write that records a head, after writing the
//! file with the head the journal already has (so a process that sees the
//! marker finds the file). A marked journal whose file is missing, torn,
//! damaged or of another journal (another site id) is refused at open
//! (`Error::HeadMissing`): a journal file copied alone cannot be told apart
//! from one that lost its `-wal`. `tovholder check --accept` (leader or
//! administrator, audited) accepts it as it is and writes its head anew. An
//! unmarked journal (made before the marker, never written since) is opened
//! whatever the file says, and marked at its first write.
//!
//! Must not: refuse an unmarked journal on a head it cannot read; lower the
//! head; fail a write that has committed; change a file when it refuses.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use super::Journal;
use crate::error::{Error, HeadFault, Result};
use crate::model::SiteId;

/// The head file beside `journal`.
pub fn path_for(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".head");
    PathBuf::from(p)
}

/// The newest audit entry of a journal, as the head file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub site: SiteId,
    pub seq: i64,
    pub hash: String,
}

const MAGIC: &str = "tovholder-head 1\n";

impl Head {
    fn body(&self) -> String {
        format!("{MAGIC}site {}\nseq {:020}\nhash {}\n", self.site, self.seq, self.hash)
    }

    /// The file's bytes (see the module doc).
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = self.body();
        let check = hex::encode(Sha256::digest(body.as_bytes()));
        format!("{body}check {check}\n").into_bytes()
    }

    /// The head a file holds; `None` for anything this program did not
    /// write whole.
    pub fn parse(bytes: &[u8]) -> Option<Head> {
        let text = std::str::from_utf8(bytes).ok()?;
        let rest = text.strip_prefix(MAGIC)?;
        let mut lines = rest.split_terminator('\n');
        let site: SiteId = lines.next()?.strip_prefix("site ")?.parse().ok()?;
        let seq_text = lines.next()?.strip_prefix("seq ")?;
        let hash = lines.next()?.strip_prefix("hash ")?.to_string();
        let check = lines.next()?.strip_prefix("check ")?;
        if lines.next().is_some() || seq_text.len() != 20 || hash.len() != 64 {
            return None;
        }
        let head = Head { site, seq: seq_text.parse().ok()?, hash };
        // Exactly the bytes this head is written as (no torn last line).
        (hex::encode(Sha256::digest(head.body().as_bytes())) == check && head.to_bytes() == bytes).then_some(head)
    }
}

/// The `journal_meta` key that marks a journal as keeping a head file.
pub const MARKER: &str = "head_file";

/// The head recorded beside `journal`, if there is a whole one.
pub fn read(journal: &Path) -> Option<Head> {
    state(journal).ok()
}

/// The head file beside `journal`: its head, or what is wrong with it (a
/// file of another journal is whole here; the caller compares the site).
fn state(journal: &Path) -> std::result::Result<Head, HeadFault> {
    let file = match std::fs::File::open(path_for(journal)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(HeadFault::Missing),
        Err(_) => return Err(HeadFault::Damaged),
    };
    file.lock_shared().map_err(|_| HeadFault::Damaged)?;
    let mut bytes = Vec::with_capacity(256);
    file.take(4096).read_to_end(&mut bytes).map_err(|_| HeadFault::Damaged)?;
    Head::parse(&bytes).ok_or(HeadFault::Damaged)
}

/// Record `head` beside `journal` unless the file already holds this
/// journal's head at `head.seq` or later: in place, under an exclusive lock
/// (processes committing at once never lower it), not synced (`sync`).
pub(crate) fn record(journal: &Path, head: &Head) -> std::io::Result<()> {
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path_for(journal))?;
    file.lock()?;
    let mut old = Vec::with_capacity(256);
    (&mut file).take(4096).read_to_end(&mut old)?;
    if Head::parse(&old).is_some_and(|o| o.site == head.site && o.seq >= head.seq) {
        return Ok(());
    }
    let bytes = head.to_bytes();
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&bytes)?;
    file.set_len(bytes.len() as u64)?;
    Ok(())
}

/// Make the head file durable (after a checkpoint made the journal so).
pub(crate) fn sync(journal: &Path) {
    let _ = crate::security::keys::sync_file(&path_for(journal));
}

/// Write `head` beside `journal` whatever was there, durably: for a journal
/// that has just been put in place (a restore, a backup, a demo), where an
/// older file at that name describes another journal's past.
pub(crate) fn replace(journal: &Path, head: &Head) -> Result<()> {
    crate::security::keys::write_durably(&path_for(journal), &head.to_bytes())
}

/// The newest audit entry of the database file at `path` (a backup just
/// made), read without opening it as a journal.
pub(crate) fn newest_in(path: &Path, key: Option<&crate::security::keys::DbKey>, site: SiteId) -> Result<Option<Head>> {
    let conn = super::connect(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
    newest(&conn, site)
}

/// Is the journal marked as keeping a head file?
pub(crate) fn marked(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM journal_meta WHERE key = ?1")?
        .query_row([MARKER], |_| Ok(()))
        .optional()?
        .is_some())
}

/// In the write path's transaction `tx` of a journal not yet marked: write
/// the head it has now beside it (never lowering one there), then mark it.
/// The file is whole before the mark can commit, so a journal seen marked
/// has its file; a failure to write it fails the write, which is retried.
pub(crate) fn mark(tx: &rusqlite::Transaction<'_>, journal: &Path, site: SiteId) -> Result<()> {
    if let Some(head) = newest(tx, site)? {
        record(journal, &head)?;
    }
    tx.prepare_cached("INSERT INTO journal_meta (key, value) VALUES (?1, '1') ON CONFLICT (key) DO NOTHING")?
        .execute([MARKER])?;
    Ok(())
}

/// The newest entry of the journal's audit log.
fn newest(conn: &rusqlite::Connection, site: SiteId) -> Result<Option<Head>> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok(Head { site, seq: r.get(0)?, hash: r.get(1)? }))
        .optional()?)
}

impl Journal {
    /// After a commit of the write path: record the audit log's head. A
    /// failure is not the write's (it has committed); the head file is only
    /// a safety net, and the next write or checkpoint tries again.
    pub(crate) fn record_head(&self) {
        if let Ok(Some(head)) = newest(self.connection(), self.site()) {
            let _ = record(self.path(), &head);
        }
    }

    /// The journal's own head (its newest audit entry), if it has any.
    pub(crate) fn head(&self) -> Result<Option<Head>> {
        newest(self.connection(), self.site())
    }

    /// `Err(JournalBehind)` when the head file beside the journal names an
    /// audit entry this journal does not hold as written: committed work is
    /// missing; `Err(HeadMissing)` when the journal is marked as keeping a
    /// head file and none of its own is there. The file is read before the
    /// journal, so a commit of another process in between is seen by the
    /// query, never a false alarm; and read again when the first read found
    /// none but the journal is marked (the mark commits after the file is
    /// written, so that second read finds it unless it is really gone).
    pub(crate) fn verify_head(&self) -> Result<()> {
        let site = self.site();
        let conn = self.connection();
        let head = match state(self.path()) {
            Ok(head) if head.site == site => head,
            _ if !marked(conn)? => return Ok(()),
            _ => match state(self.path()) {
                Ok(head) if head.site == site => head,
                found => {
                    return Err(Error::HeadMissing {
                        path: self.path().to_path_buf(),
                        head_file: path_for(self.path()),
                        fault: found.map_or_else(|f| f, |_| HeadFault::OtherJournal),
                    })
                }
            },
        };
        let hash: Option<String> = conn
            .prepare_cached("SELECT hash FROM audit_log WHERE seq = ?1")?
            .query_row([head.seq], |r| r.get(0))
            .optional()?;
        if hash.as_deref() == Some(head.hash.as_str()) {
            return Ok(());
        }
        let have: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| r.get(0))?;
        Err(Error::JournalBehind {
            path: self.path().to_path_buf(),
            head_file: path_for(self.path()),
            head: head.seq,
            have,
            diverged: hash.is_some(),
        })
    }

    /// Accept this journal as it is (`tovholder check --accept`, leader or
    /// administrator): an audit entry says what was accepted (`finding`, the
    /// head problem found, e.g. `missing` or `behind head=12 have=9`), and
    /// the head file is written anew with its newest entry, whatever was
    /// there. The head it now has.
    pub fn accept_head(&mut self, ctx: &super::Ctx, finding: &str) -> Result<Head> {
        self.authorize(ctx, crate::security::roles::Action::AcceptJournal)?;
        let detail = format!("accepted {finding}");
        self.write(ctx, |w| {
            w.audit(super::write::AuditAction::Change, None, Some("journal_head"), Some(detail));
            Ok(())
        })?;
        let head = self.head()?.ok_or(Error::NotAJournal)?;
        replace(self.path(), &head)?;
        Ok(head)
    }
}
