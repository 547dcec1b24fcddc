//! Traversal helpers shared by the passes: every operation, and every schema
//! object wherever it stands, each with its JSON pointer.

use serde_json::{Map, Value};

use crate::load::escape_segment;

pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation of the document: its path, method, and pointer.
#[derive(Clone, Debug)]
pub struct OperationRef {
    pub path: String,
    pub method: String,
    pub pointer: String,
}

impl OperationRef {
    /// The pointer of the path item that holds the operation.
    pub fn path_item_pointer(&self) -> String {
        format!("/paths/{}", escape_segment(&self.path))
    }

    /// The operation's id; passes after `missing_operation_ids` may rely on it.
    pub fn id<'d>(&self, doc: &'d Value) -> Option<&'d str> {
        doc.pointer(&self.pointer)?.get("operationId")?.as_str()
    }
}

/// Every operation under `paths`, in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in item.keys().filter(|k| HTTP_METHODS.contains(&k.as_str())) {
            out.push(OperationRef {
                path: path.clone(),
                method: method.clone(),
                pointer: format!("/paths/{}/{method}", escape_segment(path)),
            });
        }
    }
    out
}

/// Calls `f` on every schema object of the document (components, and those
/// inline in parameters, bodies, responses and headers), parents before
/// children. `f` may change the schema; its children are visited after.
pub fn schemas_mut(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let p = format!("/components/{section}/{}", escape_segment(name));
                match section.as_str() {
                    "schemas" => visit_schema(entry, &p, f),
                    "parameters" | "headers" => visit_parameter(entry, &p, f),
                    "requestBodies" | "responses" => visit_body(entry, &p, f),
                    _ => {}
                }
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let item_pointer = format!("/paths/{}", escape_segment(path));
        for (key, value) in item.iter_mut() {
            let p = format!("{item_pointer}/{key}");
            if key == "parameters" {
                visit_parameter_list(value, &p, f);
            } else if HTTP_METHODS.contains(&key.as_str()) {
                let Some(op) = value.as_object_mut() else {
                    continue;
                };
                for (op_key, op_value) in op.iter_mut() {
                    let p = format!("{p}/{op_key}");
                    match op_key.as_str() {
                        "parameters" => visit_parameter_list(op_value, &p, f),
                        "requestBody" => visit_body(op_value, &p, f),
                        "responses" => {
                            if let Some(responses) = op_value.as_object_mut() {
                                for (status, response) in responses.iter_mut() {
                                    visit_body(response, &format!("{p}/{status}"), f);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

fn visit_parameter_list(
    list: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    if let Some(list) = list.as_array_mut() {
        for (i, param) in list.iter_mut().enumerate() {
            visit_parameter(param, &format!("{pointer}/{i}"), f);
        }
    }
}

fn visit_parameter(
    param: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    if let Some(schema) = param.get_mut("schema") {
        visit_schema(schema, &format!("{pointer}/schema"), f);
    }
    visit_content(param, pointer, f);
}

/// A request body or a response: content and headers.
fn visit_body(body: &mut Value, pointer: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    visit_content(body, pointer, f);
    if let Some(headers) = body.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            visit_parameter(
                header,
                &format!("{pointer}/headers/{}", escape_segment(name)),
                f,
            );
        }
    }
}

fn visit_content(
    holder: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media, media_type) in content.iter_mut() {
            if let Some(schema) = media_type.get_mut("schema") {
                visit_schema(
                    schema,
                    &format!("{pointer}/content/{}/schema", escape_segment(media)),
                    f,
                );
            }
        }
    }
}

/// Visits a schema and its subschemas.
pub fn visit_schema(
    schema: &mut Value,
    pointer: &str,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    f(pointer, map);
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(props) = child.as_object_mut() {
                    for (name, prop) in props.iter_mut() {
                        visit_schema(
                            prop,
                            &format!("{pointer}/properties/{}", escape_segment(name)),
                            f,
                        );
                    }
                }
            }
            "items" | "additionalProperties" | "not" => {
                visit_schema(child, &format!("{pointer}/{key}"), f)
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(list) = child.as_array_mut() {
                    for (i, sub) in list.iter_mut().enumerate() {
                        visit_schema(sub, &format!("{pointer}/{key}/{i}"), f);
                    }
                }
            }
            _ => {}
        }
    }
}
