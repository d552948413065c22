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

impl Journal {
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
