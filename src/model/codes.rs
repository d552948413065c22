//! Code lists. The codes and their Danish labels are rows in the `code_*`
//! tables of schema.sql, not constants here: this enum only names the lists,
//! so that a register's new code is a new row, not a new release.

use serde::Serialize;

macro_rules! code_lists {
    ($($variant:ident => $table:literal, $label:literal;)*) => {
        /// The code lists of the journal.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum CodeList { $($variant),* }

        impl CodeList {
            pub const ALL: &'static [CodeList] = &[$(CodeList::$variant),*];

            /// The table holding the list.
            pub fn table(self) -> &'static str {
                match self { $(CodeList::$variant => $table),* }
            }

            /// The list's Danish name.
            pub fn label(self) -> &'static str {
                match self { $(CodeList::$variant => $label),* }
            }

            /// The list's name as in `code_list.name` and on the command line.
            pub fn name(self) -> &'static str {
                &self.table()["code_".len()..]
            }

            pub fn from_name(name: &str) -> Option<CodeList> {
                Self::ALL.iter().copied().find(|l| l.name() == name)
            }
        }
    };
}

code_lists! {
    UnitKind => "code_unit_kind", "Enhedstype";
    Role => "code_role", "Rolle";
    ReferralSource => "code_referral_source", "Henvisende instans";
    ReferralDoor => "code_referral_door", "Indgang";
    ReferralOutcome => "code_referral_outcome", "Udfald af henvendelse";
    EndReason => "code_end_reason", "Afslutningsårsag";
    IncomeSource => "code_income_source", "Hovedindtægtskilde";
    ChildrenSituation => "code_children_situation", "Børn";
    SideAbuse => "code_side_abuse", "Sidemisbrug";
    Housing => "code_housing", "Boligforhold";
    CourseKind => "code_course_kind", "Forløbstype";
    CourseSetting => "code_course_setting", "Behandlingsform";
    CourseStatus => "code_course_status", "Status";
    TreatmentElement => "code_treatment_element", "Behandlingselement";
    Medication => "code_medication", "Medicin";
    SessionKind => "code_session_kind", "Samtaletype";
    Attendance => "code_attendance", "Fremmøde";
    ChildRelation => "code_child_relation", "Relation til barnet";
    Custody => "code_custody", "Forældremyndighed";
    Residence => "code_residence", "Barnets bopæl";
    Concern => "code_concern", "Bekymring";
    NetworkRole => "code_network_role", "Netværksperson";
    ConsentScope => "code_consent_scope", "Samtykke";
    GroupKind => "code_group_kind", "Gruppe";
    ReviewQuestion => "code_review_question", "Spørgsmål ved sagsmøde";
}

/// One code with its Danish label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Code {
    pub code: String,
    pub label: String,
}
