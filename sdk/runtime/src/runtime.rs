use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use tracing::Instrument;
use tracing::field::Empty;

use crate::config::{Auth, Config};
use crate::error_body::finish;
use crate::query::{QueryStyle, rewrite_query};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::token::{TokenCache, TokenError, kind, millis};

/// Name of the header experimental operations must send.
pub const EXPERIMENTAL_HEADER: &str = "X-SailPoint-Experimental";

/// The header progenitor sends with the spec's `info.version`.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Static facts about one operation, emitted by the generator as a
/// `&'static` table and passed to [`Runtime::prepare`] and
/// [`Runtime::execute`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's operationId (as the generated method is named).
    pub id: &'static str,
    /// `false` when the spec says `security: [{}]`: no token is fetched or
    /// sent.
    pub authenticated: bool,
    /// The operation needs `X-SailPoint-Experimental: true`.
    pub experimental: bool,
    /// Headers sent with a fixed value, replacing any value the request
    /// already has (e.g. `Content-Type: application/json-patch+json`).
    pub fixed_headers: &'static [(&'static str, &'static str)],
    /// Query parameters whose items are not sent one pair each (the
    /// spec's `style` and `explode`; see [`crate::query`]).
    pub query_styles: &'static [(&'static str, QueryStyle)],
}

impl Operation {
    /// An authenticated, non-experimental operation without fixed headers.
    pub const fn new(id: &'static str) -> Self {
        Operation {
            id,
            authenticated: true,
            experimental: false,
            fixed_headers: &[],
            query_styles: &[],
        }
    }
}

/// Per-client state and behaviour shared by all generated operations.
///
/// Generated clients hold one of these as their inner value and call it from
/// their progenitor hooks:
///
/// ```ignore
/// async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo)
///     -> Result<(), Error<E>> {
///     self.inner.prepare(request, operation(info.operation_id)).await?;
///     Ok(())
/// }
/// async fn exec(&self, request: reqwest::Request, info: &OperationInfo)
///     -> reqwest::Result<reqwest::Response> {
///     self.inner.execute(&self.client, request, operation(info.operation_id)).await
/// }
/// ```
///
/// Cloning is cheap: the state sits behind an [`Arc`], and runtimes built
/// from one [`Config`] share its token cache.
#[derive(Clone, Default)]
pub struct Runtime {
    inner: Arc<Inner>,
}

#[derive(Clone, Default)]
struct Inner {
    auth: Option<Auth>,
    retry: RetryPolicy,
    rate_limits: RateLimits,
}

/// How many 429 answers a runtime and its clones have received: what
/// [`Runtime::offset_stream`] watches to send fewer pages at once.
#[derive(Clone, Debug, Default)]
pub(crate) struct RateLimits(Arc<AtomicU64>);

impl RateLimits {
    /// 429s received so far.
    pub(crate) fn seen(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn record(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// A request could not be readied. No variant holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// A fixed header name is not a valid HTTP header name.
    #[error("invalid header name `{0}`")]
    InvalidHeaderName(String),
    /// A value is not a valid HTTP header value for the named header.
    #[error("invalid value for header `{0}`")]
    InvalidHeaderValue(String),
    /// No access token could be obtained; the request was not sent.
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// Lets a `pre` hook use `?`. Header problems mean the request cannot be
/// sent as built ([`progenitor_client::Error::InvalidRequest`]). A failed
/// token request is [`progenitor_client::Error::UnexpectedResponse`] with a
/// response the runtime builds (see [`ErrorExt::token_error`](crate::ErrorExt::token_error)):
/// its URL is the token URL, its status the token URL's, and it carries the
/// [`TokenError`].
impl<E> From<RuntimeError> for progenitor_client::Error<E> {
    fn from(error: RuntimeError) -> Self {
        match error {
            RuntimeError::Token(token_error) => {
                progenitor_client::Error::UnexpectedResponse(token_failure_response(token_error))
            }
            _ => progenitor_client::Error::InvalidRequest(error.to_string()),
        }
    }
}

/// The header of [`token_failure_response`] holding the [`TokenError`]'s
/// message, so that `Display` of the progenitor error shows it.
pub(crate) const TOKEN_ERROR_HEADER: &str = "x-sailpoint-token-error";

/// A stand-in response for a failed token request: the token URL's error
/// status (or redirect status); 504 Gateway Timeout when it did not answer
/// in time and 502 Bad Gateway when it could not be reached or answered 2xx
/// without a usable token, as a gateway reports its upstream. The
/// [`TokenError`] is an extension and its message the
/// [`TOKEN_ERROR_HEADER`]. No body.
fn token_failure_response(error: TokenError) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;

    let status = match &error {
        TokenError::Transport { error, .. } if error.is_timeout() => {
            reqwest::StatusCode::GATEWAY_TIMEOUT
        }
        TokenError::Status { status, .. } | TokenError::Redirect { status, .. } => *status,
        _ => reqwest::StatusCode::BAD_GATEWAY,
    };
    // Header values are visible ASCII; the message may not be.
    let message: String = error
        .to_string()
        .chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    let mut builder = http::Response::builder().status(status);
    if let Ok(url) = reqwest::Url::parse(error.url()) {
        builder = builder.url(url);
    }
    if let Ok(value) = HeaderValue::from_str(&message) {
        builder = builder.header(TOKEN_ERROR_HEADER, value);
    }
    match builder.extension(error).body(Vec::<u8>::new()) {
        Ok(response) => reqwest::Response::from(response),
        // Unreachable: status, URL and header were all checked above.
        Err(_) => reqwest::Response::from(http::Response::new(Vec::<u8>::new())),
    }
}

fn bearer(token: &Secret) -> Result<HeaderValue, RuntimeError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| RuntimeError::InvalidHeaderValue(AUTHORIZATION.to_string()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The token of a `Bearer` Authorization header.
fn sent_token(request: &reqwest::Request) -> Option<String> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

impl Runtime {
    /// A runtime without credentials and with the default [`RetryPolicy`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A runtime with `config`'s credentials and retry policy. Runtimes
    /// built from one `Config` (or its clones) share one token cache.
    pub fn from_config(config: &Config) -> Self {
        Runtime {
            inner: Arc::new(Inner {
                auth: Some(config.auth().clone()),
                retry: config.retry_policy().clone(),
                rate_limits: RateLimits::default(),
            }),
        }
    }

    /// Sends `Authorization: Bearer <token>` with a fixed token that is
    /// never refreshed.
    pub fn with_bearer_token(mut self, token: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.inner).auth = Some(Auth::Static(Secret::new(token)));
        self
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        Arc::make_mut(&mut self.inner).retry = policy;
        self
    }

    /// How many 429 (Too Many Requests) answers this runtime and its clones
    /// have received, retried or not.
    pub fn rate_limited(&self) -> u64 {
        self.inner.rate_limits.seen()
    }

    /// [`offset_stream`](crate::offset_stream), with fewer pages in flight
    /// each time this runtime receives a 429 (see
    /// [`Paging::concurrency`](crate::Paging::concurrency)). The generated
    /// `.stream()`s of offset lists call this.
    pub fn offset_stream<'a, P, E, F, Fut>(
        &self,
        paging: crate::Paging,
        fetch: F,
    ) -> futures::stream::BoxStream<'a, Result<P::Item, E>>
    where
        P: crate::OffsetPage + Send + 'a,
        P::Item: Send + 'a,
        E: Send + 'a,
        F: FnMut(i64, i64) -> Fut + Send + 'a,
        Fut: Future<Output = Result<P, E>> + Send + 'a,
    {
        crate::pagination::offset_stream_watching(
            paging,
            Some(self.inner.rate_limits.clone()),
            fetch,
        )
    }

    fn token_cache(&self) -> Option<&TokenCache> {
        match &self.inner.auth {
            Some(Auth::OAuth(cache)) => Some(cache),
            _ => None,
        }
    }

    /// Readies `request` to be sent (the progenitor `pre` hook).
    ///
    /// Each of `op.fixed_headers` replaces any value the request already has
    /// for that name; an experimental operation gets
    /// `X-SailPoint-Experimental: true`. Then, if `op.authenticated`, the
    /// runtime has credentials and the request has no `Authorization`
    /// header, `Authorization: Bearer <token>` is added, marked sensitive (so
    /// `Debug` of the header hides it and HTTP/2 never indexes it). With
    /// client credentials the token comes from the shared cache, fetched or
    /// refreshed first if needed; a failed token request is an error naming
    /// the token URL and status, and the request is not sent. A
    /// caller-supplied `Authorization` header is left alone.
    ///
    /// The `api-version` header progenitor adds to every request (the spec's
    /// `info.version`) is removed: SailPoint's API defines no such header,
    /// the version is in the path, and a client should send only what the
    /// API documents.
    pub async fn prepare(
        &self,
        request: &mut reqwest::Request,
        op: &Operation,
    ) -> Result<(), RuntimeError> {
        rewrite_query(request.url_mut(), op.query_styles);
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        for &(name, value) in op.fixed_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| RuntimeError::InvalidHeaderName(name.to_owned()))?;
            let header_value = HeaderValue::from_str(value)
                .map_err(|_| RuntimeError::InvalidHeaderValue(name.to_owned()))?;
            headers.insert(header_name, header_value);
        }
        if op.experimental && !headers.contains_key(EXPERIMENTAL_HEADER) {
            headers.insert(EXPERIMENTAL_HEADER, HeaderValue::from_static("true"));
        }
        if !op.authenticated || headers.contains_key(AUTHORIZATION) {
            return Ok(());
        }
        let token = match &self.inner.auth {
            None => return Ok(()),
            Some(Auth::Static(token)) => token.clone(),
            Some(Auth::OAuth(cache)) => {
                cache
                    .token()
                    .instrument(tracing::debug_span!("sailpoint.token", operation = op.id))
                    .await?
            }
        };
        headers.insert(AUTHORIZATION, bearer(&token)?);
        Ok(())
    }

    /// Sends `request` with `client` (the progenitor `exec` hook): the one
    /// place where requests are sent.
    ///
    /// - Retries by the runtime's [`RetryPolicy`]: 429 (honouring
    ///   `Retry-After`), and 502/503/504 and connection failures for
    ///   idempotent methods. A request whose body cannot be cloned (a
    ///   streamed upload) is sent once.
    /// - A 401 answered to a request carrying a token from the cache makes
    ///   one forced token refresh and one immediate retry (if the body can
    ///   be cloned), also when the 401 answers a retry. Every retry after a
    ///   wait carries the cache's current token (fetched if it expired), so
    ///   a token another caller rotated meanwhile is not sent stale.
    /// - The client secret and the tokens in use are redacted from error
    ///   bodies.
    /// - When retries run out, the last response is returned as is, so its
    ///   status reaches the caller.
    /// - Every response carries an [`Attempts`](crate::Attempts) extension;
    ///   every 4xx/5xx body is made a bounded JSON object that decodes as
    ///   [`ApiError`](crate::ApiError), with the attempts, status, content
    ///   type and (for a non-JSON, truncated or huge body) a 4 KiB excerpt
    ///   in [`ApiError::runtime`](crate::ApiError::runtime).
    /// - Runs in a `sailpoint.request` tracing span with the operation id,
    ///   method, URL path (never the query string, which may carry
    ///   personal data in filters), final status, attempts and latency.
    ///   Events: each attempt's status and latency at `debug`, a retry or a
    ///   401 refresh at `info`, a failed token request at `warn`. Headers
    ///   and bodies are never logged.
    ///
    /// A transport error after the last attempt is returned as is.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        op: &Operation,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "sailpoint.request",
            operation = op.id,
            method = %request.method(),
            path = request.url().path(),
            status = Empty,
            attempts = Empty,
            latency_ms = Empty,
        );
        self.send_with_retries(client, request)
            .instrument(span)
            .await
    }

    async fn send_with_retries(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner.retry;
        let started = Instant::now();
        let method = request.method().clone();
        let may_repeat = policy.may_repeat(&method);
        let template = request.try_clone();
        let cache = self.token_cache();
        let mut request = request;
        let mut attempt: u32 = 1;
        let mut refreshed_after_401 = false;
        let span = tracing::Span::current();

        loop {
            let sent = sent_token(&request);
            let attempt_started = Instant::now();
            let result = client.execute(request).await;
            let latency_ms = millis(attempt_started.elapsed());

            let wait = match &result {
                Ok(response) => {
                    let status = response.status();
                    tracing::debug!(attempt, status = status.as_u16(), latency_ms, "response");
                    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                        self.inner.rate_limits.record();
                    }
                    if status == reqwest::StatusCode::UNAUTHORIZED
                        && !refreshed_after_401
                        && let (Some(cache), Some(sent), Some(template)) =
                            (cache, sent.as_deref(), template.as_ref())
                    {
                        refreshed_after_401 = true;
                        match cache.renew(sent, true).await {
                            Ok(Some(token)) => {
                                if let Some(next) = with_token(template, &token) {
                                    tracing::info!(
                                        attempt,
                                        "401 with a cached token: refreshed it, retrying"
                                    );
                                    request = next;
                                    attempt += 1;
                                    continue;
                                }
                            }
                            Ok(None) => {}
                            Err(error) => {
                                tracing::warn!(%error, "token refresh after 401 failed");
                            }
                        }
                    }
                    policy.wait_for_status(&method, status, response.headers(), attempt)
                }
                Err(error) => {
                    tracing::debug!(
                        attempt,
                        error_kind = kind(error),
                        latency_ms,
                        "request failed"
                    );
                    if error.is_connect()
                        || (may_repeat && (error.is_timeout() || error.is_request()))
                    {
                        Some(policy.backoff(attempt))
                    } else {
                        None
                    }
                }
            };

            if let (Some(wait), Some(template)) = (wait, &template)
                && policy.allows(attempt, started.elapsed(), wait)
                && let Some(mut next) = template.try_clone()
            {
                tracing::info!(
                    attempt,
                    status = result.as_ref().ok().map(|r| r.status().as_u16()),
                    wait_ms = millis(wait),
                    "retrying"
                );
                drop(result);
                tokio::time::sleep(wait).await;
                self.renew_token_in(&mut next, sent.as_deref()).await;
                request = next;
                attempt += 1;
                continue;
            }

            span.record("attempts", attempt);
            span.record("latency_ms", millis(started.elapsed()));
            return match result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    tracing::debug!(
                        status = response.status().as_u16(),
                        attempts = attempt,
                        "request finished"
                    );
                    let secrets = self.secrets(sent.as_deref());
                    let secrets: Vec<&str> = secrets.iter().map(Secret::expose).collect();
                    Ok(finish(response, attempt, &secrets).await)
                }
                Err(error) => {
                    tracing::debug!(
                        error_kind = kind(&error),
                        attempts = attempt,
                        "request failed"
                    );
                    Err(error)
                }
            };
        }
    }

    /// What to redact from an error body: the client secret and the cache's
    /// latest tokens, or the fixed token, and the token `sent` with the
    /// request.
    fn secrets(&self, sent: Option<&str>) -> Vec<Secret> {
        let mut secrets = match &self.inner.auth {
            Some(Auth::OAuth(cache)) => cache.secrets(),
            Some(Auth::Static(token)) => vec![token.clone()],
            None => Vec::new(),
        };
        secrets.extend(sent.map(Secret::new));
        secrets
    }

    /// If `request` carried the cache's token `sent`, puts the cache's
    /// current token on it (fetched anew if it expired during the wait).
    async fn renew_token_in(&self, request: &mut reqwest::Request, sent: Option<&str>) {
        let (Some(cache), Some(sent)) = (self.token_cache(), sent) else {
            return;
        };
        match cache.renew(sent, false).await {
            Ok(Some(token)) => {
                if let Ok(value) = bearer(&token) {
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "token refresh before retry failed"),
        }
    }
}

fn with_token(template: &reqwest::Request, token: &Secret) -> Option<reqwest::Request> {
    let mut next = template.try_clone()?;
    let value = bearer(token).ok()?;
    next.headers_mut().insert(AUTHORIZATION, value);
    Some(next)
}

#[cfg(test)]
mod tests {
    use reqwest::header::CONTENT_TYPE;

    use super::*;

    const TOKEN: &str = "s3cr3t-token-value";

    fn json_post() -> reqwest::Request {
        reqwest::Client::new()
            .post("http://127.0.0.1:9/v2025/accounts/a1")
            .json(&serde_json::json!([{"op": "replace", "path": "/name", "value": "x"}]))
            .build()
            .unwrap()
    }

    const PATCH: Operation = Operation {
        id: "updateAccount",
        authenticated: true,
        experimental: true,
        fixed_headers: &[("Content-Type", "application/json-patch+json")],
        query_styles: &[],
    };

    #[tokio::test]
    async fn prepare_replaces_content_type_and_adds_experimental_header() {
        let mut request = json_post();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");

        Runtime::new().prepare(&mut request, &PATCH).await.unwrap();

        let content_types: Vec<_> = request.headers().get_all(CONTENT_TYPE).iter().collect();
        assert_eq!(content_types, ["application/json-patch+json"]);
        assert_eq!(request.headers()["x-sailpoint-experimental"], "true");
    }

    #[tokio::test]
    async fn prepare_adds_sensitive_bearer_token() {
        let mut request = json_post();
        Runtime::new()
            .with_bearer_token(TOKEN)
            .prepare(&mut request, &Operation::new("getAccount"))
            .await
            .unwrap();

        let authorization = &request.headers()[AUTHORIZATION];
        assert_eq!(authorization, &format!("Bearer {TOKEN}"));
        assert!(authorization.is_sensitive());
        assert!(!request.headers().contains_key(EXPERIMENTAL_HEADER));
    }

    #[tokio::test]
    async fn prepare_keeps_existing_authorization() {
        let mut request = json_post();
        request.headers_mut().insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer caller-chosen"),
        );
        Runtime::new()
            .with_bearer_token(TOKEN)
            .prepare(&mut request, &Operation::new("getAccount"))
            .await
            .unwrap();

        let values: Vec<_> = request.headers().get_all(AUTHORIZATION).iter().collect();
        assert_eq!(values, ["Bearer caller-chosen"]);
    }

    #[tokio::test]
    async fn unauthenticated_operation_gets_no_token() {
        let mut request = json_post();
        let op = Operation {
            authenticated: false,
            ..Operation::new("getPublicIdentityConfig")
        };
        Runtime::new()
            .with_bearer_token(TOKEN)
            .prepare(&mut request, &op)
            .await
            .unwrap();
        assert!(!request.headers().contains_key(AUTHORIZATION));
    }

    #[tokio::test]
    async fn prepare_without_token_adds_no_authorization() {
        let mut request = json_post();
        Runtime::new()
            .prepare(&mut request, &Operation::new("x"))
            .await
            .unwrap();
        assert!(!request.headers().contains_key(AUTHORIZATION));
    }

    #[tokio::test]
    async fn prepare_rejects_invalid_header_name_and_value() {
        let mut request = json_post();
        let op = Operation {
            fixed_headers: &[("Bad Name", "x")],
            ..Operation::new("x")
        };
        let error = Runtime::new().prepare(&mut request, &op).await.unwrap_err();
        assert!(matches!(&error, RuntimeError::InvalidHeaderName(n) if n == "Bad Name"));

        let op = Operation {
            fixed_headers: &[("X-Fixed", "line\nbreak")],
            ..Operation::new("x")
        };
        let error = Runtime::new().prepare(&mut request, &op).await.unwrap_err();
        assert_eq!(error.to_string(), "invalid value for header `X-Fixed`");
    }

    #[tokio::test]
    async fn invalid_token_error_names_header_but_not_token() {
        let token = "leaky\ntoken";
        let error = Runtime::new()
            .with_bearer_token(token)
            .prepare(&mut json_post(), &Operation::new("x"))
            .await
            .unwrap_err();

        let text = (error.to_string(), format!("{error:?}"));
        let converted: progenitor_client::Error<()> = error.into();
        for text in [text.0, text.1, converted.to_string()] {
            assert!(text.contains("authorization"), "{text}");
            assert!(!text.contains("leaky"), "{text}");
        }
    }

    #[test]
    fn debug_redacts_token() {
        let runtime = Runtime::new().with_bearer_token(TOKEN);
        for text in [format!("{runtime:?}"), format!("{runtime:#?}")] {
            assert!(!text.contains(TOKEN), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }

    #[test]
    fn clones_share_state_and_builder_does_not_mutate_clones() {
        let plain = Runtime::new();
        let with_token = plain.clone().with_bearer_token(TOKEN);
        assert!(plain.inner.auth.is_none());

        let copy = with_token.clone();
        assert!(Arc::ptr_eq(&copy.inner, &with_token.inner));
    }
}
