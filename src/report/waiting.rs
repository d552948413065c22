//! Waiting time: days from first contact (the referral) to treatment start,
//! against Sundhedsloven §141's offer of treatment within 14 days, and the
//! people waiting now, oldest first.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::model::ClientId;
use crate::security::roles::Action;
use crate::store::{Ctx, Journal};

/// One course's wait, or one person still waiting.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub client_id: ClientId,
    pub name: String,
    pub received_on: NaiveDate,
    /// Treatment start, or `None` while still waiting.
    pub start_on: Option<NaiveDate>,
    /// Days from the referral to the start (or to today while waiting).
    pub days: i64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitingReport {
    pub year: i32,
    /// Courses that started in the year after a referral, with their wait.
    pub started: Vec<Waiting>,
    pub within_14_days: usize,
    /// Share started within 14 days, in percent (one decimal).
    pub share_within_14_days: f64,
    pub median_days: Option<i64>,
    /// Referrals and courses still waiting for treatment today, oldest first.
    pub waiting_now: Vec<Waiting>,
}

impl WaitingReport {
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "Ventetid {}: {} forløb startet efter henvendelse; {} ({} %) inden for 14 dage; median {} dage\n",
            self.year,
            self.started.len(),
            self.within_14_days,
            format!("{:.1}", self.share_within_14_days).replace('.', ","),
            self.median_days.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
        );
        s.push_str("\nVenter nu (ældste først)\n");
        if self.waiting_now.is_empty() {
            s.push_str("  Ingen.\n");
        }
        for w in &self.waiting_now {
            let flag = if w.days > 14 { "  OVER 14 DAGE" } else { "" };
            s.push_str(&format!(
                "  {:<28} henvendt {}  {} dage{flag}\n",
                w.name,
                crate::model::time::danish(w.received_on),
                w.days
            ));
        }
        s
    }
}

impl Journal {
    /// Waiting times for courses started in `year`, and who waits today.
    pub fn waiting_report(&self, ctx: &Ctx, year: i32) -> Result<WaitingReport> {
        self.authorize(ctx, Action::Reports)?;
        let today = ctx.clock.today();
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
        let conn = self.connection();
        let mut stmt = conn.prepare(
            "SELECT c.id, c.name, r.received_on, co.start_on FROM course co
             JOIN referral r ON r.id = co.referral_id JOIN client c ON c.id = co.client_id
             WHERE co.start_on BETWEEN ?1 AND ?2 ORDER BY co.start_on, co.id",
        )?;
        let started: Vec<Waiting> = stmt
            .query_map(rusqlite::params![from, to], |r| {
                let received: NaiveDate = r.get(2)?;
                let start: NaiveDate = r.get(3)?;
                Ok(Waiting {
                    client_id: r.get(0)?,
                    name: r.get(1)?,
                    received_on: received,
                    start_on: Some(start),
                    days: (start - received).num_days(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let within = started.iter().filter(|w| w.days <= 14).count();
        let mut days: Vec<i64> = started.iter().map(|w| w.days).collect();
        days.sort_unstable();
        let median = (!days.is_empty()).then(|| days[(days.len() - 1) / 2]);
        // Waiting now: pending referrals, and courses not yet started.
        let mut stmt = conn.prepare(
            "SELECT c.id, c.name, r.received_on FROM referral r JOIN client c ON c.id = r.client_id
             WHERE r.outcome = 'pending'
             UNION ALL
             SELECT c.id, c.name, coalesce(r.received_on, co.enrolled_on) FROM course co
             JOIN client c ON c.id = co.client_id LEFT JOIN referral r ON r.id = co.referral_id
             WHERE co.status = 'waiting'",
        )?;
        let mut waiting_now: Vec<Waiting> = stmt
            .query_map([], |r| {
                let received: NaiveDate = r.get(2)?;
                Ok(Waiting {
                    client_id: r.get(0)?,
                    name: r.get(1)?,
                    received_on: received,
                    start_on: None,
                    days: (today - received).num_days(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        waiting_now.sort_by(|a, b| a.received_on.cmp(&b.received_on).then(a.name.cmp(&b.name)));
        let share =
            if started.is_empty() { 0.0 } else { (within as f64 * 1000.0 / started.len() as f64).round() / 10.0 };
        Ok(WaitingReport {
            year,
            within_14_days: within,
            share_within_14_days: share,
            median_days: median,
            started,
            waiting_now,
        })
    }
}
