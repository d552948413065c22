//! Reading what a person typed into a form: dates `dd-mm-åååå`, CPR numbers,
//! optional text and numbers. The parsing rules are the core's (its
//! `parse_date`, `Cpr::parse_field`); this module only says which field a
//! value came from, so an error lands beside that field.

use chrono::NaiveDate;
use tovholder::model::time::{parse_date, parse_time};
use tovholder::model::Cpr;
use tovholder::Refusals;

use crate::error::{IpcError, IpcResult};

/// A required date.
pub fn date(s: &str, field: &'static str) -> IpcResult<NaiveDate> {
    if s.trim().is_empty() {
        return Err(tovholder::Invalid::Required { field }.into());
    }
    Ok(parse_date(s, field)?)
}

/// A date that may be left empty.
pub fn opt_date(s: &str, field: &'static str) -> IpcResult<Option<NaiveDate>> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Ok(Some(parse_date(s, field)?))
    }
}

/// A time of day `tt:mm` that may be left empty.
pub fn opt_time(s: &str, field: &'static str) -> IpcResult<Option<String>> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Ok(Some(parse_time(s, field)?))
    }
}

/// A CPR number that may be left empty.
pub fn opt_cpr(s: &str, field: &'static str) -> IpcResult<Option<Cpr>> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Ok(Some(Cpr::parse_field(s, field)?))
    }
}

/// The readers of a form that shows every refused field at once: a value
/// that cannot be read is put in `refused` and left out (`None`), so the
/// core can still check the form's other fields (`Journal::intake_form`).
pub fn gather_date(s: &str, field: &'static str, refused: &mut Refusals) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        refused.push(tovholder::Invalid::Required { field });
        return None;
    }
    refused.check(parse_date(s, field))
}

/// `opt_date`, gathering its refusal.
pub fn gather_opt_date(s: &str, field: &'static str, refused: &mut Refusals) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        None
    } else {
        refused.check(parse_date(s, field))
    }
}

/// `opt_cpr`, gathering its refusal.
pub fn gather_opt_cpr(s: &str, field: &'static str, refused: &mut Refusals) -> Option<Cpr> {
    if s.trim().is_empty() {
        None
    } else {
        refused.check(Cpr::parse_field(s, field))
    }
}

/// Text that may be left empty.
pub fn opt_text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A whole number that may be left empty.
pub fn opt_number(s: &str, field: &'static str, label: &str) -> IpcResult<Option<i64>> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .map(Some)
        .map_err(|_| IpcError::new("number_format", format!("{label} skal være et helt tal."), Some(field)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn empty_optional_fields_are_none_and_errors_name_their_field() {
        assert_eq!(opt_date(" ", "end_on").unwrap(), None);
        assert_eq!(opt_text("  "), None);
        assert_eq!(opt_number("", "minutes", "Varighed").unwrap(), None);
        assert_eq!(date("01-02-2026", "held_on").unwrap(), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        let cases: [(IpcError, &str, &str); 4] = [
            (date("", "held_on").unwrap_err(), "required", "held_on"),
            (date("31-02-2026", "end_on").unwrap_err(), "date_format", "end_on"),
            (opt_cpr("320181-1234", "cpr").unwrap_err(), "cpr_date", "cpr"),
            (opt_number("fem", "minutes", "Varighed").unwrap_err(), "number_format", "minutes"),
        ];
        for (e, code, field) in cases {
            assert_eq!((e.code.as_str(), e.field.as_deref()), (code, Some(field)), "{e:?}");
            assert!(!e.message.is_empty());
        }
    }
}
