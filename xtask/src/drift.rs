//! `cargo xtask drift --from <api-specs checkout or bare git dir> [--rev <commit>]
//! [--version V] [--format text|json|markdown]`
//!
//! Compares the vendored specs (`openapi/`) with an upstream revision, per
//! version, after bundling and normalizing both sides, and prints what
//! would change for users of the generated crates, breaking changes first
//! (`codegen::drift` holds the model, the rules and the report formats).
//! The upstream revision is exported the way `cargo xtask vendor` does it.
//!
//! Exit code: 0 no drift, 1 drift, 2 error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use codegen::drift::{
    DriftReport, Revision, SpecModel, VersionDrift, diff, is_pass_failure, model_version,
};
use codegen::load::{Loader, SpecPath};
use codegen::vendor::Upstream;
use codegen::versions::ApiVersion;

use crate::vendor::{Source, check_rev, refuse_symlinks};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args)]
pub struct Args {
    /// An api-specs checkout, or a bare git directory of it.
    #[arg(long)]
    from: PathBuf,
    /// The upstream commit to compare with (default: the checkout as it is
    /// on disk, or HEAD of a bare directory).
    #[arg(long)]
    rev: Option<String>,
    /// Compare only this version (default: all three).
    #[arg(long, value_enum)]
    version: Option<ApiVersion>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Print how long each phase took, on stderr.
    #[arg(long)]
    time: bool,
    /// The vendored side: this directory instead of `openapi/` (for tests).
    #[arg(long, hide = true)]
    spec_dir: Option<PathBuf>,
}

/// Exit code 2 on any error, so that the caller can tell it from drift (1).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match report(&args) {
        Ok(report) => {
            let text = match args.format {
                Format::Text => report.to_text(),
                Format::Json => report.to_json() + "\n",
                Format::Markdown => report.to_markdown(),
            };
            print!("{text}");
            Ok(ExitCode::from(if report.has_drift() { 1 } else { 0 }))
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn report(args: &Args) -> anyhow::Result<DriftReport> {
    if let Some(rev) = &args.rev {
        check_rev(rev)?;
    }
    let spec_dir = args.spec_dir.clone().unwrap_or_else(crate::spec_dir);
    let vendored = Upstream::read(&spec_dir)?;
    let versions: Vec<ApiVersion> = match args.version {
        Some(v) => vec![v],
        None => ApiVersion::ALL.to_vec(),
    };

    let clock = std::time::Instant::now();
    let lap = |what: &str| {
        if args.time {
            eprintln!("{what}: {:.2} s", clock.elapsed().as_secs_f64());
        }
    };
    let scratch = tempfile::Builder::new()
        .prefix("sailpoint-drift-")
        .tempdir()
        .context("cannot create a scratch directory")?;
    let source =
        Source::open(&args.from, args.rev.as_deref(), scratch.path()).with_context(|| {
            format!(
                "--from {}: not an api-specs checkout or bare git directory with revision {}",
                args.from.display(),
                args.rev.as_deref().unwrap_or("HEAD")
            )
        })?;
    if !source.dir.join("idn").is_dir() {
        bail!(
            "--from {} is not an api-specs checkout: no idn/ directory at {}",
            args.from.display(),
            source.commit
        );
    }
    lap("upstream exported");
    refuse_symlinks(&source.dir)?;
    for version in &versions {
        let root = version.root();
        if !source.dir.join(root.as_str()).is_file() {
            bail!(
                "upstream {} ({}) has no {root}, the {version} root",
                source.commit,
                args.from.display()
            );
        }
    }

    let versions = compare(
        (&spec_dir, "vendored"),
        (&source.dir, "upstream"),
        &versions,
        &lap,
    )?;
    lap("compared");
    Ok(DriftReport {
        format_version: codegen::drift::FORMAT_VERSION,
        vendored: Revision {
            commit: vendored.commit,
            commit_date: vendored.commit_date,
        },
        upstream: Revision {
            commit: source.commit,
            commit_date: source.commit_date,
        },
        versions,
    })
}

/// Compares two spec directories, every version of `versions`, each side
/// bundled and normalized with every pass; a version on which a targeted
/// pass fails is reported so and compared without the targeted passes.
/// `old` and `new` are a directory and the name errors give it.
pub fn compare(
    (old_dir, old_name): (&Path, &str),
    (new_dir, new_name): (&Path, &str),
    versions: &[ApiVersion],
    lap: &dyn Fn(&str),
) -> anyhow::Result<Vec<VersionDrift>> {
    let roots: Vec<SpecPath> = versions.iter().map(|v| v.root()).collect();
    let old_loader = Loader::new(old_dir);
    let new_loader = Loader::new(new_dir);
    // Both sides, all versions, in parallel: loading dominates.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| side(&old_loader, &roots, versions, old_name));
        let new = scope.spawn(|| side(&new_loader, &roots, versions, new_name));
        (join(old), join(new))
    });
    let (old, new) = (old?, new?);
    lap("both sides bundled and normalized");

    let mut drift = Vec::new();
    for ((&version, old), new) in versions.iter().zip(old).zip(new) {
        let (old, new, regen_error) = match (old, new) {
            (Ok(old), Ok(new)) => (old, new, None),
            (old, new) => {
                // A pass failed: report it, and compare without the
                // targeted passes. Any other error stops here.
                let mut regen_error = None;
                for (result, name) in [(&old, old_name), (&new, new_name)] {
                    if let Err(e) = result {
                        if !is_pass_failure(e) {
                            bail!("{name} specs: {e}");
                        }
                        regen_error.get_or_insert_with(|| format!("{name}: {e}"));
                    }
                }
                let old = model_version(&old_loader, version, false)
                    .with_context(|| format!("{old_name} specs in {}", old_dir.display()))?;
                let new = model_version(&new_loader, version, false)
                    .with_context(|| format!("{new_name} specs in {}", new_dir.display()))?;
                (old, new, regen_error)
            }
        };
        drift.push(VersionDrift::new(version, diff(&old, &new), regen_error));
    }
    Ok(drift)
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, anyhow::Result<T>>) -> anyhow::Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(anyhow!("a drift worker panicked")))
}

/// Loads what the roots reach, then models each version in parallel with
/// every normalization pass. A version's pass failure is returned in its
/// slot; a file that cannot be read or bundled is an error for the side.
fn side(
    loader: &Loader,
    roots: &[SpecPath],
    versions: &[ApiVersion],
    name: &str,
) -> anyhow::Result<Vec<Result<SpecModel, codegen::Error>>> {
    let dir: &Path = loader.spec_dir();
    loader
        .load_reachable(roots)
        .with_context(|| format!("{name} specs in {}", dir.display()))?;
    std::thread::scope(|scope| {
        let handles: Vec<_> = versions
            .iter()
            .map(|&v| scope.spawn(move || model_version(loader, v, true)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                let result = h.join().unwrap_or_else(|_| {
                    Err(codegen::Error::Internal("a drift worker panicked".into()))
                });
                match result {
                    Err(e) if !is_pass_failure(&e) => {
                        Err(anyhow!("{name} specs in {}: {e}", dir.display()))
                    }
                    other => Ok(other),
                }
            })
            .collect()
    })
}
