//! Upstream design: experimental operations declare a required header
//! parameter `X-SailPoint-Experimental: true`. As a method argument it is
//! noise the caller must always set the same way (SailPoint's SDKs made it a
//! config flag, a panic, or forgot to send it).
//!
//! Repair: the parameter leaves the operation, and the plan tells the
//! generator to send the header itself and to mark the method experimental
//! in its docs.

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "experimental_header",
    kind: Kind::Plumbing,
    after: &["missing_operation_ids"],
    summary: "The `X-SailPoint-Experimental` header parameter is sent by the client itself instead of being a method argument.",
    run,
};

pub const HEADER: &str = "X-SailPoint-Experimental";

fn is_experimental_header(param: &Value) -> bool {
    param.get("in").and_then(Value::as_str) == Some("header")
        && param
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case(HEADER))
}

/// The value the spec asks for: its default, only enum value, or example.
fn fixed_value(param: &Value) -> String {
    let schema = param.get("schema");
    [
        schema.and_then(|s| s.get("default")),
        schema.and_then(|s| s.get("enum")).and_then(|e| e.get(0)),
        param.get("example"),
        schema.and_then(|s| s.get("example")),
    ]
    .into_iter()
    .flatten()
    .find_map(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
    .unwrap_or_else(|| "true".to_string())
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    plan: &mut Plan,
) -> Result<(), PassError> {
    // A header declared on the path item applies to each of its operations;
    // it is removed from the path item once every operation has seen it.
    let mut path_items = Vec::new();
    for op in operations(doc) {
        let id = op
            .id(doc)
            .ok_or_else(|| PassError::new(&op.pointer, "operation has no id"))?
            .to_string();
        for holder in [op.pointer.clone(), op.path_item_pointer()] {
            let Some(Value::Array(params)) = holder.child("parameters").follow(doc) else {
                continue;
            };
            let Some(index) = params.iter().position(is_experimental_header) else {
                continue;
            };
            let value = fixed_value(&params[index]);
            changes.record(
                holder.child("parameters").index(index),
                format!("`{HEADER}: {value}` is sent by `{id}` itself"),
            );
            plan.fixed_headers
                .entry(id.clone())
                .or_default()
                .push((HEADER.to_string(), value));
            plan.experimental.insert(id.clone());
            if holder == op.pointer {
                if let Some(Value::Array(params)) = holder.child("parameters").follow_mut(doc) {
                    params.remove(index);
                }
            } else {
                path_items.push(holder);
            }
            break;
        }
    }
    for item in path_items {
        if let Some(Value::Array(params)) = item.child("parameters").follow_mut(doc) {
            params.retain(|p| !is_experimental_header(p));
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
    fn the_header_leaves_the_arguments_and_is_planned() {
        let header = json!({"name": "X-SailPoint-Experimental", "in": "header", "required": true,
            "schema": {"type": "string", "default": "true"}});
        let mut doc = json!({"paths": {
            "/a": {"get": {"operationId": "getA", "parameters": [
                header.clone(), {"name": "limit", "in": "query"}]}},
            "/b": {"parameters": [header], "get": {"operationId": "getB"}, "put": {"operationId": "putB"}},
            "/c": {"get": {"operationId": "getC"}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        let plan = result.map(|(_, plan)| plan).unwrap_or_default();
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "limit", "in": "query"}])
        );
        assert_eq!(doc["paths"]["/b"]["parameters"], json!([]));
        let experimental: Vec<&str> = plan.experimental.iter().map(String::as_str).collect();
        assert_eq!(experimental, ["getA", "getB", "putB"]);
        assert_eq!(
            plan.fixed_headers.get("putB"),
            Some(&vec![(HEADER.to_string(), "true".to_string())])
        );
    }
}
