//! The runtime seen from the outside, through the generated clients: a
//! `sailpoint_v2025::Client` and a `sailpoint_beta::Client` built with
//! `Client::from_config` against an in-process wiremock server on 127.0.0.1
//! that speaks the ISC OAuth token endpoint and a few API operations.
//!
//! Every `Config` here is built with `Sources::none()` (or explicit
//! temporary directories), so nothing reads the real environment, working
//! directory or home directory, and with `no_proxy()` so that proxy
//! variables of the machine cannot send the requests elsewhere: nothing
//! leaves 127.0.0.1. The example binary runs with a cleared environment.
//!
//! # Success-path body failures
//!
//! When a documented success status (e.g. 200 on `listSources`) has a body
//! that does not decode (empty, truncated JSON, cut off by the connection),
//! the generated `send` decodes it with `sailpoint_runtime::decode_success`,
//! which returns `Error::UnexpectedResponse` rebuilt from the status, the
//! headers, the attempts extension and a bounded excerpt, with the reason in
//! `ErrorExt::undecodable_body` (progenitor's own `InvalidResponsePayload`
//! would keep no status and every byte).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use progenitor_client::Error;
use sailpoint_runtime::{
    ApiError, Config, ConfigBuilder, ConfigError, EXCERPT_LIMIT, ErrorExt, RetryPolicy, Sources,
};
use sailpoint_tests::ExampleRun;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// Both preludes export traits of the same names (`ClientSourcesExt`, ...):
// glob-importing both makes every such name ambiguous and unusable, so the
// one beta trait used here is imported alone.
// Both preludes at once: their traits are imported anonymously, so the
// shared trait names do not clash.
use sailpoint_beta::prelude::*;
use sailpoint_v2025::prelude::*;

const CLIENT_ID: &str = "runtime-clients-test-id";
const SECRET: &str = "runtime-clients-super-secret-value";

/// Issues `<prefix>-1`, `<prefix>-2`, ... with the given lifetime, counting
/// the token requests.
#[derive(Clone)]
struct TokenIssuer {
    issued: Arc<AtomicUsize>,
    prefix: &'static str,
    expires_in: u64,
    delay: Duration,
    status: u16,
}

impl TokenIssuer {
    fn new() -> Self {
        TokenIssuer {
            issued: Arc::default(),
            prefix: "tok",
            expires_in: 3600,
            delay: Duration::ZERO,
            status: 200,
        }
    }

    fn count(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }

    fn token(&self, n: usize) -> String {
        format!("{}-{n}", self.prefix)
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
        if self.status != 200 {
            return ResponseTemplate::new(self.status)
                .set_body_json(json!({"error": "invalid_client"}));
        }
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": self.token(n),
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
        .max_elapsed(Duration::from_secs(10))
}

fn builder(server: &MockServer) -> ConfigBuilder {
    Config::builder()
        .sources(Sources::none())
        .no_proxy()
        .base_url(server.uri())
        .client_credentials(CLIENT_ID, SECRET)
        .retry(fast_retries())
        .timeout(Some(Duration::from_secs(20)))
}

fn config(server: &MockServer) -> Config {
    builder(server).build().expect("config builds")
}

fn source(i: usize) -> serde_json::Value {
    json!({
        "id": format!("src-{i}"),
        "name": format!("Source {i}"),
        "connector": "active-directory",
        "owner": {"id": "owner-1", "name": "Owner", "type": "IDENTITY"},
    })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The requests the server received on `p`.
async fn requests_to(server: &MockServer, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

fn authorization(request: &Request) -> Option<String> {
    request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn mount_get(server: &MockServer, p: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(response)
        .mount(server)
        .await;
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

#[tokio::test]
async fn one_token_is_shared_by_v2025_and_beta_clients_and_fifty_concurrent_calls() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer {
        // Slow enough that every caller arrives while the first fetch runs.
        delay: Duration::from_millis(300),
        ..TokenIssuer::new()
    };
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(header("authorization", bearer("tok-1").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([source(1)])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/tenant"))
        .and(header("authorization", bearer("tok-1").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "acme"})))
        .mount(&server)
        .await;

    let shared = config(&server);
    let v2025 = sailpoint_v2025::Client::from_config(&shared);
    let beta = sailpoint_beta::Client::from_config(&shared);

    // One call each, in sequence: the second client reuses the first's token.
    let sources = v2025.list_sources().send().await.expect("v2025 call");
    assert_eq!(sources.into_inner()[0].name, "Source 1");
    let tenant = beta.get_tenant().send().await.expect("beta call");
    assert_eq!(tenant.into_inner().name.as_deref(), Some("acme"));
    assert_eq!(issuer.count(), 1);

    // Fifty concurrent calls on fresh clients from a fresh clone of the
    // configuration with an empty cache: exactly one token request.
    let server2 = MockServer::start().await;
    let issuer2 = TokenIssuer {
        delay: Duration::from_millis(300),
        ..TokenIssuer::new()
    };
    issuer2.mount(&server2).await;
    for (p, body) in [
        ("/v2025/sources", json!([])),
        ("/beta/tenant", json!({"name": "acme"})),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .and(header("authorization", bearer("tok-1").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server2)
            .await;
    }
    let config2 = config(&server2);
    let v2025 = sailpoint_v2025::Client::from_config(&config2);
    let beta = sailpoint_beta::Client::from_config(&config2.clone());
    let calls = (0..50).map(|i| {
        let (v2025, beta) = (&v2025, &beta);
        async move {
            if i % 2 == 0 {
                v2025.list_sources().send().await.map(|_| ())
            } else {
                beta.get_tenant().send().await.map(|_| ())
            }
        }
    });
    let results = futures::future::join_all(calls).await;
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(issuer2.count(), 1, "one token request for 50 calls");
    assert_eq!(requests_to(&server2, "/v2025/sources").await.len(), 25);
    assert_eq!(requests_to(&server2, "/beta/tenant").await.len(), 25);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_once() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new();
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(header("authorization", bearer("tok-1").as_str()))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "JWT validation failed: JWT is expired"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(header("authorization", bearer("tok-2").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([source(7)])))
        .mount(&server)
        .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let sources = client
        .list_sources()
        .send()
        .await
        .expect("succeeds after refresh");
    assert_eq!(sources.into_inner()[0].id.as_deref(), Some("src-7"));
    assert_eq!(issuer.count(), 2, "one initial token, one refresh");
    let sent: Vec<_> = requests_to(&server, "/v2025/sources")
        .await
        .iter()
        .map(authorization)
        .collect();
    assert_eq!(sent, [Some(bearer("tok-1")), Some(bearer("tok-2"))]);
}

/// Serves `total` sources by `limit`/`offset`. Once `revoke_after` pages
/// were served, `tok-1` is answered with 401 as if it had expired on the
/// server's side.
#[derive(Clone)]
struct Pages {
    total: usize,
    served: Arc<AtomicUsize>,
    revoke_after: Option<usize>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        if let Some(after) = self.revoke_after
            && self.served.load(Ordering::SeqCst) >= after
            && authorization(request).as_deref() == Some("Bearer tok-1")
        {
            return ResponseTemplate::new(401)
                .set_body_json(json!({"error": "JWT validation failed: JWT is expired"}));
        }
        let (Some(limit), Some(offset)) = (param("limit"), param("offset")) else {
            return ResponseTemplate::new(400).set_body_json(json!({"detailCode": "400"}));
        };
        self.served.fetch_add(1, Ordering::SeqCst);
        let end = (offset + limit).min(self.total);
        let page: Vec<_> = (offset.min(end)..end).map(source).collect();
        ResponseTemplate::new(200).set_body_json(page)
    }
}

/// Lists every source page by page, as a caller would; at most 20 pages.
async fn list_all(client: &sailpoint_v2025::Client, limit: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for page in 0..20 {
        let items = client
            .list_sources()
            .limit(limit as i32)
            .offset((page * limit) as i32)
            .send()
            .await
            .expect("every page succeeds")
            .into_inner();
        let short = items.len() < limit;
        ids.extend(items.into_iter().filter_map(|s| s.id));
        if short {
            return ids;
        }
    }
    panic!("no short page after 20 pages");
}

#[tokio::test]
async fn a_token_rejected_in_the_middle_of_a_listing_is_replaced_unnoticed() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new();
    issuer.mount(&server).await;
    let pages = Pages {
        total: 5,
        served: Arc::default(),
        revoke_after: Some(1),
    };
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .respond_with(pages.clone())
        .mount(&server)
        .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let ids = list_all(&client, 2).await;
    let expected: Vec<String> = (0..5).map(|i| format!("src-{i}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(issuer.count(), 2);
    let sent: Vec<_> = requests_to(&server, "/v2025/sources")
        .await
        .iter()
        .map(|r| (r.url.query().map(str::to_owned), authorization(r)))
        .collect();
    let q = |o: usize| Some(format!("limit=2&offset={o}"));
    assert_eq!(
        sent,
        [
            (q(0), Some(bearer("tok-1"))),
            (q(2), Some(bearer("tok-1"))),
            (q(2), Some(bearer("tok-2"))),
            (q(4), Some(bearer("tok-2"))),
        ]
    );
}

#[tokio::test]
async fn a_token_expiring_in_the_middle_of_a_listing_is_renewed_before_the_next_page() {
    let server = MockServer::start().await;
    // A one-second token is renewed after half its life.
    let issuer = TokenIssuer {
        expires_in: 1,
        ..TokenIssuer::new()
    };
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .respond_with(Pages {
            total: 3,
            served: Arc::default(),
            revoke_after: None,
        })
        .mount(&server)
        .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let first = client
        .list_sources()
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("page 1");
    assert_eq!(first.into_inner().len(), 2);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let second = client
        .list_sources()
        .limit(2)
        .offset(2)
        .send()
        .await
        .expect("page 2");
    assert_eq!(second.into_inner().len(), 1);

    assert_eq!(issuer.count(), 2);
    let sent: Vec<_> = requests_to(&server, "/v2025/sources")
        .await
        .iter()
        .map(authorization)
        .collect();
    assert_eq!(sent, [Some(bearer("tok-1")), Some(bearer("tok-2"))]);
}

// ---------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_429_with_retry_after_is_waited_for_then_succeeds() {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"message": "Rate Limit Exceeded"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(200).set_body_json(json!([source(1)])),
    )
    .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let started = Instant::now();
    let sources = client
        .list_sources()
        .send()
        .await
        .expect("second try works");
    let elapsed = started.elapsed();
    assert_eq!(sources.into_inner().len(), 1);
    assert_eq!(requests_to(&server, "/v2025/sources").await.len(), 2);
    assert!(
        elapsed >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[tokio::test]
async fn exhausted_retries_give_the_last_status_and_the_attempt_count() {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(503).set_body_string("upstream unavailable"),
    )
    .await;
    mount_get(
        &server,
        "/v2025/api-usage/count",
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "120")
            .set_body_json(json!({"message": "Rate Limit Exceeded"})),
    )
    .await;

    let config = builder(&server)
        .retry(fast_retries().max_attempts(3))
        .build()
        .expect("config");
    let client = sailpoint_v2025::Client::from_config(&config);

    let error = client.list_sources().send().await.expect_err("503 thrice");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.attempts(), Some(3));
    assert_eq!(requests_to(&server, "/v2025/sources").await.len(), 3);

    // A Retry-After longer than the policy's longest wait is not waited
    // for: the caller gets the response and the delay at once.
    let started = Instant::now();
    let error = client.get_total_count().send().await.expect_err("429");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(
        error.api_error().and_then(|e| e.message.as_deref()),
        Some("Rate Limit Exceeded")
    );
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_500_or_a_503() {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "detailCode": "500.0 Internal Fault",
            "trackingId": "t-500",
            "messages": [{"locale": "en-US", "text": "An internal fault occurred."}]
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&server)
        .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let body: sailpoint_v2025::types::Source =
        serde_json::from_value(source(1)).expect("a valid Source");

    let error = client
        .create_source()
        .body(body.clone())
        .send()
        .await
        .expect_err("500");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.attempts(), Some(1));
    let api = error.api_error().expect("documented 500 decodes");
    assert_eq!(api.tracking_id.as_deref(), Some("t-500"));
    assert_eq!(api.headline(), Some("An internal fault occurred."));
    assert_eq!(requests_to(&server, "/v2025/sources").await.len(), 1);

    // 503 is retried for GET, never for a POST by default.
    let error = client
        .create_source()
        .body(body)
        .send()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(requests_to(&server, "/v2025/sources").await.len(), 2);
}

// ---------------------------------------------------------------------------
// Per-operation headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unauthenticated_operations_send_no_authorization_and_fetch_no_token() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new();
    issuer.mount(&server).await;
    mount_get(
        &server,
        "/v2025/.well-known/ssf-configuration",
        ResponseTemplate::new(200).set_body_json(json!({"issuer": "https://acme.example"})),
    )
    .await;
    mount_get(
        &server,
        "/v2025/ssf/jwks",
        ResponseTemplate::new(200).set_body_json(json!({"keys": []})),
    )
    .await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let ssf = client.get_ssf_configuration().send().await.expect("ssf");
    assert_eq!(
        ssf.into_inner().issuer.as_deref(),
        Some("https://acme.example")
    );
    let jwks = client.get_jwks_data().send().await.expect("jwks");
    assert_eq!(jwks.into_inner().keys.map(|k| k.len()), Some(0));
    assert_eq!(issuer.count(), 0, "no token for unauthenticated operations");

    client.list_sources().send().await.expect("sources");
    assert_eq!(issuer.count(), 1);

    for p in ["/v2025/.well-known/ssf-configuration", "/v2025/ssf/jwks"] {
        let sent = requests_to(&server, p).await;
        assert_eq!(sent.len(), 1, "{p}");
        assert_eq!(authorization(&sent[0]), None, "{p}");
    }
    let sent = requests_to(&server, "/v2025/sources").await;
    assert_eq!(authorization(&sent[0]), Some(bearer("tok-1")));
}

#[tokio::test]
async fn only_experimental_operations_send_the_experimental_header() {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    mount_get(
        &server,
        "/v2025/api-usage/count",
        ResponseTemplate::new(200).set_body_json(json!({"NumberOfCalls": 3})),
    )
    .await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;

    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let count = client.get_total_count().send().await.expect("count");
    assert_eq!(count.into_inner().number_of_calls, Some(3));
    client.list_sources().send().await.expect("sources");

    let experimental = |r: &Request| {
        r.headers
            .get_all("x-sailpoint-experimental")
            .iter()
            .map(|v| v.to_str().unwrap_or("<binary>").to_owned())
            .collect::<Vec<_>>()
    };
    let sent = requests_to(&server, "/v2025/api-usage/count").await;
    assert_eq!(experimental(&sent[0]), ["true"]);
    assert_eq!(authorization(&sent[0]), Some(bearer("tok-1")));
    let sent = requests_to(&server, "/v2025/sources").await;
    assert!(experimental(&sent[0]).is_empty());
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[test]
fn plain_http_to_a_non_loopback_host_is_refused() {
    let base = Config::builder()
        .sources(Sources::none())
        .base_url("http://acme.api.identitynow.com")
        .client_credentials(CLIENT_ID, SECRET)
        .build()
        .expect_err("plain http tenant");
    assert!(
        matches!(&base, ConfigError::InsecureUrl { what: "tenant", .. }),
        "{base:?}"
    );
    assert!(base.to_string().contains("refusing plain-http"), "{base}");

    let token = Config::builder()
        .sources(Sources::none())
        .base_url("https://acme.api.identitynow.com")
        .token_url("http://idp.example.com/oauth/token")
        .client_credentials(CLIENT_ID, SECRET)
        .build()
        .expect_err("plain http token URL");
    assert!(
        matches!(&token, ConfigError::InsecureUrl { what: "token", .. }),
        "{token:?}"
    );
    for text in [base.to_string(), format!("{base:?}"), token.to_string()] {
        assert!(!text.contains(SECRET), "{text}");
    }

    // Loopback is allowed, and so is plain http when asked for.
    for (url, allow) in [
        ("http://127.0.0.1:9", false),
        ("http://localhost:9", false),
        ("http://acme.internal", true),
    ] {
        Config::builder()
            .sources(Sources::none())
            .base_url(url)
            .client_credentials(CLIENT_ID, SECRET)
            .allow_insecure_http(allow)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[tokio::test]
async fn a_tenant_url_with_trailing_slash_or_version_suffix_reaches_every_version() {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    mount_get(
        &server,
        "/beta/tenant",
        ResponseTemplate::new(200).set_body_json(json!({"name": "acme"})),
    )
    .await;

    for suffix in ["", "/", "/v2025", "/v2025/", "/beta", "/v3/"] {
        let config = Config::builder()
            .sources(Sources::none())
            .no_proxy()
            .base_url(format!("{}{suffix}", server.uri()))
            .client_credentials(CLIENT_ID, SECRET)
            .retry(RetryPolicy::none())
            .build()
            .expect("config");
        assert_eq!(config.tenant_url(), server.uri(), "{suffix}");
        let v2025 = sailpoint_v2025::Client::from_config(&config);
        let beta = sailpoint_beta::Client::from_config(&config);
        v2025
            .list_sources()
            .send()
            .await
            .unwrap_or_else(|e| panic!("v2025 with {suffix:?}: {e}"));
        beta.get_tenant()
            .send()
            .await
            .unwrap_or_else(|e| panic!("beta with {suffix:?}: {e}"));
    }
    assert_eq!(requests_to(&server, "/v2025/sources").await.len(), 6);
    assert_eq!(requests_to(&server, "/beta/tenant").await.len(), 6);
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create dir");
    }
    std::fs::write(path, text).expect("write file");
}

#[test]
fn missing_and_malformed_config_files_are_named() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let sources = || Sources::none().cwd(cwd.path()).home(home.path());
    let build = || Config::builder().sources(sources()).build();

    // Nothing anywhere: every source tried is listed.
    let error = build().expect_err("nothing configured");
    assert!(matches!(error, ConfigError::NotFound { .. }), "{error:?}");
    let text = error.to_string();
    let json_path = cwd.path().join("config.json");
    let yaml_path = home.path().join(".sailpoint").join("config.yaml");
    for needle in [
        "SAIL_BASE_URL",
        json_path.to_str().expect("utf-8 path"),
        yaml_path.to_str().expect("utf-8 path"),
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }

    // config.json that is not JSON: the file and `(document)`.
    write(
        &json_path,
        "{\"BaseURL\": \"https://acme.api.identitynow.com\",",
    );
    let error = build().expect_err("broken JSON");
    match &error {
        ConfigError::Malformed { file, key, .. } => {
            assert_eq!(file, &json_path);
            assert_eq!(key, "(document)");
        }
        other => panic!("{other:?}"),
    }

    // A key of the wrong type: the file and the key, never the values.
    write(
        &json_path,
        &json!({"BaseURL": "https://acme.api.identitynow.com", "ClientId": 42, "ClientSecret": SECRET})
            .to_string(),
    );
    let error = build().expect_err("wrong type");
    match &error {
        ConfigError::Malformed { file, key, .. } => {
            assert_eq!(file, &json_path);
            assert_eq!(key, "ClientId");
        }
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains("`ClientId`"), "{text}");
    assert!(text.contains(json_path.to_str().expect("utf-8")), "{text}");
    assert!(!text.contains(SECRET) && !format!("{error:?}").contains(SECRET));

    // Incomplete: the missing key is named.
    write(
        &json_path,
        &json!({"BaseURL": "https://acme.api.identitynow.com", "ClientId": CLIENT_ID}).to_string(),
    );
    let error = build().expect_err("incomplete");
    assert!(
        matches!(&error, ConfigError::Incomplete { missing, .. } if missing == &["ClientSecret"]),
        "{error:?}"
    );

    // The CLI file, with a wrong type deep inside: the dotted key.
    std::fs::remove_file(&json_path).expect("remove");
    write(
        &yaml_path,
        "activeenvironment: prod\nenvironments:\n  prod:\n    baseurl: https://acme.api.identitynow.com\n    pat:\n      clientid: [1, 2]\n      clientsecret: s\n",
    );
    let error = build().expect_err("malformed yaml");
    match &error {
        ConfigError::Malformed { file, key, .. } => {
            assert_eq!(file, &yaml_path);
            assert_eq!(key, "environments.prod.pat.clientid");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_config_json_file_drives_both_clients() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new();
    issuer.mount(&server).await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(200).set_body_json(json!([source(3)])),
    )
    .await;
    mount_get(
        &server,
        "/beta/tenant",
        ResponseTemplate::new(200).set_body_json(json!({"name": "acme"})),
    )
    .await;
    let cwd = tempfile::tempdir().expect("tempdir");
    let json_path = cwd.path().join("config.json");
    write(
        &json_path,
        &json!({"BaseURL": format!("{}/v2025", server.uri()), "ClientId": CLIENT_ID, "ClientSecret": SECRET})
            .to_string(),
    );
    let config = Config::builder()
        .sources(Sources::none().cwd(cwd.path()))
        .no_proxy()
        .build()
        .expect("config from file");
    assert_eq!(
        config.source(),
        &sailpoint_runtime::ConfigSource::ConfigJson(json_path)
    );
    sailpoint_v2025::Client::from_config(&config)
        .list_sources()
        .send()
        .await
        .expect("v2025");
    sailpoint_beta::Client::from_config(&config)
        .get_tenant()
        .send()
        .await
        .expect("beta");
    assert_eq!(issuer.count(), 1);
}

// ---------------------------------------------------------------------------
// Failures of the server
// ---------------------------------------------------------------------------

/// The client of a server that answers `GET /v2025/sources` with `response`.
async fn sources_answering(response: ResponseTemplate) -> (sailpoint_v2025::Client, MockServer) {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    mount_get(&server, "/v2025/sources", response).await;
    let config = builder(&server)
        .retry(RetryPolicy::none())
        .build()
        .expect("config");
    (sailpoint_v2025::Client::from_config(&config), server)
}

/// The error, printed every way a caller might: none of them may panic.
fn print_all(error: &Error<ApiError>) -> String {
    let text = format!("{error} | {error:#} | {error:?}");
    assert!(!text.is_empty());
    text
}

#[tokio::test]
async fn an_html_500_page_gives_the_status_and_a_bounded_excerpt() {
    let page = format!(
        "<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1>{}</body></html>",
        "<p>lorem ipsum</p>".repeat(20_000)
    );
    let (client, _server) = sources_answering(
        ResponseTemplate::new(500).set_body_raw(page.clone(), "text/html; charset=utf-8"),
    )
    .await;
    let error = client.list_sources().send().await.expect_err("500");
    print_all(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.attempts(), Some(1));
    let raw = error.raw_body().expect("HTML is kept as an excerpt");
    assert!(raw.excerpt.starts_with("<html><head><title>500"), "{raw:?}");
    assert!(raw.excerpt.len() <= EXCERPT_LIMIT);
    assert!(raw.truncated);
    let runtime = error
        .api_error()
        .and_then(|e| e.runtime.as_ref())
        .expect("runtime facts");
    assert_eq!(
        runtime.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(runtime.status, 500);
    // The one-line summary is bounded too.
    let summary = error.api_error().map(ApiError::summary).unwrap_or_default();
    assert!(summary.contains("HTTP 500"), "{summary}");
    assert!(summary.len() < 600, "{}", summary.len());
}

#[tokio::test]
async fn a_plain_text_401_gives_the_status_and_the_text_after_one_refresh() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new();
    issuer.mount(&server).await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(401).set_body_raw("Unauthorized", "text/plain"),
    )
    .await;
    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let error = client.list_sources().send().await.expect_err("401");
    print_all(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.attempts(), Some(2), "one refresh, one retry");
    assert_eq!(issuer.count(), 2);
    let raw = error.raw_body().expect("excerpt");
    assert_eq!(raw.excerpt, "Unauthorized");
    assert_eq!(raw.reason, "not JSON");
    assert!(!raw.truncated);
}

#[tokio::test]
async fn a_truncated_json_error_gives_the_status_and_the_excerpt() {
    let body = r#"{"detailCode":"400.1 Bad Request Content","messages":[{"locale":"en-US","text":"Filter is inva"#;
    let (client, _server) =
        sources_answering(ResponseTemplate::new(400).set_body_raw(body, "application/json")).await;
    let error = client.list_sources().send().await.expect_err("400");
    print_all(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let raw = error.raw_body().expect("excerpt");
    assert_eq!(raw.excerpt, body);
    assert_eq!(raw.reason, "not JSON");
    assert_eq!(raw.bytes_read, body.len() as u64);
}

#[tokio::test]
async fn an_empty_200_keeps_its_status_and_says_the_body_is_empty() {
    let (client, _server) =
        sources_answering(ResponseTemplate::new(200).set_body_raw("", "application/json")).await;
    let error = client.list_sources().send().await.expect_err("empty");
    print_all(&error);
    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.attempts(), Some(1));
    let why = error.undecodable_body().expect("the reason");
    assert_eq!(why.raw.reason, "empty");
    assert!(why.message.contains("EOF"), "{}", why.message);
}

#[tokio::test]
async fn a_truncated_json_200_keeps_its_status_and_an_excerpt() {
    let body = format!("[{},{{\"id\":\"src-2\",\"na", source(1));
    let (client, _server) = sources_answering(
        ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
    )
    .await;
    let error = client.list_sources().send().await.expect_err("truncated");
    print_all(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let raw = error.raw_body().expect("excerpt");
    assert_eq!(raw.excerpt, body);
    assert_eq!(raw.reason, "not the documented type");
    assert!(
        error
            .undecodable_body()
            .is_some_and(|why| why.message.contains("EOF")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_2xx_the_spec_does_not_list_gives_its_status() {
    let (client, _server) =
        sources_answering(ResponseTemplate::new(202).set_body_json(json!({"status": "accepted"})))
            .await;
    let error = client.list_sources().send().await.expect_err("202");
    print_all(&error);
    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(202));
    assert_eq!(error.attempts(), Some(1));
    assert!(error.api_error().is_none());
}

/// A one-connection-per-reply HTTP/1.1 server on 127.0.0.1 that sends each
/// of `replies` as raw bytes, in order, then closes the connection: it can
/// promise a `Content-Length` and send less, which wiremock cannot. Serves at
/// most `replies.len()` connections, each within 10 s.
async fn raw_server(replies: Vec<Vec<u8>>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let uri = format!("http://{}", listener.local_addr().expect("address"));
    let task = tokio::spawn(async move {
        let mut request_lines = Vec::new();
        for reply in replies {
            let accepted = tokio::time::timeout(Duration::from_secs(10), listener.accept()).await;
            let Ok(Ok((mut stream, _))) = accepted else {
                break;
            };
            // Read the head, then as much body as Content-Length says.
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            let head_end = loop {
                if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(end + 4);
                }
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
                if request.len() > 1 << 20 {
                    break None;
                }
            };
            let Some(head_end) = head_end else { break };
            let head = String::from_utf8_lossy(&request[..head_end]).to_string();
            request_lines.push(head.lines().next().unwrap_or_default().to_owned());
            let length = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while request.len() < head_end + length.min(1 << 20) {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(&reply).await;
            let _ = stream.shutdown().await;
        }
        request_lines
    });
    (uri, task)
}

fn raw_reply(status: &str, content_length: usize, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {content_length}\r\nConnection: close\r\n\r\n{body}"
    )
    .into_bytes()
}

fn raw_token_reply() -> Vec<u8> {
    let body = json!({"access_token": "raw-token", "token_type": "bearer", "expires_in": 3600})
        .to_string();
    raw_reply("200 OK", body.len(), &body)
}

fn raw_client(uri: &str) -> sailpoint_v2025::Client {
    let config = Config::builder()
        .sources(Sources::none())
        .no_proxy()
        .base_url(uri)
        .client_credentials(CLIENT_ID, SECRET)
        .retry(RetryPolicy::none())
        .timeout(Some(Duration::from_secs(20)))
        .build()
        .expect("config");
    sailpoint_v2025::Client::from_config(&config)
}

#[tokio::test]
async fn an_error_body_cut_short_by_the_connection_gives_the_status_and_what_arrived() {
    let partial = r#"{"detailCode":"500.0 Internal Fault","messages":[{"text":"An inter"#;
    let (uri, server) = raw_server(vec![
        raw_token_reply(),
        raw_reply("500 Internal Server Error", 4000, partial),
    ])
    .await;
    let error = raw_client(&uri)
        .list_sources()
        .send()
        .await
        .expect_err("500");
    print_all(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.attempts(), Some(1));
    let raw = error.raw_body().expect("excerpt");
    assert_eq!(raw.excerpt, partial);
    assert!(raw.truncated);
    assert!(raw.reason.starts_with("cut short"), "{}", raw.reason);
    assert_eq!(raw.declared_length, Some(4000));
    let requests = server.await.expect("server task");
    assert_eq!(
        requests,
        ["POST /oauth/token HTTP/1.1", "GET /v2025/sources HTTP/1.1"]
    );
}

#[tokio::test]
async fn a_success_body_cut_short_by_the_connection_keeps_its_status() {
    let partial = format!("[{}", source(1));
    let (uri, server) =
        raw_server(vec![raw_token_reply(), raw_reply("200 OK", 4000, &partial)]).await;
    let error = raw_client(&uri)
        .list_sources()
        .send()
        .await
        .expect_err("cut short");
    print_all(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let raw = error.raw_body().expect("excerpt");
    assert!(raw.reason.starts_with("cut short"), "{}", raw.reason);
    assert_eq!(raw.excerpt, partial);
    assert_eq!(raw.declared_length, Some(4000));
    assert_eq!(server.await.expect("server task").len(), 2);
}

#[tokio::test]
async fn a_refused_token_request_names_the_token_url_and_status() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer {
        status: 401,
        ..TokenIssuer::new()
    };
    issuer.mount(&server).await;
    let client = sailpoint_v2025::Client::from_config(&config(&server));
    let error = client.list_sources().send().await.expect_err("no token");
    let text = print_all(&error);
    // A typed error through the generated client: the token URL's status,
    // the OAuth error code, the token URL.
    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let token_error = error.token_error().expect("a token error");
    assert_eq!(token_error.oauth_error(), Some("invalid_client"));
    assert!(token_error.url().ends_with("/oauth/token"), "{token_error}");
    assert!(text.contains("/oauth/token"), "{text}");
    assert!(text.contains("401"), "{text}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(requests_to(&server, "/v2025/sources").await.is_empty());
}

// ---------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[tokio::test]
async fn secrets_never_appear_in_tracing_output_or_debug_text() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests of this binary run on other threads without a subscriber;
    // a callsite they registered meanwhile may have cached "no interest".
    // Recompute it now that this thread has a subscriber.
    tracing::callsite::rebuild_interest_cache();

    let server = MockServer::start().await;
    let issuer = TokenIssuer {
        prefix: "access-token-value-zq",
        ..TokenIssuer::new()
    };
    issuer.mount(&server).await;
    let first = issuer.token(1);
    // 401 for the first token (refresh), 429 once (retry), then a listing,
    // then a 500 with a body.
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(header("authorization", bearer(&first).as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "expired"})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(query_param("offset", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([source(1)])))
        .with_priority(3)
        .mount(&server)
        .await;
    mount_get(
        &server,
        "/v2025/sources",
        ResponseTemplate::new(500).set_body_raw("<html>boom</html>", "text/html"),
    )
    .await;
    mount_get(
        &server,
        "/beta/tenant",
        ResponseTemplate::new(200).set_body_json(json!({"name": "acme"})),
    )
    .await;

    let shared = config(&server);
    let v2025 = sailpoint_v2025::Client::from_config(&shared);
    let beta = sailpoint_beta::Client::from_config(&shared);
    let page = v2025
        .list_sources()
        .limit(1)
        .offset(0)
        .send()
        .await
        .expect("listing after refresh and retry");
    let page_text = format!("{page:?}");
    let error = v2025
        .list_sources()
        .limit(1)
        .offset(1)
        .send()
        .await
        .expect_err("500");
    let tenant = beta.get_tenant().send().await.expect("beta");
    assert_eq!(issuer.count(), 2, "the exchange did refresh the token");

    let bad_token = Config::builder()
        .sources(Sources::none())
        .base_url("https://acme.api.identitynow.com")
        .client_credentials(CLIENT_ID, format!("{SECRET}\n"))
        .build()
        .map(|c| format!("{c:?}"))
        .unwrap_or_else(|e| format!("{e:?}"));

    let logs = capture.text();
    let texts = [
        ("logs", logs.clone()),
        ("config", format!("{shared:?} {shared:#?}")),
        ("runtime", format!("{:?}", shared.runtime())),
        ("page", page_text),
        ("error", print_all(&error)),
        ("api error", format!("{:?}", error.api_error())),
        ("tenant", format!("{tenant:?}")),
        ("other config", bad_token),
    ];
    for (what, text) in &texts {
        assert!(!text.is_empty(), "{what}");
        assert!(!text.contains(SECRET), "client secret in {what}: {text}");
        assert!(
            !text.contains("access-token-value-zq"),
            "access token in {what}: {text}"
        );
    }
    // The capture did see the exchange, so the checks above can fail.
    for needle in [
        "sailpoint.request",
        "listSources",
        "getTenant",
        "retrying",
        "401",
        "fetched access token",
    ] {
        assert!(logs.contains(needle), "{needle} not logged:\n{logs}");
    }
    // Paths are logged, query strings (filters may hold personal data) not.
    assert!(logs.contains("/v2025/sources"), "{logs}");
    assert!(!logs.contains("offset="), "{logs}");
    assert!(format!("{shared:?}").contains(CLIENT_ID));
}

// ---------------------------------------------------------------------------
// The list_sources and count_accounts examples
// ---------------------------------------------------------------------------

/// Runs the example against `server` with only the `SAIL_*` variables set,
/// in an empty directory, killed after 60 s.
async fn run_example(server: &MockServer, example: &'static str) -> ExampleRun {
    let dir = tempfile::tempdir().expect("tempdir");
    let vars = [
        ("SAIL_BASE_URL", server.uri()),
        ("SAIL_CLIENT_ID", CLIENT_ID.to_owned()),
        ("SAIL_CLIENT_SECRET", SECRET.to_owned()),
    ];
    sailpoint_tests::run_example(example, &vars, dir.path()).await
}

async fn mount_source_pages(server: &MockServer, total: usize) -> Pages {
    let issuer = TokenIssuer::new();
    issuer.mount(server).await;
    let pages = Pages {
        total,
        served: Arc::default(),
        revoke_after: None,
    };
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(header("authorization", bearer("tok-1").as_str()))
        .respond_with(pages.clone())
        .mount(server)
        .await;
    pages
}

#[tokio::test]
async fn the_list_sources_example_lists_every_page() {
    let server = MockServer::start().await;
    let pages = mount_source_pages(&server, 517).await;
    let run = run_example(&server, "list_sources").await;
    assert!(run.status.success(), "stderr: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.last().copied(), Some("517 sources"), "{}", run.stdout);
    assert_eq!(lines.len(), 518);
    assert!(lines[0].contains("src-0") && lines[0].contains("Source 0"));
    assert!(lines[516].contains("src-516"));
    assert_eq!(pages.served.load(Ordering::SeqCst), 3);
    let queries: Vec<_> = requests_to(&server, "/v2025/sources")
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=250&offset=0",
            "limit=250&offset=250",
            "limit=250&offset=500"
        ]
    );
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
}

#[tokio::test]
async fn the_list_sources_example_exits_non_zero_with_the_status_on_a_500() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2025/sources"))
        .and(query_param("offset", "250"))
        .respond_with(
            ResponseTemplate::new(500).set_body_raw("<html>upstream broke</html>", "text/html"),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    mount_source_pages(&server, 517).await;
    let run = run_example(&server, "list_sources").await;
    assert!(!run.status.success(), "stdout: {}", run.stdout);
    assert!(run.stderr.contains("500"), "stderr: {}", run.stderr);
    assert!(
        run.stderr.contains("upstream broke"),
        "stderr: {}",
        run.stderr
    );
    assert!(!run.stdout.lines().any(|l| l.ends_with(" sources")));
    assert!(!run.stderr.contains(SECRET));
}

/// `GET /v2025/accounts` over `total` accounts, paged by `limit` and
/// `offset` as the API does.
struct AccountPages {
    total: usize,
}

impl Respond for AccountPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let (Some(limit), Some(offset)) = (param("limit"), param("offset")) else {
            return ResponseTemplate::new(400).set_body_json(json!({"detailCode": "400"}));
        };
        let end = (offset + limit).min(self.total);
        let page: Vec<serde_json::Value> = (offset.min(end)..end)
            .map(|i| {
                json!({
                    "id": format!("acc-{i}"), "name": format!("account {i}"),
                    "sourceId": "src-1", "sourceName": "Employees",
                    "attributes": {"displayName": format!("Account {i}")},
                    "authoritative": false, "disabled": false, "locked": false,
                    "nativeIdentity": format!("{i}"), "systemAccount": false,
                    "uncorrelated": false, "manuallyCorrelated": false,
                    "hasEntitlements": true,
                })
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(page)
    }
}

#[tokio::test]
async fn the_count_accounts_example_streams_every_account() {
    let server = MockServer::start().await;
    TokenIssuer::new().mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2025/accounts"))
        .and(header("authorization", bearer("tok-1").as_str()))
        .respond_with(AccountPages { total: 1_001 })
        .mount(&server)
        .await;
    let run = run_example(&server, "count_accounts").await;
    assert!(run.status.success(), "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout.lines().last(),
        Some("1001 accounts"),
        "{}",
        run.stdout
    );
    let mut pages: Vec<(usize, usize)> = requests_to(&server, "/v2025/accounts")
        .await
        .iter()
        .map(|r| {
            let param = |name: &str| {
                r.url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(usize::MAX)
            };
            (param("offset"), param("limit"))
        })
        .collect();
    pages.sort_unstable();
    // Five pages, the last short; the page fetched ahead of it (offset
    // 1250) may be asked for too.
    let expected: Vec<(usize, usize)> = (0..5).map(|p| (p * 250, 250)).collect();
    assert_eq!(pages[..5.min(pages.len())], expected[..], "{pages:?}");
    assert!(pages.len() <= 6, "{pages:?}");
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
}
