//! Finding what the handler's parameters show of the request.
//!
//! The rule (documented on `jwt_required` in the facade): the request is read from
//!
//! 1. the parameter named by `request = name`, whatever its type (it must implement
//!    `TokenRequest`); a named `HeaderMap` is read as in rule 4, with its siblings;
//! 2. else a parameter whose type is an extractor that already verified the request (`Jwt`,
//!    `JwtClaims`, `JwtIdentity`, `JwtToken`, or an `Option` of one): its context is entered, nothing is
//!    verified again;
//! 3. else the whole request: one parameter of type `Request<_>` or `Parts`;
//! 4. else its pieces: a `HeaderMap` parameter, with the `Method`, `Uri` and `Extensions`
//!    parameters when the handler has them. What is missing is never taken as harmless: an
//!    unknown method counts as state-changing (CSRF is required for cookie tokens), and the
//!    manager cannot be the request's without `Extensions`, so that is a compile error unless
//!    `manager = ...` names one.

use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Ident, Pat, PatType, PathArguments, Signature, Type};

/// Extractor types whose value holds a verified context.
const EXTRACTORS: &[&str] = &["Jwt", "JwtClaims", "JwtIdentity", "JwtToken"];

/// Where the generated code reads the request from.
pub(crate) enum Source {
    /// A parameter implementing `TokenRequest` (named, or a `Request<_>`/`Parts`).
    Request(Ident),
    /// An extractor parameter that verified the request already.
    Extracted(Ident),
    /// A `HeaderMap` parameter and whichever of the others the handler has.
    Pieces(Pieces),
}

/// The parameters that make up a request given in pieces.
pub(crate) struct Pieces {
    pub(crate) headers: Ident,
    pub(crate) method: Option<Ident>,
    pub(crate) uri: Option<Ident>,
    pub(crate) extensions: Option<Ident>,
}

/// What one parameter's type shows of the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Whole,
    Extractor,
    Headers,
    Method,
    Uri,
    Extensions,
}

/// Finds where the request is read from (rules 1-4 above).
pub(crate) fn find(sig: &Signature, named: Option<&Ident>) -> syn::Result<Source> {
    let params: Vec<&PatType> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(pat) => Some(pat),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let of = |kind: Kind| -> Vec<&PatType> {
        params
            .iter()
            .copied()
            .filter(|p| kind_of(&p.ty) == Some(kind))
            .collect()
    };
    let pieces = |headers: Ident| -> syn::Result<Source> {
        Ok(Source::Pieces(Pieces {
            headers,
            method: single(&of(Kind::Method), "`Method` parameters")?,
            uri: single(&of(Kind::Uri), "`Uri` parameters")?,
            extensions: single(&of(Kind::Extensions), "`Extensions` parameters")?,
        }))
    };
    if let Some(named) = named {
        let found = params
            .iter()
            .find(|p| matches!(&*p.pat, Pat::Ident(i) if i.ident == *named));
        return match found {
            // A named `HeaderMap` is still only the headers: the same rules as unnamed ones
            // (the manager and the locations it cannot show are checked with its siblings).
            Some(param) if kind_of(&param.ty) == Some(Kind::Headers) => pieces(named.clone()),
            Some(_) => Ok(Source::Request(named.clone())),
            None => Err(syn::Error::new(
                named.span(),
                format!("this function has no parameter named `{named}`"),
            )),
        };
    }
    // Several extractors all verified the request: enter the context of one that must hold a
    // token (not an `Option`), else the first.
    let extractors = of(Kind::Extractor);
    let required = extractors.iter().find(|p| !is_option(&p.ty));
    if let Some(one) = required.or(extractors.first()) {
        return match single(&[one], "verified-token extractors")? {
            Some(name) => Ok(Source::Extracted(name)),
            None => Err(syn::Error::new(one.span(), "unreachable: one extractor")),
        };
    }
    if let Some(one) = single(&of(Kind::Whole), "request parameters")? {
        return Ok(Source::Request(one));
    }
    if let Some(headers) = single(&of(Kind::Headers), "`HeaderMap` parameters")? {
        return pieces(headers);
    }
    Err(syn::Error::new_spanned(
        &sig.ident,
        "#[jwt_required] needs a request parameter: one of type `Request<_>` or `Parts`, a \
         `HeaderMap` (with `Method`, `Uri` and `Extensions` beside it), a `Jwt`, `JwtToken`, `JwtClaims` or \
         `JwtIdentity` extractor, or name one with `#[jwt_required(request = param)]`",
    ))
}

/// The name of the one parameter in `found`; `None` when there is none.
fn single(found: &[&PatType], what: &str) -> syn::Result<Option<Ident>> {
    match found {
        [] => Ok(None),
        [one] => match &*one.pat {
            Pat::Ident(ident) => Ok(Some(ident.ident.clone())),
            other => Err(syn::Error::new(
                other.span(),
                "#[jwt_required] reads this parameter: bind it to a name, e.g. `req: Request<Body>`",
            )),
        },
        [_, second, ..] => Err(syn::Error::new(
            second.pat.span(),
            format!(
                "several {what} could hold the request; name one with `#[jwt_required(request = param)]`"
            ),
        )),
    }
}

/// Whether `ty` is an `Option<_>` (behind references).
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_option(&r.elem),
        Type::Paren(p) => is_option(&p.elem),
        Type::Group(g) => is_option(&g.elem),
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    }
}

/// What a parameter of type `ty` shows, from the last segment of its path behind references.
fn kind_of(ty: &Type) -> Option<Kind> {
    match ty {
        Type::Reference(r) => kind_of(&r.elem),
        Type::Paren(p) => kind_of(&p.elem),
        Type::Group(g) => kind_of(&g.elem),
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            match last.ident.to_string().as_str() {
                "Request" | "Parts" => Some(Kind::Whole),
                "HeaderMap" => Some(Kind::Headers),
                "Method" => Some(Kind::Method),
                "Uri" => Some(Kind::Uri),
                "Extensions" => Some(Kind::Extensions),
                name if EXTRACTORS.contains(&name) => Some(Kind::Extractor),
                "Option" => match &last.arguments {
                    PathArguments::AngleBracketed(args) => match args.args.first() {
                        Some(GenericArgument::Type(inner))
                            if kind_of(inner) == Some(Kind::Extractor) =>
                        {
                            Some(Kind::Extractor)
                        }
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}
