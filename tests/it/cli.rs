//! The `tovholder` command as a person uses it: the demo, the workflows of
//! SPEC §4 steps 1-6 from the command line, and bad input that prints a Danish
//! message with its code, exits non-zero and leaves the journal unchanged.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{snapshot_of, sql_keyed};

/// The password every test user gets.
const PASSWORD: &str = "korrekt-hest-batteri";

fn is_demo(journal: &Path) -> bool {
    journal.file_name().is_some_and(|n| n.to_string_lossy().starts_with("demo"))
}

fn run(journal: &Path, args: &[&str]) -> Output {
    // The acting user: `--as` in `args`, else the journal's leader (BH in
    // the demo, LL in the journals the tests make).
    let demo = is_demo(journal);
    Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .arg("--journal")
        .arg(journal)
        .args(args)
        .env("TOVHOLDER_NOW", "2026-11-23")
        .env("TOVHOLDER_USER", if demo { "BH" } else { "LL" })
        .env("TOVHOLDER_PASSWORD", if demo { "demo-adgangskode" } else { PASSWORD })
        .env("TOVHOLDER_NEW_PASSWORD", PASSWORD)
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .output()
        .expect("run tovholder")
}

/// Run, expect success, return stdout.
fn ok(journal: &Path, args: &[&str]) -> String {
    let out = run(journal, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Run with --json, expect success, return the created id.
fn created(journal: &Path, args: &[&str]) -> String {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let v: serde_json::Value = serde_json::from_str(&ok(journal, &a)).expect("json");
    v["id"].as_str().expect("id").to_string()
}

/// The journal's rows (all but the audit log, which the check's own login
/// extends), read through the core after logging in as the leader.
fn rows(journal: &Path) -> String {
    let (user, pw) = if is_demo(journal) { ("BH", "demo-adgangskode") } else { ("LL", PASSWORD) };
    snapshot_of(&sql_keyed(journal, user, pw))
        .split("\n## ")
        .filter(|t| !t.starts_with("audit_log"))
        .collect::<Vec<_>>()
        .join("\n## ")
}

/// Run, expect failure with `code`, and an unchanged journal.
fn refused(journal: &Path, args: &[&str], code: &str) -> String {
    let before = rows(journal);
    let out = run(journal, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("Fejl [{code}]: ")), "{args:?}: {err}");
    assert_eq!(rows(journal), before, "{args:?} changed the journal");
    err
}

#[test]
fn demo_journal_is_made_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("demo.journal");
    let out = ok(&j, &["demo"]);
    assert!(out.contains("Demojournalen er oprettet"), "{out}");
    assert!(out.contains("fiktive personer"));
    let list: serde_json::Value =
        serde_json::from_str(&ok(&j, &["--json", "client", "list", "--limit", "500"])).unwrap();
    assert!(list.as_array().unwrap().len() >= 20, "the demo has a small unit's clients");
    // A second demo over the same file is refused unless forced.
    refused(&j, &["demo"], "already_exists");
    assert!(ok(&j, &["demo", "--force"]).contains("Demojournalen er oprettet"));
    assert!(ok(&j, &["review", "list"]).contains("Spørgsmål til hvert barn"));
    assert!(ok(&j, &["referral", "waiting"]).contains("OVER FRISTEN"), "the demo has someone waiting past 14 days");
}

#[test]
fn the_workflows_from_intake_to_closing_run_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("cli.journal");
    let init = ok(
        &j,
        &[
            "--as",
            "AD",
            "init",
            "--site-name",
            "Haslev",
            "--unit-name",
            "Faxe Rusmiddelcenter",
            "--name",
            "Ada Admin",
            "--initials",
            "AD",
        ],
    );
    assert!(init.contains("Gendannelsesnøgle"), "{init}");
    let family = created(
        &j,
        &["--as", "AD", "unit", "add", "--name", "Stevns Center Familie", "--municipality", "0336", "--kind", "family"],
    );
    created(&j, &["--as", "AD", "staff", "add", "--name", "Lise Leder", "--initials", "LL", "--role", "leader"]);
    created(
        &j,
        &["--as", "AD", "staff", "add", "--name", "Anna Alko", "--initials", "AA", "--role", "alcohol_consultant"],
    );
    created(
        &j,
        &[
            "--as",
            "AD",
            "staff",
            "add",
            "--name",
            "Frede Familie",
            "--initials",
            "FF",
            "--role",
            "family_consultant",
            "--unit",
            &family,
        ],
    );
    for who in ["LL", "AA", "FF"] {
        ok(&j, &["--as", "AD", "user", "add", who]);
    }
    // The administrator manages users but does not read or write records.
    refused(&j, &["--as", "AD", "client", "add", "--name", "X", "--municipality", "0320"], "forbidden");

    let client = created(
        &j,
        &["--as", "aa", "client", "add", "--name", "Per Prøve", "--cpr", "010180-1235", "--municipality", "0336"],
    );
    let referral = created(
        &j,
        &[
            "--as",
            "AA",
            "referral",
            "add",
            "--client",
            &client,
            "--received-on",
            "20-10-2026",
            "--source",
            "job_centre",
        ],
    );
    assert!(ok(&j, &["referral", "waiting"]).contains("Per Prøve"));
    ok(&j, &["--as", "AA", "referral", "info-talk", &referral, "--on", "22-10-2026"]);
    let course = created(
        &j,
        &[
            "--as",
            "AA",
            "course",
            "enrol",
            "--client",
            &client,
            "--referral",
            &referral,
            "--enrolled-on",
            "22-10-2026",
            "--start-on",
            "26-10-2026",
        ],
    );
    created(
        &j,
        &[
            "--as",
            "AA",
            "assessment",
            "add",
            "--course",
            &course,
            "--on",
            "26-10-2026",
            "--audit",
            "24",
            "--side-abuse",
            "none",
            "--children",
            "home_under_18,visitation",
        ],
    );
    let mia = created(
        &j,
        &[
            "--as",
            "AA",
            "child",
            "add",
            "--client",
            &client,
            "--name",
            "Mia Prøve",
            "--birth-date",
            "01-06-2016",
            "--custody",
            "joint",
            "--residence",
            "with_client",
        ],
    );
    created(
        &j,
        &[
            "--as",
            "AA",
            "child",
            "add",
            "--client",
            &client,
            "--name",
            "Milas Prøve",
            "--birth-date",
            "01-06-2013",
            "--custody",
            "other_parent",
            "--residence",
            "visitation",
            "--visitation",
            "hver anden weekend",
            "--family-case",
        ],
    );
    created(
        &j,
        &[
            "--as",
            "AA",
            "plan",
            "revise",
            "--course",
            &course,
            "--on",
            "27-10-2026",
            "--goals",
            "Stoppe med at drikke",
            "--elements",
            "ambulant_individual",
            "--family",
            "Børnene inddrages",
        ],
    );
    created(
        &j,
        &[
            "--as",
            "AA",
            "plan",
            "revise",
            "--course",
            &course,
            "--on",
            "30-10-2026",
            "--goals",
            "Stoppe med at drikke; Antabus",
        ],
    );
    let history = ok(&j, &["plan", "history", &course]);
    assert!(
        history.contains("Version 1")
            && history.contains("Version 2")
            && history.contains("Stoppe med at drikke; Antabus"),
        "{history}"
    );

    let session = created(
        &j,
        &[
            "--as",
            "AA",
            "session",
            "add",
            "--course",
            &course,
            "--kind",
            "joint",
            "--on",
            "30-10-2026",
            "--time",
            "10:00",
            "--attendance",
            "attended",
            "--client",
            &client,
            "--child",
            &mia,
            "--staff",
            "AA",
            "--staff",
            "FF",
        ],
    );
    let note = created(
        &j,
        &[
            "--as",
            "AA",
            "note",
            "add",
            "--client",
            &client,
            "--course",
            &course,
            "--session",
            &session,
            "--on",
            "30-10-2026",
            "--text",
            "Fællessamtale: Mia fortæller om weekenden.",
        ],
    );
    created(
        &j,
        &["--as", "AA", "note", "correct", &note, "--text", "Rettelse: det var Milas, ikke Mia.", "--on", "31-10-2026"],
    );
    let notification = created(
        &j,
        &[
            "--as",
            "AA",
            "notification",
            "add",
            "--child",
            &mia,
            "--client",
            &client,
            "--on",
            "31-10-2026",
            "--to-unit",
            &family,
            "--recipient",
            "Stevns Center Familie",
            "--reason",
            "Bekymring for Mia",
        ],
    );
    assert!(ok(&j, &["notification", "open"]).contains("Mia Prøve"));
    ok(&j, &["notification", "answer", &notification, "--on", "01-11-2026", "--answer", "Modtaget"]);
    assert!(ok(&j, &["review", "list"]).contains("Per Prøve"));
    created(
        &j,
        &[
            "review",
            "decide",
            "--client",
            &client,
            "--child",
            &mia,
            "--decision",
            "Mia tilbydes børnegruppe",
            "--answer",
            "concerned=Ja, lidt",
        ],
    );
    assert!(ok(&j, &["note", "search", "weekenden"]).contains("Per Prøve"));
    ok(&j, &["--as", "AA", "course", "close", &course, "--end-on", "02-11-2026", "--reason", "completed"]);

    let show = ok(&j, &["client", "show", &client]);
    for expected in [
        "Per Prøve",
        "010180-1235",
        "Stevns",
        "Mia Prøve",
        "Samvær (hver anden weekend)",
        "Afsluttet",
        "Færdigbehandlet",
        "Fællessamtale",
        "Stevns Center Familie",
        "[rettet senere]",
        "Rettelse: det var Milas",
        "Fællessamtale: Mia fortæller",
        "svar 01-11-2026",
    ] {
        assert!(show.contains(expected), "missing {expected:?} in:\n{show}");
    }
    assert!(!ok(&j, &["review", "list"]).contains("Per Prøve"), "a closed course leaves the review list");

    // The export holds exactly what was typed.
    let export: serde_json::Value = serde_json::from_str(&ok(&j, &["export"])).unwrap();
    assert_eq!(export["clients"].as_array().unwrap().len(), 1);
    assert_eq!(export["children"].as_array().unwrap().len(), 2);
    assert_eq!(export["plan_revisions"].as_array().unwrap().len(), 2);
    assert_eq!(export["notes"].as_array().unwrap().len(), 2);
    assert_eq!(export["courses"][0]["end_reason"], "completed");
    assert_eq!(export["sessions"][0]["participants"].as_array().unwrap().len(), 4);
}

#[test]
fn bad_input_on_the_command_line_is_refused_in_danish_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("demo-bad.journal");
    ok(&j, &["demo"]);
    let clients: serde_json::Value = serde_json::from_str(&ok(&j, &["--json", "client", "list", "--active"])).unwrap();
    let client = clients[0]["id"].as_str().unwrap().to_string();

    let e =
        refused(&j, &["client", "add", "--name", "X", "--cpr", "320170-1234", "--municipality", "0320"], "cpr_date");
    assert!(e.contains("CPR-nummeret indeholder ikke en gyldig fødselsdato"));
    refused(&j, &["client", "add", "--name", "X", "--cpr", "12345", "--municipality", "0320"], "cpr_format");
    refused(&j, &["client", "add", "--name", "X", "--municipality", "1234"], "unknown_municipality");
    // Intake is one step: a bad referral leaves no client behind.
    let intake = ["intake", "--name", "Ny Nielsen", "--cpr", "010180-1234", "--municipality", "0320"];
    refused(&j, &[&intake[..], &["--source", "oracle"]].concat(), "unknown_code");
    let made: serde_json::Value = serde_json::from_str(&ok(
        &j,
        &[&["--json"][..], &intake[..], &["--source", "gp", "--received-on", "20-11-2026"]].concat(),
    ))
    .unwrap();
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&j, &["--json", "client", "show", made["client"].as_str().unwrap()])).unwrap();
    assert_eq!(shown["referrals"][0]["id"], made["referral"]);
    // The same person again: refused, the new referral belongs on that record.
    let e = refused(&j, &[&intake[..], &["--source", "gp"]].concat(), "cpr_registered");
    assert!(e.contains("Der findes allerede en klient med dette CPR-nummer"), "{e}");
    refused(&j, &["client", "add", "--name", "X", "--cpr", "0101801234", "--municipality", "0320"], "cpr_registered");
    let e = refused(
        &j,
        &["referral", "add", "--client", &client, "--received-on", "31-02-2026", "--source", "gp"],
        "date_format",
    );
    assert!(e.contains("«31-02-2026» er ikke en gyldig dato"), "{e}");
    refused(&j, &["client", "show", "ikke-et-id"], "id_format");
    refused(&j, &["client", "show", "00000000-0000-4000-8000-999999999999"], "not_found");
    refused(&j, &["--as", "XYZ", "client", "list"], "login_failed");
    let course = {
        let r: serde_json::Value = serde_json::from_str(&ok(&j, &["--json", "client", "show", &client])).unwrap();
        r["courses"].as_array().unwrap().iter().find(|c| c["status"]["code"] != "closed").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let e = refused(&j, &["course", "close", &course, "--end-on", "01-01-2000", "--reason", "completed"], "date_order");
    assert!(e.contains("Slutdato ligger før"), "{e}");
    refused(&j, &["course", "close", &course, "--reason", "bored"], "unknown_code");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    refused(&j, &["import", bad.to_str().unwrap()], "import_format");
    refused(&j, &["import", dir.path().join("missing.json").to_str().unwrap()], "io");

    // A journal that is missing is named, not created.
    let missing = dir.path().join("none.journal");
    let out = run(&missing, &["client", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Fejl [no_journal]: Journalen findes ikke"));
    assert!(!missing.exists());
}

#[test]
fn logins_roles_audit_backup_and_insight_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("demo-sec.journal");
    let made = ok(&j, &["demo"]);
    assert!(made.contains("krypteret") && made.contains("Gendannelsesnøgle"), "{made}");
    assert!(!std::fs::read(&j).unwrap().starts_with(b"SQLite format 3"), "the demo journal is encrypted");
    assert!(ok(&j, &["--as", "BH", "audit", "verify"]).contains("Adgangsloggen er intakt"));
    refused(&j, &["--as", "MS", "audit", "verify"], "forbidden");
    // The secretary books and registers, but reads no notes.
    refused(&j, &["--as", "PL", "note", "search", "samtale"], "forbidden");
    let clients: serde_json::Value = serde_json::from_str(&ok(&j, &["--json", "client", "list", "--active"])).unwrap();
    let client = clients[0]["id"].as_str().unwrap().to_string();
    let as_secretary: serde_json::Value =
        serde_json::from_str(&ok(&j, &["--as", "PL", "--json", "client", "show", &client])).unwrap();
    assert_eq!(as_secretary["notes_hidden"], true);
    assert_eq!(as_secretary["notes"].as_array().unwrap().len(), 0);
    // Who looked: the secretary's read is in the citizen's report.
    let report = ok(&j, &["--as", "BH", "person", "report", &client]);
    assert!(report.contains("Hvem har set eller ændret journalen") && report.contains("Pia Lundbæk (PL"), "{report}");
    // An encrypted backup restores to a journal the same logins open.
    let backup = dir.path().join("demo-backup.journal");
    ok(&j, &["--as", "BH", "backup", "--out", backup.to_str().unwrap()]);
    assert!(!std::fs::read(&backup).unwrap().starts_with(b"SQLite format 3"));
    let restored = dir.path().join("demo-restored.journal");
    ok(&restored, &["--as", "BH", "restore", backup.to_str().unwrap()]);
    assert_eq!(ok(&restored, &["client", "list", "--limit", "500"]), ok(&j, &["client", "list", "--limit", "500"]));
    refused(&j, &["--as", "BH", "retention", "delete", &client], "not_expired");
}

/// The first-run choices need no journal: `municipalities` reads the code
/// list every new journal gets, and leaves no file behind.
#[test]
fn the_municipalities_are_listed_without_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("none.journal");
    let list: serde_json::Value = serde_json::from_str(&ok(&j, &["--json", "municipalities"])).unwrap();
    let pairs: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["label"].as_str().unwrap().to_string()))
        .collect();
    assert!(
        pairs.contains(&("0320".into(), "Faxe".into())) && pairs.contains(&("0336".into(), "Stevns".into())),
        "{pairs:?}"
    );
    assert!(pairs.windows(2).all(|p| p[0].1 <= p[1].1), "by name: {pairs:?}");
    assert!(!j.exists() && std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no file is made");
}

/// `person report --pdf` writes the insight report as a PDF too, and the
/// citizen's access log then shows that it left as a file.
#[test]
fn the_insight_report_is_saved_as_pdf_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("demo-insight.journal");
    ok(&j, &["demo"]);
    let clients: serde_json::Value = serde_json::from_str(&ok(&j, &["--json", "client", "list", "--active"])).unwrap();
    let client = clients[0]["id"].as_str().unwrap().to_string();
    let pdf = dir.path().join("indsigt.pdf");
    refused(&j, &["--as", "MS", "person", "report", &client, "--pdf", pdf.to_str().unwrap()], "forbidden");
    assert!(!pdf.exists());
    let text = ok(&j, &["--as", "BH", "person", "report", &client, "--pdf", pdf.to_str().unwrap()]);
    assert!(text.starts_with("Indsigt: alt om én borger, udskrevet 23-11-2026"), "{text}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let log = ok(&j, &["--as", "BH", "audit", "person", &client]);
    assert!(log.lines().any(|l| l.contains("eksporteret") && l.contains("person_report")), "{log}");
}

#[test]
fn reports_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("demo-rep.journal");
    ok(&j, &["demo"]);
    let annual = ok(&j, &["--as", "BH", "report", "annual", "--year", "2026"]);
    assert!(annual.starts_with("Årsrapport 2026") && annual.contains("<5"), "{annual}");
    refused(&j, &["--as", "MS", "report", "annual", "--year", "2026"], "forbidden");
    // The tables as one spreadsheet file: one byte-order mark, first.
    let tables = dir.path().join("tabeller.csv");
    ok(&j, &["--as", "BH", "report", "annual", "--year", "2026", "--csv", tables.to_str().unwrap()]);
    let text = std::fs::read_to_string(&tables).unwrap();
    assert!(text.starts_with('\u{feff}') && text.matches('\u{feff}').count() == 1, "{text}");
    assert!(text.contains("\r\nAfslutningsårsag 2023-2026\r\n"), "{text}");
    let stevns = ok(&j, &["--as", "BH", "report", "annual", "--year", "2026", "--municipality", "0336"]);
    assert!(stevns.contains("Borgere fra Stevns Kommune (0336)"), "{stevns}");
    assert!(ok(&j, &["--as", "BH", "report", "waiting", "--year", "2026"]).contains("OVER 14 DAGE"));
    let nab = ok(&j, &["--as", "BH", "report", "nab", "--from", "01-01-2026", "--to", "31-12-2026"]);
    assert!(nab.starts_with("institution;cpr;") && nab.lines().count() > 2, "{nab}");
    let csv = dir.path().join("stevns.csv");
    let s = ok(
        &j,
        &[
            "--as",
            "BH",
            "report",
            "settlement",
            "--payer",
            "0336",
            "--month",
            "2026-10",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    assert!(s.contains("I alt:") && s.contains("Ikke godkendt endnu"), "{s}");
    assert!(std::fs::read_to_string(&csv).unwrap().lines().last().unwrap().starts_with("I alt;"));
    refused(&j, &["--as", "BH", "report", "settlement", "--payer", "0336", "--month", "oktober"], "month_format");
    let approve = ["--as", "BH", "report", "settlement", "--payer", "0336", "--month", "2026-10", "--approve"];
    let a = ok(&j, &approve);
    assert!(a.contains("er godkendt og gemt: 5 linjer, i alt 38.052,50 kr."), "{a}");
    let shown = ok(&j, &approve[..8]);
    assert!(shown.contains("Godkendt 23-11-2026 af Birgitte Holmsgaard (5 linjer, i alt 38.052,50 kr.)"), "{shown}");
    let e = refused(&j, &approve, "settlement_already_approved");
    assert!(e.contains("allerede godkendt"), "{e}");
    refused(
        &j,
        &["--as", "MS", "report", "settlement", "--payer", "0336", "--month", "2026-11", "--approve"],
        "forbidden",
    );
}

#[test]
fn groups_are_listed_shown_joined_met_and_left_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("demo-groups.journal");
    ok(&j, &["demo"]);
    assert!(ok(&j, &["group", "list"]).contains("Tilbagefaldsgruppen tirsdag"));
    let group =
        created(&j, &["group", "new", "--kind", "youth", "--name", "Ungegruppen vinter", "--start", "02-11-2026"]);
    let client = "00000000-0000-4000-8000-000300000001";
    let member = created(&j, &["group", "join", &group, "--client", client, "--on", "02-11-2026"]);
    refused(
        &j,
        &["group", "meeting", &group, "--on", "01-11-2026", "--attendance", &format!("{member}=attended")],
        "date_order",
    );
    ok(&j, &["group", "meeting", &group, "--on", "09-11-2026", "--attendance", &format!("{member}=attended")]);
    refused(&j, &["group", "leave", &member, "--on", "01-11-2026"], "date_order");
    ok(&j, &["group", "leave", &member, "--on", "16-11-2026"]);
    let shown = ok(&j, &["group", "show", &group]);
    assert!(shown.contains("udmeldt 16-11-2026") && shown.contains("09-11-2026  Fremmødt"), "{shown}");
}

/// The subcommands `tovholder [path] --help` lists under "Commands:", each
/// with the description shown beside it (empty when it has none).
fn listed_commands(path: &[String]) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_tovholder"))
        .args(path)
        .arg("--help")
        .env_remove("TOVHOLDER_JOURNAL")
        .output()
        .expect("run tovholder --help");
    assert!(out.status.success(), "{path:?} --help failed");
    let help = String::from_utf8(out.stdout).expect("utf-8");
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        // A command's line starts with two spaces; a wrapped description with more.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| {
            let (name, about) = l.trim().split_once(' ').unwrap_or((l.trim(), ""));
            (name.to_string(), about.trim().to_string())
        })
        .filter(|(name, _)| name != "help")
        .collect()
}

#[test]
fn every_command_and_command_group_has_a_description_in_help() {
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        for (name, about) in listed_commands(&path) {
            let mut sub = path.clone();
            sub.push(name);
            seen += 1;
            if about.is_empty() {
                missing.push(sub.join(" "));
            }
            todo.push(sub);
        }
    }
    // The command tree as it is today: 33 at the top, 63 below them.
    assert!(seen >= 96, "only {seen} commands found in --help");
    assert!(missing.is_empty(), "without a description in --help: {missing:?}");
}

/// The monthly hand-off from the command line: site cards compared by
/// fingerprint, a bundle written to a folder, previewed and read, read
/// again, and the bad inputs refused in Danish with the journal unchanged.
#[test]
fn bundles_travel_between_two_journals_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let faxe = dir.path().join("demo.journal");
    ok(&faxe, &["demo"]);
    let stevns = stevns_journal(dir.path());
    let card = |j: &Path, name: &str| -> (std::path::PathBuf, String) {
        let path = dir.path().join(name);
        let v: serde_json::Value =
            serde_json::from_str(&ok(j, &["--json", "site", "card", "--out", path.to_str().unwrap()])).unwrap();
        (path, v["fingerprint"].as_str().unwrap().to_string())
    };
    let (faxe_card, faxe_fp) = card(&faxe, "faxe.card");
    let (stevns_card, stevns_fp) = card(&stevns, "stevns.card");
    assert!(ok(&faxe, &["site", "card", "--out", dir.path().join("igen.card").to_str().unwrap()]).contains(&faxe_fp));

    // Without the fingerprint confirmed (no terminal here), or with a wrong
    // one, nobody is registered.
    let s_card = stevns_card.to_str().unwrap();
    refused(&faxe, &["partner", "add", s_card], "partner_not_confirmed");
    let err = refused(
        &faxe,
        &["partner", "add", s_card, "--fingerprint", "0000 0000 0000 0000 0000"],
        "fingerprint_mismatch",
    );
    assert!(err.contains("Fingeraftrykket passer ikke"), "{err}");
    refused(&faxe, &["partner", "add", faxe_card.to_str().unwrap(), "--fingerprint", &faxe_fp], "card_own");
    refused(&faxe, &["--as", "MS", "partner", "add", s_card, "--fingerprint", &stevns_fp], "forbidden");
    let added = ok(&faxe, &["partner", "add", s_card, "--fingerprint", &stevns_fp]);
    assert!(added.contains("er registreret som partner"), "{added}");
    ok(&stevns, &["partner", "add", faxe_card.to_str().unwrap(), "--fingerprint", &faxe_fp]);
    assert!(ok(&faxe, &["partner", "list"]).contains(&stevns_fp));

    // Faxe writes its bundle to the stick; a name that is no partner is refused.
    let stick = dir.path().join("usb");
    std::fs::create_dir(&stick).unwrap();
    refused(&faxe, &["bundle", "export", "--to", "Køge", "--out", stick.to_str().unwrap()], "unknown_partner");
    let out = ok(&faxe, &["bundle", "export", "--to", "Stevns", "--out", stick.to_str().unwrap()]);
    assert!(out.starts_with("Bundle 1 til Stevns: "), "{out}");
    assert!(out.contains(" borgere, ") && out.contains("notater "), "{out}");
    assert!(out.contains(" ændringer, ") && out.contains(" kB"), "{out}");
    let file = std::fs::read_dir(&stick).unwrap().next().unwrap().unwrap().path();
    assert!(file.extension().is_some_and(|e| e == "tovholder"));

    // Stevns previews (nothing changes), reads it, and reads it again.
    let before = rows(&stevns);
    let preview = ok(&stevns, &["bundle", "import-dir", stick.to_str().unwrap(), "--dry-run"]);
    assert!(preview.contains("Prøvekørsel af bundle 1 fra DEMO Faxe Rusmiddelcenter"), "{preview}");
    assert_eq!(rows(&stevns), before);
    let read = ok(&stevns, &["bundle", "import", file.to_str().unwrap()]);
    assert!(read.contains("Bundle 1 fra DEMO Faxe Rusmiddelcenter er indlæst"), "{read}");
    assert_ne!(rows(&stevns), before);
    let again = ok(&stevns, &["bundle", "import", file.to_str().unwrap()]);
    assert!(again.contains("er allerede indlæst; intet er ændret"), "{again}");
    let status = ok(&stevns, &["bundle", "status"]);
    assert!(status.contains("Sidst modtaget: bundle 1 (indlæst 23-11-2026"), "{status}");

    // Bad files: not a bundle, and an altered bundle.
    let text = dir.path().join("referat.tovholder");
    std::fs::write(&text, "Referat af mødet").unwrap();
    let err = refused(&stevns, &["bundle", "import", text.to_str().unwrap()], "bundle_format");
    assert!(err.contains("ikke en Tovholder-bundle"), "{err}");
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 40] ^= 0x20;
    let altered = dir.path().join("ændret.tovholder");
    std::fs::write(&altered, bytes).unwrap();
    refused(&stevns, &["bundle", "import", altered.to_str().unwrap()], "bundle_damaged");
    // Only a leader or administrator writes the emergency key, and not over a file.
    let key = dir.path().join("stevns.age-key");
    ok(&stevns, &["site", "identity", "--out", key.to_str().unwrap()]);
    refused(&stevns, &["site", "identity", "--out", key.to_str().unwrap()], "already_exists");
    refused(&faxe, &["--as", "MS", "site", "identity", "--out", dir.path().join("k2").to_str().unwrap()], "forbidden");
}

/// A new, encrypted Stevns journal whose leader is LL.
fn stevns_journal(dir: &Path) -> std::path::PathBuf {
    let stevns = dir.join("stevns.journal");
    ok(
        &stevns,
        &[
            "--as",
            "LL",
            "init",
            "--site-name",
            "Stevns",
            "--unit-name",
            "Stevns Rusmiddelcenter",
            "--municipality",
            "0336",
            "--name",
            "Lis Leder",
            "--initials",
            "LL",
            "--role",
            "leader",
        ],
    );
    stevns
}

/// The demo journal (Faxe) and a new Stevns journal, registered as each
/// other's partners, and a folder for the stick.
fn partners(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let faxe = dir.join("demo.journal");
    ok(&faxe, &["demo"]);
    let stevns = stevns_journal(dir);
    for (from, to, name) in [(&faxe, &stevns, "faxe.card"), (&stevns, &faxe, "stevns.card")] {
        let path = dir.join(name);
        let v: serde_json::Value =
            serde_json::from_str(&ok(from, &["--json", "site", "card", "--out", path.to_str().unwrap()])).unwrap();
        ok(to, &["partner", "add", path.to_str().unwrap(), "--fingerprint", v["fingerprint"].as_str().unwrap()]);
    }
    let stick = dir.join("usb");
    std::fs::create_dir(&stick).unwrap();
    (faxe, stevns, stick)
}

/// (bundles recorded, clients) in a journal, read with the leader's login.
fn bundle_state(journal: &Path) -> (i64, i64) {
    let c = sql_keyed(journal, "LL", PASSWORD);
    let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    assert!(c.prepare("PRAGMA foreign_key_check").unwrap().query([]).unwrap().next().unwrap().is_none());
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    (n("SELECT count(*) FROM bundle_received"), n("SELECT count(*) FROM client"))
}

#[test]
fn a_bundle_import_killed_at_any_moment_leaves_all_of_it_or_none_and_then_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (faxe, stevns, stick) = partners(dir.path());
    let out: serde_json::Value = serde_json::from_str(&ok(
        &faxe,
        &["--json", "bundle", "export", "--to", "Stevns", "--out", stick.to_str().unwrap()],
    ))
    .unwrap();
    let file = out["path"].as_str().unwrap().to_string();
    assert!(out["counts"]["changes"].as_u64().unwrap() > 100, "{out}");
    let (none, clients_before) = bundle_state(&stevns);
    assert_eq!(none, 0);
    // How long a whole import takes here, on a copy.
    let copy = dir.path().join("kopi.journal");
    crate::support::copy_journal(&stevns, &copy);
    let started = std::time::Instant::now();
    ok(&copy, &["bundle", "import", &file]);
    let whole = started.elapsed().as_millis() as u64;
    let (_, clients_after) = bundle_state(&copy);
    assert!(clients_after > clients_before);
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..12u64 {
        let ms = whole * i / 10;
        let mut child = Command::new(env!("CARGO_BIN_EXE_tovholder"))
            .arg("--journal")
            .arg(&stevns)
            .args(["bundle", "import", &file])
            .env("TOVHOLDER_NOW", "2026-11-23")
            .env("TOVHOLDER_USER", "LL")
            .env("TOVHOLDER_PASSWORD", PASSWORD)
            .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let state = bundle_state(&stevns);
        assert!(state == (0, clients_before) || state == (1, clients_after), "killed after {ms} ms: {state:?}");
        seen.insert(state.0);
        if state.0 == 1 {
            break;
        }
    }
    // Importing again completes (or finds it already read).
    let again = ok(&stevns, &["bundle", "import", &file]);
    assert!(again.contains("er indlæst") || again.contains("allerede indlæst"), "{again}");
    assert_eq!(bundle_state(&stevns), (1, clients_after));
    assert!(seen.contains(&0), "some kill came before the import's commit");
}

/// A small tmpfs mounted for the test: a real, full file system.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_stick_gives_a_danish_message_and_no_half_file() {
    let dir = tempfile::tempdir().unwrap();
    let (faxe, _stevns, _) = partners(dir.path());
    // An 8 kB "stick" (the demo's first bundle is about 14 kB). The tests
    // run as root here (Debian, CI); mounting is how a full stick is real.
    let stick = dir.path().join("fuld-usb");
    std::fs::create_dir(&stick).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
        .arg(&stick)
        .status()
        .expect("mount (util-linux)");
    assert!(mounted.success(), "mounting a small tmpfs needs root");
    let _guard = Mounted(stick.clone());
    let out = run(&faxe, &["bundle", "export", "--to", "Stevns", "--out", stick.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Fejl [bundle_write]: ") && err.contains("der er ikke plads på drevet"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&stick).unwrap().collect();
    assert!(left.is_empty(), "no file, not even a temporary one: {left:?}");
    // The number was taken but nothing counts as sent; the next try on a
    // stick with room works.
    let status = ok(&faxe, &["bundle", "status"]);
    assert!(status.contains("filen blev ikke skrevet færdig"), "{status}");
    let roomy = dir.path().join("usb2");
    std::fs::create_dir(&roomy).unwrap();
    let out = ok(&faxe, &["bundle", "export", "--to", "Stevns", "--out", roomy.to_str().unwrap()]);
    assert!(out.starts_with("Bundle 2 til Stevns"), "{out}");
}

#[test]
fn an_approved_settlement_travels_to_the_paying_municipality_and_is_shown_there_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let (faxe, stevns, stick) = partners(dir.path());
    let approved: serde_json::Value = serde_json::from_str(&ok(
        &faxe,
        &["--json", "report", "settlement", "--payer", "0336", "--month", "2026-10", "--approve"],
    ))
    .unwrap();
    let lines = approved["lines"].as_i64().unwrap();
    assert!(lines > 0, "{approved}");
    let total = approved["total"].as_str().unwrap().to_string();
    let out: serde_json::Value = serde_json::from_str(&ok(
        &faxe,
        &["--json", "bundle", "export", "--to", "Stevns", "--out", stick.to_str().unwrap()],
    ))
    .unwrap();
    assert!(out["counts"]["tables"]["settlement_line"].as_i64().unwrap() >= lines, "{out}");
    assert!(ok(&stevns, &["report", "received"]).contains("Ingen afregninger"));
    ok(&stevns, &["bundle", "import", out["path"].as_str().unwrap()]);
    let got: serde_json::Value = serde_json::from_str(&ok(&stevns, &["--json", "report", "received"])).unwrap();
    let list = got.as_array().unwrap();
    assert_eq!(list.len(), 1, "{got}");
    assert_eq!(list[0]["period"], "2026-10");
    assert_eq!(list[0]["total"].as_str().unwrap(), total);
    assert_eq!(list[0]["lines"].as_array().unwrap().len() as i64, lines);
    assert_eq!(list[0]["adds_up"], true);
    let text = ok(&stevns, &["report", "received"]);
    assert!(text.contains("Afregning for 2026-10 fra Faxe") && text.contains("linjerne giver totalen"), "{text}");
}
