//! OAuth2 `client_credentials` access tokens, cached and refreshed.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::sync::Mutex;

use crate::error_body::{excerpt, read_bounded};
use crate::secret::Secret;

/// Lifetime assumed when the token response has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Longest lifetime believed: a larger `expires_in` is read as this, so a
/// silly value cannot overflow a clock and tokens are renewed at least daily.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Largest token response body read.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// An access token could not be obtained. Neither the client secret nor any
/// token is part of it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token URL could not be reached or did not answer in time.
    #[error("token request to {url} failed: {error}")]
    Transport {
        /// The token URL.
        url: String,
        /// What went wrong.
        #[source]
        error: reqwest::Error,
    },
    /// The token URL answered with an error status.
    #[error("token request to {url} was refused: HTTP {status}{}", .detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Status {
        /// The token URL.
        url: String,
        /// The status it answered.
        status: StatusCode,
        /// The OAuth2 `error` and `error_description`, if the body had them
        /// (at most 200 characters).
        detail: Option<String>,
    },
    /// The token URL answered 2xx with a body that holds no usable token.
    #[error("token response from {url} is unusable: {problem}")]
    InvalidResponse {
        /// The token URL.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// The token `current` replaced: requests sent with it are ours too.
    previous: Option<Secret>,
}

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// The token cache of one [`Config`](crate::Config), shared by its clones and
/// every runtime built from them.
///
/// The mutex is held across the token request: callers arriving while a
/// token is fetched wait for it rather than fetching their own, so a burst of
/// requests at expiry makes one token request.
pub(crate) struct TokenCache {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: Secret,
    margin: Duration,
    state: Mutex<State>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: String,
        client_id: String,
        client_secret: Secret,
        margin: Duration,
    ) -> Self {
        TokenCache {
            http,
            token_url,
            client_id,
            client_secret,
            margin,
            state: Mutex::new(State::default()),
        }
    }

    /// A token valid for at least the refresh margin, fetched if needed.
    pub(crate) async fn token(&self) -> Result<Secret, TokenError> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.current
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        self.fetch_into(&mut state).await
    }

    /// The token to send a request again with, after it was sent with
    /// `sent`. `None` when `sent` did not come from this cache (a
    /// caller-supplied header, which is left alone). With `rejected` (the
    /// server answered 401) a still-current `sent` is replaced by a new
    /// token; if another request already replaced it, that token is used.
    pub(crate) async fn renew(
        &self,
        sent: &str,
        rejected: bool,
    ) -> Result<Option<Secret>, TokenError> {
        let mut state = self.state.lock().await;
        let is_current = state
            .current
            .as_ref()
            .is_some_and(|c| c.token.expose() == sent);
        let is_previous = state.previous.as_ref().is_some_and(|p| p.expose() == sent);
        if !is_current && !is_previous {
            return Ok(None);
        }
        let fresh = state
            .current
            .as_ref()
            .is_some_and(|c| Instant::now() < c.refresh_at);
        if fresh && !(rejected && is_current) {
            return Ok(state.current.as_ref().map(|c| c.token.clone()));
        }
        self.fetch_into(&mut state).await.map(Some)
    }

    async fn fetch_into(&self, state: &mut State) -> Result<Secret, TokenError> {
        let (token, lifetime) = self.fetch().await?;
        let lifetime = lifetime.min(MAX_LIFETIME);
        let margin = self.margin.min(lifetime / 2);
        let now = Instant::now();
        let refresh_at = now
            .checked_add(lifetime.saturating_sub(margin))
            .unwrap_or(now);
        if let Some(old) = state.current.take() {
            state.previous = Some(old.token);
        }
        state.current = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    async fn fetch(&self) -> Result<(Secret, Duration), TokenError> {
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
            .await
            .map_err(|error| {
                tracing::warn!(token_url = %url, error_kind = kind(&error), "token request failed");
                TokenError::Transport {
                    url: url.clone(),
                    error: error.without_url(),
                }
            })?;
        let status = response.status();
        let (body, _complete, _) = read_bounded(response, TOKEN_BODY_LIMIT).await;
        let latency_ms = millis(started.elapsed());
        if !status.is_success() {
            tracing::warn!(token_url = %url, status = status.as_u16(), latency_ms, "token request refused");
            return Err(TokenError::Status {
                url: url.clone(),
                status,
                detail: oauth_error(&body),
            });
        }
        let invalid = |problem: &str| TokenError::InvalidResponse {
            url: url.clone(),
            problem: problem.to_owned(),
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

/// `error: error_description` of an OAuth2 error body, bounded.
fn oauth_error(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::trim);
    let text = match (field("error"), field("error_description")) {
        (Some(e), Some(d)) => format!("{e}: {d}"),
        (Some(e), None) => e.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => return None,
    };
    Some(excerpt(text.as_bytes(), 200).0)
}
