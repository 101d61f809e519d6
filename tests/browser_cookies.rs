//! `examples/jwt_in_cookies.rs` in a real browser: headless Chromium loads the example's page,
//! whose script logs in, reads the `csrf_access_token` cookie, copies it into the
//! `X-CSRF-TOKEN` header of a `fetch` POST, and writes each answer into the page. The test reads
//! the page back with `--dump-dom`.
//!
//! Chromium is not installed by the test: `apt-get install -y chromium` (`.ci/run` does it).
//! Without it this test fails, on purpose, rather than passing without having run.

mod common;

#[allow(dead_code)]
#[path = "../examples/jwt_in_cookies.rs"]
mod jwt_in_cookies;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const CHROMIUM: &str = "/usr/bin/chromium";
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
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: this test runs the cookie example in a real browser. \
         Install it with `apt-get install -y chromium` (as root; run `apt-get update` first)."
    );

    let manager = jwt_in_cookies::manager(SECRET).unwrap();
    let addr = common::serve(jwt_in_cookies::app(manager)).await;
    let profile = Profile::new();

    let mut command = tokio::process::Command::new(CHROMIUM);
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
