//! Site keys, site cards and partners.
//!
//! Each site has an Ed25519 signing key (it signs the bundles it sends) and
//! an age X25519 identity (bundles to it are encrypted to its recipient),
//! made on first use and kept in the local table `site_key` inside the
//! encrypted journal. The public halves travel on the *site card*; a partner
//! is registered from its card once the fingerprint has been compared by
//! phone.

use std::path::Path;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BundleError;
use crate::error::{Error, Result};
use crate::model::time::danish_date;
use crate::model::{SiteId, UnitId};
use crate::security::roles::Action;
use crate::store::write::AuditAction;
use crate::store::{Ctx, Journal, Writer};

/// The format version of the site card.
pub const CARD_FORMAT: u32 = 1;
const CARD_KIND: &str = "tovholder-site-card";
const CARD_DOMAIN: &[u8] = b"tovholder site card v1\n";
const FINGERPRINT_DOMAIN: &[u8] = b"tovholder fingerprint v1\n";
/// A card is a few hundred bytes; anything much larger is not one.
pub const CARD_MAX_BYTES: u64 = 64 * 1024;

/// This site's secret keys (never printed, never exchanged).
pub(crate) struct SiteKeys {
    pub sign: SigningKey,
    pub age: age::x25519::Identity,
}

impl SiteKeys {
    pub fn recipient(&self) -> String {
        self.age.to_public().to_string()
    }
}

/// This site's keys, made and stored on first use.
pub(crate) fn ensure_keys(w: &mut Writer<'_>, site: SiteId) -> Result<SiteKeys> {
    if let Some(k) = load_keys(w.conn(), site)? {
        return Ok(k);
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let identity = age::x25519::Identity::generate();
    w.conn().execute(
        "INSERT INTO site_key (site, sign_secret, age_identity, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            site,
            &secret[..],
            identity.to_string().expose_secret(),
            crate::store::write::now_text(w.now())
        ],
    )?;
    w.audit(AuditAction::Create, None, Some("site_key"), Some("site keys made".into()));
    Ok(SiteKeys { sign: SigningKey::from_bytes(&secret), age: identity })
}

pub(crate) fn load_keys(conn: &rusqlite::Connection, site: SiteId) -> Result<Option<SiteKeys>> {
    let row: Option<(Vec<u8>, String)> = conn
        .query_row("SELECT sign_secret, age_identity FROM site_key WHERE site = ?1", [site], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((secret, identity)) = row else { return Ok(None) };
    let secret: [u8; 32] = secret.try_into().map_err(|_| Error::Damaged)?;
    let age = age::x25519::Identity::from_str(&identity).map_err(|_| Error::Damaged)?;
    Ok(Some(SiteKeys { sign: SigningKey::from_bytes(&secret), age }))
}

/// The unit a site card names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardUnit {
    pub id: UnitId,
    pub name: String,
}

/// The public card of a site (docs/bundles.md): who it is and its two
/// public keys, signed by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SiteCard {
    pub format: u32,
    pub kind: String,
    pub site: SiteId,
    pub name: String,
    pub unit: CardUnit,
    /// The unit's municipality code (e.g. "0336").
    pub municipality: String,
    /// The Ed25519 public key, hex.
    pub sign_key: String,
    /// The age X25519 recipient (`age1…`).
    pub age_recipient: String,
    pub created_at: String,
    /// Ed25519 signature by `sign_key` over the card without this field, hex.
    pub signature: String,
}

/// The signed part of a card: every field but the signature, in this order.
#[derive(Serialize)]
struct CardBody<'a> {
    format: u32,
    kind: &'a str,
    site: SiteId,
    name: &'a str,
    unit: &'a CardUnit,
    municipality: &'a str,
    sign_key: &'a str,
    age_recipient: &'a str,
    created_at: &'a str,
}

impl SiteCard {
    fn body(&self) -> Vec<u8> {
        let body = CardBody {
            format: self.format,
            kind: &self.kind,
            site: self.site,
            name: &self.name,
            unit: &self.unit,
            municipality: &self.municipality,
            sign_key: &self.sign_key,
            age_recipient: &self.age_recipient,
            created_at: &self.created_at,
        };
        let mut out = CARD_DOMAIN.to_vec();
        out.extend(serde_json::to_vec(&body).unwrap_or_default());
        out
    }

    /// Read a card file's bytes: the format, the keys and the self-signature
    /// are checked; nothing else is trusted yet.
    pub fn parse(bytes: &[u8]) -> Result<SiteCard> {
        if bytes.len() as u64 > CARD_MAX_BYTES {
            return Err(BundleError::CardFormat.into());
        }
        let card: SiteCard = serde_json::from_slice(bytes).map_err(|_| BundleError::CardFormat)?;
        if card.kind != CARD_KIND || card.format != CARD_FORMAT {
            return Err(BundleError::CardFormat.into());
        }
        let key = card.verifying_key()?;
        age::x25519::Recipient::from_str(&card.age_recipient).map_err(|_| BundleError::CardFormat)?;
        let sig = decode_array::<64>(&card.signature).ok_or(BundleError::CardFormat)?;
        key.verify_strict(&card.body(), &ed25519_dalek::Signature::from_bytes(&sig))
            .map_err(|_| BundleError::CardSignature)?;
        Ok(card)
    }

    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey> {
        let bytes = decode_array::<32>(&self.sign_key).ok_or(BundleError::CardFormat)?;
        Ok(VerifyingKey::from_bytes(&bytes).map_err(|_| BundleError::CardFormat)?)
    }

    /// The short fingerprint to read aloud: five groups of four digits.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.sign_key, &self.age_recipient, self.site)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok()?.try_into().ok()
}

/// Five groups of four digits from the keys and the site id.
pub(crate) fn fingerprint(sign_key_hex: &str, recipient: &str, site: SiteId) -> String {
    let mut h = Sha256::new();
    h.update(FINGERPRINT_DOMAIN);
    h.update(sign_key_hex.as_bytes());
    h.update(b"\n");
    h.update(recipient.as_bytes());
    h.update(b"\n");
    h.update(site.to_string().as_bytes());
    let d = h.finalize();
    (0..5)
        .map(|i| format!("{:04}", u32::from(u16::from_be_bytes([d[2 * i], d[2 * i + 1]])) % 10_000))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fingerprint as typed: digits only.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A registered partner site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Partner {
    pub site: SiteId,
    pub name: String,
    pub unit_name: String,
    pub municipality: String,
    pub fingerprint: String,
    pub added_at: String,
}

/// What `add_partner` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PartnerAdded {
    Added,
    /// The same card was registered before: nothing changed.
    AlreadyRegistered,
}

pub(crate) struct PartnerKeys {
    pub name: String,
    pub verifying: VerifyingKey,
    pub recipient: age::x25519::Recipient,
}

pub(crate) fn partner_keys(conn: &rusqlite::Connection, site: SiteId) -> Result<Option<PartnerKeys>> {
    let row: Option<(String, Vec<u8>, String)> = conn
        .query_row("SELECT name, sign_key, age_recipient FROM partner WHERE site = ?1", [site], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((name, key, recipient)) = row else { return Ok(None) };
    let key: [u8; 32] = key.try_into().map_err(|_| Error::Damaged)?;
    Ok(Some(PartnerKeys {
        name,
        verifying: VerifyingKey::from_bytes(&key).map_err(|_| Error::Damaged)?,
        recipient: age::x25519::Recipient::from_str(&recipient).map_err(|_| Error::Damaged)?,
    }))
}

impl Journal {
    /// This site's public card (making the site's keys on first use).
    pub fn site_card(&mut self, ctx: &Ctx) -> Result<SiteCard> {
        let site = self.site();
        let unit = self.unit();
        self.write(ctx, |w| {
            let keys = ensure_keys(w, site)?;
            let (name, created_at): (String, String) =
                w.conn().query_row("SELECT name, created_at FROM site WHERE id = ?1", [site], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let (unit_name, municipality): (String, String) =
                w.conn().query_row("SELECT name, municipality FROM unit WHERE id = ?1", [unit], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let mut card = SiteCard {
                format: CARD_FORMAT,
                kind: CARD_KIND.into(),
                site,
                name,
                unit: CardUnit { id: unit, name: unit_name },
                municipality,
                sign_key: hex::encode(keys.sign.verifying_key().as_bytes()),
                age_recipient: keys.recipient(),
                created_at,
                signature: String::new(),
            };
            card.signature = hex::encode(keys.sign.sign(&card.body()).to_bytes());
            Ok(card)
        })
    }

    /// Register a partner from its card, once `typed` (the fingerprint read
    /// aloud by the partner and typed or confirmed here) equals the card's.
    pub fn add_partner(&mut self, ctx: &Ctx, card: &SiteCard, typed: &str) -> Result<PartnerAdded> {
        self.authorize(ctx, Action::Settings)?;
        let expected = card.fingerprint();
        if digits(typed).is_empty() {
            return Err(BundleError::NotConfirmed.into());
        }
        if digits(typed) != digits(&expected) {
            return Err(BundleError::FingerprintMismatch { expected }.into());
        }
        if card.site == self.site() {
            return Err(BundleError::CardOwn.into());
        }
        self.codes().municipality(&card.municipality, "municipality")?;
        let key = card.verifying_key()?;
        self.write(ctx, |w| {
            let held: Option<(Vec<u8>, String)> = w
                .conn()
                .query_row("SELECT sign_key, age_recipient FROM partner WHERE site = ?1", [card.site], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match held {
                Some((k, r)) if k == key.as_bytes() && r == card.age_recipient => {
                    return Ok(PartnerAdded::AlreadyRegistered)
                }
                Some(_) => return Err(BundleError::PartnerKeyChanged { name: card.name.clone() }.into()),
                None => {}
            }
            let other: Option<String> = w
                .conn()
                .query_row("SELECT name FROM partner WHERE sign_key = ?1", [&key.as_bytes()[..]], |r| r.get(0))
                .optional()?;
            if let Some(name) = other {
                return Err(BundleError::PartnerKeyChanged { name }.into());
            }
            w.conn().execute(
                "INSERT INTO partner (site, name, unit_id, unit_name, municipality, sign_key, age_recipient, card, added_at, added_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![
                    card.site,
                    card.name,
                    card.unit.id,
                    card.unit.name,
                    card.municipality,
                    &key.as_bytes()[..],
                    card.age_recipient,
                    card.to_json(),
                    crate::store::write::now_text(w.now()),
                    w.staff(),
                ],
            )?;
            w.audit(
                AuditAction::Create,
                None,
                Some("partner"),
                Some(format!("partner={} fingerprint={expected}", card.site)),
            );
            Ok(PartnerAdded::Added)
        })
    }

    /// The registered partners, by name.
    pub fn partners(&self, ctx: &Ctx) -> Result<Vec<Partner>> {
        self.role_of(ctx.staff)?;
        let mut stmt = self.connection().prepare(
            "SELECT site, name, unit_name, municipality, hex(sign_key), age_recipient, added_at FROM partner ORDER BY name, site",
        )?;
        let rows = stmt.query_map([], |r| {
            let site: SiteId = r.get(0)?;
            let key: String = r.get(4)?;
            let recipient: String = r.get(5)?;
            Ok(Partner {
                site,
                name: r.get(1)?,
                unit_name: r.get(2)?,
                municipality: r.get(3)?,
                fingerprint: fingerprint(&key.to_lowercase(), &recipient, site),
                added_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The partner named `name` (its site name, unit name, municipality
    /// code or site id; case does not matter).
    pub fn partner_named(&self, ctx: &Ctx, name: &str) -> Result<Partner> {
        let wanted = name.trim().to_lowercase();
        let all = self.partners(ctx)?;
        let found: Vec<&Partner> = all
            .iter()
            .filter(|p| {
                p.site.to_string() == wanted
                    || p.name.to_lowercase() == wanted
                    || p.unit_name.to_lowercase() == wanted
                    || p.municipality == wanted
                    || p.name.to_lowercase().split_whitespace().any(|w| w == wanted)
            })
            .collect();
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(BundleError::UnknownPartner { name: name.trim().to_string() }.into()),
        }
    }

    /// Write this site's age identity to `path` for an emergency decrypt of
    /// bundles with the standard `age` tool (leader or administrator;
    /// audited). Refused where a file already is.
    pub fn write_site_identity(&mut self, ctx: &Ctx, path: &Path) -> Result<()> {
        self.authorize(ctx, Action::Backup)?;
        if path.exists() {
            return Err(Error::AlreadyExists(path.to_path_buf()));
        }
        let site = self.site();
        self.write(ctx, |w| {
            let keys = ensure_keys(w, site)?;
            let name: String = w.conn().query_row("SELECT name FROM site WHERE id = ?1", [site], |r| r.get(0))?;
            let day = danish_date(w.now()).format("%d-%m-%Y");
            let text = format!(
                "# Tovholder: nøglen til bundter til «{name}» (installation {site}), skrevet {day}.\n\
                 # Den åbner alle bundter til denne installation: opbevar den som en adgangskode.\n\
                 # Brug: age -d -i DENNE-FIL bundle.tovholder | tar -x\n\
                 # public key: {}\n{}\n",
                keys.recipient(),
                keys.age.to_string().expose_secret()
            );
            write_private(path, text.as_bytes())?;
            w.audit(AuditAction::Export, None, Some("site_key"), Some("age identity written".into()));
            Ok(())
        })
    }
}

/// A new file only its owner can read (on Unix), written durably.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = (|| -> std::io::Result<()> {
        let mut f = opts.open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            let _ = std::fs::remove_file(path);
        }
        return Err(e.into());
    }
    Ok(())
}
