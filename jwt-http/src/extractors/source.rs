//! Where an extractor finds the manager: the request's extensions and the process default, or
//! the router's state.

use std::marker::PhantomData;

use axum_core::extract::FromRef;
use http::request::Parts;

use super::{AccessToken, Policy};
use crate::{JwtManager, VerifyOptions};

/// What an extractor's second type parameter stands for in a router with state `S`: the options
/// to verify with, and the manager to verify with.
///
/// You do not implement this for a [`Policy`]: every policy has it, finding the manager in the
/// request's extensions (put there by `JwtLayer` or `axum::Extension(manager)`), else the
/// process default
/// ([`JwtManager::install_default`]). [`FromState<P>`] has it for the states a manager can be
/// taken from. Implement it for your own type to find the manager some other way (one per
/// tenant, say).
///
/// A request for which no manager is found is refused with [`JwtError::NoManager`]
/// (500, with a generic body).
///
/// [`JwtError::NoManager`]: crate::JwtError::NoManager
pub trait Verification<S>: Send + Sync + 'static {
    /// The options to verify with (see [`Policy`] for the fields that are ignored).
    const OPTIONS: VerifyOptions;

    /// The manager to verify `parts` with; `None` when there is none.
    fn manager(parts: &Parts, state: &S) -> Option<JwtManager>;
}

impl<S, P: Policy> Verification<S> for P {
    const OPTIONS: VerifyOptions = P::OPTIONS;

    fn manager(parts: &Parts, _state: &S) -> Option<JwtManager> {
        crate::__private::manager_for(parts)
    }
}

/// The policy `P`, with the manager taken from the router's state (`JwtManager: FromRef<S>`)
/// instead of the request's extensions or the process default.
///
/// A plain policy cannot do this: the extractors work in routers of any state, and axum's
/// `FromRef` cannot be asked at run time whether a state holds a manager. So the choice is
/// made in the type: `JwtIdentity<String, FromState>` (an access token) or
/// `JwtIdentity<String, FromState<FreshToken>>`. Using it in a router whose state holds no
/// manager does not compile.
///
/// ```
/// use axum::{extract::FromRef, routing::get, Router};
/// use jwt_http::extractors::{FromState, FreshToken, JwtIdentity};
/// use jwt_http::JwtManager;
///
/// #[derive(Clone)]
/// struct AppState {
///     jwt: JwtManager,
///     greeting: String,
/// }
///
/// // Or `#[derive(FromRef)]`, with axum's `macros` feature.
/// impl FromRef<AppState> for JwtManager {
///     fn from_ref(state: &AppState) -> JwtManager {
///         state.jwt.clone()
///     }
/// }
///
/// async fn hello(user: JwtIdentity<String, FromState>) -> String {
///     format!("hello {}", *user)
/// }
///
/// async fn delete_account(user: JwtIdentity<String, FromState<FreshToken>>) -> String {
///     format!("goodbye {}", *user)
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let state = AppState {
///     jwt: JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?,
///     greeting: "hello".into(),
/// };
/// let app: Router = Router::new()
///     .route("/hello", get(hello))
///     .route("/account", axum::routing::delete(delete_account))
///     .with_state(state);
/// # Ok(()) }
/// ```
pub struct FromState<P = AccessToken>(PhantomData<fn() -> P>);

impl<S, P: Policy> Verification<S> for FromState<P>
where
    JwtManager: FromRef<S>,
{
    const OPTIONS: VerifyOptions = P::OPTIONS;

    fn manager(_parts: &Parts, state: &S) -> Option<JwtManager> {
        Some(JwtManager::from_ref(state))
    }
}

impl<P> std::fmt::Debug for FromState<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FromState<{}>", std::any::type_name::<P>())
    }
}
