//! Offset pagination as a stream of items, for the generated `.stream()`
//! of every list operation with `limit` and `offset` parameters (the search
//! pages with `searchAfter` instead: see `search.rs`).

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};

/// How a listing is paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// Items asked for per request (`limit`); 250 by default, the most
    /// SailPoint's lists allow (the search allows up to 10,000).
    pub page_size: u32,
    /// Stop after this many items; every item by default.
    pub max_items: Option<u64>,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page_size: 250,
            max_items: None,
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
}

/// Streams the items of the pages `fetch(offset, limit)` returns, in order.
///
/// Pages are fetched lazily, with at most one page in flight ahead of the
/// one being read. Paging stops after a page shorter than asked for
/// (including an empty one), after `max_items`, or after an error, which
/// is yielded once. `X-Total-Count` is not relied on.
pub fn offset_stream<'a, T, E, F, Fut>(paging: Paging, mut fetch: F) -> BoxStream<'a, Result<T, E>>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(i64, i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Vec<T>, E>> + Send + 'a,
{
    let page_size = u64::from(paging.page_size.max(1));
    // (offset, limit) of every page, the last one cut to `max_items`.
    let requests = stream::iter((0u64..).map_while(move |page| {
        let offset = page.checked_mul(page_size)?;
        let limit = match paging.max_items {
            Some(max) if offset >= max => return None,
            Some(max) => page_size.min(max - offset),
            None => page_size,
        };
        Some((offset, limit))
    }));
    let pages = requests
        .map(move |(offset, limit)| {
            let page = fetch(offset as i64, limit as i64);
            async move { (limit, page.await) }
        })
        .buffered(2);
    // Checked before pulling the next page, so that nothing is asked for
    // beyond the prefetch once a short page or an error has ended it.
    stream::unfold((pages, false), |(mut pages, done)| async move {
        if done {
            return None;
        }
        let (limit, page) = pages.next().await?;
        let done = page
            .as_ref()
            .map_or(true, |items| (items.len() as u64) < limit);
        Some((page, (pages, done)))
    })
    .flat_map(|page| match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(e) => stream::iter(std::iter::once(Err(e))).right_stream(),
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::TryStreamExt;

    use super::*;

    /// A listing of `total` numbers; records every request; fails on the
    /// request at `fail_at` (an offset).
    fn listing(
        total: i64,
        fail_at: Option<i64>,
        log: Arc<Mutex<Vec<(i64, i64)>>>,
    ) -> impl FnMut(i64, i64) -> futures::future::Ready<Result<Vec<i64>, String>> + Send {
        move |offset, limit| {
            if let Ok(mut log) = log.lock() {
                log.push((offset, limit));
            }
            if Some(offset) == fail_at {
                return futures::future::ready(Err(format!("page at {offset} failed")));
            }
            let end = (offset + limit).min(total);
            futures::future::ready(Ok((offset.min(end)..end).collect()))
        }
    }

    async fn collect(
        total: i64,
        paging: Paging,
        fail_at: Option<i64>,
    ) -> (Vec<Result<i64, String>>, Vec<(i64, i64)>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let items = offset_stream(paging, listing(total, fail_at, log.clone()))
            .collect::<Vec<_>>()
            .await;
        let requests = log.lock().map(|l| l.clone()).unwrap_or_default();
        (items, requests)
    }

    #[tokio::test]
    async fn full_pages_then_a_short_one() {
        let (items, requests) = collect(10 * 250 + 7, Paging::default(), None).await;
        let items: Vec<i64> = items
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("no error");
        assert_eq!(items, (0..2507).collect::<Vec<_>>());
        // 11 pages; the prefetch past the short page may or may not start.
        assert!(requests.len() == 11 || requests.len() == 12, "{requests:?}");
        assert_eq!(requests[10], (2500, 250));
    }

    #[tokio::test]
    async fn an_exact_multiple_ends_on_the_empty_page_without_error() {
        let (items, requests) = collect(250, Paging::default(), None).await;
        assert_eq!(items.len(), 250);
        assert!(items.iter().all(Result::is_ok));
        assert_eq!(requests[..2], [(0, 250), (250, 250)]);
    }

    #[tokio::test]
    async fn a_cap_smaller_than_a_page_asks_for_no_more() {
        let (items, requests) = collect(1000, Paging::default().max_items(10), None).await;
        assert_eq!(items.len(), 10);
        assert_eq!(requests, [(0, 10)]);
        let (items, requests) =
            collect(1000, Paging::default().page_size(4).max_items(10), None).await;
        assert_eq!(items.len(), 10);
        assert_eq!(requests, [(0, 4), (4, 4), (8, 2)]);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let (items, _) = collect(5000, Paging::default(), Some(500)).await;
        assert_eq!(items.len(), 501);
        assert!(items[..500].iter().all(Result::is_ok));
        assert_eq!(items[500], Err("page at 500 failed".to_string()));
        let stream = offset_stream(
            Paging::default(),
            listing(5000, Some(0), Default::default()),
        );
        assert!(stream.try_collect::<Vec<_>>().await.is_err());
    }
}
