//! Treatment: `course`, `assessment`, `plan`, `medication`, `session`,
//! `note` and `consent`, the entries of a client's course.

use clap::Subcommand;

use tovholder::error::{Error, Invalid};
use tovholder::model::views::*;
use tovholder::model::*;

use super::shared::{d, date_or_today, id, od, opt_date, opt_id, Env};

#[derive(Subcommand)]
pub enum CourseCmd {
    /// Indskriv en klient i et forløb.
    Enrol {
        #[arg(long)]
        client: String,
        #[arg(long)]
        referral: Option<String>,
        #[arg(long, default_value = "alcohol")]
        kind: String,
        #[arg(long, default_value = "ambulant")]
        setting: String,
        #[arg(long)]
        enrolled_on: Option<String>,
        /// Treatment start; the course waits until it has one.
        #[arg(long)]
        start_on: Option<String>,
        /// Case owner's initials; the acting user when left out.
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        paying_municipality: Option<String>,
    },
    /// Start behandlingen i et forløb.
    Start {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Sæt et forløb i efterbehandling.
    FollowUp {
        id: String,
        #[arg(long)]
        from: Option<String>,
    },
    /// Afslut et forløb med slutdato og NAB-afslutningsårsag.
    Close {
        id: String,
        #[arg(long)]
        end_on: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Skriv midtvejs- eller slutevalueringen.
    Evaluate {
        id: String,
        /// midway or final
        #[arg(long)]
        kind: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        text: String,
    },
}

impl CourseCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            CourseCmd::Enrol { client, referral, kind, setting, enrolled_on, start_on, owner, paying_municipality } => {
                let case_owner = match owner {
                    Some(i) => j.staff_by_initials(&i)?,
                    None => ctx.staff,
                };
                let r = CourseRecord {
                    id: None,
                    client_id: id(&client, "client")?,
                    referral_id: opt_id(&referral, "referral")?,
                    unit_id: None,
                    kind,
                    setting,
                    enrolled_on: date_or_today(&enrolled_on, "enrolled_on", &ctx)?,
                    start_on: opt_date(&start_on, "start_on")?,
                    follow_up_from: None,
                    end_on: None,
                    end_reason: None,
                    case_owner,
                    paying_municipality,
                };
                let cid = j.enrol(&ctx, &r)?;
                out.created("Forløb", cid);
            }
            CourseCmd::Start { id: cid, on } => {
                j.start_course(&ctx, id(&cid, "id")?, date_or_today(&on, "start_on", &ctx)?)?;
                out.done("Behandlingen er startet.");
            }
            CourseCmd::FollowUp { id: cid, from } => {
                j.follow_up(&ctx, id(&cid, "id")?, date_or_today(&from, "follow_up_from", &ctx)?)?;
                out.done("Forløbet er i efterbehandling.");
            }
            CourseCmd::Close { id: cid, end_on, reason } => {
                j.close_course(&ctx, id(&cid, "id")?, date_or_today(&end_on, "end_on", &ctx)?, &reason)?;
                out.done("Forløbet er afsluttet.");
            }
            CourseCmd::Evaluate { id: cid, kind, on, text } => {
                let kind = match kind.as_str() {
                    "midway" => EvaluationKind::Midway,
                    "final" => EvaluationKind::Final,
                    other => {
                        return Err(Invalid::UnknownCode {
                            list: CodeList::CourseStatus,
                            code: other.into(),
                            field: "kind",
                        }
                        .into())
                    }
                };
                let r = EvaluationRecord {
                    id: None,
                    course_id: id(&cid, "id")?,
                    kind,
                    evaluated_on: date_or_today(&on, "evaluated_on", &ctx)?,
                    text,
                };
                let eid = j.add_evaluation(&ctx, &r)?;
                out.created("Evaluering", eid);
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum AssessmentCmd {
    /// Registrér en udredning (AUDIT, genstande om ugen, livssituation).
    Add {
        #[arg(long)]
        course: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        audit: Option<i64>,
        #[arg(long)]
        units_per_week: Option<i64>,
        #[arg(long, value_delimiter = ',')]
        side_abuse: Vec<String>,
        #[arg(long)]
        income: Option<String>,
        #[arg(long)]
        housing: Option<String>,
        #[arg(long, value_delimiter = ',')]
        children: Vec<String>,
        #[arg(long)]
        pregnant: Option<bool>,
        #[arg(long)]
        violence: Option<bool>,
        #[arg(long)]
        psychiatric: Option<bool>,
        #[arg(long)]
        remarks: Option<String>,
    },
}

impl AssessmentCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        match self {
            AssessmentCmd::Add {
                course,
                on,
                audit,
                units_per_week,
                side_abuse,
                income,
                housing,
                children,
                pregnant,
                violence,
                psychiatric,
                remarks,
            } => {
                let r = AssessmentRecord {
                    id: None,
                    course_id: id(&course, "course")?,
                    assessed_on: date_or_today(&on, "assessed_on", &ctx)?,
                    audit_score: audit,
                    units_per_week,
                    side_abuse,
                    income_source: income,
                    housing,
                    children_situation: children,
                    pregnant,
                    violence,
                    psychiatric,
                    remarks,
                };
                let aid = j.add_assessment(&ctx, &r)?;
                env.out.created("Udredning", aid);
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum PlanCmd {
    /// Skriv en ny version af forløbets behandlingsplan.
    Revise {
        #[arg(long)]
        course: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        goals: String,
        #[arg(long, value_delimiter = ',')]
        elements: Vec<String>,
        #[arg(long)]
        medication: Option<String>,
        #[arg(long)]
        family: Option<String>,
        #[arg(long)]
        midway_on: Option<String>,
        #[arg(long)]
        final_on: Option<String>,
    },
    /// Alle versioner af et forløbs behandlingsplan, ældste først.
    History { course: String },
}

impl PlanCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            PlanCmd::Revise { course, on, goals, elements, medication, family, midway_on, final_on } => {
                let r = PlanRevisionRecord {
                    id: None,
                    course_id: id(&course, "course")?,
                    made_on: date_or_today(&on, "made_on", &ctx)?,
                    goals,
                    elements,
                    medication,
                    family_section: family,
                    midway_on: opt_date(&midway_on, "midway_on")?,
                    final_on: opt_date(&final_on, "final_on")?,
                };
                let pid = j.revise_plan(&ctx, &r)?;
                out.created("Behandlingsplan (ny version)", pid);
            }
            PlanCmd::History { course } => {
                let plan: Vec<PlanRevisionView> = j.plan_history(&ctx, id(&course, "course")?)?;
                out.print(&plan, || plan.iter().map(plan_text).collect::<Vec<_>>().join("\n"));
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum MedicationCmd {
    /// Start en medicinering i et forløb.
    Start {
        #[arg(long)]
        course: String,
        #[arg(long)]
        drug: String,
        #[arg(long)]
        dose: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Stop en medicinering.
    Stop {
        id: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
}

impl MedicationCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            MedicationCmd::Start { course, drug, dose, on } => {
                let r = MedicationRecord {
                    id: None,
                    course_id: id(&course, "course")?,
                    drug,
                    dose,
                    started_on: date_or_today(&on, "started_on", &ctx)?,
                    started_by: ctx.staff,
                    stopped_on: None,
                    stopped_by: None,
                    stop_reason: None,
                };
                let mid = j.start_medication(&ctx, &r)?;
                out.created("Medicinering", mid);
            }
            MedicationCmd::Stop { id: mid, on, reason } => {
                j.stop_medication(&ctx, id(&mid, "id")?, date_or_today(&on, "stopped_on", &ctx)?, reason)?;
                out.done("Medicineringen er stoppet.");
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum SessionCmd {
    /// Book eller registrér en samtale. Uden --attendance er den kun booket.
    Add {
        #[arg(long)]
        course: Option<String>,
        #[arg(long, default_value = "individual")]
        kind: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        time: Option<String>,
        #[arg(long)]
        minutes: Option<i64>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        attendance: Option<String>,
        /// Client ids taking part.
        #[arg(long = "client")]
        clients: Vec<String>,
        /// Child ids taking part.
        #[arg(long = "child")]
        children: Vec<String>,
        /// Staff initials taking part (the acting user when none is given).
        #[arg(long = "staff")]
        staff: Vec<String>,
        /// Outside people by name.
        #[arg(long = "external")]
        external: Vec<String>,
    },
    /// Registrér fremmødet til en booket samtale.
    Attendance { id: String, attendance: String },
}

impl SessionCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            SessionCmd::Add {
                course,
                kind,
                on,
                time,
                minutes,
                place,
                attendance,
                clients,
                children,
                staff: staff_initials,
                external,
            } => {
                let mut participants = Vec::new();
                for c in &clients {
                    participants.push(Participant::Client(id(c, "client")?));
                }
                for c in &children {
                    participants.push(Participant::Child(id(c, "child")?));
                }
                if staff_initials.is_empty() {
                    participants.push(Participant::Staff(ctx.staff));
                }
                for s in &staff_initials {
                    participants.push(Participant::Staff(j.staff_by_initials(s)?));
                }
                participants.extend(external.into_iter().map(Participant::External));
                let r = SessionRecord {
                    id: None,
                    course_id: opt_id(&course, "course")?,
                    kind,
                    held_on: date_or_today(&on, "held_on", &ctx)?,
                    start_time: time,
                    minutes,
                    place,
                    attendance,
                    participants,
                };
                let sid = j.add_session(&ctx, &r)?;
                out.created("Samtale", sid);
            }
            SessionCmd::Attendance { id: sid, attendance } => {
                j.record_attendance(&ctx, id(&sid, "id")?, &attendance)?;
                out.done("Fremmødet er registreret.");
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum NoteCmd {
    /// Skriv et notat i en klients journal.
    Add {
        #[arg(long)]
        client: String,
        #[arg(long)]
        course: Option<String>,
        #[arg(long)]
        session: Option<String>,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        internal: bool,
        #[arg(long)]
        text: String,
    },
    /// Ret et notat; originalen kan stadig læses.
    Correct {
        id: String,
        #[arg(long)]
        text: String,
        /// Mark the original as made in error instead of correcting it.
        #[arg(long)]
        error: bool,
        #[arg(long)]
        on: Option<String>,
    },
    /// Fritekstsøgning i notaterne.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

impl NoteCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            NoteCmd::Add { client, course, session, on, internal, text } => {
                let r = NoteRecord {
                    id: None,
                    client_id: id(&client, "client")?,
                    course_id: opt_id(&course, "course")?,
                    session_id: opt_id(&session, "session")?,
                    kind: NoteKind::Note,
                    corrects: None,
                    written_on: date_or_today(&on, "written_on", &ctx)?,
                    internal,
                    text,
                };
                let nid = j.add_note(&ctx, &r)?;
                out.created("Notat", nid);
            }
            NoteCmd::Correct { id: nid, text, error, on } => {
                let kind = if error { NoteKind::Error } else { NoteKind::Correction };
                let new =
                    j.correct_note(&ctx, id(&nid, "id")?, kind, &text, date_or_today(&on, "written_on", &ctx)?)?;
                out.created("Rettelse", new);
            }
            NoteCmd::Search { query, limit } => {
                let hits = j.search_notes(&ctx, &query, limit)?;
                out.print(&hits, || {
                    if hits.is_empty() {
                        return "Ingen notater fundet.".into();
                    }
                    hits.iter()
                        .map(|h| format!("{}  {:<28} {}", d(h.written_on), h.client_name, h.snippet.replace('\n', " ")))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ConsentCmd {
    /// Registrér et samtykke til at videregive oplysninger.
    Give {
        #[arg(long)]
        client: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        remarks: Option<String>,
    },
    /// Træk et samtykke tilbage.
    Withdraw {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
}

impl ConsentCmd {
    pub fn run(self, env: &Env) -> Result<(), Error> {
        let (mut j, ctx) = env.open()?;
        let out = &env.out;
        match self {
            ConsentCmd::Give { client, scope, recipient, on, remarks } => {
                let r = ConsentRecord {
                    id: None,
                    client_id: id(&client, "client")?,
                    scope,
                    recipient,
                    to_unit: None,
                    given_on: date_or_today(&on, "given_on", &ctx)?,
                    withdrawn_on: None,
                    remarks,
                };
                let cid = j.give_consent(&ctx, &r)?;
                out.created("Samtykke", cid);
            }
            ConsentCmd::Withdraw { id: cid, on } => {
                j.withdraw_consent(&ctx, id(&cid, "id")?, date_or_today(&on, "withdrawn_on", &ctx)?)?;
                out.done("Samtykket er trukket tilbage.");
            }
        }
        Ok(())
    }
}

/// One revision of a treatment plan as text.
fn plan_text(p: &PlanRevisionView) -> String {
    let mut s = format!(
        "Version {} af {} ({}, {})\n  Mål: {}\n",
        p.revision,
        d(p.made_on),
        p.stamp.created_by,
        p.stamp.created_at,
        p.goals
    );
    if !p.elements.is_empty() {
        s.push_str(&format!(
            "  Indsatser: {}\n",
            p.elements.iter().map(|e| e.label.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(m) = &p.medication {
        s.push_str(&format!("  Medicin: {m}\n"));
    }
    if let Some(f) = &p.family_section {
        s.push_str(&format!("  Familie: {f}\n"));
    }
    if p.midway_on.is_some() || p.final_on.is_some() {
        s.push_str(&format!("  Midtvejsevaluering {}, slutevaluering {}\n", od(p.midway_on), od(p.final_on)));
    }
    s
}
