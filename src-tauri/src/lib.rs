//! Tovholder's desktop shell: Tauri commands over the journal core.
//!
//! Owns the window, the app state (the chosen journal, locked or logged in) and the
//! translation between the UI's forms and the core's records and errors. It
//! must not hold SQL or rules of the journal: every command calls the core.
//! Only this crate imports Tauri.

pub mod bench;
pub mod commands;
pub mod error;
pub mod files;
pub mod forms;
pub mod ipc_types;
pub mod pss;
pub mod state;

use std::path::PathBuf;

use tauri::{Emitter, Manager};

use crate::state::{AppState, Start};

/// The app identifier of debug builds, which the end-to-end tests drive: it
/// keeps their webview data apart from a real installation's.
pub const TEST_IDENTIFIER: &str = "dk.tovholder.test";

const USAGE: &str = "Brug: tovholder-desktop [--journal FIL] [--demo]";

/// Read `--journal FILE` and `--demo` (or the environment variable
/// `TOVHOLDER_JOURNAL`). The app starts locked, at the login screen.
fn start_from_args() -> Result<Option<Start>, String> {
    let mut path = std::env::var_os("TOVHOLDER_JOURNAL").filter(|p| !p.is_empty()).map(PathBuf::from);
    let mut demo = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--journal" => path = Some(args.next().ok_or(USAGE)?.into()),
            "--demo" => demo = true,
            _ => return Err(format!("Ukendt argument «{a}». {USAGE}")),
        }
    }
    Ok(path.map(|path| Start { path, demo }))
}

pub fn run() {
    bench::mark_start();
    let start = match start_from_args() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut context = tauri::generate_context!();
    if cfg!(debug_assertions) {
        context.config_mut().identifier = TEST_IDENTIFIER.to_string();
    }
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .setup(move |app| {
            // A command that waits for a busy journal says so on screen.
            let handle = app.handle().clone();
            tovholder::store::on_busy_wait(move || {
                let notice = state::BusyNotice { message: tovholder::store::BUSY_MESSAGE.to_string() };
                let _ = handle.emit(state::BUSY_EVENT, notice);
            });
            let data_dir = app.path().app_data_dir()?;
            let folders = files::Folders::of(app.handle(), &data_dir);
            let demo_path = data_dir.join("demo.journal");
            // No journal asked for: the one used last time, at its login screen.
            let start = start.or_else(|| files::last_journal(app.handle()).map(|path| Start { path, demo: false }));
            app.manage(AppState::new(state::clock_from_env(), demo_path, folders, start));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::journal::app_info,
            files::open_saved,
            files::show_saved,
            files::save_recovery_key,
            commands::journal::open_journal,
            commands::journal::create_journal,
            commands::journal::open_demo,
            commands::journal::close_journal,
            commands::login::login,
            commands::login::lock,
            commands::admin::staff_accounts,
            commands::admin::add_user,
            commands::admin::set_password,
            commands::admin::change_own_password,
            commands::admin::remove_login,
            commands::admin::idle_minutes,
            commands::admin::set_idle_minutes,
            commands::admin::audit_page,
            commands::admin::access_log,
            commands::journal::reference_data,
            commands::clients::search_clients,
            commands::clients::client_record,
            commands::clients::client_sharing,
            commands::clients::waiting_referrals,
            commands::clients::add_client,
            commands::clients::update_client,
            commands::care::add_referral,
            commands::care::intake,
            commands::care::record_info_talk,
            commands::care::enrol,
            commands::care::start_course,
            commands::care::close_course,
            commands::clients::add_child,
            commands::clients::add_emergency_plan,
            commands::clients::add_network_person,
            commands::clients::add_notification,
            commands::clients::answer_notification,
            commands::care::revise_plan,
            commands::care::add_assessment,
            commands::care::start_medication,
            commands::care::stop_medication,
            commands::care::add_evaluation,
            commands::care::follow_up,
            commands::consent::give_consent,
            commands::consent::withdraw_consent,
            commands::groups::list_groups,
            commands::groups::group_detail,
            commands::groups::add_group,
            commands::groups::add_group_member,
            commands::groups::record_group_meeting,
            commands::groups::leave_group,
            commands::sessions::add_session,
            commands::sessions::record_attendance,
            commands::sessions::add_note,
            commands::sessions::correct_note,
            commands::review::case_review_list,
            commands::review::record_case_review,
            commands::reports::annual_report,
            commands::reports::waiting_report,
            commands::reports::save_annual_pdf,
            commands::reports::audit_check,
            commands::reports::settlement,
            commands::reports::approve_settlement,
            commands::reports::save_settlement,
            commands::reports::save_nab_extract,
            commands::review::save_case_review_pdf,
            commands::safety::backup_journal,
            commands::safety::check_journal,
            commands::safety::restore_backup,
            commands::safety::recover_journal,
            commands::safety::insight_report,
            commands::safety::save_insight_pdf,
            commands::safety::expired_clients,
            commands::safety::delete_expired,
            commands::safety::municipality_list,
            commands::handoff::save_site_card,
            commands::handoff::read_site_card,
            commands::handoff::add_partner,
            commands::handoff::bundle_status,
            commands::handoff::export_bundle,
            commands::handoff::import_bundle,
            commands::handoff::import_bundle_dir,
            commands::handoff::conflict_review,
            commands::handoff::open_conflict_count,
            commands::handoff::resolve_conflict,
            commands::handoff::write_conflict_value,
            bench::bench_login,
            bench::bench_ready,
        ])
        .run(context);
    if let Err(e) = result {
        eprintln!("Tovholder kunne ikke starte: {e}");
        std::process::exit(1);
    }
}
