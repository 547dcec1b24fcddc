//! Upstream defect (for clients): `additionalProperties: false` on schemas
//! the server sends (the workflow trigger attributes `EventAttributes`,
//! `ExternalAttributes`, `ScheduledAttributes`). typify makes such a
//! struct `#[serde(deny_unknown_fields)]`, so one field the server adds
//! fails the whole response, and the spec's own `WorkflowTrigger` example,
//! which has such a field, does not decode.
//!
//! Repair: `additionalProperties: false` is removed: unknown fields are
//! kept in the struct's `extra` on decoding, as in every other struct. Nothing changes for what
//! a caller sends.

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "closed_objects",
    kind: Kind::Policy,
    after: &[],
    summary: "`additionalProperties: false` is removed: a field the server adds no longer fails a response (`deny_unknown_fields`).",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            schema.remove("additionalProperties");
            changes.record(
                pointer.child("additionalProperties"),
                "closed object: unknown fields are ignored, not refused",
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
    fn closed_objects_open_and_examples_stay_as_written() {
        let mut doc = json!({"components": {"schemas": {
            "Closed": {"type": "object", "additionalProperties": false,
                "properties": {"id": {"type": "string"}},
                "example": {"nested": {"additionalProperties": false}}},
            "Map": {"type": "object", "additionalProperties": {"type": "string"}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["Closed"].get("additionalProperties").is_none());
        assert_eq!(
            schemas["Closed"]["example"],
            json!({"nested": {"additionalProperties": false}})
        );
        assert_eq!(
            schemas["Map"]["additionalProperties"],
            json!({"type": "string"})
        );
        assert_eq!(changes.0.len(), 1);
    }
}
