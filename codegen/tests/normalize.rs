//! Each normalization pass on a small document made to show its defect:
//! the repair, what the report records, and what the plan tells the
//! generator.

use sailpoint_codegen as codegen;

use codegen::normalize::{Normalized, PassContext, normalize};
use codegen::versions::ApiVersion;
use serde_json::{Value, json};

fn doc(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "test"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

fn run(document: Value) -> Normalized {
    normalize("test", &PassContext::default(), document).expect("normalizes")
}

fn changes<'a>(n: &'a Normalized, pass: &str) -> Vec<(&'a str, &'a str)> {
    n.report
        .passes
        .iter()
        .find(|p| p.name == pass)
        .unwrap_or_else(|| panic!("no pass {pass}"))
        .changes
        .iter()
        .map(|c| (c.pointer.as_str(), c.reason.as_str()))
        .collect()
}

fn ok_response() -> Value {
    json!({"200": {"description": "ok"}})
}

#[test]
fn missing_operation_ids_are_derived_from_method_and_path() {
    let n = run(doc(
        json!({"/das/owners/resources/{resourceId}": {"get": {"responses": ok_response(),
            "parameters": [{"name": "resourceId", "in": "path", "required": true, "schema": {"type": "string"}}]}}}),
        json!({}),
    ));
    assert_eq!(
        n.document["paths"]["/das/owners/resources/{resourceId}"]["get"]["operationId"],
        "getDasOwnersResourcesByResourceId"
    );
    assert_eq!(
        changes(&n, "missing_operation_ids"),
        vec![(
            "/paths/~1das~1owners~1resources~1{resourceId}/get/operationId",
            "set to `getDasOwnersResourcesByResourceId`"
        )]
    );
}

#[test]
fn date_time_type_becomes_a_string_format() {
    let n = run(doc(
        json!({}),
        json!({"T": {"type": "object", "properties": {"at": {"type": "date-time"}}}}),
    ));
    assert_eq!(
        n.document["components"]["schemas"]["T"]["properties"]["at"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(changes(&n, "invalid_schema_types").len(), 1);
}

#[test]
fn unknown_schema_type_is_an_error_naming_the_pointer() {
    let err = normalize(
        "test",
        &PassContext::default(),
        doc(json!({}), json!({"T": {"type": "datetime-ish"}})),
    )
    .err()
    .expect("an error")
    .to_string();
    assert!(err.contains("invalid_schema_types"), "{err}");
    assert!(err.contains("/components/schemas/T/type"), "{err}");
}

#[test]
fn enum_values_are_deduplicated_converted_and_null_becomes_nullable() {
    let n = run(doc(
        json!({}),
        json!({
            "E": {"type": "string", "enum": ["A", "B", "A", 1, null]},
            "Holder": {"type": "object", "required": ["e"], "properties": {"e": {"$ref": "#/components/schemas/E"}}}
        }),
    ));
    let schemas = &n.document["components"]["schemas"];
    assert_eq!(schemas["E"]["enum"], json!(["A", "B", "1"]));
    // The null moved to the definition's nullability, which then moved to the
    // required use: typify cannot name a nullable component.
    assert!(schemas["E"].get("nullable").is_none());
    assert_eq!(
        schemas["Holder"]["properties"]["e"],
        json!({"allOf": [{"$ref": "#/components/schemas/E"}], "nullable": true})
    );
    assert_eq!(changes(&n, "enum_values").len(), 3);
    assert_eq!(changes(&n, "nullable_components").len(), 2);
}

#[test]
fn invalid_defaults_are_converted_or_removed() {
    // `T` is a request body whose properties are required:
    // `response_only_optional` and `optional_defaults` keep its defaults.
    let n = run(doc(
        json!({"/t": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}},
            "responses": {"204": {"description": "done"}}}}}),
        json!({
            "Color": {"type": "string", "enum": ["RED", "GREEN"]},
            "T": {"type": "object", "required": ["limit", "flag", "color", "fine"], "properties": {
                "limit": {"type": "integer", "default": "250"},
                "flag": {"type": "boolean", "default": "yes"},
                "color": {"allOf": [{"$ref": "#/components/schemas/Color"}], "default": "BLUE"},
                "fine": {"type": "string", "default": "ok"}
            }}
        }),
    ));
    let props = &n.document["components"]["schemas"]["T"]["properties"];
    assert_eq!(props["limit"]["default"], json!(250));
    assert!(props["flag"].get("default").is_none());
    assert!(props["color"].get("default").is_none());
    assert_eq!(props["fine"]["default"], "ok");
    let recorded = changes(&n, "invalid_defaults");
    assert_eq!(recorded.len(), 3, "{recorded:?}");
    assert!(
        recorded
            .iter()
            .any(|(p, r)| p.ends_with("/color/default") && r.contains("\"BLUE\""))
    );
}

#[test]
fn path_parameters_are_renamed_declared_or_sent_as_query() {
    let n = run(doc(
        json!({
            "/filters/{id}": {"post": {"operationId": "renamed", "responses": ok_response(),
                "parameters": [{"name": "filterId", "in": "path", "required": true, "schema": {"type": "string"}}]}},
            "/keys/{key}": {"get": {"operationId": "declared", "responses": ok_response()}},
            "/objects": {"get": {"operationId": "stray", "responses": ok_response(),
                "parameters": [{"name": "identityId", "in": "path", "required": true, "schema": {"type": "string"}}]}}
        }),
        json!({}),
    ));
    let paths = &n.document["paths"];
    assert_eq!(
        paths["/filters/{id}"]["post"]["parameters"][0]["name"],
        "id"
    );
    assert_eq!(paths["/keys/{key}"]["get"]["parameters"][0]["name"], "key");
    assert_eq!(paths["/keys/{key}"]["get"]["parameters"][0]["in"], "path");
    assert_eq!(paths["/objects"]["get"]["parameters"][0]["in"], "query");
    assert_eq!(changes(&n, "path_parameters").len(), 3);
}

#[test]
fn experimental_header_is_planned_not_an_argument() {
    let header = json!({"name": "X-SailPoint-Experimental", "in": "header", "required": true,
        "schema": {"type": "string", "default": "true"}});
    let n = run(doc(
        json!({"/things": {"get": {"operationId": "listThings", "responses": ok_response(),
            "parameters": [header, {"name": "limit", "in": "query", "schema": {"type": "integer"}}]}}}),
        json!({}),
    ));
    let params = &n.document["paths"]["/things"]["get"]["parameters"];
    assert_eq!(params.as_array().map(Vec::len), Some(1));
    assert_eq!(params[0]["name"], "limit");
    assert!(n.plan.experimental.contains("listThings"));
    assert_eq!(
        n.plan.fixed_headers["listThings"],
        vec![("X-SailPoint-Experimental".to_string(), "true".to_string())]
    );
}

#[test]
fn json_patch_bodies_are_typed_json_with_their_content_type_planned() {
    let patch = json!({"type": "array", "items": {"type": "object"}});
    let n = run(doc(
        json!({"/things/{id}": {"patch": {"operationId": "patchThing", "responses": ok_response(),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json-patch+json": {"schema": patch}}}}}}),
        json!({}),
    ));
    let content = &n.document["paths"]["/things/{id}"]["patch"]["requestBody"]["content"];
    assert_eq!(content["application/json"]["schema"], patch);
    assert!(content.get("application/json-patch+json").is_none());
    assert_eq!(
        n.plan.request_content_types["patchThing"],
        "application/json-patch+json"
    );
}

/// RFC 6902 bodies declared as the `JsonPatch` wrapper object
/// (`{"operations": [...]}`) are the bare list on the wire.
#[test]
fn json_patch_wrapper_bodies_are_typed_as_the_bare_list() {
    let n = run(doc(
        json!({"/things/{id}": {"patch": {"operationId": "patchThing", "responses": ok_response(),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json-patch+json": {
                "schema": {"$ref": "#/components/schemas/JsonPatch"}}}}}}}),
        json!({
            "JsonPatchOperation": {"type": "object", "properties": {"op": {"type": "string"}}},
            "JsonPatch": {"type": "object", "properties": {"operations": {
                "type": "array", "items": {"$ref": "#/components/schemas/JsonPatchOperation"}}}}
        }),
    ));
    let content = &n.document["paths"]["/things/{id}"]["patch"]["requestBody"]["content"];
    assert_eq!(
        content["application/json"]["schema"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/JsonPatchOperation"}})
    );
    assert!(
        changes(&n, "json_patch_schemas")
            .iter()
            .any(|(_, reason)| reason.contains("`JsonPatch` wrapper object")),
        "the report says why"
    );
}

/// An RFC 6902 body declared as one operation (`patchTenantContext`, whose
/// own examples are lists) is the list of operations.
#[test]
fn a_json_patch_body_of_one_operation_is_typed_as_the_list() {
    let n = run(doc(
        json!({"/context": {"patch": {"operationId": "patchContext", "responses": ok_response(),
            "requestBody": {"content": {"application/json-patch+json": {
                "schema": {"$ref": "#/components/schemas/JsonPatchOperation"}}}}}}}),
        json!({
            "JsonPatchOperation": {"type": "object", "properties": {"op": {"type": "string"}}}
        }),
    ));
    let content = &n.document["paths"]["/context"]["patch"]["requestBody"]["content"];
    assert_eq!(
        content["application/json"]["schema"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/JsonPatchOperation"}})
    );
    assert!(
        changes(&n, "json_patch_schemas")
            .iter()
            .any(|(_, reason)| reason.contains("one operation")),
        "the report says why"
    );
}

#[test]
fn error_responses_share_one_schema_and_the_report_keeps_what_they_were() {
    let n = run(doc(
        json!({"/things": {"get": {"operationId": "listThings", "responses": {
            "200": {"description": "ok"},
            "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponseDto"}}}},
            "401": {"description": "unauthorized", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}},
            "404": {"description": "not found"}
        }}}}),
        json!({"ErrorResponseDto": {"type": "object"}}),
    ));
    let responses = &n.document["paths"]["/things"]["get"]["responses"];
    for status in ["400", "401", "404"] {
        assert_eq!(
            responses[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ApiError",
            "{status}"
        );
    }
    assert!(responses["200"].get("content").is_none());
    let api_error = &n.document["components"]["schemas"]["ApiError"]["properties"];
    for field in [
        "detailCode",
        "trackingId",
        "messages",
        "causes",
        "error",
        "message",
    ] {
        assert!(api_error.get(field).is_some(), "{field}");
    }
    let recorded = changes(&n, "error_responses");
    assert!(recorded.contains(&(
        "/paths/~1things/get/responses/400/content",
        "was `ErrorResponseDto` as application/json"
    )));
    assert!(recorded.contains(&("/paths/~1things/get/responses/404/content", "was no body")));
}

#[test]
fn inline_types_named_like_components_are_hoisted() {
    let n = run(doc(
        json!({}),
        json!({
            "Job": {"type": "object", "properties": {"status": {"type": "string", "enum": ["A", "B"]}}},
            "ExportJob": {"allOf": [{"$ref": "#/components/schemas/Job"}]},
            "ExportJobStatus": {"type": "object", "properties": {"body": {"type": "object"}}}
        }),
    ));
    let schemas = &n.document["components"]["schemas"];
    assert_eq!(
        schemas["Job"]["properties"]["status"],
        json!({"$ref": "#/components/schemas/JobStatus"})
    );
    assert_eq!(schemas["JobStatus"]["enum"], json!(["A", "B"]));
    assert_eq!(changes(&n, "inline_type_names").len(), 1);
}

#[test]
fn targeted_pass_fails_loudly_when_its_spot_is_gone() {
    // A v2025 document without the defect the pass repairs. Its `info`
    // does not say v2025: the pass goes by the context, not the document.
    let v2025 = doc(
        json!({}),
        json!({"CreatePrivilegeCriteriaRequest": {"type": "object"}}),
    );
    let err = normalize("test", &PassContext::for_version(ApiVersion::V2025), v2025)
        .err()
        .expect("an error")
        .to_string();
    assert!(err.contains("privilege_criteria_property"), "{err}");
    assert!(err.contains("no longer there"), "{err}");
}

#[test]
fn version_targeted_pass_ignores_what_the_document_says_its_version_is() {
    let mut claims_v2025 = doc(
        json!({}),
        json!({"CreatePrivilegeCriteriaRequest": {"type": "object"}}),
    );
    claims_v2025["info"]["version"] = json!("v2025");
    for context in [
        PassContext::default(),
        PassContext::for_version(ApiVersion::V2024),
    ] {
        let n = normalize("test", &context, claims_v2025.clone()).expect("normalizes");
        assert!(changes(&n, "privilege_criteria_property").is_empty());
    }
}

#[test]
fn report_lists_every_pass_with_counts_and_locations() {
    let n = run(doc(json!({}), json!({"T": {"type": "date-time"}})));
    let md = n.report.to_markdown();
    assert!(md.contains("| `invalid_schema_types` | 1 |"), "{md}");
    assert!(
        md.contains("- `/components/schemas/T/type`: `type: date-time` became"),
        "{md}"
    );
    for pass in codegen::normalize::PASSES {
        assert!(md.contains(&format!("## `{}`", pass.name)), "{}", pass.name);
    }
}

fn multipart_put(operation_id: &str, schema: Value) -> Value {
    json!({"/c/{s}": {"put": {
        "operationId": operation_id,
        "parameters": [{"name": "s", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": schema}}},
        "responses": ok_response()
    }}})
}

#[test]
fn bare_multipart_bodies_get_the_file_part_the_api_expects() {
    let v2024 = doc(
        multipart_put("putConnectorTranslations", json!({"type": "object"})),
        json!({}),
    );
    let n =
        normalize("test", &PassContext::for_version(ApiVersion::V2024), v2024).expect("normalizes");
    let pointer = "/paths/~1c~1{s}/put/requestBody/content/multipart~1form-data/schema";
    let schema = n.document.pointer(pointer).expect("schema");
    assert_eq!(schema["required"], json!(["file"]));
    assert_eq!(schema["properties"]["file"]["format"], "binary");
    assert_eq!(
        changes(&n, "multipart_file_parts"),
        [(
            pointer,
            "bare object; given the required binary part `file`"
        )]
    );
}

#[test]
fn bare_multipart_bodies_fail_loudly_when_unknown_or_fixed_upstream() {
    // A bare body the pass does not know: its part names are unknown.
    let unknown = doc(
        multipart_put("putSomethingElse", json!({"type": "object"})),
        json!({}),
    );
    let err = normalize("test", &PassContext::default(), unknown)
        .err()
        .expect("an error")
        .to_string();
    assert!(err.contains("putSomethingElse"), "{err}");
    assert!(err.contains("TARGETS"), "{err}");

    // Upstream gave the body its parts: the pass must go.
    let fixed = doc(
        multipart_put(
            "putConnectorTranslations",
            json!({"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}),
        ),
        json!({}),
    );
    let err = normalize(
        "test",
        &PassContext::for_version(ApiVersion::V2024),
        fixed.clone(),
    )
    .err()
    .expect("an error")
    .to_string();
    assert!(err.contains("no longer there"), "{err}");
    // beta never had the defect.
    let n =
        normalize("test", &PassContext::for_version(ApiVersion::Beta), fixed).expect("normalizes");
    assert!(changes(&n, "multipart_file_parts").is_empty());
}

#[test]
fn read_only_members_declared_in_an_all_of_member_are_not_required_in_requests() {
    // `updateScheduledSearch`'s body: `ScheduledSearch` requires the
    // read-only `id`, `owner` and `ownerId` its first `allOf` member
    // declares, and the `name` of a referenced member, which is not
    // read-only.
    let n = run(doc(
        json!({"/scheduled-searches/{id}": {"put": {
            "operationId": "updateScheduledSearch",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScheduledSearch"}}}},
            "responses": ok_response()
        }}}),
        json!({
            "ScheduledSearch": {
                "type": "object",
                "allOf": [
                    {"type": "object", "properties": {
                        "id": {"type": "string", "readOnly": true},
                        "owner": {"type": "object", "readOnly": true, "properties": {"id": {"type": "string"}}},
                        "ownerId": {"type": "string", "readOnly": true, "deprecated": true}
                    }},
                    {"$ref": "#/components/schemas/ScheduledSearchName"},
                    {"$ref": "#/components/schemas/Stamped"}
                ],
                "required": ["id", "owner", "ownerId", "name", "created"]
            },
            "ScheduledSearchName": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Stamped": {"allOf": [{"type": "object", "properties": {
                "created": {"type": "string", "format": "date-time", "readOnly": true}
            }}]}
        }),
    ));
    assert_eq!(
        n.document
            .pointer("/components/schemas/ScheduledSearch/required"),
        Some(&json!(["name"]))
    );
    let recorded = changes(&n, "read_only_required");
    assert_eq!(recorded.len(), 4, "{recorded:?}");
    assert!(
        recorded
            .iter()
            .all(|(pointer, _)| *pointer == "/components/schemas/ScheduledSearch/required"),
        "{recorded:?}"
    );
}

#[test]
fn every_signed_integer_narrower_than_64_bits_is_widened_to_int64() {
    // A tenant's `attributesHash: 2843118224` in an `int32` field: as
    // typify's `i32` it was only in `extra`.
    let n = run(doc(
        json!({"/things": {"get": {"operationId": "listThings",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "maximum": 250}}],
            "responses": ok_response()}}}),
        json!({"Identity": {"type": "object", "properties": {
            "attributesHash": {"type": "integer", "format": "int32"},
            "count": {"type": "integer", "format": "int64"},
            "size": {"type": "integer", "format": "uint32"},
            "plain": {"type": "integer"}
        }}}),
    ));
    assert_eq!(
        n.document["components"]["schemas"]["Identity"]["properties"],
        json!({
            "attributesHash": {"type": "integer", "format": "int64"},
            "count": {"type": "integer", "format": "int64"},
            "size": {"type": "integer", "format": "uint32"},
            "plain": {"type": "integer"}
        })
    );
    assert_eq!(
        n.document["paths"]["/things"]["get"]["parameters"][0]["schema"],
        json!({"type": "integer", "format": "int64", "maximum": 250})
    );
    let mut recorded = changes(&n, "scalar_formats");
    recorded.sort();
    assert_eq!(
        recorded,
        [
            (
                "/components/schemas/Identity/properties/attributesHash/format",
                "`int32` widened to `int64`: an `i64`"
            ),
            (
                "/paths/~1things/get/parameters/0/schema/format",
                "`int32` widened to `int64`: an `i64`"
            ),
        ]
    );
}
