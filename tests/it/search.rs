//! The client search by name reads the name index (src/store/names.rs) in
//! the list's order; what it lists must be what the full-text index of
//! names finds, in the same order, cut to the same screenful, for every
//! role and filter, and follow a client's change of name.

use std::collections::HashSet;
use std::sync::Arc;

use tovholder::model::*;
use tovholder::store::ClientFilter;
use tovholder::{Ctx, Journal};

use crate::support::*;

/// A generated journal of `clients` clients, loaded through the write path.
fn generated(clients: usize) -> (tempfile::TempDir, Journal, JournalFile, Arc<FixedClock>) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::on(date(TODAY)));
    let file = tovholder::fixtures::generate(clients, 7, date(TODAY));
    let unit = file.units[0].clone();
    let setup = tovholder::Setup { site_name: unit.name.clone(), unit, first_staff: file.staff[0].clone() };
    let (mut j, ctx) = Journal::create(&dir.path().join("search.journal"), &setup, clock.clone()).unwrap();
    j.import(&ctx, &file).unwrap();
    (dir, j, file, clock)
}

/// The list as the full-text index of names gives it (every word of the
/// query as a prefix, sorted by name without ASCII case, then id), from the
/// test's own connection; `only` keeps the ids a role may see.
fn by_full_text(
    conn: &rusqlite::Connection,
    query: &str,
    open_course: bool,
    only: Option<&HashSet<String>>,
    limit: usize,
) -> Vec<String> {
    let fts: Vec<String> =
        query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"*")).collect();
    let mut stmt = conn
        .prepare(
            "SELECT c.id FROM client_fts f JOIN client c ON c.rid = f.rowid WHERE client_fts MATCH ?1
             AND (?2 = 0 OR EXISTS (SELECT 1 FROM course co WHERE co.client_id = c.id AND co.end_on IS NULL))
             ORDER BY c.name COLLATE NOCASE, c.id",
        )
        .unwrap();
    let ids: Vec<String> = stmt
        .query_map(rusqlite::params![fts.join(" AND "), open_course], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    ids.into_iter().filter(|id| only.is_none_or(|o| o.contains(id))).take(limit).collect()
}

/// Queries a person would type: whole words and prefixes of them, in
/// other case, first name with the start of the surname.
fn queries(f: &JournalFile) -> Vec<String> {
    let mut out = Vec::new();
    for c in f.clients.iter().step_by(37).take(30) {
        let words: Vec<&str> = c.name.split_whitespace().collect();
        let (first, last) = (words[0], words[words.len() - 1]);
        let p = |w: &str, n: usize| w.chars().take(n).collect::<String>();
        out.extend([
            last.to_string(),
            p(last, 1),
            p(last, 2),
            p(last, 3).to_uppercase(),
            p(first, 4).to_lowercase(),
            format!("{first} {}", p(last, 3)),
            format!("{} {}", p(last, 2), p(first, 2)),
            format!("{}-{}", p(first, 3), p(first, 2)),
        ]);
    }
    out.extend(["Ø", "æ", "å", "zzzz", "a b c"].map(String::from));
    out
}

#[test]
fn a_name_search_lists_what_the_full_text_index_finds_in_the_same_order_for_every_role() {
    let (_dir, mut j, f, clock) = generated(400);
    let conn = sql(&j);
    let mut roles_seen = 0;
    for role in ["leader", "alcohol_consultant", "family_consultant", "secretary"] {
        let Some(staff) = f.staff.iter().find(|s| s.role == role) else { continue };
        roles_seen += 1;
        let ctx = Ctx::new(staff.id.unwrap(), clock.clone());
        let visible: HashSet<String> = j
            .client_list(&ctx, "", &ClientFilter::default(), 100_000)
            .unwrap()
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
        let only = (visible.len() < f.clients.len()).then_some(&visible);
        if role == "family_consultant" {
            assert!(only.is_some_and(|o| !o.is_empty()), "a family consultant sees some cases, not all");
        }
        let mut non_empty = 0;
        for q in queries(&f) {
            for (limit, active) in [(50, false), (3, false), (50, true)] {
                let filter = ClientFilter { active, ..Default::default() };
                let listed: Vec<String> =
                    j.client_list(&ctx, &q, &filter, limit).unwrap().into_iter().map(|c| c.id.to_string()).collect();
                let expected = by_full_text(&conn, &q, active, only, limit);
                assert_eq!(listed, expected, "{role} searching {q:?} (limit {limit}, open course only: {active})");
                non_empty += usize::from(!listed.is_empty());
            }
        }
        assert!(non_empty > 100, "{role}: the queries find clients ({non_empty})");
    }
    assert_eq!(roles_seen, 4);
}

#[test]
fn a_renamed_client_is_found_by_the_new_name_and_not_the_old() {
    let mut w = World::new();
    let id = w.client("Oline Ærbæk-Sandgaard", "0101801234", "0320");
    w.client("Ole Sand", "0202802345", "0320");
    let find = |w: &mut World, q: &str| -> Vec<String> {
        let ctx = w.ctx.clone();
        w.j.client_list(&ctx, q, &ClientFilter::default(), 50).unwrap().into_iter().map(|c| c.name).collect()
    };
    assert_eq!(find(&mut w, "ærb"), ["Oline Ærbæk-Sandgaard"]);
    assert_eq!(find(&mut w, "ÆRBÆK"), ["Oline Ærbæk-Sandgaard"]);
    assert_eq!(find(&mut w, "sand"), ["Ole Sand", "Oline Ærbæk-Sandgaard"]);
    assert_eq!(find(&mut w, "ol sandg"), ["Oline Ærbæk-Sandgaard"]);

    let ctx = w.ctx.clone();
    let mut record = client_record("Oline Holm", Some("0101801234"));
    record.municipality = "0320".into();
    w.j.update_client(&ctx, id, &record).unwrap();
    assert!(find(&mut w, "ærbæk").is_empty(), "the old name is no longer found");
    assert_eq!(find(&mut w, "sand"), ["Ole Sand"]);
    assert_eq!(find(&mut w, "holm ol"), ["Oline Holm"]);
    // The index holds each word of each name once, and nothing else.
    let rows: Vec<(String, String)> = sql(&w.j)
        .prepare("SELECT word, name FROM client_word ORDER BY word")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let words: Vec<&str> = rows.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(words, ["holm", "ole", "oline", "sand"]);
}
