//! Upstream design: PATCH bodies are `application/json-patch+json` (RFC 6902
//! operation lists), a media type progenitor does not accept.
//!
//! Repair: the body is described as `application/json` (it is JSON, and its
//! schema, a list of JSON Patch operations, is kept), and the plan tells the
//! generated client to send it with its real `Content-Type`. A body typed
//! only as a list of objects is, by RFC 6902, a list of
//! `JsonPatchOperation`s, and is typed so. So is a body given as the
//! `JsonPatch` component (an object holding `operations`): RFC 6902 and the
//! operations' own examples (`updateScheduledAction`, `updateUserLevel`)
//! send the bare list, which is what the API takes. So is a body given as
//! one `JsonPatchOperation` (`patchTenantContext`, whose examples are
//! lists).

use serde_json::{Map, Value, json};

use super::{Changes, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "json_patch_bodies",
    summary: "`application/json-patch+json` bodies are generated as typed JSON and sent with their own Content-Type.",
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
    plan: &mut Plan,
) -> Result<(), PassError> {
    for op in operations(doc) {
        let pointer = op.pointer.child("requestBody").child("content");
        let Some(Value::Object(content)) = pointer.follow(doc) else {
            continue;
        };
        if !content.contains_key(JSON_PATCH) {
            continue;
        }
        let id = op
            .id(doc)
            .ok_or_else(|| PassError::new(&op.pointer, "operation has no id"))?
            .to_string();
        if content.len() > 1 {
            // A choice of bodies: the generator offers each, with its own
            // Content-Type, so nothing is renamed here.
            changes.record(
                pointer.child(JSON_PATCH),
                format!(
                    "left as one of {} alternative bodies of `{id}`",
                    content.len()
                ),
            );
            continue;
        }
        let schema_pointer = pointer.child(JSON_PATCH).child("schema");
        let untyped = json!({"type": "array", "items": {"type": "object"}});
        let has_operation = doc
            .pointer(&format!("/components/schemas/{OPERATION}"))
            .is_some();
        let wrapper = json!({"$ref": format!("#/components/schemas/{WRAPPER}")});
        let single = json!({"$ref": format!("#/components/schemas/{OPERATION}")});
        let current = schema_pointer.follow(doc);
        let reason = if current == Some(&untyped) {
            Some("a list of untyped objects")
        } else if current == Some(&wrapper) {
            Some("the `JsonPatch` wrapper object; RFC 6902 sends the bare list")
        } else if current == Some(&single) {
            Some("one operation; RFC 6902 (and the operation's own examples) send a list")
        } else {
            None
        };
        if has_operation
            && let Some(reason) = reason
            && let Some(schema) = schema_pointer.follow_mut(doc)
        {
            *schema = json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{OPERATION}")}});
            changes.record(
                &schema_pointer,
                format!("{reason}; typed as a list of `{OPERATION}`"),
            );
        }
        let Some(Value::Object(content)) = pointer.follow_mut(doc) else {
            continue;
        };
        let renamed: Map<String, Value> = std::mem::take(content)
            .into_iter()
            .map(|(k, v)| {
                if k == JSON_PATCH {
                    ("application/json".to_string(), v)
                } else {
                    (k, v)
                }
            })
            .collect();
        *content = renamed;
        changes.record(
            pointer.child(JSON_PATCH),
            format!("generated as JSON; `{id}` sends `Content-Type: {JSON_PATCH}`"),
        );
        plan.request_content_types
            .insert(id, JSON_PATCH.to_string());
    }
    Ok(())
}
