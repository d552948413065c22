//! Values typed by people: CPR numbers, dates, times, money. Table-driven
//! through one `check` helper per kind, plus property tests.

use proptest::prelude::*;
use tovholder::model::time::{danish, parse_date, parse_time};
use tovholder::model::*;

use crate::support::date;

/// `input` parses to `expected` (formatted, birth date, sex), or fails with `code`.
fn check_cpr(input: &str, expected: Result<(&str, &str, Sex), &str>) {
    let got = Cpr::parse(input);
    match (got, expected) {
        (Ok(c), Ok((formatted, born, sex))) => {
            assert_eq!(c.formatted(), formatted, "{input}");
            assert_eq!(c.birth_date(), Some(date(born)), "{input}");
            assert_eq!(c.sex(), sex, "{input}");
        }
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{input}"),
        (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn cpr_numbers() {
    // Century from the 7th digit (CPR office's table).
    check_cpr("010203-1234", Ok(("010203-1234", "1903-02-01", Sex::K)));
    check_cpr("0102031235", Ok(("010203-1235", "1903-02-01", Sex::M)));
    check_cpr(" 010203 - 4235 ", Ok(("010203-4235", "2003-02-01", Sex::M)));
    check_cpr("010240-4234", Ok(("010240-4234", "1940-02-01", Sex::K)));
    check_cpr("010257-5234", Ok(("010257-5234", "2057-02-01", Sex::K)));
    check_cpr("010258-5234", Ok(("010258-5234", "1858-02-01", Sex::K)));
    check_cpr("010236-9234", Ok(("010236-9234", "2036-02-01", Sex::K)));
    check_cpr("010237-9233", Ok(("010237-9233", "1937-02-01", Sex::M)));
    check_cpr("290200-4001", Ok(("290200-4001", "2000-02-29", Sex::M)));
    // No modulus-11 check: numbers issued since 2007 need not pass it.
    check_cpr("010170-0001", Ok(("010170-0001", "1970-01-01", Sex::M)));
    // Substitute numbers: letters in positions 8-9.
    check_cpr("010170-1AB2", Ok(("010170-1AB2", "1970-01-01", Sex::K)));
    check_cpr("010170-1ab3", Ok(("010170-1AB3", "1970-01-01", Sex::M)));
    // Malformed.
    check_cpr("", Err("cpr_format"));
    check_cpr("12345", Err("cpr_format"));
    check_cpr("010170-12345", Err("cpr_format"));
    check_cpr("01017O-1234", Err("cpr_format"));
    check_cpr("010170-A234", Err("cpr_format"));
    check_cpr("010170-123X", Err("cpr_format"));
    check_cpr("01-01-70-1234", Err("cpr_format"));
    check_cpr("٠١٠١٧٠١٢٣٤", Err("cpr_format"));
    // Impossible dates.
    check_cpr("320170-1234", Err("cpr_date"));
    check_cpr("011370-1234", Err("cpr_date"));
    check_cpr("000170-1234", Err("cpr_date"));
    check_cpr("290201-4001", Err("cpr_date"));
    check_cpr("290200-3001", Err("cpr_date")); // 1900 was no leap year
}

fn check_date(input: &str, expected: Option<&str>) {
    match (parse_date(input, "made_on"), expected) {
        (Ok(d), Some(e)) => assert_eq!(d, date(e), "{input}"),
        (Err(err), None) => assert_eq!(err.code(), "date_format", "{input}"),
        (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn dates_as_danes_type_them() {
    check_date("24-12-2026", Some("2026-12-24"));
    check_date("24.12.2026", Some("2026-12-24"));
    check_date("1/2/2026", Some("2026-02-01"));
    check_date("2026-12-24", Some("2026-12-24"));
    check_date("29-02-2024", Some("2024-02-29"));
    check_date("29-02-2026", None);
    check_date("31-04-2026", None);
    check_date("24-12-26", None);
    check_date("i går", None);
    check_date("", None);
    // Found by the fuzzer: a signed year must not pass as ISO.
    check_date("-12012-1-1", None);
    check_date("+1-+1-2026", None);
    check_date("01-01-+202", None);
    assert_eq!(danish(date("2026-03-05")), "05-03-2026");
    assert_eq!(parse_time("9.30", "start_time").unwrap(), "09:30");
    assert_eq!(parse_time("24:00", "start_time").unwrap_err().code(), "time_format");
}

#[test]
fn money_in_kroner_and_oere() {
    let m = |s: &str| Money::parse(s, "amount");
    assert_eq!(m("1.234,50").unwrap().storage(), "1234.50");
    assert_eq!(m("1234.5").unwrap().storage(), "1234.50");
    assert_eq!(m("145,50 kr.").unwrap().danish(), "145,50 kr.");
    assert_eq!(m("1234567,8").unwrap().danish(), "1.234.567,80 kr.");
    assert_eq!(m("0").unwrap().danish(), "0,00 kr.");
    for bad in ["", "abc", "-5", "1,234", "12,345.6.7", "1e3", "0,001"] {
        assert_eq!(m(bad).map_err(|e| e.code()), Err("money_format"), "{bad}");
    }
    // Sums are exact to the øre, as the settlement needs.
    let total: rust_decimal::Decimal = ["0,10", "0,20", "0,30"].iter().map(|s| m(s).unwrap().decimal()).sum();
    assert_eq!(Money::new(total).unwrap().storage(), "0.60");
}

proptest! {
    #[test]
    fn any_valid_cpr_round_trips_through_its_formatted_form(
        days in 0i64..(365 * 200), serial in 0u32..1000, last in 0u32..10,
    ) {
        let born = date("1858-01-01") + chrono::Duration::days(days);
        let yy = chrono::Datelike::year(&born) % 100;
        let century = match chrono::Datelike::year(&born) {
            1858..=1899 => 5,
            1900..=1999 => 0,
            _ if yy <= 36 => 4,
            _ => 5,
        };
        let s = format!("{:02}{:02}{:02}{}{:02}{}", chrono::Datelike::day(&born), chrono::Datelike::month(&born), yy, century, serial % 100, last);
        let cpr = Cpr::parse(&s).unwrap();
        prop_assert_eq!(cpr.birth_date(), Some(born));
        prop_assert_eq!(Cpr::parse(&cpr.formatted()).unwrap(), cpr.clone());
        prop_assert_eq!(cpr.sex() == Sex::M, last % 2 == 1);
    }

    #[test]
    fn no_input_makes_the_parsers_panic(s in "\\PC{0,24}") {
        let _ = Cpr::parse(&s);
        let _ = parse_date(&s, "made_on");
        let _ = parse_time(&s, "start_time");
        let _ = Money::parse(&s, "amount");
    }

    #[test]
    fn money_storage_form_round_trips(ore in 0u64..10_000_000_000) {
        let m = Money::new(rust_decimal::Decimal::new(ore as i64, 2)).unwrap();
        prop_assert_eq!(Money::parse(&m.storage(), "amount").unwrap(), m);
        prop_assert_eq!(Money::parse(m.danish().as_str(), "amount").unwrap(), m);
    }
}
