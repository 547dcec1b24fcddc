// What every flow shares: polling a job, saving a response to a file,
// describing an error, and a second tenant's configuration. Included with
// `include!` into a module that names the API crate `sdk` (so the same code
// serves beta, v2024 and v2025), by the examples and by tests/flows.rs.

/// How often and how long to poll a job. The examples wait 2 s between
/// polls for at most 10 minutes; the tests poll at once.
#[derive(Clone, Copy, Debug)]
pub struct Poll {
    pub interval: std::time::Duration,
    pub max_polls: u32,
}

impl Default for Poll {
    fn default() -> Self {
        Poll {
            interval: std::time::Duration::from_secs(2),
            max_polls: 300,
        }
    }
}

/// A flow's error: an API call that failed, a job that ended badly or
/// never ended, or a local file that could not be read or written.
pub type FlowError = sdk::Error<sdk::ApiError>;

/// `Error::Custom` with a message, for failures that are not an API error.
pub fn flow_error(message: impl Into<String>) -> FlowError {
    sdk::Error::Custom(message.into())
}

/// Calls `check` until it says the job is done (`Some(Ok)`) or failed
/// (`Some(Err)`), printing each status it reports; gives up after
/// `poll.max_polls` calls.
pub async fn poll_until<T, F, Fut>(what: &str, poll: Poll, mut check: F) -> Result<T, FlowError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(String, Option<Result<T, String>>), FlowError>>,
{
    for attempt in 1..=poll.max_polls {
        let (status, outcome) = check().await?;
        println!("  {what}: {status} (poll {attempt})");
        match outcome {
            Some(Ok(done)) => return Ok(done),
            Some(Err(message)) => return Err(flow_error(format!("{what} {message}"))),
            None => tokio::time::sleep(poll.interval).await,
        }
    }
    Err(flow_error(format!(
        "{what} still running after {} polls; giving up",
        poll.max_polls
    )))
}

/// Writes every chunk of a byte-stream response to `path`; returns the
/// number of bytes written.
pub async fn save_stream(
    response: sdk::ResponseValue<sdk::ByteStream>,
    path: &std::path::Path,
) -> Result<u64, FlowError> {
    use futures::TryStreamExt;
    use std::io::Write;
    let io = |e: std::io::Error| flow_error(format!("{}: {e}", path.display()));
    let mut file = std::fs::File::create(path).map_err(io)?;
    let mut stream = response.into_inner().into_inner();
    let mut written = 0;
    while let Some(chunk) = stream
        .try_next()
        .await
        .map_err(sdk::Error::ResponseBodyError)?
    {
        file.write_all(&chunk).map_err(io)?;
        written += chunk.len() as u64;
    }
    file.flush().map_err(io)?;
    Ok(written)
}

/// Reads a whole byte-stream response (an XML or text document).
pub async fn read_stream(
    response: sdk::ResponseValue<sdk::ByteStream>,
) -> Result<Vec<u8>, FlowError> {
    use futures::TryStreamExt;
    let mut stream = response.into_inner().into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = stream
        .try_next()
        .await
        .map_err(sdk::Error::ResponseBodyError)?
    {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Reads a local file, naming it in the error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, FlowError> {
    std::fs::read(path).map_err(|e| flow_error(format!("{}: {e}", path.display())))
}

/// The configuration of a second tenant from variables with another
/// prefix (`SAIL_TARGET_BASE_URL`, `SAIL_TARGET_CLIENT_ID`,
/// `SAIL_TARGET_CLIENT_SECRET`, optionally `SAIL_TARGET_TOKEN_URL`), read
/// by the runtime as if they were the `SAIL_*` ones: the same checks
/// (all or nothing, https), no configuration file.
pub fn config_with_prefix(
    prefix: &str,
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<sdk::Config, sailpoint_runtime::ConfigError> {
    let renamed: Vec<(String, String)> = vars
        .into_iter()
        .filter_map(|(name, value)| {
            let rest = name.strip_prefix(prefix)?;
            Some((format!("SAIL_{rest}"), value))
        })
        .collect();
    sdk::Config::builder()
        .sources(sailpoint_runtime::Sources::none().env(renamed))
        .build()
}

/// A few bounded lines about a failed call: status, SailPoint's error,
/// body excerpt, attempts.
pub fn describe(error: &FlowError) -> String {
    use sdk::ErrorExt;
    let mut lines = Vec::new();
    match error.status() {
        Some(status) => lines.push(format!("request failed: HTTP {status}")),
        None => lines.push("failed".to_owned()),
    }
    if let Some(api) = error.api_error() {
        lines.push(format!("  error: {api}"));
    }
    if let Some(raw) = error.raw_body() {
        let excerpt: String = raw.excerpt.chars().take(500).collect();
        lines.push(format!("  body ({}): {excerpt}", raw.reason));
    }
    if let Some(undecodable) = error.undecodable_body() {
        lines.push(format!("  undecodable response: {}", undecodable.message));
    }
    if let Some(attempts) = error.attempts() {
        lines.push(format!("  attempts: {attempts}"));
    }
    match error {
        sdk::Error::ErrorResponse(_) => {}
        other => lines.push(format!("  {other}")),
    }
    lines.join("\n")
}

/// An environment variable, `None` when unset or blank.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
