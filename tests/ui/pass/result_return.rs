// Handlers returning `Result<T, E>` with `E: From<JwtError>`, using `?` and early `return`.
#![deny(warnings)]

use http::request::Parts;
use http::Request;
use jwt_extended::{get_jwt_identity, jwt_required, JwtError};

#[derive(Debug)]
enum AppError {
    Jwt(JwtError),
    BadInput(String),
}

impl From<JwtError> for AppError {
    fn from(e: JwtError) -> Self {
        AppError::Jwt(e)
    }
}

impl From<std::num::ParseIntError> for AppError {
    fn from(e: std::num::ParseIntError) -> Self {
        AppError::BadInput(e.to_string())
    }
}

#[jwt_required]
async fn double(req: Request<String>) -> Result<u64, AppError> {
    if req.body().is_empty() {
        return Err(AppError::BadInput("empty body".into()));
    }
    let n: u64 = req.body().trim().parse()?;
    tokio::task::yield_now().await;
    if n == 0 {
        return Ok(0);
    }
    let who = get_jwt_identity().ok_or(AppError::BadInput("no identity".into()))?;
    Ok(n * 2 + who.to_string().len() as u64)
}

#[jwt_required]
fn page(parts: &Parts) -> Result<u32, AppError> {
    let Some(query) = parts.uri.query() else {
        return Ok(1);
    };
    let page = query.trim_start_matches("page=").parse::<u32>()?;
    Ok(page)
}

/// `Box<dyn Error>` is `From<JwtError>` too.
#[jwt_required]
fn boxed(parts: Parts) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let n: i64 = parts.uri.path().trim_start_matches('/').parse()?;
    Ok(n.to_string())
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let future = double(Request::new(String::new()));
    assert_send(&future);
    drop(future);
    let _ = page;
    let _ = boxed;
    let _ = |e: AppError| match e {
        AppError::Jwt(e) => e.to_string(),
        AppError::BadInput(s) => s,
    };
}
