//! Failed logins, counted per login name in a small file beside the journal
//! (`<journal>.logins`), so one person's typing (or a stranger's) never slows
//! anyone else, and the keyring is never written by a login.
//!
//! The file holds, per case-folded login name (known or not: unknown initials
//! are throttled as their own name), the failures in a row and when the last
//! was; and the failed attempts not yet in the audit log, which the next
//! successful login (of anyone) writes there. It holds no secret. Every
//! change is a read-modify-write under an exclusive lock on the file, so
//! processes logging in at the same time never lose a count.
//!
//! Must not: block a login on another name's failures; let a damaged file
//! stop logins (it counts as empty).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::keys::fold_login;
use crate::error::Result;

/// Failures in a row allowed before that name's logins are slowed down.
pub const FREE_FAILURES: u32 = 3;
/// The longest wait, in seconds.
pub const MAX_WAIT_SECONDS: i64 = 300;
/// Names and unaudited attempts kept at most (the oldest go first), so a
/// stranger trying many names cannot grow the file without end.
const MAX_NAMES: usize = 1000;
const MAX_UNAUDITED: usize = 1000;

/// A failed login, kept until a successful one writes it to the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLogin {
    pub at: DateTime<Utc>,
    /// The login name as typed (trimmed, upper case).
    pub login: String,
}

/// One name's failures in a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Count {
    failures: u32,
    last: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    #[serde(default)]
    names: BTreeMap<String, Count>,
    #[serde(default)]
    unaudited: Vec<FailedLogin>,
}

/// The file of failed logins beside `journal`.
pub fn path_for(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".logins");
    PathBuf::from(p)
}

/// Seconds still to wait after `failures` in a row, the last at `last`:
/// none for the first three, then 2, 4, 8 … up to 300 seconds.
fn wait_after(failures: u32, last: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let delay = (1i64 << (failures - FREE_FAILURES + 1).min(9)).min(MAX_WAIT_SECONDS);
    (delay - (now - last).num_seconds()).max(0)
}

/// Run `f` on the record under an exclusive lock, writing it back when `f`
/// says it changed it.
fn with_record<T>(journal: &Path, f: impl FnOnce(&mut Record) -> (bool, T)) -> Result<T> {
    let path = path_for(journal);
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
    file.lock()?;
    let mut text = String::new();
    // A damaged or foreign file counts as empty: throttling must not lock
    // everyone out, and the file holds nothing that must be kept.
    let mut record: Record = match file.read_to_string(&mut text) {
        Ok(_) => serde_json::from_str(&text).unwrap_or_default(),
        Err(_) => Record::default(),
    };
    let (changed, out) = f(&mut record);
    if changed {
        write_record(&mut file, &record)?;
    }
    Ok(out)
}

fn write_record(file: &mut File, record: &Record) -> Result<()> {
    let text = serde_json::to_vec(record).unwrap_or_default();
    file.seek(SeekFrom::Start(0))?;
    file.set_len(0)?;
    file.write_all(&text)?;
    file.sync_data()?;
    Ok(())
}

/// Seconds `login` must still wait before the next attempt (0: go ahead).
/// A missing file means no failures.
pub fn wait_seconds(journal: &Path, login: &str, now: DateTime<Utc>) -> Result<i64> {
    if !path_for(journal).exists() {
        return Ok(0);
    }
    let name = fold_login(login);
    with_record(journal, |r| (false, r.names.get(&name).map(|c| wait_after(c.failures, c.last, now)).unwrap_or(0)))
}

/// Count a failed attempt for `login` (and keep it for the audit log).
pub fn record_failure(journal: &Path, login: &str, now: DateTime<Utc>) -> Result<()> {
    let name = fold_login(login);
    with_record(journal, |r| {
        let c = r.names.entry(name).or_insert(Count { failures: 0, last: now });
        c.failures = c.failures.saturating_add(1);
        c.last = now;
        if r.names.len() > MAX_NAMES {
            if let Some(oldest) = r.names.iter().min_by_key(|(_, c)| c.last).map(|(n, _)| n.clone()) {
                r.names.remove(&oldest);
            }
        }
        r.unaudited.push(FailedLogin { at: now, login: login.trim().to_uppercase() });
        if r.unaudited.len() > MAX_UNAUDITED {
            r.unaudited.remove(0);
        }
        (true, ())
    })
}

/// A successful login of `login`: its count starts again, and the failed
/// attempts not yet audited (of every name) are handed over for the audit
/// log. If writing them there fails, `give_back` puts them back.
pub fn succeeded(journal: &Path, login: &str) -> Result<Vec<FailedLogin>> {
    if !path_for(journal).exists() {
        return Ok(Vec::new());
    }
    let name = fold_login(login);
    with_record(journal, |r| {
        let had = r.names.remove(&name).is_some();
        let taken = std::mem::take(&mut r.unaudited);
        (had || !taken.is_empty(), taken)
    })
}

/// Put attempts taken by `succeeded` back, when the audit write failed.
pub fn give_back(journal: &Path, failed: Vec<FailedLogin>) -> Result<()> {
    if failed.is_empty() {
        return Ok(());
    }
    with_record(journal, |r| {
        let mut all = failed;
        all.append(&mut r.unaudited);
        r.unaudited = all;
        (true, ())
    })
}
