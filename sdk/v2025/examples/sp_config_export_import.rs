//! Copies configuration from one tenant to another with SP-Config: export
//! from the source tenant, save the export to a file, import it into the
//! target tenant (a preview unless asked otherwise).
//!
//! ```sh
//! # the source tenant: SAIL_* (or ./config.json, ~/.sailpoint/config.yaml)
//! export SAIL_BASE_URL=https://source.api.identitynow.com SAIL_CLIENT_ID=... SAIL_CLIENT_SECRET=...
//! # the target tenant: the same three variables with the SAIL_TARGET_ prefix
//! export SAIL_TARGET_BASE_URL=https://target.api.identitynow.com SAIL_TARGET_CLIENT_ID=... SAIL_TARGET_CLIENT_SECRET=...
//! export SP_CONFIG_TYPES=TRIGGER_SUBSCRIPTION,SOURCE   # optional; all types when unset
//! export SP_CONFIG_FILE=export.json                    # optional; sp-config-export.json
//! export SP_CONFIG_PREVIEW=false                       # optional; a preview import when unset
//! cargo run -p sailpoint-v2025 --example sp_config_export_import
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
    include!("flows/sp_config.rs");
}

use flows::{Poll, describe, env};
use sailpoint_v2025::types::{ExportPayload, ImportOptions};
use sailpoint_v2025::{Client, Config};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let source = match Config::load() {
        Ok(config) => Client::from_config(&config),
        Err(error) => {
            eprintln!("source tenant configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let target = match flows::config_with_prefix("SAIL_TARGET_", std::env::vars()) {
        Ok(config) => Client::from_config(&config),
        Err(error) => {
            eprintln!("target tenant configuration error (SAIL_TARGET_*): {error}");
            return ExitCode::from(2);
        }
    };
    let types: Vec<String> = env("SP_CONFIG_TYPES")
        .map(|t| t.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default();
    let mut payload = ExportPayload {
        description: Some("sp_config_export_import example".to_owned()),
        ..Default::default()
    };
    let mut options = ImportOptions::default();
    for t in &types {
        match (t.parse(), t.parse()) {
            (Ok(export), Ok(import)) => {
                payload
                    .include_types
                    .get_or_insert_with(Vec::new)
                    .push(export);
                options
                    .include_types
                    .get_or_insert_with(Vec::new)
                    .push(import);
            }
            _ => {
                eprintln!("SP_CONFIG_TYPES: unknown object type {t}");
                return ExitCode::from(2);
            }
        }
    }
    let file =
        PathBuf::from(env("SP_CONFIG_FILE").unwrap_or_else(|| "sp-config-export.json".into()));
    let preview = env("SP_CONFIG_PREVIEW").is_none_or(|v| v != "false");

    let run = async {
        println!("== target tenant: object types");
        flows::config_objects(&target).await?;
        println!("== source tenant: export");
        let (_, results) = flows::export(&source, payload, Poll::default()).await?;
        flows::save_export(&results, &file)?;
        println!(
            "== target tenant: import{}",
            if preview { " (preview)" } else { "" }
        );
        flows::import(&target, &file, options, preview, Poll::default()).await
    };
    match run.await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", describe(&error));
            ExitCode::FAILURE
        }
    }
}
