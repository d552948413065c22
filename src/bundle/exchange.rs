//! Export and import of case bundles (docs/bundles.md): the journal side.
//!
//! Export: the change set the partner has not acknowledged (`export_set`),
//! sealed (`file::seal`), its number taken in the journal, written
//! atomically, and only then counted as sent. Import: decrypt, read the
//! capped manifest, find the signer among the partners, verify, check the
//! recipient, the sequence and the previous-bundle hash, check the changes'
//! hash, and only then plan and apply in one transaction together with the
//! record of the bundle and one audit entry per person it touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::file::{self, AuditHead, Counts, Manifest, Opened, Received, BUNDLE_FORMAT};
use super::keys::{ensure_keys, load_keys, partner_keys, Partner};
use super::BundleError;
use crate::error::{Error, Result};
use crate::model::SiteId;
use crate::security::roles::Action;
use crate::store::write::{now_text, AuditAction};
use crate::store::{Ctx, Journal, Writer, SCHEMA_VERSION};
use crate::sync::{labels, tables, ChangeSet, MergeSummary};

/// The file name ending of a bundle.
pub const BUNDLE_EXTENSION: &str = "tovholder";
/// The largest bundle file read.
const FILE_MAX: u64 = file::CHANGES_MAX + file::MANIFEST_MAX + (1 << 20);

/// A bundle written by `export_bundle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleWritten {
    pub path: PathBuf,
    pub file_name: String,
    pub partner: String,
    pub seq: i64,
    pub counts: Counts,
    /// Bytes.
    pub size: u64,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ImportStatus {
    /// Applied and recorded.
    Applied,
    /// Nothing changed: the bundle was read before, or a later bundle
    /// already brought everything in it.
    AlreadyImported,
    /// A dry run: nothing was written.
    DryRun,
}

/// One citizen a bundle touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonChanges {
    pub person: String,
    /// The name, for a reader whose role may read records (else `None`).
    pub name: Option<String>,
    pub changes: usize,
    /// What changes, in Danish, with the number of changes each
    /// ("klient: telefon", "journalnotat (ny)"), for a reader whose role
    /// may read records (else empty).
    pub fields: Vec<FieldChanges>,
}

/// A person whose data a bundle removes from this journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RemovedPerson {
    pub person: String,
    /// The name, for a reader whose role may read records (else `None`).
    pub name: Option<String>,
    /// What is removed, in Danish, with how many of each ("samtale", 3),
    /// for a reader whose role may read records (else empty).
    pub records: Vec<FieldChanges>,
    /// Why, in Danish ("samtykket til jer blev trukket tilbage den 26-11-2026").
    pub reason: String,
}

/// One record or field of a person that a bundle changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChanges {
    pub label: String,
    pub changes: usize,
}

/// A field left in conflict by the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictNamed {
    pub table: String,
    pub row: String,
    pub group: String,
    /// The record and field in Danish ("klient: telefon").
    pub label: String,
}

/// The result of `import_bundle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleImport {
    pub status: ImportStatus,
    pub from: String,
    pub seq: i64,
    pub counts: Counts,
    #[cfg_attr(feature = "ts", ts(skip))]
    pub summary: Option<MergeSummary>,
    pub people: Vec<PersonChanges>,
    /// The changes per kind of record, in Danish, most first.
    pub tables: Vec<FieldChanges>,
    /// Conflicts this bundle opens (that were not open before).
    pub new_conflicts: Vec<ConflictNamed>,
    /// The people whose data the bundle removes here, and why (the partner
    /// may no longer share it: a consent withdrawn).
    pub removed: Vec<RemovedPerson>,
    /// What the import noticed and kept (an audit log that changed).
    pub warnings: Vec<String>,
}

/// A bundle sent or received, as the status shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleRecord {
    pub seq: i64,
    /// When it was made (sent) or read (received), RFC 3339 UTC.
    pub at: String,
    pub counts: Counts,
    /// Sent only: whether the file was written whole.
    pub written: bool,
    pub file_name: Option<String>,
    pub warning: Option<String>,
}

/// Each partner with its last bundles both ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PartnerStatus {
    pub partner: Partner,
    pub last_sent: Option<BundleRecord>,
    pub last_received: Option<BundleRecord>,
    /// The last of our bundles the partner says it has read.
    pub acknowledged: Option<i64>,
}

/// A stage of a bundle's export or import (`export_bundle_with`,
/// `import_bundle_with`), reported as it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BundleStage {
    /// Export: the changes the partner has not acknowledged.
    Collect,
    Compress,
    /// Encrypted to the partner and signed.
    Seal,
    Write,
    /// Import: the file read from the disk.
    Read,
    Decrypt,
    /// The sender's signature and the sequence.
    Verify,
    Parse,
    /// The changes checked and merged into the journal in one transaction
    /// (in a dry run, tried and rolled back).
    Apply,
}

impl BundleStage {
    const EXPORT: [BundleStage; 4] = [Self::Collect, Self::Compress, Self::Seal, Self::Write];
    const IMPORT: [BundleStage; 5] = [Self::Read, Self::Decrypt, Self::Verify, Self::Parse, Self::Apply];

    /// What the stage does, in Danish.
    pub fn label(self) -> &'static str {
        match self {
            Self::Collect => "Samler ændringerne til partneren",
            Self::Compress => "Pakker ændringerne",
            Self::Seal => "Krypterer og underskriver",
            Self::Write => "Skriver filen",
            Self::Read => "Læser filen",
            Self::Decrypt => "Dekrypterer",
            Self::Verify => "Kontrollerer afsender og rækkefølge",
            Self::Parse => "Læser ændringerne",
            Self::Apply => "Kontrollerer og fletter ændringerne ind i journalen",
        }
    }

    /// Its progress: `step` of `steps` (1-based) of its export or import.
    pub fn progress(self) -> BundleProgress {
        let (list, n): (&[BundleStage], _) =
            if Self::EXPORT.contains(&self) { (&Self::EXPORT, 4) } else { (&Self::IMPORT, 5) };
        let step = list.iter().position(|s| *s == self).map_or(n, |i| i + 1);
        BundleProgress { stage: self, step: step as u32, steps: n as u32, label: self.label().to_string() }
    }
}

/// A stage begun: the `step`-th of `steps`, with its Danish label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleProgress {
    pub stage: BundleStage,
    pub step: u32,
    pub steps: u32,
    pub label: String,
}

/// Where the stages of an export or import are reported (a callback the
/// caller gives, or nothing).
pub type OnProgress<'a> = &'a mut dyn FnMut(BundleProgress);

/// How long each stage of an import took (the benchmark prints them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Stages {
    pub read: Duration,
    pub decrypt: Duration,
    pub verify: Duration,
    pub parse: Duration,
    pub plan: Duration,
    pub apply: Duration,
}

fn audit_head(conn: &rusqlite::Connection) -> Result<AuditHead> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok(AuditHead { seq: r.get(0)?, hash: r.get(1)? })
        })
        .optional()?
        .unwrap_or(AuditHead { seq: 0, hash: String::new() }))
}

fn audit_at(conn: &rusqlite::Connection, seq: i64) -> Result<Option<AuditHead>> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_log WHERE seq = ?1", [seq], |r| {
            Ok(AuditHead { seq: r.get(0)?, hash: r.get(1)? })
        })
        .optional()?)
}

/// The citizens the rows of a change set belong to, with the number of
/// changes each: one query per table over the rows as they are now.
/// Per person (id): how many changes, and per record or field in Danish
/// ("klient: telefon") how many.
type Touched = BTreeMap<String, (usize, BTreeMap<String, usize>)>;

/// Per person the bundle touches: how many changes, and which records and
/// fields in Danish with how many changes each ("klient: telefon").
fn people_of(conn: &rusqlite::Connection, set: &ChangeSet) -> Result<Touched> {
    use std::collections::HashMap;
    type Fast = crate::sync::plan::FastHash;
    // Table → row → the groups of its changes, in the set's order.
    let mut rows: BTreeMap<&str, HashMap<&str, Vec<&str>, Fast>> = BTreeMap::new();
    for c in &set.changes {
        rows.entry(c.table.as_str()).or_default().entry(c.row.as_str()).or_default().push(c.group.as_str());
    }
    // Person → changes, and per (table, group) how many: named once below.
    type PerField<'a> = HashMap<(&'a str, &'a str), usize, Fast>;
    let mut counted: HashMap<String, (usize, PerField<'_>), Fast> = HashMap::default();
    for (table, ids) in &rows {
        let Some(person) = tables::table(table).and_then(|t| t.person) else { continue };
        let mut list: Vec<&str> = ids.keys().copied().collect();
        list.sort_unstable();
        let list = serde_json::to_string(&list)?;
        let sql = format!("SELECT t.id, {person} FROM {table} t WHERE t.id IN (SELECT value FROM json_each(?1))");
        let mut stmt = conn.prepare(&sql)?;
        let mut q = stmt.query([list])?;
        while let Some(r) = q.next()? {
            let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let (Some(groups), Some(who)) = (ids.get(id), r.get::<_, Option<String>>(1)?) else {
                continue;
            };
            let entry = counted.entry(who).or_default();
            entry.0 += groups.len();
            for g in groups {
                *entry.1.entry((*table, *g)).or_default() += 1;
            }
        }
    }
    let mut names: HashMap<(&str, &str), String, Fast> = HashMap::default();
    let mut out: Touched = BTreeMap::new();
    for (who, (n, fields)) in counted {
        let mut named: BTreeMap<String, usize> = BTreeMap::new();
        for ((table, g), k) in fields {
            let what = names.entry((table, g)).or_insert_with(|| {
                if g.is_empty() {
                    format!("{} (ny)", labels::table_text(table))
                } else {
                    labels::field_text(table, g)
                }
            });
            *named.entry(what.clone()).or_default() += k;
        }
        out.insert(who, (n, named));
    }
    Ok(out)
}

/// The changes per table in Danish, most first.
fn tables_named(c: &Counts) -> Vec<FieldChanges> {
    let mut out: Vec<FieldChanges> =
        c.tables.iter().map(|(t, n)| FieldChanges { label: labels::table_text(t), changes: *n }).collect();
    out.sort_by(|a, b| b.changes.cmp(&a.changes).then_with(|| a.label.cmp(&b.label)));
    out
}

fn counts_of(set: &ChangeSet, people: usize) -> Counts {
    let mut tables: BTreeMap<String, usize> = BTreeMap::new();
    for c in &set.changes {
        *tables.entry(c.table.clone()).or_default() += 1;
    }
    Counts { changes: set.changes.len(), people, tables, revoked: set.revoked.len() }
}

/// A file-name-safe, ASCII form of a site name.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.to_lowercase().chars() {
        match ch {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').chars().take(40).collect()
}

fn write_error(dir: &Path, e: Error) -> Error {
    match e {
        Error::Io(io) => BundleError::Write { dir: dir.to_path_buf(), reason: super::error::write_reason(&io) }.into(),
        other => other,
    }
}

/// Read a bundle file, refusing one larger than any bundle.
fn read_capped(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(FILE_MAX + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > FILE_MAX {
        return Err(BundleError::TooLarge.into());
    }
    Ok(bytes)
}

impl Journal {
    /// Write a bundle for `partner` into `dir`: everything in its scope it
    /// has not acknowledged. The file appears whole or not at all.
    pub fn export_bundle(&mut self, ctx: &Ctx, partner: SiteId, dir: &Path) -> Result<BundleWritten> {
        self.export_bundle_with(ctx, partner, dir, &mut |_| {})
    }

    /// `export_bundle`, reporting each stage to `on_progress` as it begins.
    pub fn export_bundle_with(
        &mut self,
        ctx: &Ctx,
        partner: SiteId,
        dir: &Path,
        on_progress: OnProgress<'_>,
    ) -> Result<BundleWritten> {
        self.authorize(ctx, Action::Exchange)?;
        let pk = partner_keys(self.connection(), partner)?
            .ok_or_else(|| BundleError::UnknownPartner { name: partner.to_string() })?;
        if !dir.is_dir() {
            return Err(BundleError::Write {
                dir: dir.to_path_buf(),
                reason: if dir.exists() { "stien er ikke en mappe" } else { "mappen findes ikke" },
            }
            .into());
        }
        let site = self.site();
        on_progress(BundleStage::Collect.progress());
        let keys = self.write(ctx, |w| ensure_keys(w, site))?;
        let set = self.export_set(ctx, partner)?;
        let people = people_of(self.connection(), &set)?;
        let counts = counts_of(&set, people.len());
        on_progress(BundleStage::Compress.progress());
        let json = serde_json::to_vec(&set)?;
        let zst = file::compress(&json)?;
        let conn = self.connection();
        let seq: i64 =
            conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM bundle_sent WHERE partner = ?1", [partner], |r| {
                r.get(0)
            })?;
        let prev: Option<(String, i64)> = conn
            .query_row(
                "SELECT hash, audit_seq FROM bundle_sent WHERE partner = ?1 AND seq = ?2",
                (partner, seq - 1),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let received: Option<(i64, String, i64, String)> = conn
            .query_row(
                "SELECT seq, hash, audit_seq, audit_hash FROM bundle_received WHERE partner = ?1 ORDER BY seq DESC LIMIT 1",
                [partner],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let audit = audit_head(conn)?;
        let audit_prev = match &prev {
            Some((_, at)) => audit_at(conn, *at)?,
            None => None,
        };
        let now = ctx.clock.now();
        let manifest = Manifest {
            format: BUNDLE_FORMAT,
            schema_version: SCHEMA_VERSION,
            from: site,
            from_name: set.from_name.clone(),
            to: partner,
            to_name: pk.name.clone(),
            seq,
            prev_hash: prev.as_ref().map(|p| p.0.clone()),
            received: received.as_ref().map(|r| Received { seq: r.0, hash: r.1.clone() }),
            counts: counts.clone(),
            created_at: now_text(now),
            audit: audit.clone(),
            audit_prev,
            audit_echo: received.as_ref().map(|r| AuditHead { seq: r.2, hash: r.3.clone() }),
            changes_sha256: String::new(),
            changes_size: 0,
        };
        let mtime = u64::try_from(now.timestamp()).unwrap_or_default();
        on_progress(BundleStage::Seal.progress());
        let sealed = file::seal(manifest, &zst, &keys.sign, &pk.recipient, mtime)?;
        let file_name =
            format!("tovholder-{}-til-{}-{seq:04}.{BUNDLE_EXTENSION}", slug(&set.from_name), slug(&pk.name));
        let size = sealed.bytes.len() as u64;
        let counts_json = serde_json::to_string(&counts)?;
        // Take the number first: it is never used twice, even if the file is
        // then not written (the next bundle covers everything this one held).
        self.write(ctx, |w| {
            w.conn().execute(
                "INSERT INTO bundle_sent (partner, seq, hash, state, created_at, file_name, size, counts, audit_seq)
                 VALUES (?1, ?2, ?3, 'prepared', ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    partner,
                    seq,
                    sealed.hash,
                    now_text(now),
                    file_name,
                    size as i64,
                    counts_json,
                    audit.seq
                ],
            )?;
            for person in people.keys() {
                let id = uuid::Uuid::parse_str(person).ok();
                w.audit(AuditAction::Export, id, Some("bundle"), Some(format!("bundle {seq} til {}", pk.name)));
            }
            Ok(())
        })?;
        let path = dir.join(&file_name);
        on_progress(BundleStage::Write.progress());
        crate::security::keys::write_durably(&path, &sealed.bytes).map_err(|e| write_error(dir, e))?;
        self.write(ctx, |w| {
            w.conn()
                .execute("UPDATE bundle_sent SET state = 'sent' WHERE partner = ?1 AND seq = ?2", (partner, seq))?;
            Ok(())
        })?;
        Ok(BundleWritten { path, file_name, partner: pk.name, seq, counts, size })
    }

    /// Read and apply a bundle file (or, with `dry_run`, show what it would
    /// change and which conflicts it would open, writing nothing).
    pub fn import_bundle(&mut self, ctx: &Ctx, path: &Path, dry_run: bool) -> Result<BundleImport> {
        self.import_bundle_with(ctx, path, dry_run, &mut |_| {})
    }

    /// `import_bundle`, reporting each stage to `on_progress` as it begins.
    pub fn import_bundle_with(
        &mut self,
        ctx: &Ctx,
        path: &Path,
        dry_run: bool,
        on_progress: OnProgress<'_>,
    ) -> Result<BundleImport> {
        self.authorize(ctx, Action::Exchange)?;
        on_progress(BundleStage::Read.progress());
        let bytes = read_capped(path)?;
        on_progress(BundleStage::Decrypt.progress());
        let opened = self.open_bundle(&bytes)?;
        self.import_opened(ctx, &opened, dry_run, &mut Stages::default(), on_progress)
    }

    /// `import_bundle` with the time of each stage (the benchmark).
    pub(crate) fn import_bundle_timed(&mut self, ctx: &Ctx, path: &Path) -> Result<(BundleImport, Stages)> {
        let mut stages = Stages::default();
        let t = Instant::now();
        let bytes = read_capped(path)?;
        stages.read = t.elapsed();
        let t = Instant::now();
        let opened = self.open_bundle(&bytes)?;
        stages.decrypt = t.elapsed();
        let r = self.import_opened(ctx, &opened, false, &mut stages, &mut |_| {})?;
        Ok((r, stages))
    }

    /// Import every bundle in `dir` addressed to this site, each partner's
    /// in sequence. Files for other sites are passed over; one refusal does
    /// not stop the others (each bundle is all or nothing by itself).
    pub fn import_bundle_dir(
        &mut self,
        ctx: &Ctx,
        dir: &Path,
        dry_run: bool,
    ) -> Result<Vec<(String, Result<BundleImport>)>> {
        self.import_bundle_dir_with(ctx, dir, dry_run, &mut |_| {})
    }

    /// `import_bundle_dir`, reporting the stages of each bundle it reads
    /// (the folder is read first, as the first bundle's `Read`).
    pub fn import_bundle_dir_with(
        &mut self,
        ctx: &Ctx,
        dir: &Path,
        dry_run: bool,
        on_progress: OnProgress<'_>,
    ) -> Result<Vec<(String, Result<BundleImport>)>> {
        self.authorize(ctx, Action::Exchange)?;
        on_progress(BundleStage::Read.progress());
        let mut found: Vec<(String, Result<Opened>)> = Vec::new();
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == BUNDLE_EXTENSION) && p.is_file())
            .collect();
        names.sort();
        for p in names {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let opened = read_capped(&p).and_then(|b| self.open_bundle(&b));
            if let Err(Error::Bundle(BundleError::NotForThisSite)) = &opened {
                continue;
            }
            found.push((name, opened));
        }
        found.sort_by_key(|(name, o)| match o {
            Ok(o) => (0, o.manifest.from.to_string(), o.manifest.seq, name.clone()),
            Err(_) => (1, String::new(), 0, name.clone()),
        });
        let mut out = Vec::new();
        for (name, opened) in found {
            let result = match opened {
                Ok(o) => self.import_opened(ctx, &o, dry_run, &mut Stages::default(), &mut *on_progress),
                Err(e) => Err(e),
            };
            out.push((name, result));
        }
        Ok(out)
    }

    fn open_bundle(&self, bytes: &[u8]) -> Result<Opened> {
        if !file::looks_like_bundle(bytes) {
            return Err(BundleError::NotABundle.into());
        }
        let keys = load_keys(self.connection(), self.site())?.ok_or(BundleError::NotForThisSite)?;
        file::open(bytes, &keys.age)
    }

    fn import_opened(
        &mut self,
        ctx: &Ctx,
        opened: &Opened,
        dry_run: bool,
        stages: &mut Stages,
        on_progress: OnProgress<'_>,
    ) -> Result<BundleImport> {
        let m = &opened.manifest;
        on_progress(BundleStage::Verify.progress());
        let conn = self.connection();
        let partner = partner_keys(conn, m.from)?.ok_or(BundleError::UnknownSender)?;
        let t = Instant::now();
        opened.verify(&partner.verifying)?;
        stages.verify = t.elapsed();
        if m.format > BUNDLE_FORMAT || m.schema_version > SCHEMA_VERSION {
            return Err(BundleError::Version { found: m.format, schema: m.schema_version }.into());
        }
        if m.to != self.site() {
            return Err(BundleError::WrongRecipient.into());
        }
        let hash = opened.hash();
        let from = partner.name.clone();
        let done = |status| BundleImport {
            status,
            from: from.clone(),
            seq: m.seq,
            counts: m.counts.clone(),
            summary: None,
            people: Vec::new(),
            tables: tables_named(&m.counts),
            new_conflicts: Vec::new(),
            removed: Vec::new(),
            warnings: Vec::new(),
        };
        let held: Option<String> = conn
            .query_row("SELECT hash FROM bundle_received WHERE partner = ?1 AND seq = ?2", (m.from, m.seq), |r| {
                r.get(0)
            })
            .optional()?;
        match held {
            Some(h) if h == hash => return Ok(done(ImportStatus::AlreadyImported)),
            Some(_) => return Err(BundleError::SequenceReused { seq: m.seq, from }.into()),
            None => {}
        }
        let last: Option<(i64, String, i64, String)> = conn
            .query_row(
                "SELECT seq, hash, audit_seq, audit_hash FROM bundle_received WHERE partner = ?1 ORDER BY seq DESC LIMIT 1",
                [m.from],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let t = Instant::now();
        on_progress(BundleStage::Parse.progress());
        let json = opened.changes_json()?;
        let set: ChangeSet = serde_json::from_slice(&json).map_err(|_| BundleError::Damaged)?;
        drop(json);
        stages.parse = t.elapsed();
        if set.from != m.from || set.to != m.to {
            return Err(BundleError::Damaged.into());
        }
        if let Some((last_seq, last_hash, _, _)) = &last {
            if m.seq < *last_seq {
                // Older than the last one read, and never read itself: a
                // later (cumulative) bundle already brought what it held.
                return Ok(done(ImportStatus::AlreadyImported));
            }
            if m.seq == last_seq + 1 && m.prev_hash.as_deref() != Some(last_hash.as_str()) {
                return Err(BundleError::Chain { seq: m.seq, prev: *last_seq, from }.into());
            }
        }
        let next = last.as_ref().map_or(1, |l| l.0 + 1);
        if m.seq > next {
            let upto: i64 = conn
                .query_row("SELECT received_upto FROM sync_peer WHERE site = ?1", [m.from], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            if set.from_seq > upto + 1 {
                return Err(BundleError::Missing { seq: next, from }.into());
            }
        }
        let warnings = self.audit_warnings(m, &partner.name, last.as_ref().map(|l| (l.2, l.3.clone())))?;
        let show_names = self.reader(ctx, Action::ReadRecord).is_ok();
        let before: BTreeSet<(String, String, String)> = conflict_keys(self.connection())?;
        let counts_json = serde_json::to_string(&m.counts)?;
        let warning = (!warnings.is_empty()).then(|| warnings.join(" "));
        let t = Instant::now();
        // The merge plans and applies in one transaction (sync::apply): one stage.
        on_progress(BundleStage::Apply.progress());
        // What the revocations name that this journal holds (read before the
        // merge removes it), to say afterwards whose data went and why.
        let revoking = revoking(self.connection(), self.site(), &set)?;
        let (summary, (people, new_conflicts, removed), planned) = self.merge_set(ctx, &set, |w, _| {
            let people = people_of(w.conn(), &set)?;
            let after = conflict_keys(w.conn())?;
            let new_conflicts: Vec<ConflictNamed> = after
                .difference(&before)
                .map(|(t, r, g)| ConflictNamed {
                    table: t.clone(),
                    row: r.clone(),
                    group: g.clone(),
                    label: labels::field_text(t, g),
                })
                .collect();
            let named = people_named(w, &people, show_names)?;
            if dry_run {
                w.discard();
            } else {
                record_received(w, m, &hash, &counts_json, warning.as_deref())?;
                for person in people.keys() {
                    let id = uuid::Uuid::parse_str(person).ok();
                    w.audit(
                        AuditAction::Import,
                        id,
                        Some("bundle"),
                        Some(format!("bundle {} fra {}", m.seq, partner.name)),
                    );
                }
            }
            let removed = removed_named(w, &revoking, show_names)?;
            Ok((named, new_conflicts, removed))
        })?;
        // The merge plans inside its transaction: apply is the rest.
        stages.plan = planned;
        stages.apply = t.elapsed().saturating_sub(planned);
        if dry_run && show_names && !people.is_empty() {
            // The preview showed names: that is a read of each person.
            self.write(ctx, |w| {
                for p in &people {
                    let id = uuid::Uuid::parse_str(&p.person).ok();
                    w.audit_read(
                        id,
                        "bundle",
                        "Forhåndsvisning af bundle",
                        Some(format!("bundle {} fra {}", m.seq, partner.name)),
                    );
                }
                Ok(())
            })?;
        }
        Ok(BundleImport {
            status: if dry_run { ImportStatus::DryRun } else { ImportStatus::Applied },
            from: partner.name,
            seq: m.seq,
            counts: m.counts.clone(),
            summary: Some(summary),
            people,
            tables: tables_named(&m.counts),
            new_conflicts,
            removed,
            warnings,
        })
    }

    /// What the audit heads in a manifest say about either site's log.
    fn audit_warnings(&self, m: &Manifest, from: &str, last: Option<(i64, String)>) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if let Some((seq, hash)) = last {
            let went_back = m.audit.seq < seq;
            let rewritten = m.audit_prev.as_ref().is_some_and(|p| p.seq == seq && p.hash != hash);
            if went_back || rewritten {
                out.push(format!(
                    "{from}s adgangslog er ændret, siden {from} sendte sin forrige bundle (post {seq} er ikke længere den samme). Kontakt {from}."
                ));
            }
        }
        if let Some(echo) = &m.audit_echo {
            let ours = audit_at(self.connection(), echo.seq)?;
            if ours.as_ref().map(|o| &o.hash) != Some(&echo.hash) {
                out.push(format!(
                    "Denne journals adgangslog er ændret, siden den sidste bundle blev sendt til {from} (post {} er ikke længere den samme). Kør «tovholder audit verify», og kontakt lederen.",
                    echo.seq
                ));
            }
        }
        Ok(out)
    }

    /// Every partner with its last bundle sent and received.
    pub fn bundle_status(&self, ctx: &Ctx) -> Result<Vec<PartnerStatus>> {
        self.authorize(ctx, Action::Exchange)?;
        let conn = self.connection();
        let mut out = Vec::new();
        for partner in self.partners(ctx)? {
            let last_sent = conn
                .query_row(
                    "SELECT seq, created_at, counts, state, file_name FROM bundle_sent WHERE partner = ?1 ORDER BY seq DESC LIMIT 1",
                    [partner.site],
                    |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
                    },
                )
                .optional()?
                .map(|(seq, at, counts, state, file_name)| BundleRecord {
                    seq,
                    at,
                    counts: serde_json::from_str(&counts).unwrap_or_default(),
                    written: state == "sent",
                    file_name: Some(file_name),
                    warning: None,
                });
            let received = conn
                .query_row(
                    "SELECT seq, imported_at, counts, warning, acked_seq FROM bundle_received WHERE partner = ?1 ORDER BY seq DESC LIMIT 1",
                    [partner.site],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Option<String>>(3)?,
                            r.get::<_, Option<i64>>(4)?,
                        ))
                    },
                )
                .optional()?;
            let acknowledged = received.as_ref().and_then(|r| r.4);
            let last_received = received.map(|(seq, at, counts, warning, _)| BundleRecord {
                seq,
                at,
                counts: serde_json::from_str(&counts).unwrap_or_default(),
                written: true,
                file_name: None,
                warning,
            });
            out.push(PartnerStatus { partner, last_sent, last_received, acknowledged });
        }
        Ok(out)
    }
}

fn conflict_keys(conn: &rusqlite::Connection) -> Result<BTreeSet<(String, String, String)>> {
    Ok(conn
        .prepare("SELECT DISTINCT tbl, row_id, grp FROM sync_conflict")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A row a revocation names that this journal holds, with its person.
struct Revoking {
    table: &'static str,
    row: String,
    person: String,
    name: Option<String>,
    withdrawn_on: Option<chrono::NaiveDate>,
}

/// The rows of `set.revoked` this journal holds of another site, with the
/// person each belongs to (a row of no person is not named).
fn revoking(conn: &rusqlite::Connection, own: SiteId, set: &ChangeSet) -> Result<Vec<Revoking>> {
    let mut names = conn.prepare_cached(
        "SELECT name FROM client WHERE id = ?1 UNION ALL SELECT name FROM child WHERE id = ?1 LIMIT 1",
    )?;
    let mut out = Vec::new();
    for r in &set.revoked {
        let Some(desc) = tables::table(&r.table) else { continue };
        let Some(expr) = desc.person else { continue };
        let found: Option<(Option<String>, String)> = conn
            .prepare_cached(&format!("SELECT {expr}, t.origin_site FROM {} t WHERE t.id = ?1", desc.name))?
            .query_row([&r.row], |x| Ok((x.get(0)?, x.get(1)?)))
            .optional()?;
        let Some((Some(person), origin)) = found else { continue };
        if origin == own.to_string() {
            continue;
        }
        let name = names.query_row([&person], |x| x.get(0)).optional()?;
        out.push(Revoking { table: desc.name, row: r.row.clone(), person, name, withdrawn_on: r.withdrawn_on });
    }
    Ok(out)
}

/// One person's removed rows: the name, the latest withdrawal, the rows per kind.
type RemovedRows<'a> = (&'a Option<String>, Option<chrono::NaiveDate>, BTreeMap<String, usize>);

/// The people whose rows of `revoking` the merge removed, per person.
fn removed_named(w: &Writer<'_>, revoking: &[Revoking], names: bool) -> Result<Vec<RemovedPerson>> {
    let mut by_person: BTreeMap<&str, RemovedRows<'_>> = BTreeMap::new();
    for r in revoking {
        let still: bool = w
            .conn()
            .prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", r.table))?
            .query_row([&r.row], |x| x.get(0))?;
        if still {
            continue;
        }
        let e = by_person.entry(r.person.as_str()).or_insert((&r.name, None, BTreeMap::new()));
        e.1 = e.1.max(r.withdrawn_on);
        *e.2.entry(labels::table_text(r.table)).or_default() += 1;
    }
    Ok(by_person
        .into_iter()
        .map(|(person, (name, withdrawn, what))| RemovedPerson {
            person: person.to_string(),
            name: if names { name.clone() } else { None },
            records: if names {
                what.into_iter().map(|(label, changes)| FieldChanges { label, changes }).collect()
            } else {
                Vec::new()
            },
            reason: match withdrawn {
                Some(d) => format!("samtykket til jer blev trukket tilbage den {}", crate::model::time::danish(d)),
                None => "sagen er ikke længere delt med jer".to_string(),
            },
        })
        .collect())
}

fn people_named(w: &Writer<'_>, people: &Touched, names: bool) -> Result<Vec<PersonChanges>> {
    let mut out = Vec::new();
    let mut stmt = w.conn().prepare_cached(
        "SELECT name FROM client WHERE id = ?1 UNION ALL SELECT name FROM child WHERE id = ?1 LIMIT 1",
    )?;
    for (person, (changes, what)) in people {
        let name = if names { stmt.query_row([person], |r| r.get(0)).optional()? } else { None };
        let fields = if names {
            what.iter().map(|(label, n)| FieldChanges { label: label.clone(), changes: *n }).collect()
        } else {
            Vec::new()
        };
        out.push(PersonChanges { person: person.clone(), name, changes: *changes, fields });
    }
    Ok(out)
}

fn record_received(w: &mut Writer<'_>, m: &Manifest, hash: &str, counts: &str, warning: Option<&str>) -> Result<()> {
    // Our own bundle the partner says it has read: only if it names one we sent.
    let acked = match &m.received {
        Some(r) => w
            .conn()
            .query_row(
                "SELECT seq FROM bundle_sent WHERE partner = ?1 AND seq = ?2 AND hash = ?3",
                (m.from, r.seq, &r.hash),
                |x| x.get::<_, i64>(0),
            )
            .optional()?,
        None => None,
    };
    w.conn().execute(
        "INSERT INTO bundle_received (partner, seq, hash, created_at, imported_at, audit_seq, audit_hash, counts, acked_seq, warning)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            m.from,
            m.seq,
            hash,
            m.created_at,
            now_text(w.now()),
            m.audit.seq,
            m.audit.hash,
            counts,
            acked,
            warning
        ],
    )?;
    Ok(())
}
