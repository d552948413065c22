//! `tovholder check`: every file of the journal checked (the keyring, every
//! page, the structure, the references, the audit chain), with what to do.

use clap::Args;

use tovholder::error::Error;
use tovholder::security::check::check_journal;

use super::shared::{login_password, Env};

#[derive(Args)]
pub struct CheckArgs {}

impl CheckArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let login = env.login()?;
        let pw = login_password(&login)?;
        let report = check_journal(&env.path, &login, &pw, env.clock.clone())?;
        env.out.print(&report, || {
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
        });
        match report.error() {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}
