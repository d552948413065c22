//! The organisation: `unit` and `staff` (members of staff without a login;
//! logins are `user`, in security.rs).

use clap::{Args, Subcommand};

use tovholder::error::Error;
use tovholder::model::*;
use tovholder::Journal;

use super::shared::{opt_id, Env};

#[derive(Subcommand)]
pub enum UnitCmd {
    /// Opret en enhed (et behandlingssted eller en familieafdeling).
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        kind: String,
    },
    /// Vis enhederne.
    List,
}

impl UnitCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            UnitCmd::Add { name, municipality, kind } => {
                let id = j.add_unit(&ctx, &UnitRecord { id: None, municipality, kind, name })?;
                out.created("Enhed", id);
            }
            UnitCmd::List => {
                let units = j.unit_list()?;
                out.print(&units, || {
                    units
                        .iter()
                        .map(|(id, n, k, m)| format!("{id}  {n} ({}, {})", k.label, m.label))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
        }
        Ok(())
    }
}

// A member of staff's own fields (`staff add`, `user new`).
#[derive(Args)]
pub struct StaffFields {
    #[arg(long)]
    name: String,
    #[arg(long)]
    initials: String,
    #[arg(long)]
    role: String,
    /// Unit id; this site's unit when left out.
    #[arg(long)]
    unit: Option<String>,
}

impl StaffFields {
    pub fn record(self, j: &Journal) -> Result<StaffRecord, Error> {
        let StaffFields { name, initials, role, unit } = self;
        let unit_id = opt_id(&unit, "unit")?.unwrap_or(j.unit());
        Ok(StaffRecord { id: None, unit_id, name, initials, role })
    }
}

#[derive(Subcommand)]
pub enum StaffCmd {
    /// Opret en medarbejder (uden login; det giver `user add`).
    Add(StaffFields),
    /// Vis medarbejderne med initialer, rolle og enhed.
    List,
}

impl StaffCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            StaffCmd::Add(fields) => {
                let id = j.add_staff(&ctx, &fields.record(&j)?)?;
                out.created("Medarbejder", id);
            }
            StaffCmd::List => {
                let staff = j.staff_list()?;
                out.print(&staff, || {
                    staff
                        .iter()
                        .map(|s| format!("{:<6} {:<28} {:<20} {}  {}", s.initials, s.name, s.role.label, s.unit, s.id))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
        }
        Ok(())
    }
}
