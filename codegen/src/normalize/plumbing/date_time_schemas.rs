//! typify matches a `format: date-time` string to the type progenitor's
//! settings give it (`DateTime<FixedOffset>`, which keeps the offset sent;
//! see `generate/progenitor.rs`) only when the schema holds nothing but its
//! type, format and metadata. Vendor extensions (`x-go-name`) and keywords
//! that mean nothing on such a string (a stray `items`, length bounds, a
//! pattern) made it fall back to its own `DateTime<Utc>`.
//!
//! Rewrite: such keywords are removed from date-time string schemas. The
//! values stay date-times, read leniently (`sailpoint_runtime::datetime`).

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "date_time_schemas",
    kind: Kind::Plumbing,
    after: &["invalid_schema_types", "scalar_formats"],
    summary: "date-time string schemas lose vendor extensions and keywords a date-time has no use for (`items`, length bounds, `pattern`), so that each is generated as `DateTime<FixedOffset>`.",
    run,
};

/// What a date-time string schema keeps: its type and format, and what
/// typify reads as metadata.
const KEPT: [&str; 11] = [
    "type",
    "format",
    "nullable",
    "title",
    "description",
    "default",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        let is_date_time = schema.get("type").and_then(Value::as_str) == Some("string")
            && schema.get("format").and_then(Value::as_str) == Some("date-time");
        if !is_date_time {
            return;
        }
        let removed: Vec<String> = schema
            .keys()
            .filter(|key| !KEPT.contains(&key.as_str()))
            .cloned()
            .collect();
        for key in removed {
            schema.remove(&key);
            changes.record(
                format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                "removed from a date-time, which typify then reads as `DateTime<FixedOffset>`",
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
    fn a_date_time_keeps_its_type_format_and_metadata_only() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "created": {"type": "string", "format": "date-time", "x-go-name": "Created",
                "description": "d", "nullable": true},
            "expires": {"type": "string", "format": "date-time",
                "items": {"type": "string"}, "example": "2024-01-01T00:00:00Z"},
            "name": {"type": "string", "x-go-name": "Name"}}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/A/properties"),
            Some(&json!({
                "created": {"type": "string", "format": "date-time", "description": "d",
                    "nullable": true},
                "expires": {"type": "string", "format": "date-time",
                    "example": "2024-01-01T00:00:00Z"},
                "name": {"type": "string", "x-go-name": "Name"}}))
        );
        let pointers: Vec<&str> = changes.0.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/A/properties/created/x-go-name",
                "/components/schemas/A/properties/expires/items"
            ]
        );
    }
}
