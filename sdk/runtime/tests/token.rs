//! The OAuth token path under faults, against local servers on 127.0.0.1:
//! redirects, transient failures, a hung or failing token URL under
//! concurrency, typed errors and the token every retry carries.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use progenitor_client::Error;
use reqwest::{Method, StatusCode};
use sailpoint_runtime::{
    ApiError, Config, ConfigBuilder, ErrorExt, Operation, RetryPolicy, Runtime, Sources,
    TOKEN_FAILURE_BACKOFF, TokenError,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "token-test-client";
const SECRET: &str = "token-test-super-secret";

const GET_SOURCES: Operation = Operation::new("listSources");

/// Issues `tok-1`, `tok-2`, ... counting calls.
#[derive(Clone, Default)]
struct TokenIssuer {
    issued: Arc<AtomicUsize>,
    delay: Duration,
}

impl TokenIssuer {
    fn count(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }

    async fn mount_at(&self, server: &MockServer, at: &str) {
        Mock::given(method("POST"))
            .and(path(at))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }
}

impl Respond for TokenIssuer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": format!("tok-{n}"), "expires_in": 600}))
            .set_delay(self.delay)
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_wait(Duration::from_secs(2))
}

fn oauth(base: &str) -> ConfigBuilder {
    Config::builder()
        .sources(Sources::none())
        .base_url(base)
        .client_credentials(CLIENT_ID, SECRET)
        .no_proxy()
        .retry(fast_retries())
}

/// Readies a request as a generated operation's `pre` hook does, with the
/// same `?` conversion into the call's error.
async fn prepare(config: &Config, runtime: &Runtime) -> Result<reqwest::Request, Error<ApiError>> {
    let mut request = config
        .http_client()
        .get(config.base_url_for("v2025") + "/sources")
        .build()
        .unwrap();
    runtime.prepare(&mut request, &GET_SOURCES).await?;
    Ok(request)
}

async fn requests_to(server: &MockServer, at: &str) -> usize {
    let received = server.received_requests().await.unwrap();
    received.iter().filter(|r| r.url.path() == at).count()
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body).
async fn read_request(socket: &mut TcpStream) -> String {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = socket.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&buffer).into_owned()
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_the_secret_stays_home() {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let foreign_issuer = TokenIssuer::default();
    foreign_issuer.mount_at(&elsewhere, "/oauth/token").await;
    let target = format!("{}/oauth/token", elsewhere.uri());
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", target.as_str()))
        .mount(&home)
        .await;
    let config = oauth(&home.uri()).build().unwrap();

    let error = prepare(&config, &config.runtime()).await.unwrap_err();

    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    assert_eq!(foreign_issuer.count(), 0);
    assert_eq!(error.status(), Some(StatusCode::TEMPORARY_REDIRECT));
    let token_error = error.token_error().expect("a token error");
    let home_url = format!("{}/oauth/token", home.uri());
    match token_error {
        TokenError::Redirect {
            url,
            location,
            status,
        } => {
            assert_eq!(url, &home_url);
            assert_eq!(location, &target);
            assert_eq!(*status, StatusCode::TEMPORARY_REDIRECT);
        }
        other => panic!("{other:?}"),
    }
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(text.contains(&home_url), "{text}");
        assert!(text.contains(&target), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[tokio::test]
async fn a_redirect_within_the_token_origin_is_followed() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::default();
    issuer.mount_at(&server, "/oauth/v2/token").await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(308).insert_header("Location", "/oauth/v2/token"))
        .mount(&server)
        .await;
    let config = oauth(&server.uri()).build().unwrap();

    let request = prepare(&config, &config.runtime()).await.unwrap();
    assert_eq!(request.headers()["authorization"], "Bearer tok-1");
    assert_eq!(issuer.count(), 1);
}

#[tokio::test]
async fn transient_token_failures_are_retried_by_the_request_policy() {
    let server = MockServer::start().await;
    for (priority, reply) in [
        (1, ResponseTemplate::new(503)),
        (
            2,
            ResponseTemplate::new(429).insert_header("Retry-After", "0"),
        ),
        (3, ResponseTemplate::new(502)),
        (4, ResponseTemplate::new(504)),
    ] {
        Mock::given(path("/oauth/token"))
            .respond_with(reply)
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    let issuer = TokenIssuer::default();
    issuer.mount_at(&server, "/oauth/token").await;
    let config = oauth(&server.uri())
        .retry(fast_retries().max_attempts(5))
        .build()
        .unwrap();

    let request = prepare(&config, &config.runtime()).await.unwrap();
    assert_eq!(request.headers()["authorization"], "Bearer tok-1");
    assert_eq!(requests_to(&server, "/oauth/token").await, 5);
}

#[tokio::test]
async fn token_retries_stop_at_the_policy_budget_with_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503).set_body_json(
            json!({"error": "temporarily_unavailable", "error_description": "try later"}),
        ))
        .mount(&server)
        .await;
    let config = oauth(&server.uri())
        .retry(fast_retries().max_attempts(3))
        .build()
        .unwrap();

    let error = prepare(&config, &config.runtime()).await.unwrap_err();
    assert_eq!(requests_to(&server, "/oauth/token").await, 3);
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.is_retryable());
    match error.token_error() {
        Some(TokenError::Status {
            status, attempts, ..
        }) => {
            assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(*attempts, 3);
        }
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("temporarily_unavailable: try later"),
        "{text}"
    );
    assert!(text.contains("after 3 attempts"), "{text}");
}

#[tokio::test]
async fn a_refused_token_request_is_not_retried_and_is_matchable() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "Bad credentials"}),
        ))
        .mount(&server)
        .await;
    let config = oauth(&server.uri()).build().unwrap();

    let error = prepare(&config, &config.runtime()).await.unwrap_err();
    assert_eq!(requests_to(&server, "/oauth/token").await, 1);
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    let token_error = error.token_error().expect("a token error");
    assert_eq!(token_error.oauth_error(), Some("invalid_client"));
    assert_eq!(token_error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(token_error.url(), format!("{}/oauth/token", server.uri()));
    assert!(matches!(
        token_error,
        TokenError::Status { description: Some(d), attempts: 1, .. } if d == "Bad credentials"
    ));
    // A plain 500 is not retried either.
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let config = oauth(&server.uri()).build().unwrap();
    let error = prepare(&config, &config.runtime()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(requests_to(&server, "/oauth/token").await, 1);
}

/// A token server whose first connection is closed without an answer after
/// the request was read, and whose second gets a token.
#[tokio::test]
async fn a_connection_lost_mid_token_request_is_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut requests = Vec::new();
        for connection in 0..2 {
            let (mut socket, _) = listener.accept().await.unwrap();
            requests.push(read_request(&mut socket).await);
            if connection == 1 {
                let body = r#"{"access_token":"after-reset","expires_in":600}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                socket.write_all(reply.as_bytes()).await.unwrap();
                socket.shutdown().await.unwrap();
            }
        }
        requests
    });
    let config = oauth(&base).build().unwrap();

    let request = prepare(&config, &config.runtime()).await.unwrap();
    assert_eq!(request.headers()["authorization"], "Bearer after-reset");
    let requests = server.await.unwrap();
    assert!(
        requests.iter().all(|r| r.starts_with("POST /oauth/token ")),
        "{requests:?}"
    );
}

/// A token server that accepts connections, reads nothing and never
/// answers, counting the connections.
async fn hung_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            open.push(socket);
        }
    });
    (base, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_token_url_costs_each_waiter_one_timeout_not_one_per_caller() {
    let (base, accepted) = hung_server().await;
    let timeout = Duration::from_millis(500);
    let config = oauth(&base)
        .timeout(Some(timeout))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let runtime = config.runtime();

    let started = Instant::now();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (config, runtime) = (config.clone(), runtime.clone());
            tokio::spawn(async move {
                let error = prepare(&config, &runtime).await.unwrap_err();
                (error.status(), started.elapsed())
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for task in tasks {
        let (status, elapsed) = task.await.unwrap();
        assert_eq!(status, Some(StatusCode::GATEWAY_TIMEOUT));
        slowest = slowest.max(elapsed);
    }
    // One request for all ten; taking turns would have made ten, one
    // after another, the last caller waiting ten timeouts (5 s).
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    assert!(slowest < timeout * 4, "{slowest:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_url_is_asked_once_per_backoff_interval() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})))
        .mount(&server)
        .await;
    let config = oauth(&server.uri()).build().unwrap();
    let runtime = config.runtime();

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (config, runtime) = (config.clone(), runtime.clone());
            tokio::spawn(async move { prepare(&config, &runtime).await.unwrap_err() })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap();
        assert_eq!(
            error.token_error().and_then(TokenError::oauth_error),
            Some("server_error")
        );
    }
    assert_eq!(requests_to(&server, "/oauth/token").await, 1);

    // After the interval the next caller asks again, once.
    tokio::time::sleep(TOKEN_FAILURE_BACKOFF + Duration::from_millis(200)).await;
    prepare(&config, &runtime).await.unwrap_err();
    prepare(&config, &runtime).await.unwrap_err();
    assert_eq!(requests_to(&server, "/oauth/token").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_keep_the_fetch_going_when_its_starter_is_cancelled() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer {
        delay: Duration::from_millis(400),
        ..TokenIssuer::default()
    };
    issuer.mount_at(&server, "/oauth/token").await;
    let config = oauth(&server.uri()).build().unwrap();
    let runtime = config.runtime();

    let starter = {
        let (config, runtime) = (config.clone(), runtime.clone());
        tokio::spawn(async move { prepare(&config, &runtime).await.map(|_| ()) })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiter = {
        let (config, runtime) = (config.clone(), runtime.clone());
        tokio::spawn(async move { prepare(&config, &runtime).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    starter.abort();

    let request = waiter.await.unwrap().unwrap();
    assert_eq!(request.headers()["authorization"], "Bearer tok-1");
    assert_eq!(issuer.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_carries_the_current_token_and_a_401_after_it_still_refreshes() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::default();
    issuer.mount_at(&server, "/oauth/token").await;
    // /sources: one 429 first, then only tok-4 is accepted.
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2025/sources"))
        .and(header("authorization", "Bearer tok-4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "rejected"})))
        .with_priority(3)
        .mount(&server)
        .await;
    // /identities: only tok-3 is accepted.
    Mock::given(path("/v2025/identities"))
        .and(header("authorization", "Bearer tok-3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2025/identities"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "rejected"})))
        .with_priority(2)
        .mount(&server)
        .await;
    let config = oauth(&server.uri()).build().unwrap();
    let runtime = config.runtime();
    let call = |at: &'static str| {
        let (config, runtime) = (config.clone(), runtime.clone());
        async move {
            let client = config.http_client();
            let mut request = client
                .request(Method::GET, config.base_url_for("v2025") + at)
                .build()
                .unwrap();
            runtime.prepare(&mut request, &GET_SOURCES).await.unwrap();
            runtime
                .execute(&client, request, &GET_SOURCES)
                .await
                .unwrap()
                .status()
        }
    };

    // A gets a 429 with tok-1 and waits 1 s.
    let waiting = tokio::spawn(call("/sources"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while requests_to(&server, "/v2025/sources").await == 0 {
        assert!(Instant::now() < deadline, "the first call never arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Meanwhile other calls rotate the shared token twice: tok-1 is
    // refused and replaced by tok-2, which is refused and replaced by tok-3.
    assert_eq!(call("/identities").await, StatusCode::UNAUTHORIZED);
    assert_eq!(call("/identities").await, StatusCode::OK);
    assert_eq!(issuer.count(), 3);

    // A's retry carries tok-3, not tok-1; refused, it still gets its forced
    // refresh and succeeds with tok-4.
    assert_eq!(waiting.await.unwrap(), StatusCode::OK);
    let received = server.received_requests().await.unwrap();
    let sent: Vec<_> = received
        .iter()
        .filter(|r| r.url.path() == "/v2025/sources")
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer tok-1", "Bearer tok-3", "Bearer tok-4"]);
}

#[tokio::test]
async fn no_usable_answer_is_reported_as_a_gateway_would() {
    // A 2xx without a token: 502, not retried, the token URL's own 200 kept.
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token_type": "bearer"})))
        .mount(&server)
        .await;
    let config = oauth(&server.uri()).build().unwrap();
    let error = prepare(&config, &config.runtime()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    let token_error = error.token_error().expect("a token error");
    assert!(
        matches!(token_error, TokenError::InvalidResponse { .. }),
        "{token_error:?}"
    );
    assert_eq!(token_error.status(), Some(StatusCode::OK));
    assert_eq!(requests_to(&server, "/oauth/token").await, 1);

    // Nothing listening: 502, retried by the policy, no status of its own.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = oauth(&base)
        .retry(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let error = prepare(&config, &config.runtime()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    match error.token_error() {
        Some(TokenError::Transport { attempts, .. }) => assert_eq!(*attempts, 3),
        other => panic!("{other:?}"),
    }
    assert_eq!(error.token_error().and_then(TokenError::status), None);
}
