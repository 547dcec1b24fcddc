//! The generated `sailpoint-v2025` client against a local mock server: what
//! goes on the wire for the operation kinds the generator had to work for
//! (JSON Patch, experimental, multipart, mixed success responses, non-JSON
//! responses), and how errors come back.

use futures::TryStreamExt;
use sailpoint_runtime::FilePart;
use sailpoint_runtime::RetryPolicy;
use sailpoint_v2025::prelude::*;
use sailpoint_v2025::types::{JsonPatchOperation, JsonPatchOperationOp, JsonPatchOperationValue};
use sailpoint_v2025::{ApiError, Client, ErrorExt, Runtime};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token-not-a-secret";

async fn client() -> (Client, MockServer) {
    let server = MockServer::start().await;
    // These tests check decoding and wire format; the runtime's retries
    // are tested in sdk/runtime.
    let runtime = Runtime::new()
        .with_bearer_token(TOKEN)
        .with_retry_policy(RetryPolicy::none());
    let client = Client::new(&server.uri(), runtime);
    (client, server)
}

/// Answers one `verb path` request with `reply`; a mock mounted later for
/// the same request answers the next one.
async fn answer_once(server: &MockServer, verb: &str, at: &str, reply: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(reply)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

fn json_reply(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("the server records requests")
}

/// The one request received; fails the test otherwise.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = requests(server).await;
    assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
    requests.remove(0)
}

/// Path and query, as sent.
fn target(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_string(),
    }
}

/// Every value of a header.
fn header_values<'r>(request: &'r Request, name: &str) -> Vec<&'r str> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or("(not text)"))
        .collect()
}

/// The only value of a header, if it was sent exactly once.
fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    match header_values(request, name).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

#[tokio::test]
async fn json_patch_goes_out_with_its_content_type_and_a_typed_body() {
    let (client, server) = client().await;
    answer_once(
        &server,
        "PATCH",
        "/accounts/acc1",
        json_reply(202, json!({"id": "acc1"})),
    )
    .await;
    let patch = vec![JsonPatchOperation {
        op: JsonPatchOperationOp::Replace,
        path: "/attributes/department".into(),
        value: Some(JsonPatchOperationValue::String("Engineering".into())),
        extra: Default::default(),
    }];
    let response = client
        .update_account()
        .id("acc1")
        .body(patch)
        .send()
        .await
        .expect("patch succeeds");
    assert_eq!(response.into_inner().get("id"), Some(&json!("acc1")));

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(target(&request), "/accounts/acc1");
    assert_eq!(
        header_values(&request, "content-type"),
        vec!["application/json-patch+json"]
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body,
        json!([{"op": "replace", "path": "/attributes/department", "value": "Engineering"}])
    );
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn experimental_operations_send_their_header_themselves() {
    let (client, server) = client().await;
    answer_once(
        &server,
        "GET",
        "/api-usage/count",
        json_reply(200, json!({})),
    )
    .await;
    client.get_total_count().send().await.expect("succeeds");
    let request = only_request(&server).await;
    assert_eq!(target(&request), "/api-usage/count");
    assert_eq!(header(&request, "x-sailpoint-experimental"), Some("true"));
}

#[tokio::test]
async fn non_experimental_operations_do_not_send_it() {
    let (client, server) = client().await;
    answer_once(&server, "PATCH", "/accounts/a", json_reply(202, json!({}))).await;
    client
        .update_account()
        .id("a")
        .body(vec![])
        .send()
        .await
        .expect("succeeds");
    let request = only_request(&server).await;
    assert!(header_values(&request, "x-sailpoint-experimental").is_empty());
}

#[tokio::test]
async fn rate_limit_errors_carry_status_message_and_retry_after() {
    let (client, server) = client().await;
    let reply = json_reply(429, json!({"message": "Rate Limit Exceeded"}))
        .insert_header("Retry-After", "7");
    answer_once(&server, "GET", "/api-usage/count", reply).await;
    let err = client
        .get_total_count()
        .send()
        .await
        .expect_err("429 is an error");
    assert_eq!(err.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
    let api: &ApiError = err.api_error().expect("decoded body");
    assert_eq!(api.message.as_deref(), Some("Rate Limit Exceeded"));
}

#[tokio::test]
async fn error_response_dto_fields_and_401_text_decode_into_one_type() {
    let dto = json!({
        "detailCode": "400.1 Bad Request Content",
        "trackingId": "e7eab60924f64aa284175b9fa3309599",
        "messages": [{"locale": "en-US", "localeOrigin": "DEFAULT", "text": "The request was syntactically correct but its content is semantically invalid."}],
        "causes": []
    });
    let (client, server) = client().await;
    answer_once(&server, "PATCH", "/accounts/a", json_reply(400, dto)).await;
    let expired = json!({"error": "JWT validation failed: JWT is expired"});
    answer_once(&server, "GET", "/api-usage/count", json_reply(401, expired)).await;

    let err = client
        .update_account()
        .id("a")
        .body(vec![])
        .send()
        .await
        .expect_err("400");
    let api = err.api_error().expect("decoded");
    assert_eq!(
        api.detail_code.as_deref(),
        Some("400.1 Bad Request Content")
    );
    assert_eq!(
        api.tracking_id.as_deref(),
        Some("e7eab60924f64aa284175b9fa3309599")
    );
    assert_eq!(api.messages.len(), 1);

    let err = client.get_total_count().send().await.expect_err("401");
    assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(
        err.api_error().and_then(|e| e.error.as_deref()),
        Some("JWT validation failed: JWT is expired")
    );
}

#[tokio::test]
async fn multipart_upload_sends_a_named_file_part_and_a_json_part() {
    let job = json!({"jobId": "3469b87d", "status": "NOT_STARTED", "type": "IMPORT",
        "expiration": "2021-05-11T22:23:16Z", "created": "2021-05-11T22:23:16Z", "modified": "2021-05-11T22:23:16Z"});
    let (client, server) = client().await;
    answer_once(&server, "POST", "/sp-config/import", json_reply(202, job)).await;
    let options: sailpoint_v2025::types::ImportOptions =
        serde_json::from_value(json!({"includeTypes": ["TRIGGER_SUBSCRIPTION"]})).expect("options");
    let result = client
        .import_sp_config()
        .data(FilePart::bytes("export.json", &b"{\"objects\": []}"[..]))
        .options(options)
        .send()
        .await;

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(target(&request), "/sp-config/import");
    let content_type = header(&request, "content-type").expect("content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(
        body.contains("name=\"data\"; filename=\"export.json\""),
        "{body}"
    );
    assert!(body.contains("{\"objects\": []}"), "{body}");
    let options_part = body.split("name=\"options\"").nth(1).expect("options part");
    assert!(
        options_part
            .trim_start()
            .starts_with("Content-Type: application/json"),
        "{body}"
    );
    assert!(
        options_part.contains("\"includeTypes\":[\"TRIGGER_SUBSCRIPTION\"]"),
        "{body}"
    );
    assert!(
        result.is_ok() || matches!(result, Err(progenitor_client::Error::UnexpectedResponse(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn missing_required_file_part_is_a_request_error_before_sending() {
    let (client, server) = client().await;
    let err = client
        .import_sp_config()
        .send()
        .await
        .expect_err("data is required");
    assert!(
        matches!(&err, progenitor_client::Error::InvalidRequest(m) if m.contains("data")),
        "{err:?}"
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn mixed_success_responses_are_an_enum_to_match_on() {
    use sailpoint_v2025::types::GetPendingTasksResponse;
    let (client, server) = client().await;
    // The first call is answered 204, the second 200.
    answer_once(
        &server,
        "GET",
        "/task-status/pending-tasks",
        ResponseTemplate::new(204),
    )
    .await;
    answer_once(
        &server,
        "GET",
        "/task-status/pending-tasks",
        json_reply(200, json!([])),
    )
    .await;
    let none = client
        .get_pending_tasks()
        .send()
        .await
        .expect("204")
        .into_inner();
    assert!(
        matches!(none, GetPendingTasksResponse::NoContent),
        "{none:?}"
    );
    let some = client
        .get_pending_tasks()
        .send()
        .await
        .expect("200")
        .into_inner();
    assert!(matches!(some, GetPendingTasksResponse::Ok(tasks) if tasks.is_empty()));
}

#[tokio::test]
async fn non_json_responses_stream_with_their_content_type() {
    let xml = b"<?xml version='1.0'?><connector/>";
    let (client, server) = client().await;
    let reply = ResponseTemplate::new(200).set_body_raw(&xml[..], "application/xml");
    answer_once(
        &server,
        "GET",
        "/connectors/my-connector/source-config",
        reply,
    )
    .await;
    let response = client
        .get_connector_source_config()
        .script_name("my-connector")
        .send()
        .await
        .expect("200");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/xml")
    );
    let bytes: Vec<u8> = response
        .into_inner()
        .into_inner()
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await
        .expect("body");
    assert_eq!(bytes, xml);
}
