//! Upstream defect: `default` values that violate their own schema: not one
//! of the enum values, or of the wrong JSON type (`"true"` for a boolean,
//! `"250"` for an integer). typify generates a default function from them
//! and fails.
//!
//! Repair: a wrongly typed default that converts losslessly (and then fits
//! the enum) is converted; otherwise the default is removed, and the report
//! keeps the value. A default only documents what the server assumes, so the
//! request is unchanged either way.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::normalize::repairs::enum_values::{coerce, has_type};
use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "invalid_defaults",
    kind: Kind::Repair,
    after: &[
        "invalid_schema_types",
        "enum_value_punctuation",
        "enum_values",
    ],
    summary: "`default` values that violate their schema are converted when lossless, else removed.",
    run,
};

/// The type and enum a schema constrains its values to.
#[derive(Clone, Default)]
struct Constraint {
    ty: Option<String>,
    enumeration: Option<Vec<Value>>,
    nullable: bool,
    items: Option<Box<Constraint>>,
}

fn constraint(schema: &Map<String, Value>, components: &HashMap<String, Constraint>) -> Constraint {
    let by_ref = |s: &Value| -> Option<Constraint> {
        let name = s
            .get("$ref")?
            .as_str()?
            .strip_prefix("#/components/schemas/")?;
        components.get(name).cloned()
    };
    let mut c = Constraint {
        ty: schema
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_string),
        enumeration: schema.get("enum").and_then(Value::as_array).cloned(),
        nullable: schema.get("nullable") == Some(&Value::Bool(true)),
        items: None,
    };
    // `allOf: [{$ref}]` wraps a reference to add keywords beside it.
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for sub in all {
            if let Some(inner) = by_ref(sub) {
                c.ty = c.ty.or(inner.ty);
                c.enumeration = c.enumeration.or(inner.enumeration);
                c.items = c.items.or(inner.items);
            }
        }
    }
    if let Some(items) = schema.get("items") {
        c.items = match items {
            Value::Object(m) if m.contains_key("$ref") => by_ref(items).map(Box::new),
            Value::Object(m) => Some(Box::new(constraint(m, components))),
            _ => None,
        };
    }
    c
}

fn accepts(c: &Constraint, value: &Value) -> bool {
    if value.is_null() {
        return c.nullable;
    }
    if let Some(ty) = &c.ty
        && !has_type(value, ty)
    {
        return false;
    }
    if let Some(values) = &c.enumeration
        && !values.contains(value)
    {
        return false;
    }
    match (&c.items, value) {
        (Some(items), Value::Array(elements)) => elements.iter().all(|e| accepts(items, e)),
        _ => true,
    }
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let mut components = HashMap::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        // Two rounds resolve components that wrap other components.
        for _ in 0..2 {
            for (name, schema) in schemas {
                if let Value::Object(map) = schema {
                    let c = match map
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        Some(target) => components.get(target).cloned().unwrap_or_default(),
                        None => constraint(map, &components),
                    };
                    components.insert(name.clone(), c);
                }
            }
        }
    }
    schemas_mut(doc, &mut |pointer, schema| {
        let Some(default) = schema.get("default").cloned() else {
            return;
        };
        if schema.contains_key("$ref") {
            return; // siblings of $ref are ignored by OpenAPI 3.0 and by progenitor
        }
        let c = constraint(schema, &components);
        if accepts(&c, &default) {
            return;
        }
        let converted =
            c.ty.as_deref()
                .and_then(|ty| coerce(&default, ty))
                .filter(|v| accepts(&c, v));
        match converted {
            Some(value) => {
                changes.record(
                    format!("{pointer}/default"),
                    format!("{default} converted to {value}"),
                );
                schema.insert("default".into(), value);
            }
            None => {
                let why = match (&c.ty, &c.enumeration) {
                    (Some(ty), _) if !default.is_null() && !has_type(&default, ty) => {
                        format!("not a {ty}")
                    }
                    (_, Some(_)) => "not one of the enum values".to_string(),
                    _ => "not allowed by the schema".to_string(),
                };
                changes.record(
                    format!("{pointer}/default"),
                    format!("{default} removed: {why}"),
                );
                schema.remove("default");
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn defaults_are_converted_when_lossless_else_removed() {
        let mut doc = json!({"components": {"schemas": {
            "Level": {"type": "string", "enum": ["LOW", "HIGH"]},
            "A": {"type": "object", "properties": {
                "enabled": {"type": "boolean", "default": "true"},
                "limit": {"type": "integer", "default": "250"},
                "level": {"allOf": [{"$ref": "#/components/schemas/Level"}], "default": "MEDIUM"},
                "ok": {"type": "string", "default": "x"}}}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        let reasons: Vec<String> = result
            .map(|(changes, _)| changes.into_iter().map(|c| c.reason).collect())
            .unwrap_or_default();
        let properties = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(properties["enabled"]["default"], json!(true));
        assert_eq!(properties["limit"]["default"], json!(250));
        assert_eq!(properties["level"].get("default"), None);
        assert_eq!(properties["ok"]["default"], json!("x"));
        assert_eq!(
            reasons,
            [
                "\"true\" converted to true",
                "\"250\" converted to 250",
                "\"MEDIUM\" removed: not one of the enum values"
            ]
        );
    }
}
