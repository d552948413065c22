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

/// A partner site of the demo: the units of one other municipality in the
/// file, with their staff. Its own journal makes them; the demo journal
/// receives them by an exchange, as a real site receives a partner's
/// organisation (a journal never makes staff for a partner's unit).
pub struct PartnerPart {
    /// Its journal's set-up: its first unit, and an administrator of the
    /// partner's own (who stays in the partner's journal).
    pub setup: Setup,
    /// Its other units, and the staff of its units, as in the file.
    pub units: Vec<crate::model::UnitRecord>,
    pub staff: Vec<crate::model::StaffRecord>,
}

/// The partner sites of `file`: the units of municipalities other than the
/// first unit's, one partner per municipality.
pub fn partner_parts(file: &JournalFile) -> Vec<PartnerPart> {
    let own = file.units.first().map(|u| u.municipality.clone()).unwrap_or_default();
    let mut out: Vec<PartnerPart> = Vec::new();
    for u in file.units.iter().filter(|u| u.municipality != own) {
        let staff: Vec<_> = file.staff.iter().filter(|s| Some(s.unit_id) == u.id).cloned().collect();
        match out.iter_mut().find(|p| p.setup.unit.municipality == u.municipality) {
            Some(p) => {
                p.units.push(u.clone());
                p.staff.extend(staff);
            }
            None => {
                let admin = crate::model::StaffRecord {
                    id: None,
                    unit_id: u.id.unwrap_or_default(),
                    name: format!("Administrator, {}", u.name),
                    initials: "ADM".into(),
                    role: "administrator".into(),
                };
                out.push(PartnerPart {
                    setup: Setup { site_name: u.name.clone(), unit: u.clone(), first_staff: admin },
                    units: Vec::new(),
                    staff,
                });
            }
        }
    }
    out
}

/// Make a partner's journal at `path` (unencrypted: it holds only the
/// partner's organisation) with its units and staff.
pub fn partner_journal(path: &Path, part: &PartnerPart, clock: Arc<dyn Clock>) -> Result<(Journal, Ctx)> {
    let (mut j, ctx) = Journal::create(path, &part.setup, clock)?;
    for u in &part.units {
        j.add_unit(&ctx, u)?;
    }
    for s in &part.staff {
        j.add_staff(&ctx, s)?;
    }
    Ok((j, ctx))
}

/// Fill `journal` from `file`: first the partners' organisation, made by a
/// temporary journal of each partner and received by an exchange (only the
/// file's units and staff cross, not the partner's administrator), then the
/// file itself (the rows already received are skipped).
pub fn import_demo(
    journal: &mut Journal,
    ctx: &Ctx,
    file: &JournalFile,
    clock: Arc<dyn Clock>,
) -> Result<ImportSummary> {
    for part in partner_parts(file) {
        let tmp = crate::security::backup::temporary_beside(journal.path());
        let received = partner_journal(&tmp, &part, clock.clone()).and_then(|(mut pj, pctx)| {
            let mut set = pj.export_changes(&pctx, journal.site())?;
            let keep: Vec<String> = part
                .units
                .iter()
                .map(|u| u.id)
                .chain([part.setup.unit.id])
                .flatten()
                .map(|u| u.to_string())
                .chain(part.staff.iter().filter_map(|s| s.id).map(|s| s.to_string()))
                .collect();
            set.changes.retain(|c| keep.contains(&c.row));
            journal.merge_changes(ctx, &set)
        });
        crate::store::remove_journal_files(&tmp, true);
        received?;
    }
    journal.import(ctx, file)
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
    let filled = import_demo(&mut journal, &ctx, file, clock.clone()).and_then(|summary| {
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
