//! Everything a person types into a field: CPR numbers, dates, times,
//! amounts. None may panic; a value that parses must format and parse back
//! to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tovholder::model::time::{danish, parse_date, parse_time};
use tovholder::model::{Cpr, Money};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(cpr) = Cpr::parse(s) {
        assert_eq!(Cpr::parse(&cpr.formatted()).ok(), Some(cpr.clone()));
        assert!(cpr.birth_date().is_some());
    }
    if let Ok(d) = parse_date(s, "made_on") {
        assert_eq!(parse_date(&danish(d), "made_on").ok(), Some(d));
    }
    if let Ok(t) = parse_time(s, "start_time") {
        assert_eq!(parse_time(&t, "start_time").ok(), Some(t.clone()));
    }
    if let Ok(m) = Money::parse(s, "amount") {
        assert_eq!(Money::parse(&m.storage(), "amount").ok(), Some(m));
        assert_eq!(Money::parse(&m.danish(), "amount").ok(), Some(m));
    }
});
