//! The monthly settlement: what the paying municipality owes for its citizens'
//! courses in a month, by the agreement's prices (`agreement_price`): per day
//! of the course within the month, per month with any day of treatment, or
//! per course in the month it starts. Amounts are `Decimal`, exact to the øre.
//!
//! The leader approves a month's settlement once: `approve_settlement` stores
//! it and its lines (`settlement`, `settlement_line`) through the one write
//! path, so they carry sync stamps and audit entries and can travel to the
//! partner in a case bundle. A second approval of the same payer and month is
//! refused (`settlement_already_approved`).

use chrono::{Months, NaiveDate};
use rusqlite::OptionalExtension;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::Entity;
use crate::error::{Error, Invalid, Result};
use crate::model::{
    AgreementPriceId, ClientId, CourseId, Money, PricePer, SettlementId, SettlementLineRecord, SettlementRecord,
};
use crate::security::roles::Action;
use crate::store::write::Writer;
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
    /// The agreement price the line is priced by.
    pub price_id: AgreementPriceId,
    pub price: Money,
    pub per: PricePer,
    pub amount: Money,
}

/// A settlement the leader has approved and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementApproval {
    pub id: SettlementId,
    pub payer: String,
    pub period: String,
    pub made_on: NaiveDate,
    /// The name of the member of staff who approved it.
    pub made_by: String,
    pub total: Money,
    pub lines: i64,
}

/// The first day of the month `period` ("åååå-mm"), strictly in that form.
pub fn month_start(period: &str) -> Result<NaiveDate, Invalid> {
    let err = || Invalid::MonthFormat { field: "month", value: period.to_string() };
    let b = period.as_bytes();
    let shaped = b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
    if !shaped {
        return Err(err());
    }
    NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").map_err(|_| err())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub payer: String,
    /// The paying municipality's name ("Stevns").
    pub payer_name: String,
    pub provider: String,
    /// "åååå-mm"
    pub period: String,
    pub lines: Vec<SettlementLine>,
    pub total: Money,
}

/// A course the settlement cannot price.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementProblem {
    pub course_id: CourseId,
    pub client: String,
    pub problem: String,
}

impl Settlement {
    /// CSV for a Danish spreadsheet (`super::csv`): ';', decimal commas, a
    /// total line last.
    pub fn to_csv(&self) -> String {
        let dk = |m: Money| m.storage().replace('.', ",");
        let mut records: Vec<Vec<String>> = vec![[
            "klient",
            "cpr",
            "forloeb",
            "forloebstype",
            "behandlingsform",
            "fra",
            "til",
            "dage",
            "pris",
            "pr",
            "beloeb",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect()];
        for l in &self.lines {
            records.push(vec![
                l.client.clone(),
                l.cpr.clone(),
                l.course_id.to_string(),
                l.course_kind.clone(),
                l.setting.clone(),
                l.from.to_string(),
                l.to.to_string(),
                l.days.to_string(),
                dk(l.price),
                l.per.code().to_string(),
                dk(l.amount),
            ]);
        }
        let mut total = vec![String::new(); 11];
        total[0] = "I alt".into();
        total[10] = dk(self.total);
        records.push(total);
        super::csvfile::spreadsheet(&records)
    }

    pub fn to_text(&self) -> String {
        let mut s = format!(
            "Afregning {} til {} Kommune ({}), leverandør {}\n\n",
            self.period, self.payer_name, self.payer, self.provider
        );
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
        let (payer, period) = (payer.trim(), period.trim());
        let first = month_start(period)?;
        let last = first + Months::new(1) - chrono::Days::new(1);
        let conn = self.connection();
        let payer_name: String = conn
            .query_row("SELECT name FROM municipality WHERE code = ?1", [payer], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Invalid::UnknownMunicipality { code: payer.to_string(), field: "payer" })?;
        let provider: String =
            conn.query_row("SELECT municipality FROM unit WHERE id = ?1", [self.unit()], |r| r.get(0))?;
        let agreed: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM agreement_price WHERE payer = ?1 AND provider = ?2)",
            [payer, provider.as_str()],
            |r| r.get(0),
        )?;
        if !agreed {
            return Err(Invalid::NoAgreement { payer: format!("{payer_name} Kommune ({payer})") }.into());
        }
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
            "SELECT id, amount, per FROM agreement_price
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
            let price: Option<(AgreementPriceId, String, String)> = price_stmt
                .query_row(rusqlite::params![payer, provider, kind, setting, from], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((price_id, amount, per)) = price else {
                let codes = self.codes();
                problems.push(SettlementProblem {
                    course_id: course,
                    client,
                    problem: format!(
                        "ingen aftalepris for {}, {}",
                        codes.coded(crate::model::CodeList::CourseKind, &kind).label,
                        codes.coded(crate::model::CodeList::CourseSetting, &setting).label.to_lowercase()
                    ),
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
                price_id,
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
        Ok(Settlement { payer: payer.to_string(), payer_name, provider, period: period.to_string(), lines, total })
    }

    /// Approve the month's settlement for `payer` (leader only): compute it
    /// and store it with its lines through the write path. Refused, with
    /// nothing written, when it is already approved, has no lines, or a
    /// course cannot be priced.
    pub fn approve_settlement(&mut self, ctx: &Ctx, payer: &str, period: &str) -> Result<SettlementApproval> {
        let s = self.settlement(ctx, payer, period)?;
        if s.lines.is_empty() {
            let payer = format!("{} Kommune ({})", s.payer_name, s.payer);
            return Err(Invalid::SettlementEmpty { payer, period: s.period }.into());
        }
        let record = SettlementRecord {
            id: Some(SettlementId::new()),
            payer: s.payer.clone(),
            provider: s.provider.clone(),
            period: s.period.clone(),
            made_on: ctx.clock.today(),
            total: s.total,
            lines: s
                .lines
                .iter()
                .map(|l| SettlementLineRecord {
                    id: None,
                    client_id: l.client_id,
                    course_id: l.course_id,
                    price_id: l.price_id,
                    days: l.days,
                    amount: l.amount,
                })
                .collect(),
        };
        let (id, made_on) = (record.id.unwrap_or_default(), record.made_on);
        self.write(ctx, |w| insert_settlement(w, &record))?;
        self.settlement_approval(ctx, &s.payer, &s.period)?
            .filter(|a| a.id == id && a.made_on == made_on)
            .ok_or(Error::NotFound(crate::error::Entity::Row))
    }

    /// The stored approval of `payer`'s settlement for `period`, if any
    /// (leader only).
    pub fn settlement_approval(&self, ctx: &Ctx, payer: &str, period: &str) -> Result<Option<SettlementApproval>> {
        self.authorize(ctx, Action::Reports)?;
        let (payer, period) = (payer.trim(), period.trim());
        month_start(period)?;
        let row = self
            .connection()
            .query_row(
                "SELECT s.id, s.made_on, coalesce(st.name, s.created_by), s.total,
                        (SELECT count(*) FROM settlement_line l WHERE l.settlement_id = s.id)
                 FROM settlement s JOIN unit u ON u.id = ?3 AND u.municipality = s.provider
                 LEFT JOIN staff st ON st.id = s.created_by
                 WHERE s.payer = ?1 AND s.period = ?2",
                rusqlite::params![payer, period, self.unit()],
                |r| {
                    Ok((
                        r.get::<_, SettlementId>(0)?,
                        r.get::<_, NaiveDate>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, made_on, made_by, total, lines)) = row else { return Ok(None) };
        Ok(Some(SettlementApproval {
            id,
            payer: payer.to_string(),
            period: period.to_string(),
            made_on,
            made_by,
            total: Money::parse(&total, "total")?,
            lines,
        }))
    }
}

/// A settlement another site approved for a month and sent with a bundle,
/// for this unit's municipality to pay. Read-only here: no operation of
/// this journal changes a row another site made. (Not yet shown in the
/// desktop app, so no TypeScript type: `Money` has none.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedSettlement {
    pub id: SettlementId,
    pub provider: String,
    /// The providing municipality's name.
    pub provider_name: String,
    pub period: String,
    pub made_on: NaiveDate,
    pub total: Money,
    pub lines: Vec<ReceivedSettlementLine>,
    /// The lines' sum; `adds_up` says whether it is the total.
    pub lines_total: Money,
    pub adds_up: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedSettlementLine {
    pub client_id: ClientId,
    pub client: String,
    pub course_label: String,
    pub days: i64,
    pub amount: Money,
}

impl Journal {
    /// The settlements partners have sent for this unit's municipality to
    /// pay, newest month first (leader only).
    pub fn received_settlements(&self, ctx: &Ctx) -> Result<Vec<ReceivedSettlement>> {
        self.authorize(ctx, Action::Reports)?;
        let conn = self.connection();
        let codes = self.codes();
        let heads: Vec<(SettlementId, String, String, NaiveDate, String)> = conn
            .prepare(
                "SELECT s.id, s.provider, s.period, s.made_on, s.total FROM settlement s
                 JOIN unit u ON u.id = ?1 AND u.municipality = s.payer
                 WHERE s.origin_site <> ?2 ORDER BY s.period DESC, s.provider",
            )?
            .query_map(rusqlite::params![self.unit(), self.site()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, provider, period, made_on, total) in heads {
            let rows: Vec<(ClientId, String, String, i64, String)> = conn
                .prepare(
                    "SELECT l.client_id, c.name, co.kind, l.days, l.amount FROM settlement_line l
                     JOIN client c ON c.id = l.client_id JOIN course co ON co.id = l.course_id
                     WHERE l.settlement_id = ?1 ORDER BY c.name, l.id",
                )?
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut sum = Decimal::ZERO;
            let mut lines = Vec::new();
            for (client_id, client, kind, days, amount) in rows {
                let amount = Money::parse(&amount, "amount")?;
                sum += amount.decimal();
                lines.push(ReceivedSettlementLine {
                    client_id,
                    client,
                    course_label: codes.coded(crate::model::CodeList::CourseKind, &kind).label,
                    days,
                    amount,
                });
            }
            let total = Money::parse(&total, "total")?;
            let lines_total = Money::new(sum).ok_or(Error::Damaged)?;
            out.push(ReceivedSettlement {
                id,
                provider_name: codes.municipality_coded(&provider).label,
                provider,
                period,
                made_on,
                adds_up: lines_total == total,
                total,
                lines,
                lines_total,
            });
        }
        Ok(out)
    }
}

/// Store an approved settlement and its lines through the write path: the
/// leader's approval and the import of a journal file both come here. The
/// lines must add up to the total, refer to existing clients, their own
/// courses and agreement prices, and a payer's month is stored once.
pub(crate) fn insert_settlement(w: &mut Writer<'_>, r: &SettlementRecord) -> Result<SettlementId> {
    let id = r.id.unwrap_or_default();
    let name = |w: &Writer<'_>, code: &str, field: &'static str| -> Result<String> {
        w.conn()
            .prepare_cached("SELECT name FROM municipality WHERE code = ?1")?
            .query_row([code], |row| row.get::<_, String>(0))
            .optional()?
            .map(|n| format!("{n} Kommune ({code})"))
            .ok_or_else(|| Invalid::UnknownMunicipality { code: code.to_string(), field }.into())
    };
    let payer = name(w, &r.payer, "payer")?;
    name(w, &r.provider, "provider")?;
    month_start(&r.period)?;
    if r.made_on > w.today() {
        return Err(Invalid::InFuture { field: "made_on" }.into());
    }
    let sum: rust_decimal::Decimal = r.lines.iter().map(|l| l.amount.decimal()).sum();
    if sum != r.total.decimal() {
        return Err(Invalid::SettlementTotal.into());
    }
    let done: bool = w.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM settlement WHERE payer = ?1 AND provider = ?2 AND period = ?3)",
        [&r.payer, &r.provider, &r.period],
        |row| row.get(0),
    )?;
    if done {
        return Err(Invalid::SettlementApproved { payer, period: r.period.clone() }.into());
    }
    let total = r.total.storage();
    w.insert(
        "settlement",
        &id,
        &[
            ("payer", &r.payer),
            ("provider", &r.provider),
            ("period", &r.period),
            ("made_on", &r.made_on),
            ("total", &total),
        ],
        None,
    )?;
    for l in &r.lines {
        let course_client: Option<ClientId> = w
            .conn()
            .prepare_cached("SELECT client_id FROM course WHERE id = ?1")?
            .query_row([l.course_id], |row| row.get(0))
            .optional()?;
        match course_client {
            None => return Err(Invalid::Missing { what: Entity::Course, field: "course_id" }.into()),
            Some(c) if c != l.client_id => {
                return Err(Invalid::OtherClient { what: Entity::Course, field: "course_id" }.into())
            }
            Some(_) => {}
        }
        if !w.exists("agreement_price", &l.price_id)? {
            return Err(Invalid::Missing { what: Entity::AgreementPrice, field: "price_id" }.into());
        }
        if !(0..=366).contains(&l.days) {
            return Err(Invalid::OutOfRange { field: "days", min: 0, max: 366 }.into());
        }
        let amount = l.amount.storage();
        w.insert(
            "settlement_line",
            &l.id.unwrap_or_default(),
            &[
                ("settlement_id", &id),
                ("client_id", &l.client_id),
                ("course_id", &l.course_id),
                ("price_id", &l.price_id),
                ("days", &l.days),
                ("amount", &amount),
            ],
            Some(l.client_id.0),
        )?;
    }
    Ok(id)
}
