//! The `#[jwt_required]` attribute of [jwt-extended](https://docs.rs/jwt-extended).
//!
//! Use it through the `jwt-extended` crate, which documents it fully; this crate only holds the
//! procedural macro. Parse → validate → expand, as `tokio-macros` does: arguments and the
//! request parameter are checked first, every problem is reported with the span of what causes
//! it, and on error the function is still emitted unchanged so the rest of the crate (and IDEs)
//! keep working.
#![warn(missing_docs, rust_2018_idioms)]
#![forbid(unsafe_code)]

mod args;
mod expand;
mod params;
mod validate;

use proc_macro::TokenStream;
use quote::ToTokens;
use syn::ItemFn;

/// Protects a handler: the body runs only for a request with a valid token, and inside it
/// `get_jwt_identity()`, `get_jwt()` and the other accessors see that token.
///
/// See the `jwt-extended` crate for the full documentation and examples.
#[proc_macro_attribute]
pub fn jwt_required(attr: TokenStream, item: TokenStream) -> TokenStream {
    let original: proc_macro2::TokenStream = item.clone().into();
    let result = syn::parse::<args::Args>(attr).and_then(|args| {
        let item: ItemFn = syn::parse(item)?;
        if let Some(constness) = &item.sig.constness {
            return Err(syn::Error::new_spanned(
                constness,
                "#[jwt_required] cannot be used on a `const fn`",
            ));
        }
        let source = params::find(&item.sig, args.request.as_ref())?;
        validate::validate(&args, &source)?;
        Ok(expand::expand(&args, item, &source))
    });
    match result {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            let mut out = error.to_compile_error();
            original.to_tokens(&mut out);
            out.into()
        }
    }
}
