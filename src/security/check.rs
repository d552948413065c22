//! `tovholder check` and the app's "Kontrollér journalen": every file of a
//! journal checked, not assumed. The keyring's checksums, SQLCipher's
//! authentication of every page, SQLite's integrity and foreign-key checks,
//! the audit head kept beside the journal (`store::head`: nothing committed
//! is missing) and the audit chain, each answered in Danish with what to do.
//!
//! Must not: write to a journal that may be damaged (the check reads only;
//! its login is not audited, since the journal may not take a write), or let
//! a role other than the leader or administrator run it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::keys::Secret;
use super::roles::Action;
use crate::error::{Error, HeadFault, Result};
use crate::model::Clock;
use crate::store::Ctx;
use crate::Journal;

/// One part of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckItem {
    /// `keyring`, `pages`, `head` (nothing committed is missing), `audit`.
    pub part: &'static str,
    /// What was checked, in Danish.
    pub what: &'static str,
    pub ok: bool,
    /// What was found (Danish), and what to do when it is not ok.
    pub message: String,
}

/// The answer of a check: the journal checked and each part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckReport {
    pub journal: PathBuf,
    pub items: Vec<CheckItem>,
    /// The head finding as the error an open gives.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    head: Option<HeadFinding>,
}

/// What the head part found, to give as the error an open gives
/// (`JournalBehind` or `HeadMissing`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum HeadFinding {
    Behind { head_file: PathBuf, head: i64, have: i64, diverged: bool },
    Missing { head_file: PathBuf, fault: HeadFault },
}

impl HeadFinding {
    fn of(e: &Error) -> Option<HeadFinding> {
        match e {
            Error::JournalBehind { head_file, head, have, diverged, .. } => Some(HeadFinding::Behind {
                head_file: head_file.clone(),
                head: *head,
                have: *have,
                diverged: *diverged,
            }),
            Error::HeadMissing { head_file, fault, .. } => {
                Some(HeadFinding::Missing { head_file: head_file.clone(), fault: *fault })
            }
            _ => None,
        }
    }

    fn error(&self, path: &Path) -> Error {
        match self.clone() {
            HeadFinding::Behind { head_file, head, have, diverged } => {
                Error::JournalBehind { path: path.to_path_buf(), head_file, head, have, diverged }
            }
            HeadFinding::Missing { head_file, fault } => {
                Error::HeadMissing { path: path.to_path_buf(), head_file, fault }
            }
        }
    }

    /// For the audit entry of an accept.
    fn detail(&self) -> String {
        match self {
            HeadFinding::Behind { head, have, diverged, .. } => {
                format!("{} head={head} have={have}", if *diverged { "diverged" } else { "behind" })
            }
            HeadFinding::Missing { fault, .. } => format!("head_file={}", fault.code()),
        }
    }
}

impl CheckReport {
    /// Every part is ok.
    pub fn ok(&self) -> bool {
        self.items.iter().all(|i| i.ok)
    }

    /// The error a caller exits with when the check found something:
    /// `journal_behind` or `head_missing` when only the head part did (the
    /// files are whole, committed work may be missing), else
    /// `journal_damaged`; `None` when all is well.
    pub fn error(&self) -> Option<Error> {
        if self.ok() {
            return None;
        }
        Some(match &self.head {
            Some(h) if self.only_head() => h.error(&self.journal),
            _ => Error::JournalDamaged(self.journal.clone()),
        })
    }

    /// Only the head part found something.
    fn only_head(&self) -> bool {
        self.items.iter().filter(|i| !i.ok).all(|i| i.part == "head")
    }
}

/// The answer of `tovholder check --accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AcceptReport {
    /// The journal was accepted (false: there was nothing to accept).
    pub accepted: bool,
    /// What was accepted or why nothing was, in Danish.
    pub message: String,
    /// The check after the accept (or the one that found nothing to accept).
    pub check: CheckReport,
}

const RESTORE: &str = "Gendan journalen fra den nyeste sikkerhedskopi (tovholder restore), og kontrollér den igen.";

/// Check the encrypted journal at `path` as `login` (leader or
/// administrator). A wrong password is refused (and throttled) as at login;
/// a journal or keyring too damaged to open is an answer, not an error.
pub fn check_journal(path: &Path, login: &str, password: &Secret, clock: Arc<dyn Clock>) -> Result<CheckReport> {
    let (ring, key, staff) = super::unlock(path, login, password, clock.now())?;
    check_unlocked(path, &ring, &key, staff, clock)
}

/// `tovholder check --accept`: check the journal as `check_journal` does;
/// when only the head part finds something (the head file is missing,
/// damaged or another journal's, or committed work is missing), accept the
/// journal as it is (leader or administrator; audited, `Journal::accept_head`)
/// and check it again. Anything else found is refused as the check's error,
/// and nothing is written; a journal without findings is left as it is.
pub fn accept_journal(path: &Path, login: &str, password: &Secret, clock: Arc<dyn Clock>) -> Result<AcceptReport> {
    let (ring, key, staff) = super::unlock(path, login, password, clock.now())?;
    let before = check_unlocked(path, &ring, &key, staff, clock.clone())?;
    let finding = match &before.head {
        _ if before.ok() => {
            return Ok(AcceptReport {
                accepted: false,
                message: "Journalen er i orden; der er intet at godkende.".to_string(),
                check: before,
            })
        }
        Some(h) if before.only_head() => h.clone(),
        _ => return Err(before.error().unwrap_or_else(|| Error::JournalDamaged(path.to_path_buf()))),
    };
    let ctx = Ctx::new(staff, clock.clone());
    let head = {
        let mut journal = Journal::open_unverified(path, &key)?;
        journal.accept_head(&ctx, &finding.detail())?
    };
    let check = check_unlocked(path, &ring, &key, staff, clock)?;
    Ok(AcceptReport {
        accepted: true,
        message: format!(
            "Journalen {} er godkendt, som den er (til og med indførsel nr. {}); godkendelsen står i adgangsloggen. Det, den manglede, kan kun hentes fra en sikkerhedskopi.",
            path.display(),
            head.seq
        ),
        check,
    })
}

/// The check of an unlocked journal.
fn check_unlocked(
    path: &Path,
    ring: &super::keys::Keyring,
    key: &super::keys::DbKey,
    staff: crate::model::StaffId,
    clock: Arc<dyn Clock>,
) -> Result<CheckReport> {
    let mut items = Vec::new();
    let problems = ring.problems();
    items.push(CheckItem {
        part: "keyring",
        what: "Nøglefilen",
        ok: problems.is_empty(),
        message: if problems.is_empty() {
            format!("Nøglefilen er intakt ({} nøgler).", ring.slots.len())
        } else {
            format!(
                "Nøglefilen {} er beskadiget: {}. Gendan nøglefilen fra sikkerhedskopien; de berørte brugere kan ikke logge ind, før det er gjort.",
                ring.file().display(),
                problems.join("; ")
            )
        },
    });
    let pages = crate::store::verify_file(path, Some(key));
    items.push(CheckItem {
        part: "pages",
        what: "Journalens sider og struktur",
        ok: pages.is_empty(),
        message: if pages.is_empty() {
            "Alle sider er intakte (kryptering, struktur og henvisninger).".to_string()
        } else {
            format!("Journalen {} er beskadiget: {}. {RESTORE}", path.display(), pages.join("; "))
        },
    });
    if !pages.is_empty() {
        return Ok(CheckReport { journal: path.to_path_buf(), items, head: None });
    }
    let journal = Journal::open_unverified(path, key)?;
    if journal.site() != ring.journal {
        return Err(Error::KeyringDamaged(ring.file().to_path_buf()));
    }
    let ctx = Ctx::new(staff, clock);
    journal.authorize(&ctx, Action::Backup)?;
    let newest = journal.head()?.map(|h| h.seq).unwrap_or(0);
    let mut head = None;
    let (ok, message) = match journal.verify_head() {
        Ok(()) => (true, format!("Journalen rummer alt, hvad der er gemt (til og med indførsel nr. {newest}).")),
        Err(e) => match HeadFinding::of(&e) {
            Some(finding) => {
                head = Some(finding);
                (false, e.to_string())
            }
            None => return Err(e),
        },
    };
    items.push(CheckItem { part: "head", what: "Det senest gemte", ok, message });
    let (waiting, unreadable, kept) =
        crate::store::queue::count(path, &crate::store::queue::Sealer::new(Some(key), journal.site()));
    let damaged_file = crate::store::queue::damaged_path_for(path);
    items.push(CheckItem {
        part: "queue",
        what: "Adgangsposter i kø",
        ok: unreadable + kept == 0,
        message: if unreadable + kept > 0 {
            format!(
                "{} adgangsposter i køen kunne ikke læses (filen {} eller {}): de er beskadiget, og det er ikke sikkert, at adgangsloggen har alle opslag. Gem filerne til undersøgelse, og kontakt den ansvarlige for it-sikkerheden.",
                unreadable + kept,
                crate::store::queue::path_for(path).display(),
                damaged_file.display()
            )
        } else if waiting > 0 {
            format!("{waiting} adgangsposter venter på at blive skrevet i adgangsloggen; det sker, når journalen er ledig.")
        } else {
            "Ingen adgangsposter venter.".to_string()
        },
    });
    let broken = journal.verify_audit()?;
    let entries: i64 = journal.connection().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    items.push(CheckItem {
        part: "audit",
        what: "Adgangsloggen",
        ok: broken.is_none(),
        message: match broken {
            None => format!("Adgangsloggens kæde er intakt ({entries} indførsler)."),
            Some(seq) => format!(
                "Adgangsloggen er ændret eller beskadiget fra indførsel nr. {seq}. Gem journalen, som den er, til undersøgelse, og kontakt den ansvarlige for it-sikkerheden. {RESTORE}"
            ),
        },
    });
    Ok(CheckReport { journal: path.to_path_buf(), items, head })
}
