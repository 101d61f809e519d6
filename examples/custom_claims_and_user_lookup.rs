//! Custom claims and automatic user loading: flask-jwt-extended's "Storing Additional Data in
//! JWTs" and "Automatic User Loading" pages, in Rust on axum.
//!
//! Three loaders registered on the manager do the work:
//!
//! - `user_identity_loader`: `create_access_token(&user)` is given a whole [`User`]; the loader
//!   turns it into the token's identity, the user's id as a string (`"sub": "1"`);
//! - `additional_claims_loader`: adds the user's roles to every token (`"roles": ["user"]`), so
//!   handlers can authorize without a database query. Claims are a snapshot taken at login;
//! - `user_lookup_loader`: on every protected request, loads the user back from the `sub`
//!   claim. Handlers read it with `get_current_user::<User>()`. When the user no longer exists
//!   the request is refused with 401 `Error loading the user <id>`.
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example custom_claims_and_user_lookup   # 127.0.0.1:5000
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/who_am_i
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/admin       # 403 for "test"
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use axum::extract::{Extension, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{get_current_user, get_jwt, jwt_required, ConfigError, JwtManager};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// A user, as the handlers see it. `Serialize` lets it be given to `create_access_token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<String>,
}

/// The user table (a database in a real app): users by id, with their passwords.
#[derive(Debug, Clone, Default)]
pub struct Users {
    rows: Arc<RwLock<BTreeMap<u64, (User, String)>>>,
}

impl Users {
    /// Two users: `test` (password `test`, role `user`) and `admin` (password `admin`, roles
    /// `user` and `admin`).
    pub fn sample() -> Users {
        let users = Users::default();
        users.insert(
            User {
                id: 1,
                username: "test".into(),
                full_name: "Test User".into(),
                roles: vec!["user".into()],
            },
            "test",
        );
        users.insert(
            User {
                id: 2,
                username: "admin".into(),
                full_name: "Ada Admin".into(),
                roles: vec!["user".into(), "admin".into()],
            },
            "admin",
        );
        users
    }

    /// Adds or replaces a user. (Plain-text passwords keep the example short: store a slow
    /// salted hash such as argon2 in a real app.)
    pub fn insert(&self, user: User, password: &str) {
        if let Ok(mut rows) = self.rows.write() {
            rows.insert(user.id, (user, password.to_owned()));
        }
    }

    /// Removes a user; their tokens are refused from then on (the lookup finds nobody).
    pub fn remove(&self, id: u64) {
        if let Ok(mut rows) = self.rows.write() {
            rows.remove(&id);
        }
    }

    /// The user with this id.
    pub fn find(&self, id: u64) -> Option<User> {
        let rows = self.rows.read().ok()?;
        rows.get(&id).map(|(user, _)| user.clone())
    }

    /// The user with this username and password.
    fn authenticate(&self, username: &str, password: &str) -> Option<User> {
        let rows = self.rows.read().ok()?;
        rows.values()
            .find(|(user, pw)| user.username == username && pw == password)
            .map(|(user, _)| user.clone())
    }
}

/// The manager with the three loaders, looking users up in `users`.
pub fn manager(secret: &str, users: Users) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        // The identity given to create_access_token, serialized to JSON (here a User object),
        // becomes the `sub` claim: the user's id, as a string (`sub` must be a string).
        .user_identity_loader(|user| match user.get("id") {
            Some(Value::String(id)) => Value::String(id.clone()),
            Some(id) => Value::String(id.to_string()),
            None => user.clone(),
        })
        // Extra claims for every token, from the same identity as given.
        .additional_claims_loader(|user| {
            let mut claims = Map::new();
            if let Some(roles) = user.get("roles") {
                claims.insert("roles".into(), roles.clone());
            }
            claims
        })
        // Loads the user of each verified token; `None` refuses the request with 401
        // `Error loading the user <sub>`.
        .user_lookup_loader(move |_header, claims| {
            let id = claims.sub()?.parse::<u64>().ok()?;
            users.find(id)
        })
        .build()
}

/// The routes; the manager and the user table travel in the requests' extensions.
pub fn app(manager: JwtManager, users: Users) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/who_am_i", get(who_am_i))
        .route("/admin", get(admin))
        .layer(Extension(users))
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// Gives the whole user to `create_access_token`; the loaders pick the id and the roles.
async fn login(
    Extension(manager): Extension<JwtManager>,
    Extension(users): Extension<Users>,
    Json(login): Json<Credentials>,
) -> Response {
    let Some(user) = users.authenticate(&login.username, &login.password) else {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    };
    match manager.create_access_token(&user) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => manager.error_response(&e),
    }
}

/// The user loaded by the lookup loader, and the roles the token carries.
#[jwt_required]
async fn who_am_i(req: Request) -> Response {
    // Always Some here: the lookup loader ran, and the request was refused if it found nobody.
    let Some(user) = get_current_user::<User>() else {
        return message(StatusCode::INTERNAL_SERVER_ERROR, "No current user");
    };
    let roles = get_jwt().and_then(|claims| claims.get("roles").cloned());
    Json(json!({
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "roles": roles,
    }))
    .into_response()
}

/// Authorization from a claim: only tokens whose `roles` claim holds `admin`.
#[jwt_required]
async fn admin(req: Request) -> Response {
    let is_admin = get_jwt()
        .and_then(|claims| claims.get("roles").cloned())
        .and_then(|roles| roles.as_array().cloned())
        .is_some_and(|roles| roles.iter().any(|role| role == "admin"));
    if !is_admin {
        return message(StatusCode::FORBIDDEN, "Admins only!");
    }
    let name = get_current_user::<User>().map(|user| user.full_name.clone());
    message(
        StatusCode::OK,
        &format!("Welcome, {}", name.unwrap_or_default()),
    )
}

fn message(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "msg": msg }))).into_response()
}

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
    let users = Users::sample();
    let manager = manager(&secret_from_env(), users.clone())?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager, users)).await?;
    Ok(())
}
