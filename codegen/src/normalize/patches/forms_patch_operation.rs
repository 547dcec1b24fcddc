//! Upstream defect (all three versions, one spot each): the forms API's
//! JSON-Patch step, `Operation` (Go's `map[string]*json.RawMessage`, from
//! `github.com/evanphx/json-patch`), declares its values as
//! `additionalProperties: {type: object, properties: {}}`, though a step is
//! `{"op": "replace", "path": "/description", "value": ...}`. typify makes
//! it a map of JSON objects, so a caller could not build the
//! `patchFormDefinition`/`patchFormInstance` body, and the spec's own
//! examples of it do not decode.
//!
//! Repair: the values become any JSON (`additionalProperties: true`).
//! Targeted: fails if the forms JSON-Patch schemas are there but no longer
//! defective, so the pass is removed once upstream fixes it.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan};
use crate::versions::ApiVersion;

pub const PASS: Pass = Pass {
    name: "forms_patch_operation",
    kind: Kind::Patch,
    after: &[],
    summary: "The forms API's JSON-Patch `Operation` holds any JSON values, not only objects (`additionalProperties: true`).",
    run,
};

/// The versions whose vendored spec has the defect: all of them.
pub const VERSIONS: &[ApiVersion] = &ApiVersion::ALL;

/// The Go package the defective schema names.
const GO_PACKAGE: &str = "github.com/evanphx/json-patch";

fn run(
    doc: &mut Value,
    context: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    if !context.version.is_some_and(|v| VERSIONS.contains(&v)) {
        return Ok(());
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| PassError::new("/components/schemas", "no schema components"))?;
    let object_values = json!({"type": "object", "properties": {}});
    let mut found = false;
    for (name, schema) in schemas.iter_mut() {
        if schema.get("x-go-package").and_then(Value::as_str) != Some(GO_PACKAGE) {
            continue;
        }
        found = true;
        let Some(schema) = schema.as_object_mut() else {
            continue;
        };
        if schema.get("additionalProperties") == Some(&object_values) {
            schema.insert("additionalProperties".into(), Value::Bool(true));
            changes.record(
                format!("/components/schemas/{name}/additionalProperties"),
                "a JSON-Patch step's values are any JSON, not only objects",
            );
            return Ok(());
        }
    }
    if found {
        return Err(PassError::new(
            "/components/schemas",
            format!(
                "the `{GO_PACKAGE}` schemas no longer restrict values to objects: the targeted \
                 defect is fixed upstream; remove this pass"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> PassContext {
        PassContext::for_version(ApiVersion::V2025)
    }

    #[test]
    fn the_operation_values_become_any_json_and_a_fixed_spec_is_an_error() {
        let mut doc = json!({"components": {"schemas": {
            "FormsOperation": {"type": "object", "x-go-package": GO_PACKAGE,
                "additionalProperties": {"type": "object", "properties": {}}},
            "Other": {"type": "object", "additionalProperties": {"type": "object", "properties": {}}}}}});
        let mut changes = Changes::default();
        let result = run(&mut doc, &context(), &mut changes, &mut Plan::default());
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(
            doc.pointer("/components/schemas/FormsOperation/additionalProperties"),
            Some(&Value::Bool(true))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Other/additionalProperties/type"),
            Some(&json!("object")),
            "only the Go JSON-Patch step"
        );
        let again = run(
            &mut doc,
            &context(),
            &mut Changes::default(),
            &mut Plan::default(),
        );
        assert!(again.is_err_and(|e| e.message.contains("fixed upstream")));
        // A document without the forms API has nothing to repair.
        let mut other = json!({"components": {"schemas": {"A": {"type": "object"}}}});
        let nothing = run(
            &mut other,
            &context(),
            &mut Changes::default(),
            &mut Plan::default(),
        );
        assert!(nothing.is_ok());
    }
}
