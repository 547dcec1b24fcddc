//! Upstream defects in `enum` lists: the same value twice
//! (`ResourceObjectCustomization`), and values whose JSON type is not the
//! schema's (a number in a string enum). typify rejects both.
//!
//! Also `null` listed as an enum value (`[GRANT_ACCESS, ..., null]`), which
//! typify turns into an `Option` wrapper named like the enum it wraps.
//!
//! Repair: drop the repeated value (the enum means the same), write a
//! wrongly typed value as the schema's type when that is lossless (`1` to
//! `"1"` in a string enum, `"1"` to `1` in an integer one), and say a `null`
//! value with `nullable: true`. Anything else is an error.

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "enum_values",
    kind: Kind::Repair,
    after: &["invalid_schema_types", "enum_value_punctuation"],
    summary: "Repeated enum values are dropped; wrongly typed ones are converted to the schema's type; `null` becomes `nullable: true`.",
    run,
};

/// Converts `value` to the JSON type `ty` when no information is lost.
pub fn coerce(value: &Value, ty: &str) -> Option<Value> {
    match (ty, value) {
        ("string", Value::Number(n)) => Some(Value::String(n.to_string())),
        ("string", Value::Bool(b)) => Some(Value::String(b.to_string())),
        ("integer", Value::String(s)) => s.parse::<i64>().ok().map(Value::from),
        ("number", Value::String(s)) => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        ("boolean", Value::String(s)) => s.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    }
}

pub fn has_type(value: &Value, ty: &str) -> bool {
    match (ty, value) {
        ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let mut error = None;
    schemas_mut(doc, &mut |pointer, schema| {
        let ty = schema
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(Value::Array(values)) = schema.get_mut("enum") else {
            return;
        };
        let mut kept: Vec<Value> = Vec::with_capacity(values.len());
        let mut saw_null = false;
        for (i, value) in values.iter().enumerate() {
            if value.is_null() {
                changes.record(
                    format!("{pointer}/enum/{i}"),
                    "`null` value dropped; the schema is nullable instead",
                );
                saw_null = true;
                continue;
            }
            let value = match &ty {
                Some(ty) if !has_type(value, ty) => match coerce(value, ty) {
                    Some(converted) => {
                        changes.record(
                            format!("{pointer}/enum/{i}"),
                            format!("{value} is not a {ty}; written as {converted}"),
                        );
                        converted
                    }
                    None => {
                        if error.is_none() {
                            error = Some(PassError::new(
                                format!("{pointer}/enum/{i}"),
                                format!("{value} is not a {ty} and cannot be converted"),
                            ));
                        }
                        value.clone()
                    }
                },
                _ => value.clone(),
            };
            if kept.contains(&value) {
                changes.record(
                    format!("{pointer}/enum/{i}"),
                    format!("repeated value {value} dropped"),
                );
            } else {
                kept.push(value);
            }
        }
        *values = kept;
        if saw_null {
            schema.insert("nullable".into(), Value::Bool(true));
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
    fn repeats_drop_mistyped_values_convert_and_null_makes_nullable() {
        let mut doc = json!({"components": {"schemas": {
            "S": {"type": "string", "enum": ["A", "A", 1, null]},
            "I": {"type": "integer", "enum": ["2", 3]}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(changes, _)| changes.len()).ok(), Some(4));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["S"],
            json!({"type": "string", "enum": ["A", "1"], "nullable": true})
        );
        assert_eq!(schemas["I"]["enum"], json!([2, 3]));
        // A value that cannot be converted is an error naming it.
        let mut bad = json!({"components": {"schemas": {"I": {"type": "integer", "enum": ["x"]}}}});
        let error = apply(run, &mut bad, &PassContext::default()).err();
        assert!(error.is_some_and(|e| e.pointer == "/components/schemas/I/enum/0"));
    }
}
