//! The model rules of README's "Models and real tenant data", one test
//! each, on payloads shaped like the ones tenants send (the python-sdk
//! issues cited in `ANCHORS.md`): the fixture client's small types where the
//! rule is the generator's, the v2025 crate's where the payload is
//! SailPoint's own. Decoding goes through the generated client and a local
//! server where the response path matters.

use sailpoint_fixture_client::prelude::*;
use sailpoint_fixture_client::types::{
    ListEventsResponseItem, SearchHit, TaskStatus, UploadOptions,
};
use sailpoint_fixture_client::{Client, Runtime};
use sailpoint_runtime::RetryPolicy;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Decodes `json` as `T` and encodes it again.
fn round_trip<T: DeserializeOwned + Serialize>(json: &Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
    let encoded = serde_json::to_value(&decoded).unwrap_or_else(|e| panic!("re-encoding: {e}"));
    (decoded, encoded)
}

async fn serving(route: &str, body: Value) -> (Client, MockServer) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/fixture{route}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let runtime = Runtime::new()
        .with_bearer_token("t")
        .with_retry_policy(RetryPolicy::none());
    (
        Client::new(&format!("{}/fixture", server.uri()), runtime),
        server,
    )
}

#[tokio::test]
async fn search_hits_decode_as_the_kind_their_type_names() {
    let hits = json!([
        {"id": "i1", "name": "Carol", "_type": "identity", "email": "carol@example.com",
         "created": "2018-06-25T20:22:28.104Z"},
        {"id": "r1", "name": "Auditor", "_type": "role", "requestable": true},
        {"id": "p1", "name": "Profile", "_type": "accessprofile"},
        // An identity with only the fields every kind declares: `_type` decides.
        {"id": "i2", "name": "Bare", "_type": "identity"},
    ]);
    let (client, _server) = serving("/documents", hits.clone()).await;
    let decoded = client
        .search_documents()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    let kinds: Vec<&str> = decoded
        .iter()
        .map(|hit| match hit {
            SearchHit::IdentityHit(_) => "identity",
            SearchHit::RoleHit(_) => "role",
            SearchHit::ProfileHit(_) => "profile",
        })
        .collect();
    assert_eq!(kinds, ["identity", "role", "profile", "identity"]);
    let SearchHit::IdentityHit(carol) = &decoded[0] else {
        unreachable!("checked above")
    };
    assert_eq!(carol.email.as_deref(), Some("carol@example.com"));
    assert_eq!(serde_json::to_value(&decoded).ok(), Some(hits));
}

#[test]
fn without_a_known_type_the_variant_declaring_most_present_keys_wins() {
    // No `_type` (or one the mapping lacks): `requestable` is a role's.
    for hit in [
        json!({"id": "r1", "name": "Auditor", "requestable": false}),
        json!({"id": "r1", "name": "Auditor", "_type": "newkind", "requestable": false}),
    ] {
        let (decoded, encoded) = round_trip::<SearchHit>(&hit);
        assert!(matches!(decoded, SearchHit::RoleHit(_)), "{decoded:?}");
        assert_eq!(encoded, hit);
    }
    // A hit that says it is an identity but is not one is an error, not a
    // profile with fields dropped.
    let error = serde_json::from_value::<SearchHit>(
        json!({"id": "i1", "name": "x", "_type": "identity", "created": "yesterday"}),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        error.contains("the closest, IdentityHit, failed"),
        "{error}"
    );
    assert!(error.contains("invalid date-time \"yesterday\""), "{error}");
}

#[test]
fn v2025_search_mixing_identity_role_and_access_profile_hits_loses_nothing() {
    use sailpoint_v2025::types::SearchDocuments;
    let hits = json!([
        {"id": "2c9180865c45e7e3015d2c5e3f5d6d3f", "name": "Carol.Adams", "_type": "identity",
         "displayName": "Carol.Adams", "email": "Carol.Adams@sailpointdemo.com",
         "created": "2018-06-25T20:22:28.104Z", "isManager": false, "accessCount": 12},
        {"id": "2c918086", "name": "Role", "_type": "role", "requestable": true,
         "description": "A role", "entitlementCount": 3},
        {"id": "2c918087", "name": "Profile", "_type": "accessprofile", "requestable": true},
    ]);
    let (decoded, encoded) = round_trip::<Vec<SearchDocuments>>(&hits);
    assert!(matches!(decoded[0], SearchDocuments::IdentityDocuments(_)));
    assert!(matches!(decoded[1], SearchDocuments::RoleDocuments(_)));
    assert!(matches!(
        decoded[2],
        SearchDocuments::AccessProfileDocuments(_)
    ));
    assert_eq!(encoded, hits);
    // A `typeAheadQuery` answers the matched texts.
    let typeahead = json!(["Ethan Johnson", "Joan.Wells"]);
    let (decoded, encoded) = round_trip::<Vec<SearchDocuments>>(&typeahead);
    assert!(matches!(&decoded[0], SearchDocuments::String(text) if text == "Ethan Johnson"));
    assert_eq!(encoded, typeahead);
}

#[tokio::test]
async fn any_of_keeps_the_fields_of_every_matching_branch() {
    let events = json!([
        {"eventType": "CERTIFIED", "identityId": "i1", "certificationName": "Q1"},
        {"eventType": "REMOVED", "identityId": "i2", "removedItem": "e1"},
    ]);
    let (client, _server) = serving("/events", events.clone()).await;
    let decoded: Vec<ListEventsResponseItem> = client
        .list_events()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    let certified = decoded[0].subtype_0.as_ref().expect("certified branch");
    assert_eq!(certified.event_type.as_deref(), Some("CERTIFIED"));
    // The shared fields reach every branch, not only the first.
    let removed = decoded[1].subtype_1.as_ref().expect("removed branch");
    assert_eq!(removed.identity_id.as_deref(), Some("i2"));
    assert_eq!(removed.removed_item.as_deref(), Some("e1"));
    assert_eq!(serde_json::to_value(&decoded).ok(), Some(events));
}

#[test]
fn date_times_in_the_forms_tenants_send() {
    let instant = "2024-01-31T10:00:00Z";
    for created in [
        "2024-01-31T10:00:00Z",
        "2024-01-31T10:00:00.000Z",
        "2024-01-31T12:00:00+02:00",
        "2024-01-31T10:00:00",
    ] {
        let (decoded, _) = round_trip::<TaskStatus>(&json!({"created": created}));
        assert_eq!(
            decoded.created.map(|t| {
                t.with_timezone(&chrono::Utc)
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            }),
            Some(instant.to_string()),
            "{created}"
        );
    }
    // An optional date-time reads `""` and `null` as absent, never as an instant.
    for empty in [json!(""), Value::Null] {
        let (decoded, _) = round_trip::<TaskStatus>(&json!({"created": empty}));
        assert_eq!(decoded.created, None);
    }
    let error = serde_json::from_value::<TaskStatus>(json!({"launched": "31/01/2024"}))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("invalid date-time \"31/01/2024\""),
        "strictly, an unparseable date-time is an error quoting it: {error}"
    );
}

#[tokio::test]
async fn a_task_status_with_null_required_fields_and_an_unlisted_status_decodes() {
    // `parentName` and `progress` are required and arrive `null`;
    // `completionStatus` is `SUCCESS` where the spec lists `Success`.
    let status = json!({"id": "t1", "parentName": null, "progress": null,
        "completionStatus": "SUCCESS", "created": "2024-01-31T10:00:00"});
    let (client, _server) = serving("/tasks/t1", status).await;
    let decoded = client
        .get_task_status()
        .id("t1")
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(decoded.parent_name, None);
    assert_eq!(decoded.progress, None);
    assert_eq!(
        decoded.completion_status.map(|s| s.to_string()).as_deref(),
        Some("SUCCESS")
    );

    // The same on v2025's own `TaskStatus`, which lists `SUCCESS`: the
    // `Success` some tenants send is kept as it came.
    use sailpoint_v2025::types::{TaskStatus, TaskStatusCompletionStatus};
    let status = json!({"id": "t1", "type": "QUARTZ", "uniqueName": "Cloud Account Aggregation",
        "description": "Aggregate", "parentName": null, "launcher": "support",
        "created": "2020-07-11T00:54:00.000Z", "completionStatus": "Success",
        "progress": null, "messages": [], "returns": [], "attributes": {}});
    let (decoded, encoded) = round_trip::<TaskStatus>(&status);
    assert_eq!(
        decoded.completion_status,
        Some(TaskStatusCompletionStatus::Unknown("Success".into()))
    );
    assert_eq!(encoded["completionStatus"], "Success");
}

#[test]
fn response_defaults_are_not_written_back_and_floats_stay_exact() {
    let status = json!({"id": "t1", "percentComplete": 0.92});
    let (decoded, encoded) = round_trip::<TaskStatus>(&status);
    // `retry` has a spec default (`false`) but was not sent.
    assert_eq!(decoded.retry, None);
    assert_eq!(encoded, status);
}

#[test]
fn v2025_source_feature_missing_from_the_enum_is_kept() {
    use sailpoint_v2025::types::SourceFeatureItem;
    // The vendored v2025 spec lists `APPLICATION_DISCOVERY` (the python-sdk
    // issue was filed before it did); a feature added after it is kept.
    let features = json!(["AUTHENTICATE", "APPLICATION_DISCOVERY", "AGENTIC_DISCOVERY"]);
    let (decoded, encoded) = round_trip::<Vec<SourceFeatureItem>>(&features);
    assert_eq!(decoded[0], SourceFeatureItem::Authenticate);
    assert_eq!(decoded[1], SourceFeatureItem::ApplicationDiscovery);
    assert_eq!(
        decoded[2],
        SourceFeatureItem::Unknown("AGENTIC_DISCOVERY".into())
    );
    assert_eq!(encoded, features);
}

#[test]
fn v2025_slim_account_decodes() {
    // `list_accounts` with `detailLevel=SLIM`: most of `Account`'s required
    // fields are left out.
    use sailpoint_v2025::types::Account;
    let slim = json!({"id": "2c9180835d2e5168015d32f890ca1581", "name": "john.doe",
        "nativeIdentity": "CN=John Doe", "sourceId": "2c9180835d2e5168015d32f890ca1581",
        "created": "2015-05-28T14:07:17Z", "modified": "2015-05-28T14:07:17Z"});
    let (decoded, encoded) = round_trip::<Account>(&slim);
    assert_eq!(decoded.name.as_deref(), Some("john.doe"));
    assert_eq!(decoded.identity_id, None);
    assert_eq!(encoded, slim);
}

#[test]
fn a_caller_can_send_an_explicit_empty_list_and_a_response_keeps_it() {
    // `excludeTypes: []` ("exclude nothing") is sent, not skipped.
    let options = UploadOptions {
        exclude_types: Some(vec![]),
        preview: None,
        extra: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&options).ok(),
        Some(json!({"excludeTypes": []}))
    );
    let (decoded, encoded) = round_trip::<UploadOptions>(&json!({"excludeTypes": []}));
    assert_eq!(decoded.exclude_types, Some(vec![]));
    assert_eq!(encoded, json!({"excludeTypes": []}));
    let (_, encoded) = round_trip::<UploadOptions>(&json!({}));
    assert_eq!(encoded, json!({}));
}

#[tokio::test]
async fn a_response_keeps_undeclared_members_nulls_and_values_against_its_schema() {
    // `percentComplete` is a number in the spec; this tenant sends text.
    // The strict decode fails, the lenient one keeps the text in `extra`,
    // and everything else decodes as usual.
    let status = json!({"id": "t1", "parentName": null, "progress": null,
        "percentComplete": "50%", "retry": false,
        "created": "2009-11-10 23:00:00 +0000 UTC", "launcher": {"name": "support"}});
    let (client, _server) = serving("/tasks/t1", status.clone()).await;
    let decoded = client
        .get_task_status()
        .id("t1")
        .send()
        .await
        .expect("decodes leniently")
        .into_inner();
    assert_eq!(decoded.id.as_deref(), Some("t1"));
    assert_eq!(decoded.retry, Some(false));
    assert_eq!(decoded.percent_complete, None);
    assert_eq!(decoded.extra.get("percentComplete"), Some(&json!("50%")));
    assert_eq!(decoded.extra.get("parentName"), Some(&Value::Null));
    assert_eq!(
        decoded.extra.get("launcher"),
        Some(&json!({"name": "support"}))
    );
    assert_eq!(
        decoded.created.map(|t| t.to_rfc3339()).as_deref(),
        Some("2009-11-10T23:00:00+00:00")
    );
    // Written back as received: the null, the undeclared member, the text
    // where a number belongs, the Go-form date-time.
    assert_eq!(serde_json::to_value(&decoded).ok(), Some(status));
    // A set field wins over what `extra` kept under its name.
    let mut changed = decoded;
    changed.percent_complete = Some(75.0);
    changed.parent_name = Some("parent".into());
    let written = serde_json::to_value(&changed).unwrap_or_default();
    assert_eq!(written["percentComplete"], json!(75));
    assert_eq!(written["parentName"], json!("parent"));
}

#[test]
fn a_value_no_extra_can_hold_still_fails() {
    use sailpoint_runtime::object::from_slice;
    // A list where the spec says object: the body itself has no `extra`.
    let error = from_slice::<TaskStatus>(br#"[{"id": "t1"}]"#)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("invalid type: sequence, expected an object TaskStatus"),
        "{error}"
    );
    // In a list of objects, one element's misfit stays in that element.
    let statuses: Vec<TaskStatus> =
        from_slice(br#"[{"id": "t1", "retry": "yes"}, {"id": "t2", "retry": true}]"#)
            .expect("decodes leniently");
    assert_eq!(statuses[0].extra.get("retry"), Some(&json!("yes")));
    assert_eq!(statuses[1].retry, Some(true));
}

/// A body set whole with `.body(x)` goes through typify's struct builder
/// (`X` into `builder::X` and back); its `extra` (an undeclared member, an
/// explicit `null` for a field left unset) must survive that trip and be
/// sent. Before the builder carried `extra`, both were dropped.
#[tokio::test]
async fn a_body_set_whole_sends_its_extra_members_and_nulls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/fixture/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let runtime = Runtime::new()
        .with_bearer_token("t")
        .with_retry_policy(RetryPolicy::none());
    let client = Client::new(&format!("{}/fixture", server.uri()), runtime);
    let search: sailpoint_fixture_client::types::Search = serde_json::from_value(json!({
        "query": "name:a*",
        "clientMetadata": {"app": "tests"},
        "indices": null
    }))
    .expect("decodes");
    assert!(search.extra.contains_key("clientMetadata"));
    client
        .search_things()
        .body(search)
        .send()
        .await
        .expect("sent");
    let built = sailpoint_fixture_client::types::Search::builder()
        .query("q".to_string())
        .extra(
            json!({"accessRequestIds": ["r1"]})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
    client
        .search_things()
        .body(built)
        .send()
        .await
        .expect("sent");
    let requests = server.received_requests().await.unwrap_or_default();
    let bodies: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("a JSON body"))
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"query": "name:a*", "clientMetadata": {"app": "tests"}, "indices": null}),
            json!({"query": "q", "accessRequestIds": ["r1"]}),
        ]
    );
}

#[tokio::test]
async fn an_int32_member_beyond_32_bits_lands_in_its_typed_field() {
    use sailpoint_fixture_client::types::Thing;
    // A tenant's `attributesHash`, declared `int32`: every integer is an
    // `i64`, so the typed field holds it and `extra` stays empty.
    let thing = json!({"id": "t1", "name": "Thing", "attributesHash": 2843118224_u64});
    let (decoded, encoded) = round_trip::<Thing>(&thing);
    assert_eq!(decoded.attributes_hash, Some(2_843_118_224));
    assert!(decoded.extra.is_empty(), "{:?}", decoded.extra);
    assert_eq!(encoded, thing);

    // Through a response, as a tenant sends it.
    let (client, _server) = serving("/things/matching", json!([thing])).await;
    let fetched = client
        .find_things()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    let [fetched] = fetched.as_slice() else {
        panic!("one thing, got {fetched:?}");
    };
    assert_eq!(fetched.attributes_hash, Some(2_843_118_224));
    assert!(fetched.extra.is_empty(), "{:?}", fetched.extra);
}

#[test]
fn a_date_time_keeps_the_offset_it_was_sent_with() {
    // Fields are `DateTime<FixedOffset>`: the caller's zone survives a
    // round trip (as `DateTime<Utc>` this came back as `...T05:00:00Z`).
    for sent in ["2024-01-01T00:00:00-05:00", "2024-01-01T00:00:00Z"] {
        let status = json!({"id": "t1", "created": sent});
        let (decoded, encoded) = round_trip::<TaskStatus>(&status);
        assert_eq!(encoded, status);
        assert!(decoded.extra.is_empty(), "{:?}", decoded.extra);
    }
    let (decoded, _) = round_trip::<TaskStatus>(&json!({"created": "2024-01-01T00:00:00-05:00"}));
    let created = decoded.created.expect("an instant");
    assert_eq!(created.offset().local_minus_utc(), -5 * 3600);
    // Without an offset a value reads as UTC, and goes back as it came.
    let (decoded, encoded) = round_trip::<TaskStatus>(&json!({"created": "2024-01-31T10:00:00"}));
    assert_eq!(encoded["created"], "2024-01-31T10:00:00");
    assert_eq!(
        decoded.created.map(|t| t.offset().local_minus_utc()),
        Some(0)
    );
}
