//! Units, staff, clients, children and the family questions about them.

use chrono::NaiveDate;
use rusqlite::types::ToSql;

use super::write::Writer;
use super::{Codes, Ctx, Journal};
use crate::error::{Entity, Invalid, Refusals, Result};
use crate::model::time::age_on;
use crate::model::*;
use crate::security::roles::Action;

/// A required text: trimmed, not empty.
pub(crate) fn required(s: &str, field: &'static str) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        Err(Invalid::Required { field })
    } else {
        Ok(t.to_string())
    }
}

/// An optional text: trimmed, empty means none.
pub(crate) fn optional(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// `later` must not lie before `earlier`.
pub(crate) fn not_before(
    later: Option<NaiveDate>,
    later_field: &'static str,
    earlier: Option<NaiveDate>,
    earlier_field: &'static str,
) -> Result<(), Invalid> {
    match (later, earlier) {
        (Some(l), Some(e)) if l < e => Err(Invalid::DateOrder { field: later_field, before: earlier_field }),
        _ => Ok(()),
    }
}

/// A referenced row must exist.
pub(crate) fn must_exist(
    w: &Writer<'_>,
    table: &'static str,
    id: &dyn ToSql,
    what: Entity,
    field: &'static str,
) -> Result<()> {
    if w.exists(table, id)? {
        Ok(())
    } else {
        Err(Invalid::Missing { what, field }.into())
    }
}

pub(crate) fn insert_unit(w: &mut Writer<'_>, codes: &Codes, r: &UnitRecord) -> Result<UnitId> {
    let id = r.id.unwrap_or_default();
    let name = required(&r.name, "name")?;
    codes.municipality(&r.municipality, "municipality")?;
    codes.check(CodeList::UnitKind, &r.kind, "kind")?;
    w.insert("unit", &id, &[("municipality", &r.municipality), ("kind", &r.kind), ("name", &name)], None)?;
    Ok(id)
}

pub(crate) fn insert_staff(w: &mut Writer<'_>, codes: &Codes, r: &StaffRecord) -> Result<StaffId> {
    let id = r.id.unwrap_or_default();
    let name = required(&r.name, "name")?;
    let initials = required(&r.initials, "initials")?.to_uppercase();
    if !(2..=8).contains(&initials.chars().count()) {
        return Err(Invalid::OutOfRange { field: "initials", min: 2, max: 8 }.into());
    }
    codes.check(CodeList::Role, &r.role, "role")?;
    must_exist(w, "unit", &r.unit_id, Entity::Unit, "unit_id")?;
    if let Some(unit) = crate::sync::scope::partner_unit(w.conn(), w.site(), &r.unit_id.to_string())? {
        return Err(Invalid::PartnerStaff { unit }.into());
    }
    let taken = w
        .conn()
        .prepare_cached("SELECT 1 FROM staff WHERE unit_id = ?1 AND initials = ?2")?
        .exists(rusqlite::params![r.unit_id, initials])?;
    if taken {
        return Err(Invalid::InitialsTaken { initials }.into());
    }
    w.insert(
        "staff",
        &id,
        &[("unit_id", &r.unit_id), ("name", &name), ("initials", &initials), ("role", &r.role)],
        None,
    )?;
    Ok(id)
}

/// A client's validated columns.
pub(crate) struct ClientCols {
    name: String,
    cpr: Option<String>,
    birth_date: Option<NaiveDate>,
    sex: Option<&'static str>,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

/// A client's columns, every broken rule gathered in `refused` (the
/// columns of a refused field are then left empty; nothing is written
/// unless `refused` stays empty).
pub(crate) fn client_cols(codes: &Codes, r: &ClientRecord, today: NaiveDate, refused: &mut Refusals) -> ClientCols {
    let name = refused.check(required(&r.name, "name")).unwrap_or_default();
    if r.anonymous && r.cpr.is_some() {
        refused.push(Invalid::AnonymousWithCpr);
    }
    let (birth_date, sex) = match &r.cpr {
        Some(cpr) => {
            let born = cpr.birth_date();
            if r.birth_date.is_some() && r.birth_date != born {
                refused.push(Invalid::CprMismatch { field: "birth_date" });
            }
            if r.sex.is_some() && r.sex != Some(cpr.sex()) {
                refused.push(Invalid::CprMismatch { field: "sex" });
            }
            (born, Some(cpr.sex()))
        }
        None => (r.birth_date, r.sex),
    };
    if birth_date.is_some_and(|b| b > today) {
        refused.push(Invalid::InFuture { field: "birth_date" });
    }
    refused.check(codes.municipality(&r.municipality, "municipality"));
    ClientCols {
        name,
        cpr: r.cpr.as_ref().map(|c| c.as_str().to_string()),
        birth_date,
        sex: sex.map(Sex::code),
        address: optional(&r.address),
        phone: optional(&r.phone),
        email: optional(&r.email),
    }
}

/// What a local edit of a client (`Journal::update_client`) stores for this
/// record, by column, every broken rule gathered in `refused`: a new value
/// written to settle a conflict is checked and stored the same way
/// (`sync::resolve`).
pub(crate) fn client_values(
    codes: &Codes,
    r: &ClientRecord,
    today: NaiveDate,
    refused: &mut Refusals,
) -> serde_json::Map<String, serde_json::Value> {
    let c = client_cols(codes, r, today, refused);
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let mut m = serde_json::Map::new();
    m.insert("name".into(), c.name.into());
    m.insert("cpr".into(), c.cpr.into());
    m.insert("anonymous".into(), i64::from(r.anonymous).into());
    m.insert("birth_date".into(), date(c.birth_date).into());
    m.insert("sex".into(), c.sex.into());
    m.insert("municipality".into(), r.municipality.clone().into());
    m.insert("address".into(), c.address.into());
    m.insert("phone".into(), c.phone.into());
    m.insert("email".into(), c.email.into());
    m
}

/// Refuse a new client whose CPR number is already on a client of this
/// journal: a returning client gets a new referral on the existing record.
/// (Import and bundles may bring the same person from elsewhere; they do not
/// come through here.)
pub(crate) fn cpr_free(w: &Writer<'_>, r: &ClientRecord, refused: &mut Refusals) -> Result<()> {
    let Some(cpr) = &r.cpr else { return Ok(()) };
    let taken: bool = w
        .conn()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM client WHERE cpr = ?1)")?
        .query_row([cpr.as_str()], |row| row.get(0))?;
    if taken {
        refused.push(Invalid::CprRegistered);
    }
    Ok(())
}

pub(crate) fn insert_client(w: &mut Writer<'_>, codes: &Codes, r: &ClientRecord) -> Result<ClientId> {
    let mut refused = Refusals::new();
    let c = client_cols(codes, r, w.today(), &mut refused);
    refused.finish()?;
    write_client(w, r, &c)
}

/// Insert a client whose columns passed `client_cols`.
pub(crate) fn write_client(w: &mut Writer<'_>, r: &ClientRecord, c: &ClientCols) -> Result<ClientId> {
    let id = r.id.unwrap_or_default();
    w.insert(
        "client",
        &id,
        &[
            ("name", &c.name),
            ("cpr", &c.cpr),
            ("anonymous", &r.anonymous),
            ("birth_date", &c.birth_date),
            ("sex", &c.sex),
            ("municipality", &r.municipality),
            ("address", &c.address),
            ("phone", &c.phone),
            ("email", &c.email),
        ],
        Some(id.0),
    )?;
    Ok(id)
}

struct ChildCols {
    name: String,
    birth_date: NaiveDate,
    cpr: Option<String>,
    sex: Option<&'static str>,
    caseworker: Option<String>,
    other_measures: Option<String>,
    registered_on: NaiveDate,
}

fn child_cols(w: &Writer<'_>, codes: &Codes, r: &ChildRecord) -> Result<ChildCols> {
    let today = w.today();
    let name = required(&r.name, "name")?;
    let birth_date = match (&r.cpr, r.birth_date) {
        (Some(cpr), given) => {
            let born = cpr.birth_date().ok_or(Invalid::CprDate { field: "cpr" })?;
            if given.is_some_and(|g| g != born) {
                return Err(Invalid::CprMismatch { field: "birth_date" }.into());
            }
            if r.sex.is_some() && r.sex != Some(cpr.sex()) {
                return Err(Invalid::CprMismatch { field: "sex" }.into());
            }
            born
        }
        (None, Some(b)) => b,
        (None, None) => return Err(Invalid::Required { field: "birth_date" }.into()),
    };
    let registered_on = r.registered_on.unwrap_or(today);
    if birth_date > registered_on {
        return Err(Invalid::InFuture { field: "birth_date" }.into());
    }
    if registered_on > today {
        return Err(Invalid::InFuture { field: "registered_on" }.into());
    }
    if age_on(birth_date, registered_on) >= 18 {
        return Err(Invalid::ChildNotMinor.into());
    }
    codes.check(CodeList::Concern, &r.concern, "concern")?;
    if let Some(u) = &r.caseworker_unit {
        must_exist(w, "unit", u, Entity::Unit, "caseworker_unit")?;
    }
    Ok(ChildCols {
        name,
        birth_date,
        cpr: r.cpr.as_ref().map(|c| c.as_str().to_string()),
        sex: r.cpr.as_ref().map(|c| c.sex()).or(r.sex).map(Sex::code),
        caseworker: optional(&r.caseworker),
        other_measures: optional(&r.other_measures),
        registered_on,
    })
}

/// What a local edit of a child (`Journal::update_child`, `registered_on`
/// the stored day) stores for this record, by column, after the same
/// checks (`sync::resolve`).
pub(crate) fn child_values(
    w: &Writer<'_>,
    codes: &Codes,
    r: &ChildRecord,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let c = child_cols(w, codes, r)?;
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut m = serde_json::Map::new();
    m.insert("name".into(), c.name.into());
    m.insert("birth_date".into(), date(c.birth_date).into());
    m.insert("cpr".into(), c.cpr.into());
    m.insert("sex".into(), c.sex.into());
    m.insert("family_case".into(), i64::from(r.family_case).into());
    m.insert("caseworker".into(), c.caseworker.into());
    m.insert("caseworker_unit".into(), r.caseworker_unit.map(|u| u.to_string()).into());
    m.insert("concern".into(), r.concern.clone().into());
    m.insert("other_measures".into(), c.other_measures.into());
    m.insert("registered_on".into(), date(c.registered_on).into());
    Ok(m)
}

pub(crate) fn insert_child(w: &mut Writer<'_>, codes: &Codes, r: &ChildRecord) -> Result<ChildId> {
    let id = r.id.unwrap_or_default();
    let c = child_cols(w, codes, r)?;
    w.insert(
        "child",
        &id,
        &[
            ("name", &c.name),
            ("birth_date", &c.birth_date),
            ("cpr", &c.cpr),
            ("sex", &c.sex),
            ("family_case", &r.family_case),
            ("caseworker", &c.caseworker),
            ("caseworker_unit", &r.caseworker_unit),
            ("concern", &r.concern),
            ("other_measures", &c.other_measures),
            ("registered_on", &c.registered_on),
        ],
        Some(id.0),
    )?;
    Ok(id)
}

fn link_codes(codes: &Codes, r: &ChildLinkRecord) -> Result<(), Invalid> {
    codes.check(CodeList::ChildRelation, &r.relation, "relation")?;
    codes.check(CodeList::Custody, &r.custody, "custody")?;
    codes.check(CodeList::Residence, &r.residence, "residence")
}

pub(crate) fn insert_child_link(w: &mut Writer<'_>, codes: &Codes, r: &ChildLinkRecord) -> Result<ChildLinkId> {
    let id = r.id.unwrap_or_default();
    link_codes(codes, r)?;
    must_exist(w, "child", &r.child_id, Entity::Child, "child_id")?;
    must_exist(w, "client", &r.client_id, Entity::Client, "client_id")?;
    let linked = w
        .conn()
        .prepare_cached("SELECT 1 FROM child_link WHERE child_id = ?1 AND client_id = ?2")?
        .exists(rusqlite::params![r.child_id, r.client_id])?;
    if linked {
        return Err(Invalid::ChildAlreadyLinked.into());
    }
    let visitation = optional(&r.visitation);
    w.insert(
        "child_link",
        &id,
        &[
            ("child_id", &r.child_id),
            ("client_id", &r.client_id),
            ("relation", &r.relation),
            ("custody", &r.custody),
            ("residence", &r.residence),
            ("visitation", &visitation),
        ],
        Some(r.client_id.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_network_person(
    w: &mut Writer<'_>,
    codes: &Codes,
    r: &NetworkPersonRecord,
) -> Result<NetworkPersonId> {
    let id = r.id.unwrap_or_default();
    let name = required(&r.name, "name")?;
    codes.check(CodeList::NetworkRole, &r.role, "role")?;
    must_exist(w, "child", &r.child_id, Entity::Child, "child_id")?;
    let contact = optional(&r.contact);
    w.insert(
        "network_person",
        &id,
        &[("child_id", &r.child_id), ("role", &r.role), ("name", &name), ("contact", &contact)],
        Some(r.child_id.0),
    )?;
    Ok(id)
}

pub(crate) fn insert_emergency_plan(w: &mut Writer<'_>, r: &EmergencyPlanRecord) -> Result<EmergencyPlanId> {
    let id = r.id.unwrap_or_default();
    let trusted = required(&r.trusted_adults, "trusted_adults")?;
    let plan = required(&r.plan, "plan")?;
    must_exist(w, "child", &r.child_id, Entity::Child, "child_id")?;
    if r.made_on > w.today() {
        return Err(Invalid::InFuture { field: "made_on" }.into());
    }
    let revision: i64 = w
        .conn()
        .prepare_cached("SELECT coalesce(max(revision), 0) + 1 FROM emergency_plan WHERE child_id = ?1")?
        .query_row([r.child_id], |row| row.get(0))?;
    w.insert(
        "emergency_plan",
        &id,
        &[
            ("child_id", &r.child_id),
            ("revision", &revision),
            ("made_on", &r.made_on),
            ("trusted_adults", &trusted),
            ("plan", &plan),
        ],
        Some(r.child_id.0),
    )?;
    Ok(id)
}

impl Journal {
    /// Register a unit (for instance the partner's family department).
    pub fn add_unit(&mut self, ctx: &Ctx, r: &UnitRecord) -> Result<UnitId> {
        self.authorize(ctx, Action::ManageStaff)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_unit(w, &codes, r))
    }

    pub fn add_staff(&mut self, ctx: &Ctx, r: &StaffRecord) -> Result<StaffId> {
        self.authorize(ctx, Action::ManageStaff)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_staff(w, &codes, r))
    }

    pub fn add_client(&mut self, ctx: &Ctx, r: &ClientRecord) -> Result<ClientId> {
        self.authorize(ctx, Action::RegisterClient)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            let mut refused = Refusals::new();
            let c = client_cols(&codes, r, w.today(), &mut refused);
            cpr_free(w, r, &mut refused)?;
            refused.finish()?;
            write_client(w, r, &c)
        })
    }

    /// Change a client's details (name, CPR, address…). The id stays.
    pub fn update_client(&mut self, ctx: &Ctx, id: ClientId, r: &ClientRecord) -> Result<()> {
        self.authorize(ctx, Action::RegisterClient)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            if !w.exists("client", &id)? {
                return Err(crate::error::Error::NotFound(Entity::Client));
            }
            let mut refused = Refusals::new();
            let c = client_cols(&codes, r, w.today(), &mut refused);
            refused.finish()?;
            w.update(
                "client",
                &id,
                &[
                    ("name", &c.name),
                    ("cpr", &c.cpr),
                    ("anonymous", &r.anonymous),
                    ("birth_date", &c.birth_date),
                    ("sex", &c.sex),
                    ("municipality", &r.municipality),
                    ("address", &c.address),
                    ("phone", &c.phone),
                    ("email", &c.email),
                ],
                Some(id.0),
                Entity::Client,
            )
        })
    }

    /// Register a child and link it to an adult client in one step: the
    /// family questions at intake.
    pub fn add_child(&mut self, ctx: &Ctx, child: &ChildRecord, link: &ChildLinkRecord) -> Result<ChildId> {
        self.authorize(ctx, Action::Family)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            let id = insert_child(w, &codes, child)?;
            insert_child_link(w, &codes, &ChildLinkRecord { child_id: id, ..link.clone() })?;
            Ok(id)
        })
    }

    /// Link an already registered child to another adult.
    pub fn link_child(&mut self, ctx: &Ctx, link: &ChildLinkRecord) -> Result<ChildLinkId> {
        self.authorize(ctx, Action::Family)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_child_link(w, &codes, link))
    }

    /// Update what is known about a child (concern, family-department case…).
    pub fn update_child(&mut self, ctx: &Ctx, id: ChildId, r: &ChildRecord) -> Result<()> {
        self.authorize(ctx, Action::Family)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            let registered: NaiveDate = w
                .conn()
                .prepare_cached("SELECT registered_on FROM child WHERE id = ?1")?
                .query_row([id], |row| row.get(0))
                .map_err(|_| crate::error::Error::NotFound(Entity::Child))?;
            let c = child_cols(w, &codes, &ChildRecord { registered_on: Some(registered), ..r.clone() })?;
            w.update(
                "child",
                &id,
                &[
                    ("name", &c.name),
                    ("birth_date", &c.birth_date),
                    ("cpr", &c.cpr),
                    ("sex", &c.sex),
                    ("family_case", &r.family_case),
                    ("caseworker", &c.caseworker),
                    ("caseworker_unit", &r.caseworker_unit),
                    ("concern", &r.concern),
                    ("other_measures", &c.other_measures),
                ],
                Some(id.0),
                Entity::Child,
            )
        })
    }

    /// Update custody, residence or visitation of a child's link to an adult.
    pub fn update_child_link(&mut self, ctx: &Ctx, id: ChildLinkId, r: &ChildLinkRecord) -> Result<()> {
        self.authorize(ctx, Action::Family)?;
        let codes = self.codes();
        self.write(ctx, |w| {
            link_codes(&codes, r)?;
            let visitation = optional(&r.visitation);
            w.update(
                "child_link",
                &id,
                &[
                    ("relation", &r.relation),
                    ("custody", &r.custody),
                    ("residence", &r.residence),
                    ("visitation", &visitation),
                ],
                Some(r.client_id.0),
                Entity::ChildLink,
            )
        })
    }

    pub fn add_network_person(&mut self, ctx: &Ctx, r: &NetworkPersonRecord) -> Result<NetworkPersonId> {
        self.authorize(ctx, Action::Family)?;
        let codes = self.codes();
        self.write(ctx, |w| insert_network_person(w, &codes, r))
    }

    /// Write a new revision of a child's emergency plan.
    pub fn add_emergency_plan(&mut self, ctx: &Ctx, r: &EmergencyPlanRecord) -> Result<EmergencyPlanId> {
        self.authorize(ctx, Action::Family)?;
        self.write(ctx, |w| insert_emergency_plan(w, r))
    }
}
