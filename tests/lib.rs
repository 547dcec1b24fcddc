//! Support for the workspace's tests: an in-process HTTP server on
//! 127.0.0.1 that records the requests it gets and answers with canned
//! responses, so that the generated clients are tested against real HTTP.

/// The README, whose Rust snippets are compiled here as doctests
/// (`no_run`: they need a tenant), with the generated crates as
/// dev-dependencies, so a snippet that no longer compiles fails
/// `cargo test --workspace`.
#[doc = include_str!("../README.md")]
pub mod readme {}

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// Every value of a header, by case-insensitive name.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The only value of a header, if it was sent exactly once.
    pub fn header(&self, name: &str) -> Option<&str> {
        match self.header_values(name).as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A canned response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn bytes(status: u16, content_type: &str, body: &[u8]) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Serves the given replies in order, one per connection, and records the
/// requests. Dropped with the test's runtime.
pub struct MockServer {
    pub base_url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

impl MockServer {
    pub async fn start(replies: Vec<Reply>) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let log = recorded.clone();
        tokio::spawn(async move {
            for reply in replies {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                match tokio::time::timeout(Duration::from_secs(10), exchange(stream, &reply)).await
                {
                    Ok(Ok(request)) => log.lock().expect("log lock").push(request),
                    _ => return,
                }
            }
        });
        MockServer { base_url, recorded }
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().expect("log lock").clone()
    }

    /// The one request received; panics (failing the test) otherwise.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

async fn exchange(mut stream: TcpStream, reply: &Reply) -> std::io::Result<Recorded> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_len = loop {
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_len]).into_owned();
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = data[head_len..].to_vec();
    if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        while !body.windows(5).any(|w| w == b"0\r\n\r\n") {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body = dechunk(&body);
    } else {
        let length: usize = find("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while body.len() < length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body.truncate(length);
    }

    let mut response = format!(
        "HTTP/1.1 {} Mock\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes()).await?;
    stream.write_all(&reply.body).await?;
    stream.shutdown().await?;
    Ok(Recorded {
        method,
        target,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = &data[(end + 2).min(data.len())..];
    }
    out
}

/// One part of a `multipart/form-data` body: its headers (lower-cased
/// names) and content.
#[derive(Debug, Clone)]
pub struct FormPart {
    pub headers: Vec<(String, String)>,
    pub content: Vec<u8>,
}

impl FormPart {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A `Content-Disposition` parameter (`name`, `filename`).
    pub fn disposition(&self, parameter: &str) -> Option<String> {
        let disposition = self.header("content-disposition")?;
        let key = format!("{parameter}=\"");
        let start = disposition.match_indices(&key).map(|(i, _)| i).find(|&i| {
            i == 0 || disposition[..i].ends_with(' ') || disposition[..i].ends_with(';')
        })? + key.len();
        let end = disposition[start..].find('"')? + start;
        Some(disposition[start..end].to_string())
    }

    pub fn name(&self) -> Option<String> {
        self.disposition("name")
    }

    pub fn file_name(&self) -> Option<String> {
        self.disposition("filename")
    }
}

/// The parts of a `multipart/form-data` body, in order. Panics (failing
/// the test) on a body that is not multipart with the given content type.
pub fn form_parts(content_type: &str, body: &[u8]) -> Vec<FormPart> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a multipart boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        // Skip the delimiter and its CRLF; the part ends with CRLF.
        let raw = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part headers end");
        let headers = String::from_utf8_lossy(&raw[..split])
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        parts.push(FormPart {
            headers,
            content: raw[split + 4..].to_vec(),
        });
    }
    parts
}

/// An example binary of `sailpoint-v2025`, by name.
///
/// `cargo test --workspace` (and so CI) builds every workspace example
/// before running any test, into `<target>/<profile>/examples/`, which is
/// the grandparent of the running test binary
/// (`<target>/<profile>/deps/<test>-<hash>`) joined with `examples`: that
/// file is used when it is newer than the example's source.
///
/// Otherwise (only one test was built, e.g. `cargo test -p sailpoint-tests
/// --test flows`, or the example was edited since) the cargo running the
/// test (`$CARGO`, inheriting `CARGO_TARGET_DIR`) builds it with `cargo
/// build -p sailpoint-tests -p sailpoint-v2025 --example <name>
/// --message-format=json` and the executable path is read from cargo's JSON
/// messages. Selecting `sailpoint-tests` too makes cargo unify dependency
/// features exactly as for the tests, so the generated crate is not
/// compiled a second time with other features. An example's source is its
/// file and everything in `examples/flows/`.
pub fn example_binary(name: &str) -> std::path::PathBuf {
    use std::collections::HashMap;
    use std::path::PathBuf;
    static BINARIES: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut binaries = BINARIES.lock().unwrap_or_else(|e| e.into_inner());
    binaries
        .get_or_insert_with(HashMap::new)
        .entry(name.to_owned())
        .or_insert_with(|| find_or_build_example(name))
        .clone()
}

/// What an example printed, and whether it succeeded.
pub struct ExampleRun {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs example `name` (see [`example_binary`]) with only `vars` in its
/// environment, in `dir` (also its home, so no user config file is read),
/// killed after 60 s. Its output is read while it runs, so a full pipe
/// cannot stall it; the wait sleeps on the tokio timer, so a mock server on
/// the caller's runtime keeps answering.
pub async fn run_example(name: &str, vars: &[(&str, String)], dir: &Path) -> ExampleRun {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let binary = example_binary(name);
    let mut child = Command::new(&binary)
        .env_clear()
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .env("HOME", dir)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {}: {e}", binary.display()));
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("stdout")));
    let stderr = reader(Box::new(child.stderr.take().expect("stderr")));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        match child.try_wait().expect("wait for the example") {
            Some(status) => break status,
            None if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the example {name} did not finish within 60 s");
            }
            None => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    ExampleRun {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn find_or_build_example(name: &str) -> std::path::PathBuf {
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk/v2025/examples");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut sources = vec![examples.join(format!("{name}.rs"))];
    if let Ok(flows) = std::fs::read_dir(examples.join("flows")) {
        sources.extend(flows.filter_map(Result::ok).map(|e| e.path()));
    }
    let edited = sources.iter().filter_map(|p| modified(p)).max();
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("examples").join(&file)));
    if let Some(path) = beside
        && let (Some(built), Some(edited)) = (modified(&path), edited)
        && built >= edited
    {
        return path;
    }
    let output = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "sailpoint-tests",
            "-p",
            "sailpoint-v2025",
            "--example",
            name,
            "--message-format=json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "building the example {name} failed"
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the example's executable")
}
