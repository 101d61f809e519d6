//! Generating the wrapped function.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, Path, ReturnType, Signature};

use crate::args::Args;

/// The function with verification in front of its body; the signature is unchanged.
pub(crate) fn expand(args: &Args, item: ItemFn, request: &Ident) -> TokenStream {
    let krate: Path = args
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::jwt_extended));
    // The generated code reaches the support module through one local import, so a wrong
    // `crate = "..."` is reported once, on the path given.
    let support = quote!(#krate::__private);
    let private = quote!(__jwt_private);
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

    // The support functions that turn a refusal into the return type (`Ret: JwtRejection`) are
    // called through the import spelled over the return type, so that rustc reports a return
    // type that cannot carry a refusal where it is written rather than on the attribute.
    let (ret_first, ret_last) = return_type_spans(&item.sig);
    let alias = Ident::new("__jwt_private", ret_first);
    let rejecting = |name: &str, args: TokenStream| {
        let name = Ident::new(name, ret_first);
        let call = quote_spanned!(ret_last=> (#args));
        quote_spanned!(ret_first=> #alias::#name #call)
    };
    let start = rejecting(
        "start",
        quote!(#manager, #private::as_request(&#request), &__JWT_OPTIONS),
    );
    let finish = rejecting("finish", quote!(__jwt_pending));
    let verify_sync = rejecting(
        "verify",
        quote!(#manager, #private::as_request(&#request), &__JWT_OPTIONS),
    );

    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    let verify = quote! {
        use #support as __jwt_private;
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
            let __jwt_context = match #start {
                ::core::result::Result::Ok(#private::Started::Ready(context)) => context,
                ::core::result::Result::Ok(#private::Started::Pending(__jwt_pending)) => {
                    match #finish.await {
                        ::core::result::Result::Ok(context) => context,
                        ::core::result::Result::Err(rejection) => return rejection,
                    }
                }
                ::core::result::Result::Err(rejection) => return rejection,
            };
            #private::scope(__jwt_context, async move #block).await
        }
    } else {
        quote! {
            #verify
            let __jwt_context = match #verify_sync {
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

/// The spans of the first and last tokens of the return type, or of the function's name when it
/// returns `()`.
fn return_type_spans(sig: &Signature) -> (Span, Span) {
    match &sig.output {
        ReturnType::Type(_, ty) => {
            let mut tokens = ty.to_token_stream().into_iter();
            let first = tokens.next().map_or_else(|| ty.span(), |t| t.span());
            let last = tokens.last().map_or(first, |t| t.span());
            (first, last)
        }
        ReturnType::Default => (sig.ident.span(), sig.ident.span()),
    }
}
