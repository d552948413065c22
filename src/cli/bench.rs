//! Generated journals: `fixtures generate` writes one in the JSON format,
//! `bench` measures the core's speed on one. Neither opens `--journal`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use tovholder::error::Error;

use super::shared::Env;

#[derive(Subcommand)]
pub enum FixturesCmd {
    /// Skriv en genereret, fiktiv journal i JSON-formatet.
    Generate {
        #[arg(long, default_value_t = 200)]
        clients: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

impl FixturesCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        match self {
            FixturesCmd::Generate { clients, seed, out: file } => {
                let today = env.clock.today();
                let data = tovholder::fixtures::generate(clients, seed, today);
                let text = serde_json::to_string(&data).map_err(|_| Error::ImportFormat { line: 0, column: 0 })?;
                match file {
                    Some(f) => std::fs::write(f, text)?,
                    None => println!("{text}"),
                }
            }
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct BenchArgs {
    #[arg(long, default_value_t = 50_000)]
    clients: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Queries per measured operation.
    #[arg(long, default_value_t = 2000)]
    queries: usize,
    /// Where the benchmark's journals are written (a temporary folder by default).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Run on an unencrypted and an encrypted journal in the same run, and time logins.
    #[arg(long)]
    compare_encryption: bool,
    /// Genbrug journalen, som en tidligere kørsel efterlod i --dir (samme klienter og seed),
    /// i stedet for at indlæse en ny; indlæsningen måles da ikke.
    #[arg(long, requires = "dir", conflicts_with = "compare_encryption")]
    reuse: bool,
}

impl BenchArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let dir = match &self.dir {
            Some(d) => {
                std::fs::create_dir_all(d)?;
                d.clone()
            }
            None => std::env::temp_dir().join(format!("tovholder-bench-{}", std::process::id())),
        };
        std::fs::create_dir_all(&dir)?;
        let report = tovholder::bench::run_all(&tovholder::bench::Options {
            clients: self.clients,
            seed: self.seed,
            queries: self.queries,
            dir: dir.clone(),
            compare_encryption: self.compare_encryption,
            reuse: self.reuse,
        });
        if self.dir.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let report = report?;
        env.out.print(&report["report"], || report["text"].as_str().unwrap_or_default().to_string());
        Ok(())
    }
}

/// `tovholder bench-bundle`: export and import of one large bundle
/// (src/bundle/bench.rs); figures printed, never asserted.
#[derive(Args)]
pub struct BenchBundleArgs {
    /// About how many changes the bundle holds.
    #[arg(long, default_value_t = 100_000)]
    changes: usize,
    /// Also import into a journal of this many generated clients.
    #[arg(long)]
    big_clients: Option<usize>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where the benchmark's journals are written (a temporary folder by default).
    #[arg(long)]
    dir: Option<PathBuf>,
}

impl BenchBundleArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let dir = self
            .dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join(format!("tovholder-bench-bundle-{}", std::process::id())));
        let fig = tovholder::bundle::bench::run(&tovholder::bundle::bench::Options {
            changes: self.changes,
            big_clients: self.big_clients,
            seed: self.seed,
            dir: dir.clone(),
        });
        if self.dir.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let fig = fig?;
        env.out.print(&fig, || fig.to_text());
        Ok(())
    }
}
