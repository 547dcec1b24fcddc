//! Upstream defect: some operations have no `operationId` (v2025's
//! `/das/owners/...`), which progenitor requires to name the method.
//!
//! Repair: derive a stable, readable id from the method and path, e.g.
//! `GET /das/owners/resources/{resourceId}` becomes
//! `getDasOwnersResourcesByResourceId`. Fails if the derived id is taken.

use std::collections::BTreeSet;

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "missing_operation_ids",
    kind: Kind::Repair,
    after: &[],
    summary: "Operations without an `operationId` get one derived from method and path.",
    run,
};

pub fn derive_id(method: &str, path: &str) -> String {
    let mut id = method.to_lower_camel_case();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("By");
                id.push_str(&param.to_upper_camel_case());
            }
            None => id.push_str(&segment.to_upper_camel_case()),
        }
    }
    id
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let ops = operations(doc);
    let mut taken: BTreeSet<String> = ops
        .iter()
        .filter_map(|op| op.id(doc))
        .map(str::to_string)
        .collect();
    for op in ops {
        if op.id(doc).is_some() {
            continue;
        }
        let id = derive_id(&op.method, &op.path);
        if !taken.insert(id.clone()) {
            return Err(PassError::new(
                &op.pointer,
                format!("derived operation id {id} is already taken"),
            ));
        }
        if let Some(Value::Object(map)) = op.pointer.follow_mut(doc) {
            map.insert("operationId".into(), Value::String(id.clone()));
        }
        changes.record(op.pointer.child("operationId"), format!("set to `{id}`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn operations_without_an_id_get_one_and_a_taken_id_fails() {
        let mut doc = json!({"paths": {"/das/owners/{id}": {
            "get": {"responses": {}},
            "post": {"operationId": "createOwner"}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(c, _)| c.len()).ok(), Some(1));
        assert_eq!(
            doc["paths"]["/das/owners/{id}"]["get"]["operationId"],
            json!("getDasOwnersById")
        );
        let mut clash = json!({"paths": {
            "/a": {"get": {}},
            "/b": {"get": {"operationId": "getA"}}}});
        let error = apply(run, &mut clash, &PassContext::default()).err();
        assert!(error.is_some_and(|e| e.message.contains("already taken")));
    }

    #[test]
    fn ids_read_like_upstream_ones() {
        assert_eq!(
            super::derive_id("get", "/das/owners/resources/{resourceId}"),
            "getDasOwnersResourcesByResourceId"
        );
        assert_eq!(
            super::derive_id("post", "/access-profiles/bulk-delete"),
            "postAccessProfilesBulkDelete"
        );
    }
}
