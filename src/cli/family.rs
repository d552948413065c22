//! The children and the family departments: `child` (the family questions,
//! links to adults, the emergency plan), `notification` (underretninger)
//! and `review` (the case review of every active client's children).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use tovholder::error::{Error, Invalid};
use tovholder::model::views::*;
use tovholder::model::*;

use super::shared::{d, date_or_today, id, opt_cpr, opt_date, opt_id, Env};

// A child's link to an adult: the family questions.
#[derive(Args)]
pub struct LinkFields {
    #[arg(long, default_value = "own")]
    relation: String,
    #[arg(long)]
    custody: String,
    #[arg(long)]
    residence: String,
    /// How often and how, when the child visits.
    #[arg(long)]
    visitation: Option<String>,
}

impl LinkFields {
    fn record(self, child_id: ChildId, client_id: ClientId) -> ChildLinkRecord {
        let LinkFields { relation, custody, residence, visitation } = self;
        ChildLinkRecord { id: None, child_id, client_id, relation, custody, residence, visitation }
    }
}

#[derive(Subcommand)]
pub enum ChildCmd {
    /// Registrér et barn og knyt det til en voksen klient (familiespørgsmålene).
    Add {
        #[arg(long)]
        client: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        birth_date: Option<String>,
        #[arg(long)]
        cpr: Option<String>,
        #[command(flatten)]
        link: LinkFields,
        #[arg(long)]
        family_case: bool,
        #[arg(long)]
        caseworker: Option<String>,
        #[arg(long, default_value = "none")]
        concern: String,
    },
    /// Knyt et registreret barn til endnu en voksen klient.
    Link {
        #[arg(long)]
        child: String,
        #[arg(long)]
        client: String,
        #[command(flatten)]
        link: LinkFields,
    },
    /// Skriv en ny version af et barns nødplan.
    EmergencyPlan {
        #[arg(long)]
        child: String,
        #[arg(long)]
        made_on: Option<String>,
        #[arg(long)]
        trusted_adults: String,
        #[arg(long)]
        plan: String,
    },
}

impl ChildCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            ChildCmd::Add { client, name, birth_date, cpr, link, family_case, caseworker, concern } => {
                let client_id: ClientId = id(&client, "client")?;
                let child = ChildRecord {
                    id: None,
                    name,
                    birth_date: opt_date(&birth_date, "birth_date")?,
                    cpr: opt_cpr(&cpr)?,
                    sex: None,
                    family_case,
                    caseworker,
                    caseworker_unit: None,
                    concern,
                    other_measures: None,
                    registered_on: None,
                };
                let link = link.record(ChildId::new(), client_id);
                let id = j.add_child(&ctx, &child, &link)?;
                out.created("Barn", id);
            }
            ChildCmd::Link { child, client, link } => {
                let link = link.record(id(&child, "child")?, id(&client, "client")?);
                let id = j.link_child(&ctx, &link)?;
                out.created("Tilknytning", id);
            }
            ChildCmd::EmergencyPlan { child, made_on, trusted_adults, plan } => {
                let r = EmergencyPlanRecord {
                    id: None,
                    child_id: id(&child, "child")?,
                    made_on: date_or_today(&made_on, "made_on", &ctx)?,
                    trusted_adults,
                    plan,
                };
                let id = j.add_emergency_plan(&ctx, &r)?;
                out.created("Nødplan", id);
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum NotificationCmd {
    /// Registrér en underretning om et barn.
    Add {
        #[arg(long)]
        child: String,
        #[arg(long)]
        client: Option<String>,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        to_unit: Option<String>,
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        reason: String,
    },
    /// Registrér svaret på en underretning.
    Answer {
        id: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        answer: String,
    },
    /// Underretninger uden svar, ældste først.
    Open,
}

impl NotificationCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        let today = ctx.clock.today();
        match self {
            NotificationCmd::Add { child, client, on, to_unit, recipient, reason } => {
                let r = NotificationRecord {
                    id: None,
                    child_id: id(&child, "child")?,
                    client_id: opt_id(&client, "client")?,
                    made_on: date_or_today(&on, "made_on", &ctx)?,
                    made_by: ctx.staff,
                    to_unit: opt_id(&to_unit, "to_unit")?,
                    recipient,
                    reason,
                    answer_received_on: None,
                    answer: None,
                };
                let nid = j.add_notification(&ctx, &r)?;
                out.created("Underretning", nid);
            }
            NotificationCmd::Answer { id: nid, on, answer } => {
                j.answer_notification(&ctx, id(&nid, "id")?, date_or_today(&on, "answer_received_on", &ctx)?, &answer)?;
                out.done("Svaret er registreret.");
            }
            NotificationCmd::Open => {
                let open = j.unanswered_notifications(&ctx)?;
                out.print(&open, || {
                    if open.is_empty() {
                        return "Alle underretninger er besvaret.".into();
                    }
                    open.iter()
                        .map(|n| {
                            format!(
                                "{}  {:<20} til {}  ({} dage uden svar)",
                                d(n.made_on),
                                n.child_name,
                                n.recipient,
                                (today - n.made_on).num_days()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ReviewCmd {
    /// Sagsmødelisten: aktive klienter med børn under 18.
    List {
        #[arg(long)]
        on: Option<String>,
        /// Write it as a printable PDF form to this file.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Registrér et afholdt sagsmøde fra en JSON-fil (docs/journal-format.md, case_reviews).
    Record { file: PathBuf },
    /// Registrér ét barns punkt på et sagsmøde holdt i dag.
    Decide {
        #[arg(long)]
        client: String,
        #[arg(long)]
        child: String,
        #[arg(long)]
        decision: String,
        /// question=answer, with the question codes of `tovholder codes review_question`.
        #[arg(long = "answer")]
        answers: Vec<String>,
        #[arg(long)]
        on: Option<String>,
    },
    /// Vis et afholdt sagsmøde med svar og beslutninger.
    Show { id: String },
}

impl ReviewCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            ReviewCmd::List { on, pdf } => {
                let on = date_or_today(&on, "held_on", &ctx)?;
                let list = j.case_review_list(&ctx, on)?;
                if let Some(f) = pdf {
                    let unit = j.unit_name()?;
                    std::fs::write(&f, tovholder::report::pdf::case_review_pdf(&list, &unit)?)?;
                    out.done(&format!("Sagsmødelisten er skrevet som PDF til {}.", f.display()));
                    return Ok(());
                }
                out.print(&list, || review_text(&list));
            }
            ReviewCmd::Record { file } => {
                let text = std::fs::read_to_string(&file)?;
                let r: CaseReviewRecord = serde_json::from_str(&text)?;
                let rid = j.record_case_review(&ctx, &r)?;
                out.created("Sagsmøde", rid);
            }
            ReviewCmd::Decide { client, child, decision, answers, on } => {
                let mut map = std::collections::BTreeMap::new();
                for a in answers {
                    let (q, text) = a.split_once('=').ok_or(Invalid::UnknownQuestion { code: a.clone() })?;
                    map.insert(q.trim().to_string(), text.trim().to_string());
                }
                let r = CaseReviewRecord {
                    id: None,
                    unit_id: None,
                    held_on: date_or_today(&on, "held_on", &ctx)?,
                    led_by: ctx.staff,
                    items: vec![CaseReviewItemRecord {
                        id: None,
                        client_id: id(&client, "client")?,
                        child_id: id(&child, "child")?,
                        answers: map,
                        decision,
                        responsible: Some(ctx.staff),
                    }],
                };
                let rid = j.record_case_review(&ctx, &r)?;
                out.created("Sagsmøde", rid);
            }
            ReviewCmd::Show { id: rid } => {
                let review = j.case_review(&ctx, id(&rid, "id")?)?;
                out.print(&review, || {
                    let mut s = format!("Sagsmøde {} (ledet af {})\n", d(review.held_on), review.led_by);
                    for i in &review.items {
                        s.push_str(&format!("\n{} / {}\n", i.client_name, i.child_name));
                        for (q, a) in &i.answers {
                            s.push_str(&format!("  {}: {a}\n", q.label));
                        }
                        s.push_str(&format!("  Beslutning: {}\n", i.decision));
                    }
                    s
                });
            }
        }
        Ok(())
    }
}

/// The case-review list as text.
fn review_text(list: &CaseReviewList) -> String {
    let mut s = format!("Sagsmøde {}: aktive klienter med børn under 18\n", d(list.on));
    if list.clients.is_empty() {
        s.push_str("\nIngen aktive klienter med børn under 18.\n");
    }
    for c in &list.clients {
        s.push_str(&format!("\n{} (tovholder: {})  {}\n", c.name, c.case_owner.join(", "), c.client_id));
        for ch in &c.children {
            s.push_str(&format!(
                "  {} ({} år)  Forældremyndighed: {}  Bopæl: {}{}\n    Sag i familieafdelingen: {}  Bekymring: {}  Underretninger: {}  Nødplan: {}\n",
                ch.name,
                ch.age,
                ch.custody.label,
                ch.residence.label,
                ch.visitation.as_ref().map(|v| format!(" ({v})")).unwrap_or_default(),
                if ch.family_case { "ja" } else { "nej" },
                ch.concern.label,
                ch.notifications,
                if ch.has_emergency_plan { "ja" } else { "nej" }
            ));
            if let Some((on, decision)) = &ch.last_decision {
                s.push_str(&format!("    Seneste beslutning ({}): {decision}\n", d(*on)));
            }
            s.push_str(&format!("    Barn-id: {}\n", ch.child_id));
        }
    }
    s.push_str("\nSpørgsmål til hvert barn:\n");
    for (i, q) in list.questions.iter().enumerate() {
        s.push_str(&format!("  {}. {}\n", i + 1, q.label));
    }
    s.trim_end().to_string()
}
