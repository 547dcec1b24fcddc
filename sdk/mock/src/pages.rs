//! Lists served page by page, the way SailPoint serves them.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::Value;
use wiremock::{Request, Respond, ResponseTemplate};

/// The page size SailPoint's lists use when `limit` is not sent.
const DEFAULT_LIMIT: usize = 250;
/// The page size of `POST /search` when `limit` is not sent.
const DEFAULT_SEARCH_LIMIT: usize = 10_000;

fn items_of<T: Serialize>(items: &[T]) -> Vec<Value> {
    items
        .iter()
        .map(|item| {
            serde_json::to_value(item)
                .unwrap_or_else(|e| panic!("a mocked list item does not serialize: {e}"))
        })
        .collect()
}

fn query_number(request: &Request, name: &str) -> Option<usize> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
}

fn wants_count(request: &Request) -> bool {
    request
        .url
        .query_pairs()
        .any(|(k, v)| k == "count" && v == "true")
}

fn page(items: &[Value], total: usize, count: bool) -> ResponseTemplate {
    let template = ResponseTemplate::new(200).set_body_json(Value::Array(items.to_vec()));
    if count {
        template.insert_header("X-Total-Count", total.to_string())
    } else {
        template
    }
}

/// Answers a list with the page its `offset` and `limit` ask for (250
/// items when `limit` is absent), and the total in `X-Total-Count` when it
/// sends `count=true`.
pub struct OffsetPages {
    items: Vec<Value>,
}

impl OffsetPages {
    pub fn new<T: Serialize>(items: &[T]) -> Self {
        OffsetPages {
            items: items_of(items),
        }
    }
}

impl Respond for OffsetPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let offset = query_number(request, "offset").unwrap_or(0);
        let limit = query_number(request, "limit").unwrap_or(DEFAULT_LIMIT);
        let start = offset.min(self.items.len());
        let end = start.saturating_add(limit).min(self.items.len());
        page(
            &self.items[start..end],
            self.items.len(),
            wants_count(request),
        )
    }
}

/// Answers `POST /search` as SailPoint does: the hits sorted by the body's
/// `sort` fields (`-name` descending), those after the body's
/// `searchAfter` values, `limit` of them (10,000 when absent), the total in
/// `X-Total-Count` with `count=true`.
pub struct SearchPages {
    hits: Vec<Value>,
}

impl SearchPages {
    pub fn new<T: Serialize>(hits: &[T]) -> Self {
        SearchPages {
            hits: items_of(hits),
        }
    }
}

/// A sort field of a search body: a dotted path, descending with `-`.
struct SortKey {
    path: Vec<String>,
    descending: bool,
}

impl SortKey {
    fn parse(field: &str) -> SortKey {
        let (descending, field) = match field.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, field.strip_prefix('+').unwrap_or(field)),
        };
        SortKey {
            path: field.split('.').map(str::to_owned).collect(),
            descending,
        }
    }

    fn value<'v>(&self, hit: &'v Value) -> &'v Value {
        self.path
            .iter()
            .try_fold(hit, |v, key| v.get(key))
            .unwrap_or(&Value::Null)
    }

    fn compare(&self, a: &Value, b: &Value) -> Ordering {
        let order = compare_values(a, b);
        if self.descending {
            order.reverse()
        } else {
            order
        }
    }
}

/// Null first, then booleans, numbers, strings; others as equal.
fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            _ => 4,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

impl Respond for SearchPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = match serde_json::from_slice(&request.body) {
            Ok(body) => body,
            Err(e) => {
                return ResponseTemplate::new(400).set_body_json(serde_json::json!({
                    "detailCode": "400.0 Bad request syntax",
                    "messages": [{"text": format!("the search body is not JSON: {e}")}],
                }));
            }
        };
        let keys: Vec<SortKey> = body
            .get("sort")
            .and_then(Value::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(Value::as_str)
                    .map(SortKey::parse)
                    .collect()
            })
            .unwrap_or_default();
        let order = |a: &Value, b: &Value| {
            keys.iter()
                .map(|k| k.compare(k.value(a), k.value(b)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        };
        let mut hits: Vec<&Value> = self.hits.iter().collect();
        hits.sort_by(|a, b| order(a, b));
        let after = body.get("searchAfter").and_then(Value::as_array);
        let start = match after {
            Some(after) if !keys.is_empty() => hits
                .iter()
                .position(|hit| {
                    keys.iter()
                        .zip(after)
                        .map(|(k, v)| k.compare(k.value(hit), v))
                        .find(|o| o.is_ne())
                        .is_some_and(Ordering::is_gt)
                })
                .unwrap_or(hits.len()),
            _ => query_number(request, "offset").unwrap_or(0).min(hits.len()),
        };
        let limit = query_number(request, "limit").unwrap_or(DEFAULT_SEARCH_LIMIT);
        let end = start.saturating_add(limit).min(hits.len());
        let page_hits: Vec<Value> = hits[start..end].iter().map(|h| (*h).clone()).collect();
        page(&page_hits, hits.len(), wants_count(request))
    }
}
