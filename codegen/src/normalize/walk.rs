//! Traversal shared by the passes: every schema object wherever it stands,
//! with its JSON pointer. The operations are [`crate::openapi::operations`].

use serde_json::{Map, Value};

use crate::openapi::is_http_method;
use crate::pointer::JsonPointer;

/// What a pass does with one schema object, given its pointer.
type SchemaVisitor<'f> = dyn FnMut(&JsonPointer, &mut Map<String, Value>) + 'f;

/// The property names a schema object lists as `required`.
pub fn required_names<C: FromIterator<String>>(schema: &Map<String, Value>) -> C {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Calls `f` on every schema object of the document (components, and those
/// inline in parameters, bodies, responses and headers), parents before
/// children. `f` may change the schema; its children are visited after.
pub fn schemas_mut(doc: &mut Value, f: &mut SchemaVisitor) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let p = JsonPointer::from_segments(["components", section, name]);
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
        let item_pointer = JsonPointer::from_segments(["paths", path]);
        for (key, value) in item.iter_mut() {
            let p = item_pointer.child(key);
            if key == "parameters" {
                visit_parameter_list(value, &p, f);
            } else if is_http_method(key) {
                let Some(op) = value.as_object_mut() else {
                    continue;
                };
                for (op_key, op_value) in op.iter_mut() {
                    let p = p.child(op_key);
                    match op_key.as_str() {
                        "parameters" => visit_parameter_list(op_value, &p, f),
                        "requestBody" => visit_body(op_value, &p, f),
                        "responses" => {
                            if let Some(responses) = op_value.as_object_mut() {
                                for (status, response) in responses.iter_mut() {
                                    visit_body(response, &p.child(status), f);
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

fn visit_parameter_list(list: &mut Value, pointer: &JsonPointer, f: &mut SchemaVisitor) {
    if let Some(list) = list.as_array_mut() {
        for (i, param) in list.iter_mut().enumerate() {
            visit_parameter(param, &pointer.index(i), f);
        }
    }
}

fn visit_parameter(param: &mut Value, pointer: &JsonPointer, f: &mut SchemaVisitor) {
    if let Some(schema) = param.get_mut("schema") {
        visit_schema(schema, &pointer.child("schema"), f);
    }
    visit_content(param, pointer, f);
}

/// A request body or a response: content and headers.
fn visit_body(body: &mut Value, pointer: &JsonPointer, f: &mut SchemaVisitor) {
    visit_content(body, pointer, f);
    if let Some(headers) = body.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            visit_parameter(header, &pointer.child("headers").child(name), f);
        }
    }
}

fn visit_content(holder: &mut Value, pointer: &JsonPointer, f: &mut SchemaVisitor) {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media, media_type) in content.iter_mut() {
            if let Some(schema) = media_type.get_mut("schema") {
                visit_schema(
                    schema,
                    &pointer.child("content").child(media).child("schema"),
                    f,
                );
            }
        }
    }
}

/// Visits a schema and its subschemas.
pub fn visit_schema(schema: &mut Value, pointer: &JsonPointer, f: &mut SchemaVisitor) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    f(pointer, map);
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(props) = child.as_object_mut() {
                    for (name, prop) in props.iter_mut() {
                        visit_schema(prop, &pointer.child("properties").child(name), f);
                    }
                }
            }
            "items" | "additionalProperties" | "not" => visit_schema(child, &pointer.child(key), f),
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(list) = child.as_array_mut() {
                    for (i, sub) in list.iter_mut().enumerate() {
                        visit_schema(sub, &pointer.child(key).index(i), f);
                    }
                }
            }
            _ => {}
        }
    }
}
