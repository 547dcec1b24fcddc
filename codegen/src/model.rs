//! The typed model of one API version, built once from the normalized
//! document ([`ApiModel::build`]) and read by every later stage and tool:
//! split, docs, hooks, pagination, search, downloads, features, surface,
//! drift and conformance. Each fact about an operation (its parameters and
//! their serialization, its bodies, its paging, its authentication) is
//! decided here and nowhere else.
//!
//! Schemas stay JSON (`serde_json::Value`, with `$ref`s into
//! `components.schemas`): typify is the authority on what a schema becomes
//! in Rust, and the model only records where each component is reachable
//! from and which file it came from.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::Error;
use crate::names::OperationKey;
use crate::normalize::{Normalized, Plan};
use crate::openapi::{StatusClass, is_http_method, is_json_media_type};
use crate::pointer::JsonPointer;

/// Where `$ref`s to schema components point.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// One API version: its operations in document order and its schema
/// components by name.
#[derive(Clone, Debug, Default)]
pub struct ApiModel {
    pub operations: Vec<Operation>,
    pub schemas: BTreeMap<String, SchemaInfo>,
}

/// What the model knows of a schema component besides its JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaInfo {
    /// The upstream file (and pointer) it was bundled from, `file#pointer`;
    /// `None` for components the generator made (hoisted inline schemas).
    pub origin: Option<String>,
    /// Reachable from a parameter or a request body.
    pub in_requests: bool,
    /// Reachable from a response.
    pub in_responses: bool,
}

/// An HTTP method of OpenAPI 3.0's path item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method of a path item key (`get`), `None` for other keys.
    pub fn from_key(key: &str) -> Option<Method> {
        Some(match key {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            _ => return None,
        })
    }

    /// The path item key: `get`.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// As on the wire: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template, `/sources/{id}/schemas`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathTemplate(pub String);

impl PathTemplate {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The names of its `{variables}`, in order.
    pub fn variables(&self) -> Vec<&str> {
        self.0
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a parameter goes (`in`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    pub fn from_key(key: &str) -> Option<Location> {
        Some(match key {
            "path" => Location::Path,
            "query" => Location::Query,
            "header" => Location::Header,
            "cookie" => Location::Cookie,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// How a parameter's value is serialized (`style`, OpenAPI 3.0 §4.7.12.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Style {
    Matrix,
    Label,
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl Style {
    pub fn from_key(key: &str) -> Option<Style> {
        Some(match key {
            "matrix" => Style::Matrix,
            "label" => Style::Label,
            "form" => Style::Form,
            "simple" => Style::Simple,
            "spaceDelimited" => Style::SpaceDelimited,
            "pipeDelimited" => Style::PipeDelimited,
            "deepObject" => Style::DeepObject,
            _ => return None,
        })
    }

    /// OpenAPI's default style of a location: `form` for query and cookie,
    /// `simple` for path and header.
    pub fn default_for(location: Location) -> Style {
        match location {
            Location::Query | Location::Cookie => Style::Form,
            Location::Path | Location::Header => Style::Simple,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Matrix => "matrix",
            Style::Label => "label",
            Style::Form => "form",
            Style::Simple => "simple",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}

/// An operation parameter, with the path item's merged in (the
/// operation's own win) and `$ref`s followed. Headers the client sends
/// with a fixed value are not parameters (see [`Operation::fixed_headers`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: Location,
    /// The declared style, or the location's default.
    pub style: Style,
    /// The declared `explode`, or OpenAPI's default (`true` for `form`).
    pub explode: bool,
    pub required: bool,
    pub deprecated: bool,
    /// Its schema; `Value::Null` when it declares none.
    pub schema: Value,
    /// Its schema is an array (through a `$ref` too): `style` and
    /// `explode` say how the items are written.
    pub array: bool,
}

impl Parameter {
    /// How the runtime joins this query parameter's items, `None` for
    /// OpenAPI's default (`form`, exploded: one pair per item) and for a
    /// parameter that is no array (but a `deepObject`).
    pub fn query_join(&self) -> Option<QueryJoin> {
        if self.location != Location::Query {
            return None;
        }
        if self.style == Style::DeepObject {
            return Some(QueryJoin::DeepObject);
        }
        if !self.array {
            return None;
        }
        match (self.style, self.explode) {
            (Style::Form, false) => Some(QueryJoin::Comma),
            (Style::SpaceDelimited, _) => Some(QueryJoin::Space),
            (Style::PipeDelimited, _) => Some(QueryJoin::Pipe),
            _ => None,
        }
    }
}

/// How the items of an array query parameter are joined into one pair
/// (`sailpoint_runtime::QueryStyle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryJoin {
    /// `style: form, explode: false`: `a=1,2`.
    Comma,
    /// `style: spaceDelimited`: `a=1%202`.
    Space,
    /// `style: pipeDelimited`: `a=1%7C2`.
    Pipe,
    /// `style: deepObject` (an object, not an array): `a[key]=1`, written
    /// through `sailpoint_runtime::DeepObject` ([`crate::generate::deep_objects`]).
    DeepObject,
}

/// One media type of a body or response and its schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    pub media_type: String,
    pub schema: Option<Value>,
    /// The parts of a `multipart/form-data` request body, in the order of
    /// its schema's properties; empty for any other content.
    pub parts: Vec<Part>,
}

/// One part of a `multipart/form-data` body: a property of its schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The property's name, the part's name on the wire.
    pub name: String,
    /// The property's schema as written (a `$ref` or inline).
    pub schema: Value,
    pub required: bool,
    /// The property's `type` and `format`, `$ref` followed once.
    pub json_type: Option<String>,
    pub format: Option<String>,
    pub description: Option<String>,
    /// `encoding.<name>.contentType`: the media types the part may be
    /// sent as, comma-separated.
    pub content_type: Option<String>,
}

impl Part {
    /// A file: `type: string, format: binary`.
    pub fn is_binary(&self) -> bool {
        self.json_type.as_deref() == Some("string") && self.format.as_deref() == Some("binary")
    }
}

impl Content {
    pub fn is_json(&self) -> bool {
        is_json_media_type(&self.media_type)
    }
}

/// The request body of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    /// By media type, in document order.
    pub contents: Vec<Content>,
    /// The `Content-Type` the client sends when the body is JSON on the
    /// wire under another media type (`application/json-patch+json`).
    pub wire_content_type: Option<String>,
}

impl RequestBody {
    /// The JSON content, if any.
    pub fn json(&self) -> Option<&Content> {
        self.contents.iter().find(|c| c.is_json())
    }
}

/// One declared response, `$ref` followed.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The `responses` key: `200`, `4XX`, `default`.
    pub status: String,
    /// `None` for a key OpenAPI does not allow.
    pub class: Option<StatusClass>,
    pub contents: Vec<Content>,
}

impl Response {
    /// A 2XX response (not `default`).
    pub fn is_success(&self) -> bool {
        self.class == Some(StatusClass::Success)
    }

    /// A 2XX response or `default` (progenitor takes success types from both).
    pub fn is_success_or_default(&self) -> bool {
        matches!(
            self.class,
            Some(StatusClass::Success | StatusClass::Default)
        )
    }

    /// A 4XX or 5XX response.
    pub fn is_error(&self) -> bool {
        matches!(
            self.class,
            Some(StatusClass::ClientError | StatusClass::ServerError)
        )
    }

    pub fn json(&self) -> Option<&Content> {
        self.contents.iter().find(|c| c.is_json())
    }
}

/// How an operation's list is paged, decided once here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Paging {
    /// Not a paged list.
    None,
    /// `limit` and `offset` query parameters and a JSON array answer: the
    /// builder gets an offset `.stream()`.
    Offset,
    /// The search operation: a JSON body with `sort` and `searchAfter`
    /// arrays, a `limit` query parameter and a JSON array answer; its
    /// `.stream()` pages with `searchAfter` (search refuses
    /// `offset + limit` past 10,000 hits).
    SearchAfter,
}

/// One way to satisfy `security`: scheme names with their scopes.
pub type SecurityRequirement = Vec<(String, Vec<String>)>;

/// One operation of the API.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Its `operationId` and the Rust names derived from it.
    pub key: OperationKey,
    /// `/paths/<path>/<method>` in the normalized document.
    pub pointer: JsonPointer,
    pub method: Method,
    pub path: PathTemplate,
    pub tags: Vec<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    /// In document order.
    pub responses: Vec<Response>,
    pub paging: Paging,
    /// The media types of success responses offering several, not all
    /// JSON (JSON or CSV): the builder gets `.download(media_type)`.
    /// Empty otherwise.
    pub alternative_media: Vec<String>,
    /// The operation's `security`, else the document's; `None` when
    /// neither declares any.
    pub security: Option<Vec<SecurityRequirement>>,
    /// `security` is the operation's own, not inherited from the document.
    pub own_security: bool,
    /// `x-sailpoint-userLevels`.
    pub user_levels: Vec<String>,
    /// Marked experimental upstream: the client sends
    /// `X-SailPoint-Experimental: true`.
    pub experimental: bool,
    /// Headers sent with a fixed value, not method arguments (the
    /// experimental header, a JSON-patch `Content-Type`).
    pub fixed_headers: Vec<(String, String)>,
}

impl Operation {
    pub fn id(&self) -> &str {
        self.key.operation_id()
    }

    /// Whether the runtime must authenticate the call: a `security` with
    /// at least one requirement, none of which is empty (`{}` means
    /// anonymous).
    pub fn authenticated(&self) -> bool {
        match &self.security {
            None => false,
            Some(requirements) => {
                !requirements.is_empty() && !requirements.iter().any(Vec::is_empty)
            }
        }
    }

    pub fn parameter(&self, location: Location, name: &str) -> Option<&Parameter> {
        self.parameters
            .iter()
            .find(|p| p.location == location && p.name == name)
    }

    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.is_success())
    }
}

impl ApiModel {
    /// Builds the model of a normalized document. A structural defect
    /// normalize should have repaired (an operation without an id, a
    /// parameter without a name or location) is an error naming its
    /// pointer.
    pub fn build(normalized: &Normalized) -> Result<ApiModel, Error> {
        Self::from_document(&normalized.document, &normalized.plan, &BTreeMap::new())
    }

    /// [`build`](Self::build), with each component's origin file
    /// (`file#pointer`, from the bundle).
    pub fn build_with_origins(
        normalized: &Normalized,
        origins: &BTreeMap<String, String>,
    ) -> Result<ApiModel, Error> {
        Self::from_document(&normalized.document, &normalized.plan, origins)
    }

    pub fn from_document(
        doc: &Value,
        plan: &Plan,
        origins: &BTreeMap<String, String>,
    ) -> Result<ApiModel, Error> {
        let mut operations = Vec::new();
        let mut request_roots: Vec<&Value> = Vec::new();
        let mut response_roots: Vec<&Value> = Vec::new();
        let paths = doc.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            let Some(item) = item.as_object() else {
                continue;
            };
            let shared = item.get("parameters").and_then(Value::as_array);
            for (key, operation) in item.iter().filter(|(k, _)| is_http_method(k)) {
                let pointer = JsonPointer::from_segments(["paths", path, key]);
                let op = build_operation(
                    doc,
                    plan,
                    path,
                    key,
                    operation,
                    shared,
                    pointer,
                    &mut request_roots,
                    &mut response_roots,
                )?;
                operations.push(op);
            }
        }
        let requests = reachable_schemas(doc, &request_roots);
        let responses = reachable_schemas(doc, &response_roots);
        let mut schemas = BTreeMap::new();
        let components = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for name in components.into_iter().flat_map(|c| c.keys()) {
            schemas.insert(
                name.clone(),
                SchemaInfo {
                    origin: origins.get(name).cloned(),
                    in_requests: requests.contains(name),
                    in_responses: responses.contains(name),
                },
            );
        }
        Ok(ApiModel {
            operations,
            schemas,
        })
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id() == id)
    }

    /// The operations paged the given way, in document order.
    pub fn paged(&self, paging: Paging) -> impl Iterator<Item = &Operation> {
        self.operations.iter().filter(move |o| o.paging == paging)
    }
}

#[allow(clippy::too_many_arguments)]
fn build_operation<'d>(
    doc: &'d Value,
    plan: &Plan,
    path: &str,
    method_key: &str,
    operation: &'d Value,
    shared: Option<&'d Vec<Value>>,
    pointer: JsonPointer,
    request_roots: &mut Vec<&'d Value>,
    response_roots: &mut Vec<&'d Value>,
) -> Result<Operation, Error> {
    let structural = |what: &str, at: &JsonPointer| Error::Generate {
        culprit: Some(format!("`{at}`")),
        message: what.to_string(),
    };
    let method =
        Method::from_key(method_key).ok_or_else(|| structural("not an HTTP method", &pointer))?;
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| structural("operation without an `operationId`", &pointer))?;
    let fixed_headers = {
        let mut headers = plan.fixed_headers.get(id).cloned().unwrap_or_default();
        if let Some(content_type) = plan.request_content_types.get(id) {
            headers.push(("Content-Type".to_string(), content_type.clone()));
        }
        headers
    };
    let fixed_names: BTreeSet<String> = fixed_headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();

    // The path item's parameters first, then the operation's, which win.
    let own = operation.get("parameters").and_then(Value::as_array);
    let mut parameters: Vec<Parameter> = Vec::new();
    for (list, list_pointer) in [
        (
            shared,
            JsonPointer::from_segments(["paths", path, "parameters"]),
        ),
        (own, pointer.child("parameters")),
    ] {
        for (index, parameter) in list.into_iter().flatten().enumerate() {
            let parameter = resolve(doc, parameter);
            request_roots.push(parameter);
            let at = list_pointer.index(index);
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| structural("parameter without a `name`", &at))?;
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .and_then(Location::from_key)
                .ok_or_else(|| structural("parameter without a valid `in`", &at))?;
            if location == Location::Header && fixed_names.contains(&name.to_ascii_lowercase()) {
                continue;
            }
            let style = match parameter.get("style").and_then(Value::as_str) {
                Some(text) => Style::from_key(text)
                    .ok_or_else(|| structural(&format!("unknown parameter style `{text}`"), &at))?,
                None => Style::default_for(location),
            };
            let explode = parameter
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == Style::Form);
            let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
            let array = resolve_schema(doc, &schema)
                .get("type")
                .and_then(Value::as_str)
                == Some("array");
            let parsed = Parameter {
                name: name.to_string(),
                location,
                style,
                explode,
                required: flag(parameter, "required"),
                deprecated: flag(parameter, "deprecated"),
                schema,
                array,
            };
            match parameters
                .iter_mut()
                .find(|p| p.name == parsed.name && p.location == parsed.location)
            {
                Some(existing) => *existing = parsed,
                None => parameters.push(parsed),
            }
        }
    }

    let request_body = operation.get("requestBody").map(|body| {
        let body = resolve(doc, body);
        request_roots.push(body);
        RequestBody {
            required: flag(body, "required"),
            contents: contents(doc, body),
            wire_content_type: plan.request_content_types.get(id).cloned(),
        }
    });

    let mut responses = Vec::new();
    for (status, response) in operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let response = resolve(doc, response);
        response_roots.push(response);
        responses.push(Response {
            status: status.clone(),
            class: StatusClass::of(status),
            contents: contents(doc, response),
        });
    }

    let security = operation
        .get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array)
        .map(|requirements| requirements.iter().map(requirement).collect());
    let strings = |key: &str| -> Vec<String> {
        operation
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };

    let mut op = Operation {
        key: OperationKey::new(id),
        pointer,
        method,
        path: PathTemplate(path.to_string()),
        tags: strings("tags"),
        deprecated: flag(operation, "deprecated"),
        parameters,
        request_body,
        responses,
        paging: Paging::None,
        alternative_media: Vec::new(),
        security,
        own_security: operation.get("security").is_some(),
        user_levels: strings("x-sailpoint-userLevels"),
        experimental: plan.experimental.contains(id),
        fixed_headers,
    };
    op.paging = paging(doc, &op);
    op.alternative_media = alternative_media(&op);
    Ok(op)
}

fn contents(doc: &Value, holder: &Value) -> Vec<Content> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media_type, media)| Content {
            media_type: media_type.clone(),
            schema: media.get("schema").cloned(),
            parts: if media_type.starts_with("multipart/form-data") {
                parts(doc, media)
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// The parts of a multipart media object: its schema's properties.
fn parts(doc: &Value, media: &Value) -> Vec<Part> {
    let schema = resolve_schema(doc, media.get("schema").unwrap_or(&Value::Null));
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(String::from);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, property)| {
            let resolved = resolve_schema(doc, property);
            Part {
                name: name.clone(),
                schema: property.clone(),
                required: required.contains(&name.as_str()),
                json_type: text(resolved, "type"),
                format: text(resolved, "format"),
                description: text(resolved, "description"),
                content_type: media
                    .get("encoding")
                    .and_then(|e| e.get(name))
                    .and_then(|e| text(e, "contentType")),
            }
        })
        .collect()
}

fn requirement(value: &Value) -> SecurityRequirement {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(scheme, scopes)| {
            let scopes = scopes
                .as_array()
                .map(|s| {
                    s.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            (scheme.clone(), scopes)
        })
        .collect()
}

/// The paging of an operation: search-after for the search operation
/// (its body has `sort` and `searchAfter` arrays, it has a `limit` query
/// parameter and its 200 answers a list), offset for any other whose
/// `limit` and `offset` query parameters page a list (every success
/// response is that list; see [`is_inline_list`]).
fn paging(doc: &Value, op: &Operation) -> Paging {
    let answers_array = |status_ok: &dyn Fn(&Response) -> bool| {
        op.responses
            .iter()
            .filter(|r| status_ok(r))
            .find_map(Response::json)
            .and_then(|c| c.schema.as_ref())
            .is_some_and(is_inline_list)
    };
    let has_query = |name: &str| op.parameter(Location::Query, name).is_some();
    let body_arrays = op
        .request_body
        .as_ref()
        .and_then(RequestBody::json)
        .and_then(|c| c.schema.as_ref())
        .map(|schema| resolve_schema(doc, schema))
        .is_some_and(|body| {
            ["sort", "searchAfter"].iter().all(|name| {
                body.get("properties")
                    .and_then(|p| p.get(*name))
                    .is_some_and(|p| is_array(doc, p))
            })
        });
    if body_arrays && has_query("limit") && answers_array(&|r| r.status == "200") {
        return Paging::SearchAfter;
    }
    // Every success answer must be the list: with a 202 or 204 beside it,
    // `send` returns an enum of them, not the list.
    let mut successes = op.responses.iter().filter(|r| r.is_success_or_default());
    let success_is_array = successes.clone().next().is_some()
        && successes.all(|r| {
            r.json()
                .and_then(|c| c.schema.as_ref())
                .is_some_and(is_inline_list)
        });
    if has_query("limit") && has_query("offset") && success_is_array {
        return Paging::Offset;
    }
    Paging::None
}

fn alternative_media(op: &Operation) -> Vec<String> {
    let mut offered: Vec<String> = Vec::new();
    let mut several = false;
    for response in op.success_responses() {
        several |= response.contents.len() > 1;
        for content in &response.contents {
            if !offered.contains(&content.media_type) {
                offered.push(content.media_type.clone());
            }
        }
    }
    let not_json = offered.iter().any(|m| !is_json_media_type(m));
    if several && not_json {
        offered
    } else {
        Vec::new()
    }
}

/// An inline `{type: array, items: ...}`: what progenitor's `send` returns
/// as a `Vec` of the items. A `$ref` to an array component is a named
/// newtype, and an array without `items` (upstream writes `type: array`
/// beside an `allOf`) is no list of a nameable item.
fn is_inline_list(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("array")
        && schema.get("items").is_some()
        && ["$ref", "allOf", "oneOf", "anyOf"]
            .iter()
            .all(|key| schema.get(*key).is_none())
}

fn is_array(doc: &Value, schema: &Value) -> bool {
    resolve_schema(doc, schema)
        .get("type")
        .and_then(Value::as_str)
        == Some("array")
}

/// Follows a schema's `$ref` into `components.schemas`, once.
pub fn resolve_schema<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => doc.pointer(pointer).unwrap_or(schema),
        None => schema,
    }
}

/// Follows local `$ref`s of non-schema objects (parameters, bodies,
/// responses), at most 16 deep.
pub fn resolve<'d>(doc: &'d Value, mut value: &'d Value) -> &'d Value {
    for _ in 0..16 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
        {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Component schemas reachable through `$ref`s from `roots`.
pub fn reachable_schemas(doc: &Value, roots: &[&Value]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&Value> = roots.to_vec();
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
                    && seen.insert(name.to_string())
                    && let Some(target) =
                        doc.pointer("/components/schemas").and_then(|s| s.get(name))
                {
                    pending.push(target);
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn model(doc: Value) -> ApiModel {
        ApiModel::from_document(&doc, &Plan::default(), &BTreeMap::new()).expect("builds")
    }

    fn list_spec(extra_query: Value) -> Value {
        json!({
            "openapi": "3.0.1",
            "paths": {
                "/things/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                    ],
                    "get": {
                        "operationId": "listThings",
                        "tags": ["Things"],
                        "security": [{"userAuth": ["idn:things:read"]}],
                        "parameters": [
                            {"$ref": "#/components/parameters/offset"},
                            {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}},
                            extra_query
                        ],
                        "responses": {
                            "200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}},
                            "400": {"$ref": "#/components/responses/Bad"}
                        }
                    }
                },
                "/search": {"post": {
                    "operationId": "searchPost",
                    "security": [{}],
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Search"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {}}}}}}
                }},
                "/report": {"get": {
                    "operationId": "getReport",
                    "responses": {"200": {"content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
                        "text/csv": {"schema": {"type": "string"}}
                    }}}
                }}
            },
            "components": {
                "parameters": {"offset": {"name": "offset", "in": "query", "schema": {"type": "integer"}}},
                "responses": {"Bad": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
                "schemas": {
                    "Thing": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind"}}},
                    "Kind": {"type": "string", "enum": ["a"]},
                    "Error": {"type": "object"},
                    "Search": {"type": "object", "properties": {
                        "sort": {"type": "array", "items": {"type": "string"}},
                        "searchAfter": {"type": "array", "items": {"type": "string"}},
                        "filter": {"$ref": "#/components/schemas/Kind"}
                    }},
                    "Unused": {"type": "string"}
                }
            }
        })
    }

    #[test]
    fn parameters_merge_path_item_and_operation_with_serialization_defaults() {
        let m = model(list_spec(json!({
            "name": "types", "in": "query", "style": "form", "explode": false,
            "schema": {"type": "array", "items": {"type": "string"}}
        })));
        let op = m.operation("listThings").expect("listed");
        assert_eq!(op.method, Method::Get);
        assert_eq!(op.path.variables(), vec!["id"]);
        let names: Vec<(&str, Location)> = op
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location))
            .collect();
        assert_eq!(
            names,
            vec![
                ("id", Location::Path),
                ("limit", Location::Query),
                ("offset", Location::Query),
                ("types", Location::Query)
            ]
        );
        let limit = op.parameter(Location::Query, "limit").expect("limit");
        assert!(limit.required, "the operation's declaration wins");
        let id = op.parameter(Location::Path, "id").expect("id");
        assert_eq!((id.style, id.explode), (Style::Simple, false));
        let offset = op.parameter(Location::Query, "offset").expect("offset");
        assert_eq!((offset.style, offset.explode), (Style::Form, true));
        let types = op.parameter(Location::Query, "types").expect("types");
        assert_eq!((types.style, types.explode), (Style::Form, false));
        assert_eq!(types.query_join(), Some(QueryJoin::Comma));
        assert_eq!(offset.query_join(), None, "not an array");
    }

    #[test]
    fn paging_authentication_media_and_reachability_are_decided_once() {
        let m = model(list_spec(
            json!({"name": "q", "in": "query", "schema": {"type": "string"}}),
        ));
        let list = m.operation("listThings").expect("list");
        assert_eq!(list.paging, Paging::Offset);
        assert!(list.authenticated());
        assert_eq!(list.tags, vec!["Things"]);
        assert!(
            list.responses
                .iter()
                .any(|r| r.status == "400" && r.is_error())
        );
        let search = m.operation("searchPost").expect("search");
        assert_eq!(search.paging, Paging::SearchAfter);
        assert!(!search.authenticated(), "`security: [{{}}]` is anonymous");
        let report = m.operation("getReport").expect("report");
        assert_eq!(report.paging, Paging::None);
        assert_eq!(
            report.alternative_media,
            vec!["application/json", "text/csv"]
        );
        assert!(!report.authenticated(), "no security anywhere");
        assert!(m.schemas["Kind"].in_requests && m.schemas["Kind"].in_responses);
        assert!(m.schemas["Error"].in_responses && !m.schemas["Error"].in_requests);
        assert!(m.schemas["Search"].in_requests && !m.schemas["Search"].in_responses);
        assert_eq!(m.schemas["Unused"], SchemaInfo::default());
    }

    /// Only a list answered to a body with `sort` and `searchAfter`, paged
    /// by `limit`, pages by `searchAfter`: an aggregation over the same
    /// body answers an object.
    #[test]
    fn the_search_is_found_by_its_body_limit_and_list() {
        let search = json!({"$ref": "#/components/schemas/Search"});
        let limit = json!([{"name": "limit", "in": "query", "schema": {"type": "integer"}}]);
        let answer = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
        let m = model(json!({
            "paths": {
                "/search": {"post": {
                    "operationId": "searchPost", "parameters": limit,
                    "requestBody": {"content": {"application/json": {"schema": search}}},
                    "responses": answer(json!({"type": "array", "items": {}})),
                }},
                "/search/aggregate": {"post": {
                    "operationId": "searchAggregate", "parameters": limit,
                    "requestBody": {"content": {"application/json": {"schema": search}}},
                    "responses": answer(json!({"type": "object"})),
                }},
                "/things": {"post": {
                    "operationId": "listThings", "parameters": limit,
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                        "properties": {"sort": {"type": "array", "items": {"type": "string"}}}}}}},
                    "responses": answer(json!({"type": "array", "items": {}})),
                }},
            },
            "components": {"schemas": {"Search": {"type": "object", "properties": {
                "sort": {"type": "array", "items": {"type": "string"}},
                "searchAfter": {"type": "array", "items": {"type": "string"}},
            }}}},
        }));
        let found: Vec<&str> = m.paged(Paging::SearchAfter).map(Operation::id).collect();
        assert_eq!(found, ["searchPost"]);
    }

    /// An operation offers alternative media when one success response
    /// offers several media types, not all JSON; error responses do not
    /// count.
    #[test]
    fn operations_with_a_choice_of_media_types_are_found() {
        let answer = |media: &[&str]| {
            let content: serde_json::Map<String, Value> = media
                .iter()
                .map(|m| (m.to_string(), json!({"schema": {"type": "string"}})))
                .collect();
            json!({"description": "ok", "content": content})
        };
        let operation = |id: &str, ok: Value, error: Value| json!({"get": {"operationId": id, "responses": {"200": ok, "400": error}}});
        let json_only = answer(&["application/json"]);
        let m = model(json!({"paths": {
            "/a": operation("jsonOrCsv", answer(&["application/json", "text/csv"]), json_only.clone()),
            "/b": operation("csvOrPdf", answer(&["application/csv", "application/pdf"]), json_only.clone()),
            "/c": operation("csvOnly", answer(&["text/csv"]), answer(&["application/json", "text/csv"])),
            "/d": operation("jsonOnly", json_only.clone(), json_only),
        }}));
        let found: Vec<(&str, Vec<&str>)> = m
            .operations
            .iter()
            .filter(|o| !o.alternative_media.is_empty())
            .map(|o| {
                (
                    o.id(),
                    o.alternative_media.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("jsonOrCsv", vec!["application/json", "text/csv"]),
                ("csvOrPdf", vec!["application/csv", "application/pdf"]),
            ]
        );
    }

    #[test]
    fn a_list_without_offset_is_not_paged() {
        let mut doc = list_spec(json!({"name": "q", "in": "query", "schema": {"type": "string"}}));
        doc["components"]["parameters"]["offset"]["name"] = json!("start");
        let m = model(doc);
        assert_eq!(
            m.operation("listThings").map(|o| o.paging),
            Some(Paging::None)
        );
    }

    #[test]
    fn structural_defects_name_their_pointer() {
        let doc = json!({"paths": {"/x": {"get": {"responses": {}}}}});
        let error = ApiModel::from_document(&doc, &Plan::default(), &BTreeMap::new())
            .expect_err("no operationId");
        let text = error.to_string();
        assert!(text.contains("/paths/~1x/get"), "{text}");
        let doc = json!({"paths": {"/x": {"get": {"operationId": "x", "parameters": [
            {"name": "a", "in": "query", "style": "sideways"}
        ], "responses": {}}}}});
        let error = ApiModel::from_document(&doc, &Plan::default(), &BTreeMap::new())
            .expect_err("bad style");
        let text = error.to_string();
        assert!(
            text.contains("sideways") && text.contains("/parameters/0"),
            "{text}"
        );
    }

    #[test]
    fn fixed_headers_are_not_parameters() {
        let doc = json!({"paths": {"/x": {"get": {"operationId": "x", "parameters": [
            {"name": "X-SailPoint-Experimental", "in": "header", "required": true, "schema": {"type": "string"}}
        ], "responses": {}}}}});
        let mut plan = Plan::default();
        plan.fixed_headers.insert(
            "x".into(),
            vec![("X-SailPoint-Experimental".into(), "true".into())],
        );
        plan.experimental.insert("x".into());
        let m = ApiModel::from_document(&doc, &plan, &BTreeMap::new()).expect("builds");
        let op = m.operation("x").expect("x");
        assert!(op.parameters.is_empty());
        assert!(op.experimental);
        assert_eq!(op.fixed_headers.len(), 1);
    }

    #[test]
    fn multipart_parts_follow_the_body_schema_reference_and_encoding() {
        let m = model(json!({
            "paths": {"/upload": {"post": {"operationId": "upload",
                "requestBody": {"content": {
                    "multipart/form-data": {
                        "schema": {"$ref": "#/components/schemas/Upload"},
                        "encoding": {"file": {"contentType": "image/png, image/jpeg"}}
                    },
                    "application/json": {"schema": {"$ref": "#/components/schemas/Upload"}}
                }},
                "responses": {}
            }}},
            "components": {"schemas": {
                "Upload": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary", "description": "The file."},
                    "kind": {"$ref": "#/components/schemas/Kind"}
                }},
                "Kind": {"type": "string", "enum": ["a"]}
            }}
        }));
        let body = m
            .operation("upload")
            .and_then(|o| o.request_body.as_ref())
            .expect("body");
        let [multipart, json] = body.contents.as_slice() else {
            panic!("two contents");
        };
        assert!(json.parts.is_empty(), "only multipart bodies have parts");
        let summary: Vec<_> = multipart
            .parts
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.required,
                    p.is_binary(),
                    p.json_type.as_deref(),
                    p.content_type.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "file",
                    true,
                    true,
                    Some("string"),
                    Some("image/png, image/jpeg")
                ),
                ("kind", false, false, Some("string"), None)
            ]
        );
        assert_eq!(multipart.parts[0].description.as_deref(), Some("The file."));
        assert_eq!(
            multipart.parts[1].schema,
            json!({"$ref": "#/components/schemas/Kind"}),
            "the schema as written, for the generator to name"
        );
    }
}
