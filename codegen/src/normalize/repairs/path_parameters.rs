//! Upstream defects: path parameters that do not match the path template.
//! Some are declared under another name than the template's placeholder
//! (`filterId` for `/campaign-filters/{id}`), some placeholders are never
//! declared, and some parameters say `in: path` for a path with no
//! placeholder for them. progenitor panics on all three.
//!
//! Repair, per operation:
//! - one declared name and one placeholder that do not match: the parameter
//!   takes the placeholder's name (the template is what the server routes);
//! - a placeholder nobody declares: declared as a required string;
//! - a path parameter with no placeholder left: kept, and sent as a query
//!   parameter, the only place the request can still carry it.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};
use crate::pointer::JsonPointer;

pub const PASS: Pass = Pass {
    name: "path_parameters",
    kind: Kind::Repair,
    after: &[],
    summary: "Path parameters are reconciled with the path template: renamed, declared, or sent as query parameters.",
    run,
};

/// The `{name}` placeholders of a path template, in order.
pub fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// Pointers and names of the path parameters that apply to an operation:
/// the operation's own, and the path item's that it does not override.
fn declared(
    doc: &Value,
    item_pointer: &JsonPointer,
    op_pointer: &JsonPointer,
) -> Vec<(JsonPointer, String)> {
    let list = |holder: &JsonPointer| -> Vec<(JsonPointer, String, String)> {
        let pointer = holder.child("parameters");
        let Some(Value::Array(params)) = pointer.follow(doc) else {
            return vec![];
        };
        params
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let name = p.get("name")?.as_str()?.to_string();
                let location = p.get("in")?.as_str()?.to_string();
                Some((pointer.index(i), name, location))
            })
            .collect()
    };
    let own = list(op_pointer);
    let mut out: Vec<(JsonPointer, String)> = own
        .iter()
        .filter(|(_, _, loc)| loc == "path")
        .map(|(p, n, _)| (p.clone(), n.clone()))
        .collect();
    for (pointer, name, location) in list(item_pointer) {
        let overridden = own.iter().any(|(_, n, l)| *n == name && *l == location);
        if location == "path" && !overridden {
            out.push((pointer, name));
        }
    }
    out
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    for op in operations(doc) {
        let template = placeholders(&op.path);
        let params = declared(doc, &op.path_item_pointer(), &op.pointer);
        let stray: Vec<&(JsonPointer, String)> = params
            .iter()
            .filter(|(_, n)| !template.contains(n))
            .collect();
        let undeclared: Vec<&String> = template
            .iter()
            .filter(|t| !params.iter().any(|(_, n)| n == *t))
            .collect();

        if let ([(pointer, name)], [placeholder]) = (stray.as_slice(), undeclared.as_slice()) {
            let name_pointer = pointer.child("name");
            set(doc, &name_pointer, json!(placeholder))?;
            changes.record(
                name_pointer,
                format!(
                    "`{name}` renamed to `{placeholder}`, the placeholder in `{}`",
                    op.path
                ),
            );
            continue;
        }
        for (pointer, name) in stray {
            let in_pointer = pointer.child("in");
            set(doc, &in_pointer, json!("query"))?;
            changes.record(
                in_pointer,
                format!(
                    "`{name}` has no placeholder in `{}`; sent as a query parameter",
                    op.path
                ),
            );
        }
        for placeholder in undeclared {
            let params = match op.pointer.follow_mut(doc).and_then(Value::as_object_mut) {
                Some(op_map) => op_map.entry("parameters").or_insert_with(|| json!([])),
                None => return Err(PassError::new(&op.pointer, "operation is not an object")),
            };
            let Value::Array(list) = params else {
                return Err(PassError::new(
                    op.pointer.child("parameters"),
                    "parameters is not a list",
                ));
            };
            list.push(json!({
                "name": placeholder,
                "in": "path",
                "required": true,
                "description": format!("The `{placeholder}` placeholder of the path (undeclared upstream)."),
                "schema": {"type": "string"}
            }));
            changes.record(
                op.pointer.child("parameters").index(list.len() - 1),
                format!("placeholder `{placeholder}` was not declared; added as a required string"),
            );
        }
    }
    Ok(())
}

fn set(doc: &mut Value, pointer: &JsonPointer, value: Value) -> Result<(), PassError> {
    let slot = pointer
        .follow_mut(doc)
        .ok_or_else(|| PassError::new(pointer, "expected a value here"))?;
    *slot = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    fn param(name: &str, location: &str) -> Value {
        json!({"name": name, "in": location, "required": true, "schema": {"type": "string"}})
    }

    #[test]
    fn parameters_are_renamed_declared_or_moved_to_the_query() {
        let mut doc = json!({"paths": {
            "/campaign-filters/{id}": {"get": {"operationId": "a", "parameters": [param("filterId", "path")]}},
            "/b/{x}/{y}": {"get": {"operationId": "b", "parameters": [param("x", "path")]}},
            "/c": {"get": {"operationId": "c", "parameters": [param("stray", "path")]}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(c, _)| c.len()).ok(), Some(3));
        let paths = &doc["paths"];
        assert_eq!(
            paths["/campaign-filters/{id}"]["get"]["parameters"][0]["name"],
            json!("id")
        );
        assert_eq!(
            paths["/b/{x}/{y}"]["get"]["parameters"][1]["name"],
            json!("y")
        );
        assert_eq!(
            paths["/b/{x}/{y}"]["get"]["parameters"][1]["in"],
            json!("path")
        );
        assert_eq!(paths["/c"]["get"]["parameters"][0]["in"], json!("query"));
    }

    #[test]
    fn placeholders_in_order() {
        assert_eq!(super::placeholders("/a/{x}/b/{y-z}"), vec!["x", "y-z"]);
        assert!(super::placeholders("/a/b").is_empty());
    }
}
