//! The exchanged tables, their fields and their values in Danish, as a
//! person reads them in the import preview, the conflict review and the
//! command line: "klient: telefon", not "client: phone", and a code by its
//! code list's name ("Ambulant", not "ambulant"). Driven by
//! `tables::TABLES`: a test checks that every table and every column has a
//! label, and that every column the schema ties to a code list or to the
//! municipalities is shown by that list.

use rusqlite::{Connection, OptionalExtension};

use super::tables;
use crate::model::codes::CodeList;
use crate::store::Codes;

/// How a column's value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A code of a code list, by its label.
    Code(CodeList),
    /// A JSON array of codes of a list, by their labels.
    Codes(CodeList),
    /// A municipality code, by the municipality's name.
    Municipality,
    /// 0 or 1: "nej" or "ja".
    Flag,
    /// The id of a unit, by the unit's name.
    Unit,
    /// The id of a staff member, by their name.
    Staff,
    /// One of a fixed set of words (a CHECK of the schema).
    Fixed(&'static [(&'static str, &'static str)]),
    /// Text as it is (dates dd-mm-åååå).
    Plain,
}

/// A table's name in Danish ("klient"); `None` for a table that is not
/// exchanged.
pub fn table_label(table: &str) -> Option<&'static str> {
    Some(match table {
        "unit" => "enhed",
        "staff" => "medarbejder",
        "client" => "klient",
        "child" => "barn",
        "child_link" => "barn knyttet til klient",
        "network_person" => "netværksperson",
        "emergency_plan" => "nødplan",
        "referral" => "henvendelse",
        "course" => "forløb",
        "assessment" => "udredning",
        "plan_revision" => "behandlingsplan",
        "evaluation" => "evaluering",
        "medication" => "medicin",
        "session" => "samtale",
        "session_participant" => "deltager i samtale",
        "note" => "journalnotat",
        "notification" => "underretning",
        "consent" => "samtykke",
        "activity_group" => "gruppe",
        "group_member" => "gruppedeltager",
        "group_attendance" => "fremmøde i gruppe",
        "case_review" => "sagsmøde",
        "case_review_item" => "sagsmødepunkt",
        "agreement_price" => "aftalepris",
        "settlement" => "afregning",
        "settlement_line" => "afregningslinje",
        _ => return None,
    })
}

/// A table's name in Danish, or the raw name of a table that has none.
pub fn table_text(table: &str) -> String {
    table_label(table).map_or_else(|| table.to_string(), str::to_string)
}

/// A column's name in Danish (the words of the journal's forms); `None`
/// for a column the table does not exchange.
pub fn column_label(table: &str, column: &str) -> Option<&'static str> {
    let desc = tables::table(table)?;
    if !desc.columns.contains(&column) {
        return None;
    }
    // The words that differ by table first, then the common ones.
    let special = match (table, column) {
        ("unit", "name") => Some("enhedens navn"),
        ("unit", "kind") => Some("enhedstype"),
        ("staff", "role") => Some("rolle"),
        ("network_person", "role") => Some("rolle i netværket"),
        ("child_link", "relation") => Some("relation til barnet"),
        ("session", "held_on") => Some("dato"),
        ("session", "kind") => Some("samtaletype"),
        ("course", "kind") | ("agreement_price", "course_kind") => Some("forløbstype"),
        ("course", "setting") | ("agreement_price", "setting") => Some("behandlingsform"),
        ("course", "unit_id")
        | ("referral", "unit_id")
        | ("activity_group", "unit_id")
        | ("case_review", "unit_id") => Some("enhed"),
        ("staff", "unit_id") => Some("enhed"),
        ("evaluation", "kind") => Some("evalueringstype"),
        ("note", "kind") => Some("notattype"),
        ("activity_group", "kind") => Some("gruppetype"),
        ("activity_group", "name") => Some("gruppens navn"),
        ("activity_group", "start_on") => Some("startdato"),
        ("activity_group", "end_on") => Some("slutdato"),
        ("notification", "reason") => Some("begrundelse"),
        ("referral", "reason") => Some("årsag til henvendelsen"),
        ("emergency_plan", "plan") => Some("planen"),
        ("emergency_plan", "revision") | ("plan_revision", "revision") => Some("version"),
        ("settlement_line", "amount") | ("agreement_price", "amount") => Some("beløb"),
        ("consent", "recipient") => Some("modtager"),
        ("notification", "recipient") => Some("modtager"),
        _ => None,
    };
    if special.is_some() {
        return special;
    }
    Some(match column {
        "name" => "navn",
        "municipality" => "kommune",
        "kind" => "art",
        "unit_id" => "enhed",
        "initials" => "initialer",
        "role" => "rolle",
        "active" => "aktiv",
        "cpr" => "CPR-nummer",
        "anonymous" => "anonym",
        "birth_date" => "fødselsdato",
        "sex" => "køn",
        "address" => "adresse",
        "phone" => "telefon",
        "email" => "e-mail",
        "family_case" => "familiesag",
        "caseworker" => "sagsbehandler",
        "caseworker_unit" => "sagsbehandlers enhed",
        "concern" => "bekymring",
        "other_measures" => "andre foranstaltninger",
        "registered_on" => "registreret",
        "child_id" => "barn",
        "client_id" => "klient",
        "custody" => "forældremyndighed",
        "residence" => "bopæl",
        "visitation" => "samvær",
        "contact" => "kontakt",
        "made_on" => "dato",
        "trusted_adults" => "trygge voksne",
        "received_on" => "modtaget",
        "source" => "henvisende instans",
        "referrer" => "henviser",
        "reason" => "årsag",
        "door" => "indgang",
        "info_talk_on" => "informationssamtale",
        "outcome" => "udfald",
        "referral_id" => "henvendelse",
        "status" => "forløbsstatus",
        "enrolled_on" => "indskrevet",
        "start_on" => "behandlingsstart",
        "follow_up_from" => "efterbehandling fra",
        "end_on" => "slutdato",
        "end_reason" => "afslutningsårsag",
        "case_owner" => "sagsansvarlig",
        "paying_municipality" => "betalende kommune",
        "course_id" => "forløb",
        "assessed_on" => "udredt",
        "audit_score" => "AUDIT-score",
        "units_per_week" => "genstande om ugen",
        "side_abuse" => "sidemisbrug",
        "income_source" => "hovedindtægtskilde",
        "housing" => "boligforhold",
        "children_situation" => "børn",
        "pregnant" => "gravid",
        "violence" => "vold",
        "psychiatric" => "psykiatrisk lidelse",
        "remarks" => "bemærkninger",
        "revision" => "version",
        "goals" => "mål",
        "elements" => "behandlingselementer",
        "medication" => "medicin",
        "family_section" => "familiedel",
        "midway_on" => "midtvejsevaluering",
        "final_on" => "slutevaluering",
        "evaluated_on" => "evalueret",
        "text" => "tekst",
        "drug" => "præparat",
        "dose" => "dosis",
        "started_on" => "startet",
        "started_by" => "startet af",
        "stopped_on" => "stoppet",
        "stopped_by" => "stoppet af",
        "stop_reason" => "årsag til stop",
        "held_on" => "dato",
        "start_time" => "klokkeslæt",
        "minutes" => "minutter",
        "place" => "sted",
        "attendance" => "fremmøde",
        "session_id" => "samtale",
        "staff_id" => "medarbejder",
        "external_name" => "ekstern deltager",
        "corrects" => "retter notat",
        "written_on" => "skrevet",
        "internal" => "internt",
        "made_by" => "lavet af",
        "to_unit" => "til enhed",
        "recipient" => "modtager",
        "answer_received_on" => "svar modtaget",
        "answer" => "svar",
        "scope" => "omfang",
        "given_on" => "givet",
        "withdrawn_on" => "trukket tilbage",
        "group_id" => "gruppe",
        "joined_on" => "startet i gruppen",
        "left_on" => "stoppet i gruppen",
        "member_id" => "gruppedeltager",
        "met_on" => "mødedato",
        "held_by" => "holdt af",
        "led_by" => "ledet af",
        "review_id" => "sagsmøde",
        "answers" => "svar på spørgsmålene",
        "decision" => "beslutning",
        "responsible" => "ansvarlig",
        "payer" => "betaler",
        "provider" => "leverandør",
        "per" => "pr.",
        "amount" => "beløb",
        "valid_from" => "gælder fra",
        "valid_to" => "gælder til",
        "period" => "periode",
        "total" => "i alt",
        "settlement_id" => "afregning",
        "price_id" => "aftalepris",
        "days" => "dage",
        _ => return None,
    })
}

/// A column's name in Danish, or the raw name of a column that has none.
pub fn column_text(table: &str, column: &str) -> String {
    column_label(table, column).map_or_else(|| column.to_string(), str::to_string)
}

/// A field group's name in Danish: its columns' labels ("CPR-nummer,
/// anonym, fødselsdato, køn").
pub fn group_text(table: &str, group: &str) -> String {
    if group == super::retention::RETENTION_GROUP {
        return "sletning efter opbevaringsperioden".into();
    }
    let columns = tables::table(table).map(|d| d.group_columns(group)).unwrap_or_default();
    if columns.is_empty() {
        return group.to_string();
    }
    columns.iter().map(|c| column_text(table, c)).collect::<Vec<_>>().join(", ")
}

/// "klient: telefon": which record and which field.
pub fn field_text(table: &str, group: &str) -> String {
    format!("{}: {}", table_text(table), group_text(table, group))
}

const SEX: &[(&str, &str)] = &[("M", "mand"), ("K", "kvinde")];
const EVALUATION_KIND: &[(&str, &str)] = &[("midway", "midtvejs"), ("final", "afsluttende")];
const NOTE_KIND: &[(&str, &str)] = &[("note", "notat"), ("correction", "rettelse"), ("error", "fejlregistrering")];
const PER: &[(&str, &str)] = &[("day", "dag"), ("month", "måned"), ("course", "forløb")];

/// How a column's value is shown.
pub fn shown(table: &str, column: &str) -> Shown {
    use CodeList as L;
    match (table, column) {
        ("unit", "kind") => Shown::Code(L::UnitKind),
        ("staff", "role") => Shown::Code(L::Role),
        ("child", "concern") => Shown::Code(L::Concern),
        ("child_link", "relation") => Shown::Code(L::ChildRelation),
        ("child_link", "custody") => Shown::Code(L::Custody),
        ("child_link", "residence") => Shown::Code(L::Residence),
        ("network_person", "role") => Shown::Code(L::NetworkRole),
        ("referral", "source") => Shown::Code(L::ReferralSource),
        ("referral", "door") => Shown::Code(L::ReferralDoor),
        ("referral", "outcome") => Shown::Code(L::ReferralOutcome),
        ("course", "kind") | ("agreement_price", "course_kind") => Shown::Code(L::CourseKind),
        ("course", "setting") | ("agreement_price", "setting") => Shown::Code(L::CourseSetting),
        ("course", "status") => Shown::Code(L::CourseStatus),
        ("course", "end_reason") => Shown::Code(L::EndReason),
        ("assessment", "income_source") => Shown::Code(L::IncomeSource),
        ("assessment", "housing") => Shown::Code(L::Housing),
        ("assessment", "side_abuse") => Shown::Codes(L::SideAbuse),
        ("assessment", "children_situation") => Shown::Codes(L::ChildrenSituation),
        ("plan_revision", "elements") => Shown::Codes(L::TreatmentElement),
        ("medication", "drug") => Shown::Code(L::Medication),
        ("session", "kind") => Shown::Code(L::SessionKind),
        ("session", "attendance") | ("group_attendance", "attendance") => Shown::Code(L::Attendance),
        ("consent", "scope") => Shown::Code(L::ConsentScope),
        ("activity_group", "kind") => Shown::Code(L::GroupKind),
        (_, "municipality" | "paying_municipality" | "payer" | "provider") => Shown::Municipality,
        (_, "active" | "anonymous" | "family_case" | "pregnant" | "violence" | "psychiatric" | "internal") => {
            Shown::Flag
        }
        (_, "unit_id" | "caseworker_unit" | "to_unit") => Shown::Unit,
        (_, "case_owner" | "started_by" | "stopped_by" | "made_by" | "led_by" | "responsible" | "staff_id") => {
            Shown::Staff
        }
        (_, "sex") => Shown::Fixed(SEX),
        ("evaluation", "kind") => Shown::Fixed(EVALUATION_KIND),
        ("note", "kind") => Shown::Fixed(NOTE_KIND),
        ("agreement_price", "per") => Shown::Fixed(PER),
        _ => Shown::Plain,
    }
}

/// A plain value as text: empty "(tom)", a date dd-mm-åååå.
pub fn plain_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(tom)".into(),
        serde_json::Value::String(s) if s.is_empty() => "(tom)".into(),
        serde_json::Value::String(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d.format("%d-%m-%Y").to_string(),
            Err(_) => s.clone(),
        },
        other => other.to_string(),
    }
}

/// A column's value as a person reads it: a code by its list's label, a
/// municipality, unit or staff member by name, 0/1 as "nej"/"ja", a date
/// dd-mm-åååå, empty as "(tom)".
pub(crate) fn value_text(
    conn: &Connection,
    codes: &Codes,
    table: &str,
    column: &str,
    v: &serde_json::Value,
) -> rusqlite::Result<String> {
    if v.is_null() {
        return Ok("(tom)".into());
    }
    let s = v.as_str();
    Ok(match shown(table, column) {
        Shown::Code(list) => match s {
            Some(code) => codes.coded(list, code).label,
            None => plain_text(v),
        },
        Shown::Codes(list) => {
            let listed: Option<Vec<String>> = s.and_then(|s| serde_json::from_str(s).ok());
            match listed {
                Some(l) if l.is_empty() => "(ingen)".into(),
                Some(l) => l.iter().map(|c| codes.coded(list, c).label).collect::<Vec<_>>().join(", "),
                None => plain_text(v),
            }
        }
        Shown::Municipality => match s {
            Some(code) => codes.municipality_coded(code).label,
            None => plain_text(v),
        },
        Shown::Flag => match v.as_i64() {
            Some(0) => "nej".into(),
            Some(_) => "ja".into(),
            None => plain_text(v),
        },
        Shown::Unit => named(conn, "SELECT name FROM unit WHERE id = ?1", v)?,
        Shown::Staff => named(conn, "SELECT name FROM staff WHERE id = ?1", v)?,
        Shown::Fixed(words) => match s.and_then(|s| words.iter().find(|(c, _)| *c == s)) {
            Some((_, word)) => (*word).to_string(),
            None => plain_text(v),
        },
        Shown::Plain => plain_text(v),
    })
}

fn named(conn: &Connection, sql: &str, v: &serde_json::Value) -> rusqlite::Result<String> {
    let Some(id) = v.as_str() else { return Ok(plain_text(v)) };
    Ok(conn.prepare_cached(sql)?.query_row([id], |r| r.get::<_, String>(0)).optional()?.unwrap_or_else(|| id.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exchanged_table_and_column_has_a_danish_label() {
        for t in tables::TABLES {
            assert!(table_label(t.name).is_some(), "no label for table {}", t.name);
            for c in t.columns {
                let label = column_label(t.name, c);
                assert!(label.is_some(), "no label for {}.{c}", t.name);
                assert_ne!(label, Some(*c), "{}.{c} is labelled by its raw name", t.name);
            }
        }
        assert_eq!(table_label("sync_change"), None);
        assert_eq!(column_label("client", "origin_site"), None);
    }

    #[test]
    fn every_column_tied_to_a_code_list_is_shown_by_it() -> Result<(), Box<dyn std::error::Error>> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(crate::store::SCHEMA_SQL)?;
        let mut checked = 0;
        for t in tables::TABLES {
            let fks: Vec<(String, String)> = conn
                .prepare(&format!("SELECT \"table\", \"from\" FROM pragma_foreign_key_list('{}')", t.name))?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (target, column) in fks {
                let want = match target.as_str() {
                    "municipality" => Shown::Municipality,
                    "unit" => Shown::Unit,
                    "staff" => Shown::Staff,
                    code if code.starts_with("code_") => {
                        let list = CodeList::ALL.iter().copied().find(|l| l.table() == code).ok_or(code.to_string())?;
                        Shown::Code(list)
                    }
                    _ => continue,
                };
                assert_eq!(shown(t.name, &column), want, "{}.{column} refers to {target}", t.name);
                checked += 1;
            }
        }
        // The code lists, municipalities, units and staff the schema ties columns to.
        assert!(checked > 40, "{checked}");
        Ok(())
    }

    #[test]
    fn a_date_and_an_empty_value_read_as_a_person_writes_them() {
        assert_eq!(plain_text(&serde_json::json!("2026-03-05")), "05-03-2026");
        assert_eq!(plain_text(&serde_json::Value::Null), "(tom)");
        assert_eq!(field_text("client", "phone"), "klient: telefon");
        assert_eq!(group_text("client", "cpr"), "CPR-nummer, anonym, fødselsdato, køn");
    }
}
