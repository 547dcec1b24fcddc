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
use crate::public_api::PublicApi;
use crate::verify::Verification;
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
    analyze_version(loader, version, targeted, false).map(|(model, _)| model)
}

/// The public API of a generated crate, or why generation failed.
pub type GeneratedApi = Result<PublicApi, String>;

/// [`model_version`], and with `with_api` also the public API of the crate
/// the generator makes of the same normalized document (generated in
/// memory, nothing written), for `cargo xtask drift --verify`. A spec the
/// generator refuses still has its model: the failure is the API's.
pub fn analyze_version(
    loader: &Loader,
    version: ApiVersion,
    targeted: bool,
    with_api: bool,
) -> Result<(SpecModel, Option<GeneratedApi>), Error> {
    let run = || -> Result<(SpecModel, Option<GeneratedApi>), Error> {
        let bundle = bundle_loaded(loader, &version.root())?;
        let title = format!("{} ({})", version.name(), version.root());
        let context = if targeted {
            PassContext::for_version(version)
        } else {
            PassContext::default()
        };
        let origins = bundle
            .components
            .iter()
            .map(|c| (c.name.clone(), c.origin.clone()))
            .collect();
        let normalized = normalize(&title, &context, bundle.document)?;
        let api = ApiModel::build_with_origins(&normalized, &origins)?;
        let model = SpecModel::of(&normalized.document, &api);
        let public = with_api.then(|| {
            crate::generate::generate(&normalized, &api)
                .map(|generated| PublicApi::of(&generated))
                .map_err(|e| e.to_string())
        });
        Ok((model, public))
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
    /// Breaking: the operation's tags changed, so its method moves to
    /// another extension trait (`ClientSourcesExt`) and cargo feature.
    OperationTagChanged,
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
    /// Compatible either way: the generated builder's `body` setter and
    /// `send` are the same whether the spec requires the body or not (the
    /// body starts from its builder's default and is always sent), as
    /// `cargo xtask drift --verify` confirms.
    RequestBodyRequirednessChanged,
    /// Breaking: `send()` returns another type; compatible when only the
    /// status changed (`201: Entitlement` to `200: Entitlement`).
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
    /// Breaking: the generated enums are exhaustive (not
    /// `#[non_exhaustive]`), so a new variant breaks every exhaustive
    /// `match`, and a value that decoded as `Unknown("X")` now decodes as
    /// the new variant.
    EnumValueAdded,
    /// Breaking: the enum variant disappears.
    EnumValueRemoved,
    /// Compatible: the client sends `X-SailPoint-Experimental` itself; the
    /// operation's stability promise changes, not its Rust signature.
    ExperimentalChanged,
    /// Compatible: a documentation-level change.
    DeprecationChanged,
    /// Breaking when a component no longer reaches requests (its struct
    /// builder, `Type::builder()` and `types::builder::Type`, is generated
    /// for request types only and disappears), compatible when it starts to.
    RequestUseChanged,
    /// Reported apart, not as breaking: a name only the generator chose
    /// changed while the Rust type stayed the same: a collision qualifier
    /// that went away (`V3DtoType` became `DtoType`, same schema), or an
    /// alias component (`pub type Alias = Target`) that disappeared while
    /// its target stays. Code naming the old name must use the new one.
    GeneratorNameChanged,
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
    /// The parameter (`query limit`), property or enum value concerned. A
    /// property below the component's own is named by its path
    /// (`serialChain[].identityType`: `[]` an array's items, `{}` a map's
    /// values), as are the members of an inline body
    /// (`requestBody.name`, `responses.200.items[]`).
    pub item: Option<String>,
    /// Where the change is, down from the component or operation:
    /// `ApprovalConfig.serialChain[].identityType`, `listSources.query limit`,
    /// `Account` (the component itself), `listSources`.
    pub path: String,
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
    /// Set when this version could not be compared at all (a file that
    /// cannot be read or bundled, on either side): the error, naming the
    /// file and the side's revision. The other versions are still compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `--verify`: drift's entries checked against the public API of
    /// the crates generated from both sides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
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

    /// Whether `--verify` found drift and the generated API disagreeing
    /// on some version.
    pub fn verification_failed(&self) -> bool {
        self.versions
            .iter()
            .filter_map(|v| v.verification.as_ref())
            .any(|v| !v.agrees())
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
            if let Some(e) = &v.error {
                out.push_str(&format!("  drift could not run: {e}\n"));
            }
            if let Some(e) = &v.regen_error {
                out.push_str(&format!("  regen would fail: {e}\n"));
            }
            if let Some(verification) = &v.verification {
                out.push_str(&format!("  {}\n", verification.summary_line()));
                for line in &verification.unexplained {
                    out.push_str(&format!("    unexplained API change: {line}\n"));
                }
                for line in &verification.breaking_without_api_change {
                    out.push_str(&format!(
                        "    breaking entry without an API change: {line}\n"
                    ));
                }
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
            if let Some(e) = &v.error {
                out.push_str(&format!("\n> **Drift could not run:** {e}\n"));
            }
            if let Some(e) = &v.regen_error {
                out.push_str(&format!("\n> **`cargo xtask regen` would fail:** {e}\n"));
            }
            if let Some(verification) = &v.verification {
                out.push_str(&format!("\n{}\n", verification.summary_line()));
                for line in &verification.unexplained {
                    out.push_str(&format!("- unexplained API change: `{line}`\n"));
                }
                for line in &verification.breaking_without_api_change {
                    out.push_str(&format!("- breaking entry without an API change: {line}\n"));
                }
            }
            if v.changes.is_empty() && v.error.is_none() {
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
            error: None,
            verification: None,
            changes,
        }
    }

    /// A version that could not be compared, with why.
    pub fn failed(version: ApiVersion, error: String) -> Self {
        VersionDrift {
            error: Some(error),
            ..VersionDrift::new(version, Vec::new(), None)
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
    /// Members of inline request and success bodies, by path
    /// (`requestBody.name`, `responses.200.items[]`).
    body_members: BTreeMap<String, Typed>,
    /// The operation's tags: each is a trait and a cargo feature.
    tags: Vec<String>,
    success: String,
    experimental: bool,
    deprecated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Typed {
    ty: String,
    /// JSON pointer below the component or operation (empty for a
    /// parameter).
    pointer: String,
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

/// Old component names the generator gave up, with the new name and why.
type Renames = BTreeMap<String, (String, String)>;

/// Components renamed by the generator alone, old name to new:
/// - a removed component whose model equals that of an added one whose
///   name ends its own (the bundle qualifies a taken name with
///   directories: `V3DtoType` for `v3/DtoType.yaml` while `DtoType` is
///   taken);
/// - a removed component that was only a reference to a component still
///   there (typify's `pub type Alias = Target`).
fn generator_renames(old: &SpecModel, new: &SpecModel) -> Renames {
    let mut renames = Renames::new();
    for (name, model) in &old.schemas {
        if new.schemas.contains_key(name) {
            continue;
        }
        // The unqualified name is new, or was already there with the same
        // schema (two files of one schema: the generator's one type).
        let requalified = new.schemas.iter().find(|(candidate, candidate_model)| {
            name.len() > candidate.len()
                && name.ends_with(candidate.as_str())
                && *candidate_model == model
                && old
                    .schemas
                    .get(*candidate)
                    .is_none_or(|old_model| old_model == model)
        });
        if let Some((candidate, _)) = requalified {
            renames.insert(
                name.clone(),
                (
                    candidate.clone(),
                    format!(
                        "the generator's collision name `{name}` became `{candidate}` (same schema, same Rust type)"
                    ),
                ),
            );
            continue;
        }
        let target = &model.ty;
        if model.properties.is_empty()
            && old.schemas.contains_key(target)
            && new.schemas.contains_key(target)
        {
            renames.insert(
                name.clone(),
                (
                    target.clone(),
                    format!(
                        "the alias `{name}` of `{target}` is gone (`pub type {name} = {target}`); `{target}` stays"
                    ),
                ),
            );
        }
    }
    renames
}

/// `ty` with every component name `renames` lists replaced by its new
/// name (`array<V3DtoType>` becomes `array<DtoType>`).
fn rename_in(ty: &str, renames: &Renames) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match renames.get(word.as_str()) {
            Some((new, _)) => out.push_str(new),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in ty.chars() {
        if matches!(c, '<' | '>' | '[' | ']' | '(' | ')' | ',' | ' ' | '|' | ':') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

impl SpecModel {
    /// This model with the generator's renames applied (the renamed
    /// components under their new names, every type naming them too).
    fn renamed(&self, renames: &Renames) -> SpecModel {
        let rename_typed = |typed: &Typed| Typed {
            ty: rename_in(&typed.ty, renames),
            ..typed.clone()
        };
        let rename_members = |members: &BTreeMap<String, Typed>| -> BTreeMap<String, Typed> {
            members
                .iter()
                .map(|(k, v)| (k.clone(), rename_typed(v)))
                .collect()
        };
        let operations = self
            .operations
            .iter()
            .map(|(id, op)| {
                let op = OperationModel {
                    parameters: rename_members(&op.parameters),
                    body: op.body.as_ref().map(|b| Body {
                        ty: rename_in(&b.ty, renames),
                        ..b.clone()
                    }),
                    body_members: rename_members(&op.body_members),
                    success: rename_in(&op.success, renames),
                    ..op.clone()
                };
                (id.clone(), op)
            })
            .collect();
        let mut schemas = BTreeMap::new();
        for (name, schema) in &self.schemas {
            let schema = SchemaModel {
                ty: rename_in(&schema.ty, renames),
                properties: rename_members(&schema.properties),
                ..schema.clone()
            };
            match renames.get(name) {
                // An alias whose target is there already: reported, gone.
                Some((new, _)) if self.schemas.contains_key(new) => {}
                Some((new, _)) => {
                    schemas.insert(new.clone(), schema);
                }
                None => {
                    schemas.insert(name.clone(), schema);
                }
            }
        }
        SpecModel {
            operations,
            schemas,
            request_schemas: self
                .request_schemas
                .iter()
                .map(|name| renames.get(name).map_or(name, |(new, _)| new).clone())
                .collect(),
        }
    }

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
                    body_members: body_members(doc, op),
                    tags: {
                        let mut tags = op.tags.clone();
                        tags.sort();
                        tags
                    },
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
                model
                    .schemas
                    .insert(name.clone(), schema_model(doc, schema));
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
        pointer: String::new(),
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

fn schema_model(doc: &Value, schema: &Value) -> SchemaModel {
    let mut properties = BTreeMap::new();
    members(doc, schema, "", "", &mut properties, 0);
    SchemaModel {
        ty: type_of(schema),
        properties,
        enum_values: enum_values(schema),
        deprecated: flag(schema, "deprecated"),
    }
}

/// How deep [`members`] follows inline schemas; the specs nest five deep.
const MAX_DEPTH: usize = 16;

/// The members of an inline schema at `path` (pointer `pointer`), each by
/// its path, recursively: its properties and those of its `allOf` members
/// (typify makes one struct of them all; a `$ref` member's through its
/// component), inline array items (`path[]`) and map values (`path{}`).
/// A `$ref` ends the descent: the component is modelled by itself.
fn members(
    doc: &Value,
    schema: &Value,
    path: &str,
    pointer: &str,
    out: &mut BTreeMap<String, Typed>,
    depth: usize,
) {
    if depth > MAX_DEPTH || is_reference(schema) {
        return;
    }
    let mut objects = vec![(schema, pointer.to_string())];
    all_of_members(doc, schema, pointer, &mut objects, 0);
    let required: BTreeSet<&str> = objects
        .iter()
        .filter_map(|(o, _)| o.get("required").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (object, object_pointer) in &objects {
        let Some(props) = object.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, prop) in props {
            let prop_path = join_path(path, name);
            let prop_pointer = format!("{object_pointer}/properties/{}", escape(name));
            let mut member = typed(prop, required.contains(name.as_str()));
            member.pointer = prop_pointer.clone();
            out.insert(prop_path.clone(), member);
            members(doc, prop, &prop_path, &prop_pointer, out, depth + 1);
        }
    }
    for (key, suffix) in [("items", "[]"), ("additionalProperties", "{}")] {
        let Some(inner) = schema.get(key).filter(|v| v.is_object()) else {
            continue;
        };
        if inner.get("$ref").is_some() {
            continue;
        }
        let inner_path = format!("{path}{suffix}");
        let inner_pointer = format!("{pointer}/{key}");
        let mut member = typed(inner, true);
        member.pointer = inner_pointer.clone();
        out.insert(inner_path.clone(), member);
        members(doc, inner, &inner_path, &inner_pointer, out, depth + 1);
    }
}

/// A `$ref`, or an `allOf` of one `$ref` and annotations (upstream's way
/// to make a reference nullable): the referenced component's type, whose
/// members are the component's.
fn is_reference(schema: &Value) -> bool {
    if schema.get("$ref").is_some() {
        return true;
    }
    let Some(all_of) = schema.get("allOf").and_then(Value::as_array) else {
        return false;
    };
    let mut members = all_of.iter().filter(|m| !is_annotation(m));
    matches!(
        (members.next(), members.next()),
        (Some(only), None) if only.get("$ref").is_some()
    ) && schema.get("properties").is_none()
}

/// The object schemas `allOf` merges into `schema`, with their pointers;
/// a `$ref` member's component and its own `allOf`, recursively.
fn all_of_members<'a>(
    doc: &'a Value,
    schema: &'a Value,
    pointer: &str,
    out: &mut Vec<(&'a Value, String)>,
    depth: usize,
) {
    let Some(all_of) = schema.get("allOf").and_then(Value::as_array) else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for (index, member) in all_of.iter().enumerate() {
        let (member, member_pointer) = match member.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix('#')
                .and_then(|p| doc.pointer(p).map(|m| (m, p.to_string())))
            {
                Some(found) => found,
                None => continue,
            },
            None => (member, format!("{pointer}/allOf/{index}")),
        };
        out.push((member, member_pointer.clone()));
        all_of_members(doc, member, &member_pointer, out, depth + 1);
    }
}

/// The members of an operation's inline request body and inline JSON
/// success bodies; a body that is a `$ref` is its component's.
fn body_members(doc: &Value, op: &Operation) -> BTreeMap<String, Typed> {
    let mut out = BTreeMap::new();
    if let Some(content) = op
        .request_body
        .as_ref()
        .and_then(|b| b.json().or_else(|| b.contents.first()))
        && let Some(schema) = &content.schema
    {
        let pointer = format!(
            "/requestBody/content/{}/schema",
            escape(&content.media_type)
        );
        members(doc, schema, "requestBody", &pointer, &mut out, 0);
    }
    for response in op.success_responses() {
        if let Some(content) = response.json()
            && let Some(schema) = &content.schema
        {
            let status = &response.status;
            let pointer = format!(
                "/responses/{}/content/{}/schema",
                escape(status),
                escape(&content.media_type)
            );
            members(
                doc,
                schema,
                &format!("responses.{status}"),
                &pointer,
                &mut out,
                0,
            );
        }
    }
    out
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

/// The types of a [`success_type`] description, without their statuses.
fn success_types(success: &str) -> BTreeSet<&str> {
    success
        .split(" | ")
        .map(|part| part.split_once(": ").map_or(part, |(_, ty)| ty))
        .collect()
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
    fn set_last_path(&mut self, path: &str) {
        if let Some(last) = self.changes.last_mut() {
            last.path = path.to_string();
        }
    }

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
        let root = operation
            .map(|o| o.id.as_str())
            .or(schema)
            .unwrap_or_default();
        // An enum value is no place: its path is its owner's (set by
        // `enum_changes`).
        let path = match item {
            Some(item)
                if !matches!(
                    kind,
                    ChangeKind::EnumValueAdded | ChangeKind::EnumValueRemoved
                ) =>
            {
                join_path(root, item)
            }
            _ => root.to_string(),
        };
        self.changes.push(Change {
            impact,
            kind,
            operation: operation.cloned(),
            schema: schema.map(str::to_string),
            item: item.map(str::to_string),
            path,
            before,
            after,
            pointer,
            summary,
        });
    }
}

/// `root` and a path below it: `Account.identityId`, `SourceFeature[]`,
/// `listSources.query limit`.
pub fn join_path(root: &str, below: &str) -> String {
    if below.is_empty() {
        root.to_string()
    } else if root.is_empty() || below.starts_with(['[', '{']) {
        format!("{root}{below}")
    } else {
        format!("{root}.{below}")
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
    // Names only the generator changed: reported as such, and the old side
    // compared under the new names, so that what refers to them is not
    // reported as changed.
    let renames = generator_renames(old, new);
    for (before, (after, why)) in &renames {
        out.push(
            Impact::Compatible,
            ChangeKind::GeneratorNameChanged,
            None,
            Some(before.as_str()),
            None,
            Some(before.clone()),
            Some(after.clone()),
            format!("/components/schemas/{}", escape(after)),
            format!("schema `{before}`: {why}"),
        );
    }
    let renamed_old;
    let old = if renames.is_empty() {
        old
    } else {
        renamed_old = old.renamed(&renames);
        &renamed_old
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
                    key,
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
                    Impact::Compatible,
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
        // Another status with the same types: `send()` returns the same.
        let same_types = success_types(&before.success) == success_types(&after.success);
        out.push(
            breaking_if(!same_types),
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
    if before.tags != after.tags {
        out.push(
            Impact::Breaking,
            ChangeKind::OperationTagChanged,
            Some(name),
            None,
            None,
            Some(before.tags.join(", ")),
            Some(after.tags.join(", ")),
            format!("{pointer}/tags"),
            format!(
                "{label}: tags changed from [{}] to [{}]; the method moves to another trait and cargo feature",
                before.tags.join(", "),
                after.tags.join(", ")
            ),
        );
    }
    // Members of a body that is gone or new are part of that change.
    let keep = |members: &BTreeMap<String, Typed>, other: &OperationModel| {
        members
            .iter()
            .filter(|(path, _)| !path.starts_with("requestBody") || other.body.is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    member_changes(
        out,
        Subject {
            operation: Some(name),
            schema: None,
            label: &label,
            pointer,
        },
        &keep(&before.body_members, after),
        &keep(&after.body_members, before),
        &|path| path.starts_with("requestBody"),
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

#[allow(clippy::too_many_arguments)]
fn enum_changes(
    out: &mut Out,
    operation: Option<&OperationName>,
    schema: Option<&str>,
    below: &str,
    label: &str,
    before: &[String],
    after: &[String],
    pointer: &str,
) {
    let root = operation
        .map(|o| o.id.as_str())
        .or(schema)
        .unwrap_or_default();
    let path = join_path(root, below);
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
        out.set_last_path(&path);
    }
    for value in after.iter().filter(|v| !before.contains(v)) {
        out.push(
            Impact::Breaking,
            ChangeKind::EnumValueAdded,
            operation,
            schema,
            Some(value),
            None,
            None,
            pointer.to_string(),
            format!("{label}: enum value `{value}` added (a new variant: exhaustive `match`es stop compiling)"),
        );
        out.set_last_path(&path);
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
            "",
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
        let (was_sent, is_sent) = (
            old.request_schemas.contains(name),
            new.request_schemas.contains(name),
        );
        if was_sent != is_sent {
            out.push(
                breaking_if(was_sent),
                ChangeKind::RequestUseChanged,
                None,
                Some(name),
                None,
                None,
                None,
                pointer.clone(),
                if was_sent {
                    format!("{label}: no longer in any request; its struct builder (`{}::builder()`) is gone", crate::names::pascal(name))
                } else {
                    format!("{label}: now in requests; it gets a struct builder (`{}::builder()`)", crate::names::pascal(name))
                },
            );
        }
        let in_requests = was_sent || is_sent;
        member_changes(
            out,
            Subject {
                operation: None,
                schema: Some(name.as_str()),
                label: &label,
                pointer: &pointer,
            },
            &b.properties,
            &a.properties,
            &|_| in_requests,
        );
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

/// The component or operation whose members [`member_changes`] compares.
struct Subject<'a> {
    operation: Option<&'a OperationName>,
    schema: Option<&'a str>,
    label: &'a str,
    /// The component's or operation's pointer; members' pointers are below.
    pointer: &'a str,
}

/// Changes of the members of one component or of one operation's inline
/// bodies: properties at any depth, array items, map values, each by its
/// path. `in_requests` says, by path, whether the member is sent.
fn member_changes(
    out: &mut Out,
    subject: Subject<'_>,
    before: &BTreeMap<String, Typed>,
    after: &BTreeMap<String, Typed>,
    in_requests: &dyn Fn(&str) -> bool,
) {
    let Subject {
        operation,
        schema,
        label,
        pointer,
    } = subject;
    for (prop, bp) in before {
        let prop_label = format!("{label}: property `{prop}`");
        let Some(ap) = after.get(prop) else {
            out.push(
                Impact::Breaking,
                ChangeKind::PropertyRemoved,
                operation,
                schema,
                Some(prop),
                Some(bp.ty.clone()),
                None,
                format!("{pointer}{}", bp.pointer),
                format!("{prop_label} removed"),
            );
            continue;
        };
        let prop_pointer = format!("{pointer}{}", ap.pointer);
        if ap.ty != bp.ty {
            out.push(
                Impact::Breaking,
                ChangeKind::PropertyTypeChanged,
                operation,
                schema,
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
                operation,
                schema,
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
                operation,
                schema,
                Some(prop),
                Some(nullable_word(bp.nullable).into()),
                Some(nullable_word(ap.nullable).into()),
                prop_pointer.clone(),
                format!("{prop_label} became {}", nullable_word(ap.nullable)),
            );
        }
        enum_changes(
            out,
            operation,
            schema,
            prop,
            &prop_label,
            &bp.enum_values,
            &ap.enum_values,
            &prop_pointer,
        );
        deprecation(
            out,
            operation,
            schema,
            Some(prop),
            &prop_label,
            bp.deprecated,
            ap.deprecated,
            &prop_pointer,
        );
    }
    for (prop, ap) in after {
        if before.contains_key(prop) {
            continue;
        }
        // A member below one that is new itself is part of that addition.
        if is_below_added(prop, before) {
            continue;
        }
        let sent = in_requests(prop);
        let breaking = ap.required && sent;
        out.push(
            breaking_if(breaking),
            ChangeKind::PropertyAdded,
            operation,
            schema,
            Some(prop),
            None,
            Some(ap.ty.clone()),
            format!("{pointer}{}", ap.pointer),
            format!(
                "{label}: {} property `{prop}` (`{}`) added{}",
                required_word(ap.required),
                ap.ty,
                if ap.required && !sent {
                    " (the schema is only in responses)"
                } else {
                    ""
                }
            ),
        );
    }
}

/// Whether `path` lies below a member `before` lacks (so its addition is
/// already reported), rather than below one `before` has.
fn is_below_added(path: &str, before: &BTreeMap<String, Typed>) -> bool {
    parent_paths(path).any(|parent| !before.contains_key(parent))
}

/// The member paths above `path`: `a[].b` gives `a[]`, `a`.
fn parent_paths(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|&(i, c)| (c == '.' || c == '[' || c == '{') && i > 0)
        .map(move |(i, _)| &path[..i])
        .filter(|p| !p.ends_with('.'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
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
