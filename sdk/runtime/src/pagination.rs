//! Offset pagination as a stream of items, for the generated `.stream()`
//! of every list operation with `limit` and `offset` parameters (the search
//! pages with `searchAfter` instead: see `search.rs`).
//!
//! # Requests
//!
//! Until the listing's size is known, one page is in flight while the one
//! before it is read, and the next page is asked for only once a full page
//! has arrived. A page shorter than asked for (an empty one included) ends
//! the listing. When a page says how many items there are
//! (`X-Total-Count`, which the generated streams ask for with `count=true`
//! on the first page when the operation has that parameter), no page past
//! that total is asked for, and up to [`Paging::concurrency`] pages are in
//! flight at once, delivered in order.
//!
//! Worst case: a listing without `X-Total-Count` whose size is a multiple
//! of the page size costs one request more than it has pages (the empty
//! page that proves the end): 201 requests for 50,000 items at 250 a
//! page. With the total known, exactly the pages holding items are asked
//! for (200). The total is read once: items added while the listing is
//! streamed may be missed, and removed ones end it early on a short page,
//! as with any offset paging.

use std::collections::VecDeque;
use std::future::Future;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, FuturesOrdered, StreamExt};
use progenitor_client::ResponseValue;

use crate::runtime::RateLimits;

/// The header SailPoint's lists answer `count=true` with.
pub const TOTAL_COUNT_HEADER: &str = "x-total-count";

/// Default [`Paging::concurrency`].
///
/// Four: against a tenant answering a page in 100 ms, one page at a time
/// caps a listing at 10 pages a second whatever the client's speed; four
/// in flight give about four times that while holding at most four pages
/// (about 1.5 MB of accounts at 250 a page) and, if the tenant's rate
/// limit answers 429, the window halves (see [`Paging::concurrency`]), so
/// a default client does not keep a limited tenant at its limit.
pub const DEFAULT_CONCURRENCY: u32 = 4;

/// How a listing is paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Paging {
    /// Items asked for per request (`limit`); 250 by default, the most
    /// SailPoint's lists allow (the search allows up to 10,000).
    pub page_size: u32,
    /// Stop after this many items; every item by default.
    pub max_items: Option<u64>,
    /// The most offset pages in flight at once once the listing's total is
    /// known ([`DEFAULT_CONCURRENCY`] by default; 1 asks for one page
    /// after another, still one ahead of the page being read). Pages are
    /// delivered in order. When the client's runtime receives a 429, the
    /// window halves (down to one page) and grows back by one page after
    /// as many pages as it holds arrive without one; each request is still
    /// retried by the runtime's [`RetryPolicy`](crate::RetryPolicy),
    /// honouring `Retry-After`. Search streams are always sequential: each
    /// page needs the last hit of the one before.
    pub concurrency: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page_size: 250,
            max_items: None,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl Paging {
    /// `page_size` items a request.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// At most `max_items` items in all.
    pub fn max_items(mut self, max_items: u64) -> Self {
        self.max_items = Some(max_items);
        self
    }

    /// At most `pages` offset pages in flight at once (at least one).
    pub fn concurrency(mut self, pages: u32) -> Self {
        self.concurrency = pages.max(1);
        self
    }
}

/// One page of an offset listing as the fetch function returns it: its
/// items and, if the response said, the listing's total.
pub trait OffsetPage {
    /// The listed item.
    type Item;
    /// The listing's total (`X-Total-Count`), if the page carries it.
    fn total(&self) -> Option<u64>;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T> OffsetPage for Vec<T> {
    type Item = T;
    fn total(&self) -> Option<u64> {
        None
    }
    fn into_items(self) -> Vec<T> {
        self
    }
}

impl<T> OffsetPage for ResponseValue<Vec<T>> {
    type Item = T;
    fn total(&self) -> Option<u64> {
        self.headers()
            .get(TOTAL_COUNT_HEADER)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }
    fn into_items(self) -> Vec<T> {
        self.into_inner()
    }
}

/// Streams the items of the pages `fetch(offset, limit)` returns, in order
/// (see the module docs for which pages are asked for, and when).
///
/// Paging stops after a page shorter than asked for (including an empty
/// one), at the total a page announced, after `max_items`, or after an
/// error, which is yielded once; pages after a failed one are dropped
/// unread. Without a [`Runtime`](crate::Runtime) to watch for 429s, the
/// window never shrinks: use [`Runtime::offset_stream`](crate::Runtime::offset_stream).
pub fn offset_stream<'a, P, E, F, Fut>(
    paging: Paging,
    fetch: F,
) -> BoxStream<'a, Result<P::Item, E>>
where
    P: OffsetPage + Send + 'a,
    P::Item: Send + 'a,
    E: Send + 'a,
    F: FnMut(i64, i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<P, E>> + Send + 'a,
{
    offset_stream_watching(paging, None, fetch)
}

pub(crate) fn offset_stream_watching<'a, P, E, F, Fut>(
    paging: Paging,
    rate_limits: Option<RateLimits>,
    fetch: F,
) -> BoxStream<'a, Result<P::Item, E>>
where
    P: OffsetPage + Send + 'a,
    P::Item: Send + 'a,
    E: Send + 'a,
    F: FnMut(i64, i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<P, E>> + Send + 'a,
{
    let seen = rate_limits.as_ref().map_or(0, RateLimits::seen);
    let mut state = Pages {
        fetch,
        page_size: u64::from(paging.page_size.max(1)),
        max_window: paging.concurrency.max(1),
        end: paging.max_items,
        total_known: false,
        next_offset: 0,
        requesting: true,
        window: 1,
        calm_pages: 0,
        rate_limits,
        seen,
        in_flight: FuturesOrdered::new(),
        ready: VecDeque::new(),
        current: Vec::new().into_iter(),
    };
    stream::poll_fn(move |cx| state.poll_next(cx)).boxed()
}

type Fetched<'a, P, E> = BoxFuture<'a, (u64, Result<P, E>)>;

struct Pages<'a, P: OffsetPage, E, F> {
    fetch: F,
    page_size: u64,
    /// [`Paging::concurrency`].
    max_window: u32,
    /// No item at or past this offset is asked for (`max_items`, then the
    /// announced total if smaller).
    end: Option<u64>,
    total_known: bool,
    next_offset: u64,
    /// False once a short page, the end or an error has been seen.
    requesting: bool,
    /// Pages allowed in flight now.
    window: u32,
    /// Pages arrived since the window last changed without a new 429.
    calm_pages: u32,
    rate_limits: Option<RateLimits>,
    /// 429s the runtime had received when last looked at.
    seen: u64,
    in_flight: FuturesOrdered<Fetched<'a, P, E>>,
    /// Pages arrived, in order, not yet read.
    ready: VecDeque<Result<Vec<P::Item>, E>>,
    current: std::vec::IntoIter<P::Item>,
}

impl<'a, P, E, F, Fut> Pages<'a, P, E, F>
where
    P: OffsetPage + Send + 'a,
    E: Send + 'a,
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<P, E>> + Send + 'a,
{
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<P::Item, E>>> {
        loop {
            if let Some(item) = self.current.next() {
                // Keep the pages in flight moving while items are read.
                self.poll_in_flight(cx);
                return Poll::Ready(Some(Ok(item)));
            }
            self.request_more();
            self.poll_in_flight(cx);
            match self.ready.pop_front() {
                Some(Ok(items)) => self.current = items.into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None if self.in_flight.is_empty() && !self.can_request() => {
                    return Poll::Ready(None);
                }
                // `poll_in_flight` saw every page pending and registered
                // the waker; `request_more` had nothing to add.
                None if !self.in_flight.is_empty() => return Poll::Pending,
                None => {}
            }
        }
    }

    fn can_request(&self) -> bool {
        self.requesting && self.end.is_none_or(|end| self.next_offset < end)
    }

    /// Asks for pages until the window is full. Before the total is known,
    /// a page is asked for only when no page is in flight or waiting: the
    /// one before must have arrived full, or it might have been the last.
    fn request_more(&mut self) {
        while self.can_request() {
            let waiting = self.in_flight.len() + self.ready.len();
            let full = if self.total_known {
                self.in_flight.len() >= self.window as usize
            } else {
                waiting > 0
            };
            if full {
                return;
            }
            let offset = self.next_offset;
            let limit = match self.end {
                Some(end) => self.page_size.min(end - offset),
                None => self.page_size,
            };
            self.next_offset = offset + limit;
            let page = (self.fetch)(offset as i64, limit as i64);
            self.in_flight
                .push_back(Box::pin(async move { (limit, page.await) }));
        }
    }

    /// Takes in the pages that have arrived, in order.
    fn poll_in_flight(&mut self, cx: &mut Context<'_>) {
        while let Poll::Ready(Some((limit, page))) = self.in_flight.poll_next_unpin(cx) {
            let arrived = self.arrived(limit, page);
            self.ready.push_back(arrived);
            if !self.requesting {
                // Pages after a short or failed one are not read.
                self.in_flight = FuturesOrdered::new();
                return;
            }
            self.request_more();
        }
    }

    fn arrived(&mut self, limit: u64, page: Result<P, E>) -> Result<Vec<P::Item>, E> {
        self.watch_rate_limits();
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                self.requesting = false;
                return Err(e);
            }
        };
        if !self.total_known
            && let Some(total) = page.total()
        {
            self.total_known = true;
            self.end = Some(self.end.map_or(total, |cap| cap.min(total)));
            self.window = self.max_window;
        }
        let items = page.into_items();
        if (items.len() as u64) < limit {
            self.requesting = false;
        }
        Ok(items)
    }

    /// Halves the window when the runtime has received a 429 since last
    /// looked at; grows it by one after a window's worth of calm pages.
    fn watch_rate_limits(&mut self) {
        let Some(limits) = &self.rate_limits else {
            return;
        };
        let seen = limits.seen();
        if seen > self.seen {
            self.seen = seen;
            self.window = (self.window / 2).max(1);
            self.calm_pages = 0;
            tracing::debug!(window = self.window, "429 received: fewer pages in flight");
            return;
        }
        self.calm_pages += 1;
        if self.total_known && self.calm_pages >= self.window && self.window < self.max_window {
            self.window += 1;
            self.calm_pages = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use futures::TryStreamExt;

    use super::*;

    /// A listing of `total` numbers; records every request; fails on the
    /// request at `fail_at` (an offset); announces the total when `count`.
    #[derive(Clone)]
    struct Listing {
        total: i64,
        fail_at: Option<i64>,
        count: bool,
        delay: Duration,
        log: Arc<Mutex<Vec<(i64, i64)>>>,
        in_flight: Arc<AtomicUsize>,
        most_in_flight: Arc<AtomicUsize>,
    }

    impl Listing {
        fn new(total: i64) -> Self {
            Listing {
                total,
                fail_at: None,
                count: false,
                delay: Duration::ZERO,
                log: Arc::default(),
                in_flight: Arc::default(),
                most_in_flight: Arc::default(),
            }
        }

        fn fetch(
            &self,
        ) -> impl FnMut(i64, i64) -> BoxFuture<'static, Result<ResponseValue<Vec<i64>>, String>>
        + Send
        + 'static {
            let listing = self.clone();
            move |offset, limit| {
                let listing = listing.clone();
                Box::pin(async move {
                    listing.log.lock().expect("lock").push((offset, limit));
                    let now = listing.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    listing.most_in_flight.fetch_max(now, Ordering::SeqCst);
                    // Later pages answer sooner, to prove the order kept.
                    let delay = listing.delay.saturating_sub(Duration::from_micros(
                        (offset.max(0) as u64 / limit.max(1) as u64 % 4) * 500,
                    ));
                    tokio::time::sleep(delay).await;
                    listing.in_flight.fetch_sub(1, Ordering::SeqCst);
                    if Some(offset) == listing.fail_at {
                        return Err(format!("page at {offset} failed"));
                    }
                    let end = (offset + limit).min(listing.total);
                    let items: Vec<i64> = (offset.min(end)..end).collect();
                    let mut headers = reqwest::header::HeaderMap::new();
                    if listing.count {
                        headers.insert(TOTAL_COUNT_HEADER, listing.total.into());
                    }
                    Ok(ResponseValue::new(items, reqwest::StatusCode::OK, headers))
                })
            }
        }

        fn requests(&self) -> Vec<(i64, i64)> {
            self.log.lock().expect("lock").clone()
        }
    }

    async fn collect(listing: &Listing, paging: Paging) -> Vec<Result<i64, String>> {
        offset_stream(paging, listing.fetch()).collect().await
    }

    #[tokio::test]
    async fn without_a_total_a_full_last_page_costs_one_request_and_no_more() {
        let listing = Listing::new(50_000);
        let items: Vec<i64> = offset_stream(Paging::default(), listing.fetch())
            .try_collect()
            .await
            .expect("no error");
        assert_eq!(items, (0..50_000).collect::<Vec<_>>());
        let requests = listing.requests();
        assert_eq!(requests.len(), 201, "200 pages and the empty one");
        assert_eq!(requests[200], (50_000, 250));
        assert_eq!(listing.most_in_flight.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_short_last_page_ends_without_another_request() {
        let listing = Listing::new(10 * 250 + 7);
        let items = collect(&listing, Paging::default()).await;
        assert_eq!(items.len(), 2507);
        assert!(items.iter().enumerate().all(|(i, v)| *v == Ok(i as i64)));
        assert_eq!(listing.requests().len(), 11);
    }

    #[tokio::test]
    async fn with_the_total_known_only_pages_holding_items_are_asked_for() {
        for (total, pages) in [(50_000, 200), (50_001, 201), (0, 1), (249, 1)] {
            let mut listing = Listing::new(total);
            listing.count = true;
            let items: Vec<i64> = offset_stream(Paging::default(), listing.fetch())
                .try_collect()
                .await
                .expect("no error");
            assert_eq!(items, (0..total).collect::<Vec<_>>(), "{total}");
            let requests = listing.requests();
            assert_eq!(requests.len(), pages, "{total}");
            if total == 50_001 {
                assert_eq!(requests.last(), Some(&(50_000, 1)), "cut to the total");
            }
        }
    }

    #[tokio::test]
    async fn concurrent_pages_arrive_in_order_and_never_exceed_the_window() {
        for concurrency in [1, 3, 8] {
            let mut listing = Listing::new(5_000);
            listing.count = true;
            listing.delay = Duration::from_millis(3);
            let paging = Paging::default().page_size(100).concurrency(concurrency);
            let items: Vec<i64> = offset_stream(paging, listing.fetch())
                .try_collect()
                .await
                .expect("no error");
            assert_eq!(items, (0..5_000).collect::<Vec<_>>());
            assert_eq!(listing.requests().len(), 50);
            let most = listing.most_in_flight.load(Ordering::SeqCst);
            assert!(most <= concurrency as usize, "{most} > {concurrency}");
            if concurrency > 1 {
                assert!(most > 1, "pages were asked for one at a time");
            }
        }
    }

    #[tokio::test]
    async fn a_cap_smaller_than_a_page_asks_for_no_more() {
        let listing = Listing::new(1000);
        let items = collect(&listing, Paging::default().max_items(10)).await;
        assert_eq!(items.len(), 10);
        assert_eq!(listing.requests(), [(0, 10)]);
        let listing = Listing::new(1000);
        let items = collect(&listing, Paging::default().page_size(4).max_items(10)).await;
        assert_eq!(items.len(), 10);
        assert_eq!(listing.requests(), [(0, 4), (4, 4), (8, 2)]);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        for count in [false, true] {
            let mut listing = Listing::new(5000);
            listing.fail_at = Some(500);
            listing.count = count;
            listing.delay = Duration::from_millis(1);
            let items = collect(&listing, Paging::default()).await;
            assert_eq!(items.len(), 501, "count: {count}");
            assert!(items[..500].iter().all(Result::is_ok));
            assert_eq!(items[500], Err("page at 500 failed".to_string()));
        }
        let mut listing = Listing::new(5000);
        listing.fail_at = Some(0);
        let stream = offset_stream(Paging::default(), listing.fetch());
        assert!(stream.try_collect::<Vec<_>>().await.is_err());
        assert_eq!(listing.requests().len(), 1);
    }
}
