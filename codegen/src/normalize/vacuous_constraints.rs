//! Upstream noise: constraints that allow everything (`minLength: 0`,
//! `minItems: 0`, `minProperties: 0`). typify turns them into checks such
//! as `value.chars().count() < 0usize`, which rustc warns can never be
//! true.
//!
//! Repair: remove them; they constrain nothing.

use serde_json::Value;

use super::{Changes, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "vacuous_constraints",
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
