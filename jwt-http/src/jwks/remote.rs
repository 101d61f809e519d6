//! [`RemoteJwks`]: the cache, the single flight, the cooldown and the key filter.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use jwt_core::{
    Algorithm, Claims, Family, Jwk, JwkSet, Key, KeySet, MissingKid, TokenData, UnixTime,
    Validation,
};
use tokio::runtime::Handle;
use tokio::sync::watch;

use super::cache_control;
use super::source::{FetchError, HttpSource, JwksResponse, JwksSource, DEFAULT_MAX_BODY};
use super::JwksConfigError;

/// The defaults of [`RemoteJwksBuilder`].
const DEFAULT_TTL: Duration = Duration::from_secs(600);
const MIN_TTL: Duration = Duration::from_secs(30);
const MAX_TTL: Duration = Duration::from_secs(24 * 3600);
const COOLDOWN: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_STALE: Duration = Duration::from_secs(24 * 3600);
const MAX_KEYS: usize = 64;
/// How many distinct notes about refused keys are remembered (each is logged once).
const MAX_NOTES: usize = 256;

/// The attempt word's bit saying a fetch is running; the other bits hold the time of the last
/// attempt, in nanoseconds after the verifier's epoch plus one (0: never).
const IN_FLIGHT: u64 = 1 << 63;

/// The time source: a monotonic instant. Tests inject a manual one.
type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// A verifier whose keys come from an issuer's JWK Set URL.
///
/// Cheap to clone (one `Arc`): clones share the cache. Tokens are verified against the last
/// set fetched; a token naming a `kid` the set lacks makes the verifier fetch again (at most
/// once per [cooldown](RemoteJwksBuilder::cooldown), one fetch at a time, in a spawned task),
/// so a key the issuer has just started to use is picked up on its first token. See the
/// [module documentation](super) for the whole policy.
///
/// ```no_run
/// use jwt_core::{Algorithm, Validation};
/// use jwt_http::jwks::RemoteJwks;
///
/// # async fn doc(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let jwks = RemoteJwks::builder("http://127.0.0.1:5001/.well-known/jwks.json") // a TLS sidecar
///     .algorithms(&[Algorithm::ES256, Algorithm::EdDSA])
///     .build()?;
/// jwks.prefetch().await?; // at startup: fail early if the issuer is unreachable
///
/// let mut validation = Validation::new(Algorithm::ES256);
/// validation.algorithms = vec![Algorithm::ES256, Algorithm::EdDSA];
/// let data = jwks.decode(token, &validation).await?;
/// println!("{:?}", data.claims.sub());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RemoteJwks {
    shared: Arc<Shared>,
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snapshot = self.shared.snapshot.load();
        f.debug_struct("RemoteJwks")
            .field("algorithms", &self.shared.options.algorithms)
            .field("keys", &snapshot.keys.len())
            .field("generation", &snapshot.generation)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`RemoteJwks`]; every duration has the default the design names.
///
/// Built with [`RemoteJwks::builder`] (the built-in HTTP source) or
/// [`RemoteJwks::with_source`] (your own [`JwksSource`]).
#[must_use = "call .build()"]
pub struct RemoteJwksBuilder {
    source: SourceSpec,
    options: Options,
    clock: Option<Clock>,
}

enum SourceSpec {
    Url(String),
    Custom(Box<dyn JwksSource>),
}

impl fmt::Debug for RemoteJwksBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            SourceSpec::Url(url) => url.as_str(),
            SourceSpec::Custom(_) => "<custom JwksSource>",
        };
        f.debug_struct("RemoteJwksBuilder")
            .field("source", &source)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Options {
    algorithms: Vec<Algorithm>,
    default_ttl: Duration,
    min_ttl: Duration,
    max_ttl: Duration,
    cooldown: Duration,
    fetch_timeout: Duration,
    max_stale: Duration,
    max_body: usize,
    max_keys: usize,
    missing_kid: MissingKid,
    allow_plain_http: bool,
    /// DER certificates trusted besides Mozilla's roots by the built-in client.
    #[cfg(feature = "remote-jwks-rustls")]
    tls_roots: ExtraRootDers,
}

/// Extra root certificates; `Debug` shows how many, not their bytes.
#[cfg(feature = "remote-jwks-rustls")]
#[derive(Clone, Default)]
struct ExtraRootDers(Vec<Vec<u8>>);

#[cfg(feature = "remote-jwks-rustls")]
impl fmt::Debug for ExtraRootDers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} extra root certificate(s)", self.0.len())
    }
}

impl RemoteJwksBuilder {
    fn new(source: SourceSpec) -> Self {
        RemoteJwksBuilder {
            source,
            options: Options {
                algorithms: Vec::new(),
                default_ttl: DEFAULT_TTL,
                min_ttl: MIN_TTL,
                max_ttl: MAX_TTL,
                cooldown: COOLDOWN,
                fetch_timeout: FETCH_TIMEOUT,
                max_stale: MAX_STALE,
                max_body: DEFAULT_MAX_BODY,
                max_keys: MAX_KEYS,
                allow_plain_http: false,
                #[cfg(feature = "remote-jwks-rustls")]
                tls_roots: ExtraRootDers::default(),
                missing_kid: MissingKid::OnlyKey,
            },
            clock: None,
        }
    }

    /// The algorithms tokens may be signed with (required; asymmetric only). A key is used
    /// only for those of these algorithms its type supports, and only for its own `alg` when
    /// the issuer names one.
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.options.algorithms = algorithms.to_vec();
        self
    }

    /// How long a set stays fresh when the answer has no usable `Cache-Control: max-age`
    /// (default 10 minutes). Clamped to the TTL bounds.
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.options.default_ttl = ttl;
        self
    }

    /// The bounds of the TTL (default 30 s to 24 h): `max-age` is clamped to them, and
    /// `no-cache`, `no-store` or `max-age=0` mean the minimum.
    pub fn ttl_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.options.min_ttl = min;
        self.options.max_ttl = max.max(min);
        self
    }

    /// The least time between two fetch attempts started by tokens with an unknown `kid` or
    /// by an expired set (default 30 s), measured from the last attempt, whether it succeeded
    /// or failed. It bounds what a stream of invented `kid`s can make the verifier do.
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.options.cooldown = cooldown;
        self
    }

    /// How long one fetch may take (default 5 s), and so the longest a request waits for one.
    pub fn fetch_timeout(mut self, timeout: Duration) -> Self {
        self.options.fetch_timeout = timeout;
        self
    }

    /// How long past its expiry a set keeps verifying while fetches fail (default 24 h).
    /// After that, verification fails as a server error (500) until a fetch succeeds.
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.options.max_stale = max_stale;
        self
    }

    /// The largest body accepted, in bytes (default 128 KiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.options.max_body = limit;
        self
    }

    /// How many of the set's keys are considered, in order (default 64); later ones are
    /// ignored.
    pub fn max_keys(mut self, max_keys: usize) -> Self {
        self.options.max_keys = max_keys;
        self
    }

    /// What happens to tokens without `kid` (default [`MissingKid::OnlyKey`]: accepted only
    /// when exactly one key of the set supports their `alg`).
    pub fn missing_kid(mut self, rule: MissingKid) -> Self {
        self.options.missing_kid = rule;
        self
    }

    /// The monotonic clock for expiry, staleness and the cooldown (default
    /// [`Instant::now`]); tests pass a manual one. The fetch timeout is measured by tokio.
    pub fn clock(mut self, clock: impl Fn() -> Instant + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Allows a plain `http://` URL to a host that is not loopback (refused by default:
    /// anyone on the path could replace the keys). Only for a network that is itself trusted
    /// or encrypted, such as a service mesh with mTLS between the services.
    pub fn allow_plain_http(mut self) -> Self {
        self.options.allow_plain_http = true;
        self
    }

    /// Also trusts `der`, a DER-encoded X.509 certificate, as a root for the built-in
    /// client's `https://` fetches (feature `remote-jwks-rustls`): an issuer behind a private
    /// CA, or a test server. Mozilla's roots (`webpki-roots`) stay trusted; call once per
    /// root. The certificate is checked by [`build`](Self::build)
    /// ([`JwksConfigError::InvalidRootCertificate`]). Ignored with
    /// [`RemoteJwks::with_source`], whose client has its own roots.
    ///
    /// A PEM file holds the DER base64-encoded between its `BEGIN CERTIFICATE` and
    /// `END CERTIFICATE` lines.
    #[cfg(feature = "remote-jwks-rustls")]
    pub fn tls_root_certificate(mut self, der: &[u8]) -> Self {
        self.options.tls_roots.0.push(der.to_vec());
        self
    }

    /// The verifier. Nothing is fetched yet: call [`RemoteJwks::prefetch`] at startup, or
    /// let the first token fetch (it waits for the fetch in the async paths).
    pub fn build(self) -> Result<RemoteJwks, JwksConfigError> {
        let options = self.options;
        if options.algorithms.is_empty() {
            return Err(JwksConfigError::NoAlgorithms);
        }
        if let Some(alg) = options.algorithms.iter().find(|alg| alg.is_hmac()) {
            return Err(JwksConfigError::SymmetricAlgorithm(*alg));
        }
        let source: Box<dyn JwksSource> = match self.source {
            SourceSpec::Url(url) => {
                let source = if options.allow_plain_http {
                    HttpSource::new_allowing_plain_http(&url)?
                } else {
                    HttpSource::new(&url)?
                };
                #[cfg(feature = "remote-jwks-rustls")]
                let source = options
                    .tls_roots
                    .0
                    .iter()
                    .try_fold(source, |source, der| source.tls_root_certificate(der))?;
                Box::new(source.max_body_bytes(options.max_body))
            }
            SourceSpec::Custom(source) => source,
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(Instant::now));
        let epoch = clock();
        let runtime = OnceLock::new();
        if let Ok(handle) = Handle::try_current() {
            let _ = runtime.set(handle);
        }
        let (done, _) = watch::channel(Completion {
            count: 0,
            result: Err(FetchError::NoRuntime),
        });
        let mut keys = KeySet::new();
        keys.set_missing_kid(options.missing_kid.clone());
        Ok(RemoteJwks {
            shared: Arc::new(Shared {
                snapshot: ArcSwap::from_pointee(Snapshot {
                    keys,
                    expires_at: None,
                    stale_until: None,
                    generation: 0,
                }),
                attempt: AtomicU64::new(0),
                done,
                epoch,
                clock,
                source,
                options,
                runtime,
                failing: AtomicBool::new(false),
                notes: Mutex::new(HashSet::new()),
                last_error: Mutex::new(None),
            }),
        })
    }
}

/// The shared state. No lock here is ever held across an `.await`.
struct Shared {
    /// The keys in use: one lock-free load per verification.
    snapshot: ArcSwap<Snapshot>,
    /// [`IN_FLIGHT`] and the time of the last attempt: the single flight and the cooldown in
    /// one word, so that checking the cooldown and claiming the flight is one compare-exchange.
    attempt: AtomicU64,
    /// Completed attempts, for the requests waiting on one.
    done: watch::Sender<Completion>,
    epoch: Instant,
    clock: Clock,
    source: Box<dyn JwksSource>,
    options: Options,
    /// The runtime fetches run on when the caller is not inside one.
    runtime: OnceLock<Handle>,
    /// Whether the last attempt failed (failures are logged once per streak).
    failing: AtomicBool,
    /// Notes about refused keys already logged.
    notes: Mutex<HashSet<String>>,
    /// The last failure, for the server-side error of an unusable cache.
    last_error: Mutex<Option<FetchError>>,
}

/// The keys of one successful fetch.
struct Snapshot {
    keys: KeySet,
    /// `None` before the first successful fetch.
    expires_at: Option<Instant>,
    /// The end of stale-while-error (`None`: never, on overflow, or before the first fetch).
    stale_until: Option<Instant>,
    /// 0 before the first successful fetch, then one more at each.
    generation: u64,
}

/// The outcome of an attempt, sent to waiting requests.
#[derive(Clone)]
struct Completion {
    count: u64,
    result: Result<(), FetchError>,
}

enum Usability {
    Fresh,
    Stale,
    Unusable,
}

impl Snapshot {
    fn usability(&self, now: Instant) -> Usability {
        match self.expires_at {
            None => Usability::Unusable,
            Some(expires) if now < expires => Usability::Fresh,
            Some(_) => match self.stale_until {
                Some(until) if now >= until => Usability::Unusable,
                _ => Usability::Stale,
            },
        }
    }
}

/// What starting a fetch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Started,
    InFlight,
    Cooldown,
    NoRuntime,
}

/// Why a token could not be verified with a [`RemoteJwks`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RemoteError {
    /// The token is invalid (422), including [`jwt_core::Error::UnknownKeyId`] when the
    /// issuer's set does not hold its `kid` even after the allowed refetch.
    Token(jwt_core::Error),
    /// No usable keys: nothing fetched yet, or the set is stale past
    /// [`max_stale`](RemoteJwksBuilder::max_stale) and fetches fail. A server-side failure
    /// (500), not the token's fault.
    Unavailable(KeysUnavailable),
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteError::Token(e) => e.fmt(f),
            RemoteError::Unavailable(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RemoteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RemoteError::Token(e) => Some(e),
            RemoteError::Unavailable(e) => Some(e),
        }
    }
}

impl From<RemoteError> for crate::JwtError {
    fn from(e: RemoteError) -> Self {
        match e {
            RemoteError::Token(e) => crate::JwtError::InvalidToken(e),
            RemoteError::Unavailable(e) => crate::JwtError::KeysUnavailable(e),
        }
    }
}

impl From<jwt_core::Error> for RemoteError {
    fn from(e: jwt_core::Error) -> Self {
        RemoteError::Token(e)
    }
}

/// The remote key set cannot be used: never fetched, or stale past its limit. Its message is
/// for the server's log, never for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysUnavailable {
    stale: bool,
    cause: Option<FetchError>,
}

impl fmt::Display for KeysUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.stale {
            f.write_str("the remote JWKS is stale past its max_stale limit")?;
        } else {
            f.write_str("the remote JWKS has not been fetched yet")?;
        }
        match &self.cause {
            Some(cause) => write!(f, " ({cause})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for KeysUnavailable {}

/// A failed cached verification the async paths may retry after a fetch.
#[derive(Debug)]
pub(crate) struct Miss {
    pub(crate) error: RemoteError,
    /// The snapshot generation the token was tried against, when a fetch may resolve the miss
    /// (an unknown `kid`, no usable set); `None` for any other refusal.
    generation: Option<u64>,
}

impl RemoteJwks {
    /// A verifier fetching `url` with the built-in client ([`HttpSource`]: `https://` with
    /// feature `remote-jwks-rustls`, `http://` to a loopback host or with
    /// [`allow_plain_http`](RemoteJwksBuilder::allow_plain_http)). Set the algorithms, then [`build`](RemoteJwksBuilder::build).
    pub fn builder(url: impl Into<String>) -> RemoteJwksBuilder {
        RemoteJwksBuilder::new(SourceSpec::Url(url.into()))
    }

    /// A verifier fetching through `source` (your own HTTP client).
    pub fn with_source(source: impl JwksSource) -> RemoteJwksBuilder {
        RemoteJwksBuilder::new(SourceSpec::Custom(Box::new(source)))
    }

    /// The algorithms tokens may be signed with.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.shared.options.algorithms
    }

    /// Fetches the set now unless fresh keys are cached, ignoring the cooldown, and waits for
    /// the outcome: call it at startup to fail early. Also records the current tokio runtime
    /// as the one to fetch on when a token is verified outside any runtime.
    pub async fn prefetch(&self) -> Result<(), FetchError> {
        self.remember_runtime();
        let now = (self.shared.clock)();
        if matches!(self.shared.snapshot.load().usability(now), Usability::Fresh) {
            return Ok(());
        }
        self.fetch_and_wait().await
    }

    /// Fetches the set now, ignoring the cooldown (for an administrator who knows the issuer
    /// has rotated), and waits for the outcome. Joins a fetch already running instead of
    /// starting a second one.
    pub async fn reload(&self) -> Result<(), FetchError> {
        self.remember_runtime();
        self.fetch_and_wait().await
    }

    /// The `kid`s of the keys in use (empty before the first successful fetch).
    pub fn key_ids(&self) -> Vec<String> {
        self.shared
            .snapshot
            .load()
            .keys
            .iter()
            .filter_map(|key| key.kid().map(str::to_owned))
            .collect()
    }

    /// Verifies and decodes `token` with the cached keys, fetching the set first when it is
    /// needed and allowed: no set yet, a stale-past-limit set, or a `kid` the set lacks (once
    /// per cooldown). Waits at most the fetch timeout. Claims are checked at
    /// `validation.clock`'s time.
    pub async fn decode(
        &self,
        token: impl AsRef<[u8]>,
        validation: &Validation,
    ) -> Result<TokenData<Claims>, RemoteError> {
        let token = token.as_ref();
        match self.verify_cached(token, validation, None) {
            Ok(data) => Ok(data),
            Err(miss) => {
                self.refresh_and_wait(&miss).await;
                self.verify_cached(token, validation, None)
                    .map_err(|miss| miss.error)
            }
        }
    }

    /// [`decode`](Self::decode) without waiting: the cached keys only. A `kid` the set lacks is
    /// refused at once ([`jwt_core::Error::UnknownKeyId`]) and starts a background fetch
    /// (subject to the cooldown), so a retry shortly after may succeed.
    pub fn decode_cached(
        &self,
        token: impl AsRef<[u8]>,
        validation: &Validation,
    ) -> Result<TokenData<Claims>, RemoteError> {
        self.verify_cached(token.as_ref(), validation, None)
            .map_err(|miss| miss.error)
    }

    /// The hot path: one snapshot load, one clock read, the key set's decode. An expired set
    /// is still used and refreshed in the background; a miss (unknown `kid`, no usable set)
    /// starts a background fetch when the cooldown allows.
    pub(crate) fn verify_cached(
        &self,
        token: &[u8],
        validation: &Validation,
        now: Option<UnixTime>,
    ) -> Result<TokenData<Claims>, Miss> {
        let shared = &self.shared;
        let snapshot = shared.snapshot.load();
        let generation = snapshot.generation;
        let result = match snapshot.usability((shared.clock)()) {
            Usability::Fresh => decode(token, &snapshot.keys, validation, now),
            Usability::Stale => {
                shared.start(false);
                decode(token, &snapshot.keys, validation, now)
            }
            Usability::Unusable => {
                if let Err(error) = crate::manager::keys::refuse_malformed(token, validation) {
                    return Err(Miss {
                        error: RemoteError::Token(error),
                        generation: None,
                    });
                }
                let stale = snapshot.expires_at.is_some();
                drop(snapshot);
                shared.start(false);
                return Err(Miss {
                    error: RemoteError::Unavailable(shared.unavailable(stale)),
                    generation: Some(generation),
                });
            }
        };
        match result {
            Ok(data) => Ok(data),
            Err(error @ jwt_core::Error::UnknownKeyId(_)) => {
                shared.start(false);
                Err(Miss {
                    error: RemoteError::Token(error),
                    generation: Some(generation),
                })
            }
            Err(error) => Err(Miss {
                error: RemoteError::Token(error),
                generation: None,
            }),
        }
    }

    /// After a miss: waits, at most the fetch timeout, for the fetch that may resolve it (one
    /// already running, or one started now if the cooldown allows). Returns at once when a
    /// newer set has arrived since the miss, when the cooldown forbids a fetch, or for a miss
    /// no fetch can resolve.
    pub(crate) async fn refresh_and_wait(&self, miss: &Miss) {
        if let Some(generation) = miss.generation {
            self.wait_for_fetch(generation).await;
        }
    }

    /// [`refresh_and_wait`](Self::refresh_and_wait) for a miss on the snapshot of
    /// `generation`.
    pub(crate) async fn wait_for_fetch(&self, generation: u64) {
        self.remember_runtime();
        let shared = &self.shared;
        let mut done = shared.done.subscribe();
        if shared.snapshot.load().generation != generation {
            return;
        }
        match shared.start(false) {
            Start::Started | Start::InFlight => {
                let _ = tokio::time::timeout(shared.options.fetch_timeout, done.changed()).await;
            }
            Start::Cooldown | Start::NoRuntime => {}
        }
    }

    /// The snapshot generation (0 before the first successful fetch).
    pub(crate) fn generation(&self) -> u64 {
        self.shared.snapshot.load().generation
    }

    fn remember_runtime(&self) {
        if self.shared.runtime.get().is_none() {
            if let Ok(handle) = Handle::try_current() {
                let _ = self.shared.runtime.set(handle);
            }
        }
    }

    async fn fetch_and_wait(&self) -> Result<(), FetchError> {
        let shared = &self.shared;
        let mut done = shared.done.subscribe();
        match shared.start(true) {
            Start::Started | Start::InFlight => {}
            Start::NoRuntime => return Err(FetchError::NoRuntime),
            // `start(true)` ignores the cooldown.
            Start::Cooldown => return Ok(()),
        }
        // The fetch bounds itself; the margin only guards against a runtime that stopped.
        let wait = shared.options.fetch_timeout + Duration::from_secs(1);
        match tokio::time::timeout(wait, done.changed()).await {
            Ok(Ok(())) => done.borrow_and_update().result.clone(),
            Ok(Err(_)) | Err(_) => Err(FetchError::Timeout),
        }
    }
}

/// `decode_with`, at `now` when given.
fn decode(
    token: &[u8],
    keys: &KeySet,
    validation: &Validation,
    now: Option<UnixTime>,
) -> Result<TokenData<Claims>, jwt_core::Error> {
    match now {
        Some(now) => jwt_core::decode_with_at(token, keys, validation, now),
        None => jwt_core::decode_with(token, keys, validation),
    }
}

impl Shared {
    fn since_epoch(&self, now: Instant) -> u64 {
        let nanos = now.saturating_duration_since(self.epoch).as_nanos();
        u64::try_from(nanos)
            .unwrap_or(IN_FLIGHT - 2)
            .min(IN_FLIGHT - 2)
            + 1
    }

    /// Starts a fetch in a spawned task unless one is running or, without `force`, the last
    /// attempt is within the cooldown. The check and the claim are one compare-exchange.
    fn start(self: &Arc<Self>, force: bool) -> Start {
        let Some(handle) = Handle::try_current()
            .ok()
            .or_else(|| self.runtime.get().cloned())
        else {
            return Start::NoRuntime;
        };
        let now = (self.clock)();
        let stamp = self.since_epoch(now);
        let cooldown = u64::try_from(self.options.cooldown.as_nanos()).unwrap_or(u64::MAX);
        let mut current = self.attempt.load(Ordering::Acquire);
        loop {
            if current & IN_FLIGHT != 0 {
                return Start::InFlight;
            }
            if !force && current != 0 && stamp.saturating_sub(current) < cooldown {
                return Start::Cooldown;
            }
            match self.attempt.compare_exchange_weak(
                current,
                stamp | IN_FLIGHT,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
        let flight = Flight {
            shared: Arc::clone(self),
            result: None,
        };
        handle.spawn(flight.run());
        Start::Started
    }

    /// One fetch: bounded by the timeout, then parsed and filtered. A `200` whose body is a
    /// JWK Set is authoritative: its usable keys replace the snapshot, even when there are none
    /// (an issuer that empties its set to cut off a leaked key is obeyed at once; keeping the
    /// old keys would accept that key's tokens for up to a day). Anything else — transport
    /// error, timeout, another status, a body that is not a JWK Set — keeps the snapshot.
    async fn fetch(&self) -> Result<(), FetchError> {
        let response = tokio::time::timeout(self.options.fetch_timeout, self.source.fetch())
            .await
            .map_err(|_| FetchError::Timeout)??;
        self.install(response)
    }

    fn install(&self, response: JwksResponse) -> Result<(), FetchError> {
        if response.status != 200 {
            return Err(FetchError::Status(response.status));
        }
        if response.body.len() > self.options.max_body {
            return Err(FetchError::TooLarge {
                limit: self.options.max_body,
            });
        }
        let set =
            JwkSet::from_json(&response.body).map_err(|e| FetchError::Invalid(e.to_string()))?;
        let (keys, notes) = usable_keys(&set, &self.options);
        self.log_notes(notes);
        let usable = !keys.is_empty();
        let freshness = response
            .cache_control
            .as_ref()
            .map_or(cache_control::Freshness::Unspecified, |value| {
                cache_control::freshness(value.as_bytes())
            });
        let options = &self.options;
        let ttl = cache_control::ttl(
            freshness,
            options.default_ttl,
            options.min_ttl,
            options.max_ttl,
        );
        let now = (self.clock)();
        let expires_at = now.checked_add(ttl);
        let generation = self.snapshot.load().generation + 1;
        self.snapshot.store(Arc::new(Snapshot {
            keys,
            // An expiry too far to represent never comes.
            expires_at: Some(expires_at.unwrap_or(now + options.max_ttl.min(MAX_TTL))),
            stale_until: expires_at.and_then(|at| at.checked_add(options.max_stale)),
            generation,
        }));
        if usable {
            Ok(())
        } else {
            // Installed (no token verifies until the issuer publishes a usable key), and
            // reported so that the failure is logged and `reload` says why.
            Err(FetchError::NoUsableKeys {
                listed: set.keys.len() + set.skipped,
            })
        }
    }

    /// Logs a failure once per streak of failures, and the recovery after one.
    fn record(&self, result: &Result<(), FetchError>) {
        match result {
            Ok(()) => {
                if self.failing.swap(false, Ordering::AcqRel) {
                    eprintln!("jwt-extended: the remote JWKS was fetched again");
                }
                *self
                    .last_error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = None;
            }
            Err(error) => {
                if !self.failing.swap(true, Ordering::AcqRel) {
                    eprintln!(
                        "jwt-extended: fetching the remote JWKS failed, keeping the keys in use: \
                         {error}"
                    );
                }
                *self
                    .last_error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(error.clone());
            }
        }
    }

    fn unavailable(&self, stale: bool) -> KeysUnavailable {
        KeysUnavailable {
            stale,
            cause: self
                .last_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }

    /// Logs each note about a refused key the first time it is seen.
    fn log_notes(&self, notes: Vec<String>) {
        if notes.is_empty() {
            return;
        }
        let mut seen = self.notes.lock().unwrap_or_else(PoisonError::into_inner);
        for note in notes {
            if seen.len() < MAX_NOTES && seen.insert(note.clone()) {
                eprintln!("jwt-extended: remote JWKS: {note}");
            }
        }
    }
}

/// The running fetch. Ends the flight when dropped, whether the fetch finished or its task
/// was cancelled (a runtime shutting down), so the verifier never believes a fetch is running
/// forever.
struct Flight {
    shared: Arc<Shared>,
    result: Option<Result<(), FetchError>>,
}

impl Flight {
    async fn run(mut self) {
        let result = self.shared.fetch().await;
        self.shared.record(&result);
        self.result = Some(result);
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        let result = self
            .result
            .take()
            .unwrap_or_else(|| Err(FetchError::Transport("the fetch task was cancelled".into())));
        // The new snapshot (if any) is stored; clear the flight, then wake the waiters.
        self.shared.attempt.fetch_and(!IN_FLIGHT, Ordering::AcqRel);
        self.shared.done.send_modify(|completion| {
            completion.count += 1;
            completion.result = result;
        });
    }
}

/// The keys of `set` this verifier may use (module documentation, "Which keys are used"),
/// and a note for each refused one (no key material: the `kid`, cut, and the reason).
fn usable_keys(set: &JwkSet, options: &Options) -> (KeySet, Vec<String>) {
    let mut notes = Vec::new();
    let listed = set.keys.len();
    if listed > options.max_keys {
        notes.push(format!(
            "the set lists {listed} keys; only the first {} are considered",
            options.max_keys
        ));
    }
    if set.skipped > 0 {
        notes.push(format!(
            "{} members of \"keys\" are not JWK objects",
            set.skipped
        ));
    }
    let mut candidates = Vec::new();
    for jwk in set.keys.iter().take(options.max_keys) {
        match usable_key(jwk, &options.algorithms) {
            Ok(key) => candidates.push(key),
            Err(why) => notes.push(format!("key {} refused: {why}", describe(jwk))),
        }
    }
    // A kid named by two usable keys is ambiguous: neither is used.
    let mut named: HashMap<&str, usize> = HashMap::new();
    for key in &candidates {
        if let Some(kid) = key.kid() {
            *named.entry(kid).or_default() += 1;
        }
    }
    let ambiguous: HashSet<String> = named
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(kid, _)| kid.to_owned())
        .collect();
    let mut keys = KeySet::new();
    keys.set_missing_kid(options.missing_kid.clone());
    for key in candidates {
        if key.kid().is_some_and(|kid| ambiguous.contains(kid)) {
            continue;
        }
        let kid = key.kid().map(echo);
        if let Err(e) = keys.insert(key) {
            notes.push(format!(
                "key {} refused: {e}",
                kid.as_deref().unwrap_or("without kid")
            ));
        }
    }
    for kid in ambiguous {
        notes.push(format!(
            "kid {:?} names several keys; none of them is used",
            echo(&kid)
        ));
    }
    (keys, notes)
}

/// One JWK as a [`Key`], or why not.
fn usable_key(jwk: &Jwk, allowed: &[Algorithm]) -> Result<Key, String> {
    if !matches!(jwk.kty.as_str(), "RSA" | "EC" | "OKP") {
        return Err(format!(
            "key type {:?} is not RSA, EC or OKP",
            echo(&jwk.kty)
        ));
    }
    if jwk.has_private_members() {
        return Err("it publishes private members: the issuer's key is compromised".into());
    }
    if !jwk.is_for_signatures() {
        return Err("its \"use\" or \"key_ops\" is not for verifying signatures".into());
    }
    let family = jwk
        .family()
        .ok_or_else(|| "its curve is not supported".to_owned())?;
    let algorithms: Vec<Algorithm> = match jwk.alg.as_deref() {
        Some(name) => {
            let alg = Algorithm::from_name(name)
                .ok_or_else(|| format!("\"alg\" {:?} is not supported", echo(name)))?;
            if alg.family() != family {
                return Err(format!("\"alg\" {alg} does not fit its key type"));
            }
            if !allowed.contains(&alg) {
                return Err(format!("\"alg\" {alg} is not an allowed algorithm"));
            }
            vec![alg]
        }
        None => allowed
            .iter()
            .copied()
            .filter(|alg| alg.family() == family)
            .collect(),
    };
    if algorithms.is_empty() {
        return Err(format!(
            "no allowed algorithm is for {}",
            family_name(family)
        ));
    }
    Key::from_jwk(jwk, &algorithms).map_err(|e| e.to_string())
}

fn family_name(family: Family) -> &'static str {
    match family {
        Family::Hmac => "HMAC",
        Family::Rsa => "RSA keys",
        Family::Ec(curve) => curve.name(),
        Family::Ed25519 => "Ed25519",
    }
}

fn describe(jwk: &Jwk) -> String {
    match &jwk.kid {
        Some(kid) => format!("{:?}", echo(kid)),
        None => "without kid".to_owned(),
    }
}

/// Untrusted text in a log line: at most 64 characters.
fn echo(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(json: &str) -> Jwk {
        Jwk::from_json(json).expect("a JWK")
    }

    #[test]
    fn oct_and_private_and_encryption_keys_are_refused() {
        let allowed = [Algorithm::ES256, Algorithm::RS256, Algorithm::EdDSA];
        let oct = jwk(r#"{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}"#);
        assert!(usable_key(&oct, &allowed).is_err());
        let ed = r#""kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo""#;
        assert!(usable_key(&jwk(&format!("{{{ed}}}")), &allowed).is_ok());
        assert!(usable_key(&jwk(&format!(r#"{{{ed},"use":"enc"}}"#)), &allowed).is_err());
        assert!(usable_key(
            &jwk(&format!(r#"{{{ed},"key_ops":["encrypt"]}}"#)),
            &allowed
        )
        .is_err());
        assert!(usable_key(&jwk(&format!(r#"{{{ed},"alg":"RS256"}}"#)), &allowed).is_err());
        assert!(usable_key(
            &jwk(&format!(r#"{{{ed},"alg":"EdDSA"}}"#)),
            &[Algorithm::ES256]
        )
        .is_err());
        assert!(usable_key(&jwk(&format!(r#"{{{ed},"d":"AAAA"}}"#)), &allowed).is_err());
    }

    #[test]
    fn echo_cuts_long_text() {
        assert_eq!(echo("short"), "short");
        assert_eq!(echo(&"k".repeat(70)).len(), 67);
    }

    #[test]
    fn a_new_verifier_has_no_keys() {
        let jwks = RemoteJwks::builder("http://127.0.0.1:9/jwks.json")
            .algorithms(&[Algorithm::ES256])
            .build()
            .expect("a verifier");
        assert_eq!(jwks.generation(), 0);
        assert!(jwks.key_ids().is_empty());
    }
}
