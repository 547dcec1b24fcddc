//! Stage 2: bundle. Turns one root spec file and the thousands of files it
//! reaches through relative `$ref`s into a single OpenAPI 3.0 document whose
//! only references are internal `#/components/schemas/...` ones.
//!
//! The walk knows the OpenAPI structure, so it knows what each `$ref` points
//! at:
//! - a `$ref` in a schema position becomes a named `components.schemas` entry
//!   (one per distinct file and pointer, however many times it is reached),
//!   which keeps recursive schemas finite and gives every type a stable name;
//! - any other `$ref` (path items, parameters, responses, request bodies,
//!   headers, examples) is replaced by the object it points at.
//!
//! Names: the root's own `components.schemas` name wins; otherwise the file
//! stem (or the last pointer segment for fragment refs). Two different
//! targets that want the same name are told apart by their directories, so a
//! name never stands for two schemas and the result does not depend on the
//! order the walk met them.

use std::collections::{BTreeMap, HashMap, HashSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::load::{Loader, resolve_ref};
use crate::openapi::is_http_method;
use crate::pointer::{JsonPointer, Site, SpecPath, Target};

/// A bundled document and where each of its schema components came from.
pub struct Bundle {
    pub root: SpecPath,
    pub document: Value,
    /// Every component in `components.schemas`, sorted by name.
    pub components: Vec<ComponentOrigin>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentOrigin {
    pub name: String,
    /// `file#pointer` the schema was taken from.
    pub origin: String,
    /// How the name was chosen.
    pub naming: Naming,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// The root document's `components.schemas` gives this name.
    Root,
    /// The root gives a second name to a schema it already named; the
    /// component is a `$ref` to the first name.
    RootAlias,
    /// Taken from the file stem or the last pointer segment.
    Derived,
    /// The derived name was taken; qualified by directories to tell it apart.
    Qualified,
}

impl Naming {
    pub fn as_str(self) -> &'static str {
        match self {
            Naming::Root => "root",
            Naming::RootAlias => "root-alias",
            Naming::Derived => "derived",
            Naming::Qualified => "qualified",
        }
    }
}

/// What the walk is looking at, which decides what a `$ref` there means.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Node {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Encoding,
    Example,
    Callback,
    Schema,
    /// Literal data (`example`, `default`, `enum`, extensions): copied as is.
    Literal,
    /// Anything else: walked, and its `$ref`s are inlined.
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    One(Node),
    MapOf(Node),
    ListOf(Node),
}

fn child_kind(node: Node, key: &str) -> Kind {
    use Kind::*;
    use Node::*;
    // SailPoint's event triggers: path items whose payload schemas users
    // need as types, so they are bundled like `paths`.
    if (node, key) == (Document, "x-webhooks") {
        return MapOf(PathItem);
    }
    if key.starts_with("x-") {
        return One(Literal);
    }
    match (node, key) {
        (Document, "paths") => MapOf(PathItem),
        (Document, "components") => One(Components),
        (Components, "schemas") => MapOf(Schema),
        (Components, "parameters") => MapOf(Parameter),
        (Components, "responses") => MapOf(Response),
        (Components, "requestBodies") => MapOf(RequestBody),
        (Components, "headers") => MapOf(Header),
        (Components, "examples") => MapOf(Example),
        (Components, "callbacks") => MapOf(Callback),
        (PathItem, "parameters") | (Operation, "parameters") => ListOf(Parameter),
        (PathItem, m) if is_http_method(m) => One(Operation),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => MapOf(Response),
        (Operation, "callbacks") => MapOf(Callback),
        (Callback, _) => One(PathItem),
        (Parameter | Header | MediaType, "schema") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => MapOf(MediaType),
        (Parameter | Header | MediaType, "examples") => MapOf(Example),
        (Parameter | Header | MediaType, "example") => One(Literal),
        (Response | Encoding, "headers") => MapOf(Header),
        (MediaType, "encoding") => MapOf(Encoding),
        (Example, "value") => One(Literal),
        (Schema, "properties") => MapOf(Schema),
        (Schema, "items" | "additionalProperties" | "not") => One(Schema),
        (Schema, "allOf" | "oneOf" | "anyOf") => ListOf(Schema),
        (Schema, "externalDocs" | "xml") => One(Other),
        // Everything else in a schema is a keyword value or a stray key;
        // either way it is data, not a place to follow references.
        (Schema, _) => One(Literal),
        (Literal, _) => One(Literal),
        _ => One(Other),
    }
}

/// A placeholder `$ref` for schema target number `idx`, replaced by the
/// component's final name once every target is known.
const PLACEHOLDER: char = '\u{1}';

fn placeholder(idx: usize) -> String {
    format!("{PLACEHOLDER}{idx}")
}

struct SchemaSlot {
    target: Target,
    content: Option<Value>,
}

struct Walker<'l> {
    loader: &'l Loader,
    root: SpecPath,
    root_doc: std::sync::Arc<Value>,
    slots: Vec<SchemaSlot>,
    slot_of: HashMap<Target, usize>,
    pending: Vec<(usize, Site)>,
    inlining: Vec<Target>,
    file: SpecPath,
    pointer: JsonPointer,
}

/// Loads a root file and everything it reaches, then bundles it.
pub fn bundle(loader: &Loader, root: &SpecPath) -> Result<Bundle, Error> {
    loader.load_reachable(std::slice::from_ref(root))?;
    bundle_loaded(loader, root)
}

/// Bundles a root whose files may already be cached in `loader`.
pub fn bundle_loaded(loader: &Loader, root: &SpecPath) -> Result<Bundle, Error> {
    let root_doc = loader.load(root, None)?;
    check_openapi_30(root, &root_doc)?;
    let mut walker = Walker {
        loader,
        root: root.clone(),
        root_doc: root_doc.clone(),
        slots: Vec::new(),
        slot_of: HashMap::new(),
        pending: Vec::new(),
        inlining: Vec::new(),
        file: root.clone(),
        pointer: JsonPointer::root(),
    };

    // The root's own schema names come first: they reserve their targets.
    let mut reserved: Vec<(String, usize, Naming)> = Vec::new();
    let mut named: HashMap<usize, String> = HashMap::new();
    if let Some(Value::Object(schemas)) = root_doc.pointer("/components/schemas") {
        for (name, value) in schemas {
            let own = Target {
                file: root.clone(),
                pointer: JsonPointer::from_segments(["components", "schemas", name]),
            };
            let site = Site {
                file: root.clone(),
                pointer: own.pointer.clone(),
            };
            let target = if ref_only(value).is_some() {
                walker.canonical(own, &site)?
            } else {
                own
            };
            let idx = walker.intern(target, &site);
            match named.get(&idx) {
                Some(_) => reserved.push((name.clone(), idx, Naming::RootAlias)),
                None => {
                    named.insert(idx, name.clone());
                    reserved.push((name.clone(), idx, Naming::Root));
                }
            }
        }
    }

    let mut document = Map::new();
    let Value::Object(root_map) = &*root_doc else {
        return Err(Error::NotOpenApi30 {
            file: root.clone(),
            found: "a document that is not an object".into(),
        });
    };
    for (key, value) in root_map {
        walker.pointer = JsonPointer::from_segments([key.as_str()]);
        let walked = if key == "components" {
            walker.walk_components(value)?
        } else {
            walker.walk(value, child_kind(Node::Document, key))?
        };
        document.insert(key.clone(), walked);
    }
    walker.drain_pending()?;
    check_alias_cycles(&walker.slots)?;

    let names = assign_names(&walker.slots, &named, &root_version_dir(root));
    let mut schemas: BTreeMap<String, (Value, ComponentOrigin)> = BTreeMap::new();
    for (idx, slot) in walker.slots.iter_mut().enumerate() {
        let (name, naming) = &names[idx];
        let content = slot
            .content
            .take()
            .ok_or_else(|| Error::Internal(format!("schema {} was never walked", slot.target)))?;
        schemas.insert(
            name.clone(),
            (
                content,
                ComponentOrigin {
                    name: name.clone(),
                    origin: slot.target.to_string(),
                    naming: *naming,
                },
            ),
        );
    }
    for (name, idx, naming) in &reserved {
        if *naming == Naming::RootAlias {
            let first = &names[*idx].0;
            let alias = serde_json::json!({ "$ref": format!("#/components/schemas/{first}") });
            schemas.insert(
                name.clone(),
                (
                    alias,
                    ComponentOrigin {
                        name: name.clone(),
                        origin: walker.slots[*idx].target.to_string(),
                        naming: Naming::RootAlias,
                    },
                ),
            );
        }
    }

    let mut components_out = Map::new();
    let mut origins = Vec::with_capacity(schemas.len());
    for (name, (value, origin)) in schemas {
        components_out.insert(name, value);
        origins.push(origin);
    }
    let components = document
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(components) = components {
        components.insert("schemas".into(), Value::Object(components_out));
    }
    let mut document = Value::Object(document);
    let final_names: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    replace_placeholders(&mut document, &final_names);
    Ok(Bundle {
        root: root.clone(),
        document,
        components: origins,
    })
}

fn check_openapi_30(root: &SpecPath, doc: &Value) -> Result<(), Error> {
    match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(other) => Err(Error::NotOpenApi30 {
            file: root.clone(),
            found: other.to_string(),
        }),
        None => Err(Error::NotOpenApi30 {
            file: root.clone(),
            found: "no `openapi` field".into(),
        }),
    }
}

/// The `$ref` of an object that holds nothing but a `$ref`.
fn ref_only(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get("$ref")?.as_str(),
        _ => None,
    }
}

impl Walker<'_> {
    fn site(&self) -> Site {
        Site {
            file: self.file.clone(),
            pointer: self.pointer.clone(),
        }
    }

    fn resolve(&self, reference: &str) -> Result<Target, Error> {
        resolve_ref(&self.file, reference).ok_or_else(|| Error::BadReference {
            site: self.site(),
            reference: reference.to_string(),
        })
    }

    /// Follows the root's `components.schemas` entries that only rename a
    /// file (`Name: {$ref: ./v2025/schemas/X.yaml}`), so that the root name
    /// and the file are one schema.
    fn canonical(&mut self, mut target: Target, site: &Site) -> Result<Target, Error> {
        let mut seen = HashSet::new();
        while target.file == self.root
            && target.pointer.as_str().starts_with("/components/schemas/")
        {
            if !seen.insert(target.clone()) {
                return Err(Error::RefCycle {
                    site: site.clone(),
                    cycle: seen.into_iter().collect(),
                });
            }
            let Some(value) = target.pointer.follow(&self.root_doc) else {
                return Err(Error::MissingPointer {
                    referrer: site.clone(),
                    target,
                });
            };
            let Some(reference) = ref_only(value) else {
                break;
            };
            target = resolve_ref(&self.root, reference).ok_or_else(|| Error::BadReference {
                site: Site {
                    file: self.root.clone(),
                    pointer: target.pointer.child("$ref"),
                },
                reference: reference.to_string(),
            })?;
        }
        Ok(target)
    }

    fn intern(&mut self, target: Target, site: &Site) -> usize {
        if let Some(&idx) = self.slot_of.get(&target) {
            return idx;
        }
        let idx = self.slots.len();
        self.slot_of.insert(target.clone(), idx);
        self.slots.push(SchemaSlot {
            target,
            content: None,
        });
        self.pending.push((idx, site.clone()));
        idx
    }

    /// Walks every schema target met so far, and those they reach in turn.
    fn drain_pending(&mut self) -> Result<(), Error> {
        while let Some((idx, referrer)) = self.pending.pop() {
            let target = self.slots[idx].target.clone();
            let (_, value) = self.loader.get(&target, &referrer)?;
            expect_object(&value, &target, &referrer, "a schema")?;
            let saved = (
                std::mem::replace(&mut self.file, target.file.clone()),
                std::mem::replace(&mut self.pointer, target.pointer.clone()),
            );
            let walked = self.walk(&value, Kind::One(Node::Schema));
            (self.file, self.pointer) = saved;
            self.slots[idx].content = Some(walked?);
        }
        Ok(())
    }

    /// The root's `components`: schemas were interned up front; the other
    /// sections are walked like any other part of the document.
    fn walk_components(&mut self, value: &Value) -> Result<Value, Error> {
        let Value::Object(map) = value else {
            return self.walk(value, Kind::One(Node::Other));
        };
        let mut out = Map::new();
        for (key, child) in map {
            if key == "schemas" {
                continue;
            }
            self.pointer.push(key);
            let walked = self.walk(child, child_kind(Node::Components, key));
            self.pointer.pop();
            out.insert(key.clone(), walked?);
        }
        Ok(Value::Object(out))
    }

    fn walk(&mut self, value: &Value, kind: Kind) -> Result<Value, Error> {
        match (kind, value) {
            // Upstream writes `example: {$ref: examples/X.yaml}` to keep big
            // examples in their own files; the example is that file's data.
            (Kind::One(Node::Literal), _) => match ref_only(value) {
                Some(reference) => self.walk_ref(reference, Node::Literal, &Map::new()),
                None => Ok(value.clone()),
            },
            (Kind::One(node), Value::Object(map)) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.walk_ref(reference, node, map);
                }
                if node == Node::Schema && map.contains_key("discriminator") {
                    return self.walk_schema_with_discriminator(map);
                }
                self.walk_object(map, |key| child_kind(node, key))
            }
            (Kind::MapOf(node), Value::Object(map)) => self.walk_object(map, |key| {
                if key.starts_with("x-") {
                    Kind::One(Node::Literal)
                } else {
                    Kind::One(node)
                }
            }),
            (Kind::ListOf(node), Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    self.pointer.push_index(i);
                    let walked = self.walk(item, Kind::One(node));
                    self.pointer.pop();
                    out.push(walked?);
                }
                Ok(Value::Array(out))
            }
            (Kind::One(_), Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    self.pointer.push_index(i);
                    let walked = self.walk(item, Kind::One(Node::Other));
                    self.pointer.pop();
                    out.push(walked?);
                }
                Ok(Value::Array(out))
            }
            _ => Ok(value.clone()),
        }
    }

    fn walk_object(
        &mut self,
        map: &Map<String, Value>,
        kind_of: impl Fn(&str) -> Kind,
    ) -> Result<Value, Error> {
        let mut out = Map::with_capacity(map.len());
        for (key, child) in map {
            self.pointer.push(key);
            let walked = self.walk(child, kind_of(key));
            self.pointer.pop();
            out.insert(key.clone(), walked?);
        }
        Ok(Value::Object(out))
    }

    /// `discriminator.mapping` values are schema references written as plain
    /// strings; they get the same treatment as `$ref`s in schema positions.
    fn walk_schema_with_discriminator(&mut self, map: &Map<String, Value>) -> Result<Value, Error> {
        let mut walked = self.walk_object(map, |key| child_kind(Node::Schema, key))?;
        let Some(Value::Object(mapping)) = walked.pointer_mut("/discriminator/mapping") else {
            return Ok(walked);
        };
        for (key, value) in mapping.iter_mut() {
            let Value::String(reference) = value else {
                continue;
            };
            if !reference.contains('#') && !reference.contains('/') && !reference.contains('.') {
                continue; // a bare schema name, already internal
            }
            let site = Site {
                file: self.file.clone(),
                pointer: self
                    .pointer
                    .child("discriminator")
                    .child("mapping")
                    .child(key),
            };
            let target = resolve_ref(&self.file, reference).ok_or_else(|| Error::BadReference {
                site: site.clone(),
                reference: reference.clone(),
            })?;
            let target = self.canonical(target, &site)?;
            let idx = self.intern(target, &site);
            *reference = placeholder(idx);
        }
        Ok(walked)
    }

    fn walk_ref(
        &mut self,
        reference: &str,
        node: Node,
        map: &Map<String, Value>,
    ) -> Result<Value, Error> {
        self.pointer.push("$ref");
        let site = self.site();
        let target = self.resolve(reference);
        self.pointer.pop();
        let target = target?;

        if node == Node::Schema {
            let target = self.canonical(target, &site)?;
            let idx = self.intern(target, &site);
            // Keep sibling keywords (OpenAPI 3.0 ignores them, but they are
            // upstream's words, e.g. a description).
            let mut out = Map::with_capacity(map.len());
            for (key, child) in map {
                if key == "$ref" {
                    out.insert(key.clone(), Value::String(placeholder(idx)));
                } else {
                    out.insert(key.clone(), child.clone());
                }
            }
            return Ok(Value::Object(out));
        }

        // Any other object is inlined, walked in the context of its own file.
        if self.inlining.contains(&target) {
            let mut cycle = self.inlining.clone();
            cycle.push(target);
            return Err(Error::RefCycle { site, cycle });
        }
        let (_, value) = self.loader.get(&target, &site)?;
        if node != Node::Literal {
            expect_object(&value, &target, &site, "an object")?;
        }
        self.inlining.push(target.clone());
        let saved = (
            std::mem::replace(&mut self.file, target.file),
            std::mem::replace(&mut self.pointer, target.pointer),
        );
        let walked = self.walk(&value, Kind::One(node));
        (self.file, self.pointer) = saved;
        self.inlining.pop();
        walked
    }
}

/// A `$ref` target that must be a mapping (a schema, path item, parameter,
/// ...): anything else would only fail in generation, far from its file.
fn expect_object(
    value: &Value,
    target: &Target,
    referrer: &Site,
    expected: &'static str,
) -> Result<(), Error> {
    let found = match value {
        Value::Object(_) => return Ok(()),
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
    };
    Err(Error::NotAnObject {
        referrer: referrer.clone(),
        target: target.clone(),
        expected,
        found: found.into(),
    })
}

/// Slots a schema is an alias of: its `$ref`, and the `$ref`s of its
/// `allOf`/`oneOf`/`anyOf` members (inline members looked into). A cycle of
/// these has no `properties`/`items` in between, so the type would be its
/// own member: typify overflows its stack on it, or the generated type does
/// on its first decode.
fn alias_edges(schema: &Value, out: &mut Vec<usize>) {
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(Value::String(reference)) = map.get("$ref") {
        // OpenAPI 3.0 ignores a `$ref`'s siblings, so they make no edges.
        if let Some(idx) = placeholder_index(reference) {
            out.push(idx);
        }
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            for member in members {
                alias_edges(member, out);
            }
        }
    }
}

fn placeholder_index(reference: &str) -> Option<usize> {
    reference.strip_prefix(PLACEHOLDER)?.parse().ok()
}

fn check_alias_cycles(slots: &[SchemaSlot]) -> Result<(), Error> {
    let edges: Vec<Vec<usize>> = slots
        .iter()
        .map(|slot| {
            let mut out = Vec::new();
            if let Some(content) = &slot.content {
                alias_edges(content, &mut out);
            }
            out
        })
        .collect();
    // Start from targets in sorted order, so the cycle reported does not
    // depend on the order the walk met the files.
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by(|&a, &b| slots[a].target.cmp(&slots[b].target));
    let Some(mut cycle) = find_cycle(&edges, &order) else {
        return Ok(());
    };
    // Begin at the smallest target: one cycle, one message.
    let first = (0..cycle.len())
        .min_by(|&a, &b| slots[cycle[a]].target.cmp(&slots[cycle[b]].target))
        .unwrap_or(0);
    cycle.rotate_left(first);
    cycle.push(cycle[0]);
    Err(Error::SchemaAliasCycle {
        cycle: cycle.iter().map(|&i| slots[i].target.clone()).collect(),
    })
}

/// A cycle of `edges`, as the nodes along it, found by an iterative
/// depth-first search (a long alias chain must not overflow the stack).
fn find_cycle(edges: &[Vec<usize>], order: &[usize]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; edges.len()];
    for &start in order {
        if state[start] != State::New {
            continue;
        }
        state[start] = State::Open;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let Some(&next) = edges[node].get(top.1) else {
                state[node] = State::Done;
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state[next] {
                State::New => {
                    state[next] = State::Open;
                    stack.push((next, 0));
                }
                State::Open => {
                    let from = stack.iter().position(|&(n, _)| n == next)?;
                    return Some(stack[from..].iter().map(|&(n, _)| n).collect());
                }
                State::Done => {}
            }
        }
    }
    None
}

/// `idn/v2025/` for `idn/sailpoint-api.v2025.yaml`: the directory whose
/// schemas get first claim on a contested name.
fn root_version_dir(root: &SpecPath) -> String {
    let version = root.stem().rsplit('.').next().unwrap_or_default();
    if root.dir().is_empty() {
        format!("{version}/")
    } else {
        format!("{}/{version}/", root.dir())
    }
}

/// Directory names that say nothing about a schema, skipped when qualifying.
const UNINFORMATIVE_DIRS: [&str; 3] = ["idn", "schemas", "model"];

fn collision_key(name: &str) -> String {
    name.to_upper_camel_case()
}

fn derived_name(target: &Target) -> String {
    let raw = match target.pointer.last_segment() {
        None => target.file.stem().to_string(),
        Some(last) => last.into_owned(),
    };
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "Schema".to_string()
    } else {
        cleaned
    }
}

/// Qualifiers for a target, nearest first: for a fragment, the file stem;
/// then the informative directories up from the file.
fn qualifiers(target: &Target) -> Vec<String> {
    let mut out = Vec::new();
    if !target.pointer.is_root() {
        out.push(target.file.stem().to_upper_camel_case());
    }
    for dir in target.file.dir().rsplit('/') {
        if !dir.is_empty() && !UNINFORMATIVE_DIRS.contains(&dir) {
            out.push(dir.to_upper_camel_case());
        }
    }
    out
}

/// Chooses one name per schema target. Reserved (root-given) names are fixed;
/// a derived name is used where no one else wants it; contested names are
/// qualified with directories, the target in the root's own version
/// directory keeping the plain name. Depends only on the set of targets.
fn assign_names(
    slots: &[SchemaSlot],
    reserved: &HashMap<usize, String>,
    version_dir: &str,
) -> Vec<(String, Naming)> {
    let mut names: Vec<Option<(String, Naming)>> = vec![None; slots.len()];
    let mut used: HashSet<String> = HashSet::new();
    for (&idx, name) in reserved {
        names[idx] = Some((name.clone(), Naming::Root));
        used.insert(collision_key(name));
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (idx, slot) in slots.iter().enumerate() {
        if names[idx].is_none() {
            groups
                .entry(collision_key(&derived_name(&slot.target)))
                .or_default()
                .push(idx);
        }
    }
    // Uncontested names first, so that qualifying a contested one can never
    // take a name that some other schema has by right.
    let mut contested = Vec::new();
    for (key, members) in &groups {
        if members.len() == 1 && !used.contains(key) {
            let idx = members[0];
            names[idx] = Some((derived_name(&slots[idx].target), Naming::Derived));
            used.insert(key.clone());
        } else {
            contested.push(members.clone());
        }
    }
    for mut members in contested {
        members.sort_by_key(|&idx| {
            let t = &slots[idx].target;
            (
                !t.file.as_str().starts_with(version_dir),
                !t.pointer.is_root(),
                t.file.as_str().matches('/').count(),
                t.file.clone(),
                t.pointer.clone(),
            )
        });
        for idx in members {
            let target = &slots[idx].target;
            let base = derived_name(target);
            if used.insert(collision_key(&base)) {
                names[idx] = Some((base, Naming::Derived));
                continue;
            }
            let quals = qualifiers(target);
            let mut chosen = None;
            for depth in 1..=quals.len() {
                let prefix: String = quals[..depth].iter().rev().cloned().collect();
                let candidate = format!("{prefix}{}", base.to_upper_camel_case());
                if used.insert(collision_key(&candidate)) {
                    chosen = Some(candidate);
                    break;
                }
            }
            let name = chosen.unwrap_or_else(|| {
                let mut n = 2;
                loop {
                    let candidate = format!("{base}{n}");
                    if used.insert(collision_key(&candidate)) {
                        break candidate;
                    }
                    n += 1;
                }
            });
            names[idx] = Some((name, Naming::Qualified));
        }
    }
    names
        .into_iter()
        .map(|n| n.unwrap_or_else(|| ("Unnamed".into(), Naming::Derived)))
        .collect()
}

fn replace_placeholders(value: &mut Value, names: &[&str]) {
    let lookup = |s: &str| -> Option<String> {
        let idx = placeholder_index(s)?;
        Some(format!("#/components/schemas/{}", names.get(idx)?))
    };
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(s) if key == "$ref" => {
                        if let Some(r) = lookup(s) {
                            *s = r;
                        }
                    }
                    Value::Object(mapping) if key == "mapping" => {
                        for v in mapping.values_mut() {
                            match v {
                                Value::String(s) => {
                                    if let Some(r) = lookup(s) {
                                        *s = r;
                                    }
                                }
                                other => replace_placeholders(other, names),
                            }
                        }
                    }
                    _ => replace_placeholders(child, names),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_placeholders(v, names)),
        _ => {}
    }
}

/// Counts the operations (method entries under `paths`) of a document.
pub fn count_operations(document: &Value) -> usize {
    document
        .get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| item.keys().filter(|k| is_http_method(k)).count())
                .sum()
        })
}

/// One line per component: name, how it was named, and `file#pointer` of
/// origin, tab-separated. Reviewed as a snapshot when specs change.
pub fn components_table(components: &[ComponentOrigin]) -> String {
    let mut out = String::new();
    for c in components {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            c.name,
            c.naming.as_str(),
            c.origin
        ));
    }
    out
}
