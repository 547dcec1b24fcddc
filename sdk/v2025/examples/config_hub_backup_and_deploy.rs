//! Configuration Hub before and during a deploy: lists the backups and
//! drafts, the object mappings of a source org and the scheduled actions,
//! then deploys a draft and waits for the deploy to finish.
//!
//! ```sh
//! export SAIL_BASE_URL=https://acme.api.identitynow.com SAIL_CLIENT_ID=... SAIL_CLIENT_SECRET=...
//! export CONFIG_HUB_SOURCE_ORG=acme-sb     # optional; `default` (this tenant's own mappings) when unset
//! export CONFIG_HUB_DRAFT_ID=...           # optional: the draft to deploy; nothing is deployed when unset
//! cargo run -p sailpoint-v2025 --example config_hub_backup_and_deploy
//! ```
//!
//! Exit status: 0 done, 1 a call or the deploy failed (the error is
//! printed), 2 the configuration is missing or invalid.

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
    let source_org = env("CONFIG_HUB_SOURCE_ORG").unwrap_or_else(|| "default".to_owned());
    let draft = env("CONFIG_HUB_DRAFT_ID");

    let run = async {
        println!("== backups and drafts");
        flows::backups_and_drafts(&client).await?;
        println!("== object mappings and scheduled actions");
        flows::mappings_and_schedules(&client, &source_org).await?;
        match &draft {
            Some(draft) => {
                println!("== deploy");
                let done = flows::deploy(&client, draft, Poll::default()).await?;
                println!(
                    "deploy {} complete: {}",
                    done.job_id.as_deref().unwrap_or("-"),
                    done.message.as_deref().unwrap_or("no message")
                );
            }
            None => println!("(set CONFIG_HUB_DRAFT_ID to deploy a draft)"),
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
