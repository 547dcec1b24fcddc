//! The upstream spec's defects that SailPoint could act on
//! (`cargo xtask defects`): every change of a repair or targeted patch
//! ([`Kind::is_upstream_defect`](crate::normalize::Kind::is_upstream_defect)), located in the upstream file it came
//! from, and every spec example that contradicts its own schema.
//!
//! Locations: a change's pointer is into the bundled document. Schema
//! components are traced to their origin file through the bundle's
//! [`ComponentOrigin`](crate::bundle::ComponentOrigin)s; everything else from the root file, following each
//! `$ref` the pointer passes through into the file it names. Where the
//! trace fails (a component the passes made, such as a hoisted inline
//! type, or a `$ref` that cycles), the bundled pointer is given and marked
//! as such.
//!
//! Example checks are JSON-schema level, on the bundled (not normalized)
//! document, so they judge the example against what upstream wrote: JSON
//! type, `nullable`, `enum`, `required` (less `readOnly` members in
//! requests and `writeOnly` ones in responses), `additionalProperties:
//! false`, `items`, `allOf` (all), `oneOf`/`anyOf` (at least one). Formats,
//! patterns and bounds are not checked. Decoding into the generated types,
//! which also catches what typify's types add, is `cargo xtask conformance`.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::bundle::{Bundle, bundle_loaded};
use crate::conformance;
use crate::error::Error;
use crate::load::{Loader, resolve_ref};
use crate::normalize::{PassContext, normalize};
use crate::pointer::{JsonPointer, SpecPath, Target};

/// The defects of one spec.
#[derive(Clone, Debug, Serialize)]
pub struct SpecDefects {
    /// The version's name (`v2025`).
    pub version: String,
    /// The root file (`idn/sailpoint-api.v2025.yaml`).
    pub root: String,
    pub changes: Vec<DefectChange>,
    pub examples: Vec<ExampleContradiction>,
}

/// Where something is: in an upstream file, or only in the bundled document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The upstream file (`idn/v2025/schemas/Account.yaml`); `None` when the
    /// pointer could not be traced to one.
    pub file: Option<String>,
    /// JSON pointer into `file`, or into the bundled document when `file`
    /// is `None`.
    pub pointer: String,
    /// The pointer in the bundled document (`cargo xtask bundle`).
    pub bundled_pointer: String,
}

/// One change of a repair or targeted patch.
#[derive(Clone, Debug, Serialize)]
pub struct DefectChange {
    pub pass: &'static str,
    /// `repair` or `patch`.
    pub kind: &'static str,
    #[serde(flatten)]
    pub location: Location,
    /// What is wrong upstream and what the pass does about it, in general.
    pub defect: &'static str,
    /// What the pass did at this spot.
    pub repair: String,
}

/// A spec example that its own schema refuses.
#[derive(Clone, Debug, Serialize)]
pub struct ExampleContradiction {
    #[serde(flatten)]
    pub location: Location,
    /// Each disagreement: a pointer into the example, and what is wrong.
    pub problems: Vec<String>,
}

/// Bundles `root` from `loader`, normalizes it with `context`, and lists the
/// upstream defects of the result. `name` is the version's name.
pub fn spec_defects(
    loader: &Loader,
    root: &SpecPath,
    name: &str,
    context: &PassContext,
) -> Result<SpecDefects, Error> {
    let bundle = bundle_loaded(loader, root)?;
    let locator = Locator::new(loader, &bundle);
    let bundled = bundle.document.clone();
    let normalized = normalize(name, context, bundle.document)?;
    let mut changes = Vec::new();
    for pass in &normalized.report.passes {
        if !pass.kind.is_upstream_defect() {
            continue;
        }
        for change in &pass.changes {
            changes.push(DefectChange {
                pass: pass.name,
                kind: pass.kind.as_str(),
                location: locator.locate(&change.pointer),
                defect: pass.summary,
                repair: change.reason.clone(),
            });
        }
    }
    let examples = example_contradictions(&bundled)
        .into_iter()
        .map(|(pointer, problems)| ExampleContradiction {
            location: locator.locate(&pointer),
            problems,
        })
        .collect();
    Ok(SpecDefects {
        version: name.to_string(),
        root: root.to_string(),
        changes,
        examples,
    })
}

/// Traces pointers of the bundled document to upstream files.
struct Locator<'l> {
    loader: &'l Loader,
    root: SpecPath,
    origins: HashMap<String, Target>,
}

/// The most `$ref`s followed in a row before a trace gives up (a cycle).
const MAX_HOPS: usize = 32;

impl<'l> Locator<'l> {
    fn new(loader: &'l Loader, bundle: &Bundle) -> Locator<'l> {
        let origins = bundle
            .components
            .iter()
            .filter_map(|component| {
                let (file, pointer) = component
                    .origin
                    .split_once('#')
                    .unwrap_or((&component.origin, ""));
                let target = Target {
                    file: SpecPath::new(file)?,
                    pointer: JsonPointer::from_escaped(pointer),
                };
                Some((component.name.clone(), target))
            })
            .collect();
        Locator {
            loader,
            root: bundle.root.clone(),
            origins,
        }
    }

    fn locate(&self, bundled_pointer: &str) -> Location {
        let traced = self.trace(bundled_pointer);
        Location {
            file: traced.as_ref().map(|t| t.file.to_string()),
            pointer: traced.map_or_else(|| bundled_pointer.to_string(), |t| t.pointer.to_string()),
            bundled_pointer: bundled_pointer.to_string(),
        }
    }

    fn trace(&self, bundled_pointer: &str) -> Option<Target> {
        let pointer = JsonPointer::from_escaped(bundled_pointer);
        let segments: Vec<String> = pointer.segments().map(|s| s.into_owned()).collect();
        match segments.as_slice() {
            [components, schemas, name, rest @ ..]
                if components == "components" && schemas == "schemas" =>
            {
                self.walk(self.origins.get(name)?.clone(), rest)
            }
            _ => self.walk(
                Target {
                    file: self.root.clone(),
                    pointer: JsonPointer::root(),
                },
                &segments,
            ),
        }
    }

    /// Steps through `segments` from `at`, following every `$ref` on the way
    /// into the file it names. From the first segment the file lacks (what
    /// a pass added: an `operationId`, a `parameters` list), the rest is
    /// appended as is: the place in that file where it belongs.
    fn walk(&self, mut at: Target, segments: &[String]) -> Option<Target> {
        for (i, segment) in segments.iter().enumerate() {
            let mut hops = 0;
            loop {
                let document = self.loader.load(&at.file, None).ok()?;
                let reference = at
                    .pointer
                    .follow(&document)?
                    .get("$ref")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                match reference {
                    Some(reference) if segment != "$ref" && hops < MAX_HOPS => {
                        at = resolve_ref(&at.file, &reference)?;
                        hops += 1;
                    }
                    Some(_) if hops >= MAX_HOPS => return None,
                    _ => break,
                }
            }
            let document = self.loader.load(&at.file, None).ok()?;
            let here = at.pointer.follow(&document)?;
            let exists = match here {
                Value::Object(map) => map.contains_key(segment),
                Value::Array(list) => segment.parse::<usize>().is_ok_and(|n| n < list.len()),
                _ => false,
            };
            if !exists {
                for missing in &segments[i..] {
                    at.pointer = at.pointer.child(missing);
                }
                return Some(at);
            }
            at.pointer = at.pointer.child(segment);
        }
        Some(at)
    }
}

/// Every spec example (a schema's `example`, a body's `example` or
/// `examples.*.value`) that its schema refuses, with the disagreements.
pub fn example_contradictions(document: &Value) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let operations = conformance::document_operations(document);
    for example in conformance::collect(document, &operations, &BTreeSet::new()) {
        let Some(schema_pointer) = schema_of_example(&example.location) else {
            continue;
        };
        let Some(schema) = JsonPointer::from_escaped(schema_pointer.as_str()).follow(document)
        else {
            continue;
        };
        let direction = if example.location.contains("/requestBody/") {
            Direction::Request
        } else if example.location.contains("/responses/") {
            Direction::Response
        } else {
            Direction::Either
        };
        let mut checker = Checker {
            document,
            direction,
            problems: Vec::new(),
            depth: 0,
        };
        checker.check(schema, &example.json, &JsonPointer::root());
        if !checker.problems.is_empty() {
            out.push((example.location, checker.problems));
        }
    }
    out
}

/// The schema an example location belongs to; `None` for the examples the
/// conformance suite builds from property examples, which upstream did not
/// write as such.
fn schema_of_example(location: &str) -> Option<String> {
    if let Some(holder) = location.strip_suffix("/example") {
        // A component's own example, or a media type's.
        return Some(if holder.starts_with("/components/schemas/") {
            holder.to_string()
        } else {
            format!("{holder}/schema")
        });
    }
    let value = location.strip_suffix("/value")?;
    let (media, _name) = value.rsplit_once('/')?;
    let media = media.strip_suffix("/examples")?;
    Some(format!("{media}/schema"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
    Either,
}

/// Checks a value against a schema of the bundled document.
struct Checker<'d> {
    document: &'d Value,
    direction: Direction,
    problems: Vec<String>,
    depth: usize,
}

/// Deeper than this, a schema is taken to be recursive and not followed.
const MAX_DEPTH: usize = 64;
/// Disagreements reported per example; the first ones say enough.
const MAX_PROBLEMS: usize = 5;

impl<'d> Checker<'d> {
    fn resolve(&self, schema: &'d Value) -> &'d Value {
        let mut schema = schema;
        for _ in 0..MAX_HOPS {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => match reference
                    .strip_prefix('#')
                    .and_then(|p| self.document.pointer(p))
                {
                    Some(target) => schema = target,
                    None => return &Value::Null,
                },
                None => return schema,
            }
        }
        schema
    }

    fn problem(&mut self, at: &JsonPointer, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            let at = if at.is_root() { "/" } else { at.as_str() };
            self.problems.push(format!("{at}: {message}"));
        }
    }

    /// Whether `value` fits `schema`, without recording anything.
    fn fits(&self, schema: &'d Value, value: &Value) -> bool {
        let mut probe = Checker {
            document: self.document,
            direction: self.direction,
            problems: Vec::new(),
            depth: self.depth,
        };
        probe.check(schema, value, &JsonPointer::root());
        probe.problems.is_empty()
    }

    fn check(&mut self, schema: &'d Value, value: &Value, at: &JsonPointer) {
        if self.depth > MAX_DEPTH || self.problems.len() >= MAX_PROBLEMS {
            return;
        }
        let Value::Object(schema) = self.resolve(schema) else {
            return;
        };
        self.depth += 1;
        self.check_object(schema, value, at);
        self.depth -= 1;
    }

    fn check_object(&mut self, schema: &'d Map<String, Value>, value: &Value, at: &JsonPointer) {
        if value.is_null() {
            let constrained = schema.contains_key("type")
                || schema.contains_key("enum")
                || schema.contains_key("properties");
            if constrained && schema.get("nullable") != Some(&Value::Bool(true)) {
                self.problem(at, "null, but the schema is not nullable".into());
            }
            return;
        }
        if let Some(Value::Array(all)) = schema.get("allOf") {
            for member in all {
                self.check(member, value, at);
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(choices)) = schema.get(keyword)
                && !choices.iter().any(|choice| self.fits(choice, value))
            {
                self.problem(
                    at,
                    format!("matches none of the {} `{keyword}` choices", choices.len()),
                );
            }
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str)
            && is_json_type(ty)
            && !has_json_type(value, ty)
        {
            self.problem(
                at,
                format!("{} where the schema says `{ty}`", json_type(value)),
            );
            return;
        }
        if let Some(Value::Array(values)) = schema.get("enum")
            && !values.contains(value)
        {
            self.problem(at, format!("{value} is not one of the enum values"));
        }
        match value {
            Value::Object(members) => self.check_members(schema, members, at),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &at.index(i));
                    }
                }
            }
            _ => {}
        }
    }

    fn check_members(
        &mut self,
        schema: &'d Map<String, Value>,
        members: &Map<String, Value>,
        at: &JsonPointer,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if members.contains_key(name) {
                continue;
            }
            let property = properties
                .and_then(|p| p.get(name))
                .map(|p| self.resolve(p));
            let flag = |key: &str| property.and_then(|p| p.get(key)) == Some(&Value::Bool(true));
            let excused = match self.direction {
                Direction::Request => flag("readOnly"),
                Direction::Response => flag("writeOnly"),
                Direction::Either => flag("readOnly") || flag("writeOnly"),
            };
            if !excused {
                self.problem(at, format!("required member `{name}` is missing"));
            }
        }
        for (name, member) in members {
            let here = at.child(name);
            match properties.and_then(|p| p.get(name)) {
                Some(property) => self.check(property, member, &here),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        self.problem(
                            &here,
                            "member not allowed (`additionalProperties: false`)".into(),
                        );
                    }
                    Some(extra @ Value::Object(_)) => self.check(extra, member, &here),
                    _ => {}
                },
            }
        }
    }
}

fn is_json_type(ty: &str) -> bool {
    matches!(
        ty,
        "string" | "number" | "integer" | "boolean" | "array" | "object"
    )
}

fn has_json_type(value: &Value, ty: &str) -> bool {
    match (ty, value) {
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        ("number", Value::Number(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        _ => false,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl SpecDefects {
    /// Plain text: one change or example a line, grouped by pass.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} ({}): {} repairs and patches, {} examples contradicting their schema\n",
            self.version,
            self.root,
            self.changes.len(),
            self.examples.len()
        );
        for (pass, changes) in self.by_pass() {
            out.push_str(&format!(
                "\n{pass} ({}, {}): {}\n",
                changes[0].kind,
                changes.len(),
                changes[0].defect
            ));
            for change in changes {
                out.push_str(&format!(
                    "  {}: {}\n",
                    location_text(&change.location),
                    change.repair
                ));
            }
        }
        if !self.examples.is_empty() {
            out.push_str("\nexamples contradicting their schema:\n");
        }
        for example in &self.examples {
            out.push_str(&format!("  {}\n", location_text(&example.location)));
            for problem in &example.problems {
                out.push_str(&format!("    {problem}\n"));
            }
        }
        out
    }

    /// Markdown, for a job summary: a section per pass with a table of its
    /// changes, then the examples.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "## {} (`{}`)\n\n{} repairs and targeted patches of upstream defects, {} examples that contradict their own schema.\n",
            self.version,
            self.root,
            self.changes.len(),
            self.examples.len()
        );
        for (pass, changes) in self.by_pass() {
            out.push_str(&format!(
                "\n### `{pass}` ({}, {})\n\n{}\n\n| upstream file | pointer | what the repair did |\n|---|---|---|\n",
                changes[0].kind,
                changes.len(),
                changes[0].defect
            ));
            for change in changes {
                let (file, pointer) = location_cells(&change.location);
                out.push_str(&format!(
                    "| {file} | {pointer} | {} |\n",
                    cell(&change.repair)
                ));
            }
        }
        if !self.examples.is_empty() {
            out.push_str(
                "\n### Examples that contradict their schema\n\n| upstream file | pointer | what is wrong |\n|---|---|---|\n",
            );
            for example in &self.examples {
                let (file, pointer) = location_cells(&example.location);
                let problems: Vec<String> = example.problems.iter().map(|p| cell(p)).collect();
                out.push_str(&format!(
                    "| {file} | {pointer} | {} |\n",
                    problems.join("<br>")
                ));
            }
        }
        out
    }

    /// The changes grouped by pass, in the order the passes ran.
    fn by_pass(&self) -> Vec<(&'static str, Vec<&DefectChange>)> {
        let mut groups: Vec<(&'static str, Vec<&DefectChange>)> = Vec::new();
        for change in &self.changes {
            match groups.iter_mut().find(|(pass, _)| *pass == change.pass) {
                Some((_, list)) => list.push(change),
                None => groups.push((change.pass, vec![change])),
            }
        }
        groups
    }
}

fn location_text(location: &Location) -> String {
    match &location.file {
        Some(file) => format!("{file}#{}", location.pointer),
        None => format!("(bundled) #{}", location.pointer),
    }
}

fn location_cells(location: &Location) -> (String, String) {
    let file = location
        .file
        .as_deref()
        .map_or_else(|| "(bundled document)".to_string(), |f| format!("`{f}`"));
    (file, format!("`{}`", cell(&location.pointer)))
}

/// Text made safe for a markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn example_locations_name_their_schema() {
        assert_eq!(
            schema_of_example("/components/schemas/A/example").as_deref(),
            Some("/components/schemas/A")
        );
        assert_eq!(
            schema_of_example("/paths/~1a/get/responses/200/content/application~1json/example")
                .as_deref(),
            Some("/paths/~1a/get/responses/200/content/application~1json/schema")
        );
        assert_eq!(
            schema_of_example(
                "/paths/~1a/post/requestBody/content/application~1json/examples/One/value"
            )
            .as_deref(),
            Some("/paths/~1a/post/requestBody/content/application~1json/schema")
        );
        assert_eq!(schema_of_example("/components/schemas/A/properties"), None);
    }

    #[test]
    fn examples_that_contradict_their_schema_are_found_and_others_pass() {
        let document = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"},
                    "example": {"name": "n"}}}},
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "examples": {
                        "good": {"value": [{"id": "1", "name": "n", "level": "LOW"}]},
                        "bad": {"value": {"id": "1"}}}}}}}}}},
            "components": {"schemas": {
                "Item": {"type": "object", "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string", "readOnly": true},
                        "name": {"type": "string"},
                        "level": {"type": "string", "enum": ["LOW", "HIGH"]},
                        "count": {"type": "integer"}},
                    "example": {"id": "1", "name": null, "level": "MEDIUM", "count": 2.5}},
                "Choice": {"oneOf": [{"type": "string"}, {"type": "integer"}], "example": true}}}
        });
        let found = example_contradictions(&document);
        let by_location: HashMap<&str, &Vec<String>> =
            found.iter().map(|(l, p)| (l.as_str(), p)).collect();
        assert_eq!(
            by_location.get("/components/schemas/Item/example"),
            Some(&&vec![
                "/name: null, but the schema is not nullable".to_string(),
                "/level: \"MEDIUM\" is not one of the enum values".to_string(),
                "/count: a number where the schema says `integer`".to_string(),
            ])
        );
        assert_eq!(
            by_location.get("/components/schemas/Choice/example"),
            Some(&&vec![
                "/: matches none of the 2 `oneOf` choices".to_string()
            ])
        );
        let bad = "/paths/~1a/post/responses/200/content/application~1json/examples/bad/value";
        assert_eq!(
            by_location.get(bad),
            Some(&&vec![
                "/: an object where the schema says `array`".to_string()
            ])
        );
        // The request example leaves out only the read-only `id`; the good
        // response example fits.
        assert_eq!(found.len(), 3, "{found:?}");
    }
}
