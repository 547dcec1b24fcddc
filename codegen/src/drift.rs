//! Spec drift: what changes for a user of a generated crate between two
//! revisions of one version's spec, after both went through [`bundle`] and
//! [`normalize`].
//!
//! [`SpecModel::of`] reduces a normalized document to what the generated
//! Rust surface depends on (operations with their parameters, bodies and
//! success types; component schemas with their properties and enum values);
//! [`diff`] compares two models and classifies every difference as
//! [`Impact::Breaking`] or [`Impact::Compatible`] for code that uses the
//! generated crate. The rules, one per [`ChangeKind`], are documented on the
//! variants and in ARCHITECTURE.md ("Updating the specs").
//!
//! [`bundle`]: crate::bundle
//! [`normalize`]: crate::normalize

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::bundle::bundle_loaded;
use crate::error::Error;
use crate::load::Loader;
use crate::model::{ApiModel, Operation, SCHEMA_PREFIX};
use crate::normalize::{PassContext, normalize};
use crate::pointer::JsonPointer;
use crate::versions::ApiVersion;

/// Version of the JSON report layout ([`DriftReport`]); raised when a field
/// changes meaning or disappears. New fields may be added without raising it.
pub const FORMAT_VERSION: u32 = 1;

/// Bundles and normalizes `version` from `loader`'s spec directory, and
/// reduces the result to a [`SpecModel`].
///
/// With `targeted`, every pass runs, as in `cargo xtask regen`. Without it,
/// passes aimed at one known spot of one version are skipped; the caller
/// falls back to that when a targeted pass fails (its spot is gone
/// upstream), so that the fix shows as drift instead of an error.
pub fn model_version(
    loader: &Loader,
    version: ApiVersion,
    targeted: bool,
) -> Result<SpecModel, Error> {
    let run = || -> Result<SpecModel, Error> {
        let bundle = bundle_loaded(loader, &version.root())?;
        let title = format!("{} ({})", version.name(), version.root());
        let context = if targeted {
            PassContext::for_version(version)
        } else {
            PassContext::default()
        };
        let normalized = normalize(&title, &context, bundle.document)?;
        let api = ApiModel::build(&normalized)?;
        Ok(SpecModel::of(&normalized.document, &api))
    };
    run().map_err(|error| Error::InVersion {
        version: version.name(),
        error: Box::new(error),
    })
}

/// Whether `error` is a normalization pass that could not do its job, as
/// opposed to a spec that cannot be read or bundled.
pub fn is_pass_failure(error: &Error) -> bool {
    match error {
        Error::Normalize { .. } => true,
        Error::InVersion { error, .. } => is_pass_failure(error),
        _ => false,
    }
}

/// Whether a change breaks code written against the older generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Code that compiled and worked against the old crate may stop
    /// compiling, or fail at run time where it did not.
    Breaking,
    /// Code written against the old crate keeps compiling and working.
    Compatible,
}

/// What changed. The comment on each variant is its classification rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Breaking: the client method disappears.
    OperationRemoved,
    /// Breaking when the SDK method name changes (the operation id changed
    /// for the same HTTP method and path), compatible when only the id's
    /// spelling changes and the Rust name stays.
    OperationRenamed,
    /// Compatible: a new client method.
    OperationAdded,
    /// Compatible: same operation id (so the same Rust method), new HTTP
    /// method or path; callers do not see the URL.
    OperationMoved,
    /// Breaking when required (calls that do not set it fail), compatible
    /// when optional.
    ParameterAdded,
    /// Breaking: the builder setter disappears.
    ParameterRemoved,
    /// Breaking when a parameter becomes required, compatible when it
    /// becomes optional (the setter stays).
    ParameterRequirednessChanged,
    /// Breaking: the setter takes another type.
    ParameterTypeChanged,
    /// Breaking when the body is required, compatible when optional.
    RequestBodyAdded,
    /// Breaking: the `body` setter disappears.
    RequestBodyRemoved,
    /// Breaking: the body has another schema or media type.
    RequestBodyChanged,
    /// Breaking when the body becomes required, compatible when optional.
    RequestBodyRequirednessChanged,
    /// Breaking: `send()` returns another type.
    SuccessTypeChanged,
    /// Compatible: a new type.
    SchemaAdded,
    /// Breaking: the type disappears.
    SchemaRemoved,
    /// Breaking: the type's shape changes (object to string, other
    /// `oneOf` members, another item type).
    SchemaTypeChanged,
    /// Breaking when required and the schema is used in requests (callers
    /// must now supply it); compatible when optional (request structs are
    /// built with their builders or `..Default::default()`), or when the
    /// schema only appears in responses.
    PropertyAdded,
    /// Breaking: code that reads or sets the field no longer compiles.
    PropertyRemoved,
    /// Breaking: the field's Rust type changes.
    PropertyTypeChanged,
    /// The Rust field is `Option<T>` when the property is optional or
    /// nullable. Breaking when a change of `required` flips that, compatible
    /// when it does not (the property is nullable either way).
    PropertyRequirednessChanged,
    /// Same rule as requiredness: breaking when `Option<T>` flips.
    PropertyNullabilityChanged,
    /// Compatible: the generated enums are treated as tolerant of values
    /// they do not know, so a new value is not breaking.
    EnumValueAdded,
    /// Breaking: the enum variant disappears.
    EnumValueRemoved,
    /// Compatible: the client sends `X-SailPoint-Experimental` itself; the
    /// operation's stability promise changes, not its Rust signature.
    ExperimentalChanged,
    /// Compatible: a documentation-level change.
    DeprecationChanged,
}

/// An operation as a report names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct OperationName {
    /// The spec's `operationId`.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The generated client method (`list_sources`).
    pub rust_method: String,
}

/// One change between the vendored and the upstream spec of one version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `breaking` or `compatible`.
    pub impact: Impact,
    /// What changed, in `snake_case` (`operation_added`, `property_removed`, ...).
    pub kind: ChangeKind,
    /// The operation concerned, for operation, parameter, body and success
    /// changes (the upstream one; the vendored one when it was removed).
    pub operation: Option<OperationName>,
    /// The component schema concerned, for schema, property and enum changes.
    pub schema: Option<String>,
    /// The parameter (`query limit`), property or enum value concerned.
    pub item: Option<String>,
    /// The value before (type, `required`/`optional`, method name, ...).
    pub before: Option<String>,
    /// The value after.
    pub after: Option<String>,
    /// JSON pointer into the bundled, normalized document: the upstream one,
    /// or the vendored one for something removed.
    pub pointer: String,
    /// One sentence, as printed in the text and markdown reports.
    pub summary: String,
}

/// Drift of one version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionDrift {
    /// `beta`, `v2024` or `v2025`.
    pub version: String,
    /// Number of breaking changes.
    pub breaking: usize,
    /// Number of compatible changes.
    pub compatible: usize,
    /// Set when a normalization pass fails on this version (a targeted pass
    /// whose spot is gone upstream): the error `cargo xtask regen` would
    /// stop on. The comparison then skips the targeted passes on both sides.
    pub regen_error: Option<String>,
    /// Breaking changes first, then compatible ones; each group by kind,
    /// then operation or schema.
    pub changes: Vec<Change>,
}

/// One side of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// Full commit hash.
    pub commit: String,
    /// Commit date, as git (or `UPSTREAM.toml`) gives it.
    pub commit_date: String,
}

/// `cargo xtask drift --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// What `openapi/` holds (from `openapi/UPSTREAM.toml`).
    pub vendored: Revision,
    /// The upstream revision compared with.
    pub upstream: Revision,
    /// One entry per version compared, in `beta`, `v2024`, `v2025` order.
    pub versions: Vec<VersionDrift>,
}

impl DriftReport {
    /// Whether any version has a change.
    pub fn has_drift(&self) -> bool {
        self.versions.iter().any(|v| !v.changes.is_empty())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "vendored {} ({}) -> upstream {} ({})\n",
            short(&self.vendored.commit),
            self.vendored.commit_date,
            short(&self.upstream.commit),
            self.upstream.commit_date
        );
        for v in &self.versions {
            out.push_str(&format!(
                "{}: {} breaking, {} compatible\n",
                v.version, v.breaking, v.compatible
            ));
            if let Some(e) = &v.regen_error {
                out.push_str(&format!("  regen would fail: {e}\n"));
            }
            for c in &v.changes {
                let mark = match c.impact {
                    Impact::Breaking => "BREAKING  ",
                    Impact::Compatible => "compatible",
                };
                out.push_str(&format!("  {mark} {}\n", c.summary));
            }
        }
        out
    }

    /// For release notes and the drift issue: a heading per version,
    /// breaking changes first.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Spec drift\n\nVendored `{}` ({}) compared with upstream `{}` ({}).\n",
            short(&self.vendored.commit),
            self.vendored.commit_date,
            short(&self.upstream.commit),
            self.upstream.commit_date
        );
        if !self.has_drift() {
            out.push_str("\nNo drift: the generated crates would not change.\n");
        }
        for v in &self.versions {
            out.push_str(&format!(
                "\n## {} ({} breaking, {} compatible)\n",
                v.version, v.breaking, v.compatible
            ));
            if let Some(e) = &v.regen_error {
                out.push_str(&format!("\n> **`cargo xtask regen` would fail:** {e}\n"));
            }
            if v.changes.is_empty() {
                out.push_str("\nNo changes.\n");
            }
            for (impact, heading) in [
                (Impact::Breaking, "Breaking"),
                (Impact::Compatible, "Compatible"),
            ] {
                let changes: Vec<_> = v.changes.iter().filter(|c| c.impact == impact).collect();
                if changes.is_empty() {
                    continue;
                }
                out.push_str(&format!("\n### {heading}\n\n"));
                for c in changes {
                    out.push_str(&format!("- {}\n", c.summary));
                }
            }
        }
        out
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

impl VersionDrift {
    pub fn new(version: ApiVersion, mut changes: Vec<Change>, regen_error: Option<String>) -> Self {
        changes.sort_by(|a, b| {
            (a.impact, a.kind, &a.operation, &a.schema, &a.item).cmp(&(
                b.impact,
                b.kind,
                &b.operation,
                &b.schema,
                &b.item,
            ))
        });
        VersionDrift {
            version: version.name().to_string(),
            breaking: changes
                .iter()
                .filter(|c| c.impact == Impact::Breaking)
                .count(),
            compatible: changes
                .iter()
                .filter(|c| c.impact == Impact::Compatible)
                .count(),
            regen_error,
            changes,
        }
    }
}

// ---------------------------------------------------------------------------
// The model: what of a normalized document the generated surface depends on.

/// What of one normalized document the generated crate's surface depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecModel {
    operations: BTreeMap<String, OperationModel>,
    schemas: BTreeMap<String, SchemaModel>,
    /// Component schemas reachable from request bodies and parameters.
    request_schemas: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct OperationModel {
    name: OperationName,
    pointer: JsonPointer,
    /// By `"<in> <name>"`.
    parameters: BTreeMap<String, Typed>,
    body: Option<Body>,
    success: String,
    experimental: bool,
    deprecated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Typed {
    ty: String,
    required: bool,
    nullable: bool,
    deprecated: bool,
    enum_values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Body {
    media: String,
    ty: String,
    required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SchemaModel {
    ty: String,
    properties: BTreeMap<String, Typed>,
    enum_values: Vec<String>,
    deprecated: bool,
}

impl SpecModel {
    /// Reduces the typed model of a normalized document (and its schema
    /// components). Parameters whose value the client fixes are not part
    /// of the model's parameters, so not of the surface.
    pub fn of(doc: &Value, api: &ApiModel) -> SpecModel {
        let mut model = SpecModel::default();
        for op in &api.operations {
            let mut parameters = BTreeMap::new();
            for parameter in &op.parameters {
                let mut typed = typed(&parameter.schema, parameter.required);
                typed.deprecated = parameter.deprecated;
                parameters.insert(
                    format!("{} {}", parameter.location.as_str(), parameter.name),
                    typed,
                );
            }
            let body = op.request_body.as_ref().map(|b| {
                let mut media: Vec<&str> =
                    b.contents.iter().map(|c| c.media_type.as_str()).collect();
                media.sort_unstable();
                let ty = b
                    .json()
                    .or_else(|| b.contents.first())
                    .and_then(|c| c.schema.as_ref())
                    .map_or_else(|| "none".to_string(), type_of);
                Body {
                    media: media.join(" | "),
                    ty,
                    required: b.required,
                }
            });
            let id = op.id();
            let name = OperationName {
                id: id.to_string(),
                method: op.method.as_str().to_string(),
                path: op.path.as_str().to_string(),
                rust_method: op.key.method_name(),
            };
            model.operations.insert(
                id.to_string(),
                OperationModel {
                    name,
                    success: success_type(op),
                    experimental: op.experimental,
                    deprecated: op.deprecated,
                    parameters,
                    body,
                    pointer: op.pointer.clone(),
                },
            );
        }
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in schemas {
                model.schemas.insert(name.clone(), schema_model(schema));
            }
        }
        model.request_schemas = api
            .schemas
            .iter()
            .filter(|(_, info)| info.in_requests)
            .map(|(name, _)| name.clone())
            .collect();
        model
    }

    pub fn operation_count(&self) -> usize {
        self.operations.len()
    }

    pub fn schema_count(&self) -> usize {
        self.schemas.len()
    }
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// An `allOf` member that only annotates (`- nullable: true`), which
/// upstream uses to make a `$ref` nullable.
fn is_annotation(member: &Value) -> bool {
    member.as_object().is_some_and(|m| {
        m.keys().all(|k| {
            matches!(
                k.as_str(),
                "nullable"
                    | "description"
                    | "example"
                    | "title"
                    | "readOnly"
                    | "writeOnly"
                    | "default"
                    | "deprecated"
            ) || k.starts_with("x-")
        })
    })
}

/// `nullable: true` on the schema, or on an annotating `allOf` member.
fn is_nullable(schema: &Value) -> bool {
    flag(schema, "nullable")
        || schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|members| {
                members
                    .iter()
                    .any(|m| is_annotation(m) && flag(m, "nullable"))
            })
}

fn typed(schema: &Value, required: bool) -> Typed {
    Typed {
        ty: type_of(schema),
        required,
        nullable: is_nullable(schema),
        deprecated: flag(schema, "deprecated"),
        enum_values: enum_values(schema),
    }
}

fn enum_values(schema: &Value) -> Vec<String> {
    let mut values: Vec<String> = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    values.sort();
    values.dedup();
    values
}

/// A short, comparable description of a schema's Rust-relevant shape:
/// a component name, `string(date-time)`, `array<Source>`,
/// `map<string>`, `oneOf[A, B]`, `object`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return match reference.strip_prefix(SCHEMA_PREFIX) {
            Some(name) => name.to_string(),
            None => reference.to_string(),
        };
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            let members: Vec<String> = members
                .iter()
                .filter(|m| key != "allOf" || !is_annotation(m))
                .map(type_of)
                .collect();
            if key == "allOf" && members.len() == 1 && schema.get("properties").is_none() {
                return members.into_iter().next().unwrap_or_default();
            }
            return format!("{key}[{}]", members.join(", "));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array<{}>",
            schema
                .get("items")
                .map_or_else(|| "any".to_string(), type_of)
        ),
        Some("object") | None if schema.get("properties").is_some() => "object".into(),
        Some("object") => match schema.get("additionalProperties") {
            Some(Value::Bool(false)) | None => "object".into(),
            Some(Value::Bool(true)) => "map<any>".into(),
            Some(inner) => format!("map<{}>", type_of(inner)),
        },
        Some(ty) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty}({format})"),
            None => ty.to_string(),
        },
        None => "any".into(),
    }
}

fn schema_model(schema: &Value) -> SchemaModel {
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut properties = BTreeMap::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            properties.insert(name.clone(), typed(prop, required.contains(name.as_str())));
        }
    }
    SchemaModel {
        ty: type_of(schema),
        properties,
        enum_values: enum_values(schema),
        deprecated: flag(schema, "deprecated"),
    }
}

/// `200: Source`, `204: none`, `200: bytes (text/csv)`; several success
/// statuses joined with ` | `.
fn success_type(op: &Operation) -> String {
    let mut parts = Vec::new();
    for response in op.success_responses() {
        let ty = match response.json() {
            _ if response.contents.is_empty() => "none".to_string(),
            Some(json) => json
                .schema
                .as_ref()
                .map_or_else(|| "any".to_string(), type_of),
            None => {
                let mut media: Vec<&str> = response
                    .contents
                    .iter()
                    .map(|c| c.media_type.as_str())
                    .collect();
                media.sort_unstable();
                format!("bytes ({})", media.join(", "))
            }
        };
        parts.push(format!("{}: {ty}", response.status));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" | ")
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

// ---------------------------------------------------------------------------
// The diff.

struct Out {
    changes: Vec<Change>,
}

impl Out {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        impact: Impact,
        kind: ChangeKind,
        operation: Option<&OperationName>,
        schema: Option<&str>,
        item: Option<&str>,
        before: Option<String>,
        after: Option<String>,
        pointer: String,
        summary: String,
    ) {
        self.changes.push(Change {
            impact,
            kind,
            operation: operation.cloned(),
            schema: schema.map(str::to_string),
            item: item.map(str::to_string),
            before,
            after,
            pointer,
            summary,
        });
    }
}

fn op_label(name: &OperationName) -> String {
    format!(
        "`{}` ({} {}, `{}`)",
        name.id, name.method, name.path, name.rust_method
    )
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn breaking_if(condition: bool) -> Impact {
    if condition {
        Impact::Breaking
    } else {
        Impact::Compatible
    }
}

/// Every change from `old` (the vendored spec) to `new` (upstream), in no
/// particular order ([`VersionDrift::new`] sorts them).
pub fn diff(old: &SpecModel, new: &SpecModel) -> Vec<Change> {
    let mut out = Out {
        changes: Vec::new(),
    };
    let removed: Vec<&OperationModel> = old
        .operations
        .iter()
        .filter(|(id, _)| !new.operations.contains_key(*id))
        .map(|(_, op)| op)
        .collect();
    let mut added: Vec<&OperationModel> = new
        .operations
        .iter()
        .filter(|(id, _)| !old.operations.contains_key(*id))
        .map(|(_, op)| op)
        .collect();
    for before in removed {
        // Same method and path under another id: a rename.
        if let Some(index) = added
            .iter()
            .position(|a| a.name.method == before.name.method && a.name.path == before.name.path)
        {
            let after = added.remove(index);
            let renamed = before.name.rust_method != after.name.rust_method;
            out.push(
                breaking_if(renamed),
                ChangeKind::OperationRenamed,
                Some(&after.name),
                None,
                None,
                Some(before.name.id.clone()),
                Some(after.name.id.clone()),
                after.pointer.as_str().to_string(),
                if renamed {
                    format!(
                        "{} {}: operation id `{}` became `{}`; SDK method `{}` becomes `{}`",
                        after.name.method,
                        after.name.path,
                        before.name.id,
                        after.name.id,
                        before.name.rust_method,
                        after.name.rust_method
                    )
                } else {
                    format!(
                        "{} {}: operation id `{}` became `{}`; the SDK method `{}` keeps its name",
                        after.name.method,
                        after.name.path,
                        before.name.id,
                        after.name.id,
                        after.name.rust_method
                    )
                },
            );
            operation_details(&mut out, before, after);
            continue;
        }
        out.push(
            Impact::Breaking,
            ChangeKind::OperationRemoved,
            Some(&before.name),
            None,
            None,
            None,
            None,
            before.pointer.as_str().to_string(),
            format!("operation removed: {}", op_label(&before.name)),
        );
    }
    for after in added {
        out.push(
            Impact::Compatible,
            ChangeKind::OperationAdded,
            Some(&after.name),
            None,
            None,
            None,
            None,
            after.pointer.as_str().to_string(),
            format!(
                "operation added: {}{}",
                op_label(&after.name),
                if after.experimental {
                    " (experimental)"
                } else {
                    ""
                }
            ),
        );
    }
    for (id, before) in &old.operations {
        if let Some(after) = new.operations.get(id) {
            if before.name.method != after.name.method || before.name.path != after.name.path {
                out.push(
                    Impact::Compatible,
                    ChangeKind::OperationMoved,
                    Some(&after.name),
                    None,
                    None,
                    Some(format!("{} {}", before.name.method, before.name.path)),
                    Some(format!("{} {}", after.name.method, after.name.path)),
                    after.pointer.as_str().to_string(),
                    format!(
                        "`{}` moved from {} {} to {} {}",
                        id,
                        before.name.method,
                        before.name.path,
                        after.name.method,
                        after.name.path
                    ),
                );
            }
            operation_details(&mut out, before, after);
        }
    }
    schemas(&mut out, old, new);
    out.changes
}

fn operation_details(out: &mut Out, before: &OperationModel, after: &OperationModel) {
    let name = &after.name;
    let label = op_label(name);
    let pointer = after.pointer.as_str();
    for (key, b) in &before.parameters {
        match after.parameters.get(key) {
            None => out.push(
                Impact::Breaking,
                ChangeKind::ParameterRemoved,
                Some(name),
                None,
                Some(key),
                Some(b.ty.clone()),
                None,
                format!("{}/parameters", before.pointer.as_str()),
                format!("{label}: parameter `{key}` removed"),
            ),
            Some(a) => {
                if a.required != b.required {
                    out.push(
                        breaking_if(a.required),
                        ChangeKind::ParameterRequirednessChanged,
                        Some(name),
                        None,
                        Some(key),
                        Some(required_word(b.required).into()),
                        Some(required_word(a.required).into()),
                        format!("{pointer}/parameters"),
                        format!(
                            "{label}: parameter `{key}` became {}",
                            required_word(a.required)
                        ),
                    );
                }
                if a.ty != b.ty {
                    out.push(
                        Impact::Breaking,
                        ChangeKind::ParameterTypeChanged,
                        Some(name),
                        None,
                        Some(key),
                        Some(b.ty.clone()),
                        Some(a.ty.clone()),
                        format!("{pointer}/parameters"),
                        format!(
                            "{label}: parameter `{key}` changed type from `{}` to `{}`",
                            b.ty, a.ty
                        ),
                    );
                }
                enum_changes(
                    out,
                    Some(name),
                    None,
                    &format!("{label}: parameter `{key}`"),
                    &b.enum_values,
                    &a.enum_values,
                    &format!("{pointer}/parameters"),
                );
                deprecation(
                    out,
                    Some(name),
                    None,
                    Some(key),
                    &format!("{label}: parameter `{key}`"),
                    b.deprecated,
                    a.deprecated,
                    &format!("{pointer}/parameters"),
                );
            }
        }
    }
    for (key, a) in &after.parameters {
        if !before.parameters.contains_key(key) {
            out.push(
                breaking_if(a.required),
                ChangeKind::ParameterAdded,
                Some(name),
                None,
                Some(key),
                None,
                Some(a.ty.clone()),
                format!("{pointer}/parameters"),
                format!(
                    "{label}: {} parameter `{key}` (`{}`) added",
                    required_word(a.required),
                    a.ty
                ),
            );
        }
    }
    let body_pointer = format!("{pointer}/requestBody");
    match (&before.body, &after.body) {
        (None, None) => {}
        (Some(b), None) => out.push(
            Impact::Breaking,
            ChangeKind::RequestBodyRemoved,
            Some(name),
            None,
            None,
            Some(b.ty.clone()),
            None,
            format!("{}/requestBody", before.pointer.as_str()),
            format!("{label}: request body `{}` removed", b.ty),
        ),
        (None, Some(a)) => out.push(
            breaking_if(a.required),
            ChangeKind::RequestBodyAdded,
            Some(name),
            None,
            None,
            None,
            Some(a.ty.clone()),
            body_pointer,
            format!(
                "{label}: {} request body `{}` ({}) added",
                required_word(a.required),
                a.ty,
                a.media
            ),
        ),
        (Some(b), Some(a)) => {
            if b.ty != a.ty || b.media != a.media {
                out.push(
                    Impact::Breaking,
                    ChangeKind::RequestBodyChanged,
                    Some(name),
                    None,
                    None,
                    Some(format!("{} ({})", b.ty, b.media)),
                    Some(format!("{} ({})", a.ty, a.media)),
                    body_pointer.clone(),
                    format!(
                        "{label}: request body changed from `{}` ({}) to `{}` ({})",
                        b.ty, b.media, a.ty, a.media
                    ),
                );
            }
            if b.required != a.required {
                out.push(
                    breaking_if(a.required),
                    ChangeKind::RequestBodyRequirednessChanged,
                    Some(name),
                    None,
                    None,
                    Some(required_word(b.required).into()),
                    Some(required_word(a.required).into()),
                    body_pointer,
                    format!("{label}: request body became {}", required_word(a.required)),
                );
            }
        }
    }
    if before.success != after.success {
        out.push(
            Impact::Breaking,
            ChangeKind::SuccessTypeChanged,
            Some(name),
            None,
            None,
            Some(before.success.clone()),
            Some(after.success.clone()),
            format!("{pointer}/responses"),
            format!(
                "{label}: success response changed from `{}` to `{}`",
                before.success, after.success
            ),
        );
    }
    if before.experimental != after.experimental {
        out.push(
            Impact::Compatible,
            ChangeKind::ExperimentalChanged,
            Some(name),
            None,
            None,
            Some(before.experimental.to_string()),
            Some(after.experimental.to_string()),
            pointer.to_string(),
            format!(
                "{label}: {}",
                if after.experimental {
                    "became experimental"
                } else {
                    "no longer experimental"
                }
            ),
        );
    }
    deprecation(
        out,
        Some(name),
        None,
        None,
        &label,
        before.deprecated,
        after.deprecated,
        pointer,
    );
}

#[allow(clippy::too_many_arguments)]
fn deprecation(
    out: &mut Out,
    operation: Option<&OperationName>,
    schema: Option<&str>,
    item: Option<&str>,
    label: &str,
    before: bool,
    after: bool,
    pointer: &str,
) {
    if before != after {
        out.push(
            Impact::Compatible,
            ChangeKind::DeprecationChanged,
            operation,
            schema,
            item,
            Some(before.to_string()),
            Some(after.to_string()),
            pointer.to_string(),
            format!(
                "{label}: {}",
                if after {
                    "deprecated"
                } else {
                    "no longer deprecated"
                }
            ),
        );
    }
}

fn enum_changes(
    out: &mut Out,
    operation: Option<&OperationName>,
    schema: Option<&str>,
    label: &str,
    before: &[String],
    after: &[String],
    pointer: &str,
) {
    for value in before.iter().filter(|v| !after.contains(v)) {
        out.push(
            Impact::Breaking,
            ChangeKind::EnumValueRemoved,
            operation,
            schema,
            Some(value),
            None,
            None,
            pointer.to_string(),
            format!("{label}: enum value `{value}` removed"),
        );
    }
    for value in after.iter().filter(|v| !before.contains(v)) {
        out.push(
            Impact::Compatible,
            ChangeKind::EnumValueAdded,
            operation,
            schema,
            Some(value),
            None,
            None,
            pointer.to_string(),
            format!("{label}: enum value `{value}` added"),
        );
    }
}

fn schemas(out: &mut Out, old: &SpecModel, new: &SpecModel) {
    for (name, b) in &old.schemas {
        let pointer = format!("/components/schemas/{}", escape(name));
        let Some(a) = new.schemas.get(name) else {
            out.push(
                Impact::Breaking,
                ChangeKind::SchemaRemoved,
                None,
                Some(name),
                None,
                None,
                None,
                pointer,
                format!("schema `{name}` removed"),
            );
            continue;
        };
        let label = format!("schema `{name}`");
        if a.ty != b.ty {
            out.push(
                Impact::Breaking,
                ChangeKind::SchemaTypeChanged,
                None,
                Some(name),
                None,
                Some(b.ty.clone()),
                Some(a.ty.clone()),
                pointer.clone(),
                format!("{label}: type changed from `{}` to `{}`", b.ty, a.ty),
            );
        }
        enum_changes(
            out,
            None,
            Some(name),
            &label,
            &b.enum_values,
            &a.enum_values,
            &pointer,
        );
        deprecation(
            out,
            None,
            Some(name),
            None,
            &label,
            b.deprecated,
            a.deprecated,
            &pointer,
        );
        let in_requests = new.request_schemas.contains(name) || old.request_schemas.contains(name);
        for (prop, bp) in &b.properties {
            let prop_pointer = format!("{pointer}/properties/{}", escape(prop));
            let prop_label = format!("{label}: property `{prop}`");
            let Some(ap) = a.properties.get(prop) else {
                out.push(
                    Impact::Breaking,
                    ChangeKind::PropertyRemoved,
                    None,
                    Some(name),
                    Some(prop),
                    Some(bp.ty.clone()),
                    None,
                    prop_pointer,
                    format!("{prop_label} removed"),
                );
                continue;
            };
            if ap.ty != bp.ty {
                out.push(
                    Impact::Breaking,
                    ChangeKind::PropertyTypeChanged,
                    None,
                    Some(name),
                    Some(prop),
                    Some(bp.ty.clone()),
                    Some(ap.ty.clone()),
                    prop_pointer.clone(),
                    format!("{prop_label} changed type from `{}` to `{}`", bp.ty, ap.ty),
                );
            }
            let option_flips = bp.is_option() != ap.is_option();
            if ap.required != bp.required {
                out.push(
                    breaking_if(option_flips),
                    ChangeKind::PropertyRequirednessChanged,
                    None,
                    Some(name),
                    Some(prop),
                    Some(required_word(bp.required).into()),
                    Some(required_word(ap.required).into()),
                    prop_pointer.clone(),
                    format!("{prop_label} became {}", required_word(ap.required)),
                );
            }
            if ap.nullable != bp.nullable {
                out.push(
                    breaking_if(option_flips),
                    ChangeKind::PropertyNullabilityChanged,
                    None,
                    Some(name),
                    Some(prop),
                    Some(nullable_word(bp.nullable).into()),
                    Some(nullable_word(ap.nullable).into()),
                    prop_pointer.clone(),
                    format!("{prop_label} became {}", nullable_word(ap.nullable)),
                );
            }
            enum_changes(
                out,
                None,
                Some(name),
                &prop_label,
                &bp.enum_values,
                &ap.enum_values,
                &prop_pointer,
            );
            deprecation(
                out,
                None,
                Some(name),
                Some(prop),
                &prop_label,
                bp.deprecated,
                ap.deprecated,
                &prop_pointer,
            );
        }
        for (prop, ap) in &a.properties {
            if b.properties.contains_key(prop) {
                continue;
            }
            let breaking = ap.required && in_requests;
            out.push(
                breaking_if(breaking),
                ChangeKind::PropertyAdded,
                None,
                Some(name),
                Some(prop),
                None,
                Some(ap.ty.clone()),
                format!("{pointer}/properties/{}", escape(prop)),
                format!(
                    "{label}: {} property `{prop}` (`{}`) added{}",
                    required_word(ap.required),
                    ap.ty,
                    if ap.required && !in_requests {
                        " (the schema is only in responses)"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
    for name in new.schemas.keys() {
        if !old.schemas.contains_key(name) {
            out.push(
                Impact::Compatible,
                ChangeKind::SchemaAdded,
                None,
                Some(name),
                None,
                None,
                None,
                format!("/components/schemas/{}", escape(name)),
                format!("schema `{name}` added"),
            );
        }
    }
}

fn nullable_word(nullable: bool) -> &'static str {
    if nullable { "nullable" } else { "non-nullable" }
}

impl Typed {
    /// Whether the generated Rust field is an `Option`.
    fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::Plan;

    fn model(doc: Value) -> SpecModel {
        let api = ApiModel::from_document(&doc, &Plan::default(), &BTreeMap::new())
            .expect("a valid model");
        SpecModel::of(&doc, &api)
    }

    #[test]
    fn types_are_described_by_shape() {
        assert_eq!(type_of(&json!({"$ref": "#/components/schemas/A"})), "A");
        assert_eq!(
            type_of(&json!({"type": "array", "items": {"type": "string", "format": "date-time"}})),
            "array<string(date-time)>"
        );
        assert_eq!(
            type_of(&json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            "map<integer>"
        );
        assert_eq!(
            type_of(&json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]})),
            "oneOf[A, string]"
        );
        assert_eq!(type_of(&json!({})), "any");
    }

    #[test]
    fn property_requiredness_is_breaking_only_when_the_option_flips() {
        let old = model(json!({"components": {"schemas": {"S": {"type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "string", "nullable": true}}}}}}));
        let new = model(json!({"components": {"schemas": {"S": {"type": "object",
            "required": ["b"],
            "properties": {"a": {"type": "string"}, "b": {"type": "string", "nullable": true}}}}}}));
        let changes = diff(&old, &new);
        let impact = |prop: &str| {
            changes
                .iter()
                .find(|c| c.item.as_deref() == Some(prop))
                .map(|c| c.impact)
        };
        assert_eq!(impact("a"), Some(Impact::Breaking));
        assert_eq!(impact("b"), Some(Impact::Compatible));
        assert_eq!(changes.len(), 2, "{changes:#?}");
    }

    #[test]
    fn same_model_no_changes() {
        let doc = json!({"paths": {"/a": {"get": {"operationId": "getA",
            "responses": {"200": {"content": {"application/json": {"schema": {"type": "string"}}}}}}}}});
        assert!(diff(&model(doc.clone()), &model(doc)).is_empty());
    }
}
