//! Case bundles from the command line (docs/bundles.md): this site's card
//! and emergency identity (`site`), the partners (`partner`), and the
//! bundles themselves (`bundle export`, `import`, `import-dir`, `status`).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;

use tovholder::bundle::{BundleError, BundleImport, Counts, ImportStatus, PartnerAdded, SiteCard};
use tovholder::error::Error;

use super::shared::Env;

#[derive(Subcommand)]
pub enum SiteCmd {
    /// Skriv installationens offentlige stedkort til partneren, og vis fingeraftrykket.
    Card {
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Skriv installationens age-nøgle til en nødåbning af bundter (leder, administrator).
    Identity {
        #[arg(long, short)]
        out: PathBuf,
    },
}

impl SiteCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            SiteCmd::Card { out } => {
                let card = j.site_card(&ctx)?;
                if out.exists() {
                    return Err(Error::AlreadyExists(out));
                }
                std::fs::write(&out, card.to_json())?;
                let fp = card.fingerprint();
                env.out.print(&serde_json::json!({ "file": out, "fingerprint": fp, "site": card.site }), || {
                    format!(
                        "Stedkortet for «{}» er skrevet til {}.\nFingeraftryk (læs det op for partneren i telefonen): {fp}",
                        card.name,
                        out.display()
                    )
                });
            }
            SiteCmd::Identity { out } => {
                j.write_site_identity(&ctx, &out)?;
                env.out.done(&format!(
                    "Nøglen er skrevet til {}. Den åbner alle bundter til denne installation: opbevar den som en adgangskode.",
                    out.display()
                ));
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum PartnerCmd {
    /// Registrér en partner fra dens stedkort, når fingeraftrykket er bekræftet i telefonen.
    Add {
        card: PathBuf,
        /// Fingeraftrykket, som partneren læste op (ellers spørges der i terminalen).
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// Vis de registrerede partnere.
    List,
}

impl PartnerCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            PartnerCmd::Add { card, fingerprint } => {
                let bytes = read_small(&card)?;
                let card = SiteCard::parse(&bytes)?;
                let fp = card.fingerprint();
                let typed = match fingerprint {
                    Some(f) => f,
                    None if std::io::stdin().is_terminal() => {
                        eprintln!(
                            "Stedkort for «{}» ({}, kommune {}).\nFingeraftryk: {fp}\nRing til partneren, og sammenlign. Skriv «ja», hvis det er det samme:",
                            card.name, card.unit.name, card.municipality
                        );
                        let mut line = String::new();
                        std::io::stdin().read_line(&mut line)?;
                        if line.trim().eq_ignore_ascii_case("ja") {
                            fp.clone()
                        } else {
                            String::new()
                        }
                    }
                    None => return Err(BundleError::NotConfirmed.into()),
                };
                let added = j.add_partner(&ctx, &card, &typed)?;
                let what = match added {
                    PartnerAdded::Added => format!("«{}» er registreret som partner (fingeraftryk {fp}).", card.name),
                    PartnerAdded::AlreadyRegistered => {
                        format!("«{}» var allerede registreret; intet er ændret.", card.name)
                    }
                };
                env.out.print(&serde_json::json!({ "partner": card.site, "fingerprint": fp, "added": added }), || what);
            }
            PartnerCmd::List => {
                let list = j.partners(&ctx)?;
                env.out.print(&list, || {
                    if list.is_empty() {
                        return "Ingen partnere er registreret.".into();
                    }
                    list.iter()
                        .map(|p| {
                            format!(
                                "{} ({}, kommune {}) · fingeraftryk {}",
                                p.name, p.unit_name, p.municipality, p.fingerprint
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum BundleCmd {
    /// Skriv en bundle til partneren i en mappe (fx USB-stikket).
    Export {
        /// Partneren (navn, kommunekode eller installations-id).
        #[arg(long)]
        to: String,
        /// Mappen, bundlen skrives i.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Indlæs en bundle fra partneren: hele bundlen eller intet.
    Import {
        file: PathBuf,
        /// Vis, hvad bundlen vil ændre, og hvilke konflikter den giver, uden at ændre noget.
        #[arg(long)]
        dry_run: bool,
    },
    /// Indlæs alle bundter til denne installation i en mappe, i rækkefølge.
    ImportDir {
        dir: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Vis den sidste bundle sendt til og modtaget fra hver partner.
    Status,
}

/// A size as a Dane reads it: "812 B", "4,2 kB", "1,2 MB".
fn size_da(bytes: u64) -> String {
    let b = bytes as f64;
    let (v, unit) = if b >= 1e6 {
        (b / 1e6, "MB")
    } else if b >= 1e3 {
        (b / 1e3, "kB")
    } else {
        return format!("{bytes} B");
    };
    format!("{v:.1} {unit}").replace('.', ",")
}

/// Danish counts per kind of row.
fn kinds(c: &Counts) -> String {
    let label = |t: &str| match t {
        "client" => "klientoplysninger",
        "child" => "børn",
        "child_link" => "barn-forælder-forhold",
        "network_person" => "netværk",
        "emergency_plan" => "nødplaner",
        "referral" => "henvendelser",
        "course" | "assessment" | "plan_revision" | "evaluation" | "medication" => "forløb og planer",
        "session" => "samtaler",
        "session_participant" => "samtaledeltagere",
        "note" => "notater",
        "notification" => "underretninger",
        "consent" => "samtykker",
        "activity_group" | "group_member" | "group_attendance" => "grupper",
        "case_review" | "case_review_item" => "sagsmøder",
        "agreement_price" | "settlement" | "settlement_line" => "afregning",
        "unit" | "staff" => "organisation",
        _ => "andet",
    };
    let mut sums: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (t, n) in &c.tables {
        *sums.entry(label(t)).or_default() += n;
    }
    sums.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
}

fn describe(r: &BundleImport) -> String {
    match r.status {
        ImportStatus::AlreadyImported => {
            format!("Bundle {} fra {} er allerede indlæst; intet er ændret.", r.seq, r.from)
        }
        status => {
            let lead = if status == ImportStatus::DryRun {
                format!("Prøvekørsel af bundle {} fra {} (intet er ændret):", r.seq, r.from)
            } else {
                format!("Bundle {} fra {} er indlæst:", r.seq, r.from)
            };
            let mut s =
                format!("{lead} {} borgere, {} ændringer ({}).", r.people.len(), r.counts.changes, kinds(&r.counts));
            if let Some(m) = &r.summary {
                s.push_str(&format!(
                    "\n{} nye ændringer, {} kendte, {} venter på andre poster, {} fjernet (samtykke trukket tilbage).",
                    m.applied, m.known, m.pending, m.revoked
                ));
            }
            for p in &r.people {
                let who = p.name.clone().unwrap_or_else(|| p.person.clone());
                s.push_str(&format!("\n  {who}: {} ændringer", p.changes));
                if !p.fields.is_empty() {
                    let what: Vec<String> = p.fields.iter().map(|f| format!("{} {}", f.label, f.changes)).collect();
                    s.push_str(&format!(" ({})", what.join(", ")));
                }
            }
            for p in &r.removed {
                let who = p.name.clone().unwrap_or_else(|| p.person.clone());
                let what: Vec<String> = p.records.iter().map(|f| format!("{} {}", f.label, f.changes)).collect();
                let what = if what.is_empty() { String::new() } else { format!(" ({})", what.join(", ")) };
                s.push_str(&format!("\n  Fjernet: {who}{what}, fordi {}.", p.reason));
            }
            if !r.new_conflicts.is_empty() {
                s.push_str(&format!("\n{} nye konflikter (se «tovholder conflicts»):", r.new_conflicts.len()));
                for c in &r.new_conflicts {
                    s.push_str(&format!("\n  {}", c.label));
                }
            }
            for w in &r.warnings {
                s.push_str(&format!("\nAdvarsel: {w}"));
            }
            s
        }
    }
}

fn read_small(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(tovholder::bundle::keys::CARD_MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

impl BundleCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            BundleCmd::Export { to, out } => {
                let partner = j.partner_named(&ctx, &to)?;
                let w = j.export_bundle(&ctx, partner.site, &out)?;
                env.out.print(&w, || {
                    format!(
                        "Bundle {} til {}: {} borgere, {} ændringer, {} ({}).\nSkrevet til {}.",
                        w.seq,
                        w.partner,
                        w.counts.people,
                        w.counts.changes,
                        size_da(w.size),
                        kinds(&w.counts),
                        w.path.display()
                    )
                });
            }
            BundleCmd::Import { file, dry_run } => {
                let r = j.import_bundle(&ctx, &file, dry_run)?;
                env.out.print(&r, || describe(&r));
            }
            BundleCmd::ImportDir { dir, dry_run } => {
                let results = j.import_bundle_dir(&ctx, &dir, dry_run)?;
                let mut failed = None;
                let mut lines = Vec::new();
                let mut json = Vec::new();
                for (name, r) in results {
                    match r {
                        Ok(r) => {
                            lines.push(format!("{name}: {}", describe(&r)));
                            json.push(serde_json::json!({ "file": name, "result": r }));
                        }
                        Err(e) => {
                            lines.push(format!("{name}: Fejl [{}]: {e}", e.code()));
                            json.push(serde_json::json!({ "file": name, "error": e.code(), "message": e.to_string() }));
                            failed.get_or_insert(e);
                        }
                    }
                }
                if lines.is_empty() {
                    lines.push(format!("Der er ingen bundter til denne installation i {}.", dir.display()));
                }
                env.out.print(&json, || lines.join("\n"));
                if let Some(e) = failed {
                    return Err(e);
                }
            }
            BundleCmd::Status => {
                let list = j.bundle_status(&ctx)?;
                env.out.print(&list, || {
                    if list.is_empty() {
                        return "Ingen partnere er registreret.".into();
                    }
                    let mut s = String::new();
                    for p in &list {
                        s.push_str(&format!("{}:\n", p.partner.name));
                        match &p.last_sent {
                            Some(b) => s.push_str(&format!(
                                "  Sidst sendt: bundle {} ({}, {} ændringer){}{}\n",
                                b.seq,
                                day(&b.at),
                                b.counts.changes,
                                if b.written { "" } else { " — filen blev ikke skrevet færdig" },
                                match p.acknowledged {
                                    Some(a) => format!("; {} har læst bundle {a}", p.partner.name),
                                    None => String::new(),
                                }
                            )),
                            None => s.push_str("  Endnu ingen bundle sendt.\n"),
                        }
                        match &p.last_received {
                            Some(b) => s.push_str(&format!(
                                "  Sidst modtaget: bundle {} (indlæst {}, {} ændringer)\n",
                                b.seq,
                                day(&b.at),
                                b.counts.changes
                            )),
                            None => s.push_str("  Endnu ingen bundle modtaget.\n"),
                        }
                        if let Some(w) = p.last_received.as_ref().and_then(|b| b.warning.as_ref()) {
                            s.push_str(&format!("  Advarsel: {w}\n"));
                        }
                    }
                    s.trim_end().to_string()
                });
            }
        }
        Ok(())
    }
}

/// dd-mm-åååå of a stored RFC 3339 instant.
fn day(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| super::shared::d(tovholder::model::time::danish_date(t.with_timezone(&chrono::Utc))))
        .unwrap_or_else(|_| at.to_string())
}
