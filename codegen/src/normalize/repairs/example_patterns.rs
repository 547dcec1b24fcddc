//! Upstream defect: a string `pattern` that rejects the schema's own
//! `example` (`LauncherRequest.config`, "JSON configuration", has pattern
//! `^\{\}$` and the example `{"workflowId" : "..."}`). typify checks
//! patterns when a value is built or decoded, so a caller could not send
//! the documented value, and a response carrying one did not decode.
//!
//! Repair: such a pattern is removed; the report quotes it. Checked with
//! `regress`, the engine the generated checks use, as they use it (the
//! pattern must match somewhere in the value).

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "example_patterns",
    kind: Kind::Repair,
    after: &[],
    summary: "A string `pattern` that rejects the schema's own `example` is removed: the documented value could be neither sent nor received.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        let (Some(pattern), Some(example)) = (
            schema.get("pattern").and_then(Value::as_str),
            schema.get("example").and_then(Value::as_str),
        ) else {
            return;
        };
        let Ok(regex) = regress::Regex::new(pattern) else {
            return;
        };
        if regex.find(example).is_none() {
            let reason = format!("`{pattern}` rejects the example {example:?}; removed");
            schema.remove("pattern");
            changes.record(format!("{pointer}/pattern"), reason);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_pattern_rejecting_its_example_goes_and_one_accepting_it_stays() {
        let mut doc = json!({"components": {"schemas": {"Launcher": {"type": "object",
            "properties": {
                "config": {"type": "string", "pattern": "^\\{\\}$",
                    "example": "{\"workflowId\" : \"6b42\"}"},
                "id": {"type": "string", "pattern": "^[0-9a-f]+$", "example": "6b42"}}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        let properties = "/components/schemas/Launcher/properties";
        assert_eq!(doc.pointer(&format!("{properties}/config/pattern")), None);
        assert_eq!(
            doc.pointer(&format!("{properties}/id/pattern")),
            Some(&json!("^[0-9a-f]+$"))
        );
        assert_eq!(changes.0.len(), 1);
        assert_eq!(changes.0[0].pointer, format!("{properties}/config/pattern"));
    }
}
