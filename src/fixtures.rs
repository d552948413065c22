//! A deterministic generator of fictional journals, from a demo-sized unit up
//! to SPEC §8's region (50,000 clients, about 1,000,000 sessions and notes).
//!
//! The same `(clients, seed, today)` always gives the same file. Every record
//! obeys the journal's rules, so the output imports through the ordinary write
//! path. Names are drawn from invented lists and CPR numbers are random but
//! well-formed: nobody here is a real person.

use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::model::*;

const FIRST_M: &[&str] = &[
    "Anders", "Bjarne", "Carsten", "Dennis", "Erik", "Frank", "Gert", "Henrik", "Ib", "Jesper", "Kim", "Lars", "Mads",
    "Niels", "Ole", "Palle", "Rasmus", "Søren", "Torben", "Ulrik", "Villy", "Jannik", "Brian", "Kenneth", "Morten",
];
const FIRST_K: &[&str] = &[
    "Anne", "Bente", "Camilla", "Dorte", "Eva", "Frida", "Gitte", "Hanne", "Ida", "Jette", "Karina", "Lone", "Mette",
    "Nina", "Pia", "Rikke", "Susanne", "Tina", "Ulla", "Vibeke", "Janni", "Birgit", "Connie", "Lotte", "Maja",
];
const CHILD_NAMES: &[&str] = &[
    "Alma", "Bertram", "Clara", "Ditte", "Emil", "Freja", "Gustav", "Holger", "Ingrid", "Johan", "Karla", "Lukas",
    "Malte", "Nora", "Oskar", "Philip", "Sofie", "Theo", "Viggo", "Asta", "Liva", "Magnus", "Olivia", "William",
];
// Invented surnames (Danish-sounding place-name compounds).
const SURNAMES: &[&str] = &[
    "Bøgelund",
    "Kragsholm",
    "Lerbæk",
    "Mosekær",
    "Rævdal",
    "Tjørnhøj",
    "Ulvskov",
    "Hvedegård",
    "Egebjerg",
    "Sivkær",
    "Lyngdrup",
    "Brombæk",
    "Havrelund",
    "Kløvermark",
    "Stenholt",
    "Engtoft",
    "Rugkær",
    "Birkvang",
    "Fjeldsø",
    "Granhøj",
    "Hasselbro",
    "Ildved",
    "Kornum",
    "Lindtoft",
    "Myrhøj",
    "Nældebæk",
    "Pilehave",
    "Rønnemose",
    "Skovrup",
    "Tranekær",
    "Vibæk",
    "Ågaard",
    "Bakkedal",
    "Dyssegård",
    "Enghave",
    "Fladsø",
];
const NOTE_OPENINGS: &[&str] = &[
    "Samtale med borgeren om",
    "Telefonisk kontakt vedrørende",
    "Opfølgning på",
    "Fællessamtale med familiekonsulent om",
    "Borgeren fortæller om",
    "Drøftet i dag:",
    "Hjemmebesøg, talt om",
    "Netværksmøde om",
];
const NOTE_TOPICS: &[&str] = &[
    "tilbagefald i weekenden og strategier for at undgå det",
    "børnenes trivsel i skolen og samvær med den anden forælder",
    "Antabus-behandlingen og bivirkninger",
    "drikkemønster og genstande pr. uge siden sidst",
    "arbejdssituationen og kontakt til jobcentret",
    "søvn, uro og trang til alkohol om aftenen",
    "nødplanen for børnene og de trygge voksne",
    "motivation for fortsat behandling og mål i behandlingsplanen",
    "samarbejdet med familieafdelingen og sagsbehandleren",
    "økonomi, bolig og netværk",
    "partnerens bekymring og parsamtale",
    "tilbagefaldsforebyggelse og højrisikosituationer",
];
const NOTE_CLOSINGS: &[&str] = &[
    "Aftalt ny samtale om en uge.",
    "Borgeren virker motiveret.",
    "Vurderer ingen akut bekymring for børnene.",
    "Der følges op ved næste samtale.",
    "Planen justeres ved midtvejsevalueringen.",
    "Borgeren ønsker at fortsætte i gruppebehandling.",
];

struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    fn days(&mut self, lo: u64, hi: u64) -> Days {
        Days::new(self.rng.random_range(lo..=hi))
    }
    /// A well-formed CPR number for a birth date and sex.
    fn cpr(&mut self, born: NaiveDate, sex: Sex) -> Option<Cpr> {
        let yy = born.year() % 100;
        let century_digit = match born.year() {
            1900..=1999 => self.rng.random_range(0..=3),
            2000..=2036 => 4,
            _ => return None,
        };
        let serial: u32 = self.rng.random_range(0..100);
        let mut last: u32 = self.rng.random_range(0..10);
        let odd = sex == Sex::M;
        if (last % 2 == 1) != odd {
            last = (last + 1) % 10;
        }
        let s = format!("{:02}{:02}{:02}{}{:02}{}", born.day(), born.month(), yy, century_digit, serial, last);
        Cpr::parse(&s).ok()
    }
}

fn min_date(a: NaiveDate, b: NaiveDate) -> NaiveDate {
    a.min(b)
}

/// Make a fictional journal of `clients` clients (see module doc).
pub fn generate(clients: usize, seed: u64, today: NaiveDate) -> JournalFile {
    let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(seed) };
    let mut f = JournalFile::new();
    f.description = Some(format!("Genereret, fiktiv journal: {clients} klienter, frø {seed}. Ingen rigtige personer."));

    let rmc = UnitId(g.uuid());
    let faxe_family = UnitId(g.uuid());
    let stevns_family = UnitId(g.uuid());
    f.units = vec![
        UnitRecord {
            id: Some(rmc),
            municipality: "0320".into(),
            kind: "alcohol".into(),
            name: "Faxe Rusmiddelcenter".into(),
        },
        UnitRecord {
            id: Some(faxe_family),
            municipality: "0320".into(),
            kind: "family".into(),
            name: "Faxe Familie & PPR-Enheden".into(),
        },
        UnitRecord {
            id: Some(stevns_family),
            municipality: "0336".into(),
            kind: "family".into(),
            name: "Stevns Center Familie".into(),
        },
    ];
    let staff = |f: &mut JournalFile, g: &mut Gen, unit: UnitId, role: &str, initials: String| {
        let id = StaffId(g.uuid());
        let sex = if g.chance(0.5) { FIRST_M } else { FIRST_K };
        let name = format!("{} {}", g.pick(sex), g.pick(SURNAMES));
        f.staff.push(StaffRecord { id: Some(id), unit_id: unit, name, initials, role: role.into() });
        id
    };
    let _leader = staff(&mut f, &mut g, rmc, "leader", "LED".into());
    let consultants_n = (clients / 60).clamp(2, 400);
    let consultants: Vec<StaffId> =
        (0..consultants_n).map(|i| staff(&mut f, &mut g, rmc, "alcohol_consultant", format!("AK{i}"))).collect();
    let doctor = staff(&mut f, &mut g, rmc, "doctor", "LAEGE".into());
    staff(&mut f, &mut g, rmc, "secretary", "SEK".into());
    let family_n = (clients / 200).clamp(1, 100);
    let faxe_fc: Vec<StaffId> =
        (0..family_n).map(|i| staff(&mut f, &mut g, faxe_family, "family_consultant", format!("FF{i}"))).collect();
    let stevns_fc: Vec<StaffId> =
        (0..family_n).map(|i| staff(&mut f, &mut g, stevns_family, "family_consultant", format!("SF{i}"))).collect();

    // Twenty years of history for a region, a few years for a small unit.
    let years = (clients / 2500).clamp(3, 20) as u64;
    let span_days = years * 365;
    let kinds = [
        "alcohol",
        "alcohol",
        "alcohol",
        "alcohol",
        "alcohol",
        "alcohol",
        "relative",
        "family",
        "adult_children",
        "short",
    ];
    let end_reasons = [
        "completed",
        "completed",
        "completed",
        "own_wish",
        "no_show",
        "no_show",
        "died",
        "moved",
        "other_institution",
        "own_gp",
        "hospital",
        "other",
    ];
    let sources: Vec<&str> = vec![
        "self",
        "self",
        "self",
        "relative",
        "gp",
        "gp",
        "hospital",
        "job_centre",
        "family_department",
        "school",
        "health_visitor",
        "police",
        "probation",
        "support_contact",
        "other_municipality",
        "other",
    ];

    for _ in 0..clients {
        let client = ClientId(g.uuid());
        let sex = if g.chance(0.7) { Sex::M } else { Sex::K };
        let first = if sex == Sex::M { g.pick(FIRST_M) } else { g.pick(FIRST_K) };
        let name = format!("{first} {}", g.pick(SURNAMES));
        let municipality = if g.chance(0.7) { "0320" } else { "0336" };
        let received = today - g.days(0, span_days);
        let age = g.rng.random_range(18..80u64);
        let born = received - Days::new(age * 365 + g.rng.random_range(0..365));
        let anonymous = g.chance(0.05);
        let cpr = if anonymous { None } else { g.cpr(born, sex) };
        f.clients.push(ClientRecord {
            id: Some(client),
            name,
            birth_date: if cpr.is_none() { Some(born) } else { None },
            sex: if cpr.is_none() { Some(sex) } else { None },
            cpr,
            anonymous,
            municipality: municipality.into(),
            address: None,
            phone: None,
            email: None,
        });

        // Referral → information talk → course.
        let referral = ReferralId(g.uuid());
        let info = min_date(received + g.days(0, 7), today);
        let start = min_date(info + g.days(0, 14), today);
        let kind = *g.pick(&kinds);
        let owner = *g.pick(&consultants);
        let waiting = received + Days::new(21) > today && g.chance(0.3);
        f.referrals.push(ReferralRecord {
            id: Some(referral),
            client_id: client,
            received_on: received,
            source: g.pick(&sources).to_string(),
            referrer: None,
            reason: None,
            door: if g.chance(0.85) { "alcohol_unit".into() } else { "family_department".into() },
            unit_id: None,
            info_talk_on: Some(info),
            outcome: "enrolled".into(),
        });
        let course = CourseId(g.uuid());
        let length = g.days(14, 400);
        let end = start + length;
        let (start_on, end_on, end_reason, follow_up) = if waiting {
            (None, None, None, None)
        } else if end < today {
            (Some(start), Some(end), Some(g.pick(&end_reasons).to_string()), None)
        } else {
            let fu = if g.chance(0.15) { Some(min_date(start + g.days(60, 200), today)) } else { None };
            (Some(start), None, None, fu.filter(|d| *d >= start))
        };
        f.courses.push(CourseRecord {
            id: Some(course),
            client_id: client,
            referral_id: Some(referral),
            unit_id: None,
            kind: kind.into(),
            setting: if g.chance(0.9) {
                "ambulant".into()
            } else if g.chance(0.5) {
                "day".into()
            } else {
                "residential".into()
            },
            enrolled_on: info,
            start_on,
            follow_up_from: follow_up,
            end_on,
            end_reason,
            case_owner: owner,
            paying_municipality: None,
        });
        let last_day = end_on.unwrap_or(today);

        // Children: about a third of clients have children under 18.
        let mut kids = Vec::new();
        if g.chance(0.35) {
            for _ in 0..g.rng.random_range(1..=3) {
                let child = ChildId(g.uuid());
                let child_born = info - g.days(200, 17 * 365);
                let residence = *g.pick(&["with_client", "with_client", "visitation", "other_parent", "placed"]);
                let custody = match residence {
                    "with_client" => *g.pick(&["joint", "client_alone"]),
                    "placed" => "other",
                    _ => *g.pick(&["joint", "other_parent"]),
                };
                let family_case = g.chance(0.3);
                f.children.push(ChildRecord {
                    id: Some(child),
                    name: format!("{} {}", g.pick(CHILD_NAMES), g.pick(SURNAMES)),
                    birth_date: Some(child_born),
                    cpr: None,
                    sex: None,
                    family_case,
                    caseworker: None,
                    caseworker_unit: if family_case {
                        Some(if municipality == "0320" { faxe_family } else { stevns_family })
                    } else {
                        None
                    },
                    concern: g.pick(&["none", "none", "some", "considerable", "serious"]).to_string(),
                    other_measures: None,
                    registered_on: Some(info),
                });
                f.child_links.push(ChildLinkRecord {
                    id: Some(ChildLinkId(g.uuid())),
                    child_id: child,
                    client_id: client,
                    relation: if g.chance(0.85) { "own".into() } else { "partners".into() },
                    custody: custody.into(),
                    residence: residence.into(),
                    visitation: (residence == "visitation").then(|| "hver anden weekend".to_string()),
                });
                if g.chance(0.05) {
                    f.notifications.push(NotificationRecord {
                        id: Some(NotificationId(g.uuid())),
                        child_id: child,
                        client_id: Some(client),
                        made_on: info,
                        made_by: owner,
                        to_unit: Some(if municipality == "0320" { faxe_family } else { stevns_family }),
                        recipient: "Familieafdelingen".into(),
                        reason: "Bekymring for barnets trivsel ved forælderens alkoholforbrug.".into(),
                        answer_received_on: None,
                        answer: None,
                    });
                }
                kids.push(child);
            }
        }

        if start_on.is_none() {
            continue;
        }
        f.assessments.push(AssessmentRecord {
            id: Some(AssessmentId(g.uuid())),
            course_id: course,
            assessed_on: start,
            audit_score: Some(g.rng.random_range(8..=40)),
            units_per_week: Some(g.rng.random_range(10..=120)),
            side_abuse: vec![g.pick(&["none", "none", "none", "cannabis", "benzodiazepines"]).to_string()],
            income_source: Some(
                g.pick(&[
                    "wages",
                    "disability_pension",
                    "unemployment_benefit",
                    "sickness_benefit",
                    "social_assistance",
                    "other",
                ])
                .to_string(),
            ),
            housing: Some("own_home".into()),
            children_situation: vec![if kids.is_empty() { "none".into() } else { "home_under_18".into() }],
            pregnant: None,
            violence: Some(g.chance(0.1)),
            psychiatric: Some(g.chance(0.2)),
            remarks: None,
        });
        f.plan_revisions.push(PlanRevisionRecord {
            id: Some(PlanRevisionId(g.uuid())),
            course_id: course,
            made_on: start,
            goals: "Reducere alkoholforbruget og fastholde behandlingen.".into(),
            elements: vec!["ambulant_individual".into(), "relapse_prevention".into()],
            medication: None,
            family_section: (!kids.is_empty()).then(|| "Børnene inddrages; familiesamtaler efter behov.".to_string()),
            midway_on: None,
            final_on: None,
        });
        if kind == "alcohol" && !anonymous && g.chance(0.2) {
            f.medications.push(MedicationRecord {
                id: Some(MedicationId(g.uuid())),
                course_id: course,
                drug: "antabus".into(),
                dose: "200 mg 2 gange ugentligt".into(),
                started_on: start,
                started_by: doctor,
                stopped_on: None,
                stopped_by: None,
                stop_reason: None,
            });
        }

        // About ten sessions and ten notes per client.
        let days_in_course = (last_day - start).num_days().max(0) as u64;
        let n = g.rng.random_range(6..=14);
        for i in 0..n {
            let held = start + Days::new(days_in_course * i / n.max(1));
            let session = SessionId(g.uuid());
            let joint = !kids.is_empty() && g.chance(0.2);
            let mut participants = vec![Participant::Client(client), Participant::Staff(owner)];
            if joint {
                let fc = if municipality == "0320" { *g.pick(&faxe_fc) } else { *g.pick(&stevns_fc) };
                participants.push(Participant::Staff(fc));
            }
            f.sessions.push(SessionRecord {
                id: Some(session),
                course_id: Some(course),
                kind: if joint {
                    "joint".into()
                } else {
                    g.pick(&["individual", "individual", "phone", "group"]).to_string()
                },
                held_on: held,
                start_time: Some(format!("{:02}:{:02}", g.rng.random_range(8..16), g.pick(&[0, 15, 30, 45]))),
                minutes: Some(*g.pick(&[30, 45, 60, 90])),
                place: None,
                attendance: Some(
                    g.pick(&["attended", "attended", "attended", "attended", "no_show", "cancelled_by_client"])
                        .to_string(),
                ),
                participants,
            });
            let text = format!("{} {}. {}", g.pick(NOTE_OPENINGS), g.pick(NOTE_TOPICS), g.pick(NOTE_CLOSINGS));
            f.notes.push(NoteRecord {
                id: Some(NoteId(g.uuid())),
                client_id: client,
                course_id: Some(course),
                session_id: Some(session),
                kind: NoteKind::Note,
                corrects: None,
                written_on: held,
                internal: g.chance(0.03),
                text,
            });
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_file_other_seed_other_file() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        assert_eq!(generate(30, 7, today), generate(30, 7, today));
        assert_ne!(generate(30, 7, today), generate(30, 8, today));
    }
}
