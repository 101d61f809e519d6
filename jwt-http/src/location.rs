//! Where a token can be found in a request.

use std::fmt;
use std::str::FromStr;

/// A place a request can carry a token (`JWT_TOKEN_LOCATION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenLocation {
    /// A request header, `Authorization: Bearer <JWT>` by default.
    Headers,
    /// A cookie (`access_token_cookie` / `refresh_token_cookie`), with CSRF double-submit.
    Cookies,
    /// A query-string parameter (`?jwt=`). Tokens in URLs leak into logs and `Referer`; prefer
    /// the others.
    QueryString,
    /// A member of a JSON request body (`access_token` / `refresh_token`).
    Json,
}

impl TokenLocation {
    /// The name flask-jwt-extended uses: `headers`, `cookies`, `query_string`, `json`.
    pub const fn name(self) -> &'static str {
        match self {
            TokenLocation::Headers => "headers",
            TokenLocation::Cookies => "cookies",
            TokenLocation::QueryString => "query_string",
            TokenLocation::Json => "json",
        }
    }
}

impl fmt::Display for TokenLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown location name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLocation(pub String);

impl fmt::Display for UnknownLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a valid location: expected \"headers\", \"cookies\", \"query_string\" or \"json\"",
            self.0
        )
    }
}

impl std::error::Error for UnknownLocation {}

impl FromStr for TokenLocation {
    type Err = UnknownLocation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "headers" => Ok(TokenLocation::Headers),
            "cookies" => Ok(TokenLocation::Cookies),
            "query_string" => Ok(TokenLocation::QueryString),
            "json" => Ok(TokenLocation::Json),
            _ => Err(UnknownLocation(s.to_owned())),
        }
    }
}

impl serde::Serialize for TokenLocation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}
