//! Decoding a token as flask-jwt-extended does: `decode_token`, `get_jti`, and the checks a
//! request's token gets before the loaders (identity claim, CSRF double submit, expiry).

use jwt_core::{Claims, TokenData};
use serde_json::Value;

use crate::{JwtError, JwtManager};

impl JwtManager {
    /// Verifies and decodes `token` as flask-jwt-extended's `decode_token` does: signature and
    /// claims, the identity claim present, then expiry unless `allow_expired`. Missing `type`,
    /// `fresh` and `jti` get flask-jwt-extended's defaults (`"access"`, `false`, `null`). It does
    /// not run the blocklist, type, freshness or user checks.
    pub fn decode_token(
        &self,
        token: impl AsRef<[u8]>,
        allow_expired: bool,
    ) -> Result<TokenData<Claims>, JwtError> {
        self.decode_checked(token.as_ref(), None, allow_expired)
    }

    /// [`decode_token`](Self::decode_token) plus the CSRF double-submit comparison.
    pub(crate) fn decode_checked(
        &self,
        token: &[u8],
        csrf: Option<&[u8]>,
        allow_expired: bool,
    ) -> Result<TokenData<Claims>, JwtError> {
        let config = &self.inner.config;
        // One clock read for the claims and for `exp` below.
        let now = self.now();
        let data = match &self.inner.callbacks.decode_key {
            None => {
                self.verify_keys()
                    .decode(token, &self.inner.validation, now, config.algorithm)?
            }
            Some(load) => {
                let validation = &self.inner.validation;
                if token.len() > validation.max_token_len {
                    return Err(jwt_core::Error::TokenTooLarge {
                        len: token.len(),
                        max: validation.max_token_len,
                    }
                    .into());
                }
                let unverified = jwt_core::decode_unverified(token)?;
                let key = load(&unverified.header, &unverified.claims);
                jwt_core::decode_at(token, &key, validation, now)?
            }
        };
        if !data.claims.contains(&config.identity_claim) {
            return Err(jwt_core::Error::MissingClaim(config.identity_claim.clone()).into());
        }
        if let Some(sent) = csrf {
            // Typed accessors: they read a decoded token without building its claims map.
            if !data.claims.contains("csrf") {
                return Err(jwt_core::Error::MissingClaim("csrf".into()).into());
            }
            match data.claims.csrf() {
                Some(expected) if crate::csrf::matches(expected, sent) => {}
                _ => return Err(JwtError::CsrfMismatch),
            }
        }
        let data = with_flask_defaults(data);
        if !allow_expired {
            if let Some(exp) = data.claims.exp() {
                let leeway = i64::try_from(config.decode_leeway).unwrap_or(i64::MAX);
                if exp.secs() <= now.secs().saturating_sub(leeway) {
                    return Err(JwtError::Expired(Box::new(data)));
                }
            }
        }
        Ok(data)
    }

    /// flask-jwt-extended's `get_jti`: the `jti` of a fully verified token.
    pub fn get_jti(&self, token: impl AsRef<[u8]>) -> Result<Option<String>, JwtError> {
        Ok(self
            .decode_token(token, false)?
            .claims
            .jti()
            .map(str::to_owned))
    }
}

/// flask-jwt-extended's decoded-token defaults: `type`, `fresh` and `jti` are always present.
fn with_flask_defaults(data: TokenData<Claims>) -> TokenData<Claims> {
    let claims = &data.claims;
    if claims.contains("type") && claims.contains("fresh") && claims.contains("jti") {
        return data;
    }
    let mut members = data.claims.into_members();
    members
        .entry("type")
        .or_insert_with(|| Value::String("access".into()));
    members.entry("fresh").or_insert(Value::Bool(false));
    members.entry("jti").or_insert(Value::Null);
    TokenData {
        header: data.header,
        claims: Claims::from_members(members),
    }
}
