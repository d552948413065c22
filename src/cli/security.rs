//! Who may do what and who did: `user` (logins), `audit` (the access log),
//! `retention` (records past their period) and `person report` (indsigt).

use clap::Subcommand;

use tovholder::error::{Error, Invalid};
use tovholder::model::time::parse_date;
use tovholder::report::ReportFile;
use tovholder::security::audit::{action_label, AuditQuery};

use super::organisation::StaffFields;
use super::shared::{d, id, kdf, new_password, password, Env};

#[derive(Subcommand)]
pub enum UserCmd {
    /// Giv en medarbejder et login eller en ny adgangskode (administrator).
    /// Adgangskoden læses fra TOVHOLDER_NEW_PASSWORD, ellers bliver du spurgt.
    Add { initials: String },
    /// Opret en ny medarbejder med login i ét trin (administrator).
    /// Adgangskoden læses fra TOVHOLDER_NEW_PASSWORD, ellers bliver du spurgt.
    New(StaffFields),
    /// Alle medarbejdere med rolle, enhed, aktiv og login (administrator).
    List,
    /// Skift din egen adgangskode (fra TOVHOLDER_NEW_PASSWORD, ellers bliver du spurgt).
    Password,
    /// Fjern et login; medarbejderen bliver inaktiv.
    Remove { initials: String },
}

impl UserCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            UserCmd::Add { initials } => {
                let who = j.staff_by_initials(&initials)?;
                let pw = new_password("TOVHOLDER_NEW_PASSWORD", &initials)?;
                j.set_login(&ctx, who, &pw, kdf())?;
                out.done(&format!("{} kan nu logge ind.", initials.to_uppercase()));
            }
            UserCmd::New(fields) => {
                let record = fields.record(&j)?;
                let initials = record.initials.clone();
                let pw = new_password("TOVHOLDER_NEW_PASSWORD", &initials)?;
                let id = j.add_user(&ctx, &record, &pw, kdf())?;
                out.print(&serde_json::json!({ "id": id }), || {
                    format!("{} er oprettet og kan logge ind ({id}).", initials.to_uppercase())
                });
            }
            UserCmd::List => {
                let users = j.staff_accounts(&ctx)?;
                out.print(&users, || {
                    users
                        .iter()
                        .map(|u| {
                            format!(
                                "{:<6} {:<28} {:<20} {:<30} {:<8} {}",
                                u.initials,
                                u.name,
                                u.role.label,
                                u.unit,
                                if u.active { "aktiv" } else { "inaktiv" },
                                if u.has_login { "login" } else { "intet login" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            UserCmd::Password => {
                let pw = password("TOVHOLDER_NEW_PASSWORD", "Ny adgangskode: ", true)?;
                j.set_login(&ctx, ctx.staff, &pw, kdf())?;
                out.done("Adgangskoden er skiftet.");
            }
            UserCmd::Remove { initials } => {
                let who = j.staff_by_initials(&initials)?;
                j.remove_login(&ctx, who)?;
                out.done(&format!("{} kan ikke længere logge ind.", initials.to_uppercase()));
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Kontrollér adgangsloggens hashkæde.
    Verify,
    /// Hvem har set en persons journal, hvornår og hvorfor.
    Person { id: String },
    /// Loggen, nyeste først, en side ad gangen (kun leder).
    List {
        /// From this day (dd-mm-åååå).
        #[arg(long)]
        from: Option<String>,
        /// To this day, included.
        #[arg(long)]
        to: Option<String>,
        /// Only this member of staff (initials).
        #[arg(long)]
        staff: Option<String>,
        /// Only this action: read, create, change, delete, export, import, login, login_failed, backup.
        #[arg(long)]
        action: Option<String>,
        /// Only entries older than this entry number (the next page).
        #[arg(long)]
        before: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

impl AuditCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            AuditCmd::Verify => {
                let check = j.audit_check(&ctx)?;
                out.print(&check, || match check.first_broken {
                    None => format!("Adgangsloggen er intakt ({} poster).", check.entries),
                    Some(seq) => format!("ADVARSEL: Adgangsloggen er ændret eller beskadiget fra post nr. {seq}."),
                });
                if check.first_broken.is_some() {
                    return Err(Error::AuditBroken);
                }
            }
            AuditCmd::Person { id: pid } => {
                let person: uuid::Uuid =
                    pid.trim().parse().map_err(|_| Invalid::IdFormat { field: "id", value: pid.clone() })?;
                let log = j.access_log(&ctx, person)?;
                out.print(&log, || {
                    if log.is_empty() {
                        return "Ingen adgang registreret.".into();
                    }
                    log.iter()
                        .map(|e| {
                            format!(
                                "{}  {:<6} {:<28} {:<28} {:<10} {}",
                                e.at,
                                e.initials,
                                e.staff,
                                e.unit,
                                action_label(&e.action),
                                e.what.as_deref().unwrap_or("")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            AuditCmd::List { from, to, staff: who, action, before, limit } => {
                let q = AuditQuery {
                    from: from.as_deref().map(|s| parse_date(s, "from")).transpose()?,
                    to: to.as_deref().map(|s| parse_date(s, "to")).transpose()?,
                    staff: who.as_deref().map(|s| j.staff_by_initials(s)).transpose()?,
                    action,
                    before,
                    limit,
                };
                let page = j.audit_page(&ctx, &q)?;
                out.print(&page, || {
                    let mut s = page
                        .entries
                        .iter()
                        .map(|e| {
                            format!(
                                "{:>7}  {}  {:<6} {:<18} {:<28} {}",
                                e.seq,
                                e.at,
                                e.initials,
                                e.action_label,
                                e.person.as_deref().unwrap_or(""),
                                e.entity_label.as_deref().unwrap_or("")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    if page.entries.is_empty() {
                        s = "Ingen poster.".into();
                    }
                    if let Some(b) = page.next_before {
                        s.push_str(&format!("\nFlere poster: --before {b}"));
                    }
                    s
                });
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum RetentionCmd {
    /// Klienter, hvis seneste notat er ældre end opbevaringsperioden.
    List {
        #[arg(long, default_value_t = 10)]
        years: u32,
    },
    /// Slet én udløbet klients hele journal (et spor bliver i adgangsloggen).
    Delete {
        id: String,
        #[arg(long, default_value_t = 10)]
        years: u32,
    },
}

impl RetentionCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            RetentionCmd::List { years } => {
                let list = j.expired(&ctx, years, ctx.clock.today())?;
                out.print(&list, || {
                    if list.is_empty() {
                        return format!("Ingen journaler er ældre end {years} år efter sidste notat.");
                    }
                    list.iter()
                        .map(|e| format!("{}  {:<28} sidste notat {}", e.client_id, e.name, d(e.last_entry)))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            RetentionCmd::Delete { id: cid, years } => {
                let n = j.delete_expired(&ctx, id(&cid, "id")?, years)?;
                out.done(&format!("Journalen er slettet ({n} rækker). Sletningen står i adgangsloggen."));
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum PersonCmd {
    /// Udskriv alt om en klient og adgangsloggen (med --pdf også som PDF-fil).
    Report {
        id: String,
        /// Write the report as PDF to this new file too.
        #[arg(long)]
        pdf: Option<std::path::PathBuf>,
    },
}

impl PersonCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            PersonCmd::Report { id: cid, pdf } => {
                let client = id(&cid, "id")?;
                let report = j.person_report(&ctx, client)?;
                if let Some(f) = pdf {
                    let bytes = tovholder::report::pdf::person_report_pdf(&report, &j.unit_name()?)?;
                    j.log_report_export(&ctx, ReportFile::Insight, &[client], "pdf")?;
                    std::fs::write(&f, bytes)?;
                }
                env.out.print(&report, || tovholder::report::insight::report_text(&report));
            }
        }
        Ok(())
    }
}
