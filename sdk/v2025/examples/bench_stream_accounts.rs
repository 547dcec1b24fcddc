//! Bench: how fast `list_accounts().stream()` goes, and in how much memory.
//!
//! ```sh
//! cargo run --release -p sailpoint-v2025 --example bench_stream_accounts            # 50,000 accounts
//! cargo run --release -p sailpoint-v2025 --example bench_stream_accounts -- 50000 500000
//! ```
//!
//! For each total given, a server on 127.0.0.1 (its own thread and
//! runtime) answers `GET /v2025/accounts` with pre-built pages of accounts
//! shaped like the spec's `Account` example (every property's example; the
//! same bytes for every full page, only the last page is built on request),
//! and the client streams and decodes every account into `types::Account`
//! (250 a page, one page fetched ahead), keeping only the count. Prints
//! accounts per second and the process's peak resident memory (`VmHWM`,
//! reset before each run), which counts the server's few buffers too.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use futures::TryStreamExt;
use sailpoint_v2025::prelude::*;
use sailpoint_v2025::{Client, Config};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Every property of the spec's `Account` schema, with its example value.
const ACCOUNT: &str = r#"{"id":"id12345","name":"aName","created":"2015-05-28T14:07:17Z","modified":"2015-05-28T14:07:17Z","sourceId":"2c9180835d2e5168015d32f890ca1581","sourceName":"Employees","identityId":"2c9180835d2e5168015d32f890ca1581","cloudLifecycleState":"active","identityState":"ACTIVE","connectionType":"direct","isMachine":true,"recommendation":{"type":"MACHINE","method":"DISCOVERY"},"attributes":{"firstName":"SailPoint","lastName":"Support","displayName":"SailPoint Support"},"authoritative":false,"description":null,"disabled":false,"locked":false,"nativeIdentity":"552775","systemAccount":false,"uncorrelated":false,"uuid":"{b0dce506-d6d4-44d2-8a32-d9a5b21fb175}","manuallyCorrelated":false,"hasEntitlements":true,"identity":{"id":"2c918084660f45d6016617daa9210584","type":"IDENTITY","name":"John Doe"},"sourceOwner":{"id":"2c918084660f45d6016617daa9210584","type":"IDENTITY","name":"Adam Kennedy"},"features":"ENABLE","origin":"AGGREGATED","ownerIdentity":{"type":"IDENTITY","id":"2c918084660f45d6016617daa9210584","name":"Adam Kennedy"}}"#;
const PAGE: u64 = 250;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let totals: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let totals = if totals.is_empty() {
        vec![50_000]
    } else {
        totals
    };
    for total in totals {
        let base = start_server(total)?;
        let config = Config::builder()
            .base_url(base)
            .access_token("bench-token")
            .build()?;
        let client = Client::from_config(&config);
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let start = Instant::now();
        let mut accounts = client.list_accounts().stream();
        let mut count: u64 = 0;
        while let Some(account) = accounts.try_next().await? {
            std::hint::black_box(&account);
            count += 1;
        }
        let elapsed = start.elapsed().as_secs_f64();
        if count != total {
            return Err(format!("streamed {count} accounts of {total}").into());
        }
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{count} accounts in {elapsed:.3} s: {:.0} accounts/s, peak RSS {:.1} MB",
            count as f64 / elapsed,
            peak_rss_kib() as f64 / 1024.0
        )?;
    }
    Ok(())
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn page(items: u64) -> Vec<u8> {
    let mut body = Vec::with_capacity(items as usize * (ACCOUNT.len() + 1) + 2);
    body.push(b'[');
    for i in 0..items {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(ACCOUNT.as_bytes());
    }
    body.push(b']');
    body
}

/// Starts the server on its own thread; returns its base URL.
fn start_server(total: u64) -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let base = format!("http://{}", listener.local_addr()?);
    let full: Arc<[u8]> = page(PAGE).into();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("listener");
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, full.clone(), total));
            }
        });
    });
    Ok(base)
}

/// Answers requests on one keep-alive connection until it closes.
async fn serve(stream: TcpStream, full: Arc<[u8]>, total: u64) -> std::io::Result<()> {
    // Without it, Nagle's algorithm holds a small body written after the
    // head until the client's delayed ACK (40 ms): once a run, on the last
    // (empty) page, which would be timed as the client's.
    stream.set_nodelay(true)?;
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let target = line.split(' ').nth(1).unwrap_or_default().to_string();
        // The rest of the head; GET requests have no body.
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
        }
        let query = |name: &str| {
            target
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or_default()
                .split('&')
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse::<u64>().ok())
        };
        let offset = query("offset").unwrap_or(0);
        let limit = query("limit").unwrap_or(PAGE);
        let items = limit.min(total.saturating_sub(offset));
        let built;
        let body: &[u8] = if items == PAGE {
            &full
        } else {
            built = page(items);
            &built
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let writer = stream.get_mut();
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(body).await?;
    }
}
