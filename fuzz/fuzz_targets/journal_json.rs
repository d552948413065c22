//! The journal JSON import (`tovholder import`): any file is either refused
//! with an error or imported; nothing panics, and a refused file leaves the
//! journal as it was.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use tovholder::model::*;
use tovholder::{Journal, Setup};

fn seed_dir() -> &'static tempfile_free::Dir {
    static DIR: OnceLock<tempfile_free::Dir> = OnceLock::new();
    DIR.get_or_init(tempfile_free::Dir::new)
}

/// A scratch folder without extra dependencies.
mod tempfile_free {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let p = std::env::temp_dir().join(format!("tovholder-fuzz-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&p);
            Dir(p)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(file) = serde_json::from_str::<JournalFile>(text) else { return };
    let path = seed_dir().0.join("fuzz.journal");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let setup = Setup {
        site_name: "Fuzz".into(),
        unit: UnitRecord { id: None, municipality: "0320".into(), kind: "alcohol".into(), name: "Fuzz".into() },
        first_staff: StaffRecord {
            id: None,
            unit_id: UnitId::new(),
            name: "Fuzz Leder".into(),
            initials: "FZ".into(),
            role: "leader".into(),
        },
    };
    let clock = Arc::new(FixedClock::on(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")));
    let (mut j, ctx) = Journal::create(&path, &setup, clock).expect("create");
    let clients_before: i64 = j.connection().query_row("SELECT count(*) FROM client", [], |r| r.get(0)).expect("count");
    if j.import(&ctx, &file).is_err() {
        let clients_after: i64 = j.connection().query_row("SELECT count(*) FROM client", [], |r| r.get(0)).expect("count");
        assert_eq!(clients_before, clients_after, "a refused file changed the journal");
    }
});
