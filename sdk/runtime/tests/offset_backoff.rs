//! Offset streams through a real [`Runtime`] against a small in-process
//! server that answers 429 (`Retry-After: 0`) to any request beyond the
//! few it serves at once: every item arrives once and in order, and the
//! stream that watches the runtime's 429s sends fewer pages at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use progenitor_client::ResponseValue;
use sailpoint_runtime::{
    ApiError, Operation, Paging, RetryPolicy, Runtime, decode_success, offset_stream,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const TOTAL: u64 = 400;
const PAGE: u32 = 10;
const SERVED_AT_ONCE: usize = 2;

#[derive(Default)]
struct Counters {
    in_flight: AtomicUsize,
    served: AtomicUsize,
    refused: AtomicUsize,
}

/// Serves `GET /items?offset=O&limit=L` with the numbers `O..O+L` below
/// [`TOTAL`] and `X-Total-Count`, after 15 ms; 429 beyond
/// [`SERVED_AT_ONCE`] requests in progress.
async fn serve(counters: Arc<Counters>) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counters = counters.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(request_line)) = lines.next_line().await {
                    // Skip the headers.
                    while let Ok(Some(header)) = lines.next_line().await {
                        if header.is_empty() {
                            break;
                        }
                    }
                    let query = |name: &str| -> u64 {
                        request_line
                            .split(['?', '&', ' '])
                            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0)
                    };
                    let (offset, limit) = (query("offset"), query("limit"));
                    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    let response = if now > SERVED_AT_ONCE {
                        counters.refused.fetch_add(1, Ordering::SeqCst);
                        let body = r#"{"message":"Rate Limit Exceeded"}"#;
                        format!(
                            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    } else {
                        tokio::time::sleep(Duration::from_millis(15)).await;
                        counters.served.fetch_add(1, Ordering::SeqCst);
                        let end = (offset + limit).min(TOTAL);
                        let items: Vec<String> =
                            (offset.min(end)..end).map(|n| n.to_string()).collect();
                        let body = format!("[{}]", items.join(","));
                        format!(
                            "HTTP/1.1 200 OK\r\nX-Total-Count: {TOTAL}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    };
                    counters.in_flight.fetch_sub(1, Ordering::SeqCst);
                    if write.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok(format!("http://{address}/items"))
}

type Page = Result<ResponseValue<Vec<u64>>, String>;

fn fetcher(
    url: String,
    runtime: Runtime,
) -> impl FnMut(i64, i64) -> futures::future::BoxFuture<'static, Page> + Send + 'static {
    let http = reqwest::Client::new();
    move |offset, limit| {
        let (http, runtime) = (http.clone(), runtime.clone());
        let url = format!("{url}?offset={offset}&limit={limit}");
        Box::pin(async move {
            let request = http.get(url).build().map_err(|e| e.to_string())?;
            let response = runtime
                .execute(&http, request, &Operation::new("listItems"))
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("status {}", response.status()));
            }
            decode_success::<Vec<u64>, ApiError>(response)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// Streams every item with 8 pages allowed in flight; returns the 429s.
async fn refusals(watching: bool) -> usize {
    let counters = Arc::new(Counters::default());
    let url = serve(counters.clone()).await.expect("server");
    let runtime = Runtime::new().with_retry_policy(
        RetryPolicy::default()
            .max_attempts(10_000)
            .max_elapsed(Duration::from_secs(60)),
    );
    let paging = Paging::default().page_size(PAGE).concurrency(8);
    let fetch = fetcher(url, runtime.clone());
    let stream = if watching {
        runtime.offset_stream(paging, fetch)
    } else {
        offset_stream(paging, fetch)
    };
    let items: Vec<u64> = stream.try_collect().await.expect("no request fails");
    assert_eq!(
        items,
        (0..TOTAL).collect::<Vec<_>>(),
        "every item, in order"
    );
    assert_eq!(
        counters.served.load(Ordering::SeqCst),
        (TOTAL / u64::from(PAGE)) as usize,
        "each page served once"
    );
    let refused = counters.refused.load(Ordering::SeqCst);
    if watching {
        assert_eq!(runtime.rate_limited() as usize, refused);
    }
    refused
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_watching_429s_sends_fewer_pages_at_once() {
    let blind = refusals(false).await;
    let watching = refusals(true).await;
    assert!(
        blind > 0,
        "the server refused nothing: the test proves nothing"
    );
    assert!(
        watching * 2 < blind,
        "429s with back-off: {watching}, without: {blind}"
    );
}
