//! The monthly settlement: what the paying municipality owes for its citizens'
//! courses in a month, by the agreement's prices (`agreement_price`): per day
//! of the course within the month, per month with any day of treatment, or
//! per course in the month it starts. Amounts are `Decimal`, exact to the øre.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{ClientId, CourseId, Money, PricePer};
use crate::security::roles::Action;
use crate::store::{Ctx, Journal};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementLine {
    pub client_id: ClientId,
    pub client: String,
    pub cpr: String,
    pub course_id: CourseId,
    pub course_kind: String,
    /// The course kind's Danish label.
    pub course_label: String,
    pub setting: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    pub price: Money,
    pub per: PricePer,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub payer: String,
    pub provider: String,
    /// "åååå-mm"
    pub period: String,
    pub lines: Vec<SettlementLine>,
    pub total: Money,
}

/// A course the settlement cannot price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementProblem {
    pub course_id: CourseId,
    pub client: String,
    pub problem: String,
}

impl Settlement {
    /// CSV with ';' and Danish decimal commas, a total line last.
    pub fn to_csv(&self) -> String {
        let dk = |m: Money| m.storage().replace('.', ",");
        let mut s = String::from("klient;cpr;forloeb;forloebstype;behandlingsform;fra;til;dage;pris;pr;beloeb\n");
        for l in &self.lines {
            s.push_str(&format!(
                "{};{};{};{};{};{};{};{};{};{};{}\n",
                l.client.replace(';', ","),
                l.cpr,
                l.course_id,
                l.course_kind,
                l.setting,
                l.from,
                l.to,
                l.days,
                dk(l.price),
                l.per.code(),
                dk(l.amount)
            ));
        }
        s.push_str(&format!("I alt;;;;;;;;;;{}\n", dk(self.total)));
        s
    }

    pub fn to_text(&self) -> String {
        let mut s = format!("Afregning {} for kommune {} (leverandør {})\n\n", self.period, self.payer, self.provider);
        for l in &self.lines {
            s.push_str(&format!(
                "  {:<28} {:<40} {} – {}  {:>3} dage  {:>14}\n",
                l.client,
                l.course_label,
                crate::model::time::danish(l.from),
                crate::model::time::danish(l.to),
                l.days,
                l.amount.danish()
            ));
        }
        s.push_str(&format!("\n  I alt: {}\n", self.total.danish()));
        s
    }
}

/// A course to settle: client, name, CPR, course, kind, setting, start, end.
type CourseRow = (ClientId, String, String, CourseId, String, String, NaiveDate, Option<NaiveDate>);

impl Journal {
    /// The settlement for `payer` (a municipality code) for the month
    /// `period` ("åååå-mm"), for courses of this site's unit (leader only).
    pub fn settlement(&self, ctx: &Ctx, payer: &str, period: &str) -> Result<Settlement> {
        self.authorize(ctx, Action::Reports)?;
        let first = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
            .map_err(|_| crate::error::Invalid::DateFormat { field: "period", value: period.to_string() })?;
        let last = first + Months::new(1) - chrono::Days::new(1);
        let provider: String =
            self.connection().query_row("SELECT municipality FROM unit WHERE id = ?1", [self.unit()], |r| r.get(0))?;
        let mut stmt = self.connection().prepare(
            "SELECT cl.id, cl.name, coalesce(cl.cpr, ''), co.id, co.kind, co.setting, co.start_on, co.end_on
             FROM course co JOIN client cl ON cl.id = co.client_id
             WHERE co.paying_municipality = ?1 AND co.unit_id = ?2 AND co.start_on IS NOT NULL
               AND co.start_on <= ?4 AND (co.end_on IS NULL OR co.end_on >= ?3)
             ORDER BY cl.name, co.start_on, co.id",
        )?;
        let courses: Vec<CourseRow> = stmt
            .query_map(rusqlite::params![payer, self.unit(), first, last], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut price_stmt = self.connection().prepare(
            "SELECT amount, per FROM agreement_price
             WHERE payer = ?1 AND provider = ?2 AND course_kind = ?3 AND setting = ?4
               AND valid_from <= ?5 AND (valid_to IS NULL OR valid_to >= ?5)
             ORDER BY valid_from DESC, version DESC LIMIT 1",
        )?;
        let mut lines = Vec::new();
        let mut problems = Vec::new();
        let mut total = Decimal::ZERO;
        for (client_id, client, cpr, course, kind, setting, start, end) in courses {
            let from = start.max(first);
            let to = end.unwrap_or(last).min(last);
            let days = (to - from).num_days() + 1;
            let price: Option<(String, String)> = price_stmt
                .query_row(rusqlite::params![payer, provider, kind, setting, from], |r| Ok((r.get(0)?, r.get(1)?)))
                .ok();
            let Some((amount, per)) = price else {
                problems.push(SettlementProblem {
                    course_id: course,
                    client,
                    problem: format!("ingen pris for {kind} ({setting})"),
                });
                continue;
            };
            let price = Money::parse(&amount, "amount")?;
            let per = PricePer::from_code(&per).unwrap_or(PricePer::Day);
            let due = match per {
                PricePer::Day => price.decimal() * Decimal::from(days),
                PricePer::Month => price.decimal(),
                PricePer::Course if start >= first && start <= last => price.decimal(),
                PricePer::Course => Decimal::ZERO,
            };
            if due.is_zero() {
                continue;
            }
            total += due;
            let amount = Money::new(due)
                .ok_or(crate::error::Invalid::MoneyFormat { field: "amount", value: due.to_string() })?;
            let course_label = self.codes().coded(crate::model::CodeList::CourseKind, &kind).label;
            lines.push(SettlementLine {
                client_id,
                client,
                cpr,
                course_id: course,
                course_kind: kind,
                course_label,
                setting,
                from,
                to,
                days,
                price,
                per,
                amount,
            });
        }
        if !problems.is_empty() {
            return Err(Error::SettlementIncomplete { problems });
        }
        let total =
            Money::new(total).ok_or(crate::error::Invalid::MoneyFormat { field: "total", value: total.to_string() })?;
        Ok(Settlement { payer: payer.to_string(), provider, period: period.to_string(), lines, total })
    }
}
