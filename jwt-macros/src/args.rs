//! Parsing and validating the attribute's arguments.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprArray, ExprLit, Ident, Lit, LitBool, Path, Token};

const OPTIONS: &str = "`optional`, `fresh`, `refresh`, `verify_type`, `skip_revocation_check`, \
                       `locations`, `request`, `manager`, `crate`";

/// A token location named in `locations = [...]`.
pub(crate) struct Location {
    pub(crate) variant: Ident,
}

/// The validated arguments of `#[jwt_required(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) optional: bool,
    pub(crate) fresh: bool,
    pub(crate) refresh: bool,
    pub(crate) verify_type: Option<bool>,
    pub(crate) skip_revocation_check: bool,
    pub(crate) locations: Option<Vec<Location>>,
    pub(crate) request: Option<Ident>,
    pub(crate) manager: Option<Expr>,
    pub(crate) krate: Option<Path>,
    /// Where the first option that changes verification (all but `crate`) was given.
    pub(crate) first_check_option: Option<Span>,
}

/// One `name` or `name = value` argument.
struct Arg {
    name: Ident,
    value: Option<Expr>,
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = if input.peek(Token![crate]) {
            let kw: Token![crate] = input.parse()?;
            Ident::new("crate", kw.span)
        } else {
            input.parse()?
        };
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Arg { name, value })
    }
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let list = Punctuated::<Arg, Token![,]>::parse_terminated(input)?;
        let mut args = Args::default();
        let mut errors: Option<syn::Error> = None;
        let mut seen: Vec<String> = Vec::new();
        for arg in list {
            let name = arg.name.to_string();
            let result = if seen.contains(&name) {
                Err(syn::Error::new(
                    arg.name.span(),
                    format!("`{name}` is given more than once"),
                ))
            } else {
                seen.push(name.clone());
                args.apply(&name, arg)
            };
            if let Err(e) = result {
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
        }
        match errors {
            Some(e) => Err(e),
            None => Ok(args),
        }
    }
}

impl Args {
    fn apply(&mut self, name: &str, arg: Arg) -> syn::Result<()> {
        let span = arg.name.span();
        if name != "crate" && self.first_check_option.is_none() {
            self.first_check_option = Some(span);
        }
        match name {
            "optional" => self.optional = flag(arg)?,
            "fresh" => self.fresh = flag(arg)?,
            "refresh" => self.refresh = flag(arg)?,
            "skip_revocation_check" => self.skip_revocation_check = flag(arg)?,
            "verify_type" => self.verify_type = Some(flag(arg)?),
            "locations" => self.locations = Some(locations(required(arg)?)?),
            "request" => match required(arg)? {
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    self.request = p.path.get_ident().cloned();
                }
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "`request` takes the name of a parameter, e.g. `request = req`",
                    ))
                }
            },
            "manager" => self.manager = Some(required(arg)?),
            "crate" => match required(arg)? {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => self.krate = Some(s.parse()?),
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "`crate` takes a string, e.g. `crate = \"jwt_http\"`",
                    ))
                }
            },
            _ => {
                return Err(syn::Error::new(
                    span,
                    format!("unknown option `{name}`; expected one of {OPTIONS}"),
                ))
            }
        }
        Ok(())
    }
}

fn required(arg: Arg) -> syn::Result<Expr> {
    let name = arg.name;
    arg.value.ok_or_else(|| {
        syn::Error::new(
            name.span(),
            format!("`{name}` needs a value: `{name} = ...`"),
        )
    })
}

/// `name` alone means `true`; otherwise `name = true|false`.
fn flag(arg: Arg) -> syn::Result<bool> {
    match arg.value {
        None => Ok(true),
        Some(Expr::Lit(ExprLit {
            lit: Lit::Bool(LitBool { value, .. }),
            ..
        })) => Ok(value),
        Some(other) => Err(syn::Error::new_spanned(
            other,
            format!("`{}` takes `true` or `false`", arg.name),
        )),
    }
}

/// `[headers, cookies]`, `["headers", "json"]`, `headers` or `"headers"`.
fn locations(value: Expr) -> syn::Result<Vec<Location>> {
    let items: Vec<Expr> = match value {
        Expr::Array(ExprArray { elems, .. }) => elems.into_iter().collect(),
        single => vec![single],
    };
    if items.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "`locations` needs at least one of `headers`, `cookies`, `query_string`, `json`",
        ));
    }
    items.into_iter().map(location).collect()
}

fn location(item: Expr) -> syn::Result<Location> {
    let (name, span) = match &item {
        Expr::Path(p) if p.path.get_ident().is_some() => {
            let ident = p
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            (ident, p.path.segments[0].ident.span())
        }
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => (s.value(), s.span()),
        other => {
            return Err(syn::Error::new_spanned(
                other,
                "a location is one of `headers`, `cookies`, `query_string`, `json`",
            ))
        }
    };
    let variant = match name.as_str() {
        "headers" => "Headers",
        "cookies" => "Cookies",
        "query_string" => "QueryString",
        "json" => "Json",
        _ => {
            return Err(syn::Error::new(
                span,
                format!(
                    "unknown location `{name}`; expected one of `headers`, `cookies`, `query_string`, `json`"
                ),
            ))
        }
    };
    Ok(Location {
        variant: Ident::new(variant, span),
    })
}
