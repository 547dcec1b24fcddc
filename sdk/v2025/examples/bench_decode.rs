//! Bench: a page of 250 search hits decoded as the typed `SearchDocuments`
//! (through the runtime's decode entry point, as `send` and the streams
//! decode) against the same bytes decoded as `serde_json::Value`.
//!
//! ```sh
//! cargo run --release -p sailpoint-v2025 --no-default-features --features search --example bench_decode
//! ```
//!
//! The hits are the v2025 spec's `searchGet` identity example (32 members,
//! nested manager, accounts, access and attributes), each with its own id
//! and name, and without `_type`, so that the variant is chosen from the
//! keys: the costly case. `--typed-hits` also times hits carrying `_type`.
//! Prints the median time per page of each, and their ratio, over
//! `--rounds` rounds (default 300) after a warm-up.

use std::time::{Duration, Instant};

use sailpoint_v2025::types::SearchDocuments;
use serde_json::{Value, json};

const HITS: usize = 250;

fn page(with_type: bool) -> Vec<u8> {
    let example: Value = match serde_json::from_str(include_str!(
        "../../../tests/data/search_get_identity_example.json"
    )) {
        Ok(example) => example,
        Err(e) => panic!("the example is JSON: {e}"),
    };
    let hits: Vec<Value> = (0..HITS)
        .map(|i| {
            let mut hit = example.clone();
            hit["id"] = json!(format!("2c9180865c45e7e3015c46c434a8{i:04}"));
            hit["name"] = json!(format!("Identity {i}"));
            if with_type {
                hit["_type"] = json!("identity");
            }
            hit
        })
        .collect();
    match serde_json::to_vec(&hits) {
        Ok(bytes) => bytes,
        Err(e) => panic!("serializes: {e}"),
    }
}

/// The median of `rounds` timings of `decode`.
fn median(rounds: usize, mut decode: impl FnMut() -> usize) -> Duration {
    for _ in 0..rounds / 10 + 1 {
        std::hint::black_box(decode());
    }
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(decode());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let mut rounds = 300;
    let mut typed_hits = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--typed-hits" => typed_hits = true,
            other => panic!("unknown argument {other}"),
        }
    }
    let mut cases = vec![("hits without `_type`", page(false))];
    if typed_hits {
        cases.push(("hits with `_type`", page(true)));
    }
    println!(
        "| page of {HITS} hits | bytes | typed `SearchDocuments` | `serde_json::Value` | typed / Value |"
    );
    println!("|---|---|---|---|---|");
    for (name, bytes) in cases {
        let typed = median(rounds, || {
            match sailpoint_runtime::object::from_slice::<Vec<SearchDocuments>>(&bytes) {
                Ok(hits) => {
                    assert!(matches!(hits[0], SearchDocuments::IdentityDocuments(_)));
                    hits.len()
                }
                Err(e) => panic!("typed decode: {e}"),
            }
        });
        let value = median(rounds, || {
            match serde_json::from_slice::<Vec<Value>>(&bytes) {
                Ok(hits) => hits.len(),
                Err(e) => panic!("Value decode: {e}"),
            }
        });
        println!(
            "| {name} | {} | {:.2} ms | {:.2} ms | {:.2} |",
            bytes.len(),
            typed.as_secs_f64() * 1e3,
            value.as_secs_f64() * 1e3,
            typed.as_secs_f64() / value.as_secs_f64()
        );
    }
}
