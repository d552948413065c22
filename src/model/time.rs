//! Time: the clock passed into the core, the hybrid logical clock that
//! versions every change, and Danish date formats.
//!
//! Domain code never calls `Utc::now()`: it asks the `Clock` it was given, so
//! tests and the CLI (`TOVHOLDER_NOW`) decide what "now" is.

use std::sync::Mutex;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

use crate::error::Invalid;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Denmark. Danish time is UTC+1/+2; an instant within an
    /// hour or two of midnight may fall on the neighbouring day in UTC, so the
    /// offset is applied by the CET/CEST rule.
    fn today(&self) -> NaiveDate {
        danish_date(self.now())
    }
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told; for tests and reproducible runs.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    /// Noon UTC on the given day.
    pub fn on(date: NaiveDate) -> Self {
        Self::new(date.and_time(NaiveTime::MIN).and_utc() + chrono::Duration::hours(12))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The Danish calendar date of an instant (CET, with CEST from the last Sunday
/// of March 01:00 UTC to the last Sunday of October 01:00 UTC).
pub fn danish_date(t: DateTime<Utc>) -> NaiveDate {
    let year = t.year();
    let last_sunday = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or(NaiveDate::MIN);
        while d.weekday() != chrono::Weekday::Sun {
            d = d.pred_opt().unwrap_or(NaiveDate::MIN);
        }
        d.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc()
    };
    let summer = t >= last_sunday(3) && t < last_sunday(10);
    let offset = if summer { 2 } else { 1 };
    (t + chrono::Duration::hours(offset)).date_naive()
}

/// Read a date as a person types it: `dd-mm-åååå` (also with '.' or '/'), or
/// the ISO form `åååå-mm-dd` used in files.
pub fn parse_date(input: &str, field: &'static str) -> Result<NaiveDate, Invalid> {
    let s = input.trim();
    let err = || Invalid::DateFormat { field, value: input.to_string() };
    let digits = |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit());
    let iso: Vec<&str> = s.split('-').collect();
    if iso.len() == 3 && digits(iso[0], &[4]) && digits(iso[1], &[2]) && digits(iso[2], &[2]) {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| err());
    }
    let normal = s.replace(['.', '/'], "-");
    let parts: Vec<&str> = normal.split('-').collect();
    if parts.len() != 3 || !digits(parts[0], &[1, 2]) || !digits(parts[1], &[1, 2]) || !digits(parts[2], &[4]) {
        return Err(err());
    }
    let num = |p: &str| p.parse::<u32>().ok();
    match (num(parts[0]), num(parts[1]), parts[2].parse::<i32>().ok()) {
        (Some(d), Some(m), Some(y)) => NaiveDate::from_ymd_opt(y, m, d).ok_or_else(err),
        _ => Err(err()),
    }
}

/// Read a time of day `tt:mm`.
pub fn parse_time(input: &str, field: &'static str) -> Result<String, Invalid> {
    let s = input.trim().replace('.', ":");
    let well_formed = matches!(s.split_once(':'), Some((h, m))
        if (1..=2).contains(&h.len()) && m.len() == 2 && h.chars().chain(m.chars()).all(|c| c.is_ascii_digit()));
    if !well_formed {
        return Err(Invalid::TimeFormat { field, value: input.to_string() });
    }
    NaiveTime::parse_from_str(&s, "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| Invalid::TimeFormat { field, value: input.to_string() })
}

/// `dd-mm-åååå`
pub fn danish(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// Whole years of age on a day.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Instants are stored as RFC 3339 UTC with milliseconds.
pub fn instant_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A hybrid logical clock value: milliseconds since 1970 in the high bits,
/// a counter in the low 16. It never goes backwards on a site, even when the
/// wall clock does, and orders changes across sites (ties broken by site id
/// when bundles merge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc(pub i64);

impl Hlc {
    const COUNTER_BITS: u32 = 16;

    pub fn from_parts(millis: i64, counter: u16) -> Hlc {
        Hlc((millis << Self::COUNTER_BITS) | i64::from(counter))
    }

    pub fn millis(self) -> i64 {
        self.0 >> Self::COUNTER_BITS
    }

    /// The next value after `self` at wall time `now`.
    pub fn tick(self, now: DateTime<Utc>) -> Hlc {
        let wall = Hlc::from_parts(now.timestamp_millis(), 0);
        if wall > self {
            wall
        } else {
            Hlc(self.0 + 1)
        }
    }

    /// Take in a clock value received from another site, so that every later
    /// local tick sorts after it. Refused, leaving `self` as it was, when the
    /// remote value lies more than [`MAX_AHEAD_DAYS`] ahead of the local wall
    /// clock `now`: one laptop whose clock read 2099 once must not win every
    /// later conflict for good. The clock never goes backwards: a remote value
    /// behind `self` changes nothing.
    pub fn observe(self, remote: Hlc, now: DateTime<Utc>) -> Result<Hlc, ClockAhead> {
        if remote.millis() > now.timestamp_millis().saturating_add(MAX_AHEAD_DAYS * MILLIS_PER_DAY) {
            return Err(ClockAhead { remote, local: now });
        }
        Ok(self.max(remote))
    }

    /// The wall-clock instant of this value (counter dropped); `None` out of
    /// chrono's range.
    pub fn instant(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.millis())
    }

    /// Read a stored clock value. A value that cannot be read is an error,
    /// never 0 (a clock restarted at 0 would let old changes win).
    pub fn parse(text: &str) -> Result<Hlc, BadClock> {
        match text.trim().parse::<i64>() {
            Ok(v) if v >= 0 => Ok(Hlc(v)),
            _ => Err(BadClock),
        }
    }
}

const MILLIS_PER_DAY: i64 = 86_400_000;

/// How far ahead of the receiver's wall clock a received clock value may be
/// before the whole change set is refused (docs/sync.md, "Clocks"). Bundles
/// are exchanged monthly; a month covers every honest clock error seen on a
/// laptop (a wrong time zone, a flat BIOS battery a few days off) while a
/// clock years ahead is caught.
pub const MAX_AHEAD_DAYS: i64 = 30;

/// A received clock value too far ahead of the local wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockAhead {
    pub remote: Hlc,
    pub local: DateTime<Utc>,
}

/// A stored clock value that is not a non-negative integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadClock;
