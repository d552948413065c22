//! Import and export of a whole journal in the JSON format of
//! `docs/journal-format.md` (the fixtures use it; so does a unit moving from
//! its earlier journal system).
//!
//! Import goes through the same insert functions as typing the data in, in one
//! transaction: every rule is checked, and one bad record refuses the whole
//! file with its section and number, leaving the journal unchanged. Rows whose
//! id is already in the journal are skipped, so importing a file twice is
//! harmless; a record whose id the journal holds with other content is
//! refused, naming the record and the first field that differs.

use std::collections::HashMap;

use rusqlite::Row;
use serde::Serialize;

use super::write::AuditAction;
use super::{care, family, people, review, Ctx, Journal};
use crate::error::{Error, Result};
use crate::model::*;
use crate::security::roles::Action;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Rows written (a session's participants count).
    pub inserted: usize,
    /// Records skipped because their id was already in the journal.
    pub skipped: usize,
}

/// Read a journal file from JSON text. The format and its version are
/// checked first, so a file from a newer Tovholder is named as such rather
/// than failing on fields this program does not know. A UTF-8 byte-order
/// mark (Windows Notepad writes one) is skipped. A record that is valid JSON
/// but not a valid record is named by its section and number.
pub fn parse_journal_file(text: &str) -> Result<JournalFile> {
    #[derive(serde::Deserialize)]
    struct Header {
        #[serde(default)]
        format: Option<String>,
        #[serde(default)]
        format_version: Option<u32>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header: Header = serde_json::from_str(text)?;
    if header.format.as_deref() != Some(JournalFile::FORMAT) {
        return Err(Error::ImportFormat { line: 1, column: 1 });
    }
    match header.format_version {
        Some(v) if v == JournalFile::VERSION => {
            serde_json::from_str(text).map_err(|e| which_record(text).unwrap_or_else(|| Error::from(e)))
        }
        Some(v) => Err(Error::ImportVersion { found: v, known: JournalFile::VERSION }),
        None => Err(Error::ImportFormat { line: 1, column: 1 }),
    }
}

/// The first record of a file that does not read as its section's record:
/// each record is tried alone in an otherwise empty file of the same format.
fn which_record(text: &str) -> Option<Error> {
    let serde_json::Value::Object(all) = serde_json::from_str::<serde_json::Value>(text).ok()? else { return None };
    let mut base = serde_json::Map::new();
    for key in ["format", "format_version"] {
        base.insert(key.to_string(), all.get(key)?.clone());
    }
    for (section, value) in &all {
        let serde_json::Value::Array(records) = value else {
            let mut one = base.clone();
            one.insert(section.clone(), value.clone());
            if let Err(e) = serde_json::from_value::<JournalFile>(serde_json::Value::Object(one)) {
                return Some(Error::ImportSection { section: section.clone(), field: field_of(&e) });
            }
            continue;
        };
        for (index, record) in records.iter().enumerate() {
            let mut one = base.clone();
            one.insert(section.clone(), serde_json::Value::Array(vec![record.clone()]));
            if let Err(e) = serde_json::from_value::<JournalFile>(serde_json::Value::Object(one)) {
                return Some(Error::ImportRecordFormat { section: section.clone(), index, field: field_of(&e) });
            }
        }
    }
    None
}

/// The field a serde message names in backquotes (`missing field `name``),
/// without repeating the English message itself.
fn field_of(e: &serde_json::Error) -> Option<String> {
    let m = e.to_string();
    let start = m.find('`')? + 1;
    let len = m[start..].find('`')?;
    Some(m[start..start + len].to_string()).filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

impl Journal {
    /// Import a journal file (see module doc).
    pub fn import(&mut self, ctx: &Ctx, file: &JournalFile) -> Result<ImportSummary> {
        self.import_with_progress(ctx, file, &mut |_, _| {})
    }

    /// Import, calling `progress(done, total)` now and then for long files.
    pub fn import_with_progress(
        &mut self,
        ctx: &Ctx,
        file: &JournalFile,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary> {
        self.authorize(ctx, Action::Import)?;
        if file.format != JournalFile::FORMAT {
            return Err(Error::ImportFormat { line: 1, column: 1 });
        }
        if file.format_version != JournalFile::VERSION {
            return Err(Error::ImportVersion { found: file.format_version, known: JournalFile::VERSION });
        }
        let (codes, unit) = (self.codes(), self.unit());
        let total = file.row_count();
        self.write_bulk(ctx, |w| {
            let mut skipped = 0usize;
            let mut done = 0usize;
            let mut held: Option<Held> = None;
            macro_rules! section {
                ($name:literal, $items:expr, $table:literal, |$rec:ident| $insert:expr) => {
                    for (index, $rec) in $items.iter().enumerate() {
                        if let Some(id) = &$rec.id {
                            if w.exists($table, id)? {
                                // The same record again is skipped; another one under its id is refused.
                                if let Some(field) = differs(w.conn(), &mut held, $name, &id.to_string(), $rec)? {
                                    return Err(Error::ImportDuplicate {
                                        section: $name,
                                        index,
                                        id: id.to_string(),
                                        field,
                                    });
                                }
                                skipped += 1;
                                continue;
                            }
                        }
                        $insert.map_err(|e| Error::ImportRecord { section: $name, index, source: Box::new(e) })?;
                        done += 1;
                        if done % 10_000 == 0 {
                            progress(w.rows(), total);
                        }
                    }
                };
            }
            section!("units", file.units, "unit", |r| people::insert_unit(w, &codes, r));
            section!("staff", file.staff, "staff", |r| people::insert_staff(w, &codes, r));
            section!("clients", file.clients, "client", |r| people::insert_client(w, &codes, r));
            section!("children", file.children, "child", |r| people::insert_child(w, &codes, r));
            section!("child_links", file.child_links, "child_link", |r| people::insert_child_link(w, &codes, r));
            section!("network_persons", file.network_persons, "network_person", |r| people::insert_network_person(
                w, &codes, r
            ));
            section!("emergency_plans", file.emergency_plans, "emergency_plan", |r| people::insert_emergency_plan(
                w, r
            ));
            section!("referrals", file.referrals, "referral", |r| care::insert_referral(w, &codes, unit, r));
            section!("courses", file.courses, "course", |r| care::insert_course(w, &codes, unit, r));
            section!("assessments", file.assessments, "assessment", |r| care::insert_assessment(w, &codes, r));
            section!("plan_revisions", file.plan_revisions, "plan_revision", |r| care::insert_plan_revision(
                w, &codes, r
            ));
            section!("evaluations", file.evaluations, "evaluation", |r| care::insert_evaluation(w, r));
            section!("medications", file.medications, "medication", |r| care::insert_medication(w, &codes, r));
            section!("sessions", file.sessions, "session", |r| family::insert_session(w, &codes, r));
            section!("notes", file.notes, "note", |r| family::insert_note(w, r));
            section!("notifications", file.notifications, "notification", |r| family::insert_notification(w, r));
            section!("consents", file.consents, "consent", |r| family::insert_consent(w, &codes, r));
            section!("groups", file.groups, "activity_group", |r| family::insert_group(w, &codes, unit, r));
            section!("group_members", file.group_members, "group_member", |r| family::insert_group_member(w, r));
            section!("group_attendance", file.group_attendance, "group_attendance", |r| {
                family::insert_group_attendance(w, &codes, r)
            });
            section!("case_reviews", file.case_reviews, "case_review", |r| review::insert_case_review(
                w, &codes, unit, r
            ));
            section!("agreement_prices", file.agreement_prices, "agreement_price", |r| review::insert_agreement_price(
                w, &codes, r
            ));
            section!("settlements", file.settlements, "settlement", |r| crate::report::insert_settlement(w, r));
            let inserted = w.rows();
            progress(inserted, total);
            w.audit(AuditAction::Import, None, None, Some(format!("rows={inserted} skipped={skipped}")));
            Ok(ImportSummary { inserted, skipped })
        })
    }

    /// The whole journal as a file. The export is written to the audit log.
    pub fn export(&mut self, ctx: &Ctx) -> Result<JournalFile> {
        self.authorize(ctx, Action::Export)?;
        let file = self.export_unaudited()?;
        self.write(ctx, |w| {
            w.audit(AuditAction::Export, None, None, Some(format!("rows={}", file.row_count())));
            Ok(())
        })?;
        Ok(file)
    }

    fn export_unaudited(&self) -> Result<JournalFile> {
        export_from(self.connection())
    }
}

/// The journal's records as the export writes them, by section and id: what
/// a file's record whose id is already there is compared with.
struct Held(HashMap<String, HashMap<String, serde_json::Value>>);

impl Held {
    fn read(c: &rusqlite::Connection) -> Result<Held> {
        let file = serde_json::to_value(export_from(c)?).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
        let mut sections = HashMap::new();
        if let serde_json::Value::Object(all) = file {
            for (section, records) in all {
                let serde_json::Value::Array(records) = records else { continue };
                let by_id = records
                    .into_iter()
                    .filter_map(|r| Some((r.get("id")?.as_str()?.to_string(), r)))
                    .collect::<HashMap<_, _>>();
                sections.insert(section, by_id);
            }
        }
        Ok(Held(sections))
    }
}

/// The first field (by name) in which `record` differs from the journal's
/// record of `section` under `id`, or `None` when it is the same record. The
/// journal's records are read once per import, when the first id already
/// there is met, and again when an id is not among them (a record earlier
/// in the same file).
fn differs(
    c: &rusqlite::Connection,
    held: &mut Option<Held>,
    section: &str,
    id: &str,
    record: &impl Serialize,
) -> Result<Option<String>> {
    let known = |h: &Option<Held>| h.as_ref().is_some_and(|h| h.0.get(section).is_some_and(|s| s.contains_key(id)));
    if !known(held) {
        *held = Some(Held::read(c)?);
    }
    let Some(stored) = held.as_ref().and_then(|h| h.0.get(section)).and_then(|s| s.get(id)) else {
        // Not a record the export writes (nothing to compare with).
        return Ok(None);
    };
    let given = serde_json::to_value(record).map_err(|_| Error::Db(rusqlite::Error::InvalidQuery))?;
    Ok(first_difference(&given, stored))
}

/// See `differs`. A field the file leaves out (or null) says nothing; a
/// birth date or sex the journal derives from the CPR number is not stored
/// as given; texts compare trimmed (initials also without case), amounts by
/// value, lists without regard to order.
fn first_difference(given: &serde_json::Value, stored: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let Value::Object(fields) = given else { return (!same("", given, stored)).then(String::new) };
    let has_cpr = stored.get("cpr").is_some_and(|c| !c.is_null());
    for (key, value) in fields {
        if value.is_null() {
            continue;
        }
        let held = stored.get(key).unwrap_or(&Value::Null);
        if held.is_null() && has_cpr && matches!(key.as_str(), "birth_date" | "sex") {
            continue;
        }
        if !same(key, value, held) {
            return Some(key.clone());
        }
    }
    None
}

fn same(key: &str, a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            let (x, y) = (x.trim(), y.trim());
            x == y
                || (key == "initials" && x.to_uppercase() == y.to_uppercase())
                || matches!((x.parse::<rust_decimal::Decimal>(), y.parse::<rust_decimal::Decimal>()), (Ok(p), Ok(q)) if p == q)
        }
        (Value::Array(xs), Value::Array(ys)) => {
            let mut xs: Vec<&Value> = xs.iter().collect();
            let mut ys: Vec<&Value> = ys.iter().collect();
            xs.sort_by_key(|v| v.to_string());
            ys.sort_by_key(|v| v.to_string());
            xs.len() == ys.len() && xs.iter().zip(&ys).all(|(x, y)| first_difference(x, y).is_none())
        }
        (Value::Object(_), Value::Object(_)) => first_difference(a, b).is_none(),
        _ => a == b,
    }
}

/// The whole journal as a file, read through `c` (inside a write, its
/// transaction, which sees the rows written so far).
fn export_from(c: &rusqlite::Connection) -> Result<JournalFile> {
    fn all<T>(c: &rusqlite::Connection, sql: &str, f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut stmt = c.prepare(sql)?;
        let rows = stmt.query_map([], f)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
    fn codes(json: String) -> Vec<String> {
        serde_json::from_str(&json).unwrap_or_default()
    }
    fn cpr(s: Option<String>) -> Option<Cpr> {
        s.and_then(|s| Cpr::parse(&s).ok())
    }
    fn sex(s: Option<String>) -> Option<Sex> {
        s.and_then(|s| Sex::parse(&s))
    }
    let mut file = JournalFile::new();
    file.units = all(c, "SELECT id, municipality, kind, name FROM unit ORDER BY rowid", |r| {
        Ok(UnitRecord { id: r.get(0)?, municipality: r.get(1)?, kind: r.get(2)?, name: r.get(3)? })
    })?;
    file.staff = all(c, "SELECT id, unit_id, name, initials, role FROM staff ORDER BY rowid", |r| {
        Ok(StaffRecord { id: r.get(0)?, unit_id: r.get(1)?, name: r.get(2)?, initials: r.get(3)?, role: r.get(4)? })
    })?;
    file.clients = all(
        c,
        "SELECT id, name, cpr, anonymous, birth_date, sex, municipality, address, phone, email FROM client ORDER BY rid",
        |r| {
            let cpr = cpr(r.get(2)?);
            Ok(ClientRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                // Derived values are left out when the CPR gives them.
                birth_date: if cpr.is_some() { None } else { r.get(4)? },
                sex: if cpr.is_some() { None } else { sex(r.get(5)?) },
                cpr,
                anonymous: r.get(3)?,
                municipality: r.get(6)?,
                address: r.get(7)?,
                phone: r.get(8)?,
                email: r.get(9)?,
            })
        },
    )?;
    file.children = all(
        c,
        "SELECT id, name, birth_date, cpr, sex, family_case, caseworker, caseworker_unit, concern, other_measures, registered_on
         FROM child ORDER BY rowid",
        |r| {
            let cpr = cpr(r.get(3)?);
            Ok(ChildRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                birth_date: if cpr.is_some() { None } else { r.get(2)? },
                sex: if cpr.is_some() { None } else { sex(r.get(4)?) },
                cpr,
                family_case: r.get(5)?,
                caseworker: r.get(6)?,
                caseworker_unit: r.get(7)?,
                concern: r.get(8)?,
                other_measures: r.get(9)?,
                registered_on: r.get(10)?,
            })
        },
    )?;
    file.child_links = all(
        c,
        "SELECT id, child_id, client_id, relation, custody, residence, visitation FROM child_link ORDER BY rowid",
        |r| {
            Ok(ChildLinkRecord {
                id: r.get(0)?,
                child_id: r.get(1)?,
                client_id: r.get(2)?,
                relation: r.get(3)?,
                custody: r.get(4)?,
                residence: r.get(5)?,
                visitation: r.get(6)?,
            })
        },
    )?;
    file.network_persons =
        all(c, "SELECT id, child_id, role, name, contact FROM network_person ORDER BY rowid", |r| {
            Ok(NetworkPersonRecord {
                id: r.get(0)?,
                child_id: r.get(1)?,
                role: r.get(2)?,
                name: r.get(3)?,
                contact: r.get(4)?,
            })
        })?;
    file.emergency_plans = all(
        c,
        "SELECT id, child_id, made_on, trusted_adults, plan FROM emergency_plan ORDER BY child_id, revision",
        |r| {
            Ok(EmergencyPlanRecord {
                id: r.get(0)?,
                child_id: r.get(1)?,
                made_on: r.get(2)?,
                trusted_adults: r.get(3)?,
                plan: r.get(4)?,
            })
        },
    )?;
    file.referrals = all(
        c,
        "SELECT id, client_id, received_on, source, referrer, reason, door, unit_id, info_talk_on, outcome FROM referral ORDER BY rowid",
        |r| {
            Ok(ReferralRecord {
                id: r.get(0)?,
                client_id: r.get(1)?,
                received_on: r.get(2)?,
                source: r.get(3)?,
                referrer: r.get(4)?,
                reason: r.get(5)?,
                door: r.get(6)?,
                unit_id: r.get(7)?,
                info_talk_on: r.get(8)?,
                outcome: r.get(9)?,
            })
        },
    )?;
    file.courses = all(
        c,
        "SELECT id, client_id, referral_id, unit_id, kind, setting, enrolled_on, start_on, follow_up_from, end_on, end_reason,
                case_owner, paying_municipality FROM course ORDER BY rowid",
        |r| {
            Ok(CourseRecord {
                id: r.get(0)?,
                client_id: r.get(1)?,
                referral_id: r.get(2)?,
                unit_id: r.get(3)?,
                kind: r.get(4)?,
                setting: r.get(5)?,
                enrolled_on: r.get(6)?,
                start_on: r.get(7)?,
                follow_up_from: r.get(8)?,
                end_on: r.get(9)?,
                end_reason: r.get(10)?,
                case_owner: r.get(11)?,
                paying_municipality: r.get(12)?,
            })
        },
    )?;
    file.assessments = all(
        c,
        "SELECT id, course_id, assessed_on, audit_score, units_per_week, side_abuse, income_source, housing,
                children_situation, pregnant, violence, psychiatric, remarks FROM assessment ORDER BY rowid",
        |r| {
            Ok(AssessmentRecord {
                id: r.get(0)?,
                course_id: r.get(1)?,
                assessed_on: r.get(2)?,
                audit_score: r.get(3)?,
                units_per_week: r.get(4)?,
                side_abuse: codes(r.get(5)?),
                income_source: r.get(6)?,
                housing: r.get(7)?,
                children_situation: codes(r.get(8)?),
                pregnant: r.get(9)?,
                violence: r.get(10)?,
                psychiatric: r.get(11)?,
                remarks: r.get(12)?,
            })
        },
    )?;
    file.plan_revisions = all(
        c,
        "SELECT id, course_id, made_on, goals, elements, medication, family_section, midway_on, final_on
         FROM plan_revision ORDER BY course_id, revision",
        |r| {
            Ok(PlanRevisionRecord {
                id: r.get(0)?,
                course_id: r.get(1)?,
                made_on: r.get(2)?,
                goals: r.get(3)?,
                elements: codes(r.get(4)?),
                medication: r.get(5)?,
                family_section: r.get(6)?,
                midway_on: r.get(7)?,
                final_on: r.get(8)?,
            })
        },
    )?;
    file.evaluations = all(c, "SELECT id, course_id, kind, evaluated_on, text FROM evaluation ORDER BY rowid", |r| {
        let kind: String = r.get(2)?;
        Ok(EvaluationRecord {
            id: r.get(0)?,
            course_id: r.get(1)?,
            kind: if kind == "final" { EvaluationKind::Final } else { EvaluationKind::Midway },
            evaluated_on: r.get(3)?,
            text: r.get(4)?,
        })
    })?;
    file.medications = all(
        c,
        "SELECT id, course_id, drug, dose, started_on, started_by, stopped_on, stopped_by, stop_reason FROM medication ORDER BY rowid",
        |r| {
            Ok(MedicationRecord {
                id: r.get(0)?,
                course_id: r.get(1)?,
                drug: r.get(2)?,
                dose: r.get(3)?,
                started_on: r.get(4)?,
                started_by: r.get(5)?,
                stopped_on: r.get(6)?,
                stopped_by: r.get(7)?,
                stop_reason: r.get(8)?,
            })
        },
    )?;
    let mut participants: HashMap<SessionId, Vec<Participant>> = HashMap::new();
    for (session, p) in all(
        c,
        "SELECT session_id, client_id, child_id, staff_id, external_name FROM session_participant ORDER BY rowid",
        |r| {
            let session: SessionId = r.get(0)?;
            let client: Option<ClientId> = r.get(1)?;
            let child: Option<ChildId> = r.get(2)?;
            let staff: Option<StaffId> = r.get(3)?;
            let external: Option<String> = r.get(4)?;
            let p = match (client, child, staff) {
                (Some(x), _, _) => Participant::Client(x),
                (_, Some(x), _) => Participant::Child(x),
                (_, _, Some(x)) => Participant::Staff(x),
                _ => Participant::External(external.unwrap_or_default()),
            };
            Ok((session, p))
        },
    )? {
        participants.entry(session).or_default().push(p);
    }
    file.sessions = all(
        c,
        "SELECT id, course_id, kind, held_on, start_time, minutes, place, attendance FROM session ORDER BY rowid",
        |r| {
            Ok(SessionRecord {
                id: r.get(0)?,
                course_id: r.get(1)?,
                kind: r.get(2)?,
                held_on: r.get(3)?,
                start_time: r.get(4)?,
                minutes: r.get(5)?,
                place: r.get(6)?,
                attendance: r.get(7)?,
                participants: Vec::new(),
            })
        },
    )?;
    for s in &mut file.sessions {
        if let Some(id) = s.id {
            s.participants = participants.remove(&id).unwrap_or_default();
        }
    }
    file.notes = all(
        c,
        "SELECT id, client_id, course_id, session_id, kind, corrects, written_on, internal, text FROM note ORDER BY rid",
        |r| {
            let kind: String = r.get(4)?;
            Ok(NoteRecord {
                id: r.get(0)?,
                client_id: r.get(1)?,
                course_id: r.get(2)?,
                session_id: r.get(3)?,
                kind: NoteKind::from_code(&kind).unwrap_or_default(),
                corrects: r.get(5)?,
                written_on: r.get(6)?,
                internal: r.get(7)?,
                text: r.get(8)?,
            })
        },
    )?;
    file.notifications = all(
        c,
        "SELECT id, child_id, client_id, made_on, made_by, to_unit, recipient, reason, answer_received_on, answer
         FROM notification ORDER BY rowid",
        |r| {
            Ok(NotificationRecord {
                id: r.get(0)?,
                child_id: r.get(1)?,
                client_id: r.get(2)?,
                made_on: r.get(3)?,
                made_by: r.get(4)?,
                to_unit: r.get(5)?,
                recipient: r.get(6)?,
                reason: r.get(7)?,
                answer_received_on: r.get(8)?,
                answer: r.get(9)?,
            })
        },
    )?;
    file.consents = all(
        c,
        "SELECT id, client_id, scope, recipient, to_unit, given_on, withdrawn_on, remarks FROM consent ORDER BY rowid",
        |r| {
            Ok(ConsentRecord {
                id: r.get(0)?,
                client_id: r.get(1)?,
                scope: r.get(2)?,
                recipient: r.get(3)?,
                to_unit: r.get(4)?,
                given_on: r.get(5)?,
                withdrawn_on: r.get(6)?,
                remarks: r.get(7)?,
            })
        },
    )?;
    file.groups = all(c, "SELECT id, unit_id, kind, name, start_on, end_on FROM activity_group ORDER BY rowid", |r| {
        Ok(GroupRecord {
            id: r.get(0)?,
            unit_id: r.get(1)?,
            kind: r.get(2)?,
            name: r.get(3)?,
            start_on: r.get(4)?,
            end_on: r.get(5)?,
        })
    })?;
    file.group_members =
        all(c, "SELECT id, group_id, client_id, child_id, joined_on, left_on FROM group_member ORDER BY rowid", |r| {
            Ok(GroupMemberRecord {
                id: r.get(0)?,
                group_id: r.get(1)?,
                client_id: r.get(2)?,
                child_id: r.get(3)?,
                joined_on: r.get(4)?,
                left_on: r.get(5)?,
            })
        })?;
    file.group_attendance =
        all(c, "SELECT id, member_id, met_on, attendance FROM group_attendance ORDER BY rowid", |r| {
            Ok(GroupAttendanceRecord { id: r.get(0)?, member_id: r.get(1)?, met_on: r.get(2)?, attendance: r.get(3)? })
        })?;
    let mut items: HashMap<CaseReviewId, Vec<CaseReviewItemRecord>> = HashMap::new();
    for (review, item) in all(
        c,
        "SELECT review_id, id, client_id, child_id, answers, decision, responsible FROM case_review_item ORDER BY rowid",
        |r| {
            let answers: String = r.get(4)?;
            Ok((
                r.get::<_, CaseReviewId>(0)?,
                CaseReviewItemRecord {
                    id: r.get(1)?,
                    client_id: r.get(2)?,
                    child_id: r.get(3)?,
                    answers: serde_json::from_str(&answers).unwrap_or_default(),
                    decision: r.get(5)?,
                    responsible: r.get(6)?,
                },
            ))
        },
    )? {
        items.entry(review).or_default().push(item);
    }
    file.case_reviews = all(c, "SELECT id, unit_id, held_on, led_by FROM case_review ORDER BY rowid", |r| {
        Ok(CaseReviewRecord {
            id: r.get(0)?,
            unit_id: r.get(1)?,
            held_on: r.get(2)?,
            led_by: r.get(3)?,
            items: Vec::new(),
        })
    })?;
    for r in &mut file.case_reviews {
        if let Some(id) = r.id {
            r.items = items.remove(&id).unwrap_or_default();
        }
    }
    file.agreement_prices = all(
        c,
        "SELECT id, payer, provider, course_kind, setting, per, amount, valid_from, valid_to FROM agreement_price ORDER BY rowid",
        |r| {
            let per: String = r.get(5)?;
            let amount: String = r.get(6)?;
            Ok(AgreementPriceRecord {
                id: r.get(0)?,
                payer: r.get(1)?,
                provider: r.get(2)?,
                course_kind: r.get(3)?,
                setting: r.get(4)?,
                per: PricePer::from_code(&per).unwrap_or(PricePer::Day),
                amount: Money::parse(&amount, "amount").unwrap_or_default(),
                valid_from: r.get(7)?,
                valid_to: r.get(8)?,
            })
        },
    )?;
    let mut lines: HashMap<SettlementId, Vec<SettlementLineRecord>> = HashMap::new();
    for (settlement, line) in all(
        c,
        "SELECT settlement_id, id, client_id, course_id, price_id, days, amount FROM settlement_line ORDER BY rowid",
        |r| {
            let amount: String = r.get(6)?;
            Ok((
                r.get::<_, SettlementId>(0)?,
                SettlementLineRecord {
                    id: r.get(1)?,
                    client_id: r.get(2)?,
                    course_id: r.get(3)?,
                    price_id: r.get(4)?,
                    days: r.get(5)?,
                    amount: Money::parse(&amount, "amount").unwrap_or_default(),
                },
            ))
        },
    )? {
        lines.entry(settlement).or_default().push(line);
    }
    file.settlements =
        all(c, "SELECT id, payer, provider, period, made_on, total FROM settlement ORDER BY rowid", |r| {
            let total: String = r.get(5)?;
            Ok(SettlementRecord {
                id: r.get(0)?,
                payer: r.get(1)?,
                provider: r.get(2)?,
                period: r.get(3)?,
                made_on: r.get(4)?,
                total: Money::parse(&total, "total").unwrap_or_default(),
                lines: Vec::new(),
            })
        })?;
    for s in &mut file.settlements {
        if let Some(id) = s.id {
            s.lines = lines.remove(&id).unwrap_or_default();
        }
    }
    Ok(file)
}
