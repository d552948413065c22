//! Tovholder's core: the journal of a Danish municipal alcohol-treatment unit
//! and the family departments it works with.
//!
//! Everything the program does is a function here, reachable from the
//! `tovholder` CLI and from tests without a window. The core knows nothing of
//! Tauri, windows or JSON-over-IPC. See ARCHITECTURE.md for the map.

pub mod bench;
pub mod bundle;
pub mod demo;
pub mod error;
pub mod fixtures;
pub mod model;
pub mod report;
pub mod security;
pub mod store;
pub mod sync;

pub use error::{Error, Invalid, Refusals, Result};
pub use store::{Ctx, Journal, Setup};
