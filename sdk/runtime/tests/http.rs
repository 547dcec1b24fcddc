//! The runtime against real HTTP exchanges with wiremock on 127.0.0.1:
//! `prepare` + `execute` with real reqwest requests, as the generated hooks
//! call them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use progenitor_client::Error;
use reqwest::{Method, StatusCode};
use sailpoint_runtime::{
    ApiError, Attempts, Config, ConfigBuilder, ErrorExt, Operation, RetryPolicy, Runtime, Sources,
    USER_AGENT_PREFIX,
};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "test-client-id";
const SECRET: &str = "http-super-secret-value";

const GET_SOURCES: Operation = Operation::new("listSources");
const CREATE_SOURCE: Operation = Operation::new("createSource");

/// Issues `tok-1`, `tok-2`, ... with the given lifetime, counting calls.
#[derive(Clone)]
struct TokenIssuer {
    issued: Arc<AtomicUsize>,
    expires_in: u64,
    delay: Duration,
}

impl TokenIssuer {
    fn new(expires_in: u64) -> Self {
        TokenIssuer {
            issued: Arc::default(),
            expires_in,
            delay: Duration::ZERO,
        }
    }

    fn count(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }

    async fn mount(&self, server: &MockServer) {
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains(format!("client_id={CLIENT_ID}")))
            .and(body_string_contains(format!("client_secret={SECRET}")))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }
}

impl Respond for TokenIssuer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": format!("tok-{n}"),
                "token_type": "bearer",
                "expires_in": self.expires_in,
            }))
            .set_delay(self.delay)
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_wait(Duration::from_secs(2))
}

fn oauth(server: &MockServer) -> ConfigBuilder {
    Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .client_credentials(CLIENT_ID, SECRET)
        .no_proxy()
        .retry(fast_retries())
}

fn static_config(server: &MockServer, token: &str) -> Config {
    Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .access_token(token)
        .no_proxy()
        .retry(fast_retries())
        .build()
        .unwrap()
}

/// Builds, prepares and executes one request, as a generated operation does.
async fn send(
    config: &Config,
    runtime: &Runtime,
    method: Method,
    path_and_query: &str,
    op: &Operation,
) -> reqwest::Response {
    let client = config.http_client();
    let mut request = client
        .request(
            method,
            format!("{}{path_and_query}", config.base_url_for("v2025")),
        )
        .json(&json!({"name": "x"}))
        .build()
        .unwrap();
    runtime.prepare(&mut request, op).await.unwrap();
    runtime.execute(&client, request, op).await.unwrap()
}

async fn get(config: &Config, runtime: &Runtime) -> reqwest::Response {
    send(config, runtime, Method::GET, "/sources", &GET_SOURCES).await
}

fn attempts(response: &reqwest::Response) -> u32 {
    response.extensions().get::<Attempts>().unwrap().0
}

/// Decodes `response` as a documented error, as generated operations do.
async fn documented_error(response: reqwest::Response) -> Error<ApiError> {
    let value = sailpoint_runtime::decode_error::<ApiError>(response)
        .await
        .unwrap();
    Error::ErrorResponse(value)
}

async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() != "/oauth/token")
        .collect()
}

fn authorization(request: &Request) -> Option<&str> {
    request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
}

async fn ok_for_any(server: &MockServer) {
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(server)
        .await;
}

#[tokio::test]
async fn sends_fixed_headers_token_user_agent_and_body() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(600);
    issuer.mount(&server).await;
    Mock::given(method("PATCH"))
        .and(path("/v2025/accounts/a1"))
        .and(header("content-type", "application/json-patch+json"))
        .and(header("x-sailpoint-experimental", "true"))
        .and(header("authorization", "Bearer tok-1"))
        .and(header(
            "user-agent",
            format!("{USER_AGENT_PREFIX} my-tool/1.0").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a1"})))
        .expect(1)
        .mount(&server)
        .await;
    let config = oauth(&server)
        .user_agent_suffix("my-tool/1.0")
        .build()
        .unwrap();
    let op = Operation {
        experimental: true,
        fixed_headers: &[("Content-Type", "application/json-patch+json")],
        ..Operation::new("updateAccount")
    };
    let response = send(
        &config,
        &config.runtime(),
        Method::PATCH,
        "/accounts/a1",
        &op,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&response), 1);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        json!({"id": "a1"})
    );
    let sent = api_requests(&server).await;
    assert_eq!(sent[0].body, br#"{"name":"x"}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_share_one_token_request() {
    let server = MockServer::start().await;
    let mut issuer = TokenIssuer::new(600);
    issuer.delay = Duration::from_millis(200);
    issuer.mount(&server).await;
    ok_for_any(&server).await;
    let config = oauth(&server).build().unwrap();

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            // Half through clones of the Config, half through one Runtime:
            // both share the cache.
            let config = config.clone();
            tokio::spawn(async move {
                let runtime = if i % 2 == 0 {
                    config.runtime()
                } else {
                    Runtime::from_config(&config)
                };
                get(&config, &runtime).await.status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }

    assert_eq!(issuer.count(), 1);
    let sent = api_requests(&server).await;
    assert_eq!(sent.len(), 50);
    assert!(
        sent.iter()
            .all(|r| authorization(r) == Some("Bearer tok-1"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_mid_sequence_refreshes_once_for_concurrent_callers() {
    let server = MockServer::start().await;
    // 4 s lifetime: the margin becomes 2 s, so the token is replaced after
    // 2 s (room for the first two calls on a busy machine).
    let mut issuer = TokenIssuer::new(4);
    issuer.delay = Duration::from_millis(100);
    issuer.mount(&server).await;
    ok_for_any(&server).await;
    let config = oauth(&server).build().unwrap();
    let runtime = config.runtime();

    get(&config, &runtime).await;
    get(&config, &runtime).await;
    assert_eq!(issuer.count(), 1);

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (config, runtime) = (config.clone(), runtime.clone());
            tokio::spawn(async move { get(&config, &runtime).await.status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }

    assert_eq!(issuer.count(), 2);
    let sent = api_requests(&server).await;
    let tokens: Vec<_> = sent.iter().map(|r| authorization(r).unwrap()).collect();
    assert_eq!(tokens[..2], ["Bearer tok-1", "Bearer tok-1"]);
    assert!(
        tokens[2..].iter().all(|t| *t == "Bearer tok-2"),
        "{tokens:?}"
    );
}

#[tokio::test]
async fn unauthorized_cached_token_is_refreshed_once_and_retried() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(600);
    issuer.mount(&server).await;
    Mock::given(path("/v2025/sources"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "JWT validation failed: JWT is expired"})),
        )
        .mount(&server)
        .await;
    ok_for_any(&server).await;
    let config = oauth(&server).build().unwrap();

    // POST too: a 401 means the request was not acted on.
    let response = send(
        &config,
        &config.runtime(),
        Method::POST,
        "/sources",
        &CREATE_SOURCE,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&response), 2);
    assert_eq!(issuer.count(), 2);
    let sent = api_requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].body, br#"{"name":"x"}"#, "body resent");
}

#[tokio::test]
async fn unauthorized_twice_refreshes_only_once() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(600);
    issuer.mount(&server).await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "denied"})))
        .mount(&server)
        .await;
    let config = oauth(&server).build().unwrap();

    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(issuer.count(), 2);
    assert_eq!(api_requests(&server).await.len(), 2);
    let error = documented_error(response).await;
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.attempts(), Some(2));
    assert_eq!(error.api_error().unwrap().error.as_deref(), Some("denied"));
}

#[tokio::test]
async fn static_token_never_calls_the_token_url_even_after_401() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(path("/v2025/sources"))
        .and(header("authorization", "Bearer fixed-token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "expired"})))
        // One request per runtime, none retried.
        .expect(2)
        .mount(&server)
        .await;
    let config = static_config(&server, "fixed-token");
    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(attempts(&response), 1);

    // The same holds for Runtime::with_bearer_token.
    let runtime = Runtime::new().with_bearer_token("fixed-token");
    assert_eq!(
        get(&config, &runtime).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn unauthenticated_operation_sends_no_authorization_and_fetches_no_token() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(600);
    issuer.mount(&server).await;
    ok_for_any(&server).await;
    let config = oauth(&server).build().unwrap();
    let op = Operation {
        authenticated: false,
        ..Operation::new("getPublicInfo")
    };
    let response = send(&config, &config.runtime(), Method::GET, "/sources", &op).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(issuer.count(), 0);
    assert_eq!(authorization(&api_requests(&server).await[0]), None);
}

#[tokio::test]
async fn failed_token_request_is_an_error_naming_url_and_status() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "Bad credentials"}),
        ))
        .mount(&server)
        .await;
    let config = oauth(&server).build().unwrap();
    let mut request = config
        .http_client()
        .get(config.base_url_for("v2025") + "/sources")
        .build()
        .unwrap();
    let error = config
        .runtime()
        .prepare(&mut request, &GET_SOURCES)
        .await
        .unwrap_err();
    assert!(!request.headers().contains_key("authorization"));

    let text = error.to_string();
    assert!(
        text.contains(&format!("{}/oauth/token", server.uri())),
        "{text}"
    );
    assert!(text.contains("401"), "{text}");
    assert!(text.contains("invalid_client: Bad credentials"), "{text}");
    let debug = format!("{error:?}");
    let converted: Error<ApiError> = error.into();
    for text in [text, debug, converted.to_string()] {
        assert!(!text.contains(SECRET), "{text}");
    }

    // A 200 without a token is an error too, not an empty token sent on.
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": ""})))
        .mount(&server)
        .await;
    let config = oauth(&server).build().unwrap();
    let mut request = config
        .http_client()
        .get(config.base_url_for("v2025") + "/sources")
        .build()
        .unwrap();
    let error = config
        .runtime()
        .prepare(&mut request, &GET_SOURCES)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("`access_token` is empty"),
        "{error}"
    );
}

#[tokio::test]
async fn rate_limit_with_retry_after_is_waited_for_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"message": "Rate Limit Exceeded"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    ok_for_any(&server).await;
    let config = static_config(&server, "t");

    let started = Instant::now();
    // POST: a 429 was not acted on, so every method is retried.
    let response = send(
        &config,
        &config.runtime(),
        Method::POST,
        "/sources",
        &CREATE_SOURCE,
    )
    .await;
    let elapsed = started.elapsed();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&response), 2);
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_longer_than_max_wait_goes_back_to_the_caller() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .set_body_json(json!({"message": "Rate Limit Exceeded"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let config = static_config(&server, "t");
    let error = documented_error(get(&config, &config.runtime()).await).await;

    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(error.attempts(), Some(1));
    let api_error = error.api_error().unwrap();
    assert_eq!(api_error.message.as_deref(), Some("Rate Limit Exceeded"));
    assert_eq!(api_error.to_string(), "Rate Limit Exceeded");
}

#[tokio::test]
async fn exhausted_retries_return_the_last_status_and_attempt_count() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(
                json!({"detailCode": "503 Service Unavailable", "trackingId": "t-503"}),
            ),
        )
        // Two requests of three attempts each.
        .expect(6)
        .mount(&server)
        .await;
    let config = Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .access_token("t")
        .no_proxy()
        .retry(fast_retries().max_attempts(3))
        .build()
        .unwrap();

    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(attempts(&response), 3);
    let error = documented_error(response).await;
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.attempts(), Some(3));
    let api_error = error.api_error().unwrap();
    assert_eq!(api_error.tracking_id.as_deref(), Some("t-503"));
    let info = api_error.runtime.as_ref().unwrap();
    assert_eq!((info.attempts, info.status), (3, 503));
    assert!(info.raw_body.is_none(), "a JSON error passes through");

    // An undocumented status reaches the caller as UnexpectedResponse; the
    // attempt count is on the response.
    let error: Error<ApiError> = Error::UnexpectedResponse(get(&config, &config.runtime()).await);
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.attempts(), Some(3));
}

#[tokio::test]
async fn post_is_not_retried_after_5xx_unless_opted_in() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let config = static_config(&server, "t");

    let response = send(
        &config,
        &config.runtime(),
        Method::POST,
        "/sources",
        &CREATE_SOURCE,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(attempts(&response), 1);
    assert_eq!(api_requests(&server).await.len(), 1);

    let opted_in = config
        .runtime()
        .with_retry_policy(fast_retries().max_attempts(3).retry_non_idempotent(true));
    let response = send(&config, &opted_in, Method::POST, "/sources", &CREATE_SOURCE).await;
    assert_eq!(attempts(&response), 3);
    assert_eq!(api_requests(&server).await.len(), 4);
}

#[tokio::test]
async fn plain_500_is_not_retried_even_for_get() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let config = static_config(&server, "t");
    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn streamed_upload_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let config = static_config(&server, "t");
    let client = config.http_client();
    let runtime = config.runtime();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(b"part".to_vec())];
    let mut request = client
        .put(config.base_url_for("v2025") + "/sources")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .build()
        .unwrap();
    assert!(request.try_clone().is_none());
    runtime.prepare(&mut request, &GET_SOURCES).await.unwrap();
    let response = runtime
        .execute(&client, request, &GET_SOURCES)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(attempts(&response), 1);
}

/// A server that accepts connections and closes them at once, counting them.
async fn slamming_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{address}"), accepted)
}

#[tokio::test]
async fn connection_failures_are_retried_for_idempotent_methods_only() {
    let (base, accepted) = slamming_server().await;
    let config = Config::builder()
        .sources(Sources::none())
        .base_url(base)
        .access_token("t")
        .no_proxy()
        .retry(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let client = config.http_client();
    let runtime = config.runtime();

    let request = client
        .get(config.base_url_for("v2025") + "/sources")
        .build()
        .unwrap();
    let error = runtime
        .execute(&client, request, &GET_SOURCES)
        .await
        .unwrap_err();
    assert!(!error.is_status(), "{error}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);

    let request = client
        .post(config.base_url_for("v2025") + "/sources")
        .body("x")
        .build()
        .unwrap();
    runtime
        .execute(&client, request, &CREATE_SOURCE)
        .await
        .unwrap_err();
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn html_500_becomes_a_bounded_api_error_with_status() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "proxy says no. ".repeat(1000)
    );
    Mock::given(path("/v2025/sources"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("X-Request-Id", "req-1")
                .set_body_raw(page.clone().into_bytes(), "text/html; charset=utf-8"),
        )
        .mount(&server)
        .await;
    let config = static_config(&server, "t");
    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.headers()["x-request-id"], "req-1", "headers kept");
    assert_eq!(response.headers()["content-type"], "application/json");

    let error = documented_error(response).await;
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    let api_error = error.api_error().unwrap();
    let info = api_error.runtime.as_ref().unwrap();
    assert_eq!(info.status, 500);
    assert_eq!(
        info.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    let raw = error.raw_body().unwrap();
    assert_eq!(raw.reason, "not JSON");
    assert!(raw.truncated);
    assert!(raw.excerpt.len() <= 4096, "{}", raw.excerpt.len());
    assert!(page.starts_with(&raw.excerpt));
    assert_eq!(raw.bytes_read, page.len() as u64);

    let text = api_error.to_string();
    assert!(
        text.starts_with("HTTP 500 response (text/html; charset=utf-8) whose body is not JSON: <html><head><title>502 Bad Gateway"),
        "{text}"
    );
    assert!(text.len() < 400, "{}", text.len());
}

#[tokio::test]
async fn plain_text_401_and_truncated_json_decode_with_status() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("Unauthorized", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(path("/v2025/accounts"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"detailCode": "400.1 Bad Request", "messa"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let config = static_config(&server, "t");
    let runtime = config.runtime();

    let error = documented_error(get(&config, &runtime).await).await;
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    let raw = error.raw_body().unwrap();
    assert_eq!(
        (raw.excerpt.as_str(), raw.truncated),
        ("Unauthorized", false)
    );
    assert_eq!(
        error.api_error().unwrap().to_string(),
        "HTTP 401 response (text/plain) whose body is not JSON: Unauthorized"
    );

    let response = send(&config, &runtime, Method::GET, "/accounts", &GET_SOURCES).await;
    let error = documented_error(response).await;
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    let raw = error.raw_body().unwrap();
    assert_eq!(raw.reason, "not JSON");
    assert!(raw.excerpt.starts_with(r#"{"detailCode""#));
}

#[tokio::test]
async fn huge_error_body_is_not_read_whole() {
    let server = MockServer::start().await;
    let size = 16 * 1024 * 1024;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(vec![b'x'; size], "text/plain"))
        .mount(&server)
        .await;
    let config = Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .access_token("t")
        .no_proxy()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let response = get(&config, &config.runtime()).await;
    assert!(response.content_length().unwrap() < 8 * 1024);

    let error = documented_error(response).await;
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    let raw = error.raw_body().unwrap();
    assert_eq!(raw.reason, "too large to keep");
    assert!(raw.truncated);
    assert_eq!(raw.declared_length, Some(size as u64));
    assert!(raw.bytes_read <= 64 * 1024, "{}", raw.bytes_read);
    assert_eq!(raw.excerpt.len(), 4096);
    assert!(error.to_string().len() < 8 * 1024);
}

#[tokio::test]
async fn success_bodies_are_untouched() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("not json but fine", "text/csv"))
        .mount(&server)
        .await;
    let config = static_config(&server, "t");
    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.headers()["content-type"], "text/csv");
    assert_eq!(response.text().await.unwrap(), "not json but fine");
}

#[tokio::test]
async fn whole_request_timeout_applies_per_attempt() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let config = Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .access_token("t")
        .no_proxy()
        .timeout(Some(Duration::from_millis(200)))
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let client = config.http_client();
    let request = client
        .get(config.base_url_for("v2025") + "/sources")
        .build()
        .unwrap();
    let started = Instant::now();
    let error = config
        .runtime()
        .execute(&client, request, &GET_SOURCES)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    // Two attempts of 200 ms each, well short of the 3 s delay.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(api_requests(&server).await.len(), 2);
}

#[tokio::test]
async fn proxy_setting_routes_requests_through_the_proxy() {
    // wiremock stands in for the proxy: a plain-http request through a proxy
    // is sent to it in absolute form, so the tenant host is never resolved.
    let proxy = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&proxy)
        .await;
    let config = Config::builder()
        .sources(Sources::none())
        .base_url("http://tenant.invalid")
        .allow_insecure_http(true)
        .access_token("t")
        .proxy(proxy.uri())
        .build()
        .unwrap();
    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_share_one_forced_refresh() {
    let server = MockServer::start().await;
    let mut issuer = TokenIssuer::new(600);
    issuer.delay = Duration::from_millis(100);
    issuer.mount(&server).await;
    Mock::given(path("/v2025/sources"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "revoked"})))
        .mount(&server)
        .await;
    ok_for_any(&server).await;
    let config = oauth(&server).build().unwrap();
    let runtime = config.runtime();

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (config, runtime) = (config.clone(), runtime.clone());
            tokio::spawn(async move { get(&config, &runtime).await.status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(issuer.count(), 2);
}

#[tokio::test]
async fn odd_token_responses_are_errors_or_clamped_never_panics() {
    let cases = [
        (
            json!({"access_token": "a", "expires_in": "18446744073709551615"}),
            None,
        ),
        (json!({"access_token": "a", "expires_in": 1e300}), None),
        (json!({"access_token": "a"}), None),
        (
            json!({"access_token": "a", "expires_in": -5}),
            Some("`expires_in` is negative"),
        ),
        (
            json!({"access_token": 7}),
            Some("`access_token` is not a string"),
        ),
        (json!({"token": "a"}), Some("no `access_token`")),
    ];
    for (body, expected_error) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/oauth/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let config = oauth(&server).build().unwrap();
        let mut request = config
            .http_client()
            .get(config.base_url_for("v2025") + "/sources")
            .build()
            .unwrap();
        let result = config.runtime().prepare(&mut request, &GET_SOURCES).await;
        match (result, expected_error) {
            (Ok(()), None) => assert_eq!(request.headers()["authorization"], "Bearer a"),
            (Err(error), Some(text)) => assert!(error.to_string().contains(text), "{error}"),
            (result, _) => panic!("{body}: {result:?}"),
        }
    }

    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"))
        .mount(&server)
        .await;
    let config = oauth(&server).build().unwrap();
    let mut request = config.http_client().get(server.uri()).build().unwrap();
    let error = config
        .runtime()
        .prepare(&mut request, &GET_SOURCES)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not JSON"), "{error}");
}

#[tokio::test]
async fn a_retry_after_a_wait_carries_a_fresh_token_if_the_old_one_expired() {
    let server = MockServer::start().await;
    // Replaced after 1 s; the 429 below makes the runtime wait 1 s.
    let issuer = TokenIssuer::new(2);
    issuer.mount(&server).await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    ok_for_any(&server).await;
    let config = oauth(&server).build().unwrap();

    let response = get(&config, &config.runtime()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(issuer.count(), 2);
    let sent = api_requests(&server).await;
    let tokens: Vec<_> = sent.iter().map(|r| authorization(r).unwrap()).collect();
    assert_eq!(tokens, ["Bearer tok-1", "Bearer tok-2"]);
}
