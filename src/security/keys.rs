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
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
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
    /// The most a keyring may ask for. This program writes `DEFAULT` or
    /// `TEST_ONLY`; a file asking for more (4 TiB of memory, a million passes)
    /// was damaged or edited, and is refused before any memory is taken.
    pub const MAX: KdfParams = KdfParams { m_kib: 256 * 1024, t: 10, p: 4 };
    /// The least a keyring may ask for (`TEST_ONLY`).
    pub const MIN: KdfParams = KdfParams::TEST_ONLY;

    /// Within `MIN..=MAX`, each parameter on its own.
    pub fn is_bounded(&self) -> bool {
        (Self::MIN.m_kib..=Self::MAX.m_kib).contains(&self.m_kib)
            && (Self::MIN.t..=Self::MAX.t).contains(&self.t)
            && (Self::MIN.p..=Self::MAX.p).contains(&self.p)
            && self.m_kib >= 8 * self.p
    }
}

/// A keyring (or one slot of it) that cannot be what this program wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Damaged;

fn derive(secret: &Secret, salt: &[u8], kdf: KdfParams) -> Result<Zeroizing<[u8; 32]>, Damaged> {
    if !kdf.is_bounded() {
        return Err(Damaged);
    }
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|_| Damaged)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon.hash_password_into(secret.bytes(), salt, out.as_mut()).map_err(|_| Damaged)?;
    Ok(out)
}

/// Initials as the keyring compares them: trimmed and Unicode case-folded
/// (full folding, so `øk`, `ØK` and `Øk` are one login).
pub fn fold_login(login: &str) -> String {
    caseless::default_case_fold_str(login.trim())
}

/// What a slot opens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    User,
    Recovery,
}

impl SlotKind {
    /// The kind as it is bound into a slot's associated data. Frozen: these
    /// are the bytes the first release wrote (they were its `Debug` names).
    const fn aad_tag(self) -> &'static [u8] {
        match self {
            SlotKind::User => b"User",
            SlotKind::Recovery => b"Recovery",
        }
    }
}

/// The associated data a slot's key is sealed with: which journal, which
/// kind of slot, whose. Frozen format (a golden test holds its bytes): if
/// these bytes change, every keyring written before fails to open.
///
/// `tovholder-keyring-v1|<journal site id>|<User|Recovery>|<login>|<staff id or empty>`
pub fn slot_aad(journal: SiteId, kind: SlotKind, login: &str, staff: Option<StaffId>) -> Vec<u8> {
    let mut aad = Vec::with_capacity(128);
    aad.extend_from_slice(b"tovholder-keyring-v1|");
    aad.extend_from_slice(journal.to_string().as_bytes());
    aad.push(b'|');
    aad.extend_from_slice(kind.aad_tag());
    aad.push(b'|');
    aad.extend_from_slice(login.as_bytes());
    aad.push(b'|');
    if let Some(staff) = staff {
        aad.extend_from_slice(staff.to_string().as_bytes());
    }
    aad
}

/// One field of a checksum: its length (8 bytes, big-endian), then its bytes.
fn put(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
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
    /// SHA-256 over the slot's fields (`Slot::checksum`), so a damaged slot
    /// is told apart from a wrong password. Absent in version-1 keyrings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

impl Slot {
    fn aad(&self, journal: SiteId) -> Vec<u8> {
        slot_aad(journal, self.kind, &self.login, self.staff_id)
    }

    /// The slot's checksum. Frozen format (golden test): SHA-256 over
    /// `tovholder-keyring-slot-v2`, the journal's site id, the kind tag, the
    /// login, the staff id (empty for none), the three KDF numbers as decimal
    /// text, salt, nonce and wrapped key as stored (hex), each field preceded
    /// by its length as 8 bytes big-endian; lower-case hex.
    pub fn checksum(&self, journal: SiteId) -> String {
        let mut h = Sha256::new();
        put(&mut h, b"tovholder-keyring-slot-v2");
        put(&mut h, journal.to_string().as_bytes());
        put(&mut h, self.kind.aad_tag());
        put(&mut h, self.login.as_bytes());
        put(&mut h, self.staff_id.map(|s| s.to_string()).unwrap_or_default().as_bytes());
        put(&mut h, self.kdf.m_kib.to_string().as_bytes());
        put(&mut h, self.kdf.t.to_string().as_bytes());
        put(&mut h, self.kdf.p.to_string().as_bytes());
        put(&mut h, self.salt.as_bytes());
        put(&mut h, self.nonce.as_bytes());
        put(&mut h, self.wrapped.as_bytes());
        hex::encode(h.finalize())
    }

    /// Is the slot as it was written? Version-1 slots carry no checksum and
    /// are checked only for their form.
    fn intact(&self, journal: SiteId) -> bool {
        let form = self.kdf.is_bounded()
            && hex::decode(&self.salt).is_ok_and(|s| s.len() == 16)
            && hex::decode(&self.nonce).is_ok_and(|n| n.len() == 24)
            && hex::decode(&self.wrapped).is_ok_and(|w| w.len() == 48);
        form && self.check.as_ref().is_none_or(|c| *c == self.checksum(journal))
    }

    fn seal(
        kind: SlotKind,
        login: &str,
        staff_id: Option<StaffId>,
        secret: &Secret,
        key: &DbKey,
        journal: SiteId,
        kdf: KdfParams,
    ) -> Result<Slot, Damaged> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut salt);
        rand::rng().fill_bytes(&mut nonce);
        let mut slot = Slot {
            kind,
            login: login.trim().to_uppercase(),
            staff_id,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: String::new(),
            check: None,
        };
        let kek = derive(secret, &salt, kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let aad = slot.aad(journal);
        let sealed =
            cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.0, aad: &aad }).map_err(|_| Damaged)?;
        slot.wrapped = hex::encode(sealed);
        slot.check = Some(slot.checksum(journal));
        Ok(slot)
    }

    /// The database key, if `secret` opens this slot; `Damaged` if the slot
    /// is not as it was written.
    fn open(&self, secret: &Secret, journal: SiteId) -> Result<Option<DbKey>, Damaged> {
        if !self.intact(journal) {
            return Err(Damaged);
        }
        let salt = hex::decode(&self.salt).map_err(|_| Damaged)?;
        let nonce = hex::decode(&self.nonce).map_err(|_| Damaged)?;
        let wrapped = hex::decode(&self.wrapped).map_err(|_| Damaged)?;
        let kek = derive(secret, &salt, self.kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let aad = self.aad(journal);
        match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad }) {
            Ok(mut plain) if plain.len() == 32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(&plain);
                plain.zeroize();
                Ok(Some(DbKey(k)))
            }
            Ok(mut plain) => {
                plain.zeroize();
                Err(Damaged)
            }
            Err(_) => Ok(None),
        }
    }
}

/// The keyring file beside a journal.
///
/// Written only when a slot changes (a user added or removed, a password
/// set): a login reads it and never writes it; failed logins are counted in
/// `<journal>.logins` (`throttle.rs`). Every write is a new file under a
/// unique name, synced, renamed over the old one and the directory synced, so
/// the previous keyring stays whole until the new one is durable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub format: String,
    /// 2 since checksums; version-1 files (the first release) still open and
    /// become version 2 the next time a slot changes.
    pub version: u32,
    /// The site id of the journal the slots belong to (bound into every slot).
    pub journal: SiteId,
    pub slots: Vec<Slot>,
    /// SHA-256 over the header and every slot's checksum (`Keyring::checksum`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// Where the file was read from (not stored).
    #[serde(skip)]
    path: PathBuf,
}

/// A held lock on a keyring (`Keyring::lock`); dropping it releases it.
#[derive(Debug)]
pub struct KeyringLock {
    _file: std::fs::File,
}

/// The keyring version this program writes.
pub const KEYRING_VERSION: u32 = 2;

impl Keyring {
    pub const FORMAT: &'static str = "tovholder-keyring";

    pub fn path_for(journal: &Path) -> PathBuf {
        let mut p = journal.as_os_str().to_owned();
        p.push(".keys");
        PathBuf::from(p)
    }

    pub fn new(journal: SiteId) -> Keyring {
        Keyring {
            format: Self::FORMAT.into(),
            version: KEYRING_VERSION,
            journal,
            slots: Vec::new(),
            check: None,
            path: PathBuf::new(),
        }
    }

    pub fn exists(journal: &Path) -> bool {
        Self::path_for(journal).is_file()
    }

    /// The lock file of the keyring beside `journal` (`lock`).
    pub fn lock_path_for(journal: &Path) -> PathBuf {
        let mut p = journal.as_os_str().to_owned();
        p.push(".keys.lock");
        PathBuf::from(p)
    }

    /// Take the keyring beside `journal` for a read-modify-write: an
    /// exclusive lock on its lock file (std `File::lock`), waiting while
    /// another process or thread holds it, released when the guard is
    /// dropped. Load the keyring after taking it and save before dropping
    /// it, so two administrators changing logins at the same moment never
    /// lose one change. A login only reads the keyring and takes no lock
    /// (every save replaces the file whole). Take it before the journal's
    /// write lock, never while holding that.
    pub fn lock(journal: &Path) -> Result<KeyringLock> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(Self::lock_path_for(journal))?;
        file.lock()?;
        Ok(KeyringLock { _file: file })
    }

    /// The keyring file this was read from (or last saved to).
    pub fn file(&self) -> &Path {
        &self.path
    }

    fn damaged(&self) -> Error {
        Error::KeyringDamaged(self.path.clone())
    }

    /// The whole-file checksum. Frozen format (golden test): SHA-256 over
    /// `tovholder-keyring-v2`, the format name, the version as decimal text,
    /// the journal's site id and each slot's checksum in file order, each
    /// field preceded by its length as 8 bytes big-endian; lower-case hex.
    pub fn checksum(&self) -> String {
        let mut h = Sha256::new();
        put(&mut h, b"tovholder-keyring-v2");
        put(&mut h, self.format.as_bytes());
        put(&mut h, self.version.to_string().as_bytes());
        put(&mut h, self.journal.to_string().as_bytes());
        for s in &self.slots {
            put(&mut h, s.checksum(self.journal).as_bytes());
        }
        hex::encode(h.finalize())
    }

    /// Read the keyring beside `journal`. A missing file is `KeyringMissing`
    /// and a file that is not a keyring this program wrote is
    /// `KeyringDamaged`, both naming the file. A damaged slot is found when
    /// it is used (`unlock_user`) or by `problems`.
    pub fn load(journal: &Path) -> Result<Keyring> {
        let path = Self::path_for(journal);
        let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::KeyringMissing(path.clone()),
            _ => Error::Io(e),
        })?;
        let mut k: Keyring = serde_json::from_slice(&bytes).map_err(|_| Error::KeyringDamaged(path.clone()))?;
        k.path = path;
        if k.format != Self::FORMAT || !(1..=KEYRING_VERSION).contains(&k.version) {
            return Err(k.damaged());
        }
        if k.version >= 2 && (k.check.is_none() || k.slots.iter().any(|s| s.check.is_none())) {
            return Err(k.damaged());
        }
        Ok(k)
    }

    /// What is wrong with the keyring as read: the whole-file checksum, and
    /// each slot's (by login). Empty when it is as it was written.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.check.as_ref().is_some_and(|c| *c != self.checksum()) {
            out.push("filens kontrolsum passer ikke".to_string());
        }
        for s in &self.slots {
            if !s.intact(self.journal) {
                out.push(format!("nøglen for {} er beskadiget", s.login));
            }
        }
        out
    }

    /// Write atomically (see the type's doc): a new file under a unique
    /// name, synced, renamed over the old, then the directory synced. The
    /// file is always written as version 2 with its checksums.
    pub fn save(&mut self, journal: &Path) -> Result<()> {
        let path = Self::path_for(journal);
        self.version = KEYRING_VERSION;
        for s in &mut self.slots {
            s.check = Some(s.checksum(self.journal));
        }
        self.check = Some(self.checksum());
        let text = serde_json::to_vec_pretty(self).map_err(|_| Error::KeyringDamaged(path.clone()))?;
        write_durably(&path, &text)?;
        self.path = path;
        Ok(())
    }

    /// The login (initials) of the user slot held by `staff`, if any.
    pub fn user_slot_of(&self, staff: StaffId) -> Option<&str> {
        self.slots.iter().find(|s| s.kind == SlotKind::User && s.staff_id == Some(staff)).map(|s| s.login.as_str())
    }

    fn user_slot(&self, login: &str) -> Option<&Slot> {
        let folded = fold_login(login);
        self.slots.iter().find(|s| s.kind == SlotKind::User && fold_login(&s.login) == folded)
    }

    pub fn has_login(&self, login: &str) -> bool {
        self.user_slot(login).is_some()
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
        let slot = Slot::seal(SlotKind::User, login, Some(staff), password, key, self.journal, kdf)
            .map_err(|_| self.damaged())?;
        let folded = fold_login(&slot.login);
        self.slots.retain(|s| !(s.kind == SlotKind::User && fold_login(&s.login) == folded));
        self.slots.push(slot);
        Ok(())
    }

    /// Replace the recovery slot.
    pub fn set_recovery(&mut self, recovery: &Secret, key: &DbKey, kdf: KdfParams) -> Result<()> {
        let normal = Secret::new(normalise_recovery(recovery.expose()));
        let slot = Slot::seal(SlotKind::Recovery, "RECOVERY", None, &normal, key, self.journal, kdf)
            .map_err(|_| self.damaged())?;
        self.slots.retain(|s| s.kind != SlotKind::Recovery);
        self.slots.push(slot);
        Ok(())
    }

    pub fn remove_user(&mut self, login: &str) -> bool {
        let before = self.slots.len();
        let folded = fold_login(login);
        self.slots.retain(|s| !(s.kind == SlotKind::User && fold_login(&s.login) == folded));
        self.slots.len() != before
    }

    /// Try a login. The same answer (`None`) for an unknown login and a wrong
    /// password, and about the same time: an unknown login still pays for one
    /// key derivation at the keyring's own cost. A slot that is not as it was
    /// written is `KeyringDamaged` (naming the file), never a wrong password.
    pub fn unlock_user(&self, login: &str, password: &Secret) -> Result<Option<(DbKey, StaffId)>> {
        match self.user_slot(login) {
            Some(slot) => {
                let key = slot.open(password, self.journal).map_err(|_| self.damaged())?;
                Ok(key.and_then(|k| slot.staff_id.map(|s| (k, s))))
            }
            None => {
                let kdf = self.slots.first().map(|s| s.kdf).filter(KdfParams::is_bounded).unwrap_or(KdfParams::DEFAULT);
                let _ = derive(password, &[0u8; 16], kdf);
                Ok(None)
            }
        }
    }

    pub fn unlock_recovery(&self, recovery: &Secret) -> Result<Option<DbKey>> {
        let normal = Secret::new(normalise_recovery(recovery.expose()));
        match self.slots.iter().find(|s| s.kind == SlotKind::Recovery) {
            Some(slot) => slot.open(&normal, self.journal).map_err(|_| self.damaged()),
            None => Ok(None),
        }
    }
}

/// Replace `path` with `bytes` so that a crash at any moment leaves either
/// the old file or the new one, whole: a new file beside it under a unique
/// name (created, never reused), written and synced, renamed over `path`,
/// then the directory synced so the rename itself is durable. The temporary
/// file is removed if any step fails.
pub(crate) fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut rnd = [0u8; 8];
    rand::rng().fill_bytes(&mut rnd);
    let tmp = dir.join(format!(".{name}.{}-{}.tmp", std::process::id(), hex::encode(rnd)));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_dir(&dir)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    remove_stale_temporaries(&dir, &name);
    Ok(())
}

/// A temporary file of `write_durably` older than this is stale whoever made it.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Remove what earlier writes of `name` in `dir` left when they were killed
/// between creating their temporary file and renaming it: files named
/// `.<name>.<pid>-<16 hex digits>.tmp` whose process is gone (where that can
/// be told: Linux's `/proc`), or older than `STALE_AFTER`. A young file of a
/// live writer, this process's other threads included, is left alone.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)).and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((pid, rnd)) = rest.split_once('-') else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if rnd.len() != 16 || !rnd.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        let dead = pid != std::process::id() && process_gone(pid);
        if old || dead {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Is there no process `pid`? Only known on Linux; elsewhere the age decides.
fn process_gone(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        !Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        false
    }
}

/// Make a file's content durable. Opened for writing (nothing is written):
/// Windows flushes only a handle with write access (`FlushFileBuffers`
/// fails on a read-only one), where Unix syncs any.
pub(crate) fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).open(path)?.sync_all()
}

/// Make a rename or new file in `dir` durable (a no-op where directories
/// cannot be opened, as on Windows).
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
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
