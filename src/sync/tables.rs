//! The exchanged tables, described once: their columns, the field groups
//! that move together, the foreign keys the merge must satisfy, whether rows
//! are append-only, and which person a row belongs to. The change log
//! (`store/write.rs`), the merge (`apply.rs`) and the scope (`scope.rs`) read
//! these instead of writing column lists out again.
//!
//! The order of `TABLES` is a topological order of the foreign keys: a row
//! is always rebuilt after the rows it refers to.

/// One exchanged table.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The data columns (not `id`, not the sync metadata, not a local `rid`).
    pub columns: &'static [&'static str],
    /// Columns that change together as one field: an edit of any of them
    /// logs the whole group, and the merge picks one winner for the group.
    /// Every other column (outside `derived`) is a group of its own, named by
    /// the column; a listed group is named by its first column.
    pub groups: &'static [&'static [&'static str]],
    /// Columns computed from the others after a merge, never merged
    /// themselves: `(column, how from the row's merged values)`.
    pub derived: &'static [(&'static str, Derive)],
    /// `(column, table)`: the rows a row refers to (code lists and
    /// municipalities are left out: both sites hold them from the schema).
    pub refs: &'static [(&'static str, &'static str)],
    /// Rows are written once and never changed (notes, plan revisions,
    /// evaluations, the append-only data of SPEC §5): the merge is a union.
    pub append_only: bool,
    /// How to find the person (client or child id) a row belongs to: a SQL
    /// expression over the row aliased `t`, `None` for rows of no person.
    pub person: Option<&'static str>,
}

impl Table {
    /// The field group a column belongs to (its name), `None` for a derived
    /// column or a column the table does not have.
    pub fn group_of(&self, column: &str) -> Option<&'static str> {
        if self.derived.iter().any(|(c, _)| *c == column) {
            return None;
        }
        for g in self.groups {
            if g.contains(&column) {
                return g.first().copied();
            }
        }
        self.columns.iter().find(|c| **c == column).copied()
    }

    /// The columns of a group (by its name).
    pub fn group_columns(&self, group: &str) -> Vec<&'static str> {
        for g in self.groups {
            if g.first() == Some(&group) {
                return g.to_vec();
            }
        }
        self.columns.iter().filter(|c| **c == group).copied().collect()
    }

    /// Every group of the table, in column order.
    pub fn group_names(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for c in self.columns {
            if let Some(g) = self.group_of(c) {
                if !out.contains(&g) {
                    out.push(g);
                }
            }
        }
        out
    }
}

/// The exchanged table called `name`.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// The unique keys of local work that the schema does not enforce (schema
/// version 5 made them plain indexes, so that rows two sites made apart can
/// both be kept): `Writer::insert` refuses a local duplicate, and
/// `Journal::duplicates` lists rows merged from two sites that break one.
/// Staff initials per unit stay a unique key of the schema: a unit's staff
/// are made by the unit's own site only (`Journal::add_staff`).
pub fn unique_keys(table: &str) -> &'static [&'static str] {
    match table {
        "child_link" => &["child_id", "client_id"],
        "group_attendance" => &["member_id", "met_on"],
        "case_review_item" => &["review_id", "client_id", "child_id"],
        "settlement" => &["payer", "provider", "period"],
        _ => &[],
    }
}

/// Computes a derived column from the row's other values.
pub type Derive = fn(&serde_json::Map<String, serde_json::Value>) -> serde_json::Value;

const CLIENT_OF_COURSE: &str = "(SELECT client_id FROM course WHERE id = t.course_id)";

/// The course's status, from its dates (as `care.rs` sets it on a local
/// edit): closed with an end date, else in follow-up, else active once
/// started, else waiting.
fn course_status(row: &serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    let set = |c: &str| row.get(c).is_some_and(|v| !v.is_null());
    let status = if set("end_on") {
        "closed"
    } else if set("follow_up_from") {
        "follow_up"
    } else if set("start_on") {
        "active"
    } else {
        "waiting"
    };
    serde_json::Value::String(status.into())
}

pub static TABLES: &[Table] = &[
    Table {
        name: "unit",
        columns: &["municipality", "kind", "name"],
        groups: &[],
        derived: &[],
        refs: &[],
        append_only: false,
        person: None,
    },
    Table {
        name: "staff",
        columns: &["unit_id", "name", "initials", "role", "active"],
        groups: &[],
        derived: &[],
        refs: &[("unit_id", "unit")],
        append_only: false,
        person: None,
    },
    Table {
        name: "client",
        columns: &["name", "cpr", "anonymous", "birth_date", "sex", "municipality", "address", "phone", "email"],
        // The CPR number decides anonymity, birth date and sex.
        groups: &[&["cpr", "anonymous", "birth_date", "sex"]],
        derived: &[],
        refs: &[],
        append_only: false,
        person: Some("t.id"),
    },
    Table {
        name: "child",
        columns: &[
            "name",
            "birth_date",
            "cpr",
            "sex",
            "family_case",
            "caseworker",
            "caseworker_unit",
            "concern",
            "other_measures",
            "registered_on",
        ],
        groups: &[&["cpr", "birth_date", "sex"], &["family_case", "caseworker", "caseworker_unit"]],
        derived: &[],
        refs: &[("caseworker_unit", "unit")],
        append_only: false,
        person: Some("t.id"),
    },
    Table {
        name: "child_link",
        columns: &["child_id", "client_id", "relation", "custody", "residence", "visitation"],
        groups: &[&["residence", "visitation"]],
        derived: &[],
        refs: &[("child_id", "child"), ("client_id", "client")],
        append_only: false,
        person: Some("t.client_id"),
    },
    Table {
        name: "network_person",
        columns: &["child_id", "role", "name", "contact"],
        groups: &[],
        derived: &[],
        refs: &[("child_id", "child")],
        append_only: false,
        person: Some("t.child_id"),
    },
    Table {
        name: "emergency_plan",
        columns: &["child_id", "revision", "made_on", "trusted_adults", "plan"],
        groups: &[],
        derived: &[],
        refs: &[("child_id", "child")],
        append_only: true,
        person: Some("t.child_id"),
    },
    Table {
        name: "referral",
        columns: &[
            "client_id",
            "received_on",
            "source",
            "referrer",
            "reason",
            "door",
            "unit_id",
            "info_talk_on",
            "outcome",
        ],
        groups: &[],
        derived: &[],
        refs: &[("client_id", "client"), ("unit_id", "unit")],
        append_only: false,
        person: Some("t.client_id"),
    },
    Table {
        name: "course",
        columns: &[
            "client_id",
            "referral_id",
            "unit_id",
            "kind",
            "setting",
            "status",
            "enrolled_on",
            "start_on",
            "follow_up_from",
            "end_on",
            "end_reason",
            "case_owner",
            "paying_municipality",
        ],
        // Closing is one act: the end date with its reason.
        groups: &[&["end_on", "end_reason"]],
        derived: &[("status", course_status)],
        refs: &[("client_id", "client"), ("referral_id", "referral"), ("unit_id", "unit"), ("case_owner", "staff")],
        append_only: false,
        person: Some("t.client_id"),
    },
    Table {
        name: "assessment",
        columns: &[
            "course_id",
            "assessed_on",
            "audit_score",
            "units_per_week",
            "side_abuse",
            "income_source",
            "housing",
            "children_situation",
            "pregnant",
            "violence",
            "psychiatric",
            "remarks",
        ],
        groups: &[],
        derived: &[],
        refs: &[("course_id", "course")],
        append_only: false,
        person: Some(CLIENT_OF_COURSE),
    },
    Table {
        name: "plan_revision",
        columns: &[
            "course_id",
            "revision",
            "made_on",
            "goals",
            "elements",
            "medication",
            "family_section",
            "midway_on",
            "final_on",
        ],
        groups: &[],
        derived: &[],
        refs: &[("course_id", "course")],
        append_only: true,
        person: Some(CLIENT_OF_COURSE),
    },
    Table {
        name: "evaluation",
        columns: &["course_id", "kind", "evaluated_on", "text"],
        groups: &[],
        derived: &[],
        refs: &[("course_id", "course")],
        append_only: true,
        person: Some(CLIENT_OF_COURSE),
    },
    Table {
        name: "medication",
        columns: &["course_id", "drug", "dose", "started_on", "started_by", "stopped_on", "stopped_by", "stop_reason"],
        // A stop is one act: when, by whom and why.
        groups: &[&["stopped_on", "stopped_by", "stop_reason"]],
        derived: &[],
        refs: &[("course_id", "course"), ("started_by", "staff"), ("stopped_by", "staff")],
        append_only: false,
        person: Some(CLIENT_OF_COURSE),
    },
    Table {
        name: "session",
        columns: &["course_id", "kind", "held_on", "start_time", "minutes", "place", "attendance"],
        groups: &[&["held_on", "start_time"]],
        derived: &[],
        refs: &[("course_id", "course")],
        append_only: false,
        person: Some(CLIENT_OF_COURSE),
    },
    Table {
        name: "session_participant",
        columns: &["session_id", "client_id", "child_id", "staff_id", "external_name"],
        groups: &[],
        derived: &[],
        refs: &[("session_id", "session"), ("client_id", "client"), ("child_id", "child"), ("staff_id", "staff")],
        append_only: true,
        person: Some("coalesce(t.client_id, t.child_id)"),
    },
    Table {
        name: "note",
        columns: &["client_id", "course_id", "session_id", "kind", "corrects", "written_on", "internal", "text"],
        groups: &[],
        derived: &[],
        refs: &[("client_id", "client"), ("course_id", "course"), ("session_id", "session"), ("corrects", "note")],
        append_only: true,
        person: Some("t.client_id"),
    },
    Table {
        name: "notification",
        columns: &[
            "child_id",
            "client_id",
            "made_on",
            "made_by",
            "to_unit",
            "recipient",
            "reason",
            "answer_received_on",
            "answer",
        ],
        // The answer is one act: when it came and what it said.
        groups: &[&["answer_received_on", "answer"]],
        derived: &[],
        refs: &[("child_id", "child"), ("client_id", "client"), ("made_by", "staff"), ("to_unit", "unit")],
        append_only: false,
        person: Some("t.child_id"),
    },
    Table {
        name: "consent",
        columns: &["client_id", "scope", "recipient", "to_unit", "given_on", "withdrawn_on", "remarks"],
        groups: &[],
        derived: &[],
        refs: &[("client_id", "client"), ("to_unit", "unit")],
        append_only: false,
        person: Some("t.client_id"),
    },
    Table {
        name: "activity_group",
        columns: &["unit_id", "kind", "name", "start_on", "end_on"],
        groups: &[],
        derived: &[],
        refs: &[("unit_id", "unit")],
        append_only: false,
        person: None,
    },
    Table {
        name: "group_member",
        columns: &["group_id", "client_id", "child_id", "joined_on", "left_on"],
        groups: &[],
        derived: &[],
        refs: &[("group_id", "activity_group"), ("client_id", "client"), ("child_id", "child")],
        append_only: false,
        person: Some("coalesce(t.client_id, t.child_id)"),
    },
    Table {
        name: "group_attendance",
        columns: &["member_id", "met_on", "attendance"],
        groups: &[],
        derived: &[],
        refs: &[("member_id", "group_member")],
        append_only: false,
        person: Some("(SELECT coalesce(client_id, child_id) FROM group_member WHERE id = t.member_id)"),
    },
    Table {
        name: "case_review",
        columns: &["unit_id", "held_on", "led_by"],
        groups: &[],
        derived: &[],
        refs: &[("unit_id", "unit"), ("led_by", "staff")],
        append_only: false,
        person: None,
    },
    Table {
        name: "case_review_item",
        columns: &["review_id", "client_id", "child_id", "answers", "decision", "responsible"],
        groups: &[],
        derived: &[],
        refs: &[("review_id", "case_review"), ("client_id", "client"), ("child_id", "child"), ("responsible", "staff")],
        append_only: false,
        person: Some("t.client_id"),
    },
    Table {
        name: "agreement_price",
        columns: &["payer", "provider", "course_kind", "setting", "per", "amount", "valid_from", "valid_to"],
        groups: &[],
        derived: &[],
        refs: &[],
        append_only: false,
        person: None,
    },
    Table {
        name: "settlement",
        columns: &["payer", "provider", "period", "made_on", "total"],
        groups: &[],
        derived: &[],
        refs: &[],
        append_only: false,
        person: None,
    },
    Table {
        name: "settlement_line",
        columns: &["settlement_id", "client_id", "course_id", "price_id", "days", "amount"],
        groups: &[],
        derived: &[],
        refs: &[
            ("settlement_id", "settlement"),
            ("client_id", "client"),
            ("course_id", "course"),
            ("price_id", "agreement_price"),
        ],
        append_only: false,
        person: Some("t.client_id"),
    },
];
