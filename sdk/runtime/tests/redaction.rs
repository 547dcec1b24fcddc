//! Secrets never reach tracing output, `Debug`, `Display` or error messages:
//! a full exchange (token fetch, 401 refresh, 429 retry, HTML error, failed
//! token request) runs under a capturing subscriber, and everything printed
//! is searched for the client secret and the tokens.

use std::io::Write;
use std::sync::{Arc, Mutex};

use progenitor_client::{Error, ResponseValue};
use reqwest::StatusCode;
use sailpoint_runtime::{ApiError, Config, Operation, RetryPolicy, Sources};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "redaction-client-secret-3141";
const QUERY_VALUE: &str = "query-value-2718";
const OP: Operation = Operation::new("listSources");

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

fn token_reply(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"access_token": token, "expires_in": 600}))
}

#[tokio::test]
async fn no_secret_in_logs_debug_or_errors() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_reply("first-token-aaaa"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token_reply("second-token-bbbb"))
        .mount(&server)
        .await;
    Mock::given(path("/v2025/sources"))
        .and(header("authorization", "Bearer first-token-aaaa"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("Unauthorized", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html"))
        .mount(&server)
        .await;

    let config = Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .client_credentials("redaction-client", SECRET)
        .no_proxy()
        .retry(RetryPolicy::default().max_attempts(4))
        .build()
        .unwrap();
    let runtime = config.runtime();
    let client = config.http_client();
    let mut request = client
        .get(format!(
            "{}/sources?filters=name eq \"{QUERY_VALUE}\"",
            config.base_url_for("v2025")
        ))
        .build()
        .unwrap();
    runtime.prepare(&mut request, &OP).await.unwrap();
    let request_debug = format!("{request:?}");
    let response = runtime.execute(&client, request, &OP).await.unwrap();
    // 401 (refresh) → 429 (retry) → 500 (not retried).
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response_debug = format!("{response:?}");
    let error: Error<ApiError> = Error::ErrorResponse(
        ResponseValue::from_response::<ApiError>(response)
            .await
            .unwrap(),
    );

    // A failed token request, with the secret in the form body it sent.
    let refusing = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_client"})))
        .mount(&refusing)
        .await;
    let refused_config = Config::builder()
        .sources(Sources::none())
        .base_url(refusing.uri())
        .client_credentials("redaction-client", SECRET)
        .no_proxy()
        .build()
        .unwrap();
    let mut request = client.get(refusing.uri()).build().unwrap();
    let token_error = refused_config
        .runtime()
        .prepare(&mut request, &OP)
        .await
        .unwrap_err();

    let token_error_text = (token_error.to_string(), format!("{token_error:?}"));
    let converted: Error<ApiError> = token_error.into();
    let logs = capture.text();
    let outputs = [
        ("logs", logs.clone()),
        ("config", format!("{config:?} {config:#?}")),
        ("runtime", format!("{runtime:?}")),
        ("request", request_debug),
        ("response", response_debug),
        ("error", format!("{error} {error:?}")),
        (
            "token error",
            format!("{} {}", token_error_text.0, token_error_text.1),
        ),
        ("converted", format!("{converted} {converted:?}")),
        ("refused config", format!("{refused_config:?}")),
    ];
    for (what, text) in &outputs {
        for secret in [SECRET, "first-token-aaaa", "second-token-bbbb", "Bearer"] {
            assert!(!text.contains(secret), "{secret} in {what}: {text}");
        }
    }
    // Logs name the path only: query values (search filters) may be
    // personal data. reqwest's own `Debug` of a request shows its URL.
    assert!(!logs.contains("query-value"), "query in logs:\n{logs}");

    // The capture did see the exchange, so the absence above means something.
    for needle in [
        "sailpoint.request",
        "operation=\"listSources\"",
        "path=\"/v2025/sources\"",
        "fetched access token",
        "401 with a cached token",
        "retrying",
        "status=500",
        "attempts=3",
        "token request refused",
        "/oauth/token",
    ] {
        assert!(logs.contains(needle), "{needle} not in logs:\n{logs}");
    }
    assert!(token_error_text.0.contains("400"), "{}", token_error_text.0);
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}\n{}", token_error_text.0);
    }
}

/// Server text that echoes a credential: an OAuth `error_description` with
/// the client secret, API error bodies (JSON and HTML) with the token.
#[tokio::test]
async fn credentials_echoed_by_a_server_are_redacted() {
    use sailpoint_runtime::ErrorExt;

    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("client secret {SECRET} is not valid"),
        })))
        .mount(&server)
        .await;
    let config = Config::builder()
        .sources(Sources::none())
        .base_url(server.uri())
        .client_credentials("redaction-client", SECRET)
        .no_proxy()
        .build()
        .unwrap();
    let mut request = config.http_client().get(server.uri()).build().unwrap();
    let token_error = config
        .runtime()
        .prepare(&mut request, &OP)
        .await
        .unwrap_err();
    let token_text = format!("{token_error} {token_error:?}");
    let converted: Error<ApiError> = token_error.into();
    let description = match converted.token_error() {
        Some(sailpoint_runtime::TokenError::Status { description, .. }) => description.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        description.as_deref(),
        Some("client secret <redacted> is not valid")
    );

    const ECHOED: &str = "static-token-echoed-1618";
    let api = MockServer::start().await;
    Mock::given(path("/v2025/sources"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": format!("token {ECHOED} is expired")})),
        )
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(path("/v2025/sources"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            format!("<html>bad gateway for Bearer {ECHOED}</html>"),
            "text/html",
        ))
        .mount(&api)
        .await;
    let static_config = Config::builder()
        .sources(Sources::none())
        .base_url(api.uri())
        .access_token(ECHOED)
        .no_proxy()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let runtime = static_config.runtime();
    let client = static_config.http_client();
    let mut errors = Vec::new();
    for _ in 0..2 {
        let mut request = client
            .get(static_config.base_url_for("v2025") + "/sources")
            .build()
            .unwrap();
        runtime.prepare(&mut request, &OP).await.unwrap();
        let response = runtime.execute(&client, request, &OP).await.unwrap();
        // As the generated code decodes a documented error status.
        errors.push(Error::ErrorResponse(
            sailpoint_runtime::decode_error::<ApiError>(response)
                .await
                .unwrap(),
        ));
    }
    let (json_error, html_error) = (&errors[0], &errors[1]);
    assert_eq!(
        json_error.api_error().and_then(|e| e.error.as_deref()),
        Some("token <redacted> is expired")
    );
    let excerpt = &html_error.raw_body().expect("an excerpt").excerpt;
    assert_eq!(excerpt, "<html>bad gateway for Bearer <redacted></html>");

    let outputs = [
        token_text,
        format!("{converted} {converted:?}"),
        format!("{json_error} {json_error:?}"),
        format!("{html_error} {html_error:?}"),
        capture.text(),
    ];
    for text in &outputs {
        for secret in [SECRET, ECHOED] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(outputs[0].contains("<redacted>"), "{}", outputs[0]);
}
