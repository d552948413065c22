//! Money: kroner and øre as `rust_decimal::Decimal`, never a float.
//!
//! Stored as fixed-scale text with two decimals ("1234.50"), sent to the UI as
//! that string, shown to people as "1.234,50 kr.".

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// From a decimal; refuses negative amounts and fractions of an øre.
    pub fn new(d: Decimal) -> Option<Money> {
        if d.is_sign_negative() || d.round_dp(2) != d {
            return None;
        }
        Some(Money(d.round_dp(2)))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// Parse what a person types: "1.234,50", "1234,5", "1234.50" (the
    /// storage form), with or without "kr.".
    pub fn parse(input: &str, field: &'static str) -> Result<Money, Invalid> {
        let err = || Invalid::MoneyFormat { field, value: input.to_string() };
        let s = input.trim().trim_end_matches("kr.").trim_end_matches("kr").trim();
        let grouped_thousands = {
            // "1.500" or "12.345.678": a Dane grouping thousands, not öre.
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() > 1
                && (1..=3).contains(&parts[0].len())
                && parts[1..].iter().all(|p| p.len() == 3)
                && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        };
        let normal = if s.contains(',') || grouped_thousands {
            // Danish: '.' groups thousands, ',' is the decimal mark.
            s.replace('.', "").replace(',', ".")
        } else {
            s.to_string()
        };
        if normal.is_empty() || !normal.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(err());
        }
        let d = Decimal::from_str(&normal).map_err(|_| err())?;
        Money::new(d).ok_or_else(err)
    }

    /// The storage form: two decimals, '.' as the mark, no grouping.
    pub fn storage(self) -> String {
        let mut d = self.0;
        d.rescale(2);
        d.to_string()
    }

    /// "1.234,50 kr."
    pub fn danish(self) -> String {
        let s = self.storage();
        let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{grouped},{frac} kr.")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.danish())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.storage())
    }
}

impl TryFrom<String> for Money {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Money::parse(&s, "amount")
    }
}

impl From<Money> for String {
    fn from(m: Money) -> String {
        m.storage()
    }
}
