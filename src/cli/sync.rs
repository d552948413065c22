//! The sync engine from the command line (docs/sync.md): `conflicts` lists
//! the open conflicts and `conflicts resolve` settles one, by keeping a value
//! (`--keep N`) or writing a new one (`--new`, `--set KOLONNE=VÆRDI`); `changes export`
//! and `changes merge` move a change set between two journals as a plain
//! JSON file (the encrypted, signed case bundle is a later command).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use tovholder::error::{Error, Invalid};
use tovholder::model::SiteId;
use tovholder::sync::{tables, ChangeSet, Conflict};

use super::shared::{id, Env};

#[derive(Args)]
pub struct ConflictsArgs {
    #[command(subcommand)]
    cmd: Option<ConflictsCmd>,
}

#[derive(Subcommand)]
enum ConflictsCmd {
    /// Afgør en konflikt: behold én af værdierne (nummeret fra listen), eller skriv en ny værdi.
    #[command(group(clap::ArgGroup::new("how").required(true).args(["keep", "new", "set"])))]
    Resolve {
        /// Konfliktens id fra listen (RÆKKE/FELT).
        id: String,
        /// Værdiens nummer i listen: 1 er den, der står i journalen nu.
        #[arg(long)]
        keep: Option<usize>,
        /// En ny værdi i stedet for begge (et felt af én kolonne).
        #[arg(long, value_name = "VÆRDI")]
        new: Option<String>,
        /// En ny værdi for én af feltets kolonner (kolonnens navn eller danske navn); gentages for hver kolonne.
        #[arg(long, value_name = "KOLONNE=VÆRDI", value_parser = column_value)]
        set: Vec<(String, String)>,
    },
}

/// `KOLONNE=VÆRDI` of `--set`.
fn column_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((c, v)) if !c.trim().is_empty() => Ok((c.trim().to_string(), v.to_string())),
        _ => Err(format!("«{s}» har ikke formen KOLONNE=VÆRDI, fx --set email=navn@eksempel.dk")),
    }
}

/// A conflict's id as the list shows it.
fn conflict_id(c: &Conflict) -> String {
    format!("{}/{}", c.row, c.group)
}

impl ConflictsArgs {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let list = j.conflicts(&ctx)?;
        let duplicates = j.duplicates(&ctx)?;
        match self.cmd {
            None => {
                // The text shows each field and value in Danish (the review
                // logs the read of each person it names).
                let review = if env.out.json { Vec::new() } else { j.conflict_review(&ctx)? };
                env.out.print(&list, || {
                    let mut s = String::new();
                    for d in &duplicates {
                        let what = match d.rule.as_str() {
                            "course_open" => "to åbne forløb af samme slags for én borger",
                            "client_cpr" => "ét CPR-nummer på flere borgere",
                            "plan_revision" => "to planrevisioner med samme nummer",
                            "child_link" => "samme barn knyttet to gange til samme voksne",
                            "group_attendance" => "to fremmøder for samme medlem og mødedag",
                            "case_review_item" => "samme barn to gange på samme sagsmøde",
                            "settlement" => "to afregninger for samme kommuner og måned",
                            _ => "poster, der bryder journalens regler sammen",
                        };
                        s.push_str(&format!("Dobbelt registrering ({what}): {}\n", d.rows.join(", ")));
                    }
                    if list.is_empty() {
                        s.push_str("Ingen åbne konflikter.");
                        return s;
                    }
                    for c in &review {
                        s.push_str(&format!(
                            "Konflikt {}/{} ({}: {}{}): {}\n",
                            c.row,
                            c.group,
                            c.table_label,
                            c.field_label,
                            c.person_name.as_ref().map(|n| format!(", {n}")).unwrap_or_default(),
                            c.reason
                        ));
                        if let Some(form) = &c.new_value {
                            let cols: Vec<String> =
                                form.columns.iter().map(|k| format!("{} ({})", k.name, k.label)).collect();
                            if cols.len() == 1 {
                                s.push_str("  Eller skriv en ny værdi: --new VÆRDI\n");
                            } else {
                                s.push_str(&format!(
                                    "  Eller skriv en ny værdi: --set KOLONNE=VÆRDI for hver af {}\n",
                                    cols.join(", ")
                                ));
                            }
                        }
                        for (n, v) in c.values.iter().enumerate() {
                            let now = if v.current { " — står i journalen" } else { "" };
                            let value = v.value.clone().unwrap_or_else(|| "(vises ikke for din rolle)".into());
                            s.push_str(&format!(
                                "  {}. {value} — {}, {}, {}{now}\n",
                                n + 1,
                                v.staff,
                                v.site_name,
                                v.on
                            ));
                        }
                    }
                    s.trim_end().to_string()
                });
            }
            Some(ConflictsCmd::Resolve { id: wanted, keep, new, set }) => {
                let c = list
                    .iter()
                    .find(|c| conflict_id(c) == wanted)
                    .ok_or(Error::NotFound(tovholder::error::Entity::Row))?;
                let (row, group) = (c.row.clone(), c.group.clone());
                if let Some(keep) = keep {
                    let chosen = std::iter::once(&c.kept)
                        .chain(&c.others)
                        .nth(keep.wrapping_sub(1))
                        .ok_or(Invalid::OutOfRange { field: "keep", min: 1, max: 1 + c.others.len() as i64 })?;
                    j.resolve_conflict(&ctx, &row, &group, (chosen.site, chosen.hlc))?;
                    env.out.done("Konflikten er løst.");
                    return Ok(());
                }
                // `--new` is the value of the group's first column: the core
                // names any other column the group has and the value lacks.
                let first = tables::table(&c.table)
                    .and_then(|d| d.group_columns(&c.group).first().copied())
                    .unwrap_or(c.group.as_str())
                    .to_string();
                let values: Vec<(String, String)> = match new {
                    Some(v) => vec![(first, v)],
                    None => set,
                };
                let values: Vec<(&str, &str)> = values.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
                j.write_conflict_value(&ctx, &row, &group, &values)?;
                env.out.done("Konflikten er løst med en ny værdi; den sendes med næste bundle til partneren.");
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ChangesCmd {
    /// Skriv ændringerne til en partnerinstallation som JSON (til test; pakken kommer senere).
    Export {
        /// Partnerinstallationens id.
        #[arg(long)]
        to: String,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Flet en partners ændringer (JSON) ind i journalen: alle eller ingen.
    Merge { file: PathBuf },
    /// Giv egne ændringer, der ligger ud over uret, nye tidsstempler (efter et forkert ur).
    Restamp,
    /// Vis denne installations id.
    Site,
}

impl ChangesCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            ChangesCmd::Export { to, out } => {
                let to: SiteId = id(&to, "to")?;
                let set = j.export_changes(&ctx, to)?;
                let text =
                    serde_json::to_string_pretty(&set).map_err(|_| Error::ImportFormat { line: 0, column: 0 })?;
                std::fs::write(&out, text)?;
                env.out.print(&serde_json::json!({ "changes": set.changes.len() }), || {
                    format!("{} ændringer skrevet til {}.", set.changes.len(), out.display())
                });
            }
            ChangesCmd::Merge { file } => {
                let text = std::fs::read_to_string(&file)?;
                let set: ChangeSet = serde_json::from_str(&text)?;
                let s = j.merge_changes(&ctx, &set)?;
                env.out.print(&s, || {
                    format!(
                        "Flettet: {} nye ændringer, {} kendte, {} poster skrevet, {} venter, {} åbne konflikter.",
                        s.applied, s.known, s.rows, s.pending, s.conflicts
                    )
                });
            }
            ChangesCmd::Restamp => {
                let n = j.restamp_changes(&ctx)?;
                env.out.print(&serde_json::json!({ "restamped": n }), || {
                    if n == 0 {
                        "Ingen egne ændringer ligger ud over uret; intet er ændret.".to_string()
                    } else {
                        format!("{n} egne ændringer har fået nye tidsstempler efter uret.")
                    }
                });
            }
            ChangesCmd::Site => {
                env.out.print(&serde_json::json!({ "site": j.site().to_string() }), || j.site().to_string())
            }
        }
        Ok(())
    }
}
