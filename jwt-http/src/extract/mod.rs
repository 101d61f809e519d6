//! Finding the token in a request, location by location (flask-jwt-extended spec §6).

mod cookie;
mod form;
mod header;
mod json;
pub use json::is_json;
mod query;

use std::borrow::Cow;

use crate::{JwtError, JwtManager, TokenLocation, TokenRequest};

pub(crate) use form::is_urlencoded_form;
pub(crate) use query::query_value;

/// A token found in one location, with the CSRF value to compare when it came from a cookie on
/// a protected method.
pub(crate) struct Found<'r> {
    pub(crate) token: Cow<'r, [u8]>,
    pub(crate) csrf: Option<Cow<'r, [u8]>>,
    pub(crate) location: TokenLocation,
}

/// Tries `locations` in order. Only an absent token moves on to the next location; any other
/// failure stops the search. When none has a token, the error lists each location's reason.
pub(crate) fn find<'r, R: TokenRequest + ?Sized>(
    manager: &JwtManager,
    request: &'r R,
    locations: &[TokenLocation],
    refresh: bool,
) -> Result<Found<'r>, JwtError> {
    let mut reasons = Vec::new();
    for &location in locations {
        let found = match location {
            TokenLocation::Headers => {
                let config = manager.config();
                header::token_from_header(
                    request.headers(),
                    manager.header_name(),
                    &config.header_name,
                    &config.header_type,
                )
                .map(|token| (token, None))
            }
            TokenLocation::Cookies => cookie::token_from_cookies(manager, request, refresh),
            TokenLocation::QueryString => query::token_from_query(manager, request),
            TokenLocation::Json => json::token_from_json(manager, request, refresh),
        };
        match found {
            Ok((token, csrf)) => {
                return Ok(Found {
                    token,
                    csrf,
                    location,
                })
            }
            Err(e) if e.is_absent() => reasons.push(e),
            Err(e) => return Err(e),
        }
    }
    Err(JwtError::NoTokenFound {
        locations: locations.to_vec(),
        reasons,
    })
}
