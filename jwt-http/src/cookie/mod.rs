//! Writing the token cookies: the per-call [`CookieOptions`], and the `Set-Cookie` writer that
//! the manager's cookie methods ([`JwtManager::set_access_cookies`] and friends) call.
//!
//! [`JwtManager::set_access_cookies`]: crate::JwtManager::set_access_cookies

mod options;
pub(crate) mod set_cookie;

pub use options::CookieOptions;
pub use set_cookie::CookieError;
