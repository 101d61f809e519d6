//! Support for the code `#[jwt_required]` generates. Not public API.

use std::sync::Arc;

use crate::{JwtContext, JwtError, JwtManager, PendingVerification, TokenRequest};

pub use crate::context::{enter, scope};
pub use crate::TokenLocation;
pub use crate::{JwtRejection, VerifyOptions};

/// The manager for a request: one in its extensions, else the process-wide default.
pub fn manager_for<R: TokenRequest + ?Sized>(request: &R) -> Option<JwtManager> {
    request
        .extensions()
        .and_then(|ext| ext.get::<JwtManager>().cloned())
        .or_else(JwtManager::default_manager)
}

/// Verifies `request` with `manager` (or the request's manager when `None`), running sync
/// loaders; on failure, the value the handler returns instead.
pub fn verify<R, Ret>(
    manager: Option<&JwtManager>,
    request: &R,
    options: &VerifyOptions,
) -> Result<Option<Arc<JwtContext>>, Ret>
where
    R: TokenRequest + ?Sized,
    Ret: JwtRejection,
{
    match start::<R, Ret>(manager, request, options)? {
        Started::Ready(context) => Ok(context),
        // Async loaders in a sync handler: `finish_sync` refuses them.
        Started::Pending(pending) => {
            let manager = pending.manager().clone();
            pending
                .finish_sync()
                .map_err(|e| Ret::from_jwt_error(e, Some(&manager)))
        }
    }
}

/// What [`start`] leaves to do.
pub enum Started {
    /// Nothing: no loader is async, so they have run. The context (`None` for OPTIONS).
    Ready(Option<Arc<JwtContext>>),
    /// The loaders, some of them async ([`finish`]).
    Pending(PendingVerification),
}

/// The part of verification that reads the request (for async handlers, before any `.await`);
/// when no loader is async, the loaders too, without a pending verification in between.
pub fn start<R, Ret>(
    manager: Option<&JwtManager>,
    request: &R,
    options: &VerifyOptions,
) -> Result<Started, Ret>
where
    R: TokenRequest + ?Sized,
    Ret: JwtRejection,
{
    let found;
    let manager = match manager {
        Some(manager) => manager,
        None => match manager_for(request) {
            Some(m) => {
                found = m;
                &found
            }
            None => return Err(Ret::from_jwt_error(JwtError::NoManager, None)),
        },
    };
    // Async loaders, or keys that may be fetched (a remote JWKS): the rest may await, unless
    // reading the request settled it.
    let started = if manager.verifies_async(options.skip_revocation_check) {
        manager
            .start_verification(request, options)
            .and_then(|pending| {
                if pending.needs_await() {
                    Ok(Started::Pending(pending))
                } else {
                    pending.finish_sync().map(Started::Ready)
                }
            })
    } else {
        manager.verify_request(request, options).map(Started::Ready)
    };
    started.map_err(|e| Ret::from_jwt_error(e, Some(manager)))
}

/// Runs the loaders of a started verification, awaiting async ones.
pub async fn finish<Ret: JwtRejection>(
    pending: PendingVerification,
) -> Result<Option<Arc<JwtContext>>, Ret> {
    let manager = pending.manager().clone();
    pending
        .finish()
        .await
        .map_err(|e| Ret::from_jwt_error(e, Some(&manager)))
}

/// Lets `#[jwt_required]` take the request by value or by reference.
pub fn as_request<R: TokenRequest + ?Sized>(request: &R) -> &R {
    request
}

/// A handler parameter that already holds a verified request's context (the axum extractors):
/// `#[jwt_required]` enters that context for the body instead of verifying the request again.
pub trait ExtractedContext {
    /// The context the extractor verified.
    fn jwt_context(&self) -> Option<Arc<JwtContext>>;
}

impl<T: ExtractedContext> ExtractedContext for Option<T> {
    fn jwt_context(&self) -> Option<Arc<JwtContext>> {
        self.as_ref().and_then(ExtractedContext::jwt_context)
    }
}

pub use crate::{Guarded, RequestHead};

/// The `HeaderMap` of a handler parameter, by value or by reference.
pub fn headers_of<H: std::borrow::Borrow<http::HeaderMap>>(headers: &H) -> &http::HeaderMap {
    headers.borrow()
}

/// The `Method` of a handler parameter, by value or by reference.
pub fn method_of<M: std::borrow::Borrow<http::Method>>(method: &M) -> &http::Method {
    method.borrow()
}

/// The `Uri` of a handler parameter, by value or by reference.
pub fn uri_of<U: std::borrow::Borrow<http::Uri>>(uri: &U) -> &http::Uri {
    uri.borrow()
}

/// The `Extensions` of a handler parameter, by value or by reference.
pub fn extensions_of<E: std::borrow::Borrow<http::Extensions>>(
    extensions: &E,
) -> &http::Extensions {
    extensions.borrow()
}
