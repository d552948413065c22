//! Reading the journal: the client list and its search, one client's full
//! record, note search, the waiting list. Reads of a person's record are
//! written to the audit log.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::{Codes, Ctx, Journal};
use crate::error::{Entity, Error, Result};
use crate::model::time::age_on;
use crate::model::views::*;
use crate::model::*;
use crate::security::roles::Action;
use crate::security::scope::Reader;

/// The stamp columns of a table alias, read back by `stamp_at`.
fn stamp_sql(alias: &str) -> String {
    format!(
        "{a}.created_at, coalesce((SELECT initials FROM staff WHERE id = {a}.created_by), {a}.created_by),
         {a}.changed_at, coalesce((SELECT initials FROM staff WHERE id = {a}.changed_by), {a}.changed_by),
         {a}.origin_site, {a}.version",
        a = alias
    )
}

fn stamp_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Stamp> {
    Ok(Stamp {
        created_at: r.get(i)?,
        created_by: r.get(i + 1)?,
        changed_at: r.get(i + 2)?,
        changed_by: r.get(i + 3)?,
        origin_site: r.get(i + 4)?,
        version: r.get(i + 5)?,
    })
}

fn codes_of(codes: &Codes, list: CodeList, json: &str) -> Vec<Coded> {
    let v: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    v.iter().map(|c| codes.coded(list, c)).collect()
}

/// Which clients the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientFilter {
    /// Only clients with a course that is not closed.
    #[serde(default)]
    pub active: bool,
    /// Only clients with a linked child under 18.
    #[serde(default)]
    pub with_children: bool,
    /// Only clients with an open course owned by this staff member.
    #[serde(default)]
    pub case_owner: Option<StaffId>,
}

/// An FTS5 query for the note search: every word must occur.
fn fts_words_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" AND "))
    }
}

/// Session kinds that concern the family, which a family consultant sees in
/// a shared case whoever held them.
const FAMILY_SESSION_KINDS: [&str; 4] = ["family", "joint", "child", "network"];

const SUMMARY_COLS: &str = "c.id, c.name, c.cpr, c.birth_date, c.municipality,
    EXISTS (SELECT 1 FROM course co WHERE co.client_id = c.id AND co.end_on IS NULL),
    (SELECT count(*) FROM child_link l JOIN child ch ON ch.id = l.child_id
      WHERE l.client_id = c.id AND ch.birth_date > ?9)";

const FILTER_SQL: &str = "(?5 = 0 OR EXISTS (SELECT 1 FROM course co WHERE co.client_id = c.id AND co.end_on IS NULL))
    AND (?6 = 0 OR EXISTS (SELECT 1 FROM child_link l JOIN child ch ON ch.id = l.child_id
                           WHERE l.client_id = c.id AND ch.birth_date > ?9))
    AND (?7 IS NULL OR EXISTS (SELECT 1 FROM course co WHERE co.client_id = c.id AND co.end_on IS NULL AND co.case_owner = ?7))";

impl Journal {
    /// The client list as the acting user may see it: everyone for most
    /// roles, only the cases shared with their unit for a family consultant,
    /// nothing for an administrator. `query` is a name (every word matched
    /// as a prefix) or the start of a CPR number; empty lists everyone, by
    /// name. A search (a non-empty query) is one entry in the audit log with
    /// the query and who searched; the list itself shows only names.
    pub fn client_list(
        &mut self,
        ctx: &Ctx,
        query: &str,
        filter: &ClientFilter,
        limit: usize,
    ) -> Result<Vec<ClientSummary>> {
        let reader = self.reader(ctx, Action::ReadRecord)?;
        let list = self.search_scoped(&reader, query, filter, limit)?;
        let q = query.trim();
        if !q.is_empty() {
            self.write(ctx, |w| {
                w.audit_read(None, "client_search", "søgning efter borger", Some(q.to_string()));
                Ok(())
            })?;
        }
        Ok(list)
    }

    /// The client list's query for an authorized reader, without the audit
    /// entry (the benchmark's inner loop).
    pub(crate) fn search_scoped(
        &self,
        reader: &Reader,
        query: &str,
        filter: &ClientFilter,
        limit: usize,
    ) -> Result<Vec<ClientSummary>> {
        let today = reader.today();
        let codes = self.codes();
        let adult_limit = (today - chrono::Months::new(12 * 18)).to_string();
        let q = query.trim();
        let digits: String = q.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect();
        let looks_like_cpr =
            !digits.is_empty() && digits.len() <= 10 && digits.chars().take(6).all(|c| c.is_ascii_digit());
        let limit = limit as i64;
        // A family consultant's candidates are checked against the set of
        // their unit's shared cases (kept until the journal changes), in
        // the list's order, until a screenful is found.
        let shared = self.shared_clients(reader)?;
        let ids: Vec<ClientId> = if !q.is_empty() && !looks_like_cpr {
            // A name: the name index, read in the list's order (names.rs).
            let filtered = *filter != ClientFilter::default();
            let mut check = filtered
                .then(|| {
                    self.connection()
                        .prepare_cached(&format!("SELECT 1 FROM client c WHERE c.id = ?1 AND {FILTER_SQL}"))
                })
                .transpose()?;
            let accept = |id: ClientId| -> Result<bool> {
                if shared.as_ref().is_some_and(|s| !s.ids.contains(&id)) {
                    return Ok(false);
                }
                match check.as_mut() {
                    None => Ok(true),
                    Some(stmt) => Ok(stmt.exists(params![
                        id,
                        None::<i64>,
                        None::<i64>,
                        None::<i64>,
                        filter.active,
                        filter.with_children,
                        filter.case_owner,
                        None::<i64>,
                        adult_limit
                    ])?),
                }
            };
            // A family consultant's shared cases are few: walk them in the
            // list's order rather than the whole index.
            let found = match shared.as_ref() {
                Some(s) => super::names::shared_by_name(&s.by_name, q, limit as usize, accept)?,
                None => self.clients_by_name(q, limit as usize, accept)?,
            };
            let Some(found) = found else { return Ok(Vec::new()) };
            found
        } else {
            // The candidates are found, filtered and cut to one screenful by
            // their sort key alone; the list's columns (open course,
            // children) are then computed for those rows only.
            let (from, order, a1, a2): (&str, &str, Option<String>, Option<String>) = if q.is_empty() {
                ("client c WHERE ?1 IS NULL AND ?2 IS NULL", "c.name COLLATE NOCASE, c.id", None, None)
            } else {
                let upper = format!("{}~", digits.to_ascii_uppercase());
                (
                    "client c WHERE c.cpr >= ?1 AND c.cpr < ?2",
                    "c.cpr, c.id",
                    Some(digits.to_ascii_uppercase()),
                    Some(upper),
                )
            };
            let sql = format!(
                "SELECT c.id FROM {from} AND {FILTER_SQL} ORDER BY {order} {}",
                if shared.is_some() { "" } else { "LIMIT ?8" }
            );
            let mut stmt = self.connection().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![
                a1,
                a2,
                None::<String>,
                None::<i64>,
                filter.active,
                filter.with_children,
                filter.case_owner,
                limit,
                adult_limit
            ])?;
            let mut ids: Vec<ClientId> = Vec::with_capacity(limit.clamp(0, 1000) as usize);
            while (ids.len() as i64) < limit {
                let Some(r) = rows.next()? else { break };
                let id: ClientId = r.get(0)?;
                if shared.as_ref().is_none_or(|s| s.ids.contains(&id)) {
                    ids.push(id);
                }
            }
            ids
        };
        // The list's columns for the screenful, in one query.
        let mut columns = self.connection().prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM client c WHERE c.id IN (SELECT value FROM json_each(?1))"
        ))?;
        let wanted = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
        let mut by_id: std::collections::HashMap<ClientId, ClientSummary> = columns
            .query_map(
                params![
                    wanted,
                    None::<i64>,
                    None::<i64>,
                    None::<i64>,
                    None::<i64>,
                    None::<i64>,
                    None::<i64>,
                    None::<i64>,
                    adult_limit
                ],
                |r| {
                    let cpr: Option<String> = r.get(2)?;
                    let municipality: String = r.get(4)?;
                    Ok(ClientSummary {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        cpr: cpr.map(|c| format!("{}-{}", &c[..6.min(c.len())], &c[6.min(c.len())..])),
                        birth_date: r.get(3)?,
                        municipality: codes.municipality_coded(&municipality),
                        active: r.get(5)?,
                        children_under_18: r.get(6)?,
                    })
                },
            )?
            .map(|r| r.map(|c| (c.id, c)))
            .collect::<rusqlite::Result<_>>()?;
        let out = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        Ok(out)
    }

    /// Everything about one client (every tab of the client page), as the
    /// reader's role may see it (`security::scope`): a secretary without
    /// notes (`notes_hidden`); a family consultant only a case shared with
    /// their unit, reduced to the family department's part
    /// (`family_view`). The read is written to the audit log.
    pub fn client_record(&mut self, ctx: &Ctx, id: ClientId) -> Result<FullRecord> {
        let reader = self.reader(ctx, Action::ReadRecord)?;
        if self.client_name(id)?.is_none() {
            return Err(Error::NotFound(Entity::Client));
        }
        if !self.in_scope(&reader, id)? {
            return Err(Error::Forbidden { what: "se sager, der ikke er delt med din enhed" });
        }
        let record = self.read_record(&reader, id)?;
        self.audit_reads(ctx, &[id.0], "client", "journalopslag")?;
        Ok(record)
    }

    /// The record for an authorized reader, without the audit entry (the
    /// benchmark's inner loop calls it directly).
    pub(crate) fn read_record(&self, reader: &Reader, id: ClientId) -> Result<FullRecord> {
        let today = reader.today();
        let codes = self.codes();
        let conn = self.connection();
        let client = conn
            .prepare_cached(&format!(
                "SELECT c.id, c.name, c.cpr, c.anonymous, c.birth_date, c.sex, c.municipality, c.address, c.phone, c.email, {}
                 FROM client c WHERE c.id = ?1",
                stamp_sql("c")
            ))?
            .query_row([id], |r| {
                let cpr: Option<String> = r.get(2)?;
                let birth: Option<NaiveDate> = r.get(4)?;
                let sex: Option<String> = r.get(5)?;
                let municipality: String = r.get(6)?;
                Ok(ClientView {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    cpr: cpr.and_then(|c| Cpr::parse(&c).ok()).map(|c| c.formatted()),
                    anonymous: r.get(3)?,
                    birth_date: birth,
                    age: birth.map(|b| age_on(b, today)),
                    sex: sex.and_then(|s| Sex::parse(&s)).map(|s| Coded { code: s.code().into(), label: s.label().into() }),
                    municipality: codes.municipality_coded(&municipality),
                    address: r.get(7)?,
                    phone: r.get(8)?,
                    email: r.get(9)?,
                    stamp: stamp_at(r, 10)?,
                })
            })
            .optional()?
            .ok_or(Error::NotFound(Entity::Client))?;

        let mut record = FullRecord {
            client,
            children: self.children_of(&codes, id, today)?,
            referrals: self.referrals_of(&codes, id)?,
            courses: self.courses_of(&codes, id)?,
            sessions: self.sessions_of(&codes, id)?,
            notes: if reader.sees_notes() { self.notes_of(id)? } else { Vec::new() },
            consents: self.consents_of(&codes, id)?,
            groups: self.groups_of(&codes, id)?,
            notes_hidden: !reader.sees_notes(),
            family_view: false,
        };
        if reader.family_view() {
            self.reduce_to_family_view(reader, &mut record)?;
        }
        Ok(record)
    }

    /// A shared case as the family department sees it (`security::scope`):
    /// the course frame and the plan's family section, without assessments,
    /// medication, evaluations or the plan's clinical parts; the sessions
    /// their unit took part in or that concern the family, and the notes on
    /// those sessions or written in their unit, never internal ones.
    fn reduce_to_family_view(&self, reader: &Reader, record: &mut FullRecord) -> Result<()> {
        let unit = self.role_of(reader.staff())?.1;
        let mut unit_staff = self.connection().prepare_cached("SELECT id FROM staff WHERE unit_id = ?1")?;
        let ours: std::collections::HashSet<StaffId> =
            unit_staff.query_map([unit], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for course in &mut record.courses {
            course.assessments.clear();
            course.medications.clear();
            course.evaluations.clear();
            for plan in &mut course.plan {
                plan.goals.clear();
                plan.elements.clear();
                plan.medication = None;
            }
        }
        record.sessions.retain(|s| {
            FAMILY_SESSION_KINDS.contains(&s.kind.code.as_str())
                || s.participants.iter().any(|p| matches!(p.who, Participant::Staff(st) if ours.contains(&st)))
        });
        // A person outside the shared case (a child's other parent, a
        // co-participant) is not named: that they are a client of the unit
        // is theirs alone.
        // The unit's shared cases as a set (kept until the journal
        // changes), not the sharing rule's lookups per person.
        let shared = self.shared_clients(reader)?;
        let in_scope = |c: ClientId| shared.as_ref().is_none_or(|s| s.ids.contains(&c));
        for s in &mut record.sessions {
            for p in &mut s.participants {
                if let Participant::Client(c) = p.who {
                    if !in_scope(c) {
                        p.who = Participant::External(String::new());
                        p.name = "Anden deltager".into();
                    }
                }
            }
        }
        let mut others = self.connection().prepare_cached(
            "SELECT c.id, c.name FROM child_link l JOIN client c ON c.id = l.client_id
             WHERE l.child_id = ?1 AND l.client_id <> ?2 ORDER BY c.name",
        )?;
        for child in &mut record.children {
            let linked: Vec<(ClientId, String)> = others
                .query_map(params![child.id, record.client.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            child.other_adults.clear();
            for (c, name) in linked {
                if in_scope(c) {
                    child.other_adults.push(name);
                }
            }
        }
        let sessions: std::collections::HashSet<SessionId> = record.sessions.iter().map(|s| s.id).collect();
        let written_here = self.notes_written_in_unit(record.client.id, unit)?;
        record.notes.retain(|n| {
            !n.internal && (n.session_id.is_some_and(|s| sessions.contains(&s)) || written_here.contains(&n.id))
        });
        record.family_view = true;
        Ok(())
    }

    fn notes_written_in_unit(&self, client: ClientId, unit: UnitId) -> Result<std::collections::HashSet<NoteId>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT n.id FROM note n JOIN staff s ON s.id = n.created_by WHERE n.client_id = ?1 AND s.unit_id = ?2",
        )?;
        let ids = stmt.query_map(params![client, unit], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    fn children_of(&self, codes: &Codes, id: ClientId, today: NaiveDate) -> Result<Vec<ChildView>> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT ch.id, l.id, ch.name, ch.cpr, ch.birth_date, l.relation, l.custody, l.residence, l.visitation,
                    ch.family_case, ch.caseworker, u.name, ch.concern, ch.other_measures
             FROM child_link l JOIN child ch ON ch.id = l.child_id LEFT JOIN unit u ON u.id = ch.caseworker_unit
             WHERE l.client_id = ?1 ORDER BY ch.birth_date, ch.id",
        )?;
        let mut children: Vec<ChildView> = stmt
            .query_map([id], |r| {
                let birth: NaiveDate = r.get(4)?;
                let cpr: Option<String> = r.get(3)?;
                Ok(ChildView {
                    id: r.get(0)?,
                    link_id: r.get(1)?,
                    name: r.get(2)?,
                    cpr: cpr.and_then(|c| Cpr::parse(&c).ok()).map(|c| c.formatted()),
                    birth_date: birth,
                    age: age_on(birth, today),
                    relation: codes.coded(CodeList::ChildRelation, &r.get::<_, String>(5)?),
                    custody: codes.coded(CodeList::Custody, &r.get::<_, String>(6)?),
                    residence: codes.coded(CodeList::Residence, &r.get::<_, String>(7)?),
                    visitation: r.get(8)?,
                    family_case: r.get(9)?,
                    caseworker: r.get(10)?,
                    caseworker_unit: r.get(11)?,
                    concern: codes.coded(CodeList::Concern, &r.get::<_, String>(12)?),
                    other_measures: r.get(13)?,
                    emergency_plans: Vec::new(),
                    network: Vec::new(),
                    notifications: Vec::new(),
                    other_adults: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut plans = conn.prepare_cached(&format!(
            "SELECT e.id, e.revision, e.made_on, e.trusted_adults, e.plan, {} FROM emergency_plan e
             WHERE e.child_id = ?1 ORDER BY e.revision",
            stamp_sql("e")
        ))?;
        let mut network = conn.prepare_cached(
            "SELECT id, role, name, contact FROM network_person WHERE child_id = ?1 ORDER BY name, id",
        )?;
        let mut others = conn.prepare_cached(
            "SELECT c.name FROM child_link l JOIN client c ON c.id = l.client_id
             WHERE l.child_id = ?1 AND l.client_id <> ?2 ORDER BY c.name",
        )?;
        for child in &mut children {
            child.emergency_plans = plans
                .query_map([child.id], |r| {
                    Ok(EmergencyPlanView {
                        id: r.get(0)?,
                        revision: r.get(1)?,
                        made_on: r.get(2)?,
                        trusted_adults: r.get(3)?,
                        plan: r.get(4)?,
                        stamp: stamp_at(r, 5)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            child.network = network
                .query_map([child.id], |r| {
                    Ok(NetworkPersonView {
                        id: r.get(0)?,
                        role: codes.coded(CodeList::NetworkRole, &r.get::<_, String>(1)?),
                        name: r.get(2)?,
                        contact: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            child.notifications = self.notifications_of_child(child.id)?;
            child.other_adults =
                others.query_map(params![child.id, id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        }
        Ok(children)
    }

    /// Every notification about a child, oldest first (part of the record
    /// the reader was authorized for).
    fn notifications_of_child(&self, child: ChildId) -> Result<Vec<NotificationView>> {
        let mut stmt = self.connection().prepare_cached(&format!(
            "SELECT n.id, n.child_id, ch.name, n.made_on, s.name, n.recipient, n.reason, n.answer_received_on, n.answer, {}
             FROM notification n JOIN child ch ON ch.id = n.child_id JOIN staff s ON s.id = n.made_by
             WHERE n.child_id = ?1 ORDER BY n.made_on, n.id",
            stamp_sql("n")
        ))?;
        let rows = stmt.query_map([child], notification_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Notifications still waiting for an answer from the family department,
    /// oldest first: none may get lost. A family consultant sees those
    /// addressed to their unit and those about children shared with it.
    /// Each child shown is written to the audit log.
    pub fn unanswered_notifications(&mut self, ctx: &Ctx) -> Result<Vec<NotificationView>> {
        let reader = self.reader(ctx, Action::Family)?;
        let list = self.unanswered_scoped(&reader)?;
        let mut children: Vec<uuid::Uuid> = list.iter().map(|n| n.child_id.0).collect();
        children.sort();
        children.dedup();
        self.audit_reads(ctx, &children, "notification_list", "ubesvarede underretninger")?;
        Ok(list)
    }

    fn unanswered_scoped(&self, reader: &Reader) -> Result<Vec<NotificationView>> {
        let scope = match reader.shared_unit() {
            None => "1".to_string(),
            Some(unit) => format!("(n.to_unit = '{unit}' OR {})", reader.child_in_scope("n.child_id")),
        };
        let mut stmt = self.connection().prepare_cached(&format!(
            "SELECT n.id, n.child_id, ch.name, n.made_on, s.name, n.recipient, n.reason, n.answer_received_on, n.answer, {}
             FROM notification n JOIN child ch ON ch.id = n.child_id JOIN staff s ON s.id = n.made_by
             WHERE n.answer_received_on IS NULL AND {scope} ORDER BY n.made_on, n.id",
            stamp_sql("n")
        ))?;
        let rows = stmt.query_map([], notification_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn referrals_of(&self, codes: &Codes, id: ClientId) -> Result<Vec<ReferralView>> {
        let mut stmt = self.connection().prepare_cached(&format!(
            "SELECT r.id, r.received_on, r.source, r.referrer, r.reason, r.door, u.name, r.info_talk_on, r.outcome, {}
             FROM referral r JOIN unit u ON u.id = r.unit_id WHERE r.client_id = ?1 ORDER BY r.received_on, r.id",
            stamp_sql("r")
        ))?;
        let rows = stmt.query_map([id], |r| {
            let received: NaiveDate = r.get(1)?;
            Ok(ReferralView {
                id: r.get(0)?,
                received_on: received,
                source: codes.coded(CodeList::ReferralSource, &r.get::<_, String>(2)?),
                referrer: r.get(3)?,
                reason: r.get(4)?,
                door: codes.coded(CodeList::ReferralDoor, &r.get::<_, String>(5)?),
                unit: r.get(6)?,
                info_talk_on: r.get(7)?,
                outcome: codes.coded(CodeList::ReferralOutcome, &r.get::<_, String>(8)?),
                deadline: received + chrono::Days::new(14),
                stamp: stamp_at(r, 9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn courses_of(&self, codes: &Codes, id: ClientId) -> Result<Vec<CourseView>> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT co.id, co.referral_id, u.name, co.kind, co.setting, co.status, co.enrolled_on, co.start_on,
                    co.follow_up_from, co.end_on, co.end_reason, s.name, co.paying_municipality,
                    (SELECT received_on FROM referral WHERE id = co.referral_id), {}
             FROM course co JOIN unit u ON u.id = co.unit_id JOIN staff s ON s.id = co.case_owner
             WHERE co.client_id = ?1 ORDER BY co.enrolled_on, co.id",
            stamp_sql("co")
        ))?;
        let mut courses: Vec<CourseView> = stmt
            .query_map([id], |r| {
                let start: Option<NaiveDate> = r.get(7)?;
                let referred: Option<NaiveDate> = r.get(13)?;
                let end_reason: Option<String> = r.get(10)?;
                Ok(CourseView {
                    id: r.get(0)?,
                    referral_id: r.get(1)?,
                    unit: r.get(2)?,
                    kind: codes.coded(CodeList::CourseKind, &r.get::<_, String>(3)?),
                    setting: codes.coded(CodeList::CourseSetting, &r.get::<_, String>(4)?),
                    status: codes.coded(CodeList::CourseStatus, &r.get::<_, String>(5)?),
                    enrolled_on: r.get(6)?,
                    start_on: start,
                    follow_up_from: r.get(8)?,
                    end_on: r.get(9)?,
                    end_reason: end_reason.map(|e| codes.coded(CodeList::EndReason, &e)),
                    case_owner: r.get(11)?,
                    paying_municipality: codes.municipality_coded(&r.get::<_, String>(12)?),
                    waiting_days: match (referred, start) {
                        (Some(a), Some(b)) => Some((b - a).num_days()),
                        _ => None,
                    },
                    assessments: Vec::new(),
                    plan: Vec::new(),
                    evaluations: Vec::new(),
                    medications: Vec::new(),
                    stamp: stamp_at(r, 14)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut assessments = conn.prepare_cached(&format!(
            "SELECT a.id, a.assessed_on, a.audit_score, a.units_per_week, a.side_abuse, a.income_source, a.housing,
                    a.children_situation, a.pregnant, a.violence, a.psychiatric, a.remarks, {}
             FROM assessment a WHERE a.course_id = ?1 ORDER BY a.assessed_on, a.id",
            stamp_sql("a")
        ))?;
        let mut plans = conn.prepare_cached(&format!(
            "SELECT p.id, p.revision, p.made_on, p.goals, p.elements, p.medication, p.family_section, p.midway_on, p.final_on, {}
             FROM plan_revision p WHERE p.course_id = ?1 ORDER BY p.revision, p.version",
            stamp_sql("p")
        ))?;
        let mut evaluations = conn.prepare_cached(&format!(
            "SELECT e.id, e.kind, e.evaluated_on, e.text, {} FROM evaluation e WHERE e.course_id = ?1 ORDER BY e.evaluated_on, e.id",
            stamp_sql("e")
        ))?;
        let mut medications = conn.prepare_cached(
            "SELECT m.id, m.drug, m.dose, m.started_on, a.name, m.stopped_on, b.name, m.stop_reason
             FROM medication m JOIN staff a ON a.id = m.started_by LEFT JOIN staff b ON b.id = m.stopped_by
             WHERE m.course_id = ?1 ORDER BY m.started_on, m.id",
        )?;
        for c in &mut courses {
            c.assessments = assessments
                .query_map([c.id], |r| {
                    let income: Option<String> = r.get(5)?;
                    let housing: Option<String> = r.get(6)?;
                    Ok(AssessmentView {
                        id: r.get(0)?,
                        assessed_on: r.get(1)?,
                        audit_score: r.get(2)?,
                        units_per_week: r.get(3)?,
                        side_abuse: codes_of(codes, CodeList::SideAbuse, &r.get::<_, String>(4)?),
                        income_source: income.map(|i| codes.coded(CodeList::IncomeSource, &i)),
                        housing: housing.map(|h| codes.coded(CodeList::Housing, &h)),
                        children_situation: codes_of(codes, CodeList::ChildrenSituation, &r.get::<_, String>(7)?),
                        pregnant: r.get(8)?,
                        violence: r.get(9)?,
                        psychiatric: r.get(10)?,
                        remarks: r.get(11)?,
                        stamp: stamp_at(r, 12)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            c.plan = plans
                .query_map([c.id], |r| {
                    Ok(PlanRevisionView {
                        id: r.get(0)?,
                        revision: r.get(1)?,
                        made_on: r.get(2)?,
                        goals: r.get(3)?,
                        elements: codes_of(codes, CodeList::TreatmentElement, &r.get::<_, String>(4)?),
                        medication: r.get(5)?,
                        family_section: r.get(6)?,
                        midway_on: r.get(7)?,
                        final_on: r.get(8)?,
                        stamp: stamp_at(r, 9)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            c.evaluations = evaluations
                .query_map([c.id], |r| {
                    let kind: String = r.get(1)?;
                    Ok(EvaluationView {
                        id: r.get(0)?,
                        kind: if kind == "final" { EvaluationKind::Final } else { EvaluationKind::Midway },
                        evaluated_on: r.get(2)?,
                        text: r.get(3)?,
                        stamp: stamp_at(r, 4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            c.medications = medications
                .query_map([c.id], |r| {
                    Ok(MedicationView {
                        id: r.get(0)?,
                        drug: codes.coded(CodeList::Medication, &r.get::<_, String>(1)?),
                        dose: r.get(2)?,
                        started_on: r.get(3)?,
                        started_by: r.get(4)?,
                        stopped_on: r.get(5)?,
                        stopped_by: r.get(6)?,
                        stop_reason: r.get(7)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(courses)
    }

    fn sessions_of(&self, codes: &Codes, id: ClientId) -> Result<Vec<SessionView>> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT s.id, s.course_id, s.kind, s.held_on, s.start_time, s.minutes, s.place, s.attendance, {}
             FROM session s
             WHERE s.id IN (SELECT session_id FROM session_participant WHERE client_id = ?1
                            UNION SELECT se.id FROM session se JOIN course co ON co.id = se.course_id WHERE co.client_id = ?1)
             ORDER BY s.held_on DESC, s.start_time DESC, s.id",
            stamp_sql("s")
        ))?;
        let mut sessions: Vec<SessionView> = stmt
            .query_map([id], |r| {
                let attendance: Option<String> = r.get(7)?;
                Ok(SessionView {
                    id: r.get(0)?,
                    course_id: r.get(1)?,
                    kind: codes.coded(CodeList::SessionKind, &r.get::<_, String>(2)?),
                    held_on: r.get(3)?,
                    start_time: r.get(4)?,
                    minutes: r.get(5)?,
                    place: r.get(6)?,
                    attendance: attendance.map(|a| codes.coded(CodeList::Attendance, &a)),
                    participants: Vec::new(),
                    stamp: stamp_at(r, 8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // The participants of all these sessions in one query, not one per
        // session.
        let mut parts = conn.prepare_cached(
            "SELECT p.session_id, p.client_id, p.child_id, p.staff_id, p.external_name,
                    coalesce(c.name, ch.name, s.name, p.external_name), u.name, s.role
             FROM session_participant p
             LEFT JOIN client c ON c.id = p.client_id LEFT JOIN child ch ON ch.id = p.child_id
             LEFT JOIN staff s ON s.id = p.staff_id LEFT JOIN unit u ON u.id = s.unit_id
             WHERE p.session_id IN (SELECT value FROM json_each(?1)) ORDER BY p.rowid",
        )?;
        let mut by_session: std::collections::HashMap<SessionId, Vec<ParticipantView>> =
            std::collections::HashMap::new();
        let ids: Vec<SessionId> = sessions.iter().map(|s| s.id).collect();
        let mut rows = parts.query([serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())])?;
        while let Some(r) = rows.next()? {
            let session: SessionId = r.get(0)?;
            let client: Option<ClientId> = r.get(1)?;
            let child: Option<ChildId> = r.get(2)?;
            let staff: Option<StaffId> = r.get(3)?;
            let external: Option<String> = r.get(4)?;
            let who = match (client, child, staff) {
                (Some(c), _, _) => Participant::Client(c),
                (_, Some(c), _) => Participant::Child(c),
                (_, _, Some(s)) => Participant::Staff(s),
                _ => Participant::External(external.unwrap_or_default()),
            };
            let role: Option<String> = r.get(7)?;
            by_session.entry(session).or_default().push(ParticipantView {
                who,
                name: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                unit: r.get(6)?,
                role: role.map(|x| codes.coded(CodeList::Role, &x)),
            });
        }
        drop(rows);
        for s in &mut sessions {
            s.participants = by_session.remove(&s.id).unwrap_or_default();
        }
        Ok(sessions)
    }

    fn notes_of(&self, id: ClientId) -> Result<Vec<NoteView>> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT n.id, n.course_id, n.session_id, n.kind, n.corrects, n.written_on, n.internal, n.text,
                    coalesce((SELECT name FROM staff WHERE id = n.created_by), n.created_by), {}
             FROM note n WHERE n.client_id = ?1 ORDER BY n.written_on DESC, n.version DESC",
            stamp_sql("n")
        ))?;
        let mut notes: Vec<NoteView> = stmt
            .query_map([id], |r| {
                let kind: String = r.get(3)?;
                Ok(NoteView {
                    id: r.get(0)?,
                    course_id: r.get(1)?,
                    session_id: r.get(2)?,
                    kind: NoteKind::from_code(&kind).unwrap_or_default(),
                    corrects: r.get(4)?,
                    corrected_by: Vec::new(),
                    written_on: r.get(5)?,
                    internal: r.get(6)?,
                    text: r.get(7)?,
                    author: r.get(8)?,
                    stamp: stamp_at(r, 9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let corrections: Vec<(NoteId, NoteId)> =
            notes.iter().filter_map(|n| n.corrects.map(|original| (original, n.id))).collect();
        for (original, by) in corrections {
            if let Some(n) = notes.iter_mut().find(|n| n.id == original) {
                n.corrected_by.push(by);
            }
        }
        Ok(notes)
    }

    fn consents_of(&self, codes: &Codes, id: ClientId) -> Result<Vec<ConsentView>> {
        let mut stmt = self.connection().prepare_cached(&format!(
            "SELECT c.id, c.scope, c.recipient, c.given_on, c.withdrawn_on, c.remarks, {}
             FROM consent c WHERE c.client_id = ?1 ORDER BY c.given_on, c.id",
            stamp_sql("c")
        ))?;
        let rows = stmt.query_map([id], |r| {
            Ok(ConsentView {
                id: r.get(0)?,
                scope: codes.coded(CodeList::ConsentScope, &r.get::<_, String>(1)?),
                recipient: r.get(2)?,
                given_on: r.get(3)?,
                withdrawn_on: r.get(4)?,
                remarks: r.get(5)?,
                stamp: stamp_at(r, 6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn groups_of(&self, codes: &Codes, id: ClientId) -> Result<Vec<GroupMembershipView>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT g.id, g.name, g.kind, m.joined_on, m.left_on FROM group_member m JOIN activity_group g ON g.id = m.group_id
             WHERE m.client_id = ?1 ORDER BY m.joined_on, g.id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(GroupMembershipView {
                group_id: r.get(0)?,
                group: r.get(1)?,
                kind: codes.coded(CodeList::GroupKind, &r.get::<_, String>(2)?),
                joined_on: r.get(3)?,
                left_on: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Full-text search of journal notes: notes containing every word, newest
    /// first, of the notes the reader may see (a family consultant: the
    /// notes of shared cases that their record view shows). The hits'
    /// clients are written to the audit log as read.
    pub fn search_notes(&mut self, ctx: &Ctx, query: &str, limit: usize) -> Result<Vec<NoteHit>> {
        let reader = self.reader(ctx, Action::ReadNotes)?;
        let hits = self.find_notes(&reader, query, limit)?;
        let mut people: Vec<uuid::Uuid> = hits.iter().map(|h| h.client_id.0).collect();
        people.sort();
        people.dedup();
        self.audit_reads(ctx, &people, "note_search", "søgning i journalnotater")?;
        Ok(hits)
    }

    /// The note search for an authorized reader, without the audit entry
    /// (the benchmark's inner loop).
    pub(crate) fn find_notes(&self, reader: &Reader, query: &str, limit: usize) -> Result<Vec<NoteHit>> {
        let Some(m) = fts_words_query(query) else { return Ok(Vec::new()) };
        let scope = match reader.shared_unit() {
            None => "1".to_string(),
            Some(unit) => format!(
                "n.internal = 0 AND {} AND (
                   EXISTS (SELECT 1 FROM staff s WHERE s.id = n.created_by AND s.unit_id = '{unit}')
                   OR EXISTS (SELECT 1 FROM session se WHERE se.id = n.session_id AND (se.kind IN ({kinds})
                       OR EXISTS (SELECT 1 FROM session_participant p JOIN staff st ON st.id = p.staff_id
                                  WHERE p.session_id = se.id AND st.unit_id = '{unit}'))))",
                reader.client_in_scope("n.client_id"),
                kinds = FAMILY_SESSION_KINDS.map(|k| format!("'{k}'")).join(", ")
            ),
        };
        let mut stmt = self.connection().prepare_cached(&format!(
            "SELECT n.id, n.client_id, c.name, n.written_on, snippet(note_fts, 0, '«', '»', '…', 12)
             FROM note_fts JOIN note n ON n.rid = note_fts.rowid JOIN client c ON c.id = n.client_id
             WHERE note_fts MATCH ?1 AND {scope} ORDER BY note_fts.rowid DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![m, limit as i64], |r| {
            Ok(NoteHit {
                note_id: r.get(0)?,
                client_id: r.get(1)?,
                client_name: r.get(2)?,
                written_on: r.get(3)?,
                snippet: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Referrals not yet ended in a course or another outcome, oldest first,
    /// with their 14-day deadline: the clients within the reader's scope.
    /// Each client shown is written to the audit log (the list shows the
    /// referral's reason).
    pub fn waiting_referrals(&mut self, ctx: &Ctx) -> Result<Vec<(ClientSummaryLine, ReferralView)>> {
        let reader = self.reader(ctx, Action::ReadRecord)?;
        let list = self.waiting_scoped(&reader)?;
        let mut people: Vec<uuid::Uuid> = list.iter().map(|(c, _)| c.id.0).collect();
        people.sort();
        people.dedup();
        self.audit_reads(ctx, &people, "waiting_list", "venteliste")?;
        Ok(list)
    }

    pub(crate) fn waiting_scoped(&self, reader: &Reader) -> Result<Vec<(ClientSummaryLine, ReferralView)>> {
        let codes = self.codes();
        let mut stmt = self.connection().prepare_cached(&format!(
            "SELECT DISTINCT r.client_id, c.name, r.received_on FROM referral r JOIN client c ON c.id = r.client_id
             WHERE r.outcome = 'pending' AND {} ORDER BY r.received_on, r.client_id",
            reader.client_in_scope("r.client_id")
        ))?;
        let clients: Vec<(ClientId, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, name) in clients {
            for referral in self.referrals_of(&codes, id)?.into_iter().filter(|r| r.outcome.code == "pending") {
                if !out.iter().any(|(_, r): &(ClientSummaryLine, ReferralView)| r.id == referral.id) {
                    out.push((ClientSummaryLine { id, name: name.clone() }, referral));
                }
            }
        }
        out.sort_by_key(|(_, r)| r.received_on);
        Ok(out)
    }

    /// The staff of the journal, by unit and name.
    pub fn staff_list(&self) -> Result<Vec<StaffView>> {
        let codes = self.codes();
        let mut stmt = self.connection().prepare_cached(
            "SELECT s.id, s.initials, s.name, s.role, u.name FROM staff s JOIN unit u ON u.id = s.unit_id
             WHERE s.active = 1 ORDER BY u.name, s.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StaffView {
                id: r.get(0)?,
                initials: r.get(1)?,
                name: r.get(2)?,
                role: codes.coded(CodeList::Role, &r.get::<_, String>(3)?),
                unit: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The units of the journal.
    pub fn unit_list(&self) -> Result<Vec<(UnitId, String, Coded, Coded)>> {
        let codes = self.codes();
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT id, name, kind, municipality FROM unit ORDER BY municipality, name")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                codes.coded(CodeList::UnitKind, &r.get::<_, String>(2)?),
                codes.municipality_coded(&r.get::<_, String>(3)?),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every revision of one course's treatment plan, oldest first, as the
    /// reader may see it on the client's record (and audited as that read).
    pub fn plan_history(&mut self, ctx: &Ctx, course: CourseId) -> Result<Vec<PlanRevisionView>> {
        let client: ClientId = self
            .connection()
            .prepare_cached("SELECT client_id FROM course WHERE id = ?1")?
            .query_row([course], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound(Entity::Course))?;
        let record = self.client_record(ctx, client)?;
        Ok(record.courses.into_iter().filter(|c| c.id == course).flat_map(|c| c.plan).collect())
    }

    /// Every client within the reader's scope (the benchmark's choice of
    /// records a family consultant may open).
    pub(crate) fn clients_in_scope(&self, reader: &Reader) -> Result<Vec<ClientId>> {
        let mut stmt = self
            .connection()
            .prepare(&format!("SELECT c.id FROM client c WHERE {} ORDER BY c.id", reader.client_in_scope("c.id")))?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Look up one row's primary key: the benchmark's baseline, and whether
    /// a client exists.
    pub(crate) fn client_name(&self, id: ClientId) -> Result<Option<String>> {
        Ok(self
            .connection()
            .prepare_cached("SELECT name FROM client WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}
/// A member of staff with role and unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffView {
    pub id: StaffId,
    pub initials: String,
    pub name: String,
    pub role: Coded,
    pub unit: String,
}

/// A client's id and name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientSummaryLine {
    pub id: ClientId,
    pub name: String,
}

fn notification_row(r: &Row<'_>) -> rusqlite::Result<NotificationView> {
    Ok(NotificationView {
        id: r.get(0)?,
        child_id: r.get(1)?,
        child_name: r.get(2)?,
        made_on: r.get(3)?,
        made_by: r.get(4)?,
        recipient: r.get(5)?,
        reason: r.get(6)?,
        answer_received_on: r.get(7)?,
        answer: r.get(8)?,
        stamp: stamp_at(r, 9)?,
    })
}
