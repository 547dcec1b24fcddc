//! `cargo xtask drift --from <api-specs checkout or bare git dir> [--rev <commit>]
//! [--version V] [--format text|json|markdown] [--verify]`
//!
//! Compares the vendored specs (`openapi/`) with an upstream revision, per
//! version, after bundling and normalizing both sides, and prints what
//! would change for users of the generated crates, breaking changes first
//! (`codegen::drift` holds the model, the rules and the report formats).
//! The upstream revision is exported the way `cargo xtask vendor` does it.
//!
//! Exit code: 0 no drift, 1 drift, 2 error (a version that could not be
//! compared; the others are still reported), 3 `--verify` found drift and
//! the generated API disagreeing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use codegen::drift::{
    DriftReport, GeneratedApi, Revision, SpecModel, VersionDrift, analyze_version, diff,
    is_pass_failure,
};
use codegen::load::{Loader, SpecPath};
use codegen::public_api::PublicApi;
use codegen::vendor::Upstream;
use codegen::verify::Verification;
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
    /// Also generate both sides in memory (nothing is written) and check
    /// every change of the crates' public API against the drift entries:
    /// exit code 3 when an API change is unexplained or a breaking entry
    /// changes no API.
    #[arg(long)]
    verify: bool,
    /// With `--verify`, list every API change on stderr, marked with how
    /// it is accounted for.
    #[arg(long, requires = "verify")]
    api_changes: bool,
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
            if args.api_changes {
                for v in &report.versions {
                    for line in v.verification.iter().flat_map(|v| &v.listing) {
                        eprintln!("{}: {line}", v.version);
                    }
                }
            }
            for failed in report
                .versions
                .iter()
                .filter_map(|v| v.error.as_ref().map(|e| (v.version.as_str(), e)))
            {
                eprintln!("error: {}: drift could not run: {}", failed.0, failed.1);
            }
            Ok(ExitCode::from(exit_code(&report)))
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            Ok(ExitCode::from(2))
        }
    }
}

/// 2 when a version could not be compared (the others are still
/// reported), 3 when `--verify` disagrees, 1 on drift, else 0.
fn exit_code(report: &DriftReport) -> u8 {
    if report.versions.iter().any(|v| v.error.is_some()) {
        2
    } else if report.verification_failed() {
        3
    } else if report.has_drift() {
        1
    } else {
        0
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
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
    // A version whose root upstream lacks is reported so; the others are
    // still compared.
    let (present, missing): (Vec<ApiVersion>, Vec<ApiVersion>) = versions
        .iter()
        .partition(|version| source.dir.join(version.root().as_str()).is_file());

    let vendored_name = format!("vendored {} (openapi/)", short(&vendored.commit));
    let upstream_name = format!("upstream {}", short(&source.commit));
    let mut compared = compare(
        (&spec_dir, &vendored_name),
        (&source.dir, &upstream_name),
        &present,
        args.verify,
        &lap,
    )?;
    for version in missing {
        compared.push(VersionDrift::failed(
            version,
            format!(
                "upstream {} ({}) has no {}, the {version} root",
                source.commit,
                args.from.display(),
                version.root()
            ),
        ));
    }
    // In the order asked for (beta, v2024, v2025).
    compared.sort_by_key(|v| {
        versions
            .iter()
            .position(|version| version.name() == v.version)
    });
    let versions = compared;
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

/// What one side gives for one version: its model and, with `--verify`,
/// its public API; or the error modelling it stopped on.
type Side = Result<(SpecModel, Option<GeneratedApi>), codegen::Error>;

/// Compares two spec directories, every version of `versions`, each side
/// bundled and normalized with every pass; a version on which a targeted
/// pass fails is reported so and compared without the targeted passes. A
/// version that cannot be read or bundled on either side is reported with
/// its error (`VersionDrift::error`) and does not stop the others.
/// `old` and `new` are a directory and the name errors give it (a
/// revision, not the scratch directory it was exported to). With `verify`,
/// both sides are also generated in memory and drift's entries checked
/// against their public APIs.
pub fn compare(
    (old_dir, old_name): (&Path, &str),
    (new_dir, new_name): (&Path, &str),
    versions: &[ApiVersion],
    verify: bool,
    lap: &dyn Fn(&str),
) -> anyhow::Result<Vec<VersionDrift>> {
    let roots: Vec<SpecPath> = versions.iter().map(|v| v.root()).collect();
    let old_loader = Loader::new(old_dir);
    let new_loader = Loader::new(new_dir);
    // Both sides, all versions, in parallel: loading dominates.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| side(&old_loader, &roots, versions, verify));
        let new = scope.spawn(|| side(&new_loader, &roots, versions, verify));
        (join(old), join(new))
    });
    let (old, new) = (old?, new?);
    lap("both sides bundled and normalized");

    let mut drift = Vec::new();
    for ((&version, old), new) in versions.iter().zip(old).zip(new) {
        let modelled = match (old, new) {
            (Ok(old), Ok(new)) => Ok((old, new, None)),
            (old, new) => retry_without_targeted(
                (&old_loader, old_name, old),
                (&new_loader, new_name, new),
                version,
                verify,
            ),
        };
        let ((old, old_api), (new, new_api), regen_error) = match modelled {
            Ok(modelled) => modelled,
            Err(error) => {
                drift.push(VersionDrift::failed(version, format!("{error:#}")));
                continue;
            }
        };
        let changes = diff(&old, &new);
        let verification = match (old_api, new_api) {
            (Some(Ok(old_api)), Some(Ok(new_api))) => Some(codegen::verify::verify(
                &changes,
                &PublicApi::diff(&old_api, &new_api),
            )),
            (Some(Err(e)), _) => Some(Verification::not_generated(format!("{old_name}: {e}"))),
            (_, Some(Err(e))) => Some(Verification::not_generated(format!("{new_name}: {e}"))),
            _ => None,
        };
        let mut version_drift = VersionDrift::new(version, changes, regen_error);
        version_drift.verification = verification;
        drift.push(version_drift);
    }
    if verify {
        lap("generated and verified");
    }
    Ok(drift)
}

type Modelled = (
    (SpecModel, Option<GeneratedApi>),
    (SpecModel, Option<GeneratedApi>),
    Option<String>,
);

/// A side failed: a pass failure is reported and both sides modelled again
/// without the targeted passes; any other error is the version's error,
/// naming the side.
fn retry_without_targeted(
    (old_loader, old_name, old): (&Loader, &str, Side),
    (new_loader, new_name, new): (&Loader, &str, Side),
    version: ApiVersion,
    verify: bool,
) -> anyhow::Result<Modelled> {
    let mut regen_error = None;
    for (result, name) in [(&old, old_name), (&new, new_name)] {
        if let Err(e) = result {
            if !is_pass_failure(e) {
                bail!("{name}: {e}");
            }
            regen_error.get_or_insert_with(|| format!("{name}: {e}"));
        }
    }
    let old = analyze_version(old_loader, version, false, verify)
        .with_context(|| old_name.to_string())?;
    let new = analyze_version(new_loader, version, false, verify)
        .with_context(|| new_name.to_string())?;
    Ok((old, new, regen_error))
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, anyhow::Result<T>>) -> anyhow::Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(anyhow!("a drift worker panicked")))
}

/// Loads what the roots reach, then models each version in parallel with
/// every normalization pass. Each version's error is returned in its slot:
/// when the roots cannot be loaded together, each version loads its own,
/// so that one version's unreadable file leaves the others.
fn side(
    loader: &Loader,
    roots: &[SpecPath],
    versions: &[ApiVersion],
    verify: bool,
) -> anyhow::Result<Vec<Side>> {
    let loaded_together = loader.load_reachable(roots).is_ok();
    std::thread::scope(|scope| {
        let handles: Vec<_> = versions
            .iter()
            .map(|&v| {
                scope.spawn(move || {
                    if !loaded_together {
                        loader.load_reachable(&[v.root()]).map_err(|error| {
                            codegen::Error::InVersion {
                                version: v.name(),
                                error: Box::new(error),
                            }
                        })?;
                    }
                    analyze_version(loader, v, true, verify)
                })
            })
            .collect();
        Ok(handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(codegen::Error::Internal("a drift worker panicked".into()))
                })
            })
            .collect())
    })
}
