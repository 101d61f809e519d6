//! `create_access_token` and friends as free functions and manager methods.

use serde::Serialize;

use crate::{JwtError, JwtManager, TokenBuilder, TokenType};

impl JwtManager {
    /// A new access token for `identity` with the configured lifetime:
    /// flask-jwt-extended's `create_access_token(identity)`. For options see
    /// [`access_token`](Self::access_token).
    pub fn create_access_token<I: Serialize>(&self, identity: I) -> Result<String, JwtError> {
        self.access_token(identity).create()
    }

    /// A new refresh token for `identity`: `create_refresh_token(identity)`.
    pub fn create_refresh_token<I: Serialize>(&self, identity: I) -> Result<String, JwtError> {
        self.refresh_token(identity).create()
    }

    /// An access token with options (fresh, expiry, additional claims and headers).
    pub fn access_token<I: Serialize>(&self, identity: I) -> TokenBuilder<'_> {
        TokenBuilder::new(self, TokenType::Access, identity)
    }

    /// A refresh token with options (expiry, additional claims and headers).
    pub fn refresh_token<I: Serialize>(&self, identity: I) -> TokenBuilder<'_> {
        TokenBuilder::new(self, TokenType::Refresh, identity)
    }
}

/// `create_access_token(identity)` with the manager of the current request, or the
/// process-wide default one.
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
