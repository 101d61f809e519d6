//! flask-jwt-extended's module-level functions (`create_access_token`, `decode_token`,
//! `set_access_cookies`, `verify_jwt_in_request`, ...), on the manager of the current request or
//! the process-wide default one. Each is the [`JwtManager`] method of the same name; without a
//! manager they fail with [`JwtError::NoManager`].

use http::Response;
use serde::Serialize;

use crate::{CookieOptions, JwtError, JwtManager};

/// The manager of the current request, or the process-wide default one.
fn current_manager() -> Result<JwtManager, JwtError> {
    JwtManager::current().ok_or(JwtError::NoManager)
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
    current_manager()?.create_access_token(identity)
}

/// `create_refresh_token(identity)` with the manager of the current request, or the
/// process-wide default one.
pub fn create_refresh_token<I: Serialize>(identity: I) -> Result<String, JwtError> {
    current_manager()?.create_refresh_token(identity)
}

/// `decode_token(token, allow_expired)` with the manager of the current request, or the
/// process-wide default one.
pub fn decode_token(
    token: impl AsRef<[u8]>,
    allow_expired: bool,
) -> Result<jwt_core::TokenData<jwt_core::Claims>, JwtError> {
    current_manager()?.decode_token(token, allow_expired)
}

/// `get_jti(token)`: the `jti` of a fully verified token, with the current manager.
pub fn get_jti(token: impl AsRef<[u8]>) -> Result<Option<String>, JwtError> {
    current_manager()?.get_jti(token)
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

/// flask-jwt-extended's `set_access_cookies(response, token)` with the manager of the current
/// request (or the process-wide default) and no [`CookieOptions`]; see
/// [`JwtManager::set_access_cookies`]. [`JwtError::NoManager`] when there is no manager.
///
/// ```
/// use jwt_http::{create_access_token, set_access_cookies, JwtManager};
/// JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?.install_default();
/// let token = create_access_token("alice")?;
/// let mut response = http::Response::new(String::from("{\"login\":true}"));
/// set_access_cookies(&mut response, &token)?;
/// assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn set_access_cookies<B>(response: &mut Response<B>, token: &str) -> Result<(), JwtError> {
    current_manager()?.set_access_cookies(response.headers_mut(), token, &CookieOptions::new())
}

/// flask-jwt-extended's `set_refresh_cookies(response, token)` with the current manager; see
/// [`JwtManager::set_refresh_cookies`].
///
/// ```
/// use jwt_http::{create_refresh_token, set_refresh_cookies, JwtManager};
/// JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?.install_default();
/// let token = create_refresh_token("alice")?;
/// let mut response = http::Response::new(());
/// set_refresh_cookies(&mut response, &token)?;
/// assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn set_refresh_cookies<B>(response: &mut Response<B>, token: &str) -> Result<(), JwtError> {
    current_manager()?.set_refresh_cookies(response.headers_mut(), token, &CookieOptions::new())
}

/// flask-jwt-extended's `unset_jwt_cookies(response)` with the current manager; see
/// [`JwtManager::unset_jwt_cookies`].
///
/// ```
/// use jwt_http::{unset_jwt_cookies, JwtManager};
/// JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?.install_default();
/// let mut response = http::Response::new(());
/// unset_jwt_cookies(&mut response)?;
/// assert_eq!(response.headers().get_all("set-cookie").iter().count(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unset_jwt_cookies<B>(response: &mut Response<B>) -> Result<(), JwtError> {
    current_manager()?.unset_jwt_cookies(response.headers_mut(), &CookieOptions::new())
}

/// flask-jwt-extended's `unset_access_cookies(response)` with the current manager; see
/// [`JwtManager::unset_access_cookies`].
///
/// ```
/// use jwt_http::{unset_access_cookies, JwtManager};
/// JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?.install_default();
/// let mut response = http::Response::new(());
/// unset_access_cookies(&mut response)?;
/// assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unset_access_cookies<B>(response: &mut Response<B>) -> Result<(), JwtError> {
    current_manager()?.unset_access_cookies(response.headers_mut(), &CookieOptions::new())
}

/// flask-jwt-extended's `unset_refresh_cookies(response)` with the current manager; see
/// [`JwtManager::unset_refresh_cookies`].
///
/// ```
/// use jwt_http::{unset_refresh_cookies, JwtManager};
/// JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?.install_default();
/// let mut response = http::Response::new(());
/// unset_refresh_cookies(&mut response)?;
/// assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unset_refresh_cookies<B>(response: &mut Response<B>) -> Result<(), JwtError> {
    current_manager()?.unset_refresh_cookies(response.headers_mut(), &CookieOptions::new())
}

/// flask-jwt-extended's `get_csrf_token(token)` with the current manager; see
/// [`JwtManager::get_csrf_token`].
///
/// ```
/// use jwt_http::{create_access_token, get_csrf_token, JwtManager};
/// JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?.install_default();
/// let token = create_access_token("alice")?;
/// assert_eq!(get_csrf_token(&token)?.len(), 36);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn get_csrf_token(token: impl AsRef<[u8]>) -> Result<String, JwtError> {
    current_manager()?.get_csrf_token(token)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::manager::cookies::tests::{csrf_claim, manager, set_cookies};
    use crate::{JwtContext, SameSite};

    #[test]
    fn free_functions_use_the_current_manager() {
        let m = manager(|c| c.cookie_samesite = Some(SameSite::Strict));
        let _guard = crate::enter(Some(Arc::new(JwtContext::new(None, None, None, m.clone()))));
        let token = m.create_access_token("alice").unwrap();
        let refresh = m.create_refresh_token("alice").unwrap();
        let mut response = Response::new(());
        set_access_cookies(&mut response, &token).unwrap();
        set_refresh_cookies(&mut response, &refresh).unwrap();
        unset_access_cookies(&mut response).unwrap();
        unset_refresh_cookies(&mut response).unwrap();
        unset_jwt_cookies(&mut response).unwrap();
        let cookies = set_cookies(response.headers());
        assert_eq!(cookies.len(), 12);
        assert!(cookies.iter().all(|c| c.ends_with("; SameSite=Strict")));
        assert_eq!(
            cookies[0],
            format!("access_token_cookie={token}; HttpOnly; Path=/; SameSite=Strict")
        );
        assert_eq!(get_csrf_token(&token).unwrap(), csrf_claim(&m, &token));
    }

    #[test]
    fn free_functions_without_a_manager() {
        if JwtManager::current().is_some() {
            return; // another test installed a process-wide default
        }
        let mut response = Response::new(());
        assert_eq!(
            set_access_cookies(&mut response, "x"),
            Err(JwtError::NoManager)
        );
        assert_eq!(unset_jwt_cookies(&mut response), Err(JwtError::NoManager));
        assert_eq!(get_csrf_token("x"), Err(JwtError::NoManager));
        assert!(response.headers().is_empty());
    }
}
