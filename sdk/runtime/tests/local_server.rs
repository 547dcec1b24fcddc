//! Exercises the runtime against real HTTP exchanges with a one-shot server on
//! 127.0.0.1, so that requests and `reqwest::Response`s are the real thing.

use std::time::{Duration, SystemTime};

use progenitor_client::{Error, ResponseValue};
use reqwest::StatusCode;
use sailpoint_runtime::{ApiError, ErrorExt, Runtime};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const TOKEN: &str = "local-test-token";
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What the server received.
struct Received {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Accepts one connection on an ephemeral loopback port, records the request
/// and answers with `response`. Returns the base URL and the recording.
async fn serve_once(response: String) -> (String, JoinHandle<std::io::Result<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut data = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_len = loop {
            if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            data.extend_from_slice(&chunk[..n]);
        };

        let head = String::from_utf8_lossy(&data[..head_len]).into_owned();
        let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
        let request_line = lines.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let content_length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while data.len() < head_len + content_length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            data.extend_from_slice(&chunk[..n]);
        }

        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await?;
        Ok(Received {
            request_line,
            headers,
            body: data[head_len..head_len + content_length].to_vec(),
        })
    });
    (base_url, handle)
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIME_LIMIT)
        .build()
        .unwrap()
}

/// Sends a plain GET through the runtime and returns the raw response.
async fn get(response: String) -> reqwest::Response {
    let (base_url, server) = serve_once(response).await;
    let client = client();
    let request = client
        .get(format!("{base_url}/v2025/sources"))
        .build()
        .unwrap();
    let response = Runtime::new()
        .execute(&client, request, "listSources")
        .await
        .unwrap();
    tokio::time::timeout(TIME_LIMIT, server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    response
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
    let (base_url, server) =
        serve_once(http_response("200 OK", &[], r#"{"id":"a1","name":"x"}"#)).await;
    let client = client();
    let runtime = Runtime::new().with_bearer_token(TOKEN);
    let patch = json!([{"op": "replace", "path": "/name", "value": "x"}]);
    let mut request = client
        .patch(format!("{base_url}/v2025/accounts/a1"))
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

    let received = tokio::time::timeout(TIME_LIMIT, server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(received.request_line, "PATCH /v2025/accounts/a1 HTTP/1.1");
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
    let response = get(http_response(
        "429 Too Many Requests",
        &[("Retry-After", "7")],
        r#"{"message":"Rate Limit Exceeded"}"#,
    ))
    .await;
    let error = documented_error(response).await;

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
    let response = get(http_response(
        "503 Service Unavailable",
        &[("Retry-After", &retry_at)],
        r#"{"detailCode":"503 Service Unavailable","trackingId":"t-503","messages":null,"causes":[]}"#,
    ))
    .await;
    let error = documented_error(response).await;

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
    let response = get(http_response(
        "401 Unauthorized",
        &[],
        r#"{"error":"JWT validation failed: JWT is expired"}"#,
    ))
    .await;
    let error = documented_error(response).await;

    assert_eq!(ErrorExt::status(&error), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.retry_after(), None);
    assert_eq!(
        error.api_error().unwrap().error.as_deref(),
        Some("JWT validation failed: JWT is expired")
    );
}

#[tokio::test]
async fn unexpected_response_has_status_and_retry_after_but_no_body() {
    let response = get(http_response(
        "502 Bad Gateway",
        &[("Retry-After", "3")],
        "<html>bad gateway</html>",
    ))
    .await;
    let error: Error<ApiError> = Error::UnexpectedResponse(response);

    assert_eq!(ErrorExt::status(&error), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert!(error.api_error().is_none());
}
