//! `tovholder check`: every file of the journal checked (the keyring, every
//! page, the structure, the references, the audit chain), with what to do;
//! `--accept` accepts a journal whose head file is missing or says work is
//! missing, as it is (leader or administrator, audited).

use clap::Args;

use tovholder::error::Error;
use tovholder::security::check::{accept_journal, check_journal, CheckReport};

use super::shared::{login_password, Env};

#[derive(Args)]
pub struct CheckArgs {
    /// Godkend journalen, som den er, når kun dens «.head»-fil mangler, er
    /// beskadiget eller hører til en anden journal, eller siger, at gemt
    /// arbejde mangler (leder eller administrator; skrives i adgangsloggen).
    /// Andre fejl afvises.
    #[arg(long)]
    accept: bool,
}

impl CheckArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let login = env.login()?;
        let pw = login_password(&login)?;
        if self.accept {
            let accepted = accept_journal(&env.path, &login, &pw, env.clock.clone())?;
            env.out.print(&accepted, || format!("{}\n{}", lines(&accepted.check), accepted.message));
            return match accepted.check.error() {
                None => Ok(()),
                Some(e) => Err(e),
            };
        }
        let report = check_journal(&env.path, &login, &pw, env.clock.clone())?;
        env.out.print(&report, || lines(&report));
        match report.error() {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

/// The check as lines for the terminal.
fn lines(report: &CheckReport) -> String {
    let mut lines = vec![format!("Kontrol af {}:", report.journal.display())];
    for item in &report.items {
        lines.push(format!("  {} {}: {}", if item.ok { "OK  " } else { "FEJL" }, item.what, item.message));
    }
    lines.push(if report.ok() {
        "Journalen er i orden.".to_string()
    } else {
        "Journalen er IKKE i orden; se ovenfor, hvad der skal gøres.".to_string()
    });
    lines.join("\n")
}
