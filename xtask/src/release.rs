//! `cargo xtask release --dry-run [--since <commit-ish>]`: what the next
//! release would be, proved as far as this machine can.
//!
//! 1. The last release is the newest `release-*` tag, or `--since`. Its
//!    spec (`openapi/UPSTREAM.toml` at that commit) is compared with the
//!    vendored one by the drift model (`codegen::drift`, as `cargo xtask
//!    drift` does), skipped when both record the same commit and hashes.
//! 2. Each crate's next version follows from that: a breaking change
//!    raises the minor version below 1.0 (the major from 1.0), any other
//!    change the patch. A version's types crate and client share a version
//!    (the client pins `=version` of its types). Drift sees the spec only:
//!    a change of the generated code without drift (the generator) is a
//!    patch unless `--breaking` says otherwise, and a breaking runtime
//!    release is breaking for the generated crates, whose API exposes the
//!    runtime's types.
//! 3. It prints the `CHANGELOG.md` entry (the drift report in markdown, the
//!    spec commit and date) and the publish order: the runtime, then each
//!    types crate before its client.
//! 4. It packages every crate (`cargo package`, verified: each `.crate`
//!    compiles alone, unless `--no-verify-generated`) and checks that each
//!    holds both licence files.
//! 5. It runs `cargo-semver-checks` against the last release's code with
//!    the release type proposed, on the runtime and on the generated crates
//!    one tag feature at a time (`--semver-features`), and fails when it
//!    finds a breaking change the proposed version does not allow.
//!
//! Nothing is published, tagged or committed; `--write-changelog` adds the
//! entry to `CHANGELOG.md`. The release itself sets the versions printed
//! here, regenerates, and runs `cargo publish -p` in the printed order.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use codegen::drift::{DriftReport, Revision, VersionDrift};
use codegen::vendor::{UPSTREAM_FILE, Upstream};
use codegen::versions::ApiVersion;

/// The licence files every published `.crate` must hold.
pub const LICENCE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

const RUNTIME_CRATE: &str = "sailpoint-runtime";
const RUNTIME_DIR: &str = "sdk/runtime";
/// The hand-written support of the generated mock crates; released with
/// the runtime (the two hand-written crates share one version plan).
const MOCK_SUPPORT_CRATE: &str = "sailpoint-mock";
const MOCK_SUPPORT_DIR: &str = "sdk/mock";

#[derive(clap::Args)]
pub struct Args {
    /// Package and check only; publish nothing (the only mode: publishing
    /// is done by hand in the printed order).
    #[arg(long)]
    dry_run: bool,
    /// The last release, a commit-ish (default: the newest `release-*` tag).
    #[arg(long)]
    since: Option<String>,
    /// Declare a breaking change drift cannot see (a generator or runtime
    /// change): `runtime`, `beta`, `v2024` or `v2025`, comma-separated.
    #[arg(long, value_delimiter = ',')]
    breaking: Vec<String>,
    /// Package the generated crates without verification (the slow part:
    /// each compiles alone, in full); the weekly release-check workflow and
    /// the release itself verify them. The runtime is still verified.
    #[arg(long)]
    no_verify_generated: bool,
    /// Do not package at all.
    #[arg(long)]
    no_package: bool,
    /// Do not run cargo-semver-checks.
    #[arg(long)]
    no_semver_checks: bool,
    /// Tag features on which cargo-semver-checks compares the generated
    /// crates, one at a time with the default features off: two rustdoc
    /// JSON builds per crate and feature, small for a small tag (`full`
    /// compares everything, at the cost of two full builds per crate).
    #[arg(long, value_delimiter = ',', default_value = "transforms")]
    semver_features: Vec<String>,
    /// Add the entry at the top of `CHANGELOG.md` (default: print it only).
    #[arg(long)]
    write_changelog: bool,
    /// The release date in the entry (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// The repository to release (default: this workspace; for tests).
    #[arg(long, hide = true)]
    repo: Option<PathBuf>,
}

// ---------------------------------------------------------------------------
// Versions and their bumps: pure, unit-tested.

/// A crate version as cargo writes it: `MAJOR.MINOR.PATCH[-PRE][+BUILD]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Option<String>,
    pub build: Option<String>,
}

impl Version {
    pub fn parse(text: &str) -> anyhow::Result<Version> {
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, Some(build.to_string())),
            None => (text, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre.to_string())),
            None => (rest, None),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        let [major, minor, patch] = numbers[..] else {
            bail!("version {text:?} is not MAJOR.MINOR.PATCH");
        };
        let number = |part: &str| {
            part.parse::<u64>()
                .map_err(|_| anyhow!("version {text:?}: {part:?} is not a number"))
        };
        Ok(Version {
            major: number(major)?,
            minor: number(minor)?,
            patch: number(patch)?,
            pre,
            build,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        if let Some(build) = &self.build {
            write!(f, "+{build}")?;
        }
        Ok(())
    }
}

/// How much a crate changed since the last release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing: the crate is not published again.
    None,
    /// Compatible changes.
    Patch,
    /// A breaking change.
    Breaking,
}

/// The version after `bump`: a breaking change raises the minor version
/// while below 1.0 (cargo treats `0.x` minors as incompatible) and the
/// major from 1.0; a compatible one the patch. A pre-release is dropped;
/// the build metadata becomes `build` (the spec date, or none).
pub fn next_version(last: &Version, bump: Bump, build: Option<String>) -> Version {
    let (major, minor, patch) = match bump {
        Bump::None => (last.major, last.minor, last.patch),
        Bump::Patch => (last.major, last.minor, last.patch + 1),
        Bump::Breaking if last.major == 0 => (0, last.minor + 1, 0),
        Bump::Breaking => (last.major + 1, 0, 0),
    };
    let pre = if bump == Bump::None {
        last.pre.clone()
    } else {
        None
    };
    Version {
        major,
        minor,
        patch,
        pre,
        build,
    }
}

/// What cargo-semver-checks is told the release is (`--release-type`):
/// the most it may find without failing.
pub fn semver_release_type(last: &Version, bump: Bump) -> &'static str {
    match bump {
        Bump::Breaking if last.major == 0 => "minor",
        Bump::Breaking => "major",
        Bump::None | Bump::Patch => "patch",
    }
}

/// What the release knows of one API version's crates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFacts {
    pub version: ApiVersion,
    /// Breaking and compatible spec changes (drift).
    pub breaking: usize,
    pub compatible: usize,
    /// Whether any file of the two crates changed since the release.
    pub code_changed: bool,
    /// Declared breaking with `--breaking`.
    pub declared_breaking: bool,
}

/// The bump of the runtime, then of each API version's two crates, with
/// the reason for each.
pub fn plan_bumps(
    runtime_changed: bool,
    runtime_declared_breaking: bool,
    generated: &[GeneratedFacts],
) -> (Bump, String, Vec<(Bump, String)>) {
    let (runtime, runtime_why) = if runtime_declared_breaking {
        (Bump::Breaking, "declared breaking (--breaking runtime)")
    } else if runtime_changed {
        (Bump::Patch, "sdk/runtime changed")
    } else {
        (Bump::None, "unchanged")
    };
    let versions = generated
        .iter()
        .map(|g| {
            if g.breaking > 0 {
                (
                    Bump::Breaking,
                    format!("{} breaking spec changes (drift)", g.breaking),
                )
            } else if g.declared_breaking {
                (
                    Bump::Breaking,
                    format!("declared breaking (--breaking {})", g.version),
                )
            } else if runtime == Bump::Breaking {
                (
                    Bump::Breaking,
                    "the runtime's breaking release (its types are in this crate's API)".into(),
                )
            } else if g.compatible > 0 {
                (
                    Bump::Patch,
                    format!("{} compatible spec changes (drift)", g.compatible),
                )
            } else if g.code_changed {
                (
                    Bump::Patch,
                    "generated code changed without spec drift (generator)".into(),
                )
            } else {
                (Bump::None, "unchanged".into())
            }
        })
        .collect();
    (runtime, runtime_why.into(), versions)
}

// ---------------------------------------------------------------------------
// The crates of a release.

/// One published crate of the release.
#[derive(Clone, Debug)]
pub struct Crate {
    pub name: String,
    /// Directory relative to the repository root.
    pub dir: String,
    /// The API version of a generated crate; none for the runtime.
    pub api: Option<ApiVersion>,
    /// The version at the last release; none for a crate new since.
    pub last: Option<Version>,
    /// The version in the working tree now.
    pub current: Version,
    pub bump: Bump,
    pub why: String,
    pub next: Version,
}

/// Publish order: the runtime, then per API version the types crate
/// before the client that pins it.
pub fn publish_order(versions: &[ApiVersion]) -> Vec<(String, String, Option<ApiVersion>)> {
    let mut order = vec![
        (RUNTIME_CRATE.to_string(), RUNTIME_DIR.to_string(), None),
        (
            MOCK_SUPPORT_CRATE.to_string(),
            MOCK_SUPPORT_DIR.to_string(),
            None,
        ),
    ];
    for &v in versions {
        let target = v.target();
        let dir = format!("sdk/{}", v.name());
        order.push((
            target.types_crate_name(),
            format!("{dir}/{}", codegen::render::TYPES_CRATE_DIR),
            Some(v),
        ));
        // The mock crate depends on the client.
        let mock = (
            codegen::render::mock::mock_crate_name(&target),
            format!("{dir}/{}", codegen::render::mock::MOCK_CRATE_DIR),
            Some(v),
        );
        order.push((target.crate_name, dir, Some(v)));
        order.push(mock);
    }
    order
}

/// The `CHANGELOG.md` entry: the date, the spec, the versions, the drift.
pub fn changelog_entry(
    date: &str,
    spec: &Revision,
    since: &str,
    crates: &[Crate],
    drift: &DriftReport,
) -> String {
    let mut out = format!(
        "## {date}: spec `{}` ({})\n\n\
         Generated from [`sailpoint-oss/api-specs`](https://github.com/sailpoint-oss/api-specs) \
         at commit [`{}`](https://github.com/sailpoint-oss/api-specs/commit/{}), dated {}; \
         changes since `{since}` (spec `{}`, dated {}).\n\n\
         | crate | version | last release | why |\n| --- | --- | --- | --- |\n",
        short(&spec.commit),
        day(&spec.commit_date),
        short(&spec.commit),
        spec.commit,
        spec.commit_date,
        short(&drift.vendored.commit),
        drift.vendored.commit_date,
    );
    for c in crates {
        let last = c
            .last
            .as_ref()
            .map_or_else(|| "(new)".to_string(), |v| v.to_string());
        let next = if c.bump == Bump::None && c.last.is_some() {
            "(not published)".to_string()
        } else {
            format!("`{}`", c.next)
        };
        out.push_str(&format!("| {} | {next} | {last} | {} |\n", c.name, c.why));
    }
    let (breaking, compatible) = drift
        .versions
        .iter()
        .fold((0, 0), |(b, c), v| (b + v.breaking, c + v.compatible));
    out.push_str(&format!(
        "\n### Spec changes (drift): {breaking} breaking, {compatible} compatible\n\n"
    ));
    // The drift report's sections per version, headings two levels down
    // (its own title and comparison line are replaced by the above).
    let report = drift.to_markdown();
    let sections = report.find("\n## ").map_or("", |at| &report[at + 1..]);
    for line in sections.lines() {
        if line.starts_with('#') {
            out.push_str("##");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `CHANGELOG.md` with `entry` added above the newest entry.
pub fn add_to_changelog(existing: Option<&str>, entry: &str) -> String {
    const HEAD: &str = "# Changelog\n\nEach release of the crates, newest first. \
        `cargo xtask release --dry-run` writes each entry.\n";
    let existing = existing.unwrap_or(HEAD);
    match existing.find("\n## ") {
        Some(at) => format!("{}\n{entry}{}", &existing[..=at], &existing[at..]),
        None => format!(
            "{}\n{entry}",
            existing.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

// ---------------------------------------------------------------------------
// The command.

/// Runs git in `repo`; its standard output, trimmed.
fn git(repo: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// A file at a commit, or none if the commit has no such file.
fn file_at(repo: &Path, commit: &str, path: &str) -> anyhow::Result<Option<String>> {
    let spec = format!("{commit}:{path}");
    let exists = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "-e", &spec])
        .stderr(std::process::Stdio::null())
        .status()
        .context("cannot run git")?
        .success();
    if !exists {
        return Ok(None);
    }
    git(repo, &["show", &spec]).map(Some)
}

/// `package.version` of a manifest's text.
fn manifest_version(text: &str, what: &str) -> anyhow::Result<Version> {
    let manifest: toml::Value = toml::from_str(text).with_context(|| what.to_string())?;
    let version = manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .ok_or_else(|| anyhow!("{what} has no package.version"))?;
    Version::parse(version).with_context(|| what.to_string())
}

/// Whether a manifest's text declares `feature`.
fn has_feature(text: &str, feature: &str) -> bool {
    toml::from_str::<toml::Value>(text)
        .ok()
        .and_then(|m| m.get("features")?.get(feature).map(|_| ()))
        .is_some()
}

fn last_release(repo: &Path, since: Option<&str>) -> anyhow::Result<(String, String)> {
    let name = match since {
        Some(since) => since.to_string(),
        None => {
            let tags = git(repo, &["tag", "--list", "release-*", "--sort=-creatordate"])?;
            tags.lines().next().map(str::to_string).ok_or_else(|| {
                anyhow!("no `release-*` tag: name the last release with --since <commit-ish>")
            })?
        }
    };
    if name.starts_with('-') {
        bail!("--since {name:?} is not a commit-ish");
    }
    let commit = git(
        repo,
        &["rev-parse", "--verify", &format!("{name}^{{commit}}")],
    )
    .with_context(|| format!("the last release {name:?} is not a commit"))?;
    Ok((name, commit))
}

/// The spec drift between the release's `openapi/` and the vendored one.
fn spec_drift(
    repo: &Path,
    commit: &str,
    old: &Upstream,
    new: &Upstream,
    versions: &[ApiVersion],
) -> anyhow::Result<Vec<VersionDrift>> {
    let same = old.commit == new.commit
        && versions.iter().all(|v| {
            let hash = |u: &Upstream| u.versions.get(v.name()).map(|r| r.sha256.clone());
            hash(old).is_some() && hash(old) == hash(new)
        });
    if same {
        // The same files: nothing to load.
        return Ok(versions
            .iter()
            .map(|&v| VersionDrift::new(v, Vec::new(), None))
            .collect());
    }
    let scratch = tempfile::Builder::new()
        .prefix("sailpoint-release-")
        .tempdir()
        .context("cannot create a scratch directory")?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", commit, "openapi"])
        .output()
        .context("cannot run git archive")?;
    if !archive.status.success() {
        bail!(
            "git archive {commit} openapi: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        );
    }
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(scratch.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .context("cannot run tar")?;
    {
        use std::io::Write;
        let mut stdin = tar
            .stdin
            .take()
            .ok_or_else(|| anyhow!("tar has no stdin"))?;
        stdin.write_all(&archive.stdout)?;
    }
    if !tar.wait()?.success() {
        bail!("tar could not unpack the release's openapi/");
    }
    let old_dir = scratch.path().join("openapi");
    let new_dir = repo.join("openapi");
    let drift = crate::drift::compare(
        (&old_dir, "last release"),
        (&new_dir, "vendored"),
        versions,
        false,
        &|_| {},
    )?;
    if let Some((version, error)) = drift
        .iter()
        .find_map(|v| v.error.as_ref().map(|e| (&v.version, e)))
    {
        bail!("{version}: drift could not run: {error}");
    }
    Ok(drift)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.dry_run {
        bail!(
            "only --dry-run is implemented: publishing stays by hand (set the versions it \
             proposes, `cargo xtask regen`, add its CHANGELOG entry, then `cargo publish -p` \
             in its order)"
        );
    }
    let started = Instant::now();
    let repo = args.repo.clone().unwrap_or_else(crate::workspace_root);
    let (since, commit) = last_release(&repo, args.since.as_deref())?;
    let current_spec = Upstream::read(&repo.join("openapi"))?;
    let last_spec_text = file_at(&repo, &commit, &format!("openapi/{UPSTREAM_FILE}"))?
        .ok_or_else(|| anyhow!("{since} has no openapi/{UPSTREAM_FILE}"))?;
    let last_spec: Upstream = toml::from_str(&last_spec_text)
        .with_context(|| format!("openapi/{UPSTREAM_FILE} at {since}"))?;
    for name in &args.breaking {
        if name != "runtime" && !ApiVersion::ALL.iter().any(|v| v.name() == name) {
            bail!("--breaking {name:?}: expected runtime, beta, v2024 or v2025");
        }
    }

    // The API versions this repository generates, and those also at the
    // release (a version new since then has nothing to compare with).
    let versions: Vec<ApiVersion> = ApiVersion::ALL
        .into_iter()
        .filter(|v| current_spec.versions.contains_key(v.name()))
        .collect();
    let compared: Vec<ApiVersion> = versions
        .iter()
        .copied()
        .filter(|v| last_spec.versions.contains_key(v.name()))
        .collect();
    println!(
        "last release: {since} ({}), spec {} ({})",
        short(&commit),
        short(&last_spec.commit),
        last_spec.commit_date
    );
    println!(
        "vendored spec: {} ({})",
        short(&current_spec.commit),
        current_spec.commit_date
    );
    let drift_started = Instant::now();
    let mut drift = spec_drift(&repo, &commit, &last_spec, &current_spec, &compared)?;
    for &v in &versions {
        if !compared.contains(&v) {
            drift.push(VersionDrift::new(v, Vec::new(), None));
        }
    }
    drift.sort_by_key(|d| d.version.clone());
    println!("drift: {:.1} s", drift_started.elapsed().as_secs_f64());
    let report = DriftReport {
        format_version: codegen::drift::FORMAT_VERSION,
        vendored: Revision {
            commit: last_spec.commit.clone(),
            commit_date: last_spec.commit_date.clone(),
        },
        upstream: Revision {
            commit: current_spec.commit.clone(),
            commit_date: current_spec.commit_date.clone(),
        },
        versions: drift,
    };

    // Versions.
    let changed = |dir: &str| -> anyhow::Result<bool> {
        // Against the working tree: uncommitted changes count.
        Ok(!git(&repo, &["diff", "--name-only", &commit, "--", dir])?.is_empty())
    };
    let facts: Vec<GeneratedFacts> = versions
        .iter()
        .map(|&v| {
            let d = report.versions.iter().find(|d| d.version == v.name());
            Ok(GeneratedFacts {
                version: v,
                breaking: d.map_or(0, |d| d.breaking),
                compatible: d.map_or(0, |d| d.compatible),
                code_changed: changed(&format!("sdk/{}", v.name()))?,
                declared_breaking: args.breaking.iter().any(|b| b == v.name()),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let (runtime_bump, runtime_why, bumps) = plan_bumps(
        changed(RUNTIME_DIR)? || changed(MOCK_SUPPORT_DIR)?,
        args.breaking.iter().any(|b| b == "runtime"),
        &facts,
    );
    let spec_build = Some(format!("spec.{}", day(&current_spec.commit_date)));
    let mut crates = Vec::new();
    for (name, dir, api) in publish_order(&versions) {
        let manifest = format!("{dir}/Cargo.toml");
        let current_text = std::fs::read_to_string(repo.join(&manifest))
            .with_context(|| format!("cannot read {manifest}"))?;
        let current = manifest_version(&current_text, &manifest)?;
        let last = match file_at(&repo, &commit, &manifest)? {
            Some(text) => Some(manifest_version(&text, &format!("{manifest} at {since}"))?),
            None => None,
        };
        let (bump, why) = match api {
            None => (runtime_bump, runtime_why.clone()),
            Some(v) => {
                let at = versions.iter().position(|&x| x == v).unwrap_or_default();
                bumps
                    .get(at)
                    .cloned()
                    .ok_or_else(|| anyhow!("no plan for {v}"))?
            }
        };
        let build = if api.is_some() {
            spec_build.clone()
        } else {
            None
        };
        let next = match &last {
            Some(last) => next_version(last, bump, build),
            // First release: the version the manifest has.
            None => Version {
                build,
                ..current.clone()
            },
        };
        let why = if last.is_none() {
            "first release".to_string()
        } else {
            why
        };
        crates.push(Crate {
            name,
            dir,
            api,
            last,
            current,
            bump,
            why,
            next,
        });
    }

    println!("\n== proposed versions (publish order)");
    for (i, c) in crates.iter().enumerate() {
        let last = c.last.as_ref().map_or("new".to_string(), |v| v.to_string());
        let publish = if c.bump == Bump::None && c.last.is_some() {
            " (not published: unchanged)"
        } else {
            ""
        };
        println!(
            "{}. {} {} -> {}{publish}: {}",
            i + 1,
            c.name,
            last,
            c.next,
            c.why
        );
    }
    let differs: Vec<&Crate> = crates.iter().filter(|c| c.current != c.next).collect();
    if !differs.is_empty() {
        println!(
            "\nmanifests to update before publishing (`cargo xtask regen` writes the generated ones once the generator's version is set):"
        );
        for c in differs {
            println!("  {}/Cargo.toml: {} -> {}", c.dir, c.current, c.next);
        }
    }

    let date = args.date.clone().unwrap_or_else(today_utc);
    let entry = changelog_entry(&date, &report.upstream, &since, &crates, &report);
    println!("\n== CHANGELOG.md entry\n\n{entry}");
    if args.write_changelog {
        let path = repo.join("CHANGELOG.md");
        let existing = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        std::fs::write(&path, add_to_changelog(existing.as_deref(), &entry))
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("(added to {})", path.display());
    }

    let mut failures = Vec::new();
    if !args.no_package {
        let packaging = Instant::now();
        if let Err(e) = package(&repo, &crates, args.no_verify_generated) {
            failures.push(format!("packaging: {e:#}"));
        }
        println!("packaging: {:.1} s", packaging.elapsed().as_secs_f64());
    }
    if !args.no_semver_checks {
        let checking = Instant::now();
        match semver_checks(&repo, &commit, &crates, &args.semver_features) {
            Ok(found) => failures.extend(found),
            Err(e) => failures.push(format!("cargo-semver-checks: {e:#}")),
        }
        println!(
            "cargo-semver-checks: {:.1} s",
            checking.elapsed().as_secs_f64()
        );
    }
    println!(
        "\nrelease dry run: {:.1} s, nothing published",
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for f in &failures {
            eprintln!("FAILED: {f}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// Today's date, UTC, from the system clock.
fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_date(secs)
}

/// The UTC date of a Unix time (civil from days, Howard Hinnant's
/// algorithm): the xtask has no date crate.
fn utc_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn cargo(repo: &Path, args: &[&str]) -> anyhow::Result<()> {
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(repo)
        .args(args)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// `cargo package` of every crate, then the licence files of each `.crate`.
fn package(repo: &Path, crates: &[Crate], no_verify_generated: bool) -> anyhow::Result<()> {
    let mut all = vec!["package", "--allow-dirty"];
    for c in crates {
        all.extend(["-p", c.name.as_str()]);
    }
    if no_verify_generated {
        // The runtime verified alone; the generated crates packaged with
        // it, unverified (cargo resolves them against the packaged runtime).
        cargo(repo, &["package", "--allow-dirty", "-p", RUNTIME_CRATE])?;
        all.push("--no-verify");
    }
    cargo(repo, &all)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    for c in crates {
        let file = target
            .join("package")
            .join(format!("{}-{}.crate", c.name, c.current));
        check_licences(&file)?;
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        println!("{} ({size} bytes): both licence files", file.display());
    }
    Ok(())
}

/// Fails unless the `.crate` holds both licence files at its root.
pub fn check_licences(crate_file: &Path) -> anyhow::Result<()> {
    let output = Command::new("tar")
        .arg("tzf")
        .arg(crate_file)
        .output()
        .context("cannot run tar")?;
    if !output.status.success() {
        bail!(
            "tar tzf {}: {}",
            crate_file.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let listing = String::from_utf8_lossy(&output.stdout);
    let missing: Vec<&str> = LICENCE_FILES
        .into_iter()
        .filter(|name| {
            !listing
                .lines()
                .any(|l| l.split_once('/').is_some_and(|(_, rest)| rest == *name))
        })
        .collect();
    if !missing.is_empty() {
        bail!("{} lacks {}", crate_file.display(), missing.join(" and "));
    }
    Ok(())
}

/// cargo-semver-checks on every crate it can afford; one failure message
/// per check that found more than the proposed version allows.
fn semver_checks(
    repo: &Path,
    commit: &str,
    crates: &[Crate],
    features: &[String],
) -> anyhow::Result<Vec<String>> {
    let installed = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        bail!("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`");
    }
    let mut failures = Vec::new();
    println!("\n== cargo-semver-checks against {}", short(commit));
    for c in crates {
        let Some(last) = &c.last else {
            println!("{}: new since the last release, nothing to compare", c.name);
            continue;
        };
        let release_type = semver_release_type(last, c.bump);
        let mut runs: Vec<Vec<String>> = Vec::new();
        if c.api.is_none() {
            runs.push(Vec::new());
        } else {
            let manifest = format!("{}/Cargo.toml", c.dir);
            let old = file_at(repo, commit, &manifest)?.unwrap_or_default();
            let new = std::fs::read_to_string(repo.join(&manifest)).unwrap_or_default();
            for f in features {
                if has_feature(&old, f) && has_feature(&new, f) {
                    runs.push(vec![
                        "--only-explicit-features".into(),
                        "--features".into(),
                        f.clone(),
                    ]);
                } else {
                    println!("{}: no feature {f} on both sides, skipped", c.name);
                }
            }
        }
        for extra in runs {
            let mut args: Vec<String> = [
                "semver-checks",
                "check-release",
                "-p",
                &c.name,
                "--baseline-rev",
                commit,
                "--release-type",
                release_type,
            ]
            .into_iter()
            .map(String::from)
            .collect();
            args.extend(extra);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            if let Err(e) = cargo(repo, &args) {
                failures.push(format!(
                    "{} as a {release_type} release ({}): {e:#}",
                    c.name, c.why
                ));
            }
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn versions_parse_and_print_back() {
        for text in ["0.1.0", "0.1.0+spec.2026-08-22", "1.2.3-rc.1+x", "10.20.30"] {
            assert_eq!(v(text).to_string(), text);
        }
        assert_eq!(
            v("0.1.0+spec.2026-08-22").build.as_deref(),
            Some("spec.2026-08-22")
        );
        for bad in ["0.1", "0.1.0.0", "a.b.c", "", "0.1.x+y"] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_breaking_change_raises_the_minor_below_one_and_the_major_from_one() {
        let build = || Some("spec.2026-12-01".to_string());
        assert_eq!(
            next_version(&v("0.1.3+spec.2026-08-22"), Bump::Breaking, build()).to_string(),
            "0.2.0+spec.2026-12-01"
        );
        assert_eq!(
            next_version(&v("0.1.3+spec.2026-08-22"), Bump::Patch, build()).to_string(),
            "0.1.4+spec.2026-12-01"
        );
        assert_eq!(
            next_version(&v("1.4.2"), Bump::Breaking, None).to_string(),
            "2.0.0"
        );
        assert_eq!(
            next_version(&v("1.4.2"), Bump::Patch, None).to_string(),
            "1.4.3"
        );
        assert_eq!(
            next_version(&v("0.3.1"), Bump::None, None).to_string(),
            "0.3.1"
        );
        assert_eq!(
            next_version(&v("0.3.1-rc.1"), Bump::Patch, None).to_string(),
            "0.3.2"
        );
    }

    #[test]
    fn semver_checks_is_told_the_release_type_of_the_bump() {
        assert_eq!(semver_release_type(&v("0.1.0"), Bump::Breaking), "minor");
        assert_eq!(semver_release_type(&v("1.0.0"), Bump::Breaking), "major");
        assert_eq!(semver_release_type(&v("0.1.0"), Bump::Patch), "patch");
        assert_eq!(semver_release_type(&v("0.1.0"), Bump::None), "patch");
    }

    fn facts(version: ApiVersion) -> GeneratedFacts {
        GeneratedFacts {
            version,
            breaking: 0,
            compatible: 0,
            code_changed: false,
            declared_breaking: false,
        }
    }

    #[test]
    fn drift_decides_each_version_and_a_breaking_runtime_all_of_them() {
        let generated = [
            GeneratedFacts {
                breaking: 2,
                compatible: 5,
                ..facts(ApiVersion::Beta)
            },
            GeneratedFacts {
                compatible: 1,
                ..facts(ApiVersion::V2024)
            },
            GeneratedFacts {
                code_changed: true,
                ..facts(ApiVersion::V2025)
            },
        ];
        let (runtime, _, bumps) = plan_bumps(true, false, &generated);
        assert_eq!(runtime, Bump::Patch);
        let kinds: Vec<Bump> = bumps.iter().map(|b| b.0).collect();
        assert_eq!(kinds, [Bump::Breaking, Bump::Patch, Bump::Patch]);
        assert!(bumps[2].1.contains("generator"), "{}", bumps[2].1);

        let (runtime, _, bumps) = plan_bumps(false, false, &[facts(ApiVersion::V2025)]);
        assert_eq!((runtime, bumps[0].0), (Bump::None, Bump::None));

        let (runtime, _, bumps) = plan_bumps(true, true, &generated[1..]);
        assert_eq!(runtime, Bump::Breaking);
        assert!(bumps.iter().all(|b| b.0 == Bump::Breaking), "{bumps:?}");

        let declared = GeneratedFacts {
            declared_breaking: true,
            code_changed: true,
            ..facts(ApiVersion::V2025)
        };
        let (_, _, bumps) = plan_bumps(false, false, &[declared]);
        assert_eq!(bumps[0].0, Bump::Breaking);
    }

    #[test]
    fn the_runtime_publishes_first_and_each_types_crate_before_its_client_before_its_mocks() {
        let names: Vec<String> = publish_order(&ApiVersion::ALL)
            .into_iter()
            .map(|(name, _, _)| name)
            .collect();
        assert_eq!(
            names,
            [
                "sailpoint-runtime",
                "sailpoint-mock",
                "sailpoint-beta-types",
                "sailpoint-beta",
                "sailpoint-beta-mock",
                "sailpoint-v2024-types",
                "sailpoint-v2024",
                "sailpoint-v2024-mock",
                "sailpoint-v2025-types",
                "sailpoint-v2025",
                "sailpoint-v2025-mock",
            ]
        );
        assert_eq!(publish_order(&[ApiVersion::V2025])[2].1, "sdk/v2025/types");
        assert_eq!(publish_order(&[ApiVersion::V2025])[4].1, "sdk/v2025/mock");
    }

    #[test]
    fn changelog_entries_go_above_the_newest_one() {
        let first = add_to_changelog(None, "## 2026-12-07: first\n\nbody\n");
        assert!(first.starts_with("# Changelog\n"), "{first}");
        assert!(
            first.ends_with("\n## 2026-12-07: first\n\nbody\n"),
            "{first}"
        );
        let second = add_to_changelog(Some(&first), "## 2027-01-04: second\n\nmore\n");
        let at_second = second.find("## 2027-01-04").unwrap();
        let at_first = second.find("## 2026-12-07").unwrap();
        assert!(at_second < at_first, "{second}");
        assert!(second.starts_with("# Changelog\n"), "{second}");
    }

    #[test]
    fn unix_times_become_utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_796_601_599), "2026-12-06");
        assert_eq!(utc_date(1_796_601_600), "2026-12-07");
    }

    #[test]
    fn features_are_read_from_the_manifest_table() {
        let manifest = "[package]\nname = \"x\"\n[features]\nsources = []\n";
        assert!(has_feature(manifest, "sources"));
        assert!(!has_feature(manifest, "name"));
        assert!(!has_feature("not toml [", "sources"));
    }
}
