//! Upstream defect: `format: float` on decimal values (scores, ratios,
//! amounts such as `0.92`). typify makes them `f32`, which cannot hold most
//! decimals: `0.92` came back as `0.9200000166893005`.
//!
//! Repair: `format: float` is removed, so these numbers are `f64`, which
//! round-trips every decimal serde_json reads.

use serde_json::Value;

use super::{Changes, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "float_as_double",
    summary: "`format: float` is removed: as `f32`, decimals such as `0.92` did not survive a round trip.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        if schema.get("format").and_then(Value::as_str) == Some("float") {
            schema.remove("format");
            changes.record(pointer.child("format"), "`float` removed: an `f64`");
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn float_format_is_removed_and_others_kept() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "score": {"type": "number", "format": "float"},
            "count": {"type": "integer", "format": "int64"}}}}}});
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
                &json!({"score": {"type": "number"}, "count": {"type": "integer", "format": "int64"}})
            )
        );
        assert_eq!(changes.0.len(), 1);
    }
}
