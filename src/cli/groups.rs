//! Groups (`group`): children's and youth groups, relatives, relapse
//! prevention, mindfulness; their members and attendance by meeting.

use clap::Subcommand;

use tovholder::error::Error;
use tovholder::model::*;

use super::shared::{d, date_or_today, id, opt_id, Env};

#[derive(Subcommand)]
pub enum GroupCmd {
    /// Grupperne, nyeste først.
    List,
    /// Én gruppe: deltagerne og deres fremmøde pr. møde.
    Show { id: String },
    /// Start en gruppe (arten fra kodelisten group_kind).
    New {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        start: Option<String>,
    },
    /// Meld en klient eller et barn ind i en gruppe.
    Join {
        group: String,
        #[arg(long, conflicts_with = "child")]
        client: Option<String>,
        #[arg(long)]
        child: Option<String>,
        #[arg(long)]
        on: Option<String>,
    },
    /// Registrér ét møde: `--attendance DELTAGER=KODE` for hver deltager.
    Meeting {
        group: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long = "attendance", required = true)]
        attendance: Vec<String>,
    },
    /// En deltager melder sig ud af gruppen.
    Leave {
        member: String,
        #[arg(long)]
        on: Option<String>,
    },
}

impl GroupCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            GroupCmd::List => {
                let groups = j.groups(&ctx)?;
                out.print(&groups, || {
                    if groups.is_empty() {
                        return "Ingen grupper.".into();
                    }
                    groups
                        .iter()
                        .map(|g| {
                            let end = g.end_on.map(|e| format!("–{}", d(e))).unwrap_or_default();
                            format!(
                                "{}  {:<40} {:<26} {}{end}  {} deltagere, {} møder",
                                g.id,
                                g.name,
                                g.kind.label,
                                d(g.start_on),
                                g.members,
                                g.meetings
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            GroupCmd::Show { id: gid } => {
                let g = j.group(&ctx, id(&gid, "id")?)?;
                out.print(&g, || {
                    let mut lines = vec![format!("{} ({}), startet {}", g.name, g.kind.label, d(g.start_on))];
                    for m in &g.members {
                        let who = if m.child_id.is_some() { "barn" } else { "klient" };
                        let left = m.left_on.map(|l| format!(", udmeldt {}", d(l))).unwrap_or_default();
                        lines.push(format!("  {}  {:<28} {who:<6} indmeldt {}{left}", m.id, m.name, d(m.joined_on)));
                        for a in &m.attendance {
                            lines.push(format!("      {}  {}", d(a.met_on), a.attendance.label));
                        }
                    }
                    lines.join("\n")
                });
            }
            GroupCmd::New { kind, name, start } => {
                let r = GroupRecord {
                    id: None,
                    unit_id: None,
                    kind,
                    name,
                    start_on: date_or_today(&start, "start_on", &ctx)?,
                    end_on: None,
                };
                let gid = j.add_group(&ctx, &r)?;
                out.created("Gruppe", gid);
            }
            GroupCmd::Join { group, client, child, on } => {
                let r = GroupMemberRecord {
                    id: None,
                    group_id: id(&group, "group_id")?,
                    client_id: opt_id(&client, "client_id")?,
                    child_id: opt_id(&child, "child_id")?,
                    joined_on: date_or_today(&on, "joined_on", &ctx)?,
                    left_on: None,
                };
                let mid = j.add_group_member(&ctx, &r)?;
                out.created("Gruppedeltager", mid);
            }
            GroupCmd::Meeting { group, on, attendance } => {
                let mut rows = Vec::with_capacity(attendance.len());
                for a in &attendance {
                    let (member, code) = a.split_once('=').unwrap_or((a.as_str(), ""));
                    rows.push((id(member, "member_id")?, code.to_string()));
                }
                let on = date_or_today(&on, "met_on", &ctx)?;
                j.record_group_meeting(&ctx, id(&group, "group_id")?, on, &rows)?;
                out.done("Fremmødet er registreret.");
            }
            GroupCmd::Leave { member, on } => {
                j.leave_group(&ctx, id(&member, "member_id")?, date_or_today(&on, "left_on", &ctx)?)?;
                out.done("Deltageren er meldt ud af gruppen.");
            }
        }
        Ok(())
    }
}
