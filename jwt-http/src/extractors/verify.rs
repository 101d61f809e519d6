//! The verification every extractor runs: find the manager, verify the request's parts,
//! await async loaders.

use std::sync::Arc;

use http::request::Parts;

use super::Verification;
use crate::{JwtContext, JwtError, JwtManager, Refusal, VerifyOptions};

/// The context of a request with a verified token.
pub(super) async fn required<S, V: Verification<S>>(
    parts: &Parts,
    state: &S,
) -> Result<Arc<JwtContext>, Refusal> {
    let (manager, options, verified) = run::<S, V>(parts, state, false).await?;
    match verified {
        Some(context) if context.token().is_some() => Ok(context),
        // Verification with `optional` and `exempt_options` off always gives a token; this only
        // keeps the promise that a required extractor never goes without one.
        _ => Err(no_token(manager, &options)),
    }
}

/// The context of a request with a verified token, or `None` for a request without a token
/// (`optional=True`: a token that is there must still be valid).
pub(super) async fn optional<S, V: Verification<S>>(
    parts: &Parts,
    state: &S,
) -> Result<Option<Arc<JwtContext>>, Refusal> {
    let (_, _, verified) = run::<S, V>(parts, state, true).await?;
    Ok(verified.filter(|context| context.token().is_some()))
}

/// Finds the manager and verifies `parts` with `V`'s options; refused with the manager that
/// refused, or with none when none was found.
async fn run<S, V: Verification<S>>(
    parts: &Parts,
    state: &S,
    optional: bool,
) -> Result<(JwtManager, VerifyOptions, Option<Arc<JwtContext>>), Refusal> {
    let Some(manager) = V::manager(parts, state) else {
        return Err(Refusal::new(JwtError::NoManager, None));
    };
    let options = VerifyOptions {
        optional,
        exempt_options: false,
        ..V::OPTIONS
    };
    // Without async loaders, no future to build and await (as `#[jwt_required]` does).
    let verified = if manager.verifies_async(options.skip_revocation_check) {
        manager.verify_request_async(parts, &options).await
    } else {
        manager.verify_request(parts, &options)
    };
    match verified {
        Ok(context) => Ok((manager, options, context)),
        Err(error) => Err(Refusal::new(error, Some(manager))),
    }
}

/// The refusal of a request that reached a required extractor without a token.
fn no_token(manager: JwtManager, options: &VerifyOptions) -> Refusal {
    let locations = options
        .locations
        .map_or_else(|| manager.config().token_location.clone(), <[_]>::to_vec);
    Refusal::new(
        JwtError::NoTokenFound {
            locations,
            reasons: Vec::new(),
        },
        Some(manager),
    )
}
