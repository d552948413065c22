//! The files around the journal under real use (issue 17): the keyring
//! written rarely and atomically, damage told apart from a wrong password,
//! throttling per login name, several processes at once, damaged and
//! missing files named, and the frozen keyring format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use tovholder::model::*;
use tovholder::security::keys::{slot_aad, DbKey, KdfParams, Keyring, Secret, SlotKind};
use tovholder::{Journal, Setup};

use crate::support::*;

const PW: &str = "rigtig-hemmelig-kode";

fn setup(initials: &str) -> Setup {
    Setup {
        site_name: "Testby".into(),
        unit: UnitRecord {
            id: None,
            municipality: "0320".into(),
            kind: "alcohol".into(),
            name: "Testby Alkoholbehandling".into(),
        },
        first_staff: StaffRecord {
            id: None,
            unit_id: UnitId::new(),
            name: "Østen Kragelund".into(),
            initials: initials.into(),
            role: "leader".into(),
        },
    }
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::on(date(TODAY)))
}

/// An encrypted journal whose first user (a leader) has `initials`.
fn keyed(dir: &Path, initials: &str) -> PathBuf {
    let path = dir.join("testby.journal");
    let (j, _, _) = Journal::create_keyed(&path, &setup(initials), &Secret::new(PW), clock(), KdfParams::TEST_ONLY)
        .expect("create");
    drop(j);
    path
}

fn keys_text(path: &Path) -> String {
    std::fs::read_to_string(Keyring::path_for(path)).expect("keyring")
}

// ---------------------------------------------------------------- 11.4 frozen

const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/keyring-v1");
const GOLDEN_SITE: &str = "01a23363-2e04-71c8-9633-3c0a665282d1";
const GOLDEN_STAFF: &str = "01a23363-2e04-71c8-9633-3c0c16b1f627";
const GOLDEN_KEY: &str = "28B92CA756DCB0B62D138A33F59CE838C313C47E384F6F1C46E3ED58FC36295D";
const GOLDEN_PW: &str = "golden-adgangskode-v1";
const GOLDEN_RECOVERY: &str = "81AF-3089-234E-DB7B-5D97-1000-F72B-2B74";

/// The golden keyring copied beside a (not existing) journal in `dir`.
fn golden(dir: &Path) -> PathBuf {
    let journal = dir.join("v1.journal");
    std::fs::copy(Path::new(GOLDEN_DIR).join("v1.journal.keys"), Keyring::path_for(&journal)).expect("copy");
    journal
}

#[test]
fn a_keyring_written_by_the_first_release_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let journal = golden(dir.path());
    let ring = Keyring::load(&journal).unwrap();
    assert_eq!(ring.version, 1);
    assert!(ring.problems().is_empty(), "{:?}", ring.problems());
    for login in ["ØK", "øk", "Øk", " øK "] {
        let (key, staff) = ring.unlock_user(login, &Secret::new(GOLDEN_PW)).unwrap().expect(login);
        assert_eq!(key.to_hex().as_str(), GOLDEN_KEY, "{login}");
        assert_eq!(staff.to_string(), GOLDEN_STAFF);
    }
    assert!(ring.unlock_user("ØK", &Secret::new("forkert-adgangskode")).unwrap().is_none());
    let key = ring.unlock_recovery(&Secret::new(GOLDEN_RECOVERY)).unwrap().unwrap();
    assert_eq!(key.to_hex().as_str(), GOLDEN_KEY);
    // Written again (a slot changes), it becomes version 2 and still opens
    // with the same password, the old slot untouched.
    let mut ring = ring;
    ring.set_recovery(&Secret::new("1111-2222-3333-4444-5555-6666-7777-8888"), &key, KdfParams::TEST_ONLY).unwrap();
    ring.save(&journal).unwrap();
    let again = Keyring::load(&journal).unwrap();
    assert_eq!(again.version, 2);
    assert!(again.problems().is_empty());
    let (key2, _) = again.unlock_user("øk", &Secret::new(GOLDEN_PW)).unwrap().unwrap();
    assert_eq!(key2.to_hex().as_str(), GOLDEN_KEY);
}

#[test]
fn the_slot_associated_data_and_checksums_are_frozen_bytes() {
    // If these bytes change, every keyring written before fails to open.
    let site: SiteId = GOLDEN_SITE.parse().unwrap();
    let staff: StaffId = GOLDEN_STAFF.parse().unwrap();
    let expected = format!("tovholder-keyring-v1|{GOLDEN_SITE}|User|ØK|{GOLDEN_STAFF}");
    assert_eq!(slot_aad(site, SlotKind::User, "ØK", Some(staff)), expected.as_bytes());
    let recovery = format!("tovholder-keyring-v1|{GOLDEN_SITE}|Recovery|RECOVERY|");
    assert_eq!(slot_aad(site, SlotKind::Recovery, "RECOVERY", None), recovery.as_bytes());
    // The checksums of the golden slots and file (computed independently,
    // with Python's hashlib, from the layout documented in keys.rs).
    let dir = tempfile::tempdir().unwrap();
    let mut ring = Keyring::load(&golden(dir.path())).unwrap();
    assert_eq!(ring.slots[0].checksum(site), "c7dbbdc94f4daa9a06fcfa5d80978f54f9290ec6d3549c0c583f226b30aff74c");
    assert_eq!(ring.slots[1].checksum(site), "f8ba17de65d1010bfd76960a0e1f811c2b64ac1a00c7b2ce7c859a46e1f3e769");
    ring.version = 2;
    assert_eq!(ring.checksum(), "4295e298d3d89c4587498266a1ad689682f0dea8622cca58d09dac9d7b5dc02e");
}

// ------------------------------------------------------- 1. the keyring file

#[test]
fn a_login_never_writes_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let before = (keys_text(&path), std::fs::metadata(Keyring::path_for(&path)).unwrap().modified().unwrap());
    let c = clock();
    Journal::login(&path, "LL", &Secret::new(PW), c.clone()).unwrap();
    Journal::login(&path, "LL", &Secret::new("forkert-kode-her"), c.clone()).unwrap_err();
    Journal::login(&path, "ZZ", &Secret::new(PW), c.clone()).unwrap_err();
    Journal::login(&path, "LL", &Secret::new(PW), c).unwrap();
    let after = (keys_text(&path), std::fs::metadata(Keyring::path_for(&path)).unwrap().modified().unwrap());
    assert_eq!(after, before);
    // Nothing but the journal's own files is left in the folder.
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["testby.journal", "testby.journal.head", "testby.journal.keys", "testby.journal.logins"]);
}

#[test]
fn keyring_writes_at_the_same_time_each_leave_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let ring = Keyring::load(&path).unwrap();
    let key = DbKey::random();
    std::thread::scope(|s| {
        for t in 0..4 {
            let (path, mut ring, key) = (&path, ring.clone(), key.clone());
            s.spawn(move || {
                for i in 0..10 {
                    let login = format!("T{t}{i}");
                    ring.set_user(&login, StaffId::new(), &Secret::new(PW), &key, KdfParams::TEST_ONLY).unwrap();
                    ring.save(path).unwrap();
                    assert!(Keyring::load(path).unwrap().problems().is_empty());
                }
            });
        }
    });
    assert!(Keyring::load(&path).unwrap().problems().is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Change one hex digit of `field` in slot `n` of the keyring file.
fn damage_slot(path: &Path, n: usize, field: &str) {
    let keys = Keyring::path_for(path);
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&keys).unwrap()).unwrap();
    let s = v["slots"][n][field].as_str().unwrap().to_string();
    let mut chars: Vec<char> = s.chars().collect();
    chars[10] = if chars[10] == '0' { '1' } else { '0' };
    v["slots"][n][field] = serde_json::Value::String(chars.into_iter().collect());
    std::fs::write(&keys, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// `tovholder` as `user` with the password `PW` and these variables.
fn cli_pw(journal: &Path, user: &str, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(journal)
        .arg("--as")
        .arg(user)
        .args(args)
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_PASSWORD", PW)
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .envs(envs.iter().copied())
        .output()
        .expect("run tovholder")
}

#[test]
fn two_administrators_changing_logins_at_once_in_two_processes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testby.journal");
    let mut first = setup("AD");
    first.first_staff.role = "administrator".into();
    let (mut j, ctx, _) =
        Journal::create_keyed(&path, &first, &Secret::new(PW), clock(), KdfParams::TEST_ONLY).unwrap();
    let other = StaffRecord {
        id: None,
        unit_id: j.unit(),
        name: "Anden Administrator".into(),
        initials: "AE".into(),
        role: "administrator".into(),
    };
    j.add_user(&ctx, &other, &Secret::new(PW), KdfParams::TEST_ONLY).unwrap();
    drop(j);
    const EACH: usize = 8;
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|s| {
        for admin in ["AD", "AE"] {
            let (path, failures) = (&path, &failures);
            s.spawn(move || {
                for i in 0..EACH {
                    // A new user with a login, and the administrator's own
                    // password set again, in turn.
                    let initials = format!("{}{i}", &admin[1..]);
                    let name = format!("Ny Bruger {initials}");
                    let out = cli_pw(
                        path,
                        admin,
                        &["user", "new", "--name", &name, "--initials", &initials, "--role", "secretary"],
                        &[("TOVHOLDER_NEW_PASSWORD", &format!("kode-for-{initials}"))],
                    );
                    let again = cli_pw(path, admin, &["user", "password"], &[("TOVHOLDER_NEW_PASSWORD", PW)]);
                    for out in [out, again] {
                        if !out.status.success() {
                            failures.lock().unwrap().push(stderr_of(&out));
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} failures, first: {:?}", failures.len(), failures.first());
    let ring = Keyring::load(&path).unwrap();
    assert!(ring.problems().is_empty());
    for admin in ["AD", "AE"] {
        assert!(ring.unlock_user(admin, &Secret::new(PW)).unwrap().is_some(), "{admin}");
        for i in 0..EACH {
            let initials = format!("{}{i}", &admin[1..]);
            let pw = Secret::new(format!("kode-for-{initials}"));
            assert!(ring.unlock_user(&initials, &pw).unwrap().is_some(), "the login of {initials} was lost");
        }
    }
    // 2 administrators, 16 new users and the recovery slot.
    assert_eq!(ring.slots.len(), 2 + 2 * EACH + 1);
}

#[test]
fn the_next_save_removes_temporary_keyring_files_of_dead_or_old_writers_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let tmp = |pid: u32, rnd: &str| dir.path().join(format!(".testby.journal.keys.{pid}-{rnd}.tmp"));
    // Left by a writer that was killed: no such process.
    let dead = tmp(4_000_000_000, "0123456789abcdef");
    // A live writer's (the init process, this process) that are young, and
    // one of a live writer that is two hours old.
    let live = tmp(1, "00000000000000aa");
    let own = tmp(std::process::id(), "00000000000000bb");
    let old = tmp(1, "00000000000000cc");
    // Not a keyring temporary at all.
    let other = dir.path().join(".testby.journal.keys.notes.tmp");
    for f in [&dead, &live, &own, &old, &other] {
        std::fs::write(f, b"half a keyring").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 60 * 60);
    std::fs::File::options().write(true).open(&old).unwrap().set_modified(two_hours_ago).unwrap();
    // A login reads only, and cleans nothing.
    let (mut j, ctx) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    assert!(dead.exists());
    j.set_login(&ctx, ctx.staff, &Secret::new("en-helt-ny-kode"), KdfParams::TEST_ONLY).unwrap();
    assert!(!dead.exists() && !old.exists());
    assert!(live.exists() && own.exists() && other.exists());
    assert!(Keyring::load(&path).unwrap().unlock_user("LL", &Secret::new("en-helt-ny-kode")).unwrap().is_some());
}

#[test]
fn a_damaged_slot_is_a_damaged_keyring_not_a_wrong_password() {
    for field in ["wrapped", "salt", "nonce"] {
        let dir = tempfile::tempdir().unwrap();
        let path = keyed(dir.path(), "LL");
        damage_slot(&path, 0, field);
        let c = clock();
        for _ in 0..5 {
            let e = Journal::login(&path, "LL", &Secret::new(PW), c.clone()).unwrap_err();
            assert_eq!(e.code(), "keyring_damaged", "{field}: {e}");
            assert!(e.to_string().contains("nøglefil er beskadiget"), "{e}");
            assert!(e.to_string().contains("testby.journal.keys"), "{e}");
        }
        // Never counted as a failed login.
        assert!(!tovholder::security::throttle::path_for(&path).exists());
        let ring = Keyring::load(&path).unwrap();
        assert_eq!(ring.problems(), ["filens kontrolsum passer ikke", "nøglen for LL er beskadiget"]);
    }
}

#[test]
fn kdf_parameters_the_program_never_writes_are_refused_before_any_work() {
    for (m, t, p) in [(4u64 << 30, 1u64, 1u64), (64, 1_000_000, 1), (64, 1, 255), (0, 1, 1)] {
        let dir = tempfile::tempdir().unwrap();
        let path = keyed(dir.path(), "LL");
        let keys = Keyring::path_for(&path);
        let text = std::fs::read_to_string(&keys).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["slots"][0]["kdf"] = serde_json::json!({ "m_kib": m, "t": t, "p": p });
        std::fs::write(&keys, serde_json::to_string(&v).unwrap()).unwrap();
        let started = std::time::Instant::now();
        let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
        assert!(matches!(e.code(), "keyring_damaged"), "{m} {t} {p}: {e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

#[test]
fn a_missing_keyring_is_named_and_so_is_a_missing_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    std::fs::rename(Keyring::path_for(&path), dir.path().join("elsewhere")).unwrap();
    let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
    assert_eq!(e.code(), "keyring_missing");
    assert!(e.to_string().contains("nøglefil mangler") && e.to_string().contains("testby.journal.keys"), "{e}");
    // Opened as if it were unencrypted (what the CLI does without a keyring).
    let e = Journal::open(&path).unwrap_err();
    assert_eq!(e.code(), "keyring_missing", "{e}");
    assert!(e.to_string().contains("testby.journal.keys"), "{e}");
    std::fs::rename(dir.path().join("elsewhere"), Keyring::path_for(&path)).unwrap();
    std::fs::remove_file(&path).unwrap();
    let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
    assert_eq!(e.code(), "no_journal");
    assert!(e.to_string().contains("testby.journal"), "{e}");
}

#[test]
fn a_damaged_or_empty_journal_is_named_as_the_journal_not_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let good = std::fs::read(&path).unwrap();
    // The first page (its salt is intact, its content is not), then an empty file.
    let mut first = good.clone();
    first[100] ^= 0x40;
    for bytes in [first, Vec::new()] {
        std::fs::write(&path, &bytes).unwrap();
        let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
        assert_eq!(e.code(), "journal_damaged", "{e}");
        assert!(e.to_string().contains("Journalen er beskadiget") && e.to_string().contains("testby.journal"), "{e}");
        assert!(!e.to_string().contains(".keys"), "{e}");
    }
}

// ------------------------------------------------------------ 2. throttling

#[test]
fn one_persons_typing_slows_only_that_login_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testby.journal");
    let mut admin = setup("ØK");
    admin.first_staff.role = "administrator".into();
    let (mut j, ctx, _) =
        Journal::create_keyed(&path, &admin, &Secret::new(PW), clock(), KdfParams::TEST_ONLY).unwrap();
    let bh = StaffRecord {
        id: None,
        unit_id: j.unit(),
        name: "Bodil Hansen".into(),
        initials: "BH".into(),
        role: "alcohol_consultant".into(),
    };
    j.add_user(&ctx, &bh, &Secret::new("bodils-adgangskode"), KdfParams::TEST_ONLY).unwrap();
    drop(j);
    let c = clock();
    // A stranger tries the unknown initials ZZ five times.
    for _ in 0..5 {
        let e = Journal::login(&path, "ZZ", &Secret::new("gaet-en-kode"), c.clone());
        assert!(matches!(e.unwrap_err().code(), "login_failed" | "login_throttled"));
    }
    assert_eq!(
        Journal::login(&path, "zz", &Secret::new("gaet-en-kode"), c.clone()).unwrap_err().code(),
        "login_throttled"
    );
    // Everyone else logs in at once, ØK in any case.
    Journal::login(&path, "BH", &Secret::new("bodils-adgangskode"), c.clone()).unwrap();
    Journal::login(&path, "øk", &Secret::new(PW), c.clone()).unwrap();
    Journal::login(&path, "ØK", &Secret::new(PW), c.clone()).unwrap();
    // ØK's own mistakes count for ØK whichever case is typed.
    for login in ["øk", "ØK", "Øk"] {
        assert_eq!(
            Journal::login(&path, login, &Secret::new("forkert-kode"), c.clone()).unwrap_err().code(),
            "login_failed"
        );
    }
    let e = Journal::login(&path, "øK", &Secret::new(PW), c.clone()).unwrap_err();
    assert_eq!(e.code(), "login_throttled");
    Journal::login(&path, "BH", &Secret::new("bodils-adgangskode"), c.clone()).unwrap();
    c.advance(chrono::Duration::seconds(3));
    drop(Journal::login(&path, "øk", &Secret::new(PW), c.clone()).unwrap());
    let db = sql_keyed(&path, "ØK", PW);
    // Every failure reached the audit log, with the name typed (attempts
    // refused while throttled are not tried, so not failures).
    let failed: Vec<String> = db
        .prepare("SELECT detail FROM audit_log WHERE action = 'login_failed' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(failed.len(), 3 + 3, "{failed:?}");
    assert!(failed[..3].iter().all(|f| f.starts_with("login=ZZ ")), "{failed:?}");
    assert!(failed[3..].iter().all(|f| f.starts_with("login=ØK ")), "{failed:?}");
    // The others' logins did not reset the stranger's count: after the
    // wait, one more try, then a longer wait.
    assert_eq!(
        Journal::login(&path, "ZZ", &Secret::new("gaet-en-kode"), c.clone()).unwrap_err().code(),
        "login_failed"
    );
    let e = Journal::login(&path, "ZZ", &Secret::new("gaet-en-kode"), c).unwrap_err();
    assert!(e.to_string().contains("Vent 4 sekunder"), "{e}");
}

// ------------------------------------------------------ 3. concurrent use

fn cli(journal: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(journal)
        .arg("--as")
        .arg(user)
        .args(args)
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_PASSWORD", "demo-adgangskode")
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .output()
        .expect("run tovholder")
}

fn demo(dir: &Path) -> PathBuf {
    let path = dir.join("demo.journal");
    let out = Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(&path)
        .arg("demo")
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

#[test]
fn several_processes_read_and_write_one_journal_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let clock: Arc<dyn Clock> = clock();
    let db = sql_keyed(&path, "BH", "demo-adgangskode");
    let notes =
        |db: &rusqlite::Connection| -> i64 { db.query_row("SELECT count(*) FROM note", [], |r| r.get(0)).unwrap() };
    let notes_before = notes(&db);
    let client: String = db.query_row("SELECT id FROM client ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    drop(db);
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|s| {
        for (user, n) in [("BH", 150), ("SK", 150), ("MS", 150), ("BH", 150)] {
            let (path, failures) = (&path, &failures);
            s.spawn(move || {
                for _ in 0..n {
                    let out = cli(path, user, &["client", "list"]);
                    if !out.status.success() {
                        failures.lock().unwrap().push(String::from_utf8_lossy(&out.stderr).into_owned());
                    }
                }
            });
        }
        for (w, user) in ["BH", "MS"].into_iter().enumerate() {
            let (path, failures, client) = (&path, &failures, &client);
            s.spawn(move || {
                for i in 0..200 {
                    let text = format!("Parallel note {w}-{i}");
                    let out = cli(path, user, &["note", "add", "--client", client, "--text", &text]);
                    if !out.status.success() {
                        failures.lock().unwrap().push(String::from_utf8_lossy(&out.stderr).into_owned());
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} failures, first: {:?}", failures.len(), failures.first());
    let (mut j, ctx) = Journal::login(&path, "BH", &Secret::new("demo-adgangskode"), clock).unwrap();
    let db = sql_keyed(&path, "BH", "demo-adgangskode");
    assert_eq!(notes(&db), notes_before + 400, "no write is lost");
    for w in 0..2 {
        for i in 0..200 {
            let n: i64 = db
                .query_row("SELECT count(*) FROM note WHERE text = ?1", [format!("Parallel note {w}-{i}")], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(n, 1, "note {w}-{i}");
        }
    }
    assert_eq!(j.audit_check(&ctx).unwrap().first_broken, None);
    let logins: i64 = db.query_row("SELECT count(*) FROM audit_log WHERE action = 'login'", [], |r| r.get(0)).unwrap();
    assert!(logins >= 1000, "every login is in the audit log: {logins}");
}

// ------------------------------------- 4 and 6. checked, and named, in Danish

/// A copy of `bytes` with one bit flipped at `offset`.
fn flipped(bytes: &[u8], offset: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[offset] ^= 0x08;
    b
}

/// Offsets spread over every part of a file of `len` bytes (first page,
/// middle, last page, page boundaries).
fn offsets(len: usize) -> Vec<usize> {
    vec![20, 100, 4095, 4096 + 17, len / 3, len / 2, len - 4096 + 300, len - 1]
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// No English library log line reached the terminal.
fn assert_danish_only(stderr: &str) {
    for english in ["ERROR", "CORE", "hmac", "sqlite", "SQLite", "panicked", "database "] {
        assert!(!stderr.contains(english), "{english:?} in {stderr:?}");
    }
}

#[test]
fn check_finds_damage_anywhere_in_the_journal_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let out = cli(&path, "BH", &["check"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Journalen er i orden."), "{text}");
    // A secretary may not run it.
    let out = cli(&path, "PL", &["check"]);
    assert!(!out.status.success());
    assert!(stderr_of(&out).contains("Fejl [forbidden]"), "{}", stderr_of(&out));
    let good = std::fs::read(&path).unwrap();
    // Each round starts from the same journal, and so from its head (the
    // reads below write to the audit log: without it, the journal put back
    // is rightly behind).
    let head = tovholder::store::head::path_for(&path);
    let good_head = std::fs::read(&head).unwrap();
    for offset in offsets(good.len()) {
        std::fs::write(&path, flipped(&good, offset)).unwrap();
        std::fs::write(&head, &good_head).unwrap();
        let out = cli(&path, "BH", &["check"]);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), stderr_of(&out));
        assert!(!out.status.success(), "offset {offset}: {stdout}");
        assert!(stderr.contains("Fejl [journal_damaged]"), "offset {offset}: {stderr}");
        assert!(stdout.contains("FEJL") && stdout.contains("demo.journal er beskadiget"), "offset {offset}: {stdout}");
        assert!(stdout.contains("Gendan journalen fra den nyeste sikkerhedskopi"), "{stdout}");
        assert_danish_only(&stderr);
        // An ordinary command on the damaged journal names the journal too,
        // or (when the damaged page is not read) works.
        let out = cli(&path, "BH", &["client", "list"]);
        let stderr = stderr_of(&out);
        assert_danish_only(&stderr);
        if !out.status.success() {
            assert!(stderr.contains("Fejl [journal_damaged]"), "offset {offset}: {stderr}");
        }
    }
}

#[test]
fn restore_refuses_a_damaged_backup_and_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let backup = dir.path().join("kopi.journal");
    let out = cli(&path, "BH", &["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let good = std::fs::read(&backup).unwrap();
    let target = dir.path().join("genskabt.journal");
    for offset in offsets(good.len()) {
        std::fs::write(&backup, flipped(&good, offset)).unwrap();
        let out = cli(&target, "BH", &["restore", backup.to_str().unwrap()]);
        let stderr = stderr_of(&out);
        assert!(!out.status.success(), "offset {offset} restored");
        assert!(
            stderr.contains("Fejl [backup_damaged]") && stderr.contains("kopi.journal"),
            "offset {offset}: {stderr}"
        );
        assert_danish_only(&stderr);
        assert!(!target.exists() && !Keyring::exists(&target), "offset {offset} left a file");
    }
    std::fs::write(&backup, &good).unwrap();
    let out = cli(&target, "BH", &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(tovholder::security::check::check_journal(&target, "BH", &Secret::new("demo-adgangskode"), clock())
        .unwrap()
        .ok());
    // Only the journals' own files, nothing half-made.
    let tmp: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "{tmp:?}");
}

#[test]
fn a_failed_backup_leaves_no_file_and_a_retry_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let missing = dir.path().join("ingen-mappe").join("kopi.journal");
    let out = cli(&path, "BH", &["backup", "--out", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("Fejl [io]") && stderr_of(&out).contains("filen findes ikke"),
        "{}",
        stderr_of(&out)
    );
    assert!(!missing.exists() && !Keyring::exists(&missing));
    std::fs::create_dir(dir.path().join("ingen-mappe")).unwrap();
    let out = cli(&path, "BH", &["backup", "--out", missing.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(missing.exists() && Keyring::exists(&missing));
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("ingen-mappe"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["kopi.journal", "kopi.journal.head", "kopi.journal.keys"]);
}

#[test]
fn a_demo_killed_half_way_leaves_nothing_or_a_whole_journal() {
    let dir = tempfile::tempdir().unwrap();
    for (i, ms) in [5u64, 30, 60, 120, 250].into_iter().enumerate() {
        let path = dir.path().join(format!("demo-{i}.journal"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_tovholder"))
            .arg("--journal")
            .arg(&path)
            .arg("demo")
            .env("TOVHOLDER_NOW", "2026-11-23")
            .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        if path.exists() {
            // Renamed into place only when complete: it opens, every login works.
            assert!(Keyring::exists(&path));
            Journal::login(&path, "SK", &Secret::new("demo-adgangskode"), clock()).unwrap();
        } else {
            assert!(!Keyring::exists(&path), "a keyring without its journal after {ms} ms");
            // The retry is not refused by anything left behind.
            demo_at(&path);
        }
    }
}

fn demo_at(path: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(path)
        .arg("demo")
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

// ----------------------------------------------------------- 5. lost WAL

#[test]
fn a_closed_or_checkpointed_journal_is_whole_without_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let (mut j, ctx) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    let client = j.add_client(&ctx, &client_record("Wal Testesen", None)).unwrap();
    for i in 0..20 {
        j.add_note(&ctx, &note(client, TODAY, &format!("Notat {i}"))).unwrap();
    }
    // Copied while the app still has it open, without the -wal: the notes
    // are only in the WAL (this is the fault the checkpoint prevents), and
    // the copy is refused, since its head file says more was saved.
    let copy = |name: &str| {
        let to = dir.path().join(name);
        copy_journal(&path, &to);
        let n: i64 = sql_keyed(&to, "LL", PW).query_row("SELECT count(*) FROM note", [], |r| r.get(0)).unwrap();
        (n, Journal::login(&to, "LL", &Secret::new(PW), clock()).map(drop).map_err(|e| e.code()))
    };
    assert_eq!(copy("before.journal"), (0, Err("journal_behind")));
    // After a checkpoint (what the app does on lock, and every command on
    // exit) the file alone has everything.
    assert!(j.checkpoint().unwrap());
    assert_eq!(copy("after.journal"), (20, Ok(())));
    j.add_note(&ctx, &note(client, TODAY, "Notat efter")).unwrap();
    drop(j);
    assert_eq!(copy("closed.journal"), (21, Ok(())));
    assert!(!dir.path().join("testby.journal-wal").exists());
}

/// The app's checkpoint after every command (`checkpoint_after_command`,
/// issue 17 item 5): the journal file alone holds each command's write at
/// once; after a command that wrote nothing it does nothing; and while
/// another process's reader holds an older snapshot it does not wait for
/// it, and the next command's checkpoint copies the rest.
#[test]
fn after_every_command_of_the_app_the_journal_file_alone_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let wal = dir.path().join("testby.journal-wal");
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let notes_in_the_file_alone = |name: &str| {
        let to = dir.path().join(name);
        std::fs::copy(&path, &to).unwrap();
        std::fs::copy(Keyring::path_for(&path), Keyring::path_for(&to)).unwrap();
        let n: i64 = sql_keyed(&to, "LL", PW).query_row("SELECT count(*) FROM note", [], |r| r.get(0)).unwrap();
        n
    };
    let (mut j, ctx) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    let client = j.add_client(&ctx, &client_record("Wal Testesen", None)).unwrap();
    j.add_note(&ctx, &note(client, TODAY, "Notat 1")).unwrap();
    assert!(wal_len() > 0);
    assert!(j.checkpoint_after_command().unwrap());
    assert_eq!(wal_len(), 0);
    assert_eq!(notes_in_the_file_alone("efter-1.journal"), 1);
    assert!(j.checkpoint_after_command().unwrap(), "nothing written: nothing to do");
    assert_eq!(wal_len(), 0);

    // Another process reads the journal as it was after note 2 while
    // note 3 is written: the checkpoint copies what it may, and says so.
    j.add_note(&ctx, &note(client, TODAY, "Notat 2")).unwrap();
    let reader = sql_keyed(&path, "LL", PW);
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader.query_row("SELECT count(*) FROM note", [], |r| r.get(0)).unwrap();
    assert_eq!(seen, 2);
    j.add_note(&ctx, &note(client, TODAY, "Notat 3")).unwrap();
    assert!(!j.checkpoint_after_command().unwrap(), "held back by the other reader");
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    assert!(j.checkpoint_after_command().unwrap());
    assert_eq!(wal_len(), 0);
    assert_eq!(notes_in_the_file_alone("efter-3.journal"), 3);
}

const HEAD_SITE: &str = "01a23363-2e04-71c8-9633-3c0a665282d1";
const HEAD_HASH: &str = "430972d195e4b9f50a3a06e226614c132afdc45652e49d5b28d9d5f660194115";

#[test]
fn the_head_file_format_is_frozen_and_a_torn_one_is_not_read() {
    use tovholder::store::head::Head;
    let head = Head { site: HEAD_SITE.parse().unwrap(), seq: 42, hash: HEAD_HASH.into() };
    // The bytes, with the checksum computed independently (Python's
    // hashlib over the first four lines, as docs/journal-format.md says).
    let golden = format!(
        "tovholder-head 1\nsite {HEAD_SITE}\nseq 00000000000000000042\nhash {HEAD_HASH}\n\
         check d14e5e405d303742e35d5f02957d556d15359f774d64bd707bc5689b23060795\n"
    );
    assert_eq!(String::from_utf8(head.to_bytes()).unwrap(), golden);
    assert_eq!(Head::parse(golden.as_bytes()), Some(head));
    // Torn or changed anywhere: not a head (it is then no finding at all).
    for cut in [0, 1, 17, 100, 224] {
        assert_eq!(Head::parse(&golden.as_bytes()[..cut]), None, "cut at {cut}");
    }
    for offset in [0, 20, 60, 80, 150, 220] {
        assert_eq!(Head::parse(&flipped(golden.as_bytes(), offset)), None, "flipped at {offset}");
    }
}

/// Copy a journal's files (not its `-wal` or `-shm`) to `to`.
fn copy_without_wal(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    std::fs::copy(Keyring::path_for(from), Keyring::path_for(to)).unwrap();
    let head = tovholder::store::head::path_for(from);
    if head.exists() {
        std::fs::copy(head, tovholder::store::head::path_for(to)).unwrap();
    }
}

#[test]
fn a_journal_that_lost_committed_entries_is_refused_at_open_and_named_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let (mut j, ctx) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    let client = j.add_client(&ctx, &client_record("Hoved Testesen", None)).unwrap();
    for i in 0..5 {
        j.add_note(&ctx, &note(client, TODAY, &format!("Notat {i}"))).unwrap();
    }
    // A sync tool that copies every file but the -wal, while the app has
    // the journal open: the copy lacks the notes and their audit entries.
    let copy = dir.path().join("kopi.journal");
    copy_without_wal(&path, &copy);
    let copied = std::fs::read(&copy).unwrap();
    let e = Journal::login(&copy, "LL", &Secret::new(PW), clock()).unwrap_err();
    assert_eq!(e.code(), "journal_behind");
    let msg = e.to_string();
    assert!(msg.contains("kopi.journal mangler indførsler, der var gemt"), "{msg}");
    assert!(msg.contains("«-wal»") && msg.contains("kopi.journal.head"), "{msg}");
    assert!(msg.contains("tovholder check --accept"), "{msg}");
    // Refused without a word written to it.
    assert_eq!(std::fs::read(&copy).unwrap(), copied);
    let report = tovholder::security::check::check_journal(&copy, "LL", &Secret::new(PW), clock()).unwrap();
    assert!(!report.ok());
    let head = report.items.iter().find(|i| i.part == "head").unwrap();
    assert!(!head.ok && head.message.contains("mangler indførsler"), "{head:?}");
    assert!(report.items.iter().filter(|i| i.part != "head").all(|i| i.ok), "{report:?}");

    // The journal itself (with its -wal) opens in another process at once.
    let (j2, _) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    drop(j2);
    // An older copy of the file put back in its place is refused too.
    let old = std::fs::read(&copy).unwrap();
    j.add_note(&ctx, &note(client, TODAY, "Sidste notat")).unwrap();
    drop(j);
    assert!(!dir.path().join("testby.journal-wal").exists());
    std::fs::write(&path, &old).unwrap();
    let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
    assert_eq!(e.code(), "journal_behind", "{e}");
    // Deleting the head file does not make it open: it is then missing.
    std::fs::remove_file(tovholder::store::head::path_for(&path)).unwrap();
    let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
    assert_eq!(e.code(), "head_missing", "{e}");
    // Accepted knowingly, as the message says (`check --accept`): it opens,
    // and the next write records its head on from there.
    let accepted = tovholder::security::check::accept_journal(&path, "LL", &Secret::new(PW), clock()).unwrap();
    assert!(accepted.accepted && accepted.check.ok(), "{accepted:?}");
    let (mut j, ctx) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    let client = j.add_client(&ctx, &client_record("Efter Accept", None)).unwrap();
    j.add_note(&ctx, &note(client, TODAY, "Ny begyndelse")).unwrap();
    drop(j);
    let (_, _) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    let head = tovholder::store::head::read(&path).unwrap();
    let newest: i64 = sql_keyed(&path, "LL", PW).query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert_eq!(head.seq, newest);
}

#[test]
fn a_command_on_a_journal_behind_its_head_says_so_in_danish() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let old = dir.path().join("gammel.journal");
    copy_without_wal(&path, &old);
    let client: String = sql_keyed(&path, "BH", "demo-adgangskode")
        .query_row("SELECT id FROM client LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let out = cli(&path, "MS", &["note", "add", "--client", &client, "--text", "Nyt notat"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // The older file put in place of the journal (its -wal is gone: every
    // command checkpoints when it ends).
    std::fs::copy(&old, &path).unwrap();
    let out = cli(&path, "BH", &["client", "list"]);
    let stderr = stderr_of(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("Fejl [journal_behind]") && stderr.contains("demo.journal.head"), "{stderr}");
    assert_danish_only(&stderr);
    let out = cli(&path, "BH", &["check"]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FEJL Det senest gemte") && stdout.contains("IKKE i orden"), "{stdout}");
    // It exits with what is wrong: work is missing, the file is not damaged.
    assert!(stderr_of(&out).contains("Fejl [journal_behind]"), "{}", stderr_of(&out));
}

#[test]
fn a_backup_restored_where_a_newer_journal_was_is_not_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let backup = dir.path().join("kopi.journal");
    let out = cli(&path, "BH", &["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // The backup's own head beside it.
    let newest: i64 = sql_keyed(&backup, "BH", "demo-adgangskode")
        .query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tovholder::store::head::read(&backup).unwrap().seq, newest);
    // More work, then the journal is lost; its head file is left behind.
    let out = cli(&path, "BH", &["client", "list"]);
    assert!(out.status.success());
    for suffix in ["", ".keys", ".logins"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    assert!(tovholder::store::head::path_for(&path).exists());
    let out = cli(&path, "BH", &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = cli(&path, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(tovholder::security::check::check_journal(&path, "BH", &Secret::new("demo-adgangskode"), clock())
        .unwrap()
        .ok());
}

/// Every file in `dir` with its bytes.
fn files_in(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_journal_file_copied_alone_is_refused_until_a_leader_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let client: String = sql_keyed(&path, "BH", "demo-adgangskode")
        .query_row("SELECT id FROM client LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let out = cli(&path, "MS", &["note", "add", "--client", &client, "--text", "Nyt notat"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // "The file" copied to a stick with its keyring: no head file, no -wal.
    let stick = tempfile::tempdir().unwrap();
    let copy = stick.path().join("kopi.journal");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::copy(Keyring::path_for(&path), Keyring::path_for(&copy)).unwrap();
    let before = files_in(stick.path());
    let out = cli(&copy, "BH", &["client", "list"]);
    let stderr = stderr_of(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("Fejl [head_missing]") && stderr.contains("kopi.journal mangler filen"), "{stderr}");
    assert!(stderr.contains("kopi.journal.head") && stderr.contains("tovholder check --accept"), "{stderr}");
    assert_danish_only(&stderr);
    // Refused without a byte changed or a file added.
    assert_eq!(files_in(stick.path()), before);
    // The check says the same, and exits with it.
    let out = cli(&copy, "BH", &["check"]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FEJL Det senest gemte") && stdout.contains("kopi.journal mangler filen"), "{stdout}");
    assert!(stderr_of(&out).contains("Fejl [head_missing]"), "{}", stderr_of(&out));
    // A consultant may not accept it; nothing is written.
    let before = files_in(stick.path());
    let out = cli(&copy, "MS", &["check", "--accept"]);
    assert!(!out.status.success());
    assert!(stderr_of(&out).contains("Fejl [forbidden]"), "{}", stderr_of(&out));
    assert_eq!(files_in(stick.path()), before);
    // The leader accepts it: audited, a new head, and it opens.
    let out = cli(&copy, "BH", &["check", "--accept"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("kopi.journal er godkendt, som den er") && stdout.contains("Journalen er i orden."),
        "{stdout}"
    );
    let db = sql_keyed(&copy, "BH", "demo-adgangskode");
    let (staff, detail): (String, String) = db
        .query_row(
            "SELECT s.initials, a.detail FROM audit_log a JOIN staff s ON s.id = a.staff_id WHERE a.entity = 'journal_head'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((staff.as_str(), detail.as_str()), ("BH", "accepted head_file=missing"));
    let newest: i64 = db.query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert!(tovholder::store::head::read(&copy).unwrap().seq >= newest);
    drop(db);
    let out = cli(&copy, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // Accepting a journal that is in order does nothing.
    let out = cli(&copy, "BH", &["check", "--accept"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("der er intet at godkende"));
    let accepts: i64 = sql_keyed(&copy, "BH", "demo-adgangskode")
        .query_row("SELECT count(*) FROM audit_log WHERE entity = 'journal_head'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(accepts, 1);
}

#[test]
fn a_damaged_head_file_or_one_of_another_journal_is_named_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyed(dir.path(), "LL");
    let (mut j, ctx) = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap();
    let client = j.add_client(&ctx, &client_record("Hoved Testesen", None)).unwrap();
    j.add_note(&ctx, &note(client, TODAY, "Notat")).unwrap();
    drop(j);
    let head_file = tovholder::store::head::path_for(&path);
    let good = std::fs::read(&head_file).unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = keyed(other_dir.path(), "LL");
    let others_head = std::fs::read(tovholder::store::head::path_for(&other)).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("flipped", flipped(&good, 120), "testby.journal.head, der fortæller, hvad der sidst blev gemt i journalen"),
        ("torn", good[..good.len() / 2].to_vec(), "er beskadiget"),
        ("empty", Vec::new(), "er beskadiget"),
        ("other journal", others_head, "hører til en anden journal"),
    ];
    for (what, bytes, says) in cases {
        std::fs::write(&head_file, &bytes).unwrap();
        let before = files_in(dir.path());
        let e = Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap_err();
        assert_eq!(e.code(), "head_missing", "{what}: {e}");
        let msg = e.to_string();
        assert!(msg.contains(says) && msg.contains("tovholder check --accept"), "{what}: {msg}");
        assert_eq!(files_in(dir.path()), before, "{what}: a file changed");
    }
    // Its own head put back, it opens.
    std::fs::write(&head_file, &good).unwrap();
    drop(Journal::login(&path, "LL", &Secret::new(PW), clock()).unwrap());
}

#[test]
fn a_journal_from_before_the_head_marker_opens_and_is_marked_at_its_first_write() {
    // The golden bundle's journal was made before journals were marked as
    // keeping a head file: alone, it opens as it always did.
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bundles/stevns.journal");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stevns.journal");
    std::fs::copy(&golden, &path).unwrap();
    let mut j = Journal::open(&path).unwrap();
    let marked = |j: &Journal| -> bool {
        sql(j)
            .query_row("SELECT count(*) FROM journal_meta WHERE key = 'head_file' AND value = '1'", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
            == 1
    };
    assert!(!marked(&j));
    let ctx = tovholder::Ctx::new(j.first_staff().unwrap(), clock());
    j.add_client(&ctx, &client_record("Første Skrivning", None)).unwrap();
    assert!(marked(&j));
    drop(j);
    // From now on the head file belongs to it.
    let copy = dir.path().join("kopi.journal");
    std::fs::copy(&path, &copy).unwrap();
    assert_eq!(Journal::open(&copy).unwrap_err().code(), "head_missing");
    drop(Journal::open(&path).unwrap());
}

#[test]
fn a_backup_opens_as_it_is_and_restores_without_its_head_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let backup = dir.path().join("kopi.journal");
    let out = cli(&path, "BH", &["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // Used where it lies, with its three files.
    let out = cli(&backup, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // Carried on a stick without its head file, it still restores, and the
    // restored journal opens and checks whole.
    let stick = tempfile::tempdir().unwrap();
    let carried = stick.path().join("kopi.journal");
    std::fs::copy(&backup, &carried).unwrap();
    std::fs::copy(Keyring::path_for(&backup), Keyring::path_for(&carried)).unwrap();
    let target = stick.path().join("genskabt.journal");
    let out = cli(&target, "BH", &["restore", carried.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = cli(&target, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = cli(&target, "BH", &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

// ------------------------------------------------------ 7. import messages

fn import_text(text: &str) -> tovholder::Error {
    tovholder::store::parse_journal_file(text).unwrap_err()
}

#[test]
fn import_files_name_the_bad_record_and_accept_a_byte_order_mark() {
    let demo = tovholder::demo::DEMO_JSON;
    // Saved by Windows Notepad: a byte-order mark first.
    let with_bom = format!("\u{feff}{demo}");
    let file = tovholder::store::parse_journal_file(&with_bom).unwrap();
    assert_eq!(file.clients.len(), tovholder::demo::demo_file().unwrap().clients.len());
    // The third client lacks its name.
    let mut v: serde_json::Value = serde_json::from_str(demo).unwrap();
    v["clients"][2].as_object_mut().unwrap().remove("name");
    let e = import_text(&serde_json::to_string(&v).unwrap());
    assert_eq!(e.code(), "import_format");
    assert_eq!(
        e.to_string(),
        "Importen er afvist, intet er ændret. Post nr. 3 i «clients» har ikke den rigtige form (feltet «name»)."
    );
    // A number where text belongs, in the fifth note.
    let mut v: serde_json::Value = serde_json::from_str(demo).unwrap();
    v["notes"][4]["text"] = serde_json::json!(42);
    let e = import_text(&serde_json::to_string(&v).unwrap());
    assert!(e.to_string().contains("Post nr. 5 i «notes»"), "{e}");
    assert!(!e.to_string().contains("invalid"), "{e}");
    // Broken JSON still names line and column.
    let e = import_text(&demo[..demo.len() / 2]);
    assert_eq!(e.code(), "import_format");
    assert!(e.to_string().contains("linje"), "{e}");
}

#[test]
fn a_record_under_an_id_the_journal_holds_with_other_content_is_refused_and_named() {
    let demo = tovholder::demo::demo_file().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let setup = tovholder::demo::setup_from(&demo).unwrap();
    let (mut j, ctx) = Journal::create(&dir.path().join("dubletter.journal"), &setup, clock()).unwrap();
    j.import(&ctx, &demo).unwrap();
    let data = |j: &Journal| (count(j, "client"), count(j, "note"), count(j, "session_participant"));
    let rows = data(&j);
    // The same file twice: no row added, and nothing refused.
    let again = j.import(&ctx, &demo).unwrap();
    assert_eq!(again.inserted, 0);
    // The same file as the journal exports it (its own normal form) too.
    let exported = j.export(&ctx).unwrap();
    assert_eq!(j.import(&ctx, &exported).unwrap().inserted, 0);
    assert_eq!(data(&j), rows);
    let before = snapshot(&j);
    // A client whose phone number differs, under an id already there.
    let mut changed = demo.clone();
    changed.clients[2].phone = Some("11 22 33 44".into());
    let e = j.import(&ctx, &changed).unwrap_err();
    assert_eq!(e.code(), "duplicate_differs");
    let id = demo.clients[2].id.unwrap().to_string();
    assert_eq!(
        e.to_string(),
        format!(
            "Importen er afvist, intet er ændret. Post nr. 3 i «clients» har id {id}, som journalen allerede har med et andet indhold (feltet «phone»). Ret posten, eller tag den ud af filen."
        )
    );
    assert_eq!(snapshot(&j), before);
    // A note's text, and a session's participants.
    let mut changed = demo.clone();
    changed.notes[4].text.push_str(" (rettet)");
    let e = j.import(&ctx, &changed).unwrap_err();
    assert!(e.to_string().contains("Post nr. 5 i «notes»") && e.to_string().contains("«text»"), "{e}");
    let mut changed = demo.clone();
    let with_two = changed.sessions.iter().position(|s| s.participants.len() >= 2).unwrap();
    changed.sessions[with_two].participants.pop();
    let e = j.import(&ctx, &changed).unwrap_err();
    assert!(e.to_string().contains("«sessions»") && e.to_string().contains("«participants»"), "{e}");
    assert_eq!(snapshot(&j), before);
    // An id twice in one file, the second time with other content, in a
    // journal that has neither.
    let (mut fresh, fctx) = Journal::create(&dir.path().join("ny.journal"), &setup, clock()).unwrap();
    let mut twice = demo.clone();
    let mut second = twice.clients[0].clone();
    second.name = "Et Andet Navn".into();
    twice.clients.push(second);
    let fresh_before = snapshot(&fresh);
    let e = fresh.import(&fctx, &twice).unwrap_err();
    assert_eq!(e.code(), "duplicate_differs");
    let n = twice.clients.len();
    assert!(e.to_string().contains(&format!("Post nr. {n} i «clients»")) && e.to_string().contains("«name»"), "{e}");
    assert_eq!(snapshot(&fresh), fresh_before);
    // Twice with the same content is one record, as before.
    let mut same_twice = demo.clone();
    same_twice.clients.push(same_twice.clients[0].clone());
    assert_eq!(fresh.import(&fctx, &same_twice).unwrap().skipped, 2 + 1);
}

#[test]
fn a_command_that_must_wait_for_a_busy_journal_says_so_and_then_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let db = sql_keyed(&path, "BH", "demo-adgangskode");
    let client: String = db.query_row("SELECT id FROM client ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let logins = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT count(*) FROM audit_log WHERE action = 'login'", [], |r| r.get(0)).unwrap()
    };
    let logins_before = logins(&db);
    // Another process holds the write lock (as an import does, for minutes).
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let (write, (read, read_took)) = std::thread::scope(|s| {
        let w = s
            .spawn(|| cli(&path, "MS", &["note", "add", "--client", &client, "--text", "Skrevet mens importen kørte"]));
        let r = s.spawn(|| {
            let out = cli(&path, "BH", &["client", "list"]);
            (out, started.elapsed())
        });
        std::thread::sleep(std::time::Duration::from_millis(3000));
        db.execute_batch("COMMIT").unwrap();
        (w.join().unwrap(), r.join().unwrap())
    });
    assert!(started.elapsed() >= std::time::Duration::from_millis(3000));
    // The write waits, and says so; the read (a login) does not wait.
    for out in [&write, &read] {
        let stderr = stderr_of(out);
        assert!(out.status.success(), "{stderr}");
        assert_danish_only(&stderr);
    }
    assert!(stderr_of(&write).contains(tovholder::store::BUSY_MESSAGE), "{}", stderr_of(&write));
    assert!(!stderr_of(&read).contains(tovholder::store::BUSY_MESSAGE), "{}", stderr_of(&read));
    assert!(read_took < std::time::Duration::from_millis(3000), "the read waited: {read_took:?}");
    let n: i64 =
        db.query_row("SELECT count(*) FROM note WHERE text = 'Skrevet mens importen kørte'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    // The read's login, queued while the lock was held, was written by the
    // next write that found it free.
    assert_eq!(logins(&db), logins_before + 2);
    assert_eq!(std::fs::metadata(tovholder::store::queue::path_for(&path)).unwrap().len(), 0);
}

/// Sends a signal (`STOP`, `CONT`) to a child process, by the shell's `kill`.
fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("sh").arg("-c").arg(format!("kill -{name} {}", child.id())).status().unwrap();
    assert!(status.success(), "kill -{name}");
}

/// Can a transaction take the journal's write lock right now?
fn write_lock_free(db: &rusqlite::Connection) -> bool {
    match db.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => {
            db.execute_batch("ROLLBACK").unwrap();
            true
        }
        Err(e) => {
            assert_eq!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy), "{e}");
            false
        }
    }
}

#[test]
fn reading_works_while_an_import_runs_and_every_read_is_in_the_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testby.journal");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut first = setup("AD");
    first.first_staff.role = "administrator".into();
    let (mut j, ctx, _) =
        Journal::create_keyed(&path, &first, &Secret::new(PW), clock(), KdfParams::TEST_ONLY).unwrap();
    for (initials, role) in [("SK", "alcohol_consultant"), ("MS", "leader"), ("DL", "doctor")] {
        let staff = StaffRecord {
            id: None,
            unit_id: j.unit(),
            name: format!("Medarbejder {initials}"),
            initials: initials.into(),
            role: role.into(),
        };
        j.add_user(&ctx, &staff, &Secret::new(PW), KdfParams::TEST_ONLY).unwrap();
    }
    j.import(&ctx, &tovholder::fixtures::generate(20, 3, today)).unwrap();
    drop(j);
    let db = sql_keyed(&path, "AD", PW);
    db.busy_timeout(std::time::Duration::ZERO).unwrap();
    let client: String = db.query_row("SELECT id FROM client ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let logins_before = count("SELECT count(*) FROM audit_log WHERE action = 'login'");
    let clients_before = count("SELECT count(*) FROM client");
    // A large import file (generated, fictional): one transaction of many seconds.
    let file = dir.path().join("stor-import.json");
    let big = tovholder::fixtures::generate(1500, 17, today);
    std::fs::write(&file, serde_json::to_vec(&big).unwrap()).unwrap();
    let mut import = Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(&path)
        .arg("--as")
        .arg("AD")
        .arg("import")
        .arg(&file)
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_PASSWORD", PW)
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the import holds the write lock for its rows: busy at
    // every probe for half a second (its login's own write takes
    // milliseconds).
    let started = std::time::Instant::now();
    let mut busy_since: Option<std::time::Instant> = None;
    while busy_since.is_none_or(|t| t.elapsed() < std::time::Duration::from_millis(500)) {
        if write_lock_free(&db) {
            busy_since = None;
        } else {
            busy_since.get_or_insert_with(std::time::Instant::now);
            std::thread::sleep(std::time::Duration::from_millis(20));
            continue;
        }
        if import.try_wait().unwrap().is_some() {
            let out = import.wait_with_output().unwrap();
            panic!("the import ended before it took the journal: {}", stderr_of(&out));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Hold the import where it is, inside its transaction, until the reads
    // are done: however fast this machine writes, they run while it holds
    // the journal (a real import, stopped, not a stand-in for one).
    signal(&import, "STOP");
    // Logins and reads in three other processes at a time while it runs.
    let (shows, lists) = (3 * 3, 3 * 3);
    let outs: Vec<(Output, std::time::Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = ["SK", "MS", "DL"]
            .into_iter()
            .map(|user| {
                let (path, client) = (&path, &client);
                s.spawn(move || {
                    let mut outs = Vec::new();
                    for _ in 0..3 {
                        for args in [&["client", "show", client.as_str()][..], &["client", "list"][..]] {
                            let t = std::time::Instant::now();
                            let out = cli_pw(path, user, args, &[]);
                            outs.push((out, t.elapsed()));
                        }
                    }
                    outs
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    // They ran during the import, not after it: it still holds the journal.
    assert!(!write_lock_free(&db), "the stopped import let go of the journal");
    signal(&import, "CONT");
    for (out, took) in &outs {
        let stderr = stderr_of(out);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains(tovholder::store::BUSY_MESSAGE), "a read waited: {stderr}");
        assert!(*took < std::time::Duration::from_secs(10), "{took:?}");
        assert_danish_only(&stderr);
    }
    let queued = std::fs::metadata(tovholder::store::queue::path_for(&path)).unwrap().len();
    assert!(queued > 0, "the access entries wait in the queue");
    let out = import.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The import wrote the queued entries when it let go: all of them, once,
    // with the time and member of staff of the read.
    assert_eq!(std::fs::metadata(tovholder::store::queue::path_for(&path)).unwrap().len(), 0);
    assert_eq!(count("SELECT count(*) FROM client"), clients_before + 1500, "the import is whole");
    let reads: i64 = db
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'read' AND person_id = ?1 AND purpose = 'journalopslag'",
            [&client],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reads, shows);
    assert_eq!(count("SELECT count(*) FROM audit_log WHERE action = 'login'"), logins_before + 1 + shows + lists);
    let by: i64 = db
        .query_row(
            "SELECT count(DISTINCT staff_id) FROM audit_log WHERE action = 'read' AND person_id = ?1",
            [&client],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by, 3, "each read is its reader's");
    let j = Journal::login(&path, "AD", &Secret::new(PW), clock()).unwrap().0;
    assert_eq!(j.verify_audit().unwrap(), None, "the audit chain is one intact chain");
}

#[test]
fn the_audit_queue_format_is_frozen_and_a_queued_entry_is_written_once_whatever_crashes() {
    use tovholder::store::queue::{self, Queued, Sealer};
    let site: SiteId = "01a23363-2e04-71c8-9633-3c0a665282d1".parse().unwrap();
    let entry = Queued {
        id: "00000000-0000-4000-8000-00000000000a".into(),
        at: "2026-11-23T09:15:00.000Z".into(),
        staff: "01a23363-2e04-71c8-9633-3c0c16b1f627".into(),
        action: "read".into(),
        person: Some("00000000-0000-4000-8000-000300000006".into()),
        entity: Some("client".into()),
        entity_id: None,
        purpose: Some("journalopslag".into()),
        detail: None,
    };
    // Golden line, computed independently of this code (Python's hashlib and
    // pycryptodome's XChaCha20-Poly1305, from the layout in store::queue's
    // doc): it must never change, or an older program's queue cannot be read.
    let sealer = Sealer::new(None, site);
    let line = sealer.line(&entry, [7u8; 24]).unwrap();
    assert_eq!(sealer.open(line.trim_end()), Some(entry.clone()));
    assert_eq!(line, GOLDEN_QUEUE_LINE, "the queue line's bytes changed");
    // Another journal's key does not open it; a flipped byte does not either.
    assert_eq!(Sealer::new(Some(&DbKey::random()), site).open(line.trim_end()), None);
    let mut bad = line.clone().into_bytes();
    bad[60] = if bad[60] == b'0' { b'1' } else { b'0' };
    assert_eq!(sealer.open(std::str::from_utf8(&bad).unwrap().trim_end()), None);

    // A real journal: entries queued while another process held the lock.
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let db = sql_keyed(&path, "BH", "demo-adgangskode");
    let reads = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT count(*) FROM audit_log WHERE action = 'read'", [], |r| r.get(0)).unwrap()
    };
    let client: String = db.query_row("SELECT id FROM client ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let before = reads(&db);
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    for _ in 0..3 {
        let out = cli(&path, "BH", &["client", "show", &client]);
        assert!(out.status.success(), "{}", stderr_of(&out));
    }
    let qpath = queue::path_for(&path);
    let queued = std::fs::read(&qpath).unwrap();
    assert_eq!(queued.iter().filter(|b| **b == b'\n').count(), 6, "3 logins and 3 reads wait");
    // A crash in the middle of an append leaves a torn last line: never
    // acknowledged, so cut off, and the entries before it are kept.
    let mut torn = queued.clone();
    torn.extend_from_slice(&queued[..40]);
    std::fs::write(&qpath, &torn).unwrap();
    db.execute_batch("COMMIT").unwrap();
    // The next command that finds the lock free writes them: once.
    let out = cli(&path, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(std::fs::metadata(&qpath).unwrap().len(), 0);
    assert_eq!(reads(&db), before + 3);
    // A crash after the entries were committed but before the queue was
    // emptied leaves them queued again: the journal knows them, and skips.
    std::fs::write(&qpath, &queued).unwrap();
    let out = cli(&path, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(std::fs::metadata(&qpath).unwrap().len(), 0);
    assert_eq!(reads(&db), before + 3, "no entry is written twice");
    // A whole line that fails its check is damage: kept aside and reported
    // by check, never dropped silently.
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = cli(&path, "BH", &["client", "show", &client]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut damaged = std::fs::read(&qpath).unwrap();
    damaged[50] = if damaged[50] == b'0' { b'1' } else { b'0' };
    std::fs::write(&qpath, &damaged).unwrap();
    db.execute_batch("COMMIT").unwrap();
    let out = cli(&path, "BH", &["client", "list"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(std::fs::metadata(&qpath).unwrap().len(), 0);
    assert!(std::fs::read(queue::damaged_path_for(&path)).unwrap().len() > 40);
    let out = cli(&path, "BH", &["check"]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("kunne ikke læses"), "{stdout}");
    assert!(stdout.contains("demo.journal.audit-queue.damaged"), "{stdout}");
    let j = Journal::login(&path, "BH", &Secret::new("demo-adgangskode"), clock()).unwrap().0;
    assert_eq!(j.verify_audit().unwrap(), None);
}

const GOLDEN_QUEUE_LINE: &str = "q1 070707070707070707070707070707070707070707070707 ffbb088992b6d5f4f6a2edb1684a84f740fcc281d44dc803ebb4258db5ac1e34a1aae6afa98820c12dd59e84d59a5c59318057dd2db9a90ee796c7b210992206b5647656318bfd16cefef9c049c70f411c6d84d82654f9148004fec7d56a25740720942be5fdb1b23e2b39abf9f8e62684011deba5db1b7f6228c5466b96e671eb67a9eb677a68228291ff7e637cdd1cff655f1df890773fe7ae723be50f296c492319938f235e93aa497a1c78f39c290004dbc15359331da61c29942bd2647b4c90b01390fc173e9e61a46972f9146b230bac04184738ab78b3a733cd84fd8baaa56e44a58e6e0b6dc7eea75b885cf90e404ba6d178b200ade0c412dfa41d553d6c76467accf017901f5f010bef189ee772b437254d69\n";

// ------------------------------------------------- 8. killed half-way

/// Kill a running `tovholder` after `ms` milliseconds.
fn killed_after(journal: &Path, user: &str, args: &[&str], envs: &[(&str, &str)], ms: u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(journal)
        .arg("--as")
        .arg(user)
        .args(args)
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .envs(envs.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(ms));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_password_change_killed_at_any_moment_leaves_a_whole_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    let mut current = "demo-adgangskode".to_string();
    for i in 0..16u64 {
        let new = format!("ny-adgangskode-{i}");
        let ms = (i * 13) % 90;
        killed_after(
            &path,
            "MS",
            &["user", "password"],
            &[("TOVHOLDER_PASSWORD", &current), ("TOVHOLDER_NEW_PASSWORD", &new)],
            ms,
        );
        let ring = Keyring::load(&path).unwrap_or_else(|e| panic!("after {ms} ms: {e}"));
        assert!(ring.problems().is_empty(), "after {ms} ms: {:?}", ring.problems());
        // The old password or the new one, never neither; everyone else unchanged.
        let old_works = ring.unlock_user("MS", &Secret::new(current.as_str())).unwrap().is_some();
        let new_works = ring.unlock_user("MS", &Secret::new(new.as_str())).unwrap().is_some();
        assert!(old_works != new_works, "after {ms} ms: old {old_works}, new {new_works}");
        if new_works {
            current = new;
        }
        assert!(ring.unlock_user("BH", &Secret::new("demo-adgangskode")).unwrap().is_some());
    }
}

#[test]
fn a_backup_killed_at_any_moment_leaves_nothing_or_a_whole_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path());
    for i in 0..10u64 {
        let dest = dir.path().join(format!("kopi-{i}.journal"));
        let ms = 20 + (i * 17) % 120;
        killed_after(
            &path,
            "BH",
            &["backup", "--out", dest.to_str().unwrap()],
            &[("TOVHOLDER_PASSWORD", "demo-adgangskode")],
            ms,
        );
        if dest.exists() {
            let report =
                tovholder::security::check::check_journal(&dest, "BH", &Secret::new("demo-adgangskode"), clock())
                    .unwrap();
            assert!(report.ok(), "after {ms} ms: {report:?}");
        } else {
            // The retry is not refused by what the killed one left.
            let out = cli(&path, "BH", &["backup", "--out", dest.to_str().unwrap()]);
            assert!(out.status.success(), "after {ms} ms: {}", stderr_of(&out));
        }
    }
    // The journal itself is whole after all of it.
    assert!(tovholder::security::check::check_journal(&path, "BH", &Secret::new("demo-adgangskode"), clock())
        .unwrap()
        .ok());
}
