//! Roles and what each may do, enforced in the core (not just hidden in the
//! UI). `allowed` is the whole matrix; `Journal::authorize` applies it to the
//! acting member of staff, and the write path additionally keeps a family
//! consultant to the cases shared with their unit (`shared_with_unit`).

use serde::Serialize;

/// The roles of `code_role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Leader,
    AlcoholConsultant,
    FamilyConsultant,
    Doctor,
    Secretary,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Leader,
        Role::AlcoholConsultant,
        Role::FamilyConsultant,
        Role::Doctor,
        Role::Secretary,
        Role::Administrator,
    ];

    pub fn from_code(code: &str) -> Option<Role> {
        Some(match code {
            "leader" => Role::Leader,
            "alcohol_consultant" => Role::AlcoholConsultant,
            "family_consultant" => Role::FamilyConsultant,
            "doctor" => Role::Doctor,
            "secretary" => Role::Secretary,
            "administrator" => Role::Administrator,
            _ => return None,
        })
    }
}

/// What a person can ask the journal to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Register or update a client; referrals, the information talk.
    RegisterClient,
    /// Book a session or record attendance.
    BookSession,
    /// Record a held session with its participants.
    RecordSession,
    /// Open a client's record (a secretary sees it without notes).
    ReadRecord,
    /// Read journal notes, search them.
    ReadNotes,
    /// Write or correct a note.
    WriteNote,
    /// Enrol, start, follow up and close courses; assessments, plans,
    /// evaluations, groups.
    Treatment,
    /// Children and the family questions, emergency plans, notifications,
    /// consents.
    Family,
    /// The monthly case review.
    CaseReview,
    StartMedication,
    StopAntabus,
    /// Stop any medication other than Antabus.
    StopMedication,
    /// Units, staff, logins and roles.
    ManageStaff,
    Reports,
    ReadAudit,
    Export,
    Import,
    /// List and delete records past their retention period.
    Retention,
    Backup,
    /// This installation's local security settings (the idle lock) and its
    /// partners (site cards).
    Settings,
    /// Write and read the case bundles of the monthly hand-off.
    Exchange,
    /// Accept a journal as it is when its head file is missing or says
    /// that committed work is missing (`tovholder check --accept`).
    AcceptJournal,
}

impl Action {
    pub const ALL: [Action; 22] = [
        Action::RegisterClient,
        Action::BookSession,
        Action::RecordSession,
        Action::ReadRecord,
        Action::ReadNotes,
        Action::WriteNote,
        Action::Treatment,
        Action::Family,
        Action::CaseReview,
        Action::StartMedication,
        Action::StopAntabus,
        Action::StopMedication,
        Action::ManageStaff,
        Action::Reports,
        Action::ReadAudit,
        Action::Export,
        Action::Import,
        Action::Retention,
        Action::Backup,
        Action::Settings,
        Action::Exchange,
        Action::AcceptJournal,
    ];

    /// Danish, for the refusal message.
    pub fn label(self) -> &'static str {
        match self {
            Action::RegisterClient => "registrere borgere og henvendelser",
            Action::BookSession => "booke samtaler",
            Action::RecordSession => "registrere samtaler",
            Action::ReadRecord => "se journalen",
            Action::ReadNotes => "læse journalnotater",
            Action::WriteNote => "skrive journalnotater",
            Action::Treatment => "ændre behandlingsforløb",
            Action::Family => "registrere børn, underretninger og samtykker",
            Action::CaseReview => "holde sagsmøde",
            Action::StartMedication => "ordinere medicin",
            Action::StopAntabus => "stoppe Antabus",
            Action::StopMedication => "stoppe medicin",
            Action::ManageStaff => "administrere brugere",
            Action::Reports => "se rapporter",
            Action::ReadAudit => "se adgangsloggen",
            Action::Export => "eksportere journalen",
            Action::Import => "importere data",
            Action::Retention => "slette journaler efter opbevaringsperioden",
            Action::Backup => "tage sikkerhedskopi",
            Action::Settings => "ændre installationens indstillinger og partnere",
            Action::Exchange => "udveksle bundter med partnerkommunen",
            Action::AcceptJournal => "godkende journalen, som den er",
        }
    }
}

/// The matrix: may `role` do `action`?
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        RegisterClient | BookSession | ReadRecord => {
            matches!(role, Leader | AlcoholConsultant | FamilyConsultant | Doctor | Secretary)
        }
        RecordSession | ReadNotes | WriteNote | Family | CaseReview => {
            matches!(role, Leader | AlcoholConsultant | FamilyConsultant | Doctor)
        }
        Treatment => matches!(role, Leader | AlcoholConsultant | Doctor),
        StartMedication | StopMedication => role == Doctor,
        StopAntabus => matches!(role, Doctor | AlcoholConsultant),
        ManageStaff => role == Administrator,
        Reports | ReadAudit | Retention => role == Leader,
        Export | Import | Backup | Settings | AcceptJournal => matches!(role, Leader | Administrator),
        Exchange => matches!(role, Leader | AlcoholConsultant | Administrator),
    }
}

/// SQL that is true when the client `client` (an SQL expression) is shared
/// with the unit `unit`: a consent to that unit not withdrawn, a course or
/// referral held by it, or a child whose family-department caseworker is there.
pub(crate) fn client_shared(client: &str, unit: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM consent WHERE client_id = {client} AND to_unit = {unit} AND withdrawn_on IS NULL)
          OR EXISTS (SELECT 1 FROM course WHERE client_id = {client} AND unit_id = {unit})
          OR EXISTS (SELECT 1 FROM referral WHERE client_id = {client} AND unit_id = {unit})
          OR EXISTS (SELECT 1 FROM child_link l JOIN child ch ON ch.id = l.child_id
                     WHERE l.client_id = {client} AND ch.caseworker_unit = {unit}))"
    )
}

/// The same for a child `child`: its caseworker is in the unit, or it is
/// linked to a client shared with the unit.
pub(crate) fn child_shared(child: &str, unit: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM child WHERE id = {child} AND caseworker_unit = {unit})
          OR EXISTS (SELECT 1 FROM child_link cl WHERE cl.child_id = {child} AND {}))",
        client_shared("cl.client_id", unit)
    )
}

/// What a public operation of `Journal` is. Every `pub fn` of an
/// `impl Journal` block is listed in `JOURNAL_API`; the policy test
/// (tests/it/policy.rs) fails when one is missing and runs every
/// `PersonRead` as every role against a policy written out independently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Returns data about a citizen (a client or a child): authorizes the
    /// action through `Journal::reader` and applies the reader's scope.
    PersonRead(Action),
    /// Changes the journal through the write path (authorized per action;
    /// the role × action table test covers these).
    Write,
    /// Returns nothing about a citizen: the file, the organisation and its
    /// staff, code lists, settings, the audit chain's soundness, logins.
    Other,
}

/// The public operations of `Journal`, each with what it is (`Api`).
pub const JOURNAL_API: &[(&str, Api)] = {
    use Action::*;
    use Api::*;
    &[
        // Reads of citizens.
        ("client_list", PersonRead(ReadRecord)),
        ("client_sharing", PersonRead(ReadRecord)),
        ("client_record", PersonRead(ReadRecord)),
        ("plan_history", PersonRead(ReadRecord)),
        ("search_notes", PersonRead(ReadNotes)),
        ("waiting_referrals", PersonRead(ReadRecord)),
        ("unanswered_notifications", PersonRead(Family)),
        ("case_review_list", PersonRead(CaseReview)),
        ("case_review", PersonRead(CaseReview)),
        ("groups", PersonRead(ReadRecord)),
        ("group", PersonRead(ReadRecord)),
        ("annual_report", PersonRead(Reports)),
        ("annual_report_for", PersonRead(Reports)),
        ("waiting_report", PersonRead(Reports)),
        ("nab_extract", PersonRead(Reports)),
        ("settlement", PersonRead(Reports)),
        ("settlement_approval", PersonRead(Reports)),
        ("received_settlements", PersonRead(Reports)),
        ("audit_page", PersonRead(ReadAudit)),
        ("access_log", PersonRead(ReadAudit)),
        ("person_report", PersonRead(ReadAudit)),
        ("expired", PersonRead(Retention)),
        ("export", PersonRead(Export)),
        // The sync engine (src/sync): change sets and their conflicts.
        ("export_changes", PersonRead(Export)),
        ("conflicts", PersonRead(Exchange)),
        ("conflict_review", PersonRead(Exchange)),
        ("duplicates", PersonRead(Exchange)),
        // Case bundles (src/bundle).
        ("site_card", Other),
        ("add_partner", Write),
        ("partners", Other),
        ("partner_named", Other),
        ("write_site_identity", Other),
        ("export_bundle", Write),
        ("import_bundle", Write),
        ("import_bundle_dir", Write),
        ("export_bundle_with", Write),
        ("import_bundle_with", Write),
        ("import_bundle_dir_with", Write),
        ("bundle_status", Other),
        ("open_conflict_count", Other),
        // Writes.
        ("add_unit", Write),
        ("add_staff", Write),
        ("restamp_changes", Write),
        ("add_client", Write),
        ("update_client", Write),
        ("add_child", Write),
        ("link_child", Write),
        ("update_child", Write),
        ("update_child_link", Write),
        ("add_network_person", Write),
        ("add_emergency_plan", Write),
        ("add_referral", Write),
        ("intake", Write),
        ("intake_form", Write),
        ("record_info_talk", Write),
        ("set_referral_outcome", Write),
        ("enrol", Write),
        ("start_course", Write),
        ("follow_up", Write),
        ("close_course", Write),
        ("add_assessment", Write),
        ("revise_plan", Write),
        ("add_evaluation", Write),
        ("start_medication", Write),
        ("stop_medication", Write),
        ("add_session", Write),
        ("record_attendance", Write),
        ("add_note", Write),
        ("correct_note", Write),
        ("add_notification", Write),
        ("answer_notification", Write),
        ("give_consent", Write),
        ("withdraw_consent", Write),
        ("add_group", Write),
        ("add_group_member", Write),
        ("add_group_attendance", Write),
        ("leave_group", Write),
        ("record_group_meeting", Write),
        ("record_case_review", Write),
        ("add_agreement_price", Write),
        ("approve_settlement", Write),
        ("log_report_export", Write),
        ("delete_expired", Write),
        ("import", Write),
        ("merge_changes", Write),
        ("resolve_conflict", Write),
        ("write_conflict_value", Write),
        ("import_with_progress", Write),
        ("set_login", Write),
        ("remove_login", Write),
        ("add_user", Write),
        ("change_own_password", Write),
        ("set_idle_minutes", Write),
        ("accept_head", Write),
        // Nothing about a citizen.
        ("create", Other),
        ("create_keyed", Other),
        ("open", Other),
        ("open_with_key", Other),
        ("checkpoint", Other),
        ("checkpoint_after_command", Other),
        ("login", Other),
        ("recover", Other),
        ("backup", Other),
        ("site", Other),
        ("unit", Other),
        ("unit_name", Other),
        ("path", Other),
        ("is_encrypted", Other),
        ("schema_version", Other),
        ("code_list", Other),
        ("municipalities", Other),
        ("staff_by_initials", Other),
        ("first_staff", Other),
        ("staff_list", Other),
        ("unit_list", Other),
        ("staff_accounts", Other),
        ("idle_minutes", Other),
        ("role_of", Other),
        ("authorize", Other),
        ("can_see_client", Other),
        ("reader", Other),
        ("verify_audit", Other),
        ("audit_check", Other),
    ]
};
