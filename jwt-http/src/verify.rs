//! `verify_jwt_in_request`: the checks `#[jwt_required]` runs before a handler.

use std::sync::Arc;

use http::Method;

use crate::{extract, JwtContext, JwtError, JwtManager, TokenLocation, TokenRequest};

/// The options of `#[jwt_required(...)]` and [`JwtManager::verify_request`], with
/// flask-jwt-extended's defaults ([`VerifyOptions::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Let requests without any token through, with an empty context. Only an absent token is
    /// forgiven: an invalid, expired or revoked one is still refused. Default `false`.
    pub optional: bool,
    /// Require a fresh access token. Default `false`.
    pub fresh: bool,
    /// Require a refresh token (and read the refresh cookie, CSRF header and JSON key).
    /// Default `false`.
    pub refresh: bool,
    /// Check the `type` claim against `refresh`. Default `true`.
    pub verify_type: bool,
    /// Skip the blocklist callback. Default `false`.
    pub skip_revocation_check: bool,
    /// Search these locations instead of the configured ones. Default `None`.
    pub locations: Option<&'static [TokenLocation]>,
}

impl VerifyOptions {
    /// flask-jwt-extended's defaults: a valid, non-refresh token from the configured locations.
    pub const fn new() -> Self {
        VerifyOptions {
            optional: false,
            fresh: false,
            refresh: false,
            verify_type: true,
            skip_revocation_check: false,
            locations: None,
        }
    }
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions::new()
    }
}

impl JwtManager {
    /// Finds, verifies and checks the request's token: flask-jwt-extended's
    /// `verify_jwt_in_request`. The checks run in its order: locations, signature and claims,
    /// identity claim, CSRF, expiry, type, freshness.
    ///
    /// Returns `Ok(None)` for OPTIONS requests (CORS preflight), which are never checked;
    /// otherwise the context to run the handler in (see [`scope`](crate::scope) and
    /// [`enter`](crate::enter)), empty on an `optional` route without a token.
    ///
    /// ```
    /// use jwt_http::{JwtManager, VerifyOptions};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let token = manager.create_access_token("alice")?;
    /// let request = http::Request::get("/")
    ///     .header("Authorization", format!("Bearer {token}"))
    ///     .body(())?;
    /// let context = manager.verify_request(&request, &VerifyOptions::new())?.expect("not OPTIONS");
    /// assert_eq!(context.identity().unwrap(), "alice");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_request<R: TokenRequest + ?Sized>(
        &self,
        request: &R,
        options: &VerifyOptions,
    ) -> Result<Option<Arc<JwtContext>>, JwtError> {
        if request.method() == Method::OPTIONS {
            return Ok(None);
        }
        let locations = options
            .locations
            .unwrap_or(self.config().token_location.as_slice());
        let found = match extract::find(self, request, locations, options.refresh) {
            Ok(found) => found,
            Err(e) if options.optional && e.is_absent() => {
                return Ok(Some(Arc::new(JwtContext::new(
                    None,
                    None,
                    None,
                    self.clone(),
                ))));
            }
            Err(e) => return Err(e),
        };
        let data = self.decode_checked(&found.token, found.csrf.as_deref(), false)?;

        if options.verify_type {
            let is_refresh = data.claims.token_type() == "refresh";
            if options.refresh != is_refresh {
                return Err(JwtError::WrongTokenType {
                    refresh_required: options.refresh,
                });
            }
        }
        if options.fresh && !data.claims.fresh().is_fresh_at(self.now().as_secs_f64()) {
            return Err(JwtError::FreshTokenRequired(Box::new(data)));
        }
        Ok(Some(Arc::new(JwtContext::new(
            Some(data),
            Some(found.location),
            None,
            self.clone(),
        ))))
    }
}
