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

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "empty_security",
    kind: Kind::Repair,
    after: &[],
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn an_empty_security_list_goes_and_a_public_operation_stays_public() {
        let mut doc = json!({"paths": {
            "/scheduled-searches/{id}": {"get": {"operationId": "getScheduledSearch", "security": []}},
            "/.well-known/ssf-configuration": {"get": {"operationId": "ssf", "security": [{}]}},
            "/searches": {"post": {"operationId": "search", "security": [{"userAuth": ["sp:search"]}]}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        let changes = result.map(|(changes, _)| changes).unwrap_or_default();
        let paths = &doc["paths"];
        assert_eq!(
            paths["/scheduled-searches/{id}"]["get"].get("security"),
            None
        );
        assert_eq!(
            paths["/.well-known/ssf-configuration"]["get"]["security"],
            json!([{}])
        );
        assert_eq!(
            paths["/searches"]["post"]["security"],
            json!([{"userAuth": ["sp:search"]}])
        );
        let pointers: Vec<&str> = changes.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(pointers, ["/paths/~1scheduled-searches~1{id}/get/security"]);
    }
}
