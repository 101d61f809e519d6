//! Reading `JWT_*` settings from environment variables, the way Flask's
//! `app.config.from_prefixed_env()` reads values.

use http::Method;
use jwt_core::Algorithm;
use serde_json::Value;

use crate::{AudienceClaim, ConfigError, Expiry, JwtConfig, SameSite, Secret, TokenLocation};

/// How one option's value is read into the settings.
type Apply = fn(&mut JwtConfig, &Var<'_>) -> Result<(), ConfigError>;

/// Writes [`OPTIONS`]: `"NAME" => read into field` sets `config.field` to what `Var::read` makes
/// of the value; `"NAME" => check` only checks the value with `Var::check`.
macro_rules! options {
    ($($name:literal => $read:ident $(into $field:ident)?,)*) => {
        /// Every variable [`JwtConfig::from_env`] and [`JwtConfig::apply_vars`] read, each with
        /// the setting it goes to; all other names are ignored. The one list of option names.
        const OPTIONS: &[(&str, Apply)] = &[$(
            ($name, |_config: &mut JwtConfig, var: &Var<'_>| {
                $(_config.$field =)? var.$read()?;
                Ok(())
            }),
        )*];
    };
}

options! {
    "JWT_SECRET_KEY" => secret into secret_key,
    "JWT_PRIVATE_KEY" => private_key into private_key,
    "JWT_PUBLIC_KEY" => public_key into public_key,
    "JWT_ALGORITHM" => algorithm into algorithm,
    "JWT_DECODE_ALGORITHMS" => algorithms into decode_algorithms,
    "JWT_ACCESS_TOKEN_EXPIRES" => expiry into access_token_expires,
    "JWT_REFRESH_TOKEN_EXPIRES" => expiry into refresh_token_expires,
    "JWT_DECODE_AUDIENCE" => string_or_list into decode_audience,
    "JWT_ENCODE_AUDIENCE" => encode_audience into encode_audience,
    "JWT_DECODE_ISSUER" => string_or_list into decode_issuer,
    "JWT_ENCODE_ISSUER" => optional_string into encode_issuer,
    "JWT_DECODE_LEEWAY" => seconds into decode_leeway,
    "JWT_ENCODE_NBF" => boolean into encode_nbf,
    "JWT_IDENTITY_CLAIM" => string into identity_claim,
    "JWT_VERIFY_SUB" => boolean into verify_sub,
    "JWT_ERROR_MESSAGE_KEY" => string into error_msg_key,
    "JWT_TOKEN_LOCATION" => locations into token_location,
    "JWT_HEADER_NAME" => string into header_name,
    "JWT_HEADER_TYPE" => string into header_type,
    "JWT_QUERY_STRING_NAME" => string into query_string_name,
    "JWT_QUERY_STRING_VALUE_PREFIX" => string into query_string_value_prefix,
    "JWT_JSON_KEY" => string into json_key,
    "JWT_REFRESH_JSON_KEY" => string into refresh_json_key,
    "JWT_ACCESS_COOKIE_NAME" => string into access_cookie_name,
    "JWT_REFRESH_COOKIE_NAME" => string into refresh_cookie_name,
    "JWT_ACCESS_COOKIE_PATH" => string into access_cookie_path,
    "JWT_REFRESH_COOKIE_PATH" => string into refresh_cookie_path,
    "JWT_COOKIE_DOMAIN" => optional_string into cookie_domain,
    "JWT_COOKIE_SECURE" => boolean into cookie_secure,
    "JWT_COOKIE_SAMESITE" => samesite into cookie_samesite,
    "JWT_SESSION_COOKIE" => boolean into session_cookie,
    "JWT_COOKIE_CSRF_PROTECT" => boolean into cookie_csrf_protect,
    "JWT_CSRF_METHODS" => methods into csrf_methods,
    "JWT_CSRF_IN_COOKIES" => boolean into csrf_in_cookies,
    "JWT_CSRF_CHECK_FORM" => boolean into csrf_check_form,
    "JWT_ACCESS_CSRF_COOKIE_NAME" => string into access_csrf_cookie_name,
    "JWT_REFRESH_CSRF_COOKIE_NAME" => string into refresh_csrf_cookie_name,
    "JWT_ACCESS_CSRF_COOKIE_PATH" => string into access_csrf_cookie_path,
    "JWT_REFRESH_CSRF_COOKIE_PATH" => string into refresh_csrf_cookie_path,
    "JWT_ACCESS_CSRF_HEADER_NAME" => string into access_csrf_header_name,
    "JWT_REFRESH_CSRF_HEADER_NAME" => string into refresh_csrf_header_name,
    "JWT_ACCESS_CSRF_FIELD_NAME" => string into access_csrf_field_name,
    "JWT_REFRESH_CSRF_FIELD_NAME" => string into refresh_csrf_field_name,
}

/// How the option named `name` is read; `None` for any other name.
fn option(name: &str) -> Option<Apply> {
    OPTIONS
        .iter()
        .find_map(|&(option, apply)| (option == name).then_some(apply))
}

impl JwtConfig {
    /// [`JwtConfig::default`] with the process's `JWT_*` environment variables applied: see
    /// [`apply_vars`](Self::apply_vars) for the names and how values are read.
    ///
    /// Never panics on a non-UTF-8 environment: variables whose name is not UTF-8 are
    /// ignored, and a known `JWT_*` variable whose value is not UTF-8 is an error.
    ///
    /// ```
    /// use jwt_http::{JwtConfig, JwtManager};
    /// // e.g. JWT_SECRET_KEY=... JWT_TOKEN_LOCATION='["headers","cookies"]' ./server
    /// let config = JwtConfig::from_env()?;
    /// if config.secret_key.is_some() {
    ///     JwtManager::new(config)?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_env() -> Result<JwtConfig, ConfigError> {
        let mut vars = Vec::new();
        for (name, value) in std::env::vars_os() {
            let Some(name) = name.to_str().filter(|n| option(n).is_some()) else {
                continue;
            };
            let value = value.into_string().map_err(|_| ConfigError::InvalidValue {
                option: name.to_owned(),
                reason: "the value is not valid UTF-8".into(),
            })?;
            vars.push((name.to_owned(), value));
        }
        JwtConfig::from_vars(vars)
    }

    /// [`JwtConfig::default`] with `vars` (name, value) applied: see
    /// [`apply_vars`](Self::apply_vars).
    ///
    /// ```
    /// use jwt_http::{Expiry, JwtConfig, TokenLocation};
    /// let config = JwtConfig::from_vars([
    ///     ("JWT_SECRET_KEY".to_owned(), "a long random secret, 32 bytes or more".to_owned()),
    ///     ("JWT_TOKEN_LOCATION".to_owned(), r#"["headers","cookies"]"#.to_owned()),
    ///     ("JWT_ACCESS_TOKEN_EXPIRES".to_owned(), "false".to_owned()),
    ///     ("JWT_HEADER_TYPE".to_owned(), r#""""#.to_owned()),
    ///     ("PATH".to_owned(), "/usr/bin".to_owned()), // not a JWT_* option: ignored
    /// ])?;
    /// assert_eq!(config.token_location, [TokenLocation::Headers, TokenLocation::Cookies]);
    /// assert_eq!(config.access_token_expires, Expiry::Never);
    /// assert_eq!(config.header_type, "");
    /// # Ok::<(), jwt_http::ConfigError>(())
    /// ```
    pub fn from_vars<I: IntoIterator<Item = (String, String)>>(
        vars: I,
    ) -> Result<JwtConfig, ConfigError> {
        let mut config = JwtConfig::default();
        config.apply_vars(vars)?;
        Ok(config)
    }

    /// Overrides settings of `self` with the `JWT_*` variables among `vars`, as a
    /// flask-jwt-extended app configured through Flask's `from_prefixed_env` would read them.
    ///
    /// Each value is first parsed as JSON; if it is not valid JSON it is taken as a plain string
    /// (so `JWT_HEADER_TYPE=Token`, `JWT_HEADER_TYPE='"Token"'` and `JWT_DECODE_LEEWAY=30` all
    /// work, and `JWT_HEADER_TYPE='""'` is the empty string). The value is then converted:
    ///
    /// | variables | accepted values |
    /// |---|---|
    /// | `JWT_SECRET_KEY` | a string; `null` unsets it |
    /// | `JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY` | PEM text (real newlines, as `"$(cat key.pem)"` gives); `null` or empty: unset. Needs the `asymmetric` feature |
    /// | `JWT_ALGORITHM` | `HS256`, `HS384` or `HS512`; with the `asymmetric` feature also `RS256`, `RS384`, `RS512`, `PS256`, `PS384`, `PS512`, `ES256`, `ES384`, `ES512`, `EdDSA` (exact case) |
    /// | `JWT_DECODE_ALGORITHMS` | a list of those names (or one name); `null` or `[]`: `[JWT_ALGORITHM]` |
    /// | `JWT_ACCESS_TOKEN_EXPIRES`, `JWT_REFRESH_TOKEN_EXPIRES` | an integer ≥ 0 (seconds; `0` never expires, as in flask) or `false` ([`Expiry::Never`]) |
    /// | `JWT_DECODE_AUDIENCE`, `JWT_DECODE_ISSUER` | a string or a list of strings; `null` |
    /// | `JWT_ENCODE_AUDIENCE` | a string or a list of strings; `null`, `""` and `[]` write no `aud` |
    /// | `JWT_ENCODE_ISSUER` | a string; `null` and `""` write no `iss` |
    /// | `JWT_DECODE_LEEWAY` | a whole number ≥ 0 (seconds; `30`, `30.0`) |
    /// | `JWT_ENCODE_NBF`, `JWT_VERIFY_SUB`, `JWT_COOKIE_SECURE`, `JWT_SESSION_COOKIE`, `JWT_COOKIE_CSRF_PROTECT`, `JWT_CSRF_IN_COOKIES`, `JWT_CSRF_CHECK_FORM` | `true` or `false` |
    /// | `JWT_TOKEN_LOCATION` | one of `headers`, `cookies`, `query_string`, `json`, or a non-empty list of them |
    /// | `JWT_COOKIE_SAMESITE` | `Strict`, `Lax`, `None` (any case, as Werkzeug), or `null` for no attribute |
    /// | `JWT_COOKIE_DOMAIN` | a string; `null` or `""` for none |
    /// | `JWT_CSRF_METHODS` | a list of method names, e.g. `["POST","PUT"]` (matched case-sensitively) |
    /// | every other option of flask-jwt-extended's §1 table (`JWT_IDENTITY_CLAIM`, `JWT_HEADER_NAME`, the cookie names and paths, …) | a string |
    ///
    /// Other names are ignored: variables without the `JWT_` prefix, `JWT_*` names
    /// flask-jwt-extended does not have, and the options it removed in version 4
    /// (`JWT_USER_CLAIMS`, `JWT_CSRF_HEADER_NAME`, `JWT_BLACKLIST_ENABLED`,
    /// `JWT_BLACKLIST_TOKEN_CHECKS`, `JWT_VERIFY_AUDIENCE`, `JWT_CLAIMS_IN_REFRESH_TOKEN`).
    /// Settings that are not flask-jwt-extended options (`insecure_allow_short_secret`,
    /// `max_token_len`, `clock`) are never read from variables. Variables are applied in name
    /// order; for a name given twice, the last value wins.
    ///
    /// A value that cannot be converted is a [`ConfigError::InvalidValue`] naming the variable
    /// (never quoting the secret), and then `self` is left unchanged. Stricter than
    /// flask-jwt-extended, which accepts some of these and fails later or misbehaves: booleans
    /// must be JSON booleans (flask takes any truthy value, so `"False"` would be true there);
    /// negative lifetimes or leeway and a fractional leeway are refused; a number where a string
    /// is expected is refused (write `'"123"'`); `JWT_CSRF_METHODS` must be a list (a string
    /// there makes flask test substrings).
    ///
    /// ```
    /// use jwt_http::{ConfigError, JwtConfig, SameSite};
    /// let mut config = JwtConfig::default();
    /// config.apply_vars([
    ///     ("JWT_COOKIE_SECURE".to_owned(), "true".to_owned()),
    ///     ("JWT_COOKIE_SAMESITE".to_owned(), "Lax".to_owned()),
    /// ])?;
    /// assert!(config.cookie_secure);
    /// assert_eq!(config.cookie_samesite, Some(SameSite::Lax));
    ///
    /// let err = config.apply_vars([("JWT_ALGORITHM".to_owned(), "none".to_owned())]);
    /// assert!(matches!(err, Err(ConfigError::InvalidValue { option, .. }) if option == "JWT_ALGORITHM"));
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn apply_vars<I: IntoIterator<Item = (String, String)>>(
        &mut self,
        vars: I,
    ) -> Result<(), ConfigError> {
        let mut vars: Vec<(String, String, Apply)> = vars
            .into_iter()
            .filter_map(|(name, raw)| option(&name).map(|apply| (name, raw, apply)))
            .collect();
        // As `from_prefixed_env`, in name order; the sort is stable, so the last duplicate wins.
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let mut next = self.clone();
        for (name, raw, apply) in &vars {
            let var = Var {
                name,
                value: serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.clone())),
            };
            apply(&mut next, &var)?;
        }
        *self = next;
        Ok(())
    }
}

/// One variable: its name and its value, parsed as JSON when it is JSON.
struct Var<'a> {
    name: &'a str,
    value: Value,
}

/// What kind of JSON value `value` is, for error messages (never the value itself, which may
/// be a secret).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

const LOCATIONS: &str = "\"headers\", \"cookies\", \"query_string\", or \"json\"";

impl Var<'_> {
    fn error(&self, reason: impl Into<String>) -> ConfigError {
        ConfigError::InvalidValue {
            option: self.name.to_owned(),
            reason: reason.into(),
        }
    }

    fn expected(&self, what: &str) -> ConfigError {
        self.error(format!("must be {what}, not {}", kind(&self.value)))
    }

    fn string(&self) -> Result<String, ConfigError> {
        match &self.value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(_) | Value::Bool(_) | Value::Null => Err(self.error(format!(
                "must be a string, not {} (write it as a JSON string, e.g. '\"…\"', to use that text)",
                kind(&self.value)
            ))),
            _ => Err(self.expected("a string")),
        }
    }

    /// A string; `null` and `""` are `None`.
    fn optional_string(&self) -> Result<Option<String>, ConfigError> {
        match &self.value {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() => Ok(None),
            _ => self.string().map(Some),
        }
    }

    fn secret(&self) -> Result<Option<Secret>, ConfigError> {
        match &self.value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(Secret::from(s.as_str()))),
            _ => Err(self.error(format!(
                "must be a string, not {} (a secret that parses as JSON must be written as a JSON string: '\"…\"')",
                kind(&self.value)
            ))),
        }
    }

    /// `JWT_PRIVATE_KEY`: PEM text, kept as a [`Secret`] (never quoted in an error).
    fn private_key(&self) -> Result<Option<Secret>, ConfigError> {
        // `From<String>` moves the text into the `Secret`: no unzeroed copy is left behind.
        Ok(self.pem("a private key")?.map(Secret::from))
    }

    /// `JWT_PUBLIC_KEY`: PEM text.
    fn public_key(&self) -> Result<Option<String>, ConfigError> {
        self.pem("a public key")
    }

    /// PEM text; `null` and `""` are `None`. Without the `asymmetric` feature only those.
    fn pem(&self, what: &str) -> Result<Option<String>, ConfigError> {
        match &self.value {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() => Ok(None),
            Value::String(_) if cfg!(not(feature = "asymmetric")) => Err(self.error(format!(
                "{what} needs the `asymmetric` feature (of jwt-extended, or of jwt-http): this \
                 build has only HMAC algorithms (HS256, HS384, HS512) with JWT_SECRET_KEY"
            ))),
            Value::String(s) => Ok(Some(s.clone())),
            other => Err(self.error(format!(
                "must be the PEM text of {what}, not {}",
                kind(other)
            ))),
        }
    }

    fn algorithm_named(&self, value: &Value) -> Result<Algorithm, ConfigError> {
        match value {
            Value::String(name) => match Algorithm::from_name(name) {
                Some(alg) if alg.is_hmac() || cfg!(feature = "asymmetric") => Ok(alg),
                Some(alg) => Err(self.error(format!(
                    "{alg} needs the `asymmetric` feature (of jwt-extended, or of jwt-http): this \
                     build has only HMAC algorithms (HS256, HS384, HS512)"
                ))),
                None if cfg!(feature = "asymmetric") => Err(self.error(format!(
                    "unsupported algorithm {name:?}: supported are HS256, HS384, HS512, RS256, \
                     RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 and EdDSA"
                ))),
                None => Err(self.error(format!(
                    "unsupported algorithm {name:?}: only HMAC algorithms (HS256, HS384, HS512) \
                     are supported in this build (RS*, PS*, ES* and EdDSA with the `asymmetric` \
                     feature)"
                ))),
            },
            other => Err(self.error(format!(
                "must be an algorithm name such as \"HS256\", not {}",
                kind(other)
            ))),
        }
    }

    fn algorithm(&self) -> Result<Algorithm, ConfigError> {
        self.algorithm_named(&self.value)
    }

    fn algorithms(&self) -> Result<Vec<Algorithm>, ConfigError> {
        match &self.value {
            Value::Null => Ok(Vec::new()),
            Value::String(_) => Ok(vec![self.algorithm()?]),
            Value::Array(names) => names.iter().map(|n| self.algorithm_named(n)).collect(),
            _ => Err(self.expected("a list of algorithm names")),
        }
    }

    fn expiry(&self) -> Result<Expiry, ConfigError> {
        match &self.value {
            Value::Bool(false) => Ok(Expiry::Never),
            Value::Number(n) => {
                if let Some(secs) = n.as_u64() {
                    Ok(Expiry::seconds(secs))
                } else if n.is_i64() {
                    Err(self.error("must not be negative"))
                } else {
                    Err(self.not_addable())
                }
            }
            _ => Err(self.not_addable()),
        }
    }

    /// flask-jwt-extended's message for an unusable lifetime, with what is accepted here.
    fn not_addable(&self) -> ConfigError {
        self.error(format!(
            "must be a whole number of seconds or false, not {} (flask-jwt-extended: must be able to add {} to datetime.datetime)",
            match &self.value {
                Value::Number(_) => "a fractional number",
                other => kind(other),
            },
            self.name
        ))
    }

    fn seconds(&self) -> Result<u64, ConfigError> {
        match &self.value {
            Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(secs), _) => Ok(secs),
                // `1e3` is a JSON float; a whole one is fine (PyJWT takes floats).
                (None, Some(f)) if f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => {
                    Ok(f as u64)
                }
                (None, Some(f)) if f < 0.0 => Err(self.error("must not be negative")),
                _ => Err(self.error("must be a whole number of seconds")),
            },
            _ => Err(self.expected("a whole number of seconds")),
        }
    }

    fn boolean(&self) -> Result<bool, ConfigError> {
        match &self.value {
            Value::Bool(b) => Ok(*b),
            _ => Err(self.expected("true or false (JSON, lower case)")),
        }
    }

    fn strings(&self, items: &[Value]) -> Result<Vec<String>, ConfigError> {
        items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(self.error(format!(
                    "must be a string or a list of strings, but the list holds {}",
                    kind(other)
                ))),
            })
            .collect()
    }

    fn string_or_list(&self) -> Result<Option<Vec<String>>, ConfigError> {
        match &self.value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(vec![s.clone()])),
            Value::Array(items) => self.strings(items).map(Some),
            _ => Err(self.expected("a string or a list of strings")),
        }
    }

    fn encode_audience(&self) -> Result<Option<AudienceClaim>, ConfigError> {
        // flask-jwt-extended writes `aud` only when the setting is truthy.
        Ok(match self.string_or_list()? {
            None => None,
            Some(list) if matches!(self.value, Value::String(_)) => list
                .into_iter()
                .next()
                .filter(|s| !s.is_empty())
                .map(AudienceClaim::One),
            Some(list) if list.is_empty() => None,
            Some(list) => Some(AudienceClaim::Many(list)),
        })
    }

    fn location(&self, value: &Value) -> Result<TokenLocation, ConfigError> {
        match value {
            Value::String(name) => name
                .parse()
                .map_err(|_| self.error(format!("can only contain {LOCATIONS} (got {name:?})"))),
            other => Err(self.error(format!(
                "can only contain {LOCATIONS} (got {})",
                kind(other)
            ))),
        }
    }

    fn locations(&self) -> Result<Vec<TokenLocation>, ConfigError> {
        match &self.value {
            Value::String(_) => Ok(vec![self.location(&self.value)?]),
            Value::Array(items) if items.is_empty() => {
                Err(self.error(format!("must contain at least one of {LOCATIONS}")))
            }
            Value::Array(items) => items.iter().map(|item| self.location(item)).collect(),
            _ => Err(self.expected("a location name or a list of location names")),
        }
    }

    fn samesite(&self) -> Result<Option<SameSite>, ConfigError> {
        let invalid = || self.error("SameSite must be 'Strict', 'Lax', or 'None' (or null)");
        match &self.value {
            Value::Null => Ok(None),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "strict" => Ok(Some(SameSite::Strict)),
                "lax" => Ok(Some(SameSite::Lax)),
                "none" => Ok(Some(SameSite::None)),
                _ => Err(invalid()),
            },
            _ => Err(invalid()),
        }
    }

    fn methods(&self) -> Result<Vec<Method>, ConfigError> {
        let Value::Array(items) = &self.value else {
            return Err(self.expected("a list of HTTP method names, such as [\"POST\", \"PUT\"]"));
        };
        self.strings(items)?
            .into_iter()
            .map(|name| {
                Method::from_bytes(name.as_bytes())
                    .map_err(|_| self.error(format!("{name:?} is not a valid HTTP method")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<JwtConfig, ConfigError> {
        JwtConfig::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    fn one(name: &str, value: &str) -> Result<JwtConfig, ConfigError> {
        from(&[(name, value)])
    }

    /// The error's option and reason; panics if `result` is not an `InvalidValue`.
    fn invalid(result: Result<JwtConfig, ConfigError>) -> (String, String) {
        match result {
            Err(ConfigError::InvalidValue { option, reason }) => (option, reason),
            other => panic!("expected InvalidValue, got {other:?}"),
        }
    }

    fn assert_invalid(name: &str, value: &str, needle: &str) {
        let (option, reason) = invalid(one(name, value));
        assert_eq!(option, name);
        assert!(
            reason.contains(needle),
            "{name}={value}: {reason:?} lacks {needle:?}"
        );
    }

    #[test]
    fn twin_style_usage() {
        let config = from(&[
            ("JWT_SECRET_KEY", "a long random secret, 32 bytes or more"),
            ("JWT_HEADER_TYPE", "\"\""),
            ("JWT_DECODE_LEEWAY", "30"),
            ("JWT_TOKEN_LOCATION", "[\"headers\",\"cookies\"]"),
            ("JWT_ACCESS_TOKEN_EXPIRES", "false"),
        ])
        .unwrap();
        assert_eq!(config.header_type, "");
        assert_eq!(config.decode_leeway, 30);
        assert_eq!(
            config.token_location,
            [TokenLocation::Headers, TokenLocation::Cookies]
        );
        assert_eq!(config.access_token_expires, Expiry::Never);
        assert_eq!(config.refresh_token_expires, Expiry::days(30));
        crate::JwtManager::new(config).unwrap();
    }

    #[test]
    fn nothing_set_is_the_default() {
        let config = from(&[("PATH", "/bin"), ("HOME", "/root")]).unwrap();
        let default = JwtConfig::default();
        assert_eq!(config.secret_key, None);
        assert_eq!(config.header_type, default.header_type);
        assert_eq!(config.token_location, default.token_location);
        assert_eq!(config.csrf_methods, default.csrf_methods);
    }

    #[test]
    fn from_env_reads_the_process_environment() {
        let has_jwt_vars =
            std::env::vars_os().any(|(k, _)| k.to_str().is_some_and(|k| option(k).is_some()));
        if !has_jwt_vars {
            let config = JwtConfig::from_env().unwrap();
            assert_eq!(config.secret_key, None);
            assert_eq!(config.algorithm, Algorithm::HS256);
        }
    }

    #[test]
    fn plain_and_json_strings() {
        let config = from(&[
            ("JWT_SECRET_KEY", "\"quoted secret\""),
            ("JWT_HEADER_TYPE", "Token"),
            ("JWT_HEADER_NAME", "\"X-Auth\""),
            ("JWT_QUERY_STRING_VALUE_PREFIX", "Bearer "),
            ("JWT_IDENTITY_CLAIM", "user"),
            ("JWT_ERROR_MESSAGE_KEY", "error"),
            ("JWT_QUERY_STRING_NAME", "token"),
            ("JWT_JSON_KEY", "at"),
            ("JWT_REFRESH_JSON_KEY", "rt"),
            ("JWT_ACCESS_COOKIE_NAME", "a"),
            ("JWT_REFRESH_COOKIE_NAME", "r"),
            ("JWT_ACCESS_COOKIE_PATH", "/api"),
            ("JWT_REFRESH_COOKIE_PATH", "/auth"),
            ("JWT_ACCESS_CSRF_COOKIE_NAME", "ca"),
            ("JWT_REFRESH_CSRF_COOKIE_NAME", "cr"),
            ("JWT_ACCESS_CSRF_COOKIE_PATH", "/c1"),
            ("JWT_REFRESH_CSRF_COOKIE_PATH", "/c2"),
            ("JWT_ACCESS_CSRF_HEADER_NAME", "X-A"),
            ("JWT_REFRESH_CSRF_HEADER_NAME", "X-R"),
            ("JWT_ACCESS_CSRF_FIELD_NAME", "fa"),
            ("JWT_REFRESH_CSRF_FIELD_NAME", "fr"),
        ])
        .unwrap();
        assert_eq!(config.secret_key, Some(Secret::from("quoted secret")));
        assert_eq!(config.header_type, "Token");
        assert_eq!(config.header_name, "X-Auth");
        assert_eq!(config.query_string_value_prefix, "Bearer ");
        assert_eq!(config.identity_claim, "user");
        assert_eq!(config.error_msg_key, "error");
        assert_eq!(config.query_string_name, "token");
        assert_eq!(config.json_key, "at");
        assert_eq!(config.refresh_json_key, "rt");
        assert_eq!(config.access_cookie_name, "a");
        assert_eq!(config.refresh_cookie_name, "r");
        assert_eq!(config.access_cookie_path, "/api");
        assert_eq!(config.refresh_cookie_path, "/auth");
        assert_eq!(config.access_csrf_cookie_name, "ca");
        assert_eq!(config.refresh_csrf_cookie_name, "cr");
        assert_eq!(config.access_csrf_cookie_path, "/c1");
        assert_eq!(config.refresh_csrf_cookie_path, "/c2");
        assert_eq!(config.access_csrf_header_name, "X-A");
        assert_eq!(config.refresh_csrf_header_name, "X-R");
        assert_eq!(config.access_csrf_field_name, "fa");
        assert_eq!(config.refresh_csrf_field_name, "fr");
        // An empty variable is the empty string (not JSON), as in Flask.
        assert_eq!(one("JWT_HEADER_TYPE", "").unwrap().header_type, "");
        // Plain text that happens to be invalid JSON is kept verbatim.
        assert_eq!(
            one("JWT_SECRET_KEY", "[not json").unwrap().secret_key,
            Some(Secret::from("[not json"))
        );
    }

    #[test]
    fn string_errors() {
        assert_invalid("JWT_HEADER_TYPE", "123", "must be a string, not a number");
        assert_invalid(
            "JWT_IDENTITY_CLAIM",
            "true",
            "must be a string, not a boolean",
        );
        assert_invalid("JWT_HEADER_NAME", "null", "must be a string, not null");
        assert_invalid("JWT_JSON_KEY", "[\"a\"]", "must be a string, not a list");
        assert_invalid(
            "JWT_ACCESS_COOKIE_NAME",
            "{}",
            "must be a string, not an object",
        );
    }

    #[test]
    fn secret_key() {
        assert_eq!(one("JWT_SECRET_KEY", "null").unwrap().secret_key, None);
        let (option, reason) = invalid(one("JWT_SECRET_KEY", "123456789012345678901234567890123"));
        assert_eq!(option, "JWT_SECRET_KEY");
        assert!(reason.contains("not a number"), "{reason}");
        assert!(
            !reason.contains("1234"),
            "the secret must not be quoted: {reason}"
        );
        let config = one("JWT_SECRET_KEY", "\"123456789012345678901234567890123\"").unwrap();
        assert_eq!(
            config.secret_key,
            Some(Secret::from("123456789012345678901234567890123"))
        );
    }

    #[test]
    fn asymmetric_keys() {
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----";
        for name in ["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY"] {
            for unset in ["", "\"\"", "null"] {
                let config = one(name, unset).unwrap();
                assert!(config.private_key.is_none() && config.public_key.is_none());
            }
            assert_invalid(name, "[1]", "must be the PEM text of");
            assert_invalid(name, "12", "not a number");
            if cfg!(feature = "asymmetric") {
                let config = one(name, pem).unwrap();
                if name == "JWT_PRIVATE_KEY" {
                    assert_eq!(config.private_key, Some(Secret::from(pem)));
                    // Redacted like the secret.
                    assert!(!format!("{config:?}").contains("MFkw"));
                } else {
                    assert_eq!(config.public_key.as_deref(), Some(pem));
                }
            } else {
                assert_invalid(name, pem, "needs the `asymmetric` feature");
            }
        }
    }

    #[test]
    fn algorithms() {
        assert_eq!(
            one("JWT_ALGORITHM", "HS512").unwrap().algorithm,
            Algorithm::HS512
        );
        assert_eq!(
            one("JWT_ALGORITHM", "\"HS384\"").unwrap().algorithm,
            Algorithm::HS384
        );
        let unsupported = if cfg!(feature = "asymmetric") {
            "supported are HS256, HS384, HS512, RS256"
        } else {
            "only HMAC algorithms"
        };
        assert_invalid("JWT_ALGORITHM", "none", unsupported);
        assert_invalid("JWT_ALGORITHM", "hs256", unsupported);
        assert_invalid("JWT_ALGORITHM", "ES256K", unsupported);
        assert_invalid("JWT_ALGORITHM", "256", "must be an algorithm name");
        for name in ["RS256", "PS384", "ES512", "EdDSA"] {
            if cfg!(feature = "asymmetric") {
                assert_eq!(one("JWT_ALGORITHM", name).unwrap().algorithm.name(), name);
            } else {
                assert_invalid("JWT_ALGORITHM", name, "needs the `asymmetric` feature");
            }
        }
        assert_eq!(
            one("JWT_DECODE_ALGORITHMS", "[\"HS256\",\"HS512\"]")
                .unwrap()
                .decode_algorithms,
            [Algorithm::HS256, Algorithm::HS512]
        );
        assert_eq!(
            one("JWT_DECODE_ALGORITHMS", "HS384")
                .unwrap()
                .decode_algorithms,
            [Algorithm::HS384]
        );
        assert!(one("JWT_DECODE_ALGORITHMS", "[]")
            .unwrap()
            .decode_algorithms
            .is_empty());
        assert!(one("JWT_DECODE_ALGORITHMS", "null")
            .unwrap()
            .decode_algorithms
            .is_empty());
        if cfg!(feature = "asymmetric") {
            assert_eq!(
                one("JWT_DECODE_ALGORITHMS", "[\"RS256\",\"PS256\"]")
                    .unwrap()
                    .decode_algorithms,
                [Algorithm::RS256, Algorithm::PS256]
            );
        } else {
            assert_invalid(
                "JWT_DECODE_ALGORITHMS",
                "[\"HS256\",\"ES256\"]",
                "ES256 needs the `asymmetric` feature",
            );
        }
        assert_invalid("JWT_DECODE_ALGORITHMS", "[\"HS256\",\"none\"]", unsupported);
        assert_invalid("JWT_DECODE_ALGORITHMS", "[1]", "must be an algorithm name");
        assert_invalid(
            "JWT_DECODE_ALGORITHMS",
            "true",
            "must be a list of algorithm names",
        );
    }

    #[test]
    fn expiries() {
        for name in ["JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES"] {
            let get = |value: &str| {
                let config = one(name, value).unwrap();
                if name == "JWT_ACCESS_TOKEN_EXPIRES" {
                    config.access_token_expires
                } else {
                    config.refresh_token_expires
                }
            };
            assert_eq!(get("3600"), Expiry::seconds(3600));
            assert_eq!(get(" 60 "), Expiry::seconds(60));
            assert_eq!(get("0"), Expiry::seconds(0));
            assert_eq!(get("false"), Expiry::Never);
            let flask = format!("must be able to add {name} to datetime.datetime");
            assert_invalid(name, "true", &flask);
            assert_invalid(name, "15m", &flask);
            assert_invalid(name, "\"3600\"", &flask);
            assert_invalid(name, "null", &flask);
            assert_invalid(name, "1.5", &flask);
            assert_invalid(name, "[]", &flask);
            assert_invalid(name, "-5", "must not be negative");
        }
    }

    #[test]
    fn audiences_and_issuers() {
        let config = from(&[
            ("JWT_DECODE_AUDIENCE", "api"),
            ("JWT_ENCODE_AUDIENCE", "[\"api\",\"web\"]"),
            ("JWT_DECODE_ISSUER", "[\"a\",\"b\"]"),
            ("JWT_ENCODE_ISSUER", "\"me\""),
        ])
        .unwrap();
        assert_eq!(config.decode_audience, Some(vec!["api".to_owned()]));
        assert_eq!(
            config.encode_audience,
            Some(AudienceClaim::Many(vec!["api".into(), "web".into()]))
        );
        assert_eq!(
            config.decode_issuer,
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(config.encode_issuer.as_deref(), Some("me"));

        let config = from(&[
            ("JWT_DECODE_AUDIENCE", "[\"x\",\"y\"]"),
            ("JWT_ENCODE_AUDIENCE", "api"),
            ("JWT_DECODE_ISSUER", "iss"),
        ])
        .unwrap();
        assert_eq!(
            config.decode_audience,
            Some(vec!["x".to_owned(), "y".to_owned()])
        );
        assert_eq!(
            config.encode_audience,
            Some(AudienceClaim::One("api".into()))
        );
        assert_eq!(config.decode_issuer, Some(vec!["iss".to_owned()]));

        // Falsy encode values write nothing, as in flask-jwt-extended.
        for value in ["null", "\"\"", "", "[]"] {
            assert_eq!(
                one("JWT_ENCODE_AUDIENCE", value).unwrap().encode_audience,
                None
            );
        }
        for value in ["null", "\"\"", ""] {
            assert_eq!(one("JWT_ENCODE_ISSUER", value).unwrap().encode_issuer, None);
        }
        assert_eq!(
            one("JWT_DECODE_AUDIENCE", "null").unwrap().decode_audience,
            None
        );
        assert_eq!(
            one("JWT_DECODE_ISSUER", "null").unwrap().decode_issuer,
            None
        );

        assert_invalid(
            "JWT_DECODE_AUDIENCE",
            "5",
            "must be a string or a list of strings",
        );
        assert_invalid(
            "JWT_DECODE_AUDIENCE",
            "[\"a\",1]",
            "the list holds a number",
        );
        assert_invalid(
            "JWT_ENCODE_AUDIENCE",
            "{\"a\":1}",
            "must be a string or a list",
        );
        assert_invalid("JWT_DECODE_ISSUER", "true", "must be a string or a list");
        assert_invalid("JWT_ENCODE_ISSUER", "[\"a\"]", "must be a string");
    }

    #[test]
    fn leeway() {
        assert_eq!(one("JWT_DECODE_LEEWAY", "0").unwrap().decode_leeway, 0);
        assert_eq!(
            one("JWT_DECODE_LEEWAY", "\t10\n").unwrap().decode_leeway,
            10
        );
        assert_eq!(one("JWT_DECODE_LEEWAY", "1e3").unwrap().decode_leeway, 1000);
        assert_eq!(one("JWT_DECODE_LEEWAY", "30.0").unwrap().decode_leeway, 30);
        assert_invalid("JWT_DECODE_LEEWAY", "-1", "must not be negative");
        assert_invalid("JWT_DECODE_LEEWAY", "-1.0", "must not be negative");
        assert_invalid("JWT_DECODE_LEEWAY", "1e30", "whole number of seconds");
        assert_invalid("JWT_DECODE_LEEWAY", "1.5", "whole number of seconds");
        assert_invalid(
            "JWT_DECODE_LEEWAY",
            "\"30\"",
            "whole number of seconds, not a string",
        );
        assert_invalid(
            "JWT_DECODE_LEEWAY",
            "thirty",
            "whole number of seconds, not a string",
        );
    }

    #[test]
    fn booleans() {
        let names = [
            "JWT_ENCODE_NBF",
            "JWT_VERIFY_SUB",
            "JWT_COOKIE_SECURE",
            "JWT_SESSION_COOKIE",
            "JWT_COOKIE_CSRF_PROTECT",
            "JWT_CSRF_IN_COOKIES",
            "JWT_CSRF_CHECK_FORM",
        ];
        let read = |c: &JwtConfig| {
            [
                c.encode_nbf,
                c.verify_sub,
                c.cookie_secure,
                c.session_cookie,
                c.cookie_csrf_protect,
                c.csrf_in_cookies,
                c.csrf_check_form,
            ]
        };
        for value in [true, false] {
            let vars: Vec<(String, String)> = names
                .iter()
                .map(|n| ((*n).to_owned(), value.to_string()))
                .collect();
            let config = JwtConfig::from_vars(vars).unwrap();
            assert_eq!(read(&config), [value; 7]);
        }
        for name in names {
            for bad in ["True", "1", "0", "\"true\"", "yes", "null", ""] {
                assert_invalid(name, bad, "must be true or false");
            }
        }
    }

    #[test]
    fn token_locations() {
        assert_eq!(
            one("JWT_TOKEN_LOCATION", "cookies").unwrap().token_location,
            [TokenLocation::Cookies]
        );
        assert_eq!(
            one("JWT_TOKEN_LOCATION", "\"json\"")
                .unwrap()
                .token_location,
            [TokenLocation::Json]
        );
        assert_eq!(
            one(
                "JWT_TOKEN_LOCATION",
                "[\"query_string\",\"json\",\"headers\",\"cookies\"]"
            )
            .unwrap()
            .token_location,
            [
                TokenLocation::QueryString,
                TokenLocation::Json,
                TokenLocation::Headers,
                TokenLocation::Cookies
            ]
        );
        assert_invalid(
            "JWT_TOKEN_LOCATION",
            "[]",
            "must contain at least one of \"headers\"",
        );
        assert_invalid("JWT_TOKEN_LOCATION", "header", "can only contain \"headers\", \"cookies\", \"query_string\", or \"json\" (got \"header\")");
        assert_invalid("JWT_TOKEN_LOCATION", "", "can only contain");
        assert_invalid(
            "JWT_TOKEN_LOCATION",
            "[\"headers\",\"body\"]",
            "(got \"body\")",
        );
        assert_invalid("JWT_TOKEN_LOCATION", "[\"headers\",1]", "(got a number)");
        assert_invalid("JWT_TOKEN_LOCATION", "null", "a location name or a list");
        assert_invalid(
            "JWT_TOKEN_LOCATION",
            "{\"headers\":1}",
            "a location name or a list",
        );
    }

    #[test]
    fn cookie_settings() {
        let config = from(&[
            ("JWT_COOKIE_DOMAIN", ".example.com"),
            ("JWT_COOKIE_SAMESITE", "Strict"),
        ])
        .unwrap();
        assert_eq!(config.cookie_domain.as_deref(), Some(".example.com"));
        assert_eq!(config.cookie_samesite, Some(SameSite::Strict));
        assert_eq!(
            one("JWT_COOKIE_DOMAIN", "null").unwrap().cookie_domain,
            None
        );
        assert_eq!(one("JWT_COOKIE_DOMAIN", "").unwrap().cookie_domain, None);
        assert_invalid("JWT_COOKIE_DOMAIN", "1", "must be a string");

        assert_eq!(
            one("JWT_COOKIE_SAMESITE", "\"Lax\"")
                .unwrap()
                .cookie_samesite,
            Some(SameSite::Lax)
        );
        // The plain word None is the attribute value; JSON null is no attribute.
        assert_eq!(
            one("JWT_COOKIE_SAMESITE", "None").unwrap().cookie_samesite,
            Some(SameSite::None)
        );
        assert_eq!(
            one("JWT_COOKIE_SAMESITE", "null").unwrap().cookie_samesite,
            None
        );
        assert_eq!(
            one("JWT_COOKIE_SAMESITE", "strict")
                .unwrap()
                .cookie_samesite,
            Some(SameSite::Strict)
        );
        assert_invalid(
            "JWT_COOKIE_SAMESITE",
            "Loose",
            "SameSite must be 'Strict', 'Lax', or 'None'",
        );
        assert_invalid("JWT_COOKIE_SAMESITE", "", "SameSite must be");
        assert_invalid("JWT_COOKIE_SAMESITE", "false", "SameSite must be");
    }

    #[test]
    fn csrf_methods() {
        assert_eq!(
            one("JWT_CSRF_METHODS", "[\"POST\",\"DELETE\",\"PURGE\"]")
                .unwrap()
                .csrf_methods,
            [
                Method::POST,
                Method::DELETE,
                Method::from_bytes(b"PURGE").unwrap()
            ]
        );
        assert!(one("JWT_CSRF_METHODS", "[]")
            .unwrap()
            .csrf_methods
            .is_empty());
        // Matched case-sensitively, as in flask-jwt-extended.
        assert_ne!(
            one("JWT_CSRF_METHODS", "[\"post\"]").unwrap().csrf_methods,
            [Method::POST]
        );
        assert_invalid(
            "JWT_CSRF_METHODS",
            "POST",
            "must be a list of HTTP method names",
        );
        assert_invalid(
            "JWT_CSRF_METHODS",
            "[\"PO ST\"]",
            "is not a valid HTTP method",
        );
        assert_invalid("JWT_CSRF_METHODS", "[1]", "the list holds a number");
    }

    #[test]
    fn unknown_and_removed_names_are_ignored() {
        let config = from(&[
            ("JWT_BLACKLIST_ENABLED", "not even json"),
            ("JWT_BLACKLIST_TOKEN_CHECKS", "[\"access\"]"),
            ("JWT_USER_CLAIMS", "user_claims"),
            ("JWT_CSRF_HEADER_NAME", "X-OLD"),
            ("JWT_VERIFY_AUDIENCE", "maybe"),
            ("JWT_CLAIMS_IN_REFRESH_TOKEN", "1"),
            ("JWT_SOMETHING_ELSE", "x"),
            ("JWT_", "x"),
            ("jwt_secret_key", "lower case is another variable"),
            ("FLASK_JWT_SECRET_KEY", "x"),
        ])
        .unwrap();
        assert_eq!(config.secret_key, None);
        assert_eq!(config.access_csrf_header_name, "X-CSRF-TOKEN");
    }

    #[test]
    fn apply_vars_overrides_and_is_atomic() {
        let mut config = JwtConfig::default().hardened();
        config
            .apply_vars([("JWT_COOKIE_SAMESITE".to_owned(), "Strict".to_owned())])
            .unwrap();
        assert_eq!(config.cookie_samesite, Some(SameSite::Strict));
        assert!(config.cookie_secure, "untouched settings are kept");
        assert_eq!(config.access_cookie_name, "__Host-access_token_cookie");

        // One bad variable: nothing is applied, and the error names it.
        let err = config
            .apply_vars([
                ("JWT_HEADER_TYPE".to_owned(), "Token".to_owned()),
                ("JWT_COOKIE_SECURE".to_owned(), "no".to_owned()),
            ])
            .unwrap_err();
        assert!(err.to_string().starts_with("JWT_COOKIE_SECURE: "), "{err}");
        assert_eq!(config.header_type, "Bearer");

        // Errors are reported in name order; the last duplicate wins.
        let (option, _) = invalid(from(&[("JWT_TOKEN_LOCATION", "x"), ("JWT_ALGORITHM", "x")]));
        assert_eq!(option, "JWT_ALGORITHM");
        let config = from(&[("JWT_HEADER_TYPE", "A"), ("JWT_HEADER_TYPE", "B")]).unwrap();
        assert_eq!(config.header_type, "B");
    }

    #[test]
    fn the_table_names_each_option_once() {
        let mut names: Vec<&str> = OPTIONS.iter().map(|&(name, _)| name).collect();
        assert_eq!(names.len(), 43);
        assert!(names.iter().all(|name| name.starts_with("JWT_")));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPTIONS.len());
    }

    #[test]
    fn every_option_is_read() {
        // Each name in OPTIONS changes something or is checked, so none is silently dropped.
        for &(name, _) in OPTIONS {
            let result = one(name, "{\"an\":\"object\"}");
            let (option, _) = invalid(result);
            assert_eq!(option, name);
        }
    }
}
