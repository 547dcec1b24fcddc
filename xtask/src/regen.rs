//! `cargo xtask regen [--version V] [--check]`: runs the pipeline for each
//! version in memory, then writes every crate's generated files, or with
//! `--check` compares them with what is committed. If any version fails,
//! nothing is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use codegen::load::Loader;
use codegen::pipeline::{VersionOutput, generate_version};
use codegen::vendor::{UPSTREAM_FILE, Upstream, content_hash};
use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct Args {
    /// Only this version (`beta`, `v2024`, `v2025`).
    #[arg(long)]
    version: Option<String>,
    /// Compare with the committed files instead of writing; exit 1 if stale.
    #[arg(long)]
    check: bool,
    /// Read specs from here instead of `openapi/` (for tests).
    #[arg(long, hide = true)]
    spec_dir: Option<PathBuf>,
    /// Write crates under here instead of `sdk/` (for tests).
    #[arg(long, hide = true)]
    sdk_dir: Option<PathBuf>,
}

/// Runs the pipeline for the selected versions (all by default), one thread
/// per version over one shared [`Loader`]. Outputs come back in version
/// order whatever order the threads finish in.
pub fn generate(only: Option<&str>, spec_dir: &Path) -> anyhow::Result<Vec<VersionOutput>> {
    let versions = match only {
        Some(name) => {
            vec![ApiVersion::parse(name).with_context(|| format!("unknown version {name:?}"))?]
        }
        None => ApiVersion::ALL.to_vec(),
    };
    let upstream = Upstream::read(spec_dir)?;
    let loader = Loader::new(spec_dir);
    let started = Instant::now();
    loader.load_reachable(&versions.iter().map(|v| v.root()).collect::<Vec<_>>())?;
    eprintln!(
        "load: {} files in {:.2} s",
        loader.files_loaded(),
        started.elapsed().as_secs_f64()
    );
    verify_spec_hashes(&loader, &versions, &upstream)?;
    let results: Vec<anyhow::Result<VersionOutput>> = std::thread::scope(|scope| {
        let handles: Vec<_> = versions
            .iter()
            .map(|&version| {
                let (loader, upstream) = (&loader, &upstream);
                let spawned = std::thread::Builder::new()
                    .name(format!("regen-{version}"))
                    // typify recurses deeply on the big specs; the main
                    // thread's 8 MiB is what it has always run with.
                    .stack_size(GENERATOR_STACK)
                    .spawn_scoped(scope, move || generate_version(loader, version, upstream));
                (version, spawned)
            })
            .collect();
        handles
            .into_iter()
            .map(|(version, spawned)| {
                let handle = spawned
                    .with_context(|| format!("{version}: cannot start a generator thread"))?;
                match handle.join() {
                    Ok(output) => Ok(output?),
                    Err(_) => anyhow::bail!("{version}: the generator thread panicked"),
                }
            })
            .collect()
    });
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(output) => outputs.push(output),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("\nerror: "));
    }
    for output in &outputs {
        let s = &output.stats;
        let timings: Vec<String> = s
            .timings
            .iter()
            .map(|(n, d)| format!("{n} {:.2} s", d.as_secs_f64()))
            .collect();
        eprintln!(
            "{}: {} operations in spec, {} methods generated ({} outside progenitor), {} schemas, {} normalization changes, {} lines; {}",
            output.version,
            s.operations_in_spec,
            s.methods_generated,
            s.custom_operations,
            s.schemas,
            s.normalization_changes
                .iter()
                .map(|(_, n)| n)
                .sum::<usize>(),
            s.lines,
            timings.join(", ")
        );
    }
    Ok(outputs)
}

const GENERATOR_STACK: usize = 64 << 20;

/// Recomputes each version's spec hash from the files its root reaches and
/// compares it with `UPSTREAM.toml`: a hand edit under `openapi/` would
/// otherwise ship in crates whose metadata names an upstream commit that
/// does not hold it.
fn verify_spec_hashes(
    loader: &Loader,
    versions: &[ApiVersion],
    upstream: &Upstream,
) -> anyhow::Result<()> {
    let spec_dir = loader.spec_dir();
    let mut problems = Vec::new();
    for &version in versions {
        // Every file is cached by now: this only walks the cache.
        let files = loader.load_reachable(&[version.root()])?;
        let actual = content_hash(spec_dir, &files)?;
        match upstream.versions.get(version.name()) {
            Some(record) if record.sha256 == actual => {}
            Some(record) => problems.push(format!(
                "{version}: the specs under {} hash to {actual}, but {UPSTREAM_FILE} records {}",
                spec_dir.display(),
                record.sha256
            )),
            None => problems.push(format!(
                "{version}: {UPSTREAM_FILE} has no record for this version (the specs hash to {actual})"
            )),
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "{}\nthe vendored specs were edited by hand: run `cargo xtask vendor` to take them from upstream, or revert the edit",
        problems.join("\n")
    )
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let spec_dir = args.spec_dir.unwrap_or_else(crate::spec_dir);
    let sdk_dir = args
        .sdk_dir
        .unwrap_or_else(|| crate::workspace_root().join("sdk"));
    let outputs = match generate(args.version.as_deref(), &spec_dir) {
        Ok(outputs) => outputs,
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!("nothing under sdk/ was changed");
            return Ok(ExitCode::FAILURE);
        }
    };
    let code = if args.check {
        check(&outputs, &sdk_dir)?
    } else {
        write(&outputs, &sdk_dir)?
    };
    println!(
        "regen{} took {:.1} s",
        if args.check { " --check" } else { "" },
        started.elapsed().as_secs_f64()
    );
    Ok(code)
}

/// Writes every file next to its target first, then renames them all in:
/// a failure while writing leaves the committed files as they were.
fn write(outputs: &[VersionOutput], sdk_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        for output in outputs {
            let dir = sdk_dir.join(output.version.name());
            for (relative, text) in &output.files {
                let target = dir.join(relative);
                if std::fs::read_to_string(&target).is_ok_and(|old| old == *text) {
                    continue;
                }
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let temp = target.with_extension("regen-tmp");
                std::fs::write(&temp, text)
                    .with_context(|| format!("cannot write {}", temp.display()))?;
                staged.push((temp, target));
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _) in &staged {
            let _ = std::fs::remove_file(temp);
        }
        return Err(e);
    }
    for (temp, target) in &staged {
        std::fs::rename(temp, target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
        println!("  wrote {}", relative_to_root(target));
    }
    if staged.is_empty() {
        println!("  generated code is up to date");
    }
    Ok(ExitCode::SUCCESS)
}

fn relative_to_root(path: &Path) -> String {
    path.strip_prefix(crate::workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn check(outputs: &[VersionOutput], sdk_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut stale = 0;
    for output in outputs {
        let dir = sdk_dir.join(output.version.name());
        for (relative, text) in &output.files {
            let target = dir.join(relative);
            let committed = std::fs::read_to_string(&target).unwrap_or_default();
            if committed == *text {
                continue;
            }
            stale += 1;
            println!("stale: {}", relative_to_root(&target));
            print_diff(&committed, text);
        }
    }
    if stale > 0 {
        println!(
            "{stale} generated file(s) differ from the specs; run `cargo xtask regen` and commit the result"
        );
        Ok(ExitCode::FAILURE)
    } else {
        println!("generated code matches the specs");
        Ok(ExitCode::SUCCESS)
    }
}

/// A unified diff, cut short: enough to see what drifted.
fn print_diff(old: &str, new: &str) {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("committed", "generated")
        .to_string();
    let total = text.lines().count();
    for line in text.lines().take(MAX_LINES) {
        println!("    {line}");
    }
    if total > MAX_LINES {
        println!("    ... ({} more diff lines)", total - MAX_LINES);
    }
}
