//! A conflict settled by a new value instead of one of its sides (issue 14,
//! item 3: "the person chooses one, or writes a new value").
//!
//! `NewValueForm` is the form a person fills in, one field per column of the
//! conflict's field group with its kind, its choices and the value in the
//! journal now as start text, so that no caller needs to know the schema
//! (`ConflictView::new_value`). `Journal::write_conflict_value` reads each
//! typed text as its column's kind, runs the checks a local edit of that
//! field runs, and writes it through `Writer::update_resolving`: an ordinary
//! edit that has seen every head, so it closes the conflict on every site it
//! reaches, the same as keeping a side (`Journal::resolve_conflict`).
//!
//! It never writes a value a local edit would refuse, and an `Err` has
//! written nothing. A stopped retention deletion, a value held out by a rule
//! and two inserts of one row are settled by choosing, never by a new value
//! (`conflict_choose_only`), as is a field that refers to another record, a
//! list of codes or a computed amount.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::apply::person_of;
use super::labels::{self, Shown};
use super::{retention, tables, Conflict};
use crate::error::{ChooseOnly, Entity, Error, Invalid, Refusals, Result};
use crate::model::time::{parse_date, parse_time};
use crate::model::{ChildRecord, ClientRecord, Code, Cpr, Money, Sex};
use crate::security::roles::Action;
use crate::store::{Codes, Ctx, Journal, Writer};

/// How a column's new value is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FieldKind {
    /// Text as typed (a CPR number is read as one).
    Text,
    /// dd-mm-åååå.
    Date,
    /// tt:mm.
    Time,
    /// ja or nej.
    YesNo,
    /// One of `options` (a code list, a municipality, a unit, a member of
    /// staff, a fixed word), by its value or its label.
    Code,
    /// A whole number.
    Number,
    /// Kroner and øre ("1.234,50").
    Money,
}

/// The form for writing a new value: a field per column of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewValueForm {
    pub columns: Vec<NewValueColumn>,
}

/// One field of a `NewValueForm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewValueColumn {
    /// The column, as `write_conflict_value` takes it ("email").
    pub name: String,
    /// Its Danish name ("e-mail").
    pub label: String,
    pub kind: FieldKind,
    /// The choices of a code or a yes/no: the value to send and its label.
    pub options: Vec<Code>,
    /// It may be left empty.
    pub optional: bool,
    /// The value in the journal now, as a person types it.
    pub start: String,
}

/// How a column's new value is typed; `None` for a column that is chosen,
/// never typed: a reference to another record (other than a unit or a
/// member of staff, which are chosen from a list), a list of codes, the
/// answers of a case review, a number the journal gives (a revision) and the
/// settlements' computed lines.
pub fn kind(table: &str, column: &str) -> Option<FieldKind> {
    let desc = tables::table(table)?;
    if !desc.columns.contains(&column) || desc.derived.iter().any(|(c, _)| *c == column) {
        return None;
    }
    if matches!(table, "settlement" | "settlement_line") || column == "revision" || column == "answers" {
        return None;
    }
    match labels::shown(table, column) {
        Shown::Codes(_) => return None,
        Shown::Code(_) | Shown::Municipality | Shown::Unit | Shown::Staff | Shown::Fixed(_) => {
            return Some(FieldKind::Code)
        }
        Shown::Flag => return Some(FieldKind::YesNo),
        Shown::Plain => {}
    }
    if desc.refs.iter().any(|(c, _)| *c == column) {
        return None;
    }
    Some(match column {
        "start_time" => FieldKind::Time,
        "amount" => FieldKind::Money,
        "audit_score" | "units_per_week" | "minutes" => FieldKind::Number,
        "birth_date" | "follow_up_from" | "valid_from" | "valid_to" => FieldKind::Date,
        c if c.ends_with("_on") => FieldKind::Date,
        _ => FieldKind::Text,
    })
}

/// Why a new value makes no sense for this conflict, if it makes none.
pub fn choose_only(c: &Conflict) -> Option<ChooseOnly> {
    if c.group == retention::RETENTION_GROUP || c.rule.as_deref() == Some(retention::RETENTION_RULE) {
        return Some(ChooseOnly::Retention);
    }
    if c.rule.is_some() {
        return Some(ChooseOnly::Rule);
    }
    if c.group.is_empty() {
        return Some(ChooseOnly::Insert);
    }
    let desc = tables::table(&c.table)?;
    desc.group_columns(&c.group)
        .into_iter()
        .find(|col| kind(desc.name, col).is_none())
        .map(|col| ChooseOnly::Field(labels::column_label(desc.name, col).unwrap_or(col)))
}

/// Dates a local edit refuses in the future (`care.rs`, `family.rs`,
/// `people.rs`, `groups.rs`, `review.rs`); a session's date only once
/// attendance is recorded.
const PAST_ONLY: &[(&str, &str)] = &[
    ("client", "birth_date"),
    ("child", "birth_date"),
    ("child", "registered_on"),
    ("referral", "received_on"),
    ("referral", "info_talk_on"),
    ("course", "enrolled_on"),
    ("course", "start_on"),
    ("course", "end_on"),
    ("assessment", "assessed_on"),
    ("medication", "started_on"),
    ("medication", "stopped_on"),
    ("notification", "made_on"),
    ("notification", "answer_received_on"),
    ("consent", "given_on"),
    ("consent", "withdrawn_on"),
    ("group_member", "left_on"),
    ("group_attendance", "met_on"),
    ("case_review", "held_on"),
];

/// `(table, later, earlier)`: dates that may not lie before another date of
/// the row (the schema's CHECKs, and a close after the enrolment).
const ORDER: &[(&str, &str, &str)] = &[
    ("referral", "info_talk_on", "received_on"),
    ("course", "start_on", "enrolled_on"),
    ("course", "end_on", "start_on"),
    ("course", "end_on", "enrolled_on"),
    ("course", "follow_up_from", "start_on"),
    ("course", "end_on", "follow_up_from"),
    ("medication", "stopped_on", "started_on"),
    ("notification", "answer_received_on", "made_on"),
    ("consent", "withdrawn_on", "given_on"),
    ("activity_group", "end_on", "start_on"),
    ("group_member", "left_on", "joined_on"),
    ("agreement_price", "valid_to", "valid_from"),
];

/// `(column, min, max)`: the ranges a local edit checks.
const RANGES: &[(&str, i64, i64)] = &[("audit_score", 0, 40), ("units_per_week", 0, 1000), ("minutes", 1, 1440)];

/// A column's choices: the value to send and its Danish label. `all` also
/// gives codes no longer in use (a new value may still be one).
fn choices(conn: &Connection, table: &str, column: &str, all: bool) -> Result<Vec<Code>> {
    let sql = match labels::shown(table, column) {
        Shown::Code(list) => format!(
            "SELECT code, label FROM {} {} ORDER BY sort, code",
            list.table(),
            if all { "" } else { "WHERE active = 1" }
        ),
        Shown::Municipality => "SELECT code, name FROM municipality ORDER BY name, code".into(),
        Shown::Unit => "SELECT id, name FROM unit ORDER BY name, id".into(),
        Shown::Staff => format!(
            "SELECT id, name || ' (' || initials || ')' FROM staff {} ORDER BY name, id",
            if all { "" } else { "WHERE active = 1" }
        ),
        Shown::Fixed(words) => {
            return Ok(words.iter().map(|(c, l)| Code { code: (*c).into(), label: (*l).into() }).collect())
        }
        Shown::Flag => {
            return Ok(["ja", "nej"].iter().map(|w| Code { code: (*w).into(), label: (*w).into() }).collect())
        }
        Shown::Plain | Shown::Codes(_) => return Ok(Vec::new()),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| Ok(Code { code: r.get(0)?, label: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The columns of a table that may not be empty (NOT NULL in the schema).
fn not_null(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE \"notnull\" = 1")?;
    let rows = stmt.query_map([table], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stored value as a person types it: a date dd-mm-åååå, 0/1 nej/ja, an
/// amount "1.234,50", a code by its value, empty for none.
fn start_text(kind: FieldKind, v: &serde_json::Value) -> String {
    match (kind, v) {
        (_, serde_json::Value::Null) => String::new(),
        (FieldKind::YesNo, v) => if v.as_i64() == Some(0) { "nej" } else { "ja" }.into(),
        (FieldKind::Date, serde_json::Value::String(s)) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d.format("%d-%m-%Y").to_string(),
            Err(_) => s.clone(),
        },
        (FieldKind::Money, serde_json::Value::String(s)) => match Money::parse(s, "amount") {
            Ok(m) => m.danish().trim_end_matches(" kr.").to_string(),
            Err(_) => s.clone(),
        },
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The form for a new value of `c`, or `None` when one makes no sense
/// (`choose_only`). The caller decides whether the reader may see values.
pub(crate) fn new_value_form(conn: &Connection, c: &Conflict) -> Result<Option<NewValueForm>> {
    if choose_only(c).is_some() {
        return Ok(None);
    }
    let Some(desc) = tables::table(&c.table) else { return Ok(None) };
    let required = not_null(conn, desc.name)?;
    let mut columns = Vec::new();
    for col in desc.group_columns(&c.group) {
        let Some(kind) = kind(desc.name, col) else { return Ok(None) };
        let current = c.kept.value.get(col).unwrap_or(&serde_json::Value::Null);
        let mut options = if kind == FieldKind::Code || kind == FieldKind::YesNo {
            choices(conn, desc.name, col, false)?
        } else {
            Vec::new()
        };
        // A code no longer in use that the journal still holds stays a choice.
        if let Some(code) = current.as_str().filter(|_| kind == FieldKind::Code) {
            if !options.iter().any(|o| o.code == code) {
                if let Some(o) = choices(conn, desc.name, col, true)?.into_iter().find(|o| o.code == code) {
                    options.push(o);
                }
            }
        }
        columns.push(NewValueColumn {
            name: col.to_string(),
            label: labels::column_text(desc.name, col),
            kind,
            options,
            optional: !required.iter().any(|r| r == col),
            start: start_text(kind, current),
        });
    }
    Ok(Some(NewValueForm { columns }))
}

/// Read a typed text as the column's kind, as the JSON value the change log
/// and the row hold; empty is none.
fn parse(
    conn: &Connection,
    codes: &Codes,
    table: &str,
    column: &'static str,
    kind: FieldKind,
    text: &str,
) -> Result<serde_json::Value> {
    use serde_json::Value;
    let t = text.trim();
    if t.is_empty() {
        return Ok(Value::Null);
    }
    Ok(match kind {
        FieldKind::Text if column == "cpr" => Value::from(Cpr::parse_field(t, column)?.as_str()),
        FieldKind::Text => Value::from(t),
        FieldKind::Date => Value::from(parse_date(t, column)?.format("%Y-%m-%d").to_string()),
        FieldKind::Time => Value::from(parse_time(t, column)?),
        FieldKind::YesNo => match t.to_lowercase().as_str() {
            "ja" => Value::from(1),
            "nej" => Value::from(0),
            _ => return Err(Invalid::YesNo { field: column, value: t.to_string() }.into()),
        },
        FieldKind::Number => match t.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Err(Invalid::NumberFormat { field: column, value: t.to_string() }.into()),
        },
        FieldKind::Money => Value::from(Money::parse(t, column)?.storage()),
        FieldKind::Code => {
            let all = choices(conn, table, column, true)?;
            // A member of staff may also be named by their initials.
            let initials = |o: &Code| o.label.ends_with(&format!("({})", t.to_uppercase()));
            let found = all.iter().find(|o| o.code == t).or_else(|| {
                all.iter().find(|o| o.code.eq_ignore_ascii_case(t) || o.label.eq_ignore_ascii_case(t) || initials(o))
            });
            match found {
                Some(o) => Value::from(o.code.clone()),
                None => {
                    return Err(match labels::shown(table, column) {
                        Shown::Code(list) => {
                            // The code list's own check, and its message.
                            codes.check(list, t, column).err().unwrap_or(Invalid::UnknownCode {
                                list,
                                code: t.to_string(),
                                field: column,
                            })
                        }
                        Shown::Municipality => Invalid::UnknownMunicipality { code: t.to_string(), field: column },
                        Shown::Fixed(_) if column == "sex" => Invalid::UnknownSex { value: t.to_string() },
                        _ => Invalid::UnknownOption {
                            field: column,
                            label: labels::column_label(table, column).unwrap_or(column),
                            value: t.to_string(),
                        },
                    }
                    .into());
                }
            }
        }
    })
}

/// The row as stored, every data column by name.
fn stored(conn: &Connection, desc: &tables::Table, row: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    let cols: Vec<String> = desc.columns.iter().map(|c| format!("'{c}', {c}")).collect();
    let sql = format!("SELECT json_object({}) FROM {} WHERE id = ?1", cols.join(", "), desc.name);
    let json: String = conn
        .prepare_cached(&sql)?
        .query_row([row], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound(crate::store::write::entity_of(desc.name)))?;
    serde_json::from_str(&json).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))
}

fn text_of(m: &serde_json::Map<String, serde_json::Value>, col: &str) -> Option<String> {
    m.get(col).and_then(|v| v.as_str()).map(str::to_string)
}

fn date_of(m: &serde_json::Map<String, serde_json::Value>, col: &str) -> Option<NaiveDate> {
    text_of(m, col).and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn flag_of(m: &serde_json::Map<String, serde_json::Value>, col: &str) -> bool {
    m.get(col).and_then(|v| v.as_i64()) == Some(1)
}

/// The row with the new values, as a local edit of the field would store
/// it, or every rule it breaks: the checks of the client's and the child's
/// own edit (`update_client`, `update_child`), and for every table the
/// field's checks: not empty where the schema requires it, a date not in
/// the future where the local edit refuses one, dates in order, numbers in
/// their range, a close with its reason.
fn checked_row(
    w: &Writer<'_>,
    codes: &Codes,
    desc: &tables::Table,
    row: &str,
    group: &[&'static str],
    new: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut m = stored(w.conn(), desc, row)?;
    m.extend(new);
    let mut refused = Refusals::new();
    let required = not_null(w.conn(), desc.name)?;
    let today = w.today();
    for &col in group {
        let v = m.get(col).cloned().unwrap_or(serde_json::Value::Null);
        if v.is_null() && required.iter().any(|r| r == col) {
            refused.push(Invalid::Required { field: col });
        }
        let past_only = PAST_ONLY.contains(&(desc.name, col))
            || ((desc.name, col) == ("session", "held_on") && m.get("attendance").is_some_and(|a| !a.is_null()));
        if past_only && date_of(&m, col).is_some_and(|d| d > today) {
            refused.push(Invalid::InFuture { field: col });
        }
        if let Some((_, min, max)) = RANGES.iter().find(|(c, _, _)| *c == col) {
            if v.as_i64().is_some_and(|n| !(*min..=*max).contains(&n)) {
                refused.push(Invalid::OutOfRange { field: col, min: *min, max: *max });
            }
        }
        if (desc.name, col) == ("staff", "initials") {
            if let Some(n) = v.as_str().map(|s| s.chars().count() as i64) {
                if !(2..=8).contains(&n) {
                    refused.push(Invalid::OutOfRange { field: col, min: 2, max: 8 });
                }
            }
        }
    }
    for (table, later, earlier) in ORDER {
        if *table != desc.name || !(group.contains(later) || group.contains(earlier)) {
            continue;
        }
        if let (Some(l), Some(e)) = (date_of(&m, later), date_of(&m, earlier)) {
            if l < e {
                refused.push(Invalid::DateOrder { field: later, before: earlier });
            }
        }
    }
    // A close is one act: the end date with its reason (the schema's CHECK).
    if desc.name == "course" && group.contains(&"end_on") {
        match (m.get("end_on").is_some_and(|v| !v.is_null()), m.get("end_reason").is_some_and(|v| !v.is_null())) {
            (true, false) => refused.push(Invalid::Required { field: "end_reason" }),
            (false, true) => refused.push(Invalid::Required { field: "end_on" }),
            _ => {}
        }
    }
    let own = match desc.name {
        "client" => {
            let r = ClientRecord {
                id: None,
                name: text_of(&m, "name").unwrap_or_default(),
                cpr: text_of(&m, "cpr").and_then(|s| refused.check(Cpr::parse_field(&s, "cpr"))),
                anonymous: flag_of(&m, "anonymous"),
                birth_date: date_of(&m, "birth_date"),
                sex: text_of(&m, "sex").and_then(|s| Sex::parse(&s)),
                municipality: text_of(&m, "municipality").unwrap_or_default(),
                address: text_of(&m, "address"),
                phone: text_of(&m, "phone"),
                email: text_of(&m, "email"),
            };
            Some(crate::store::client_values(codes, &r, today, &mut refused))
        }
        "child" => {
            let r = ChildRecord {
                id: None,
                name: text_of(&m, "name").unwrap_or_default(),
                birth_date: date_of(&m, "birth_date"),
                cpr: text_of(&m, "cpr").and_then(|s| refused.check(Cpr::parse_field(&s, "cpr"))),
                sex: text_of(&m, "sex").and_then(|s| Sex::parse(&s)),
                family_case: flag_of(&m, "family_case"),
                caseworker: text_of(&m, "caseworker"),
                caseworker_unit: text_of(&m, "caseworker_unit").and_then(|s| s.parse().ok()),
                concern: text_of(&m, "concern").unwrap_or_default(),
                other_measures: text_of(&m, "other_measures"),
                registered_on: date_of(&m, "registered_on"),
            };
            refused.take(crate::store::child_values(w, codes, &r))?
        }
        _ => None,
    };
    refused.finish()?;
    // What the local edit stores (trimmed, the CPR number's birth date and sex).
    if let Some(own) = own {
        for &col in group {
            if let Some(v) = own.get(col) {
                m.insert(col.to_string(), v.clone());
            }
        }
    }
    for (col, derive) in desc.derived {
        let v = derive(&m);
        m.insert((*col).to_string(), v);
    }
    Ok(m)
}

impl Journal {
    /// Settle a conflict by writing a new value instead of keeping one side:
    /// `values` are `(column, typed text)` for every column of the field
    /// group (the column by name or by its Danish label; empty text is
    /// none). Each text is read as its column's kind, the checks of a local
    /// edit of the field run, and the value is written as an ordinary edit
    /// that has seen every value of the field, so it closes the conflict
    /// wherever it arrives. Whoever does the hand-off, as `resolve_conflict`;
    /// a value of a person's record only by a role that may read records
    /// (the administrator sees no values, so writes none).
    pub fn write_conflict_value(&mut self, ctx: &Ctx, row: &str, group: &str, values: &[(&str, &str)]) -> Result<()> {
        self.authorize(ctx, Action::Exchange)?;
        let conflict = self
            .conflicts(ctx)?
            .into_iter()
            .find(|c| c.row == row && c.group == group)
            .ok_or(Error::NotFound(Entity::Row))?;
        if let Some(why) = choose_only(&conflict) {
            return Err(Invalid::ConflictChooseOnly { why }.into());
        }
        let desc = tables::table(&conflict.table).ok_or(Error::NotFound(Entity::Row))?;
        let group: &'static str =
            desc.group_names().into_iter().find(|g| *g == group).ok_or(Error::NotFound(Entity::Row))?;
        let columns = desc.group_columns(group);
        let person = person_of(self.connection(), desc, row)?;
        if person.is_some() {
            self.reader(ctx, Action::ReadRecord)?;
        }
        // Each typed column, found in the group by name or Danish label.
        let mut typed: Vec<(&'static str, &str)> = Vec::new();
        for (name, text) in values {
            let wanted = name.trim();
            let col = columns.iter().copied().find(|c| {
                c.eq_ignore_ascii_case(wanted)
                    || labels::column_text(desc.name, c).to_lowercase() == wanted.to_lowercase()
            });
            match col {
                Some(col) => typed.push((col, text)),
                None => {
                    return Err(Invalid::ConflictFieldUnknown {
                        column: wanted.to_string(),
                        group: labels::group_text(desc.name, group),
                    }
                    .into())
                }
            }
        }
        if let Some(col) = columns.iter().copied().find(|c| !typed.iter().any(|(t, _)| t == c)) {
            return Err(Invalid::ConflictFieldMissing {
                column: col,
                label: labels::column_label(desc.name, col).unwrap_or(col),
            }
            .into());
        }
        let codes = self.codes();
        let mut refused = Refusals::new();
        let mut new = serde_json::Map::new();
        for (col, text) in &typed {
            let kind = kind(desc.name, col).ok_or(Invalid::ConflictChooseOnly {
                why: ChooseOnly::Field(labels::column_label(desc.name, col).unwrap_or(col)),
            })?;
            if let Some(v) = refused.take(parse(self.connection(), &codes, desc.name, col, kind, text))? {
                new.insert(col.to_string(), v);
            }
        }
        refused.finish()?;
        let entity = crate::store::write::entity_of(desc.name);
        let row = row.to_string();
        self.write(ctx, |w| {
            let m = checked_row(w, &codes, desc, &row, &columns, new)?;
            let written: Vec<&'static str> =
                columns.iter().copied().chain(desc.derived.iter().map(|(c, _)| *c)).collect();
            let bound: Vec<rusqlite::types::Value> = written
                .iter()
                .map(|c| crate::store::write::json_value(m.get(*c).unwrap_or(&serde_json::Value::Null)))
                .collect();
            let cols: Vec<(&'static str, &dyn rusqlite::ToSql)> =
                written.iter().zip(&bound).map(|(c, v)| (*c, v as &dyn rusqlite::ToSql)).collect();
            w.update_resolving(desc.name, &row, &cols, person, entity, group)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind is stored as the schema types the column: a date is TEXT
    /// checked as a date, a yes/no an INTEGER 0 or 1, a number an INTEGER;
    /// and every column the schema checks as a date is typed as one.
    #[test]
    fn every_typed_column_is_read_as_the_schema_stores_it() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(crate::store::SCHEMA_SQL)?;
        let mut typed = 0;
        for t in tables::TABLES {
            let sql: String =
                conn.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [t.name], |r| r.get(0))?;
            for c in t.columns {
                let declared: String =
                    conn.query_row("SELECT type FROM pragma_table_info(?1) WHERE name = ?2", [t.name, c], |r| {
                        r.get(0)
                    })?;
                let is_date = sql.contains(&format!("{c} IS date({c})"));
                let Some(k) = kind(t.name, c) else {
                    continue;
                };
                typed += 1;
                let want = match k {
                    FieldKind::YesNo | FieldKind::Number => "INTEGER",
                    _ => "TEXT",
                };
                assert_eq!(declared, want, "{}.{c} is {k:?}", t.name);
                assert_eq!(is_date, k == FieldKind::Date, "{}.{c} is {k:?}", t.name);
            }
        }
        assert!(typed > 60, "{typed}");
        Ok(())
    }

    /// Every date order the schema checks is one the new value is checked
    /// against before it is written (so a refusal is a rule, never a
    /// database error).
    #[test]
    fn every_date_order_of_the_schema_is_checked() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(crate::store::SCHEMA_SQL)?;
        let mut found = 0;
        for t in tables::TABLES {
            let sql: String =
                conn.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [t.name], |r| r.get(0))?;
            for later in t.columns {
                for earlier in t.columns {
                    if sql.contains(&format!("{later} >= {earlier}")) {
                        found += 1;
                        assert!(ORDER.contains(&(t.name, later, earlier)), "{}: {later} >= {earlier}", t.name);
                    }
                }
            }
        }
        assert!(found >= 10, "{found}");
        Ok(())
    }

    #[test]
    fn references_lists_and_computed_amounts_are_chosen_never_typed() {
        assert_eq!(kind("client", "email"), Some(FieldKind::Text));
        assert_eq!(kind("client", "birth_date"), Some(FieldKind::Date));
        assert_eq!(kind("client", "anonymous"), Some(FieldKind::YesNo));
        assert_eq!(kind("client", "sex"), Some(FieldKind::Code));
        assert_eq!(kind("course", "case_owner"), Some(FieldKind::Code));
        assert_eq!(kind("session", "start_time"), Some(FieldKind::Time));
        assert_eq!(kind("agreement_price", "amount"), Some(FieldKind::Money));
        assert_eq!(kind("course", "status"), None, "derived");
        assert_eq!(kind("course", "referral_id"), None, "a reference");
        assert_eq!(kind("assessment", "side_abuse"), None, "a list of codes");
        assert_eq!(kind("settlement", "total"), None, "computed");
        assert_eq!(kind("client", "origin_site"), None);
    }

    #[test]
    fn a_stored_value_starts_the_form_as_a_person_types_it() {
        use serde_json::json;
        assert_eq!(start_text(FieldKind::Date, &json!("2026-03-05")), "05-03-2026");
        assert_eq!(start_text(FieldKind::YesNo, &json!(0)), "nej");
        assert_eq!(start_text(FieldKind::YesNo, &json!(1)), "ja");
        assert_eq!(start_text(FieldKind::Money, &json!("1234.50")), "1.234,50");
        assert_eq!(start_text(FieldKind::Text, &serde_json::Value::Null), "");
        assert_eq!(start_text(FieldKind::Number, &json!(12)), "12");
    }
}
