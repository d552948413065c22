//! Memory of a process tree as PSS (proportional set size), for the
//! benchmark (`scripts/bench-desktop`). RSS would count the webview's shared
//! pages once per process; PSS divides each shared page among its sharers, so
//! the sum over the processes is what they take together.
//!
//! Self-contained (std only): the hello-world app of the benchmark
//! (`bench/hello/`) includes this file too, so both are measured alike.

use std::collections::HashMap;

/// PSS in KiB summed over process `root` and all its descendants (the
/// webview's WebKitWebProcess and WebKitNetworkProcess, also through a
/// sandbox's intermediate processes), and how many processes that was.
/// Linux only (`/proc/<pid>/smaps_rollup`); elsewhere `(0, 0)`.
pub fn tree_pss_kib(root: u32) -> (u64, usize) {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return (0, 0) };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        if let Some(ppid) = parent_of(pid) {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let (mut total, mut count) = (0, 0);
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        if let Some(kib) = pss_kib(pid) {
            total += kib;
            count += 1;
        }
        todo.extend(children.get(&pid).into_iter().flatten());
    }
    (total, count)
}

/// The parent pid from `/proc/<pid>/stat` (the field after the command name,
/// which is in parentheses and may itself hold spaces).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
