//! A conflict settled by writing a new value instead of keeping a side
//! (issue 14, item 3; `src/sync/resolve.rs`): two journals, Faxe's and
//! Stevns', each with its administrator, leader, family consultant and
//! doctor, exchange change sets; the same field changed apart on both is a
//! conflict; one site writes a new value and, after the next exchange, the
//! conflict has closed on both and both hold the new value. Every bad input
//! is refused with its code and Danish message and changes nothing, and a
//! role that may not settle conflicts is refused.

use std::sync::Arc;

use chrono::Duration;
use tovholder::model::*;
use tovholder::sync::{FieldKind, MergeSummary, NewValueColumn};
use tovholder::{Ctx, Journal, Setup};

use crate::support::*;
use crate::sync::{cli, content};

/// One installation with a member of staff of each role that matters here.
struct Office {
    _dir: tempfile::TempDir,
    j: Journal,
    clock: Arc<FixedClock>,
    leader: Ctx,
    admin: Ctx,
    family: Ctx,
    doctor: Ctx,
}

impl Office {
    fn new(name: &str, municipality: &str, tag: char) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::on(date(TODAY)));
        let staff = |name: &str, initials: String, role: &str| StaffRecord {
            id: None,
            unit_id: UnitId::new(),
            name: name.into(),
            initials,
            role: role.into(),
        };
        let setup = Setup {
            site_name: name.into(),
            unit: UnitRecord { id: None, municipality: municipality.into(), kind: "alcohol".into(), name: name.into() },
            first_staff: staff(&format!("Administrator {tag}"), format!("A{tag}"), "administrator"),
        };
        let (mut j, admin) = Journal::create(&dir.path().join("site.journal"), &setup, clock.clone()).unwrap();
        let unit = j.unit();
        let mut add = |name: &str, initials: String, role: &str| {
            let id = j.add_staff(&admin, &StaffRecord { unit_id: unit, ..staff(name, initials, role) }).unwrap();
            Ctx::new(id, clock.clone())
        };
        let leader = add(&format!("Leder {tag}"), format!("L{tag}"), "leader");
        let family = add(&format!("Familiekonsulent {tag}"), format!("F{tag}"), "family_consultant");
        let doctor = add(&format!("Læge {tag}"), format!("D{tag}"), "doctor");
        Office { _dir: dir, j, clock, leader, admin, family, doctor }
    }

    /// Everything this site has for `to`, merged there.
    fn send(&mut self, to: &mut Office) -> MergeSummary {
        let set = self.j.export_changes(&self.leader, to.j.site()).unwrap();
        to.j.merge_changes(&to.leader, &set).unwrap()
    }

    /// A client with a consent to every unit this journal knows, so in
    /// every partner's scope.
    fn client(&mut self, name: &str, cpr: Option<&str>) -> ClientId {
        let id = self.j.add_client(&self.leader, &client_record(name, cpr)).unwrap();
        let units: Vec<UnitId> = sql(&self.j)
            .prepare("SELECT id FROM unit ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for u in units {
            self.consent(id, u, date("2026-11-01"));
        }
        id
    }

    fn consent(&mut self, client: ClientId, unit: UnitId, on: chrono::NaiveDate) {
        let r = ConsentRecord {
            id: None,
            client_id: client,
            scope: "partner_municipality".into(),
            recipient: "Samarbejdskommunen".into(),
            to_unit: Some(unit),
            given_on: on,
            withdrawn_on: None,
            remarks: None,
        };
        self.j.give_consent(&self.leader, &r).unwrap();
    }

    /// The client's form as stored, changed by `f` and saved whole, as a
    /// person edits it.
    fn edit(&mut self, id: ClientId, f: impl FnOnce(&mut ClientRecord)) {
        let mut r = stored_client(&sql(&self.j), id);
        f(&mut r);
        self.j.update_client(&self.leader, id, &r).unwrap();
    }

    fn field(&self, id: ClientId, col: &str) -> Option<String> {
        sql(&self.j).query_row(&format!("SELECT {col} FROM client WHERE id = ?1"), [id], |r| r.get(0)).unwrap()
    }

    /// The open conflicts by row and field group.
    fn open(&self) -> Vec<(String, String)> {
        self.j.conflicts(&self.leader).unwrap().into_iter().map(|c| (c.row, c.group)).collect()
    }
}

/// Faxe and Stevns, each holding the other's organisation.
fn pair() -> (Office, Office) {
    let mut faxe = Office::new("Faxe Rusmiddelcenter", "0320", 'F');
    let mut stevns = Office::new("Stevns Rusmiddelcenter", "0336", 'S');
    faxe.send(&mut stevns);
    stevns.send(&mut faxe);
    (faxe, stevns)
}

/// Both sites change the client apart (Stevns a few minutes later, so its
/// values stand in both journals until someone chooses), then exchange
/// both ways: each changed field is a conflict on both sites.
fn apart(faxe: &mut Office, stevns: &mut Office, id: ClientId, f: fn(&mut ClientRecord), s: fn(&mut ClientRecord)) {
    faxe.edit(id, f);
    stevns.clock.advance(Duration::minutes(5));
    stevns.edit(id, s);
    faxe.send(stevns);
    stevns.send(faxe);
}

#[test]
fn a_new_value_written_at_one_site_closes_the_conflict_on_both_and_both_hold_it() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Nina Nyværdi", None);
    faxe.send(&mut stevns);
    apart(
        &mut faxe,
        &mut stevns,
        id,
        |r| r.email = Some("nina@faxe.dk".into()),
        |r| r.email = Some("nina@stevns.dk".into()),
    );
    let row = id.to_string();
    for s in [&faxe, &stevns] {
        assert_eq!(s.open(), [(row.clone(), "email".to_string())]);
        assert_eq!(s.field(id, "email").as_deref(), Some("nina@stevns.dk"));
    }

    // Stevns' leader sees the form for a new value: one field, the e-mail
    // in the journal now as its start text.
    let view = stevns.j.conflict_review(&stevns.leader).unwrap().remove(0);
    let form = view.new_value.expect("a form for a new value");
    assert_eq!(
        form.columns,
        [NewValueColumn {
            name: "email".into(),
            label: "e-mail".into(),
            kind: FieldKind::Text,
            options: vec![],
            optional: true,
            start: "nina@stevns.dk".into(),
        }]
    );
    // Neither side: the address both agree on, typed by its Danish name.
    stevns.j.write_conflict_value(&stevns.leader, &row, "email", &[("e-mail", " nina@begge.dk ")]).unwrap();
    assert!(stevns.open().is_empty(), "closed where it was written");
    assert_eq!(stevns.field(id, "email").as_deref(), Some("nina@begge.dk"), "trimmed, as a local edit stores it");
    assert_eq!(faxe.open().len(), 1, "still open at Faxe until the next exchange");

    stevns.send(&mut faxe);
    for s in [&faxe, &stevns] {
        assert!(s.open().is_empty(), "{:?}", s.open());
        assert_eq!(s.field(id, "email").as_deref(), Some("nina@begge.dk"));
    }
    faxe.send(&mut stevns);
    assert_eq!(content(&faxe.j), content(&stevns.j), "the same rows and stamps on both");
    assert!(faxe.open().is_empty() && stevns.open().is_empty());
}

#[test]
fn a_new_cpr_number_is_stored_as_the_clients_own_edit_stores_it_with_its_birth_date_and_sex() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Carl Cprsen", None);
    faxe.send(&mut stevns);
    apart(
        &mut faxe,
        &mut stevns,
        id,
        |r| r.cpr = Some(Cpr::parse("010180-1234").unwrap()),
        |r| r.cpr = Some(Cpr::parse("020280-1235").unwrap()),
    );
    let row = id.to_string();
    assert_eq!(faxe.open(), [(row.clone(), "cpr".to_string())]);
    let form = faxe.j.conflict_review(&faxe.leader).unwrap().remove(0).new_value.unwrap();
    let fields: Vec<(&str, &str, FieldKind, bool, &str)> = form
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.label.as_str(), c.kind, c.optional, c.start.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("cpr", "CPR-nummer", FieldKind::Text, true, "0202801235"),
            ("anonymous", "anonym", FieldKind::YesNo, false, "nej"),
            ("birth_date", "fødselsdato", FieldKind::Date, true, "02-02-1980"),
            ("sex", "køn", FieldKind::Code, true, "M"),
        ]
    );
    let choices = |i: usize| -> Vec<(String, String)> {
        form.columns[i].options.iter().map(|o| (o.code.clone(), o.label.clone())).collect()
    };
    let want: Vec<(String, String)> = vec![("ja".into(), "ja".into()), ("nej".into(), "nej".into())];
    assert_eq!(choices(1), want);
    let want: Vec<(String, String)> = vec![("M".into(), "mand".into()), ("K".into(), "kvinde".into())];
    assert_eq!(choices(3), want);

    // The right number; the birth date and sex left empty come from it, as
    // when the client's form is saved.
    let values = [("cpr", "030380-1236"), ("anonymous", "nej"), ("birth_date", ""), ("sex", "")];
    faxe.j.write_conflict_value(&faxe.leader, &row, "cpr", &values).unwrap();
    faxe.send(&mut stevns);
    for s in [&faxe, &stevns] {
        assert!(s.open().is_empty());
        assert_eq!(s.field(id, "cpr").as_deref(), Some("0303801236"));
        assert_eq!(s.field(id, "birth_date").as_deref(), Some("1980-03-03"));
        assert_eq!(s.field(id, "sex").as_deref(), Some("K"));
    }
}

/// A Faxe client whose whole record was written 11 years ago, shared with
/// Stevns: past the 10-year retention period.
fn old_shared_client(faxe: &mut Office, stevns: &Office, name: &str) -> ClientId {
    let back = Duration::days(365 * 11);
    faxe.clock.advance(-back);
    let on = faxe.leader.clock.today();
    let id = faxe.j.add_client(&faxe.leader, &client_record(name, None)).unwrap();
    faxe.consent(id, stevns.j.unit(), on);
    faxe.j.add_note(&faxe.leader, &note(id, &on.to_string(), "Et gammelt notat.")).unwrap();
    faxe.clock.advance(back);
    id
}

#[test]
fn every_bad_new_value_is_refused_with_its_code_and_message_and_changes_nothing() {
    let (mut faxe, mut stevns) = pair();
    // The e-mail and the name changed apart; the CPR number changed apart.
    let nina = faxe.client("Nina Nyværdi", None);
    let carl = faxe.client("Carl Cprsen", None);
    faxe.send(&mut stevns);
    apart(
        &mut faxe,
        &mut stevns,
        nina,
        |r| {
            r.email = Some("nina@faxe.dk".into());
            r.name = "Nina Nyværdi Hansen".into();
        },
        |r| {
            r.email = Some("nina@stevns.dk".into());
            r.name = "Nina Nyværdi Jensen".into();
        },
    );
    apart(
        &mut faxe,
        &mut stevns,
        carl,
        |r| r.cpr = Some(Cpr::parse("010180-1234").unwrap()),
        |r| r.cpr = Some(Cpr::parse("020280-1235").unwrap()),
    );
    // A retention deletion at Faxe stopped by a newer note at Stevns.
    let old = old_shared_client(&mut faxe, &stevns, "Gammel Genkommen");
    faxe.send(&mut stevns);
    faxe.j.delete_expired(&faxe.leader, old, 10).unwrap();
    stevns.j.add_note(&stevns.leader, &note(old, TODAY, "Borgeren er vendt tilbage.")).unwrap();
    faxe.send(&mut stevns);
    stevns.send(&mut faxe);
    // A close at Stevns racing a start at Faxe: held out by the rule.
    let owner = faxe.leader.staff;
    let course = faxe.j.enrol(&faxe.leader, &course_record(nina, "alcohol", "2026-11-01", None, owner)).unwrap();
    faxe.send(&mut stevns);
    faxe.j.start_course(&faxe.leader, course, date("2026-11-20")).unwrap();
    stevns.clock.advance(Duration::minutes(1));
    stevns.j.close_course(&stevns.leader, course, date("2026-11-10"), "no_show").unwrap();
    faxe.send(&mut stevns);
    stevns.send(&mut faxe);

    let (nina, carl, old, course) = (nina.to_string(), carl.to_string(), old.to_string(), course.to_string());
    let mut open = faxe.open();
    open.sort();
    let mut want = vec![
        (nina.clone(), "email".to_string()),
        (nina.clone(), "name".to_string()),
        (carl.clone(), "cpr".to_string()),
        (old.clone(), "!retention".to_string()),
        (course.clone(), "end_on".to_string()),
    ];
    want.sort();
    assert_eq!(open, want);
    let views = faxe.j.conflict_review(&faxe.leader).unwrap();
    for v in &views {
        let chosen_only = v.group == "!retention" || v.group == "end_on";
        assert_eq!(
            v.new_value.is_none(),
            chosen_only,
            "{}/{}: a form only where a new value makes sense",
            v.row,
            v.group
        );
    }

    let cpr = |cpr: &'static str, anonymous: &'static str, born: &'static str, sex: &'static str| {
        vec![("cpr", cpr), ("anonymous", anonymous), ("birth_date", born), ("sex", sex)]
    };
    type Case = (&'static str, String, &'static str, Vec<(&'static str, &'static str)>, &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            "a column the journal does not have",
            nina.clone(),
            "email",
            vec![("adresse", "Algade 1")],
            "conflict_field",
            "«adresse» er ikke et felt i konflikten; konflikten gælder e-mail.",
        ),
        (
            "a column of another field group",
            nina.clone(),
            "email",
            vec![("email", "nina@begge.dk"), ("phone", "12345678")],
            "conflict_field",
            "«phone» er ikke et felt i konflikten; konflikten gælder e-mail.",
        ),
        (
            "a column of the group left out",
            carl.clone(),
            "cpr",
            vec![("cpr", "030380-1236"), ("birth_date", ""), ("sex", "")],
            "conflict_field",
            "Konflikten gælder også anonym: skriv en værdi for hvert af konfliktens felter.",
        ),
        (
            "a field group with no conflict",
            nina.clone(),
            "phone",
            vec![("phone", "12345678")],
            "not_found",
            "Posten findes ikke i journalen.",
        ),
        (
            "a date that is not one",
            carl.clone(),
            "cpr",
            cpr("030380-1236", "nej", "31-02-1980", ""),
            "date_format",
            "«31-02-1980» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå.",
        ),
        (
            "neither ja nor nej",
            carl.clone(),
            "cpr",
            cpr("030380-1236", "måske", "", ""),
            "yes_no",
            "«måske» er hverken ja eller nej. Skriv ja eller nej.",
        ),
        (
            "a sex that is not one",
            carl.clone(),
            "cpr",
            cpr("030380-1236", "nej", "", "X"),
            "unknown_sex",
            "«X» er ikke et køn. Skriv M (mand) eller K (kvinde).",
        ),
        (
            "a CPR number that is not one",
            carl.clone(),
            "cpr",
            cpr("12345", "nej", "", ""),
            "cpr_format",
            "CPR-nummeret skal have formen ddmmåå-xxxx.",
        ),
        (
            "a birth date the CPR number contradicts (the client's own check)",
            carl.clone(),
            "cpr",
            cpr("030380-1236", "nej", "04-03-1980", ""),
            "cpr_mismatch",
            "Fødselsdato passer ikke med CPR-nummeret.",
        ),
        (
            "an anonymous client with a CPR number (the client's own check)",
            carl.clone(),
            "cpr",
            cpr("030380-1236", "ja", "", ""),
            "anonymous_with_cpr",
            "En anonym klient registreres uden CPR-nummer.",
        ),
        (
            "a birth date in the future (the client's own check)",
            carl.clone(),
            "cpr",
            cpr("", "ja", "01-01-2030", ""),
            "in_future",
            "Fødselsdato ligger i fremtiden.",
        ),
        ("an empty name", nina.clone(), "name", vec![("name", "  ")], "required", "Navn skal udfyldes."),
        (
            "a stopped retention deletion",
            old.clone(),
            "!retention",
            vec![("!retention", "x")],
            "conflict_choose_only",
            "En sletning efter opbevaringsperioden, der er standset af nyere registreringer, afgøres ikke med en ny værdi. Der er ikke skrevet noget.",
        ),
        (
            "a value held out by a rule",
            course.clone(),
            "end_on",
            vec![("end_on", "15-11-2026"), ("end_reason", "no_show")],
            "conflict_choose_only",
            "Værdien er holdt ude, fordi posten ellers bryder journalens regler; vælg en af værdierne, eller ret posten der, hvor den registreres. Der er ikke skrevet noget.",
        ),
    ];
    for (what, row, group, values, code, message) in &cases {
        let before = snapshot(&faxe.j);
        let e = faxe.j.write_conflict_value(&faxe.leader, row, group, values).unwrap_err();
        assert_eq!((e.code(), e.to_string().as_str()), (*code, *message), "{what}");
        assert!(snapshot(&faxe.j) == before, "{what}: the journal changed");
    }
    assert_eq!(faxe.open().len(), 5, "every conflict still open");
    // The same conflict with good values is settled.
    faxe.j.write_conflict_value(&faxe.leader, &carl, "cpr", &cpr("030380-1236", "nej", "03-03-1980", "K")).unwrap();
    assert_eq!(faxe.open().len(), 4);
}

#[test]
fn a_role_that_may_not_settle_conflicts_or_see_the_values_is_refused_and_nothing_changes() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Rolle Rasmussen", None);
    faxe.send(&mut stevns);
    apart(&mut faxe, &mut stevns, id, |r| r.phone = Some("11111111".into()), |r| r.phone = Some("22222222".into()));
    let row = id.to_string();
    // The administrator does the hand-off but sees no values: no form.
    let seen = stevns.j.conflict_review(&stevns.admin).unwrap();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].values.iter().all(|v| v.value.is_none()) && seen[0].new_value.is_none(), "{seen:?}");
    let refusals = [
        (&stevns.admin, "Din rolle giver ikke adgang til at se journalen."),
        (&stevns.family, "Din rolle giver ikke adgang til at udveksle bundter med partnerkommunen."),
        (&stevns.doctor, "Din rolle giver ikke adgang til at udveksle bundter med partnerkommunen."),
    ];
    for (who, message) in refusals {
        let before = snapshot(&stevns.j);
        let e = stevns.j.write_conflict_value(who, &row, "phone", &[("phone", "33333333")]).unwrap_err();
        assert_eq!((e.code(), e.to_string().as_str()), ("forbidden", message));
        assert!(snapshot(&stevns.j) == before, "{message}: the journal changed");
    }
    assert_eq!(stevns.open().len(), 1);
    stevns.j.write_conflict_value(&stevns.leader, &row, "phone", &[("telefon", "33333333")]).unwrap();
    assert!(stevns.open().is_empty());
}

#[test]
fn a_conflict_is_settled_with_a_new_value_from_the_command_line() {
    let (mut faxe, mut stevns) = pair();
    let nina = faxe.client("Nina Nyværdi", None);
    let carl = faxe.client("Carl Cprsen", None);
    faxe.send(&mut stevns);
    apart(
        &mut faxe,
        &mut stevns,
        nina,
        |r| r.email = Some("nina@faxe.dk".into()),
        |r| r.email = Some("nina@stevns.dk".into()),
    );
    apart(
        &mut faxe,
        &mut stevns,
        carl,
        |r| r.cpr = Some(Cpr::parse("010180-1234").unwrap()),
        |r| r.cpr = Some(Cpr::parse("020280-1235").unwrap()),
    );
    let path = stevns.j.path().to_path_buf();
    let run = |args: &[&str]| {
        let mut all = vec!["--as", "LS"];
        all.extend_from_slice(args);
        cli(&path, &all)
    };
    let (ok, list) = run(&["conflicts"]);
    assert!(ok, "{list}");
    assert!(list.contains("Eller skriv en ny værdi: --new VÆRDI"), "{list}");
    assert!(
        list.contains("Eller skriv en ny værdi: --set KOLONNE=VÆRDI for hver af cpr (CPR-nummer), anonymous (anonym), birth_date (fødselsdato), sex (køn)"),
        "{list}"
    );
    let email = format!("{nina}/email");
    let cpr = format!("{carl}/cpr");
    let (ok, text) = run(&["conflicts", "resolve", &email, "--set", "adresse=Algade 1"]);
    assert!(!ok && text.contains("Fejl [conflict_field]: «adresse» er ikke et felt i konflikten"), "{text}");
    let (ok, text) = run(&["conflicts", "resolve", &cpr, "--new", "030380-1236"]);
    assert!(!ok && text.contains("Fejl [conflict_field]: Konflikten gælder også anonym"), "{text}");
    let (ok, text) = run(&[
        "conflicts",
        "resolve",
        &cpr,
        "--set",
        "cpr=030380-1236",
        "--set",
        "anonym=måske",
        "--set",
        "fødselsdato=",
        "--set",
        "køn=",
    ]);
    assert!(!ok && text.contains("Fejl [yes_no]: «måske» er hverken ja eller nej."), "{text}");
    let (ok, text) = run(&["conflicts", "resolve", &email, "--new", "nina@begge.dk"]);
    assert!(ok && text.contains("Konflikten er løst med en ny værdi"), "{text}");
    let (ok, text) = run(&[
        "conflicts",
        "resolve",
        &cpr,
        "--set",
        "cpr=030380-1236",
        "--set",
        "anonym=nej",
        "--set",
        "fødselsdato=",
        "--set",
        "køn=",
    ]);
    assert!(ok, "{text}");
    let (ok, text) = run(&["conflicts"]);
    assert!(ok && text.contains("Ingen åbne konflikter"), "{text}");
    assert_eq!(stevns.field(nina, "email").as_deref(), Some("nina@begge.dk"));
    assert_eq!(stevns.field(carl, "birth_date").as_deref(), Some("1980-03-03"));
    stevns.send(&mut faxe);
    assert!(faxe.open().is_empty());
    assert_eq!(faxe.field(nina, "email").as_deref(), Some("nina@begge.dk"));
}
