//! Search beyond 10,000 hits, for the generated `.stream()` of the search
//! operation: SailPoint's search refuses `offset + limit` past 10,000, and
//! pages past that only with `searchAfter`, the values of the sort fields
//! of the last hit seen.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::decode::decode_json;
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

/// One search hit as received: its JSON text, decoded only when the
/// stream yields it. The generated search streams ask for pages of these
/// (`send_as::<RawHit>()`), so that a page is parsed once, each hit is
/// decoded straight into the caller's type, and only the last hit of a
/// page is read for its sort values.
///
/// A page that [`decode_success`](crate::decode_success) decodes keeps its
/// body as one buffer that its hits share (no copy of each hit); a
/// `RawHit` deserialized by any other means holds its own copy.
#[derive(Debug)]
pub struct RawHit(Repr);

#[derive(Debug)]
enum Repr {
    Owned(Box<RawValue>),
    /// The hit's bytes within its page's body, checked as UTF-8.
    Shared(Bytes),
}

impl RawHit {
    /// The hit's JSON text.
    pub fn json(&self) -> &str {
        match &self.0 {
            Repr::Owned(raw) => raw.get(),
            // Checked when the page was split (`raw_hits`): cannot fail.
            Repr::Shared(bytes) => std::str::from_utf8(bytes).unwrap_or_default(),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Owned(raw) => raw.get().as_bytes(),
            Repr::Shared(bytes) => bytes,
        }
    }
}

impl<'de> Deserialize<'de> for RawHit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(|raw| RawHit(Repr::Owned(raw)))
    }
}

/// Splits a page body that is a JSON array into its hits, which share the
/// body (one buffer for the page instead of the body and a copy of each
/// hit: at 10,000 hits a page, 14 MB less while a page is split). The body
/// is given back if it is not an array of JSON values, to be decoded (and
/// its error reported) as any other body.
pub(crate) fn raw_hits(body: Vec<u8>) -> Result<Vec<RawHit>, Vec<u8>> {
    let Ok(text) = std::str::from_utf8(&body) else {
        return Err(body);
    };
    let base = text.as_ptr() as usize;
    let ranges: Vec<(usize, usize)> = match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(hits) => hits
            .iter()
            .map(|hit| {
                let start = hit.get().as_ptr() as usize - base;
                (start, start + hit.get().len())
            })
            .collect(),
        Err(_) => return Err(body),
    };
    let page = Bytes::from(body);
    Ok(ranges
        .into_iter()
        .map(|(start, end)| RawHit(Repr::Shared(page.slice(start..end))))
        .collect())
}

/// A hit as a search page's fetch returns it: [`RawHit`], or (as the
/// streams generated before it did) a [`Value`].
pub trait SearchHit: Send {
    /// The hit decoded as `T` by the rules every body is decoded by
    /// (leniently: see [`object::from_slice`](crate::object::from_slice)).
    fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error>;
    /// The hit's values for the `sort` fields (see [`sort_values`]).
    fn sort_values(&self, sort: &[String]) -> Result<Vec<String>, serde_json::Error>;
    /// The hit's JSON, for an error.
    fn bytes(&self) -> Bytes;
}

impl SearchHit for RawHit {
    fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        decode_json(self.as_bytes()).map_err(<serde_json::Error as serde::de::Error>::custom)
    }
    fn sort_values(&self, sort: &[String]) -> Result<Vec<String>, serde_json::Error> {
        sort_values(&serde_json::from_slice(self.as_bytes())?, sort)
    }
    fn bytes(&self) -> Bytes {
        match &self.0 {
            Repr::Owned(raw) => Bytes::copy_from_slice(raw.get().as_bytes()),
            Repr::Shared(bytes) => bytes.clone(),
        }
    }
}

impl SearchHit for Value {
    fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        decode_json(&serde_json::to_vec(self)?)
            .map_err(<serde_json::Error as serde::de::Error>::custom)
    }
    fn sort_values(&self, sort: &[String]) -> Result<Vec<String>, serde_json::Error> {
        sort_values(self, sort)
    }
    fn bytes(&self) -> Bytes {
        Bytes::from(serde_json::to_vec(self).unwrap_or_default())
    }
}

/// Streams the hits of a search page after page, each page asked for with
/// the `searchAfter` of the previous page's last hit.
///
/// `fetch(search_after, limit)` sends one page request (`search_after` is
/// empty for the first page unless the caller set it). When a full page
/// arrives, its last hit's sort values are read and the next page is asked
/// for at once, while this one is decoded and read. Hits are decoded as
/// `T` on tokio's blocking pool, 32 at a time and two such chunks ahead of
/// the one the caller reads, so that decoding overlaps the next page's
/// transfer and the caller's work (outside a tokio runtime they are
/// decoded in place). Held at once: at most two pages as received (the one
/// being handed to the decoder, and the next, in flight or arrived) and
/// three chunks of `T` (the one being read and two ahead); the page after
/// next is asked for once every hit of a page is handed to the decoder.
///
/// Paging stops after a page shorter than asked for, after
/// `paging.max_items`, or after an error, which is yielded once. The page
/// size is capped at [`SEARCH_MAX_PAGE_SIZE`]; [`Paging::concurrency`]
/// does not apply (each page needs the one before).
///
/// Hits with equal values for every sort field are indistinguishable to
/// `searchAfter`; ties on the first field are kept apart by the next ones,
/// so a sort should end with a unique field such as `id`.
///
/// Without a sort field, the stream yields one `invalid_request` error
/// and sends nothing. A hit that does not decode as `T`, or a last hit
/// lacking a sort field, is an `invalid_hit` error with the hit's JSON; a
/// hit that does not decode does not end the stream.
pub fn search_after_stream<'a, T, H, E, F, Fut>(
    paging: Paging,
    keys: SearchKeys,
    fetch: F,
    invalid_request: fn(String) -> E,
    invalid_hit: fn(Bytes, serde_json::Error) -> E,
) -> BoxStream<'a, Result<T, E>>
where
    T: DeserializeOwned + Send + 'static,
    H: SearchHit + 'static,
    E: Send + 'a,
    F: FnMut(Vec<String>, i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<H>, E>> + Send + 'a,
{
    if keys.sort.iter().all(|field| sort_field(field).is_empty()) {
        let message = "searchAfter paging needs a sort: set `sort` in the search body, \
                       ending with a unique field (e.g. [\"name\", \"id\"])";
        return stream::once(async move { Err(invalid_request(message.to_string())) }).boxed();
    }
    let mut state = Hits {
        fetch,
        page_size: u64::from(paging.page_size.clamp(1, SEARCH_MAX_PAGE_SIZE)),
        max_items: paging.max_items,
        sort: keys.sort,
        next: Some(keys.search_after),
        asked: 0,
        pages_held: 0,
        in_flight: None,
        arrived: None,
        undispatched: Vec::new().into_iter(),
        failure_after: None,
        queue: VecDeque::new(),
        current: Vec::new().into_iter(),
        invalid_hit,
    };
    stream::poll_fn(move |cx| state.poll_next(cx)).boxed()
}

/// Hits decoded in one task of the blocking pool: enough that the hand-off
/// (a few microseconds) is small beside the decoding (about half a
/// millisecond for 32 identity hits of 1.4 KB), few enough that two tasks
/// share the decoding of a 250-hit page and the first hits of a
/// 10,000-hit page are read while the rest decode. Measured with
/// `bench_streams` on two cores: 16 and 32 beat 64, 128 and 250.
const DECODE_CHUNK: usize = 32;

/// Chunks dispatched ahead of the one being read: two, so that on two
/// cores both decode while the runtime's thread reads (one ahead was
/// slower, three no faster, and holds more).
const CHUNKS_AHEAD: usize = 2;

/// A page that arrived: its hits, or the error that ended the stream; and
/// a failure to yield after its hits (its last hit lacked a sort value).
type Arrived<H, E> = (Result<Vec<H>, E>, Option<E>);

/// The page asked for, with the `limit` it was asked with.
type InFlight<'a, H, E> = BoxFuture<'a, (u64, Result<Vec<H>, E>)>;

/// A hit decoded, or its JSON and why it did not decode.
type Decoded<T> = Result<T, (Bytes, serde_json::Error)>;

/// What the stream yields next, in order: a chunk of hits, or an error.
enum Unit<T, E> {
    /// Hits being decoded, or decoded.
    Chunk(Decoding<T>),
    /// A page that failed, or a last hit without its sort values.
    Failure(E),
}

enum Decoding<T> {
    Blocking(tokio::task::JoinHandle<Vec<Decoded<T>>>),
    Done(Vec<Decoded<T>>),
}

/// Decodes `hits` as `T`, by the rules of every body.
fn decode_hits<T: DeserializeOwned, H: SearchHit>(hits: Vec<H>) -> Vec<Decoded<T>> {
    hits.into_iter()
        .map(|hit| hit.decode().map_err(|e| (hit.bytes(), e)))
        .collect()
}

struct Hits<'a, T, H, E, F> {
    fetch: F,
    page_size: u64,
    max_items: Option<u64>,
    sort: Vec<String>,
    /// The `searchAfter` of the next request, if there is one.
    next: Option<Vec<String>>,
    /// Hits asked for so far.
    asked: u64,
    /// Pages asked for whose hits have not all been handed to the decoder:
    /// at most two (the one being decoded, and the next).
    pages_held: usize,
    in_flight: Option<InFlight<'a, H, E>>,
    /// A page that arrived while the one before still had hits to hand
    /// to the decoder.
    arrived: Option<Arrived<H, E>>,
    /// Hits of the page being decoded not yet handed to the decoder.
    undispatched: std::vec::IntoIter<H>,
    /// Yielded after the last chunk of `undispatched`.
    failure_after: Option<E>,
    /// Dispatched chunks and failures, in order, after `current`.
    queue: VecDeque<Unit<T, E>>,
    current: std::vec::IntoIter<Decoded<T>>,
    invalid_hit: fn(Bytes, serde_json::Error) -> E,
}

impl<'a, T, H, E, F, Fut> Hits<'a, T, H, E, F>
where
    T: DeserializeOwned + Send + 'static,
    H: SearchHit + 'static,
    E: Send + 'a,
    F: FnMut(Vec<String>, i64) -> Fut,
    Fut: Future<Output = Result<Vec<H>, E>> + Send + 'a,
{
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, E>>> {
        loop {
            if let Some(hit) = self.current.next() {
                // Keep the next page and the decoder moving while hits
                // are read.
                self.advance(cx);
                return Poll::Ready(Some(hit.map_err(|(bytes, e)| (self.invalid_hit)(bytes, e))));
            }
            self.advance(cx);
            match self.queue.front_mut() {
                Some(Unit::Failure(_)) => {
                    if let Some(Unit::Failure(e)) = self.queue.pop_front() {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                Some(Unit::Chunk(decoding)) => {
                    let hits = match decoding {
                        Decoding::Done(hits) => std::mem::take(hits),
                        Decoding::Blocking(task) => match Pin::new(task).poll(cx) {
                            Poll::Pending => return Poll::Pending,
                            Poll::Ready(Ok(hits)) => hits,
                            // A panic in a `Deserialize` impl is passed on
                            // as it would have been in place.
                            Poll::Ready(Err(e)) if e.is_panic() => {
                                std::panic::resume_unwind(e.into_panic())
                            }
                            Poll::Ready(Err(_)) => {
                                let why = "the runtime shut down while the hits were decoded";
                                vec![Err((Bytes::new(), serde::de::Error::custom(why)))]
                            }
                        },
                    };
                    self.queue.pop_front();
                    self.current = hits.into_iter();
                }
                None if self.in_flight.is_some() => return Poll::Pending,
                None if self.undispatched.len() == 0 && self.arrived.is_none() => {
                    return Poll::Ready(None);
                }
                None => {}
            }
        }
    }

    /// Every hit of a page was handed to the decoder: the page after next
    /// may be asked for.
    fn page_dispatched(&mut self) {
        self.pages_held = self.pages_held.saturating_sub(1);
        self.request();
    }

    /// Takes in the page in flight if it arrived, starts the next page's
    /// decoding once the one before is dispatched, asks for the page after
    /// when it may, and keeps up to [`CHUNKS_AHEAD`] chunks decoding.
    fn advance(&mut self, cx: &mut Context<'_>) {
        self.poll_page(cx);
        loop {
            if self.undispatched.len() == 0 {
                if let Some(failure) = self.failure_after.take() {
                    self.queue.push_back(Unit::Failure(failure));
                }
                let Some((page, failure)) = self.arrived.take() else {
                    break;
                };
                self.failure_after = failure;
                match page {
                    Ok(hits) if hits.is_empty() => self.page_dispatched(),
                    Ok(hits) => self.undispatched = hits.into_iter(),
                    Err(e) => self.queue.push_back(Unit::Failure(e)),
                }
                // This page's keys are known: the next one is asked for
                // while this one is decoded and read.
                self.request();
                self.poll_page(cx);
                continue;
            }
            if self.queue.len() >= CHUNKS_AHEAD {
                break;
            }
            let chunk: Vec<H> = self.undispatched.by_ref().take(DECODE_CHUNK).collect();
            let decoding = match tokio::runtime::Handle::try_current() {
                Ok(runtime) => Decoding::Blocking(runtime.spawn_blocking(|| decode_hits(chunk))),
                Err(_) => Decoding::Done(decode_hits(chunk)),
            };
            self.queue.push_back(Unit::Chunk(decoding));
            if self.undispatched.len() == 0 {
                self.page_dispatched();
            }
        }
    }

    /// Asks for the next page, if there is one, no page is in flight or
    /// waiting, and fewer than two pages are held.
    fn request(&mut self) {
        if self.in_flight.is_some() || self.arrived.is_some() || self.pages_held >= 2 {
            return;
        }
        let Some(search_after) = self.next.take() else {
            return;
        };
        let limit = match self.max_items {
            Some(max) if self.asked >= max => return,
            Some(max) => self.page_size.min(max - self.asked),
            None => self.page_size,
        };
        self.asked += limit;
        self.pages_held += 1;
        let page = (self.fetch)(search_after, limit as i64);
        self.in_flight = Some(Box::pin(async move { (limit, page.await) }));
    }

    /// Takes in the page in flight if it has arrived, reading its last
    /// hit's sort values if it is full.
    fn poll_page(&mut self, cx: &mut Context<'_>) {
        if self.in_flight.is_none() && self.arrived.is_none() {
            self.request();
        }
        let Some(in_flight) = self.in_flight.as_mut() else {
            return;
        };
        let Poll::Ready((limit, page)) = in_flight.as_mut().poll(cx) else {
            return;
        };
        self.in_flight = None;
        let mut failure = None;
        if let Ok(hits) = &page
            && hits.len() as u64 == limit
            && let Some(last) = hits.last()
        {
            // A full page: the next one starts after its last hit.
            match last.sort_values(&self.sort) {
                Ok(values) => self.next = Some(values),
                Err(e) => failure = Some((self.invalid_hit)(last.bytes(), e)),
            }
        }
        self.arrived = Some((page, failure));
    }
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
                futures::future::ready(Ok(Vec::<Value>::new()))
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
        let stream = search_after_stream::<Value, Value, String, _, _>(
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
        let stream = search_after_stream::<Value, Value, String, _, _>(
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

    /// `n` people named in runs of three equal names (ties that cross page
    /// boundaries), ids unique, in the order `["name", "id"]` sorts them.
    fn people(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| json!({"name": format!("p{:05}", i / 3), "id": format!("{i:06}"), "n": i}))
            .collect()
    }

    /// A search over `people` as the API answers it: the hits after
    /// `searchAfter` (name, id), `limit` of them, as raw JSON.
    fn answer(all: &[Value], after: &[String], limit: i64) -> Vec<RawHit> {
        let key = |hit: &Value| {
            (
                hit["name"].as_str().unwrap_or_default().to_owned(),
                hit["id"].as_str().unwrap_or_default().to_owned(),
            )
        };
        all.iter()
            .filter(|hit| match after {
                [name, id] => key(hit) > (name.clone(), id.clone()),
                _ => true,
            })
            .take(limit as usize)
            .map(|hit| serde_json::from_str(&hit.to_string()).expect("raw"))
            .collect()
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Person {
        name: String,
        n: u64,
    }

    #[tokio::test]
    async fn ties_across_pages_keep_every_hit_once_in_order() {
        // Pages smaller than a decoding chunk, pages of several chunks
        // (the last one cut short), and one page holding every hit.
        for (page_size, pages) in [(7, 143), (150, 7), (1_000, 2)] {
            let all = people(1_000);
            let requests = Arc::new(Mutex::new(0));
            let counter = requests.clone();
            let source = all.clone();
            let stream = search_after_stream::<Person, RawHit, String, _, _>(
                Paging::default().page_size(page_size),
                keys(&["name", "id"]),
                move |after, limit| {
                    *counter.lock().expect("lock") += 1;
                    futures::future::ready(Ok(answer(&source, &after, limit)))
                },
                |m| m,
                |_, e| e.to_string(),
            );
            let hits: Vec<Person> = stream.try_collect().await.expect("hits");
            let numbers: Vec<u64> = hits.iter().map(|p| p.n).collect();
            assert_eq!(numbers, (0..1_000).collect::<Vec<_>>(), "{page_size}");
            // At 7: 142 full pages and a short one of 6; at 150: 6 full
            // and one of 100; at 1,000: a full page and an empty one.
            assert_eq!(*requests.lock().expect("lock"), pages, "{page_size}");
        }
    }

    /// Hits decoded so far by [`Counted`], and the threads that did.
    static DECODED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    static DECODED_ON: Mutex<Vec<std::thread::ThreadId>> = Mutex::new(Vec::new());

    /// A hit that counts its decoding.
    struct Counted;

    impl<'de> Deserialize<'de> for Counted {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde::de::IgnoredAny::deserialize(d)?;
            DECODED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            DECODED_ON
                .lock()
                .expect("lock")
                .push(std::thread::current().id());
            Ok(Counted)
        }
    }

    #[tokio::test]
    async fn hits_are_decoded_off_the_runtime_thread_a_few_chunks_ahead_of_the_reader() {
        let all = people(2_000);
        let mut stream = search_after_stream::<Counted, RawHit, String, _, _>(
            Paging::default().page_size(1_000),
            keys(&["name", "id"]),
            move |after, limit| futures::future::ready(Ok(answer(&all, &after, limit))),
            |m| m,
            |_, e| e.to_string(),
        );
        assert!(stream.next().await.is_some());
        // Time for the decoder to run ahead if it would.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let decoded = DECODED.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            decoded <= (CHUNKS_AHEAD + 1) * DECODE_CHUNK,
            "{decoded} hits decoded after one was read: more than the chunks ahead"
        );
        let mut read = 1;
        while let Some(hit) = stream.next().await {
            assert!(hit.is_ok());
            read += 1;
        }
        assert_eq!(read, 2_000);
        assert_eq!(DECODED.load(std::sync::atomic::Ordering::SeqCst), 2_000);
        let here = std::thread::current().id();
        assert!(
            DECODED_ON
                .lock()
                .expect("lock")
                .iter()
                .all(|&on| on != here),
            "a hit was decoded on the runtime's thread"
        );
    }

    #[tokio::test]
    async fn the_next_page_is_asked_for_before_the_current_one_is_read_and_no_further() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let all = people(1_000);
        let mut stream = search_after_stream::<Person, RawHit, String, _, _>(
            Paging::default().page_size(200),
            keys(&["name", "id"]),
            move |after, limit| {
                seen.lock().expect("lock").push(after.clone());
                futures::future::ready(Ok(answer(&all, &after, limit)))
            },
            |m| m,
            |_, e| e.to_string(),
        );
        let first = stream.next().await;
        assert!(matches!(first, Some(Ok(Person { n: 0, .. }))));
        // The first page's keys are known: the second page is asked for
        // (prefetch), but not the third while the first still has hits
        // to hand to the decoder.
        assert_eq!(log.lock().expect("lock").len(), 2);
        for _ in 0..5 {
            assert!(stream.next().await.is_some());
        }
        assert_eq!(log.lock().expect("lock").len(), 2);
        assert_eq!(
            log.lock().expect("lock")[1],
            ["p00066".to_string(), "000199".to_string()]
        );
        // Once the first page is handed to the decoder, the third.
        for _ in 6..200 {
            assert!(stream.next().await.is_some());
        }
        assert_eq!(log.lock().expect("lock").len(), 3);

        // Pages smaller than a chunk: two pages whole and the chunks
        // decoding ahead of the one being read, no more.
        let log = Arc::new(Mutex::new(0));
        let seen = log.clone();
        let all = people(1_000);
        let mut stream = search_after_stream::<Person, RawHit, String, _, _>(
            Paging::default().page_size(10),
            keys(&["name", "id"]),
            move |after, limit| {
                *seen.lock().expect("lock") += 1;
                futures::future::ready(Ok(answer(&all, &after, limit)))
            },
            |m| m,
            |_, e| e.to_string(),
        );
        for _ in 0..6 {
            assert!(stream.next().await.is_some());
            assert_eq!(*log.lock().expect("lock"), 1 + CHUNKS_AHEAD + 2);
        }
    }

    #[tokio::test]
    async fn hits_decode_by_the_lenient_rules_of_every_body_and_a_bad_one_is_named() {
        #[derive(Debug, serde::Deserialize)]
        struct Strict {
            #[allow(dead_code)]
            n: u64,
        }
        let hits = vec![
            serde_json::from_str::<RawHit>(r#"{"n": 1, "name": "a"}"#).expect("raw"),
            serde_json::from_str::<RawHit>(r#"{"n": "two", "name": "b"}"#).expect("raw"),
        ];
        let mut hits = Some(hits);
        let items: Vec<Result<Strict, String>> = search_after_stream(
            Paging::default(),
            keys(&["name"]),
            move |_, _| futures::future::ready(Ok(hits.take().unwrap_or_default())),
            |m| m,
            |bytes, e| format!("{}: {e}", String::from_utf8_lossy(&bytes)),
        )
        .collect()
        .await;
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        let error = items[1].as_ref().expect_err("not a number");
        assert!(error.starts_with(r#"{"n": "two""#), "{error}");
        assert!(
            error.contains("n: invalid type"),
            "the path is named: {error}"
        );
    }
}
