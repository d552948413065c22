//! The monthly case review (sagsmøde, seed 004 §7.1.1) and the agreement's
//! prices.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::people::{must_exist, not_before, required};
use super::write::Writer;
use super::{Codes, Ctx, Journal};
use crate::error::{Entity, Invalid, Result};
use crate::model::time::age_on;
use crate::model::views::*;
use crate::model::*;
use crate::security::roles::Action;
use crate::security::scope::Reader;

pub(crate) fn insert_case_review(
    w: &mut Writer<'_>,
    codes: &Codes,
    unit: UnitId,
    r: &CaseReviewRecord,
) -> Result<CaseReviewId> {
    let id = r.id.unwrap_or_default();
    if r.held_on > w.today() {
        return Err(Invalid::InFuture { field: "held_on" }.into());
    }
    must_exist(w, "staff", &r.led_by, Entity::Staff, "led_by")?;
    let unit_id = r.unit_id.unwrap_or(unit);
    must_exist(w, "unit", &unit_id, Entity::Unit, "unit_id")?;
    w.insert("case_review", &id, &[("unit_id", &unit_id), ("held_on", &r.held_on), ("led_by", &r.led_by)], None)?;
    for item in &r.items {
        let decision = required(&item.decision, "decision")?;
        let linked = w
            .conn()
            .prepare_cached("SELECT 1 FROM child_link WHERE client_id = ?1 AND child_id = ?2")?
            .exists(params![item.client_id, item.child_id])?;
        if !linked {
            must_exist(w, "client", &item.client_id, Entity::Client, "client_id")?;
            must_exist(w, "child", &item.child_id, Entity::Child, "child_id")?;
            return Err(Invalid::ChildNotLinked.into());
        }
        for key in item.answers.keys() {
            if codes.check(CodeList::ReviewQuestion, key, "answers").is_err() {
                return Err(Invalid::UnknownQuestion { code: key.clone() }.into());
            }
        }
        if let Some(s) = &item.responsible {
            must_exist(w, "staff", s, Entity::Staff, "responsible")?;
        }
        let answers = serde_json::to_string(&item.answers).unwrap_or_else(|_| "{}".into());
        let item_id = item.id.unwrap_or_default();
        w.insert(
            "case_review_item",
            &item_id,
            &[
                ("review_id", &id),
                ("client_id", &item.client_id),
                ("child_id", &item.child_id),
                ("answers", &answers),
                ("decision", &decision),
                ("responsible", &item.responsible),
            ],
            Some(item.child_id.0),
        )?;
    }
    Ok(id)
}

pub(crate) fn insert_agreement_price(
    w: &mut Writer<'_>,
    codes: &Codes,
    r: &AgreementPriceRecord,
) -> Result<AgreementPriceId> {
    let id = r.id.unwrap_or_default();
    codes.municipality(&r.payer, "payer")?;
    codes.municipality(&r.provider, "provider")?;
    codes.check(CodeList::CourseKind, &r.course_kind, "course_kind")?;
    codes.check(CodeList::CourseSetting, &r.setting, "setting")?;
    not_before(r.valid_to, "valid_to", Some(r.valid_from), "valid_from")?;
    let amount = r.amount.storage();
    w.insert(
        "agreement_price",
        &id,
        &[
            ("payer", &r.payer),
            ("provider", &r.provider),
            ("course_kind", &r.course_kind),
            ("setting", &r.setting),
            ("per", &r.per.code()),
            ("amount", &amount),
            ("valid_from", &r.valid_from),
            ("valid_to", &r.valid_to),
        ],
        None,
    )?;
    Ok(id)
}

impl Journal {
    /// The case-review list for a day: every client with an open course and
    /// at least one linked child under 18 that day, each child with what the
    /// review questions ask about and the last decision taken.
    /// A family consultant sees the clients whose case is shared with their
    /// unit; each client shown is written to the audit log.
    pub fn case_review_list(&mut self, ctx: &Ctx, on: NaiveDate) -> Result<CaseReviewList> {
        let reader = self.reader(ctx, Action::CaseReview)?;
        let list = self.case_review_scoped_list(&reader, on)?;
        let people: Vec<uuid::Uuid> = list.clients.iter().map(|c| c.client_id.0).collect();
        self.audit_reads(ctx, &people, "case_review", "sagsmøde")?;
        Ok(list)
    }

    /// The list for an authorized reader, without the audit entries (the
    /// benchmark's inner loop).
    pub(crate) fn case_review_scoped_list(&self, reader: &Reader, on: NaiveDate) -> Result<CaseReviewList> {
        let codes = self.codes();
        let questions = self
            .code_list(CodeList::ReviewQuestion)?
            .into_iter()
            .map(|c| Coded { code: c.code, label: c.label })
            .collect();
        let conn = self.connection();
        let adult_limit = (on - chrono::Months::new(12 * 18)).to_string();
        // Set queries, not queries per client: the clients with an open
        // course (a partial index) and a child under 18, then the case
        // owners, children and last decisions of all of them at once.
        let open = "SELECT client_id FROM course WHERE end_on IS NULL";
        let mut clients_stmt = conn.prepare_cached(&format!(
            "SELECT cl.id, cl.name FROM client cl
             WHERE cl.id IN ({open})
               AND EXISTS (SELECT 1 FROM child_link l JOIN child ch ON ch.id = l.child_id
                           WHERE l.client_id = cl.id AND ch.birth_date > ?1 AND ch.birth_date <= ?2)
               AND {}
             ORDER BY cl.name COLLATE NOCASE, cl.id",
            reader.client_in_scope("cl.id")
        ))?;
        let rows: Vec<(ClientId, String)> = clients_stmt
            .query_map(params![adult_limit, on], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let listed: HashSet<ClientId> = rows.iter().map(|(id, _)| *id).collect();
        let mut owners: HashMap<ClientId, Vec<String>> = HashMap::new();
        let mut owners_stmt = conn.prepare_cached(
            "SELECT DISTINCT co.client_id, s.name FROM course co JOIN staff s ON s.id = co.case_owner
             WHERE co.end_on IS NULL ORDER BY s.name",
        )?;
        let mut found = owners_stmt.query(params![])?;
        while let Some(r) = found.next()? {
            let client: ClientId = r.get(0)?;
            if listed.contains(&client) {
                owners.entry(client).or_default().push(r.get(1)?);
            }
        }
        drop(found);
        let mut decisions: HashMap<(ClientId, ChildId), (NaiveDate, String)> = HashMap::new();
        let mut decision_stmt = conn.prepare_cached(&format!(
            "SELECT i.client_id, i.child_id, r.held_on, i.decision FROM case_review_item i
             JOIN case_review r ON r.id = i.review_id
             WHERE i.client_id IN ({open}) AND r.held_on <= ?1
             ORDER BY r.held_on DESC, r.version DESC"
        ))?;
        let mut found = decision_stmt.query([on])?;
        while let Some(r) = found.next()? {
            let key: (ClientId, ChildId) = (r.get(0)?, r.get(1)?);
            if listed.contains(&key.0) && !decisions.contains_key(&key) {
                decisions.insert(key, (r.get(2)?, r.get(3)?));
            }
        }
        drop(found);
        let mut children: HashMap<ClientId, Vec<CaseReviewChild>> = HashMap::new();
        let mut children_stmt = conn.prepare_cached(&format!(
            "SELECT l.client_id, ch.id, ch.name, ch.birth_date, l.custody, l.residence, l.visitation, ch.family_case,
                    ch.concern,
                    (SELECT count(*) FROM notification n WHERE n.child_id = ch.id),
                    EXISTS (SELECT 1 FROM emergency_plan e WHERE e.child_id = ch.id)
             FROM child_link l JOIN child ch ON ch.id = l.child_id
             WHERE l.client_id IN ({open}) AND ch.birth_date > ?1 AND ch.birth_date <= ?2
             ORDER BY ch.birth_date, ch.id"
        ))?;
        let mut found = children_stmt.query(params![adult_limit, on])?;
        while let Some(r) = found.next()? {
            let client: ClientId = r.get(0)?;
            if !listed.contains(&client) {
                continue;
            }
            let id: ChildId = r.get(1)?;
            let born: NaiveDate = r.get(3)?;
            children.entry(client).or_default().push(CaseReviewChild {
                child_id: id,
                name: r.get(2)?,
                age: age_on(born, on),
                custody: codes.coded(CodeList::Custody, &r.get::<_, String>(4)?),
                residence: codes.coded(CodeList::Residence, &r.get::<_, String>(5)?),
                visitation: r.get(6)?,
                family_case: r.get(7)?,
                concern: codes.coded(CodeList::Concern, &r.get::<_, String>(8)?),
                notifications: r.get(9)?,
                has_emergency_plan: r.get(10)?,
                last_decision: decisions.remove(&(client, id)),
            });
        }
        drop(found);
        let clients = rows
            .into_iter()
            .map(|(client_id, name)| CaseReviewClient {
                client_id,
                name,
                case_owner: owners.remove(&client_id).unwrap_or_default(),
                children: children.remove(&client_id).unwrap_or_default(),
            })
            .collect();
        Ok(CaseReviewList { on, questions, clients })
    }

    /// Record a held case review with the answers and decision per child.
    pub fn record_case_review(&mut self, ctx: &Ctx, r: &CaseReviewRecord) -> Result<CaseReviewId> {
        self.authorize(ctx, Action::CaseReview)?;
        let (codes, unit) = (self.codes(), self.unit());
        self.write(ctx, |w| insert_case_review(w, &codes, unit, r))
    }

    /// A recorded case review, as held: the items of the clients within the
    /// reader's scope, each written to the audit log.
    pub fn case_review(&mut self, ctx: &Ctx, id: CaseReviewId) -> Result<CaseReviewView> {
        let reader = self.reader(ctx, Action::CaseReview)?;
        let view = self.case_review_scoped(&reader, id)?;
        let mut people: Vec<uuid::Uuid> = view.items.iter().map(|i| i.client_id.0).collect();
        people.sort();
        people.dedup();
        self.audit_reads(ctx, &people, "case_review", "sagsmøde")?;
        Ok(view)
    }

    fn case_review_scoped(&self, reader: &Reader, id: CaseReviewId) -> Result<CaseReviewView> {
        let codes = self.codes();
        let conn = self.connection();
        let (held_on, led_by): (NaiveDate, String) = conn
            .query_row(
                "SELECT r.held_on, s.name FROM case_review r JOIN staff s ON s.id = r.led_by WHERE r.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(crate::error::Error::NotFound(Entity::CaseReview))?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT cl.name, ch.name, i.answers, i.decision, s.name, i.client_id
             FROM case_review_item i JOIN client cl ON cl.id = i.client_id JOIN child ch ON ch.id = i.child_id
             LEFT JOIN staff s ON s.id = i.responsible
             WHERE i.review_id = ?1 AND {} ORDER BY cl.name, ch.birth_date",
            reader.client_in_scope("i.client_id")
        ))?;
        type Item = (String, String, String, String, Option<String>, ClientId);
        let items = stmt
            .query_map([id], |r| {
                let answers: String = r.get(2)?;
                Ok((r.get(0)?, r.get(1)?, answers, r.get(3)?, r.get(4)?, r.get(5)?))
            })?
            .collect::<rusqlite::Result<Vec<Item>>>()?
            .into_iter()
            .map(|(client_name, child_name, answers, decision, responsible, client_id)| {
                let map: std::collections::BTreeMap<String, String> =
                    serde_json::from_str(&answers).unwrap_or_default();
                let mut answers: Vec<(Coded, String)> =
                    map.into_iter().map(|(k, v)| (codes.coded(CodeList::ReviewQuestion, &k), v)).collect();
                answers.sort_by_key(|(q, _)| self.codes.sort_key(CodeList::ReviewQuestion, &q.code));
                CaseReviewItemView { client_id, client_name, child_name, answers, decision, responsible }
            })
            .collect();
        Ok(CaseReviewView { id, held_on, led_by, items })
    }

    pub fn add_agreement_price(&mut self, ctx: &Ctx, r: &AgreementPriceRecord) -> Result<AgreementPriceId> {
        self.authorize(ctx, Action::Reports)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_agreement_price(w, &codes, r))
    }
}
