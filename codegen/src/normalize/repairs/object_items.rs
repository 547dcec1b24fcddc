//! Upstream defect: `type: object` with `items: {$ref: X}` and nothing
//! else (the response of `getTotalCount` and
//! `getAccessRequestIdentityMetrics`, the role-mining potential-role
//! PATCH responses, `RoleMetadataBulkUpdateByQueryRequest.query`). `items`
//! belongs to arrays, so the object allowed any members and was generated
//! as a JSON map: `getTotalCount` returned a `Map` instead of its
//! `TotalResponse`, and a caller built the role-metadata query as untyped
//! JSON. The examples are `X`s.
//!
//! Repair: the schema becomes the `$ref` its `items` names (its
//! description and example, which a `$ref` cannot carry, are dropped, and
//! the report says so).

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "object_items",
    kind: Kind::Repair,
    after: &[],
    summary: "`type: object` whose only content is `items: {$ref}` (an array keyword) is the referenced schema.",
    run,
};

/// What such a schema may carry besides `type` and `items`: documentation.
const DOCS: [&str; 3] = ["description", "example", "title"];

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        let is_object = schema.get("type").and_then(Value::as_str) == Some("object");
        let Some(target) = schema
            .get("items")
            .and_then(|items| items.get("$ref"))
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return;
        };
        let only_docs = schema
            .keys()
            .all(|k| k == "type" || k == "items" || DOCS.contains(&k.as_str()));
        if !is_object || !only_docs {
            return;
        }
        let dropped: Vec<String> = DOCS
            .iter()
            .filter(|k| schema.contains_key(**k))
            .map(|k| format!("`{k}`"))
            .collect();
        schema.clear();
        schema.insert("$ref".into(), Value::String(target.clone()));
        let dropped = if dropped.is_empty() {
            String::new()
        } else {
            format!(" ({} dropped)", dropped.join(", "))
        };
        changes.record(
            pointer.to_string(),
            format!("an object with `items`: now `{target}`{dropped}"),
        );
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_object_with_items_becomes_its_item_and_other_objects_stay() {
        let mut doc = json!({"components": {"schemas": {
            "Request": {"type": "object", "properties": {
                "query": {"type": "object", "description": "the query",
                    "items": {"$ref": "#/components/schemas/Search"}},
                "map": {"type": "object", "additionalProperties": true,
                    "items": {"$ref": "#/components/schemas/Search"}}}},
            "Search": {"type": "object", "properties": {"query": {"type": "string"}}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        let properties = "/components/schemas/Request/properties";
        assert_eq!(
            doc.pointer(&format!("{properties}/query")),
            Some(&json!({"$ref": "#/components/schemas/Search"}))
        );
        assert_eq!(
            doc.pointer(&format!("{properties}/map/additionalProperties")),
            Some(&json!(true)),
            "an object with members of its own is left alone"
        );
        assert_eq!(changes.0.len(), 1);
        assert!(changes.0[0].reason.contains("`description` dropped"));
    }
}
