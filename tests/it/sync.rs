//! The sync engine (SPEC §5, issue 12): the change log written by the one
//! write path, the merge of change sets between real journal files, the
//! clock rules, and property tests of the merge invariants with 2-4 sites,
//! clock offsets of days, and change sets lost, duplicated and re-sent.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use tovholder::model::time::{Hlc, MAX_AHEAD_DAYS};
use tovholder::model::*;
use tovholder::sync::{tables, ChangeSet, MergeSummary};
use tovholder::{Ctx, Journal, Setup};

use crate::support::*;

/// One installation: its own journal file, clock and acting leader.
pub struct Site {
    _dir: tempfile::TempDir,
    pub j: Journal,
    pub ctx: Ctx,
    pub clock: Arc<FixedClock>,
}

impl Site {
    pub fn new(name: &str, municipality: &str, initials: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::on(date(TODAY)));
        let setup = Setup {
            site_name: name.into(),
            unit: UnitRecord { id: None, municipality: municipality.into(), kind: "alcohol".into(), name: name.into() },
            first_staff: StaffRecord {
                id: None,
                unit_id: UnitId::new(),
                name: format!("Leder {initials}"),
                initials: initials.into(),
                role: "leader".into(),
            },
        };
        let (j, ctx) = Journal::create(&dir.path().join("site.journal"), &setup, clock.clone()).unwrap();
        Site { _dir: dir, j, ctx, clock }
    }

    pub fn changes_for(&mut self, to: &Site) -> ChangeSet {
        self.changes_to(to.j.site())
    }

    pub fn changes_to(&mut self, to: SiteId) -> ChangeSet {
        self.j.export_changes(&self.ctx, to).unwrap()
    }

    pub fn merge(&mut self, set: &ChangeSet) -> MergeSummary {
        self.j.merge_changes(&self.ctx, set).unwrap()
    }

    /// A client shared with every unit this journal knows (a consent to
    /// each), so it is in every partner's scope.
    pub fn client(&mut self, name: &str) -> ClientId {
        let id = self.j.add_client(&self.ctx, &client_record(name, None)).unwrap();
        self.consent_to_all(id);
        id
    }

    pub fn consent_to_all(&mut self, id: ClientId) -> Vec<ConsentId> {
        let units: Vec<UnitId> = sql(&self.j)
            .prepare("SELECT id FROM unit ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        units.into_iter().map(|u| self.consent(id, u)).collect()
    }

    pub fn consent(&mut self, id: ClientId, unit: UnitId) -> ConsentId {
        let r = ConsentRecord {
            id: None,
            client_id: id,
            scope: "partner_municipality".into(),
            recipient: "Samarbejdskommunen".into(),
            to_unit: Some(unit),
            given_on: date("2026-11-01"),
            withdrawn_on: None,
            remarks: None,
        };
        self.j.give_consent(&self.ctx, &r).unwrap()
    }

    pub fn edit(&mut self, id: ClientId, f: impl FnOnce(&mut ClientRecord)) {
        let mut r = self.record(id);
        f(&mut r);
        self.j.update_client(&self.ctx, id, &r).unwrap();
    }

    /// The client's form as stored (what a person edits and saves whole).
    pub fn record(&self, id: ClientId) -> ClientRecord {
        stored_client(&sql(&self.j), id)
    }

    pub fn field(&self, id: ClientId, col: &str) -> Option<String> {
        sql(&self.j).query_row(&format!("SELECT {col} FROM client WHERE id = ?1"), [id], |r| r.get(0)).unwrap()
    }
}

/// Send everything `from` has for `to`, and return what the merge did.
pub fn send(from: &mut Site, to: &mut Site) -> MergeSummary {
    let set = from.changes_for(to);
    to.merge(&set)
}

/// Every exchanged row of a journal with its data and sync stamps, by table.
pub fn content(j: &Journal) -> BTreeMap<&'static str, Vec<String>> {
    let mut out = BTreeMap::new();
    for t in tables::TABLES {
        let cols = t.columns.join(", ");
        let query = format!(
            "SELECT json_array(id, {cols}, origin_site, version, created_at, created_by, changed_at, changed_by) FROM {} ORDER BY id",
            t.name
        );
        let rows: Vec<String> =
            sql(j).prepare(&query).unwrap().query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        out.insert(t.name, rows);
    }
    out
}

/// The open conflicts as comparable text: field, kept value, other values.
pub fn conflicts(s: &Site) -> Vec<String> {
    s.j.conflicts(&s.ctx)
        .unwrap()
        .iter()
        .map(|c| {
            let others: Vec<String> = c.others.iter().map(|o| format!("{}@{}:{:?}", o.site, o.hlc, o.value)).collect();
            format!(
                "{}/{}/{} kept {}@{}:{:?} others {:?}",
                c.table, c.row, c.group, c.kept.site, c.kept.hlc, c.kept.value, others
            )
        })
        .collect()
}

fn fk_clean(j: &Journal) -> bool {
    sql(j).prepare("PRAGMA foreign_key_check").unwrap().query([]).unwrap().next().unwrap().is_none()
}

/// Faxe and Stevns, each with the other's organisation after one exchange
/// both ways.
fn pair() -> (Site, Site) {
    let mut faxe = Site::new("Faxe Rusmiddelcenter", "0320", "LL");
    let mut stevns = Site::new("Stevns Rusmiddelcenter", "0336", "SL");
    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    (faxe, stevns)
}

fn changes_of(j: &Journal, row: &str) -> Vec<(String, String)> {
    sql(j)
        .prepare("SELECT grp, value FROM sync_change WHERE row_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([row], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_descriptors_name_exactly_the_columns_of_every_exchanged_table() {
    let w = World::new();
    let meta = ["rid", "id", "origin_site", "version", "created_at", "created_by", "changed_at", "changed_by"];
    // By name: a table made again by a migration moves in sqlite_master;
    // the order of TABLES is checked against the references below.
    let exchanged: Vec<String> = sql(&w.j)
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%origin_site%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut described: Vec<String> = tables::TABLES.iter().map(|t| t.name.to_string()).collect();
    described.sort();
    assert_eq!(exchanged, described);
    for t in tables::TABLES {
        let cols: Vec<String> = sql(&w.j)
            .prepare(&format!("SELECT name FROM pragma_table_info('{}')", t.name))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<Vec<String>, _>>()
            .unwrap()
            .into_iter()
            .filter(|c| !meta.contains(&c.as_str()))
            .collect();
        assert_eq!(cols, t.columns, "{}", t.name);
        for (col, target) in t.refs {
            let pos = tables::TABLES.iter().position(|x| x.name == *target).unwrap();
            let own = tables::TABLES.iter().position(|x| x.name == t.name).unwrap();
            assert!(pos <= own, "{}.{col} refers to {target}, which must come first", t.name);
        }
    }
}

#[test]
fn an_edit_logs_only_the_field_groups_that_changed_with_what_it_had_seen() {
    let mut s = Site::new("Faxe Rusmiddelcenter", "0320", "LL");
    let id = s.client("Lone Logsen");
    let row = id.to_string();
    assert_eq!(changes_of(&s.j, &row).len(), 1, "the insert is one change");
    // The whole form is passed again with only the phone changed.
    s.edit(id, |r| r.phone = Some("12345678".into()));
    let log = changes_of(&s.j, &row);
    assert_eq!(log.len(), 2);
    assert_eq!(log[1], ("phone".to_string(), r#"{"phone":"12345678"}"#.to_string()));
    // Saving the same form again changes nothing and logs nothing.
    s.edit(id, |_| {});
    assert_eq!(changes_of(&s.j, &row).len(), 2);
    // What the edit had seen: the insert, by this site and clock.
    let (seen, insert_hlc): (String, i64) = sql(&s.j)
        .query_row(
            "SELECT (SELECT seen FROM sync_change WHERE row_id = ?1 AND grp = 'phone'),
                    (SELECT hlc FROM sync_change WHERE row_id = ?1 AND grp = '')",
            [&row],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(seen, format!(r#"{{"{}":{insert_hlc}}}"#, s.j.site()));
}

#[test]
fn the_hybrid_clock_observes_remote_values_refuses_far_future_ones_and_never_goes_back() {
    let now = FixedClock::on(date(TODAY)).now();
    let local = Hlc::default().tick(now);
    let ahead = Hlc::from_parts((now + Duration::days(10)).timestamp_millis(), 3);
    let seen = local.observe(ahead, now).unwrap();
    assert_eq!(seen, ahead);
    assert!(seen.tick(now) > ahead, "a later local edit sorts after what it has seen");
    // Behind: nothing changes.
    let behind = Hlc::from_parts((now - Duration::days(3)).timestamp_millis(), 0);
    assert_eq!(seen.observe(behind, now).unwrap(), seen);
    // Beyond the limit: refused.
    let far = Hlc::from_parts((now + Duration::days(MAX_AHEAD_DAYS + 1)).timestamp_millis(), 0);
    assert!(seen.observe(far, now).is_err());
    assert!(Hlc::parse("ikke et tal").is_err());
    assert!(Hlc::parse("-5").is_err());
    assert_eq!(Hlc::parse("42").unwrap(), Hlc(42));
}

#[test]
fn a_stored_clock_that_cannot_be_read_is_an_error_not_zero() {
    let mut s = Site::new("Faxe Rusmiddelcenter", "0320", "LL");
    sql(&s.j).execute("UPDATE journal_meta SET value = 'x' WHERE key = 'hlc'", []).unwrap();
    let err = s.j.add_client(&s.ctx, &client_record("Ur Ursen", None)).unwrap_err();
    assert_eq!(err.code(), "clock_damaged");
    assert!(err.to_string().contains("ur"), "{err}");
}

#[test]
fn the_organisation_and_a_client_travel_with_their_ids_and_stamps() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Rejse Rasmussen");
    send(&mut faxe, &mut stevns);
    assert_eq!(stevns.field(id, "name").as_deref(), Some("Rejse Rasmussen"));
    assert_eq!(content(&faxe.j), content(&stevns.j));
    assert!(fk_clean(&stevns.j));
    // Sending again brings nothing new: the partner confirmed what it got.
    send(&mut stevns, &mut faxe);
    assert_eq!(faxe.changes_for(&stevns).changes.len(), 0);
}

#[test]
fn a_site_three_days_behind_that_edits_after_seeing_the_other_value_wins_with_no_conflict() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Sekvens Sørensen");
    faxe.edit(id, |r| r.phone = Some("11111111".into()));
    send(&mut faxe, &mut stevns);
    // Stevns' clock is three days behind; it edits the phone it has seen.
    stevns.clock.advance(Duration::days(-3));
    stevns.edit(id, |r| r.phone = Some("22222222".into()));
    send(&mut stevns, &mut faxe);
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(id, "phone").as_deref(), Some("22222222"));
        assert!(conflicts(s).is_empty(), "sequential is not a conflict");
    }
    assert_eq!(content(&faxe.j), content(&stevns.j));
}

#[test]
fn two_sites_edit_different_fields_of_one_client_and_both_survive() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Felt Fernandez");
    send(&mut faxe, &mut stevns);
    faxe.edit(id, |r| r.phone = Some("33333333".into()));
    stevns.edit(id, |r| r.address = Some("Strandvejen 1, Store Heddinge".into()));
    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(id, "phone").as_deref(), Some("33333333"));
        assert_eq!(s.field(id, "address").as_deref(), Some("Strandvejen 1, Store Heddinge"));
        assert!(conflicts(s).is_empty());
    }
    assert_eq!(content(&faxe.j), content(&stevns.j));
}

#[test]
fn the_same_field_edited_on_both_sites_is_one_conflict_the_same_on_both_and_a_resolution_closes_it() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Konflikt Kristensen");
    send(&mut faxe, &mut stevns);
    faxe.edit(id, |r| r.phone = Some("44444444".into()));
    stevns.clock.advance(Duration::minutes(5));
    stevns.edit(id, |r| r.phone = Some("55555555".into()));
    // Stevns' edit is later by the clock: it wins on both sides.
    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(id, "phone").as_deref(), Some("55555555"));
    }
    let list = conflicts(&faxe);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list, conflicts(&stevns));
    let c = faxe.j.conflicts(&faxe.ctx).unwrap().remove(0);
    assert_eq!(c.group, "phone");
    assert_eq!(c.others[0].value.get("phone").and_then(|v| v.as_str()), Some("44444444"));
    assert_eq!(content(&faxe.j), content(&stevns.j));

    // Faxe's leader keeps Faxe's number; the resolution travels.
    let keep = (c.others[0].site, c.others[0].hlc);
    faxe.j.resolve_conflict(&faxe.ctx, &c.row, &c.group, keep).unwrap();
    assert!(conflicts(&faxe).is_empty());
    send(&mut faxe, &mut stevns);
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(id, "phone").as_deref(), Some("44444444"));
        assert!(conflicts(s).is_empty());
    }
    assert_eq!(content(&faxe.j), content(&stevns.j));
}

#[test]
fn a_resent_or_duplicated_change_set_changes_nothing_more() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Gentag Gregersen");
    faxe.edit(id, |r| r.email = Some("g@example.dk".into()));
    let set = faxe.changes_for(&stevns);
    let first = stevns.merge(&set);
    assert!(first.applied >= 2);
    let before = content(&stevns.j);
    let again = stevns.merge(&set);
    assert_eq!((again.applied, again.known), (0, set.changes.len()));
    assert_eq!(content(&stevns.j), before);
    // A set with every change twice.
    let mut doubled = set.clone();
    doubled.changes.extend(set.changes.clone());
    stevns.merge(&doubled);
    assert_eq!(content(&stevns.j), before);
}

#[test]
fn a_change_set_from_a_clock_far_ahead_is_refused_naming_sender_and_date_and_changes_nothing() {
    let (mut faxe, mut stevns) = pair();
    faxe.clock.advance(Duration::days(400));
    faxe.client("Fremtid Frandsen");
    let set = faxe.changes_for(&stevns);
    let before = content(&stevns.j);
    let err = stevns.j.merge_changes(&stevns.ctx, &set).unwrap_err();
    assert_eq!(err.code(), "clock_ahead");
    let msg = err.to_string();
    assert!(msg.contains("Faxe Rusmiddelcenter"), "{msg}");
    assert!(msg.contains("28-12-2027"), "{msg}");
    assert_eq!(content(&stevns.j), before);
}

#[test]
fn refused_change_sets_name_the_problem_and_change_nothing() {
    let (mut faxe, mut stevns) = pair();
    faxe.client("Afvist Andersen");
    let set = faxe.changes_for(&stevns);
    let before = content(&stevns.j);
    let audit_before: i64 = sql(&stevns.j).query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    let refuse = |stevns: &mut Site, set: &ChangeSet, code: &str, text: &str| {
        let err = stevns.j.merge_changes(&stevns.ctx, set).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(text), "{err}");
    };
    // Addressed to another site.
    refuse(
        &mut stevns,
        &ChangeSet { to: SiteId::new(), ..set.clone() },
        "changes_not_for_this_site",
        "anden installation",
    );
    // A format from a newer program.
    refuse(&mut stevns, &ChangeSet { format: 99, ..set.clone() }, "changes_version", "Opdatér Tovholder");
    // A municipality code this journal lacks.
    let mut odd = set.clone();
    let c = odd.changes.iter_mut().find(|c| c.table == "client").unwrap();
    c.value.insert("municipality".into(), "9999".into());
    refuse(&mut stevns, &odd, "changes_unknown", "kommunekode 9999");
    // A table this program does not know.
    let mut odd = set.clone();
    odd.changes[0].table = "hologram".into();
    refuse(&mut stevns, &odd, "changes_unknown", "hologram");
    assert_eq!(content(&stevns.j), before);
    let audit_after: i64 = sql(&stevns.j).query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert_eq!(audit_after, audit_before);
    // The same change again with other content: damage.
    stevns.merge(&set);
    let mut damaged = set.clone();
    let c = damaged.changes.iter_mut().find(|c| c.table == "client").unwrap();
    c.value.insert("name".into(), "Falsk Falsen".into());
    refuse(&mut stevns, &damaged, "changes_damaged", "andet indhold");
}

#[test]
fn changes_written_under_this_sites_own_id_by_another_journal_reveal_a_copied_journal() {
    let (mut faxe, mut stevns) = pair();
    // A copy of Stevns' journal file writes as Stevns on another machine.
    let copy_path = stevns._dir.path().join("copy.journal");
    sql(&stevns.j).execute("VACUUM INTO ?1", [copy_path.to_str().unwrap()]).unwrap();
    // With the head file that says what it holds (a file copied alone is
    // refused at open: tests/it/faults.rs).
    std::fs::copy(tovholder::store::head::path_for(stevns.j.path()), tovholder::store::head::path_for(&copy_path))
        .unwrap();
    let mut copy = Journal::open(&copy_path).unwrap();
    let id = copy.add_client(&stevns.ctx, &client_record("Kopi Kopisen", None)).unwrap();
    let faxe_unit = faxe.j.unit();
    let consent = ConsentRecord {
        id: None,
        client_id: id,
        scope: "partner_municipality".into(),
        recipient: "Faxe".into(),
        to_unit: Some(faxe_unit),
        given_on: date("2026-11-01"),
        withdrawn_on: None,
        remarks: None,
    };
    copy.give_consent(&stevns.ctx, &consent).unwrap();
    copy.give_consent(&stevns.ctx, &ConsentRecord { to_unit: Some(stevns.j.unit()), ..consent }).unwrap();
    let set = copy.export_changes(&stevns.ctx, faxe.j.site()).unwrap();
    faxe.merge(&set);
    // Faxe passes the copy's change back to the real Stevns.
    let set = faxe.changes_for(&stevns);
    let err = stevns.j.merge_changes(&stevns.ctx, &set).unwrap_err();
    assert_eq!(err.code(), "copied_journal");
    assert!(err.to_string().contains("nyt installations-id"), "{err}");
}

#[test]
fn internal_notes_and_their_corrections_never_leave_the_site() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Intern Iversen");
    let open = faxe.j.add_note(&faxe.ctx, &note(id, TODAY, "Et almindeligt notat.")).unwrap();
    let internal =
        faxe.j.add_note(&faxe.ctx, &NoteRecord { internal: true, ..note(id, TODAY, "Kun til os selv.") }).unwrap();
    send(&mut faxe, &mut stevns);
    let notes: Vec<String> = sql(&stevns.j)
        .prepare("SELECT id FROM note")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(notes, vec![open.to_string()]);
    assert!(!content(&stevns.j)["note"].iter().any(|n| n.contains(&internal.to_string())));
}

#[test]
fn notes_and_names_that_arrive_in_a_merge_are_found_by_search_and_so_are_those_written_after() {
    // The merge indexes new clients and notes for search after its row
    // writes, in one statement per index, and puts the insert triggers
    // back (`Writer::defer_search_index`).
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Søgbar Sørensen");
    faxe.j.add_note(&faxe.ctx, &note(id, TODAY, "Drøftede tilbagefaldsforebyggelse.")).unwrap();
    send(&mut faxe, &mut stevns);
    let hits = stevns.j.search_notes(&stevns.ctx, "tilbagefaldsforebyggelse", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    stevns.j.add_note(&stevns.ctx, &note(id, TODAY, "Aftalte en opfølgningssamtale.")).unwrap();
    let after = stevns.j.search_notes(&stevns.ctx, "opfølgningssamtale", 10).unwrap();
    assert_eq!(after.len(), 1, "a note written after the merge is indexed by its trigger: {after:?}");
    let local = stevns.client("Lokal Larsen");
    let db = sql(&stevns.j);
    for index in ["client_fts", "note_fts"] {
        db.execute(&format!("INSERT INTO {index} ({index}) VALUES ('integrity-check')"), [])
            .unwrap_or_else(|e| panic!("{index} agrees with its table: {e}"));
    }
    let named: Vec<String> = db
        .prepare(
            "SELECT c.id FROM client_fts f JOIN client c ON c.rid = f.rowid WHERE client_fts MATCH ?1 ORDER BY c.id",
        )
        .unwrap()
        .query_map(["Søgbar OR Lokal"], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut want = vec![id.to_string(), local.to_string()];
    want.sort();
    assert_eq!(named, want);
    let triggers: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('client_fts_insert', 'note_fts_insert')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 2);
}

#[test]
fn a_course_closed_on_one_site_while_the_other_edits_its_setting_keeps_both_and_derives_its_status() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Forløb Frederiksen");
    let owner = faxe.ctx.staff;
    let course =
        faxe.j.enrol(&faxe.ctx, &course_record(id, "alcohol", "2026-11-01", Some("2026-11-02"), owner)).unwrap();
    send(&mut faxe, &mut stevns);
    faxe.j.close_course(&faxe.ctx, course, date("2026-11-20"), "completed").unwrap();
    send(&mut stevns, &mut faxe);
    send(&mut faxe, &mut stevns);
    let status: (String, Option<String>) = sql(&stevns.j)
        .query_row("SELECT status, end_reason FROM course WHERE id = ?1", [course], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(status, ("closed".to_string(), Some("completed".to_string())));
    assert_eq!(content(&faxe.j), content(&stevns.j));
}

// ---- Unique keys and rules raced by two sites ----------------------------
// (The property test of the merge invariants is in sync_prop.rs.)

#[test]
fn a_close_racing_a_start_is_held_out_by_the_rule_the_same_way_on_both_sites() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Kapløb Knudsen");
    let owner = faxe.ctx.staff;
    let course = faxe.j.enrol(&faxe.ctx, &course_record(id, "alcohol", "2026-11-01", None, owner)).unwrap();
    send(&mut faxe, &mut stevns);
    // Faxe starts the course on the 20th; Stevns, not knowing, closes it as
    // a no-show on the 10th: together the end would lie before the start.
    faxe.j.start_course(&faxe.ctx, course, date("2026-11-20")).unwrap();
    stevns.clock.advance(Duration::minutes(1));
    stevns.j.close_course(&stevns.ctx, course, date("2026-11-10"), "no_show").unwrap();
    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    send(&mut faxe, &mut stevns);
    assert_eq!(content(&faxe.j), content(&stevns.j));
    assert_eq!(conflicts(&faxe), conflicts(&stevns));
    let list = faxe.j.conflicts(&faxe.ctx).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].group, "end_on");
    assert!(list[0].rule.is_some(), "held out by a rule: {list:?}");
    // The later change (Stevns' close) waits for a person; the start stands.
    let row: (Option<String>, Option<String>, String) = sql(&faxe.j)
        .query_row("SELECT start_on, end_on, status FROM course WHERE id = ?1", [course], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, (Some("2026-11-20".into()), None, "active".into()));
    for s in [&faxe, &stevns] {
        assert!(fk_clean(&s.j));
    }
}

#[test]
fn two_open_courses_of_one_kind_or_one_cpr_on_two_clients_made_apart_are_listed_on_both_sites() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Dobbelt Dahl");
    send(&mut faxe, &mut stevns);
    let (fo, so) = (faxe.ctx.staff, stevns.ctx.staff);
    faxe.j.enrol(&faxe.ctx, &course_record(id, "alcohol", "2026-11-02", None, fo)).unwrap();
    stevns.j.enrol(&stevns.ctx, &course_record(id, "alcohol", "2026-11-03", None, so)).unwrap();
    let cpr = Some(Cpr::parse("151291-1237").unwrap());
    let a = faxe
        .j
        .add_client(&faxe.ctx, &ClientRecord { cpr: cpr.clone(), ..client_record("Tvilling Tvede", None) })
        .unwrap();
    faxe.consent_to_all(a);
    let b = stevns.j.add_client(&stevns.ctx, &ClientRecord { cpr, ..client_record("Tvilling Tvede", None) }).unwrap();
    stevns.consent_to_all(b);
    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    assert_eq!(content(&faxe.j), content(&stevns.j));
    let listed = faxe.j.duplicates(&faxe.ctx).unwrap();
    assert_eq!(listed, stevns.j.duplicates(&stevns.ctx).unwrap());
    let rules: Vec<&str> = listed.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, vec!["client_cpr", "course_open"]);
    assert!(listed.iter().all(|d| d.rows.len() == 2));
    // Local work still refuses a second open course.
    let err = faxe.j.enrol(&faxe.ctx, &course_record(id, "alcohol", "2026-11-04", None, fo)).unwrap_err();
    assert_eq!(err.code(), "course_already_open");
}

fn clients(j: &Journal) -> Vec<ClientId> {
    sql(j)
        .prepare("SELECT id FROM client ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---- Scope against an oracle ---------------------------------------------

type Rows = Vec<Vec<Option<String>>>;

/// Every row of a table as text columns (`cols` in order).
fn dump(j: &Journal, table: &str, cols: &str) -> Rows {
    let n = cols.split(',').count();
    sql(j)
        .prepare(&format!("SELECT {cols} FROM {table}"))
        .unwrap()
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(v) => Some(v.to_string()),
                        rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                        _ => None,
                    })
                })
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The scope rule of SPEC §5 written again, independently of
/// `sync::scope`: whole tables read into memory and filtered in Rust. (A
/// generated journal holds no rows made by the partner, so the rule that a
/// partner's own people go back to it is tested by the exchanges above.)
fn oracle(j: &Journal, m: &str) -> BTreeMap<&'static str, std::collections::BTreeSet<String>> {
    use std::collections::{BTreeSet, HashSet};
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let units: HashSet<String> =
        dump(j, "unit", "id, municipality").iter().filter(|r| s(&r[1]) == m).map(|r| s(&r[0])).collect();
    let prices: HashSet<(String, String)> = dump(j, "agreement_price", "payer, course_kind, setting")
        .iter()
        .filter(|r| s(&r[0]) == m)
        .map(|r| (s(&r[1]), s(&r[2])))
        .collect();
    let clients = dump(j, "client", "id, municipality");
    let courses = dump(j, "course", "id, client_id, paying_municipality, kind, setting");
    let consents = dump(j, "consent", "client_id, to_unit, withdrawn_on");
    let settlements = dump(j, "settlement", "id, payer, provider");
    let lines = dump(j, "settlement_line", "id, settlement_id, client_id");
    let paid_by: HashSet<String> = settlements.iter().filter(|r| s(&r[1]) == m).map(|r| s(&r[0])).collect();
    let mut sc: HashSet<String> = HashSet::new();
    for c in &clients {
        let id = s(&c[0]);
        let covered = s(&c[1]) == m
            && courses.iter().any(|co| s(&co[1]) == id && s(&co[2]) == m && prices.contains(&(s(&co[3]), s(&co[4]))));
        let consented = consents
            .iter()
            .any(|k| s(&k[0]) == id && k[2].is_none() && k[1].as_ref().is_some_and(|u| units.contains(u)));
        let settled = lines.iter().any(|l| s(&l[2]) == id && paid_by.contains(&s(&l[1])));
        if covered || consented || settled {
            sc.insert(id);
        }
    }
    let links = dump(j, "child_link", "id, child_id, client_id");
    let sk: HashSet<String> = links.iter().filter(|l| sc.contains(&s(&l[2]))).map(|l| s(&l[1])).collect();
    let notifications = dump(j, "notification", "id, child_id, to_unit");
    let sn: Vec<&Vec<Option<String>>> = notifications
        .iter()
        .filter(|n| n[2].as_ref().is_some_and(|u| units.contains(u)) || sk.contains(&s(&n[1])))
        .collect();
    let sco: HashSet<String> = courses.iter().filter(|co| sc.contains(&s(&co[1]))).map(|co| s(&co[0])).collect();
    let sessions = dump(j, "session", "id, course_id");
    let sse: HashSet<String> =
        sessions.iter().filter(|x| x[1].as_ref().is_some_and(|c| sco.contains(c))).map(|x| s(&x[0])).collect();
    let members = dump(j, "group_member", "id, client_id, child_id");
    let sgm: HashSet<String> = members
        .iter()
        .filter(|x| x[1].as_ref().is_some_and(|c| sc.contains(c)) || x[2].as_ref().is_some_and(|c| sk.contains(c)))
        .map(|x| s(&x[0]))
        .collect();
    let sst: HashSet<String> =
        settlements.iter().filter(|r| s(&r[1]) == m || s(&r[2]) == m).map(|r| s(&r[0])).collect();
    let notes = dump(j, "note", "id, client_id, internal, corrects, session_id");
    let internal: HashSet<String> = notes.iter().filter(|n| s(&n[2]) == "1").map(|n| s(&n[0])).collect();

    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let ids = |table: &str, keep: &dyn Fn(&[Option<String>]) -> bool, cols: &str| -> BTreeSet<String> {
        dump(j, table, cols).iter().filter(|r| keep(r)).map(|r| s(&r[0])).collect()
    };
    let any = |_: &[Option<String>]| true;
    for t in ["unit", "staff", "activity_group", "agreement_price", "case_review"] {
        out.insert(t, ids(t, &any, "id"));
    }
    out.insert("client", sc.iter().cloned().collect());
    let mut children: BTreeSet<String> = sk.iter().cloned().collect();
    children.extend(sn.iter().map(|n| s(&n[1])));
    out.insert("child", children);
    out.insert(
        "child_link",
        links.iter().filter(|l| sk.contains(&s(&l[1])) && sc.contains(&s(&l[2]))).map(|l| s(&l[0])).collect(),
    );
    for t in ["network_person", "emergency_plan"] {
        out.insert(t, ids(t, &|r| sk.contains(&s(&r[1])), "id, child_id"));
    }
    for t in ["referral", "consent"] {
        out.insert(t, ids(t, &|r| sc.contains(&s(&r[1])), "id, client_id"));
    }
    out.insert("course", sco.iter().cloned().collect());
    for t in ["assessment", "plan_revision", "evaluation", "medication"] {
        out.insert(t, ids(t, &|r| sco.contains(&s(&r[1])), "id, course_id"));
    }
    out.insert("session", sse.iter().cloned().collect());
    out.insert(
        "session_participant",
        ids(
            "session_participant",
            &|r| {
                sse.contains(&s(&r[1]))
                    && r[2].as_ref().is_none_or(|c| sc.contains(c))
                    && r[3].as_ref().is_none_or(|c| sk.contains(c))
            },
            "id, session_id, client_id, child_id",
        ),
    );
    out.insert(
        "note",
        notes
            .iter()
            .filter(|n| {
                sc.contains(&s(&n[1]))
                    && s(&n[2]) == "0"
                    && n[3].as_ref().is_none_or(|c| !internal.contains(c))
                    && n[4].as_ref().is_none_or(|x| sse.contains(x))
            })
            .map(|n| s(&n[0]))
            .collect(),
    );
    out.insert("notification", sn.iter().map(|n| s(&n[0])).collect());
    out.insert("group_member", sgm.iter().cloned().collect());
    out.insert("group_attendance", ids("group_attendance", &|r| sgm.contains(&s(&r[1])), "id, member_id"));
    out.insert(
        "case_review_item",
        ids("case_review_item", &|r| sc.contains(&s(&r[1])) && sk.contains(&s(&r[2])), "id, client_id, child_id"),
    );
    out.insert("settlement", sst.iter().cloned().collect());
    out.insert(
        "settlement_line",
        lines.iter().filter(|l| sst.contains(&s(&l[1])) && sc.contains(&s(&l[2]))).map(|l| s(&l[0])).collect(),
    );
    out
}

#[test]
fn the_scope_agrees_with_an_independent_oracle_on_generated_journals() {
    let mut totals: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for seed in [11u64, 12, 13] {
        let file = tovholder::fixtures::generate(120, seed, date(TODAY));
        let dir = tempfile::tempdir().unwrap();
        let setup = Setup { site_name: "Faxe".into(), unit: file.units[0].clone(), first_staff: file.staff[0].clone() };
        let (mut j, ctx) =
            Journal::create(&dir.path().join("gen.journal"), &setup, Arc::new(FixedClock::on(date(TODAY)))).unwrap();
        j.import(&ctx, &file).unwrap();
        let stevns_family = file.units.iter().find(|u| u.municipality == "0336").unwrap().id.unwrap();
        // Stevns pays for ambulant alcohol treatment; some clients consent
        // to Stevns' family department, and some of those withdraw.
        j.add_agreement_price(
            &ctx,
            &AgreementPriceRecord {
                id: None,
                payer: "0336".into(),
                provider: "0320".into(),
                course_kind: "alcohol".into(),
                setting: "ambulant".into(),
                per: PricePer::Month,
                amount: Money::parse("4.500,00", "amount").unwrap(),
                valid_from: date("2000-01-01"),
                valid_to: None,
            },
        )
        .unwrap();
        let clients: Vec<ClientId> = clients(&j);
        for (i, c) in clients.iter().enumerate() {
            if i % 4 == 0 {
                let r = ConsentRecord {
                    id: None,
                    client_id: *c,
                    scope: "family_department".into(),
                    recipient: "Stevns Center Familie".into(),
                    to_unit: Some(stevns_family),
                    given_on: date("2026-01-05"),
                    withdrawn_on: None,
                    remarks: None,
                };
                let k = j.give_consent(&ctx, &r).unwrap();
                if i % 8 == 0 {
                    j.withdraw_consent(&ctx, k, date("2026-06-01")).unwrap();
                }
            }
        }
        let got = tovholder::sync::scope::rows_in_scope(&sql(&j), "0336", SiteId::new()).unwrap();
        let want = oracle(&j, "0336");
        for (t, rows) in &want {
            assert_eq!(got.get(t), Some(rows), "seed {seed}, table {t}");
        }
        assert_eq!(got.len(), want.len());
        for t in ["client", "child", "note", "notification", "session_participant"] {
            let all: i64 = sql(&j).query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
            let e = totals.entry(t).or_insert((0, 0));
            e.0 += got[t].len() as i64;
            e.1 += all;
        }
    }
    // The cases are not trivial: some of everything, never all.
    for (t, (some, all)) in totals {
        assert!(some > 0 && some < all, "{t}: {some} of {all} in scope");
    }
}

// ---- Revocation ----------------------------------------------------------

fn count_rows(j: &Journal, table: &str, id: &str) -> i64 {
    sql(j).query_row(&format!("SELECT count(*) FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).unwrap()
}

#[test]
fn a_withdrawn_consent_removes_the_partners_copy_for_good_and_never_the_owners_record() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.j.add_client(&faxe.ctx, &client_record("Trukket Tilbage", None)).unwrap();
    let stevns_unit = stevns.j.unit();
    let consent = faxe.consent(id, stevns_unit);
    let n = faxe.j.add_note(&faxe.ctx, &note(id, "2026-11-02", "Samtale om samarbejdet.")).unwrap();
    let first = faxe.changes_for(&stevns);
    stevns.merge(&first);
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 1);
    assert_eq!(count_rows(&stevns.j, "note", &n.to_string()), 1);

    faxe.j.withdraw_consent(&faxe.ctx, consent, date("2026-11-20")).unwrap();
    let set = faxe.changes_for(&stevns);
    assert!(set.revoked.iter().any(|r| r.row == id.to_string()), "{:?}", set.revoked);
    let s = stevns.merge(&set);
    assert!(s.revoked >= 3, "client, consent and note: {s:?}");
    for (t, r) in [("client", id.to_string()), ("note", n.to_string()), ("consent", consent.to_string())] {
        assert_eq!(count_rows(&stevns.j, t, &r), 0, "{t} removed at the partner");
        assert_eq!(count_rows(&faxe.j, t, &r), 1, "{t} kept by its owner");
    }
    let logged: i64 = sql(&stevns.j)
        .query_row("SELECT count(*) FROM sync_change WHERE row_id = ?1", [id.to_string()], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, 0, "nothing of the person stays in the partner's log");
    assert!(fk_clean(&stevns.j));

    // An old change set sent again does not bring the person back.
    stevns.merge(&first);
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 0);
    // The removal never travels back as a delete of the owner's record.
    send(&mut stevns, &mut faxe);
    assert_eq!(count_rows(&faxe.j, "client", &id.to_string()), 1);
    assert_eq!(count_rows(&faxe.j, "note", &n.to_string()), 1);

    // A new consent brings the existing record again, note included.
    faxe.clock.advance(Duration::days(1));
    faxe.consent(id, stevns_unit);
    let again = faxe.changes_for(&stevns);
    assert!(again.entering.contains(&id.to_string()), "{:?}", again.entering);
    let s = stevns.merge(&again);
    assert_eq!(
        count_rows(&stevns.j, "client", &id.to_string()),
        1,
        "{s:?} {:?}",
        again.changes.iter().map(|c| (&c.table, &c.group)).collect::<Vec<_>>()
    );
    assert_eq!(count_rows(&stevns.j, "note", &n.to_string()), 1);
}

/// A revocation removes the person's changes from the log; when they were
/// the last ones, the next change must not take their positions again: the
/// partner has confirmed those, so a change there would never be sent.
#[test]
fn a_log_position_freed_by_a_revocation_is_never_used_again() {
    let (mut faxe, mut stevns) = pair();
    let own = stevns.client("Stevns Egen");
    send(&mut stevns, &mut faxe);
    let id = faxe.j.add_client(&faxe.ctx, &client_record("Trukket Tilbage", None)).unwrap();
    let consent = faxe.consent(id, stevns.j.unit());
    send(&mut faxe, &mut stevns);
    let last = |s: &Site| -> i64 { sql(&s.j).query_row("SELECT max(seq) FROM sync_change", [], |r| r.get(0)).unwrap() };
    let confirmed = last(&stevns);
    send(&mut stevns, &mut faxe);
    faxe.j.withdraw_consent(&faxe.ctx, consent, date("2026-11-20")).unwrap();
    let s = send(&mut faxe, &mut stevns);
    assert!(s.revoked >= 2, "{s:?}");
    assert!(last(&stevns) < confirmed, "the removed changes were the last in the log");

    stevns.edit(own, |r| r.phone = Some("55 55 55 55".into()));
    assert!(last(&stevns) > confirmed, "a new position, past what Faxe confirmed");
    send(&mut stevns, &mut faxe);
    assert_eq!(faxe.field(own, "phone").as_deref(), Some("55 55 55 55"), "the edit reached the partner");
}

#[test]
fn a_notification_to_the_partners_department_travels_without_consent_and_without_the_client() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.j.add_client(&faxe.ctx, &client_record("Uden Samtykke", None)).unwrap();
    let (child, link) = child_records(id, "Lille Uden", "2018-04-04", "joint", "with_client");
    let child = faxe.j.add_child(&faxe.ctx, &child, &link).unwrap();
    let made_by = faxe.ctx.staff;
    let r = NotificationRecord {
        id: None,
        child_id: child,
        client_id: Some(id),
        made_on: date("2026-11-10"),
        made_by,
        to_unit: Some(stevns.j.unit()),
        recipient: "Stevns Kommune, familieafdelingen".into(),
        reason: "Bekymring for barnets trivsel.".into(),
        answer_received_on: None,
        answer: None,
    };
    let notification = faxe.j.add_notification(&faxe.ctx, &r).unwrap();
    send(&mut faxe, &mut stevns);
    assert_eq!(count_rows(&stevns.j, "notification", &notification.to_string()), 1);
    assert_eq!(count_rows(&stevns.j, "child", &child.to_string()), 1);
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 0, "the parent is not in scope");
    let client_there: Option<String> = sql(&stevns.j)
        .query_row("SELECT client_id FROM notification WHERE id = ?1", [notification], |r| r.get(0))
        .unwrap();
    assert_eq!(client_there, None, "the row is reduced");
    assert!(fk_clean(&stevns.j));
    let reduced = faxe.changes_for(&stevns);

    // Once the parent enters Stevns' scope (a consent), Stevns gets the
    // parent and the notification with its client.
    faxe.clock.advance(Duration::minutes(1));
    faxe.consent(id, stevns.j.unit());
    send(&mut faxe, &mut stevns);
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 1);
    let client_there: Option<String> = sql(&stevns.j)
        .query_row("SELECT client_id FROM notification WHERE id = ?1", [notification], |r| r.get(0))
        .unwrap();
    assert_eq!(client_there, Some(id.to_string()), "the notification names its client now");
    assert_eq!(content(&faxe.j)["notification"], content(&stevns.j)["notification"]);
    // An old set with the reduced notification, re-sent, is no damage and
    // takes nothing back.
    stevns.merge(&reduced);
    send(&mut faxe, &mut stevns);
    assert_eq!(content(&faxe.j)["notification"], content(&stevns.j)["notification"]);
    assert!(fk_clean(&stevns.j));
}

// ---- The demo: Faxe and Stevns -------------------------------------------

/// Issue 12 "Done when": a Faxe journal made from the demo and a Stevns
/// journal (Center Familie), edited independently and exchanging change
/// sets both ways, end identical within Stevns' scope, with the same-field
/// edit in both conflict lists and the different-field edits both kept.
#[test]
fn faxe_and_stevns_from_the_demo_converge_within_scope_with_one_conflict_and_both_different_fields_kept() {
    let demo = tovholder::demo::demo_file().unwrap();
    let dir = tempfile::tempdir().unwrap();

    // Stevns' own journal: its family department, its administrator, and
    // Søren Klitgaard (SK), made there (the demo's ids, so the demo's joint
    // sessions name him).
    let stevns_unit = demo.units.iter().find(|u| u.municipality == "0336").unwrap().clone();
    let sk = demo.staff.iter().find(|s| s.initials == "SK").unwrap().clone();
    let stevns_clock = Arc::new(FixedClock::on(date(TODAY)));
    stevns_clock.advance(Duration::hours(-2));
    let admin = StaffRecord {
        id: None,
        unit_id: stevns_unit.id.unwrap(),
        name: "Stevns Administrator".into(),
        initials: "SA".into(),
        role: "administrator".into(),
    };
    let stevns_setup =
        Setup { site_name: "Center Familie, Stevns".into(), unit: stevns_unit.clone(), first_staff: admin };
    let (mut sj, sctx) =
        Journal::create(&dir.path().join("stevns.journal"), &stevns_setup, stevns_clock.clone()).unwrap();
    sj.add_staff(&sctx, &sk).unwrap();
    let mut stevns = Site { _dir: tempfile::tempdir().unwrap(), j: sj, ctx: sctx, clock: stevns_clock.clone() };
    let sk_ctx = Ctx::new(sk.id.unwrap(), stevns_clock.clone());

    // Faxe's journal receives Stevns' organisation by an exchange, then the
    // demo's records (its copy of Stevns' unit and SK is not used).
    let faxe_clock = Arc::new(FixedClock::on(date(TODAY)));
    let setup = tovholder::demo::setup_from(&demo).unwrap();
    let (fj, fctx) = Journal::create(&dir.path().join("faxe.journal"), &setup, faxe_clock.clone()).unwrap();
    let mut faxe = Site { _dir: tempfile::tempdir().unwrap(), j: fj, ctx: fctx, clock: faxe_clock };
    send(&mut stevns, &mut faxe);
    faxe.j.import(&faxe.ctx, &demo).unwrap();
    let origin: String =
        sql(&faxe.j).query_row("SELECT origin_site FROM staff WHERE id = ?1", [sk.id.unwrap()], |r| r.get(0)).unwrap();
    assert_eq!(origin, stevns.j.site().to_string(), "SK at Faxe is the row Stevns made");
    // Faxe may not make staff for Stevns' unit (a registered partner's),
    // not even by a file (the demo has no administrator to add one by hand).
    let invented = StaffRecord { id: None, initials: "KK".into(), name: "Konsulent Kopi".into(), ..sk.clone() };
    let file = JournalFile {
        format: demo.format.clone(),
        format_version: demo.format_version,
        staff: vec![invented],
        ..Default::default()
    };
    let before = snapshot(&faxe.j);
    let e = faxe.j.import(&faxe.ctx, &file).unwrap_err();
    assert_eq!(snapshot(&faxe.j), before, "nothing changed");
    assert_eq!(e.code(), "partner_staff");
    assert!(e.to_string().contains("samarbejdspartners installation"), "{e}");

    send(&mut faxe, &mut stevns);
    // A Stevns citizen with consent to Center Familie is in Stevns' scope.
    let client: ClientId = "00000000-0000-4000-8000-000300000018".parse().unwrap();
    assert_eq!(stevns.field(client, "name").as_deref(), Some("Michael Skovbo Rask"));

    // Independently: both change the phone; Faxe the address, Stevns the email.
    faxe.edit(client, |r| {
        r.phone = Some("20 30 40 50".into());
        r.address = Some("Algade 3, 4673 Rødvig Stevns".into());
    });
    stevns_clock.advance(Duration::hours(3));
    let mut r = stevns.record(client);
    r.phone = Some("60 70 80 90".into());
    r.email = Some("michael@example.dk".into());
    stevns.j.update_client(&sk_ctx, client, &r).unwrap();

    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    send(&mut faxe, &mut stevns);

    for s in [&faxe, &stevns] {
        assert_eq!(s.field(client, "address").as_deref(), Some("Algade 3, 4673 Rødvig Stevns"));
        assert_eq!(s.field(client, "email").as_deref(), Some("michael@example.dk"));
        assert_eq!(s.field(client, "phone").as_deref(), Some("60 70 80 90"), "the later edit wins");
        assert!(fk_clean(&s.j));
    }
    let listed = conflicts(&faxe);
    assert_eq!(listed, conflicts(&stevns));
    let c = faxe.j.conflicts(&faxe.ctx).unwrap();
    assert_eq!(c.len(), 1, "{listed:?}");
    assert_eq!((c[0].row.as_str(), c[0].group.as_str()), (client.to_string().as_str(), "phone"));
    assert_eq!(c[0].others[0].value.get("phone").and_then(|v| v.as_str()), Some("20 30 40 50"));

    // Identical within scope: every row Stevns may hold is at Stevns exactly
    // as at Faxe (a notification whose parent is out of scope is reduced).
    let scope = tovholder::sync::scope::rows_in_scope(&sql(&faxe.j), "0336", stevns.j.site()).unwrap();
    let (fc, sc) = (content(&faxe.j), content(&stevns.j));
    for t in tables::TABLES {
        let at_stevns: Vec<&String> = sc[t.name].iter().collect();
        let expected: Vec<&String> = fc[t.name]
            .iter()
            .filter(|row| scope[t.name].iter().any(|id| row.starts_with(&format!("[\"{id}\""))))
            .collect();
        if t.name == "notification" {
            assert_eq!(at_stevns.len(), expected.len());
            continue;
        }
        assert_eq!(at_stevns, expected, "{}", t.name);
    }
    assert!(scope["client"].len() >= 3 && scope["client"].len() < demo.clients.len());
}

// ---- The command line ----------------------------------------------------

pub fn cli(journal: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(journal)
        .args(args)
        .env("TOVHOLDER_NOW", "2026-11-23T14:00:00Z")
        .env_remove("TOVHOLDER_USER")
        .env_remove("TOVHOLDER_JOURNAL")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn change_sets_move_and_conflicts_are_listed_and_resolved_from_the_command_line() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Kommando Kjær");
    send(&mut faxe, &mut stevns);
    faxe.edit(id, |r| r.phone = Some("44444444".into()));
    stevns.clock.advance(Duration::minutes(5));
    stevns.edit(id, |r| r.phone = Some("55555555".into()));
    let (fp, sp) = (faxe.j.path().to_path_buf(), stevns.j.path().to_path_buf());
    let (ok, stevns_site) = cli(&sp, &["changes", "site"]);
    assert!(ok, "{stevns_site}");
    let file = fp.with_file_name("til-stevns.json");
    let (ok, text) = cli(&fp, &["changes", "export", "--to", stevns_site.trim(), "--out", file.to_str().unwrap()]);
    assert!(ok && text.contains("ændringer skrevet"), "{text}");
    let (ok, text) = cli(&sp, &["changes", "merge", file.to_str().unwrap()]);
    assert!(ok && text.contains("1 åbne konflikter"), "{text}");

    let (ok, list) = cli(&sp, &["conflicts"]);
    assert!(ok, "{list}");
    for part in [
        &format!("Konflikt {id}/phone"),
        "(klient: telefon, Kommando Kjær)",
        "1. 55555555 — ",
        "2. 44444444 — ",
        "Leder LL",
        "Leder SL",
        "står i journalen",
        "23-11-2026",
    ] {
        assert!(list.contains(part), "{part} in {list}");
    }
    let (ok, text) = cli(&sp, &["conflicts", "resolve", &format!("{id}/phone"), "--keep", "9"]);
    assert!(!ok && text.contains("[out_of_range]"), "{text}");
    let (ok, text) = cli(&sp, &["conflicts", "resolve", &format!("{id}/phone"), "--keep", "2"]);
    assert!(ok && text.contains("Konflikten er løst"), "{text}");
    let (ok, text) = cli(&sp, &["conflicts"]);
    assert!(ok && text.contains("Ingen åbne konflikter"), "{text}");
    assert_eq!(stevns.field(id, "phone").as_deref(), Some("44444444"));
}

// ---- Retention across sites ----------------------------------------------

/// A Faxe client whose whole record was written 11 years ago, shared with
/// Stevns by consent: past the 10-year retention period.
fn old_shared_client(faxe: &mut Site, stevns: &Site, name: &str) -> (ClientId, NoteId, ConsentId) {
    let back = Duration::days(365 * 11);
    faxe.clock.advance(-back);
    let on = faxe.ctx.clock.today();
    let id = faxe.j.add_client(&faxe.ctx, &client_record(name, None)).unwrap();
    let r = ConsentRecord {
        id: None,
        client_id: id,
        scope: "partner_municipality".into(),
        recipient: "Stevns Kommune".into(),
        to_unit: Some(stevns.j.unit()),
        given_on: on,
        withdrawn_on: None,
        remarks: None,
    };
    let consent = faxe.j.give_consent(&faxe.ctx, &r).unwrap();
    let n = faxe.j.add_note(&faxe.ctx, &note(id, &on.to_string(), "Et gammelt notat.")).unwrap();
    faxe.clock.advance(back);
    (id, n, consent)
}

fn logged(j: &Journal, row: &str) -> i64 {
    sql(j)
        .query_row("SELECT count(*) FROM sync_change WHERE row_id = ?1 AND grp <> '!retention'", [row], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_record_deleted_by_retention_travels_as_a_tombstone_the_partner_rechecks_and_an_old_set_cannot_bring_back() {
    let (mut faxe, mut stevns) = pair();
    let (id, n, consent) = old_shared_client(&mut faxe, &stevns, "Gammel Glemsom");
    let first = faxe.changes_for(&stevns);
    stevns.merge(&first);
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 1);

    faxe.j.delete_expired(&faxe.ctx, id, 10).unwrap();
    let rows = [("client", id.to_string()), ("note", n.to_string()), ("consent", consent.to_string())];
    for (t, r) in &rows {
        assert_eq!(count_rows(&faxe.j, t, r), 0, "{t} deleted at Faxe");
        assert_eq!(logged(&faxe.j, r), 0, "no copy of the {t} stays in Faxe's log");
    }
    let set = faxe.changes_for(&stevns);
    assert!(set.revoked.is_empty(), "retention is not a revocation: {:?}", set.revoked);
    let stone: Vec<_> = set.changes.iter().filter(|c| c.group == "!retention").collect();
    assert_eq!(stone.len(), 1);
    assert_eq!(stone[0].row, id.to_string());

    let s = stevns.merge(&set);
    assert_eq!(s.retired, 3, "client, consent and note re-checked and removed at Stevns: {s:?}");
    for (t, r) in &rows {
        assert_eq!(count_rows(&stevns.j, t, r), 0, "{t} deleted at Stevns");
        assert_eq!(logged(&stevns.j, r), 0, "no copy of the {t} stays in Stevns' log");
    }
    // The old change set, sent again, does not bring the record back.
    let again = stevns.merge(&first);
    assert_eq!(again.pending, 0, "{again:?}");
    for (t, r) in &rows {
        assert_eq!(count_rows(&stevns.j, t, r), 0, "{t} stays deleted");
    }
    send(&mut stevns, &mut faxe);
    assert_eq!(count_rows(&faxe.j, "client", &id.to_string()), 0);
    for s in [&faxe, &stevns] {
        assert!(conflicts(s).is_empty(), "{:?}", conflicts(s));
        assert!(fk_clean(&s.j));
    }
}

#[test]
fn a_newer_entry_at_the_partner_stops_a_tombstone_and_both_sites_list_the_same_conflict() {
    let (mut faxe, mut stevns) = pair();
    let (id, n, _) = old_shared_client(&mut faxe, &stevns, "Gammel Genkommen");
    send(&mut faxe, &mut stevns);
    // Apart: Faxe deletes the record by retention, Stevns writes a note today.
    faxe.j.delete_expired(&faxe.ctx, id, 10).unwrap();
    let newer = stevns.j.add_note(&stevns.ctx, &note(id, TODAY, "Borgeren er vendt tilbage.")).unwrap();

    let s = send(&mut faxe, &mut stevns);
    assert_eq!(s.retired, 0, "the rule fails at Stevns: {s:?}");
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 1, "nothing is lost at Stevns");
    assert_eq!(count_rows(&stevns.j, "note", &n.to_string()), 1);
    assert_eq!(count_rows(&stevns.j, "note", &newer.to_string()), 1);
    let s = send(&mut stevns, &mut faxe);
    assert_eq!(s.pending, 1, "the newer note waits at Faxe for the deleted record: {s:?}");
    assert_eq!(logged(&faxe.j, &newer.to_string()), 1, "the newer note is kept in Faxe's log");
    assert_eq!(count_rows(&faxe.j, "client", &id.to_string()), 0, "old changes do not come back");
    assert_eq!(count_rows(&faxe.j, "note", &n.to_string()), 0);
    send(&mut faxe, &mut stevns);

    let listed = conflicts(&faxe);
    assert_eq!(listed, conflicts(&stevns), "the same conflict on both sites");
    let c = faxe.j.conflicts(&faxe.ctx).unwrap();
    assert_eq!(c.len(), 1, "{listed:?}");
    assert_eq!((c[0].row.as_str(), c[0].group.as_str()), (id.to_string().as_str(), "!retention"));
    assert_eq!(c[0].rule.as_deref(), Some("retention"));
    assert_eq!(c[0].kept.site, faxe.j.site());
    for s in [&faxe, &stevns] {
        assert!(fk_clean(&s.j));
    }
}

// ---- Unique keys raced by two sites ---------------------------------------

#[test]
fn a_child_link_and_a_group_attendance_made_apart_on_two_sites_are_both_kept_and_listed_alike_in_any_order() {
    for faxe_first in [true, false] {
        let (mut faxe, mut stevns) = pair();
        let mother = faxe.client("Mor Dobbelt");
        let father = faxe.client("Far Dobbelt");
        let (child, link) = child_records(mother, "Barn Dobbelt", "2019-05-05", "joint", "with_client");
        let child = faxe.j.add_child(&faxe.ctx, &child, &link).unwrap();
        let group = faxe.j.add_group(&faxe.ctx, &group_record("Børnegruppen", "2026-09-01")).unwrap();
        let member =
            faxe.j.add_group_member(&faxe.ctx, &member_record(group, Some(mother), None, "2026-09-01")).unwrap();
        send(&mut faxe, &mut stevns);
        // Apart: both link the child to the father and record the same meeting.
        let link = ChildLinkRecord {
            id: None,
            child_id: child,
            client_id: father,
            relation: "own".into(),
            custody: "joint".into(),
            residence: "visitation".into(),
            visitation: None,
        };
        let at = |attendance: &str| GroupAttendanceRecord {
            id: None,
            member_id: member,
            met_on: date("2026-11-20"),
            attendance: attendance.into(),
        };
        for (s, attendance) in [(&mut faxe, "attended"), (&mut stevns, "no_show")] {
            s.j.link_child(&s.ctx, &link).unwrap();
            s.j.add_group_attendance(&s.ctx, &at(attendance)).unwrap();
            // Locally the key is still a rule.
            assert_eq!(s.j.link_child(&s.ctx, &link).unwrap_err().code(), "child_already_linked");
            assert_eq!(s.j.add_group_attendance(&s.ctx, &at("attended")).unwrap_err().code(), "duplicate");
        }
        if faxe_first {
            send(&mut faxe, &mut stevns);
            send(&mut stevns, &mut faxe);
        } else {
            send(&mut stevns, &mut faxe);
            send(&mut faxe, &mut stevns);
        }
        send(&mut stevns, &mut faxe);
        let listed = faxe.j.duplicates(&faxe.ctx).unwrap();
        assert_eq!(listed, stevns.j.duplicates(&stevns.ctx).unwrap(), "the same list on both sites");
        let rules: Vec<&str> = listed.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(rules, ["child_link", "group_attendance"], "{listed:?}");
        assert!(listed.iter().all(|d| d.rows.len() == 2));
        for s in [&faxe, &stevns] {
            assert_eq!(count_rows(&s.j, "child_link", &listed[0].rows[0]), 1);
            assert_eq!(count_rows(&s.j, "child_link", &listed[0].rows[1]), 1);
            let pending: i64 = sql(&s.j).query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0)).unwrap();
            assert_eq!(pending, 0, "nothing waits");
            assert!(fk_clean(&s.j));
        }
        assert_eq!(content(&faxe.j)["group_attendance"], content(&stevns.j)["group_attendance"]);
        assert_eq!(content(&faxe.j)["child_link"], content(&stevns.j)["child_link"]);
    }
}

// ---- A wrong local clock --------------------------------------------------

#[test]
fn changes_stamped_by_a_clock_far_ahead_are_restamped_and_then_accepted_by_the_partner() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Urskiftet Ulla");
    send(&mut faxe, &mut stevns);
    // Faxe's laptop clock reads two years ahead for one edit.
    faxe.clock.advance(Duration::days(730));
    faxe.edit(id, |r| r.phone = Some("11223344".into()));
    faxe.clock.advance(Duration::days(-730));
    faxe.edit(id, |r| r.email = Some("ulla@example.dk".into()));

    // The documented repair, from the command line, before the next
    // exchange; then the exchange.
    let (ok, text) = cli(faxe.j.path(), &["changes", "restamp"]);
    assert!(ok && text.contains("2 egne ændringer har fået nye tidsstempler"), "{text}");
    let (ok, text) = cli(faxe.j.path(), &["changes", "restamp"]);
    assert!(ok && text.contains("intet er ændret"), "{text}");
    let s = send(&mut faxe, &mut stevns);
    assert_eq!(s.applied, 2, "{s:?}");
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(id, "phone").as_deref(), Some("11223344"));
        assert_eq!(s.field(id, "email").as_deref(), Some("ulla@example.dk"));
    }
    // Stevns' later edit of the phone has seen Faxe's and wins with no conflict.
    stevns.clock.advance(Duration::minutes(5));
    stevns.edit(id, |r| r.phone = Some("99887766".into()));
    send(&mut stevns, &mut faxe);
    assert_eq!(faxe.field(id, "phone").as_deref(), Some("99887766"));
    assert_eq!(content(&faxe.j), content(&stevns.j));
    assert!(conflicts(&faxe).is_empty() && conflicts(&stevns).is_empty());
}

#[test]
fn changes_already_exported_keep_their_stamps_even_before_a_partner_confirms_them() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Sendt Søren");
    send(&mut faxe, &mut stevns);
    // Ten days ahead: within the clock limit, so Stevns takes the change in,
    // but it has not confirmed it yet (it has sent Faxe nothing since).
    faxe.clock.advance(Duration::days(10));
    faxe.edit(id, |r| r.phone = Some("10101010".into()));
    faxe.clock.advance(Duration::days(-10));
    let s = send(&mut faxe, &mut stevns);
    assert_eq!(s.applied, 1, "{s:?}");
    assert_eq!(stevns.field(id, "phone").as_deref(), Some("10101010"));
    let before = snapshot(&faxe.j);
    assert_eq!(faxe.j.restamp_changes(&faxe.ctx).unwrap_err().code(), "restamp_exported");
    assert_eq!(snapshot(&faxe.j), before, "nothing changed");
    let (ok, text) = cli(faxe.j.path(), &["changes", "restamp"]);
    assert!(!ok && text.contains("allerede sendt til en samarbejdspartner"), "{text}");

    // A set the partner refused was exported all the same: refused too.
    faxe.clock.advance(Duration::days(400));
    faxe.edit(id, |r| r.email = Some("soeren@example.dk".into()));
    faxe.clock.advance(Duration::days(-400));
    let set = faxe.changes_for(&stevns);
    assert_eq!(stevns.j.merge_changes(&stevns.ctx, &set).unwrap_err().code(), "clock_ahead");
    let before = snapshot(&faxe.j);
    assert_eq!(faxe.j.restamp_changes(&faxe.ctx).unwrap_err().code(), "restamp_exported");
    assert_eq!(snapshot(&faxe.j), before, "nothing changed");
}

// ---- Faults the property test found ----------------------------------------

/// The property test's fault (e): when two sites write the same value to
/// a field at the same clock value (clocks alike), the row's values and
/// version agree, but `changed_at`/`changed_by` were those of whichever
/// change the site held first. They are the winner's, by (clock, site id),
/// on both sites.
#[test]
fn the_same_value_written_on_two_sites_at_one_clock_value_carries_the_winners_stamps_on_both() {
    let (mut faxe, mut stevns) = pair();
    let id = faxe.client("Samme Sørensen");
    send(&mut faxe, &mut stevns);
    // Both wall clocks read the same instant, well after every clock value
    // either site has seen, so both edits get the same clock value.
    faxe.clock.advance(Duration::hours(1));
    stevns.clock.advance(Duration::hours(1));
    faxe.edit(id, |r| r.phone = Some("70707070".into()));
    stevns.edit(id, |r| r.phone = Some("70707070".into()));
    let version = |s: &Site| -> (i64, String) {
        sql(&s.j)
            .query_row("SELECT version, changed_by FROM client WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    };
    let (faxe_version, faxe_staff) = version(&faxe);
    let (stevns_version, stevns_staff) = version(&stevns);
    assert_eq!(faxe_version, stevns_version, "the case needs one clock value on both sites");
    send(&mut faxe, &mut stevns);
    send(&mut stevns, &mut faxe);
    let winner = if faxe.j.site().to_string() > stevns.j.site().to_string() { faxe_staff } else { stevns_staff };
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(id, "phone").as_deref(), Some("70707070"));
        assert_eq!(version(s).1, winner, "changed_by is the winner's");
    }
    assert_eq!(content(&faxe.j), content(&stevns.j));
    assert_eq!(conflicts(&faxe), conflicts(&stevns));
}

/// Faxe, Stevns and a second site in Stevns' municipality that receives
/// Faxe's client only through Stevns; each knows the others' organisation.
fn three() -> (Site, Site, Site) {
    let mut faxe = Site::new("Faxe Rusmiddelcenter", "0320", "LL");
    let mut stevns = Site::new("Stevns Rusmiddelcenter", "0336", "SL");
    let mut third = Site::new("Stevns Familieafdeling", "0336", "FA");
    for _ in 0..2 {
        send(&mut faxe, &mut stevns);
        send(&mut stevns, &mut faxe);
        send(&mut faxe, &mut third);
        send(&mut third, &mut faxe);
        send(&mut stevns, &mut third);
        send(&mut third, &mut stevns);
    }
    (faxe, stevns, third)
}

/// The property test's fault (d): a row relayed through a third site must
/// not outlive its revocation there, even when the relaying site removed
/// it first, and an old change set sent again cannot bring it back.
#[test]
fn a_client_relayed_through_a_partner_is_removed_at_the_third_site_when_the_consent_is_withdrawn() {
    let (mut faxe, mut stevns, mut third) = three();
    let id = faxe.j.add_client(&faxe.ctx, &client_record("Videre Villadsen", None)).unwrap();
    let consent = faxe.consent(id, stevns.j.unit());
    let n = faxe.j.add_note(&faxe.ctx, &note(id, "2026-11-02", "Samtale om samarbejdet.")).unwrap();
    send(&mut faxe, &mut stevns);
    // Stevns passes the case on to the site of its own municipality.
    let relayed = stevns.changes_for(&third);
    third.merge(&relayed);
    assert_eq!(count_rows(&third.j, "client", &id.to_string()), 1, "the case reached the third site");
    assert_eq!(count_rows(&third.j, "note", &n.to_string()), 1);

    faxe.j.withdraw_consent(&faxe.ctx, consent, date("2026-11-20")).unwrap();
    send(&mut faxe, &mut stevns);
    assert_eq!(count_rows(&stevns.j, "client", &id.to_string()), 0, "removed at Stevns");
    // Faxe never sent the case to the third site; Stevns revokes it there.
    send(&mut faxe, &mut third);
    send(&mut stevns, &mut third);
    for (t, r) in [("client", id.to_string()), ("note", n.to_string()), ("consent", consent.to_string())] {
        assert_eq!(count_rows(&third.j, t, &r), 0, "{t} removed at the third site");
        assert_eq!(count_rows(&faxe.j, t, &r), 1, "{t} kept by its owner");
    }
    assert!(fk_clean(&third.j));
    // An old set sent again does not bring the person back.
    third.merge(&relayed);
    assert_eq!(count_rows(&third.j, "client", &id.to_string()), 0);
    assert_eq!(count_rows(&third.j, "note", &n.to_string()), 0);
    // Nor does any later exchange, in either direction.
    for _ in 0..2 {
        send(&mut third, &mut stevns);
        send(&mut stevns, &mut third);
        send(&mut faxe, &mut third);
        send(&mut third, &mut faxe);
    }
    assert_eq!(count_rows(&third.j, "client", &id.to_string()), 0);
    assert_eq!(count_rows(&faxe.j, "client", &id.to_string()), 1);
}
