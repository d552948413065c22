//! User administration: the staff with their logins as the administrator
//! sees them, adding a member of staff together with their key slot, and the
//! installation's local security settings (the idle lock).
//!
//! Must not: leave a member of staff without the slot they were given, or a
//! slot without its member of staff, when one half fails; overwrite another
//! person's slot; write the journal outside the write path.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::keys::{KdfParams, Keyring, Secret};
use super::roles::Action;
use crate::error::{Error, Invalid, Result};
use crate::model::codes::CodeList;
use crate::model::views::Coded;
use crate::model::{StaffId, StaffRecord, UnitId};
use crate::store::{Ctx, Journal};

/// The role the first user of a new journal gets: only an administrator can
/// give the others their logins (`Action::ManageStaff`), and the recovery key
/// makes an administrator too.
pub const FIRST_USER_ROLE: &str = "administrator";

/// Minutes without use before the app locks, when the installation has not
/// chosen otherwise.
pub const DEFAULT_IDLE_MINUTES: u32 = 10;
/// The range an installation may choose from (a working day at most).
pub const IDLE_MINUTES_RANGE: (u32, u32) = (1, 480);

const IDLE_KEY: &str = "idle_minutes";

/// A member of staff as the administrator sees them: who, which role and
/// unit, whether still active, and whether they can log in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffAccount {
    pub id: StaffId,
    pub name: String,
    pub initials: String,
    pub role: Coded,
    pub unit_id: UnitId,
    pub unit: String,
    pub active: bool,
    /// A key slot for them exists in this installation's keyring.
    pub has_login: bool,
}

impl Journal {
    /// Every member of staff (active first, then by unit and name), with
    /// whether they have a login. Administrator only.
    pub fn staff_accounts(&self, ctx: &Ctx) -> Result<Vec<StaffAccount>> {
        self.authorize(ctx, Action::ManageStaff)?;
        let ring = Keyring::load(self.path())?;
        let codes = self.codes();
        let mut stmt = self.connection().prepare_cached(
            "SELECT s.id, s.name, s.initials, s.role, s.unit_id, u.name, s.active
             FROM staff s JOIN unit u ON u.id = s.unit_id
             ORDER BY s.active DESC, s.unit_id <> ?1, u.name, s.name",
        )?;
        let rows = stmt.query_map([self.unit()], |r| {
            let id: StaffId = r.get(0)?;
            Ok(StaffAccount {
                id,
                name: r.get(1)?,
                initials: r.get(2)?,
                role: codes.coded(CodeList::Role, &r.get::<_, String>(3)?),
                unit_id: r.get(4)?,
                unit: r.get(5)?,
                active: r.get(6)?,
                has_login: ring.user_slot_of(id).is_some(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Add a member of staff and their login in one step (administrator).
    /// Nothing is
    /// kept when either half fails: the staff row is committed only once the
    /// keyring with their slot is saved, and the keyring is put back if the
    /// commit fails.
    pub fn add_user(&mut self, ctx: &Ctx, r: &StaffRecord, password: &Secret, kdf: KdfParams) -> Result<StaffId> {
        self.authorize(ctx, Action::ManageStaff)?;
        super::check_password(password)?;
        let key = self.key().cloned().ok_or(Error::NotEncrypted)?;
        let path = self.path().to_path_buf();
        let _held = Keyring::lock(&path)?;
        let mut before = Keyring::load(&path)?;
        let login = r.initials.trim().to_uppercase();
        if before.has_login(&login) {
            return Err(Invalid::InitialsTaken { initials: login }.into());
        }
        let record = StaffRecord { id: Some(r.id.unwrap_or_default()), ..r.clone() };
        let codes = self.codes();
        let mut saved = false;
        let result = self.write(ctx, |w| {
            let id = crate::store::insert_staff_via(w, &codes, &record)?;
            let mut ring = before.clone();
            ring.set_user(&login, id, password, &key, kdf)?;
            ring.save(&path)?;
            saved = true;
            w.audit(crate::store::write::AuditAction::Change, None, Some("login"), Some(format!("login={login}")));
            Ok(id)
        });
        if result.is_err() && saved {
            // The slot was written but the staff row was not: take it back.
            before.save(&path)?;
        }
        result
    }

    /// Change one's own password, proving the current one first (so that a
    /// journal left unlocked cannot be taken over). Any role.
    pub fn change_own_password(&mut self, ctx: &Ctx, current: &Secret, new: &Secret, kdf: KdfParams) -> Result<()> {
        super::check_password(new)?;
        let ring = Keyring::load(self.path())?;
        let login = ring.user_slot_of(ctx.staff).ok_or(Error::LoginFailed)?.to_string();
        match ring.unlock_user(&login, current)? {
            Some((_, staff)) if staff == ctx.staff => self.set_login(ctx, ctx.staff, new, kdf),
            _ => Err(Invalid::WrongPassword.into()),
        }
    }

    /// Minutes without use before the app locks, as this installation has
    /// chosen (`DEFAULT_IDLE_MINUTES` until someone does). Any logged-in user
    /// may read it: the app needs it for everyone.
    pub fn idle_minutes(&self) -> Result<u32> {
        let v: Option<String> = self
            .connection()
            .prepare_cached("SELECT value FROM journal_meta WHERE key = ?1")?
            .query_row([IDLE_KEY], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_MINUTES))
    }

    /// Choose the minutes without use before the app locks (leader or
    /// administrator). A local setting: it is not exchanged with other sites.
    pub fn set_idle_minutes(&mut self, ctx: &Ctx, minutes: u32) -> Result<()> {
        self.authorize(ctx, Action::Settings)?;
        let (min, max) = IDLE_MINUTES_RANGE;
        if !(min..=max).contains(&minutes) {
            return Err(Invalid::OutOfRange { field: "idle_minutes", min: min.into(), max: max.into() }.into());
        }
        self.write(ctx, |w| w.set_local_setting(IDLE_KEY, &minutes.to_string()))
    }
}
