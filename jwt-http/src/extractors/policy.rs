//! What an extractor requires of the token: flask-jwt-extended's `jwt_required(...)` options as a
//! type.

use crate::VerifyOptions;

/// The checks an extractor runs, as a type: the options of flask-jwt-extended's
/// `jwt_required(fresh=..., refresh=..., verify_type=..., locations=..., skip_revocation_check=...)`.
///
/// Provided: [`AccessToken`] (the default), [`FreshToken`], [`RefreshToken`] and [`AnyToken`].
/// Write your own for other combinations, such as a route that reads the token from one
/// location only:
///
/// ```
/// use jwt_http::extractors::{JwtIdentity, Policy};
/// use jwt_http::{TokenLocation, VerifyOptions};
///
/// /// An access token, from the `Authorization` header only.
/// struct HeaderOnly;
///
/// impl Policy for HeaderOnly {
///     const OPTIONS: VerifyOptions = VerifyOptions {
///         locations: Some(&[TokenLocation::Headers]),
///         ..VerifyOptions::new()
///     };
/// }
///
/// async fn handler(user: JwtIdentity<String, HeaderOnly>) -> String {
///     format!("hello {}", *user)
/// }
/// let app: axum::Router = axum::Router::new().route("/", axum::routing::get(handler));
/// ```
///
/// Two fields are not the policy's to decide, and are ignored: `optional` (the extractor is
/// optional when it is taken as an `Option<_>`) and `exempt_options` (an extractor never lets a
/// request through unchecked: OPTIONS requests need a token like any other).
pub trait Policy: Send + Sync + 'static {
    /// The options the request is verified with.
    const OPTIONS: VerifyOptions;
}

/// A valid access token (not a refresh token): `@jwt_required()`. The default policy.
///
/// ```
/// use jwt_http::extractors::{AccessToken, JwtIdentity};
/// // The same extractor, spelled out:
/// async fn handler(user: JwtIdentity<String, AccessToken>) -> String {
///     user.into_inner()
/// }
/// # let app: axum::Router = axum::Router::new().route("/", axum::routing::get(handler));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessToken;

impl Policy for AccessToken {
    const OPTIONS: VerifyOptions = VerifyOptions::new();
}

/// A fresh access token: `@jwt_required(fresh=True)`. A token that is not fresh is refused with
/// 401 `Fresh token required` (or the `needs_fresh_token_loader`'s response).
///
/// ```
/// use jwt_http::extractors::{FreshToken, JwtIdentity};
/// async fn change_password(user: JwtIdentity<String, FreshToken>) -> String {
///     format!("password of {} changed", *user)
/// }
/// # let app: axum::Router = axum::Router::new().route("/", axum::routing::post(change_password));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct FreshToken;

impl Policy for FreshToken {
    const OPTIONS: VerifyOptions = VerifyOptions {
        fresh: true,
        ..VerifyOptions::new()
    };
}

/// A refresh token: `@jwt_required(refresh=True)`. It is read from the refresh cookie (with its
/// CSRF header) and the refresh JSON key where those locations are searched; an access token is
/// refused with 422 `Only refresh tokens are allowed`.
///
/// ```
/// use axum::Json;
/// use jwt_http::extractors::{JwtIdentity, RefreshToken};
/// use jwt_http::{JwtError, JwtManager};
///
/// async fn refresh(user: JwtIdentity<String, RefreshToken>) -> Result<Json<serde_json::Value>, JwtError> {
///     let manager = user.context().manager();
///     let access_token = manager.create_access_token(&*user)?;
///     Ok(Json(serde_json::json!({ "access_token": access_token })))
/// }
/// # let app: axum::Router = axum::Router::new().route("/refresh", axum::routing::post(refresh));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RefreshToken;

impl Policy for RefreshToken {
    const OPTIONS: VerifyOptions = VerifyOptions {
        refresh: true,
        ..VerifyOptions::new()
    };
}

/// An access or a refresh token: `@jwt_required(verify_type=False)`. The access cookie and JSON
/// key are the ones read, as in flask-jwt-extended.
///
/// ```
/// use jwt_http::extractors::{AnyToken, JwtToken};
/// async fn logout(token: JwtToken<AnyToken>) -> String {
///     format!("revoking the {} token {:?}", token.token_type(), token.jti())
/// }
/// # let app: axum::Router = axum::Router::new().route("/logout", axum::routing::delete(logout));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyToken;

impl Policy for AnyToken {
    const OPTIONS: VerifyOptions = VerifyOptions {
        verify_type: false,
        ..VerifyOptions::new()
    };
}
