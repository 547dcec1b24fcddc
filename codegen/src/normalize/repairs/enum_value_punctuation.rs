//! Upstream defect: string enum values carrying the punctuation of the list
//! they were copied from, `MANUAL_REASSIGNMENT,` in `ReassignmentTypeEnum`
//! (a trailing comma, or surrounding spaces). The server sends the value
//! without it, so the typed value would never match.
//!
//! Repair: the value is trimmed of surrounding whitespace and trailing
//! commas; if the trimmed value is already listed, the copy is dropped.

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "enum_value_punctuation",
    kind: Kind::Repair,
    after: &[],
    summary: "String enum values with a trailing comma or surrounding spaces (`MANUAL_REASSIGNMENT,`) are trimmed.",
    run,
};

fn trimmed(value: &str) -> &str {
    value.trim().trim_end_matches(',').trim_end()
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) else {
            return;
        };
        let mut repaired: Vec<Value> = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let Some(text) = value.as_str() else {
                repaired.push(value.clone());
                continue;
            };
            let clean = trimmed(text);
            if clean == text || clean.is_empty() {
                repaired.push(value.clone());
                continue;
            }
            let at = pointer.child("enum").index(i);
            if values.iter().any(|v| v.as_str() == Some(clean)) {
                changes.record(at, format!("`{text}` dropped: `{clean}` is listed"));
            } else {
                changes.record(at, format!("`{text}` trimmed to `{clean}`"));
                repaired.push(Value::String(clean.to_string()));
            }
        }
        *values = repaired;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn trailing_commas_and_spaces_are_trimmed_and_duplicates_dropped() {
        let mut doc = json!({"components": {"schemas": {"R": {"type": "string",
            "enum": ["MANUAL,", " AUTO ", "AUTO", "KEEP", 1]}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/R/enum"),
            Some(&json!(["MANUAL", "AUTO", "KEEP", 1]))
        );
        let reasons: Vec<&str> = changes.0.iter().map(|c| c.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "`MANUAL,` trimmed to `MANUAL`",
                "` AUTO ` dropped: `AUTO` is listed"
            ]
        );
    }
}
