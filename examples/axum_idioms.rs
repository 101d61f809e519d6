//! An axum app written as axum apps are written: `State`, `Path` and `Json` beside the token,
//! typed extractors, a tower layer, `?` on token creation and `impl IntoResponse` returns. No
//! `.into_response()` and no hand-written extractor is needed because of the library.
//!
//! | route | shows |
//! |---|---|
//! | `POST /login` | `?` on `create_access_token` in a handler returning `Result<_, AppError>` |
//! | `POST /refresh` | `JwtIdentity<String, FromState<RefreshToken>>`: a refresh token, manager from `State` |
//! | `PUT /notes/{id}` | `State` + `Path` + `JwtIdentity` + `Json`, returning `impl IntoResponse`; the token is checked before the body is read |
//! | `DELETE /notes/{id}` | an admin claim check with `JwtClaims<AdminClaims, FromState>` |
//! | `GET /whoami` | `#[jwt_required]` on a `HeaderMap` + `Extensions` handler, `get_jwt_identity()` inside |
//! | `GET /admin/stats` | a handler with no attribute, protected by `JwtLayer` on its router; `get_jwt()` inside |
//! | `DELETE /logout` | revoking the token's `jti` (a blocklist loader refuses it from then on) |
//!
//! ```text
//! JWT_SECRET_KEY=... cargo run --example axum_idioms   # 127.0.0.1:5000 (PORT overrides)
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{FromRef, Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use jwt_extended::extractors::{
    AnyToken, FromState, JwtClaims, JwtIdentity, JwtToken, RefreshToken,
};
use jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, ConfigError, JwtError, JwtLayer, JwtManager,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The application's state: the manager, the notes, and the revoked tokens' `jti`s.
#[derive(Clone)]
pub struct AppState {
    jwt: JwtManager,
    notes: Arc<Mutex<HashMap<u32, Note>>>,
}

/// `JwtManager: FromRef<AppState>` lets the `FromState` extractors find the manager.
impl FromRef<AppState> for JwtManager {
    fn from_ref(state: &AppState) -> JwtManager {
        state.jwt.clone()
    }
}

/// A note, owned by the user who wrote it.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct Note {
    text: String,
    #[serde(default)]
    owner: String,
}

/// The application's errors: its own failures, and the library's through `From<JwtError>`.
#[derive(Debug)]
pub enum AppError {
    /// Wrong user name or password.
    BadLogin,
    /// The claims say the user is not an admin.
    AdminsOnly,
    /// No such note.
    NotFound,
    /// A token could not be made or was refused.
    Jwt(JwtError),
}

impl From<JwtError> for AppError {
    fn from(error: JwtError) -> Self {
        AppError::Jwt(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, msg) = match self {
            AppError::BadLogin => (StatusCode::UNAUTHORIZED, "Bad username or password"),
            AppError::AdminsOnly => (StatusCode::FORBIDDEN, "Admins only!"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "No such note"),
            // The library's own status and message (500s with a generic body).
            AppError::Jwt(error) => return error.into_response(),
        };
        (status, Json(json!({ "msg": msg }))).into_response()
    }
}

/// The manager: an `is_admin` claim in every token, and a blocklist of revoked `jti`s.
pub fn manager(
    secret: &str,
    revoked: Arc<Mutex<HashSet<String>>>,
) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        .additional_claims_loader(|identity| {
            let mut claims = Map::new();
            claims.insert("is_admin".into(), (identity == "admin").into());
            claims
        })
        .token_in_blocklist_loader(move |_header, claims| {
            let revoked = revoked.lock().unwrap_or_else(PoisonError::into_inner);
            claims.jti().is_some_and(|jti| revoked.contains(jti))
        })
        .build()
}

/// The routes.
pub fn app(jwt: JwtManager, revoked: Arc<Mutex<HashSet<String>>>) -> Router {
    let state = AppState {
        jwt: jwt.clone(),
        notes: Arc::default(),
    };
    // Handlers under `/admin` have no attribute and no extractor: the layer verifies first.
    let admin = Router::new()
        .route("/admin/stats", get(stats))
        .route_layer(JwtLayer::new().manager(jwt.clone()));
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/notes/{id}", put(write_note).delete(delete_note))
        .route("/whoami", get(whoami))
        .route(
            "/logout",
            axum::routing::delete(move |token: JwtToken<FromState<AnyToken>>| {
                logout(token, revoked)
            }),
        )
        .merge(admin)
        .with_state(state)
        // The manager in every request's extensions too, for `#[jwt_required]` handlers.
        .layer(axum::Extension(jwt))
}

/// The credentials `POST /login` takes.
#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

/// `POST /login`: an access and a refresh token for a known user.
async fn login(
    State(state): State<AppState>,
    Json(login): Json<Login>,
) -> Result<Json<Value>, AppError> {
    // A real application checks a password hash.
    if login.password != "secret" || !["alice", "bob", "admin"].contains(&login.username.as_str()) {
        return Err(AppError::BadLogin);
    }
    Ok(Json(json!({
        "access_token": state.jwt.create_access_token(&login.username)?,
        "refresh_token": state.jwt.create_refresh_token(&login.username)?,
    })))
}

/// `POST /refresh`: a new access token for a refresh token.
async fn refresh(
    State(state): State<AppState>,
    user: JwtIdentity<String, FromState<RefreshToken>>,
) -> Result<Json<Value>, JwtError> {
    Ok(Json(
        json!({ "access_token": state.jwt.create_access_token(&*user)? }),
    ))
}

/// `PUT /notes/{id}`: writes a note as the token's user. The token is verified before the JSON
/// body is read, so a request without one gets 401 whatever its body.
async fn write_note(
    State(state): State<AppState>,
    Path(id): Path<u32>,
    user: JwtIdentity<String, FromState>,
    Json(mut note): Json<Note>,
) -> impl IntoResponse {
    note.owner = user.into_inner();
    let mut notes = state.notes.lock().unwrap_or_else(PoisonError::into_inner);
    notes.insert(id, note.clone());
    (StatusCode::CREATED, Json(json!({ "id": id, "note": note })))
}

/// The claims `DELETE /notes/{id}` needs.
#[derive(Deserialize)]
struct AdminClaims {
    is_admin: bool,
}

/// `DELETE /notes/{id}`: admins only.
async fn delete_note(
    State(state): State<AppState>,
    Path(id): Path<u32>,
    claims: JwtClaims<AdminClaims, FromState>,
) -> Result<StatusCode, AppError> {
    if !claims.is_admin {
        return Err(AppError::AdminsOnly);
    }
    let mut notes = state.notes.lock().unwrap_or_else(PoisonError::into_inner);
    notes.remove(&id).ok_or(AppError::NotFound)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /whoami`: the attribute on a handler taking the request in pieces; the manager comes
/// from the extensions, and a cookie token would need its CSRF value (no `Method` parameter).
#[jwt_required]
async fn whoami(headers: HeaderMap, extensions: Extensions) -> Json<Value> {
    let _ = (headers, extensions);
    Json(json!({ "logged_in_as": get_jwt_identity() }))
}

/// `GET /admin/stats`: protected by the layer, which entered the token's context.
async fn stats() -> Json<Value> {
    let is_admin = get_jwt().and_then(|jwt| jwt.get("is_admin").cloned());
    Json(json!({ "user": get_jwt_identity(), "is_admin": is_admin }))
}

/// `DELETE /logout`: revokes the token (access or refresh) by its `jti`.
async fn logout(
    token: JwtToken<FromState<AnyToken>>,
    revoked: Arc<Mutex<HashSet<String>>>,
) -> Json<Value> {
    if let Some(jti) = token.claims().jti() {
        revoked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(jti.to_owned());
    }
    Json(json!({ "msg": "Token revoked" }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        eprintln!("warning: JWT_SECRET_KEY is not set; using a development secret. Change this!");
        "development secret, change this: 32 bytes or more".to_owned()
    });
    let revoked = Arc::default();
    let jwt = manager(&secret, Arc::clone(&revoked))?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(jwt, revoked)).await?;
    Ok(())
}
