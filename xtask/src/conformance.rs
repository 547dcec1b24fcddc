//! `cargo xtask conformance [--version V]`: decodes every example of the
//! specs into its generated type and re-encodes it. Runs the workspace test
//! `tests/conformance.rs` with `SAILPOINT_CONFORMANCE_REPORT` naming a
//! temporary directory, reads the report each version's test writes there
//! (`codegen::conformance::Report`, JSON), prints each failure (location:
//! reason), and last one line per version:
//! `VERSION: N examples, D decoded, R round-tripped, E with declared members
//! only in extra (V valid, C contradicting their schemas)` (E: decoded
//! examples a member of which, declared by their schema, only an `extra`
//! map holds; listed as `in extra` failures. V of them agree with their
//! schema, a model defect each: the goal is 0).

use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use codegen::conformance::Report;
use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct Args {
    /// Only this version (default: all three).
    #[arg(long, value_enum)]
    version: Option<ApiVersion>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let versions = match args.version {
        Some(version) => vec![version],
        None => ApiVersion::ALL.to_vec(),
    };
    let reports_dir = tempfile::tempdir().context("creating a directory for the reports")?;
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
        // The tests `<version>_examples`, one per version.
        .arg(match args.version {
            Some(version) => format!("{version}_examples"),
            None => "_examples".to_string(),
        })
        .env("SAILPOINT_CONFORMANCE_REPORT", reports_dir.path());
    let output = command.output().context("running cargo test")?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        bail!("the conformance test did not run: {}", output.status);
    }
    let mut reports = Vec::new();
    for version in versions {
        let path = reports_dir.path().join(format!("{version}.json"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{version}: the conformance test wrote no report"))?;
        let report: Report = serde_json::from_str(&text)
            .with_context(|| format!("{version}: reading {}", path.display()))?;
        for failure in &report.failures {
            println!(
                "{} {}: {}: {}",
                report.version,
                failure.location,
                failure.kind.label(),
                failure.reason
            );
        }
        reports.push(report);
    }
    for report in &reports {
        println!("{}", report.figures());
    }
    Ok(ExitCode::SUCCESS)
}
