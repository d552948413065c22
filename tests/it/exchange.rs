//! The journal JSON format: the demo fixture and generated journals import
//! through the write path; export and import round-trip; a bad record refuses
//! the whole file and names it; importing twice changes nothing the second
//! time.

use std::sync::Arc;

use tovholder::model::*;
use tovholder::{Journal, Setup};

use crate::support::*;

const DEMO: &str = include_str!("../../fixtures/demo.json");

/// A fresh journal for a file, set up with the file's first unit and staff.
fn journal_for(file: &JournalFile, dir: &tempfile::TempDir, name: &str) -> (Journal, tovholder::Ctx) {
    let setup = Setup { site_name: "Test".into(), unit: file.units[0].clone(), first_staff: file.staff[0].clone() };
    Journal::create(&dir.path().join(name), &setup, Arc::new(FixedClock::on(date(TODAY)))).unwrap()
}

/// The data tables' rows without the local columns (stamps, row numbers).
fn data_only(file: &JournalFile) -> JournalFile {
    file.clone()
}

#[test]
fn the_demo_journal_imports_and_round_trips() {
    let demo: JournalFile = serde_json::from_str(DEMO).expect("fixtures/demo.json parses");
    let dir = tempfile::tempdir().unwrap();
    let (mut j, ctx) = journal_for(&demo, &dir, "demo.journal");
    let s = j.import(&ctx, &demo).unwrap();
    assert_eq!(s.skipped, 2, "the set-up already holds the first unit and staff member");
    assert_eq!(s.inserted + 2, demo.row_count());
    assert_eq!(count(&j, "client") as usize, demo.clients.len());

    let exported = j.export(&ctx).unwrap();
    let (mut j2, ctx2) = journal_for(&exported, &dir, "copy.journal");
    j2.import(&ctx2, &exported).unwrap();
    assert_eq!(data_only(&j2.export(&ctx2).unwrap()), data_only(&exported));
}

#[test]
fn a_generated_journal_imports_every_row() {
    let file = tovholder::fixtures::generate(150, 42, date(TODAY));
    assert!(file.sessions.len() >= 150 * 6 / 2, "about ten sessions per started course");
    let dir = tempfile::tempdir().unwrap();
    let (mut j, ctx) = journal_for(&file, &dir, "gen.journal");
    let s = j.import(&ctx, &file).unwrap();
    assert_eq!(s.inserted + s.skipped, file.row_count());
    assert_eq!(count(&j, "note") as usize, file.notes.len());
    assert_eq!(
        count(&j, "session_participant") as usize,
        file.sessions.iter().map(|s| s.participants.len()).sum::<usize>()
    );
    // One audit entry for the whole import, not one per row.
    let imports: i64 =
        sql(&j).query_row("SELECT count(*) FROM audit_log WHERE action = 'import'", [], |r| r.get(0)).unwrap();
    assert_eq!(imports, 1);
}

#[test]
fn importing_the_same_file_twice_adds_nothing_the_second_time() {
    let file = tovholder::fixtures::generate(20, 1, date(TODAY));
    let dir = tempfile::tempdir().unwrap();
    let (mut j, ctx) = journal_for(&file, &dir, "twice.journal");
    j.import(&ctx, &file).unwrap();
    let clients = count(&j, "client");
    let notes = count(&j, "note");
    let again = j.import(&ctx, &file).unwrap();
    assert_eq!(again.inserted, 0);
    assert_eq!(
        again.skipped,
        file.units.len()
            + file.staff.len()
            + file.clients.len()
            + file.children.len()
            + file.child_links.len()
            + file.referrals.len()
            + file.courses.len()
            + file.assessments.len()
            + file.plan_revisions.len()
            + file.medications.len()
            + file.sessions.len()
            + file.notes.len()
            + file.notifications.len()
    );
    assert_eq!((count(&j, "client"), count(&j, "note")), (clients, notes));
}

#[test]
fn one_bad_record_refuses_the_whole_file_and_names_it() {
    let mut file = tovholder::fixtures::generate(20, 3, date(TODAY));
    let dir = tempfile::tempdir().unwrap();
    let (mut j, ctx) = journal_for(&file, &dir, "bad.journal");
    let before = snapshot(&j);
    file.courses[5].end_reason = Some("vanished".into());
    file.courses[5].end_on = file.courses[5].start_on;
    let err = j.import(&ctx, &file).unwrap_err();
    assert_eq!(err.code(), "unknown_code");
    let msg = err.to_string();
    assert!(msg.starts_with("Importen er afvist, intet er ændret. Post nr. 6 i «courses»"), "{msg}");
    assert!(msg.contains("«vanished» findes ikke i kodelisten Afslutningsårsag"), "{msg}");
    assert_eq!(snapshot(&j), before);
}

#[test]
fn files_that_are_not_journals_are_refused() {
    let err = serde_json::from_str::<JournalFile>(
        "{\"format\": \"tovholder-journal\", \"format_version\": 1, \"klienter\": []}",
    )
    .map_err(tovholder::Error::from)
    .unwrap_err();
    assert_eq!(err.code(), "import_format");
    let bad_cpr = r#"{"format": "tovholder-journal", "format_version": 1,
        "clients": [{"name": "X", "cpr": "310299-1234", "municipality": "0320"}]}"#;
    let err = serde_json::from_str::<JournalFile>(bad_cpr).map_err(tovholder::Error::from).unwrap_err();
    assert_eq!(err.code(), "import_format");
    assert!(err.to_string().contains("linje 2"), "{err}");

    // A newer file is named as newer, even when it has fields we do not know.
    let newer =
        tovholder::store::parse_journal_file(r#"{"format": "tovholder-journal", "format_version": 2, "bundles": []}"#);
    assert_eq!(newer.unwrap_err().code(), "import_version");
    let other = tovholder::store::parse_journal_file(r#"{"format": "regneark", "format_version": 1}"#);
    assert_eq!(other.unwrap_err().code(), "import_format");

    let mut w = World::new();
    let before = snapshot(&w.j);
    let mut future = JournalFile::new();
    future.format_version = 99;
    let admin = w.as_staff(w.admin);
    assert_eq!(w.j.import(&admin, &future).unwrap_err().code(), "import_version");
    let mut other = JournalFile::new();
    other.format = "something-else".into();
    assert_eq!(w.j.import(&admin, &other).unwrap_err().code(), "import_format");
    assert_eq!(snapshot(&w.j), before);
}
