//! JWTs in cookies, with CSRF double-submit protection: flask-jwt-extended's "JWT in Cookies"
//! page, in Rust on axum, plus a small web page that uses it from a browser.
//!
//! `POST /login` sets four cookies:
//!
//! | cookie | holds | `HttpOnly` |
//! |---|---|---|
//! | `access_token_cookie` | the access token | yes: page scripts cannot read it |
//! | `csrf_access_token` | the access token's `csrf` claim | no: page scripts read it |
//! | `refresh_token_cookie` | the refresh token | yes |
//! | `csrf_refresh_token` | the refresh token's `csrf` claim | no |
//!
//! The browser sends the token cookies by itself, also on requests another site makes it send
//! (cross-site request forgery). So on state-changing methods (POST, PUT, PATCH, DELETE) the
//! server also wants the `X-CSRF-TOKEN` header to equal the token's `csrf` claim. Only a script
//! of this site can read the `csrf_access_token` cookie and copy it into the header, which is
//! what the page served at `/` does:
//!
//! - POST without the header: 401 `Missing CSRF token`;
//! - POST with a wrong value: 401 `CSRF double submit tokens do not match`;
//! - POST with the cookie's value: 200;
//! - GET needs no CSRF header.
//!
//! `POST /refresh` reads the refresh cookie (and wants the `csrf_refresh_token` value in the
//! header) and sets a new access cookie; `POST /logout` deletes all four cookies.
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example jwt_in_cookies   # 127.0.0.1:5000 (PORT overrides)
//! # then open http://127.0.0.1:5000/ in a browser, or:
//! curl -c jar -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://127.0.0.1:5000/login
//! curl -b jar http://127.0.0.1:5000/protected
//! curl -b jar -X POST -H "X-CSRF-TOKEN: $(awk '$6=="csrf_access_token"{print $7}' jar)" \
//!   http://127.0.0.1:5000/protected
//! ```

use std::time::Duration;

use axum::extract::{Extension, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{
    get_jwt_identity, jwt_required, set_access_cookies, ConfigError, CookieOptions, Expiry,
    JwtManager, TokenLocation,
};
use serde::Deserialize;
use serde_json::json;

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The manager: tokens are read from cookies only, CSRF protection is on (the default).
pub fn manager(secret: &str) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        // Look for the token in the cookies only (not in the Authorization header).
        .token_location(vec![TokenLocation::Cookies])
        .access_token_expires(Expiry::After(Duration::from_secs(3600)))
        .with(|config| {
            // `Secure` cookies are only stored and sent by browsers over HTTPS, and this
            // example serves plain http://127.0.0.1. In production serve HTTPS and set this
            // to true (or start from `JwtConfig::default().hardened()`, which also adds
            // `SameSite=Lax` and `__Host-` cookie names).
            config.cookie_secure = false;
            // Already the default: a readable CSRF cookie next to each token cookie, and
            // the X-CSRF-TOKEN header required on POST, PUT, PATCH and DELETE.
            config.cookie_csrf_protect = true;
        })
        .build()
}

/// The routes; the manager travels in every request's extensions, where `#[jwt_required]`
/// finds it.
pub fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/logout", post(logout))
        .route("/protected", get(protected).post(protected))
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// Checks the password, then sets the access and refresh cookies (each with its CSRF cookie).
async fn login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if login.username != "test" || login.password != "test" {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    let mut response = message(StatusCode::OK, "login successful");
    let headers = response.headers_mut();
    let options = CookieOptions::default();
    let result = manager
        .create_access_token(&login.username)
        .and_then(|access| manager.set_access_cookies(headers, &access, &options))
        .and_then(|()| manager.create_refresh_token(&login.username))
        .and_then(|refresh| manager.set_refresh_cookies(headers, &refresh, &options));
    match result {
        Ok(()) => response,
        Err(e) => manager.error_response(&e),
    }
}

/// Reads the refresh cookie (and, this being a POST, wants `csrf_refresh_token`'s value in
/// `X-CSRF-TOKEN`), then sets a new access cookie.
#[jwt_required(refresh)]
async fn refresh(Extension(manager): Extension<JwtManager>, req: Request) -> Response {
    let mut response = message(StatusCode::OK, "refresh successful");
    // The free function `set_access_cookies` uses the manager of the current request.
    let result = manager
        .create_access_token(get_jwt_identity())
        .and_then(|access| set_access_cookies(&mut response, &access));
    match result {
        Ok(()) => response,
        Err(e) => manager.error_response(&e),
    }
}

/// Deletes the four cookies. (Deleting cookies is not a secret operation, so it needs no
/// token; a logout that also revokes the token is in `examples/blocklist.rs`.)
async fn logout(Extension(manager): Extension<JwtManager>) -> Response {
    let mut response = message(StatusCode::OK, "logout successful");
    match manager.unset_jwt_cookies(response.headers_mut(), &CookieOptions::default()) {
        Ok(()) => response,
        Err(e) => manager.error_response(&e),
    }
}

/// GET needs only the cookie; POST also needs the `X-CSRF-TOKEN` header.
#[jwt_required]
async fn protected(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

fn message(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "msg": msg }))).into_response()
}

/// A page whose script logs in, then POSTs to `/protected` first without and then with the
/// CSRF header, then logs out, writing each answer into the page.
async fn page() -> Html<&'static str> {
    Html(PAGE)
}

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>jwt-extended: JWT in cookies</title>
</head>
<body>
<h1>JWT in cookies</h1>
<p>Cookies this script can read after logging in (the token cookies are HttpOnly):</p>
<pre id="visible-cookies">(running)</pre>
<p>POST /protected without the X-CSRF-TOKEN header:</p>
<pre id="without-csrf">(running)</pre>
<p>POST /protected with the csrf_access_token cookie copied into X-CSRF-TOKEN:</p>
<pre id="result">(running)</pre>
<p>GET /protected after POST /logout:</p>
<pre id="after-logout">(running)</pre>
<script>
"use strict";

// The value of a cookie this script may read, or "" when there is none.
function getCookie(name) {
  for (const pair of document.cookie.split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) {
      return decodeURIComponent(value.join("="));
    }
  }
  return "";
}

// Writes "<status> <body>" into the element with the given id.
async function show(id, response) {
  const body = await response.text();
  document.getElementById(id).textContent = response.status + " " + body.trim();
}

async function run() {
  // 1. Log in. The answer sets the cookies; the browser keeps them for this site.
  const login = await fetch("/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "test", password: "test" }),
  });
  if (!login.ok) {
    throw new Error("login failed: " + login.status);
  }
  document.getElementById("visible-cookies").textContent = document.cookie
    .split(";")
    .map((pair) => pair.trim().split("=")[0])
    .sort()
    .join(" ");

  // 2. The access cookie alone is not enough for a POST.
  await show("without-csrf", await fetch("/protected", { method: "POST" }));

  // 3. Copy the readable CSRF cookie into the header: the double submit.
  await show(
    "result",
    await fetch("/protected", {
      method: "POST",
      headers: { "X-CSRF-TOKEN": getCookie("csrf_access_token") },
    }),
  );

  // 4. Log out: the cookies are deleted, so the next request has no token.
  await fetch("/logout", { method: "POST" });
  await show("after-logout", await fetch("/protected"));
}

run().catch((error) => {
  document.getElementById("result").textContent = "error: " + error;
});
</script>
</body>
</html>
"#;

/// The secret from `JWT_SECRET_KEY`, or a development default with a warning.
fn secret_from_env() -> String {
    std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        eprintln!(
            "warning: JWT_SECRET_KEY is not set; using a development secret. \
             Change this! Anyone who knows the secret can log in as any user."
        );
        DEVELOPMENT_SECRET.to_owned()
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manager = manager(&secret_from_env())?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager)).await?;
    Ok(())
}
