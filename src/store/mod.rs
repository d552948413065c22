//! The journal file: opening, creating and migrating it, and the operations
//! of the workflows on top of one SQLite (SQLCipher) connection.
//!
//! Owns all SQL. Every write goes through `Journal::write` and the `Writer`
//! of `write.rs`, which stamps sync metadata and writes the audit log; no other
//! code may execute an INSERT or UPDATE on a journal table.

mod care;
mod exchange;
mod family;
mod groups;
pub mod head;
mod names;
pub(crate) use names::{nocase, words as name_words};
mod people;
pub mod queue;
mod read;
mod review;
mod screens;
pub(crate) mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use exchange::{parse_journal_file, ImportSummary};
pub(crate) use people::insert_staff as insert_staff_via;
pub(crate) use people::required;
pub(crate) use people::{child_values, client_values};
pub use read::{ClientFilter, ClientSummaryLine, StaffView};
pub use screens::municipalities;
pub use write::Writer;

use crate::error::{Error, Invalid, Result};
use crate::model::*;
use crate::security::keys::DbKey;

/// The schema in full; a fresh journal is made from this.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// The schema version this program writes (PRAGMA user_version).
pub const SCHEMA_VERSION: i64 = 7;

/// Forward-only migrations: `(to_version, sql)`. Migration N brings a journal
/// at version N-1 to N. Each runs in the same transaction as the version bump.
const MIGRATIONS: &[(i64, &str)] = &[
    (2, include_str!("migrations/002_search.sql")),
    (3, include_str!("migrations/003_sync.sql")),
    (4, include_str!("migrations/004_bundles.sql")),
    (5, include_str!("migrations/005_sync_rules.sql")),
    (6, include_str!("migrations/006_name_index.sql")),
    (7, include_str!("migrations/007_revoked_seq.sql")),
];

/// Who acts, and by which clock: passed into every operation.
#[derive(Clone)]
pub struct Ctx {
    pub staff: StaffId,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("staff", &self.staff).finish_non_exhaustive()
    }
}

impl Ctx {
    pub fn new(staff: StaffId, clock: Arc<dyn Clock>) -> Ctx {
        Ctx { staff, clock }
    }
}

/// What a new journal starts with: its own site, the unit it belongs to and
/// the first member of staff (who becomes the acting user of the set-up).
#[derive(Debug, Clone)]
pub struct Setup {
    pub site_name: String,
    pub unit: UnitRecord,
    pub first_staff: StaffRecord,
}

/// An open journal.
pub struct Journal {
    conn: Connection,
    path: PathBuf,
    site: SiteId,
    unit: UnitId,
    codes: Arc<Codes>,
    /// The database key of an encrypted journal (zeroized on drop).
    key: Option<DbKey>,
    /// The cases shared with a family consultant's unit, as last computed
    /// (`security::scope`), valid while the journal's clock has not moved.
    pub(crate) shared_cache: crate::security::scope::SharedCache,
    /// The journal is marked as keeping a head file (`store::head`), as
    /// last seen; the write path marks it when it is not.
    head_marked: bool,
    /// Closed without a checkpoint: a journal refused at open is left as
    /// it was found.
    untouched: bool,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).field("site", &self.site).finish()
    }
}

/// The page cache bound of every connection (`PRAGMA cache_size`, negative = KiB).
pub const CACHE_KIB: i64 = -262_144;

/// How long a command waits for a journal another process is writing (an
/// import of a large file takes minutes) before it gives up with `Busy`.
pub const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// After this long waiting, the person is told why nothing happens.
pub const BUSY_NOTICE_AFTER: std::time::Duration = std::time::Duration::from_millis(1500);

/// What the CLI or app shows while a command waits for a busy journal
/// (`on_busy_wait`); nothing until a caller sets it.
static BUSY_NOTICE: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>> = std::sync::OnceLock::new();

/// The Danish line a caller shows when a command has to wait.
pub const BUSY_MESSAGE: &str = "Journalen er optaget af en anden bruger eller en indlæsning; venter og prøver igen …";

/// Set what happens once per wait when a command has waited
/// `BUSY_NOTICE_AFTER` for a busy journal (the CLI prints `BUSY_MESSAGE` on
/// standard error). Only the first call in a process counts.
pub fn on_busy_wait(notice: impl Fn() + Send + Sync + 'static) {
    let _ = BUSY_NOTICE.set(Box::new(notice));
}

/// The pauses between attempts at a busy journal, as SQLite's own busy
/// timeout makes them (ms), then 100 ms each until `BUSY_WAIT` is over.
const BUSY_PAUSES_MS: [u64; 12] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

thread_local! {
    /// A shorter wait than `BUSY_WAIT` for what this thread runs now
    /// (`waiting_at_most`).
    static WAIT_LIMIT: std::cell::Cell<Option<std::time::Duration>> = const { std::cell::Cell::new(None) };
}

/// Run `f` with busy journals waited for at most `limit` (never longer than
/// an enclosing limit): an audit-only write that can be queued instead
/// (`write::AUDIT_WAIT`), a try that someone else repeats (zero).
pub(crate) fn waiting_at_most<T>(limit: std::time::Duration, f: impl FnOnce() -> T) -> T {
    let before = WAIT_LIMIT.with(|c| c.replace(Some(c.get().map_or(limit, |l| l.min(limit)))));
    let out = f();
    WAIT_LIMIT.with(|c| c.set(before));
    out
}

fn wait_while_busy(conn: &mut Connection) -> Result<()> {
    let mut started = std::time::Instant::now();
    let mut told = false;
    conn.busy_handler(Some(move |count: i32| {
        if count == 0 {
            started = std::time::Instant::now();
            told = false;
        }
        let waited = started.elapsed();
        if waited >= WAIT_LIMIT.with(|c| c.get()).unwrap_or(BUSY_WAIT) {
            return false;
        }
        if !told && waited >= BUSY_NOTICE_AFTER {
            told = true;
            if let Some(notice) = BUSY_NOTICE.get() {
                notice();
            }
        }
        let i = usize::try_from(count).unwrap_or(usize::MAX).min(BUSY_PAUSES_MS.len() - 1);
        std::thread::sleep(std::time::Duration::from_millis(BUSY_PAUSES_MS[i]));
        true
    }))?;
    Ok(())
}

/// SQLCipher logs failed page authentications (`ERROR CORE … hmac check
/// failed`) on standard error by default; the error itself reaches the
/// caller as `Damaged`, so the English log line is switched off, once per
/// process, before the first journal is opened.
fn quiet_sqlcipher() {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        if let Ok(c) = Connection::open_in_memory() {
            let _ = c.execute_batch("PRAGMA cipher_log_level = NONE;");
        }
    });
}

pub(crate) fn connect(path: &Path, flags: OpenFlags, key: Option<&DbKey>) -> Result<Connection> {
    connect_inner(path, flags, key).map_err(|e| match e {
        Error::Damaged => Error::NotAJournal,
        other => other,
    })
}

fn connect_inner(path: &Path, flags: OpenFlags, key: Option<&DbKey>) -> Result<Connection> {
    quiet_sqlcipher();
    let mut conn = Connection::open_with_flags(path, flags)?;
    if let Some(key) = key {
        // Must be the first statement on the connection (SQLCipher).
        let value = key.pragma_value();
        let pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", value.as_str()));
        conn.execute_batch(&pragma)?;
    }
    // Per connection, never in migrations (STYLE "SQLite").
    conn.pragma_update(None, "foreign_keys", true)?;
    // Another process writing (an import, another user) makes this one wait
    // as a person would, not fail after a few seconds.
    wait_while_busy(&mut conn)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // A page cache big enough for the screens' working set: SQLCipher decrypts
    // and authenticates every page it reads from the file, so pages kept
    // decrypted in memory are what keeps encryption cheap. The bound is in
    // KiB (256 MiB); memory is only taken as pages are read, so a journal of
    // a few thousand clients never comes near it. 64 MiB left opening a
    // random record ~45 % slower than unencrypted on 50,000 clients, 256 MiB
    // ~15 % (`tovholder bench --compare-encryption`, README).
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    conn.set_prepared_statement_cache_capacity(256);
    plan_once(&conn)?;
    // The name index's triggers split names with it (names.rs).
    names::register(&conn)?;
    Ok(conn)
}

/// One query plan per statement. SQLite marks a statement whose `col = ?`
/// parameter might change its plan, and `sqlite3_clear_bindings`, which the
/// statement cache runs on every statement it takes back, expires a marked
/// statement: without this every use of a cached statement compiled it
/// again (measured in the case-bundle import: about a tenth of its time in
/// `sqlite3Reprepare`). The query planner stability guarantee stops the
/// marking; no statement of ours has a plan that depends on a bound value.
pub(crate) fn plan_once(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

fn wal(conn: &Connection) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::NotAJournal);
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// The schema version of an open connection; a file that is not an SQLite
/// database (or is encrypted with another key) is `NotAJournal`.
fn user_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => Error::NotAJournal,
        other => Error::from(other),
    })
}

impl Journal {
    /// The handle over an open, migrated connection, with its code lists read.
    fn assemble(conn: Connection, path: &Path, site: SiteId, unit: UnitId, key: Option<DbKey>) -> Result<Journal> {
        let head_marked = head::marked(&conn)?;
        let mut journal = Journal {
            conn,
            path: path.to_path_buf(),
            site,
            unit,
            codes: Arc::new(Codes::default()),
            key,
            shared_cache: Default::default(),
            head_marked,
            untouched: false,
        };
        journal.load_codes()?;
        Ok(journal)
    }

    /// Make a new, unencrypted journal file at `path` (refused if a file is
    /// there). For tests and measurements; a unit's journal is made with
    /// `create_keyed` (src/security).
    pub fn create(path: &Path, setup: &Setup, clock: Arc<dyn Clock>) -> Result<(Journal, Ctx)> {
        Self::create_with(path, setup, clock, None)
    }

    pub(crate) fn create_with(
        path: &Path,
        setup: &Setup,
        clock: Arc<dyn Clock>,
        key: Option<DbKey>,
    ) -> Result<(Journal, Ctx)> {
        if path.exists() {
            return Err(Error::AlreadyExists(path.to_path_buf()));
        }
        let result = Self::create_inner(path, setup, clock, key);
        if result.is_err() {
            // Nothing half-made is left behind.
            remove_journal_files(path, false);
        }
        result
    }

    fn create_inner(path: &Path, setup: &Setup, clock: Arc<dyn Clock>, key: Option<DbKey>) -> Result<(Journal, Ctx)> {
        let mut conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, key.as_ref())?;
        wal(&conn)?;
        let site = SiteId::new();
        let unit = setup.unit.id.unwrap_or_default();
        let staff = setup.first_staff.id.unwrap_or_default();
        {
            let tx = conn.transaction()?;
            tx.execute_batch(SCHEMA_SQL)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.execute(
                "INSERT INTO journal_meta (key, value) VALUES ('site_id', ?1), ('hlc', '0')",
                [site.to_string()],
            )?;
            tx.commit()?;
        }
        let mut journal = Journal::assemble(conn, path, site, unit, key)?;
        let ctx = Ctx::new(staff, clock);
        let unit_rec = UnitRecord { id: Some(unit), ..setup.unit.clone() };
        let staff_rec = StaffRecord { id: Some(staff), unit_id: unit, ..setup.first_staff.clone() };
        let site_name = setup.site_name.trim().to_string();
        if site_name.is_empty() {
            return Err(Invalid::Required { field: "name" }.into());
        }
        let codes = journal.codes();
        let now = write::now_text(ctx.clock.now());
        journal.write_as_setup(&ctx, |w| {
            people::insert_unit(w, &codes, &unit_rec)?;
            w.raw_insert_site(site, &site_name, unit, &now)?;
            people::insert_staff(w, &codes, &staff_rec)?;
            Ok(())
        })?;
        Ok((journal, ctx))
    }

    /// Open an existing unencrypted journal, migrating it forward if it is
    /// older. An encrypted journal is opened by logging in (src/security).
    pub fn open(path: &Path) -> Result<Journal> {
        Self::open_with(path, None, true)
    }

    /// Open a journal with its database key. A journal that lacks committed
    /// audit entries its head file names is refused (`JournalBehind`).
    pub fn open_with_key(path: &Path, key: &DbKey) -> Result<Journal> {
        Self::open_with(path, Some(key.clone()), true)
    }

    /// Open without comparing the head file, for `check`, which reports it,
    /// and its `--accept`.
    pub(crate) fn open_unverified(path: &Path, key: &DbKey) -> Result<Journal> {
        Self::open_with(path, Some(key.clone()), false)
    }

    fn open_with(path: &Path, key: Option<DbKey>, verify_head: bool) -> Result<Journal> {
        if !path.is_file() {
            return Err(Error::NoJournal(path.to_path_buf()));
        }
        let encrypted = key.is_some();
        let mut journal = Self::open_inner(path, key).map_err(|e| match e {
            Error::NotAJournal => Self::why_not(path, encrypted),
            other => other,
        })?;
        if verify_head {
            if let Err(e) = journal.verify_head() {
                journal.untouched = true;
                return Err(e);
            }
        }
        Ok(journal)
    }

    /// Why a file did not open as a journal: with the key from an
    /// authenticated slot, the journal is damaged; without a key, a file that
    /// looks like an encrypted journal (whole pages of random bytes) needs
    /// its keyring, which is named when missing.
    fn why_not(path: &Path, encrypted: bool) -> Error {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if encrypted {
            return Error::JournalDamaged(path.to_path_buf());
        }
        let mut head = [0u8; 16];
        let plain = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .map(|_| &head == b"SQLite format 3\0")
            .unwrap_or(false);
        let keyring = crate::security::keys::Keyring::path_for(path);
        if !plain && len >= 4096 && len.is_multiple_of(1024) {
            if keyring.is_file() {
                return Error::LoginRequired;
            }
            return Error::KeyringMissing(keyring);
        }
        Error::NotAJournal
    }

    fn open_inner(path: &Path, key: Option<DbKey>) -> Result<Journal> {
        let mut conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, key.as_ref())?;
        let version = user_version(&conn)?;
        if version > SCHEMA_VERSION {
            return Err(Error::JournalTooNew { found: version, known: SCHEMA_VERSION });
        }
        if version < 1 {
            return Err(Error::NotAJournal);
        }
        wal(&conn)?;
        migrate(&mut conn, version)?;
        let site: String = conn
            .query_row("SELECT value FROM journal_meta WHERE key = 'site_id'", [], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotAJournal)?;
        let site: SiteId = site.parse().map_err(|_| Error::NotAJournal)?;
        let unit: UnitId = conn.query_row("SELECT unit_id FROM site WHERE id = ?1", [site], |r| r.get(0))?;
        let journal = Journal::assemble(conn, path, site, unit, key)?;
        Ok(journal)
    }

    fn load_codes(&mut self) -> Result<()> {
        let mut codes = HashMap::new();
        for &list in CodeList::ALL {
            let mut stmt =
                self.conn.prepare(&format!("SELECT code, label, sort FROM {} ORDER BY sort", list.table()))?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
            for row in rows {
                let (code, label, sort) = row?;
                codes.insert((list, code), (label, sort));
            }
        }
        let mut municipalities = HashMap::new();
        let mut stmt = self.conn.prepare("SELECT code, name FROM municipality")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (code, name) = row?;
            municipalities.insert(code, name);
        }
        drop(stmt);
        self.codes = Arc::new(Codes { labels: codes, municipalities });
        Ok(())
    }

    /// A snapshot of the code lists for validation inside a write.
    pub(crate) fn codes(&self) -> Arc<Codes> {
        Arc::clone(&self.codes)
    }

    /// This installation's site id.
    pub fn site(&self) -> SiteId {
        self.site
    }

    /// The unit this installation belongs to.
    pub fn unit(&self) -> UnitId {
        self.unit
    }

    /// The name of the unit this installation belongs to (for headings).
    pub fn unit_name(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT name FROM unit WHERE id = ?1", [self.unit], |r| r.get(0))?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Is the journal file encrypted?
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    pub(crate) fn key(&self) -> Option<&DbKey> {
        self.key.as_ref()
    }

    /// The schema version of the open journal.
    pub fn schema_version(&self) -> Result<i64> {
        user_version(&self.conn)
    }

    /// The connection, for the core's own queries. Not reachable from
    /// outside the crate: every read of a person goes through a `Reader`
    /// (`security::scope`) and every write through `Journal::write`. Tests
    /// that inspect the file open a connection of their own.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The codes of one list with their Danish labels, in list order.
    pub fn code_list(&self, list: CodeList) -> Result<Vec<Code>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT code, label FROM {} WHERE active = 1 ORDER BY sort", list.table()))?;
        let rows = stmt.query_map([], |r| Ok(Code { code: r.get(0)?, label: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The staff member with these initials (case-insensitive), preferring
    /// this site's own unit.
    pub fn staff_by_initials(&self, initials: &str) -> Result<StaffId> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM staff WHERE initials = upper(?1) AND active = 1 ORDER BY unit_id <> ?2 LIMIT 1",
        )?;
        stmt.query_row(rusqlite::params![initials.trim(), self.unit], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::UnknownUser(initials.trim().to_string()))
    }

    /// The first staff member made at set-up (the acting user until logins exist).
    pub fn first_staff(&self) -> Result<StaffId> {
        Ok(self.conn.query_row(
            "SELECT id FROM staff WHERE origin_site = ?1 ORDER BY version LIMIT 1",
            [self.site],
            |r| r.get(0),
        )?)
    }
}

impl Journal {
    /// Copy every committed page from the WAL into the journal file and
    /// empty the WAL (`wal_checkpoint(TRUNCATE)`), so the journal file alone
    /// is complete: a copy of it without its `-wal` loses nothing. Waits at
    /// most a moment for other processes' readers; `Ok(false)` when they kept
    /// it from finishing (the last one to close checkpoints then).
    pub fn checkpoint(&mut self) -> Result<bool> {
        self.checkpoint_waiting(std::time::Duration::from_millis(250))
    }

    /// `checkpoint` when a command of the app has ended (issue 17, item 5):
    /// nothing when the `-wal` file is empty (no commit since the last
    /// checkpoint: a stat, no SQL), and no waiting for other processes'
    /// readers (what they keep back is copied as far as it can be, and the
    /// next checkpoint copies the rest), so a command is never held up by
    /// another person's open journal. `Ok(true)` when the journal file alone
    /// is complete.
    pub fn checkpoint_after_command(&mut self) -> Result<bool> {
        let wal = wal_path(&self.path);
        if std::fs::metadata(&wal).map(|m| m.len() == 0).unwrap_or(true) {
            return Ok(true);
        }
        self.checkpoint_waiting(std::time::Duration::ZERO)
    }

    fn checkpoint_waiting(&mut self, wait: std::time::Duration) -> Result<bool> {
        // Access entries queued while another process wrote (store::queue).
        self.flush_queue_now();
        self.conn.busy_timeout(wait)?;
        let done: rusqlite::Result<i64> = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0));
        // Back to waiting as a person would for the journal's own work.
        wait_while_busy(&mut self.conn)?;
        let done = done.is_ok_and(|busy| busy == 0);
        if done {
            // The journal file is synced; now the head that describes it.
            head::sync(&self.path);
        }
        Ok(done)
    }
}

/// The `-wal` file beside the journal at `path`.
fn wal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

/// What is wrong with the database file at `path` (opened with `key`):
/// SQLCipher's authentication of every page (`cipher_integrity_check`, for
/// an encrypted file), SQLite's `integrity_check` and `foreign_key_check`.
/// Each problem is one Danish line; empty when the file is whole. Nothing is
/// written to the file.
pub(crate) fn verify_file(path: &Path, key: Option<&DbKey>) -> Vec<String> {
    let conn = match connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, key) {
        Ok(c) => c,
        Err(_) => return vec!["filen kan ikke åbnes som en journal".to_string()],
    };
    let mut problems = Vec::new();
    let rows = |sql: &str| -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let mut out = Vec::new();
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let v: rusqlite::types::Value = r.get(0)?;
            out.push(match v {
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Integer(i) => i.to_string(),
                other => format!("{other:?}"),
            });
        }
        Ok(out)
    };
    if key.is_some() {
        match rows("PRAGMA cipher_integrity_check") {
            Ok(r) if r.is_empty() => {}
            Ok(r) => problems.push(format!("sider, der fejler krypteringens kontrol (HMAC): {}", r.len())),
            Err(_) => problems.push("siderne kan ikke kontrolleres (HMAC)".to_string()),
        }
    }
    match rows("PRAGMA integrity_check") {
        Ok(r) if r == ["ok"] => {}
        Ok(r) => problems.push(format!("databasens struktur er beskadiget ({} fejl)", r.len())),
        Err(_) => problems.push("databasens struktur kan ikke læses".to_string()),
    }
    let fk = (|| -> rusqlite::Result<usize> {
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let mut q = stmt.query([])?;
        let mut n = 0;
        while q.next()?.is_some() {
            n += 1;
        }
        Ok(n)
    })();
    match fk {
        Ok(0) => {}
        Ok(n) => problems.push(format!("{n} rækker henviser til noget, der ikke findes")),
        Err(_) => problems.push("henvisningerne kan ikke kontrolleres".to_string()),
    }
    problems
}

impl Drop for Journal {
    /// A journal closed (the command ended, the app locked or quit) leaves
    /// its file complete: see `checkpoint`.
    fn drop(&mut self) {
        if self.untouched {
            return;
        }
        let _ = self.checkpoint();
    }
}

/// Register the SQL functions the schema's triggers call (the name index's
/// word splitter) on a connection opened outside `Journal` (the
/// benchmark's baseline), planned as a journal's connection is.
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    names::register(conn)?;
    plan_once(conn)?;
    Ok(())
}

/// Delete a journal's files: the database, its WAL and shared-memory files,
/// the failed logins and the audit head beside it, and, with `keyring`, the
/// key slots. Missing files are fine.
/// For journals this program just made or was told to replace.
pub fn remove_journal_files(path: &Path, keyring: bool) {
    let suffixes: &[&str] = if keyring {
        &["", "-wal", "-shm", ".keys", ".keys.lock", ".logins", ".head", ".audit-queue", ".audit-queue.damaged"]
    } else {
        &["", "-wal", "-shm", ".logins", ".head", ".audit-queue", ".audit-queue.damaged"]
    };
    for suffix in suffixes {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Bring a journal at `from` up to `SCHEMA_VERSION`, one step per transaction.
fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    for &(to, sql) in MIGRATIONS.iter().filter(|(to, _)| *to > from) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", to)?;
        tx.commit()?;
    }
    Ok(())
}

/// Code lists and municipalities, for validating records.
#[derive(Debug, Clone, Default)]
pub(crate) struct Codes {
    labels: HashMap<(CodeList, String), (String, i64)>,
    municipalities: HashMap<String, String>,
}

impl Codes {
    pub fn check(&self, list: CodeList, code: &str, field: &'static str) -> Result<(), Invalid> {
        if self.labels.contains_key(&(list, code.to_string())) {
            Ok(())
        } else {
            Err(Invalid::UnknownCode { list, code: code.to_string(), field })
        }
    }

    pub fn check_all(&self, list: CodeList, codes: &[String], field: &'static str) -> Result<(), Invalid> {
        codes.iter().try_for_each(|c| self.check(list, c, field))
    }

    pub fn municipality(&self, code: &str, field: &'static str) -> Result<(), Invalid> {
        if self.municipalities.contains_key(code) {
            Ok(())
        } else {
            Err(Invalid::UnknownMunicipality { code: code.to_string(), field })
        }
    }

    pub fn coded(&self, list: CodeList, code: &str) -> Coded {
        let label =
            self.labels.get(&(list, code.to_string())).map(|(l, _)| l.clone()).unwrap_or_else(|| code.to_string());
        Coded { code: code.to_string(), label }
    }

    /// The position of a code in its list (unknown codes last).
    pub fn sort_key(&self, list: CodeList, code: &str) -> i64 {
        self.labels.get(&(list, code.to_string())).map(|(_, s)| *s).unwrap_or(i64::MAX)
    }

    pub fn municipality_coded(&self, code: &str) -> Coded {
        let label = self.municipalities.get(code).cloned().unwrap_or_else(|| code.to_string());
        Coded { code: code.to_string(), label }
    }
}

use crate::model::views::Coded;
