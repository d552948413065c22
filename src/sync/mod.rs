//! The sync engine (SPEC §5): what a change is, how changes from partner
//! sites merge, and what may leave this site. docs/sync.md has the design.
//!
//! - `tables`: every exchanged table described once.
//! - `log`: reading the change log that `Writer` (store/write.rs) appends to
//!   on every insert and every changed field group.
//! - `plan`: the pure first step of a merge: which changes are new, which
//!   are already known, and whether the set may be applied at all.
//! - `apply`: the merge in one IMMEDIATE transaction through the write path's
//!   remote-apply mode: each touched row rebuilt from its log, one winner per
//!   field, the other heads kept as conflicts.
//! - `labels`: the tables, fields and values in Danish.
//! - `conflicts`: the open conflicts as a person reads them (the
//!   desktop's Konflikter screen).
//! - `resolve`: a conflict settled by a new value, and the form for it.
//! - `scope`: which changes a given partner may receive.
//! - `sharing`: which cases travel to a partner, and when they last did.
//! - `retention`: a record deleted after its retention period travels as a
//!   tombstone that each receiver re-checks by the same rule.
//!
//! A `ChangeSet` is a plain value (serde), handed between journals in memory
//! here; the case bundle files put it into an encrypted, signed file.

pub mod apply;
pub mod conflicts;
pub mod labels;
pub mod log;
pub mod plan;
pub mod resolve;
pub mod restamp;
pub mod retention;
pub mod scope;
pub mod sharing;
pub mod tables;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::SiteId;

pub use conflicts::{ConflictValue, ConflictView};
pub use resolve::{FieldKind, NewValueColumn, NewValueForm};
pub use sharing::Sharing;

/// The format version of [`ChangeSet`] (its JSON shape is frozen by a
/// golden test; docs/sync.md describes every field).
pub const FORMAT: u32 = 1;

/// One change: the insert of a row (`group` empty, `value` every column) or
/// the new value of one field group of a row (`value` the group's columns).
/// Named by `(site, hlc, group)`, unique across all sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The site that made the change.
    pub site: SiteId,
    /// Its hybrid-clock value on that site (ms << 16 | counter).
    pub hlc: i64,
    pub table: String,
    /// The row's id (UUID text).
    pub row: String,
    /// The field group (`sync::tables`), "" for the insert of the row.
    pub group: String,
    /// Column name → value (JSON null, integer or text, as stored).
    pub value: serde_json::Map<String, serde_json::Value>,
    /// The version vector of this field the writer had seen: site id →
    /// highest clock value of that site's changes to the field.
    pub seen: BTreeMap<String, i64>,
    /// When (RFC 3339 UTC) and by whom (staff id) it was made.
    pub at: String,
    pub staff: String,
}

impl Change {
    /// The name of a change.
    pub fn id(&self) -> (SiteId, i64, &str) {
        (self.site, self.hlc, &self.group)
    }

    /// The order that picks a winner: the clock, then the site id.
    pub fn order_key(&self) -> (i64, String) {
        (self.hlc, self.site.to_string())
    }

    /// Same change, same content (what a duplicate must be).
    pub fn same_content(&self, o: &Change) -> bool {
        self.table == o.table && self.row == o.row && self.value == o.value && self.seen == o.seen
    }
}

/// The changes one site sends another: everything in the sender's log after
/// what the recipient has confirmed, within the recipient's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// [`FORMAT`].
    pub format: u32,
    pub from: SiteId,
    /// The sending site's name, for messages.
    pub from_name: String,
    pub to: SiteId,
    /// The set holds the sender's log entries `from_seq..=upto_seq` (those
    /// in scope): a recipient whose confirmed position is before `from_seq
    /// - 1` has missed a set.
    pub from_seq: i64,
    pub upto_seq: i64,
    /// The highest position of the recipient's own log the sender holds
    /// completely (the acknowledgement of what the recipient sent).
    pub ack: i64,
    /// The sender's hybrid clock when the set was made.
    pub clock: i64,
    pub changes: Vec<Change>,
    /// Rows sent whole because they entered the recipient's scope: they lift
    /// an earlier revocation older than `clock`.
    #[serde(default)]
    pub entering: Vec<String>,
    /// Rows that left the recipient's scope (a withdrawn consent): the
    /// recipient removes what it holds of them (never its own rows) and
    /// keeps a marker so an older change set cannot bring them back.
    #[serde(default)]
    pub revoked: Vec<Revocation>,
    /// Rows the sender removed because a partner revoked them (its markers
    /// set since the recipient's confirmed position): a recipient that had
    /// sent such a row and still holds it in the sender's scope sends it
    /// whole again. Another partner's revocation of a row the recipient may
    /// still send would otherwise leave the sender without the row for
    /// good, while the recipient counts it as delivered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
}

/// A row the recipient may no longer hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub table: String,
    pub row: String,
    /// Why, where the sender knows: the day the person's consent was
    /// withdrawn (the recipient tells its user which data went and why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<chrono::NaiveDate>,
}

/// An open conflict: a field two sites changed without knowing of each
/// other, or a change held out of its row because the merged row broke a
/// rule of the journal (`rule` names it). `kept` is the value in the row,
/// `others` the values that lost or were held out, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub table: String,
    pub row: String,
    pub group: String,
    pub rule: Option<String>,
    pub kept: Change,
    pub others: Vec<Change>,
}

/// Rows made on two sites that a rule of local work forbids together
/// (`Journal::duplicates`): `rule` is `course_open`, `client_cpr`,
/// `plan_revision`, `child_link`, `group_attendance`, `case_review_item` or
/// `settlement`, `rows` the ids, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub rule: String,
    pub rows: Vec<String>,
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeSummary {
    /// Changes new to this journal.
    pub applied: usize,
    /// Changes it already held (a re-sent or duplicated set).
    pub known: usize,
    /// Rows written (inserted or changed).
    pub rows: usize,
    /// Rows waiting for a row they refer to.
    pub pending: usize,
    /// Open conflicts in the journal after the merge.
    pub conflicts: usize,
    /// Rows removed because they left this site's scope.
    pub revoked: usize,
    /// Rows removed because a partner's retention tombstone held here.
    pub retired: usize,
    /// Rows the sender removed (another partner revoked them) that this
    /// site will send it whole again, as they are in its scope here.
    pub resend: usize,
}
