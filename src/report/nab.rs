//! The extract for the national alcohol treatment register (NAB): one line
//! per course of a reported kind (`code_course_kind.nab`) active in the
//! period, with the register's fields and the assessment's background
//! variables. A course that lacks what the register needs is named, and no
//! file is written until every course is complete.
//!
//! CSV layout (';'-separated, UTF-8, one header line; documented in
//! docs/reports.md): institution; cpr; birth_date; sex; course_id;
//! enrolled_on; start_on; end_on; end_reason; setting; audit_score;
//! units_per_week; income_source; housing; children; side_abuse; pregnant;
//! violence; psychiatric. Dates ISO; codes are the journal's code values;
//! multi-valued fields are joined with '|'; an anonymous client has no CPR.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::CourseId;
use crate::security::roles::Action;
use crate::store::{Ctx, Journal};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NabLine {
    pub institution: String,
    pub cpr: String,
    pub birth_date: String,
    pub sex: String,
    pub course_id: CourseId,
    pub enrolled_on: NaiveDate,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub end_reason: String,
    pub setting: String,
    pub audit_score: String,
    pub units_per_week: String,
    pub income_source: String,
    pub housing: String,
    pub children: String,
    pub side_abuse: String,
    pub pregnant: String,
    pub violence: String,
    pub psychiatric: String,
}

/// A course the register cannot take yet, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NabProblem {
    pub course_id: CourseId,
    pub client: String,
    pub problem: String,
}

pub const NAB_HEADER: &str = "institution;cpr;birth_date;sex;course_id;enrolled_on;start_on;end_on;end_reason;setting;audit_score;units_per_week;income_source;housing;children;side_abuse;pregnant;violence;psychiatric";

fn yes_no(v: Option<bool>) -> String {
    v.map(|b| if b { "1" } else { "0" }.to_string()).unwrap_or_default()
}

fn joined(json: Option<String>) -> String {
    json.and_then(|j| serde_json::from_str::<Vec<String>>(&j).ok()).unwrap_or_default().join("|")
}

impl Journal {
    /// The NAB lines for courses active between `from` and `to` (leader only),
    /// or every incomplete course by name.
    pub fn nab_extract(&self, ctx: &Ctx, from: NaiveDate, to: NaiveDate, institution: &str) -> Result<Vec<NabLine>> {
        self.authorize(ctx, Action::Reports)?;
        if institution.trim().is_empty() {
            return Err(crate::error::Invalid::Required { field: "institution" }.into());
        }
        if to < from {
            return Err(crate::error::Invalid::DateOrder { field: "to", before: "from" }.into());
        }
        let institution = institution.trim();
        let mut stmt = self.connection().prepare(
            "SELECT co.id, cl.name, cl.cpr, cl.anonymous, cl.birth_date, cl.sex, co.enrolled_on, co.start_on, co.end_on,
                    co.end_reason, co.setting, a.id, a.audit_score, a.units_per_week, a.income_source, a.housing,
                    a.children_situation, a.side_abuse, a.pregnant, a.violence, a.psychiatric
             FROM course co JOIN client cl ON cl.id = co.client_id
             JOIN code_course_kind k ON k.code = co.kind AND k.nab = 1
             LEFT JOIN assessment a ON a.id = (SELECT id FROM assessment WHERE course_id = co.id
                                               ORDER BY assessed_on DESC, version DESC LIMIT 1)
             WHERE co.start_on IS NOT NULL AND co.start_on <= ?2 AND (co.end_on IS NULL OR co.end_on >= ?1)
             ORDER BY co.start_on, co.id",
        )?;
        let mut lines = Vec::new();
        let mut problems = Vec::new();
        let mut rows = stmt.query(rusqlite::params![from, to])?;
        while let Some(r) = rows.next()? {
            let course: CourseId = r.get(0)?;
            let name: String = r.get(1)?;
            let cpr: Option<String> = r.get(2)?;
            let anonymous: bool = r.get(3)?;
            let birth: Option<NaiveDate> = r.get(4)?;
            let sex: Option<String> = r.get(5)?;
            let assessment: Option<String> = r.get(11)?;
            let audit: Option<i64> = r.get(12)?;
            let income: Option<String> = r.get(14)?;
            let mut missing = Vec::new();
            if cpr.is_none() && !anonymous {
                missing.push("CPR-nummer");
            }
            if birth.is_none() || sex.is_none() {
                missing.push("fødselsdato og køn");
            }
            if assessment.is_none() {
                missing.push("udredning");
            } else {
                if audit.is_none() {
                    missing.push("AUDIT-score");
                }
                if income.is_none() {
                    missing.push("hovedindtægtskilde");
                }
            }
            if !missing.is_empty() {
                problems.push(NabProblem {
                    course_id: course,
                    client: name,
                    problem: format!("mangler {}", missing.join(", ")),
                });
                continue;
            }
            let units: Option<i64> = r.get(13)?;
            lines.push(NabLine {
                institution: institution.to_string(),
                cpr: cpr.unwrap_or_default(),
                birth_date: birth.map(|b| b.to_string()).unwrap_or_default(),
                sex: sex.unwrap_or_default(),
                course_id: course,
                enrolled_on: r.get(6)?,
                start_on: r.get(7)?,
                end_on: r.get(8)?,
                end_reason: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                setting: r.get(10)?,
                audit_score: audit.map(|a| a.to_string()).unwrap_or_default(),
                units_per_week: units.map(|u| u.to_string()).unwrap_or_default(),
                income_source: income.unwrap_or_default(),
                housing: r.get::<_, Option<String>>(15)?.unwrap_or_default(),
                children: joined(r.get(16)?),
                side_abuse: joined(r.get(17)?),
                pregnant: yes_no(r.get(18)?),
                violence: yes_no(r.get(19)?),
                psychiatric: yes_no(r.get(20)?),
            });
        }
        if problems.is_empty() {
            Ok(lines)
        } else {
            Err(Error::NabIncomplete { problems })
        }
    }
}

/// The extract as CSV (header line first; `super::csvfile::plain`).
pub fn nab_csv(lines: &[NabLine]) -> String {
    let mut records: Vec<Vec<String>> = vec![NAB_HEADER.split(';').map(str::to_string).collect()];
    for l in lines {
        records.push(vec![
            l.institution.clone(),
            l.cpr.clone(),
            l.birth_date.clone(),
            l.sex.clone(),
            l.course_id.to_string(),
            l.enrolled_on.to_string(),
            l.start_on.to_string(),
            l.end_on.map(|d| d.to_string()).unwrap_or_default(),
            l.end_reason.clone(),
            l.setting.clone(),
            l.audit_score.clone(),
            l.units_per_week.clone(),
            l.income_source.clone(),
            l.housing.clone(),
            l.children.clone(),
            l.side_abuse.clone(),
            l.pregnant.clone(),
            l.violence.clone(),
            l.psychiatric.clone(),
        ]);
    }
    super::csvfile::plain(&records)
}
