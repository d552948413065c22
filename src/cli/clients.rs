//! Clients and how they come: `client` (add, update, list, show), `intake`
//! (a new client with the first referral) and `referral` (the 14-day
//! deadline, the information talk, the outcome, the waiting list). Also the
//! client table and the whole record as text, which `demo` and `person
//! report` print too.

use clap::{Args, Subcommand};

use tovholder::error::Error;
use tovholder::model::views::*;
use tovholder::model::*;
pub use tovholder::report::insight::record_text;
use tovholder::store::ClientFilter;
use tovholder::Ctx;

use super::shared::{d, date_or_today, id, opt_cpr, opt_date, opt_sex, Env};

#[derive(Args)]
pub struct ClientFields {
    #[arg(long)]
    name: String,
    #[arg(long)]
    cpr: Option<String>,
    /// Anonymous treatment (Sundhedsloven §141): no CPR.
    #[arg(long)]
    anonymous: bool,
    #[arg(long)]
    birth_date: Option<String>,
    /// M or K
    #[arg(long)]
    sex: Option<String>,
    #[arg(long)]
    municipality: String,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
}

impl ClientFields {
    fn record(&self) -> Result<ClientRecord, Error> {
        Ok(ClientRecord {
            id: None,
            name: self.name.clone(),
            cpr: opt_cpr(&self.cpr)?,
            anonymous: self.anonymous,
            birth_date: opt_date(&self.birth_date, "birth_date")?,
            sex: opt_sex(&self.sex)?,
            municipality: self.municipality.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        })
    }
}

#[derive(Subcommand)]
pub enum ClientCmd {
    /// Opret en klient.
    Add(ClientFields),
    /// Ret en klients oplysninger.
    Update {
        id: String,
        #[command(flatten)]
        fields: ClientFields,
    },
    /// Vis klienterne, evt. søgt på navn eller begyndelsen af CPR-nummeret.
    List {
        #[arg(long, short, default_value = "")]
        search: String,
        #[arg(long)]
        active: bool,
        #[arg(long)]
        with_children: bool,
        /// Only my cases (the acting user's open courses).
        #[arg(long)]
        mine: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Vis en klients hele journal.
    Show { id: String },
}

impl ClientCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            ClientCmd::Add(f) => {
                let id = j.add_client(&ctx, &f.record()?)?;
                out.created("Klient", id);
            }
            ClientCmd::Update { id: cid, fields } => {
                j.update_client(&ctx, id(&cid, "id")?, &fields.record()?)?;
                out.done("Klientens oplysninger er opdateret.");
            }
            ClientCmd::List { search, active, with_children, mine, limit } => {
                let filter = ClientFilter { active, with_children, case_owner: mine.then_some(ctx.staff) };
                let clients = j.client_list(&ctx, &search, &filter, limit)?;
                out.print(&clients, || client_table(&clients));
            }
            ClientCmd::Show { id: cid } => {
                let record = j.client_record(&ctx, id(&cid, "id")?)?;
                out.print(&record, || record_text(&record));
            }
        }
        Ok(())
    }
}

// A referral's own fields (the client is given apart).
#[derive(Args)]
pub struct ReferralFields {
    /// dd-mm-åååå; today when left out. The 14-day deadline runs from here.
    #[arg(long)]
    received_on: Option<String>,
    #[arg(long)]
    source: String,
    #[arg(long)]
    referrer: Option<String>,
    #[arg(long)]
    reason: Option<String>,
    #[arg(long, default_value = "alcohol_unit")]
    door: String,
}

impl ReferralFields {
    fn record(self, client_id: ClientId, ctx: &Ctx) -> Result<ReferralRecord, Error> {
        let ReferralFields { received_on, source, referrer, reason, door } = self;
        Ok(ReferralRecord {
            id: None,
            client_id,
            received_on: date_or_today(&received_on, "received_on", ctx)?,
            source,
            referrer,
            reason,
            door,
            unit_id: None,
            info_talk_on: None,
            outcome: "pending".into(),
        })
    }
}

#[derive(Args)]
pub struct IntakeArgs {
    #[command(flatten)]
    client: ClientFields,
    #[command(flatten)]
    referral: ReferralFields,
}

impl IntakeArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let r = self.referral.record(ClientId::default(), &ctx)?;
        let (cid, rid) = j.intake(&ctx, &self.client.record()?, &r)?;
        let deadline = r.received_on + chrono::Days::new(14);
        env.out.print(
            &serde_json::json!({ "client": cid.to_string(), "referral": rid.to_string(), "deadline": deadline }),
            || {
                format!(
                    "Klient oprettet: {cid}\nHenvendelse oprettet: {rid}\nBehandling skal tilbydes senest {} (14 dage).",
                    d(deadline)
                )
            },
        );
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ReferralCmd {
    /// En ny henvendelse for en registreret klient (en klient, der vender tilbage).
    Add {
        #[arg(long)]
        client: String,
        #[command(flatten)]
        fields: ReferralFields,
    },
    /// Registrér, at informationssamtalen er holdt.
    InfoTalk {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Afslut en henvendelse uden forløb (declined, referred_elsewhere, no_show).
    Outcome { id: String, outcome: String },
    /// Dem, der venter på behandling, ældste først, med 14-dagesfristen.
    Waiting,
}

impl ReferralCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        let today = ctx.clock.today();
        match self {
            ReferralCmd::Add { client, fields } => {
                let r = fields.record(id(&client, "client")?, &ctx)?;
                let rid = j.add_referral(&ctx, &r)?;
                let deadline = r.received_on + chrono::Days::new(14);
                out.print(&serde_json::json!({ "id": rid.to_string(), "deadline": deadline }), || {
                    format!("Henvendelse oprettet: {rid}\nBehandling skal tilbydes senest {} (14 dage).", d(deadline))
                });
            }
            ReferralCmd::InfoTalk { id: rid, on } => {
                j.record_info_talk(&ctx, id(&rid, "id")?, date_or_today(&on, "info_talk_on", &ctx)?)?;
                out.done("Informationssamtalen er registreret.");
            }
            ReferralCmd::Outcome { id: rid, outcome } => {
                j.set_referral_outcome(&ctx, id(&rid, "id")?, &outcome)?;
                out.done("Henvendelsens udfald er registreret.");
            }
            ReferralCmd::Waiting => {
                let waiting = j.waiting_referrals(&ctx)?;
                out.print(&waiting, || {
                    if waiting.is_empty() {
                        return "Ingen venter.".into();
                    }
                    waiting
                        .iter()
                        .map(|(c, r)| {
                            let days = (today - r.received_on).num_days();
                            let flag = if today > r.deadline { "  OVER FRISTEN" } else { "" };
                            format!(
                                "{}  {:<28} henvendt {}  frist {}  ({days} dage){flag}",
                                r.id,
                                c.name,
                                d(r.received_on),
                                d(r.deadline)
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

/// The client list as a table.
pub fn client_table(clients: &[ClientSummary]) -> String {
    if clients.is_empty() {
        return "Ingen klienter fundet.".into();
    }
    let mut s =
        format!("{:<36}  {:<28} {:<12} {:<10} {:<8} {}\n", "Id", "Navn", "CPR", "Kommune", "Aktiv", "Børn < 18");
    for c in clients {
        s.push_str(&format!(
            "{}  {:<28} {:<12} {:<10} {:<8} {}\n",
            c.id,
            c.name,
            c.cpr.as_deref().unwrap_or("anonym"),
            c.municipality.label,
            if c.active { "ja" } else { "nej" },
            c.children_under_18
        ));
    }
    s.trim_end().to_string()
}
