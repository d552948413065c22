//! The bundle benchmark (`tovholder bench-bundle`, issue 13 item 7): a
//! bundle of about `changes` changes (new clients with their sessions,
//! participants and notes, consents to the partner, and a third field
//! edits) exported from one encrypted journal and imported into (a) an
//! encrypted journal that holds only the organisation and, optionally, (b)
//! one of `big_clients` generated clients. Beside it, in the same run: plain
//! prepared INSERTs of the same resulting rows into an encrypted copy of
//! the schema, and age encryption, Ed25519 signing and zstd of the same
//! bytes. Figures are printed, never asserted.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ed25519_dalek::Signer;
use rusqlite::types::Value;
use serde::Serialize;

use crate::error::Result;
use crate::model::*;
use crate::security::keys::{DbKey, KdfParams, Secret};
use crate::store::{Ctx, Journal, Setup};
use crate::sync::tables;

const PASSWORD: &str = "bench-adgangskode-bundle";

/// What to measure.
pub struct Options {
    pub changes: usize,
    pub big_clients: Option<usize>,
    pub seed: u64,
    pub dir: PathBuf,
}

/// One import's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ImportFigures {
    pub into: String,
    pub changes: usize,
    pub total_s: f64,
    pub changes_per_s: f64,
    pub read_s: f64,
    pub decrypt_s: f64,
    pub verify_s: f64,
    pub parse_s: f64,
    pub plan_s: f64,
    pub apply_s: f64,
    /// Plain prepared INSERTs of the rows the import wrote, into an
    /// encrypted copy of the schema, in one transaction.
    pub plain_insert_rows: usize,
    pub plain_insert_s: f64,
    pub ratio_to_plain_insert: f64,
    /// The same, plus the import's rows of the change log (`sync_change`,
    /// as many again as there are changes): what storing the rows and the
    /// log costs without the merge.
    pub plain_with_log_rows: usize,
    pub plain_with_log_s: f64,
    pub ratio_to_plain_with_log: f64,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub changes: usize,
    pub bundle_bytes: u64,
    pub json_bytes: usize,
    pub export_s: f64,
    pub export_changes_per_s: f64,
    pub imports: Vec<ImportFigures>,
    pub zstd_mb_per_s: f64,
    pub age_mb_per_s: f64,
    pub ed25519_mb_per_s: f64,
    pub encrypt_and_sign_mb_per_s: f64,
    pub peak_memory_mb: f64,
}

impl Figures {
    pub fn to_text(&self) -> String {
        let mb = |bytes: u64| dec(bytes as f64 / 1e6, 1);
        let mut s = format!(
            "Bundle: {} ændringer, {} MB JSON, {} MB fil\nEksport: {} s ({} ændringer/s)\n",
            int(self.changes as f64),
            mb(self.json_bytes as u64),
            mb(self.bundle_bytes),
            dec(self.export_s, 2),
            int(self.export_changes_per_s)
        );
        for i in &self.imports {
            s.push_str(&format!(
                "Indlæsning i {}: {} s ({} ændringer/s) — læs {} · dekryptér {} · verificér {} · fortolk {} · plan {} · anvend {} s\n  Ren INSERT af de samme {} rækker (krypteret): {} s; forhold {}×\n  Ren INSERT af rækkerne og ændringsloggen ({} rækker): {} s; forhold {}×\n",
                i.into,
                dec(i.total_s, 2),
                int(i.changes_per_s),
                dec(i.read_s, 3),
                dec(i.decrypt_s, 3),
                dec(i.verify_s, 3),
                dec(i.parse_s, 3),
                dec(i.plan_s, 3),
                dec(i.apply_s, 3),
                int(i.plain_insert_rows as f64),
                dec(i.plain_insert_s, 2),
                dec(i.ratio_to_plain_insert, 2),
                int(i.plain_with_log_rows as f64),
                dec(i.plain_with_log_s, 2),
                dec(i.ratio_to_plain_with_log, 2)
            ));
        }
        s.push_str(&format!(
            "Samme bytes: zstd {} MB/s · age {} MB/s · Ed25519 {} MB/s · age + Ed25519 {} MB/s\nHøjeste hukommelsesforbrug: {} MB",
            int(self.zstd_mb_per_s),
            int(self.age_mb_per_s),
            int(self.ed25519_mb_per_s),
            int(self.encrypt_and_sign_mb_per_s),
            int(self.peak_memory_mb)
        ));
        s
    }
}

/// A figure with `places` decimals and a decimal comma ("3,62").
fn dec(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

/// A whole figure with thousands points ("99.582").
fn int(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

struct Site {
    j: Journal,
    ctx: Ctx,
}

fn site(dir: &Path, file: &str, name: &str, municipality: &str, initials: &str, today: NaiveDate) -> Result<Site> {
    let setup = Setup {
        site_name: name.into(),
        unit: UnitRecord { id: None, municipality: municipality.into(), kind: "alcohol".into(), name: name.into() },
        first_staff: StaffRecord {
            id: None,
            unit_id: UnitId::new(),
            name: format!("Leder {initials}"),
            initials: initials.into(),
            role: "leader".into(),
        },
    };
    site_from(dir, file, setup, today)
}

/// A site made from a generated file's first unit and staff member (so the
/// file's rows refer to them), its unit in `municipality`.
fn generated_site(
    dir: &Path,
    file: &str,
    f: &mut JournalFile,
    name: &str,
    municipality: &str,
    today: NaiveDate,
) -> Result<Site> {
    let mut unit = f.units.first().cloned().ok_or(crate::error::Invalid::Required { field: "units" })?;
    unit.municipality = municipality.into();
    unit.name = name.into();
    let first_staff = f.staff.first().cloned().ok_or(crate::error::Invalid::Required { field: "staff" })?;
    // The journal now holds the first unit and staff member; the file's
    // other rows refer to them.
    f.units.remove(0);
    f.staff.remove(0);
    site_from(dir, file, Setup { site_name: name.into(), unit, first_staff }, today)
}

fn site_from(dir: &Path, file: &str, setup: Setup, today: NaiveDate) -> Result<Site> {
    let path = dir.join(file);
    crate::store::remove_journal_files(&path, true);
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::on(today));
    let (j, ctx, _) = Journal::create_keyed(&path, &setup, &Secret::new(PASSWORD), clock, KdfParams::DEFAULT)?;
    Ok(Site { j, ctx })
}

/// Register each other's cards and exchange the organisations.
fn partners(a: &mut Site, b: &mut Site, dir: &Path) -> Result<()> {
    let ca = a.j.site_card(&a.ctx)?;
    let cb = b.j.site_card(&b.ctx)?;
    b.j.add_partner(&b.ctx, &ca, &ca.fingerprint())?;
    a.j.add_partner(&a.ctx, &cb, &cb.fingerprint())?;
    let f = a.j.export_bundle(&a.ctx, b.j.site(), dir)?;
    b.j.import_bundle(&b.ctx, &f.path, false)?;
    let f = b.j.export_bundle(&b.ctx, a.j.site(), dir)?;
    a.j.import_bundle(&a.ctx, &f.path, false)?;
    Ok(())
}

/// Records in a generated file, nested ones (a session's participants)
/// included.
fn rows_of(f: &JournalFile) -> usize {
    fn count(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Array(a) => a.iter().map(|x| usize::from(x.is_object()) + count(x)).sum(),
            serde_json::Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    count(&serde_json::to_value(f).unwrap_or_default())
}

/// The rows of `table` in `j` whose `origin_site` is (or, with `made` false,
/// is not) `origin`: `(table, columns, values row after row)`.
fn rows_of_site(j: &Journal, table: &str, origin: SiteId, made: bool) -> Result<(String, usize, Vec<Value>)> {
    let op = if made { "=" } else { "<>" };
    // The change log names the site that made a change as `site`.
    let column = if table == "sync_change" { "site" } else { "origin_site" };
    let mut stmt = j.connection().prepare(&format!("SELECT * FROM {table} WHERE {column} {op} ?1"))?;
    let cols = stmt.column_count();
    let mut values = Vec::new();
    let mut rows = stmt.query([origin])?;
    while let Some(r) = rows.next()? {
        for i in 0..cols {
            values.push(r.get::<_, Value>(i)?);
        }
    }
    Ok((table.to_string(), cols, values))
}

/// The baseline: the same rows by plain prepared INSERTs into an encrypted
/// copy of the schema (holding the target's organisation first); with
/// `with_log` also the change log's rows of the source.
fn plain_insert(target: &Journal, source: SiteId, dir: &Path, with_log: bool) -> Result<(usize, Duration)> {
    let mut data: Vec<_> =
        tables::TABLES.iter().map(|t| rows_of_site(target, t.name, source, true)).collect::<Result<_>>()?;
    if with_log {
        data.push(rows_of_site(target, "sync_change", source, true)?);
    }
    let org: Vec<_> =
        ["unit", "staff"].iter().map(|t| rows_of_site(target, t, source, false)).collect::<Result<_>>()?;
    let path = dir.join("plain-keyed.journal");
    crate::store::remove_journal_files(&path, true);
    let mut conn = crate::store::connect(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_CREATE,
        Some(&DbKey::random()),
    )?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.execute_batch(crate::store::SCHEMA_SQL)?;
    let insert = |tx: &rusqlite::Transaction<'_>, data: &[(String, usize, Vec<Value>)]| -> Result<usize> {
        let mut n = 0;
        for (table, cols, values) in data {
            if *cols == 0 || values.is_empty() {
                continue;
            }
            let marks = vec!["?"; *cols].join(", ");
            let mut stmt = tx.prepare(&format!("INSERT OR IGNORE INTO {table} VALUES ({marks})"))?;
            for row in values.chunks(*cols) {
                stmt.execute(rusqlite::params_from_iter(row.iter()))?;
                n += 1;
            }
        }
        Ok(n)
    };
    {
        let tx = conn.transaction()?;
        insert(&tx, &org)?;
        tx.commit()?;
    }
    let start = Instant::now();
    let tx = conn.transaction()?;
    let n = insert(&tx, &data)?;
    tx.commit()?;
    let took = start.elapsed();
    drop(conn);
    crate::store::remove_journal_files(&path, true);
    Ok((n, took))
}

fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

fn import_into(target: &mut Site, source: SiteId, file: &Path, into: &str, dir: &Path) -> Result<ImportFigures> {
    eprintln!("Indlæser bundlen i {into} …");
    let t = Instant::now();
    let (r, st) = target.j.import_bundle_timed(&target.ctx, file)?;
    let total = t.elapsed();
    eprintln!("Ren INSERT af de samme rækker …");
    let (rows, plain) = plain_insert(&target.j, source, dir, false)?;
    let (log_rows, with_log) = plain_insert(&target.j, source, dir, true)?;
    Ok(ImportFigures {
        into: into.into(),
        changes: r.counts.changes,
        total_s: total.as_secs_f64(),
        changes_per_s: r.counts.changes as f64 / total.as_secs_f64().max(1e-9),
        read_s: st.read.as_secs_f64(),
        decrypt_s: st.decrypt.as_secs_f64(),
        verify_s: st.verify.as_secs_f64(),
        parse_s: st.parse.as_secs_f64(),
        plan_s: st.plan.as_secs_f64(),
        apply_s: st.apply.as_secs_f64(),
        plain_insert_rows: rows,
        plain_insert_s: plain.as_secs_f64(),
        ratio_to_plain_insert: total.as_secs_f64() / plain.as_secs_f64().max(1e-9),
        plain_with_log_rows: log_rows,
        plain_with_log_s: with_log.as_secs_f64(),
        ratio_to_plain_with_log: total.as_secs_f64() / with_log.as_secs_f64().max(1e-9),
    })
}

/// Run the benchmark (module doc).
pub fn run(o: &Options) -> Result<Figures> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    std::fs::create_dir_all(&o.dir)?;
    let stick = o.dir.join("usb");
    let _ = std::fs::remove_dir_all(&stick);
    std::fs::create_dir_all(&stick)?;
    // Two thirds new rows (clients with sessions, participants, notes and a
    // consent to the partner), one third field edits.
    let per_client = rows_of(&crate::fixtures::generate(200, o.seed, today)).max(1) as f64 / 200.0 + 1.0;
    let clients = ((o.changes as f64 * 2.0 / 3.0) / per_client).ceil() as usize;
    eprintln!("Genererer {clients} klienter med samtaler og notater …");
    let mut file = crate::fixtures::generate(clients, o.seed, today);
    eprintln!("Opretter krypterede journaler og udveksler organisationen …");
    let mut faxe = generated_site(&o.dir, "faxe.journal", &mut file, "Bench Faxe", "0320", today)?;
    // Loaded before the partners are registered: the generated file also
    // holds staff of a Stevns unit, which a journal refuses to create for a
    // registered partner.
    faxe.j.import(&faxe.ctx, &file)?;
    let mut stevns = site(&o.dir, "stevns.journal", "Bench Stevns", "0336", "BS", today)?;
    partners(&mut faxe, &mut stevns, &stick)?;
    let mut big = match o.big_clients {
        Some(n) => {
            eprintln!("Genererer en journal med {n} klienter …");
            let mut f = crate::fixtures::generate(n, o.seed + 1, today);
            let mut b = generated_site(&o.dir, "stor.journal", &mut f, "Bench Stor", "0336", today)?;
            b.j.import(&b.ctx, &f)?;
            partners(&mut faxe, &mut b, &stick)?;
            Some(b)
        }
        None => None,
    };
    let partner_units: Vec<UnitId> =
        [Some(stevns.j.unit()), big.as_ref().map(|b| b.j.unit())].into_iter().flatten().collect();
    let mut consents = JournalFile::new();
    for c in &file.clients {
        let Some(id) = c.id else { continue };
        for u in &partner_units {
            consents.consents.push(ConsentRecord {
                id: None,
                client_id: id,
                scope: "partner_municipality".into(),
                recipient: "Samarbejdskommunen".into(),
                to_unit: Some(*u),
                given_on: today,
                withdrawn_on: None,
                remarks: None,
            });
        }
    }
    faxe.j.import(&faxe.ctx, &consents)?;
    let inserted: i64 = faxe.j.connection().query_row("SELECT count(*) FROM sync_change", [], |r| r.get(0))?;
    let edits = o.changes.saturating_sub(usize::try_from(inserted).unwrap_or(0));
    eprintln!("Retter {edits} felter …");
    let ids: Vec<ClientId> = file.clients.iter().filter_map(|c| c.id).collect();
    faxe.j.write_bulk(&faxe.ctx, |w| {
        for i in 0..edits {
            let Some(id) = ids.get(i % ids.len().max(1)) else { break };
            let round = i / ids.len().max(1);
            let value = format!("{:08}", 20_000_000 + i);
            let (col, v): (&'static str, String) = match round % 3 {
                0 => ("phone", value),
                1 => ("email", format!("bench{i}@example.invalid")),
                _ => ("address", format!("Benchvej {i}, 4690 Haslev")),
            };
            w.update("client", id, &[(col, &v)], Some(id.0), crate::error::Entity::Client)?;
        }
        Ok(())
    })?;

    eprintln!("Skriver bundlen …");
    let t = Instant::now();
    let written = faxe.j.export_bundle(&faxe.ctx, stevns.j.site(), &stick)?;
    let export = t.elapsed();
    let big_file = match &big {
        Some(b) => Some(faxe.j.export_bundle(&faxe.ctx, b.j.site(), &stick)?.path),
        None => None,
    };
    let mut imports =
        vec![import_into(&mut stevns, faxe.j.site(), &written.path, "en journal med kun organisationen", &o.dir)?];
    if let (Some(b), Some(f)) = (big.as_mut(), big_file) {
        let n = o.big_clients.unwrap_or_default();
        imports.push(import_into(b, faxe.j.site(), &f, &format!("journalen med {n} klienter"), &o.dir)?);
    }

    // The same bytes through each primitive alone.
    let set = faxe.j.export_set(&faxe.ctx, stevns.j.site())?;
    let json = serde_json::to_vec(&set)?;
    let t = Instant::now();
    let _zst = super::file::compress(&json)?;
    let zstd_t = t.elapsed();
    let identity = age::x25519::Identity::generate();
    let t = Instant::now();
    let enc = age::Encryptor::with_recipients(std::iter::once(&identity.to_public() as &dyn age::Recipient))
        .map_err(|_| super::BundleError::NotABundle)?;
    let mut out = Vec::with_capacity(json.len() + 4096);
    let mut w = enc.wrap_output(&mut out)?;
    std::io::Write::write_all(&mut w, &json)?;
    w.finish()?;
    let age_t = t.elapsed();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let t = Instant::now();
    let _sig = key.sign(&json);
    let sign_t = t.elapsed();
    let fig = Figures {
        changes: written.counts.changes,
        bundle_bytes: written.size,
        json_bytes: json.len(),
        export_s: export.as_secs_f64(),
        export_changes_per_s: written.counts.changes as f64 / export.as_secs_f64().max(1e-9),
        imports,
        zstd_mb_per_s: mb_per_s(json.len(), zstd_t),
        age_mb_per_s: mb_per_s(json.len(), age_t),
        ed25519_mb_per_s: mb_per_s(json.len(), sign_t),
        encrypt_and_sign_mb_per_s: mb_per_s(json.len(), age_t + sign_t),
        peak_memory_mb: peak_memory_mb(),
    };
    drop(faxe);
    drop(stevns);
    drop(big);
    for f in ["faxe.journal", "stevns.journal", "stor.journal"] {
        crate::store::remove_journal_files(&o.dir.join(f), true);
    }
    let _ = std::fs::remove_dir_all(&stick);
    Ok(fig)
}

#[cfg(test)]
mod tests {
    #[test]
    fn figures_read_as_danish_numbers() {
        assert_eq!(super::int(99_582.0), "99.582");
        assert_eq!(super::int(1_234_567.4), "1.234.567");
        assert_eq!(super::int(582.0), "582");
        assert_eq!(super::int(0.0), "0");
        assert_eq!(super::dec(3.5, 2), "3,50");
        assert_eq!(super::dec(44.46, 1), "44,5");
    }
}
