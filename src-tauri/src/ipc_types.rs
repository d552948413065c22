//! The TypeScript types of every command's input and output, generated from
//! the Rust types with ts-rs into `ui/src/ipc/generated/`. The test below
//! fails when the committed files are stale; `scripts/desktop-types`
//! rewrites them.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::commands::{
    admin, care, clients, consent, groups, handoff, journal, login, reports, review, safety, sessions,
};
use crate::error::IpcError;
use tovholder::model::views::{CaseReviewList, ClientSummary, FullRecord, GroupSummary, GroupView};
use tovholder::model::*;
use tovholder::report::{AnnualReport, WaitingReport};

/// Write every type the UI uses, with the types they refer to, into `dir`.
pub fn export(dir: &Path) -> Result<(), ExportError> {
    // Serde sends i64 as a JSON number; the journal's integers (counts,
    // minutes, HLC versions below 2^53 ms) fit a JS number.
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    macro_rules! all {
        ($($t:ty),* $(,)?) => {{ $(<$t>::export_all(&cfg)?;)* }};
    }
    all!(
        IpcError,
        journal::AppInfo,
        crate::files::Folders,
        crate::files::SavedFile,
        crate::files::RecoveryKeyFile,
        journal::JournalInfo,
        journal::OpenForm,
        journal::CreateForm,
        journal::CreatedJournal,
        journal::ReferenceData,
        login::LoginForm,
        admin::UserForm,
        admin::PasswordForm,
        admin::OwnPasswordForm,
        admin::IdleForm,
        admin::IdleSetting,
        admin::AuditForm,
        tovholder::security::users::StaffAccount,
        tovholder::security::audit::AuditPage,
        tovholder::security::audit::AccessEntry,
        clients::ClientQuery,
        clients::ClientForm,
        clients::ClientEditForm,
        clients::ChildForm,
        clients::EmergencyPlanForm,
        clients::NetworkPersonForm,
        clients::NotificationForm,
        clients::NotificationAnswerForm,
        clients::WaitingReferral,
        care::ReferralFields,
        care::ReferralForm,
        care::IntakeForm,
        care::Intake,
        care::InfoTalkForm,
        care::EnrolForm,
        care::StartForm,
        care::CloseForm,
        care::PlanForm,
        care::AssessmentForm,
        care::MedicationStartForm,
        care::MedicationStopForm,
        care::EvaluationForm,
        care::FollowUpForm,
        consent::ConsentForm,
        consent::WithdrawConsentForm,
        groups::GroupForm,
        groups::GroupMemberForm,
        groups::GroupMeetingForm,
        groups::LeaveGroupForm,
        GroupSummary,
        GroupView,
        sessions::SessionForm,
        sessions::AttendanceForm,
        sessions::NoteForm,
        sessions::CorrectionForm,
        review::ReviewForm,
        review::ReviewItemForm,
        ClientSummary,
        FullRecord,
        CaseReviewList,
        reports::AnnualForm,
        reports::PdfForm,
        reports::AuditStatus,
        reports::SettlementForm,
        reports::SettlementView,
        reports::SettlementFileForm,
        reports::NabForm,
        reports::NabOutcome,
        review::ReviewPdfForm,
        safety::BackupForm,
        safety::CheckForm,
        safety::RestoreForm,
        safety::RecoverForm,
        safety::InsightView,
        safety::InsightPdfForm,
        safety::RetentionForm,
        safety::DeleteExpiredForm,
        safety::RetentionView,
        tovholder::security::backup::BackupInfo,
        tovholder::security::check::CheckReport,
        crate::state::BusyNotice,
        handoff::PathForm,
        handoff::CardSaved,
        handoff::CardPreview,
        handoff::AddPartnerForm,
        handoff::PartnerRegistered,
        handoff::ExportForm,
        handoff::ImportForm,
        tovholder::bundle::PartnerStatus,
        tovholder::bundle::BundleWritten,
        tovholder::bundle::BundleImport,
        handoff::ResolveForm,
        handoff::NewValueInput,
        handoff::FolderBundle,
        tovholder::bundle::BundleProgress,
        tovholder::sync::ConflictView,
        tovholder::sync::Sharing,
        AnnualReport,
        WaitingReport,
        ClientId,
        ChildId,
        ReferralId,
        CourseId,
        PlanRevisionId,
        SessionId,
        NoteId,
        CaseReviewId,
        EmergencyPlanId,
        AssessmentId,
        MedicationId,
        EvaluationId,
        ConsentId,
        NetworkPersonId,
        GroupId,
        GroupMemberId,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn files(dir: &std::path::Path) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "ts") {
                out.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap());
            }
        }
        out
    }

    /// The committed TypeScript types are exactly what the Rust types give.
    /// With `TOVHOLDER_UPDATE_TYPES=1` the test rewrites them instead.
    #[test]
    fn generated_typescript_types_are_current() {
        let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/generated");
        let fresh = tempfile::tempdir().unwrap();
        super::export(fresh.path()).unwrap();
        let fresh_files = files(fresh.path());
        assert!(fresh_files.contains_key("FullRecord.ts"), "{:?}", fresh_files.keys());
        if std::env::var("TOVHOLDER_UPDATE_TYPES").is_ok_and(|v| v == "1") {
            let _ = std::fs::remove_dir_all(&committed);
            std::fs::create_dir_all(&committed).unwrap();
            for (name, text) in &fresh_files {
                std::fs::write(committed.join(name), text).unwrap();
            }
            return;
        }
        let old = files(&committed);
        let stale: Vec<&String> =
            fresh_files.keys().chain(old.keys()).filter(|k| fresh_files.get(*k) != old.get(*k)).collect();
        assert!(
            stale.is_empty(),
            "ui/src/ipc/generated/ is stale ({stale:?}); run scripts/desktop-types and commit the result"
        );
    }
}
