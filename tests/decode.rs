//! Responses decoded into the generated v2025 types by the runtime's one
//! entry point (`sailpoint_runtime::object::from_slice`, what `send`, the
//! offset streams and the search streams call): every value in the typed
//! field it belongs to, the variant of a `oneOf` chosen by best fit, one
//! typed branch of an `anyOf`.

use sailpoint_runtime::object::from_slice;
use sailpoint_v2025::types::{
    IdentityAccess, ListIdentityAccessItemsResponseItem,
    ListIdentitySnapshotAccessItemsResponseItem, SearchDocument, SearchDocuments, SodPolicyEnum,
    ViolationContext,
};
use serde_json::{Value, json};

/// The identity hit of the v2025 spec's `searchGet` example
/// (`openapi/idn/v2025/schemas/search/documents/examples/identity.yaml`,
/// as JSON), with `isManager` sent as the text `"false"`, as tenants do.
fn identity_hit_with_a_misfit() -> Value {
    let mut hit: Value =
        serde_json::from_str(include_str!("data/search_get_identity_example.json"))
            .expect("the example is JSON");
    hit["isManager"] = json!("false");
    hit
}

fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    let bytes = serde_json::to_vec(value).expect("serializes");
    from_slice(&bytes).expect("decodes")
}

#[test]
fn search_get_identity_with_a_misfit_value_decodes_as_an_identity() {
    let hit = identity_hit_with_a_misfit();
    let SearchDocument::IdentityDocument(identity) = decode::<SearchDocument>(&hit) else {
        panic!("not an IdentityDocument");
    };
    assert_eq!(identity.first_name.as_deref(), Some("Laura"));
    assert_eq!(
        identity.email.as_deref(),
        Some("Laura.Peeters@sailpointdemo.com")
    );
    assert!(identity.manager.is_some(), "manager in its typed field");
    assert!(
        identity.attributes.is_some(),
        "attributes in their typed field"
    );
    assert_eq!(identity.is_manager, None);
    // `tagCount` is in the example but not in the schema.
    let extra: Vec<&String> = identity.extra.keys().collect();
    assert_eq!(
        extra,
        ["isManager", "tagCount"],
        "only the misfit and the undeclared member are in extra"
    );
    assert_eq!(identity.extra["isManager"], json!("false"));
    // Nothing lost: encoding gives back what came.
    assert_eq!(
        serde_json::to_value(SearchDocument::IdentityDocument(identity)).expect("encodes"),
        hit
    );
}

#[test]
fn a_search_post_page_of_hits_without_type_keeps_the_typed_fields() {
    let mut fitting = identity_hit_with_a_misfit();
    fitting["isManager"] = json!(true);
    let page = json!([identity_hit_with_a_misfit(), fitting]);
    // `search_post`'s response type.
    let hits: Vec<SearchDocuments> = decode(&page);
    let SearchDocuments::IdentityDocuments(identity) = &hits[0] else {
        panic!("not IdentityDocuments: the first hit");
    };
    assert_eq!(identity.first_name.as_deref(), Some("Laura"));
    assert!(identity.manager.is_some() && identity.attributes.is_some());
    let extra: Vec<&String> = identity.extra.keys().collect();
    assert_eq!(extra, ["isManager", "tagCount"]);
    assert!(
        matches!(&hits[1], SearchDocuments::IdentityDocuments(i) if i.is_manager == Some(true) && i.extra.len() == 1),
        "the page's fitting hit is typed throughout"
    );
}

#[test]
fn identity_snapshot_access_items_come_back_as_their_kind() {
    // The v2025 spec's examples of `listIdentitySnapshotAccessItems`.
    let app = json!([{"type": "app", "id": "2c918087763e69d901763e72e97f006f", "name": "appName"}]);
    let role =
        json!([{"type": "role", "id": "2c918087763e69d901763e72e97f006f", "name": "sample"}]);
    let entitlement = json!([{
        "type": "entitlement", "id": "2c918087763e69d901763e72e97f006f",
        "attribute": "groups", "value": "Upward mobility access", "entitlementType": "entitlement",
        "sourceName": "DataScienceDataset", "sourceId": "2793o32dwd", "displayName": "Dr. Arden Rogahn MD"
    }]);
    let app: Vec<ListIdentitySnapshotAccessItemsResponseItem> = decode(&app);
    assert!(
        matches!(
            &app[..],
            [ListIdentitySnapshotAccessItemsResponseItem::AppResponse(a)] if a.id.is_some()
        ),
        "{app:?}"
    );
    let role: Vec<ListIdentitySnapshotAccessItemsResponseItem> = decode(&role);
    assert!(
        matches!(
            &role[..],
            [ListIdentitySnapshotAccessItemsResponseItem::RoleResponse(_)]
        ),
        "{role:?}"
    );
    let entitlement: Vec<ListIdentitySnapshotAccessItemsResponseItem> = decode(&entitlement);
    assert!(
        matches!(
            &entitlement[..],
            [ListIdentitySnapshotAccessItemsResponseItem::EntitlementResponse(e)] if e.attribute.as_deref() == Some("groups")
        ),
        "{entitlement:?}"
    );
}

#[test]
fn an_identity_access_item_sets_one_typed_branch() {
    // The v2025 spec's access-profile and role examples of
    // `listIdentityAccessItems`, an `anyOf` of five all-optional branches.
    let items = json!([
        {"accessType": "accessProfile", "id": "2c918087763e69d901763e72e97f006f", "name": "sample",
         "sourceName": "DataScienceDataset", "sourceId": "2793o32dwd",
         "description": "AccessProfile - Workday/Citizenship access",
         "displayName": "Dr. Arden Rogahn MD", "entitlementCount": 12, "appDisplayName": "AppName"},
        {"accessType": "role", "id": "2c918087763e69d901763e72e97f006f", "name": "sample",
         "description": "Role - Workday/Citizenship access"}
    ]);
    let decoded: Vec<ListIdentityAccessItemsResponseItem> = decode(&items);
    let set = |item: &ListIdentityAccessItemsResponseItem| {
        [
            item.subtype_0.is_some(),
            item.subtype_1.is_some(),
            item.subtype_2.is_some(),
            item.subtype_3.is_some(),
            item.subtype_4.is_some(),
        ]
    };
    // subtype_1 is the access profile branch, subtype_3 the role one.
    assert_eq!(set(&decoded[0]), [false, true, false, false, false]);
    assert_eq!(
        decoded[0]
            .subtype_1
            .as_ref()
            .and_then(|p| p.entitlement_count),
        Some(12)
    );
    assert_eq!(set(&decoded[1]), [false, false, false, true, false]);
    // Encoding gives back what came.
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), items);
}

/// The v2025 spec's `ViolationContext` example: upstream declares the
/// policy's `type` both `SOD_POLICY` (`SodPolicyDto`) and `ENTITLEMENT`
/// (a stray sibling enum), so the model had no field for it and every
/// policy's `type` was only in `extra` (repair `disjoint_property_enums`).
#[test]
fn a_violation_context_policy_keeps_its_type_typed() {
    let example = json!({
        "policy": {"type": "SOD_POLICY", "id": "0f11f2a4-7c94-4bf3-a2bd-742580fe3bde",
                   "name": "A very cool policy name"},
        "conflictingAccessCriteria": {"leftCriteria": {"criteriaList": [
            {"type": "ENTITLEMENT", "id": "2c9180866166b5b0016167c32ef31a66", "existing": true}]}}
    });
    let context: ViolationContext = decode(&example);
    let typed =
        sailpoint_runtime::object::typed_only(|| serde_json::to_value(&context)).expect("encodes");
    assert_eq!(typed.pointer("/policy/type"), Some(&json!("SOD_POLICY")));
    let policy = context.policy.as_ref().expect("policy typed");
    assert!(policy.extra.is_empty(), "{:?}", policy.extra);
    assert_eq!(policy.type_, Some(SodPolicyEnum::SodPolicy));
    assert_eq!(serde_json::to_value(&context).expect("encodes"), example);
}

/// An identity document's access items (the v2025 `searchGet` identity
/// example's) are chosen by their `type` discriminator; each holds the
/// members its own kind declares, and keeps the flags only another kind
/// declares (an entitlement's `disabled`) in `extra`, as undeclared
/// members: the conformance suite no longer counts those as declared.
#[test]
fn identity_access_items_hold_what_their_kind_declares() {
    let items = json!([
        {"id": "4919721c3c1a4ca484469b85f0fd9ba1", "name": "Benefits", "type": "ENTITLEMENT",
         "disabled": false, "privileged": false, "standalone": false, "attribute": "memberOf"},
        {"id": "ad7025c956734455b28fa35e315e77fe", "name": "Benefits Common Access",
         "type": "ROLE", "disabled": false, "privileged": false, "standalone": false,
         "revocable": false}
    ]);
    let decoded: Vec<IdentityAccess> = decode(&items);
    let [
        IdentityAccess::EntitlementSummary(entitlement),
        IdentityAccess::RoleSummary(role),
    ] = &decoded[..]
    else {
        panic!("{decoded:?}");
    };
    assert_eq!(
        (entitlement.privileged, entitlement.standalone),
        (Some(false), Some(false))
    );
    assert_eq!(entitlement.attribute.as_deref(), Some("memberOf"));
    assert_eq!(entitlement.extra.keys().collect::<Vec<_>>(), ["disabled"]);
    assert_eq!((role.disabled, role.revocable), (Some(false), Some(false)));
    assert_eq!(
        role.extra.keys().collect::<Vec<_>>(),
        ["privileged", "standalone"]
    );
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), items);
}
