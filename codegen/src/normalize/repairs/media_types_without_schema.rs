//! Upstream defect: request and response media types with no `schema`;
//! progenitor has no type to give them (`todo!` on JSON responses).
//!
//! Repair: JSON media types get the empty schema (any JSON value, decoded as
//! `serde_json::Value`); other media types get `type: string, format:
//! binary`, which is what they are on the wire.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};
use crate::openapi::is_json_media_type;

pub const PASS: Pass = Pass {
    name: "media_types_without_schema",
    kind: Kind::Repair,
    after: &["no_content_bodies"],
    summary: "Media types with no schema get one: any JSON value for JSON, binary otherwise.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    for op in operations(doc) {
        let mut holders = vec![op.pointer.child("requestBody")];
        let responses = op.pointer.child("responses");
        if let Some(Value::Object(statuses)) = responses.follow(doc) {
            holders.extend(statuses.keys().map(|status| responses.child(status)));
        }
        for holder in holders {
            let content_pointer = holder.child("content");
            let Some(Value::Object(content)) = content_pointer.follow_mut(doc) else {
                continue;
            };
            for (media, media_type) in content.iter_mut() {
                let Value::Object(media_type) = media_type else {
                    continue;
                };
                if media_type.contains_key("schema") {
                    continue;
                }
                let (schema, what) = if is_json_media_type(media) {
                    (json!({}), "any JSON value")
                } else {
                    (json!({"type": "string", "format": "binary"}), "binary")
                };
                media_type.insert("schema".into(), schema);
                changes.record(
                    content_pointer.child(media).child("schema"),
                    format!("no schema; set to {what}"),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn json_media_types_get_any_value_others_binary_and_schemas_stay() {
        let mut doc = json!({"paths": {"/files": {"post": {
            "operationId": "upload",
            "requestBody": {"content": {"application/octet-stream": {}}},
            "responses": {
                "200": {"content": {
                    "application/json": {},
                    "text/csv": {"schema": {"type": "string"}}}},
                "400": {"description": "bad"}}}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        let changes = result.map(|(changes, _)| changes).unwrap_or_default();
        let op = &doc["paths"]["/files"]["post"];
        assert_eq!(
            op["requestBody"]["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["text/csv"]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(op["responses"]["400"], json!({"description": "bad"}));
        let reasons: Vec<&str> = changes.iter().map(|c| c.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "no schema; set to binary",
                "no schema; set to any JSON value"
            ]
        );
    }
}
