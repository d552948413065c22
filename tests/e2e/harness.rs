//! Starting the app under WebDriver, and the few helpers the stories use.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::json;
use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;
use thirtyfour::Capabilities;
use tovholder::demo::DEMO_PASSWORD;
use tovholder::model::FixedClock;
use tovholder::security::keys::Secret;
use tovholder::{Ctx, Journal};

/// "Today" in the stories: the app and the checks use the same fixed clock.
pub const TODAY: &str = "2026-11-23";

/// The stories' today, as a date.
pub fn today() -> NaiveDate {
    d(TODAY)
}

/// An ISO date (`2026-11-23`) as a date.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The journal file, opened through the core as the demo's leader (BH),
/// to check afterwards what the story wrote.
pub fn open_as_leader(journal: &Path) -> (Journal, Ctx) {
    Journal::login(journal, "BH", &Secret::new(DEMO_PASSWORD), Arc::new(FixedClock::on(today()))).unwrap()
}

/// A connection of the test's own to the demo journal's file (the key
/// unwrapped from the keyring with the leader's password, as any SQLCipher
/// client would open it), to check what a story stored.
pub fn sql(journal: &Path) -> rusqlite::Connection {
    let ring = tovholder::security::keys::Keyring::load(journal).unwrap();
    let (key, _) = ring.unlock_user("BH", &Secret::new(DEMO_PASSWORD)).unwrap().unwrap();
    let c = rusqlite::Connection::open(journal).unwrap();
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str())).unwrap();
    c
}

/// How long a wait for the page lasts before the story fails, and how
/// often it looks meanwhile.
const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

/// WebDriver's answer when the element (or, in WebKitWebDriver, the page
/// being searched) changed under the command: look again.
fn is_stale(e: &WebDriverError) -> bool {
    matches!(e.as_inner(), WebDriverErrorInner::StaleElementReference(_))
}

pub struct App {
    pub driver: Option<WebDriver>,
    tauri_driver: Child,
    xvfb: Option<Child>,
    display: String,
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

/// Start tauri-driver on fresh ports and wait until it listens; its own
/// process group, so that WebKitWebDriver and the app it starts are stopped
/// with it.
fn start_tauri_driver(dir: &Path, display: &str, env: &[(&str, &str)]) -> (Child, u16) {
    let port = free_port();
    let native_port = free_port();
    let xdg = dir.join("xdg");
    let mut tauri_driver = Command::new(tool("tauri-driver"))
        .process_group(0)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("DISPLAY", display)
        .env("TOVHOLDER_NOW", TODAY)
        .env("TOVHOLDER_INSECURE_FAST_KDF_FOR_TESTS", "1")
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tauri-driver mangler (cargo install tauri-driver@2.0.4 --locked, eller kør scripts/test)");
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = tauri_driver.kill();
            panic!("tauri-driver did not start");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (tauri_driver, port)
}

/// The app the stories drive: this build's binary, or the one named by
/// `TOVHOLDER_E2E_APP` (the installed package's, or a copy kept apart while
/// the workspace is rebuilt).
pub fn application() -> PathBuf {
    std::env::var_os("TOVHOLDER_E2E_APP")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tovholder-desktop")))
}

/// Whether X display `n` belongs to a running server. A lock file whose
/// process is gone (an Xvfb that was killed) is stale: it and the socket are
/// removed, so stale files never use up the displays.
fn display_in_use(n: u32) -> bool {
    let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    match std::fs::read_to_string(&lock) {
        Ok(pid) => {
            let alive = pid.trim().parse::<u32>().is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            if !alive {
                let _ = std::fs::remove_file(&lock);
                let _ = std::fs::remove_file(&socket);
            }
            alive
        }
        Err(_) => socket.exists(),
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
        if display_in_use(n) {
            continue;
        }
        let mut child = Command::new("Xvfb")
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
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("could not start Xvfb");
}

impl App {
    /// Launch the app on the encrypted `journal` (it starts at the login
    /// screen); `demo` makes the demo journal first when missing. Key
    /// derivation is the cheap test setting, as in the core's tests.
    pub async fn launch(dir: &Path, journal: &Path, demo: bool) -> App {
        App::launch_with(dir, journal, demo, &[]).await
    }

    /// `launch`, with more environment variables for the app.
    ///
    /// Starting the drivers is retried (up to three times, on fresh ports):
    /// two stories starting at once can race for a port that `free_port`
    /// has just released, and then the session request fails before the
    /// app exists. Nothing the story checks has happened yet at that point.
    pub async fn launch_with(dir: &Path, journal: &Path, demo: bool, env: &[(&str, &str)]) -> App {
        let mut args = vec!["--journal".to_string(), journal.display().to_string()];
        if demo {
            args.push("--demo".into());
        }
        App::launch_args(dir, args, env).await
    }

    /// Launch the app with no journal chosen: it starts at the start screen.
    pub async fn launch_fresh(dir: &Path) -> App {
        App::launch_args(dir, Vec::new(), &[]).await
    }

    /// Launch the app with these command-line arguments.
    pub async fn launch_args(dir: &Path, args: Vec<String>, env: &[(&str, &str)]) -> App {
        let (display, xvfb) = display();
        let mut xvfb = xvfb;
        let mut last = String::new();
        for attempt in 1..=3 {
            let (tauri_driver, port) = start_tauri_driver(dir, &display, env);
            let mut app = App { driver: None, tauri_driver, xvfb: xvfb.take(), display: display.clone() };
            let mut caps = Capabilities::new();
            caps.set("browserName", "wry").unwrap();
            caps.set("tauri:options", json!({ "application": application(), "args": args })).unwrap();
            match WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
                .request_timeout(Duration::from_secs(30))
                .await
            {
                Ok(driver) => {
                    app.driver = Some(driver);
                    return app;
                }
                Err(e) => {
                    last = e.to_string();
                    eprintln!("e2e: the WebDriver session did not start (attempt {attempt} of 3): {last}");
                    // Stop this attempt's drivers but keep our display.
                    xvfb = app.xvfb.take();
                    drop(app);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        panic!("the WebDriver session did not start in three attempts: {last}");
    }

    /// Search the client list as a person does (typing into its search
    /// box), and wait until the rows on the screen are the answer to that
    /// search: the list shows each keystroke's answer as it comes, so a row
    /// found before the last answer may move or go.
    pub async fn search(&self, query: &str) {
        self.fill("input[name=search]", query).await;
        self.el(&format!("table.list[data-results-for=\"{query}\"]")).await;
    }

    /// Log in at the login screen, pressing Enter in the password field.
    pub async fn login(&self, initials: &str, password: &str) {
        self.fill("[data-form=login] input[name=login]", initials).await;
        self.fill("[data-form=login] input[name=password]", password).await;
        self.keys("[data-form=login] input[name=password]", "\u{E007}").await;
    }

    pub fn d(&self) -> &WebDriver {
        self.driver.as_ref().unwrap()
    }

    /// Every element matching `css` at this moment, or `None` when the page
    /// changed while WebKitWebDriver was looking (it then answers "stale
    /// element reference" for the whole search): the caller looks again, at
    /// the new page. Any other error is a real fault and fails the story.
    async fn look(&self, css: &str) -> Option<Vec<WebElement>> {
        match self.d().find_all(By::Css(css)).await {
            Ok(found) => Some(found),
            Err(e) if is_stale(&e) => None,
            Err(e) => panic!("{css}: {e}"),
        }
    }

    /// Whether an element matching `css` is on the screen now (asked again
    /// when the page changed during the look, so the answer is about one page).
    pub async fn present(&self, css: &str) -> bool {
        self.count(css).await > 0
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        let start = Instant::now();
        loop {
            if let Some(found) = self.look(css).await {
                return found.len();
            }
            if start.elapsed() > WAIT {
                panic!("{css}: the page kept changing for {WAIT:?} while it was looked at");
            }
        }
    }

    /// Wait until an element matching `css` is on the screen. The element
    /// is returned for a look at once only: to act on it or read it, use
    /// `click`, `fill`, `text`, `attr`, …, which find it again when the page
    /// has replaced it in between.
    pub async fn el(&self, css: &str) -> WebElement {
        self.with_el(css, |e| async move { Ok(e) }).await
    }

    /// Do `act` on the first element matching `css`, waiting up to 15 s for
    /// it to appear. When the page re-renders between finding the element
    /// and acting on it, WebDriver answers "stale element reference" and
    /// the action has not happened (the spec checks staleness before it
    /// dispatches anything): the element is then found again by `css` and
    /// the action done on the new one. Any other error fails at once, and
    /// an element that never appears (or is replaced for 15 s on end) fails
    /// with a screenshot.
    pub async fn with_el<T, F, Fut>(&self, css: &str, act: F) -> T
    where
        F: Fn(WebElement) -> Fut,
        Fut: std::future::Future<Output = WebDriverResult<T>>,
    {
        let start = Instant::now();
        let mut replaced = 0;
        loop {
            if let Some(e) = self.look(css).await.and_then(|found| found.into_iter().next()) {
                match act(e).await {
                    Ok(t) => return t,
                    Err(err) if is_stale(&err) => {
                        replaced += 1;
                        eprintln!("e2e: {css} was replaced by the page before it was used; finding it again");
                    }
                    Err(err) => {
                        let layout = self.layout(css).await;
                        self.shot("zz-failed").await;
                        panic!("{css}: {err}\nwhere it was: {layout}");
                    }
                }
            }
            if start.elapsed() > WAIT {
                self.shot("zz-failed").await;
                panic!("{css}: not on the screen after {WAIT:?} (replaced by the page {replaced} times meanwhile)");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Where the first element matching `css` is on the page and what else
    /// the page shows, for the message of a failed action.
    async fn layout(&self, css: &str) -> String {
        let script = "const e = document.querySelector(arguments[0]); if (!e) return 'gone';
            const r = e.getBoundingClientRect(); const a = document.activeElement;
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return `rect ${r.x},${r.y} ${r.width}x${r.height}; viewport ${innerWidth}x${innerHeight}, scrolled ${scrollX},${scrollY}; `
              + `disabled ${!!e.disabled}; at its centre ${hit ? hit.outerHTML.slice(0, 120) : 'nothing'}; focus ${a ? a.tagName + '[name=' + a.getAttribute('name') + ']' : 'none'}`;";
        match self.d().execute(script, vec![json!(css)]).await {
            Ok(r) => r.json().as_str().unwrap_or_default().to_string(),
            Err(e) => format!("unknown ({e})"),
        }
    }

    /// Wait until the text of `css` contains `want`.
    /// On a timeout the failure names what was there instead, and any
    /// message the page shows (`role=alert`), so a failed run explains itself.
    pub async fn wait_text(&self, css: &str, want: &str) -> String {
        let start = Instant::now();
        loop {
            let seen = self.texts_once(css).await.unwrap_or_default();
            if let Some(t) = seen.iter().find(|t| t.contains(want)) {
                return t.clone();
            }
            if start.elapsed() > WAIT {
                let alerts = self.texts_once("[role=alert]").await.unwrap_or_default();
                self.shot("zz-failed").await;
                panic!("no «{want}» in {css}; found {seen:?}; alerts on the page: {alerts:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The texts of every element matching `css`, all from one page: `None`
    /// when the page changed while they were read.
    async fn texts_once(&self, css: &str) -> Option<Vec<String>> {
        let mut texts = Vec::new();
        for e in self.look(css).await? {
            match e.text().await {
                Ok(t) => texts.push(t),
                Err(err) if is_stale(&err) => return None,
                Err(err) => panic!("{css}: {err}"),
            }
        }
        Some(texts)
    }

    /// The texts of every element matching `css` now (read again when the
    /// page changed while they were read).
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let start = Instant::now();
        loop {
            if let Some(texts) = self.texts_once(css).await {
                return texts;
            }
            if start.elapsed() > WAIT {
                panic!("{css}: the page kept changing for {WAIT:?} while it was read");
            }
        }
    }

    /// The text of the first element matching `css`, waiting for it.
    pub async fn text(&self, css: &str) -> String {
        self.with_el(css, |e| async move { e.text().await }).await
    }

    /// An attribute of the first element matching `css`, waiting for it.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.with_el(css, |e| async move { e.attr(name).await }).await
    }

    /// Whether the first checkbox or radio button matching `css` is checked.
    pub async fn selected(&self, css: &str) -> bool {
        self.with_el(css, |e| async move { e.is_selected().await }).await
    }

    /// Press keys in the first element matching `css` (`"\u{E007}"` is Enter,
    /// `Key::Alt + "6"` a shortcut).
    pub async fn keys(&self, css: &str, keys: impl Into<TypingData>) {
        let keys: String = keys.into().as_vec().into_iter().collect();
        self.with_el(css, |e| {
            let keys = keys.clone();
            async move { e.send_keys(keys).await }
        })
        .await
    }

    pub async fn click(&self, css: &str) {
        eprintln!("e2e: click {css}");
        self.with_el(css, |e| async move { e.click().await }).await
    }

    /// Type into an input or textarea (replacing what is there), as a person does.
    pub async fn fill(&self, css: &str, value: &str) {
        eprintln!("e2e: fill {css}");
        self.with_el(css, |e| async move {
            e.clear().await?;
            // Nothing to type (WebDriver refuses empty keys): the field is
            // emptied, and told so as typing would (WebDriver's clear sends
            // no input event).
            if value.is_empty() {
                let script = "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));";
                return self.d().execute(script, vec![e.to_json()?]).await.map(|_| ());
            }
            e.send_keys(value).await
        })
        .await
    }

    /// Press keys wherever the focus is, as a person at the keyboard does:
    /// no element is clicked or chosen first.
    pub async fn press(&self, keys: impl Into<TypingData>) {
        self.d().action_chain().send_keys(keys).perform().await.unwrap();
    }

    /// Hold `modifier` and press `key`, wherever the focus is (`Alt+2`).
    pub async fn chord(&self, modifier: Key, key: char) {
        self.d()
            .action_chain()
            .key_down(modifier.clone())
            .key_down(key)
            .key_up(key)
            .key_up(modifier)
            .perform()
            .await
            .unwrap();
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> bool {
        let r = self
            .d()
            .execute("const a = document.activeElement; return !!a && a.matches(arguments[0]);", vec![json!(css)])
            .await
            .unwrap();
        r.json() == &json!(true)
    }

    /// The focused element, described (`INPUT name=cpr`), for messages.
    pub async fn focused(&self) -> String {
        let r = self
            .d()
            .execute(
                "const a = document.activeElement; return a ? `${a.tagName} name=${a.getAttribute('name')} text=${(a.textContent || '').trim().slice(0, 40)}` : 'none';",
                vec![],
            )
            .await
            .unwrap();
        r.json().as_str().unwrap_or_default().to_string()
    }

    /// Wait until the focus is on an element matching `css` (it moves after
    /// a render), failing with where it is instead.
    pub async fn wait_focus(&self, css: &str) {
        let start = Instant::now();
        while !self.focus_is(css).await {
            if start.elapsed() > WAIT {
                self.shot("zz-failed").await;
                panic!("the focus is not on {css} but on {}", self.focused().await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Press Tab until the focus is on `css` (at most 60 times), as a
    /// keyboard user moves through a form.
    pub async fn tab_to(&self, css: &str) {
        for _ in 0..60 {
            if self.focus_is(css).await {
                return;
            }
            self.press(Key::Tab).await;
        }
        self.shot("zz-failed").await;
        panic!("Tab never reached {css}; the focus is on {}", self.focused().await);
    }

    /// Choose an option of a <select> by its code.
    pub async fn choose(&self, css: &str, code: &str) {
        self.with_el(css, |e| async move {
            self.d()
                .execute(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                    vec![e.to_json()?, json!(code)],
                )
                .await
                .map(|_| ())
        })
        .await
    }

    pub async fn value(&self, css: &str) -> String {
        self.with_el(css, |e| async move { e.prop("value").await }).await.unwrap_or_default()
    }

    /// Save a screenshot of the window as a test artefact. On our own Xvfb
    /// the screen is read with `xwd` (WebKitWebDriver's snapshot stalls now
    /// and then); on a person's display through WebDriver.
    pub async fn shot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        let _ = self.d().execute("document.activeElement && document.activeElement.blur();", vec![]).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        if self.xvfb.is_some() {
            let out = Command::new("xwd").args(["-root", "-silent", "-display", &self.display]).output();
            match out {
                Ok(o) if o.status.success() => match xwd_to_png(&o.stdout, &path) {
                    Ok(()) => return,
                    Err(e) => eprintln!("e2e: screenshot {name}: {e}"),
                },
                _ => eprintln!("e2e: screenshot {name}: xwd failed (apt-get install x11-apps)"),
            }
        }
        // A screenshot is an artefact, not an assertion: report a failure only.
        match tokio::time::timeout(Duration::from_secs(10), self.d().screenshot(&path)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("e2e: screenshot {name} failed: {e}"),
            Err(_) => eprintln!("e2e: screenshot {name} timed out"),
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
            // SIGTERM lets Xvfb remove its lock file and socket; SIGKILL
            // only if it does not stop.
            let _ = Command::new("kill").args(["-TERM", &x.id().to_string()]).status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(3) {
                if matches!(x.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = x.kill();
            let _ = x.wait();
        }
    }
}

/// Convert an X window dump of a 24/32-bit TrueColor screen (what Xvfb
/// gives) to PNG.
fn xwd_to_png(xwd: &[u8], path: &Path) -> Result<(), String> {
    let field = |i: usize| -> Result<u32, String> {
        let b = xwd.get(i * 4..i * 4 + 4).ok_or("short xwd header")?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (header_size, width, height) = (field(0)? as usize, field(4)? as usize, field(5)? as usize);
    let (byte_order, bpp, bytes_per_line, ncolors) = (field(7)?, field(11)?, field(12)? as usize, field(19)? as usize);
    if bpp != 32 {
        return Err(format!("xwd: {bpp} bits per pixel not supported"));
    }
    let data = xwd.get(header_size + ncolors * 12..).ok_or("short xwd data")?;
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let p = data.get(y * bytes_per_line + x * 4..y * bytes_per_line + x * 4 + 4).ok_or("short xwd pixels")?;
            // LSB first: B, G, R, X.
            if byte_order == 0 {
                rgb.extend_from_slice(&[p[2], p[1], p[0]]);
            } else {
                rgb.extend_from_slice(&[p[1], p[2], p[3]]);
            }
        }
    }
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(&rgb).map_err(|e| e.to_string())
}

/// axe-core (from the UI's npm packages), the accessibility engine the
/// stories run on every main screen.
const AXE: &str = include_str!("../../ui/node_modules/axe-core/axe.min.js");

impl App {
    /// Run axe-core on the page as it is now (WCAG 2.1 A and AA rules) and
    /// return its serious and critical findings, each as "rule: what, where".
    pub async fn axe_findings(&self) -> Vec<String> {
        let loaded = self.d().execute("return typeof window.axe === 'object';", vec![]).await.unwrap();
        if loaded.json() != &json!(true) {
            self.d().execute(&format!("{AXE}\n;return true;"), vec![]).await.unwrap();
        }
        let found = self
            .d()
            .execute(
                "return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                   .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found.json().clone()).unwrap()
    }
}
