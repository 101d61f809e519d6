//! Finding the parameter that holds the request.

use syn::{FnArg, Ident, Pat, Signature, Type};

/// Type names (last path segment, behind any references) that hold a request.
const REQUEST_TYPES: &[&str] = &["Request", "Parts", "HeaderMap"];

/// The parameter named by `request = ...`, or the one whose type is a request type.
pub(crate) fn find(sig: &Signature, named: Option<&Ident>) -> syn::Result<Ident> {
    let params = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(pat) => Some(pat),
        FnArg::Receiver(_) => None,
    });
    if let Some(named) = named {
        let exists = params
            .clone()
            .any(|p| matches!(&*p.pat, Pat::Ident(i) if i.ident == *named));
        return if exists {
            Ok(named.clone())
        } else {
            Err(syn::Error::new(
                named.span(),
                format!("this function has no parameter named `{named}`"),
            ))
        };
    }
    let candidates: Vec<_> = params.filter(|p| is_request_type(&p.ty)).collect();
    match candidates.as_slice() {
        [one] => match &*one.pat {
            Pat::Ident(ident) => Ok(ident.ident.clone()),
            other => Err(syn::Error::new_spanned(
                other,
                "#[jwt_required] needs the request parameter bound to a name, e.g. `req: Request<Body>`",
            )),
        },
        [] => Err(syn::Error::new_spanned(
            &sig.ident,
            "#[jwt_required] needs a request parameter: one of type `Request<_>`, `Parts`, \
             `HeaderMap` (or a reference to one), or name it with `#[jwt_required(request = param)]`",
        )),
        [_, second, ..] => Err(syn::Error::new_spanned(
            &second.pat,
            "several parameters could be the request; name one with `#[jwt_required(request = param)]`",
        )),
    }
}

fn is_request_type(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_request_type(&r.elem),
        Type::Paren(p) => is_request_type(&p.elem),
        Type::Group(g) => is_request_type(&g.elem),
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| REQUEST_TYPES.contains(&s.ident.to_string().as_str())),
        _ => false,
    }
}
