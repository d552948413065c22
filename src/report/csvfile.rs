//! CSV files that other software opens, written with the `csv` crate:
//! ';' as separator (a comma is the decimal sign in Danish), fields quoted
//! where they hold ';', '"' or a line break, CRLF line ends (RFC 4180).
//! Files for a spreadsheet start with a UTF-8 byte-order mark, without
//! which Danish Excel reads æ, ø and å as "Ã¦", "Ã¸" and "Ã¥".
//!
//! Must not: build a line by joining strings by hand.

/// The UTF-8 byte-order mark.
pub const BOM: char = '\u{feff}';

fn write(records: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in records {
        // Writing to memory cannot fail; an error would leave the record out,
        // which the read-back tests would catch.
        let _ = w.write_record(r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// For a spreadsheet (the annual report's tables, the settlement): with a
/// byte-order mark.
pub fn spreadsheet(records: &[Vec<String>]) -> String {
    let mut s = String::from(BOM);
    s.push_str(&write(records));
    s
}

/// For another program (the NAB register's import): no byte-order mark,
/// which some importers take as part of the first column's name. Its
/// fields are codes, digits and dates only.
pub fn plain(records: &[Vec<String>]) -> String {
    write(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_separators_quotes_and_line_breaks_are_quoted() {
        let s = spreadsheet(&[vec!["Ærø; Øst".into(), "sagde \"hej\"".into(), "to\nlinjer".into(), "1".into()]]);
        assert_eq!(s, "\u{feff}\"Ærø; Øst\";\"sagde \"\"hej\"\"\";\"to\nlinjer\";1\r\n");
        assert_eq!(plain(&[vec!["a".into(), "".into()]]), "a;\r\n");
    }
}
