//! Clients and how they come: `client` (add, update, list, show), `intake`
//! (a new client with the first referral) and `referral` (the 14-day
//! deadline, the information talk, the outcome, the waiting list). Also the
//! client table and the whole record as text, which `demo` and `person
//! report` print too.

use clap::{Args, Subcommand};

use tovholder::error::Error;
use tovholder::model::views::*;
use tovholder::model::*;
use tovholder::store::ClientFilter;
use tovholder::Ctx;

use super::shared::{d, date_or_today, id, od, opt_cpr, opt_date, opt_sex, Env};

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

/// A client's whole record as text (`client show`, `person report`).
pub fn record_text(r: &FullRecord) -> String {
    let c = &r.client;
    let mut s = format!(
        "{}\n  CPR: {}  Født: {}  Alder: {}  Køn: {}\n  Bopælskommune: {}\n",
        c.name,
        c.cpr.as_deref().unwrap_or(if c.anonymous { "anonym (Sundhedsloven §141)" } else { "-" }),
        od(c.birth_date),
        c.age.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
        c.sex.as_ref().map(|x| x.label.as_str()).unwrap_or("-"),
        c.municipality.label
    );
    s.push_str(&format!("  Id: {}\n", c.id));
    s.push_str("\nBørn\n");
    if r.children.is_empty() {
        s.push_str("  Ingen registrerede børn.\n");
    }
    for ch in &r.children {
        s.push_str(&format!(
            "  {} ({} år, født {})  {}\n    Forældremyndighed: {}  Bopæl: {}{}\n    Sag i familieafdelingen: {}  Bekymring: {}\n",
            ch.name,
            ch.age,
            d(ch.birth_date),
            ch.relation.label,
            ch.custody.label,
            ch.residence.label,
            ch.visitation.as_ref().map(|v| format!(" ({v})")).unwrap_or_default(),
            if ch.family_case { format!("ja{}", ch.caseworker.as_ref().map(|w| format!(", sagsbehandler {w}")).unwrap_or_default()) } else { "nej".into() },
            ch.concern.label
        ));
        for n in &ch.notifications {
            s.push_str(&format!(
                "    Underretning {} til {}: {}{}\n",
                d(n.made_on),
                n.recipient,
                n.reason,
                n.answer_received_on.map(|a| format!(" (svar {})", d(a))).unwrap_or_else(|| " (ikke besvaret)".into())
            ));
        }
        if let Some(p) = ch.emergency_plans.last() {
            s.push_str(&format!(
                "    Nødplan (version {}, {}): trygge voksne {}\n",
                p.revision,
                d(p.made_on),
                p.trusted_adults
            ));
        }
    }
    s.push_str("\nHenvendelser\n");
    for h in &r.referrals {
        s.push_str(&format!(
            "  {}  {}  {}  frist {}  udfald: {}\n",
            d(h.received_on),
            h.source.label,
            h.door.label,
            d(h.deadline),
            h.outcome.label
        ));
    }
    s.push_str("\nForløb\n");
    for co in &r.courses {
        s.push_str(&format!(
            "  {} ({}), {}: indskrevet {}, start {}, slut {}{}\n    Tovholder: {}  Betaler: {}  Id: {}\n",
            co.kind.label,
            co.setting.label,
            co.status.label,
            d(co.enrolled_on),
            od(co.start_on),
            od(co.end_on),
            co.end_reason.as_ref().map(|e| format!(" ({})", e.label)).unwrap_or_default(),
            co.case_owner,
            co.paying_municipality.label,
            co.id
        ));
        for a in &co.assessments {
            s.push_str(&format!(
                "    Udredning {}: AUDIT {}, {} genstande/uge\n",
                d(a.assessed_on),
                a.audit_score.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
                a.units_per_week.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
            ));
        }
        if let Some(p) = co.plan.last() {
            s.push_str(&format!("    Behandlingsplan version {} af {}: {}\n", p.revision, d(p.made_on), p.goals));
        }
        for m in &co.medications {
            s.push_str(&format!(
                "    Medicin: {} {} fra {}{}\n",
                m.drug.label,
                m.dose,
                d(m.started_on),
                m.stopped_on.map(|x| format!(" til {}", d(x))).unwrap_or_default()
            ));
        }
    }
    s.push_str("\nSamtaler\n");
    for se in &r.sessions {
        let who: Vec<String> = se
            .participants
            .iter()
            .map(|p| match &p.unit {
                Some(u) => format!("{} ({u})", p.name),
                None => p.name.clone(),
            })
            .collect();
        s.push_str(&format!(
            "  {} {}  {}  {}  {}\n",
            d(se.held_on),
            se.start_time.as_deref().unwrap_or(""),
            se.kind.label,
            se.attendance.as_ref().map(|a| a.label.as_str()).unwrap_or("booket"),
            who.join(", ")
        ));
    }
    s.push_str("\nNotater\n");
    for n in &r.notes {
        let mark = match n.kind {
            NoteKind::Note if !n.corrected_by.is_empty() => " [rettet senere]",
            NoteKind::Note => "",
            NoteKind::Correction => " [rettelse]",
            NoteKind::Error => " [markerer fejlregistrering]",
        };
        s.push_str(&format!(
            "  {} {} ({}){}{}\n    {}\n",
            d(n.written_on),
            n.author,
            n.stamp.created_at,
            mark,
            if n.internal { " [internt]" } else { "" },
            n.text.replace('\n', "\n    ")
        ));
    }
    if !r.consents.is_empty() {
        s.push_str("\nSamtykker\n");
        for c in &r.consents {
            s.push_str(&format!(
                "  {}: {} fra {}{}\n",
                c.scope.label,
                c.recipient,
                d(c.given_on),
                c.withdrawn_on.map(|w| format!(", trukket tilbage {}", d(w))).unwrap_or_default()
            ));
        }
    }
    s.trim_end().to_string()
}
