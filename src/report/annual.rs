//! The annual report's tables, as the Rusmiddelcenter publishes them (seed 003)
//! and as the register shows end reasons over several years (seed 000).
//!
//! "People in alcohol treatment" in a year are the clients with a course of a
//! kind reported to NAB (`code_course_kind.nab`) that had started and was
//! not closed before the year began. Their age is their age when that course
//! started; their income, children and side abuse are from the course's
//! latest assessment. Relative and family courses are counted as seed 003
//! counts families: those with activity in the year (ended, started, or
//! running through it). docs/reports.md names each table's definition.
//!
//! Must not: publish a table whose suppression is not the same in every
//! report that shows the same counts (a year's column, the whole report
//! beside one municipality's).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use rusqlite::OptionalExtension;

use super::table::{Shape, Table};
use crate::error::{Invalid, Result};
use crate::model::time::age_on;
use crate::model::CodeList;
use crate::security::roles::Action;
use crate::store::{Ctx, Journal};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    /// The paying municipality the report is limited to ("Stevns Kommune
    /// (0336)"), or `None` for every citizen the unit treated.
    pub municipality: Option<String>,
    /// The number of people, raw: never sent to a screen or a file
    /// (`people_shown` is what is published).
    #[serde(skip)]
    pub people: i64,
    /// The number of people as published: "<5" from 1 to 4.
    pub people_shown: String,
    pub tables: Vec<Table>,
}

/// The rule as printed under every report.
pub const RULE: &str = "Tal fra 1 til 4 vises som «<5»; «x» er et skjult tal på 5 eller derover, skjult så et tal under 5 ikke kan regnes ud af resten af rapporten.";

impl AnnualReport {
    /// The number of people as published: "<5" from 1 to 4.
    pub fn people_text(&self) -> String {
        super::table::Cell::primary(self.people).text()
    }

    /// Every table in one CSV file for a spreadsheet (one byte-order mark):
    /// each table's title on a line of its own, its rows, an empty line.
    pub fn to_csv(&self) -> String {
        let mut records: Vec<Vec<String>> = Vec::new();
        for t in &self.tables {
            records.push(vec![t.title.clone()]);
            records.extend(t.csv_records());
            records.push(vec![String::new()]);
        }
        records.push(vec![RULE.to_string()]);
        super::csvfile::spreadsheet(&records)
    }

    pub fn to_text(&self) -> String {
        let mut s = format!("Årsrapport {}: {} personer i alkoholbehandling\n", self.year, self.people_text());
        if let Some(m) = &self.municipality {
            s.push_str(&format!("Borgere fra {m}\n"));
        }
        s.push('\n');
        for t in &self.tables {
            s.push_str(&t.to_text());
            s.push('\n');
        }
        s.push_str(RULE);
        s.push('\n');
        s
    }
}

/// One person counted in the year.
struct Person {
    age: Option<i32>,
    sex: Option<String>,
    income: Option<String>,
    children: Vec<String>,
    side_abuse: Vec<String>,
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

fn age_band(age: Option<i32>) -> usize {
    match age {
        Some(a) if a < 20 => 0,
        Some(a) if a < 30 => 1,
        Some(a) if a < 40 => 2,
        Some(a) if a < 50 => 3,
        Some(a) if a < 60 => 4,
        Some(_) => 5,
        None => 6,
    }
}

/// Duration band of a course: under 3 months, 3-6, 6-9, over 9.
fn duration_band(start: NaiveDate, end: NaiveDate) -> usize {
    if end < start + Months::new(3) {
        0
    } else if end < start + Months::new(6) {
        1
    } else if end < start + Months::new(9) {
        2
    } else {
        3
    }
}

impl Journal {
    /// The annual report's tables for `year` (leader only).
    pub fn annual_report(&self, ctx: &Ctx, year: i32) -> Result<AnnualReport> {
        self.annual_report_for(ctx, year, None)
    }

    /// The annual report for `year`, limited to the courses a municipality
    /// pays for (`municipality`: its code) when one is given (leader only).
    /// A municipality's report is suppressed so that, read beside the whole
    /// report, it still lets no "<5" be worked out.
    pub fn annual_report_for(&self, ctx: &Ctx, year: i32, municipality: Option<&str>) -> Result<AnnualReport> {
        self.authorize(ctx, Action::Reports)?;
        let municipality = municipality.map(str::trim).filter(|m| !m.is_empty());
        match municipality {
            None => self.annual(year, None, None),
            Some(code) => {
                let name: String = self
                    .connection()
                    .query_row("SELECT name FROM municipality WHERE code = ?1", [code], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| Invalid::UnknownMunicipality { code: code.to_string(), field: "municipality" })?;
                let whole = self.annual(year, None, None)?;
                let mut report = self.annual(year, Some(code), Some(&whole))?;
                report.municipality = Some(format!("{name} Kommune ({code})"));
                Ok(report)
            }
        }
    }

    fn annual(&self, year: i32, municipality: Option<&str>, whole: Option<&AnnualReport>) -> Result<AnnualReport> {
        let (from, to) = year_bounds(year);
        let conn = self.connection();
        // The whole report's table with the same title, to be read beside.
        let beside = |title: &str| whole.and_then(|w| w.tables.iter().find(|t| t.title == title));
        let has_row = |title: &str, label: &str| beside(title).is_some_and(|t| t.rows.iter().any(|(l, _)| l == label));

        // The people, each with the earliest course of the year.
        let mut stmt = conn.prepare(
            "SELECT cl.id, cl.birth_date, cl.sex, co.start_on,
                    (SELECT a.income_source FROM assessment a WHERE a.course_id = co.id ORDER BY a.assessed_on DESC, a.version DESC LIMIT 1),
                    (SELECT a.children_situation FROM assessment a WHERE a.course_id = co.id ORDER BY a.assessed_on DESC, a.version DESC LIMIT 1),
                    (SELECT a.side_abuse FROM assessment a WHERE a.course_id = co.id ORDER BY a.assessed_on DESC, a.version DESC LIMIT 1)
             FROM course co JOIN client cl ON cl.id = co.client_id
             JOIN code_course_kind k ON k.code = co.kind AND k.nab = 1
             WHERE co.start_on IS NOT NULL AND co.start_on <= ?2 AND (co.end_on IS NULL OR co.end_on >= ?1)
               AND (?3 IS NULL OR co.paying_municipality = ?3)
             ORDER BY cl.id, co.start_on",
        )?;
        let mut people: BTreeMap<String, Person> = BTreeMap::new();
        let rows = stmt.query_map(rusqlite::params![from, to, municipality], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<NaiveDate>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, NaiveDate>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        for row in rows {
            let (id, born, sex, start, income, children, side) = row?;
            people.entry(id).or_insert_with(|| Person {
                age: born.map(|b| age_on(b, start)),
                sex,
                income,
                children: children.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default(),
                side_abuse: side.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default(),
            });
        }
        let n = people.len() as i64;
        let mut tables = Vec::new();
        let col = vec!["Personer".to_string()];
        let people_table = |title: String, header: &str, rows: Vec<(String, Vec<i64>)>, note: Option<String>| {
            let b = beside(&title);
            Table::build(&title, header, col.clone(), rows, Shape::FixedTotal, note, b)
        };

        // Age bands.
        let bands = ["Under 20 år", "20-29 år", "30-39 år", "40-49 år", "50-59 år", "60 år og derover", "Ukendt alder"];
        let mut ages = [0i64; 7];
        for p in people.values() {
            ages[age_band(p.age)] += 1;
        }
        let title = format!("Personer i alkoholbehandling {year} fordelt på alder");
        let mut rows: Vec<(String, Vec<i64>)> = bands.iter().zip(ages).map(|(b, c)| (b.to_string(), vec![c])).collect();
        if ages[6] == 0 && !has_row(&title, bands[6]) {
            rows.pop();
        }
        tables.push(people_table(title, "Alder", rows, Some("Alder ved forløbets start.".into())));

        // Sex.
        let mut sexes = [0i64; 3];
        for p in people.values() {
            sexes[match p.sex.as_deref() {
                Some("M") => 0,
                Some("K") => 1,
                _ => 2,
            }] += 1;
        }
        let title = format!("Personer i alkoholbehandling {year} fordelt på køn");
        let mut rows = vec![("Mænd".to_string(), vec![sexes[0]]), ("Kvinder".to_string(), vec![sexes[1]])];
        if sexes[2] > 0 || has_row(&title, "Ikke oplyst") {
            rows.push(("Ikke oplyst".into(), vec![sexes[2]]));
        }
        tables.push(people_table(title, "Køn", rows, None));

        // Main income source (one per person).
        let incomes = self.code_list(CodeList::IncomeSource)?;
        let title = format!("Personer i alkoholbehandling {year} fordelt på hovedindtægtskilde");
        let mut rows: Vec<(String, Vec<i64>)> = incomes
            .iter()
            .map(|c| {
                (
                    c.label.clone(),
                    vec![people.values().filter(|p| p.income.as_deref() == Some(c.code.as_str())).count() as i64],
                )
            })
            .collect();
        let unknown = people.values().filter(|p| p.income.is_none()).count() as i64;
        if unknown > 0 || has_row(&title, "Ikke oplyst") {
            rows.push(("Ikke oplyst".into(), vec![unknown]));
        }
        tables.push(people_table(title, "Hovedindtægt", rows, None));

        // Children and side abuse: a person may be in several rows, so no
        // totals; the number of people is stated beside them. "None" and
        // "not stated" exclude the other answers, and a person with no
        // answer is counted as not registered, so every person is in a row
        // and a reader's sums hold.
        let people_shown = super::table::Cell::primary(n).text();
        let mut multi = |list: CodeList,
                         title: String,
                         header: &str,
                         alone: &[&str],
                         pick: &dyn Fn(&Person) -> &Vec<String>|
         -> Result<()> {
            let codes = self.code_list(list)?;
            let answers: Vec<Vec<&str>> = people.values().map(|p| effective(pick(p), alone)).collect();
            let mut rows: Vec<(String, Vec<i64>)> = codes
                .iter()
                .map(|c| {
                    (c.label.clone(), vec![answers.iter().filter(|a| a.contains(&c.code.as_str())).count() as i64])
                })
                .collect();
            let mut exclusive: Vec<bool> = codes.iter().map(|c| alone.contains(&c.code.as_str())).collect();
            let unregistered = answers.iter().filter(|a| a.is_empty()).count() as i64;
            if unregistered > 0 || has_row(&title, "Ikke registreret") {
                rows.push(("Ikke registreret".into(), vec![unregistered]));
                exclusive.push(true);
            }
            let note = Some(format!("En person kan høre til flere grupper. {people_shown} personer i alt."));
            let b = beside(&title);
            tables.push(Table::build(
                &title,
                header,
                col.clone(),
                rows,
                Shape::Overlapping { people: n, exclusive },
                note,
                b,
            ));
            Ok(())
        };
        multi(
            CodeList::ChildrenSituation,
            format!("Personer i alkoholbehandling {year}: børn"),
            "Børn",
            &["not_stated", "none"],
            &|p| &p.children,
        )?;
        multi(
            CodeList::SideAbuse,
            format!("Personer i alkoholbehandling {year}: sidemisbrug"),
            "Sidemisbrug",
            &["none"],
            &|p| &p.side_abuse,
        )?;

        // Courses ended in the year: end reasons and duration.
        let reasons = self.code_list(CodeList::EndReason)?;
        let ended = self.ended(year, municipality)?;
        let column = |y: i32| -> Result<Table> {
            let ended_y = if y == year { ended.clone() } else { self.ended(y, municipality)? };
            let whole_y = match whole {
                Some(_) => Some(end_reason_column(&reasons, &self.ended(y, None)?, y, None)),
                None => None,
            };
            Ok(end_reason_column(&reasons, &ended_y, y, whole_y.as_ref()))
        };
        let mut this_year = column(year)?;
        this_year.title = format!("Afsluttede alkoholbehandlingsforløb {year} fordelt på afslutningsårsag");
        tables.push(this_year);
        let mut durations = [0i64; 5];
        for (_, start, end) in &ended {
            durations[match start {
                Some(s) => duration_band(*s, *end),
                None => 4,
            }] += 1;
        }
        let title = format!("Behandlingsperiode for afsluttede forløb {year}");
        let labels = ["0-3 måneder", "3-6 måneder", "6-9 måneder", "Længere end 9 måneder", NOT_STARTED];
        let mut rows: Vec<(String, Vec<i64>)> =
            labels.iter().zip(durations).map(|(l, c)| (l.to_string(), vec![c])).collect();
        if durations[4] == 0 && !has_row(&title, NOT_STARTED) {
            rows.pop();
        }
        let note = Some(
            "Fra behandlingsstart til afslutning. «Ikke startet»: forløb afsluttet før behandlingen begyndte (udeblevet før start); de tæller med blandt de afsluttede forløb ovenfor, så de to tabeller har samme total.".to_string(),
        );
        let b = beside(&title);
        tables.push(Table::build(&title, "Varighed", vec!["Forløb".into()], rows, Shape::FixedTotal, note, b));

        // Several years side by side, each year's column suppressed on its
        // own (so it is published the same in every report that shows it),
        // with no totals across the years.
        let years: Vec<i32> = (year - 3..=year).collect();
        let mut offers = Vec::new();
        for (kind, label) in [("relative", "Pårørendeforløb"), ("family", "Familieforløb")] {
            offers.push((
                label.to_string(),
                years.iter().map(|&y| self.active(kind, y, municipality)).collect::<Result<Vec<_>>>()?,
            ));
        }
        tables.push(Table::new(
            "Behandlingstilbud (familier og pårørende med aktivitet i året)",
            "Behandlingstilbud",
            years.iter().map(|y| y.to_string()).collect(),
            offers,
            false,
            Some("Med aktivitet forstås afsluttede, nyligt påbegyndte og fortsatte forløb i året; en familie eller pårørende tælles én gang om året.".into()),
        ));
        let columns = years.iter().map(|&y| Ok((y.to_string(), column(y)?))).collect::<Result<Vec<_>>>()?;
        tables.push(Table::side_by_side(
            &format!("Afslutningsårsag {}-{year}", year - 3),
            "Afslutningsårsag",
            columns,
            Some("Hvert år vises, som det vises i årets egen rapport; derfor ingen total over årene.".into()),
        ));
        Ok(AnnualReport {
            year,
            municipality: None,
            people: n,
            people_shown: super::table::Cell::primary(n).text(),
            tables,
        })
    }

    /// NAB courses ended in `year`: end reason, start (none: ended before
    /// treatment began) and end.
    fn ended(&self, year: i32, municipality: Option<&str>) -> Result<Vec<(String, Option<NaiveDate>, NaiveDate)>> {
        let (from, to) = year_bounds(year);
        let mut stmt = self.connection().prepare(
            "SELECT co.end_reason, co.start_on, co.end_on FROM course co
             JOIN code_course_kind k ON k.code = co.kind AND k.nab = 1
             WHERE co.end_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR co.paying_municipality = ?3)",
        )?;
        let ended = stmt
            .query_map(rusqlite::params![from, to, municipality], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ended)
    }

    /// Clients with a course of `kind` active in `year` (seed 003's
    /// "aktivitet": ended, started or running through the year).
    fn active(&self, kind: &str, year: i32, municipality: Option<&str>) -> Result<i64> {
        let (from, to) = year_bounds(year);
        Ok(self.connection().query_row(
            "SELECT count(DISTINCT client_id) FROM course WHERE kind = ?1
               AND start_on IS NOT NULL AND start_on <= ?3 AND (end_on IS NULL OR end_on >= ?2)
               AND (?4 IS NULL OR paying_municipality = ?4)",
            rusqlite::params![kind, from, to, municipality],
            |r| r.get(0),
        )?)
    }
}

/// The duration table's row for courses that ended before treatment began.
const NOT_STARTED: &str = "Ikke startet";

/// A person's answers as counted: an answer that excludes the others
/// (`alone`: "none", "not stated") only when it stands alone.
fn effective<'a>(answers: &'a [String], alone: &[&str]) -> Vec<&'a str> {
    let real: Vec<&str> = answers.iter().map(String::as_str).filter(|a| !alone.contains(a)).collect();
    if !real.is_empty() {
        return real;
    }
    // Of the excluding answers, the first in `alone` that was given.
    alone.iter().find_map(|x| answers.iter().find(|a| a == x)).map(|a| vec![a.as_str()]).unwrap_or_default()
}

/// One year's end reasons as a one-column table with its total (the
/// courses ended in the year, also the duration table's total), suppressed
/// on the year's counts alone (and beside the whole report's column).
fn end_reason_column(
    reasons: &[crate::model::Code],
    ended: &[(String, Option<NaiveDate>, NaiveDate)],
    year: i32,
    beside: Option<&Table>,
) -> Table {
    let rows = reasons
        .iter()
        .map(|c| (c.label.clone(), vec![ended.iter().filter(|e| e.0 == c.code).count() as i64]))
        .collect();
    Table::build(
        &format!("Afslutningsårsag {year}"),
        "Afslutningsårsag",
        vec!["Forløb".into()],
        rows,
        Shape::FixedTotal,
        None,
        beside,
    )
}
