//! The read-only queries behind the desktop app's screens (`src/store/screens.rs`).

use crate::support::World;

#[test]
fn municipalities_are_the_journals_own_list_by_code() {
    let w = World::new();
    let list = w.j.municipalities().unwrap();
    let pairs: Vec<(&str, &str)> = list.iter().map(|c| (c.code.as_str(), c.label.as_str())).collect();
    assert!(pairs.contains(&("0320", "Faxe")), "{pairs:?}");
    assert!(pairs.contains(&("0336", "Stevns")), "{pairs:?}");
    let mut sorted = pairs.clone();
    sorted.sort();
    assert_eq!(pairs, sorted, "listed by code");
}
