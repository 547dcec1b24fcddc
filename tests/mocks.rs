//! The generated mock crate of the fixture client
//! (`tests/fixture-client/mock`, made by `cargo xtask regen` like the
//! SailPoint ones): each mock matches exactly the request the client sends
//! for the same typed arguments, and nothing else; the paging, search and
//! rate-limit answers behave as SailPoint's do.

use std::collections::HashMap;
use std::time::Duration;

use futures::TryStreamExt;
use sailpoint_fixture_client::Client;
use sailpoint_fixture_client::prelude::*;
use sailpoint_fixture_client::types::{
    JsonPatchOperation, JsonPatchOperationOp, Search, Thing, ThingKind,
};
use sailpoint_fixture_client_mock::{
    ApiError, FindThings, GetThing, ListThings, MockTenant, OperationMock, PatchThing,
    SearchThings, start,
};
use sailpoint_runtime::Paging;

fn thing(id: &str, name: &str) -> Thing {
    Thing {
        id: id.to_owned(),
        name: name.to_owned(),
        kind: Some(ThingKind::Role),
        attributes_hash: None,
        extra: Default::default(),
    }
}

fn client(tenant: &MockTenant) -> Client {
    Client::from_config(&tenant.config())
}

#[tokio::test]
async fn an_offset_list_is_served_page_by_page_and_the_stream_reads_every_item_once() {
    let tenant = start().await;
    let things: Vec<Thing> = (0..7).map(|i| thing(&format!("t{i}"), "n")).collect();
    tenant
        .mount(
            ListThings::when()
                .filters("name sw \"n\"")
                .respond_pages(&things),
        )
        .await;
    let read: Vec<Thing> = client(&tenant)
        .list_things()
        .filters("name sw \"n\"")
        .stream_with(Paging::default().page_size(3))
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<&str> = read.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
    // 7 items at 3 a page: 3, 3, then the short page that ends the stream.
    let requests = tenant.requests().await;
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(tenant.token_requests().await, 1);
}

#[tokio::test]
async fn query_matchers_follow_the_parameter_style_and_refuse_other_values() {
    let tenant = start().await;
    // `kinds` is `style: form, explode: false`: one `kinds=SOURCE,ROLE` pair.
    tenant
        .mount(
            FindThings::when()
                .kinds(vec![ThingKind::Source, ThingKind::Role])
                .respond_ok(&vec![thing("t1", "first")]),
        )
        .await;
    let client = client(&tenant);
    let found = client
        .find_things()
        .kinds(vec![ThingKind::Source, ThingKind::Role])
        .send()
        .await
        .expect("the mock matches what the client sends")
        .into_inner();
    assert_eq!(found[0].id, "t1");
    let other = client
        .find_things()
        .kinds(vec![ThingKind::Role])
        .send()
        .await;
    assert_eq!(
        other.err().and_then(|e| e.status()).map(|s| s.as_u16()),
        Some(404),
        "a request the mock does not describe is not answered by it"
    );
}

#[tokio::test]
async fn a_deep_object_parameter_is_matched_member_by_member() {
    let tenant = start().await;
    let attributes: HashMap<String, String> = [
        ("cost center".to_owned(), "Sales & Marketing".to_owned()),
        ("region".to_owned(), "EMEA".to_owned()),
    ]
    .into();
    tenant
        .mount(
            FindThings::when()
                .attributes(attributes.clone())
                .respond_ok(&vec![thing("t1", "first")]),
        )
        .await;
    let client = client(&tenant);
    let found = client
        .find_things()
        .attributes(attributes)
        .send()
        .await
        .expect("matched member by member");
    assert_eq!(found.into_inner().len(), 1);
    let fewer: HashMap<String, String> = [("region".to_owned(), "EMEA".to_owned())].into();
    let other = client.find_things().attributes(fewer).send().await;
    assert!(other.is_err(), "a member missing is another request");
}

#[tokio::test]
async fn path_and_body_matchers_take_the_clients_types() {
    let tenant = start().await;
    let patch = vec![JsonPatchOperation {
        op: JsonPatchOperationOp::Replace,
        path: "/name".to_owned(),
        value: Some(serde_json::json!("renamed")),
        extra: Default::default(),
    }];
    tenant
        .mount(
            PatchThing::when()
                .id("t1")
                .body(&patch)
                .respond_ok(&thing("t1", "renamed")),
        )
        .await;
    tenant
        .mount(
            GetThing::when()
                .id("missing")
                .respond_bad_request(&ApiError {
                    detail_code: Some("400.1 Bad request content".to_owned()),
                    ..ApiError::default()
                }),
        )
        .await;
    let client = client(&tenant);
    let renamed = client
        .patch_thing()
        .id("t1")
        .body(patch.clone())
        .send()
        .await
        .expect("matched by path and body")
        .into_inner();
    assert_eq!(renamed.name, "renamed");
    let error = client
        .get_thing()
        .id("missing")
        .send()
        .await
        .expect_err("the mock answers 400");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        sailpoint_runtime::ErrorExt::api_error(&error).and_then(|e| e.detail_code.as_deref()),
        Some("400.1 Bad request content"),
        "the typed error body arrives"
    );
    let wrong_body = client
        .patch_thing()
        .id("t1")
        .body(Vec::<JsonPatchOperation>::new())
        .send()
        .await;
    assert!(wrong_body.is_err(), "another body is not matched");
}

#[tokio::test]
async fn search_is_served_with_search_after_keeping_ties_in_order() {
    let tenant = start().await;
    // Names tie in threes; `id` breaks the ties.
    let hits: Vec<Thing> = (0..10)
        .map(|i| thing(&format!("id{i:02}"), &format!("n{}", i / 3)))
        .rev()
        .collect();
    tenant
        .mount(SearchThings::when().respond_search_pages(&hits))
        .await;
    let read: Vec<Thing> = client(&tenant)
        .search_things()
        .body(Search {
            indices: Some(vec!["things".to_owned()]),
            query: Some("*".to_owned()),
            sort: Some(vec!["name".to_owned(), "id".to_owned()]),
            search_after: None,
            extra: Default::default(),
        })
        .stream_with(Paging::default().page_size(4))
        .try_collect()
        .await
        .expect("every hit");
    let ids: Vec<String> = read.into_iter().map(|t| t.id).collect();
    let expected: Vec<String> = (0..10).map(|i| format!("id{i:02}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(tenant.requests().await.len(), 3, "4 + 4 + the short 2");
}

#[tokio::test]
async fn a_429_storm_is_waited_out_with_retry_after() {
    let tenant = start().await;
    tenant
        .mount(
            ListThings::when()
                .too_many_requests(Duration::ZERO)
                .up_to_n_times(2)
                .with_priority(1),
        )
        .await;
    tenant
        .mount(ListThings::when().respond_ok(&vec![thing("t1", "one")]))
        .await;
    let listed = client(&tenant)
        .list_things()
        .send()
        .await
        .expect("retried past the storm")
        .into_inner();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        tenant.requests().await.len(),
        3,
        "two 429s, then the answer"
    );
}

#[tokio::test]
async fn a_client_with_wrong_credentials_gets_no_token() {
    let tenant = start().await;
    tenant.mount(ListThings::when().respond_ok(&vec![])).await;
    let config = tenant
        .config_builder()
        .client_credentials("someone-else", "wrong")
        .build()
        .expect("configuration");
    let result = Client::from_config(&config).list_things().send().await;
    assert!(
        result.is_err(),
        "the token endpoint refuses other credentials"
    );
    assert!(
        tenant.requests().await.is_empty(),
        "no API request without a token"
    );
}
