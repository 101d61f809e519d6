//! Generating the wrapped function.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, Path, ReturnType, Signature, Type};

use crate::args::Args;
use crate::params::{Pieces, Source};

/// The function with verification in front of its body. The parameters are unchanged; so is the
/// return type when it can carry a refusal (`Response<_>`, `Result<_, _>`) or when an extractor
/// verified the request; any other return type `T` becomes `Guarded<T>`.
pub(crate) fn expand(args: &Args, mut item: ItemFn, source: &Source) -> TokenStream {
    let krate: Path = args
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::jwt_extended));
    // The generated body reaches the support module through one local import, so a wrong
    // `crate = "..."` is reported once, on the path given.
    let support = quote!(#krate::__private);
    let private = quote!(__jwt_private);
    let import = quote!(use #support as __jwt_private;);

    if let Source::Extracted(param) = source {
        let context = quote!(#private::ExtractedContext::jwt_context(&#param));
        let body = wrap_body(&item, &private, context, false);
        return emit(item, quote!(#import #body));
    }

    let guarded = !returns_carrier(&item.sig);
    if guarded {
        let output = match &item.sig.output {
            ReturnType::Type(_, ty) => ty.to_token_stream(),
            ReturnType::Default => quote!(()),
        };
        let span = item.sig.output.span();
        let ty: Type = syn::parse_quote_spanned!(span=> #support::Guarded<#output>);
        item.sig.output = ReturnType::Type(Default::default(), Box::new(ty));
    }

    let (prepare, request) = match source {
        Source::Request(param) => (quote!(), quote!(#private::as_request(&#param))),
        Source::Pieces(pieces) => (
            pieces_request(pieces, &private),
            quote!(#private::as_request(&__jwt_request)),
        ),
        Source::Extracted(_) => (quote!(), quote!()),
    };
    let options = verify_options(args, &private);
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
    let verified = if item.sig.asyncness.is_some() {
        let start = rejecting("start", quote!(#manager, #request, &__JWT_OPTIONS));
        let finish = rejecting("finish", quote!(__jwt_pending));
        quote! {
            match #start {
                ::core::result::Result::Ok(#private::Started::Ready(context)) => context,
                ::core::result::Result::Ok(#private::Started::Pending(__jwt_pending)) => {
                    match #finish.await {
                        ::core::result::Result::Ok(context) => context,
                        ::core::result::Result::Err(rejection) => return rejection,
                    }
                }
                ::core::result::Result::Err(rejection) => return rejection,
            }
        }
    } else {
        let verify = rejecting("verify", quote!(#manager, #request, &__JWT_OPTIONS));
        quote! {
            match #verify {
                ::core::result::Result::Ok(context) => context,
                ::core::result::Result::Err(rejection) => return rejection,
            }
        }
    };
    let body = wrap_body(&item, &private, quote!(__jwt_context), guarded);
    emit(
        item,
        quote! {
            #import
            #options
            #prepare
            let __jwt_context = #verified;
            #body
        },
    )
}

/// The function with `body` as its block.
fn emit(item: ItemFn, body: TokenStream) -> TokenStream {
    let ItemFn {
        attrs, vis, sig, ..
    } = item;
    quote! {
        #(#attrs)*
        #vis #sig {
            #body
        }
    }
}

/// The original block run inside `context`: a `Scoped` future for async functions (entered on
/// every poll), a guard for sync ones; as `Guarded::Handled` when `guarded`.
fn wrap_body(
    item: &ItemFn,
    private: &TokenStream,
    context: TokenStream,
    guarded: bool,
) -> TokenStream {
    let block = &item.block;
    if item.sig.asyncness.is_some() {
        let run = quote!(#private::scope(#context, async move #block).await);
        if guarded {
            quote!(#private::Guarded::Handled(#run))
        } else {
            run
        }
    } else if guarded {
        // The block runs in a closure so that its `return`s and `?`s give the handler's own
        // type, which is then wrapped.
        quote! {
            let __jwt_guard = #private::enter(#context);
            #[allow(clippy::redundant_closure_call)]
            let __jwt_output = (|| #block)();
            #private::Guarded::Handled(__jwt_output)
        }
    } else {
        quote! {
            let __jwt_guard = #private::enter(#context);
            #block
        }
    }
}

/// `const __JWT_OPTIONS: VerifyOptions = ...;` from the arguments.
fn verify_options(args: &Args, private: &TokenStream) -> TokenStream {
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
    quote! {
        const __JWT_OPTIONS: #private::VerifyOptions = #private::VerifyOptions {
            optional: #optional,
            fresh: #fresh,
            refresh: #refresh,
            verify_type: #verify_type,
            skip_revocation_check: #skip_revocation_check,
            locations: #locations,
            // The handler runs for every method it is routed: OPTIONS is checked like any other.
            exempt_options: false,
        };
    }
}

/// `let __jwt_request = RequestHead::from_headers(..).with_method(..)...;` from the pieces.
fn pieces_request(pieces: &Pieces, private: &TokenStream) -> TokenStream {
    let headers = &pieces.headers;
    let mut request = quote!(#private::RequestHead::from_headers(#private::headers_of(&#headers)));
    if let Some(method) = &pieces.method {
        request = quote!(#request.with_method(#private::method_of(&#method)));
    }
    if let Some(uri) = &pieces.uri {
        request = quote!(#request.with_uri(#private::uri_of(&#uri)));
    }
    if let Some(extensions) = &pieces.extensions {
        request = quote!(#request.with_extensions(#private::extensions_of(&#extensions)));
    }
    quote!(let __jwt_request = #request;)
}

/// Whether the return type can carry a refusal itself: a path ending in `Response` or `Result`.
fn returns_carrier(sig: &Signature) -> bool {
    match &sig.output {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "Response" || s.ident == "Result"),
            _ => false,
        },
        ReturnType::Default => false,
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
