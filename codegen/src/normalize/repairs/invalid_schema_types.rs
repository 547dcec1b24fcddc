//! Upstream defect: a schema says `type: date-time` (and could say `date`),
//! which is a string format, not a JSON type; progenitor panics on it
//! (`invalid type: date-time`).
//!
//! Repair: `type: string` with that `format`. Any other unknown type is an
//! error, so that a new defect is looked at rather than guessed.

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "invalid_schema_types",
    kind: Kind::Repair,
    after: &[],
    summary: "`type: date-time` (a format, not a JSON type) becomes `type: string, format: date-time`.",
    run,
};

const JSON_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];
const FORMAT_TYPES: [&str; 2] = ["date-time", "date"];

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let mut error = None;
    schemas_mut(doc, &mut |pointer, schema| {
        let Some(Value::String(ty)) = schema.get("type") else {
            return;
        };
        if JSON_TYPES.contains(&ty.as_str()) {
            return;
        }
        if FORMAT_TYPES.contains(&ty.as_str()) {
            let format = ty.clone();
            schema.insert("type".into(), Value::String("string".into()));
            let old_format = schema.insert("format".into(), Value::String(format.clone()));
            let note = match old_format {
                Some(Value::String(f)) if f != format => format!(" (replacing format `{f}`)"),
                _ => String::new(),
            };
            changes.record(
                format!("{pointer}/type"),
                format!("`type: {format}` became `type: string, format: {format}`{note}"),
            );
        } else if error.is_none() {
            error = Some(PassError::new(
                format!("{pointer}/type"),
                format!("unknown schema type `{ty}`"),
            ));
        }
    });
    error.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn a_format_as_type_becomes_a_string_format_and_an_unknown_type_fails() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "at": {"type": "date-time"},
            "on": {"type": "date", "format": "iso"}}}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(changes, _)| changes.len()).ok(), Some(2));
        let properties = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            properties["at"],
            json!({"type": "string", "format": "date-time"})
        );
        assert_eq!(
            properties["on"],
            json!({"type": "string", "format": "date"})
        );
        let mut unknown = json!({"components": {"schemas": {"B": {"type": "uuid"}}}});
        let error = apply(run, &mut unknown, &PassContext::default()).err();
        assert!(error.is_some_and(|e| e.message.contains("unknown schema type `uuid`")));
    }
}
