//! Upstream defect: an operation declares `security: []`, which in OpenAPI
//! removes every security requirement, where its siblings on the same path
//! all require `userAuth` (v2024 and v2025 `getScheduledSearch`). Taken at
//! its word, the client would call the tenant without a token and get 401.
//!
//! Repair: the empty list is removed, so the operation inherits the
//! document's security like every operation that declares none. An
//! operation that really is public says so with an empty requirement
//! (`security: [{}]`, as `/.well-known/ssf-configuration` does), which is
//! left alone.

use serde_json::Value;

use super::{Changes, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "empty_security",
    summary: "`security: []` on an operation (no requirement at all) is removed, so the operation inherits the document's security.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    for op in operations(doc) {
        let Some(Value::Object(operation)) = op.pointer.follow_mut(doc) else {
            continue;
        };
        if operation.get("security") == Some(&Value::Array(Vec::new())) {
            operation.remove("security");
            changes.record(
                op.pointer.child("security").to_string(),
                "empty security list removed: the operation inherits the document's security",
            );
        }
    }
    Ok(())
}
