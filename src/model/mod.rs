//! The journal's vocabulary: typed ids, validated values (CPR, money, dates),
//! code lists, the records the journal accepts and the views it returns.
//! Knows nothing of SQLite or of any UI.

pub mod codes;
pub mod cpr;
pub mod ids;
pub mod money;
pub mod records;
pub mod time;
pub mod views;

pub use codes::{Code, CodeList};
pub use cpr::{Cpr, Sex};
pub use ids::*;
pub use money::Money;
pub use records::*;
pub use time::{Clock, FixedClock, Hlc, SystemClock};
