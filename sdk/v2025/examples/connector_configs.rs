//! A connector's configuration files: lists connectors, downloads one
//! connector's source config, source template, correlation config and
//! translations into a directory, and, when asked, uploads that
//! directory's (edited) files back.
//!
//! ```sh
//! export SAIL_BASE_URL=https://acme.api.identitynow.com SAIL_CLIENT_ID=... SAIL_CLIENT_SECRET=...
//! export CONNECTOR_FILTERS='type eq "custom"'   # optional filter for the list
//! export CONNECTOR_SCRIPT_NAME=my-connector      # the connector to read
//! export CONNECTOR_LOCALE=en                     # optional; en when unset
//! export CONNECTOR_DIR=./my-connector            # optional; ./<script name> when unset
//! export CONNECTOR_UPLOAD=true                   # optional: upload the directory's files instead of downloading
//! cargo run -p sailpoint-v2025 --example connector_configs
//! ```
//!
//! Exit status: 0 done, 1 a call failed (the error is printed), 2 the
//! configuration is missing or invalid.

use std::path::PathBuf;
use std::process::ExitCode;

#[allow(dead_code, clippy::result_large_err)]
mod flows {
    use sailpoint_v2025 as sdk;
    include!("flows/common.rs");
    include!("flows/connectors.rs");
}

use flows::{describe, env};
use sailpoint_v2025::Client;
use sailpoint_v2025::types::{GetConnectorListLocale, PutConnectorTranslationsLocale};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let filters = env("CONNECTOR_FILTERS");
    let script_name = env("CONNECTOR_SCRIPT_NAME");
    let locale_name = env("CONNECTOR_LOCALE").unwrap_or_else(|| "en".to_owned());
    let (Ok(locale), Ok(list_locale)) = (
        locale_name.parse::<PutConnectorTranslationsLocale>(),
        locale_name.parse::<GetConnectorListLocale>(),
    ) else {
        eprintln!("CONNECTOR_LOCALE: unknown locale {locale_name}");
        return ExitCode::from(2);
    };
    let upload = env("CONNECTOR_UPLOAD").is_some_and(|v| v == "true");

    let run = async {
        println!("== connectors");
        flows::list(&client, filters.as_deref(), 50, 0, list_locale).await?;
        let Some(script_name) = &script_name else {
            println!("(set CONNECTOR_SCRIPT_NAME to read a connector's files)");
            return Ok(());
        };
        flows::get(&client, script_name).await?;
        let dir = env("CONNECTOR_DIR").map_or_else(|| PathBuf::from(script_name), PathBuf::from);
        if upload {
            println!("== uploading {}", dir.display());
            let files = flows::load_files(&dir)?;
            flows::upload_files(&client, script_name, locale, &files).await?;
        } else {
            println!("== downloading into {}", dir.display());
            let files = flows::read_files(&client, script_name, locale).await?;
            flows::save_files(&files, &dir)?;
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
