//! The leader's reports (`report`): the annual report, waiting time, the
//! NAB extract and the monthly settlement, as text, CSV or PDF.

use std::path::PathBuf;

use clap::Subcommand;

use tovholder::error::Error;
use tovholder::model::time::parse_date;

use super::shared::{d, Env};

#[derive(Subcommand)]
pub enum ReportCmd {
    /// Årsrapportens tabeller (tal fra 1 til 4 vises som <5).
    Annual {
        #[arg(long)]
        year: i32,
        /// Only the courses this municipality pays for (its code, e.g. 0336).
        #[arg(long)]
        municipality: Option<String>,
        /// Write the tables as CSV to this file instead of printing them.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Write the report with its charts as PDF to this file.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Dage fra henvendelse til behandlingsstart; hvem venter nu.
    Waiting {
        #[arg(long)]
        year: i32,
    },
    /// NAB-registerudtrækket som CSV (afvises med hvert ufuldstændigt forløb nævnt).
    Nab {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// The unit's NAB institution code.
        #[arg(long, default_value = "3502")]
        institution: String,
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Månedsafregningen til den betalende kommune.
    Settlement {
        /// The paying municipality's code (Stevns: 0336).
        #[arg(long)]
        payer: String,
        /// The month, åååå-mm.
        #[arg(long)]
        month: String,
        /// Write CSV to this file.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Write the settlement as PDF to this file.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// Approve the settlement: store it and its lines in the journal
        /// (once per payer and month), to be sent to the payer.
        #[arg(long)]
        approve: bool,
    },
    /// Afregninger, som partneren har sendt til betaling (kun til læsning).
    Received,
}

impl ReportCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            ReportCmd::Annual { year, municipality, csv, pdf } => {
                let report = j.annual_report_for(&ctx, year, municipality.as_deref())?;
                if let Some(f) = pdf {
                    let unit = j.unit_name()?;
                    std::fs::write(&f, tovholder::report::pdf::annual_pdf(&report, &unit)?)?;
                    out.done(&format!("Årsrapporten er skrevet som PDF til {}.", f.display()));
                    return Ok(());
                }
                match csv {
                    Some(f) => {
                        std::fs::write(&f, report.to_csv())?;
                        out.done(&format!("Årsrapportens tabeller er skrevet til {}.", f.display()));
                    }
                    None => out.print(&report, || report.to_text()),
                }
            }
            ReportCmd::Waiting { year } => {
                let report = j.waiting_report(&ctx, year)?;
                out.print(&report, || report.to_text());
            }
            ReportCmd::Nab { from, to, institution, out: file } => {
                let lines = j.nab_extract(&ctx, parse_date(&from, "from")?, parse_date(&to, "to")?, &institution)?;
                let csv = tovholder::report::nab_csv(&lines);
                match file {
                    Some(f) => {
                        std::fs::write(&f, csv)?;
                        out.done(&format!("NAB-udtræk med {} forløb er skrevet til {}.", lines.len(), f.display()));
                    }
                    None => print!("{csv}"),
                }
            }
            ReportCmd::Received => {
                let list = j.received_settlements(&ctx)?;
                out.print(&list, || {
                    if list.is_empty() {
                        return "Ingen afregninger er modtaget fra partneren.".into();
                    }
                    let mut text = String::new();
                    for s in &list {
                        text.push_str(&format!(
                            "Afregning for {} fra {} (godkendt {}): {} linjer, i alt {} — {}\n",
                            s.period,
                            s.provider_name,
                            d(s.made_on),
                            s.lines.len(),
                            s.total.danish(),
                            if s.adds_up {
                                "linjerne giver totalen".to_string()
                            } else {
                                format!("linjerne giver {}, ikke totalen", s.lines_total.danish())
                            }
                        ));
                        for l in &s.lines {
                            text.push_str(&format!(
                                "  {}: {}, {} dage, {}\n",
                                l.client,
                                l.course_label,
                                l.days,
                                l.amount.danish()
                            ));
                        }
                    }
                    text.trim_end().to_string()
                });
            }
            ReportCmd::Settlement { payer, month, csv, pdf, approve } => {
                let s = j.settlement(&ctx, &payer, &month)?;
                if let Some(f) = csv {
                    std::fs::write(&f, s.to_csv())?;
                }
                if let Some(f) = pdf {
                    let unit = j.unit_name()?;
                    std::fs::write(&f, tovholder::report::pdf::settlement_pdf(&s, &unit)?)?;
                }
                if approve {
                    let a = j.approve_settlement(&ctx, &payer, &month)?;
                    out.print(&a, || {
                        format!(
                            "{}\nAfregningen til kommune {} for {} er godkendt og gemt: {} linjer, i alt {}\n",
                            s.to_text(),
                            a.payer,
                            a.period,
                            a.lines,
                            a.total.danish()
                        )
                    });
                } else {
                    let approval = j.settlement_approval(&ctx, &payer, &month)?;
                    out.print(&s, || {
                        let mut text = s.to_text();
                        match &approval {
                            Some(a) => text.push_str(&format!(
                                "  Godkendt {} af {} ({} linjer, i alt {}).\n",
                                d(a.made_on),
                                a.made_by,
                                a.lines,
                                a.total.danish()
                            )),
                            None => text.push_str("  Ikke godkendt endnu (godkend med --approve).\n"),
                        }
                        text
                    });
                }
            }
        }
        Ok(())
    }
}
