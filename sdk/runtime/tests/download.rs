//! `Download::save_to` against a local server whose body is cut short or
//! complete: an earlier file at the path survives a failed download.

use progenitor_client::ByteStream;
use sailpoint_runtime::Download;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one response announcing `declared` bytes but sending `body`, then
/// closes the connection.
async fn body_of(declared: usize, body: &'static [u8]) -> ByteStream {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/export.csv", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(body).await.unwrap();
        socket.flush().await.unwrap();
    });
    let response = reqwest::Client::new()
        .get(url)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    ByteStream::new(Box::pin(response.bytes_stream()))
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_failed_download_leaves_the_earlier_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.csv");
    std::fs::write(&target, "earlier export\n").unwrap();

    let cut_short = body_of(1000, b"id,name\n1,first\n").await;
    let error = cut_short.save_to(&target).await.unwrap_err();

    assert!(!error.to_string().is_empty());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "earlier export\n"
    );
    assert_eq!(
        entries(dir.path()),
        ["export.csv"],
        "no temporary file left"
    );
}

#[tokio::test]
async fn a_complete_download_replaces_the_file_and_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.csv");
    std::fs::write(&target, "earlier export, longer than the new one\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    }

    let body: &'static [u8] = b"id,name\n1,first\n";
    let written = body_of(body.len(), body)
        .await
        .save_to(&target)
        .await
        .unwrap();

    assert_eq!(written, body.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), body);
    assert_eq!(entries(dir.path()), ["export.csv"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    // A file not there before is created.
    let fresh = dir.path().join("fresh.csv");
    body_of(body.len(), body)
        .await
        .save_to(&fresh)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&fresh).unwrap(), body);
}
