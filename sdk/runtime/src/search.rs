//! Search beyond 10,000 hits, for the generated `.stream()` of the search
//! operation: SailPoint's search refuses `offset + limit` past 10,000, and
//! pages past that only with `searchAfter`, the values of the sort fields
//! of the last hit seen.

use std::collections::VecDeque;
use std::future::Future;

use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::pagination::Paging;

/// The most hits the search API answers in one request (`limit`).
pub const SEARCH_MAX_PAGE_SIZE: u32 = 10_000;

/// What the caller's search needs for `searchAfter` paging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchKeys {
    /// The body's `sort`: field paths, each optionally prefixed with `+`
    /// or `-` for the direction (`["-created", "source.name", "id"]`).
    pub sort: Vec<String>,
    /// The body's `searchAfter`, if the caller set one: where to start.
    pub search_after: Vec<String>,
}

/// A search body's `sort` or `searchAfter` field as the generator types it:
/// a list, or an optional list (optional arrays are `Option`s, so that an
/// explicit empty list can be sent). The generated search streams read and
/// write the field through this trait, whichever the spec makes it.
pub trait SortList {
    /// The values of the field; none when it is absent.
    fn to_list(&self) -> Vec<String>;
    /// The field holding `list`; absent when `list` is empty, so that the
    /// first page is asked for without a `searchAfter`.
    fn from_list(list: Vec<String>) -> Self;
}

impl SortList for Vec<String> {
    fn to_list(&self) -> Vec<String> {
        self.clone()
    }
    fn from_list(list: Vec<String>) -> Self {
        list
    }
}

impl SortList for Option<Vec<String>> {
    fn to_list(&self) -> Vec<String> {
        self.clone().unwrap_or_default()
    }
    fn from_list(list: Vec<String>) -> Self {
        (!list.is_empty()).then_some(list)
    }
}

/// Streams the hits of a search page after page, each page asked for with
/// the `searchAfter` of the previous page's last hit.
///
/// `fetch(search_after, limit)` sends one page request (`search_after` is
/// empty for the first page unless the caller set it). Each hit is read as
/// raw JSON, its sort values taken from it, then decoded as `T`. Paging
/// stops after a page shorter than asked for, after `paging.max_items`, or
/// after an error, which is yielded once. The page size is capped at
/// [`SEARCH_MAX_PAGE_SIZE`].
///
/// Hits with equal values for every sort field are indistinguishable to
/// `searchAfter`; ties on the first field are kept apart by the next ones,
/// so a sort should end with a unique field such as `id`.
///
/// Without a sort field, the stream yields one `invalid_request` error
/// and sends nothing. A hit that does not decode as `T`, or a last hit
/// lacking a sort field, is an `invalid_hit` error with the hit's JSON.
pub fn search_after_stream<'a, T, E, F, Fut>(
    paging: Paging,
    keys: SearchKeys,
    mut fetch: F,
    invalid_request: fn(String) -> E,
    invalid_hit: fn(Bytes, serde_json::Error) -> E,
) -> BoxStream<'a, Result<T, E>>
where
    T: DeserializeOwned + Send + 'a,
    E: Send + 'a,
    F: FnMut(Vec<String>, i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<Value>, E>> + Send + 'a,
{
    if keys.sort.iter().all(|field| sort_field(field).is_empty()) {
        let message = "searchAfter paging needs a sort: set `sort` in the search body, \
                       ending with a unique field (e.g. [\"name\", \"id\"])";
        return stream::once(async move { Err(invalid_request(message.to_string())) }).boxed();
    }
    let page_size = u64::from(paging.page_size.clamp(1, SEARCH_MAX_PAGE_SIZE));
    let state = State {
        next: Some(keys.search_after.clone()),
        sent: 0,
        hits: VecDeque::new(),
    };
    stream::unfold(state, move |mut state| {
        // The next page is asked for once the current one is used up.
        let next = if state.hits.is_empty() {
            state.next.take()
        } else {
            None
        };
        let page = next.and_then(|search_after| {
            let limit = match paging.max_items {
                Some(max) if state.sent >= max => return None,
                Some(max) => page_size.min(max - state.sent),
                None => page_size,
            };
            Some((limit, fetch(search_after, limit as i64)))
        });
        let sort = keys.sort.clone();
        async move {
            if let Some((limit, page)) = page {
                let hits = match page.await {
                    Ok(hits) => hits,
                    Err(e) => return Some((Err(e), state)),
                };
                state.sent += hits.len() as u64;
                // A full page: the next one starts after its last hit.
                let mut failure = None;
                if hits.len() as u64 == limit
                    && let Some(last) = hits.last()
                {
                    match sort_values(last, &sort) {
                        Ok(values) => state.next = Some(values),
                        // Yielded after the page's hits, and the stream ends.
                        Err(e) => failure = Some(Hit::Error(hit_bytes(last), e)),
                    }
                }
                state.hits.extend(hits.into_iter().map(Hit::Value));
                state.hits.extend(failure);
            }
            let hit = state.hits.pop_front()?;
            let item = match hit {
                Hit::Value(value) => {
                    T::deserialize(&value).map_err(|e| invalid_hit(hit_bytes(&value), e))
                }
                Hit::Error(bytes, e) => Err(invalid_hit(bytes, e)),
            };
            Some((item, state))
        }
    })
    .boxed()
}

enum Hit {
    Value(Value),
    /// A failure to report after the hits before it.
    Error(Bytes, serde_json::Error),
}

struct State {
    /// The `searchAfter` of the next request, if there is one.
    next: Option<Vec<String>>,
    /// Hits received so far.
    sent: u64,
    hits: VecDeque<Hit>,
}

fn hit_bytes(hit: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(hit).unwrap_or_default())
}

/// The field path of a sort entry, without its direction.
fn sort_field(entry: &str) -> &str {
    entry.trim().trim_start_matches(['+', '-']).trim()
}

/// The `searchAfter` values of `hit` for `sort`: each field's value, found
/// by its path (`source.name` is the `name` of the hit's `source` object,
/// unless the hit has a key spelled `source.name`), as the string the
/// search API takes.
pub fn sort_values(hit: &Value, sort: &[String]) -> Result<Vec<String>, serde_json::Error> {
    sort.iter()
        .map(|entry| sort_field(entry))
        .filter(|field| !field.is_empty())
        .map(|field| {
            let value = lookup(hit, field).ok_or_else(|| {
                <serde_json::Error as serde::de::Error>::custom(format!(
                    "the last hit of a full page has no value for the sort field `{field}`, \
                     so the next page cannot be asked for"
                ))
            })?;
            match value {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(<serde_json::Error as serde::de::Error>::custom(format!(
                    "the sort field `{field}` of the last hit is not a single value: {other}"
                ))),
            }
        })
        .collect()
}

fn lookup<'v>(hit: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(value) = hit.get(path).filter(|v| !v.is_null()) {
        return Some(value);
    }
    let (head, rest) = path.split_once('.')?;
    // A longer prefix may itself be a key (`attributes.cloudStatus` in
    // `attributes.cloudStatus.x` is unusual, but cheap to allow).
    lookup(hit.get(head)?, rest).or_else(|| {
        let (first, more) = rest.split_once('.')?;
        lookup(hit.get(format!("{head}.{first}"))?, more)
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::TryStreamExt;
    use serde_json::json;

    use super::*;

    #[test]
    fn an_optional_sort_list_is_absent_when_empty_and_read_as_empty_when_absent() {
        let none: Option<Vec<String>> = SortList::from_list(Vec::new());
        assert_eq!(none, None);
        assert_eq!(SortList::to_list(&none), Vec::<String>::new());
        let some: Option<Vec<String>> = SortList::from_list(vec!["a".into(), "1".into()]);
        assert_eq!(
            SortList::to_list(&some),
            vec!["a".to_string(), "1".to_string()]
        );
        let plain: Vec<String> = SortList::from_list(vec!["b".into()]);
        assert_eq!(SortList::to_list(&plain), vec!["b".to_string()]);
    }

    fn keys(sort: &[&str]) -> SearchKeys {
        SearchKeys {
            sort: sort.iter().map(ToString::to_string).collect(),
            search_after: Vec::new(),
        }
    }

    #[test]
    fn sort_values_follow_paths_and_drop_directions() {
        let hit = json!({"id": "7", "source": {"name": "AD"}, "created": 12, "a.b": true});
        let sort: Vec<String> = ["-created", "+source.name", "a.b", "id"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            sort_values(&hit, &sort).expect("values"),
            ["12", "AD", "true", "7"]
        );
        let error = sort_values(&hit, &["missing".to_string()]).expect_err("no such field");
        assert!(error.to_string().contains("`missing`"), "{error}");
    }

    #[tokio::test]
    async fn without_a_sort_nothing_is_sent() {
        let calls = Arc::new(Mutex::new(0));
        let counter = calls.clone();
        let items: Vec<Result<Value, String>> = search_after_stream(
            Paging::default(),
            keys(&["+"]),
            move |_, _| {
                *counter.lock().expect("lock") += 1;
                futures::future::ready(Ok(Vec::new()))
            },
            |m| m,
            |_, e| e.to_string(),
        )
        .collect()
        .await;
        assert_eq!(items.len(), 1);
        let message = items[0].as_ref().expect_err("an error");
        assert!(message.contains("needs a sort"), "{message}");
        assert_eq!(*calls.lock().expect("lock"), 0);
    }

    #[tokio::test]
    async fn a_last_hit_without_its_sort_field_ends_after_its_page() {
        let stream = search_after_stream::<Value, String, _, _>(
            Paging::default().page_size(2),
            keys(&["name"]),
            |_, _| futures::future::ready(Ok(vec![json!({"name": "a"}), json!({"id": "b"})])),
            |m| m,
            |_, e| e.to_string(),
        );
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 3);
        assert!(items[..2].iter().all(Result::is_ok));
        let error = items[2].as_ref().expect_err("the missing field");
        assert!(error.contains("`name`"), "{error}");
    }

    #[tokio::test]
    async fn a_cap_and_a_start_are_honoured() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let stream = search_after_stream::<Value, String, _, _>(
            Paging::default().page_size(3).max_items(5),
            SearchKeys {
                sort: vec!["n".into()],
                search_after: vec!["10".into()],
            },
            move |after, limit| {
                seen.lock().expect("lock").push((after.clone(), limit));
                let start: i64 = after.first().and_then(|a| a.parse().ok()).unwrap_or(0);
                let hits = (start + 1..=start + limit)
                    .map(|n| json!({"n": n}))
                    .collect();
                futures::future::ready(Ok(hits))
            },
            |m| m,
            |_, e| e.to_string(),
        );
        let hits: Vec<Value> = stream.try_collect().await.expect("hits");
        assert_eq!(hits.len(), 5);
        assert_eq!(hits[4], json!({"n": 15}));
        assert_eq!(
            *log.lock().expect("lock"),
            [(vec!["10".to_string()], 3), (vec!["13".to_string()], 2)]
        );
    }
}
