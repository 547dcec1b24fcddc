//! Upstream defect: properties marked `readOnly` (ids, creation dates) that
//! are also `required`, in schemas used as request bodies (`Tag`,
//! `CampaignTemplate`). A caller building a request must then
//! invent values the server ignores; OpenAPI 3.0 says a read-only
//! required property applies to responses only.
//!
//! Repair: in every schema a request body reaches (through `$ref`s,
//! `allOf`, items and properties), read-only properties are removed from
//! `required`, whether the schema declares them itself or through an
//! `allOf` member (`ScheduledSearch` requires its first member's `id`,
//! `owner` and `ownerId`). A type shared with responses then has them optional there
//! too; schemas only responses reach keep them required.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};
use crate::openapi::operations;

pub const PASS: Pass = Pass {
    name: "read_only_required",
    kind: Kind::Policy,
    after: &["object_items", "multipart_file_parts", "json_patch_schemas"],
    summary: "`readOnly` properties of schemas that request bodies reach are no longer `required`.",
    run,
};

const COMPONENTS: &str = "#/components/schemas/";

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix(COMPONENTS) {
                            out.push(name.to_string());
                        }
                    }
                    // Examples are data, not schemas.
                    ("example" | "examples", _) => {}
                    _ => refs(child, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The schema components that some request body reaches.
pub(crate) fn request_reachable(doc: &Value) -> BTreeSet<String> {
    let mut pending = Vec::new();
    for op in operations(doc) {
        if let Some(body) = op.pointer.child("requestBody").follow(doc) {
            refs(body, &mut pending);
        }
    }
    if let Some(bodies) = doc.pointer("/components/requestBodies") {
        refs(bodies, &mut pending);
    }
    let mut reached = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        let pointer = crate::pointer::JsonPointer::from_segments(["components", "schemas", &name]);
        if let Some(schema) = pointer.follow(doc) {
            refs(schema, &mut pending);
        }
    }
    reached
}

/// The read-only properties of `schema`: its own, and those of its `allOf`
/// members, since a schema may list as `required` what a member declares
/// (`ScheduledSearch` requires the `id`, `owner` and `ownerId` of its first
/// member). `component` gives the read-only properties of a referenced
/// component.
fn read_only_properties(
    schema: &Map<String, Value>,
    component: &mut dyn FnMut(&str) -> BTreeSet<String>,
) -> BTreeSet<String> {
    let mut read_only: BTreeSet<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, p)| p.get("readOnly").and_then(Value::as_bool) == Some(true))
        .map(|(name, _)| name.clone())
        .collect();
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match member
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(COMPONENTS))
        {
            Some(name) => read_only.extend(component(name)),
            None => {
                if let Some(member) = member.as_object() {
                    read_only.extend(read_only_properties(member, component));
                }
            }
        }
    }
    read_only
}

/// [`read_only_properties`] of every schema component, computed before the
/// pass edits the document.
fn components_read_only(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    fn of(
        name: &str,
        schemas: &Map<String, Value>,
        visiting: &mut BTreeSet<String>,
        done: &mut BTreeMap<String, BTreeSet<String>>,
    ) -> BTreeSet<String> {
        if let Some(known) = done.get(name) {
            return known.clone();
        }
        // An `allOf` cycle contributes nothing more than what is found
        // before it closes.
        let Some(schema) = schemas
            .get(name)
            .and_then(Value::as_object)
            .filter(|_| visiting.insert(name.to_owned()))
        else {
            return BTreeSet::new();
        };
        let found = read_only_properties(schema, &mut |member| of(member, schemas, visiting, done));
        visiting.remove(name);
        done.insert(name.to_owned(), found.clone());
        found
    }
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    let mut done = BTreeMap::new();
    let mut visiting = BTreeSet::new();
    for name in schemas.keys() {
        of(name, schemas, &mut visiting, &mut done);
    }
    done
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let reached = request_reachable(doc);
    let component_read_only = components_read_only(doc);
    schemas_mut(doc, &mut |pointer, schema| {
        let segments: Vec<_> = pointer.segments().collect();
        let in_request = match segments.as_slice() {
            [components, schemas, name, ..]
                if components == "components" && schemas == "schemas" =>
            {
                reached.contains(name.as_ref())
            }
            [paths, _, _, body, ..] if paths == "paths" => body == "requestBody",
            [components, bodies, ..] => components == "components" && bodies == "requestBodies",
            _ => false,
        };
        if !in_request {
            return;
        }
        let read_only = read_only_properties(schema, &mut |name| {
            component_read_only.get(name).cloned().unwrap_or_default()
        });
        let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) else {
            return;
        };
        required.retain(|name| {
            let Some(name) = name.as_str().filter(|n| read_only.contains(*n)) else {
                return true;
            };
            changes.record(
                pointer.child("required"),
                format!("read-only `{name}` is not required in requests"),
            );
            false
        });
        if required.is_empty() {
            schema.remove("required");
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn read_only_is_not_required_where_requests_reach_only() {
        let mut doc = json!({
            "paths": {"/f": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Form"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "Form": {"type": "object", "required": ["id", "name"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Owner"}}},
                "Owner": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string", "readOnly": true}}},
                "Out": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string", "readOnly": true}}}
            }}
        });
        let changes = crate::normalize::run_alone(run, &mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/Form/required"),
            Some(&json!(["name"]))
        );
        assert_eq!(doc.pointer("/components/schemas/Owner/required"), None);
        assert_eq!(
            doc.pointer("/components/schemas/Out/required"),
            Some(&json!(["id"]))
        );
        let pointers: Vec<&str> = changes.0.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/Form/required",
                "/components/schemas/Owner/required"
            ]
        );
    }
}
