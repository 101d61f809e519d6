//! Checks between the arguments and the parameters: what a handler's parameters cannot show is a
//! compile error where the attribute can tell, never a check skipped at run time.

use crate::args::Args;
use crate::params::{Pieces, Source};

/// Refuses combinations that would verify with the wrong manager or skip a location.
pub(crate) fn validate(args: &Args, source: &Source) -> syn::Result<()> {
    match source {
        Source::Request(_) => Ok(()),
        Source::Extracted(param) => match args.first_check_option {
            Some(span) => Err(syn::Error::new(
                span,
                format!(
                    "`{param}` is an extractor that verifies the request itself; put the \
                     requirement on its policy type (e.g. `JwtIdentity<T, FreshToken>`, \
                     `Option<Jwt>` for optional) instead of #[jwt_required(...)] options"
                ),
            )),
            None => Ok(()),
        },
        Source::Pieces(pieces) => validate_pieces(args, pieces),
    }
}

fn validate_pieces(args: &Args, pieces: &Pieces) -> syn::Result<()> {
    if pieces.extensions.is_none() && args.manager.is_none() {
        return Err(syn::Error::new(
            pieces.headers.span(),
            "a `HeaderMap` does not show the request's extensions, where its `JwtManager` is: \
             add an `extensions: Extensions` parameter (axum: `axum::http::Extensions`), take the \
             whole `Request` or `Parts`, or name the manager with `#[jwt_required(manager = ...)]`",
        ));
    }
    let mut errors: Option<syn::Error> = None;
    for location in args.locations.iter().flatten() {
        let message = match location.variant.to_string().as_str() {
            "QueryString" if pieces.uri.is_none() => {
                "the `query_string` location needs the request URI: add a `uri: Uri` parameter, \
                 or take the whole `Request` or `Parts`"
            }
            "Json" if pieces.extensions.is_none() => {
                "the `json` location needs the buffered body, kept in the request extensions: add \
                 an `extensions: Extensions` parameter, or take the whole `Request` or `Parts`"
            }
            _ => continue,
        };
        let error = syn::Error::new(location.variant.span(), message);
        match &mut errors {
            Some(all) => all.combine(error),
            None => errors = Some(error),
        }
    }
    errors.map_or(Ok(()), Err)
}
