//! The write path's stamps and audit entries: every change says who made it,
//! when and where, and leaves a hash-chained audit entry naming the person
//! whose record it touched; reads of a record are logged too.

use tovholder::model::*;

use crate::support::*;

#[test]
fn every_write_is_stamped_and_audited_and_reads_are_logged() {
    let mut w = World::new();
    let client = w.client("Stine Stempel", "141290-1236", "0320");
    let (site, version, created_by, created_at): (String, i64, String, String) = sql(&w.j)
        .query_row("SELECT origin_site, version, created_by, created_at FROM client WHERE id = ?1", [client], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!(site, w.j.site().to_string());
    assert_eq!(created_by, w.consultant.to_string());
    assert_eq!(created_at, "2026-11-23T12:00:00.000Z");
    assert!(version > 0);

    let mut update = ClientRecord {
        id: None,
        name: "Stine Stempel-Hansen".into(),
        cpr: Some(Cpr::parse("141290-1236").unwrap()),
        anonymous: false,
        birth_date: None,
        sex: None,
        municipality: "0336".into(),
        address: None,
        phone: None,
        email: None,
    };
    w.clock.advance(chrono::Duration::minutes(5));
    w.j.update_client(&w.as_staff(w.leader), client, &update).unwrap();
    let (new_version, changed_by): (i64, String) = sql(&w.j)
        .query_row("SELECT version, changed_by FROM client WHERE id = ?1", [client], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(new_version > version, "the hybrid clock moves forward");
    assert_eq!(changed_by, w.leader.to_string());

    // Even when the wall clock goes backwards, versions do not.
    w.clock.advance(chrono::Duration::days(-3));
    update.name = "Stine Stempel".into();
    w.j.update_client(&w.ctx, client, &update).unwrap();
    let third: i64 = sql(&w.j).query_row("SELECT version FROM client WHERE id = ?1", [client], |r| r.get(0)).unwrap();
    assert!(third > new_version);

    w.j.client_record(&w.ctx, client).unwrap();
    let entries: Vec<(String, Option<String>, Option<String>)> = sql(&w.j)
        .prepare("SELECT action, entity, detail FROM audit_log WHERE person_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([client.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(actions, vec!["create", "change", "change", "read"]);
    assert_eq!(entries[1].2.as_deref().map(|d| d.contains("municipality")), Some(true));
}

#[test]
fn the_audit_log_is_a_hash_chain_and_cannot_be_changed() {
    let mut w = World::new();
    let client = w.client("Kæde Kædesen", "151291-1237", "0320");
    w.j.client_record(&w.ctx, client).unwrap();
    let rows: Vec<(i64, String, String)> = sql(&w.j)
        .prepare("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(rows.len() >= 8, "set-up, units, staff, the client and the read are all logged");
    assert_eq!(rows[0].1, "0".repeat(64));
    for pair in rows.windows(2) {
        assert_eq!(pair[1].1, pair[0].2, "each entry names the hash before it");
        assert_eq!(pair[1].0, pair[0].0 + 1);
    }
    assert_eq!(w.j.verify_audit().unwrap(), None, "an untouched log verifies");
    for change in ["UPDATE audit_log SET action = 'read'", "DELETE FROM audit_log"] {
        let err = sql(&w.j).execute(change, []).unwrap_err();
        assert!(err.to_string().contains("never changed"), "{err}");
    }

    // Someone with the file and an SQLite tool drops the guard and edits an
    // entry: the chain shows where.
    sql(&w.j)
        .execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'read' WHERE seq = 3")
        .unwrap();
    assert_eq!(w.j.verify_audit().unwrap(), Some(3));
}
