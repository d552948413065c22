//! The core benchmark (`tovholder bench`): a generated journal of SPEC §8's
//! size, loaded through the write path beside a plain bulk insert of the same
//! rows, then the screens' queries timed (p50, p95) beside one indexed
//! primary-key lookup measured in the same run.
//!
//! A command, not a test: figures are printed, never asserted.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::types::Value;
use serde::Serialize;

use crate::error::Result;
use crate::model::*;
use crate::security::keys::{KdfParams, Secret};
use crate::security::roles::Action;
use crate::security::scope::Reader;
use crate::store::{ClientFilter, Ctx, Journal, Setup};

pub struct Options {
    pub clients: usize,
    pub seed: u64,
    pub queries: usize,
    pub dir: PathBuf,
    /// Run everything twice, on an unencrypted and an encrypted journal, and
    /// time logins.
    pub compare_encryption: bool,
    /// Open the unencrypted journal a previous run left in `dir` (same
    /// clients and seed) instead of loading a new one; the load is then
    /// not measured. Without one there, it is loaded and left there.
    pub reuse: bool,
}

/// The same benchmark on an unencrypted and an encrypted journal, and the
/// time a login (Argon2id + opening the journal) takes.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub plain: Report,
    pub encrypted: Report,
    /// Per operation: encrypted p95 / unencrypted p95 − 1, in percent.
    pub overhead_p95_pct: Vec<(String, f64)>,
    /// Per operation: encrypted p50 / unencrypted p50 − 1, in percent.
    pub overhead_p50_pct: Vec<(String, f64)>,
    pub load_overhead_pct: f64,
    pub kdf: crate::security::keys::KdfParams,
    /// Login times in milliseconds (Argon2id + opening the journal), sorted.
    pub login_ms: Vec<f64>,
    /// SQLCipher as measured: version, crypto provider, HMAC, page size,
    /// and the page cache bound (KiB) of each connection.
    pub cipher: Vec<(String, String)>,
}

impl Comparison {
    pub fn to_text(&self) -> String {
        let mut s = String::from("== Ukrypteret journal ==\n");
        s.push_str(&self.plain.to_text());
        s.push_str("\n== Krypteret journal (SQLCipher) ==\n");
        s.push_str(&self.encrypted.to_text());
        s.push_str("\n== Krypteringens pris ==\n");
        s.push_str(&format!("| {:<44} | {:>12} | {:>12} |\n", "operation", "p50 +%", "p95 +%"));
        for ((name, p50), (_, p95)) in self.overhead_p50_pct.iter().zip(&self.overhead_p95_pct) {
            s.push_str(&format!("| {:<44} | {:>12.1} | {:>12.1} |\n", name, p50, p95));
        }
        s.push_str(&format!(
            "| {:<44} | {:>12.1} | {:>12} |\n",
            "load through the write path", self.load_overhead_pct, ""
        ));
        s.push_str(&format!(
            "\nLogin (Argon2id m={} KiB, t={}, p={} + åbning): {} ms (median af {})\n",
            self.kdf.m_kib,
            self.kdf.t,
            self.kdf.p,
            self.login_ms.get(self.login_ms.len() / 2).map(|m| format!("{m:.0}")).unwrap_or_default(),
            self.login_ms.len()
        ));
        let cipher: Vec<String> = self.cipher.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!("SQLCipher: {}\n", cipher.join(", ")));
        s
    }
}

/// Percentiles of one measured operation, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timing {
    pub name: String,
    pub runs: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    /// p95 divided by the primary-key lookup's p95.
    pub p95_vs_pk: f64,
    /// Average rows returned, to show the query did real work.
    pub avg_rows: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub rows: usize,
    pub write_path_s: f64,
    pub write_path_rows_per_s: f64,
    pub plain_insert_s: f64,
    pub plain_insert_rows_per_s: f64,
    /// How many times slower the write path is than the plain insert.
    pub ratio: f64,
    /// Small commits as a login or an audited read makes them.
    pub small: SmallWrites,
}

/// One-entry commits through the write path (`SMALL_WRITES` of them), and
/// beside them, interleaved, what recording the audit head outside the
/// database costs alone and what an fsync of that file would add
/// (`store::head`: it is written without one per commit).
#[derive(Debug, Clone, Serialize)]
pub struct SmallWrites {
    pub commit_p50_ms: f64,
    /// The same commit without the write path's work on the files beside
    /// the journal (the audit queue looked at before and after, the head
    /// recorded after), interleaved with the ordinary ones: the same-run
    /// baseline of that work's cost.
    pub bare_commit_p50_ms: f64,
    /// `commit_p50_ms / bare_commit_p50_ms`.
    pub files_ratio: f64,
    pub head_p50_ms: f64,
    pub head_fsync_p50_ms: f64,
    /// The same commit followed by the app's checkpoint after a command
    /// (`Journal::checkpoint_after_command`), interleaved with the commits
    /// alone.
    pub commit_checkpoint_p50_ms: f64,
}

const SMALL_WRITES: usize = 300;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub clients: usize,
    pub sessions: usize,
    pub notes: usize,
    pub generate_s: f64,
    pub journal_bytes: u64,
    pub load: Load,
    pub timings: Vec<Timing>,
}

impl Report {
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "Journal: {} klienter, {} samtaler, {} notater ({} rækker, {:.0} MB), genereret på {:.1} s\n\n",
            self.clients,
            self.sessions,
            self.notes,
            self.load.rows,
            self.journal_bytes as f64 / 1e6,
            self.generate_s
        );
        if self.load.rows == 0 {
            s.push_str("Indlæsning: ikke målt (journalen fra en tidligere kørsel genbrugt)\n\n");
        } else {
            s.push_str(&format!(
            "Indlæsning: skrivevejen {:.1} s ({:.0} rækker/s); ren bulk-insert af de samme rækker {:.1} s ({:.0} rækker/s); forhold {:.2}\n\n",
            self.load.write_path_s,
            self.load.write_path_rows_per_s,
            self.load.plain_insert_s,
            self.load.plain_insert_rows_per_s,
            self.load.ratio
        ));
            let small = &self.load.small;
            s.push_str(&format!(
            "Små skrivninger ({SMALL_WRITES}): en commit med én indførsel p50 {:.3} ms; den samme commit uden arbejdet på filerne ved siden af (.head og adgangskøen) p50 {:.3} ms, forhold {:.2}; journalens hoved i .head-filen alene {:.3} ms ({:.1} %); en fsync af .head-filen ville lægge {:.3} ms til ({:.1} gange commit); commit og programmets checkpoint efter kommandoen p50 {:.3} ms ({:.1} gange commit alene)\n\n",
            small.commit_p50_ms,
            small.bare_commit_p50_ms,
            small.files_ratio,
            small.head_p50_ms,
            100.0 * small.head_p50_ms / small.commit_p50_ms.max(1e-9),
            small.head_fsync_p50_ms,
            small.head_fsync_p50_ms / small.commit_p50_ms.max(1e-9),
            small.commit_checkpoint_p50_ms,
            small.commit_checkpoint_p50_ms / small.commit_p50_ms.max(1e-9)
        ));
        }
        s.push_str(&format!(
            "| {:<44} | {:>6} | {:>9} | {:>9} | {:>9} | {:>8} | {:>8} |\n",
            "operation", "runs", "p50 ms", "p95 ms", "max ms", "p95/PK", "rows"
        ));
        s.push_str(&format!(
            "|{}|{}|{}|{}|{}|{}|{}|\n",
            "-".repeat(46),
            "-".repeat(8),
            "-".repeat(11),
            "-".repeat(11),
            "-".repeat(11),
            "-".repeat(10),
            "-".repeat(10)
        ));
        for t in &self.timings {
            s.push_str(&format!(
                "| {:<44} | {:>6} | {:>9.3} | {:>9.3} | {:>9.3} | {:>8.1} | {:>8.1} |\n",
                t.name, t.runs, t.p50_ms, t.p95_ms, t.max_ms, t.p95_vs_pk, t.avg_rows
            ));
        }
        s
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

/// Time `op` over `inputs` on each journal after a short warm-up. With two
/// journals the runs are interleaved input by input (in alternating order),
/// so other work on the machine falls on both alike: the ratio between them
/// is what the comparison reports.
fn measure<T>(
    name: &str,
    journals: &[&Journal],
    inputs: &[T],
    mut op: impl FnMut(usize, &Journal, &T) -> Result<usize>,
) -> Result<Vec<Timing>> {
    for (k, j) in journals.iter().enumerate() {
        for i in inputs.iter().take(50) {
            op(k, j, i)?;
        }
    }
    let mut times = vec![Vec::with_capacity(inputs.len()); journals.len()];
    let mut rows = vec![0usize; journals.len()];
    for (n, i) in inputs.iter().enumerate() {
        for k in 0..journals.len() {
            let k = if n % 2 == 0 { k } else { journals.len() - 1 - k };
            let t = Instant::now();
            rows[k] += op(k, journals[k], i)?;
            times[k].push(t.elapsed());
        }
    }
    Ok(times
        .into_iter()
        .zip(rows)
        .map(|(mut times, rows)| {
            times.sort();
            Timing {
                name: name.to_string(),
                runs: times.len(),
                p50_ms: percentile(&times, 0.5),
                p95_ms: percentile(&times, 0.95),
                max_ms: times.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0),
                p95_vs_pk: 0.0,
                avg_rows: rows as f64 / inputs.len().max(1) as f64,
            }
        })
        .collect())
}

/// The tables of the journal that hold data, in creation (dependency) order.
/// The change log (`sync_*`) is left out: it is part of what the write path
/// costs, so the baseline is the data alone, as before the log existed.
fn data_tables(j: &Journal) -> Result<Vec<String>> {
    let mut stmt = j.connection().prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'
         AND name NOT LIKE 'code\\_%' ESCAPE '\\' AND name NOT IN ('municipality', 'sqlite_sequence', 'client_word')
         AND name NOT LIKE '%fts%' AND name NOT LIKE 'sync\\_%' ESCAPE '\\' ORDER BY rowid",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// Insert the same rows into a fresh journal with plain prepared INSERTs in
/// one transaction: no validation, no stamping, no audit. The baseline.
fn plain_insert(loaded: &Journal, dir: &std::path::Path) -> Result<(usize, Duration)> {
    let tables = data_tables(loaded)?;
    let mut data: Vec<(String, usize, Vec<Value>)> = Vec::new();
    for t in &tables {
        let mut stmt = loaded.connection().prepare(&format!("SELECT * FROM {t}"))?;
        let cols = stmt.column_count();
        let mut values = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            for i in 0..cols {
                values.push(r.get::<_, Value>(i)?);
            }
        }
        data.push((t.clone(), cols, values));
    }
    let path = dir.join("plain.journal");
    let _ = std::fs::remove_file(&path);
    let mut conn = rusqlite::Connection::open(&path)?;
    crate::store::register_functions(&conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(crate::store::SCHEMA_SQL)?;
    let start = Instant::now();
    let tx = conn.transaction()?;
    let mut total = 0;
    for (table, cols, values) in &data {
        let marks = vec!["?"; *cols].join(", ");
        let mut stmt = tx.prepare(&format!("INSERT INTO {table} VALUES ({marks})"))?;
        for row in values.chunks(*cols) {
            stmt.execute(rusqlite::params_from_iter(row.iter()))?;
            total += 1;
        }
    }
    tx.commit()?;
    let took = start.elapsed();
    drop(conn);
    crate::store::remove_journal_files(&path, false);
    Ok((total, took))
}

/// Run the benchmark (see module doc), once or, with `compare_encryption`,
/// on an unencrypted and an encrypted journal in the same run.
pub fn run_all(o: &Options) -> Result<serde_json::Value> {
    if !o.compare_encryption {
        let r = run(o)?;
        return Ok(serde_json::json!({ "text": r.to_text(), "report": r }));
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let (file, generate_s) = generate(o, today);
    let plain = load(o, &file, false, today)?;
    let encrypted = load(o, &file, true, today)?;
    let mut timings = screen_timings(o, &file, &[&plain.journal, &encrypted.journal], today)?;
    let (encrypted_t, plain_t) = (timings.pop().unwrap_or_default(), timings.pop().unwrap_or_default());
    let plain = plain.report(&file, generate_s, plain_t);
    let encrypted = encrypted.report(&file, generate_s, encrypted_t);
    let pct = |a: f64, b: f64| if a > 0.0 { (b / a - 1.0) * 100.0 } else { 0.0 };
    let overhead_p95_pct =
        plain.timings.iter().zip(&encrypted.timings).map(|(a, b)| (a.name.clone(), pct(a.p95_ms, b.p95_ms))).collect();
    let overhead_p50_pct =
        plain.timings.iter().zip(&encrypted.timings).map(|(a, b)| (a.name.clone(), pct(a.p50_ms, b.p50_ms))).collect();
    let load_overhead_pct = pct(plain.load.write_path_s, encrypted.load.write_path_s);
    // Logins against the encrypted journal with the default Argon2id cost.
    let path = o.dir.join("bench-keyed.journal");
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::on(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()));
    let login = file_first_staff_initials(o);
    let mut login_ms = Vec::new();
    let mut cipher = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let (j, _) = Journal::login(&path, &login, &Secret::new(BENCH_PASSWORD), clock.clone())?;
        login_ms.push(t.elapsed().as_secs_f64() * 1e3);
        if cipher.is_empty() {
            for p in ["cipher_version", "cipher_provider", "cipher_hmac_algorithm", "cipher_page_size", "cache_size"] {
                let v: String = j.connection().query_row(&format!("PRAGMA {p}"), [], |r| {
                    Ok(match r.get_ref(0)? {
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        other => other.as_str().unwrap_or("").to_string(),
                    })
                })?;
                cipher.push((p.to_string(), v));
            }
        }
        drop(j);
    }
    login_ms.sort_by(f64::total_cmp);
    let c = Comparison {
        plain,
        encrypted,
        overhead_p95_pct,
        overhead_p50_pct,
        load_overhead_pct,
        kdf: KdfParams::DEFAULT,
        login_ms,
        cipher,
    };
    Ok(serde_json::json!({ "text": c.to_text(), "report": c }))
}

const BENCH_PASSWORD: &str = "benchmark-adgangskode";

fn file_first_staff_initials(o: &Options) -> String {
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    crate::fixtures::generate(0, o.seed, today).staff[0].initials.clone()
}

/// The benchmark on one unencrypted journal.
pub fn run(o: &Options) -> Result<Report> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let (file, generate_s) = generate(o, today);
    let loaded = if o.reuse { reopen(o, &file)? } else { None };
    let loaded = match loaded {
        Some(l) => l,
        None => load(o, &file, false, today)?,
    };
    let timings = screen_timings(o, &file, &[&loaded.journal], today)?.pop().unwrap_or_default();
    Ok(loaded.report(&file, generate_s, timings))
}

fn generate(o: &Options, today: NaiveDate) -> (JournalFile, f64) {
    eprintln!("Genererer {} klienter …", o.clients);
    let t = Instant::now();
    let file = generate_file(o.clients, o.seed, today);
    (file, t.elapsed().as_secs_f64())
}

/// A journal loaded with the generated file, and what the loading took.
struct Loaded {
    journal: Journal,
    journal_bytes: u64,
    load: Load,
}

impl Loaded {
    fn report(self, file: &JournalFile, generate_s: f64, mut timings: Vec<Timing>) -> Report {
        let pk = timings.first().map(|t| t.p95_ms).unwrap_or(0.0).max(1e-9);
        for t in &mut timings {
            t.p95_vs_pk = t.p95_ms / pk;
        }
        Report {
            clients: file.clients.len(),
            sessions: file.sessions.len(),
            notes: file.notes.len(),
            generate_s,
            journal_bytes: self.journal_bytes,
            load: self.load,
            timings,
        }
    }
}

/// The journal a previous run left in `dir`, if it holds this run's
/// clients (checked by their number and the first and last id); the load's
/// figures are zero (not measured).
fn reopen(o: &Options, file: &JournalFile) -> Result<Option<Loaded>> {
    let path = o.dir.join("bench.journal");
    if !path.is_file() {
        return Ok(None);
    }
    let j = Journal::open(&path)?;
    let (count, first, last): (usize, Option<ClientId>, Option<ClientId>) =
        j.connection().query_row("SELECT count(*), min(id), max(id) FROM client", [], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?))
        })?;
    let ids: Vec<ClientId> = file.clients.iter().filter_map(|c| c.id).collect();
    if count != file.clients.len() || first != ids.iter().min().copied() || last != ids.iter().max().copied() {
        return Ok(None);
    }
    eprintln!("Genbruger {} …", path.display());
    j.connection().execute_batch("PRAGMA optimize;")?;
    let journal_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let load = Load {
        rows: 0,
        write_path_s: 0.0,
        write_path_rows_per_s: 0.0,
        plain_insert_s: 0.0,
        plain_insert_rows_per_s: 0.0,
        ratio: 0.0,
        // Not measured on a reused journal (not printed when rows is 0).
        small: SmallWrites {
            commit_p50_ms: 0.0,
            bare_commit_p50_ms: 0.0,
            files_ratio: 0.0,
            head_p50_ms: 0.0,
            head_fsync_p50_ms: 0.0,
            commit_checkpoint_p50_ms: 0.0,
        },
    };
    Ok(Some(Loaded { journal: j, journal_bytes, load }))
}

/// Load the file through the write path into a new journal (encrypted or
/// not), beside a plain bulk insert of the same rows.
fn load(o: &Options, file: &JournalFile, encrypted: bool, today: NaiveDate) -> Result<Loaded> {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::on(today));
    let path = o.dir.join(if encrypted { "bench-keyed.journal" } else { "bench.journal" });
    crate::store::remove_journal_files(&path, true);
    let unit = file.units[0].clone();
    let setup = Setup { site_name: unit.name.clone(), unit, first_staff: file.staff[0].clone() };
    let (mut j, ctx) = if encrypted {
        let (j, ctx, _) =
            Journal::create_keyed(&path, &setup, &Secret::new(BENCH_PASSWORD), clock, KdfParams::DEFAULT)?;
        (j, ctx)
    } else {
        Journal::create(&path, &setup, clock)?
    };
    eprintln!("Indlæser gennem skrivevejen ({}) …", if encrypted { "krypteret" } else { "ukrypteret" });
    let t = Instant::now();
    let summary = j.import(&ctx, file)?;
    let write_path = t.elapsed();
    eprintln!("Ren bulk-insert af de samme rækker …");
    let (plain_rows, plain) = plain_insert(&j, &o.dir)?;
    let rows = summary.inserted;
    let small = small_writes(&mut j, &ctx, &o.dir)?;
    j.connection().execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);")?;
    let journal_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(Loaded {
        journal: j,
        journal_bytes,
        load: Load {
            rows,
            write_path_s: write_path.as_secs_f64(),
            write_path_rows_per_s: rows as f64 / write_path.as_secs_f64().max(1e-9),
            plain_insert_s: plain.as_secs_f64(),
            plain_insert_rows_per_s: plain_rows as f64 / plain.as_secs_f64().max(1e-9),
            ratio: write_path.as_secs_f64() / plain.as_secs_f64().max(1e-9),
            small,
        },
    })
}

/// See `SmallWrites`. The head alone is written to a probe file beside the
/// journal, with a rising sequence number so that every call writes.
fn small_writes(j: &mut Journal, ctx: &Ctx, dir: &std::path::Path) -> Result<SmallWrites> {
    use crate::store::head::{self, Head};
    let probe = dir.join("bench-head-probe.journal");
    let mut probe_head = j.head()?.unwrap_or(Head { site: j.site(), seq: 0, hash: String::new() });
    let (mut commit, mut alone, mut fsync, mut checkpointed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut bare = Vec::new();
    let entry = |w: &mut crate::store::write::Writer<'_>| {
        w.audit(crate::store::write::AuditAction::Read, None, None, Some("bench".into()));
        Ok(())
    };
    let one = |j: &mut Journal| j.write(ctx, entry);
    for i in 0..SMALL_WRITES {
        let t = Instant::now();
        one(j)?;
        j.checkpoint_after_command()?;
        checkpointed.push(t.elapsed());
        // Not measured: the first commit after a checkpoint starts the WAL
        // anew. Then the ordinary and the bare commit, in turn first.
        one(j)?;
        for bare_first in [i % 2 == 1, i % 2 == 0] {
            let t = Instant::now();
            if bare_first {
                j.write_without_files(ctx, entry)?;
                bare.push(t.elapsed());
            } else {
                one(j)?;
                commit.push(t.elapsed());
            }
        }
        probe_head.seq += 1;
        let t = Instant::now();
        head::record(&probe, &probe_head)?;
        alone.push(t.elapsed());
        let t = Instant::now();
        head::sync(&probe);
        fsync.push(t.elapsed());
    }
    let _ = std::fs::remove_file(head::path_for(&probe));
    let p50 = |mut v: Vec<Duration>| {
        v.sort();
        percentile(&v, 0.5)
    };
    let (commit, bare) = (p50(commit), p50(bare));
    Ok(SmallWrites {
        commit_p50_ms: commit,
        bare_commit_p50_ms: bare,
        files_ratio: commit / bare.max(1e-9),
        head_p50_ms: p50(alone),
        head_fsync_p50_ms: p50(fsync),
        commit_checkpoint_p50_ms: p50(checkpointed),
    })
}

/// The screens' queries, timed on each journal (interleaved when several).
fn screen_timings(o: &Options, file: &JournalFile, js: &[&Journal], today: NaiveDate) -> Result<Vec<Vec<Timing>>> {
    // Inputs drawn from the generated data, the same for every run of a seed.
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x5eed);
    let n = o.queries.max(1);
    let ids: Vec<ClientId> =
        (0..n).map(|_| file.clients[rng.random_range(0..file.clients.len())].id.unwrap_or_default()).collect();
    let surnames: Vec<String> = ids
        .iter()
        .map(|_| {
            let c = &file.clients[rng.random_range(0..file.clients.len())];
            c.name.split_whitespace().last().unwrap_or("").to_string()
        })
        .collect();
    let prefixes: Vec<String> = surnames.iter().map(|s| s.chars().take(3).collect()).collect();
    let full_names: Vec<String> = (0..n)
        .map(|_| {
            let c = &file.clients[rng.random_range(0..file.clients.len())];
            let mut parts = c.name.split_whitespace();
            let first = parts.next().unwrap_or("");
            let last: String = parts.last().unwrap_or("").chars().take(4).collect();
            format!("{first} {last}")
        })
        .collect();
    let with_cpr: Vec<&ClientRecord> = file.clients.iter().filter(|c| c.cpr.is_some()).collect();
    let cpr6: Vec<String> = (0..n)
        .map(|_| {
            with_cpr[rng.random_range(0..with_cpr.len())]
                .cpr
                .as_ref()
                .map(|c| c.as_str()[..6].to_string())
                .unwrap_or_default()
        })
        .collect();
    let cpr8: Vec<String> = (0..n)
        .map(|_| {
            with_cpr[rng.random_range(0..with_cpr.len())]
                .cpr
                .as_ref()
                .map(|c| format!("{}-{}", &c.as_str()[..6], &c.as_str()[6..8]))
                .unwrap_or_default()
        })
        .collect();
    let words =
        ["tilbagefald", "Antabus", "nødplanen", "jobcentret", "sagsbehandleren", "parsamtale", "søvn", "økonomi"];
    let note_words: Vec<String> = (0..n).map(|_| words[rng.random_range(0..words.len())].to_string()).collect();
    let note_pairs: Vec<String> = (0..n)
        .map(|_| format!("{} {}", words[rng.random_range(0..words.len())], words[rng.random_range(0..words.len())]))
        .collect();

    let filter = ClientFilter::default();
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::on(today));
    // Readers of each role, authorized once per journal as a screen would be.
    let readers_as = |role: &str, action: Action| -> Result<Vec<Reader>> {
        let staff = file.staff.iter().find(|s| s.role == role).and_then(|s| s.id).unwrap_or_default();
        let ctx = Ctx::new(staff, clock.clone());
        js.iter().map(|j| j.reader(&ctx, action)).collect()
    };
    let leader = readers_as("leader", Action::ReadRecord)?;
    let leader_notes = readers_as("leader", Action::ReadNotes)?;
    let mut per_op = vec![
        measure("primary-key lookup (baseline)", js, &ids, |_, j, id| Ok(j.client_name(*id)?.map_or(0, |_| 1)))?,
        measure("client search: whole surname", js, &surnames, |k, j, q| {
            Ok(j.search_scoped(&leader[k], q, &filter, 50)?.len())
        })?,
        measure("client search: 3-letter prefix", js, &prefixes, |k, j, q| {
            Ok(j.search_scoped(&leader[k], q, &filter, 50)?.len())
        })?,
        measure("client search: first name + surname prefix", js, &full_names, |k, j, q| {
            Ok(j.search_scoped(&leader[k], q, &filter, 50)?.len())
        })?,
        measure("client search: CPR prefix ddmmåå", js, &cpr6, |k, j, q| {
            Ok(j.search_scoped(&leader[k], q, &filter, 50)?.len())
        })?,
        measure("client search: CPR prefix ddmmåå-xx", js, &cpr8, |k, j, q| {
            Ok(j.search_scoped(&leader[k], q, &filter, 50)?.len())
        })?,
        measure("open full client record (all tabs)", js, &ids, |k, j, id| {
            let r = j.read_record(&leader[k], *id)?;
            Ok(1 + r.children.len() + r.courses.len() + r.sessions.len() + r.notes.len())
        })?,
        measure("note search: one word", js, &note_words, |k, j, q| Ok(j.find_notes(&leader_notes[k], q, 20)?.len()))?,
        measure("note search: two words", js, &note_pairs, |k, j, q| Ok(j.find_notes(&leader_notes[k], q, 20)?.len()))?,
    ];
    // The scoped reads as each role sees them (issue: scoped reads stay
    // instant). A family consultant opens the records shared with their unit.
    let lists: Vec<usize> = (0..n.min(200)).collect();
    for (role, label) in
        [("leader", "leder"), ("alcohol_consultant", "alkoholbehandler"), ("family_consultant", "familiekonsulent")]
    {
        let read = readers_as(role, Action::ReadRecord)?;
        let notes = readers_as(role, Action::ReadNotes)?;
        let review = readers_as(role, Action::CaseReview)?;
        let own: Vec<ClientId> = {
            let visible = js[0].clients_in_scope(&read[0])?;
            if visible.is_empty() {
                ids.clone()
            } else {
                (0..n).map(|_| visible[rng.random_range(0..visible.len())]).collect()
            }
        };
        per_op.push(measure(&format!("[{label}] client search: whole surname"), js, &surnames, |k, j, q| {
            Ok(j.search_scoped(&read[k], q, &filter, 50)?.len())
        })?);
        per_op.push(measure(&format!("[{label}] client search: 3-letter prefix"), js, &prefixes, |k, j, q| {
            Ok(j.search_scoped(&read[k], q, &filter, 50)?.len())
        })?);
        per_op.push(measure(&format!("[{label}] open full client record"), js, &own, |k, j, id| {
            let r = j.read_record(&read[k], *id)?;
            Ok(1 + r.children.len() + r.courses.len() + r.sessions.len() + r.notes.len())
        })?);
        per_op.push(measure(&format!("[{label}] note search: one word"), js, &note_words, |k, j, q| {
            Ok(j.find_notes(&notes[k], q, 20)?.len())
        })?);
        per_op.push(measure(&format!("[{label}] waiting list (whole)"), js, &lists, |k, j, _| {
            Ok(j.waiting_scoped(&read[k])?.len())
        })?);
        per_op.push(measure(&format!("[{label}] case-review list (whole)"), js, &lists, |k, j, _| {
            Ok(j.case_review_scoped_list(&review[k], today)?.clients.len())
        })?);
    }
    // One list of timings per journal, in the order of the operations.
    let mut per_journal = vec![Vec::new(); js.len()];
    for op in per_op {
        for (k, t) in op.into_iter().enumerate() {
            per_journal[k].push(t);
        }
    }
    Ok(per_journal)
}

fn generate_file(clients: usize, seed: u64, today: NaiveDate) -> JournalFile {
    crate::fixtures::generate(clients, seed, today)
}
