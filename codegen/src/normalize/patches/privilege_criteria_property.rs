//! Upstream defect (v2025, one spot): in `CreatePrivilegeCriteriaRequest`,
//! a criteria item's `operator` carries the `oneOf` that belongs to its
//! `property` field, and `property` itself is missing. The result allows no
//! value at all (the operator enum and the property patterns contradict),
//! and typify generates a validation that does not compile.
//! `PrivilegeCriteriaDTO`, the same item as the server returns it, has both
//! fields apart.
//!
//! Repair: the `oneOf` moves back into a `property` field, as in the DTO.
//! Targeted: fails if the spot is gone, so the pass is removed once upstream
//! fixes it.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan};
use crate::versions::ApiVersion;

pub const PASS: Pass = Pass {
    name: "privilege_criteria_property",
    kind: Kind::Patch,
    after: &[],
    summary: "v2025 `CreatePrivilegeCriteriaRequest`: the `oneOf` of the missing `property` field is moved out of `operator` into it.",
    run,
};

/// The versions whose vendored spec has the defect.
pub const VERSIONS: &[ApiVersion] = &[ApiVersion::V2025];

const SPOT: &str = "/components/schemas/CreatePrivilegeCriteriaRequest/properties/groups/items/properties/criteriaItems/items/properties";

fn run(
    doc: &mut Value,
    context: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    if !context.version.is_some_and(|v| VERSIONS.contains(&v)) {
        return Ok(());
    }
    let gone = || {
        PassError::new(
            SPOT,
            "the targeted defect is no longer there: check upstream and remove this pass",
        )
    };
    let properties = doc
        .pointer_mut(SPOT)
        .and_then(Value::as_object_mut)
        .ok_or_else(gone)?;
    if properties.contains_key("property") {
        return Err(gone());
    }
    let one_of = properties
        .get_mut("operator")
        .and_then(Value::as_object_mut)
        .and_then(|operator| operator.remove("oneOf"))
        .ok_or_else(gone)?;
    properties.insert(
        "property".into(),
        json!({
            "type": "string",
            "description": "The property to evaluate: `displayName`, `description`, `value`, or `attributes.<name>`.",
            "oneOf": one_of
        }),
    );
    changes.record(
        format!("{SPOT}/operator/oneOf"),
        "moved into the missing `property` field",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    fn spot(properties: Value) -> Value {
        json!({"components": {"schemas": {"CreatePrivilegeCriteriaRequest": {"type": "object",
            "properties": {"groups": {"type": "array", "items": {"type": "object", "properties": {
                "criteriaItems": {"type": "array", "items": {"type": "object",
                    "properties": properties}}}}}}}}}})
    }

    #[test]
    fn the_one_of_moves_into_property_and_a_fixed_or_missing_spot_fails() {
        let one_of = json!([{"enum": ["displayName"]}]);
        let v2025 = PassContext::for_version(ApiVersion::V2025);
        let mut doc = spot(json!({"operator": {"type": "string", "oneOf": one_of.clone()}}));
        assert_eq!(
            apply(run, &mut doc, &v2025).map(|(c, _)| c.len()).ok(),
            Some(1)
        );
        let properties = doc.pointer(SPOT).cloned().unwrap_or_default();
        assert_eq!(properties["operator"], json!({"type": "string"}));
        assert_eq!(properties["property"]["oneOf"], one_of);
        // Run again, the spot is fixed: the pass must go.
        let fixed = apply(run, &mut doc, &v2025).err();
        assert!(fixed.is_some_and(|e| e.message.contains("no longer there")));
        let mut gone = json!({"components": {"schemas": {}}});
        assert!(apply(run, &mut gone, &v2025).is_err());
        // Other versions have no such spot to look for.
        let v2024 = PassContext::for_version(ApiVersion::V2024);
        assert!(apply(run, &mut gone, &v2024).is_ok_and(|(c, _)| c.is_empty()));
    }
}
