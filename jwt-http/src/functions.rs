//! `create_access_token` and friends as free functions and manager methods.

use serde::Serialize;

use crate::{JwtError, JwtManager, TokenBuilder, TokenType};

impl JwtManager {
    /// A new access token for `identity` with the configured lifetime:
    /// flask-jwt-extended's `create_access_token(identity)`. For options see
    /// [`access_token`](Self::access_token).
    ///
    /// ```
    /// use jwt_http::JwtManager;
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let token = manager.create_access_token("alice")?;
    /// let decoded = manager.decode_token(&token, false)?;
    /// assert_eq!(decoded.claims.sub(), Some("alice"));
    /// assert_eq!(decoded.claims.token_type(), "access");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_access_token<I: Serialize>(&self, identity: I) -> Result<String, JwtError> {
        self.access_token(identity).create()
    }

    /// A new refresh token for `identity`: `create_refresh_token(identity)`.
    pub fn create_refresh_token<I: Serialize>(&self, identity: I) -> Result<String, JwtError> {
        self.refresh_token(identity).create()
    }

    /// An access token with options (fresh, expiry, additional claims and headers).
    pub fn access_token<I: Serialize>(&self, identity: I) -> TokenBuilder<'_, I> {
        TokenBuilder::new(self, TokenType::Access, identity)
    }

    /// A refresh token with options (expiry, additional claims and headers).
    pub fn refresh_token<I: Serialize>(&self, identity: I) -> TokenBuilder<'_, I> {
        TokenBuilder::new(self, TokenType::Refresh, identity)
    }
}

/// `create_access_token(identity)` with the manager of the current request, or the
/// process-wide default one ([`JwtError::NoManager`] without either).
///
/// In an axum handler, `?` works when the handler returns `Result<_, JwtError>` (or an error
/// type with `From<JwtError>`): `JwtError` is `IntoResponse` with the `axum` feature.
///
/// ```
/// use jwt_http::{create_access_token, JwtError, JwtManager};
///
/// fn login(user: &str) -> Result<serde_json::Value, JwtError> {
///     Ok(serde_json::json!({ "access_token": create_access_token(user)? }))
/// }
///
/// JwtManager::builder()
///     .secret_key("a long random secret, 32 bytes or more")
///     .build()?
///     .install_default();
/// assert!(login("alice")?["access_token"].is_string());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn create_access_token<I: Serialize>(identity: I) -> Result<String, JwtError> {
    JwtManager::current()
        .ok_or(JwtError::NoManager)?
        .create_access_token(identity)
}

/// `create_refresh_token(identity)` with the manager of the current request, or the
/// process-wide default one.
pub fn create_refresh_token<I: Serialize>(identity: I) -> Result<String, JwtError> {
    JwtManager::current()
        .ok_or(JwtError::NoManager)?
        .create_refresh_token(identity)
}

/// `decode_token(token, allow_expired)` with the manager of the current request, or the
/// process-wide default one.
pub fn decode_token(
    token: impl AsRef<[u8]>,
    allow_expired: bool,
) -> Result<jwt_core::TokenData<jwt_core::Claims>, JwtError> {
    JwtManager::current()
        .ok_or(JwtError::NoManager)?
        .decode_token(token, allow_expired)
}

impl JwtManager {
    /// flask-jwt-extended's `get_jti`: the `jti` of a fully verified token.
    pub fn get_jti(&self, token: impl AsRef<[u8]>) -> Result<Option<String>, JwtError> {
        Ok(self
            .decode_token(token, false)?
            .claims
            .jti()
            .map(str::to_owned))
    }
}

/// `get_jti(token)`: the `jti` of a fully verified token, with the current manager.
pub fn get_jti(token: impl AsRef<[u8]>) -> Result<Option<String>, JwtError> {
    JwtManager::current()
        .ok_or(JwtError::NoManager)?
        .get_jti(token)
}

/// `get_unverified_jwt_headers(token)`: the header **without any verification** (no
/// signature, no claims). For choosing a key; never trust it.
pub fn get_unverified_jwt_headers(token: impl AsRef<[u8]>) -> Result<jwt_core::Header, JwtError> {
    Ok(jwt_core::decode_header_unverified(token)?)
}

/// flask-jwt-extended's `verify_jwt_in_request` for code that cannot use the attribute
/// (middleware, closures, services), with the request's manager or the default one and
/// synchronous loaders. Run the code it protects inside the returned context with
/// [`scope`](crate::scope) or [`enter`](crate::enter). `Ok(None)` for OPTIONS requests.
pub fn verify_jwt_in_request<R: crate::TokenRequest + ?Sized>(
    request: &R,
    options: &crate::VerifyOptions,
) -> Result<Option<std::sync::Arc<crate::JwtContext>>, JwtError> {
    crate::__private::manager_for(request)
        .ok_or(JwtError::NoManager)?
        .verify_request(request, options)
}

/// [`verify_jwt_in_request`] awaiting async loaders. The request is read before this returns,
/// so the future does not borrow it (and is `Send` whatever the request type).
pub fn verify_jwt_in_request_async<R: crate::TokenRequest + ?Sized>(
    request: &R,
    options: &crate::VerifyOptions,
) -> impl std::future::Future<Output = Result<Option<std::sync::Arc<crate::JwtContext>>, JwtError>>
       + Send
       + 'static {
    let started = crate::__private::manager_for(request)
        .ok_or(JwtError::NoManager)
        .and_then(|manager| manager.start_verification(request, options));
    async move { started?.finish().await }
}
