//! Upstream noise: constraints that allow everything (`minLength: 0`,
//! `minItems: 0`, `minProperties: 0`). typify turns them into checks such
//! as `value.chars().count() < 0usize`, which rustc warns can never be
//! true.
//!
//! Repair: remove them; they constrain nothing.

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "vacuous_constraints",
    kind: Kind::Plumbing,
    after: &[],
    summary: "`minLength: 0` and similar constraints that allow everything are removed.",
    run,
};

const LOWER_BOUNDS: [&str; 3] = ["minLength", "minItems", "minProperties"];

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        for keyword in LOWER_BOUNDS {
            if schema.get(keyword).and_then(Value::as_u64) == Some(0) {
                schema.remove(keyword);
                changes.record(
                    format!("{pointer}/{keyword}"),
                    "`0` allows everything; removed",
                );
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
    fn zero_lower_bounds_go_and_real_bounds_stay() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object",
            "minProperties": 0,
            "properties": {
                "name": {"type": "string", "minLength": 0, "maxLength": 0},
                "code": {"type": "string", "minLength": 2},
                "tags": {"type": "array", "minItems": 0, "items": {"type": "string"}}}}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        let changes = result.map(|(changes, _)| changes).unwrap_or_default();
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({"type": "object", "properties": {
                "name": {"type": "string", "maxLength": 0},
                "code": {"type": "string", "minLength": 2},
                "tags": {"type": "array", "items": {"type": "string"}}}})
        );
        assert_eq!(changes.len(), 3);
    }
}
