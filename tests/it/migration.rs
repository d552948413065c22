//! Schema versions: a journal made by the first released schema (frozen in
//! fixtures/schema/v1.sql) is upgraded by the forward-only migrations to the
//! same schema a fresh journal gets from schema.sql, keeping its data; a
//! journal newer than the program, or a file that is no journal, is refused
//! untouched.

use std::path::Path;

use tovholder::store::SCHEMA_VERSION;
use tovholder::{Ctx, Journal};

use crate::support::*;

const V1: &str = include_str!("../../fixtures/schema/v1.sql");

/// The schema as SQLite stores it, whitespace normalised, sorted.
fn schema_of(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master").unwrap();
    let mut rows: Vec<String> = stmt
        .query_map([], |r| {
            let sql: String = r.get(3)?;
            Ok(format!(
                "{} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                sql.split_whitespace().collect::<Vec<_>>().join(" ")
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

/// A journal as the version-1 program left it, with a client and a note.
fn make_v1(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(V1).unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO journal_meta (key, value) VALUES ('site_id', '00000000-0000-4000-8000-0000000000a1'), ('hlc', '0');
         INSERT INTO unit VALUES ('00000000-0000-4000-8000-000000000001', '0320', 'alcohol', 'Faxe Rusmiddelcenter',
             '00000000-0000-4000-8000-0000000000a1', 1, '2025-01-01T00:00:00.000Z', 'x', '2025-01-01T00:00:00.000Z', 'x');
         INSERT INTO site VALUES ('00000000-0000-4000-8000-0000000000a1', 'Haslev', '00000000-0000-4000-8000-000000000001', '2025-01-01T00:00:00.000Z');
         INSERT INTO staff (id, unit_id, name, initials, role, origin_site, version, created_at, created_by, changed_at, changed_by)
             VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Gammel Bruger', 'GB', 'leader',
             '00000000-0000-4000-8000-0000000000a1', 2, '2025-01-01T00:00:00.000Z', 'x', '2025-01-01T00:00:00.000Z', 'x');
         INSERT INTO client (id, name, municipality, origin_site, version, created_at, created_by, changed_at, changed_by)
             VALUES ('00000000-0000-4000-8000-000000000003', 'Valdemar Versionsen', '0320',
             '00000000-0000-4000-8000-0000000000a1', 3, '2025-01-01T00:00:00.000Z', 'x', '2025-01-01T00:00:00.000Z', 'x');
         INSERT INTO note (id, client_id, written_on, text, origin_site, version, created_at, created_by, changed_at, changed_by)
             VALUES ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000003', '2025-01-02',
             'Samtale om tilbagefald før opgraderingen.',
             '00000000-0000-4000-8000-0000000000a1', 4, '2025-01-01T00:00:00.000Z', 'x', '2025-01-01T00:00:00.000Z', 'x');",
    )
    .unwrap();
}

#[test]
fn a_version_1_journal_is_upgraded_to_the_fresh_schema_and_keeps_its_data() {
    let w = World::new();
    let fresh = schema_of(&sql(&w.j));
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.journal");
    make_v1(&old);
    assert_ne!(schema_of(&rusqlite::Connection::open(&old).unwrap()), fresh, "v1 differs from today's schema");

    let mut j = Journal::open(&old).unwrap();
    assert_eq!(j.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(schema_of(&sql(&j)), fresh);
    // Data from before the upgrade is found by the search the upgrade added,
    // by the old journal's leader.
    let gb = Ctx::new(j.staff_by_initials("GB").unwrap(), w.clock.clone());
    let hits = j.search_notes(&gb, "tilbagefald", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].client_name, "Valdemar Versionsen");
    let found = j.client_list(&gb, "valde", &Default::default(), 10).unwrap();
    assert_eq!(found.len(), 1);
    // The sync upgrade logged every row the journal held as the insert that
    // made it, stamped with its origin site and version, so it can travel.
    let logged: Vec<(String, i64, String)> = sql(&j)
        .prepare("SELECT tbl, hlc, json_extract(value, '$.name') FROM sync_change WHERE grp = '' ORDER BY hlc")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?.unwrap_or_default())))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        logged,
        vec![
            ("unit".into(), 1, "Faxe Rusmiddelcenter".into()),
            ("staff".into(), 2, "Gammel Bruger".into()),
            ("client".into(), 3, "Valdemar Versionsen".into()),
            ("note".into(), 4, String::new()),
        ]
    );
    // And opening again is a no-op.
    drop(j);
    let j = Journal::open(&old).unwrap();
    assert_eq!(schema_of(&sql(&j)), fresh);
}

#[test]
fn a_journal_newer_than_the_program_is_refused_and_left_alone() {
    let w = World::new();
    let path = w.path();
    sql(&w.j).pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    drop(w.j);
    let before = std::fs::read(&path).unwrap();
    let err = Journal::open(&path).unwrap_err();
    assert_eq!(err.code(), "journal_too_new");
    assert!(err.to_string().contains("nyere version af Tovholder"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_no_journal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "Dette er ikke en database, bare tekst. ".repeat(200)).unwrap();
    assert_eq!(Journal::open(&text).unwrap_err().code(), "not_a_journal");
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "Dette er ikke en database, bare tekst. ".repeat(200));
    let empty_db = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty_db).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    assert_eq!(Journal::open(&empty_db).unwrap_err().code(), "not_a_journal");
    assert_eq!(Journal::open(&dir.path().join("missing.journal")).unwrap_err().code(), "no_journal");
}

#[test]
fn the_frozen_v1_schema_is_the_first_released_one() {
    // Guards the freeze: v1.sql is what journals of the first release hold,
    // so it must never be edited to make the upgrade test above pass. Since
    // version 5 schema.sql's older part has a newer shape (the keys of local
    // work are plain indexes, migration 005), so the guard is the file's
    // digest, not a text compare with schema.sql.
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(V1.as_bytes()));
    assert_eq!(digest, "9de5e81ae96f2d23d9dc2e5b071c794d2a2787ac73b3985926884919508257df");
}
