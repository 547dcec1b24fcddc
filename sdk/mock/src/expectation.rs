//! One mocked operation: which requests it matches, and how it answers.

use std::time::Duration;

use percent_encoding::percent_decode_str;
use regex::Regex;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use wiremock::{Match, Mock, Request, ResponseTemplate};

use crate::pages::{OffsetPages, SearchPages};
use crate::values::wire_values;

/// How the values of a query parameter travel (the spec's `style` and
/// `explode`): one `name=value` pair each, or one pair joined by `,`
/// (`form` without `explode`), a space (`spaceDelimited`) or `|`
/// (`pipeDelimited`); an object as `name[member]=value` pairs
/// (`deepObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    Explode,
    Comma,
    Space,
    Pipe,
    DeepObject,
}

impl Join {
    fn separator(self) -> Option<&'static str> {
        match self {
            Join::Explode | Join::DeepObject => None,
            Join::Comma => Some(","),
            Join::Space => Some(" "),
            Join::Pipe => Some("|"),
        }
    }
}

/// The requests one operation mock matches: the operation's method and
/// path (under the API version's base path), and whatever parameters and
/// body the test asked for. Generated operation mocks wrap one and call its
/// methods with the spec's parameter names, so a test never spells them.
pub struct Expectation {
    operation: &'static str,
    method: &'static str,
    base_path: &'static str,
    template: &'static str,
    path_params: Vec<(&'static str, String)>,
    matchers: Vec<Box<dyn Match>>,
}

impl Expectation {
    /// Requests for `operation` (its `operationId`, naming the mock in
    /// wiremock's reports): `method` to `template` (the spec's path, with
    /// `{name}` variables) under `base_path` (`/v2025`).
    pub fn new(
        operation: &'static str,
        method: &'static str,
        base_path: &'static str,
        template: &'static str,
    ) -> Self {
        Expectation {
            operation,
            method,
            base_path,
            template,
            path_params: Vec::new(),
            matchers: Vec::new(),
        }
    }

    /// Only requests whose path variable `name` is `value`.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        let value = wire_values(value).join(",");
        self.path_params.retain(|(n, _)| *n != name);
        self.path_params.push((name, value));
        self
    }

    /// Only requests whose query parameter `name` is `value` (as `join`
    /// says), or, for `None`, that leave it out.
    pub fn query<T: Serialize + ?Sized>(self, name: &'static str, value: &T, join: Join) -> Self {
        if join == Join::DeepObject {
            let expected = deep_object_pairs(name, value);
            return self.matching(DeepObjectParam { name, expected });
        }
        let values = wire_values(value);
        let expected = match join.separator() {
            _ if values.is_empty() => Vec::new(),
            None => values,
            Some(separator) => vec![values.join(separator)],
        };
        self.matching(QueryParam { name, expected })
    }

    /// Only requests that leave out the query parameter `name` (for
    /// `deepObject`, every `name[..]` member).
    pub fn without_query(self, name: &'static str, join: Join) -> Self {
        self.query(name, &None::<()>, join)
    }

    /// Only requests without the header `name`.
    pub fn without_header(self, name: &'static str) -> Self {
        self.header(name, &None::<()>)
    }

    /// Only requests whose header `name` is `value`, or, for `None`, that
    /// leave it out.
    pub fn header<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        let expected = wire_values(value);
        let expected = (!expected.is_empty()).then(|| expected.join(","));
        self.matching(Header { name, expected })
    }

    /// Only requests whose JSON body equals `body` serialized (members in
    /// any order).
    pub fn json_body<T: Serialize + ?Sized>(self, body: &T) -> Self {
        let expected = serde_json::to_value(body)
            .unwrap_or_else(|e| panic!("a mocked request body does not serialize: {e}"));
        self.request_matches(move |request| {
            serde_json::from_slice::<serde_json::Value>(&request.body).is_ok_and(|b| b == expected)
        })
    }

    /// Only requests whose JSON body decodes as `T` and satisfies
    /// `predicate`.
    pub fn body_matches<T, F>(self, predicate: F) -> Self
    where
        T: DeserializeOwned,
        F: Fn(&T) -> bool + Send + Sync + 'static,
    {
        self.request_matches(move |request| {
            serde_json::from_slice::<T>(&request.body).is_ok_and(|body| predicate(&body))
        })
    }

    /// Only requests `predicate` accepts: for what the typed methods cannot
    /// say (a multipart body, an undeclared header).
    pub fn request_matches<F>(self, predicate: F) -> Self
    where
        F: Fn(&Request) -> bool + Send + Sync + 'static,
    {
        self.matching(Predicate(predicate))
    }

    fn matching(mut self, matcher: impl Match + 'static) -> Self {
        self.matchers.push(Box::new(matcher));
        self
    }

    /// The mock: these requests answered with `template`. Mount it with
    /// [`MockTenant::mount`](crate::MockTenant::mount).
    pub fn respond_with(self, template: impl wiremock::Respond + 'static) -> Mock {
        let route = Route::new(self.method, self.base_path, self.template, self.path_params);
        let mut builder = Mock::given(route);
        for matcher in self.matchers {
            builder = builder.and(Boxed(matcher));
        }
        builder.respond_with(template).named(self.operation)
    }

    /// Answers `status` with `body` as JSON.
    pub fn respond_json<T: Serialize + ?Sized>(self, status: u16, body: &T) -> Mock {
        let body = serde_json::to_value(body)
            .unwrap_or_else(|e| panic!("a mocked response body does not serialize: {e}"));
        self.respond_with(ResponseTemplate::new(status).set_body_json(body))
    }

    /// Answers `status` with `body` of `content_type` (a download, a CSV).
    pub fn respond_bytes(self, status: u16, body: impl Into<Vec<u8>>, content_type: &str) -> Mock {
        self.respond_with(ResponseTemplate::new(status).set_body_raw(body.into(), content_type))
    }

    /// Answers `status` with no body.
    pub fn respond_empty(self, status: u16) -> Mock {
        self.respond_with(ResponseTemplate::new(status))
    }

    /// Answers `429 Too Many Requests` with `Retry-After` (whole seconds)
    /// and the error body SailPoint sends. Combine with wiremock's
    /// `up_to_n_times` for a storm that ends.
    pub fn too_many_requests(self, retry_after: Duration) -> Mock {
        let template = ResponseTemplate::new(429)
            .insert_header("Retry-After", retry_after.as_secs().to_string())
            .set_body_json(json!({
                "error": "Too Many Requests",
                "message": "rate limit exceeded",
            }));
        self.respond_with(template)
    }

    /// Answers with `items` as offset pages, as SailPoint's lists do.
    pub fn respond_offset_pages<T: Serialize>(self, items: &[T]) -> Mock {
        self.respond_with(OffsetPages::new(items))
    }

    /// Answers with `hits` as `searchAfter` pages, as `POST /search` does.
    pub fn respond_search_pages<T: Serialize>(self, hits: &[T]) -> Mock {
        self.respond_with(SearchPages::new(hits))
    }
}

/// What every generated operation mock is: a typed face over an
/// [`Expectation`]. The provided methods are those every operation has.
pub trait OperationMock: Sized {
    fn from_expectation(expectation: Expectation) -> Self;
    fn into_expectation(self) -> Expectation;

    /// Only requests `predicate` accepts, beside what is already asked.
    fn request_matches<F>(self, predicate: F) -> Self
    where
        F: Fn(&Request) -> bool + Send + Sync + 'static,
    {
        Self::from_expectation(self.into_expectation().request_matches(predicate))
    }

    /// Answers with any wiremock template or responder.
    fn respond_with(self, template: impl wiremock::Respond + 'static) -> Mock {
        self.into_expectation().respond_with(template)
    }

    /// Answers `429 Too Many Requests` with `Retry-After`.
    fn too_many_requests(self, retry_after: Duration) -> Mock {
        self.into_expectation().too_many_requests(retry_after)
    }
}

/// The method and path of an operation, with the path variables the test
/// fixed.
struct Route {
    method: &'static str,
    pattern: Regex,
    names: Vec<String>,
    expected: Vec<(&'static str, String)>,
}

impl Route {
    fn new(
        method: &'static str,
        base_path: &str,
        template: &str,
        expected: Vec<(&'static str, String)>,
    ) -> Route {
        let mut pattern = format!("^{}", regex::escape(base_path.trim_end_matches('/')));
        let mut names = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            pattern.push_str(&regex::escape(&rest[..open]));
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            names.push(rest[open + 1..open + close].to_owned());
            pattern.push_str("([^/]+)");
            rest = &rest[open + close + 1..];
        }
        pattern.push_str(&regex::escape(rest));
        pattern.push('$');
        let pattern = Regex::new(&pattern)
            .unwrap_or_else(|e| panic!("the path `{template}` makes no pattern: {e}"));
        Route {
            method,
            pattern,
            names,
            expected,
        }
    }
}

impl Match for Route {
    fn matches(&self, request: &Request) -> bool {
        if !request.method.as_str().eq_ignore_ascii_case(self.method) {
            return false;
        }
        let Some(captures) = self.pattern.captures(request.url.path()) else {
            return false;
        };
        self.expected.iter().all(|(name, value)| {
            self.names
                .iter()
                .position(|n| n == name)
                .and_then(|i| captures.get(i + 1))
                .is_some_and(|m| percent_decode_str(m.as_str()).decode_utf8_lossy() == *value)
        })
    }
}

/// A query parameter's values, in order; none: absent.
struct QueryParam {
    name: &'static str,
    expected: Vec<String>,
}

impl Match for QueryParam {
    fn matches(&self, request: &Request) -> bool {
        let sent: Vec<String> = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == self.name)
            .map(|(_, v)| v.into_owned())
            .collect();
        sent == self.expected
    }
}

/// The `name[member]=value` pairs of a `deepObject` value, sorted; none
/// for `null`.
fn deep_object_pairs<T: Serialize + ?Sized>(name: &str, value: &T) -> Vec<(String, String)> {
    let value = serde_json::to_value(value)
        .unwrap_or_else(|e| panic!("a mocked parameter value does not serialize: {e}"));
    let mut pairs: Vec<(String, String)> = match value {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::Object(members) => members
            .into_iter()
            .flat_map(|(member, value)| {
                wire_values(&value)
                    .into_iter()
                    .map(move |v| (format!("{name}[{member}]"), v))
            })
            .collect(),
        other => panic!("a deepObject parameter is an object, not {other}"),
    };
    pairs.sort();
    pairs
}

/// The `name[member]` pairs of a `deepObject` query parameter, in any order.
struct DeepObjectParam {
    name: &'static str,
    expected: Vec<(String, String)>,
}

impl Match for DeepObjectParam {
    fn matches(&self, request: &Request) -> bool {
        let prefix = format!("{}[", self.name);
        let mut sent: Vec<(String, String)> = request
            .url
            .query_pairs()
            .filter(|(k, _)| k.starts_with(&prefix) && k.ends_with(']'))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        sent.sort();
        sent == self.expected
    }
}

struct Header {
    name: &'static str,
    expected: Option<String>,
}

impl Match for Header {
    fn matches(&self, request: &Request) -> bool {
        let sent = request.headers.get(self.name).and_then(|v| v.to_str().ok());
        sent == self.expected.as_deref()
    }
}

struct Predicate<F>(F);

impl<F: Fn(&Request) -> bool + Send + Sync> Match for Predicate<F> {
    fn matches(&self, request: &Request) -> bool {
        (self.0)(request)
    }
}

struct Boxed(Box<dyn Match>);

impl Match for Boxed {
    fn matches(&self, request: &Request) -> bool {
        self.0.matches(request)
    }
}
