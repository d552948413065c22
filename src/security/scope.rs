//! What a reader may see. Every read of a person's data starts with
//! `Journal::reader`, which authorizes the reader's `Action` and returns a
//! `Reader`: the proof that the check was made, carrying the role's scope.
//! The crate's person queries take a `&Reader`, so a read that skips the
//! check does not compile; nothing outside this module can make one.
//!
//! The scope of each role (SPEC §6, seed 004 ch. 7):
//! - a family consultant sees only the cases shared with their unit
//!   (`roles::client_shared`) and, inside a shared case, what the family
//!   department works with: the person, the children with their plans,
//!   notifications and network, referrals, consents, groups, the course
//!   frame, the plan's family section, and the sessions and notes that their
//!   unit took part in or that concern the family (never internal notes,
//!   assessments, medication or the plan's clinical parts);
//! - a secretary sees no notes;
//! - everyone else with the action's permission sees the whole journal.
//!
//! Must not: widen any role's scope, or be constructible outside this module.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::roles::{self, Action, Role};
use crate::error::{Error, Result};
use crate::model::{ClientId, StaffId, UnitId};
use crate::store::{Ctx, Journal};

/// An authorized reader: who reads, in which role and unit, for what.
#[derive(Debug, Clone)]
pub struct Reader {
    staff: StaffId,
    role: Role,
    unit: UnitId,
    action: Action,
    today: NaiveDate,
}

impl Reader {
    pub fn role(&self) -> Role {
        self.role
    }

    pub fn action(&self) -> Action {
        self.action
    }

    pub(crate) fn staff(&self) -> StaffId {
        self.staff
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.today
    }

    /// The unit whose shared cases bound what this reader sees; `None` when
    /// the role sees every case.
    pub(crate) fn shared_unit(&self) -> Option<UnitId> {
        (self.role == Role::FamilyConsultant).then_some(self.unit)
    }

    /// May this reader read journal notes at all?
    pub(crate) fn sees_notes(&self) -> bool {
        roles::allowed(self.role, Action::ReadNotes)
    }

    /// Does this reader see a shared case reduced to the family
    /// department's part (module doc)?
    pub(crate) fn family_view(&self) -> bool {
        self.role == Role::FamilyConsultant
    }

    /// SQL true when the client `client` (an SQL expression) is within this
    /// reader's scope. The unit is bound as a literal id (a UUID, checked by
    /// its type), so the text can be cached per reader.
    pub(crate) fn client_in_scope(&self, client: &str) -> String {
        match self.shared_unit() {
            None => "1".to_string(),
            Some(unit) => roles::client_shared(client, &format!("'{unit}'")),
        }
    }

    /// The same for a child `child`.
    pub(crate) fn child_in_scope(&self, child: &str) -> String {
        match self.shared_unit() {
            None => "1".to_string(),
            Some(unit) => roles::child_shared(child, &format!("'{unit}'")),
        }
    }
}

/// The clients shared with one unit, and the journal's hybrid clock when
/// they were computed: every insert or change of a row moves the clock (in
/// this process or another), so an unchanged clock means an unchanged set.
/// Audit entries alone do not move it, so a search does not spoil it.
#[derive(Default)]
pub(crate) struct SharedCache(Mutex<Option<SharedSet>>);

/// The unit, the clock when computed, and the unit's shared clients.
type SharedSet = (UnitId, String, Arc<Shared>);

/// A unit's shared cases: as a set, and in the client list's order (name
/// without ASCII case, then id) with the words of each name, which a
/// family consultant's name search walks instead of the whole name index.
pub(crate) struct Shared {
    pub(crate) ids: HashSet<ClientId>,
    pub(crate) by_name: Vec<SharedName>,
}

/// One shared client in the list's order.
pub(crate) struct SharedName {
    pub(crate) id: ClientId,
    pub(crate) name: String,
    pub(crate) words: Vec<String>,
}

impl Journal {
    /// The clients within a family consultant's scope (`None` for a reader
    /// who sees every case). A search checks its candidates against it
    /// instead of running the sharing rule's four lookups for each of them;
    /// computing it takes tens of milliseconds on a large journal, so it is
    /// kept until the journal changes.
    pub(crate) fn shared_clients(&self, reader: &Reader) -> Result<Option<Arc<Shared>>> {
        let Some(unit) = reader.shared_unit() else { return Ok(None) };
        let clock: String = self
            .connection()
            .prepare_cached("SELECT value FROM journal_meta WHERE key = 'hlc'")?
            .query_row([], |r| r.get(0))?;
        let mut cache = self.shared_cache.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((u, at, set)) = cache.as_ref() {
            if *u == unit && *at == clock {
                return Ok(Some(set.clone()));
            }
        }
        let mut stmt = self.connection().prepare_cached(
            "SELECT c.id, c.name FROM client c WHERE c.id IN (
               SELECT client_id FROM consent WHERE to_unit = ?1 AND withdrawn_on IS NULL
               UNION SELECT client_id FROM course WHERE unit_id = ?1
               UNION SELECT client_id FROM referral WHERE unit_id = ?1
               UNION SELECT l.client_id FROM child_link l JOIN child ch ON ch.id = l.child_id
                     WHERE ch.caseworker_unit = ?1)",
        )?;
        let mut by_name: Vec<SharedName> = stmt
            .query_map([unit], |r| {
                let name: String = r.get(1)?;
                Ok(SharedName { id: r.get(0)?, words: crate::store::name_words(&name), name })
            })?
            .collect::<rusqlite::Result<_>>()?;
        by_name.sort_by(|a, b| crate::store::nocase(&a.name, &b.name).then_with(|| a.id.cmp(&b.id)));
        let ids = by_name.iter().map(|c| c.id).collect();
        let set = Arc::new(Shared { ids, by_name });
        *cache = Some((unit, clock, set.clone()));
        Ok(Some(set))
    }

    /// Authorize the acting member of staff for `action` and return the
    /// reader with the scope of their role.
    pub fn reader(&self, ctx: &Ctx, action: Action) -> Result<Reader> {
        let (role, unit) = self.role_of(ctx.staff)?;
        if !roles::allowed(role, action) {
            return Err(Error::Forbidden { what: action.label() });
        }
        Ok(Reader { staff: ctx.staff, role, unit, action, today: ctx.clock.today() })
    }

    /// Is the client within the reader's scope?
    pub(crate) fn in_scope(&self, reader: &Reader, client: ClientId) -> Result<bool> {
        if reader.shared_unit().is_none() {
            return Ok(true);
        }
        let sql = format!("SELECT {}", reader.client_in_scope("?1"));
        Ok(self.connection().prepare_cached(&sql)?.query_row([client], |r| r.get(0))?)
    }
}
