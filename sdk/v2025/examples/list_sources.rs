//! Lists every source of a tenant, configured from the environment only.
//!
//! ```sh
//! export SAIL_BASE_URL=https://acme.api.identitynow.com
//! export SAIL_CLIENT_ID=...
//! export SAIL_CLIENT_SECRET=...
//! cargo run -p sailpoint-v2025 --example list_sources
//! ```
//!
//! (`./config.json` or `~/.sailpoint/config.yaml` work too; see
//! `sailpoint_runtime::Config`.) Prints one line per source, `<id>\t<name>`,
//! then `N sources`. On failure it prints the typed error (status, API
//! error, body excerpt, attempts) to stderr and exits with status 1 (2 when
//! the configuration is missing or invalid).

use std::process::ExitCode;

use sailpoint_v2025::prelude::*;
use sailpoint_v2025::{ApiError, Client, Error, ErrorExt};

/// Page size; the API allows at most 250.
const PAGE: usize = 250;
/// Stop after this many pages rather than loop forever on a server that
/// keeps sending full pages (2.5 million sources).
const MAX_PAGES: usize = 10_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    match list_all(&client).await {
        Ok(count) => {
            println!("{count} sources");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}", describe(&error));
            ExitCode::FAILURE
        }
    }
}

/// Prints every source, page by page; returns how many there were.
async fn list_all(client: &Client) -> Result<usize, Error<ApiError>> {
    let mut count = 0;
    for page in 0..MAX_PAGES {
        let offset = i32::try_from(page * PAGE)
            .map_err(|_| Error::InvalidRequest("offset out of range".into()))?;
        let sources = client
            .list_sources()
            .limit(PAGE as i32)
            .offset(offset)
            .send()
            .await?
            .into_inner();
        let received = sources.len();
        for source in sources {
            println!("{}\t{}", source.id.as_deref().unwrap_or("-"), source.name);
        }
        count += received;
        if received < PAGE {
            return Ok(count);
        }
    }
    Err(Error::Custom(format!(
        "still full pages after {MAX_PAGES} pages; giving up"
    )))
}

/// A few bounded lines about a failed call.
fn describe(error: &Error<ApiError>) -> String {
    let mut lines = Vec::new();
    match error.status() {
        Some(status) => lines.push(format!("request failed: HTTP {status}")),
        None => lines.push("request failed".to_owned()),
    }
    if let Some(api) = error.api_error() {
        lines.push(format!("  error: {api}"));
    }
    if let Some(raw) = error.raw_body() {
        let excerpt: String = raw.excerpt.chars().take(500).collect();
        let more = if raw.truncated || excerpt.len() < raw.excerpt.len() {
            " …"
        } else {
            ""
        };
        lines.push(format!("  body ({}): {excerpt}{more}", raw.reason));
    }
    if let Some(attempts) = error.attempts() {
        lines.push(format!("  attempts: {attempts}"));
    }
    if let Some(wait) = error.retry_after() {
        lines.push(format!("  retry after: {} s", wait.as_secs()));
    }
    match error {
        Error::ErrorResponse(_) => {}
        Error::UnexpectedResponse(response) => {
            lines.push(format!(
                "  unexpected response status {}",
                response.status()
            ));
        }
        Error::InvalidResponsePayload(body, cause) => {
            let excerpt = String::from_utf8_lossy(&body[..body.len().min(500)]).into_owned();
            lines.push(format!("  undecodable body ({cause}): {excerpt}"));
        }
        other => lines.push(format!("  {other}")),
    }
    lines.join("\n")
}
