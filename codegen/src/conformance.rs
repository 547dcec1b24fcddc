//! The examples of a normalized spec, each with the generated Rust type it
//! should decode into: the data of the conformance suite
//! (`tests/conformance.rs`, `cargo xtask conformance`).
//!
//! Collected: every schema component's `example`; an example built from the
//! property-level `example`s of each object component (where every required
//! property has one, directly or through a `$ref`); and every `example` and
//! `examples.*.value` of a JSON request or response body. Locations are JSON
//! pointers into the normalized document, as in `NORMALIZATION.md`.
//!
//! `cargo xtask regen` collects them with the pipeline
//! ([`crate::pipeline::VersionOutput::examples`]) and writes one table per
//! version as source of the tests ([`table_source`], [`TABLES_DIR`]). The
//! test reports its figures to `cargo xtask conformance` as a [`Report`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::ApiModel;
use crate::names::pascal;
use crate::openapi::{is_json_media_type, is_success_or_default, operations};
use crate::pointer::JsonPointer;
use crate::versions::ApiVersion;

/// Where `cargo xtask regen` writes the tables, relative to the workspace's
/// `tests/` directory: `generated/conformance_<version>.rs`.
pub const TABLES_DIR: &str = "generated";

/// The table file of `version`, relative to [`TABLES_DIR`].
pub fn table_file(version: ApiVersion) -> String {
    format!("conformance_{}.rs", version.name())
}

/// What the conformance test found for one version, as it writes it (JSON)
/// for `cargo xtask conformance` when `SAILPOINT_CONFORMANCE_REPORT` names
/// a directory: `<dir>/<version>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: String,
    pub examples: usize,
    pub decoded: usize,
    pub round_tripped: usize,
    /// Decoded examples with a member their schema declares only in an
    /// `extra` map (a value in the wrong variant, or one its field could
    /// not hold).
    #[serde(default)]
    pub in_extra: usize,
    /// Of those, the examples that agree with their schema: each is a
    /// model defect (the others are the spec's); 0 is the goal.
    #[serde(default)]
    pub in_extra_valid: usize,
    pub failures: Vec<Failure>,
}

/// One example that did not round-trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub location: String,
    pub kind: FailureKind,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Decoded, but re-encoded differently.
    Changed,
    NotDecoded,
    /// No generated type to decode into.
    Untyped,
    /// Decoded, with a declared member only in an `extra` map.
    InExtra,
}

impl FailureKind {
    /// How the test's snapshot and the xtask's output spell it.
    pub fn label(self) -> &'static str {
        match self {
            FailureKind::Changed => "changed",
            FailureKind::NotDecoded => "not decoded",
            FailureKind::Untyped => "untyped",
            FailureKind::InExtra => "in extra",
        }
    }
}

impl Report {
    /// `VERSION: N examples, D decoded, R round-tripped, E with declared
    /// members only in extra (V valid, C contradicting their schemas)`.
    pub fn figures(&self) -> String {
        format!(
            "{}: {} examples, {} decoded, {} round-tripped, {} with declared members only in extra ({} valid, {} contradicting their schemas)",
            self.version,
            self.examples,
            self.decoded,
            self.round_tripped,
            self.in_extra,
            self.in_extra_valid,
            self.in_extra.saturating_sub(self.in_extra_valid)
        )
    }
}

/// One example and where it should decode.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// JSON pointer of the example (for a built one, of the object schema's
    /// `properties`).
    pub location: String,
    /// The Rust type, relative to the crate root (`types::Source`,
    /// `Vec<types::Source>`), or why there is none.
    pub target: Result<String, String>,
    pub json: Value,
    /// JSON pointers into `json` of the members its schema declares
    /// ([`declared_members`]): each should be in a typed field once
    /// decoded, not only in an `extra` map.
    pub declared: Vec<String>,
    /// JSON pointers into `json` of its values that its schema does not
    /// allow although the generated models accept them
    /// ([`unlisted_values`]): an example with one contradicts its schema.
    pub unlisted: Vec<String>,
}

const COMPONENTS: &str = "#/components/schemas/";

/// The operations of the model, for [`collect`].
pub fn model_operations(model: &ApiModel) -> Vec<(JsonPointer, String)> {
    model
        .operations
        .iter()
        .map(|op| (op.pointer.clone(), pascal(op.id())))
        .collect()
}

/// The operations of a document read as written (a bundled document,
/// before normalize gave every operation an id), for [`collect`].
pub fn document_operations(document: &Value) -> Vec<(JsonPointer, String)> {
    operations(document)
        .into_iter()
        .map(|op| {
            let base = op.id(document).map(pascal).unwrap_or_default();
            (op.pointer, base)
        })
        .collect()
}

/// Every example of `document`. `types` holds the names of the crate's
/// generated types (`pub struct`/`pub enum`/`pub type` of `types`).
///
/// `operations` are the operations to read bodies from, each with its
/// pointer and the Pascal-case base progenitor names its inline types after
/// ([`model_operations`] for a normalized document, [`document_operations`]
/// for one that may lack operation ids).
pub fn collect(
    document: &Value,
    operations: &[(JsonPointer, String)],
    types: &BTreeSet<String>,
) -> Vec<Example> {
    let mut out = Vec::new();
    let empty = Map::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, schema) in schemas {
        let pointer = JsonPointer::from_segments(["components", "schemas", name]);
        let target = component_type(name, types);
        if let Some(example) = schema.get("example") {
            out.push(Example {
                location: pointer.child("example").to_string(),
                target: target.clone(),
                declared: declared_members(schemas, schema, example),
                unlisted: unlisted_values(schemas, schema, example),
                json: example.clone(),
            });
        }
        if let Some(built) = Builder::new(schemas).object(schema) {
            out.push(Example {
                location: pointer.child("properties").to_string(),
                target,
                declared: declared_members(schemas, schema, &built),
                unlisted: unlisted_values(schemas, schema, &built),
                json: built,
            });
        }
    }
    for (op_pointer, base) in operations {
        let Some(operation) = op_pointer.follow(document) else {
            continue;
        };
        let mut bodies = Vec::new();
        if let Some(body) = operation.get("requestBody") {
            bodies.push((op_pointer.child("requestBody"), body, "Body"));
        }
        if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                let role = if is_success_or_default(status) {
                    "Response"
                } else {
                    ""
                };
                bodies.push((op_pointer.child("responses").child(status), response, role));
            }
        }
        for (pointer, body, role) in bodies {
            let Some(content) = body.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (media_type, media) in content {
                if !is_json_media_type(media_type) {
                    continue;
                }
                let pointer = pointer.child("content").child(media_type);
                // progenitor names an inline body type `<Operation>Body`
                // and a success one `<Operation>Response`.
                let inline = (!role.is_empty()).then(|| format!("{base}{role}"));
                let target = media.get("schema").map_or_else(
                    || Err("no schema".to_string()),
                    |s| schema_type(s, inline.as_deref(), types),
                );
                let declared = |example: &Value| {
                    media
                        .get("schema")
                        .map(|schema| declared_members(schemas, schema, example))
                        .unwrap_or_default()
                };
                let unlisted = |example: &Value| {
                    media
                        .get("schema")
                        .map(|schema| unlisted_values(schemas, schema, example))
                        .unwrap_or_default()
                };
                if let Some(example) = media.get("example") {
                    out.push(Example {
                        location: pointer.child("example").to_string(),
                        target: target.clone(),
                        declared: declared(example),
                        unlisted: unlisted(example),
                        json: example.clone(),
                    });
                }
                let Some(examples) = media.get("examples").and_then(Value::as_object) else {
                    continue;
                };
                for (name, example) in examples {
                    if let Some(value) = example.get("value") {
                        out.push(Example {
                            location: pointer
                                .child("examples")
                                .child(name)
                                .child("value")
                                .to_string(),
                            target: target.clone(),
                            declared: declared(value),
                            unlisted: unlisted(value),
                            json: value.clone(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The members of `example` that `schema` declares, as JSON pointers, at
/// every depth: the properties of an object schema, of its `allOf`
/// members, and of the `oneOf`/`anyOf` variants the object is
/// (`chosen_variants`: a member only another variant declares is not
/// one of this object's), then the same inside each declared member's
/// value, array items and `additionalProperties` values. Members holding
/// `null`, `""` or an empty list or object are left out: the models read
/// them as absent (or the default) by design.
pub fn declared_members(
    schemas: &Map<String, Value>,
    schema: &Value,
    example: &Value,
) -> Vec<String> {
    let mut walk = Walk::new(schemas);
    walk.value(schema, example, &mut String::new(), 0);
    walk.declared
}

/// The values of `example` its schema does not allow although an open
/// model accepts them, as JSON pointers: a value its schema's `enum` does
/// not list (the generated enums keep any string, so a strict decode
/// succeeds), and a discriminator value that maps no variant. An example
/// with one contradicts its schema, whether or not it decodes strictly.
pub fn unlisted_values(
    schemas: &Map<String, Value>,
    schema: &Value,
    example: &Value,
) -> Vec<String> {
    let mut walk = Walk::new(schemas);
    walk.value(schema, example, &mut String::new(), 0);
    // A discriminator's value is also checked against its enum.
    let mut seen = BTreeSet::new();
    walk.unlisted.retain(|pointer| seen.insert(pointer.clone()));
    walk.unlisted
}

/// Deeper than any schema of the specs nests; stops a recursive schema
/// meeting a recursive example.
const DECLARED_DEPTH: usize = 32;

/// One walk of an example along its schema: what [`declared_members`] and
/// [`unlisted_values`] find.
struct Walk<'d> {
    schemas: &'d Map<String, Value>,
    declared: Vec<String>,
    unlisted: Vec<String>,
}

impl<'d> Walk<'d> {
    fn new(schemas: &'d Map<String, Value>) -> Self {
        Walk {
            schemas,
            declared: Vec::new(),
            unlisted: Vec::new(),
        }
    }

    fn value(&mut self, schema: &Value, value: &Value, at: &mut String, depth: usize) {
        if depth > DECLARED_DEPTH {
            return;
        }
        let schemas = self.schemas;
        match value {
            Value::Object(members) => {
                let mut properties = Map::new();
                let mut additional = None;
                let mut unmapped = None;
                schema_properties(
                    schemas,
                    schema,
                    Some(members),
                    &mut properties,
                    &mut additional,
                    &mut unmapped,
                    depth,
                );
                if let Some(property) = unmapped {
                    self.unlisted
                        .push(format!("{at}/{}", escape_pointer(&property)));
                }
                for (name, member) in members {
                    let member_schema = match properties.get(name) {
                        Some(property) => {
                            if !is_empty_value(member) {
                                self.declared.push(format!("{at}/{}", escape_pointer(name)));
                            }
                            property
                        }
                        None => match additional {
                            Some(schema) => schema,
                            None => continue,
                        },
                    };
                    let len = at.len();
                    at.push('/');
                    at.push_str(&escape_pointer(name));
                    self.value(member_schema, member, at, depth + 1);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                let Some(items_schema) = item_schema(schemas, schema, depth) else {
                    return;
                };
                for (index, item) in items.iter().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{index}"));
                    self.value(items_schema, item, at, depth + 1);
                    at.truncate(len);
                }
            }
            Value::Null => {}
            scalar => {
                if !listed(schemas, schema, scalar, depth) {
                    self.unlisted.push(at.clone());
                }
            }
        }
    }
}
/// `schema`, or the component it references.
fn resolved<'d>(schemas: &'d Map<String, Value>, schema: &'d Value) -> &'d Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(COMPONENTS))
        .and_then(|name| schemas.get(name))
        .unwrap_or(schema)
}

/// The properties `schema` declares (the first declaration of a name
/// wins) and its `additionalProperties` schema, through `allOf`, and
/// through the `oneOf`/`anyOf` variants [`chosen_variants`] picks for
/// `object` (all of them without one). A discriminator value of `object`
/// that maps no variant names its property in `unmapped`.
fn schema_properties<'d>(
    schemas: &'d Map<String, Value>,
    schema: &'d Value,
    object: Option<&Map<String, Value>>,
    properties: &mut Map<String, Value>,
    additional: &mut Option<&'d Value>,
    unmapped: &mut Option<String>,
    depth: usize,
) {
    if depth > DECLARED_DEPTH {
        return;
    }
    let schema = resolved(schemas, schema);
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in own {
            properties
                .entry(name.clone())
                .or_insert_with(|| property.clone());
        }
    }
    if additional.is_none() {
        *additional = schema.get("additionalProperties").filter(|a| a.is_object());
    }
    let members = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    };
    let mut chosen: Vec<&'d Value> = members("allOf").collect();
    for key in ["oneOf", "anyOf"] {
        let variants: Vec<&'d Value> = members(key).collect();
        match object {
            Some(object) if !variants.is_empty() => chosen.extend(chosen_variants(
                schemas,
                schema,
                &variants,
                key == "oneOf",
                object,
                unmapped,
                depth,
            )),
            _ => chosen.extend(variants),
        }
    }
    for member in chosen {
        schema_properties(
            schemas,
            member,
            object,
            properties,
            additional,
            unmapped,
            depth + 1,
        );
    }
}

/// The properties (by name) a variant declares, whatever the object.
fn variant_properties<'d>(
    schemas: &'d Map<String, Value>,
    variant: &'d Value,
    depth: usize,
) -> Map<String, Value> {
    let mut properties = Map::new();
    schema_properties(
        schemas,
        variant,
        None,
        &mut properties,
        &mut None,
        &mut None,
        depth + 1,
    );
    properties
}

/// The variants of a `oneOf` (`one`) or `anyOf` that `object` is, as the
/// generated models choose them (`sailpoint_runtime::models`): the one its
/// discriminator value maps (the spec's `discriminator`, with its
/// `mapping` or the implicit one by schema name); else the one a kind
/// property names (a string property named `type` or `...Type` every
/// variant declares with an `example` of its own, read from that property
/// or from `type`, as `generate::models::variants` finds it); else the
/// variant declaring the most of the object's keys, then the one declaring
/// fewer keys, then the first (for an `anyOf`, every branch declaring as
/// many). An object none of whose keys any variant declares: all of them.
/// A discriminator value that maps no variant names its property in
/// `unmapped`, and the keys choose.
fn chosen_variants<'d>(
    schemas: &'d Map<String, Value>,
    schema: &'d Value,
    variants: &[&'d Value],
    one: bool,
    object: &Map<String, Value>,
    unmapped: &mut Option<String>,
    depth: usize,
) -> Vec<&'d Value> {
    if let Some(property) = schema
        .pointer("/discriminator/propertyName")
        .and_then(Value::as_str)
        && let Some(tag) = object.get(property).and_then(Value::as_str)
    {
        let mapped = schema
            .pointer("/discriminator/mapping")
            .and_then(|mapping| mapping.get(tag))
            .and_then(Value::as_str)
            .and_then(|target| target.strip_prefix(COMPONENTS));
        // Without a mapping entry, a value names its schema (OpenAPI's
        // implicit mapping), among the variants.
        let named = variants
            .iter()
            .filter_map(|v| v.get("$ref").and_then(Value::as_str))
            .filter_map(|r| r.strip_prefix(COMPONENTS))
            .find(|name| *name == tag);
        match mapped.or(named).and_then(|name| schemas.get(name)) {
            Some(chosen) => return vec![chosen],
            None => *unmapped = Some(property.to_string()),
        }
    }
    let keys: Vec<Map<String, Value>> = variants
        .iter()
        .map(|v| variant_properties(schemas, v, depth))
        .collect();
    if let Some(chosen) = kind_choice(&keys, object) {
        return vec![variants[chosen]];
    }
    let declared = |i: usize| object.keys().filter(|k| keys[i].contains_key(*k)).count();
    let Some(best) =
        (0..variants.len()).min_by_key(|&i| (std::cmp::Reverse(declared(i)), keys[i].len(), i))
    else {
        return Vec::new();
    };
    let best_declared = declared(best);
    if best_declared == 0 {
        variants.to_vec()
    } else if one {
        vec![variants[best]]
    } else {
        (0..variants.len())
            .filter(|&i| declared(i) == best_declared)
            .map(|i| variants[i])
            .collect()
    }
}

/// The variant a kind property of `object` names (see [`chosen_variants`]),
/// by index into `keys` (each variant's declared properties).
fn kind_choice(keys: &[Map<String, Value>], object: &Map<String, Value>) -> Option<usize> {
    /// The member also read for the kind: SailPoint's examples send it as
    /// `type` where the schemas say `accessType`.
    const ALIAS: &str = "type";
    if keys.len() < 2 {
        return None;
    }
    let example = |properties: &Map<String, Value>, name: &str| {
        let property = properties.get(name)?;
        if property.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        property.get("example")?.as_str().map(str::to_string)
    };
    keys[0]
        .keys()
        .filter(|name| *name == ALIAS || name.ends_with("Type"))
        .find_map(|name| {
            let tags: Vec<String> = keys
                .iter()
                .map(|k| example(k, name))
                .collect::<Option<_>>()?;
            let distinct: BTreeSet<&String> = tags.iter().collect();
            if distinct.len() != tags.len() {
                return None;
            }
            let tag = object
                .get(name.as_str())
                .or_else(|| object.get(ALIAS))
                .and_then(Value::as_str)?;
            tags.iter().position(|t| t == tag)
        })
}

/// Whether `value` (no object, array or `null`) is one that `schema`'s
/// `enum` lists, where it has one (directly, through a reference, and in
/// each of its `allOf` members). Numbers compare by value.
fn listed(schemas: &Map<String, Value>, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > DECLARED_DEPTH {
        return true;
    }
    let schema = resolved(schemas, schema);
    let same = |listed: &Value| match (listed, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => listed == value,
    };
    let here = match schema.get("enum").and_then(Value::as_array) {
        Some(values) if !values.is_empty() => values.iter().any(same),
        _ => true,
    };
    here && schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|member| listed(schemas, member, value, depth + 1))
}

/// The item schema of an array schema, directly or through `allOf`,
/// `oneOf` or `anyOf` (the first member that has one).
fn item_schema<'d>(
    schemas: &'d Map<String, Value>,
    schema: &'d Value,
    depth: usize,
) -> Option<&'d Value> {
    if depth > DECLARED_DEPTH {
        return None;
    }
    let schema = resolved(schemas, schema);
    if let Some(items) = schema.get("items") {
        return Some(items);
    }
    ["allOf", "oneOf", "anyOf"].iter().find_map(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)?
            .iter()
            .find_map(|member| item_schema(schemas, member, depth + 1))
    })
}

/// A value the models read as absent or as their default.
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        _ => false,
    }
}

/// A JSON pointer segment: `~` as `~0`, `/` as `~1`.
fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn component_type(name: &str, types: &BTreeSet<String>) -> Result<String, String> {
    let rust = pascal(name);
    if types.contains(&rust) {
        Ok(format!("types::{rust}"))
    } else {
        Err(format!("no generated type `{rust}`"))
    }
}

/// The Rust type of a body schema: a component, an array of one, a
/// primitive, or the type named `inline` (and its `Item`s for an array).
fn schema_type(
    schema: &Value,
    inline: Option<&str>,
    types: &BTreeSet<String>,
) -> Result<String, String> {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        return match name.strip_prefix(COMPONENTS) {
            Some(name) => component_type(name, types),
            None => Err(format!("reference `{name}` is not a schema component")),
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = schema.get("items").ok_or("array without items")?;
            let item = inline.map(|name| format!("{name}Item"));
            schema_type(items, item.as_deref(), types).map(|t| format!("::std::vec::Vec<{t}>"))
        }
        Some("string") if schema.get("enum").is_none() && schema.get("format").is_none() => {
            Ok("::std::string::String".into())
        }
        Some("integer") if schema.get("enum").is_none() => Ok("i64".into()),
        Some("boolean") => Ok("bool".into()),
        _ => match inline {
            Some(name) if types.contains(name) => Ok(format!("types::{name}")),
            // An empty schema (any JSON): typify's type is a JSON value.
            _ if schema.as_object().is_some_and(|s| s.is_empty()) => {
                Ok("::serde_json::Value".into())
            }
            // A free-form object (no properties, any members): typify's
            // type for it is a JSON map.
            _ if is_free_form_object(schema) => {
                Ok("::serde_json::Map<::std::string::String, ::serde_json::Value>".into())
            }
            _ => Err("inline schema".into()),
        },
    }
}

/// `type: object` without properties whose members may be anything.
fn is_free_form_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        && schema.get("properties").is_none()
        && matches!(
            schema.get("additionalProperties"),
            None | Some(Value::Bool(true))
        )
}

/// Builds an object example from property-level examples.
struct Builder<'d> {
    schemas: &'d Map<String, Value>,
    /// Components being built, to stop at cycles.
    stack: Vec<&'d str>,
    /// Whether a property-level example went in (else nothing is built).
    used_property_example: bool,
}

impl<'d> Builder<'d> {
    fn new(schemas: &'d Map<String, Value>) -> Builder<'d> {
        Builder {
            schemas,
            stack: Vec::new(),
            used_property_example: false,
        }
    }

    /// The example of an object component built from its properties, when
    /// well defined: every required property has a value.
    fn object(mut self, schema: &'d Value) -> Option<Value> {
        let built = self.properties(schema)?;
        self.used_property_example.then_some(built)
    }

    fn properties(&mut self, schema: &'d Value) -> Option<Value> {
        let mut object = Map::new();
        let members: Vec<&Value> = match schema.get("allOf").and_then(Value::as_array) {
            Some(all) => all.iter().collect(),
            None => vec![schema],
        };
        let mut any = false;
        for member in members {
            let member = self.resolve(member)?;
            let props = member.get("properties").and_then(Value::as_object);
            let required: BTreeSet<&str> = member
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if props.is_none() && member.get("allOf").is_some() {
                let Value::Object(inner) = self.properties(member)? else {
                    return None;
                };
                object.extend(inner);
                any = true;
                continue;
            }
            let props = props?;
            any = true;
            for (name, property) in props {
                match self.value(property) {
                    Some(value) => {
                        object.insert(name.clone(), value);
                    }
                    None if required.contains(name.as_str()) => return None,
                    None => {}
                }
            }
            if required.iter().any(|r| !props.contains_key(*r)) {
                return None;
            }
        }
        any.then_some(Value::Object(object))
    }

    fn resolve(&self, schema: &'d Value) -> Option<&'d Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.schemas.get(r.strip_prefix(COMPONENTS)?),
            None => Some(schema),
        }
    }

    /// A property's example: its own, its component's, or built.
    fn value(&mut self, property: &'d Value) -> Option<Value> {
        if let Some(example) = property.get("example") {
            self.used_property_example = true;
            return Some(example.clone());
        }
        if let Some(r) = property.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix(COMPONENTS)?;
            let schema = self.schemas.get(name)?;
            if let Some(example) = schema.get("example") {
                return Some(example.clone());
            }
            if self.stack.contains(&name) || self.stack.len() > 8 {
                return None;
            }
            self.stack.push(name);
            let built = self.value_of_schema(schema);
            self.stack.pop();
            return built;
        }
        self.value_of_schema(property)
    }

    fn value_of_schema(&mut self, schema: &'d Value) -> Option<Value> {
        if let Some(example) = schema.get("example") {
            return Some(example.clone());
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => Some(Value::Array(vec![self.value(schema.get("items")?)?])),
            Some("object") | None
                if schema.get("properties").is_some() || schema.get("allOf").is_some() =>
            {
                self.properties(schema)
            }
            _ => None,
        }
    }
}

/// The example `document` gives for a value of `schema` (a body's schema):
/// its own or its component's `example`, else one built from the
/// property-level examples, for each item of an array. The flow tests
/// answer with these, as the API reference shows them.
pub fn schema_example(document: &Value, schema: &Value) -> Option<Value> {
    let empty = Map::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    Builder::new(schemas).value(schema)
}

/// The Rust source of the table the conformance test compiles: a function
/// `examples()` listing `(location, check function or reason, JSON,
/// declared members, unlisted values)`, referring to the crate `crate_ident`. `check`,
/// `Check` and `Table` (the rows' type) come from the including module.
pub fn table_source(crate_ident: &str, examples: &[Example]) -> String {
    let mut out = String::from(
        "// @generated by `cargo xtask regen` from the normalized spec (`codegen/src/conformance.rs`).\n\
         // Do not edit: change the generator in codegen/ and regenerate.\n\n\
         pub fn examples() -> Table {\n    vec![\n",
    );
    for example in examples {
        let location = literal(&example.location);
        let json = literal(&example.json.to_string());
        let target = match &example.target {
            Ok(ty) => format!("Ok(check::<{}> as Check)", qualify(crate_ident, ty)),
            Err(reason) => format!("Err({})", literal(reason)),
        };
        let list = |pointers: &[String]| {
            pointers
                .iter()
                .map(|p| literal(p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "        ({location}, {target}, {json}, &[{}], &[{}]),\n",
            list(&example.declared),
            list(&example.unlisted)
        ));
    }
    out.push_str("    ]\n}\n");
    out
}

fn qualify(crate_ident: &str, ty: &str) -> String {
    ty.replace("types::", &format!("{crate_ident}::types::"))
}

fn literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// The names of the generated types: the public structs, enums and type
/// aliases directly in the `types` module of the generated code (not its
/// `builder` submodule), as the crate exposes them (`types::X`).
pub fn type_names(generated: &syn::File) -> BTreeSet<String> {
    let types = generated.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    types
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if is_public(&s.vis) => Some(s.ident.to_string()),
            syn::Item::Enum(e) if is_public(&e.vis) => Some(e.ident.to_string()),
            syn::Item::Type(t) if is_public(&t.vis) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn is_public(visibility: &syn::Visibility) -> bool {
    matches!(visibility, syn::Visibility::Public(_))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn schema_property_and_body_examples_with_their_types() {
        let doc = json!({
            "paths": {"/s": {"get": {"responses": {
                "200": {"content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/source-x"}},
                    "examples": {"one": {"value": [{"id": "a"}]}}
                }}},
                "400": {"content": {"application/json": {
                    "schema": {"type": "object"}, "example": {}
                }}},
                "404": {"content": {"application/json": {
                    "schema": {}, "example": [1, "a"]
                }}},
                "409": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
                    "example": {"a": "b"}
                }}}
            }}}},
            "components": {"schemas": {
                "source-x": {"type": "object", "required": ["id"], "example": {"id": "b"},
                    "properties": {"id": {"type": "string", "example": "c"},
                                   "owner": {"$ref": "#/components/schemas/Owner"}}},
                "Owner": {"type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}}},
                "Missing": {"example": 1}
            }}
        });
        let found = collect(
            &doc,
            &document_operations(&doc),
            &names(&["SourceX", "Owner"]),
        );
        let summary: Vec<(String, Result<String, String>, Value)> = found
            .into_iter()
            .map(|e| (e.location, e.target, e.json))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "/components/schemas/source-x/example".into(),
                    Ok("types::SourceX".into()),
                    json!({"id": "b"})
                ),
                // `owner` has no example and is optional: left out.
                (
                    "/components/schemas/source-x/properties".into(),
                    Ok("types::SourceX".into()),
                    json!({"id": "c"})
                ),
                (
                    "/components/schemas/Missing/example".into(),
                    Err("no generated type `Missing`".into()),
                    json!(1)
                ),
                (
                    "/paths/~1s/get/responses/200/content/application~1json/examples/one/value"
                        .into(),
                    Ok("::std::vec::Vec<types::SourceX>".into()),
                    json!([{"id": "a"}])
                ),
                // A free-form object is a JSON map.
                (
                    "/paths/~1s/get/responses/400/content/application~1json/example".into(),
                    Ok("::serde_json::Map<::std::string::String, ::serde_json::Value>".into()),
                    json!({})
                ),
                (
                    "/paths/~1s/get/responses/404/content/application~1json/example".into(),
                    Ok("::serde_json::Value".into()),
                    json!([1, "a"])
                ),
                (
                    "/paths/~1s/get/responses/409/content/application~1json/example".into(),
                    Err("inline schema".into()),
                    json!({"a": "b"})
                ),
            ]
        );
    }

    #[test]
    fn inline_bodies_take_progenitors_names() {
        let doc = json!({"paths": {"/s": {"post": {
            "operationId": "create-s",
            "requestBody": {"content": {"application/json": {
                "schema": {"type": "object"}, "example": {}}}},
            "responses": {"200": {"content": {"application/json": {
                "schema": {"type": "array", "items": {"type": "object"}}, "example": [{}]}}}}
        }}}});
        let found = collect(
            &doc,
            &document_operations(&doc),
            &names(&["CreateSBody", "CreateSResponseItem"]),
        );
        let targets: Vec<Result<String, String>> = found.into_iter().map(|e| e.target).collect();
        assert_eq!(
            targets,
            [
                Ok("types::CreateSBody".to_string()),
                Ok("::std::vec::Vec<types::CreateSResponseItem>".to_string())
            ]
        );
    }

    #[test]
    fn a_required_property_without_example_builds_nothing() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["b"], "properties": {
                "a": {"type": "string", "example": "x"},
                "b": {"$ref": "#/components/schemas/A"}}}
        }}});
        assert_eq!(
            collect(&doc, &document_operations(&doc), &names(&["A"])),
            vec![]
        );
    }

    #[test]
    fn table_refers_to_the_crate() {
        let table = table_source(
            "sailpoint_v2025",
            &[Example {
                location: "/x\"".into(),
                target: Ok("::std::vec::Vec<types::A>".into()),
                json: json!({"k": "v"}),
                declared: vec!["/k".into()],
                unlisted: vec!["/k".into()],
            }],
        );
        assert!(table.contains(
            r#"("/x\"", Ok(check::<::std::vec::Vec<sailpoint_v2025::types::A>> as Check), "{\"k\":\"v\"}", &["/k"], &["/k"])"#
        ), "{table}");
    }

    #[test]
    fn declared_members_through_references_all_of_variants_and_items() {
        let doc = json!({"components": {"schemas": {
            "Hit": {"oneOf": [
                {"$ref": "#/components/schemas/Identity"},
                {"$ref": "#/components/schemas/Role"}
            ]},
            "Identity": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {
                    "email": {"type": "string"},
                    "manager": {"$ref": "#/components/schemas/Ref"},
                    "attributes": {"type": "object",
                        "additionalProperties": {"$ref": "#/components/schemas/Ref"}}
                }}
            ]},
            "Role": {"type": "object", "properties": {"requestable": {"type": "boolean"}}},
            "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Ref": {"type": "object", "properties": {"name": {"type": "string"}}}
        }}});
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // An identity (it declares the most of the keys): `requestable`,
        // which only the role declares, is no member of it.
        let page = json!([{
            "id": "i1", "email": "", "requestable": true, "undeclared": {"name": "x"},
            "manager": {"name": "m", "other": 1},
            "attributes": {"dept/x": {"name": "d"}}
        }, {"requestable": true}]);
        assert_eq!(
            declared_members(
                &schemas,
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}),
                &page
            ),
            [
                "/0/id",
                "/0/manager",
                "/0/manager/name",
                "/0/attributes",
                "/0/attributes/dept~1x/name",
                "/1/requestable"
            ]
        );
    }

    /// The schemas of the search identity's access items: a discriminator
    /// on `type`, each kind declaring its own flags.
    fn access_items() -> Map<String, Value> {
        json!({
            "Access": {"type": "object",
                "discriminator": {"propertyName": "type", "mapping": {
                    "ENTITLEMENT": "#/components/schemas/Entitlement",
                    "ROLE": "#/components/schemas/Role"}},
                "oneOf": [{"$ref": "#/components/schemas/Entitlement"},
                          {"$ref": "#/components/schemas/Role"}]},
            "Entitlement": {"type": "object", "properties": {
                "type": {"type": "string"}, "privileged": {"type": "boolean"}}},
            "Role": {"type": "object", "properties": {
                "type": {"type": "string"}, "disabled": {"type": "boolean"},
                "kind": {"type": "string", "enum": ["BUSINESS", "IT"]}}}
        })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    /// An entitlement's `disabled` is no member of the entitlement, though
    /// the role declares one: the discriminator says which variant an
    /// item is (the search identity examples' access items).
    #[test]
    fn declared_members_follow_the_discriminator() {
        let schemas = access_items();
        let access = json!({"$ref": "#/components/schemas/Access"});
        let entitlement = json!({"type": "ENTITLEMENT", "privileged": false, "disabled": false});
        assert_eq!(
            declared_members(&schemas, &access, &entitlement),
            ["/type", "/privileged"]
        );
        let role = json!({"type": "ROLE", "privileged": false, "disabled": false});
        assert_eq!(
            declared_members(&schemas, &access, &role),
            ["/type", "/disabled"]
        );
        assert!(unlisted_values(&schemas, &access, &role).is_empty());
    }

    /// A discriminator value mapping no variant, and a value outside its
    /// enum, contradict the schema (the generated models accept both).
    #[test]
    fn unmapped_discriminators_and_unlisted_enum_values_are_found() {
        let schemas = access_items();
        let access = json!({"$ref": "#/components/schemas/Access"});
        let inner_hit = json!([{"type": "access", "privileged": false}]);
        assert_eq!(unlisted_values(&schemas, &access, &inner_hit[0]), ["/type"]);
        let items = json!({"type": "array", "items": access});
        assert_eq!(unlisted_values(&schemas, &items, &inner_hit), ["/0/type"]);
        let role = json!({"type": "ROLE", "kind": "SALES"});
        assert_eq!(unlisted_values(&schemas, &access, &role), ["/kind"]);
        let listed = json!({"type": "ROLE", "kind": "IT"});
        assert!(unlisted_values(&schemas, &access, &listed).is_empty());
    }

    /// Without a discriminator, a kind property each variant declares with
    /// an example of its own chooses, read also from `type` (the identity
    /// snapshot's access items send `type: role` where the schemas say
    /// `accessType`): the entitlement's `type` is no member of a role.
    #[test]
    fn declared_members_follow_a_kind_property() {
        let schemas = json!({
            "Entitlement": {"type": "object", "properties": {
                "accessType": {"type": "string", "example": "entitlement"},
                "type": {"type": "string", "example": "ENTITLEMENT"},
                "id": {"type": "string"}}},
            "Role": {"type": "object", "properties": {
                "accessType": {"type": "string", "example": "role"},
                "id": {"type": "string"}, "description": {"type": "string"}}}
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        let item = json!({"oneOf": [{"$ref": "#/components/schemas/Entitlement"},
                                    {"$ref": "#/components/schemas/Role"}]});
        let role = json!({"type": "role", "id": "r1", "description": "d"});
        assert_eq!(
            declared_members(&schemas, &item, &role),
            ["/id", "/description"]
        );
        let entitlement = json!({"accessType": "entitlement", "type": "ENTITLEMENT", "id": "e1"});
        assert_eq!(
            declared_members(&schemas, &item, &entitlement),
            ["/accessType", "/type", "/id"]
        );
    }

    #[test]
    fn type_names_are_the_public_types_of_the_types_module() {
        let file: syn::File = syn::parse_quote! {
            pub struct Outside;
            pub mod types {
                pub struct A { pub struct_field: u8 }
                pub enum B {}
                pub type C = u8;
                struct Private;
                impl A {}
                pub mod builder {
                    pub struct A;
                    pub struct Nested;
                }
            }
        };
        assert_eq!(type_names(&file), names(&["A", "B", "C"]));
    }
}
