//! Whole journals in and out in the JSON format (docs/journal-format.md):
//! `import` and `export`.

use std::path::PathBuf;

use clap::Args;

use tovholder::error::Error;

use super::shared::{read_journal_file, Env};

#[derive(Args)]
pub struct ImportArgs {
    file: PathBuf,
}

impl ImportArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        let data = read_journal_file(&self.file)?;
        let s = j.import_with_progress(&ctx, &data, &mut |done, total| {
            if !out.json && total > 50_000 {
                eprint!("\rIndlæser … {done} af {total} rækker");
            }
        })?;
        out.print(&s, || format!("Importeret: {} rækker, {} fandtes allerede.", s.inserted, s.skipped));
        Ok(())
    }
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, short)]
    out: Option<PathBuf>,
}

impl ExportArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let data = j.export(&ctx)?;
        let text = serde_json::to_string_pretty(&data).map_err(|_| Error::ImportFormat { line: 0, column: 0 })?;
        match self.out {
            Some(f) => std::fs::write(f, text)?,
            None => println!("{text}"),
        }
        Ok(())
    }
}
