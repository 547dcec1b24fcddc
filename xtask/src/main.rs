//! Maintainer tasks for the SailPoint SDK workspace: `cargo xtask <command>`.

mod bundle;
mod conformance;
mod defects;
mod drift;
mod features;
mod regen;
mod release;
mod surface;
mod vendor;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The generator allocates and frees millions of small syntax-tree nodes
/// from three threads at once; under glibc's allocator about a third of
/// `regen`'s CPU time went to `malloc` and `free` (see FIGURES.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer tasks for the SailPoint SDK workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Refresh `openapi/` from an api-specs checkout or bare git directory.
    Vendor(vendor::Args),
    /// Bundle one version's spec into a single document, for inspection.
    Bundle(bundle::Args),
    /// Generate the client crates from the vendored specs (`--check`: verify).
    Regen(regen::Args),
    /// Decode and re-encode every example of the specs; print the figures.
    Conformance(conformance::Args),
    /// List the upstream spec's defects: each repair and targeted patch at its upstream file, and contradicting examples.
    Defects(defects::Args),
    /// List the generated surface of one version, one operation a line.
    Surface(surface::Args),
    /// Compare the vendored specs with upstream: a semantic changelog (exit 0 none, 1 drift, 2 error).
    Drift(drift::Args),
    /// Check every tag feature of the generated crates alone (`--no-default-features`); list failures.
    FeatureSweep(features::SweepArgs),
    /// Cold debug build of a generated crate: full, configuration-hub only, sources only (wall time, rustc peak memory).
    CompileTimes(features::TimesArgs),
    /// Propose the next release from the spec drift since the last one: versions, CHANGELOG entry, publish order; package and run cargo-semver-checks (`--dry-run`).
    Release(release::Args),
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The vendored spec directory.
pub fn spec_dir() -> PathBuf {
    workspace_root().join("openapi")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Vendor(args) => vendor::run(args),
        Command::Bundle(args) => bundle::run(args),
        Command::Regen(args) => regen::run(args),
        Command::Surface(args) => surface::run(args),
        Command::Drift(args) => drift::run(args),
        Command::Conformance(args) => conformance::run(args),
        Command::Defects(args) => defects::run(args),
        Command::FeatureSweep(args) => features::sweep(args),
        Command::CompileTimes(args) => features::times(args),
        Command::Release(args) => release::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
