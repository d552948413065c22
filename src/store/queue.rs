//! Access entries waiting for the journal's write lock, in
//! `<journal>.audit-queue`, so that reading works while another process
//! holds the lock for minutes (an import of a large file).
//!
//! SQLite's WAL lets a reader read while a writer writes; what made a read
//! wait was its audit entry (a login, a read of a person's record), which is
//! a write. When the lock is not free within `write::AUDIT_WAIT`, those
//! entries are appended here and synced to disk *before* the data is shown;
//! the next transaction that finds the lock free writes them into the audit
//! chain (`Journal::flush_queue` in write.rs) with their own time and member
//! of staff, and empties this file. The chain stays one chain: queued entries
//! are appended to it like any other, later in sequence than their time.
//!
//! Never lost, never twice:
//! - an entry is acknowledged (the data shown) only after its line is synced;
//!   a crash while appending leaves a torn last line of an entry nobody saw,
//!   cut off by the next append;
//! - the flush holds the journal's write lock, then this file's lock, reads
//!   every entry, appends those not yet written, records *all* their ids in
//!   the same transaction (`journal_meta` key `audit_queue`), commits with
//!   `synchronous = FULL` (durable before anything is removed here), and only
//!   then empties the file. A crash between the commit and emptying the file
//!   leaves entries whose ids the journal already names: skipped next time;
//! - a whole line that fails its authentication (damage, not a torn append)
//!   is moved to `<journal>.audit-queue.damaged`, which `tovholder check`
//!   reports, never dropped.
//!
//! The file (frozen format, golden test in tests/it/faults.rs) is one line
//! per entry: `q1 <24-byte nonce, hex> <XChaCha20-Poly1305 ciphertext, hex>`
//! of the entry as JSON (`Queued`), with the associated data
//! `tovholder-audit-queue-1|<site id>`. The key is SHA-256 of
//! `tovholder-audit-queue-1\0` and the database key, so who read whose record
//! is as secret as the journal; an unencrypted journal (tests only) uses its
//! site id instead, which authenticates but does not hide.
//!
//! Must not: acknowledge an entry before it is durable; drop an entry it
//! cannot read; write an entry into the chain twice.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::model::SiteId;
use crate::security::keys::DbKey;

/// The queue beside `journal`.
pub fn path_for(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".audit-queue");
    PathBuf::from(p)
}

/// Where lines that failed their check are kept (reported by `check`).
pub fn damaged_path_for(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".audit-queue.damaged");
    PathBuf::from(p)
}

/// One audit entry as it waits: every field of `audit_log` but its place in
/// the chain, plus an id of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    pub id: String,
    pub at: String,
    pub staff: String,
    pub action: String,
    pub person: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub purpose: Option<String>,
    pub detail: Option<String>,
}

const LABEL: &str = "tovholder-audit-queue-1";

/// The queue's cipher for this journal (see the module doc).
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    aad: Vec<u8>,
}

impl Sealer {
    pub fn new(key: Option<&DbKey>, site: SiteId) -> Sealer {
        let mut h = Sha256::new();
        h.update(LABEL.as_bytes());
        h.update([0u8]);
        match key {
            Some(k) => h.update(k.to_hex().as_bytes()),
            None => h.update(site.to_string().as_bytes()),
        }
        let k = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
        Sealer { cipher: XChaCha20Poly1305::new(k.as_ref().into()), aad: format!("{LABEL}|{site}").into_bytes() }
    }

    /// The line (with its newline) of `entry` under `nonce`.
    pub fn line(&self, entry: &Queued, nonce: [u8; 24]) -> Option<String> {
        let json = Zeroizing::new(serde_json::to_vec(entry).ok()?);
        let sealed =
            self.cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: json.as_slice(), aad: &self.aad }).ok()?;
        Some(format!("q1 {} {}\n", hex::encode(nonce), hex::encode(sealed)))
    }

    /// The entry of one line (without its newline); `None` if it is not one
    /// this journal's program wrote whole.
    pub fn open(&self, line: &str) -> Option<Queued> {
        let mut parts = line.split(' ');
        if parts.next()? != "q1" {
            return None;
        }
        let nonce = hex::decode(parts.next()?).ok()?;
        let sealed = hex::decode(parts.next()?).ok()?;
        if nonce.len() != 24 || parts.next().is_some() {
            return None;
        }
        let json = Zeroizing::new(
            self.cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &self.aad }).ok()?,
        );
        serde_json::from_slice(&json).ok()
    }
}

/// Is anything waiting? (One `stat`; the caller takes the locks.)
pub fn pending(journal: &Path) -> bool {
    std::fs::metadata(path_for(journal)).is_ok_and(|m| m.len() > 0)
}

/// Cut a torn last line (an append that never finished, so never
/// acknowledged) off the locked file, leaving the cursor at its end.
fn cut_torn_tail(file: &mut File) -> std::io::Result<u64> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) as u64;
    if whole < bytes.len() as u64 {
        file.set_len(whole)?;
    }
    file.seek(SeekFrom::Start(whole))?;
    Ok(whole)
}

/// Append `entries` durably: when this returns `Ok`, they are on disk.
pub fn append(journal: &Path, sealer: &Sealer, entries: &[Queued]) -> std::io::Result<()> {
    let mut text = String::new();
    for e in entries {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        text.push_str(&sealer.line(e, nonce).ok_or_else(|| std::io::Error::other("seal"))?);
    }
    let path = path_for(journal);
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
    file.lock()?;
    let len = cut_torn_tail(&mut file)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    if len == 0 {
        // A new (or emptied) file: make its directory entry durable too.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::security::keys::sync_dir(dir)?;
        }
    }
    Ok(())
}

/// The queue, locked until dropped or `clear`ed: its readable entries and
/// the whole lines that failed their check.
pub struct Taken {
    file: File,
    journal: PathBuf,
    pub entries: Vec<Queued>,
    pub damaged: Vec<String>,
}

fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    // Only whole lines: a torn last one was never acknowledged.
    let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    bytes[..whole].split(|b| *b == b'\n').filter(|l| !l.is_empty())
}

fn parse(sealer: &Sealer, bytes: &[u8]) -> (Vec<Queued>, Vec<String>) {
    let mut entries = Vec::new();
    let mut damaged = Vec::new();
    for line in lines(bytes) {
        match std::str::from_utf8(line).ok().and_then(|l| sealer.open(l)) {
            Some(e) => entries.push(e),
            None => damaged.push(String::from_utf8_lossy(line).into_owned()),
        }
    }
    (entries, damaged)
}

/// Lock the queue and read it (`None`: there is no queue file).
pub fn take(journal: &Path, sealer: &Sealer) -> std::io::Result<Option<Taken>> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path_for(journal)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    file.lock()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let (entries, damaged) = parse(sealer, &bytes);
    Ok(Some(Taken { file, journal: journal.to_path_buf(), entries, damaged }))
}

impl Taken {
    /// Empty the queue, once its entries are durably in the journal; lines
    /// that failed their check are kept in the `.damaged` file first.
    pub fn clear(self) -> std::io::Result<()> {
        if !self.damaged.is_empty() {
            let mut keep = OpenOptions::new().append(true).create(true).open(damaged_path_for(&self.journal))?;
            let text: String = self.damaged.iter().map(|l| format!("{l}\n")).collect();
            keep.write_all(text.as_bytes())?;
            keep.sync_all()?;
        }
        self.file.set_len(0)?;
        self.file.sync_all()
    }
}

/// What waits, for `check` (read under a shared lock, nothing changed): the
/// readable entries, the lines that fail their check, and the lines kept in
/// the `.damaged` file.
pub fn count(journal: &Path, sealer: &Sealer) -> (usize, usize, usize) {
    let (mut ok, mut bad) = (0, 0);
    if let Ok(mut f) = File::open(path_for(journal)) {
        let mut bytes = Vec::new();
        if f.lock_shared().is_ok() && f.read_to_end(&mut bytes).is_ok() {
            let (e, d) = parse(sealer, &bytes);
            (ok, bad) = (e.len(), d.len());
        }
    }
    let kept = std::fs::read(damaged_path_for(journal)).map(|b| lines(&b).count()).unwrap_or(0);
    (ok, bad, kept)
}
