//! The journal's key and the key slots that wrap it.
//!
//! The journal is a SQLCipher database keyed with a random 256-bit key (a
//! "raw key", so SQLCipher spends no time on its own key derivation and any
//! SQLCipher 4 client can open the file with it in an emergency). The key is
//! never stored in the clear: each user has a *slot* in the keyring file next
//! to the journal (`<journal>.keys`) holding the key encrypted
//! (XChaCha20-Poly1305) under a key derived from their password with
//! Argon2id, with the slot's identity bound as associated data. Adding or
//! removing a user or changing a password rewrites a slot, never the journal.
//! A recovery slot, opened by the recovery key shown once at set-up, can
//! create a new administrator.
//!
//! Keys and passwords are zeroized when dropped and never `Debug`-printed.

use std::fmt;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::model::{SiteId, StaffId};

/// The journal's 256-bit database key. Zeroized on drop; Debug shows nothing.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn random() -> DbKey {
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        DbKey(k)
    }

    /// The SQLCipher raw-key form `x'…'` (64 hex digits), for `PRAGMA key`.
    /// The caller zeroizes the returned string after use.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode_upper(self.0)))
    }

    /// The key as 64 hex digits: what a standard SQLCipher tool needs to open
    /// the journal in an emergency (`PRAGMA key = "x'<hex>'"`).
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode_upper(self.0))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(***)")
    }
}

/// A password or recovery key as typed. Zeroized on drop; Debug shows nothing.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Argon2id cost. The defaults are measured by `tovholder bench-login` so a
/// login takes well under a second on a unit's laptop (README "Security").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane (RFC 9106's second recommended option uses
    /// 64 MiB and 3 passes; OWASP's minimum is 19 MiB and 2 passes).
    pub const DEFAULT: KdfParams = KdfParams { m_kib: 64 * 1024, t: 3, p: 1 };
    /// Cheap parameters for tests only; a journal made with them is weak.
    pub const TEST_ONLY: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };
}

fn derive(secret: &Secret, salt: &[u8], kdf: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|_| Error::KeyringDamaged)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon.hash_password_into(secret.bytes(), salt, out.as_mut()).map_err(|_| Error::KeyringDamaged)?;
    Ok(out)
}

/// What a slot opens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    User,
    Recovery,
}

/// One wrapped copy of the database key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub kind: SlotKind,
    /// The login name (staff initials, upper case); "RECOVERY" for the recovery slot.
    pub login: String,
    pub staff_id: Option<StaffId>,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
}

impl Slot {
    fn aad(&self, journal: SiteId) -> String {
        let staff = self.staff_id.map(|s| s.to_string()).unwrap_or_default();
        format!("tovholder-keyring-v1|{journal}|{:?}|{}|{staff}", self.kind, self.login)
    }

    fn seal(
        kind: SlotKind,
        login: &str,
        staff_id: Option<StaffId>,
        secret: &Secret,
        key: &DbKey,
        journal: SiteId,
        kdf: KdfParams,
    ) -> Result<Slot> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut salt);
        rand::rng().fill_bytes(&mut nonce);
        let mut slot = Slot {
            kind,
            login: login.to_uppercase(),
            staff_id,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: String::new(),
        };
        let kek = derive(secret, &salt, kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let aad = slot.aad(journal);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.0, aad: aad.as_bytes() })
            .map_err(|_| Error::KeyringDamaged)?;
        slot.wrapped = hex::encode(sealed);
        Ok(slot)
    }

    /// The database key, if `secret` opens this slot.
    fn open(&self, secret: &Secret, journal: SiteId) -> Result<Option<DbKey>> {
        let salt = hex::decode(&self.salt).map_err(|_| Error::KeyringDamaged)?;
        let nonce = hex::decode(&self.nonce).map_err(|_| Error::KeyringDamaged)?;
        let wrapped = hex::decode(&self.wrapped).map_err(|_| Error::KeyringDamaged)?;
        if nonce.len() != 24 {
            return Err(Error::KeyringDamaged);
        }
        let kek = derive(secret, &salt, self.kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let aad = self.aad(journal);
        match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: aad.as_bytes() }) {
            Ok(mut plain) if plain.len() == 32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(&plain);
                plain.zeroize();
                Ok(Some(DbKey(k)))
            }
            Ok(mut plain) => {
                plain.zeroize();
                Err(Error::KeyringDamaged)
            }
            Err(_) => Ok(None),
        }
    }
}

/// A failed login, kept until the next successful one writes it to the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLogin {
    pub at: DateTime<Utc>,
    pub login: String,
}

/// The keyring file beside a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub format: String,
    pub version: u32,
    /// The site id of the journal the slots belong to (bound into every slot).
    pub journal: SiteId,
    pub slots: Vec<Slot>,
    #[serde(default)]
    pub failed: Vec<FailedLogin>,
}

/// Failures allowed before logins are slowed down.
const FREE_FAILURES: usize = 3;

impl Keyring {
    pub const FORMAT: &'static str = "tovholder-keyring";

    pub fn path_for(journal: &Path) -> PathBuf {
        let mut p = journal.as_os_str().to_owned();
        p.push(".keys");
        PathBuf::from(p)
    }

    pub fn new(journal: SiteId) -> Keyring {
        Keyring { format: Self::FORMAT.into(), version: 1, journal, slots: Vec::new(), failed: Vec::new() }
    }

    pub fn exists(journal: &Path) -> bool {
        Self::path_for(journal).is_file()
    }

    pub fn load(journal: &Path) -> Result<Keyring> {
        let text = std::fs::read_to_string(Self::path_for(journal)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::KeyringMissing,
            _ => Error::Io(e),
        })?;
        let k: Keyring = serde_json::from_str(&text).map_err(|_| Error::KeyringDamaged)?;
        if k.format != Self::FORMAT || k.version != 1 {
            return Err(Error::KeyringDamaged);
        }
        Ok(k)
    }

    /// Write atomically: a temporary file, synced, then renamed over the old.
    pub fn save(&self, journal: &Path) -> Result<()> {
        use std::io::Write;
        let path = Self::path_for(journal);
        let tmp = path.with_extension("keys.tmp");
        let text = serde_json::to_string_pretty(self).map_err(|_| Error::KeyringDamaged)?;
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        Ok(())
    }

    /// The login (initials) of the user slot held by `staff`, if any.
    pub fn user_slot_of(&self, staff: StaffId) -> Option<&str> {
        self.slots.iter().find(|s| s.kind == SlotKind::User && s.staff_id == Some(staff)).map(|s| s.login.as_str())
    }

    pub fn has_login(&self, login: &str) -> bool {
        self.slots.iter().any(|s| s.kind == SlotKind::User && s.login.eq_ignore_ascii_case(login.trim()))
    }

    /// Add (or replace) a user's slot.
    pub fn set_user(
        &mut self,
        login: &str,
        staff: StaffId,
        password: &Secret,
        key: &DbKey,
        kdf: KdfParams,
    ) -> Result<()> {
        let slot = Slot::seal(SlotKind::User, login.trim(), Some(staff), password, key, self.journal, kdf)?;
        self.slots.retain(|s| !(s.kind == SlotKind::User && s.login == slot.login));
        self.slots.push(slot);
        Ok(())
    }

    /// Replace the recovery slot.
    pub fn set_recovery(&mut self, recovery: &Secret, key: &DbKey, kdf: KdfParams) -> Result<()> {
        let normal = Secret::new(normalise_recovery(recovery.expose()));
        let slot = Slot::seal(SlotKind::Recovery, "RECOVERY", None, &normal, key, self.journal, kdf)?;
        self.slots.retain(|s| s.kind != SlotKind::Recovery);
        self.slots.push(slot);
        Ok(())
    }

    pub fn remove_user(&mut self, login: &str) -> bool {
        let before = self.slots.len();
        self.slots.retain(|s| !(s.kind == SlotKind::User && s.login.eq_ignore_ascii_case(login.trim())));
        self.slots.len() != before
    }

    /// Seconds still to wait before the next attempt, after repeated failures:
    /// none for the first three, then 2, 4, 8 … up to 300 seconds.
    pub fn wait_seconds(&self, now: DateTime<Utc>) -> i64 {
        let n = self.failed.len();
        if n < FREE_FAILURES {
            return 0;
        }
        let delay = 1i64 << (n - FREE_FAILURES + 1).min(9);
        let delay = delay.min(300);
        let last = self.failed.last().map(|f| f.at).unwrap_or(now);
        (delay - (now - last).num_seconds()).max(0)
    }

    /// Try a login. The same answer (`None`) for an unknown login and a wrong
    /// password, and about the same time: an unknown login still pays for one
    /// key derivation.
    pub fn unlock_user(&self, login: &str, password: &Secret) -> Result<Option<(DbKey, StaffId)>> {
        match self.slots.iter().find(|s| s.kind == SlotKind::User && s.login.eq_ignore_ascii_case(login.trim())) {
            Some(slot) => Ok(slot.open(password, self.journal)?.and_then(|k| slot.staff_id.map(|s| (k, s)))),
            None => {
                let _ = derive(password, &[0u8; 16], KdfParams::DEFAULT)?;
                Ok(None)
            }
        }
    }

    pub fn unlock_recovery(&self, recovery: &Secret) -> Result<Option<DbKey>> {
        let normal = Secret::new(normalise_recovery(recovery.expose()));
        match self.slots.iter().find(|s| s.kind == SlotKind::Recovery) {
            Some(slot) => slot.open(&normal, self.journal),
            None => Ok(None),
        }
    }
}

/// A new recovery key: 128 random bits as 8 groups of 4 hex digits.
pub fn new_recovery_key() -> Secret {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    let h = hex::encode_upper(b);
    b.zeroize();
    let groups: Vec<&str> = (0..8).map(|i| &h[i * 4..i * 4 + 4]).collect();
    Secret::new(groups.join("-"))
}

/// Recovery keys are compared without dashes, spaces or case.
fn normalise_recovery(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase()
}
