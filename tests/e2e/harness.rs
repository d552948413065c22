//! Starting the app under WebDriver, and the few helpers the stories use.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

/// "Today" in the stories: the app and the checks use the same fixed clock.
pub const TODAY: &str = "2026-11-23";

pub struct App {
    pub driver: Option<WebDriver>,
    tauri_driver: Child,
    xvfb: Option<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn tool(name: &str) -> PathBuf {
    let cargo_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin").join(name));
    match cargo_bin {
        Some(p) if p.exists() => p,
        _ => PathBuf::from(name),
    }
}

/// A display: the caller's, or a fresh Xvfb at the laptop size of the spec.
fn display() -> (String, Option<Child>) {
    if let Ok(d) = std::env::var("DISPLAY") {
        if !d.is_empty() {
            return (d, None);
        }
    }
    let base = 100 + (std::process::id() % 400) as u32;
    for n in base..base + 50 {
        if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        let child = Command::new("Xvfb")
            .args([format!(":{n}").as_str(), "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb mangler (apt-get install xvfb, eller kør scripts/test)");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (format!(":{n}"), Some(child));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("could not start Xvfb");
}

impl App {
    /// Launch the app on `journal` as the staff member `initials`;
    /// `demo` makes the journal from the demo data first when missing.
    pub async fn launch(dir: &Path, journal: &Path, initials: &str, demo: bool) -> App {
        let (display, xvfb) = display();
        let port = free_port();
        let native_port = free_port();
        let xdg = dir.join("xdg");
        // Its own process group, so that WebKitWebDriver and the app it
        // starts are stopped with it.
        let tauri_driver = Command::new(tool("tauri-driver"))
            .process_group(0)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display)
            .env("TOVHOLDER_NOW", TODAY)
            .env("TOVHOLDER_USER", initials)
            .env("XDG_DATA_HOME", xdg.join("data"))
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver mangler (cargo install tauri-driver@2.0.4 --locked, eller kør scripts/test)");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "tauri-driver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut args = vec!["--journal".to_string(), journal.display().to_string()];
        if demo {
            args.push("--demo".into());
        }
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").unwrap();
        caps.set("tauri:options", json!({ "application": env!("CARGO_BIN_EXE_tovholder-desktop"), "args": args }))
            .unwrap();
        let mut app = App { driver: None, tauri_driver, xvfb };
        let driver = WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
            .request_timeout(Duration::from_secs(30))
            .await
            .unwrap();
        app.driver = Some(driver);
        app
    }

    pub fn d(&self) -> &WebDriver {
        self.driver.as_ref().unwrap()
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn el(&self, css: &str) -> WebElement {
        self.d()
            .query(By::Css(css))
            .wait(Duration::from_secs(15), Duration::from_millis(100))
            .first()
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Wait until the text of `css` contains `want`.
    pub async fn wait_text(&self, css: &str, want: &str) -> String {
        let start = Instant::now();
        loop {
            if let Ok(els) = self.d().find_all(By::Css(css)).await {
                for e in els {
                    if let Ok(t) = e.text().await {
                        if t.contains(want) {
                            return t;
                        }
                    }
                }
            }
            assert!(start.elapsed() < Duration::from_secs(15), "no «{want}» in {css}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        eprintln!("e2e: click {css}");
        self.el(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Type into an input or textarea (replacing what is there), as a person does.
    pub async fn fill(&self, css: &str, value: &str) {
        eprintln!("e2e: fill {css}");
        let e = self.el(css).await;
        e.clear().await.unwrap();
        e.send_keys(value).await.unwrap_or_else(|err| panic!("type into {css}: {err}"));
    }

    /// Choose an option of a <select> by its code.
    pub async fn choose(&self, css: &str, code: &str) {
        let e = self.el(css).await;
        self.d()
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![e.to_json().unwrap(), json!(code)],
            )
            .await
            .unwrap();
    }

    pub async fn value(&self, css: &str) -> String {
        self.el(css).await.prop("value").await.unwrap().unwrap_or_default()
    }

    /// Save a screenshot of the window as a test artefact.
    pub async fn shot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        // A screenshot is an artefact, not an assertion: WebKitWebDriver
        // occasionally drops one, so try again and then only report it.
        for attempt in 1..=2 {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let path = dir.join(format!("{name}.png"));
            match tokio::time::timeout(Duration::from_secs(8), self.d().screenshot(&path)).await {
                Ok(Ok(())) => return,
                Ok(Err(e)) => eprintln!("e2e: screenshot {name} failed (attempt {attempt}): {e}"),
                Err(_) => eprintln!("e2e: screenshot {name} timed out (attempt {attempt})"),
            }
        }
    }

    /// Close the app (and its drivers) so the journal file is at rest.
    pub async fn quit(mut self) {
        if let Some(d) = self.driver.take() {
            let _ = d.quit().await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let group = format!("-{}", self.tauri_driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.tauri_driver.kill();
        let _ = self.tauri_driver.wait();
        if let Some(x) = self.xvfb.as_mut() {
            let _ = x.kill();
            let _ = x.wait();
        }
    }
}
