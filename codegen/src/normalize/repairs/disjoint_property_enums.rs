//! Upstream defect: an `allOf` declares one property with `enum`s that
//! share no value, so no value can satisfy the schema, and the generated
//! model has no field for the property at all (typify drops a property
//! whose schemas contradict each other). Seen in `ViolationContext.policy`
//! (beta, v2024, v2025): `allOf: [SodPolicyDto, ...]` where `SodPolicyDto`
//! says `type: enum [SOD_POLICY]`, next to the schema's own `properties`
//! saying `type: enum [ENTITLEMENT]` (the description of the criteria
//! items, copied); every example, and SailPoint's responses, send
//! `"type": "SOD_POLICY"`, which ended up only in `extra`.
//!
//! Repair: the schema's own declaration of the property (in its
//! `properties`, or in an inline `allOf` member) gets the union of its
//! values and the other declarations', so the `allOf` holds what the other
//! declarations allow. A referenced component is never changed (others use
//! it); two components contradicting each other is an error, so that the
//! defect is looked at rather than guessed.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "disjoint_property_enums",
    kind: Kind::Repair,
    after: &["enum_value_punctuation", "enum_values"],
    summary: "A property an `allOf` declares with `enum`s sharing no value: its inline declaration takes the union, so the property keeps a field.",
    run,
};

const COMPONENTS: &str = "#/components/schemas/";

/// One declaration of a property in an `allOf`: its enum values, and where
/// it stands if it is the schema's own (`None`: in a referenced component).
struct Declaration {
    values: Vec<Value>,
    local: Option<Local>,
}

/// Where an inline declaration stands, from the schema holding the `allOf`.
#[derive(Clone, Copy)]
enum Local {
    /// In the schema's own `properties`.
    Own,
    /// In the `properties` of its inline `allOf` member `index`.
    Member(usize),
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut error = None;
    schemas_mut(doc, &mut |pointer, schema| {
        let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
            return;
        };
        let mut names = BTreeSet::new();
        for properties in own_and_member_properties(schema, members, &components) {
            names.extend(properties.keys().cloned());
        }
        // Each property to widen: its inline declarations and the union.
        let mut edits: Vec<(String, Vec<Local>, Vec<Value>)> = Vec::new();
        for name in names {
            let declarations = declarations(schema, members, &components, &name);
            if declarations.len() < 2 || shares_a_value(&declarations) {
                continue;
            }
            let mut union: Vec<Value> = Vec::new();
            for value in declarations.iter().flat_map(|d| &d.values) {
                if !union.contains(value) {
                    union.push(value.clone());
                }
            }
            let locals: Vec<Local> = declarations.iter().filter_map(|d| d.local).collect();
            if locals.is_empty() {
                error.get_or_insert_with(|| {
                    PassError::new(
                        pointer.to_string(),
                        format!(
                            "`allOf` components declare `{name}` with enums sharing no value: \
                             none is inline to widen; look at the spec"
                        ),
                    )
                });
                continue;
            }
            edits.push((name, locals, union));
        }
        for (name, locals, union) in edits {
            for local in locals {
                let (at, property) = match local {
                    Local::Own => (
                        format!("{pointer}/properties/{}", escape(&name)),
                        schema.get_mut("properties"),
                    ),
                    Local::Member(index) => (
                        format!("{pointer}/allOf/{index}/properties/{}", escape(&name)),
                        schema
                            .get_mut("allOf")
                            .and_then(|m| m.get_mut(index))
                            .and_then(|m| m.get_mut("properties")),
                    ),
                };
                let Some(declared) = property
                    .and_then(|p| p.get_mut(&name))
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                let before = declared
                    .insert("enum".into(), Value::Array(union.clone()))
                    .unwrap_or(Value::Null);
                changes.record(
                    format!("{at}/enum"),
                    format!(
                        "enum {before} shares no value with the other declarations of `{name}` \
                         in the `allOf` (no value could fit, and the model had no field): \
                         widened to {}",
                        Value::Array(union.clone())
                    ),
                );
            }
        }
    });
    error.map_or(Ok(()), Err)
}

/// The schema's own `properties` and those of each `allOf` member.
fn own_and_member_properties<'a>(
    schema: &'a Map<String, Value>,
    members: &'a [Value],
    components: &'a Map<String, Value>,
) -> Vec<&'a Map<String, Value>> {
    let own = schema.get("properties").and_then(Value::as_object);
    own.into_iter()
        .chain(
            members
                .iter()
                .filter_map(|m| resolve(m, components).get("properties")?.as_object()),
        )
        .collect()
}

/// The declarations of `name` with an `enum`, in the schema's own
/// `properties` and its `allOf` members' (one level: a member's own
/// `allOf` is that component's business).
fn declarations(
    schema: &Map<String, Value>,
    members: &[Value],
    components: &Map<String, Value>,
    name: &str,
) -> Vec<Declaration> {
    let declaration = |properties: Option<&Value>, local: Option<Local>| {
        let raw = properties?.get(name)?;
        // A reference to an enum component is as fixed as a component.
        let local = local.filter(|_| raw.get("$ref").is_none());
        let values = resolve(raw, components).get("enum")?.as_array()?.clone();
        (!values.is_empty()).then_some(Declaration { values, local })
    };
    let own = declaration(schema.get("properties"), Some(Local::Own));
    let of_members = members.iter().enumerate().filter_map(|(index, member)| {
        let inline = member.get("$ref").is_none();
        let properties = resolve(member, components).get("properties");
        declaration(properties, inline.then_some(Local::Member(index)))
    });
    own.into_iter().chain(of_members).collect()
}

/// Whether some value is listed by every declaration.
fn shares_a_value(declarations: &[Declaration]) -> bool {
    declarations[0]
        .values
        .iter()
        .any(|value| declarations[1..].iter().all(|d| d.values.contains(value)))
}

/// `schema`, or the component it references.
fn resolve<'a>(schema: &'a Value, components: &'a Map<String, Value>) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(COMPONENTS))
        .and_then(|name| components.get(name))
        .unwrap_or(schema)
}

/// A JSON pointer segment.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    /// `ViolationContext.policy` as upstream has it.
    fn violation_context(own_type: Value) -> Value {
        json!({"components": {"schemas": {
            "SodPolicyDto": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["SOD_POLICY"]},
                "id": {"type": "string"}}},
            "ViolationContext": {"type": "object", "properties": {"policy": {
                "allOf": [
                    {"$ref": "#/components/schemas/SodPolicyDto"},
                    {"type": "object", "properties": {"type": {"type": "string"}}}
                ],
                "properties": {"type": own_type}
            }}}
        }}})
    }

    #[test]
    fn an_inline_enum_sharing_no_value_is_widened_to_the_union() {
        let mut doc = violation_context(json!({"enum": ["ENTITLEMENT"]}));
        let result = apply(run, &mut doc, &PassContext::default());
        let changes = result.map(|(changes, _)| changes).ok();
        assert_eq!(changes.as_ref().map(Vec::len), Some(1), "{changes:?}");
        assert_eq!(
            doc.pointer(
                "/components/schemas/ViolationContext/properties/policy/properties/type/enum"
            ),
            Some(&json!(["ENTITLEMENT", "SOD_POLICY"]))
        );
        assert_eq!(
            doc.pointer("/components/schemas/SodPolicyDto/properties/type/enum"),
            Some(&json!(["SOD_POLICY"])),
            "a component is never changed"
        );
    }

    #[test]
    fn enums_sharing_a_value_are_left_alone() {
        let mut doc = violation_context(json!({"enum": ["ENTITLEMENT", "SOD_POLICY"]}));
        let before = doc.clone();
        let result = apply(run, &mut doc, &PassContext::default());
        assert_eq!(result.map(|(changes, _)| changes.len()).ok(), Some(0));
        assert_eq!(doc, before);
    }

    #[test]
    fn two_components_sharing_no_value_fail() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"kind": {"enum": ["A"]}}},
            "B": {"type": "object", "properties": {"kind": {"enum": ["B"]}}},
            "AB": {"allOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
        }}});
        let error = apply(run, &mut doc, &PassContext::default()).err();
        assert!(
            error.is_some_and(
                |e| e.pointer == "/components/schemas/AB" && e.message.contains("`kind`")
            ),
        );
    }
}
