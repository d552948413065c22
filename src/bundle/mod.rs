//! Case bundles (SPEC §5, docs/bundles.md): the sync engine's change sets
//! in one encrypted, signed file that a consultant carries to the partner
//! on a USB stick (or any transport that carries files).
//!
//! - `keys`: this site's keys, its public site card, the partners
//!   registered from theirs, the emergency identity file.
//! - `file`: the file format: a tar of manifest, signature and zstd-
//!   compressed changes, encrypted with age (so Debian's `age` opens it).
//! - `exchange`: export and import on a journal: sequence numbers, the
//!   previous-bundle hash, gaps, replays, dry runs, the audit heads.
//! - `error`: the refusals, each with its code and Danish message.

pub mod bench;
pub mod error;
pub mod exchange;
pub mod file;
pub mod keys;

pub use error::BundleError;
pub use exchange::{
    BundleImport, BundleProgress, BundleRecord, BundleStage, BundleWritten, FieldChanges, ImportStatus, PartnerStatus,
    PersonChanges,
};
pub use file::{Counts, Manifest};
pub use keys::{Partner, PartnerAdded, SiteCard};
