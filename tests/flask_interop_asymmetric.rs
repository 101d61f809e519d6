//! Asymmetric keys against the real flask-jwt-extended, both ways: `examples/reference_app.rs`
//! (served here on an ephemeral 127.0.0.1 port) and `tests/fixtures/flask_twin.py` (started
//! by `scripts/interop_asymmetric.py` on another) run with the same `JWT_ALGORITHM`,
//! `JWT_PRIVATE_KEY` and `JWT_PUBLIC_KEY`, for RS256 (PKCS#8 and PKCS#1 keys), PS256, ES256
//! (PKCS#8 and SEC1) and EdDSA, keys made by `openssl` for this run. Tokens minted by each are
//! used on the other, the refusals get the same answers from both, and for RS256 and EdDSA
//! (deterministic signatures) the tokens are PyJWT's byte for byte in both directions: the
//! script re-signs jwt-extended's token with PyJWT, and this test re-signs flask's with jwt-core.
//!
//! Needs `python3` with `flask_jwt_extended` and `cryptography`, and `openssl`; the twin is a
//! copy of `shared/conformance/flask_twin.py` kept in `tests/fixtures/`. Without them the test prints that it
//! skipped and why, unless `JWT_EXTENDED_REQUIRE_TWIN=1` is set (as `.ci/run` does): then it
//! fails.
#![cfg(feature = "asymmetric")]

mod common;

#[allow(dead_code)]
#[path = "../examples/reference_app.rs"]
mod reference_app;

use std::path::{Path, PathBuf};
use std::process::Command;

use jwt_extended::{Algorithm, ClaimsWriter, Header, Key};
use serde_json::Value;

const REQUIRE_VAR: &str = "JWT_EXTENDED_REQUIRE_TWIN";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Why the interop run cannot happen here, if it cannot.
fn missing_prerequisite(twin: &Path) -> Option<String> {
    let python = Command::new("python3")
        .args(["-c", "import flask_jwt_extended, cryptography, jwt"])
        .output();
    match python {
        Err(e) => return Some(format!("python3 not runnable: {e}")),
        Ok(out) if !out.status.success() => {
            return Some(format!(
                "python3 -c 'import flask_jwt_extended, cryptography' failed ({}); \
                 pip install 'flask-jwt-extended==4.7.*' cryptography",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
        Ok(_) => {}
    }
    if Command::new("openssl").arg("version").output().is_err() {
        return Some("openssl not found".into());
    }
    if !twin.exists() {
        return Some(format!("the twin {} is missing", twin.display()));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flask_and_jwt_extended_interoperate_with_asymmetric_keys() {
    let twin = root().join("tests/fixtures/flask_twin.py");
    if let Some(why) = missing_prerequisite(&twin) {
        if std::env::var(REQUIRE_VAR).as_deref() == Ok("1") {
            panic!("{REQUIRE_VAR}=1, but the flask interop cannot run: {why}");
        }
        eprintln!("skipped: {why} (set {REQUIRE_VAR}=1 to fail instead)");
        return;
    }
    let script = root().join("scripts/interop_asymmetric.py");
    let dir = std::env::temp_dir().join(format!(
        "jwt-extended-interop-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let keygen = Command::new("python3")
        .arg(&script)
        .arg("keygen")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        keygen.status.success(),
        "keygen: {}",
        String::from_utf8_lossy(&keygen.stderr)
    );
    let runs: Vec<Value> = serde_json::from_slice(&keygen.stdout).unwrap();
    assert_eq!(runs.len(), 6);

    let mut failures = Vec::new();
    let mut byte_checks = 0;
    for run in &runs {
        let name = run["name"].as_str().unwrap();
        let alg = run["alg"].as_str().unwrap();
        let private = std::fs::read_to_string(run["private"].as_str().unwrap()).unwrap();
        let public = std::fs::read_to_string(run["public"].as_str().unwrap()).unwrap();
        // As a shell passes "$(cat k.pem)": without the final newline.
        let vars = [
            ("JWT_ALGORITHM", alg),
            ("JWT_PRIVATE_KEY", private.trim_end()),
            ("JWT_PUBLIC_KEY", public.trim_end()),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let config = reference_app::config_from_vars(vars).unwrap();
        let (manager, blocklist) = reference_app::manager(config).unwrap();
        let addr = common::serve(reference_app::app(manager, blocklist)).await;

        let report = dir.join(format!("report-{}.json", name.replace([' ', '#'], "_")));
        let mut command = Command::new("python3");
        command
            .arg(&script)
            .arg("check")
            .args(["--rust-port", &addr.port().to_string(), "--alg", alg])
            .arg("--private")
            .arg(run["private"].as_str().unwrap())
            .arg("--public")
            .arg(run["public"].as_str().unwrap())
            .arg("--twin")
            .arg(&twin)
            .arg("--report")
            .arg(&report);
        let out = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .unwrap();
        println!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            failures.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
            continue;
        }

        // flask-jwt-extended's token, re-signed by jwt-core from the same header and claims
        // (in flask's order), with the same key: identical for deterministic signatures.
        if alg == "RS256" || alg == "EdDSA" {
            let report: Value =
                serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
            let algorithm = Algorithm::from_name(alg).unwrap();
            assert_eq!(
                report["header"],
                serde_json::json!({"alg": alg, "typ": "JWT"})
            );
            let key = Key::private_pem(&[algorithm], &private).unwrap();
            let mut claims = ClaimsWriter::new();
            for pair in report["claims"].as_array().unwrap() {
                claims.value(pair[0].as_str().unwrap(), &pair[1]);
            }
            let ours = claims.sign(&Header::new(algorithm), &key).unwrap();
            let flask = report["flask_token"].as_str().unwrap();
            if ours == flask {
                byte_checks += 1;
            } else {
                failures.push(format!(
                    "{name}: jwt-core re-signing flask's token gave\n  {ours}\nnot\n  {flask}"
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "interop failures:\n{}",
        failures.join("\n")
    );
    assert_eq!(byte_checks, 3, "RS256 (two key forms) and EdDSA");
}
