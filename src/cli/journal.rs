//! The journal file itself: `init`, `demo`, `codes`, `settings`, `backup`,
//! `restore`, and the recovery key's `recover` and `key raw`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use tovholder::demo::DEMO_PASSWORD;
use tovholder::error::{Error, Invalid};
use tovholder::model::*;
use tovholder::security::keys::Secret;
use tovholder::store::ClientFilter;
use tovholder::{Journal, Setup};

use super::clients::client_table;
use super::shared::{kdf, login_password, new_password, read_journal_file, Env};

#[derive(Args)]
pub struct InitArgs {
    #[arg(long)]
    site_name: String,
    #[arg(long)]
    unit_name: String,
    #[arg(long, default_value = "0320")]
    municipality: String,
    #[arg(long, default_value = "alcohol")]
    unit_kind: String,
    /// The first user's name.
    #[arg(long)]
    name: String,
    #[arg(long)]
    initials: String,
    #[arg(long, default_value = "administrator")]
    role: String,
}

impl InitArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let path = &env.path;
        let setup = Setup {
            site_name: self.site_name,
            unit: UnitRecord { id: None, municipality: self.municipality, kind: self.unit_kind, name: self.unit_name },
            first_staff: StaffRecord {
                id: None,
                unit_id: UnitId::new(),
                name: self.name,
                initials: self.initials.clone(),
                role: self.role,
            },
        };
        let pw = new_password("TOVHOLDER_PASSWORD", &self.initials)?;
        let (j, _, recovery) = Journal::create_keyed(path, &setup, &pw, env.clock.clone(), kdf())?;
        env.out.print(&serde_json::json!({ "journal": path, "site": j.site().to_string(), "recovery_key": recovery.expose() }), || {
            format!(
                "Journalen er oprettet og krypteret: {}\nLog ind som {} med den valgte adgangskode.\n\nGendannelsesnøgle (vises kun nu; skriv den ned og opbevar den sikkert):\n  {}",
                path.display(),
                self.initials.to_uppercase(),
                recovery.expose()
            )
        });
        Ok(())
    }
}

#[derive(Args)]
pub struct DemoArgs {
    /// Another journal file in the JSON format to start from.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Replace an existing journal file.
    #[arg(long)]
    force: bool,
}

impl DemoArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let path = &env.path;
        let data: JournalFile = match &self.file {
            Some(f) => read_journal_file(f)?,
            None => tovholder::demo::demo_file()?,
        };
        if self.force {
            tovholder::store::remove_journal_files(path, true);
        }
        let demo = tovholder::demo::make_demo(path, &data, &Secret::new(DEMO_PASSWORD), env.clock.clone(), kdf())?;
        let (mut j, ctx, recovery, summary) = (demo.journal, demo.ctx, demo.recovery, demo.summary);
        let clients = j.client_list(&ctx, "", &ClientFilter::default(), 1000)?;
        let logins: Vec<String> =
            data.staff.iter().map(|s| format!("{} ({}, {})", s.initials, s.name, s.role)).collect();
        env.out.print(&serde_json::json!({ "journal": path, "import": summary, "clients": clients, "recovery_key": recovery.expose() }), || {
            let mut s = format!(
                "Demojournalen er oprettet og krypteret: {} ({} rækker, fiktive personer).\nBrugere (adgangskode «{DEMO_PASSWORD}»): {}\nGendannelsesnøgle: {}\n\n",
                path.display(),
                summary.inserted,
                logins.join(", "),
                recovery.expose()
            );
            s.push_str(&client_table(&clients));
            s
        });
        Ok(())
    }
}

#[derive(Args)]
pub struct CodesArgs {
    list: Option<String>,
}

impl CodesArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (j, _) = env.open()?;
        let out = &env.out;
        match self.list {
            None => {
                let lists: Vec<_> = CodeList::ALL.iter().map(|l| (l.name(), l.label())).collect();
                out.print(&lists, || lists.iter().map(|(n, l)| format!("{n:<20} {l}")).collect::<Vec<_>>().join("\n"));
            }
            Some(name) => {
                let l = CodeList::from_name(&name).ok_or_else(|| Invalid::UnknownCode {
                    list: CodeList::ReviewQuestion,
                    code: name.clone(),
                    field: "list",
                })?;
                let codes = j.code_list(l)?;
                out.print(&codes, || {
                    codes.iter().map(|c| format!("{:<22} {}", c.code, c.label)).collect::<Vec<_>>().join("\n")
                });
            }
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct MunicipalitiesArgs {}

impl MunicipalitiesArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let list = tovholder::store::municipalities()?;
        env.out.print(&list, || list.iter().map(|c| format!("{}  {}", c.code, c.label)).collect::<Vec<_>>().join("\n"));
        Ok(())
    }
}

#[derive(Args)]
pub struct RecoverArgs {
    #[arg(long)]
    recovery_key: String,
    #[arg(long)]
    name: String,
    #[arg(long)]
    initials: String,
}

impl RecoverArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let pw = new_password("TOVHOLDER_NEW_PASSWORD", &self.initials)?;
        let admin = StaffRecord {
            id: None,
            unit_id: UnitId::new(),
            name: self.name,
            initials: self.initials.clone(),
            role: "administrator".into(),
        };
        Journal::recover(&env.path, &Secret::new(self.recovery_key), &admin, &pw, env.clock.clone(), kdf())?;
        env.out.done(&format!("Ny administrator {} er oprettet.", self.initials.to_uppercase()));
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Udskriv journalens rå databasenøgle (til `PRAGMA key = "x'<nøgle>'"` i
    /// en almindelig SQLCipher-klient), låst op med gendannelsesnøglen.
    Raw {
        #[arg(long)]
        recovery_key: String,
    },
}

impl KeyCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        match self {
            KeyCmd::Raw { recovery_key } => {
                let hex = tovholder::security::raw_key_from_recovery(&env.path, &Secret::new(recovery_key))?;
                println!("{}", hex.as_str());
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum SettingsCmd {
    /// Minutter uden brug, før skrivebordsprogrammet låses: vises, eller sættes
    /// med MINUTES (leder eller administrator).
    Idle { minutes: Option<u32> },
}

impl SettingsCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            SettingsCmd::Idle { minutes } => {
                if let Some(m) = minutes {
                    j.set_idle_minutes(&ctx, m)?;
                }
                let m = j.idle_minutes()?;
                env.out.print(&serde_json::json!({ "idle_minutes": m }), || {
                    format!("Tovholder låses efter {m} minutter uden brug.")
                });
            }
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct BackupArgs {
    #[arg(long, short)]
    out: PathBuf,
}

impl BackupArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let info = j.backup(&ctx, &self.out)?;
        env.out.print(&info, || {
            format!(
                "Krypteret sikkerhedskopi skrevet: {} ({} byte) og nøglefilen ved siden af.",
                info.journal.display(),
                info.bytes
            )
        });
        Ok(())
    }
}

#[derive(Args)]
pub struct RestoreArgs {
    backup: PathBuf,
}

impl RestoreArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let login = env.login()?;
        let pw = login_password(&login)?;
        tovholder::security::backup::restore(&self.backup, &env.path, &login, &pw, env.clock.clone())?;
        env.out.done(&format!("Sikkerhedskopien er genskabt i {}.", env.path.display()));
        Ok(())
    }
}
