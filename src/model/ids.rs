//! Typed row ids. Every id is a UUID made on the site that created the row
//! (version 7, so ids sort roughly by creation time); one newtype per table so
//! a client id can never be passed where a child id is meant.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh id (UUID v7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0.hyphenated().to_string()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = value.as_str()?;
                Uuid::parse_str(s).map(Self).map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )*};
}

id_type!(
    /// A unit: a Rusmiddelcenter or a family department.
    UnitId,
    /// One installation of Tovholder.
    SiteId,
    /// A member of staff (user or partner staff).
    StaffId,
    ClientId,
    ChildId,
    ChildLinkId,
    NetworkPersonId,
    EmergencyPlanId,
    ReferralId,
    CourseId,
    AssessmentId,
    PlanRevisionId,
    EvaluationId,
    MedicationId,
    SessionId,
    ParticipantId,
    NoteId,
    NotificationId,
    ConsentId,
    GroupId,
    GroupMemberId,
    GroupAttendanceId,
    CaseReviewId,
    CaseReviewItemId,
    AgreementPriceId,
    SettlementId,
    SettlementLineId,
);
