//! The [`JwtManager`] and its whole API, one file per job:
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | the manager (validated settings, prepared keys, loaders) and how handlers find it: `install_default`, `current` |
//! | `keys.rs` | the signing key and the verification keys ([`keys::VerifyKeys`]): chosen from the settings as flask-jwt-extended chooses them, checked at build time |
//! | `builder.rs` | [`JwtManagerBuilder`]: every setting, the hardened cookie preset, the loaders' registration |
//! | `loaders.rs` | the registered loaders and the types they use ([`ErrorResponse`], [`User`], ...) |
//! | `create.rs` | token creation: `create_access_token`, [`TokenBuilder`] |
//! | `decode.rs` | `decode_token`, `get_jti`, and the checks of a decoded token (identity claim, CSRF, expiry) |
//! | `verify.rs` | request verification: `verify_request`, [`PendingVerification`], [`VerifyOptions`] |
//! | `cookies.rs` | `set_access_cookies` and the other cookie methods |
//! | `response.rs` | refusals as responses: `error_response`, [`Refusal`], [`JwtRejection`] |
//! | `body.rs` | `buffer_body`: reading a body the token checks need |
//! | `rotation.rs` | changing a key set while the manager serves: `update_keys`, [`KeyRotationError`]; `public_jwks` |

use std::sync::{Arc, RwLock};

use http::HeaderName;
use jwt_core::{Algorithm, Validation};

use keys::{Keys, ProvidedKeys};

use crate::{ConfigError, JwtConfig};

mod body;
mod builder;
pub(crate) mod cookies;
mod create;
mod decode;
pub(crate) mod keys;
mod loaders;
mod response;
mod rotation;
mod verify;

pub use builder::JwtManagerBuilder;
pub use create::{TokenBuilder, TokenType};
pub use loaders::{json_response, BoxFuture, ErrorResponse, User};
pub(crate) use loaders::{Callbacks, Hook, IdentityLoader};
pub use response::{JwtRejection, Refusal};
pub use rotation::KeyRotationError;
pub use verify::{PendingVerification, VerifyOptions};

/// The process-wide default manager, set by [`JwtManager::install_default`].
static DEFAULT: RwLock<Option<JwtManager>> = RwLock::new(None);

/// flask-jwt-extended's `JWTManager`: the settings, the prepared key and the callbacks.
///
/// Cheap to clone (one `Arc`). Handlers find it, in this order: the one named in
/// `#[jwt_required(manager = ...)]`; a `JwtManager` in the request's extensions (so two apps in
/// one process can differ, or one route can use another); the process-wide default installed
/// with [`JwtManager::install_default`].
///
/// ```
/// use jwt_http::JwtManager;
/// let manager = JwtManager::builder()
///     .secret_key("a long random secret, 32 bytes or more")
///     .build()?;
/// let token = manager.create_access_token("alice")?;
/// let data = manager.decode_token(&token, false)?;
/// assert_eq!(data.claims.sub(), Some("alice"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct JwtManager {
    inner: Arc<Inner>,
}

struct Inner {
    config: JwtConfig,
    callbacks: Callbacks,
    /// The signing key and what verifies (`keys.rs`).
    keys: Keys,
    /// Validation for requests: `exp` is checked after flask-jwt-extended's own checks, so that
    /// another defect of an expired token wins, as it does there.
    validation: Validation,
    header_name: HeaderName,
    access_csrf_header: HeaderName,
    refresh_csrf_header: HeaderName,
}

impl std::fmt::Debug for JwtManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtManager")
            .field("config", &self.inner.config)
            .field("callbacks", &self.inner.callbacks)
            .finish()
    }
}

impl JwtManager {
    /// Validates `config` and prepares the key. Every misconfiguration is reported here, with
    /// the option it concerns, never later as a failed request.
    pub fn new(config: JwtConfig) -> Result<Self, ConfigError> {
        Self::with_callbacks(config, Callbacks::default(), ProvidedKeys::default())
    }

    /// [`new`](Self::new) with the loaders and keys given to a builder.
    pub(super) fn with_callbacks(
        config: JwtConfig,
        callbacks: Callbacks,
        provided: ProvidedKeys,
    ) -> Result<Self, ConfigError> {
        let mut algorithms = config.decode_algorithms.clone();
        if !algorithms.contains(&config.algorithm) {
            algorithms.push(config.algorithm);
        }
        let keys = Keys::build(
            &config,
            &algorithms,
            provided,
            callbacks.encode_key.is_some(),
            callbacks.decode_key.is_some(),
        )?;
        if config.header_name.is_empty() {
            return Err(ConfigError::EmptyHeaderName);
        }
        if config.token_location.is_empty() {
            return Err(ConfigError::EmptyTokenLocation);
        }
        if config.identity_claim.is_empty() {
            return Err(ConfigError::EmptyIdentityClaim);
        }
        let host_prefixed = [
            &config.access_cookie_name,
            &config.refresh_cookie_name,
            &config.access_csrf_cookie_name,
            &config.refresh_csrf_cookie_name,
        ]
        .into_iter()
        .any(|name| name.starts_with(crate::config::HOST_PREFIX));
        if host_prefixed && (!config.cookie_secure || config.cookie_domain.is_some()) {
            return Err(ConfigError::InvalidValue {
                option: "JWT_COOKIE_DOMAIN".into(),
                reason: "`__Host-` cookies need JWT_COOKIE_SECURE and no JWT_COOKIE_DOMAIN; \
                         a browser drops them otherwise"
                    .into(),
            });
        }
        let header = |option: &'static str, value: &str| {
            HeaderName::try_from(value).map_err(|_| ConfigError::InvalidHeaderName {
                option,
                value: value.to_owned(),
            })
        };
        let header_name = header("JWT_HEADER_NAME", &config.header_name)?;
        let access_csrf_header = header(
            "JWT_ACCESS_CSRF_HEADER_NAME",
            &config.access_csrf_header_name,
        )?;
        let refresh_csrf_header = header(
            "JWT_REFRESH_CSRF_HEADER_NAME",
            &config.refresh_csrf_header_name,
        )?;

        let mut validation = Validation::new(config.algorithm);
        validation.algorithms = algorithms;
        validation.leeway = config.decode_leeway;
        validation.validate_exp = false;
        validation.audience = config.decode_audience.clone();
        validation.issuer = config.decode_issuer.clone();
        validation.verify_sub = config.verify_sub;
        validation.max_token_len = config.max_token_len;
        validation.clock = config.clock.clone();

        Ok(JwtManager {
            inner: Arc::new(Inner {
                config,
                callbacks,
                keys,
                validation,
                header_name,
                access_csrf_header,
                refresh_csrf_header,
            }),
        })
    }

    /// A builder over [`JwtConfig`]'s defaults.
    pub fn builder() -> JwtManagerBuilder {
        JwtManager::builder_from(JwtConfig::default())
    }

    /// A builder over `config`, such as one read with [`JwtConfig::from_env`]: register the
    /// callbacks, change any setting, then [`build`](JwtManagerBuilder::build). The same as
    /// `JwtManagerBuilder::from(config)`.
    ///
    /// ```
    /// use jwt_http::{JwtConfig, JwtManager};
    /// // JwtConfig::from_env() in a server; the same variables, given here.
    /// let config = JwtConfig::from_vars([
    ///     ("JWT_SECRET_KEY".to_owned(), "a long random secret, 32 bytes or more".to_owned()),
    ///     ("JWT_IDENTITY_CLAIM".to_owned(), "identity".to_owned()),
    /// ])?;
    /// let manager = JwtManager::builder_from(config)
    ///     .user_identity_loader(|user| user["name"].clone())
    ///     .build()?;
    /// assert_eq!(manager.config().identity_claim, "identity");
    /// let token = manager.create_access_token(serde_json::json!({ "name": "alice" }))?;
    /// let data = manager.decode_token(&token, false)?;
    /// assert_eq!(data.claims.get("identity"), Some(&serde_json::json!("alice")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder_from(config: JwtConfig) -> JwtManagerBuilder {
        JwtManagerBuilder::new(config)
    }

    /// The settings.
    pub fn config(&self) -> &JwtConfig {
        &self.inner.config
    }

    /// Makes this the process-wide default manager, replacing any earlier one.
    pub fn install_default(&self) {
        let mut slot = DEFAULT.write().unwrap_or_else(|e| e.into_inner());
        *slot = Some(self.clone());
    }

    /// The process-wide default manager, if one is installed.
    pub fn default_manager() -> Option<JwtManager> {
        DEFAULT.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The manager for code running now: the one that verified the current protected request,
    /// else the process-wide default.
    pub fn current() -> Option<JwtManager> {
        crate::context::current()
            .map(|c| c.manager().clone())
            .or_else(JwtManager::default_manager)
    }

    pub(crate) fn callbacks(&self) -> &Callbacks {
        &self.inner.callbacks
    }

    /// The key new tokens are signed with when no `encode_key_loader` gives one (for a key set:
    /// its active key now); none for a verify-only manager.
    pub(crate) fn signing_key(&self) -> keys::SigningKey<'_> {
        self.inner.keys.signing_key()
    }

    /// What verifies tokens when no `decode_key_loader` gives a key.
    pub(crate) fn verify_keys(&self) -> &keys::VerifyKeys {
        &self.inner.keys.verify
    }

    pub(crate) fn header_name(&self) -> &HeaderName {
        &self.inner.header_name
    }

    pub(crate) fn csrf_header(&self, refresh: bool) -> &HeaderName {
        if refresh {
            &self.inner.refresh_csrf_header
        } else {
            &self.inner.access_csrf_header
        }
    }

    pub(crate) fn now(&self) -> jwt_core::UnixTime {
        self.inner.config.clock.now()
    }

    /// The algorithm new tokens are signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.config.algorithm
    }
}
