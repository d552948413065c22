//! The `tovholder` command tree: the global options, the list of commands
//! and one file per command group, by area. A handler opens the journal,
//! calls the core and prints the result; no rules live here.
//!
//! These are modules of the binary, not of the library: the CLI is a client
//! of the core's public API, held to the same rules as the desktop app, and
//! clap, the terminal and printing stay out of the library.
//!
//! Adding a command group: write `src/cli/NAME.rs` with a clap `Subcommand`
//! enum (every variant with a one-line Danish `///` about) and an inherent
//! `fn run(self, env: &Env) -> Result<(), Error>` that starts with
//! `env.open()?` when it needs the journal; then add `mod NAME;` below and
//! one entry, with its Danish about, to the `commands!` list. Shared helpers
//! (ids, dates, passwords, printing) are in `shared.rs`: use them, do not
//! copy them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use tovholder::error::Error;

mod bench;
mod bundle;
mod care;
mod check;
mod clients;
mod exchange;
mod family;
mod groups;
mod journal;
mod organisation;
mod reports;
mod security;
mod shared;
mod sync;

use shared::{clock, Env, Out};

#[derive(Parser)]
#[command(name = "tovholder", version, about = "Tovholder: journal for alkoholbehandling og familieafdelinger")]
pub struct Cli {
    /// The journal file.
    #[arg(long, short = 'j', global = true, env = "TOVHOLDER_JOURNAL", default_value = "tovholder.journal")]
    journal: PathBuf,
    /// Act as this member of staff (initials). Default: the journal's first user.
    #[arg(long = "as", global = true, env = "TOVHOLDER_USER")]
    as_user: Option<String>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// Run the parsed command line. An error is the core's (or the input's)
/// Danish message with its code; the journal is then unchanged.
pub fn run(cli: Cli) -> Result<(), Error> {
    tovholder::store::on_busy_wait(|| eprintln!("{}", tovholder::store::BUSY_MESSAGE));
    let env = Env { out: Out { json: cli.json }, clock: clock()?, path: cli.journal, as_user: cli.as_user };
    cli.command.run(&env)
}

/// The command enum and its dispatch from one list: each entry is a variant
/// (in `--help` order) whose payload has `fn run(self, &Env)`.
macro_rules! commands {
    ($( $(#[$attr:meta])* $variant:ident($payload:ty), )*) => {
        #[derive(Subcommand)]
        enum Command {
            $( $(#[$attr])* $variant($payload), )*
        }

        impl Command {
            fn run(self, env: &Env) -> Result<(), Error> {
                match self {
                    $( Command::$variant(c) => c.run(env), )*
                }
            }
        }
    };
}

commands! {
    /// Opret en ny, tom og krypteret journal.
    Init(journal::InitArgs),
    /// Opret en krypteret journal med de fiktive demodata (fixtures/demo.json).
    Demo(journal::DemoArgs),
    /// Indlæs en hel journalfil (JSON-formatet, docs/journal-format.md).
    Import(exchange::ImportArgs),
    /// Udskriv hele journalen som JSON.
    Export(exchange::ExportArgs),
    /// Vis kodelister (alle listernes navne uden argument).
    Codes(journal::CodesArgs),
    /// Kommunerne, en ny journal kan vælge imellem (kræver ingen journal).
    Municipalities(journal::MunicipalitiesArgs),
    /// Enheder: opret en enhed, vis enhederne.
    #[command(subcommand)]
    Unit(organisation::UnitCmd),
    /// Medarbejdere: opret en medarbejder, vis medarbejderne.
    #[command(subcommand)]
    Staff(organisation::StaffCmd),
    /// Klienter: opret, ret, søg og vis en klients journal.
    #[command(subcommand)]
    Client(clients::ClientCmd),
    /// En ny klient og den første henvendelse i ét trin (begge eller ingen).
    Intake(clients::IntakeArgs),
    /// Børn: registrér et barn, knyt det til en voksen, skriv en nødplan.
    #[command(subcommand)]
    Child(family::ChildCmd),
    /// Henvendelser: ny henvendelse, informationssamtale, udfald, venteliste.
    #[command(subcommand)]
    Referral(clients::ReferralCmd),
    /// Forløb: indskrivning, start, efterbehandling, afslutning, evaluering.
    #[command(subcommand)]
    Course(care::CourseCmd),
    /// Udredninger i et forløb.
    #[command(subcommand)]
    Assessment(care::AssessmentCmd),
    /// Behandlingsplaner: en ny version, alle versioner.
    #[command(subcommand)]
    Plan(care::PlanCmd),
    /// Medicinering: start og stop.
    #[command(subcommand)]
    Medication(care::MedicationCmd),
    /// Samtaler: book eller registrér en samtale, registrér fremmødet.
    #[command(subcommand)]
    Session(care::SessionCmd),
    /// Notater: skriv, ret og søg.
    #[command(subcommand)]
    Note(care::NoteCmd),
    /// Underretninger om børn: opret, registrér svaret, vis de ubesvarede.
    #[command(subcommand)]
    Notification(family::NotificationCmd),
    /// Samtykker: giv et samtykke, træk det tilbage.
    #[command(subcommand)]
    Consent(care::ConsentCmd),
    /// Sagsmøder om børnene: listen, et afholdt møde, én beslutning.
    #[command(subcommand)]
    Review(family::ReviewCmd),
    /// Grupper: børne- og ungegrupper, pårørende, tilbagefaldsforebyggelse, mindfulness.
    #[command(subcommand)]
    Group(groups::GroupCmd),
    /// Genererede, fiktive journaler til test og måling.
    #[command(subcommand)]
    Fixtures(bench::FixturesCmd),
    /// Logins: giv en medarbejder en adgangskode, skift din egen, fjern et login.
    #[command(subcommand)]
    User(security::UserCmd),
    /// Brug gendannelsesnøglen til at oprette en ny administrator.
    Recover(journal::RecoverArgs),
    /// Nødadgang med almindelige SQLCipher-værktøjer.
    #[command(subcommand)]
    Key(journal::KeyCmd),
    /// Adgangsloggen (kun leder).
    #[command(subcommand)]
    Audit(security::AuditCmd),
    /// Denne installations lokale indstillinger.
    #[command(subcommand)]
    Settings(journal::SettingsCmd),
    /// Skriv en krypteret sikkerhedskopi (journal og nøglefil) til en ny fil.
    Backup(journal::BackupArgs),
    /// Genskab en sikkerhedskopi som en ny journalfil (den, --journal angiver).
    Restore(journal::RestoreArgs),
    /// Journaler ud over opbevaringsperioden (kun leder).
    #[command(subcommand)]
    Retention(security::RetentionCmd),
    /// Åbne konflikter fra udvekslingen med partneren: vis dem, løs én.
    Conflicts(sync::ConflictsArgs),
    /// Denne installation: stedkortet til partneren, nøglen til en nødåbning.
    #[command(subcommand)]
    Site(bundle::SiteCmd),
    /// Partnerinstallationer: registrér en fra dens stedkort, vis dem.
    #[command(subcommand)]
    Partner(bundle::PartnerCmd),
    /// Bundter til og fra partneren (den månedlige overlevering på USB-stik).
    #[command(subcommand)]
    Bundle(bundle::BundleCmd),
    /// Ændringer til og fra en partnerinstallation som JSON (til test).
    #[command(subcommand)]
    Changes(sync::ChangesCmd),
    /// Alt, hvad der er registreret om én person, og hvem der har set det (indsigt).
    #[command(subcommand)]
    Person(security::PersonCmd),
    /// Rapporter til lederen: årsrapport, ventetid, NAB-udtræk, afregning.
    #[command(subcommand)]
    Report(reports::ReportCmd),
    /// Mål søgning, journal og indlæsning på en genereret journal.
    Bench(bench::BenchArgs),
    /// Mål eksport og indlæsning af én stor bundle (100.000 ændringer).
    BenchBundle(bench::BenchBundleArgs),
    /// Kontrollér journalen: nøglefil, alle sider, struktur og adgangslog (leder, administrator).
    Check(check::CheckArgs),
}
