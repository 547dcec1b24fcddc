//! `cargo xtask conformance [--version V]`: decodes every example of the
//! specs into its generated type and re-encodes it. Runs the workspace test
//! `tests/conformance.rs` in report mode (`SAILPOINT_CONFORMANCE_REPORT=1`),
//! prints each failure (location: reason), and last one line per version:
//! `VERSION: N examples, D decoded, R round-tripped`.

use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct Args {
    /// Only this version (default: all three).
    #[arg(long, value_enum)]
    version: Option<ApiVersion>,
}

const FAILURE: &str = "conformance-failure: ";
const FIGURES: &str = "conformance: ";

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(crate::workspace_root())
        .args([
            "test",
            "--quiet",
            "-p",
            "sailpoint-tests",
            "--test",
            "conformance",
            "--",
        ])
        .args(["examples", "--nocapture", "--test-threads=1"])
        .env("SAILPOINT_CONFORMANCE_REPORT", "1");
    if let Some(version) = args.version {
        command.env("SAILPOINT_CONFORMANCE_VERSION", version.name());
    }
    let output = command.output().context("running cargo test")?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        bail!("the conformance test did not run: {}", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut figures = Vec::new();
    for line in stdout.lines() {
        if let Some(failure) = line.strip_prefix(FAILURE) {
            println!("{failure}");
        } else if let Some(line) = line.strip_prefix(FIGURES) {
            figures.push(line.to_string());
        }
    }
    if figures.is_empty() {
        bail!("the conformance test printed no figures");
    }
    // In version order, whatever order the tests ran in.
    figures.sort_by_key(|line| {
        ApiVersion::ALL
            .iter()
            .position(|v| line.starts_with(&format!("{}:", v.name())))
    });
    for line in figures {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
