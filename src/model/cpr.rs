//! CPR numbers (Danish personal identification numbers).
//!
//! Parsed from what a person types into a validated `Cpr`: ten characters,
//! `ddmmåå` a real date, the century from the 7th digit by the CPR office's
//! table, sex from the last digit (odd = man). No modulus-11 check: numbers
//! issued since 2007 need not pass it. Substitute numbers (erstatningsnumre)
//! with letters in positions 8-9 are accepted; the century digit must still
//! be a digit. A CPR is an attribute of a person, never a key.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cpr(String);

/// Legal sex as read from a CPR number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    /// Mand
    M,
    /// Kvinde
    K,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::K => "K",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sex::M => "Mand",
            Sex::K => "Kvinde",
        }
    }
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim().to_uppercase().as_str() {
            "M" | "MAND" => Some(Sex::M),
            "K" | "KVINDE" | "F" => Some(Sex::K),
            _ => None,
        }
    }
}

impl Cpr {
    /// Parse typed input ("010203-1234", "0102031234", spaces allowed).
    pub fn parse(input: &str) -> Result<Cpr, Invalid> {
        Self::parse_field(input, "cpr")
    }

    pub fn parse_field(input: &str, field: &'static str) -> Result<Cpr, Invalid> {
        let trimmed: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let s = match trimmed.as_bytes() {
            b if b.len() == 11 && b[6] == b'-' => format!("{}{}", &trimmed[..6], &trimmed[7..]),
            _ => trimmed,
        };
        let b = s.as_bytes();
        if b.len() != 10 || !s.is_ascii() {
            return Err(Invalid::CprFormat { field });
        }
        let digits_ok = b[..7].iter().all(u8::is_ascii_digit) && b[9].is_ascii_digit();
        // Positions 8-9 (index 7, 8) may be letters in substitute numbers.
        let middle_ok = b[7..9].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        if !digits_ok || !middle_ok {
            return Err(Invalid::CprFormat { field });
        }
        let cpr = Cpr(s);
        if cpr.birth_date().is_none() {
            return Err(Invalid::CprDate { field });
        }
        Ok(cpr)
    }

    /// The ten characters without dash, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date the number encodes, with the century from digit 7.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let d = |i: usize| u32::from(self.0.as_bytes()[i] - b'0');
        let day = d(0) * 10 + d(1);
        let month = d(2) * 10 + d(3);
        let yy = (d(4) * 10 + d(5)) as i32;
        let century = match (d(6), yy) {
            (0..=3, _) => 1900,
            (4 | 9, 0..=36) => 2000,
            (4 | 9, _) => 1900,
            (5..=8, 0..=57) => 2000,
            (5..=8, _) => 1800,
            _ => return None,
        };
        NaiveDate::from_ymd_opt(century + yy, month, day)
    }

    /// Sex from the last digit: odd is a man, even a woman.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[9] - b'0') % 2 == 1 {
            Sex::M
        } else {
            Sex::K
        }
    }

    /// `ddmmåå-xxxx`, as Danes write it.
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.0[..6], &self.0[6..])
    }
}

impl fmt::Display for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// Never print a CPR number in logs by accident: Debug shows only the birth date part.
impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({}-****)", &self.0[..6])
    }
}

impl TryFrom<String> for Cpr {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Cpr::parse(&s)
    }
}

impl From<Cpr> for String {
    fn from(c: Cpr) -> String {
        c.formatted()
    }
}
