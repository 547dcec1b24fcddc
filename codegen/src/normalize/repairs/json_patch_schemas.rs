//! Upstream defects in the schemas of `application/json-patch+json` request
//! bodies, which by RFC 6902 are lists of operations:
//! - the `JsonPatch` component, an object holding `operations`, given as the
//!   body: RFC 6902 and the operations' own examples (`updateScheduledAction`,
//!   `updateUserLevel`) send the bare list, which is what the API takes;
//! - one `JsonPatchOperation` given as the body (`patchTenantContext`, whose
//!   examples are lists);
//! - a list of untyped objects, which by RFC 6902 is a list of
//!   `JsonPatchOperation`s.
//!
//! Repair: such a body is typed as a list of `JsonPatchOperation` (where the
//! document has that component). A body offered beside other media types is
//! left alone: the generator offers each choice as written. Runs before
//! [`json_patch_bodies`](crate::normalize::plumbing::json_patch_bodies),
//! which then describes the body as JSON.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "json_patch_schemas",
    kind: Kind::Repair,
    after: &[],
    summary: "JSON-Patch request bodies given as the `JsonPatch` wrapper object, as one operation, or as untyped objects are typed as the list of `JsonPatchOperation` that RFC 6902 sends.",
    run,
};

pub const JSON_PATCH: &str = "application/json-patch+json";
/// The spec's schema of one RFC 6902 operation.
const OPERATION: &str = "JsonPatchOperation";
/// The spec's wrapper object `{"operations": [...]}`, which is not what
/// goes on the wire.
const WRAPPER: &str = "JsonPatch";

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    if doc
        .pointer(&format!("/components/schemas/{OPERATION}"))
        .is_none()
    {
        return Ok(());
    }
    let untyped = json!({"type": "array", "items": {"type": "object"}});
    let wrapper = json!({"$ref": format!("#/components/schemas/{WRAPPER}")});
    let single = json!({"$ref": format!("#/components/schemas/{OPERATION}")});
    for op in operations(doc) {
        let content = op.pointer.child("requestBody").child("content");
        match content.follow(doc) {
            Some(Value::Object(media)) if media.len() == 1 && media.contains_key(JSON_PATCH) => {}
            _ => continue,
        }
        let schema_pointer = content.child(JSON_PATCH).child("schema");
        let Some(schema) = schema_pointer.follow_mut(doc) else {
            continue;
        };
        let reason = if *schema == untyped {
            "a list of untyped objects"
        } else if *schema == wrapper {
            "the `JsonPatch` wrapper object; RFC 6902 sends the bare list"
        } else if *schema == single {
            "one operation; RFC 6902 (and the operation's own examples) send a list"
        } else {
            continue;
        };
        *schema = json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{OPERATION}")}});
        changes.record(
            &schema_pointer,
            format!("{reason}; typed as a list of `{OPERATION}`"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn patch(id: &str, schema: Value) -> Value {
        json!({"patch": {"operationId": id, "requestBody": {"content": {JSON_PATCH: {"schema": schema}}}}})
    }

    #[test]
    fn wrapper_single_and_untyped_bodies_become_the_operation_list() {
        let list =
            json!({"type": "array", "items": {"$ref": "#/components/schemas/JsonPatchOperation"}});
        let mut doc = json!({
            "paths": {
                "/a": patch("wrapped", json!({"$ref": "#/components/schemas/JsonPatch"})),
                "/b": patch("single", json!({"$ref": "#/components/schemas/JsonPatchOperation"})),
                "/c": patch("untyped", json!({"type": "array", "items": {"type": "object"}})),
                "/d": patch("typed", list.clone()),
                "/e": {"patch": {"operationId": "choice", "requestBody": {"content": {
                    JSON_PATCH: {"schema": {"$ref": "#/components/schemas/JsonPatch"}},
                    "application/json": {"schema": {"type": "object"}}}}}}
            },
            "components": {"schemas": {
                "JsonPatch": {"type": "object", "properties": {"operations": list.clone()}},
                "JsonPatchOperation": {"type": "object", "required": ["op", "path"]}}}
        });
        let changes = crate::normalize::run_alone(run, &mut doc);
        let schema = |path: &str| {
            doc.pointer(&format!(
                "/paths/~1{path}/patch/requestBody/content/application~1json-patch+json/schema"
            ))
            .cloned()
        };
        for path in ["a", "b", "c", "d"] {
            assert_eq!(schema(path), Some(list.clone()), "{path}");
        }
        assert_eq!(
            schema("e"),
            Some(json!({"$ref": "#/components/schemas/JsonPatch"})),
            "a choice of bodies is left as written"
        );
        assert_eq!(changes.0.len(), 3);
        // Without the operation component there is nothing to type it as.
        let mut bare = json!({"paths": {"/a": patch("wrapped", json!({"$ref": "#/components/schemas/JsonPatch"}))}});
        let before = bare.clone();
        let result = run(
            &mut bare,
            &PassContext::default(),
            &mut Changes::default(),
            &mut Plan::default(),
        );
        assert!(result.is_ok());
        assert_eq!(bare, before);
    }
}
