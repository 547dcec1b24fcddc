//! OAuth2 `client_credentials` access tokens, cached and refreshed. The
//! behaviour is documented for users in the crate docs (`lib.rs`, "Access
//! tokens").

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::Shared;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, StatusCode, Url};

use crate::error_body::{excerpt, read_bounded};
use crate::retry::RetryPolicy;
use crate::secret::{Secret, redact};

/// How long a failed token request is answered from memory: callers asking
/// for a token within this time after a fetch failed get the same
/// [`TokenError`] without a new request.
pub const TOKEN_FAILURE_BACKOFF: Duration = Duration::from_secs(1);

/// Lifetime assumed when the token response has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Longest lifetime believed: a larger `expires_in` is read as this, so a
/// silly value cannot overflow a clock and tokens are renewed at least daily.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Largest token response body read.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;
/// How many of the latest tokens are remembered as issued by the cache (to
/// recognise a request's token as ours after rotations, and to redact them).
const RECENT_TOKENS: usize = 8;
/// Same-origin redirects followed before the token request gives up.
const MAX_REDIRECTS: usize = 5;
/// Longest OAuth `error` / `error_description` kept, in bytes.
const DETAIL_LIMIT: usize = 200;

/// An access token could not be obtained. Neither the client secret nor any
/// token is part of it: text from the token server is redacted first.
///
/// A generated operation whose token request failed returns
/// `progenitor_client::Error::UnexpectedResponse`; read this error back with
/// [`ErrorExt::token_error`](crate::ErrorExt::token_error).
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token URL could not be reached, or did not answer in time, in
    /// any attempt.
    #[error("token request to {url} failed{}: {error}", attempts_note(*.attempts))]
    Transport {
        /// The token URL.
        url: String,
        /// Requests sent, the first included.
        attempts: u32,
        /// What went wrong in the last attempt.
        #[source]
        error: Arc<reqwest::Error>,
    },
    /// The token URL answered with an error status.
    #[error(
        "token request to {url} was refused: HTTP {status}{}{}",
        oauth_note(.oauth_error.as_deref(), .description.as_deref()),
        attempts_note(*.attempts)
    )]
    Status {
        /// The token URL.
        url: String,
        /// The status of the last answer.
        status: StatusCode,
        /// The OAuth2 `error` code of the body (`invalid_client`, ...), if
        /// any; at most 200 bytes, redacted.
        oauth_error: Option<String>,
        /// The OAuth2 `error_description`, if any; at most 200 bytes,
        /// redacted.
        description: Option<String>,
        /// Requests sent, the first included.
        attempts: u32,
    },
    /// The token URL (or a same-origin URL it redirected to) redirected to
    /// another origin. The redirect was not followed: the client secret
    /// goes to the token URL's origin only.
    #[error(
        "token URL {url} redirected (HTTP {status}) to {location}, which is not the token URL's origin; the redirect was not followed"
    )]
    Redirect {
        /// The token URL.
        url: String,
        /// The redirect's status.
        status: StatusCode,
        /// Where it pointed (resolved against the URL that answered;
        /// `(no Location header)` when absent), redacted.
        location: String,
    },
    /// The token URL answered 2xx with a body that holds no usable token.
    #[error("token response from {url} is unusable: {problem}")]
    InvalidResponse {
        /// The token URL.
        url: String,
        /// The (successful) status it answered.
        status: StatusCode,
        /// What is wrong with it.
        problem: String,
    },
}

fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

fn oauth_note(error: Option<&str>, description: Option<&str>) -> String {
    match (error, description) {
        (Some(e), Some(d)) => format!(" ({e}: {d})"),
        (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
        (None, None) => String::new(),
    }
}

impl TokenError {
    /// The token URL the request went to.
    pub fn url(&self) -> &str {
        match self {
            TokenError::Transport { url, .. }
            | TokenError::Status { url, .. }
            | TokenError::Redirect { url, .. }
            | TokenError::InvalidResponse { url, .. } => url,
        }
    }

    /// The status the token URL answered with; `None` when it gave no
    /// answer ([`TokenError::Transport`]).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            TokenError::Transport { .. } => None,
            TokenError::Status { status, .. }
            | TokenError::Redirect { status, .. }
            | TokenError::InvalidResponse { status, .. } => Some(*status),
        }
    }

    /// The OAuth2 `error` code (`invalid_client`, `invalid_grant`, ...) the
    /// token URL answered with, if any.
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            TokenError::Status { oauth_error, .. } => oauth_error.as_deref(),
            _ => None,
        }
    }
}

/// The redirect policy of the token client: follow a redirect only within
/// the origin of the URL that answered, at most [`MAX_REDIRECTS`] times;
/// otherwise hand the 3xx response back, which [`Fetcher::attempt`] turns
/// into [`TokenError::Redirect`].
pub(crate) fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .last()
            .is_some_and(|from| from.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

type Flight = Shared<Pin<Box<dyn Future<Output = Result<Secret, TokenError>> + Send>>>;

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// The latest tokens issued, oldest first, `current`'s included.
    recent: VecDeque<Secret>,
    /// The fetch in progress, which every caller needing a token joins.
    flight: Option<Flight>,
    /// The last fetch's failure and when it happened.
    failure: Option<(Instant, TokenError)>,
}

impl State {
    fn fresh(&self) -> Option<Secret> {
        self.current
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    fn is_current(&self, token: &str) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.token.expose() == token)
    }
}

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// What a token request needs; shared by the cache and its fetches.
struct Fetcher {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: Secret,
    policy: RetryPolicy,
}

/// The token cache of one [`Config`](crate::Config), shared by its clones and
/// every runtime built from them; see "Access tokens" in the crate docs
/// for how it fetches.
pub(crate) struct TokenCache {
    fetcher: Arc<Fetcher>,
    margin: Duration,
    /// Never held across an `.await`.
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("token_url", &self.fetcher.token_url)
            .field("client_id", &self.fetcher.client_id)
            .field("client_secret", &self.fetcher.client_secret)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// `http` must use [`redirect_policy`].
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: String,
        client_id: String,
        client_secret: Secret,
        margin: Duration,
        policy: RetryPolicy,
    ) -> Self {
        TokenCache {
            fetcher: Arc::new(Fetcher {
                http,
                token_url,
                client_id,
                client_secret,
                policy,
            }),
            margin,
            state: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A token valid for at least the refresh margin, fetched if needed.
    pub(crate) async fn token(&self) -> Result<Secret, TokenError> {
        let flight = {
            let mut state = self.lock();
            if let Some(token) = state.fresh() {
                return Ok(token);
            }
            self.join_or_start(&mut state)?
        };
        flight.await
    }

    /// The token to send a request again with, after it was sent with
    /// `sent`. `None` when `sent` did not come from this cache (a
    /// caller-supplied header, which is left alone). With `rejected` (the
    /// server answered 401) a `sent` that is still current is replaced by a
    /// new token; otherwise the current token is used, fetched if it
    /// expired.
    pub(crate) async fn renew(
        &self,
        sent: &str,
        rejected: bool,
    ) -> Result<Option<Secret>, TokenError> {
        let flight = {
            let mut state = self.lock();
            if !state.recent.iter().any(|t| t.expose() == sent) {
                return Ok(None);
            }
            let forced = rejected && state.is_current(sent);
            if !forced && let Some(token) = state.fresh() {
                return Ok(Some(token));
            }
            self.join_or_start(&mut state)?
        };
        flight.await.map(Some)
    }

    /// The client secret and the latest tokens, to redact from text a
    /// server sends.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        let state = self.lock();
        std::iter::once(self.fetcher.client_secret.clone())
            .chain(state.recent.iter().cloned())
            .collect()
    }

    /// The fetch in flight, else the recent failure, else a new fetch.
    fn join_or_start(&self, state: &mut State) -> Result<Flight, TokenError> {
        if let Some(flight) = &state.flight {
            return Ok(flight.clone());
        }
        if let Some((at, error)) = &state.failure
            && at.elapsed() < TOKEN_FAILURE_BACKOFF
        {
            tracing::debug!(token_url = %self.fetcher.token_url, "token request failed moments ago; not repeated yet");
            return Err(error.clone());
        }
        let known: Vec<Secret> = state.recent.iter().cloned().collect();
        let run = run_fetch(
            self.fetcher.clone(),
            Arc::downgrade(&self.state),
            self.margin,
            known,
        );
        let boxed: Pin<Box<dyn Future<Output = Result<Secret, TokenError>> + Send>> = Box::pin(run);
        let flight = boxed.shared();
        state.flight = Some(flight.clone());
        Ok(flight)
    }
}

/// Fetches a token (with retries) and records the outcome in the cache.
/// Holds the state weakly: a cache dropped mid-fetch is not kept alive by
/// the flight it stores.
async fn run_fetch(
    fetcher: Arc<Fetcher>,
    state: Weak<Mutex<State>>,
    margin: Duration,
    known: Vec<Secret>,
) -> Result<Secret, TokenError> {
    let result = fetcher.fetch(&known).await;
    let Some(state) = state.upgrade() else {
        return result.map(|(token, _)| token);
    };
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    state.flight = None;
    match result {
        Ok((token, lifetime)) => {
            let margin = margin.min(lifetime / 2);
            let now = Instant::now();
            let refresh_at = now
                .checked_add(lifetime.saturating_sub(margin))
                .unwrap_or(now);
            state.current = Some(Cached {
                token: token.clone(),
                refresh_at,
            });
            state.recent.push_back(token.clone());
            while state.recent.len() > RECENT_TOKENS {
                state.recent.pop_front();
            }
            state.failure = None;
            Ok(token)
        }
        Err(error) => {
            state.failure = Some((Instant::now(), error.clone()));
            Err(error)
        }
    }
}

/// One attempt's failure, and how long to wait before the next one (`None`:
/// not retried).
struct Failed {
    error: TokenError,
    retry_after: Option<Duration>,
}

impl Fetcher {
    /// A token and its lifetime, retried by the policy.
    async fn fetch(&self, known: &[Secret]) -> Result<(Secret, Duration), TokenError> {
        let started = Instant::now();
        let mut attempt: u32 = 1;
        loop {
            let failed = match self.attempt(known, attempt).await {
                Ok(issued) => return Ok(issued),
                Err(failed) => failed,
            };
            if let Some(wait) = failed.retry_after
                && self.policy.allows(attempt, started.elapsed(), wait)
            {
                tracing::info!(
                    token_url = %self.token_url,
                    attempt,
                    status = failed.error.status().map(|s| s.as_u16()),
                    wait_ms = millis(wait),
                    "retrying token request"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            let mut error = failed.error;
            if let TokenError::Transport { attempts, .. } | TokenError::Status { attempts, .. } =
                &mut error
            {
                *attempts = attempt;
            }
            return Err(error);
        }
    }

    /// `text` redacted, then cut to [`DETAIL_LIMIT`] bytes (in that order,
    /// so a cut cannot leave part of a secret unrecognised).
    fn redact_bounded(&self, text: &str, known: &[Secret]) -> String {
        excerpt(self.redact(text, known).as_bytes(), DETAIL_LIMIT).0
    }

    fn redact(&self, text: &str, known: &[Secret]) -> String {
        let secrets: Vec<&str> = std::iter::once(self.client_secret.expose())
            .chain(known.iter().map(Secret::expose))
            .collect();
        redact(text, &secrets).into_owned()
    }

    /// Attempt number `attempt` (1 for the first).
    async fn attempt(&self, known: &[Secret], attempt: u32) -> Result<(Secret, Duration), Failed> {
        let started = Instant::now();
        let url = &self.token_url;
        let response = self
            .http
            .post(url.as_str())
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose()),
            ])
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(token_url = %url, error_kind = kind(&error), "token request failed");
                // Nothing was issued, so asking again is harmless whatever
                // the stage the exchange failed at.
                let transient = error.is_connect()
                    || error.is_timeout()
                    || error.is_request()
                    || error.is_body();
                return Err(Failed {
                    retry_after: transient.then(|| self.policy.backoff(attempt)),
                    error: TokenError::Transport {
                        url: url.clone(),
                        attempts: 1,
                        error: Arc::new(error.without_url()),
                    },
                });
            }
        };
        let status = response.status();
        if status.is_redirection() {
            let location = redirect_target(response.url(), response.headers());
            tracing::warn!(token_url = %url, status = status.as_u16(), "token URL redirected to another origin; not followed");
            return Err(Failed {
                retry_after: None,
                error: TokenError::Redirect {
                    url: url.clone(),
                    status,
                    location: excerpt(self.redact(&location, known).as_bytes(), 500).0,
                },
            });
        }
        let headers = response.headers().clone();
        let (body, _complete, _) = read_bounded(response, TOKEN_BODY_LIMIT).await;
        let latency_ms = millis(started.elapsed());
        if !status.is_success() {
            tracing::warn!(token_url = %url, status = status.as_u16(), latency_ms, "token request refused");
            let (oauth_error, description) = oauth_error(&body);
            // A token request changes nothing on the server, so it is
            // retried like an idempotent request.
            let retry_after = self
                .policy
                .wait_for_status(&Method::GET, status, &headers, attempt);
            return Err(Failed {
                retry_after,
                error: TokenError::Status {
                    url: url.clone(),
                    status,
                    oauth_error: oauth_error.map(|t| self.redact_bounded(&t, known)),
                    description: description.map(|t| self.redact_bounded(&t, known)),
                    attempts: 1,
                },
            });
        }
        let invalid = |problem: &str| Failed {
            retry_after: None,
            error: TokenError::InvalidResponse {
                url: url.clone(),
                status,
                problem: problem.to_owned(),
            },
        };
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| invalid("the body is not JSON"))?;
        let token = match value.get("access_token") {
            Some(serde_json::Value::String(t)) if !t.trim().is_empty() => Secret::new(t.trim()),
            Some(serde_json::Value::String(_)) => return Err(invalid("`access_token` is empty")),
            Some(_) => return Err(invalid("`access_token` is not a string")),
            None => return Err(invalid("no `access_token`")),
        };
        let lifetime = match value.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n
                .as_f64()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| Duration::from_secs_f64(s.min(MAX_LIFETIME.as_secs_f64())))
                .ok_or_else(|| invalid("`expires_in` is negative"))?,
            Some(serde_json::Value::String(s)) => s
                .trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| invalid("`expires_in` is not a number"))?,
            _ => DEFAULT_LIFETIME,
        };
        let lifetime = lifetime.min(MAX_LIFETIME);
        tracing::debug!(
            token_url = %url,
            status = status.as_u16(),
            expires_in_s = lifetime.as_secs(),
            latency_ms,
            "fetched access token"
        );
        Ok((token, lifetime))
    }
}

/// Where a redirect pointed, resolved against the URL that answered it.
fn redirect_target(answered: &Url, headers: &HeaderMap) -> String {
    let Some(location) = headers.get(LOCATION) else {
        return "(no Location header)".to_owned();
    };
    let text = String::from_utf8_lossy(location.as_bytes());
    match answered.join(&text) {
        Ok(target) => target.into(),
        Err(_) => text.into_owned(),
    }
}

pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A short name for what kind of transport error happened; the error's own
/// text may name the URL with its query string.
pub(crate) fn kind(error: &reqwest::Error) -> &'static str {
    if error.is_connect() {
        "connect"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_body() {
        "body"
    } else if error.is_request() {
        "request"
    } else if error.is_decode() {
        "decode"
    } else {
        "other"
    }
}

/// The OAuth2 `error` and `error_description` of an error body (not yet
/// bounded or redacted).
fn oauth_error(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (None, None);
    };
    let field = |name: &str| {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    (field("error"), field("error_description"))
}
