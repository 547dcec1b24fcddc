//! The matching and answers every generated mock is built on, driven with
//! plain HTTP requests.

use sailpoint_mock::{Expectation, Join, MockTenant};
use serde_json::{Value, json};

async fn get(url: String) -> (u16, Value, Option<String>) {
    let response = reqwest::get(url).await.expect("the mock tenant answers");
    let status = response.status().as_u16();
    let total = response
        .headers()
        .get("X-Total-Count")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, total)
}

#[tokio::test]
async fn path_variables_match_decoded_and_other_paths_do_not() {
    let tenant = MockTenant::start("/v2025").await;
    tenant
        .mount(
            Expectation::new(
                "getSource",
                "GET",
                "/v2025",
                "/sources/{id}/schemas/{schemaId}",
            )
            .path_param("id", "a b")
            .respond_json(200, &json!({"ok": true})),
        )
        .await;
    let base = tenant.uri();
    assert_eq!(
        get(format!("{base}/v2025/sources/a%20b/schemas/s1"))
            .await
            .0,
        200
    );
    assert_eq!(
        get(format!("{base}/v2025/sources/other/schemas/s1"))
            .await
            .0,
        404
    );
    assert_eq!(
        get(format!("{base}/v2024/sources/a%20b/schemas/s1"))
            .await
            .0,
        404
    );
    assert_eq!(get(format!("{base}/v2025/sources/a%20b")).await.0, 404);
}

#[tokio::test]
async fn query_values_follow_their_join_and_absence_is_matched() {
    let tenant = MockTenant::start("/v3").await;
    tenant
        .mount(
            Expectation::new("find", "GET", "/v3", "/things")
                .query("types", &["ROLE", "ACCESS_PROFILE"], Join::Comma)
                .query("ids", &["a", "b"], Join::Explode)
                .query("filters", &None::<String>, Join::Explode)
                .respond_json(200, &json!([])),
        )
        .await;
    let base = tenant.uri();
    let ok = format!("{base}/v3/things?types=ROLE%2CACCESS_PROFILE&ids=a&ids=b");
    assert_eq!(get(ok).await.0, 200);
    let exploded = format!("{base}/v3/things?types=ROLE&types=ACCESS_PROFILE&ids=a&ids=b");
    assert_eq!(get(exploded).await.0, 404, "explode: false is one pair");
    let reordered = format!("{base}/v3/things?types=ROLE,ACCESS_PROFILE&ids=b&ids=a");
    assert_eq!(get(reordered).await.0, 404, "item order counts");
    let filtered = format!("{base}/v3/things?types=ROLE,ACCESS_PROFILE&ids=a&ids=b&filters=x");
    assert_eq!(
        get(filtered).await.0,
        404,
        "an absent parameter must be absent"
    );
}

#[tokio::test]
async fn offset_pages_honour_limit_offset_and_count() {
    let tenant = MockTenant::start("/v3").await;
    let items: Vec<Value> = (0..5).map(|i| json!({"id": i})).collect();
    tenant
        .mount(Expectation::new("list", "GET", "/v3", "/things").respond_offset_pages(&items))
        .await;
    let base = tenant.uri();
    let (_, page, total) = get(format!("{base}/v3/things?limit=2&offset=3&count=true")).await;
    assert_eq!(page, json!([{"id": 3}, {"id": 4}]));
    assert_eq!(total.as_deref(), Some("5"));
    let (_, page, total) = get(format!("{base}/v3/things?offset=9")).await;
    assert_eq!(page, json!([]));
    assert_eq!(total, None, "no count asked for");
}

#[tokio::test]
async fn search_pages_sort_break_ties_and_continue_after_the_keys() {
    let tenant = MockTenant::start("/v3").await;
    let hits = vec![
        json!({"id": "3", "name": "b"}),
        json!({"id": "2", "name": "a"}),
        json!({"id": "1", "name": "a"}),
        json!({"id": "4", "name": "c"}),
    ];
    tenant
        .mount(Expectation::new("search", "POST", "/v3", "/search").respond_search_pages(&hits))
        .await;
    let client = reqwest::Client::new();
    let search = |body: Value| {
        let request = client
            .post(format!("{}/v3/search?limit=2", tenant.uri()))
            .json(&body);
        async move {
            let response = request.send().await.expect("answered");
            response.json::<Value>().await.expect("JSON")
        }
    };
    let first = search(json!({"sort": ["name", "id"]})).await;
    assert_eq!(
        first,
        json!([{"id": "1", "name": "a"}, {"id": "2", "name": "a"}])
    );
    let second = search(json!({"sort": ["name", "id"], "searchAfter": ["a", "2"]})).await;
    assert_eq!(
        second,
        json!([{"id": "3", "name": "b"}, {"id": "4", "name": "c"}])
    );
    let descending = search(json!({"sort": ["-name", "id"]})).await;
    assert_eq!(
        descending,
        json!([{"id": "4", "name": "c"}, {"id": "3", "name": "b"}])
    );
}

#[tokio::test]
async fn without_matches_only_requests_that_leave_the_parameter_out() {
    let tenant = MockTenant::start("/v3").await;
    tenant
        .mount(
            Expectation::new("find", "GET", "/v3", "/things")
                .without_query("filters", Join::Explode)
                .without_query("attributes", Join::DeepObject)
                .without_header("X-SailPoint-Experimental")
                .respond_json(200, &json!([])),
        )
        .await;
    let base = tenant.uri();
    assert_eq!(get(format!("{base}/v3/things?limit=1")).await.0, 200);
    assert_eq!(get(format!("{base}/v3/things?filters=x")).await.0, 404);
    assert_eq!(
        get(format!("{base}/v3/things?attributes%5Bcost%5D=1"))
            .await
            .0,
        404
    );
    let with_header = reqwest::Client::new()
        .get(format!("{base}/v3/things"))
        .header("X-SailPoint-Experimental", "true")
        .send()
        .await
        .expect("the mock tenant answers");
    assert_eq!(with_header.status().as_u16(), 404);
}
