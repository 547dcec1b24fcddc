//! Upstream defect: component schemas that are themselves `nullable: true`
//! (`AccountRequestInfo`, `Argument`, ...). typify turns such a component
//! into a wrapper `struct X(Option<X>)` named like the struct it wraps, and
//! the crate does not compile (the 26 collisions of beta).
//!
//! Repair: nullability moves from the definition to its uses, where OpenAPI
//! 3.0 can say it: a required property that refers to the component becomes
//! `allOf: [$ref], nullable: true`, so it decodes `null` as `None`. Optional
//! properties already decode `null` as `None`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::normalize::{
    Changes, Kind, Pass, PassContext, PassError, Plan, required_names, schemas_mut,
};
use crate::pointer::JsonPointer;

pub const PASS: Pass = Pass {
    name: "nullable_components",
    kind: Kind::Policy,
    after: &["enum_values"],
    summary: "`nullable` on a component definition moves to the required properties that refer to it.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let mut nullable = BTreeSet::new();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            let Value::Object(schema) = schema else {
                continue;
            };
            if schema.get("nullable") == Some(&Value::Bool(true)) {
                schema.remove("nullable");
                nullable.insert(format!("#/components/schemas/{name}"));
                changes.record(
                    JsonPointer::from_segments(["components", "schemas", name, "nullable"]),
                    "removed from the definition; its required uses say it instead",
                );
            }
        }
    }
    if nullable.is_empty() {
        return Ok(());
    }
    schemas_mut(doc, &mut |pointer, schema| {
        let required: BTreeSet<String> = required_names(schema);
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let Some(target) = property
                .get("$ref")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            if !required.contains(name) || !nullable.contains(&target) {
                continue;
            }
            let mut wrapped = json!({"allOf": [{"$ref": target}], "nullable": true});
            if let (Value::Object(w), Value::Object(p)) = (&mut wrapped, &*property) {
                for (k, v) in p.iter().filter(|(k, _)| *k != "$ref") {
                    w.insert(k.clone(), v.clone());
                }
            }
            *property = wrapped;
            changes.record(
                pointer.child("properties").child(name),
                format!(
                    "required reference to nullable `{}` made nullable",
                    target.rsplit('/').next().unwrap_or(&target)
                ),
            );
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
    fn nullability_moves_from_the_component_to_its_required_uses() {
        let reference = json!({"$ref": "#/components/schemas/Info", "description": "d"});
        let mut doc = json!({"components": {"schemas": {
            "Info": {"type": "object", "nullable": true},
            "Holder": {"type": "object", "required": ["info"], "properties": {
                "info": reference.clone(), "other": reference.clone()}}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(changes, _)| changes.len()).ok(), Some(2));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Info"], json!({"type": "object"}));
        assert_eq!(
            schemas["Holder"]["properties"]["info"],
            json!({"allOf": [{"$ref": "#/components/schemas/Info"}], "nullable": true, "description": "d"})
        );
        assert_eq!(schemas["Holder"]["properties"]["other"], reference);
    }
}
