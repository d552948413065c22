//! Hello world in Tauri 2, the baseline of scripts/bench-desktop: prints the
//! same line as Tovholder's benchmark mode (`src-tauri/src/bench.rs`) when
//! its page is painted, then quits.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

// The same PSS sum as Tovholder's.
#[path = "../../../src-tauri/src/pss.rs"]
mod pss;

static START: OnceLock<Instant> = OnceLock::new();

#[tauri::command]
fn ready(app: tauri::AppHandle) {
    let ms = START.get().map(|s| s.elapsed().as_secs_f64() * 1000.0).unwrap_or(0.0);
    let (pss_kib, processes) = pss::tree_pss_kib(std::process::id());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "bench_ready ms={ms:.1} login_ms=0.0 pss_kib={pss_kib} processes={processes}");
    let _ = out.flush();
    drop(out);
    app.exit(0);
}

fn main() {
    START.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("hello world failed to start");
}
