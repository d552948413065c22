//! Tauri's build step, with the app's commands declared so that each gets an
//! `allow-…` permission and the capability can grant exactly the ones the UI
//! uses (capabilities/default.json).

fn main() {
    // The UI is embedded from ui/dist. A checkout that has not built the UI
    // yet (e.g. `cargo clippy` before `npm run build`) gets a placeholder page
    // saying so, instead of a build failure.
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        let _ = std::fs::create_dir_all(dist);
        let _ = std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Tovholder</title>\
             <p>Brugerfladen er ikke bygget. Kør <code>npm ci &amp;&amp; npm run build</code> i <code>ui/</code>.</p>",
        );
    }
    let manifest = tauri_build::AppManifest::new().commands(tovholder_commands());
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        println!("cargo:warning={e:#}");
        std::process::exit(1);
    }
}

/// Every command of `src/commands/` and `src/bench.rs`; keep in step with `generate_handler!` in
/// `src/lib.rs` (a command missing here is refused at run time).
fn tovholder_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "open_saved",
        "show_saved",
        "save_recovery_key",
        "open_journal",
        "create_journal",
        "open_demo",
        "close_journal",
        "login",
        "lock",
        "staff_accounts",
        "add_user",
        "set_password",
        "change_own_password",
        "remove_login",
        "idle_minutes",
        "set_idle_minutes",
        "audit_page",
        "access_log",
        "reference_data",
        "search_clients",
        "client_record",
        "client_sharing",
        "waiting_referrals",
        "add_client",
        "update_client",
        "add_referral",
        "intake",
        "record_info_talk",
        "enrol",
        "start_course",
        "close_course",
        "add_child",
        "add_emergency_plan",
        "add_network_person",
        "add_notification",
        "answer_notification",
        "revise_plan",
        "add_assessment",
        "start_medication",
        "stop_medication",
        "add_evaluation",
        "follow_up",
        "give_consent",
        "withdraw_consent",
        "list_groups",
        "group_detail",
        "add_group",
        "add_group_member",
        "record_group_meeting",
        "leave_group",
        "add_session",
        "record_attendance",
        "add_note",
        "correct_note",
        "case_review_list",
        "record_case_review",
        "annual_report",
        "waiting_report",
        "save_annual_pdf",
        "audit_check",
        "settlement",
        "approve_settlement",
        "save_settlement",
        "save_nab_extract",
        "save_case_review_pdf",
        "backup_journal",
        "check_journal",
        "restore_backup",
        "recover_journal",
        "insight_report",
        "save_insight_pdf",
        "expired_clients",
        "delete_expired",
        "municipality_list",
        "save_site_card",
        "read_site_card",
        "add_partner",
        "bundle_status",
        "export_bundle",
        "import_bundle",
        "import_bundle_dir",
        "conflict_review",
        "open_conflict_count",
        "resolve_conflict",
        "write_conflict_value",
        "bench_login",
        "bench_ready",
    ]
}
