//! Upstream gap: an optional property's `default` is what the server assumes
//! when the property is absent, but typify makes such a property a plain
//! field that decodes an absent value as the default and always sends it.
//! A response then comes back changed (`"enabled"` absent, re-encoded as
//! `true`), and a request sends values its caller never set, overriding
//! whatever the server would have chosen (57 examples of v2025 changed on
//! a round trip for this alone).
//!
//! Repair: the `default` of a property that is not `required` moves into its
//! description (`Default: `true`.`), so that typify makes it an `Option`:
//! `None` is absent, sent as absent, and means the server's default.
//! Runs before `optional_collections`, which then gives an optional array
//! that had a `default: []` an `Option<Vec<_>>` like any other.

use serde_json::Value;

use crate::normalize::{
    Changes, Kind, Pass, PassContext, PassError, Plan, required_names, schemas_mut,
};

pub const PASS: Pass = Pass {
    name: "optional_defaults",
    kind: Kind::Policy,
    after: &[
        "invalid_defaults",
        "read_only_required",
        "response_only_optional",
    ],
    summary: "The `default` of an optional property moves into its description: the field is an `Option`, absent stays absent instead of becoming the default, and requests send only what the caller set.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        let required: Vec<String> = required_names(schema);
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            if required.contains(name) {
                continue;
            }
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            let Some(default) = property.remove("default") else {
                continue;
            };
            let note = format!("Default: `{default}`.");
            let description = match property.get("description").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() => {
                    format!("{}\n\n{note}", text.trim_end())
                }
                _ => note,
            };
            property.insert("description".into(), Value::String(description));
            changes.record(
                pointer.child("properties").child(name).child("default"),
                format!("optional property: default {default} left to the server"),
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
    fn optional_defaults_move_into_the_description_and_required_ones_stay() {
        let mut doc = json!({"components": {"schemas": {"Source": {"type": "object",
            "required": ["mode"],
            "properties": {
                "enabled": {"type": "boolean", "default": true, "description": "Whether it runs."},
                "tags": {"type": "array", "items": {"type": "string"}, "default": []},
                "mode": {"type": "string", "default": "FULL"},
                "name": {"type": "string"}}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        let properties = &doc["components"]["schemas"]["Source"]["properties"];
        assert_eq!(
            properties["enabled"],
            json!({"type": "boolean", "description": "Whether it runs.\n\nDefault: `true`."})
        );
        assert_eq!(
            properties["tags"],
            json!({"type": "array", "items": {"type": "string"}, "description": "Default: `[]`."})
        );
        assert_eq!(properties["mode"]["default"], json!("FULL"));
        assert_eq!(properties["name"], json!({"type": "string"}));
        assert_eq!(changes.0.len(), 2);
    }
}
