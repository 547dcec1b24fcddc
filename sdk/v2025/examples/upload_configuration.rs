//! Uploads a configuration file (an SP-Config export) to Configuration Hub,
//! waits until the tenant has processed it, and lists the uploads.
//!
//! ```sh
//! export SAIL_BASE_URL=https://acme.api.identitynow.com SAIL_CLIENT_ID=... SAIL_CLIENT_SECRET=...
//! export UPLOAD_FILE=export.json          # the JSON file to upload
//! export UPLOAD_NAME="Release 42"         # optional; the file name when unset
//! export UPLOAD_DELETE=true               # optional: delete the upload afterwards
//! cargo run -p sailpoint-v2025 --example upload_configuration
//! ```
//!
//! Exit status: 0 done, 1 a call or job failed (the error is printed), 2
//! the configuration is missing or invalid.

use std::path::PathBuf;
use std::process::ExitCode;

#[allow(dead_code, clippy::result_large_err)]
mod flows {
    use sailpoint_v2025 as sdk;
    include!("flows/common.rs");
    include!("flows/config_hub.rs");
}

use flows::{Poll, describe, env};
use sailpoint_v2025::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let Some(file) = env("UPLOAD_FILE").map(PathBuf::from) else {
        eprintln!("set UPLOAD_FILE to the JSON file to upload");
        return ExitCode::from(2);
    };
    let name = env("UPLOAD_NAME").unwrap_or_else(|| {
        file.file_name()
            .map_or_else(|| "upload".to_owned(), |n| n.to_string_lossy().into_owned())
    });
    let delete = env("UPLOAD_DELETE").is_some_and(|v| v == "true");

    let run = async {
        let (done, _) = flows::upload(&client, &file, &name, Poll::default()).await?;
        if delete && let Some(id) = &done.job_id {
            flows::delete_upload(&client, id).await?;
        }
        Ok(())
    };
    match run.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", describe(&error));
            ExitCode::FAILURE
        }
    }
}
