//! `tovholder`: the command line over the core. Parses arguments (clap),
//! calls one core function, prints the result in Danish (or JSON with
//! `--json`). No rules live here: a failed command prints the core's Danish
//! message with its code and exits non-zero, and the journal is unchanged.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use tovholder::error::{Error, Invalid};
use tovholder::model::time::{danish, parse_date};
use tovholder::model::views::*;
use tovholder::model::*;
use tovholder::security::keys::{KdfParams, Keyring, Secret};
use tovholder::store::ClientFilter;
use tovholder::{Ctx, Journal, Setup};

#[derive(Parser)]
#[command(name = "tovholder", version, about = "Tovholder: journal for alkoholbehandling og familieafdelinger")]
struct Cli {
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

#[derive(Subcommand)]
enum Command {
    /// Create a new, empty journal.
    Init(InitArgs),
    /// Create a journal filled with the fictional demo data (fixtures/demo.json).
    Demo {
        /// Another journal file in the JSON format to start from.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Replace an existing journal file.
        #[arg(long)]
        force: bool,
    },
    /// Import a whole journal file (JSON format, docs/journal-format.md).
    Import { file: PathBuf },
    /// Export the whole journal as JSON.
    Export {
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Show code lists (all list names without an argument).
    Codes { list: Option<String> },
    #[command(subcommand)]
    Unit(UnitCmd),
    #[command(subcommand)]
    Staff(StaffCmd),
    #[command(subcommand)]
    Client(ClientCmd),
    /// A new client and their first referral in one step (both or neither).
    Intake {
        #[command(flatten)]
        client: ClientFields,
        #[command(flatten)]
        referral: ReferralFields,
    },
    #[command(subcommand)]
    Child(ChildCmd),
    #[command(subcommand)]
    Referral(ReferralCmd),
    #[command(subcommand)]
    Course(CourseCmd),
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    #[command(subcommand)]
    Plan(PlanCmd),
    #[command(subcommand)]
    Medication(MedicationCmd),
    #[command(subcommand)]
    Session(SessionCmd),
    #[command(subcommand)]
    Note(NoteCmd),
    #[command(subcommand)]
    Notification(NotificationCmd),
    #[command(subcommand)]
    Consent(ConsentCmd),
    #[command(subcommand)]
    Review(ReviewCmd),
    /// Groups: children's and youth groups, relatives, relapse prevention, mindfulness.
    #[command(subcommand)]
    Group(GroupCmd),
    #[command(subcommand)]
    Fixtures(FixturesCmd),
    /// Logins: give staff a password, change your own, take a login away.
    #[command(subcommand)]
    User(UserCmd),
    /// Use the recovery key to make a new administrator.
    Recover {
        #[arg(long)]
        recovery_key: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        initials: String,
    },
    /// Emergency access with standard SQLCipher tools.
    #[command(subcommand)]
    Key(KeyCmd),
    /// The audit log (leader only).
    #[command(subcommand)]
    Audit(AuditCmd),
    /// This installation's local settings.
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Write an encrypted backup (journal + keyring) to a new file.
    Backup {
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Restore a backup to a new journal file (the journal given by --journal).
    Restore { backup: PathBuf },
    /// Records past their retention period (leader only).
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// Everything held about one person, with who has looked at it (indsigt).
    #[command(subcommand)]
    Person(PersonCmd),
    /// Reports for the leader: annual report, waiting time, NAB extract, settlement.
    #[command(subcommand)]
    Report(ReportCmd),
    /// Measure search, record and load speed on a generated journal.
    Bench(BenchArgs),
}

#[derive(Args)]
struct InitArgs {
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

#[derive(Subcommand)]
enum UnitCmd {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        kind: String,
    },
    List,
}

/// A member of staff's own fields.
#[derive(Args)]
struct StaffFields {
    #[arg(long)]
    name: String,
    #[arg(long)]
    initials: String,
    #[arg(long)]
    role: String,
    /// Unit id; this site's unit when left out.
    #[arg(long)]
    unit: Option<String>,
}

impl StaffFields {
    fn record(self, j: &Journal) -> Result<StaffRecord, Error> {
        let StaffFields { name, initials, role, unit } = self;
        let unit_id = opt_id(&unit, "unit")?.unwrap_or(j.unit());
        Ok(StaffRecord { id: None, unit_id, name, initials, role })
    }
}

#[derive(Subcommand)]
enum StaffCmd {
    Add(StaffFields),
    List,
}

#[derive(Args)]
struct ClientFields {
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

#[derive(Subcommand)]
enum ClientCmd {
    Add(ClientFields),
    /// Change a client's details.
    Update {
        id: String,
        #[command(flatten)]
        fields: ClientFields,
    },
    /// List clients, optionally searching by name or CPR prefix.
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
    /// Show a client's whole record.
    Show {
        id: String,
    },
}

/// A child's link to an adult: the family questions.
#[derive(Args)]
struct LinkFields {
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
enum ChildCmd {
    /// Register a child and link it to an adult client (the family questions).
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
    /// Link a registered child to another adult client.
    Link {
        #[arg(long)]
        child: String,
        #[arg(long)]
        client: String,
        #[command(flatten)]
        link: LinkFields,
    },
    /// Write a new revision of a child's emergency plan (nødplan).
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

/// A referral's own fields (the client is given apart).
#[derive(Args)]
struct ReferralFields {
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

#[derive(Subcommand)]
enum ReferralCmd {
    /// A new referral for a registered client (a returning client).
    Add {
        #[arg(long)]
        client: String,
        #[command(flatten)]
        fields: ReferralFields,
    },
    /// Record that the information talk was held.
    InfoTalk {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// End a referral without a course (declined, referred_elsewhere, no_show).
    Outcome { id: String, outcome: String },
    /// People waiting for treatment, oldest first, with the 14-day deadline.
    Waiting,
}

#[derive(Subcommand)]
enum CourseCmd {
    /// Enrol a client in a course.
    Enrol {
        #[arg(long)]
        client: String,
        #[arg(long)]
        referral: Option<String>,
        #[arg(long, default_value = "alcohol")]
        kind: String,
        #[arg(long, default_value = "ambulant")]
        setting: String,
        #[arg(long)]
        enrolled_on: Option<String>,
        /// Treatment start; the course waits until it has one.
        #[arg(long)]
        start_on: Option<String>,
        /// Case owner's initials; the acting user when left out.
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        paying_municipality: Option<String>,
    },
    Start {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
    FollowUp {
        id: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Close with the end date and NAB end reason.
    Close {
        id: String,
        #[arg(long)]
        end_on: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Write the mid-way or final evaluation.
    Evaluate {
        id: String,
        /// midway or final
        #[arg(long)]
        kind: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        text: String,
    },
}

#[derive(Subcommand)]
enum AssessmentCmd {
    Add {
        #[arg(long)]
        course: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        audit: Option<i64>,
        #[arg(long)]
        units_per_week: Option<i64>,
        #[arg(long, value_delimiter = ',')]
        side_abuse: Vec<String>,
        #[arg(long)]
        income: Option<String>,
        #[arg(long)]
        housing: Option<String>,
        #[arg(long, value_delimiter = ',')]
        children: Vec<String>,
        #[arg(long)]
        pregnant: Option<bool>,
        #[arg(long)]
        violence: Option<bool>,
        #[arg(long)]
        psychiatric: Option<bool>,
        #[arg(long)]
        remarks: Option<String>,
    },
}

#[derive(Subcommand)]
enum PlanCmd {
    /// Write a new revision of the course's treatment plan.
    Revise {
        #[arg(long)]
        course: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        goals: String,
        #[arg(long, value_delimiter = ',')]
        elements: Vec<String>,
        #[arg(long)]
        medication: Option<String>,
        #[arg(long)]
        family: Option<String>,
        #[arg(long)]
        midway_on: Option<String>,
        #[arg(long)]
        final_on: Option<String>,
    },
    /// Every revision of a course's plan, oldest first.
    History { course: String },
}

#[derive(Subcommand)]
enum MedicationCmd {
    Start {
        #[arg(long)]
        course: String,
        #[arg(long)]
        drug: String,
        #[arg(long)]
        dose: String,
        #[arg(long)]
        on: Option<String>,
    },
    Stop {
        id: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum SessionCmd {
    /// Book or record a session. Without --attendance it is only booked.
    Add {
        #[arg(long)]
        course: Option<String>,
        #[arg(long, default_value = "individual")]
        kind: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        time: Option<String>,
        #[arg(long)]
        minutes: Option<i64>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        attendance: Option<String>,
        /// Client ids taking part.
        #[arg(long = "client")]
        clients: Vec<String>,
        /// Child ids taking part.
        #[arg(long = "child")]
        children: Vec<String>,
        /// Staff initials taking part (the acting user when none is given).
        #[arg(long = "staff")]
        staff: Vec<String>,
        /// Outside people by name.
        #[arg(long = "external")]
        external: Vec<String>,
    },
    /// Record attendance of a booked session.
    Attendance { id: String, attendance: String },
}

#[derive(Subcommand)]
enum NoteCmd {
    Add {
        #[arg(long)]
        client: String,
        #[arg(long)]
        course: Option<String>,
        #[arg(long)]
        session: Option<String>,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        internal: bool,
        #[arg(long)]
        text: String,
    },
    /// Correct a note; the original stays readable.
    Correct {
        id: String,
        #[arg(long)]
        text: String,
        /// Mark the original as made in error instead of correcting it.
        #[arg(long)]
        error: bool,
        #[arg(long)]
        on: Option<String>,
    },
    /// Full-text search of notes.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum NotificationCmd {
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
    Answer {
        id: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        answer: String,
    },
    /// Notifications without an answer, oldest first.
    Open,
}

#[derive(Subcommand)]
enum ConsentCmd {
    Give {
        #[arg(long)]
        client: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        remarks: Option<String>,
    },
    Withdraw {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
}

#[derive(Subcommand)]
enum GroupCmd {
    /// The groups, newest first.
    List,
    /// One group: its members and their attendance by meeting.
    Show { id: String },
    /// Start a group (kind from the code list group_kind).
    New {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        start: Option<String>,
    },
    /// Add a client or a child to a group.
    Join {
        group: String,
        #[arg(long, conflicts_with = "child")]
        client: Option<String>,
        #[arg(long)]
        child: Option<String>,
        #[arg(long)]
        on: Option<String>,
    },
    /// Record one meeting: `--attendance MEMBER=CODE` for each member.
    Meeting {
        group: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long = "attendance", required = true)]
        attendance: Vec<String>,
    },
    /// A member leaves the group.
    Leave {
        member: String,
        #[arg(long)]
        on: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReviewCmd {
    /// The case-review list: active clients with children under 18.
    List {
        #[arg(long)]
        on: Option<String>,
        /// Write it as a printable PDF form to this file.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Record a held review from a JSON file (docs/journal-format.md, case_reviews).
    Record {
        file: PathBuf,
    },
    /// Record one child's item at a review held today.
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
    Show {
        id: String,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Give a member of staff a login, or a new password (administrator).
    /// The password is read from TOVHOLDER_NEW_PASSWORD or asked for.
    Add { initials: String },
    /// Add a new member of staff with a login in one step (administrator).
    /// The password is read from TOVHOLDER_NEW_PASSWORD or asked for.
    New(StaffFields),
    /// Every member of staff with role, unit, active and login (administrator).
    List,
    /// Change your own password (TOVHOLDER_NEW_PASSWORD or asked for).
    Password,
    /// Take a login away; the member of staff becomes inactive.
    Remove { initials: String },
}

#[derive(Subcommand)]
enum KeyCmd {
    /// Print the journal's raw database key (for `PRAGMA key = "x'<key>'"` in
    /// a standard SQLCipher client), unlocked with the recovery key.
    Raw {
        #[arg(long)]
        recovery_key: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the audit log's hash chain.
    Verify,
    /// Who has looked at a person's record, when and why.
    Person { id: String },
    /// The log, newest first, a page at a time (leader only).
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

#[derive(Subcommand)]
enum SettingsCmd {
    /// Minutes without use before the desktop app locks: shown, or set with
    /// MINUTES (leader or administrator).
    Idle { minutes: Option<u32> },
}

#[derive(Subcommand)]
enum RetentionCmd {
    /// Clients whose last entry is older than the retention period.
    List {
        #[arg(long, default_value_t = 10)]
        years: u32,
    },
    /// Delete one expired client's whole record (an audit trace remains).
    Delete {
        id: String,
        #[arg(long, default_value_t = 10)]
        years: u32,
    },
}

#[derive(Subcommand)]
enum ReportCmd {
    /// The annual report's tables (counts 1-4 shown as <5).
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
    /// Days from referral to treatment start; who waits now.
    Waiting {
        #[arg(long)]
        year: i32,
    },
    /// The NAB register extract as CSV (refused, naming every incomplete course).
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
    /// The monthly settlement for the paying municipality.
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
}

#[derive(Subcommand)]
enum PersonCmd {
    /// Print everything held about a client and the access log.
    Report { id: String },
}

#[derive(Subcommand)]
enum FixturesCmd {
    /// Write a generated, fictional journal in the JSON format.
    Generate {
        #[arg(long, default_value_t = 200)]
        clients: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

#[derive(Args)]
struct BenchArgs {
    #[arg(long, default_value_t = 50_000)]
    clients: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Queries per measured operation.
    #[arg(long, default_value_t = 2000)]
    queries: usize,
    /// Where the benchmark's journals are written (a temporary folder by default).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Run on an unencrypted and an encrypted journal in the same run, and time logins.
    #[arg(long)]
    compare_encryption: bool,
}

/// The clock: `TOVHOLDER_NOW` (a date or an RFC 3339 instant) or the system's.
fn clock() -> Result<Arc<dyn Clock>, Error> {
    match std::env::var("TOVHOLDER_NOW") {
        Ok(s) if !s.trim().is_empty() => {
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
                return Ok(Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))));
            }
            let d = parse_date(&s, "TOVHOLDER_NOW")?;
            Ok(Arc::new(FixedClock::on(d)))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}

fn id<T: std::str::FromStr>(s: &str, field: &'static str) -> Result<T, Error> {
    s.parse().map_err(|_| Invalid::IdFormat { field, value: s.to_string() }.into())
}

fn opt_id<T: std::str::FromStr>(s: &Option<String>, field: &'static str) -> Result<Option<T>, Error> {
    s.as_deref().map(|s| id(s, field)).transpose()
}

fn date_or_today(s: &Option<String>, field: &'static str, ctx: &Ctx) -> Result<NaiveDate, Error> {
    match s {
        Some(s) => Ok(parse_date(s, field)?),
        None => Ok(ctx.clock.today()),
    }
}

fn opt_date(s: &Option<String>, field: &'static str) -> Result<Option<NaiveDate>, Error> {
    Ok(s.as_deref().map(|s| parse_date(s, field)).transpose()?)
}

fn opt_cpr(s: &Option<String>) -> Result<Option<Cpr>, Error> {
    Ok(s.as_deref().filter(|s| !s.trim().is_empty()).map(Cpr::parse).transpose()?)
}

fn opt_sex(s: &Option<String>) -> Result<Option<Sex>, Error> {
    match s {
        None => Ok(None),
        Some(v) => Sex::parse(v).map(Some).ok_or_else(|| Invalid::UnknownSex { value: v.clone() }.into()),
    }
}

fn client_record(f: &ClientFields) -> Result<ClientRecord, Error> {
    Ok(ClientRecord {
        id: None,
        name: f.name.clone(),
        cpr: opt_cpr(&f.cpr)?,
        anonymous: f.anonymous,
        birth_date: opt_date(&f.birth_date, "birth_date")?,
        sex: opt_sex(&f.sex)?,
        municipality: f.municipality.clone(),
        address: f.address.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
    })
}

/// Argon2id cost for new key slots. The environment variable exists so the
/// test suite need not pay for real key derivation on every slot; never set
/// it for a real journal.
fn kdf() -> KdfParams {
    let kdf = tovholder::demo::kdf_from_env();
    if kdf == KdfParams::TEST_ONLY {
        eprintln!("Advarsel: svag nøgleafledning (kun til test).");
    }
    kdf
}

/// A password from `var`, or asked for on the terminal (twice when `confirm`).
fn password(var: &str, prompt: &str, confirm: bool) -> Result<Secret, Error> {
    if let Ok(p) = std::env::var(var) {
        return Ok(Secret::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::PasswordMissing);
    }
    let first = Secret::new(rpassword::prompt_password(prompt)?);
    if confirm {
        let again = Secret::new(rpassword::prompt_password("Gentag adgangskoden: ")?);
        if again.expose() != first.expose() {
            return Err(Error::PasswordMismatch);
        }
    }
    Ok(first)
}

/// Open the journal: log in to an encrypted one (`--as` and the password),
/// or open an unencrypted one as `--as` or its first user.
fn open_session(path: &Path, as_user: &Option<String>, clock: Arc<dyn Clock>) -> Result<(Journal, Ctx), Error> {
    if Keyring::exists(path) {
        let login = as_user.clone().ok_or(Error::LoginRequired)?;
        let pw = password("TOVHOLDER_PASSWORD", &format!("Adgangskode for {}: ", login.to_uppercase()), false)?;
        return Journal::login(path, &login, &pw, clock);
    }
    let j = Journal::open(path)?;
    let staff = match as_user {
        Some(initials) => j.staff_by_initials(initials)?,
        None => j.first_staff()?,
    };
    Ok((j, Ctx::new(staff, clock)))
}

use tovholder::demo::DEMO_PASSWORD;

struct Out {
    json: bool,
}

impl Out {
    fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        let text = if self.json { serde_json::to_string_pretty(value).unwrap_or_default() } else { human() };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{text}");
    }

    fn created<T: std::fmt::Display + Serialize>(&self, what: &str, id: T) {
        self.print(&serde_json::json!({ "id": id.to_string() }), || format!("{what} oprettet: {id}"));
    }

    fn done(&self, what: &str) {
        self.print(&serde_json::json!({ "ok": true }), || what.to_string());
    }
}

fn d(date: NaiveDate) -> String {
    danish(date)
}

fn od(date: Option<NaiveDate>) -> String {
    date.map(danish).unwrap_or_else(|| "-".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Fejl [{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

fn read_journal_file(path: &Path) -> Result<JournalFile, Error> {
    let text = std::fs::read_to_string(path)?;
    tovholder::store::parse_journal_file(&text)
}

fn run(cli: Cli) -> Result<(), Error> {
    let out = Out { json: cli.json };
    let clock = clock()?;
    let path = cli.journal.clone();
    match &cli.command {
        Command::Init(a) => {
            let setup = Setup {
                site_name: a.site_name.clone(),
                unit: UnitRecord {
                    id: None,
                    municipality: a.municipality.clone(),
                    kind: a.unit_kind.clone(),
                    name: a.unit_name.clone(),
                },
                first_staff: StaffRecord {
                    id: None,
                    unit_id: UnitId::new(),
                    name: a.name.clone(),
                    initials: a.initials.clone(),
                    role: a.role.clone(),
                },
            };
            let pw =
                password("TOVHOLDER_PASSWORD", &format!("Ny adgangskode for {}: ", a.initials.to_uppercase()), true)?;
            let (j, _, recovery) = Journal::create_keyed(&path, &setup, &pw, clock, kdf())?;
            out.print(&serde_json::json!({ "journal": path, "site": j.site().to_string(), "recovery_key": recovery.expose() }), || {
                format!(
                    "Journalen er oprettet og krypteret: {}\nLog ind som {} med den valgte adgangskode.\n\nGendannelsesnøgle (vises kun nu; skriv den ned og opbevar den sikkert):\n  {}",
                    path.display(),
                    a.initials.to_uppercase(),
                    recovery.expose()
                )
            });
            return Ok(());
        }
        Command::Demo { file, force } => {
            let data: JournalFile = match file {
                Some(f) => read_journal_file(f)?,
                None => tovholder::demo::demo_file()?,
            };
            if *force {
                tovholder::store::remove_journal_files(&path, true);
            }
            let demo = tovholder::demo::make_demo(&path, &data, &Secret::new(DEMO_PASSWORD), clock.clone(), kdf())?;
            let (j, ctx, recovery, summary) = (demo.journal, demo.ctx, demo.recovery, demo.summary);
            let clients = j.search_clients("", &ClientFilter::default(), ctx.clock.today(), 1000)?;
            let logins: Vec<String> =
                data.staff.iter().map(|s| format!("{} ({}, {})", s.initials, s.name, s.role)).collect();
            out.print(&serde_json::json!({ "journal": path, "import": summary, "clients": clients, "recovery_key": recovery.expose() }), || {
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
            return Ok(());
        }
        Command::Fixtures(FixturesCmd::Generate { clients, seed, out: file }) => {
            let today = clock.today();
            let data = tovholder::fixtures::generate(*clients, *seed, today);
            let text = serde_json::to_string(&data).map_err(|_| Error::ImportFormat { line: 0, column: 0 })?;
            match file {
                Some(f) => std::fs::write(f, text)?,
                None => println!("{text}"),
            }
            return Ok(());
        }
        Command::Key(KeyCmd::Raw { recovery_key }) => {
            let hex = tovholder::security::raw_key_from_recovery(&path, &Secret::new(recovery_key.clone()))?;
            println!("{}", hex.as_str());
            return Ok(());
        }
        Command::Recover { recovery_key, name, initials } => {
            let pw =
                password("TOVHOLDER_NEW_PASSWORD", &format!("Ny adgangskode for {}: ", initials.to_uppercase()), true)?;
            let admin = StaffRecord {
                id: None,
                unit_id: UnitId::new(),
                name: name.clone(),
                initials: initials.clone(),
                role: "administrator".into(),
            };
            Journal::recover(&path, &Secret::new(recovery_key.clone()), &admin, &pw, clock, kdf())?;
            out.done(&format!("Ny administrator {} er oprettet.", initials.to_uppercase()));
            return Ok(());
        }
        Command::Restore { backup } => {
            let login = cli.as_user.clone().ok_or(Error::LoginRequired)?;
            let pw = password("TOVHOLDER_PASSWORD", &format!("Adgangskode for {}: ", login.to_uppercase()), false)?;
            tovholder::security::backup::restore(backup, &path, &login, &pw, clock)?;
            out.done(&format!("Sikkerhedskopien er genskabt i {}.", path.display()));
            return Ok(());
        }
        Command::Bench(a) => {
            let dir = match &a.dir {
                Some(d) => {
                    std::fs::create_dir_all(d)?;
                    d.clone()
                }
                None => std::env::temp_dir().join(format!("tovholder-bench-{}", std::process::id())),
            };
            std::fs::create_dir_all(&dir)?;
            let report = tovholder::bench::run_all(&tovholder::bench::Options {
                clients: a.clients,
                seed: a.seed,
                queries: a.queries,
                dir: dir.clone(),
                compare_encryption: a.compare_encryption,
            });
            if a.dir.is_none() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            let report = report?;
            out.print(&report["report"], || report["text"].as_str().unwrap_or_default().to_string());
            return Ok(());
        }
        _ => {}
    }

    let (mut j, ctx) = open_session(&path, &cli.as_user, clock)?;
    let staff = ctx.staff;
    let today = ctx.clock.today();

    match cli.command {
        Command::Init(_)
        | Command::Demo { .. }
        | Command::Fixtures(_)
        | Command::Bench(_)
        | Command::Key(_)
        | Command::Recover { .. }
        | Command::Restore { .. } => {}
        Command::Backup { out: dest } => {
            let info = j.backup(&ctx, &dest)?;
            out.print(&info, || {
                format!(
                    "Krypteret sikkerhedskopi skrevet: {} ({} byte) og nøglefilen ved siden af.",
                    info.journal.display(),
                    info.bytes
                )
            });
        }
        Command::Retention(RetentionCmd::List { years }) => {
            let list = j.expired(&ctx, years, today)?;
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
        Command::Retention(RetentionCmd::Delete { id: cid, years }) => {
            let n = j.delete_expired(&ctx, id(&cid, "id")?, years)?;
            out.done(&format!("Journalen er slettet ({n} rækker). Sletningen står i adgangsloggen."));
        }
        Command::Report(ReportCmd::Annual { year, municipality, csv, pdf }) => {
            let report = j.annual_report_for(&ctx, year, municipality.as_deref())?;
            if let Some(f) = pdf {
                let unit = j.unit_name()?;
                std::fs::write(&f, tovholder::report::pdf::annual_pdf(&report, &unit)?)?;
                out.done(&format!("Årsrapporten er skrevet som PDF til {}.", f.display()));
                return Ok(());
            }
            match csv {
                Some(f) => {
                    let text: String = report.tables.iter().map(|t| format!("{}\n{}\n", t.title, t.to_csv())).collect();
                    std::fs::write(&f, text)?;
                    out.done(&format!("Årsrapportens tabeller er skrevet til {}.", f.display()));
                }
                None => out.print(&report, || report.to_text()),
            }
        }
        Command::Report(ReportCmd::Waiting { year }) => {
            let report = j.waiting_report(&ctx, year)?;
            out.print(&report, || report.to_text());
        }
        Command::Report(ReportCmd::Nab { from, to, institution, out: file }) => {
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
        Command::Report(ReportCmd::Settlement { payer, month, csv, pdf, approve }) => {
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
        Command::Person(PersonCmd::Report { id: cid }) => {
            let report = j.person_report(&ctx, id(&cid, "id")?)?;
            out.print(&report, || {
                let mut s = format!("Indsigt: alt om én borger, udskrevet {}\n\n", d(report.made_on));
                s.push_str(&record_text(&report.record));
                s.push_str("\n\nHvem har set eller ændret journalen\n");
                for e in &report.access {
                    s.push_str(&format!(
                        "  {}  {} ({}, {})  {}{}\n",
                        e.at,
                        e.staff,
                        e.initials,
                        e.unit,
                        tovholder::security::audit::action_label(&e.action),
                        e.what.as_deref().map(|w| format!(": {w}")).unwrap_or_default()
                    ));
                }
                s
            });
        }
        Command::User(UserCmd::Add { initials }) => {
            let who = j.staff_by_initials(&initials)?;
            let pw =
                password("TOVHOLDER_NEW_PASSWORD", &format!("Ny adgangskode for {}: ", initials.to_uppercase()), true)?;
            j.set_login(&ctx, who, &pw, kdf())?;
            out.done(&format!("{} kan nu logge ind.", initials.to_uppercase()));
        }
        Command::User(UserCmd::New(fields)) => {
            let record = fields.record(&j)?;
            let initials = record.initials.clone();
            let pw =
                password("TOVHOLDER_NEW_PASSWORD", &format!("Ny adgangskode for {}: ", initials.to_uppercase()), true)?;
            let id = j.add_user(&ctx, &record, &pw, kdf())?;
            out.print(&serde_json::json!({ "id": id }), || {
                format!("{} er oprettet og kan logge ind ({id}).", initials.to_uppercase())
            });
        }
        Command::User(UserCmd::List) => {
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
        Command::Audit(AuditCmd::List { from, to, staff: who, action, before, limit }) => {
            let q = tovholder::security::audit::AuditQuery {
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
        Command::Settings(SettingsCmd::Idle { minutes }) => {
            if let Some(m) = minutes {
                j.set_idle_minutes(&ctx, m)?;
            }
            let m = j.idle_minutes()?;
            out.print(&serde_json::json!({ "idle_minutes": m }), || {
                format!("Tovholder låses efter {m} minutter uden brug.")
            });
        }
        Command::User(UserCmd::Password) => {
            let pw = password("TOVHOLDER_NEW_PASSWORD", "Ny adgangskode: ", true)?;
            j.set_login(&ctx, staff, &pw, kdf())?;
            out.done("Adgangskoden er skiftet.");
        }
        Command::User(UserCmd::Remove { initials }) => {
            let who = j.staff_by_initials(&initials)?;
            j.remove_login(&ctx, who)?;
            out.done(&format!("{} kan ikke længere logge ind.", initials.to_uppercase()));
        }
        Command::Audit(AuditCmd::Verify) => {
            let check = j.audit_check(&ctx)?;
            out.print(&check, || match check.first_broken {
                None => format!("Adgangsloggen er intakt ({} poster).", check.entries),
                Some(seq) => format!("ADVARSEL: Adgangsloggen er ændret eller beskadiget fra post nr. {seq}."),
            });
            if check.first_broken.is_some() {
                return Err(Error::AuditBroken);
            }
        }
        Command::Audit(AuditCmd::Person { id: pid }) => {
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
                            tovholder::security::audit::action_label(&e.action),
                            e.what.as_deref().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Import { file } => {
            let data = read_journal_file(&file)?;
            let s = j.import_with_progress(&ctx, &data, &mut |done, total| {
                if !out.json && total > 50_000 {
                    eprint!("\rIndlæser … {done} af {total} rækker");
                }
            })?;
            out.print(&s, || format!("Importeret: {} rækker, {} fandtes allerede.", s.inserted, s.skipped));
        }
        Command::Export { out: file } => {
            let data = j.export(&ctx)?;
            let text = serde_json::to_string_pretty(&data).map_err(|_| Error::ImportFormat { line: 0, column: 0 })?;
            match file {
                Some(f) => std::fs::write(f, text)?,
                None => println!("{text}"),
            }
        }
        Command::Codes { list } => match list {
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
        },
        Command::Unit(UnitCmd::Add { name, municipality, kind }) => {
            let id = j.add_unit(&ctx, &UnitRecord { id: None, municipality, kind, name })?;
            out.created("Enhed", id);
        }
        Command::Unit(UnitCmd::List) => {
            let units = j.unit_list()?;
            out.print(&units, || {
                units
                    .iter()
                    .map(|(id, n, k, m)| format!("{id}  {n} ({}, {})", k.label, m.label))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Staff(StaffCmd::Add(fields)) => {
            let id = j.add_staff(&ctx, &fields.record(&j)?)?;
            out.created("Medarbejder", id);
        }
        Command::Staff(StaffCmd::List) => {
            let staff = j.staff_list()?;
            out.print(&staff, || {
                staff
                    .iter()
                    .map(|s| format!("{:<6} {:<28} {:<20} {}  {}", s.initials, s.name, s.role.label, s.unit, s.id))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Client(ClientCmd::Add(f)) => {
            let id = j.add_client(&ctx, &client_record(&f)?)?;
            out.created("Klient", id);
        }
        Command::Client(ClientCmd::Update { id: cid, fields }) => {
            j.update_client(&ctx, id(&cid, "id")?, &client_record(&fields)?)?;
            out.done("Klientens oplysninger er opdateret.");
        }
        Command::Client(ClientCmd::List { search, active, with_children, mine, limit }) => {
            let filter = ClientFilter { active, with_children, case_owner: mine.then_some(staff) };
            let clients = j.client_list(&ctx, &search, &filter, limit)?;
            out.print(&clients, || client_table(&clients));
        }
        Command::Client(ClientCmd::Show { id: cid }) => {
            let record = j.client_record(&ctx, id(&cid, "id")?)?;
            out.print(&record, || record_text(&record));
        }
        Command::Child(ChildCmd::Add { client, name, birth_date, cpr, link, family_case, caseworker, concern }) => {
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
        Command::Child(ChildCmd::Link { child, client, link }) => {
            let link = link.record(id(&child, "child")?, id(&client, "client")?);
            let id = j.link_child(&ctx, &link)?;
            out.created("Tilknytning", id);
        }
        Command::Child(ChildCmd::EmergencyPlan { child, made_on, trusted_adults, plan }) => {
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
        Command::Referral(ReferralCmd::Add { client, fields }) => {
            let r = fields.record(id(&client, "client")?, &ctx)?;
            let rid = j.add_referral(&ctx, &r)?;
            let deadline = r.received_on + chrono::Days::new(14);
            out.print(&serde_json::json!({ "id": rid.to_string(), "deadline": deadline }), || {
                format!("Henvendelse oprettet: {rid}\nBehandling skal tilbydes senest {} (14 dage).", d(deadline))
            });
        }
        Command::Intake { client, referral } => {
            let r = referral.record(ClientId::default(), &ctx)?;
            let (cid, rid) = j.intake(&ctx, &client_record(&client)?, &r)?;
            let deadline = r.received_on + chrono::Days::new(14);
            out.print(
                &serde_json::json!({ "client": cid.to_string(), "referral": rid.to_string(), "deadline": deadline }),
                || {
                    format!(
                        "Klient oprettet: {cid}\nHenvendelse oprettet: {rid}\nBehandling skal tilbydes senest {} (14 dage).",
                        d(deadline)
                    )
                },
            );
        }
        Command::Referral(ReferralCmd::InfoTalk { id: rid, on }) => {
            j.record_info_talk(&ctx, id(&rid, "id")?, date_or_today(&on, "info_talk_on", &ctx)?)?;
            out.done("Informationssamtalen er registreret.");
        }
        Command::Referral(ReferralCmd::Outcome { id: rid, outcome }) => {
            j.set_referral_outcome(&ctx, id(&rid, "id")?, &outcome)?;
            out.done("Henvendelsens udfald er registreret.");
        }
        Command::Referral(ReferralCmd::Waiting) => {
            let waiting = j.waiting_referrals()?;
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
        Command::Course(CourseCmd::Enrol {
            client,
            referral,
            kind,
            setting,
            enrolled_on,
            start_on,
            owner,
            paying_municipality,
        }) => {
            let case_owner = match owner {
                Some(i) => j.staff_by_initials(&i)?,
                None => staff,
            };
            let r = CourseRecord {
                id: None,
                client_id: id(&client, "client")?,
                referral_id: opt_id(&referral, "referral")?,
                unit_id: None,
                kind,
                setting,
                enrolled_on: date_or_today(&enrolled_on, "enrolled_on", &ctx)?,
                start_on: opt_date(&start_on, "start_on")?,
                follow_up_from: None,
                end_on: None,
                end_reason: None,
                case_owner,
                paying_municipality,
            };
            let cid = j.enrol(&ctx, &r)?;
            out.created("Forløb", cid);
        }
        Command::Course(CourseCmd::Start { id: cid, on }) => {
            j.start_course(&ctx, id(&cid, "id")?, date_or_today(&on, "start_on", &ctx)?)?;
            out.done("Behandlingen er startet.");
        }
        Command::Course(CourseCmd::FollowUp { id: cid, from }) => {
            j.follow_up(&ctx, id(&cid, "id")?, date_or_today(&from, "follow_up_from", &ctx)?)?;
            out.done("Forløbet er i efterbehandling.");
        }
        Command::Course(CourseCmd::Close { id: cid, end_on, reason }) => {
            j.close_course(&ctx, id(&cid, "id")?, date_or_today(&end_on, "end_on", &ctx)?, &reason)?;
            out.done("Forløbet er afsluttet.");
        }
        Command::Course(CourseCmd::Evaluate { id: cid, kind, on, text }) => {
            let kind = match kind.as_str() {
                "midway" => EvaluationKind::Midway,
                "final" => EvaluationKind::Final,
                other => {
                    return Err(Invalid::UnknownCode {
                        list: CodeList::CourseStatus,
                        code: other.into(),
                        field: "kind",
                    }
                    .into())
                }
            };
            let r = EvaluationRecord {
                id: None,
                course_id: id(&cid, "id")?,
                kind,
                evaluated_on: date_or_today(&on, "evaluated_on", &ctx)?,
                text,
            };
            let eid = j.add_evaluation(&ctx, &r)?;
            out.created("Evaluering", eid);
        }
        Command::Assessment(AssessmentCmd::Add {
            course,
            on,
            audit,
            units_per_week,
            side_abuse,
            income,
            housing,
            children,
            pregnant,
            violence,
            psychiatric,
            remarks,
        }) => {
            let r = AssessmentRecord {
                id: None,
                course_id: id(&course, "course")?,
                assessed_on: date_or_today(&on, "assessed_on", &ctx)?,
                audit_score: audit,
                units_per_week,
                side_abuse,
                income_source: income,
                housing,
                children_situation: children,
                pregnant,
                violence,
                psychiatric,
                remarks,
            };
            let aid = j.add_assessment(&ctx, &r)?;
            out.created("Udredning", aid);
        }
        Command::Plan(PlanCmd::Revise { course, on, goals, elements, medication, family, midway_on, final_on }) => {
            let r = PlanRevisionRecord {
                id: None,
                course_id: id(&course, "course")?,
                made_on: date_or_today(&on, "made_on", &ctx)?,
                goals,
                elements,
                medication,
                family_section: family,
                midway_on: opt_date(&midway_on, "midway_on")?,
                final_on: opt_date(&final_on, "final_on")?,
            };
            let pid = j.revise_plan(&ctx, &r)?;
            out.created("Behandlingsplan (ny version)", pid);
        }
        Command::Plan(PlanCmd::History { course }) => {
            let course_id: CourseId = id(&course, "course")?;
            let client: ClientId = j
                .connection()
                .query_row("SELECT client_id FROM course WHERE id = ?1", [course_id], |r| r.get(0))
                .map_err(|_| Error::NotFound(tovholder::error::Entity::Course))?;
            let record = j.client_record(&ctx, client)?;
            let plan: Vec<PlanRevisionView> =
                record.courses.into_iter().filter(|c| c.id == course_id).flat_map(|c| c.plan).collect();
            out.print(&plan, || plan.iter().map(plan_text).collect::<Vec<_>>().join("\n"));
        }
        Command::Medication(MedicationCmd::Start { course, drug, dose, on }) => {
            let r = MedicationRecord {
                id: None,
                course_id: id(&course, "course")?,
                drug,
                dose,
                started_on: date_or_today(&on, "started_on", &ctx)?,
                started_by: staff,
                stopped_on: None,
                stopped_by: None,
                stop_reason: None,
            };
            let mid = j.start_medication(&ctx, &r)?;
            out.created("Medicinering", mid);
        }
        Command::Medication(MedicationCmd::Stop { id: mid, on, reason }) => {
            j.stop_medication(&ctx, id(&mid, "id")?, date_or_today(&on, "stopped_on", &ctx)?, reason)?;
            out.done("Medicineringen er stoppet.");
        }
        Command::Session(SessionCmd::Add {
            course,
            kind,
            on,
            time,
            minutes,
            place,
            attendance,
            clients,
            children,
            staff: staff_initials,
            external,
        }) => {
            let mut participants = Vec::new();
            for c in &clients {
                participants.push(Participant::Client(id(c, "client")?));
            }
            for c in &children {
                participants.push(Participant::Child(id(c, "child")?));
            }
            if staff_initials.is_empty() {
                participants.push(Participant::Staff(staff));
            }
            for s in &staff_initials {
                participants.push(Participant::Staff(j.staff_by_initials(s)?));
            }
            participants.extend(external.into_iter().map(Participant::External));
            let r = SessionRecord {
                id: None,
                course_id: opt_id(&course, "course")?,
                kind,
                held_on: date_or_today(&on, "held_on", &ctx)?,
                start_time: time,
                minutes,
                place,
                attendance,
                participants,
            };
            let sid = j.add_session(&ctx, &r)?;
            out.created("Samtale", sid);
        }
        Command::Session(SessionCmd::Attendance { id: sid, attendance }) => {
            j.record_attendance(&ctx, id(&sid, "id")?, &attendance)?;
            out.done("Fremmødet er registreret.");
        }
        Command::Note(NoteCmd::Add { client, course, session, on, internal, text }) => {
            let r = NoteRecord {
                id: None,
                client_id: id(&client, "client")?,
                course_id: opt_id(&course, "course")?,
                session_id: opt_id(&session, "session")?,
                kind: NoteKind::Note,
                corrects: None,
                written_on: date_or_today(&on, "written_on", &ctx)?,
                internal,
                text,
            };
            let nid = j.add_note(&ctx, &r)?;
            out.created("Notat", nid);
        }
        Command::Note(NoteCmd::Correct { id: nid, text, error, on }) => {
            let kind = if error { NoteKind::Error } else { NoteKind::Correction };
            let new = j.correct_note(&ctx, id(&nid, "id")?, kind, &text, date_or_today(&on, "written_on", &ctx)?)?;
            out.created("Rettelse", new);
        }
        Command::Note(NoteCmd::Search { query, limit }) => {
            let hits = j.search_notes(&ctx, &query, limit)?;
            out.print(&hits, || {
                if hits.is_empty() {
                    return "Ingen notater fundet.".into();
                }
                hits.iter()
                    .map(|h| format!("{}  {:<28} {}", d(h.written_on), h.client_name, h.snippet.replace('\n', " ")))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Notification(NotificationCmd::Add { child, client, on, to_unit, recipient, reason }) => {
            let r = NotificationRecord {
                id: None,
                child_id: id(&child, "child")?,
                client_id: opt_id(&client, "client")?,
                made_on: date_or_today(&on, "made_on", &ctx)?,
                made_by: staff,
                to_unit: opt_id(&to_unit, "to_unit")?,
                recipient,
                reason,
                answer_received_on: None,
                answer: None,
            };
            let nid = j.add_notification(&ctx, &r)?;
            out.created("Underretning", nid);
        }
        Command::Notification(NotificationCmd::Answer { id: nid, on, answer }) => {
            j.answer_notification(&ctx, id(&nid, "id")?, date_or_today(&on, "answer_received_on", &ctx)?, &answer)?;
            out.done("Svaret er registreret.");
        }
        Command::Notification(NotificationCmd::Open) => {
            let open = j.unanswered_notifications()?;
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
        Command::Consent(ConsentCmd::Give { client, scope, recipient, on, remarks }) => {
            let r = ConsentRecord {
                id: None,
                client_id: id(&client, "client")?,
                scope,
                recipient,
                to_unit: None,
                given_on: date_or_today(&on, "given_on", &ctx)?,
                withdrawn_on: None,
                remarks,
            };
            let cid = j.give_consent(&ctx, &r)?;
            out.created("Samtykke", cid);
        }
        Command::Consent(ConsentCmd::Withdraw { id: cid, on }) => {
            j.withdraw_consent(&ctx, id(&cid, "id")?, date_or_today(&on, "withdrawn_on", &ctx)?)?;
            out.done("Samtykket er trukket tilbage.");
        }
        Command::Group(GroupCmd::List) => {
            let groups = j.groups(&ctx)?;
            out.print(&groups, || {
                if groups.is_empty() {
                    return "Ingen grupper.".into();
                }
                groups
                    .iter()
                    .map(|g| {
                        let end = g.end_on.map(|e| format!("–{}", d(e))).unwrap_or_default();
                        format!(
                            "{}  {:<40} {:<26} {}{end}  {} deltagere, {} møder",
                            g.id,
                            g.name,
                            g.kind.label,
                            d(g.start_on),
                            g.members,
                            g.meetings
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Group(GroupCmd::Show { id: gid }) => {
            let g = j.group(&ctx, id(&gid, "id")?)?;
            out.print(&g, || {
                let mut lines = vec![format!("{} ({}), startet {}", g.name, g.kind.label, d(g.start_on))];
                for m in &g.members {
                    let who = if m.child_id.is_some() { "barn" } else { "klient" };
                    let left = m.left_on.map(|l| format!(", udmeldt {}", d(l))).unwrap_or_default();
                    lines.push(format!("  {}  {:<28} {who:<6} indmeldt {}{left}", m.id, m.name, d(m.joined_on)));
                    for a in &m.attendance {
                        lines.push(format!("      {}  {}", d(a.met_on), a.attendance.label));
                    }
                }
                lines.join("\n")
            });
        }
        Command::Group(GroupCmd::New { kind, name, start }) => {
            let r = GroupRecord {
                id: None,
                unit_id: None,
                kind,
                name,
                start_on: date_or_today(&start, "start_on", &ctx)?,
                end_on: None,
            };
            let gid = j.add_group(&ctx, &r)?;
            out.created("Gruppe", gid);
        }
        Command::Group(GroupCmd::Join { group, client, child, on }) => {
            let r = GroupMemberRecord {
                id: None,
                group_id: id(&group, "group_id")?,
                client_id: opt_id(&client, "client_id")?,
                child_id: opt_id(&child, "child_id")?,
                joined_on: date_or_today(&on, "joined_on", &ctx)?,
                left_on: None,
            };
            let mid = j.add_group_member(&ctx, &r)?;
            out.created("Gruppedeltager", mid);
        }
        Command::Group(GroupCmd::Meeting { group, on, attendance }) => {
            let mut rows = Vec::with_capacity(attendance.len());
            for a in &attendance {
                let (member, code) = a.split_once('=').unwrap_or((a.as_str(), ""));
                rows.push((id(member, "member_id")?, code.to_string()));
            }
            let on = date_or_today(&on, "met_on", &ctx)?;
            j.record_group_meeting(&ctx, id(&group, "group_id")?, on, &rows)?;
            out.done("Fremmødet er registreret.");
        }
        Command::Group(GroupCmd::Leave { member, on }) => {
            j.leave_group(&ctx, id(&member, "member_id")?, date_or_today(&on, "left_on", &ctx)?)?;
            out.done("Deltageren er meldt ud af gruppen.");
        }
        Command::Review(ReviewCmd::List { on, pdf }) => {
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
        Command::Review(ReviewCmd::Record { file }) => {
            let text = std::fs::read_to_string(&file)?;
            let r: CaseReviewRecord = serde_json::from_str(&text)?;
            let rid = j.record_case_review(&ctx, &r)?;
            out.created("Sagsmøde", rid);
        }
        Command::Review(ReviewCmd::Decide { client, child, decision, answers, on }) => {
            let mut map = std::collections::BTreeMap::new();
            for a in answers {
                let (q, text) = a.split_once('=').ok_or(Invalid::UnknownQuestion { code: a.clone() })?;
                map.insert(q.trim().to_string(), text.trim().to_string());
            }
            let r = CaseReviewRecord {
                id: None,
                unit_id: None,
                held_on: date_or_today(&on, "held_on", &ctx)?,
                led_by: staff,
                items: vec![CaseReviewItemRecord {
                    id: None,
                    client_id: id(&client, "client")?,
                    child_id: id(&child, "child")?,
                    answers: map,
                    decision,
                    responsible: Some(staff),
                }],
            };
            let rid = j.record_case_review(&ctx, &r)?;
            out.created("Sagsmøde", rid);
        }
        Command::Review(ReviewCmd::Show { id: rid }) => {
            let review = j.case_review(id(&rid, "id")?)?;
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

fn client_table(clients: &[ClientSummary]) -> String {
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

fn plan_text(p: &PlanRevisionView) -> String {
    let mut s = format!(
        "Version {} af {} ({}, {})\n  Mål: {}\n",
        p.revision,
        d(p.made_on),
        p.stamp.created_by,
        p.stamp.created_at,
        p.goals
    );
    if !p.elements.is_empty() {
        s.push_str(&format!(
            "  Indsatser: {}\n",
            p.elements.iter().map(|e| e.label.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(m) = &p.medication {
        s.push_str(&format!("  Medicin: {m}\n"));
    }
    if let Some(f) = &p.family_section {
        s.push_str(&format!("  Familie: {f}\n"));
    }
    if p.midway_on.is_some() || p.final_on.is_some() {
        s.push_str(&format!("  Midtvejsevaluering {}, slutevaluering {}\n", od(p.midway_on), od(p.final_on)));
    }
    s
}

fn record_text(r: &FullRecord) -> String {
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
