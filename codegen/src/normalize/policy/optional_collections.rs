//! Upstream gap: an optional array or free-form object property says nothing
//! about the difference between absent and empty, and typify models it as
//! a plain `Vec`/map that is skipped when empty. A caller could then not
//! send an explicit empty list (`excludeTypes: []` in an export request
//! means "exclude nothing"), and a response's `[]` or `{}` came back absent.
//!
//! Repair: such properties (inline `type: array`, or `type: object` without
//! `properties`, not `required`, without a `default`, outside multipart
//! bodies whose parts are built apart) become `nullable`, which typify
//! models as `Option<Vec<_>>`/`Option<Map>`: `None` is absent (or `null`),
//! `Some(vec![])` is sent and kept as `[]`.

use serde_json::Value;

use crate::normalize::{
    Changes, Kind, Pass, PassContext, PassError, Plan, required_names, schemas_mut,
};

pub const PASS: Pass = Pass {
    name: "optional_collections",
    kind: Kind::Policy,
    after: &[
        "object_items",
        "read_only_required",
        "response_only_optional",
        "optional_defaults",
    ],
    summary: "Optional array and free-form object properties become `nullable` (`Option<Vec<_>>`): an empty list is sent and kept, not skipped.",
    run,
};

fn is_collection(property: &Value) -> bool {
    match property.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => ["properties", "allOf", "anyOf", "oneOf"]
            .iter()
            .all(|k| property.get(*k).is_none()),
        _ => false,
    }
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        if pointer.segments().any(|s| s.starts_with("multipart/")) {
            return;
        }
        let required: Vec<String> = required_names(schema);
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            if required.contains(name)
                || !is_collection(property)
                || property.get("default").is_some()
                || property.get("nullable").is_some()
            {
                continue;
            }
            if let Some(property) = property.as_object_mut() {
                property.insert("nullable".into(), Value::Bool(true));
                changes.record(
                    pointer.child("properties").child(name).child("nullable"),
                    "optional collection: absent and empty kept apart",
                );
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn optional_arrays_and_maps_become_nullable_others_are_left_alone() {
        let mut doc = json!({"components": {"schemas": {"Export": {"type": "object",
            "required": ["includeTypes"],
            "properties": {
                "includeTypes": {"type": "array", "items": {"type": "string"}},
                "excludeTypes": {"type": "array", "items": {"type": "string"}},
                "attributes": {"type": "object", "additionalProperties": true},
                "owner": {"type": "object", "properties": {"id": {"type": "string"}}},
                "tags": {"type": "array", "items": {"type": "string"}, "default": []},
                "ref": {"$ref": "#/components/schemas/Other"}}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        let properties = doc
            .pointer("/components/schemas/Export/properties")
            .cloned()
            .unwrap_or_default();
        let nullable: Vec<&str> = [
            "includeTypes",
            "excludeTypes",
            "attributes",
            "owner",
            "tags",
            "ref",
        ]
        .into_iter()
        .filter(|p| properties[*p].get("nullable").is_some())
        .collect();
        assert_eq!(nullable, ["excludeTypes", "attributes"]);
        assert_eq!(changes.0.len(), 2);
    }
}
