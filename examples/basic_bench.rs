//! examples/basic (the seed) plus an unprotected twin of `/protected`, for the load test in
//! `scripts/load.sh`: the same handler body without `#[jwt_required]`, so the difference in
//! requests/s between the two routes is what protecting a route costs end to end.
//!
//! ```sh
//! PORT=5077 cargo run --release --example basic_bench
//! ```

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::json;

#[allow(dead_code)]
#[path = "basic.rs"]
mod basic;

/// `/protected`'s body, minus the token: the identity is a constant.
async fn unprotected() -> Response {
    (StatusCode::OK, Json(json!({ "logged_in_as": "test" }))).into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    basic::install_manager()?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let app = basic::app().route("/unprotected", get(unprotected));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
