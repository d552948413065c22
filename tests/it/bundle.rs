//! Case bundles (SPEC §5, issue 13): site cards and partners, bundles
//! written to a folder and read back, every refusal leaving the journal's
//! files byte-for-byte as they were, and Debian's `age` opening a bundle
//! with the site's identity file.

use std::path::{Path, PathBuf};

use tovholder::bundle::{ImportStatus, PartnerAdded, SiteCard};

use crate::support::*;
use crate::sync::{conflicts, content, Site};

/// Register each site's card at the other, as the two leaders do by phone.
fn partners(a: &mut Site, b: &mut Site) {
    let card_a = a.j.site_card(&a.ctx).unwrap();
    let card_b = b.j.site_card(&b.ctx).unwrap();
    assert_eq!(b.j.add_partner(&b.ctx, &card_a, &card_a.fingerprint()).unwrap(), PartnerAdded::Added);
    assert_eq!(a.j.add_partner(&a.ctx, &card_b, &card_b.fingerprint()).unwrap(), PartnerAdded::Added);
}

/// Write a bundle from `from` to `to` into `dir`; its path.
fn export(from: &mut Site, to: &Site, dir: &Path) -> PathBuf {
    from.j.export_bundle(&from.ctx, to.j.site(), dir).unwrap().path
}

/// Faxe and Stevns as partners, each holding the other's organisation.
fn pair(dir: &Path) -> (Site, Site) {
    let mut faxe = Site::new("Faxe Rusmiddelcenter", "0320", "BH");
    let mut stevns = Site::new("Stevns Rusmiddelcenter", "0336", "SL");
    partners(&mut faxe, &mut stevns);
    let f = export(&mut faxe, &stevns, dir);
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    let s = export(&mut stevns, &faxe, dir);
    faxe.j.import_bundle(&faxe.ctx, &s, false).unwrap();
    (faxe, stevns)
}

/// The bytes of every file of a journal (the file, its WAL and keyring).
fn files(j: &tovholder::Journal) -> Vec<(String, Vec<u8>)> {
    let path = j.path();
    let mut out = Vec::new();
    for suffix in ["", "-wal", ".keys"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(b) = std::fs::read(&p) {
            out.push((suffix.to_string(), b));
        }
    }
    out
}

fn code(e: tovholder::Error) -> &'static str {
    e.code()
}

fn refusal(r: tovholder::Result<PartnerAdded>) -> (String, String) {
    let e = r.unwrap_err();
    (e.code().to_string(), e.to_string())
}

#[test]
fn a_partner_is_registered_from_its_card_only_with_the_fingerprint_read_aloud() {
    let mut faxe = Site::new("Faxe Rusmiddelcenter", "0320", "BH");
    let mut stevns = Site::new("Stevns Rusmiddelcenter", "0336", "SL");
    let card = stevns.j.site_card(&stevns.ctx).unwrap();
    // The card file read back is the same card, and its fingerprint is five
    // groups of four digits, the same on both sides.
    let read = SiteCard::parse(card.to_json().as_bytes()).unwrap();
    assert_eq!(read, card);
    let fp = card.fingerprint();
    assert_eq!(fp.len(), 24, "{fp}");
    assert!(fp.split(' ').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_digit())), "{fp}");
    assert_eq!(stevns.j.site_card(&stevns.ctx).unwrap().fingerprint(), fp, "the keys are made once");

    // An edited card fails its self-signature.
    let edited = card.to_json().replace("Stevns Rusmiddelcenter", "Stevns Falsk Center");
    assert_eq!(code(SiteCard::parse(edited.as_bytes()).unwrap_err()), "card_signature");
    assert_eq!(code(SiteCard::parse(b"{\"not\": \"a card\"}").unwrap_err()), "card_format");
    assert_eq!(code(SiteCard::parse(b"\xff\xfe").unwrap_err()), "card_format");

    // A wrong or missing fingerprint registers nothing.
    let before = files(&faxe.j);
    let (c, e) = refusal(faxe.j.add_partner(&faxe.ctx, &card, "1234 5678 9012 3456 7890"));
    assert_eq!(c, "fingerprint_mismatch");
    assert!(e.contains(&fp), "the message shows the card's fingerprint: {e}");
    assert_eq!(code(faxe.j.add_partner(&faxe.ctx, &card, "").unwrap_err()), "partner_not_confirmed");
    assert_eq!(files(&faxe.j), before);
    assert!(faxe.j.partners(&faxe.ctx).unwrap().is_empty());

    // Its own card is not a partner.
    let own = faxe.j.site_card(&faxe.ctx).unwrap();
    assert_eq!(code(faxe.j.add_partner(&faxe.ctx, &own, &own.fingerprint()).unwrap_err()), "card_own");

    // Typed with other spacing, the right fingerprint registers the partner once.
    let typed = fp.replace(' ', "-");
    assert_eq!(faxe.j.add_partner(&faxe.ctx, &card, &typed).unwrap(), PartnerAdded::Added);
    assert_eq!(faxe.j.add_partner(&faxe.ctx, &card, &fp).unwrap(), PartnerAdded::AlreadyRegistered);
    let list = faxe.j.partners(&faxe.ctx).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].name.as_str(), list[0].municipality.as_str()), ("Stevns Rusmiddelcenter", "0336"));
    assert_eq!(list[0].fingerprint, fp);
    assert_eq!(faxe.j.partner_named(&faxe.ctx, "stevns").unwrap().site, stevns.j.site());
}

#[test]
fn a_month_of_independent_work_exchanged_through_a_folder_ends_identical_within_scope() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    // Faxe registers two shared clients; they travel.
    let a = faxe.client("Rejse Rasmussen");
    let b = faxe.client("Agnete Bundgaard");
    let f1 = export(&mut faxe, &stevns, stick.path());
    let r = stevns.j.import_bundle(&stevns.ctx, &f1, false).unwrap();
    assert_eq!(r.status, ImportStatus::Applied);
    assert_eq!(stevns.field(a, "name").as_deref(), Some("Rejse Rasmussen"));

    // A month apart: the same field on both sides, and different fields.
    faxe.edit(a, |r| r.phone = Some("11111111".into()));
    faxe.edit(b, |r| r.phone = Some("33333333".into()));
    stevns.clock.advance(chrono::Duration::minutes(5));
    stevns.edit(a, |r| r.phone = Some("22222222".into()));
    stevns.edit(b, |r| r.address = Some("Strandvejen 1, Store Heddinge".into()));
    let c = stevns.client("Carl Christoffersen");

    // Both write to the stick; each reads the whole folder (its own old
    // files and the other's are there too).
    export(&mut faxe, &stevns, stick.path());
    export(&mut stevns, &faxe, stick.path());
    for site in [&mut faxe, &mut stevns] {
        let results = site.j.import_bundle_dir(&site.ctx, stick.path(), false).unwrap();
        assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    }
    // One more round carries the acknowledgements and Faxe's merge result.
    export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle_dir(&stevns.ctx, stick.path(), false).unwrap();

    assert_eq!(content(&faxe.j), content(&stevns.j), "both journals hold the same shared content");
    assert_eq!(conflicts(&faxe), conflicts(&stevns));
    let list = conflicts(&faxe);
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(list[0].contains("/phone"), "{list:?}");
    // The different-field edits both survive; Stevns' client arrived.
    for s in [&faxe, &stevns] {
        assert_eq!(s.field(b, "phone").as_deref(), Some("33333333"));
        assert_eq!(s.field(b, "address").as_deref(), Some("Strandvejen 1, Store Heddinge"));
        assert_eq!(s.field(c, "name").as_deref(), Some("Carl Christoffersen"));
    }
    // The status shows what went each way.
    let st = faxe.j.bundle_status(&faxe.ctx).unwrap();
    assert_eq!(st.len(), 1);
    assert_eq!(st[0].last_sent.as_ref().map(|b| b.seq), Some(4));
    assert!(st[0].last_sent.as_ref().unwrap().written);
    assert_eq!(st[0].last_received.as_ref().map(|b| b.seq), Some(2));
    assert_eq!(st[0].acknowledged, Some(2), "Stevns wrote its bundle 2 after reading Faxe's bundle 2");
}

#[test]
fn the_same_bundle_twice_or_an_older_one_changes_nothing() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    faxe.client("Rejse Rasmussen");
    let f2 = export(&mut faxe, &stevns, stick.path());
    faxe.client("Agnete Bundgaard");
    let f3 = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f2, false).unwrap();
    stevns.j.import_bundle(&stevns.ctx, &f3, false).unwrap();
    let before = files(&stevns.j);
    for f in [&f2, &f3] {
        let r = stevns.j.import_bundle(&stevns.ctx, f, false).unwrap();
        assert_eq!(r.status, ImportStatus::AlreadyImported);
    }
    assert_eq!(files(&stevns.j), before);
}

#[test]
fn export_and_import_report_each_stage_as_it_begins_and_a_refusal_stops_there() {
    use tovholder::bundle::{BundleProgress, BundleStage::*};
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    faxe.client("Rejse Rasmussen");
    let steps = |seen: &[BundleProgress]| seen.iter().map(|p| (p.stage, p.step, p.steps)).collect::<Vec<_>>();
    let mut seen = Vec::new();
    let w = faxe.j.export_bundle_with(&faxe.ctx, stevns.j.site(), stick.path(), &mut |p| seen.push(p)).unwrap();
    assert_eq!(steps(&seen), vec![(Collect, 1, 4), (Compress, 2, 4), (Seal, 3, 4), (Write, 4, 4)]);
    assert_eq!(seen[3].label, "Skriver filen");

    let mut seen = Vec::new();
    let r = stevns.j.import_bundle_with(&stevns.ctx, &w.path, true, &mut |p| seen.push(p)).unwrap();
    assert_eq!(r.status, ImportStatus::DryRun);
    assert_eq!(steps(&seen), vec![(Read, 1, 5), (Decrypt, 2, 5), (Verify, 3, 5), (Parse, 4, 5), (Apply, 5, 5)]);
    // A file that is no bundle is refused at decryption: nothing after it runs.
    let bad = stick.path().join("ikke-en-bundle.tovholder");
    std::fs::write(&bad, b"dette er ikke en bundle").unwrap();
    let mut seen = Vec::new();
    let e = stevns.j.import_bundle_with(&stevns.ctx, &bad, false, &mut |p| seen.push(p)).unwrap_err();
    assert_eq!(e.code(), "bundle_format");
    assert_eq!(steps(&seen), vec![(Read, 1, 5), (Decrypt, 2, 5)]);
    // The thin wrapper is the same import.
    assert_eq!(stevns.j.import_bundle(&stevns.ctx, &w.path, false).unwrap().status, ImportStatus::Applied);
}

#[test]
fn a_dry_run_shows_the_people_and_conflicts_and_writes_nothing() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    let a = faxe.client("Rejse Rasmussen");
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    faxe.edit(a, |r| r.phone = Some("11111111".into()));
    stevns.edit(a, |r| r.phone = Some("22222222".into()));
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.checkpoint().unwrap();
    let before = content(&stevns.j);
    let audit_before = count(&stevns.j, "audit_log");
    let r = stevns.j.import_bundle(&stevns.ctx, &f, true).unwrap();
    assert_eq!(r.status, ImportStatus::DryRun);
    assert_eq!(r.people.len(), 1);
    assert_eq!(r.people[0].name.as_deref(), Some("Rejse Rasmussen"));
    assert_eq!(r.new_conflicts.len(), 1, "{:?}", r.new_conflicts);
    assert_eq!(r.new_conflicts[0].group, "phone");
    assert_eq!(content(&stevns.j), before, "nothing was merged");
    assert!(conflicts(&stevns).is_empty());
    // The preview showed a name: one read is logged, nothing else.
    assert_eq!(count(&stevns.j, "audit_log"), audit_before + 1);
    // And the bundle still imports for real afterwards.
    let r = stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    assert_eq!(r.status, ImportStatus::Applied);
    assert_eq!(conflicts(&stevns).len(), 1);
}

#[test]
fn the_conflict_review_shows_both_values_side_by_side_and_a_chosen_one_closes_on_both_sites() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    let a = faxe.client("Rejse Rasmussen");
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    faxe.edit(a, |r| r.phone = Some("11111111".into()));
    stevns.clock.advance(chrono::Duration::days(2));
    stevns.edit(a, |r| r.phone = Some("22222222".into()));
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();

    let audit_before = count(&stevns.j, "audit_log");
    assert_eq!(stevns.j.open_conflict_count(&stevns.ctx).unwrap(), 1);
    assert_eq!(count(&stevns.j, "audit_log"), audit_before, "the count reads no person");
    let list = stevns.j.conflict_review(&stevns.ctx).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let c = &list[0];
    assert_eq!((c.table_label.as_str(), c.field_label.as_str()), ("klient", "telefon"));
    assert_eq!(c.person.as_deref(), Some(a.to_string().as_str()));
    assert_eq!(c.person_name.as_deref(), Some("Rejse Rasmussen"));
    assert!(c.reason.contains("begge installationer"), "{}", c.reason);
    // Stevns' later edit is in the journal now; Faxe's is the other value.
    let shown: Vec<(Option<&str>, &str, &str, bool, bool)> = c
        .values
        .iter()
        .map(|v| (v.value.as_deref(), v.site_name.as_str(), v.on.as_str(), v.own_site, v.current))
        .collect();
    assert_eq!(
        shown,
        vec![
            (Some("22222222"), "Stevns Rusmiddelcenter", "25-11-2026", true, true),
            (Some("11111111"), "Faxe Rusmiddelcenter", "23-11-2026", false, false),
        ]
    );
    assert_eq!(c.values[0].staff, "Leder SL (Stevns Rusmiddelcenter)");
    assert_eq!(c.values[1].staff, "Leder BH (Faxe Rusmiddelcenter)");
    // The list showed a name: one read of that person is logged.
    assert_eq!(count(&stevns.j, "audit_log"), audit_before + 1);

    // Keeping Faxe's value is an ordinary edit; the resolution travels and
    // both sites hold Faxe's number with nothing open.
    let keep = (c.values[1].site, c.values[1].hlc.parse::<i64>().unwrap());
    stevns.j.resolve_conflict(&stevns.ctx, &c.row, &c.group, keep).unwrap();
    assert!(stevns.j.conflict_review(&stevns.ctx).unwrap().is_empty());
    assert_eq!(stevns.j.open_conflict_count(&stevns.ctx).unwrap(), 0);
    let s = export(&mut stevns, &faxe, stick.path());
    faxe.j.import_bundle(&faxe.ctx, &s, false).unwrap();
    for site in [&faxe, &stevns] {
        assert_eq!(site.field(a, "phone").as_deref(), Some("11111111"));
        assert!(conflicts(site).is_empty());
    }
}

#[test]
fn the_preview_and_the_conflicts_name_fields_in_danish_and_codes_by_their_names() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    let a = faxe.client("Rejse Rasmussen");
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    faxe.edit(a, |r| {
        r.phone = Some("11111111".into());
        r.municipality = "0259".into();
    });
    stevns.clock.advance(chrono::Duration::days(1));
    stevns.edit(a, |r| r.municipality = "0370".into());
    let f = export(&mut faxe, &stevns, stick.path());

    // The preview: per person which fields change, and the conflict, in Danish.
    let r = stevns.j.import_bundle(&stevns.ctx, &f, true).unwrap();
    let fields: Vec<(&str, usize)> = r.people[0].fields.iter().map(|f| (f.label.as_str(), f.changes)).collect();
    // (The client's insert travels again: Stevns has not acknowledged it yet.)
    assert!(fields.contains(&("klient: kommune", 1)) && fields.contains(&("klient: telefon", 1)), "{fields:?}");
    assert!(fields.contains(&("klient (ny)", 1)), "{fields:?}");
    let labels: Vec<&str> = r.new_conflicts.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, vec!["klient: kommune"]);
    assert!(r.tables.iter().all(|t| !t.label.contains('_')), "{:?}", r.tables);
    assert_eq!(r.tables[0].label, "klient");

    // The conflict: the municipality by its name, not its code.
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    let list = stevns.j.conflict_review(&stevns.ctx).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].field_label, "kommune");
    let values: Vec<Option<&str>> = list[0].values.iter().map(|v| v.value.as_deref()).collect();
    assert_eq!(values, vec![Some("Næstved"), Some("Køge")]);

    // The command line says the same.
    let (ok, text) = crate::sync::cli(stevns.j.path(), &["conflicts"]);
    assert!(ok, "{text}");
    assert!(text.contains("(klient: kommune, Rejse Rasmussen)"), "{text}");
    assert!(text.contains("1. Næstved") && text.contains("2. Køge"), "{text}");
    assert!(!text.contains("0370") && !text.contains("0259"), "{text}");
}

#[test]
fn every_single_byte_change_and_every_truncation_of_a_bundle_is_refused_and_changes_nothing() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    faxe.client("Rejse Rasmussen");
    let f = export(&mut faxe, &stevns, stick.path());
    let good = std::fs::read(&f).unwrap();
    stevns.j.checkpoint().unwrap();
    let before = files(&stevns.j);
    let bad = stick.path().join("bad.tovholder");
    let mut codes = std::collections::BTreeSet::new();
    for pos in 0..good.len() {
        let mut b = good.clone();
        b[pos] ^= 0x01;
        std::fs::write(&bad, &b).unwrap();
        let e = stevns.j.import_bundle(&stevns.ctx, &bad, false).unwrap_err();
        codes.insert(e.code());
    }
    for len in 0..good.len() {
        std::fs::write(&bad, &good[..len]).unwrap();
        let e = stevns.j.import_bundle(&stevns.ctx, &bad, false).unwrap_err();
        codes.insert(e.code());
    }
    assert_eq!(files(&stevns.j), before, "the journal's files are byte-for-byte unchanged");
    let allowed = ["bundle_format", "bundle_damaged", "bundle_not_for_this_site"];
    assert!(codes.iter().all(|c| allowed.contains(c)), "{codes:?}");
    // The whole file still imports.
    assert_eq!(stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap().status, ImportStatus::Applied);
}

#[test]
fn a_bundle_for_another_site_or_from_an_unknown_sender_is_refused_with_its_own_message() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    let mut third = Site::new("Køge Rusmiddelcenter", "0259", "KK");
    // Third knows Faxe, but a bundle to Stevns is not encrypted to it.
    let card = faxe.j.site_card(&faxe.ctx).unwrap();
    third.j.add_partner(&third.ctx, &card, &card.fingerprint()).unwrap();
    third.j.site_card(&third.ctx).unwrap();
    let to_stevns = export(&mut faxe, &stevns, stick.path());
    let before = files(&third.j);
    let e = third.j.import_bundle(&third.ctx, &to_stevns, false).unwrap_err();
    assert_eq!(e.code(), "bundle_not_for_this_site");
    assert!(e.to_string().contains("ikke til denne installation"), "{e}");
    // A site Stevns never registered writes to it: unknown sender.
    let mut stranger = Site::new("Ringsted Rusmiddelcenter", "0329", "RR");
    let s_card = stevns.j.site_card(&stevns.ctx).unwrap();
    stranger.j.add_partner(&stranger.ctx, &s_card, &s_card.fingerprint()).unwrap();
    let from_stranger = stranger.j.export_bundle(&stranger.ctx, stevns.j.site(), stick.path()).unwrap().path;
    let before_s = files(&stevns.j);
    let e = stevns.j.import_bundle(&stevns.ctx, &from_stranger, false).unwrap_err();
    assert_eq!(e.code(), "bundle_unknown_sender");
    assert!(e.to_string().contains("ukendt afsender"), "{e}");
    assert_eq!(files(&stevns.j), before_s);
    assert_eq!(files(&third.j), before);
    // Not a bundle at all.
    let text = stick.path().join("notes.tovholder");
    std::fs::write(&text, "Mødereferat").unwrap();
    assert_eq!(stevns.j.import_bundle(&stevns.ctx, &text, false).unwrap_err().code(), "bundle_format");
}

#[test]
fn a_missing_bundle_is_named_unless_a_later_one_covers_it() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    // Bundles are cumulative from what the partner acknowledged: while
    // Stevns has acknowledged nothing new, bundle 3 covers a lost bundle 2.
    faxe.client("Rejse Rasmussen");
    let lost = export(&mut faxe, &stevns, stick.path());
    std::fs::remove_file(&lost).unwrap();
    faxe.client("Agnete Bundgaard");
    let f3 = export(&mut faxe, &stevns, stick.path());
    assert_eq!(stevns.j.import_bundle(&stevns.ctx, &f3, false).unwrap().status, ImportStatus::Applied);

    // Stevns keeps a backup, reads bundle 4 and acknowledges it; Faxe's
    // bundle 5 then starts after what bundle 4 held.
    stevns.j.checkpoint().unwrap();
    let backup = tempfile::tempdir().unwrap();
    let copy = backup.path().join("stevns.journal");
    copy_journal(stevns.j.path(), &copy);
    faxe.client("Carl Christoffersen");
    let f4 = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f4, false).unwrap();
    let s = export(&mut stevns, &faxe, stick.path());
    faxe.j.import_bundle(&faxe.ctx, &s, false).unwrap();
    faxe.client("Dorte Dahl");
    let f5 = export(&mut faxe, &stevns, stick.path());

    // Stevns' journal is restored from the backup taken before bundle 4.
    let restored_path = stevns.j.path().to_path_buf();
    stevns.j = tovholder::Journal::open(&copy).unwrap();
    let before = files(&stevns.j);
    let e = stevns.j.import_bundle(&stevns.ctx, &f5, false).unwrap_err();
    assert_eq!(e.code(), "bundle_missing");
    assert!(e.to_string().contains("Bundle 4 fra Faxe Rusmiddelcenter mangler"), "{e}");
    assert_eq!(files(&stevns.j), before);
    // With bundle 4 read first, bundle 5 follows.
    assert_eq!(stevns.j.import_bundle(&stevns.ctx, &f4, false).unwrap().status, ImportStatus::Applied);
    assert_eq!(stevns.j.import_bundle(&stevns.ctx, &f5, false).unwrap().status, ImportStatus::Applied);
    assert!(restored_path.exists());
}

#[test]
fn a_journal_restored_from_backup_that_reuses_a_number_is_refused() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    // A copy of Faxe's journal as it is now (a backup).
    faxe.j.checkpoint().unwrap();
    let backup = tempfile::tempdir().unwrap();
    let copy_path = backup.path().join("faxe.journal");
    copy_journal(faxe.j.path(), &copy_path);
    faxe.client("Rejse Rasmussen");
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    // Faxe's journal is restored from the backup and writes "bundle 2" again,
    // with other content.
    drop(faxe.j);
    let mut restored = tovholder::Journal::open(&copy_path).unwrap();
    restored.add_client(&faxe.ctx, &client_record("Agnete Bundgaard", None)).unwrap();
    let other = tempfile::tempdir().unwrap();
    let again = restored.export_bundle(&faxe.ctx, stevns.j.site(), other.path()).unwrap();
    assert_eq!(again.seq, 2);
    let before = files(&stevns.j);
    let e = stevns.j.import_bundle(&stevns.ctx, &again.path, false).unwrap_err();
    assert_eq!(e.code(), "bundle_sequence_reused");
    assert!(e.to_string().contains("gendannet fra en sikkerhedskopi"), "{e}");
    assert_eq!(files(&stevns.j), before);
}

#[test]
fn debian_age_opens_a_bundle_with_the_site_identity_file() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    faxe.client("Rejse Rasmussen");
    let f = export(&mut faxe, &stevns, stick.path());
    let out = tempfile::tempdir().unwrap();
    let id = out.path().join("stevns.age-key");
    stevns.j.write_site_identity(&stevns.ctx, &id).unwrap();
    assert_eq!(stevns.j.write_site_identity(&stevns.ctx, &id).unwrap_err().code(), "already_exists");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&id).unwrap().permissions().mode() & 0o077, 0, "only the owner may read it");
    }
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("age -d -i '{}' '{}' | tar -x -C '{}'", id.display(), f.display(), out.path().display()))
        .status()
        .expect("age and tar (Debian packages, scripts/ensure-deps)");
    assert!(status.success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["from_name"], "Faxe Rusmiddelcenter");
    assert_eq!(manifest["to"], stevns.j.site().to_string());
    assert_eq!(manifest["seq"], 2);
    let unpacked = std::process::Command::new("zstd")
        .args(["-d", "-q", "-c"])
        .arg(out.path().join("changes.json.zst"))
        .output()
        .unwrap();
    assert!(unpacked.status.success());
    let set: serde_json::Value = serde_json::from_slice(&unpacked.stdout).unwrap();
    let names: Vec<&str> =
        set["changes"].as_array().unwrap().iter().filter_map(|c| c["value"]["name"].as_str()).collect();
    assert!(names.contains(&"Rejse Rasmussen"), "{names:?}");
    // The identity of Faxe does not open it.
    let faxe_id = out.path().join("faxe.age-key");
    faxe.j.write_site_identity(&faxe.ctx, &faxe_id).unwrap();
    let wrong = std::process::Command::new("age").arg("-d").arg("-i").arg(&faxe_id).arg(&f).output().unwrap();
    assert!(!wrong.status.success());
}

#[test]
fn a_bundle_cannot_be_written_to_a_folder_that_is_not_there_and_nothing_counts_as_sent() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, stevns) = pair(stick.path());
    let gone = stick.path().join("ikke-her");
    let e = faxe.j.export_bundle(&faxe.ctx, stevns.j.site(), &gone).unwrap_err();
    assert_eq!(e.code(), "bundle_write");
    assert!(e.to_string().contains("mappen findes ikke"), "{e}");
    let st = faxe.j.bundle_status(&faxe.ctx).unwrap();
    assert_eq!(st[0].last_sent.as_ref().map(|b| b.seq), Some(1), "only the first, organisation bundle was sent");
}

/// The frozen bundle format (fixtures/bundles, README there): a bundle, the
/// journal it was written to, that journal's emergency identity and the
/// sender's site card, all made once with test-only keys. The bundle must
/// still decrypt to the same manifest and import into (a copy of) that
/// journal, whatever the program has become. `TOVHOLDER_WRITE_GOLDEN=1`
/// makes them anew (only when the format changes on purpose, with a new
/// format number).
#[test]
fn the_golden_bundle_still_opens_and_imports() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bundles");
    let bundle = golden.join("faxe-til-stevns-0002.tovholder");
    let journal = golden.join("stevns.journal");
    let identity = golden.join("stevns.age-key");
    let card_file = golden.join("faxe.card.json");
    let manifest_file = golden.join("manifest.json");
    if std::env::var("TOVHOLDER_WRITE_GOLDEN").as_deref() == Ok("1") {
        let stick = tempfile::tempdir().unwrap();
        let (mut faxe, mut stevns) = pair(stick.path());
        faxe.client("Golda Gyldenstjerne");
        let f = export(&mut faxe, &stevns, stick.path());
        std::fs::create_dir_all(&golden).unwrap();
        std::fs::copy(&f, &bundle).unwrap();
        std::fs::write(&card_file, faxe.j.site_card(&faxe.ctx).unwrap().to_json()).unwrap();
        let _ = std::fs::remove_file(&identity);
        stevns.j.write_site_identity(&stevns.ctx, &identity).unwrap();
        let _ = std::fs::remove_file(&journal);
        sql(&stevns.j).execute("VACUUM INTO ?1", [journal.to_str().unwrap()]).unwrap();
        // Its head file too: a journal made now is marked as keeping one.
        let head = tovholder::store::head::path_for(&journal);
        std::fs::copy(tovholder::store::head::path_for(stevns.j.path()), head).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("age -d -i '{}' '{}' | tar -xO manifest.json", identity.display(), bundle.display()))
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::write(&manifest_file, out.stdout).unwrap();
    }
    // The card is still read, with its fingerprint.
    let card = SiteCard::parse(&std::fs::read(&card_file).unwrap()).unwrap();
    assert_eq!(card.name, "Faxe Rusmiddelcenter");
    // The manifest inside is byte-for-byte the frozen one.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("age -d -i '{}' '{}' | tar -xO manifest.json", identity.display(), bundle.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, std::fs::read(&manifest_file).unwrap());
    let manifest: tovholder::bundle::Manifest = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((manifest.format, manifest.seq, manifest.from), (1, 2, card.site));
    // And it imports into the journal it was written to.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("stevns.journal");
    copy_journal(&journal, &copy);
    let mut j = tovholder::Journal::open(&copy).unwrap();
    let ctx = tovholder::Ctx::new(
        j.first_staff().unwrap(),
        std::sync::Arc::new(tovholder::model::FixedClock::on(date(TODAY))),
    );
    let r = j.import_bundle(&ctx, &bundle, false).unwrap();
    assert_eq!(r.status, ImportStatus::Applied);
    assert_eq!(r.from, "Faxe Rusmiddelcenter");
    let name: String = sql(&j).query_row("SELECT name FROM client", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "Golda Gyldenstjerne");
}

#[test]
fn the_client_list_marks_the_cases_shared_with_a_partner_and_when_they_last_travelled() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    let shared = faxe.j.add_client(&faxe.ctx, &client_record("Rejse Rasmussen", None)).unwrap();
    let consents = faxe.consent_to_all(shared);
    let own = faxe.j.add_client(&faxe.ctx, &client_record("Agnete Bundgaard", None)).unwrap();
    let mark = |s: &mut Site,
                ids: &[tovholder::model::ClientId]|
     -> Vec<(tovholder::model::ClientId, Vec<String>, Option<String>)> {
        s.j.client_sharing(&s.ctx, ids)
            .unwrap()
            .into_iter()
            .map(|m| (m.client, m.partners, m.last_exchanged.map(|d| d.to_string())))
            .collect()
    };
    // Not sent yet: nothing is marked.
    assert_eq!(mark(&mut faxe, &[shared, own]), vec![]);
    let f = export(&mut faxe, &stevns, stick.path());
    let faxe_mark = (shared, vec!["Stevns Rusmiddelcenter".to_string()], Some(TODAY.to_string()));
    assert_eq!(mark(&mut faxe, &[shared, own]), vec![faxe_mark], "only the case that went to Stevns");
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    assert_eq!(
        mark(&mut stevns, &[shared]),
        vec![(shared, vec!["Faxe Rusmiddelcenter".to_string()], Some(TODAY.to_string()))],
        "Stevns sees where it came from"
    );
    // Three days later Stevns edits it and sends it back: both show that day.
    for s in [&faxe, &stevns] {
        s.clock.advance(chrono::Duration::days(3));
    }
    stevns.edit(shared, |r| r.phone = Some("22222222".into()));
    let s = export(&mut stevns, &faxe, stick.path());
    faxe.j.import_bundle(&faxe.ctx, &s, false).unwrap();
    for site in [&mut faxe, &mut stevns] {
        let m = mark(site, &[shared]);
        assert_eq!(m[0].2.as_deref(), Some("2026-11-26"), "{m:?}");
    }
    // The consent is withdrawn: the case no longer travels, and is marked
    // nowhere once Stevns has removed it.
    for c in consents {
        faxe.j.withdraw_consent(&faxe.ctx, c, date("2026-11-26")).unwrap();
    }
    let f = export(&mut faxe, &stevns, stick.path());
    assert_eq!(mark(&mut faxe, &[shared, own]), vec![]);
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    assert_eq!(mark(&mut stevns, &[shared]), vec![]);
}

#[test]
fn a_withdrawn_consent_shows_at_the_partner_which_data_was_removed_and_why() {
    let stick = tempfile::tempdir().unwrap();
    let (mut faxe, mut stevns) = pair(stick.path());
    let id = faxe.j.add_client(&faxe.ctx, &client_record("Rejse Rasmussen", None)).unwrap();
    let consents = faxe.consent_to_all(id);
    let f = export(&mut faxe, &stevns, stick.path());
    stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    assert_eq!(stevns.field(id, "name").as_deref(), Some("Rejse Rasmussen"));
    for c in consents {
        faxe.j.withdraw_consent(&faxe.ctx, c, date("2026-11-20")).unwrap();
    }
    let f = export(&mut faxe, &stevns, stick.path());
    // The preview says whose data goes, what and why, and writes nothing.
    let before = files(&stevns.j);
    let preview = stevns.j.import_bundle(&stevns.ctx, &f, true).unwrap();
    assert_eq!(files(&stevns.j).len(), before.len());
    assert_eq!(stevns.field(id, "name").as_deref(), Some("Rejse Rasmussen"), "a dry run removes nothing");
    // Per person: the name, the records removed per kind, and why.
    type Removed = (Option<String>, Vec<(String, usize)>, String);
    let removed = |r: &tovholder::bundle::BundleImport| -> Vec<Removed> {
        r.removed
            .iter()
            .map(|p| {
                (p.name.clone(), p.records.iter().map(|f| (f.label.clone(), f.changes)).collect(), p.reason.clone())
            })
            .collect()
    };
    let want = vec![(
        Some("Rejse Rasmussen".to_string()),
        vec![("klient".to_string(), 1), ("samtykke".to_string(), 2)],
        "samtykket til jer blev trukket tilbage den 20-11-2026".to_string(),
    )];
    assert_eq!(removed(&preview), want);
    let done = stevns.j.import_bundle(&stevns.ctx, &f, false).unwrap();
    assert_eq!(removed(&done), want);
    let held: i64 = sql(&stevns.j).query_row("SELECT count(*) FROM client WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(held, 0, "the client is gone from Stevns' journal");
    assert!(faxe.field(id, "name").is_some(), "and stays in Faxe's");
}

/// A revocation's JSON in a change set is frozen: the day of the withdrawn
/// consent is left out when unknown, so sets and bundles written before it
/// existed read the same, and a set that has it reads back whole.
#[test]
fn a_revocation_in_a_change_set_reads_and_writes_as_frozen_json() {
    use tovholder::sync::Revocation;
    let old = r#"{"table":"client","row":"00000000-0000-4000-8000-000300000018"}"#;
    let r: Revocation = serde_json::from_str(old).unwrap();
    assert_eq!(r.withdrawn_on, None);
    assert_eq!(serde_json::to_string(&r).unwrap(), old);
    let new = r#"{"table":"consent","row":"00000000-0000-4000-8000-000300000019","withdrawn_on":"2026-11-20"}"#;
    let r: Revocation = serde_json::from_str(new).unwrap();
    assert_eq!(r.withdrawn_on, Some(date("2026-11-20")));
    assert_eq!(serde_json::to_string(&r).unwrap(), new);
}
