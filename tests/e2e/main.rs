#![allow(clippy::unwrap_used)]
//! End-to-end tests of the desktop app, as a person uses it: the real
//! `tovholder-desktop` binary (the debug build cargo makes for this test,
//! identifier `dk.tovholder.test`) in WebKitGTK under Xvfb, driven through
//! WebDriver (tauri-driver + WebKitWebDriver) with thirtyfour. Each story
//! runs on its own temporary journal, and checks the journal file through
//! the core afterwards. Screenshots go to `target/e2e-screenshots/`.
//!
//! Needs `Xvfb` (started here when `DISPLAY` is unset), `WebKitWebDriver`
//! and `tauri-driver` on PATH or in ~/.cargo/bin; `scripts/ensure-deps` and
//! `scripts/test` install them.

mod admin;
mod clinical;
mod groups;
mod handoff;
mod harness;
mod keyboard;
mod product;
mod reports;
mod safety;
mod scope;
mod stories;
