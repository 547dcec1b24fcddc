//! Support for the workspace's client tests (which talk to wiremock on
//! 127.0.0.1): parsing `multipart/form-data` bodies, and running the
//! example binaries.

/// The README, whose Rust snippets are compiled here as doctests
/// (`no_run`: they need a tenant), with the generated crates as
/// dev-dependencies, so a snippet that no longer compiles fails
/// `cargo test --workspace`.
#[doc = include_str!("../README.md")]
pub mod readme {}

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

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
