//! Generating the wrapped function.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, Path};

use crate::args::Args;

/// The function with verification in front of its body; the signature is unchanged.
pub(crate) fn expand(args: &Args, item: ItemFn, request: &Ident) -> TokenStream {
    let krate: Path = args
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::jwt_extended));
    let private = quote!(#krate::__private);
    let optional = args.optional;
    let fresh = args.fresh;
    let refresh = args.refresh;
    let verify_type = args.verify_type.unwrap_or(true);
    let skip_revocation_check = args.skip_revocation_check;
    let locations = match &args.locations {
        Some(locations) => {
            let variants = locations.iter().map(|l| &l.variant);
            quote!(::core::option::Option::Some(&[#(#private::TokenLocation::#variants),*]))
        }
        None => quote!(::core::option::Option::None),
    };
    let manager = match &args.manager {
        Some(expr) => quote_spanned!(expr.span()=> ::core::option::Option::Some(&(#expr))),
        None => quote!(::core::option::Option::None),
    };

    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    let verify = quote! {
        const __JWT_OPTIONS: #private::VerifyOptions = #private::VerifyOptions {
            optional: #optional,
            fresh: #fresh,
            refresh: #refresh,
            verify_type: #verify_type,
            skip_revocation_check: #skip_revocation_check,
            locations: #locations,
        };
    };
    let body = if sig.asyncness.is_some() {
        quote! {
            #verify
            let __jwt_pending = match #private::start(#manager, #private::as_request(&#request), &__JWT_OPTIONS) {
                ::core::result::Result::Ok(pending) => pending,
                ::core::result::Result::Err(rejection) => return rejection,
            };
            let __jwt_context = match #private::finish(__jwt_pending).await {
                ::core::result::Result::Ok(context) => context,
                ::core::result::Result::Err(rejection) => return rejection,
            };
            #private::scope(__jwt_context, async move #block).await
        }
    } else {
        quote! {
            #verify
            let __jwt_context = match #private::verify(#manager, #private::as_request(&#request), &__JWT_OPTIONS) {
                ::core::result::Result::Ok(context) => context,
                ::core::result::Result::Err(rejection) => return rejection,
            };
            let __jwt_guard = #private::enter(__jwt_context);
            #block
        }
    };
    quote! {
        #(#attrs)*
        #vis #sig {
            #body
        }
    }
}
