//! Test helpers: a real journal file in a temporary folder, a controlled
//! clock, the organisation of Faxe + Stevns, and a snapshot of every table so
//! a test can assert that a refused operation changed nothing.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use tovholder::model::*;
use tovholder::{Ctx, Journal, Setup};

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// A connection of the test's own to an unencrypted journal's file, to
/// inspect what was stored: the core's connection is not reachable from
/// outside the crate.
pub fn sql(j: &Journal) -> rusqlite::Connection {
    assert!(!j.is_encrypted(), "an encrypted journal is opened with sql_keyed");
    rusqlite::Connection::open(j.path()).expect("open the journal file")
}

/// The same for an encrypted journal, with the key unwrapped from the
/// keyring by a user's password, as any SQLCipher client would open it.
pub fn sql_keyed(path: &std::path::Path, login: &str, password: &str) -> rusqlite::Connection {
    use tovholder::security::keys::{Keyring, Secret};
    let ring = Keyring::load(path).expect("keyring");
    let (key, _) = ring.unlock_user(login, &Secret::new(password)).expect("unlock").expect("the right password");
    let c = rusqlite::Connection::open(path).expect("open the journal file");
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str())).expect("key");
    c
}

/// "Today" in the tests.
pub const TODAY: &str = "2026-11-23";

pub struct World {
    pub _dir: tempfile::TempDir,
    pub j: Journal,
    pub ctx: Ctx,
    pub clock: Arc<FixedClock>,
    pub rmc: UnitId,
    pub faxe_family: UnitId,
    pub admin: StaffId,
    pub leader: StaffId,
    pub consultant: StaffId,
    pub doctor: StaffId,
    pub stevns_fc: StaffId,
}

/// The organisation's ids and the clock, without the journal.
#[derive(Clone)]
pub struct Ids {
    pub clock: Arc<FixedClock>,
    pub rmc: UnitId,
    pub admin: StaffId,
    pub leader: StaffId,
    pub consultant: StaffId,
    pub doctor: StaffId,
}

impl Ids {
    pub fn as_staff(&self, staff: StaffId) -> Ctx {
        Ctx::new(staff, self.clock.clone())
    }
}

impl World {
    pub fn ids(&self) -> Ids {
        Ids {
            clock: self.clock.clone(),
            rmc: self.rmc,
            admin: self.admin,
            leader: self.leader,
            consultant: self.consultant,
            doctor: self.doctor,
        }
    }

    pub fn new() -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = Arc::new(FixedClock::on(date(TODAY)));
        let setup = Setup {
            site_name: "Faxe Rusmiddelcenter, Haslev".into(),
            unit: UnitRecord {
                id: None,
                municipality: "0320".into(),
                kind: "alcohol".into(),
                name: "Faxe Rusmiddelcenter".into(),
            },
            first_staff: StaffRecord {
                id: None,
                unit_id: UnitId::new(),
                name: "Adam Administrator".into(),
                initials: "AD".into(),
                role: "administrator".into(),
            },
        };
        let (mut j, ctx) = Journal::create(&dir.path().join("test.journal"), &setup, clock.clone()).expect("create");
        let rmc = j.unit();
        let admin = ctx.staff;
        let unit = |j: &mut Journal, m: &str, n: &str| {
            j.add_unit(&ctx, &UnitRecord { id: None, municipality: m.into(), kind: "family".into(), name: n.into() })
                .expect("unit")
        };
        let faxe_family = unit(&mut j, "0320", "Faxe Familie & PPR-Enheden");
        let stevns_family = unit(&mut j, "0336", "Stevns Center Familie");
        let staff = |j: &mut Journal, u: UnitId, n: &str, i: &str, r: &str| {
            j.add_staff(&ctx, &StaffRecord { id: None, unit_id: u, name: n.into(), initials: i.into(), role: r.into() })
                .expect("staff")
        };
        let leader = staff(&mut j, rmc, "Lene Ledersen", "LL", "leader");
        let consultant = staff(&mut j, rmc, "Anders Alkobehandler", "AA", "alcohol_consultant");
        let doctor = staff(&mut j, rmc, "Dora Doktor", "DD", "doctor");
        staff(&mut j, faxe_family, "Frida Familiekonsulent", "FF", "family_consultant");
        let stevns_fc = staff(&mut j, stevns_family, "Sune Stevnskonsulent", "SS", "family_consultant");
        let ctx = Ctx::new(consultant, clock.clone());
        World { _dir: dir, j, ctx, clock, rmc, faxe_family, admin, leader, consultant, doctor, stevns_fc }
    }

    pub fn path(&self) -> PathBuf {
        self.j.path().to_path_buf()
    }

    /// Acting as another member of staff.
    pub fn as_staff(&self, staff: StaffId) -> Ctx {
        Ctx::new(staff, self.clock.clone())
    }

    /// A new member of staff, added by the administrator.
    pub fn staff(&mut self, unit: UnitId, name: &str, initials: &str, role: &str) -> StaffId {
        let admin = self.as_staff(self.admin);
        let r =
            StaffRecord { id: None, unit_id: unit, name: name.into(), initials: initials.into(), role: role.into() };
        self.j.add_staff(&admin, &r).expect("staff")
    }

    pub fn client(&mut self, name: &str, cpr: &str, municipality: &str) -> ClientId {
        let r = ClientRecord { municipality: municipality.into(), ..client_record(name, Some(cpr)) };
        self.j.add_client(&self.ctx, &r).expect("client")
    }

    pub fn anonymous_client(&mut self, name: &str) -> ClientId {
        let r = ClientRecord {
            id: None,
            name: name.into(),
            cpr: None,
            anonymous: true,
            birth_date: Some(date("1980-05-05")),
            sex: None,
            municipality: "0320".into(),
            address: None,
            phone: None,
            email: None,
        };
        self.j.add_client(&self.ctx, &r).expect("anonymous client")
    }

    pub fn course(&mut self, client: ClientId, kind: &str, enrolled: &str, start: Option<&str>) -> CourseId {
        let r = course_record(client, kind, enrolled, start, self.consultant);
        self.j.enrol(&self.ctx, &r).expect("course")
    }

    pub fn child(&mut self, client: ClientId, name: &str, born: &str, custody: &str, residence: &str) -> ChildId {
        let (child, link) = child_records(client, name, born, custody, residence);
        self.j.add_child(&self.ctx, &child, &link).expect("child")
    }
}

/// A client living in Faxe, with a CPR number or none.
pub fn client_record(name: &str, cpr: Option<&str>) -> ClientRecord {
    ClientRecord {
        id: None,
        name: name.into(),
        cpr: cpr.map(|c| Cpr::parse(c).expect("cpr")),
        anonymous: false,
        birth_date: None,
        sex: None,
        municipality: "0320".into(),
        address: None,
        phone: None,
        email: None,
    }
}

/// An ordinary note about `client` written on `on`.
pub fn note(client: ClientId, on: &str, text: &str) -> NoteRecord {
    NoteRecord {
        id: None,
        client_id: client,
        course_id: None,
        session_id: None,
        kind: NoteKind::Note,
        corrects: None,
        written_on: date(on),
        internal: false,
        text: text.into(),
    }
}

pub fn course_record(
    client: ClientId,
    kind: &str,
    enrolled: &str,
    start: Option<&str>,
    owner: StaffId,
) -> CourseRecord {
    CourseRecord {
        id: None,
        client_id: client,
        referral_id: None,
        unit_id: None,
        kind: kind.into(),
        setting: "ambulant".into(),
        enrolled_on: date(enrolled),
        start_on: start.map(date),
        follow_up_from: None,
        end_on: None,
        end_reason: None,
        case_owner: owner,
        paying_municipality: None,
    }
}

pub fn child_records(
    client: ClientId,
    name: &str,
    born: &str,
    custody: &str,
    residence: &str,
) -> (ChildRecord, ChildLinkRecord) {
    (
        ChildRecord {
            id: None,
            name: name.into(),
            birth_date: Some(date(born)),
            cpr: None,
            sex: None,
            family_case: false,
            caseworker: None,
            caseworker_unit: None,
            concern: "none".into(),
            other_measures: None,
            registered_on: None,
        },
        ChildLinkRecord {
            id: None,
            child_id: ChildId::new(),
            client_id: client,
            relation: "own".into(),
            custody: custody.into(),
            residence: residence.into(),
            visitation: None,
        },
    )
}

/// Every row of every table (and the schema version), as text: equal
/// snapshots mean an unchanged journal, audit log included.
pub fn snapshot(j: &Journal) -> String {
    snapshot_of(&sql(j))
}

/// The same, of a connection of the test's own (`sql_keyed` for an
/// encrypted journal).
pub fn snapshot_of(c: &rusqlite::Connection) -> String {
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    let mut out = format!("user_version={version}\n");
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).expect("select");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("rows");
        let mut lines = Vec::new();
        while let Some(r) = rows.next().expect("row") {
            let vals: Vec<String> =
                (0..n).map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).expect("value"))).collect();
            lines.push(vals.join("|"));
        }
        // Some FTS tables have no rowid to order by; sorted rows compare all the same.
        lines.sort();
        out.push_str(&format!("## {t}\n{}\n", lines.join("\n")));
    }
    out
}

/// Rows in a table.
pub fn count(j: &Journal, table: &str) -> i64 {
    sql(j).query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

/// A children's group starting on `start` (ISO).
pub fn group_record(name: &str, start: &str) -> GroupRecord {
    GroupRecord {
        id: None,
        unit_id: None,
        kind: "children".into(),
        name: name.into(),
        start_on: date(start),
        end_on: None,
    }
}

/// A group member (a client or a child) joining on `joined` (ISO).
pub fn member_record(
    group: GroupId,
    client: Option<ClientId>,
    child: Option<ChildId>,
    joined: &str,
) -> GroupMemberRecord {
    GroupMemberRecord {
        id: None,
        group_id: group,
        client_id: client,
        child_id: child,
        joined_on: date(joined),
        left_on: None,
    }
}

/// A client's form as stored (what a person edits and saves whole), read
/// on the test's own connection.
pub fn stored_client(c: &rusqlite::Connection, id: tovholder::model::ClientId) -> tovholder::model::ClientRecord {
    c.query_row(
        "SELECT name, municipality, address, phone, email, cpr, anonymous, birth_date, sex FROM client WHERE id = ?1",
        [id],
        |r| {
            let cpr: Option<String> = r.get(5)?;
            let sex: Option<String> = r.get(8)?;
            Ok(tovholder::model::ClientRecord {
                id: None,
                name: r.get(0)?,
                municipality: r.get(1)?,
                address: r.get(2)?,
                phone: r.get(3)?,
                email: r.get(4)?,
                cpr: cpr.map(|c| tovholder::model::Cpr::parse(&c).unwrap()),
                anonymous: r.get(6)?,
                birth_date: r.get(7)?,
                sex: sex.map(|s| serde_json::from_str(&format!("\"{s}\"")).unwrap()),
            })
        },
    )
    .unwrap()
}

/// Copy a journal to `to` with the files that belong to it (its keyring and
/// its head file, where it has them; not its `-wal`), as a person who copies
/// the whole journal does. A journal file copied alone is refused at open
/// (`head_missing`, tests/it/faults.rs).
pub fn copy_journal(from: &std::path::Path, to: &std::path::Path) {
    std::fs::copy(from, to).unwrap();
    for suffix in [".keys", ".head"] {
        let (f, t) = (format!("{}{suffix}", from.display()), format!("{}{suffix}", to.display()));
        if std::path::Path::new(&f).exists() {
            std::fs::copy(f, t).unwrap();
        }
    }
}
