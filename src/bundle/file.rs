//! The bundle file (docs/bundles.md): an age file whose plaintext is a tar
//! archive of three members, in this order:
//!
//! - `manifest.json`: the [`Manifest`] (small, read first, size-capped);
//! - `manifest.sig`: the sender's Ed25519 signature, hex, over
//!   `SIGN_DOMAIN || manifest.json` (the manifest names sender, recipient
//!   and the SHA-256 of the changes, so the signature binds all three);
//! - `changes.json.zst`: the `ChangeSet` as JSON, compressed with zstd.
//!
//! So `age -d -i identity.txt bundle.tovholder | tar -x` gives a readable
//! manifest, and `zstd -d changes.json.zst` the changes.

use std::collections::BTreeMap;
use std::io::Read;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BundleError;
use crate::error::Result;
use crate::model::SiteId;

/// The bundle format version.
pub const BUNDLE_FORMAT: u32 = 1;
const SIGN_DOMAIN: &[u8] = b"tovholder bundle v1\n";
/// The manifest is a few kilobytes; a larger one is refused unread.
pub const MANIFEST_MAX: u64 = 1 << 20;
/// The compressed changes and their JSON: far above a year of two units'
/// work (100,000 changes are about 50 MB of JSON).
pub const CHANGES_MAX: u64 = 1 << 30;
pub const JSON_MAX: u64 = 4 << 30;
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// An audit-chain position: the entry's number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// The last bundle the sender has read from the recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Received {
    pub seq: i64,
    pub hash: String,
}

/// What a bundle holds, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counts {
    /// Changes in all.
    pub changes: usize,
    /// Distinct citizens (clients and children) the changes belong to.
    pub people: usize,
    /// Changes per table.
    pub tables: BTreeMap<String, usize>,
    /// Rows that left the recipient's scope.
    pub revoked: usize,
}

/// The manifest of a bundle (format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Manifest {
    pub format: u32,
    /// The sender's journal schema version.
    pub schema_version: i64,
    pub from: SiteId,
    pub from_name: String,
    pub to: SiteId,
    pub to_name: String,
    /// 1, 2, … per recipient; never used twice.
    pub seq: i64,
    /// The hash of bundle `seq - 1` to this recipient (`None` for the first).
    pub prev_hash: Option<String>,
    /// The last bundle the sender has read from the recipient.
    pub received: Option<Received>,
    pub counts: Counts,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The sender's audit-chain head when the bundle was made.
    pub audit: AuditHead,
    /// The sender's audit entry at the head it sent in its previous bundle
    /// to this recipient, as its chain holds it now (a rewritten chain
    /// shows at the recipient).
    pub audit_prev: Option<AuditHead>,
    /// The recipient's audit head as its last bundle to the sender said.
    pub audit_echo: Option<AuditHead>,
    /// SHA-256 of `changes.json.zst`, hex, and its size.
    pub changes_sha256: String,
    pub changes_size: u64,
}

/// The SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash that names a bundle (its manifest, which holds the changes'
/// hash): what `prev_hash` and the sequence checks compare.
pub fn bundle_hash(manifest_json: &[u8]) -> String {
    sha256_hex(manifest_json)
}

/// Compress the change set's JSON.
pub fn compress(json: &[u8]) -> Result<Vec<u8>> {
    Ok(zstd::bulk::compress(json, 3)?)
}

/// A sealed bundle: the file's bytes and the bundle's hash.
pub struct Sealed {
    pub bytes: Vec<u8>,
    pub hash: String,
}

/// Sign, pack and encrypt. `manifest.changes_*` are filled in here.
pub fn seal(
    mut manifest: Manifest,
    changes_zst: &[u8],
    sign: &SigningKey,
    to: &age::x25519::Recipient,
    mtime: u64,
) -> Result<Sealed> {
    manifest.changes_sha256 = sha256_hex(changes_zst);
    manifest.changes_size = changes_zst.len() as u64;
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    let sig = sign.sign(&signed_bytes(&manifest_json));
    let sig_hex = hex::encode(sig.to_bytes()) + "\n";
    let mut tar = tar::Builder::new(Vec::with_capacity(changes_zst.len() + manifest_json.len() + 4096));
    for (name, data) in
        [("manifest.json", &manifest_json[..]), ("manifest.sig", sig_hex.as_bytes()), ("changes.json.zst", changes_zst)]
    {
        let mut h = tar::Header::new_ustar();
        h.set_path(name)?;
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(mtime);
        h.set_cksum();
        tar.append(&h, data)?;
    }
    let plain = tar.into_inner()?;
    let enc = age::Encryptor::with_recipients(std::iter::once(to as &dyn age::Recipient))
        .map_err(|_| BundleError::NotABundle)?;
    let mut out = Vec::with_capacity(plain.len() + plain.len() / 64 + 512);
    let mut w = enc.wrap_output(&mut out)?;
    std::io::Write::write_all(&mut w, &plain)?;
    w.finish()?;
    Ok(Sealed { bytes: out, hash: bundle_hash(&manifest_json) })
}

fn signed_bytes(manifest_json: &[u8]) -> Vec<u8> {
    let mut m = SIGN_DOMAIN.to_vec();
    m.extend_from_slice(manifest_json);
    m
}

/// A decrypted bundle whose manifest has been read but not yet verified.
pub struct Opened {
    pub manifest_json: Vec<u8>,
    pub manifest: Manifest,
    signature: [u8; 64],
    changes_zst: Vec<u8>,
}

impl Opened {
    pub fn hash(&self) -> String {
        bundle_hash(&self.manifest_json)
    }

    /// Check the signature with the sender's key.
    pub fn verify(&self, key: &VerifyingKey) -> Result<()> {
        key.verify_strict(&signed_bytes(&self.manifest_json), &ed25519_dalek::Signature::from_bytes(&self.signature))
            .map_err(|_| BundleError::UnknownSender)?;
        Ok(())
    }

    /// The changes' JSON, once their hash fits the (verified) manifest.
    pub fn changes_json(&self) -> Result<Vec<u8>> {
        if self.changes_zst.len() as u64 != self.manifest.changes_size
            || sha256_hex(&self.changes_zst) != self.manifest.changes_sha256
        {
            return Err(BundleError::Damaged.into());
        }
        let mut out = Vec::new();
        let dec = zstd::stream::read::Decoder::new(&self.changes_zst[..]).map_err(|_| BundleError::Damaged)?;
        dec.take(JSON_MAX + 1).read_to_end(&mut out).map_err(|_| BundleError::Damaged)?;
        if out.len() as u64 > JSON_MAX {
            return Err(BundleError::TooLarge.into());
        }
        Ok(out)
    }
}

/// Is this an age file at all?
pub fn looks_like_bundle(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_MAGIC)
}

/// Decrypt with this site's identity and read the three members.
pub fn open(bytes: &[u8], identity: &age::x25519::Identity) -> Result<Opened> {
    if !looks_like_bundle(bytes) {
        return Err(BundleError::NotABundle.into());
    }
    let dec = age::Decryptor::new_buffered(bytes).map_err(|e| match e {
        age::DecryptError::UnknownFormat => BundleError::NotABundle,
        _ => BundleError::Damaged,
    })?;
    let reader = dec.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => BundleError::NotForThisSite,
        _ => BundleError::Damaged,
    })?;
    // Every read below fails on a damaged or truncated payload (age's
    // STREAM authenticates each chunk and the last one).
    let mut archive = tar::Archive::new(reader.take(MANIFEST_MAX + 4096 + CHANGES_MAX + 8192));
    let (manifest_json, sig, changes_zst) = {
        let mut entries = archive.entries().map_err(|_| BundleError::Damaged)?;
        let mut member = |name: &str, max: u64| -> Result<Vec<u8>> {
            let mut e = entries.next().ok_or(BundleError::Damaged)?.map_err(|_| BundleError::Damaged)?;
            let path = e.path().map_err(|_| BundleError::Damaged)?.to_string_lossy().into_owned();
            if path != name {
                return Err(BundleError::NotABundle.into());
            }
            if e.size() > max {
                return Err(BundleError::TooLarge.into());
            }
            let mut out = Vec::with_capacity(usize::try_from(e.size()).unwrap_or_default());
            e.read_to_end(&mut out).map_err(|_| BundleError::Damaged)?;
            Ok(out)
        };
        let m = member("manifest.json", MANIFEST_MAX)?;
        let s = member("manifest.sig", 256)?;
        let c = member("changes.json.zst", CHANGES_MAX)?;
        if let Some(extra) = entries.next() {
            extra.map_err(|_| BundleError::Damaged)?;
            return Err(BundleError::NotABundle.into());
        }
        (m, s, c)
    };
    // Read the decrypted stream to its end: age authenticates the last chunk
    // only there, so a file cut short after the archive's members fails here.
    std::io::copy(&mut archive.into_inner(), &mut std::io::sink()).map_err(|_| BundleError::Damaged)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_json).map_err(|_| {
        // A manifest of a newer format may not parse as this one: say so if
        // its format number says so.
        match serde_json::from_slice::<serde_json::Value>(&manifest_json)
            .ok()
            .and_then(|v| v.get("format").and_then(serde_json::Value::as_u64))
        {
            Some(f) if f > u64::from(BUNDLE_FORMAT) => {
                BundleError::Version { found: u32::try_from(f).unwrap_or(u32::MAX), schema: 0 }
            }
            _ => BundleError::NotABundle,
        }
    })?;
    let sig_text = std::str::from_utf8(&sig).map_err(|_| BundleError::Damaged)?.trim();
    let signature: [u8; 64] = hex::decode(sig_text).ok().and_then(|b| b.try_into().ok()).ok_or(BundleError::Damaged)?;
    Ok(Opened { manifest_json, manifest, signature, changes_zst })
}
