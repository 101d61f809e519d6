//! `verify_jwt_in_request`: the checks `#[jwt_required]` runs before a handler.

use std::sync::Arc;

use http::Method;
use jwt_core::{Claims, TokenData};

use super::{Hook, User};
use crate::context::TokenSlot;
use crate::{extract, JwtContext, JwtError, JwtManager, TokenLocation, TokenRequest};

/// The options of `#[jwt_required(...)]` and [`JwtManager::verify_request`], with
/// flask-jwt-extended's defaults ([`VerifyOptions::new`]).
///
/// ```
/// use jwt_http::{JwtManager, TokenLocation, VerifyOptions};
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// // `@jwt_required(refresh=True, locations=["headers"])`:
/// let refresh_route = VerifyOptions {
///     refresh: true,
///     locations: Some(&[TokenLocation::Headers]),
///     ..VerifyOptions::new()
/// };
/// let token = manager.create_access_token("alice")?;
/// let request = http::Request::post("/refresh").header("Authorization", format!("Bearer {token}")).body(())?;
/// let refused = manager.verify_request(&request, &refresh_route).unwrap_err();
/// assert_eq!(refused.to_string(), "Only refresh tokens are allowed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// Skip the blocklist loader. Default `false`.
    pub skip_revocation_check: bool,
    /// Search these locations instead of the configured ones. Default `None`.
    pub locations: Option<&'static [TokenLocation]>,
    /// Let OPTIONS requests through unchecked, as flask-jwt-extended's `verify_jwt_in_request`
    /// does. Default `false`.
    ///
    /// Flask can exempt OPTIONS because Flask answers OPTIONS itself and never runs the view;
    /// axum, hyper and tower route OPTIONS to the handler like any other method, so an
    /// exemption would run a protected handler without a token. `#[jwt_required]`, the
    /// extractors and `JwtLayer` never set it: an OPTIONS request to a
    /// protected handler needs a token like any other (answer CORS preflight in a CORS layer
    /// outside them). Set it only in your own middleware that answers OPTIONS without calling
    /// the protected handler: [`JwtManager::verify_request`] then returns `Ok(None)` for it.
    pub exempt_options: bool,
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
            exempt_options: false,
        }
    }
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions::new()
    }
}

/// A request whose token has been found, verified and checked up to the loaders, which may be
/// asynchronous. Owns everything it needs: nothing borrows the request across an `.await`.
#[derive(Debug)]
#[must_use = "finish the verification with .finish() or .finish_sync()"]
pub struct PendingVerification {
    manager: JwtManager,
    options: VerifyOptions,
    state: State,
}

#[derive(Debug)]
enum State {
    /// An OPTIONS request with [`VerifyOptions::exempt_options`]: not checked.
    Skipped,
    /// `optional` and no token: an empty context.
    Anonymous,
    /// A verified token, its loaders still to run.
    Token(TokenData<Claims>, TokenLocation),
    /// A token the remote key set could not verify yet (an unknown `kid`, no usable set):
    /// [`PendingVerification::finish`] waits for the fetch that may resolve it and verifies
    /// once more; [`PendingVerification::finish_sync`] refuses it at once.
    #[cfg(feature = "remote-jwks")]
    AwaitKeys(Box<AwaitKeys>),
}

/// What verifying a token again after a fetch needs.
#[cfg(feature = "remote-jwks")]
struct AwaitKeys {
    jwks: crate::jwks::RemoteJwks,
    /// The key set generation the token was tried against.
    generation: u64,
    token: Vec<u8>,
    csrf: Option<Vec<u8>>,
    location: TokenLocation,
    /// The answer if no fetch helps.
    error: JwtError,
}

/// The token and CSRF value are credentials: shown by length only.
#[cfg(feature = "remote-jwks")]
impl std::fmt::Debug for AwaitKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwaitKeys")
            .field("jwks", &self.jwks)
            .field("generation", &self.generation)
            .field("token_len", &self.token.len())
            .field("csrf", &self.csrf.as_ref().map(|_| "<redacted>"))
            .field("location", &self.location)
            .field("error", &self.error)
            .finish()
    }
}

impl JwtManager {
    /// Finds, verifies and checks the request's token: flask-jwt-extended's
    /// `verify_jwt_in_request`, with synchronous loaders. The checks run in its order:
    /// locations, signature and claims, identity claim, CSRF, expiry, type, freshness,
    /// blocklist, claims verification, user lookup.
    ///
    /// Returns `Ok(None)` only for an OPTIONS request with [`VerifyOptions::exempt_options`]
    /// set (flask-jwt-extended's exemption, off by default); otherwise the context to run the handler in (see [`scope`](crate::scope) and
    /// [`enter`](crate::enter)), empty on an `optional` route without a token. With an async
    /// loader registered, use [`verify_request_async`](Self::verify_request_async).
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
        // The same steps as `start_verification(..)?.finish_sync()`, without the pending
        // verification in between (its manager handle and the moves of the token through it).
        match self.read(request, options)? {
            State::Skipped => Ok(None),
            State::Anonymous => Ok(Some(self.anonymous())),
            State::Token(token, location) => self.clone().load_sync(token, location, options),
            // The fetch runs in the background; a synchronous caller cannot wait for it.
            #[cfg(feature = "remote-jwks")]
            State::AwaitKeys(wait) => Err(wait.error),
        }
    }

    /// [`verify_request`](Self::verify_request) for async code: awaits async blocklist and
    /// user-lookup loaders. The request is read before this returns, so the future does not
    /// borrow it (and is `Send` whatever the request type).
    pub fn verify_request_async<R: TokenRequest + ?Sized>(
        &self,
        request: &R,
        options: &VerifyOptions,
    ) -> impl std::future::Future<Output = Result<Option<Arc<JwtContext>>, JwtError>> + Send + 'static
    {
        let started = self.start_verification(request, options);
        async move { started?.finish().await }
    }

    /// The part of verification that reads the request: find the token, verify it, check
    /// type and freshness. The loaders run in [`PendingVerification::finish`].
    pub fn start_verification<R: TokenRequest + ?Sized>(
        &self,
        request: &R,
        options: &VerifyOptions,
    ) -> Result<PendingVerification, JwtError> {
        Ok(PendingVerification {
            state: self.read(request, options)?,
            manager: self.clone(),
            options: *options,
        })
    }

    /// Finds the token, verifies it, checks type and freshness.
    fn read<R: TokenRequest + ?Sized>(
        &self,
        request: &R,
        options: &VerifyOptions,
    ) -> Result<State, JwtError> {
        if options.exempt_options && request.method() == Some(&Method::OPTIONS) {
            return Ok(State::Skipped);
        }
        let locations = options
            .locations
            .unwrap_or(self.config().token_location.as_slice());
        let found = match extract::find(self, request, locations, options.refresh) {
            Ok(found) => found,
            Err(e) if options.optional && e.is_absent() => return Ok(State::Anonymous),
            Err(e) => return Err(e),
        };
        let data = match self.decode_checked(&found.token, found.csrf.as_deref(), false) {
            Ok(data) => data,
            #[cfg(feature = "remote-jwks")]
            Err(error) => {
                return match self.verify_keys().awaits_fetch(&error) {
                    Some((jwks, generation)) => Ok(State::AwaitKeys(Box::new(AwaitKeys {
                        jwks,
                        generation,
                        token: found.token.into_owned(),
                        csrf: found.csrf.map(std::borrow::Cow::into_owned),
                        location: found.location,
                        error,
                    }))),
                    None => Err(error),
                }
            }
            #[cfg(not(feature = "remote-jwks"))]
            Err(error) => return Err(error),
        };
        Ok(State::Token(
            self.check_type(data, options)?,
            found.location,
        ))
    }

    /// The checks after decoding: the token type, then freshness.
    fn check_type(
        &self,
        data: TokenData<Claims>,
        options: &VerifyOptions,
    ) -> Result<TokenData<Claims>, JwtError> {
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
        Ok(data)
    }

    /// Whether verification with these options may have to await: an async loader, or keys
    /// that may be fetched (a remote JWKS). The request paths that can await
    /// (`#[jwt_required]` on async handlers, the extractors, `JwtLayer`) then use
    /// [`start_verification`](Self::start_verification) and
    /// [`PendingVerification::finish`].
    pub(crate) fn verifies_async(&self, skip_revocation_check: bool) -> bool {
        self.callbacks().needs_async(skip_revocation_check) || self.verify_keys().may_fetch()
    }
}

impl PendingVerification {
    /// The manager doing the verification.
    pub fn manager(&self) -> &JwtManager {
        &self.manager
    }

    /// Whether [`finish`](Self::finish) may await: an async loader, or a token waiting for
    /// its key set to be fetched. Otherwise [`finish_sync`](Self::finish_sync) gives the same
    /// answer without a future.
    pub fn needs_await(&self) -> bool {
        match &self.state {
            State::Token(..) => self
                .manager
                .callbacks()
                .needs_async(self.options.skip_revocation_check),
            #[cfg(feature = "remote-jwks")]
            State::AwaitKeys(_) => true,
            State::Skipped | State::Anonymous => false,
        }
    }

    /// Runs the loaders, awaiting async ones. A token whose key the remote JWKS lacks is
    /// verified once more after the fetch it started (at most the fetch timeout).
    pub async fn finish(self) -> Result<Option<Arc<JwtContext>>, JwtError> {
        let (token, location) = match self.state {
            State::Skipped => return Ok(None),
            State::Anonymous => return Ok(Some(self.manager.anonymous())),
            State::Token(token, location) => (token, location),
            #[cfg(feature = "remote-jwks")]
            State::AwaitKeys(wait) => {
                wait.jwks.wait_for_fetch(wait.generation).await;
                let data = self
                    .manager
                    .decode_checked(&wait.token, wait.csrf.as_deref(), false)?;
                (self.manager.check_type(data, &self.options)?, wait.location)
            }
        };
        let callbacks = self.manager.callbacks();
        // An async loader gets the token as an `Arc`; without one, the token stays in place and
        // the context holds it (one allocation for both).
        let token = if callbacks.needs_async(self.options.skip_revocation_check) {
            TokenSlot::Shared(Arc::new(token))
        } else {
            TokenSlot::Own(token)
        };
        if !self.options.skip_revocation_check {
            let revoked = match &callbacks.token_in_blocklist {
                None => false,
                Some(Hook::Sync(f)) => f(&token.get().header, &token.get().claims),
                Some(Hook::Async(f)) => f(token.shared()).await,
            };
            if revoked {
                return Err(JwtError::Revoked(Box::new(token.into_owned())));
            }
        }
        if !self.manager.claims_verified(token.get()) {
            return Err(JwtError::ClaimsVerificationFailed(Box::new(
                token.into_owned(),
            )));
        }
        let user = match &callbacks.user_lookup {
            None => None,
            Some(Hook::Sync(f)) => Some(f(&token.get().header, &token.get().claims)),
            Some(Hook::Async(f)) => Some(f(token.shared()).await),
        };
        self.manager.into_context(token, location, user)
    }

    /// Runs the loaders synchronously; an async loader is an error
    /// ([`JwtError::AsyncLoaderInSyncHandler`]).
    pub fn finish_sync(self) -> Result<Option<Arc<JwtContext>>, JwtError> {
        match self.state {
            State::Skipped => Ok(None),
            State::Anonymous => Ok(Some(self.manager.anonymous())),
            State::Token(token, location) => self.manager.load_sync(token, location, &self.options),
            #[cfg(feature = "remote-jwks")]
            State::AwaitKeys(wait) => Err(wait.error),
        }
    }
}

impl JwtManager {
    /// The synchronous loaders for a checked token, then its context. Takes the manager handle
    /// that moves into the context.
    fn load_sync(
        self,
        token: TokenData<Claims>,
        location: TokenLocation,
        options: &VerifyOptions,
    ) -> Result<Option<Arc<JwtContext>>, JwtError> {
        let callbacks = self.callbacks();
        if callbacks.needs_async(options.skip_revocation_check) {
            return Err(JwtError::AsyncLoaderInSyncHandler);
        }
        if !options.skip_revocation_check {
            if let Some(Hook::Sync(f)) = &callbacks.token_in_blocklist {
                if f(&token.header, &token.claims) {
                    return Err(JwtError::Revoked(Box::new(token)));
                }
            }
        }
        if !self.claims_verified(&token) {
            return Err(JwtError::ClaimsVerificationFailed(Box::new(token)));
        }
        let user = match &callbacks.user_lookup {
            Some(Hook::Sync(f)) => Some(f(&token.header, &token.claims)),
            _ => None,
        };
        self.into_context(TokenSlot::Own(token), location, user)
    }

    fn anonymous(&self) -> Arc<JwtContext> {
        Arc::new(JwtContext::new(None, None, None, self.clone()))
    }

    /// The token verification loader's answer (`false` refuses with 400); `true` without one.
    fn claims_verified(&self, token: &TokenData<Claims>) -> bool {
        match &self.callbacks().token_verification {
            Some(f) => f(&token.header, &token.claims),
            None => true,
        }
    }

    /// The context for a checked token; `user` is the user lookup's answer, when one ran. Takes
    /// the manager by value: the pending verification's handle moves into the context.
    fn into_context(
        self,
        token: TokenSlot,
        location: TokenLocation,
        user: Option<Option<User>>,
    ) -> Result<Option<Arc<JwtContext>>, JwtError> {
        let user = match user {
            None => None,
            Some(Some(user)) => Some(user),
            Some(None) => {
                let identity = match token.get().claims.get(&self.config().identity_claim) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => "None".to_owned(),
                };
                return Err(JwtError::UserLookupFailed(
                    Box::new(token.into_owned()),
                    identity,
                ));
            }
        };
        Ok(Some(Arc::new(JwtContext::with_slot(
            Some(token),
            Some(location),
            user,
            self,
        ))))
    }
}
