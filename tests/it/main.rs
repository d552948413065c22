#![allow(clippy::unwrap_used)]
//! The one integration test binary (STYLE "Our shape"): modules per area.

mod audit;
mod bad_input;
mod bundle;
mod cli;
mod disclosure;
mod exchange;
mod faults;
mod migration;
mod model;
mod policy;
mod reports;
mod resolve;
mod screens;
mod search;
mod security;
mod stories;
mod support;
mod sync;
mod sync_prop;
