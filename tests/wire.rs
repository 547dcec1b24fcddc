//! Requests exactly as the spec says: query parameters in their `style`
//! and `explode`, spaces as `%20`. Through the generated fixture client
//! (`findThings` declares one parameter of each style) and a local server
//! that records the raw request line.

use sailpoint_fixture_client::prelude::*;
use sailpoint_fixture_client::types::ThingKind;
use sailpoint_fixture_client::{Client, Runtime};
use sailpoint_runtime::RetryPolicy;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> (Client, MockServer) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/fixture/things/matching"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let runtime = Runtime::new()
        .with_bearer_token("t")
        .with_retry_policy(RetryPolicy::none());
    let client = Client::new(&format!("{}/fixture", server.uri()), runtime);
    (client, server)
}

async fn sent_query(server: &MockServer) -> String {
    let requests = server.received_requests().await.unwrap_or_default();
    let [request] = requests.as_slice() else {
        panic!("expected one request, got {}", requests.len());
    };
    request.url.query().unwrap_or_default().to_string()
}

#[tokio::test]
async fn each_query_parameter_is_written_in_its_declared_style() {
    let (client, server) = server().await;
    client
        .find_things()
        .kinds(vec![ThingKind::Source, ThingKind::Role])
        .ids(vec!["a".to_string(), "b c".to_string()])
        .labels(vec!["x".to_string(), "y".to_string()])
        .owners(vec!["o1".to_string(), "o2".to_string()])
        .send()
        .await
        .expect("sent");
    let query = sent_query(&server).await;
    // In progenitor's order (by name): spaceDelimited (a space inside an
    // item reads the same as the delimiter, as OpenAPI's style defines);
    // form, explode: false; pipeDelimited; form, exploded (the default).
    assert_eq!(
        query, "ids=a%20b%20c&kinds=SOURCE,ROLE&labels=x%7Cy&owners=o1&owners=o2",
        "{query}"
    );
}

#[tokio::test]
async fn spaces_in_a_filter_go_out_as_percent_20() {
    let (client, server) = server().await;
    client
        .find_things()
        .filters("name eq \"My Source\" and type+ge 1")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        sent_query(&server).await,
        "filters=name%20eq%20%22My%20Source%22%20and%20type%2Bge%201"
    );
}

/// The fixture client against a server answering `findThings` with
/// `template`.
async fn answering(template: ResponseTemplate) -> (Client, MockServer) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/fixture/things/matching"))
        .respond_with(template)
        .mount(&server)
        .await;
    let runtime = Runtime::new()
        .with_bearer_token("t")
        .with_retry_policy(RetryPolicy::none());
    let client = Client::new(&format!("{}/fixture", server.uri()), runtime);
    (client, server)
}

/// The URL an `UnexpectedResponse` error names, in its `Display` form and
/// on its response.
fn named_url(error: &progenitor_client::Error<()>) -> String {
    let progenitor_client::Error::UnexpectedResponse(response) = error else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert!(
        error.to_string().contains(response.url().as_str()),
        "{error}"
    );
    response.url().to_string()
}

#[tokio::test]
async fn an_error_from_a_body_that_did_not_decode_names_the_request_url() {
    let (client, server) =
        answering(ResponseTemplate::new(200).set_body_json(json!({"not": "a list"}))).await;
    let error = client
        .find_things()
        .filters("a")
        .send()
        .await
        .expect_err("not a list of things");
    assert_eq!(
        named_url(&error),
        format!("{}/fixture/things/matching?filters=a", server.uri())
    );
}

#[tokio::test]
async fn an_error_from_a_status_the_spec_does_not_list_names_the_request_url() {
    let (client, server) =
        answering(ResponseTemplate::new(418).set_body_raw("teapot", "text/plain")).await;
    let error = client.find_things().send().await.expect_err("418");
    assert_eq!(
        named_url(&error),
        format!("{}/fixture/things/matching", server.uri())
    );
}

#[tokio::test]
async fn a_deep_object_goes_out_as_the_name_and_each_member_in_brackets() {
    let (client, server) = server().await;
    let attributes = std::collections::HashMap::from([(
        "cost center".to_string(),
        "Sales & Marketing".to_string(),
    )]);
    client
        .find_things()
        .attributes(attributes)
        .filters("a")
        .send()
        .await
        .expect("sent");
    // Progenitor's own encoder wrote `cost+center=Sales+%26+Marketing`,
    // without the parameter's name.
    assert_eq!(
        sent_query(&server).await,
        "attributes[cost%20center]=Sales%20%26%20Marketing&filters=a"
    );
}
