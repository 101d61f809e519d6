//! Refusals and errors as axum responses.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};

use crate::{JwtError, Refusal};

/// flask-jwt-extended's response for the refused request: the refusing manager's response
/// loader when one covers the error, else its status and `{"<JWT_ERROR_MESSAGE_KEY>": "..."}`
/// (see [`Refusal::into_response`]). The rejection of every extractor in this module.
///
/// ```
/// use axum::response::IntoResponse;
/// use jwt_http::{JwtError, JwtManager, Refusal};
///
/// let manager = JwtManager::builder()
///     .secret_key("a long random secret, 32 bytes or more")
///     .unauthorized_loader(|msg| jwt_http::json_response(401, &serde_json::json!({ "error": msg })))
///     .build()?;
/// let refusal = Refusal::new(JwtError::MissingCsrfToken, Some(manager));
/// let response = IntoResponse::into_response(refusal);
/// assert_eq!(response.status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        Refusal::into_response::<Body>(self)
    }
}

/// The error's response, with the loaders and message key of the manager of the code running
/// now ([`JwtManager::current`](crate::JwtManager::current): in practice the process default),
/// else `{"msg": "..."}`. Server-side failures (status 500) answer a generic body; their message
/// goes to standard error. So `?` works on this crate's functions in an axum handler:
///
/// ```
/// use axum::{routing::post, Json, Router};
/// use jwt_http::JwtError;
/// use serde_json::{json, Value};
///
/// async fn login(Json(body): Json<Value>) -> Result<Json<Value>, JwtError> {
///     let user = body["username"].as_str().unwrap_or_default();
///     let access_token = jwt_http::create_access_token(user)?;
///     Ok(Json(json!({ "access_token": access_token })))
/// }
///
/// let app: Router = Router::new().route("/login", post(login));
/// ```
impl IntoResponse for JwtError {
    fn into_response(self) -> Response {
        http::Response::<Body>::from(self)
    }
}
