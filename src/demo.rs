//! The encrypted demo journal, made the same way by the CLI's `demo` and the
//! desktop app's `--demo`: the fictional `fixtures/demo.json` (or another
//! journal file), keyed, with every demo user logging in with one password.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Invalid, Result};
use crate::model::{Clock, JournalFile};
use crate::security::keys::{KdfParams, Keyring, Secret};
use crate::store::ImportSummary;
use crate::{Ctx, Journal, Setup};

/// The demo's password for every demo user (fictional data only).
pub const DEMO_PASSWORD: &str = "demo-adgangskode";

/// The hand-made demo journal (Faxe + Stevns, fictional people).
pub const DEMO_JSON: &str = include_str!("../fixtures/demo.json");

/// The embedded demo journal, parsed.
pub fn demo_file() -> Result<JournalFile> {
    crate::store::parse_journal_file(DEMO_JSON)
}

/// The set-up of a journal made from `file`: its first unit and first staff member.
pub fn setup_from(file: &JournalFile) -> Result<Setup> {
    let unit = file.units.first().cloned().ok_or(Invalid::Required { field: "units" })?;
    let staff = file.staff.first().cloned().ok_or(Invalid::Required { field: "staff" })?;
    Ok(Setup { site_name: unit.name.clone(), unit, first_staff: staff })
}

/// A demo journal made by `make_demo`.
pub struct Demo {
    /// Open, logged in as the file's first member of staff.
    pub journal: Journal,
    pub ctx: Ctx,
    pub recovery: Secret,
    pub summary: ImportSummary,
}

/// Make an encrypted journal at `path` from `file`: a key slot with
/// `password` for the first member of staff, the import, then the same
/// password for every other member of staff. The journal is made under a
/// temporary name beside `path` and renamed (keyring first, journal last)
/// only when complete, so nothing is left at `path` (journal or key file) if
/// any step fails or the program is killed half-way.
pub fn make_demo(
    path: &Path,
    file: &JournalFile,
    password: &Secret,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
) -> Result<Demo> {
    let setup = setup_from(file)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(Error::from)?;
    }
    if path.exists() {
        return Err(Error::AlreadyExists(path.to_path_buf()));
    }
    if Keyring::exists(path) {
        return Err(Error::AlreadyExists(Keyring::path_for(path)));
    }
    let tmp = crate::security::backup::temporary_beside(path);
    let (mut journal, ctx, recovery) = Journal::create_keyed(&tmp, &setup, password, clock.clone(), kdf)?;
    let filled = journal.import(&ctx, file).and_then(|summary| {
        for staff in file.staff.iter().skip(1).filter_map(|s| s.id) {
            journal.set_login(&Ctx::new(staff, clock.clone()), staff, password, kdf)?;
        }
        Ok(summary)
    });
    drop(journal);
    let placed = filled.and_then(|summary| {
        // The audit head moves with the journal (store::head).
        match std::fs::rename(crate::store::head::path_for(&tmp), crate::store::head::path_for(path)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        std::fs::rename(Keyring::path_for(&tmp), Keyring::path_for(path))?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::security::keys::sync_dir(dir)?;
        }
        Ok(summary)
    });
    match placed {
        Ok(summary) => {
            // What the making left beside the temporary name (the keyring's lock file).
            crate::store::remove_journal_files(&tmp, true);
            let (journal, ctx) = Journal::login(path, &setup.first_staff.initials, password, clock)?;
            Ok(Demo { journal, ctx, recovery, summary })
        }
        Err(e) => {
            crate::store::remove_journal_files(&tmp, true);
            if !path.exists() {
                let _ = std::fs::remove_file(Keyring::path_for(path));
            }
            Err(e)
        }
    }
}

/// The environment variable that makes new key slots cheap to derive, so
/// tests need not pay for real Argon2id. Never set it for a real journal.
pub const INSECURE_FAST_KDF_VAR: &str = "TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS";

/// Argon2id cost for new key slots: `KdfParams::DEFAULT`, or
/// `KdfParams::TEST_ONLY` when `TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS=1`.
pub fn kdf_from_env() -> KdfParams {
    if std::env::var(INSECURE_FAST_KDF_VAR).is_ok_and(|v| v == "1") {
        KdfParams::TEST_ONLY
    } else {
        KdfParams::DEFAULT
    }
}
