//! `examples/jwt_in_cookies.rs` in a real browser: headless Chromium loads the example's page,
//! whose script logs in, reads the `csrf_access_token` cookie, copies it into the
//! `X-CSRF-TOKEN` header of a `fetch` POST, and writes each answer into the page. The test reads
//! the page back with `--dump-dom`.
//!
//! Chromium is not installed by the test: `apt-get install -y chromium` (`.ci/run` does it).
//! The browser is `$JWT_EXTENDED_CHROMIUM` when set (a path), else the first of `chromium` and
//! `chromium-browser` on `PATH`. Without one the test passes after writing to stderr why it
//! skipped (`skipped: chromium not found ...`), unless `JWT_EXTENDED_REQUIRE_BROWSER=1` is set:
//! then a missing browser is a failure (`.ci/run` sets it, so CI never passes a skipped test).

mod common;

#[allow(dead_code)]
#[path = "../examples/jwt_in_cookies.rs"]
mod jwt_in_cookies;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The browser's names, looked for on `PATH` in this order.
const CANDIDATES: [&str; 2] = ["chromium", "chromium-browser"];
/// A path to the browser, instead of looking on `PATH`.
const BROWSER_VAR: &str = "JWT_EXTENDED_CHROMIUM";
/// `1`: a missing browser fails the test instead of skipping it.
const REQUIRE_VAR: &str = "JWT_EXTENDED_REQUIRE_BROWSER";
const SECRET: &str = "browser-cookies-test-secret-0123456789abcdef";

/// A fresh, empty browser profile directory, removed when dropped.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Profile {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "jwt-extended-browser-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Profile(dir)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The browser to run, or why there is none: `explicit` (the value of `JWT_EXTENDED_CHROMIUM`)
/// when given, else the first of [`CANDIDATES`] in the directories of `path` (`PATH`'s value).
fn find_browser(explicit: Option<&OsStr>, path: Option<&OsStr>) -> Result<PathBuf, String> {
    if let Some(explicit) = explicit {
        let browser = PathBuf::from(explicit);
        return if browser.is_file() {
            Ok(browser)
        } else {
            Err(format!(
                "chromium not found at {BROWSER_VAR}={}",
                browser.display()
            ))
        };
    }
    let dirs: Vec<PathBuf> = path
        .map(std::env::split_paths)
        .into_iter()
        .flatten()
        .collect();
    CANDIDATES
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            format!(
                "chromium not found ({} on PATH; apt-get install chromium)",
                CANDIDATES.join(", ")
            )
        })
}

/// What a missing browser means: `Ok` with the line to print when the test may skip, `Err` with
/// the failure when `required` (`JWT_EXTENDED_REQUIRE_BROWSER=1`).
fn without_browser(reason: &str, required: bool) -> Result<String, String> {
    if required {
        Err(format!(
            "{reason}; {REQUIRE_VAR}=1 makes a missing browser a failure \
             (as root: `apt-get update && apt-get install -y chromium`)"
        ))
    } else {
        Ok(format!(
            "skipped: {reason} (set {REQUIRE_VAR}=1 to fail instead)"
        ))
    }
}

/// The browser from the environment; `None` after saying on stderr why the test skips. Panics
/// when there is none and `JWT_EXTENDED_REQUIRE_BROWSER=1`.
fn browser_or_skip() -> Option<PathBuf> {
    let found = find_browser(
        std::env::var_os(BROWSER_VAR).as_deref(),
        std::env::var_os("PATH").as_deref(),
    );
    let reason = match found {
        Ok(browser) => return Some(browser),
        Err(reason) => reason,
    };
    let required = std::env::var_os(REQUIRE_VAR).is_some_and(|v| v == "1");
    match without_browser(&reason, required) {
        Ok(line) => {
            // Straight to the process's stderr: the test harness captures `eprintln!` of a test
            // that passes, and a skip must be seen.
            let _ = writeln!(std::io::stderr(), "browser_cookies: {line}");
            None
        }
        Err(failure) => panic!("{failure}"),
    }
}

/// The text of `<pre id="{id}">` in the dumped DOM.
fn pre(dom: &str, id: &str) -> String {
    let open = format!(r#"<pre id="{id}">"#);
    let start = dom
        .find(&open)
        .unwrap_or_else(|| panic!("no {open} in the page:\n{dom}"))
        + open.len();
    let end = dom[start..].find("</pre>").unwrap() + start;
    dom[start..end].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_logs_in_and_posts_with_the_csrf_header() {
    let Some(chromium) = browser_or_skip() else {
        return;
    };

    let manager = jwt_in_cookies::manager(SECRET).unwrap();
    let addr = common::serve(jwt_in_cookies::app(manager)).await;
    let profile = Profile::new();

    let mut command = tokio::process::Command::new(&chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.0.display()))
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(format!("http://{addr}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // A guard against a browser that never exits, not a wait for anything to happen.
    let output = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("chromium did not exit within 120 s")
        .expect("chromium could not be started");
    let dom = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "chromium failed ({}):\n{stderr}",
        output.status
    );

    let context = format!("page:\n{dom}\nchromium's stderr:\n{stderr}");
    // The token cookies are HttpOnly: the script sees only the CSRF cookies.
    assert_eq!(
        pre(&dom, "visible-cookies"),
        "csrf_access_token csrf_refresh_token",
        "{context}"
    );
    // Without the header the POST is refused, as the CSRF check says.
    assert_eq!(
        pre(&dom, "without-csrf"),
        r#"401 {"msg":"Missing CSRF token"}"#,
        "{context}"
    );
    // With the cookie's value copied into X-CSRF-TOKEN, the protected POST succeeds.
    assert_eq!(
        pre(&dom, "result"),
        r#"200 {"logged_in_as":"test"}"#,
        "{context}"
    );
    // After logout the browser deleted the cookies, so there is no token any more.
    assert_eq!(
        pre(&dom, "after-logout"),
        r#"401 {"msg":"Missing cookie \"access_token_cookie\""}"#,
        "{context}"
    );
}

/// The explicit path wins and must exist; else the first candidate on `PATH`; else the reason.
#[test]
fn the_browser_is_found_or_the_reason_given() {
    let dir = Profile::new();
    let missing = dir.0.join("no-such-browser");
    let reason = find_browser(Some(missing.as_os_str()), None).unwrap_err();
    assert!(reason.starts_with("chromium not found"), "{reason}");
    assert!(reason.contains(BROWSER_VAR), "{reason}");

    let path = std::env::join_paths([Path::new("/nonexistent-dir"), &dir.0]).unwrap();
    let reason = find_browser(None, Some(&path)).unwrap_err();
    assert!(reason.starts_with("chromium not found"), "{reason}");
    assert!(reason.contains("apt-get install chromium"), "{reason}");
    assert!(find_browser(None, None).is_err());

    let fake = dir.0.join("chromium-browser");
    std::fs::write(&fake, "").unwrap();
    assert_eq!(find_browser(None, Some(&path)).unwrap(), fake);
    assert_eq!(find_browser(Some(fake.as_os_str()), None).unwrap(), fake);
}

/// Without a browser the test skips with a line saying why, unless a browser is required.
#[test]
fn a_missing_browser_skips_unless_required() {
    let line = without_browser("chromium not found", false).unwrap();
    assert!(line.starts_with("skipped: chromium not found"), "{line}");
    let failure = without_browser("chromium not found", true).unwrap_err();
    assert!(
        failure.contains("JWT_EXTENDED_REQUIRE_BROWSER=1"),
        "{failure}"
    );
}
