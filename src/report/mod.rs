//! Reports for the leader: the annual report's tables (seed 003 and seed 000)
//! with small counts suppressed, waiting times against Sundhedsloven §141's 14
//! days, the NAB extract, and the monthly settlement with the partner
//! municipality. Every figure comes from the journal's rows; the only writes
//! are an approved settlement (`approve_settlement`) and the audit entry of a
//! report saved to a file (`log_report_export`), both through the write path.
//!
//! Must not: publish a count from 1 to 4, or a table from which a reader can
//! narrow a "<5" (the audit in `audit.rs`, used by `table.rs`); write a NAB
//! file with an incomplete course in it; use floats for money.

mod annual;
mod audit;
mod csvfile;
mod export;
pub mod insight;
mod nab;
pub mod pdf;
mod settlement;
pub(crate) use settlement::insert_settlement;
mod table;
mod waiting;

pub use annual::{AnnualReport, RULE};
pub use csvfile::BOM;
pub use export::ReportFile;
pub use nab::{nab_csv, NabLine, NabProblem, NAB_HEADER};
pub use settlement::{month_start, Settlement, SettlementApproval, SettlementLine, SettlementProblem};
pub use table::{Cell, Shape, Table, WITHHELD};
pub use waiting::{Waiting, WaitingReport};
