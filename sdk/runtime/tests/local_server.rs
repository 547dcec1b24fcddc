//! Exercises the runtime against real HTTP exchanges with the workspace's
//! mock server on 127.0.0.1, so that requests and `reqwest::Response`s are
//! the real thing.

use std::time::{Duration, SystemTime};

use progenitor_client::{Error, ResponseValue};
use reqwest::StatusCode;
use sailpoint_runtime::{ApiError, ErrorExt, Runtime};
use sailpoint_tests::{MockServer, Reply};
use serde_json::json;

const TOKEN: &str = "local-test-token";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Sends a plain GET through the runtime and returns the raw response.
async fn get(reply: Reply) -> reqwest::Response {
    let server = MockServer::start(vec![reply]).await;
    let client = client();
    let request = client
        .get(format!("{}/v2025/sources", server.base_url))
        .build()
        .unwrap();
    Runtime::new()
        .execute(&client, request, "listSources")
        .await
        .unwrap()
}

/// Decodes `response` as a documented error, as generated operations do.
async fn documented_error(response: reqwest::Response) -> Error<ApiError> {
    let value = ResponseValue::<ApiError>::from_response::<ApiError>(response)
        .await
        .unwrap();
    Error::ErrorResponse(value)
}

#[tokio::test]
async fn execute_sends_prepared_request() {
    let server = MockServer::start(vec![Reply::json(200, json!({"id": "a1", "name": "x"}))]).await;
    let client = client();
    let runtime = Runtime::new().with_bearer_token(TOKEN);
    let patch = json!([{"op": "replace", "path": "/name", "value": "x"}]);
    let mut request = client
        .patch(format!("{}/v2025/accounts/a1", server.base_url))
        .json(&patch)
        .build()
        .unwrap();

    runtime
        .prepare(
            &mut request,
            &[
                ("Content-Type", "application/json-patch+json"),
                ("X-SailPoint-Experimental", "true"),
            ],
        )
        .unwrap();
    let response = runtime
        .execute(&client, request, "updateAccount")
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        json!({"id": "a1", "name": "x"})
    );

    let received = server.only_request();
    assert_eq!(
        (received.method.as_str(), received.target.as_str()),
        ("PATCH", "/v2025/accounts/a1")
    );
    assert_eq!(
        received.header_values("content-type"),
        ["application/json-patch+json"]
    );
    assert_eq!(received.header_values("x-sailpoint-experimental"), ["true"]);
    assert_eq!(
        received.header_values("authorization"),
        [format!("Bearer {TOKEN}")]
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&received.body).unwrap(),
        patch
    );
}

#[tokio::test]
async fn rate_limited_response_gives_retry_after_seconds() {
    let reply =
        Reply::json(429, json!({"message": "Rate Limit Exceeded"})).with_header("Retry-After", "7");
    let error = documented_error(get(reply).await).await;

    assert_eq!(
        ErrorExt::status(&error),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    let api_error = error.api_error().unwrap();
    assert_eq!(api_error.message.as_deref(), Some("Rate Limit Exceeded"));
    assert_eq!(api_error.to_string(), "Rate Limit Exceeded");
}

#[tokio::test]
async fn retry_after_http_date_is_relative_to_now() {
    let retry_at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
    let body = json!({"detailCode": "503 Service Unavailable", "trackingId": "t-503", "messages": null, "causes": []});
    let reply = Reply::json(503, body).with_header("Retry-After", &retry_at);
    let error = documented_error(get(reply).await).await;

    // The date has whole-second precision and some time passes before
    // `retry_after` reads the clock, so the delay is a little under 120 s.
    let delay = error.retry_after().unwrap();
    assert!(
        delay > Duration::from_secs(100) && delay <= Duration::from_secs(120),
        "{delay:?}"
    );
    assert_eq!(
        error.api_error().unwrap().to_string(),
        "unspecified API error (detail code: 503 Service Unavailable, tracking id: t-503)"
    );
}

#[tokio::test]
async fn unauthorized_body_decodes_and_has_no_retry_after() {
    let reply = Reply::json(
        401,
        json!({"error": "JWT validation failed: JWT is expired"}),
    );
    let error = documented_error(get(reply).await).await;

    assert_eq!(ErrorExt::status(&error), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.retry_after(), None);
    assert_eq!(
        error.api_error().unwrap().error.as_deref(),
        Some("JWT validation failed: JWT is expired")
    );
}

#[tokio::test]
async fn unexpected_response_has_status_and_retry_after_but_no_body() {
    let reply =
        Reply::bytes(502, "text/html", b"<html>bad gateway</html>").with_header("Retry-After", "3");
    let error: Error<ApiError> = Error::UnexpectedResponse(get(reply).await);

    assert_eq!(ErrorExt::status(&error), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert!(error.api_error().is_none());
}
