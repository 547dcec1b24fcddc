//! `cargo xtask feature-sweep` and `cargo xtask compile-times`: what the
//! per-tag cargo features of the generated crates cost and whether each
//! compiles alone.
//!
//! `feature-sweep [--version V]` runs `cargo check --no-default-features
//! --features <tag>` for every tag feature of each crate (the list is read
//! from its `Cargo.toml`), and prints the features that fail or warn;
//! `--only a,b` checks a sample (CI's).
//!
//! `compile-times [--version V]` measures cold debug builds of the crate
//! itself and of its types crate (dependencies built first, then `cargo
//! clean -p` of both before each build) with `full`, with only
//! `configuration-hub`, and with only `sources`: the wall time of `cargo
//! build`, the time of each of the two `rustc`s, and the peak resident
//! memory of either, measured by `/usr/bin/time` wrapped around every
//! rustc through `RUSTC_WRAPPER` (a script written to the target
//! directory; the same wrapper for every build, so dependencies stay
//! fresh). `--no-incremental` builds as cargo builds a dependency;
//! `--mock` builds the typed mock crate instead, with the client and types
//! crates under it (what a downstream test crate compiles).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::Context;
use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct SweepArgs {
    /// Only this version (beta, v2024, v2025); all three by default.
    #[arg(long, value_enum)]
    version: Option<ApiVersion>,
    /// Only these features (comma-separated), each of which must exist.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

#[derive(clap::Args)]
pub struct TimesArgs {
    /// The version to build (default v2025).
    #[arg(long, value_enum, default_value = "v2025")]
    version: ApiVersion,
    /// Target directory of the measured builds (default
    /// `target/compile-times`), kept apart so that nothing else is cold.
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// Build with `CARGO_INCREMENTAL=0`, as cargo builds a dependency (a
    /// workspace member's debug build is incremental by default).
    #[arg(long)]
    no_incremental: bool,
    /// Build the crate's mock crate (`sailpoint-v2025-mock`, which builds
    /// the client and types crates under it) with the same features: what
    /// a downstream test crate using both compiles.
    #[arg(long)]
    mock: bool,
}

/// The tag features of a generated crate, from its manifest.
fn tag_features(version: ApiVersion) -> anyhow::Result<Vec<String>> {
    let path = crate::workspace_root()
        .join("sdk")
        .join(version.name())
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} does not parse", path.display()))?;
    let features = manifest
        .get("features")
        .and_then(toml::Value::as_table)
        .with_context(|| format!("{} has no [features]", path.display()))?;
    Ok(features
        .keys()
        .filter(|f| *f != "default" && *f != codegen::generate::features::FULL)
        .cloned()
        .collect())
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(crate::workspace_root());
    command
}

pub fn sweep(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let versions: Vec<ApiVersion> = match args.version {
        Some(v) => vec![v],
        None => ApiVersion::ALL.to_vec(),
    };
    let mut failed_any = false;
    for version in versions {
        let mut features = tag_features(version)?;
        if !args.only.is_empty() {
            if let Some(missing) = args.only.iter().find(|f| !features.contains(f)) {
                anyhow::bail!("{} has no feature `{missing}`", version.crate_name());
            }
            features.retain(|f| args.only.contains(f));
        }
        let started = Instant::now();
        let mut failures = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            let output = cargo()
                .args(["check", "--quiet", "--message-format", "short", "-p"])
                .arg(version.crate_name())
                .args(["--no-default-features", "--features", feature])
                .stdin(Stdio::null())
                .output()
                .context("cannot run cargo")?;
            let stderr = String::from_utf8_lossy(&output.stderr);
            let warnings = stderr.lines().filter(|l| l.contains("warning")).count();
            let errors = stderr.lines().filter(|l| l.contains("error")).count();
            let ok = output.status.success() && warnings == 0;
            eprintln!(
                "[{}/{}] {} {feature}: {}",
                i + 1,
                features.len(),
                version.name(),
                if ok {
                    "ok".to_string()
                } else {
                    format!("FAILED ({errors} error lines, {warnings} warning lines)")
                }
            );
            if !ok {
                failures.push((feature.clone(), stderr.into_owned()));
            }
        }
        println!(
            "{}: {} of {} tag features compile alone without warnings ({:.0} s)",
            version.name(),
            features.len() - failures.len(),
            features.len(),
            started.elapsed().as_secs_f64()
        );
        for (feature, stderr) in &failures {
            println!("  failed: {feature}");
            for line in stderr.lines().take(20) {
                println!("    {line}");
            }
        }
        failed_any |= !failures.is_empty();
    }
    Ok(if failed_any {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The wrapper: runs rustc under `/usr/bin/time`, appending
/// `<crate name> <wall s> <peak KB>` to `$XTASK_RUSTC_LOG`.
const WRAPPER: &str = r#"#!/bin/sh
name=unknown; prev=
for arg in "$@"; do [ "$prev" = "--crate-name" ] && name=$arg; prev=$arg; done
exec /usr/bin/time -a -o "$XTASK_RUSTC_LOG" -f "$name %e %M" "$@"
"#;

fn write_wrapper(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("rustc-time-wrapper.sh");
    std::fs::write(&path, WRAPPER).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", path.display()))?;
    }
    Ok(path)
}

/// One rustc's wall seconds and peak resident kilobytes.
type Rustc = (f64, u64);

pub fn times(args: TimesArgs) -> anyhow::Result<ExitCode> {
    if !Path::new("/usr/bin/time").exists() {
        anyhow::bail!("/usr/bin/time (GNU time) is needed to measure rustc's memory");
    }
    let target_dir = args
        .target_dir
        .unwrap_or_else(|| crate::workspace_root().join("target/compile-times"));
    let wrapper = write_wrapper(&target_dir)?;
    let log = target_dir.join("rustc-times.log");
    let crate_name = args.version.crate_name();
    let types_crate_name = codegen::render::types_crate_name(&crate_name);
    let mock_crate_name = codegen::render::mock::mock_crate_name(&args.version.target());
    // The package cargo builds: the client, or its mock crate above it.
    let built = if args.mock {
        mock_crate_name.clone()
    } else {
        crate_name.clone()
    };
    let no_incremental = args.no_incremental;
    let build = |features: &[&str], clean: bool| -> anyhow::Result<(f64, Vec<Option<Rustc>>)> {
        if clean {
            let status = cargo()
                .args([
                    "clean",
                    "--quiet",
                    "-p",
                    &crate_name,
                    "-p",
                    &types_crate_name,
                ])
                .args(if args.mock {
                    vec!["-p", mock_crate_name.as_str()]
                } else {
                    Vec::new()
                })
                .arg("--target-dir")
                .arg(&target_dir)
                .status()
                .context("cannot run cargo clean")?;
            anyhow::ensure!(status.success(), "cargo clean -p {crate_name} failed");
        }
        let _ = std::fs::remove_file(&log);
        let mut command = cargo();
        command
            .args(["build", "--quiet", "-p", &built, "--target-dir"])
            .arg(&target_dir)
            .env("RUSTC_WRAPPER", &wrapper)
            .env("XTASK_RUSTC_LOG", &log);
        if no_incremental {
            command.env("CARGO_INCREMENTAL", "0");
        }
        if !features.is_empty() {
            command
                .arg("--no-default-features")
                .arg("--features")
                .arg(features.join(","));
        }
        let started = Instant::now();
        let status = command.status().context("cannot run cargo build")?;
        let wall = started.elapsed().as_secs_f64();
        anyhow::ensure!(
            status.success(),
            "cargo build -p {built} {features:?} failed"
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        // (seconds, peak KB) of the types crate's rustc, then the crate's,
        // then the mock crate's when it is built.
        let mut measured = vec![&types_crate_name, &crate_name];
        if args.mock {
            measured.push(&mock_crate_name);
        }
        let rustcs = measured
            .into_iter()
            .map(|name| {
                let ident = name.replace('-', "_");
                text.lines().rev().find_map(|line| {
                    let mut parts = line.split_whitespace();
                    if parts.next() != Some(ident.as_str()) {
                        return None;
                    }
                    let seconds = parts.next()?.parse::<f64>().ok()?;
                    let kb = parts.next()?.parse::<u64>().ok()?;
                    Some((seconds, kb))
                })
            })
            .collect::<Vec<_>>();
        Ok((wall, rustcs))
    };
    eprintln!(
        "building the dependencies of {built} in {}",
        target_dir.display()
    );
    build(&["configuration-hub"], false)?;
    let (mock_column, mock_rule) = if args.mock {
        (" rustc of the mock crate |", "---:|")
    } else {
        ("", "")
    };
    println!(
        "| {built} features | cargo build wall | rustc of the types crate | rustc of the crate |{mock_column} rustc peak memory |"
    );
    println!("|---|---:|---:|---:|{mock_rule}---:|");
    let mut full_wall = None;
    for (label, features) in [
        ("full (default)", &[][..]),
        ("configuration-hub only", &["configuration-hub"][..]),
        ("sources only", &["sources"][..]),
    ] {
        let (wall, rustcs) = build(features, true)?;
        let share = match full_wall {
            None => {
                full_wall = Some(wall);
                String::new()
            }
            Some(full) => format!(" ({:.0}% of full)", 100.0 * wall / full),
        };
        let seconds = |rustc: &Option<Rustc>| {
            rustc.map_or("?".into(), |(s, kb)| {
                format!("{s:.1} s, {:.2} GB", kb as f64 / 1_000_000.0)
            })
        };
        let peak = rustcs.iter().flatten().map(|(_, kb)| *kb).max();
        let columns: String = rustcs
            .iter()
            .map(|rustc| format!(" {} |", seconds(rustc)))
            .collect();
        println!(
            "| {label} | {wall:.1} s{share} |{columns} {} |",
            peak.map_or("?".into(), |kb| format!(
                "{:.2} GB",
                kb as f64 / 1_000_000.0
            )),
        );
    }
    Ok(ExitCode::SUCCESS)
}
