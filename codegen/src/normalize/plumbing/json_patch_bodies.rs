//! Upstream design: PATCH bodies are `application/json-patch+json` (RFC 6902
//! operation lists), a media type progenitor does not accept.
//!
//! Plumbing: the body is described as `application/json` (it is JSON, and
//! its schema, which
//! [`json_patch_schemas`](crate::normalize::repairs::json_patch_schemas)
//! has typed as a list of JSON Patch operations, is kept), and the plan
//! tells the generated client to send it with its real `Content-Type`.

use serde_json::{Map, Value};

use crate::normalize::repairs::json_patch_schemas::JSON_PATCH;
use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "json_patch_bodies",
    kind: Kind::Plumbing,
    after: &["missing_operation_ids", "json_patch_schemas"],
    summary: "`application/json-patch+json` bodies are generated as typed JSON and sent with their own Content-Type.",
    run,
};

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_lone_json_patch_body_is_json_on_the_plan_and_a_choice_stays() {
        let list =
            json!({"type": "array", "items": {"$ref": "#/components/schemas/JsonPatchOperation"}});
        let mut doc = json!({"paths": {
            "/a": {"patch": {"operationId": "patchA",
                "requestBody": {"content": {JSON_PATCH: {"schema": list.clone()}}}}},
            "/b": {"patch": {"operationId": "patchB", "requestBody": {"content": {
                JSON_PATCH: {"schema": list.clone()},
                "application/json": {"schema": {"type": "object"}}}}}}}});
        let mut changes = Changes::default();
        let mut plan = Plan::default();
        let result = run(&mut doc, &PassContext::default(), &mut changes, &mut plan);
        assert!(result.is_ok());
        assert_eq!(
            doc.pointer("/paths/~1a/patch/requestBody/content"),
            Some(&json!({"application/json": {"schema": list}}))
        );
        assert!(
            doc.pointer("/paths/~1b/patch/requestBody/content/application~1json-patch+json")
                .is_some()
        );
        assert_eq!(
            plan.request_content_types.get("patchA").map(String::as_str),
            Some(JSON_PATCH)
        );
        assert!(!plan.request_content_types.contains_key("patchB"));
        assert_eq!(changes.0.len(), 2);
        // An operation without an id cannot be planned: an error, not a guess.
        let mut anonymous = json!({"paths": {"/a": {"patch": {
            "requestBody": {"content": {JSON_PATCH: {"schema": {"type": "array"}}}}}}}});
        let result = run(
            &mut anonymous,
            &PassContext::default(),
            &mut Changes::default(),
            &mut Plan::default(),
        );
        assert!(result.is_err_and(|e| e.message.contains("no id")));
    }
}
