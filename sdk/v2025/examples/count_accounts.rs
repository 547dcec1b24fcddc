//! Counts every account of a tenant with `list_accounts().stream()`,
//! configured from the environment only, keeping nothing but the count.
//!
//! ```sh
//! export SAIL_BASE_URL=https://acme.api.identitynow.com
//! export SAIL_CLIENT_ID=...
//! export SAIL_CLIENT_SECRET=...
//! cargo run --release -p sailpoint-v2025 --example count_accounts
//! ```
//!
//! Prints `N accounts` as its last line. The stream asks for 250 accounts
//! a request, one page ahead of the one being decoded, so memory stays
//! flat however many accounts there are. On failure it prints the error
//! and the count so far to stderr and exits with status 1 (2 for a missing
//! or invalid configuration).

use std::process::ExitCode;

use futures::TryStreamExt;
use sailpoint_v2025::Client;
use sailpoint_v2025::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut accounts = client.list_accounts().stream();
    let mut count: u64 = 0;
    loop {
        match accounts.try_next().await {
            Ok(Some(_account)) => count += 1,
            Ok(None) => break,
            Err(error) => {
                eprintln!("after {count} accounts: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{count} accounts");
    ExitCode::SUCCESS
}
