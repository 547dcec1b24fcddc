//! Upstream defect: request and response media types with no `schema`;
//! progenitor has no type to give them (`todo!` on JSON responses).
//!
//! Repair: JSON media types get the empty schema (any JSON value, decoded as
//! `serde_json::Value`); other media types get `type: string, format:
//! binary`, which is what they are on the wire.

use serde_json::{Value, json};

use super::{Changes, Pass, PassError, Plan, operations};
use crate::load::escape_segment;

pub const PASS: Pass = Pass {
    name: "media_types_without_schema",
    summary: "Media types with no schema get one: any JSON value for JSON, binary otherwise.",
    run,
};

pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn run(doc: &mut Value, changes: &mut Changes, _: &mut Plan) -> Result<(), PassError> {
    for op in operations(doc) {
        let mut holders = vec![format!("{}/requestBody", op.pointer)];
        if let Some(Value::Object(responses)) = doc.pointer(&format!("{}/responses", op.pointer)) {
            holders.extend(
                responses
                    .keys()
                    .map(|s| format!("{}/responses/{}", op.pointer, escape_segment(s))),
            );
        }
        for holder in holders {
            let Some(Value::Object(content)) = doc.pointer_mut(&format!("{holder}/content")) else {
                continue;
            };
            for (media, media_type) in content.iter_mut() {
                let Value::Object(media_type) = media_type else {
                    continue;
                };
                if media_type.contains_key("schema") {
                    continue;
                }
                let (schema, what) = if is_json(media) {
                    (json!({}), "any JSON value")
                } else {
                    (json!({"type": "string", "format": "binary"}), "binary")
                };
                media_type.insert("schema".into(), schema);
                changes.record(
                    format!("{holder}/content/{}/schema", escape_segment(media)),
                    format!("no schema; set to {what}"),
                );
            }
        }
    }
    Ok(())
}
