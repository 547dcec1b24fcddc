//! Bench: the SDK's offset and search streams against plain reqwest on the
//! same pages, on a local mock with latency and a rate limit.
//!
//! ```sh
//! # No latency: decoding speed against the transport's.
//! cargo run --release -p sailpoint-v2025 --example bench_streams
//! # A tenant answering each page in 100 ms, 429 past 50 requests a second.
//! cargo run --release -p sailpoint-v2025 --example bench_streams -- --delay-ms 100 --rate 50
//! # Each scenario run 5 times in rounds, medians (a machine under load).
//! cargo run --release -p sailpoint-v2025 --example bench_streams -- --repeat 5
//! # Only the scenarios whose name holds `search` (`accounts`, `250`...).
//! cargo run --release -p sailpoint-v2025 --example bench_streams -- --only search
//! # The mock alone, for other clients (scripts/bench-peers.sh).
//! cargo run --release -p sailpoint-v2025 --example bench_streams -- serve --port 8790 --delay-ms 100 --rate 50
//! ```
//!
//! The mock runs in a child process (`serve`), and each client run in a
//! child process of its own (`client`), so that each peak RSS (`VmHWM`) is
//! that client's alone. The mock answers:
//!
//! - `GET /{version}/accounts?offset&limit[&count=true]`: accounts shaped like
//!   the spec's `Account` example, `X-Total-Count` when `count=true`;
//! - `POST /{version}/search?limit` with a body whose `sort` is
//!   `["name", "id"]`: identity hits whose names come in runs of three
//!   (ties across page boundaries), after the body's `searchAfter`;
//! - `POST /oauth/token`: a token, for SDKs that fetch one;
//! - `GET /stats`: requests answered and refused since the last call.
//!
//! Each page is answered after `--delay-ms`; past `--rate` requests in one
//! second, a request is answered `429` with `Retry-After: 1` at once.
//!
//! Prints one Markdown table: items a second, peak RSS, the ratios to
//! plain reqwest on the same pages in the same run (reading the bytes only,
//! and decoding each page into the same typed model one page after the
//! other), requests and 429s.

use std::collections::HashMap;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use sailpoint_runtime::Paging;
use sailpoint_v2025::prelude::*;
use sailpoint_v2025::types::{Account, Search, SearchDocuments};
use sailpoint_v2025::{Client, Config};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Every property of the spec's `Account` schema, with its example value.
const ACCOUNT: &str = r#"{"id":"id12345","name":"aName","created":"2015-05-28T14:07:17Z","modified":"2015-05-28T14:07:17Z","sourceId":"2c9180835d2e5168015d32f890ca1581","sourceName":"Employees","identityId":"2c9180835d2e5168015d32f890ca1581","cloudLifecycleState":"active","identityState":"ACTIVE","connectionType":"direct","isMachine":true,"recommendation":{"type":"MACHINE","method":"DISCOVERY"},"attributes":{"firstName":"SailPoint","lastName":"Support","displayName":"SailPoint Support"},"authoritative":false,"description":null,"disabled":false,"locked":false,"nativeIdentity":"552775","systemAccount":false,"uncorrelated":false,"uuid":"{b0dce506-d6d4-44d2-8a32-d9a5b21fb175}","manuallyCorrelated":false,"hasEntitlements":true,"identity":{"id":"2c918084660f45d6016617daa9210584","type":"IDENTITY","name":"John Doe"},"sourceOwner":{"id":"2c918084660f45d6016617daa9210584","type":"IDENTITY","name":"Adam Kennedy"},"features":"ENABLE","origin":"AGGREGATED","ownerIdentity":{"type":"IDENTITY","id":"2c918084660f45d6016617daa9210584","name":"Adam Kennedy"}}"#;

/// An identity hit; `{ID}` and `{NAME}` are filled in per hit.
const IDENTITY: &str = r#"{"id":"{ID}","name":"{NAME}","_type":"identity","type":"identity","displayName":"Aaron Nichols","firstName":"Aaron","lastName":"Nichols","email":"aaron.nichols@sailpointdemo.com","created":"2018-06-25T20:22:28.104Z","modified":"2018-09-11T22:44:36.315Z","phone":"5125551234","inactive":false,"protected":false,"status":"UNREGISTERED","employeeNumber":"1a2a3d4e","manager":{"id":"2c9180867f1f1c2a017f3a5a0a7a0b1c","name":"amanda.ross","displayName":"Amanda Ross"},"isManager":false,"identityProfile":{"id":"3bc8ad26b8664945866b31339d1ff7d2","name":"HR Employees"},"source":{"id":"2c91808b6e9e6fb8016eec1a2b6f7b9f","name":"ODS-HR-Employees"},"attributes":{"uid":"aaron.nichols","firstname":"Aaron","cloudStatus":"UNREGISTERED","displayName":"Aaron Nichols","identificationNumber":"19-5588452","lastSyncDate":1470348809380,"email":"aaron.nichols@sailpointdemo.com","lastname":"Nichols"},"processingState":null,"accountCount":3,"appCount":2,"accessCount":5,"entitlementCount":2,"roleCount":1,"accessProfileCount":1,"owns":[{"sources":[{"id":"2c91808b6e9e6fb8016eec1a2b6f7b9f","name":"ODS-HR-Employees"}]}],"tags":["TAG_1","TAG_2"]}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let options = Mock {
        delay: Duration::from_millis(flag("--delay-ms", 0)),
        rate: flag("--rate", 0),
        accounts: flag("--accounts", 50_000),
        hits: flag("--hits", 25_000),
    };
    match args.first().map(String::as_str) {
        Some("--help" | "-h") => {
            println!(
                "bench_streams [--delay-ms MS] [--rate PER_SECOND] [--accounts N] [--hits N] \
                 [--only NAME_PART] [--repeat RUNS]\n\
                 bench_streams serve [--port PORT] [--delay-ms MS] [--rate PER_SECOND]\n\
                 (see the top of sdk/v2025/examples/bench_streams.rs)"
            );
            Ok(())
        }
        Some("serve") => serve(options, flag("--port", 0) as u16).await,
        Some("client") => {
            let scenario = args.get(1).ok_or("client SCENARIO BASE")?;
            let base = args.get(2).ok_or("client SCENARIO BASE")?;
            client(scenario, base, &options).await
        }
        _ => run(&args, &options),
    }
}

#[derive(Clone, Copy)]
struct Mock {
    delay: Duration,
    /// Requests a second answered before 429s; 0 for no limit.
    rate: u64,
    accounts: u64,
    hits: u64,
}

/// The scenarios: name, what it is, and its two baselines: plain reqwest
/// reading the same pages' bytes, and plain reqwest decoding each page with
/// `serde_json::from_slice` into the same typed model, one page after the
/// other (what any client decoding the pages must at least pay).
const SCENARIOS: &[(&str, &str, &str, &str)] = &[
    (
        "reqwest-accounts",
        "plain reqwest, 250 a page, bytes only",
        "",
        "",
    ),
    (
        "reqwest-accounts-typed",
        "plain reqwest + `from_slice::<Vec<Account>>`, 250 a page",
        "reqwest-accounts",
        "",
    ),
    (
        "sdk-accounts-send",
        "`list_accounts().limit(all).send()`, one page holding every account",
        "reqwest-accounts",
        "reqwest-accounts-typed",
    ),
    (
        "sdk-accounts-1",
        "`list_accounts().stream()`, 1 page in flight",
        "reqwest-accounts",
        "reqwest-accounts-typed",
    ),
    (
        "sdk-accounts",
        "`list_accounts().stream()`, defaults (4 in flight)",
        "reqwest-accounts",
        "reqwest-accounts-typed",
    ),
    (
        "sdk-accounts-8",
        "`list_accounts().stream()`, 8 in flight",
        "reqwest-accounts",
        "reqwest-accounts-typed",
    ),
    (
        "reqwest-search-250",
        "plain reqwest search, 250 a page, bytes only",
        "",
        "",
    ),
    (
        "reqwest-search-250-typed",
        "plain reqwest search + `from_slice::<Vec<SearchDocuments>>`, 250 a page",
        "reqwest-search-250",
        "",
    ),
    (
        "sdk-search-250",
        "`search_post().stream()`, 250 a page",
        "reqwest-search-250",
        "reqwest-search-250-typed",
    ),
    (
        "reqwest-search-10000",
        "plain reqwest search, 10,000 a page, bytes only",
        "",
        "",
    ),
    (
        "reqwest-search-10000-typed",
        "plain reqwest search + `from_slice::<Vec<SearchDocuments>>`, 10,000 a page",
        "reqwest-search-10000",
        "",
    ),
    (
        "sdk-search-10000",
        "`search_post().stream()`, 10,000 a page",
        "reqwest-search-10000",
        "reqwest-search-10000-typed",
    ),
];

/// Starts the mock, runs each scenario in a child process, prints the
/// table.
fn run(args: &[String], mock: &Mock) -> Result<(), Box<dyn std::error::Error>> {
    let me = std::env::current_exe()?;
    let pass = |name: &str| -> Vec<String> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| vec![name.to_string(), v.clone()])
            .unwrap_or_default()
    };
    let mock_args: Vec<String> = ["--delay-ms", "--rate", "--accounts", "--hits"]
        .iter()
        .flat_map(|n| pass(n))
        .collect();
    let mut server = Command::new(&me)
        .arg("serve")
        .args(&mock_args)
        .stdout(Stdio::piped())
        .spawn()?;
    let mut port_line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().ok_or("no server stdout")?),
        &mut port_line,
    )?;
    let base = port_line.trim().to_string();
    let only = pass("--only");
    let repeat: usize = pass("--repeat")
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "mock: {} ms a page, {} requests/s before 429 (0: no limit); {} accounts, {} search hits; \
         median of {repeat} run(s) each (peak RSS, requests, 429s, failed: the most of any run)\n",
        mock.delay.as_millis(),
        mock.rate,
        mock.accounts,
        mock.hits
    )?;
    writeln!(
        out,
        "| client | items | items/s | vs plain reqwest (bytes) | vs plain reqwest + typed decode | peak RSS | requests | 429s | failed |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
    let chosen: Vec<_> = SCENARIOS
        .iter()
        .filter(|(name, ..)| only.len() != 2 || name.contains(only[1].as_str()))
        .collect();
    // Rounds over every scenario, so that each scenario and its baselines
    // meet the same load from other processes.
    let mut runs: HashMap<&str, Vec<Run>> = HashMap::new();
    let mut failures: HashMap<&str, String> = HashMap::new();
    for _ in 0..repeat {
        for &&(name, ..) in &chosen {
            http_get(&base, "/stats")?;
            let output = Command::new(&me)
                .args(["client", name, &base])
                .args(&mock_args)
                .output()?;
            let text = String::from_utf8_lossy(&output.stdout);
            let fields: Vec<&str> = text.split_whitespace().collect();
            let [items, seconds, rss_kib, failed] = fields[..] else {
                failures.insert(
                    name,
                    String::from_utf8_lossy(&output.stderr).trim().to_string(),
                );
                continue;
            };
            let stats = http_get(&base, "/stats")?;
            let (requests, refused) = stats.trim().split_once(' ').unwrap_or(("0", "0"));
            runs.entry(name).or_default().push(Run {
                items: items.parse()?,
                rate: items.parse::<f64>()? / seconds.parse::<f64>()?,
                rss_mb: rss_kib.parse::<f64>()? / 1024.0,
                requests: requests.parse().unwrap_or(0),
                refused: refused.parse().unwrap_or(0),
                failed: failed.parse()?,
            });
        }
    }
    for &&(name, what, baseline, typed_baseline) in &chosen {
        let Some(done) = runs.get(name) else {
            let why = failures.get(name).map_or("", String::as_str);
            writeln!(out, "| {what} | failed: {why} | | | | | | | |")?;
            continue;
        };
        let rate = median_rate(done);
        let median = |baseline: &str| runs.get(baseline).map(|b| median_rate(b));
        let ratio = |baseline: &str| {
            median(baseline).map_or("-".to_string(), |b| format!("{:.0}%", rate / b * 100.0))
        };
        let (bytes_ratio, typed_ratio) = match (baseline, typed_baseline) {
            ("", _) => ("1 (baseline)".to_string(), "-".to_string()),
            (_, "") => (ratio(baseline), "1 (baseline)".to_string()),
            _ => (ratio(baseline), ratio(typed_baseline)),
        };
        let most = |f: fn(&Run) -> u64| done.iter().map(f).max().unwrap_or(0);
        let rss = done.iter().map(|r| r.rss_mb).fold(0.0, f64::max);
        writeln!(
            out,
            "| {what} | {} | {rate:.0} | {bytes_ratio} | {typed_ratio} | {rss:.1} MB | {} | {} | {} |",
            most(|r| r.items),
            most(|r| r.requests),
            most(|r| r.refused),
            most(|r| r.failed),
        )?;
    }
    server.kill()?;
    server.wait()?;
    Ok(())
}

/// One client run of a scenario.
struct Run {
    items: u64,
    rate: f64,
    rss_mb: f64,
    requests: u64,
    refused: u64,
    failed: u64,
}

/// The median items a second of `runs`.
fn median_rate(runs: &[Run]) -> f64 {
    let mut rates: Vec<f64> = runs.iter().map(|r| r.rate).collect();
    rates.sort_by(f64::total_cmp);
    match rates.len() {
        0 => 0.0,
        n if n % 2 == 1 => rates[n / 2],
        n => (rates[n / 2 - 1] + rates[n / 2]) / 2.0,
    }
}

/// A blocking `GET` for the parent, which has no HTTP client of its own.
fn http_get(base: &str, path: &str) -> std::io::Result<String> {
    use std::io::Read as _;
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default())
}

/// Runs one scenario; prints `items seconds peak_rss_kib failed`.
async fn client(scenario: &str, base: &str, mock: &Mock) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::builder()
        .base_url(base)
        .access_token("bench-token")
        .build()?;
    let sdk = Client::from_config(&config);
    let http = reqwest::Client::new();
    let start = Instant::now();
    let mut failed = 0u64;
    let items = match scenario {
        "reqwest-accounts" | "reqwest-accounts-typed" => {
            let typed = scenario.ends_with("-typed");
            let mut items = 0;
            let mut offset = 0;
            while offset < mock.accounts {
                let body = http
                    .get(format!("{base}/v2025/accounts?offset={offset}&limit=250"))
                    .bearer_auth("bench-token")
                    .send()
                    .await?
                    .bytes()
                    .await?;
                if typed {
                    let accounts: Vec<Account> = serde_json::from_slice(&body)?;
                    std::hint::black_box(&accounts);
                } else {
                    std::hint::black_box(&body);
                }
                items += 250.min(mock.accounts - offset);
                offset += 250;
            }
            items
        }
        "sdk-accounts-send" => {
            // The whole list in one response: `send` decodes it into one
            // `Vec`, which is what `.stream()` exists to avoid.
            let limit = i32::try_from(mock.accounts)?;
            let accounts = sdk.list_accounts().limit(limit).send().await?.into_inner();
            let items = accounts.len() as u64;
            std::hint::black_box(&accounts);
            items
        }
        "sdk-accounts" | "sdk-accounts-1" | "sdk-accounts-8" => {
            let paging = match scenario {
                "sdk-accounts-1" => Paging::default().concurrency(1),
                "sdk-accounts-8" => Paging::default().concurrency(8),
                _ => Paging::default(),
            };
            let mut accounts = sdk.list_accounts().stream_with(paging);
            let mut items = 0;
            while let Some(account) = accounts.next().await {
                match account {
                    Ok(account) => {
                        std::hint::black_box(&account);
                        items += 1;
                    }
                    Err(_) => failed += 1,
                }
            }
            items
        }
        "reqwest-search-250"
        | "reqwest-search-10000"
        | "reqwest-search-250-typed"
        | "reqwest-search-10000-typed" => {
            let typed = scenario.ends_with("-typed");
            let page: u64 = if scenario.contains("10000") {
                10_000
            } else {
                250
            };
            let mut items = 0;
            while items < mock.hits {
                let mut body = serde_json::json!({
                    "indices": ["identities"], "query": {"query": "*"}, "sort": ["name", "id"],
                });
                // The mock's keys are known, so the baseline reads no hit.
                if items > 0 {
                    body["searchAfter"] =
                        serde_json::json!([hit_name(items - 1), hit_id(items - 1)]);
                }
                let bytes = http
                    .post(format!("{base}/v2025/search?limit={page}"))
                    .bearer_auth("bench-token")
                    .json(&body)
                    .send()
                    .await?
                    .bytes()
                    .await?;
                if typed {
                    let hits: Vec<SearchDocuments> = serde_json::from_slice(&bytes)?;
                    std::hint::black_box(&hits);
                } else {
                    std::hint::black_box(&bytes);
                }
                items += page.min(mock.hits - items);
            }
            items
        }
        "sdk-search-250" | "sdk-search-10000" => {
            let page = if scenario.ends_with("10000") {
                10_000
            } else {
                250
            };
            let search: Search = serde_json::from_value(serde_json::json!({
                "indices": ["identities"], "query": {"query": "*"}, "sort": ["name", "id"],
            }))?;
            let mut hits = sdk
                .search_post()
                .body(search)
                .stream_with(Paging::default().page_size(page));
            let mut items = 0;
            while let Some(hit) = hits.next().await {
                match hit {
                    Ok(hit) => {
                        std::hint::black_box(&hit);
                        items += 1;
                    }
                    Err(_) => failed += 1,
                }
            }
            items
        }
        other => return Err(format!("no scenario {other}").into()),
    };
    let seconds = start.elapsed().as_secs_f64();
    println!("{items} {seconds:.3} {} {failed}", peak_rss_kib());
    Ok(())
}

fn hit_id(i: u64) -> String {
    format!("{i:08}")
}

fn hit_name(i: u64) -> String {
    format!("n{:06}", i / 3)
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

/// Requests answered and refused; the rate window.
#[derive(Default)]
struct Counters {
    answered: u64,
    refused: u64,
    window_start: Option<Instant>,
    in_window: u64,
}

/// Runs the mock until killed; prints its base URL first.
async fn serve(mock: Mock, port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let counters = Arc::new(Mutex::new(Counters::default()));
    let full_accounts: Arc<[u8]> = accounts_page(250).into();
    loop {
        let (stream, _) = listener.accept().await?;
        let counters = counters.clone();
        let full = full_accounts.clone();
        tokio::spawn(async move {
            let _ = connection(stream, mock, counters, full).await;
        });
    }
}

/// Answers requests on one keep-alive connection until it closes.
async fn connection(
    stream: TcpStream,
    mock: Mock,
    counters: Arc<Mutex<Counters>>,
    full_accounts: Arc<[u8]>,
) -> std::io::Result<()> {
    // Without it, Nagle's algorithm holds a small body written after the
    // head until the client's delayed ACK (40 ms).
    stream.set_nodelay(true)?;
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut length = 0usize;
        let mut close = false;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if name.eq_ignore_ascii_case("connection") && value.trim() == "close" {
                    close = true;
                }
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await?;
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        };

        let (status, headers, payload): (&str, String, Vec<u8>) = match (method.as_str(), path) {
            ("GET", "/stats") => {
                let mut c = counters.lock().map_err(|_| std::io::Error::other("lock"))?;
                let text = format!("{} {}", c.answered, c.refused);
                *c = Counters::default();
                ("200 OK", String::new(), text.into_bytes())
            }
            ("POST", "/oauth/token") => (
                "200 OK",
                String::new(),
                br#"{"access_token":"bench-token","token_type":"bearer","expires_in":86400}"#
                    .to_vec(),
            ),
            _ if !admit(&counters, mock.rate) => (
                "429 Too Many Requests",
                "Retry-After: 1\r\n".into(),
                br#"{"message":"Rate Limit Exceeded"}"#.to_vec(),
            ),
            ("GET", path) if path.ends_with("/accounts") => {
                tokio::time::sleep(mock.delay).await;
                let offset: u64 = param("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
                let limit: u64 = param("limit").and_then(|v| v.parse().ok()).unwrap_or(250);
                let items = limit.min(mock.accounts.saturating_sub(offset));
                let total = if param("count") == Some("true") {
                    format!("X-Total-Count: {}\r\n", mock.accounts)
                } else {
                    String::new()
                };
                let page = if items == 250 {
                    full_accounts.to_vec()
                } else {
                    accounts_page(items)
                };
                ("200 OK", total, page)
            }
            ("POST", path) if path.ends_with("/search") => {
                tokio::time::sleep(mock.delay).await;
                let limit: u64 = param("limit").and_then(|v| v.parse().ok()).unwrap_or(250);
                let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                // Ids are the hits' positions: the hit after the key's id.
                let start = request["searchAfter"][1]
                    .as_str()
                    .and_then(|id| id.parse::<u64>().ok())
                    .map_or(0, |id| id + 1);
                (
                    "200 OK",
                    String::new(),
                    search_page(start, limit, mock.hits),
                )
            }
            _ => ("404 Not Found", String::new(), b"{}".to_vec()),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n",
            payload.len()
        );
        let writer = stream.get_mut();
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(&payload).await?;
        if close {
            return Ok(());
        }
    }
}

/// Counts a page request against the rate; false when it is over.
fn admit(counters: &Mutex<Counters>, rate: u64) -> bool {
    let Ok(mut c) = counters.lock() else {
        return false;
    };
    let now = Instant::now();
    if c.window_start
        .is_none_or(|s| now.duration_since(s) >= Duration::from_secs(1))
    {
        c.window_start = Some(now);
        c.in_window = 0;
    }
    if rate > 0 && c.in_window >= rate {
        c.refused += 1;
        return false;
    }
    c.in_window += 1;
    c.answered += 1;
    true
}

fn accounts_page(items: u64) -> Vec<u8> {
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

fn search_page(start: u64, limit: u64, total: u64) -> Vec<u8> {
    let end = (start + limit).min(total);
    let mut body =
        Vec::with_capacity((end.saturating_sub(start) as usize) * (IDENTITY.len() + 1) + 2);
    body.push(b'[');
    for i in start..end {
        if i > start {
            body.push(b',');
        }
        let hit = IDENTITY
            .replace("{ID}", &hit_id(i))
            .replace("{NAME}", &hit_name(i));
        body.extend_from_slice(hit.as_bytes());
    }
    body.push(b']');
    body
}
