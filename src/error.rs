//! The core's one error type.
//!
//! Every error has a stable `code()` (what programs and the UI match on) and a
//! Danish `Display` (what a person reads). Messages never contain personal
//! data, SQL or keys: a CPR number that failed validation is not repeated back.

use std::path::PathBuf;

use crate::model::codes::CodeList;

/// A broken rule of the journal: the input is refused and nothing is written.
/// Each variant says when it happens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// A required text field is empty.
    #[error("{} skal udfyldes.", field_label(.field))]
    Required { field: &'static str },
    /// A CPR number is not ten digits (a dash after the sixth is allowed), or
    /// a substitute number has letters outside positions 8-9.
    #[error("CPR-nummeret skal have formen ddmmåå-xxxx.")]
    CprFormat { field: &'static str },
    /// A CPR number's first six digits are not a real date.
    #[error("CPR-nummeret indeholder ikke en gyldig fødselsdato.")]
    CprDate { field: &'static str },
    /// A given birth date or sex disagrees with the CPR number.
    #[error("{} passer ikke med CPR-nummeret.", field_label(.field))]
    CprMismatch { field: &'static str },
    /// A date typed by a person cannot be read.
    #[error("«{value}» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå.")]
    DateFormat { field: &'static str, value: String },
    /// A time of day cannot be read.
    #[error("«{value}» er ikke et gyldigt klokkeslæt. Skriv det som tt:mm.")]
    TimeFormat { field: &'static str, value: String },
    /// An amount cannot be read as kroner and øre.
    #[error("«{value}» er ikke et gyldigt beløb. Skriv fx 1.234,50.")]
    MoneyFormat { field: &'static str, value: String },
    /// An id cannot be read.
    #[error("«{value}» er ikke et gyldigt id.")]
    IdFormat { field: &'static str, value: String },
    /// A code is not in its code list.
    #[error("«{code}» findes ikke i kodelisten {}.", .list.label())]
    UnknownCode { list: CodeList, code: String, field: &'static str },
    /// A municipality code is not known to the journal.
    #[error("Kommunekoden «{code}» er ukendt.")]
    UnknownMunicipality { code: String, field: &'static str },
    /// An end (or later) date lies before the date it must follow.
    #[error("{} ligger før {}.", field_label(.field), field_label(.before))]
    DateOrder { field: &'static str, before: &'static str },
    /// A date lies after today where only the past makes sense.
    #[error("{} ligger i fremtiden.", field_label(.field))]
    InFuture { field: &'static str },
    /// A child is 18 or older on the day it is registered.
    #[error("Barnet er fyldt 18 år og kan ikke registreres som barn. Registrér den unge som pårørende eller klient.")]
    ChildNotMinor,
    /// Medication for a client treated anonymously (Sundhedsloven §141).
    #[error("En anonym klient kan ikke få medicin fra enheden.")]
    MedicationForAnonymous,
    /// An anonymous client was given a CPR number.
    #[error("En anonym klient registreres uden CPR-nummer.")]
    AnonymousWithCpr,
    /// The client already has an open course of the same kind.
    #[error("Klienten har allerede et åbent forløb af typen «{kind}». Afslut det, før et nyt startes.")]
    CourseAlreadyOpen { kind: String },
    /// A change to a course that is closed.
    #[error("Forløbet er afsluttet og kan ikke ændres.")]
    CourseClosed,
    /// A course that has not started cannot go into follow-up.
    #[error("Forløbet er ikke startet endnu.")]
    CourseNotStarted,
    /// A number outside its range (AUDIT 0-40, minutes, units per week).
    #[error("{} skal være mellem {min} og {max}.", field_label(.field))]
    OutOfRange { field: &'static str, min: i64, max: i64 },
    /// A joint session lacks a consultant from each of the two units.
    #[error("En fællessamtale skal have både en alkoholbehandler og en familiekonsulent med.")]
    JointSessionStaff,
    /// A session with nobody in it.
    #[error("Samtalen skal have mindst én deltager.")]
    NoParticipants,
    /// A correction of a note that belongs to another client.
    #[error("Rettelsen skal høre til samme klient som det notat, den retter.")]
    CorrectionOtherClient,
    /// Medication that is already stopped.
    #[error("Medicineringen er allerede stoppet.")]
    MedicationStopped,
    /// A consent that is already withdrawn.
    #[error("Samtykket er allerede trukket tilbage.")]
    ConsentWithdrawn,
    /// A child linked twice to the same adult.
    #[error("Barnet er allerede knyttet til klienten.")]
    ChildAlreadyLinked,
    /// A case-review item for a child that is not linked to the client.
    #[error("Barnet er ikke knyttet til klienten.")]
    ChildNotLinked,
    /// A case-review answer to a question that is not on the list.
    #[error("«{code}» er ikke et af sagsmødets spørgsmål.")]
    UnknownQuestion { code: String },
    /// Staff initials already used in the unit.
    #[error("Initialerne «{initials}» er allerede i brug i enheden.")]
    InitialsTaken { initials: String },
    /// Staff for a unit of a registered partner: the partner's own site
    /// makes them (issue 12, item 7).
    #[error("«{unit}» hører til en samarbejdspartners installation: enhedens medarbejdere oprettes dér og kommer hertil med udvekslingen. Skriv navnet på partnerens medarbejder ved en fælles samtale indtil da.")]
    PartnerStaff { unit: String },
    /// A reference to a course, session or referral of another client.
    #[error("{} hører til en anden klient.", .what.label())]
    OtherClient { what: Entity, field: &'static str },
    /// A sex that is neither M nor K.
    #[error("«{value}» er ikke et køn. Skriv M (mand) eller K (kvinde).")]
    UnknownSex { value: String },
    /// A code list name that does not exist.
    #[error("Kodelisten «{name}» findes ikke. Se listerne med «tovholder codes».")]
    UnknownList { name: String },
    /// An evaluation kind that is neither midway nor final.
    #[error("«{value}» er ikke en evalueringstype. Skriv midway eller final.")]
    UnknownEvaluation { value: String },
    /// A row that may exist only once already does (the same attendance
    /// twice, the same child twice at one review, an id used twice).
    #[error("{} er allerede registreret.", .what.label())]
    Duplicate { what: Entity },
    /// A new password that is too short.
    #[error("Adgangskoden skal have mindst {min} tegn.")]
    PasswordTooShort { min: usize },
    /// An audit-log filter on an action the log does not record.
    #[error("«{value}» er ikke en handling i adgangsloggen.")]
    UnknownAuditAction { value: String },
    /// Changing one's own password with a wrong current password.
    #[error("Den nuværende adgangskode er forkert.")]
    WrongPassword,
    /// An administrator tried to take away their own login.
    #[error("Du kan ikke fjerne dit eget login. Bed en anden administrator om det.")]
    OwnLogin,
    /// A new client whose CPR number is already on another client: the
    /// returning client's new referral belongs on their existing record.
    #[error("Der findes allerede en klient med dette CPR-nummer. Find klienten i klientlisten og opret henvendelsen på klientens side.")]
    CprRegistered,
    /// A record that refers to a row of another kind than expected, or to a
    /// row that must exist first.
    #[error("{} findes ikke i journalen.", .what.label())]
    Missing { what: Entity, field: &'static str },
    /// A month typed by a person cannot be read (settlement: "åååå-mm").
    #[error("«{value}» er ikke en gyldig måned. Skriv måneden som åååå-mm, fx 2026-10.")]
    MonthFormat { field: &'static str, value: String },
    /// A settlement for a municipality that has no agreement prices with the
    /// unit (`payer`: the municipality's name and code).
    #[error("Der er ingen aftalepriser for {payer}, så der kan ikke laves en afregning.")]
    NoAgreement { payer: String },
    /// Approving a settlement for a payer and month that is already approved.
    #[error("Afregningen til {payer} for {period} er allerede godkendt og gemt. Den kan ikke godkendes igen.")]
    SettlementApproved { payer: String, period: String },
    /// A settlement whose lines do not add up to its total.
    #[error("Afregningens linjer summer ikke til dens total.")]
    SettlementTotal,
    /// Group attendance for a member who had not joined yet, or had left,
    /// on the meeting's date.
    #[error("Deltageren var ikke med i gruppen på mødedatoen.")]
    NotInGroup { field: &'static str },
    /// A member who has already left a group leaves again.
    #[error("Deltageren har allerede forladt gruppen.")]
    AlreadyLeft,
    /// A group meeting recorded with no member's attendance.
    #[error("Gruppen har ingen deltagere at registrere fremmøde for.")]
    NoMembers,
    /// Approving a settlement with no lines.
    #[error("Der er intet at afregne til {payer} for {period}.")]
    SettlementEmpty { payer: String, period: String },
    /// A yes/no field typed as something else than ja or nej.
    #[error("«{value}» er hverken ja eller nej. Skriv ja eller nej.")]
    YesNo { field: &'static str, value: String },
    /// A whole number cannot be read.
    #[error("«{value}» er ikke et helt tal.")]
    NumberFormat { field: &'static str, value: String },
    /// A value that is none of a field's choices (a unit, a member of staff,
    /// a fixed word); `label` is the field's Danish name.
    #[error("«{value}» er ikke et af valgene for {label}.")]
    UnknownOption { field: &'static str, label: &'static str, value: String },
    /// A new value for a conflict that can only be settled by choosing one
    /// of its sides (or not by a value at all).
    #[error("{}", .why.text())]
    ConflictChooseOnly { why: ChooseOnly },
    /// A new value for a field the conflict is not about.
    #[error("«{column}» er ikke et felt i konflikten; konflikten gælder {group}.")]
    ConflictFieldUnknown { column: String, group: String },
    /// A new value that leaves out a field of the conflict's field group.
    #[error("Konflikten gælder også {label}: skriv en værdi for hvert af konfliktens felter.")]
    ConflictFieldMissing { column: &'static str, label: &'static str },
}

/// Why a conflict is settled only by choosing one of its values
/// (`Invalid::ConflictChooseOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooseOnly {
    /// A retention deletion stopped by newer entries: there is no value.
    Retention,
    /// A value held out because the row broke a rule of the journal with
    /// it (a close racing a start): the rule is about the row, not a value.
    Rule,
    /// The same row inserted twice with other content: a whole row, not a field.
    Insert,
    /// A field that is a reference to another record, a list of codes or a
    /// computed amount (its Danish name): chosen, never typed.
    Field(&'static str),
}

impl ChooseOnly {
    pub fn text(self) -> String {
        match self {
            ChooseOnly::Retention => "En sletning efter opbevaringsperioden, der er standset af nyere registreringer, afgøres ikke med en ny værdi. Der er ikke skrevet noget.".into(),
            ChooseOnly::Rule => "Værdien er holdt ude, fordi posten ellers bryder journalens regler; vælg en af værdierne, eller ret posten der, hvor den registreres. Der er ikke skrevet noget.".into(),
            ChooseOnly::Insert => "Posten er oprettet med forskelligt indhold på to installationer; den afgøres ikke med en ny værdi. Der er ikke skrevet noget.".into(),
            ChooseOnly::Field(label) => format!("Feltet «{label}» skrives ikke som en ny værdi; vælg en af værdierne. Der er ikke skrevet noget."),
        }
    }
}

impl Invalid {
    /// The stable code of this rule.
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required { .. } => "required",
            Invalid::CprFormat { .. } => "cpr_format",
            Invalid::CprDate { .. } => "cpr_date",
            Invalid::CprMismatch { .. } => "cpr_mismatch",
            Invalid::DateFormat { .. } => "date_format",
            Invalid::TimeFormat { .. } => "time_format",
            Invalid::MoneyFormat { .. } => "money_format",
            Invalid::IdFormat { .. } => "id_format",
            Invalid::UnknownCode { .. } => "unknown_code",
            Invalid::UnknownMunicipality { .. } => "unknown_municipality",
            Invalid::DateOrder { .. } => "date_order",
            Invalid::InFuture { .. } => "in_future",
            Invalid::ChildNotMinor => "child_not_minor",
            Invalid::MedicationForAnonymous => "medication_anonymous",
            Invalid::AnonymousWithCpr => "anonymous_with_cpr",
            Invalid::CourseAlreadyOpen { .. } => "course_already_open",
            Invalid::CourseClosed => "course_closed",
            Invalid::CourseNotStarted => "course_not_started",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::JointSessionStaff => "joint_session_staff",
            Invalid::NoParticipants => "no_participants",
            Invalid::CorrectionOtherClient => "correction_other_client",
            Invalid::MedicationStopped => "medication_stopped",
            Invalid::ConsentWithdrawn => "consent_withdrawn",
            Invalid::ChildAlreadyLinked => "child_already_linked",
            Invalid::ChildNotLinked => "child_not_linked",
            Invalid::UnknownQuestion { .. } => "unknown_question",
            Invalid::InitialsTaken { .. } => "initials_taken",
            Invalid::PartnerStaff { .. } => "partner_staff",
            Invalid::Missing { .. } => "missing_reference",
            Invalid::PasswordTooShort { .. } => "password_too_short",
            Invalid::OwnLogin => "own_login",
            Invalid::WrongPassword => "wrong_password",
            Invalid::UnknownAuditAction { .. } => "unknown_audit_action",
            Invalid::CprRegistered => "cpr_registered",
            Invalid::Duplicate { .. } => "duplicate",
            Invalid::OtherClient { .. } => "other_client",
            Invalid::UnknownSex { .. } => "unknown_sex",
            Invalid::UnknownList { .. } => "unknown_list",
            Invalid::UnknownEvaluation { .. } => "unknown_evaluation",
            Invalid::MonthFormat { .. } => "month_format",
            Invalid::NoAgreement { .. } => "no_agreement",
            Invalid::SettlementApproved { .. } => "settlement_already_approved",
            Invalid::SettlementEmpty { .. } => "settlement_empty",
            Invalid::SettlementTotal => "settlement_total",
            Invalid::NotInGroup { .. } => "not_in_group",
            Invalid::AlreadyLeft => "already_left",
            Invalid::NoMembers => "no_members",
            Invalid::YesNo { .. } => "yes_no",
            Invalid::NumberFormat { .. } => "number_format",
            Invalid::UnknownOption { .. } => "unknown_option",
            Invalid::ConflictChooseOnly { .. } => "conflict_choose_only",
            Invalid::ConflictFieldUnknown { .. } | Invalid::ConflictFieldMissing { .. } => "conflict_field",
        }
    }

    /// The input field the error belongs beside, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Invalid::Required { field }
            | Invalid::CprFormat { field }
            | Invalid::CprDate { field }
            | Invalid::CprMismatch { field }
            | Invalid::DateFormat { field, .. }
            | Invalid::TimeFormat { field, .. }
            | Invalid::MoneyFormat { field, .. }
            | Invalid::IdFormat { field, .. }
            | Invalid::UnknownCode { field, .. }
            | Invalid::UnknownMunicipality { field, .. }
            | Invalid::DateOrder { field, .. }
            | Invalid::InFuture { field }
            | Invalid::OutOfRange { field, .. }
            | Invalid::Missing { field, .. }
            | Invalid::OtherClient { field, .. }
            | Invalid::MonthFormat { field, .. }
            | Invalid::NotInGroup { field }
            | Invalid::YesNo { field, .. }
            | Invalid::NumberFormat { field, .. }
            | Invalid::UnknownOption { field, .. } => Some(field),
            Invalid::ConflictFieldMissing { column, .. } => Some(column),
            Invalid::AlreadyLeft => Some("left_on"),
            Invalid::NoMembers => Some("members"),
            Invalid::NoAgreement { .. } => Some("payer"),
            Invalid::SettlementApproved { .. } | Invalid::SettlementEmpty { .. } => Some("month"),
            Invalid::ChildNotMinor => Some("birth_date"),
            Invalid::PasswordTooShort { .. } => Some("password"),
            Invalid::InitialsTaken { .. } => Some("initials"),
            Invalid::PartnerStaff { .. } => Some("unit_id"),
            Invalid::WrongPassword => Some("current_password"),
            Invalid::UnknownAuditAction { .. } => Some("action"),
            Invalid::AnonymousWithCpr | Invalid::CprRegistered => Some("cpr"),
            Invalid::CourseAlreadyOpen { .. } => Some("kind"),
            Invalid::JointSessionStaff | Invalid::NoParticipants => Some("participants"),
            _ => None,
        }
    }
}

/// The broken rules of one form, gathered so that a person sees every
/// refused field at once instead of one after the other. One refusal per
/// field (the first found): a rule about a field that is already refused,
/// or that compares with one (`DateOrder`), is left out, since the refused
/// field's value is not what the person meant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refusals(Vec<Invalid>);

impl Refusals {
    pub fn new() -> Refusals {
        Refusals::default()
    }

    /// Whether a refusal already names `field`.
    pub fn refuses(&self, field: &str) -> bool {
        self.0.iter().any(|i| i.field() == Some(field))
    }

    /// Add a broken rule, unless one of its fields is already refused.
    pub fn push(&mut self, rule: Invalid) {
        let fields = rule.fields();
        if !fields.iter().any(|f| self.refuses(f)) && !self.0.contains(&rule) {
            self.0.push(rule);
        }
    }

    /// The value of a check that passed; a broken rule is kept and `None` returned.
    pub fn check<T>(&mut self, r: Result<T, Invalid>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(i) => {
                self.push(i);
                None
            }
        }
    }

    /// A check that may also fail for other reasons (the database): a broken
    /// rule is kept, any other error returned.
    pub fn take<T>(&mut self, r: Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Error::Invalid(i)) => {
                self.push(i);
                Ok(None)
            }
            Err(Error::Refused(all)) => {
                all.into_iter().for_each(|i| self.push(i));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Invalid> {
        self.0.iter()
    }

    /// `Ok` when nothing was refused; else the one rule as `Error::Invalid`,
    /// or all of them as `Error::Refused`.
    pub fn finish(mut self) -> Result<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(Error::Invalid(self.0.remove(0))),
            _ => Err(Error::Refused(self.0)),
        }
    }
}

impl Invalid {
    /// Every input field this rule is about: its own, and for an order of
    /// dates the one it must follow.
    pub fn fields(&self) -> Vec<&'static str> {
        match self {
            Invalid::DateOrder { field, before } => vec![field, before],
            other => other.field().into_iter().collect(),
        }
    }
}

/// The kinds of rows, with their Danish names, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Row,
    Unit,
    Site,
    Staff,
    Client,
    Child,
    ChildLink,
    Referral,
    Course,
    Assessment,
    PlanRevision,
    Medication,
    Session,
    Note,
    Notification,
    Consent,
    Group,
    GroupMember,
    CaseReview,
    AgreementPrice,
    Settlement,
}

impl Entity {
    /// The Danish name, capitalised for the start of a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Entity::Row => "Posten",
            Entity::Unit => "Enheden",
            Entity::Site => "Installationen",
            Entity::Staff => "Medarbejderen",
            Entity::Client => "Klienten",
            Entity::Child => "Barnet",
            Entity::ChildLink => "Barnets tilknytning",
            Entity::Referral => "Henvendelsen",
            Entity::Course => "Forløbet",
            Entity::Assessment => "Udredningen",
            Entity::PlanRevision => "Behandlingsplanen",
            Entity::Medication => "Medicineringen",
            Entity::Session => "Samtalen",
            Entity::Note => "Notatet",
            Entity::Notification => "Underretningen",
            Entity::Consent => "Samtykket",
            Entity::Group => "Gruppen",
            Entity::GroupMember => "Gruppedeltageren",
            Entity::CaseReview => "Sagsmødet",
            Entity::AgreementPrice => "Prisen",
            Entity::Settlement => "Afregningen",
        }
    }
}

/// Danish label of an input field, for messages.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "name" => "Navn",
        "staff_name" => "Medarbejderens navn",
        "cpr" => "CPR-nummer",
        "birth_date" => "Fødselsdato",
        "sex" => "Køn",
        "municipality" => "Bopælskommune",
        "paying_municipality" => "Betalende kommune",
        "received_on" => "Henvendelsesdato",
        "info_talk_on" => "Dato for informationssamtale",
        "enrolled_on" => "Indskrivningsdato",
        "start_on" => "Startdato",
        "end_on" => "Slutdato",
        "follow_up_from" => "Efterbehandling fra",
        "assessed_on" => "Udredningsdato",
        "made_on" => "Dato",
        "held_on" => "Dato",
        "written_on" => "Dato",
        "given_on" => "Givet den",
        "withdrawn_on" => "Trukket tilbage den",
        "started_on" => "Startdato",
        "stopped_on" => "Stopdato",
        "evaluated_on" => "Evalueringsdato",
        "drug" => "Præparat",
        "scope" => "Samtykkets omfang",
        "answer_received_on" => "Svar modtaget",
        "joined_on" => "Indmeldelsesdato",
        "left_on" => "Udmeldelsesdato",
        "met_on" => "Mødedato",
        "client_id" => "Klient eller barn",
        "valid_from" => "Gyldig fra",
        "valid_to" => "Gyldig til",
        "goals" => "Mål",
        "text" => "Tekst",
        "recipient" => "Modtager",
        "reason" => "Begrundelse",
        "decision" => "Beslutning",
        "dose" => "Dosis",
        "trusted_adults" => "Trygge voksne",
        "plan" => "Planen",
        "initials" => "Initialer",
        "audit_score" => "AUDIT-score",
        "units_per_week" => "Genstande pr. uge",
        "minutes" => "Varighed i minutter",
        "amount" => "Beløb",
        "start_time" => "Klokkeslæt",
        "institution" => "Institutionskoden",
        "payer" => "Betalende kommune",
        "month" => "Måneden",
        "idle_minutes" => "Minutter før låsning",
        "from" => "Fra-dato",
        "to" => "Til-dato",
        _ => "Feltet",
    }
}

/// Every error of the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input broke a rule of the journal.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Input of one form broke several rules: every refused field at once,
    /// in the order the rules are checked (at least two; one is `Invalid`).
    /// Made by `Refusals::finish`; its code and field are the first's.
    #[error("{}", .0.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" "))]
    Refused(Vec<Invalid>),
    /// The row asked for does not exist.
    #[error("{} findes ikke i journalen.", .0.label())]
    NotFound(Entity),
    /// The journal was written by a newer Tovholder than this one.
    #[error("Journalen er fra en nyere version af Tovholder (skemaversion {found}); dette program kender kun op til version {known}. Opdatér Tovholder.")]
    JournalTooNew { found: i64, known: i64 },
    /// The file is not a Tovholder journal (or is damaged or keyed).
    #[error("Filen er ikke en Tovholder-journal, eller den er beskadiget.")]
    NotAJournal,
    /// `create` on a path where a file already is.
    #[error("Der findes allerede en fil her: {}", .0.display())]
    AlreadyExists(PathBuf),
    /// `open` on a path where no journal is.
    #[error("Journalen findes ikke: {}", .0.display())]
    NoJournal(PathBuf),
    /// The acting user is not staff of this journal.
    #[error("Brugeren «{0}» findes ikke i journalen.")]
    UnknownUser(String),
    /// A record of an import file broke a rule; nothing was imported.
    #[error("Importen er afvist, intet er ændret. Post nr. {} i «{section}»: {source}", .index + 1)]
    ImportRecord { section: &'static str, index: usize, source: Box<Error> },
    /// An import file is not in the journal format.
    #[error("Filen er ikke en Tovholder-journal i JSON-format (linje {line}, kolonne {column}).")]
    ImportFormat { line: usize, column: usize },
    /// A record of an import file is valid JSON but not a valid record
    /// (a field missing or of the wrong kind): its section and number.
    #[error("Importen er afvist, intet er ændret. Post nr. {} i «{section}» har ikke den rigtige form{}.", .index + 1, .field.as_ref().map(|f| format!(" (feltet «{f}»)")).unwrap_or_default())]
    ImportRecordFormat { section: String, index: usize, field: Option<String> },
    /// A section of an import file is not what the format says it is.
    #[error("Importen er afvist, intet er ændret. Afsnittet «{section}» har ikke den rigtige form{}.", .field.as_ref().map(|f| format!(" (feltet «{f}»)")).unwrap_or_default())]
    ImportSection { section: String, field: Option<String> },
    /// An import file's record under an id the journal already holds with
    /// other content (an id twice in the file, or another record's).
    #[error("Importen er afvist, intet er ændret. Post nr. {} i «{section}» har id {id}, som journalen allerede har med et andet indhold (feltet «{field}»). Ret posten, eller tag den ud af filen.", .index + 1)]
    ImportDuplicate { section: &'static str, index: usize, id: String, field: String },
    /// An import file of a format version this program does not know.
    #[error("Filen har formatversion {found}; dette program læser version {known}.")]
    ImportVersion { found: u32, known: u32 },
    /// A wrong password or an unknown user: the same answer for both.
    #[error("Forkert brugernavn eller adgangskode.")]
    LoginFailed,
    /// Too many failed logins in a row.
    #[error("For mange forkerte forsøg. Vent {seconds} sekunder, og prøv igen.")]
    LoginThrottled { seconds: i64 },
    /// The keyring file beside an encrypted journal is missing (the path
    /// of the keyring file).
    #[error("Journalens nøglefil mangler: {}. Gendan nøglefilen fra sikkerhedskopien (den ligger ved siden af journalen).", .0.display())]
    KeyringMissing(PathBuf),
    /// The keyring file (or the slot one logs in with) is damaged, or the
    /// keyring belongs to another journal: never reported as a wrong password.
    #[error("Journalens nøglefil er beskadiget eller hører til en anden journal: {}. Gendan nøglefilen fra sikkerhedskopien.", .0.display())]
    KeyringDamaged(PathBuf),
    /// The journal file itself is damaged (its pages fail SQLCipher's
    /// authentication or SQLite's checks); `None` when the file is not known
    /// where the damage was found.
    #[error("Journalen er beskadiget: {}. Gendan den fra sikkerhedskopien (tovholder restore), og kør «tovholder check».", .0.display())]
    JournalDamaged(PathBuf),
    /// The head file beside the journal (`store::head`) names an audit entry
    /// the journal does not hold as written: committed work is missing (a
    /// copy without its `-wal`, an older copy put in its place).
    #[error("{} Den er måske kopieret uden sin «-wal»-fil eller erstattet af en ældre kopi. Hent den fulde journal (med «-wal»-filen), eller gendan den nyeste sikkerhedskopi (tovholder restore). Skal journalen bruges, som den er, kan en leder eller administrator godkende den med «tovholder check --accept» (det senest gemte står i {}).", if *.diverged { format!("Journalen {} er ikke den, der sidst blev gemt: adgangsloggens indførsel nr. {head} er en anden end den, der blev skrevet.", .path.display()) } else { format!("Journalen {} mangler indførsler, der var gemt: adgangsloggen når kun til nr. {have}, men nr. {head} var skrevet.", .path.display()) }, .head_file.display())]
    JournalBehind { path: PathBuf, head_file: PathBuf, head: i64, have: i64, diverged: bool },
    /// A journal that keeps a head file (`store::head`) without a whole one
    /// of its own beside it: it cannot be told whether committed work is
    /// missing (a copy of the journal file alone, without its `-wal`).
    #[error("{} Uden den kan det ikke ses, om journalen er kopieret uden sin «-wal»-fil og mangler noget, der var gemt. Hent den fulde journal med alle dens filer, eller gendan den nyeste sikkerhedskopi (tovholder restore). Er journalen hel, kan en leder eller administrator godkende den, som den er, med «tovholder check --accept». Intet er ændret.", match .fault { HeadFault::Missing => format!("Journalen {} mangler filen {}, der fortæller, hvad der sidst blev gemt i den.", .path.display(), .head_file.display()), HeadFault::Damaged => format!("Filen {}, der fortæller, hvad der sidst blev gemt i journalen {}, er beskadiget.", .head_file.display(), .path.display()), HeadFault::OtherJournal => format!("Filen {}, der skal fortælle, hvad der sidst blev gemt i journalen {}, hører til en anden journal.", .head_file.display(), .path.display()) })]
    HeadMissing { path: PathBuf, head_file: PathBuf, fault: HeadFault },
    /// A page of the open journal failed its check while it was read.
    #[error("Journalen er beskadiget. Gendan den fra sikkerhedskopien (tovholder restore), og kør «tovholder check».")]
    Damaged,
    /// A backup that is not whole: refused by restore, or a new backup that
    /// failed its check (and was not kept).
    #[error("Sikkerhedskopien er beskadiget: {} ({problems}). Den er ikke brugt; brug en anden sikkerhedskopi, eller tag en ny.", .path.display())]
    BackupDamaged { path: PathBuf, problems: String },
    /// Another process kept the journal busy for longer than anyone waits.
    #[error("Journalen er optaget af en anden bruger eller en indlæsning, og den blev ikke ledig inden for {minutes} minutter. Prøv igen senere.")]
    Busy { minutes: u64 },
    /// A key operation on a journal that is not encrypted.
    #[error("Journalen er ikke krypteret.")]
    NotEncrypted,
    /// An encrypted journal needs a user to log in as.
    #[error("Journalen er krypteret: angiv, hvem du logger ind som (--as INITIALER).")]
    LoginRequired,
    /// No password was given and there is no terminal to ask on.
    #[error("Adgangskoden mangler (angiv den i TOVHOLDER_PASSWORD eller skriv den i terminalen).")]
    PasswordMissing,
    /// The two typed passwords differ.
    #[error("De to adgangskoder er ikke ens.")]
    PasswordMismatch,
    /// Deletion asked for a record that has not passed its retention period.
    #[error("Journalen er ikke udløbet: den skal stadig opbevares (opbevaringsperioden regnes fra sidste notat).")]
    NotExpired,
    /// Courses the NAB extract cannot report yet; no file is written.
    #[error("NAB-udtrækket er ikke skrevet: {} forløb mangler oplysninger: {}", .problems.len(), .problems.iter().map(|p| format!("{} ({})", p.client, p.problem)).collect::<Vec<_>>().join("; "))]
    NabIncomplete { problems: Vec<crate::report::NabProblem> },
    /// Courses the settlement cannot price; nothing is settled.
    #[error("Afregningen er ikke lavet: {} forløb kan ikke prissættes: {}", .problems.len(), .problems.iter().map(|p| format!("{} ({})", p.client, p.problem)).collect::<Vec<_>>().join("; "))]
    SettlementIncomplete { problems: Vec<crate::report::SettlementProblem> },
    /// The audit log's hash chain is broken.
    #[error("Adgangsloggen er ændret eller beskadiget.")]
    AuditBroken,
    /// The acting user's role may not do this.
    #[error("Din rolle giver ikke adgang til at {what}.")]
    Forbidden { what: &'static str },
    /// The journal's stored hybrid clock cannot be read (never taken as 0).
    #[error(
        "Journalens ur (det hybride ur) kan ikke læses; journalen er beskadiget. Gendan den fra sikkerhedskopien."
    )]
    ClockDamaged,
    /// A change set whose clock lies too far ahead of this computer's clock;
    /// nothing of it is applied.
    #[error("Ændringerne fra «{sender}» er afvist, intet er ændret: de er dateret {date}, mere end {days} dage efter denne computers ur. Ret uret på den computer, der tager fejl, og udveksl igen.")]
    ClockAhead { sender: String, date: String, days: i64 },
    /// A change set addressed to another site.
    #[error("Ændringerne er til en anden installation end denne; intet er ændret.")]
    ChangesNotForThisSite,
    /// A change set in a format this program does not know.
    #[error("Ændringerne har formatversion {found}; dette program læser version {known}. Opdatér Tovholder.")]
    ChangesVersion { found: u32, known: u32 },
    /// A change names a table, field or code this program does not know.
    #[error(
        "Ændringerne bruger «{what}», som denne version af Tovholder ikke kender; intet er ændret. Opdatér Tovholder."
    )]
    ChangesUnknown { what: String },
    /// The same change (site, clock, field) arrived with other content.
    #[error("Ændringerne fra «{sender}» er afvist, intet er ændret: en ændring findes allerede med andet indhold (en kopieret eller beskadiget journal).")]
    ChangesDamaged { sender: String },
    /// Changes made under this journal's own site id by another journal: a
    /// copied or restored journal is writing as a second writer.
    #[error("Ændringerne indeholder ændringer skrevet under denne installations id, som denne journal ikke selv har lavet: journalen er kopieret eller gendannet på en anden computer. Giv kopien et nyt installations-id, før der udveksles igen; intet er ændret.")]
    CopiedJournal,
    /// A site card, partner registration or case bundle was refused.
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
    /// The repair after a wrong clock met changes already exported: a
    /// partner may hold them under their old stamps.
    #[error("Ændringerne kan ikke få nye tidsstempler: {count} af dem er allerede sendt til en samarbejdspartner, som kan have modtaget dem. Intet er ændret; kontakt support.")]
    RestampExported { count: usize },
    /// A merge left a row pointing at a row that is not there.
    #[error("Sammenfletningen er afvist, intet er ændret: den ville efterlade henvisninger til poster, der mangler.")]
    MergeBroken,
    /// A file could not be read or written.
    #[error("Filen kunne ikke læses eller skrives ({kind}).", kind = io_kind_da(.0))]
    Io(#[from] std::io::Error),
    /// SQLite failed in a way no rule explains. Logged, never shown in detail.
    #[error("Journalen kunne ikke læses eller skrives (databasefejl).")]
    Db(rusqlite::Error),
}

/// What is wrong with a journal's head file (`Error::HeadMissing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadFault {
    /// There is no file.
    Missing,
    /// The file is not one this program wrote whole.
    Damaged,
    /// The file holds the head of another journal (another site id).
    OtherJournal,
}

impl HeadFault {
    /// The stable word for the audit entry of an accept.
    pub fn code(self) -> &'static str {
        match self {
            HeadFault::Missing => "missing",
            HeadFault::Damaged => "damaged",
            HeadFault::OtherJournal => "other_journal",
        }
    }
}

fn io_kind_da(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "filen findes ikke",
        std::io::ErrorKind::PermissionDenied => "ingen adgang",
        std::io::ErrorKind::AlreadyExists => "filen findes allerede",
        _ => "ind/ud-fejl",
    }
}

impl Error {
    /// The stable code: a rule's own code, or one per kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(i) => i.code(),
            Error::Refused(all) => all.first().map_or("invalid", Invalid::code),
            Error::NotFound(_) => "not_found",
            Error::JournalTooNew { .. } => "journal_too_new",
            Error::NotAJournal => "not_a_journal",
            Error::AlreadyExists(_) => "already_exists",
            Error::NoJournal(_) => "no_journal",
            Error::UnknownUser(_) => "unknown_user",
            Error::ImportRecord { source, .. } => source.code(),
            Error::ImportFormat { .. } | Error::ImportRecordFormat { .. } | Error::ImportSection { .. } => {
                "import_format"
            }
            Error::ImportVersion { .. } => "import_version",
            Error::ImportDuplicate { .. } => "duplicate_differs",
            Error::LoginFailed => "login_failed",
            Error::LoginThrottled { .. } => "login_throttled",
            Error::KeyringMissing(_) => "keyring_missing",
            Error::KeyringDamaged(_) => "keyring_damaged",
            Error::JournalDamaged(_) | Error::Damaged => "journal_damaged",
            Error::JournalBehind { .. } => "journal_behind",
            Error::HeadMissing { .. } => "head_missing",
            Error::Busy { .. } => "busy",
            Error::BackupDamaged { .. } => "backup_damaged",
            Error::NotEncrypted => "not_encrypted",
            Error::Forbidden { .. } => "forbidden",
            Error::LoginRequired => "login_required",
            Error::PasswordMissing => "password_missing",
            Error::PasswordMismatch => "password_mismatch",
            Error::AuditBroken => "audit_broken",
            Error::NotExpired => "not_expired",
            Error::NabIncomplete { .. } => "nab_incomplete",
            Error::SettlementIncomplete { .. } => "settlement_incomplete",
            Error::ClockDamaged => "clock_damaged",
            Error::ClockAhead { .. } => "clock_ahead",
            Error::ChangesNotForThisSite => "changes_not_for_this_site",
            Error::ChangesVersion { .. } => "changes_version",
            Error::ChangesUnknown { .. } => "changes_unknown",
            Error::ChangesDamaged { .. } => "changes_damaged",
            Error::CopiedJournal => "copied_journal",
            Error::RestampExported { .. } => "restamp_exported",
            Error::MergeBroken => "merge_broken",
            Error::Bundle(b) => b.code(),
            Error::Io(_) => "io",
            Error::Db(_) => "database",
        }
    }

    /// The broken rule behind this error, if it is one.
    pub fn invalid(&self) -> Option<&Invalid> {
        match self {
            Error::Invalid(i) => Some(i),
            Error::Refused(all) => all.first(),
            Error::ImportRecord { source, .. } => source.invalid(),
            _ => None,
        }
    }

    /// Every broken rule behind this error: all the refused fields of a
    /// form (`Refused`), the one rule (`Invalid`), or none.
    pub fn refusals(&self) -> Vec<&Invalid> {
        match self {
            Error::Refused(all) => all.iter().collect(),
            other => other.invalid().into_iter().collect(),
        }
    }
}

/// SQLite's answers that have a meaning of their own become their own
/// error: a damaged page (`SQLITE_CORRUPT`, or SQLCipher's failed page
/// authentication, which SQLite reports as `SQLITE_NOTADB`) is `Damaged`, a
/// journal still busy after the wait is `Busy`. `Journal::open` turns
/// `SQLITE_NOTADB` on the first read into `NotAJournal` or a named file.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase => Error::Damaged,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    Error::Busy { minutes: crate::store::BUSY_WAIT.as_secs() / 60 }
                }
                _ => Error::Db(e),
            },
            _ => Error::Db(e),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::ImportFormat { line: e.line(), column: e.column() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
