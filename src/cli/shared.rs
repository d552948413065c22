//! What every command group uses, written once: the run's environment (the
//! journal path, `--as`, the clock, the output mode), opening the journal,
//! passwords, ids and dates from arguments, and printing.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use tovholder::error::{Error, Invalid};
use tovholder::model::time::{danish, parse_date};
use tovholder::model::{Clock, Cpr, FixedClock, JournalFile, Sex, SystemClock};
use tovholder::security::keys::{KdfParams, Keyring, Secret};
use tovholder::{Ctx, Journal};

/// One run of the command: the global options and the clock.
pub struct Env {
    pub out: Out,
    pub clock: Arc<dyn Clock>,
    /// The journal file (`--journal`).
    pub path: PathBuf,
    /// `--as`: the acting member of staff's initials.
    pub as_user: Option<String>,
}

impl Env {
    /// Open the journal: log in to an encrypted one (`--as` and the password),
    /// or open an unencrypted one as `--as` or its first user.
    pub fn open(&self) -> Result<(Journal, Ctx), Error> {
        let clock = self.clock.clone();
        if Keyring::exists(&self.path) {
            let login = self.login()?;
            let pw = login_password(&login)?;
            return Journal::login(&self.path, &login, &pw, clock);
        }
        let j = Journal::open(&self.path)?;
        let staff = match &self.as_user {
            Some(initials) => j.staff_by_initials(initials)?,
            None => j.first_staff()?,
        };
        Ok((j, Ctx::new(staff, clock)))
    }

    /// `--as`, required where a login is.
    pub fn login(&self) -> Result<String, Error> {
        self.as_user.clone().ok_or(Error::LoginRequired)
    }
}

/// The clock: `TOVHOLDER_NOW` (a date or an RFC 3339 instant) or the system's.
pub fn clock() -> Result<Arc<dyn Clock>, Error> {
    match std::env::var("TOVHOLDER_NOW") {
        Ok(s) if !s.trim().is_empty() => {
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
                return Ok(Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))));
            }
            let d = parse_date(&s, "TOVHOLDER_NOW")?;
            Ok(Arc::new(FixedClock::on(d)))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}

/// Argon2id cost for new key slots. The environment variable exists so the
/// test suite need not pay for real key derivation on every slot; never set
/// it for a real journal.
pub fn kdf() -> KdfParams {
    let kdf = tovholder::demo::kdf_from_env();
    if kdf == KdfParams::TEST_ONLY {
        eprintln!("Advarsel: svag nøgleafledning (kun til test).");
    }
    kdf
}

/// A password from `var`, or asked for on the terminal (twice when `confirm`).
pub fn password(var: &str, prompt: &str, confirm: bool) -> Result<Secret, Error> {
    if let Ok(p) = std::env::var(var) {
        return Ok(Secret::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::PasswordMissing);
    }
    let first = Secret::new(rpassword::prompt_password(prompt)?);
    if confirm {
        let again = Secret::new(rpassword::prompt_password("Gentag adgangskoden: ")?);
        if again.expose() != first.expose() {
            return Err(Error::PasswordMismatch);
        }
    }
    Ok(first)
}

/// The password `initials` logs in with (`TOVHOLDER_PASSWORD` or asked for).
pub fn login_password(initials: &str) -> Result<Secret, Error> {
    password("TOVHOLDER_PASSWORD", &format!("Adgangskode for {}: ", initials.to_uppercase()), false)
}

/// A new password for `initials` from `var`, or asked for twice.
pub fn new_password(var: &str, initials: &str) -> Result<Secret, Error> {
    password(var, &format!("Ny adgangskode for {}: ", initials.to_uppercase()), true)
}

pub fn id<T: std::str::FromStr>(s: &str, field: &'static str) -> Result<T, Error> {
    s.parse().map_err(|_| Invalid::IdFormat { field, value: s.to_string() }.into())
}

pub fn opt_id<T: std::str::FromStr>(s: &Option<String>, field: &'static str) -> Result<Option<T>, Error> {
    s.as_deref().map(|s| id(s, field)).transpose()
}

pub fn date_or_today(s: &Option<String>, field: &'static str, ctx: &Ctx) -> Result<NaiveDate, Error> {
    match s {
        Some(s) => Ok(parse_date(s, field)?),
        None => Ok(ctx.clock.today()),
    }
}

pub fn opt_date(s: &Option<String>, field: &'static str) -> Result<Option<NaiveDate>, Error> {
    Ok(s.as_deref().map(|s| parse_date(s, field)).transpose()?)
}

pub fn opt_cpr(s: &Option<String>) -> Result<Option<Cpr>, Error> {
    Ok(s.as_deref().filter(|s| !s.trim().is_empty()).map(Cpr::parse).transpose()?)
}

pub fn opt_sex(s: &Option<String>) -> Result<Option<Sex>, Error> {
    match s {
        None => Ok(None),
        Some(v) => Sex::parse(v).map(Some).ok_or_else(|| Invalid::UnknownSex { value: v.clone() }.into()),
    }
}

pub fn read_journal_file(path: &Path) -> Result<JournalFile, Error> {
    let text = std::fs::read_to_string(path)?;
    tovholder::store::parse_journal_file(&text)
}

/// Where results go: Danish text, or JSON with `--json`.
pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        let text = if self.json { serde_json::to_string_pretty(value).unwrap_or_default() } else { human() };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{text}");
    }

    pub fn created<T: std::fmt::Display + Serialize>(&self, what: &str, id: T) {
        self.print(&serde_json::json!({ "id": id.to_string() }), || format!("{what} oprettet: {id}"));
    }

    pub fn done(&self, what: &str) {
        self.print(&serde_json::json!({ "ok": true }), || what.to_string());
    }
}

/// A date as Danes write it.
pub fn d(date: NaiveDate) -> String {
    danish(date)
}

/// An optional date, `-` when there is none.
pub fn od(date: Option<NaiveDate>) -> String {
    date.map(danish).unwrap_or_else(|| "-".into())
}
