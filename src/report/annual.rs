//! The annual report's tables, as the Rusmiddelcenter publishes them (seed 003)
//! and as the register shows end reasons over several years (seed 000).
//!
//! "People in alcohol treatment" in a year are the clients with a course of a
//! kind reported to NAB (`code_course_kind.nab`) that had started and was
//! not closed before the year began. Their age is their age when that course
//! started; their income, children and side abuse are from the course's
//! latest assessment.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use rusqlite::OptionalExtension;

use super::table::Table;
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
    pub people: i64,
    pub tables: Vec<Table>,
}

impl AnnualReport {
    pub fn to_text(&self) -> String {
        let mut s = format!("Årsrapport {}: {} personer i alkoholbehandling\n", self.year, self.people);
        if let Some(m) = &self.municipality {
            s.push_str(&format!("Borgere fra {m}\n"));
        }
        s.push('\n');
        for t in &self.tables {
            s.push_str(&t.to_text());
            s.push('\n');
        }
        s.push_str("Tal fra 1 til 4 vises som «<5»; «x» er skjult, så et lille tal ikke kan regnes ud af totalerne.\n");
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
    pub fn annual_report_for(&self, ctx: &Ctx, year: i32, municipality: Option<&str>) -> Result<AnnualReport> {
        self.authorize(ctx, Action::Reports)?;
        let (from, to) = year_bounds(year);
        let conn = self.connection();
        let municipality = municipality.map(str::trim).filter(|m| !m.is_empty());
        let shown = match municipality {
            None => None,
            Some(code) => {
                let name: String = conn
                    .query_row("SELECT name FROM municipality WHERE code = ?1", [code], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| Invalid::UnknownMunicipality { code: code.to_string(), field: "municipality" })?;
                Some(format!("{name} Kommune ({code})"))
            }
        };

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

        // Age bands.
        let bands = ["Under 20 år", "20-29 år", "30-39 år", "40-49 år", "50-59 år", "60 år og derover", "Ukendt alder"];
        let mut ages = [0i64; 7];
        for p in people.values() {
            ages[age_band(p.age)] += 1;
        }
        let mut rows: Vec<(String, Vec<i64>)> = bands.iter().zip(ages).map(|(b, c)| (b.to_string(), vec![c])).collect();
        if ages[6] == 0 {
            rows.pop();
        }
        tables.push(Table::new(
            &format!("Personer i alkoholbehandling {year} fordelt på alder"),
            "Alder",
            col.clone(),
            rows,
            true,
            Some("Alder ved forløbets start.".into()),
        ));

        // Sex.
        let mut sexes = [0i64; 3];
        for p in people.values() {
            sexes[match p.sex.as_deref() {
                Some("M") => 0,
                Some("K") => 1,
                _ => 2,
            }] += 1;
        }
        let mut rows = vec![("Mænd".to_string(), vec![sexes[0]]), ("Kvinder".to_string(), vec![sexes[1]])];
        if sexes[2] > 0 {
            rows.push(("Ikke oplyst".into(), vec![sexes[2]]));
        }
        tables.push(Table::new(
            &format!("Personer i alkoholbehandling {year} fordelt på køn"),
            "Køn",
            col.clone(),
            rows,
            true,
            None,
        ));

        // Main income source (one per person).
        let incomes = self.code_list(CodeList::IncomeSource)?;
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
        if unknown > 0 {
            rows.push(("Ikke oplyst".into(), vec![unknown]));
        }
        tables.push(Table::new(
            &format!("Personer i alkoholbehandling {year} fordelt på hovedindtægtskilde"),
            "Hovedindtægt",
            col.clone(),
            rows,
            true,
            None,
        ));

        // Children and side abuse: a person may be in several rows, so no totals.
        let multi = |list: CodeList, pick: &dyn Fn(&Person) -> &Vec<String>| -> Result<Vec<(String, Vec<i64>)>> {
            Ok(self
                .code_list(list)?
                .iter()
                .map(|c| (c.label.clone(), vec![people.values().filter(|p| pick(p).contains(&c.code)).count() as i64]))
                .collect())
        };
        tables.push(Table::new(
            &format!("Personer i alkoholbehandling {year}: børn"),
            "Børn",
            col.clone(),
            multi(CodeList::ChildrenSituation, &|p| &p.children)?,
            false,
            Some(format!("En person kan høre til flere grupper. {n} personer i alt.")),
        ));
        tables.push(Table::new(
            &format!("Personer i alkoholbehandling {year}: sidemisbrug"),
            "Sidemisbrug",
            col.clone(),
            multi(CodeList::SideAbuse, &|p| &p.side_abuse)?,
            false,
            Some(format!("En person kan høre til flere grupper. {n} personer i alt.")),
        ));

        // Courses ended in the year: end reasons and duration.
        let mut stmt = conn.prepare(
            "SELECT co.end_reason, co.start_on, co.end_on FROM course co
             JOIN code_course_kind k ON k.code = co.kind AND k.nab = 1
             WHERE co.end_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR co.paying_municipality = ?3)",
        )?;
        let ended: Vec<(String, Option<NaiveDate>, NaiveDate)> = stmt
            .query_map(rusqlite::params![from, to, municipality], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let reasons = self.code_list(CodeList::EndReason)?;
        let rows: Vec<(String, Vec<i64>)> = reasons
            .iter()
            .map(|c| (c.label.clone(), vec![ended.iter().filter(|e| e.0 == c.code).count() as i64]))
            .collect();
        tables.push(Table::new(
            &format!("Afsluttede alkoholbehandlingsforløb {year} fordelt på afslutningsårsag"),
            "Afslutningsårsag",
            vec!["Forløb".into()],
            rows,
            true,
            None,
        ));
        let mut durations = [0i64; 4];
        for (_, start, end) in &ended {
            if let Some(s) = start {
                durations[duration_band(*s, *end)] += 1;
            }
        }
        let labels = ["0-3 måneder", "3-6 måneder", "6-9 måneder", "Længere end 9 måneder"];
        let rows = labels.iter().zip(durations).map(|(l, c)| (l.to_string(), vec![c])).collect();
        tables.push(Table::new(
            &format!("Behandlingsperiode for afsluttede forløb {year}"),
            "Varighed",
            vec!["Forløb".into()],
            rows,
            true,
            None,
        ));

        // Several years side by side: relative and family courses started,
        // end reasons of ended alcohol courses.
        let years: Vec<i32> = (year - 3..=year).collect();
        let ycols: Vec<String> = years.iter().map(|y| y.to_string()).collect();
        let started = |kind: &str, y: i32| -> Result<i64> {
            let (f, t) = year_bounds(y);
            Ok(conn.query_row(
                "SELECT count(*) FROM course WHERE kind = ?1 AND start_on BETWEEN ?2 AND ?3
                   AND (?4 IS NULL OR paying_municipality = ?4)",
                rusqlite::params![kind, f, t, municipality],
                |r| r.get(0),
            )?)
        };
        let mut rows = Vec::new();
        for (kind, label) in [("relative", "Pårørendeforløb"), ("family", "Familieforløb")] {
            rows.push((label.to_string(), years.iter().map(|&y| started(kind, y)).collect::<Result<Vec<_>>>()?));
        }
        tables.push(Table::new(
            "Behandlingstilbud (forløb startet i året)",
            "Behandlingstilbud",
            ycols.clone(),
            rows,
            false,
            None,
        ));
        let mut rows = Vec::new();
        for c in &reasons {
            let mut counts = Vec::new();
            for &y in &years {
                let (f, t) = year_bounds(y);
                counts.push(conn.query_row(
                    "SELECT count(*) FROM course co JOIN code_course_kind k ON k.code = co.kind AND k.nab = 1
                     WHERE co.end_reason = ?1 AND co.end_on BETWEEN ?2 AND ?3
                       AND (?4 IS NULL OR co.paying_municipality = ?4)",
                    rusqlite::params![c.code, f, t, municipality],
                    |r| r.get(0),
                )?);
            }
            rows.push((c.label.clone(), counts));
        }
        tables.push(Table::new(
            &format!("Afslutningsårsag {}-{year}", year - 3),
            "Afslutningsårsag",
            ycols,
            rows,
            true,
            None,
        ));
        Ok(AnnualReport { year, municipality: shown, people: n, tables })
    }
}
