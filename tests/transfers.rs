//! Peak memory of a large download and a large upload through a generated
//! client (`sailpoint-fixture-client`): bodies stream chunk by chunk, so
//! resident memory must not grow with their size. The server here streams
//! too (a download from one static chunk, an upload counted and dropped),
//! so that only the client's memory is measured.
//!
//! `transfers_of_20_mb_keep_memory_flat` runs in CI; the 200 MB run is
//! `cargo test -p sailpoint-tests --test transfers -- --ignored --nocapture`.

use std::sync::Mutex;

use sailpoint_fixture_client::Client;
use sailpoint_fixture_client::prelude::*;
use sailpoint_runtime::{Download, FilePart, RetryPolicy, Runtime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MB: u64 = 1024 * 1024;
const CHUNK: [u8; 64 * 1024] = [0x5a; 64 * 1024];

/// The transfers measure process-wide memory: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Serves `GET …/things/export` with `size` bytes and `PUT …/image` by
/// counting the body it receives (`X-Received-Bytes`).
async fn start_server(size: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/fixture", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(exchange(stream, size));
        }
    });
    base
}

async fn exchange(mut stream: TcpStream, size: u64) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if head.starts_with("get ") {
        let start = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(start.as_bytes()).await?;
        let mut left = size;
        while left > 0 {
            let n = left.min(CHUNK.len() as u64) as usize;
            stream.write_all(&CHUNK[..n]).await?;
            left -= n as u64;
        }
        return stream.shutdown().await;
    }
    // The upload: chunked (a reader of unknown length) or with a length.
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut buffer = vec![0u8; 64 * 1024];
    let mut received = 0u64;
    let mut tail: Vec<u8> = Vec::new();
    loop {
        if length.is_some_and(|l| received >= l) {
            break;
        }
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        received += n as u64;
        tail.extend_from_slice(&buffer[..n]);
        if tail.len() > 5 {
            tail.drain(..tail.len() - 5);
        }
        if length.is_none() && tail == b"0\r\n\r\n" {
            break;
        }
    }
    let reply = format!(
        "HTTP/1.1 204 No Content\r\nX-Received-Bytes: {received}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(reply.as_bytes()).await?;
    stream.shutdown().await
}

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// Resets the peak (`VmHWM`) to the current resident size, and returns it.
fn reset_peak() -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    status_kib("VmRSS:")
}

/// Downloads then uploads `size` bytes; returns how far resident memory
/// rose above where it was before each, in bytes.
async fn transfer(size: u64) -> (u64, u64) {
    let base = start_server(size).await;
    let client = Client::new(
        &base,
        Runtime::new()
            .with_bearer_token("t")
            .with_retry_policy(RetryPolicy::none()),
    );
    // Warm up: connection pool, TLS-free HTTP stack, allocator arenas.
    let warm = client.export_things().send().await.expect("download");
    drop(warm);

    let before = reset_peak();
    let body = client
        .export_things()
        .send()
        .await
        .expect("download")
        .into_inner();
    let written = body
        .write_to(&mut tokio::io::sink())
        .await
        .expect("streamed");
    assert_eq!(written, size);
    let download = (status_kib("VmHWM:").saturating_sub(before)) * 1024;

    let before = reset_peak();
    let reader = tokio::io::repeat(b'u').take(size);
    let response = client
        .put_thing_image()
        .id("t1")
        .image(FilePart::reader("big.bin", reader))
        .send()
        .await
        .expect("upload");
    let upload = (status_kib("VmHWM:").saturating_sub(before)) * 1024;
    let received: u64 = response
        .headers()
        .get("x-received-bytes")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("the server's count");
    assert!(
        received > size,
        "the whole file and the multipart framing arrive"
    );
    (download, upload)
}

async fn assert_flat(size: u64) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (download, upload) = transfer(size).await;
    eprintln!(
        "{} MB: peak RSS growth {:.1} MB downloading, {:.1} MB uploading",
        size / MB,
        download as f64 / MB as f64,
        upload as f64 / MB as f64
    );
    assert!(download < size / 4, "download grew RSS by {download} bytes");
    assert!(upload < size / 4, "upload grew RSS by {upload} bytes");
}

#[tokio::test]
async fn transfers_of_20_mb_keep_memory_flat() {
    assert_flat(20 * MB).await;
}

#[tokio::test]
#[ignore = "200 MB each way; run with --ignored"]
async fn transfers_of_200_mb_keep_memory_flat() {
    assert_flat(200 * MB).await;
}
