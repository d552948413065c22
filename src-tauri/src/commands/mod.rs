//! The commands the UI calls, one file per screen area. Each one reads its
//! input, calls one or two operations of the core on a blocking thread and
//! returns the core's view; no SQL and no rules live here.

pub mod admin;
pub mod care;
pub mod clients;
pub mod consent;
pub mod groups;
pub mod handoff;
pub mod journal;
pub mod login;
pub mod reports;
pub mod review;
pub mod safety;
pub mod sessions;
