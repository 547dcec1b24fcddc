//! Upstream defect: schemas that only responses use declare as `required`
//! fields tenants leave out or send as `null` (`list_accounts` with
//! `detailLevel=SLIM` omits most of `Account`; task statuses carry `null`
//! `parentName` and `progress`), so one such item failed a whole page. And
//! their `default`s made the decoder fill in values the server did not
//! send, which a re-encoded response then claimed it had.
//!
//! Repair: in every schema no request body reaches (the complement of
//! [`read_only_required`](super::read_only_required)'s set: response-only
//! components and inline response schemas), `required` and `default` are
//! removed, so such fields are `Option`s that are `None` when absent or
//! `null`. Schemas a request body reaches keep both: callers must still
//! build valid requests.

use serde_json::Value;

use crate::normalize::policy::read_only_required::request_reachable;
use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "response_only_optional",
    kind: Kind::Policy,
    after: &["object_items", "multipart_file_parts", "json_patch_schemas"],
    summary: "Schemas only responses reach lose `required` and `default`: tenants omit or null such fields, and a default filled in on decode is not what the server sent.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let reached = request_reachable(doc);
    schemas_mut(doc, &mut |pointer, schema| {
        let segments: Vec<_> = pointer.segments().collect();
        let response_only = match segments.as_slice() {
            [components, schemas, name, ..]
                if components == "components" && schemas == "schemas" =>
            {
                !reached.contains(name.as_ref())
            }
            [paths, _, _, responses, ..] if paths == "paths" => responses == "responses",
            [components, responses, ..] => components == "components" && responses == "responses",
            _ => false,
        };
        if !response_only {
            return;
        }
        if let Some(required) = schema.remove("required") {
            let count = required.as_array().map_or(0, Vec::len);
            changes.record(
                pointer.child("required"),
                format!("{count} response-only required field(s) made optional"),
            );
        }
        // A property's `default`; an enum component's own default is kept
        // only as documentation of what the server assumes.
        if let Some(default) = schema.remove("default") {
            changes.record(
                pointer.child("default"),
                format!("response-only default `{default}` not filled in on decode"),
            );
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn response_only_schemas_lose_required_and_defaults_request_ones_keep_them() {
        let mut doc = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}}}}}
            }}},
            "components": {"schemas": {
                "In": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"}, "flag": {"type": "boolean", "default": true}}},
                "Account": {"type": "object", "required": ["id", "sourceId"], "properties": {
                    "id": {"type": "string"}, "sourceId": {"type": "string"},
                    "disabled": {"type": "boolean", "default": false}}}
            }}
        });
        let changes = crate::normalize::run_alone(run, &mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/In/required"),
            Some(&json!(["name"]))
        );
        assert_eq!(
            doc.pointer("/components/schemas/In/properties/flag/default"),
            Some(&json!(true))
        );
        assert_eq!(doc.pointer("/components/schemas/Account/required"), None);
        assert_eq!(
            doc.pointer("/components/schemas/Account/properties/disabled"),
            Some(&json!({"type": "boolean"}))
        );
        assert_eq!(
            doc.pointer("/paths/~1a/post/responses/200/content/application~1json/schema/required"),
            None
        );
        assert_eq!(changes.0.len(), 3);
    }
}
