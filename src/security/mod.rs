//! Security: the encrypted journal and its key slots (`keys`), personal
//! logins, roles (`roles`), the citizen's access log, backups.
//!
//! Must not: print, log or `Debug` a key or password; let a role do what the
//! matrix in `roles::allowed` does not allow; write outside the write path.

pub mod audit;
pub mod backup;
pub mod check;
pub mod keys;
pub mod roles;
pub mod scope;
pub mod throttle;
pub mod users;

use std::path::Path;
use std::sync::Arc;

use rusqlite::OptionalExtension;
use zeroize::Zeroizing;

use crate::error::{Error, Invalid, Refusals, Result};
use crate::model::*;
use crate::store::write::AuditAction;
use crate::store::{Ctx, Journal, Setup};
use keys::{DbKey, KdfParams, Keyring, Secret};
use roles::{Action, Role};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

fn check_password(p: &Secret) -> Result<(), Invalid> {
    if p.expose().chars().count() < MIN_PASSWORD_CHARS {
        Err(Invalid::PasswordTooShort { min: MIN_PASSWORD_CHARS })
    } else {
        Ok(())
    }
}

/// Every broken rule of a new journal's set-up at once (the first start's
/// form, and `tovholder init`): the unit's name (`name`), its municipality
/// (from the list every new journal knows), the first user's name
/// (`staff_name`) and initials, and the password. The journal's own rules
/// at creation still apply after this; they find nothing more here.
pub fn check_setup(setup: &Setup, password: &Secret) -> Result<()> {
    use crate::store::required;
    let mut refused = Refusals::new();
    refused.check(required(&setup.unit.name, "name"));
    let known = crate::store::municipalities()?;
    if !known.iter().any(|m| m.code == setup.unit.municipality) {
        refused.push(Invalid::UnknownMunicipality { code: setup.unit.municipality.clone(), field: "municipality" });
    }
    refused.check(required(&setup.first_staff.name, "staff_name"));
    if let Some(initials) = refused.check(required(&setup.first_staff.initials, "initials")) {
        if !(2..=8).contains(&initials.chars().count()) {
            refused.push(Invalid::OutOfRange { field: "initials", min: 2, max: 8 });
        }
    }
    refused.check(check_password(password));
    refused.finish()
}

impl Journal {
    /// Make a new encrypted journal with a random key, a key slot for the
    /// first member of staff (log-in name: their initials) and a recovery
    /// slot. Returns the recovery key, to be shown once and kept safe.
    pub fn create_keyed(
        path: &Path,
        setup: &Setup,
        password: &Secret,
        clock: Arc<dyn Clock>,
        kdf: KdfParams,
    ) -> Result<(Journal, Ctx, Secret)> {
        check_setup(setup, password)?;
        if Keyring::exists(path) {
            return Err(Error::AlreadyExists(Keyring::path_for(path)));
        }
        let key = DbKey::random();
        let (journal, ctx) = Journal::create_with(path, setup, clock, Some(key.clone()))?;
        let recovery = keys::new_recovery_key();
        let mut ring = Keyring::new(journal.site());
        let login = setup.first_staff.initials.trim().to_uppercase();
        let sealed = ring
            .set_user(&login, ctx.staff, password, &key, kdf)
            .and_then(|_| ring.set_recovery(&recovery, &key, kdf))
            .and_then(|_| ring.save(path));
        if let Err(e) = sealed {
            drop(journal);
            crate::store::remove_journal_files(path, true);
            return Err(e);
        }
        Ok((journal, ctx, recovery))
    }

    /// Log in: unwrap the key with the user's password, open the journal,
    /// and write the login (and any failed attempts since the last login) to
    /// the audit log. A wrong password and an unknown user get the same
    /// answer; after three failures in a row of one login name, that name
    /// must wait longer each time (`throttle`), no one else. The keyring is
    /// read, never written.
    pub fn login(path: &Path, login: &str, password: &Secret, clock: Arc<dyn Clock>) -> Result<(Journal, Ctx)> {
        let now = clock.now();
        let (ring, key, staff) = unlock(path, login, password, now)?;
        // The key came out of an authenticated slot, so a journal it cannot
        // read is damaged (or the keyring belongs to another journal).
        let mut journal = Journal::open_with_key(path, &key).map_err(|e| match e {
            Error::NotAJournal => Error::JournalDamaged(path.to_path_buf()),
            other => other,
        })?;
        if journal.site() != ring.journal {
            return Err(Error::KeyringDamaged(ring.file().to_path_buf()));
        }
        let active: Option<bool> = journal
            .connection()
            .query_row("SELECT active FROM staff WHERE id = ?1", [staff], |r| r.get(0))
            .optional()?;
        if active != Some(true) {
            throttle::record_failure(path, login, now)?;
            return Err(Error::LoginFailed);
        }
        let ctx = Ctx::new(staff, clock);
        let failed = throttle::succeeded(path, login)?;
        // Written now, or queued while another process holds the journal
        // for an import (store::queue): a login never waits for one.
        let mut entries = crate::store::write::AuditEntries::default();
        for f in &failed {
            entries.push(AuditAction::LoginFailed, None, Some(format!("login={} at={}", f.login, f.at.to_rfc3339())));
        }
        entries.push(AuditAction::Login, None, None);
        let logged = journal.write_audit(&ctx, entries);
        if let Err(e) = logged {
            throttle::give_back(path, failed)?;
            return Err(e);
        }
        Ok((journal, ctx))
    }

    /// Use the recovery key to make a new administrator (when every
    /// administrator has forgotten their password).
    pub fn recover(
        path: &Path,
        recovery: &Secret,
        admin: &StaffRecord,
        password: &Secret,
        clock: Arc<dyn Clock>,
        kdf: KdfParams,
    ) -> Result<(Journal, Ctx)> {
        check_password(password)?;
        let _held = Keyring::lock(path)?;
        let mut ring = Keyring::load(path)?;
        let key = ring.unlock_recovery(recovery)?.ok_or(Error::LoginFailed)?;
        let mut journal = Journal::open_with_key(path, &key).map_err(|e| match e {
            Error::NotAJournal => Error::JournalDamaged(path.to_path_buf()),
            other => other,
        })?;
        let id = admin.id.unwrap_or_default();
        // The new administrator belongs to this site's unit.
        let record =
            StaffRecord { id: Some(id), unit_id: journal.unit(), role: "administrator".into(), ..admin.clone() };
        let ctx = Ctx::new(id, clock);
        let codes = journal.codes();
        journal.write_as_setup(&ctx, |w| {
            crate::store::insert_staff_via(w, &codes, &record)?;
            w.audit(AuditAction::Login, None, None, Some("recovery".into()));
            Ok(())
        })?;
        ring.set_user(&record.initials, id, password, &key, kdf)?;
        ring.save(path)?;
        Ok((journal, ctx))
    }

    /// Give a member of staff a login (or a new password). Administrators do
    /// this for anyone; everyone may change their own password.
    pub fn set_login(&mut self, ctx: &Ctx, staff: StaffId, password: &Secret, kdf: KdfParams) -> Result<()> {
        if staff != ctx.staff {
            self.authorize(ctx, Action::ManageStaff)?;
        }
        check_password(password)?;
        let key = self.key().cloned().ok_or(Error::NotEncrypted)?;
        let initials: String = self
            .connection()
            .query_row("SELECT initials FROM staff WHERE id = ?1 AND active = 1", [staff], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound(crate::error::Entity::Staff))?;
        let _held = Keyring::lock(self.path())?;
        let mut ring = Keyring::load(self.path())?;
        let held_by_other =
            ring.has_login(&initials) && !ring.user_slot_of(staff).is_some_and(|l| l.eq_ignore_ascii_case(&initials));
        if held_by_other {
            // Another unit's member of staff with the same initials logs in here.
            return Err(Invalid::InitialsTaken { initials }.into());
        }
        ring.set_user(&initials, staff, password, &key, kdf)?;
        self.write(ctx, |w| {
            w.audit(AuditAction::Change, None, Some("login"), Some(format!("login={initials}")));
            Ok(())
        })?;
        ring.save(self.path())
    }

    /// Take a member of staff's login away and mark them inactive. The
    /// journal is not re-encrypted; their slot is deleted.
    pub fn remove_login(&mut self, ctx: &Ctx, staff: StaffId) -> Result<()> {
        self.authorize(ctx, Action::ManageStaff)?;
        if staff == ctx.staff {
            return Err(Invalid::OwnLogin.into());
        }
        let initials: String = self
            .connection()
            .query_row("SELECT initials FROM staff WHERE id = ?1", [staff], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound(crate::error::Entity::Staff))?;
        let _held = Keyring::lock(self.path())?;
        let mut ring = Keyring::load(self.path())?;
        ring.remove_user(&initials);
        self.write(ctx, |w| {
            let inactive = false;
            w.update("staff", &staff, &[("active", &inactive)], None, crate::error::Entity::Staff)
        })?;
        ring.save(self.path())
    }

    /// The acting member of staff's role and unit.
    pub fn role_of(&self, staff: StaffId) -> Result<(Role, UnitId)> {
        let (role, unit): (String, UnitId) = self
            .connection()
            .prepare_cached("SELECT role, unit_id FROM staff WHERE id = ?1 AND active = 1")?
            .query_row([staff], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| Error::UnknownUser(staff.to_string()))?;
        Ok((Role::from_code(&role).ok_or_else(|| Error::UnknownUser(staff.to_string()))?, unit))
    }

    /// Refuse unless the acting member of staff's role may do `action`.
    pub fn authorize(&self, ctx: &Ctx, action: Action) -> Result<Role> {
        let (role, _) = self.role_of(ctx.staff)?;
        if roles::allowed(role, action) {
            Ok(role)
        } else {
            Err(Error::Forbidden { what: action.label() })
        }
    }

    /// May the acting member of staff see this client? Everyone with
    /// `ReadRecord` may, except a family consultant, who sees only the cases
    /// shared with their unit.
    pub fn can_see_client(&self, ctx: &Ctx, client: ClientId) -> Result<bool> {
        let (role, unit) = self.role_of(ctx.staff)?;
        if !roles::allowed(role, Action::ReadRecord) {
            return Ok(false);
        }
        if role != Role::FamilyConsultant {
            return Ok(true);
        }
        let sql = format!("SELECT {}", roles::client_shared("?1", "?2"));
        Ok(self.connection().prepare_cached(&sql)?.query_row(rusqlite::params![client, unit], |r| r.get(0))?)
    }
}

/// The first steps of a login (and of `check`): the journal is there, the
/// name is not throttled, and the password opens its slot; a wrong one
/// counts against that name alone.
pub(crate) fn unlock(
    path: &Path,
    login: &str,
    password: &Secret,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Keyring, DbKey, StaffId)> {
    if !path.is_file() {
        return Err(Error::NoJournal(path.to_path_buf()));
    }
    let ring = Keyring::load(path)?;
    let wait = throttle::wait_seconds(path, login, now)?;
    if wait > 0 {
        return Err(Error::LoginThrottled { seconds: wait });
    }
    let Some((key, staff)) = ring.unlock_user(login, password)? else {
        throttle::record_failure(path, login, now)?;
        return Err(Error::LoginFailed);
    };
    Ok((ring, key, staff))
}

/// The raw database key, from the recovery key: for opening the journal with
/// a standard SQLCipher tool in an emergency (`PRAGMA key = "x'<hex>'"`).
pub fn raw_key_from_recovery(path: &Path, recovery: &Secret) -> Result<Zeroizing<String>> {
    let ring = Keyring::load(path)?;
    let key = ring.unlock_recovery(recovery)?.ok_or(Error::LoginFailed)?;
    Ok(key.to_hex())
}
