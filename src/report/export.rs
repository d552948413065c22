//! Reports written to a file leave the journal: each file a person saves
//! (a settlement, a NAB extract, the case-review form, an insight report) is an `export` entry
//! in the audit log, one per citizen named in it where the report names
//! citizens, so a citizen's access log shows that their data left in it.
//!
//! Must not: write the file itself (the caller does, after this succeeds),
//! or log the file's contents.

use crate::error::Result;
use crate::model::ClientId;
use crate::security::roles::Action;
use crate::store::write::AuditAction;
use crate::store::{Ctx, Journal};

/// The report files a person can save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFile {
    /// The monthly settlement (CSV or PDF), with the citizens' names and CPR.
    Settlement,
    /// The NAB register extract (CSV), with CPR numbers.
    Nab,
    /// The printable case-review form, with clients' and children's names.
    CaseReview,
    /// A citizen's insight report (PDF): their whole record and access log.
    Insight,
}

impl ReportFile {
    fn entity(self) -> &'static str {
        match self {
            ReportFile::Settlement => "settlement",
            ReportFile::Nab => "nab_extract",
            ReportFile::CaseReview => "case_review",
            ReportFile::Insight => "person_report",
        }
    }

    fn action(self) -> Action {
        match self {
            ReportFile::Settlement | ReportFile::Nab => Action::Reports,
            ReportFile::CaseReview => Action::CaseReview,
            ReportFile::Insight => Action::ReadAudit,
        }
    }
}

impl Journal {
    /// Record that `report` was saved to a file (`detail`: what, e.g. the
    /// period and the format), naming each citizen in it.
    pub fn log_report_export(
        &mut self,
        ctx: &Ctx,
        report: ReportFile,
        people: &[ClientId],
        detail: &str,
    ) -> Result<()> {
        self.authorize(ctx, report.action())?;
        let entity = report.entity();
        self.write(ctx, |w| {
            if people.is_empty() {
                w.audit(AuditAction::Export, None, Some(entity), Some(detail.to_string()));
            }
            let mut seen = std::collections::BTreeSet::new();
            for p in people.iter().filter(|p| seen.insert(**p)) {
                w.audit(AuditAction::Export, Some(p.0), Some(entity), Some(detail.to_string()));
            }
            Ok(())
        })
    }
}
