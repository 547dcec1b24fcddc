//! Upstream defect (for code generation): inline schemas whose type name is
//! already taken. typify names an inline type after its `title`, or else
//! after where it stands (`ManagedClient` + `status`), and either can equal a
//! component's name (`ManagedClientStatus`) or another inline type's. The
//! crate then defines one name twice.
//!
//! Repair: a colliding title is removed, so the type is named after where it
//! stands; an inline schema whose position-derived name collides is hoisted
//! into a component named after where it is defined. Titles that name
//! exactly one schema are kept: they give the best names.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};
use crate::pointer::JsonPointer;

pub const PASS: Pass = Pass {
    name: "inline_type_names",
    kind: Kind::Plumbing,
    after: &["object_items", "privilege_criteria_property"],
    summary: "Inline schemas whose type name (from title or position) is taken get another one.",
    run,
};

/// The type name typify derives from a name or title.
pub fn type_name(name: &str) -> String {
    name.replace('\'', "")
        .replace(|c: char| !c.is_alphanumeric() && c != '_', "-")
        .to_pascal_case()
}

fn is_component_root(pointer: &JsonPointer) -> bool {
    let segments: Vec<_> = pointer.segments().collect();
    matches!(segments.as_slice(), [section, kind, _] if section == "components" && kind == "schemas")
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let components: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| type_name(k)).collect())
        .unwrap_or_default();
    // Which distinct inline schemas claim each title-derived name.
    let mut claims: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    schemas_mut(doc, &mut |pointer, schema| {
        if is_component_root(pointer) {
            return;
        }
        if let Some(Value::String(title)) = schema.get("title") {
            let mut content = schema.clone();
            content.remove("description");
            claims
                .entry(type_name(title))
                .or_default()
                .insert(Value::Object(content).to_string());
        }
    });
    schemas_mut(doc, &mut |pointer, schema| {
        if is_component_root(pointer) {
            return;
        }
        let Some(Value::String(title)) = schema.get("title") else {
            return;
        };
        let name = type_name(title);
        let reason = if components.contains(&name) {
            format!("title {title:?} would name an inline type `{name}`, which is a component")
        } else if claims.get(&name).is_some_and(|c| c.len() > 1) {
            format!("title {title:?} names several different inline schemas `{name}`")
        } else {
            return;
        };
        schema.remove("title");
        changes.record(format!("{pointer}/title"), reason);
    });
    name_by_position(doc, &components, changes);
    Ok(())
}

/// Inline enums and objects under a component's properties are named
/// `<Component><Property>` by typify, also in every component that includes
/// it through `allOf`. Where one of those names is a component's, the inline
/// schema is hoisted into a component of its own, named after where it is
/// defined, and referenced from there.
fn name_by_position(doc: &mut Value, components: &BTreeSet<String>, changes: &mut Changes) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let includers = allof_includers(schemas);
    let mut hoists: Vec<(String, String, String)> = Vec::new(); // component, property, new name
    let mut taken = components.clone();
    for (component, schema) in schemas {
        let Some(Value::Object(properties)) = schema.get("properties") else {
            continue;
        };
        for (property, sub) in properties {
            let Value::Object(sub) = sub else { continue };
            let becomes_type = sub.contains_key("enum")
                || sub.contains_key("properties")
                || sub.contains_key("oneOf");
            if sub.contains_key("$ref") || sub.contains_key("title") || !becomes_type {
                continue;
            }
            let clash = includers
                .get(component)
                .into_iter()
                .flatten()
                .map(|includer| type_name(&format!("{includer}_{property}")))
                .find(|name| components.contains(name));
            let Some(clash) = clash else { continue };
            let mut name = type_name(&format!("{component}_{property}"));
            while taken.contains(&name) {
                name.push_str("Value");
            }
            taken.insert(name.clone());
            changes.record(
                JsonPointer::from_segments(["components", "schemas", component, "properties", property]),
                format!("would be named `{clash}`, which is a component; hoisted into component `{name}`"),
            );
            hoists.push((component.clone(), property.clone(), name));
        }
    }
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (component, property, name) in hoists {
        let Some(Value::Object(properties)) = schemas
            .get_mut(&component)
            .and_then(|s| s.get_mut("properties"))
        else {
            continue;
        };
        let Some(slot) = properties.get_mut(&property) else {
            continue;
        };
        let hoisted = std::mem::replace(
            slot,
            serde_json::json!({"$ref": format!("#/components/schemas/{name}")}),
        );
        schemas.insert(name, hoisted);
    }
}

/// For each component, the components that include it through `allOf`
/// (directly or not), itself first.
fn allof_includers(schemas: &serde_json::Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    let mut direct: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, schema) in schemas {
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(target) = member
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                direct
                    .entry(target.to_string())
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    for name in schemas.keys() {
        let mut all = vec![name.clone()];
        let mut i = 0;
        while i < all.len() {
            for includer in direct.get(&all[i]).into_iter().flatten() {
                if !all.contains(includer) {
                    all.push(includer.clone());
                }
            }
            i += 1;
        }
        out.insert(name.clone(), all);
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn a_title_naming_a_component_goes_and_a_unique_one_stays() {
        let mut doc = json!({"components": {"schemas": {
            "Status": {"type": "string"},
            "Job": {"type": "object", "properties": {
                "status": {"title": "Status", "type": "string", "enum": ["A"]},
                "owner": {"title": "Job owner", "type": "object", "properties": {}}}}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(changes, _)| changes.len()).ok(), Some(1));
        let properties = &doc["components"]["schemas"]["Job"]["properties"];
        assert_eq!(properties["status"].get("title"), None);
        assert_eq!(properties["owner"]["title"], json!("Job owner"));
        assert_eq!(type_name("Job owner's id"), "JobOwnersId");
    }
}
