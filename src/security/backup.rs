//! Encrypted backup and restore, retention, and the citizen's insight report.
//!
//! A backup is `VACUUM INTO` a new file: SQLCipher writes it encrypted with
//! the journal's own key, so the keyring file is copied beside it and the same
//! logins open it. Retention deletes, through the write path and only for the
//! leader, the records whose last entry is older than the retention period.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use super::audit::AccessEntry;
use super::keys::{Keyring, Secret};
use super::roles::Action;
use crate::error::{Entity, Error, Result};
use crate::model::views::FullRecord;
use crate::model::*;
use crate::store::write::AuditAction;
use crate::store::{Ctx, Journal};

/// Default retention: journal records are kept at least 10 years after the
/// last entry (SPEC §3).
pub const DEFAULT_RETENTION_YEARS: u32 = 10;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupInfo {
    pub journal: PathBuf,
    pub keyring: Option<PathBuf>,
    pub bytes: u64,
}

/// A client whose record has passed its retention period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Expired {
    pub client_id: ClientId,
    pub name: String,
    pub last_entry: NaiveDate,
}

/// Everything held about one person, with who has looked at it: the answer
/// to a citizen's request for insight (aktindsigt / indsigt).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonReport {
    pub made_on: NaiveDate,
    pub record: FullRecord,
    pub access: Vec<AccessEntry>,
}

impl Journal {
    /// Write an encrypted copy of the journal (with its keyring and its head
    /// file, `store::head`) to `dest`.
    /// The copy is made under a temporary name beside `dest`, checked
    /// (every page's authentication, integrity, foreign keys) and synced, and
    /// only then given its name: a backup reported done is whole, and a
    /// failed one leaves no file behind.
    pub fn backup(&mut self, ctx: &Ctx, dest: &Path) -> Result<BackupInfo> {
        self.authorize(ctx, Action::Backup)?;
        if dest.exists() {
            return Err(Error::AlreadyExists(dest.to_path_buf()));
        }
        // A keyring alone at `dest` is refused, unless it is this journal's
        // own, left by a backup interrupted between its last two steps.
        if Keyring::exists(dest) && !Keyring::load(dest).is_ok_and(|r| r.journal == self.site()) {
            return Err(Error::AlreadyExists(Keyring::path_for(dest)));
        }
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A missing folder is said as such, before anything is written.
            std::fs::metadata(dir)?;
        }
        let tmp = temporary_beside(dest);
        let target = tmp.to_str().ok_or(Error::AlreadyExists(dest.to_path_buf()))?.to_string();
        // The entry goes in first, so the copy holds it too.
        self.write(ctx, |w| {
            w.audit(AuditAction::Backup, None, None, Some(format!("to={}", dest.display())));
            Ok(())
        })?;
        let made = self.backup_into(&target, &tmp, dest);
        if made.is_err() {
            crate::store::remove_journal_files(&tmp, true);
            if !dest.exists() {
                let _ = std::fs::remove_file(Keyring::path_for(dest));
                let _ = std::fs::remove_file(crate::store::head::path_for(dest));
            }
        }
        made
    }

    fn backup_into(&mut self, target: &str, tmp: &Path, dest: &Path) -> Result<BackupInfo> {
        self.connection().execute("VACUUM INTO ?1", params![target])?;
        crate::security::keys::sync_file(tmp)?;
        let problems = crate::store::verify_file(tmp, self.key());
        if !problems.is_empty() {
            return Err(Error::BackupDamaged { path: dest.to_path_buf(), problems: problems.join("; ") });
        }
        let keyring = if self.is_encrypted() {
            let mut ring = Keyring::load(self.path())?;
            ring.save(dest)?;
            Some(Keyring::path_for(dest))
        } else {
            None
        };
        // The copy's own head beside it (one left at `dest` by another
        // journal would be wrong), so the backup opens as it is; restore
        // writes the head from the backup itself and does not need it.
        match crate::store::head::newest_in(tmp, self.key(), self.site())? {
            Some(h) => crate::store::head::replace(dest, &h)?,
            None => remove_if_there(&crate::store::head::path_for(dest))?,
        }
        std::fs::rename(tmp, dest)?;
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::keys::sync_dir(dir)?;
        }
        let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        Ok(BackupInfo { journal: dest.to_path_buf(), keyring, bytes })
    }

    /// Clients whose last entry is more than `years` years before `today`.
    pub fn expired(&self, ctx: &Ctx, years: u32, today: NaiveDate) -> Result<Vec<Expired>> {
        self.authorize(ctx, Action::Retention)?;
        let limit = today - chrono::Months::new(12 * years);
        let mut out = Vec::new();
        let mut stmt = self.connection().prepare("SELECT id, name FROM client ORDER BY name, id")?;
        let clients: Vec<(ClientId, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut last = self.connection().prepare_cached(crate::sync::retention::LAST_ENTRY_SQL)?;
        for (id, name) in clients {
            let d: Option<String> = last.query_row([id], |r| r.get(0))?;
            let Some(d) = d.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) else { continue };
            if d < limit {
                out.push(Expired { client_id: id, name, last_entry: d });
            }
        }
        Ok(out)
    }

    /// Delete a client's whole record after its retention period (leader
    /// only). Refused unless the client is on the `expired` list. Children
    /// linked to no other client go with it. The audit log keeps the trace;
    /// partners receive a tombstone (docs/sync.md "Retention").
    pub fn delete_expired(&mut self, ctx: &Ctx, client: ClientId, years: u32) -> Result<usize> {
        let today = ctx.clock.today();
        if !self.expired(ctx, years, today)?.iter().any(|e| e.client_id == client) {
            return Err(Error::NotExpired);
        }
        let limit = today - chrono::Months::new(12 * years);
        // Through the sync engine: the record goes, and a tombstone that
        // partners re-check by the same rule travels in its place.
        self.write(ctx, |w| {
            let n = crate::sync::retention::delete_local(w, &client.to_string(), years, limit)?;
            if n == 0 {
                return Err(Error::NotFound(Entity::Client));
            }
            Ok(n)
        })
    }

    /// Everything held about one client and who has looked at it, for the
    /// citizen (leader only). The report is itself logged.
    pub fn person_report(&mut self, ctx: &Ctx, client: ClientId) -> Result<PersonReport> {
        self.authorize(ctx, Action::ReadAudit)?;
        let record = self.client_record(ctx, client)?;
        let access = self.access_log(ctx, client.0)?;
        Ok(PersonReport { made_on: ctx.clock.today(), record, access })
    }
}

/// Remove a file; one that is not there is fine.
fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// A name for a file being made beside `path`, unique to this attempt.
pub(crate) fn temporary_beside(path: &Path) -> PathBuf {
    use rand::RngCore;
    let mut rnd = [0u8; 6];
    rand::rng().fill_bytes(&mut rnd);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = format!(".{name}.{}-{}.tmp", std::process::id(), hex::encode(rnd));
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

/// Restore a backup to `target` (which must not exist). The backup is
/// checked first, without writing to it: the login's key must open it and
/// every page, its integrity, its foreign keys and its audit chain must be
/// whole; a damaged backup is refused and nothing is made. The journal and
/// its keyring are then copied under temporary names and renamed.
pub fn restore(
    backup: &Path,
    target: &Path,
    login: &str,
    password: &Secret,
    clock: std::sync::Arc<dyn Clock>,
) -> Result<Journal> {
    if target.exists() || Keyring::exists(target) {
        return Err(Error::AlreadyExists(target.to_path_buf()));
    }
    if !backup.is_file() {
        return Err(Error::NoJournal(backup.to_path_buf()));
    }
    let ring = Keyring::load(backup)?;
    let now = clock.now();
    let wait = super::throttle::wait_seconds(backup, login, now)?;
    if wait > 0 {
        return Err(Error::LoginThrottled { seconds: wait });
    }
    let Some((key, _)) = ring.unlock_user(login, password)? else {
        super::throttle::record_failure(backup, login, now)?;
        return Err(Error::LoginFailed);
    };
    let damaged = |problems: String| Error::BackupDamaged { path: backup.to_path_buf(), problems };
    let mut problems = ring.problems();
    problems.extend(crate::store::verify_file(backup, Some(&key)));
    if !problems.is_empty() {
        return Err(damaged(problems.join("; ")));
    }
    let head = {
        let j = Journal::open_unverified(backup, &key).map_err(|e| damaged(e.to_string()))?;
        if j.site() != ring.journal {
            return Err(damaged("nøglefilen hører til en anden journal".into()));
        }
        if let Some(seq) = j.verify_audit()? {
            return Err(damaged(format!("adgangsloggen er brudt ved indførsel nr. {seq}")));
        }
        j.head()?
    };
    let tmp = temporary_beside(target);
    let copied = (|| -> Result<()> {
        std::fs::copy(backup, &tmp)?;
        crate::security::keys::sync_file(&tmp)?;
        let mut ring = ring.clone();
        ring.save(target)?;
        // The restored journal is the newest there is: a head file left at
        // `target` by the journal it replaces must not call it behind.
        match &head {
            Some(h) => crate::store::head::replace(target, h)?,
            None => remove_if_there(&crate::store::head::path_for(target))?,
        }
        std::fs::rename(&tmp, target)?;
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::keys::sync_dir(dir)?;
        }
        Ok(())
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&tmp);
        if !target.exists() {
            let _ = std::fs::remove_file(Keyring::path_for(target));
        }
        return Err(e);
    }
    Ok(Journal::login(target, login, password, clock)?.0)
}
