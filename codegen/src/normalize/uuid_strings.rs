//! Upstream defect: `format: uuid` on SailPoint ids, which are mostly 32
//! hex digits without dashes (`2c9180835d2e5168015d32f890ca1581`) and
//! sometimes not UUIDs at all. typify makes them `uuid::Uuid`, which
//! rejects the latter and writes the former back with dashes: an id read
//! from one response is not the same string when sent back.
//!
//! Repair: `format: uuid` is removed, so these ids are kept as strings.

use serde_json::Value;

use super::{Changes, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "uuid_strings",
    summary: "`format: uuid` is removed: SailPoint ids are often not UUIDs in their canonical form, and must go back as received.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        if schema.get("format").and_then(Value::as_str) == Some("uuid") {
            schema.remove("format");
            changes.record(pointer.child("format"), "`uuid` removed: kept as a string");
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn uuid_format_is_removed_and_other_formats_kept() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"}}}}}});
        let mut changes = Changes::default();
        let result = run(
            &mut doc,
            &PassContext::default(),
            &mut changes,
            &mut Plan::default(),
        );
        assert!(result.is_ok());
        assert_eq!(
            doc.pointer("/components/schemas/A/properties"),
            Some(
                &json!({"id": {"type": "string"}, "at": {"type": "string", "format": "date-time"}})
            )
        );
        assert_eq!(changes.0.len(), 1);
    }
}
