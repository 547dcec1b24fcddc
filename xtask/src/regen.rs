//! `cargo xtask regen [--version V] [--check]`: runs the pipeline for each
//! version in memory, then writes every crate's generated files, or with
//! `--check` compares them with what is committed. If any version fails,
//! nothing is written.
//!
//! Writing is journaled so that a kill cannot leave crates half old, half
//! new: every changed file of every crate is written under
//! `<sdk>/.regen-staging/files/`, then the commit marker
//! `<sdk>/.regen-staging/COMMIT` listing the targets is written (and synced)
//! last, then the files are moved into place and the staging directory is
//! removed. At start, leftovers are dealt with: a staging directory without
//! marker is discarded (no file was replaced yet); one with a marker is an
//! interrupted swap, which `regen` finishes and `--check` reports.
//!
//! Files render owns (`codegen::render::is_generated_code`) that a regen no
//! longer writes are stale for `--check`, and are deleted by `regen` as
//! marker lines starting with `-`, in the same journal as the writes.
//!
//! Besides the crates, regen writes the conformance tables of the
//! workspace's tests (`tests/generated/conformance_<version>.rs`,
//! `codegen::conformance::table_source`): every spec example with the
//! generated type it should decode into. They go with the fixture crate
//! (same output root, skipped alike when `--sdk-dir` is given without
//! `--fixture-dir`).
//!
//! For tests only: with `XTASK_REGEN_STOP_AFTER_RENAMES=N` in the
//! environment, regen exits (status 3) after moving N files into place, as a
//! kill at that moment would.

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use codegen::load::Loader;
use codegen::load::SpecPath;
use codegen::pipeline::{VersionOutput, generate_version};
use codegen::render::CrateFiles;
use codegen::vendor::{UPSTREAM_FILE, Upstream, content_hash};
use codegen::versions::ApiVersion;
use codegen::versions::CrateTarget;

#[derive(clap::Args)]
pub struct Args {
    /// Only this version.
    #[arg(long, value_enum)]
    version: Option<ApiVersion>,
    /// Compare with the committed files instead of writing; exit 1 if stale.
    #[arg(long)]
    check: bool,
    /// Read specs from here instead of `openapi/` (for tests).
    #[arg(long, hide = true)]
    spec_dir: Option<PathBuf>,
    /// Write crates under here instead of `sdk/` (for tests).
    #[arg(long, hide = true)]
    sdk_dir: Option<PathBuf>,
    /// The generator's fixture crate, regenerated from its own
    /// `openapi/fixture.yaml` (default `tests/fixture-client`; skipped when
    /// `--sdk-dir` is given without it).
    #[arg(long, hide = true)]
    fixture_dir: Option<PathBuf>,
}

/// A crate to write or check: its directory under an output root, and its
/// files relative to that directory.
type CrateDir<'a> = (String, &'a CrateFiles);

/// Runs the pipeline for the selected versions (all by default), one thread
/// per version over one shared [`Loader`]. Outputs come back in version
/// order whatever order the threads finish in.
pub fn generate(only: Option<ApiVersion>, spec_dir: &Path) -> anyhow::Result<Vec<VersionOutput>> {
    let versions = match only {
        Some(version) => vec![version],
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
    let hashing = Instant::now();
    verify_spec_hashes(&loader, &versions, &upstream)?;
    eprintln!(
        "spec hashes match {UPSTREAM_FILE} ({:.2} s)",
        hashing.elapsed().as_secs_f64()
    );
    let results = generate_in_pool(&loader, &versions, &upstream)?;
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

/// Generates `versions` on at most as many threads as there are cores,
/// largest spec first, and returns their results in the order of
/// `versions`. One thread per version on fewer cores finished no sooner
/// (the versions only took turns on the cores) but held every version's
/// syntax trees at once, which set the peak memory.
fn generate_in_pool(
    loader: &Loader,
    versions: &[ApiVersion],
    upstream: &Upstream,
) -> anyhow::Result<Vec<anyhow::Result<VersionOutput>>> {
    // Largest first, so that the last to start is the smallest and the
    // threads finish close together. Every file is cached by now.
    let mut queue = Vec::new();
    for (index, &version) in versions.iter().enumerate() {
        let files = loader.load_reachable(&[version.root()])?.len();
        queue.push((std::cmp::Reverse(files), index, version));
    }
    queue.sort();
    let queue = std::sync::Mutex::new(
        queue
            .into_iter()
            .map(|(_, index, version)| (index, version)),
    );
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, versions.len().max(1));
    let done: Vec<(usize, anyhow::Result<VersionOutput>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let queue = &queue;
                std::thread::Builder::new()
                    .name(format!("regen-{worker}"))
                    // typify recurses deeply on the big specs; the main
                    // thread's 8 MiB is what it has always run with.
                    .stack_size(GENERATOR_STACK)
                    .spawn_scoped(scope, move || {
                        let mut done = Vec::new();
                        loop {
                            let next = match queue.lock() {
                                Ok(mut queue) => queue.next(),
                                Err(_) => None, // another worker panicked
                            };
                            let Some((index, version)) = next else {
                                return done;
                            };
                            // A panic fails its version only, as when each
                            // version had its own thread.
                            let output = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                generate_version(loader, version, upstream)
                            }));
                            done.push((
                                index,
                                match output {
                                    Ok(output) => output.map_err(anyhow::Error::from),
                                    Err(_) => Err(anyhow::anyhow!(
                                        "{version}: the generator thread panicked"
                                    )),
                                },
                            ));
                        }
                    })
            })
            .collect();
        let mut done = Vec::new();
        for handle in handles {
            match handle {
                Ok(handle) => match handle.join() {
                    Ok(results) => done.extend(results),
                    Err(_) => done.push((
                        usize::MAX,
                        Err(anyhow::anyhow!("a generator thread panicked")),
                    )),
                },
                Err(e) => done.push((
                    usize::MAX,
                    Err(anyhow::anyhow!("cannot start a generator thread: {e}")),
                )),
            }
        }
        done
    });
    let mut by_index: Vec<Option<anyhow::Result<VersionOutput>>> =
        versions.iter().map(|_| None).collect();
    let mut failures = Vec::new();
    for (index, result) in done {
        match by_index.get_mut(index) {
            Some(slot) => *slot = Some(result),
            None => failures.push(result),
        }
    }
    let mut results: Vec<anyhow::Result<VersionOutput>> = by_index
        .into_iter()
        .zip(versions)
        .map(|(result, version)| {
            result.unwrap_or_else(|| {
                Err(anyhow::anyhow!(
                    "{version}: not generated (a generator thread stopped)"
                ))
            })
        })
        .collect();
    results.extend(failures);
    Ok(results)
}

/// The generator's fixture: a small spec with one of each construct the
/// generator handles beyond plain progenitor, compiled and driven by
/// `tests/fixture_client.rs`.
fn fixture_target() -> CrateTarget {
    CrateTarget {
        name: "fixture".into(),
        title: "Fixture".into(),
        crate_name: "sailpoint-fixture-client".into(),
        crate_ident: "sailpoint_fixture_client".into(),
        root: SpecPath::new("fixture.yaml").unwrap_or_else(|| unreachable!("a valid literal path")),
        base_path: "/fixture".into(),
        publish: false,
    }
}

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
    // One thread per version: hashing re-reads every file.
    let hashes: Vec<anyhow::Result<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = versions
            .iter()
            .map(|&version| {
                scope.spawn(move || -> anyhow::Result<String> {
                    // Every file is cached by now: this only walks the cache.
                    let files = loader.load_reachable(&[version.root()])?;
                    Ok(content_hash(spec_dir, &files)?)
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(versions)
            .map(|(handle, version)| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("{version}: hashing panicked")))
            })
            .collect()
    });
    let mut problems = Vec::new();
    for (&version, actual) in versions.iter().zip(hashes) {
        let actual = actual?;
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
    let fixture_dir = match (&args.fixture_dir, &args.sdk_dir) {
        (Some(dir), _) => Some(dir.clone()),
        (None, Some(_)) => None,
        (None, None) => Some(crate::workspace_root().join("tests/fixture-client")),
    };
    let sdk_dir = args
        .sdk_dir
        .unwrap_or_else(|| crate::workspace_root().join("sdk"));
    // Each output root: where crates go, and the crates' directory names
    // (the only directories its journal may name).
    let mut roots: Vec<(PathBuf, Vec<String>)> = vec![(
        sdk_dir.clone(),
        ApiVersion::ALL
            .iter()
            .map(|v| v.name().to_string())
            .collect(),
    )];
    if let Some(fixture) = &fixture_dir {
        roots.push((
            fixture.parent().map(Path::to_path_buf).unwrap_or_default(),
            vec![
                crate_dir_name(fixture),
                codegen::conformance::TABLES_DIR.to_string(),
            ],
        ));
    }
    for (root, crates) in &roots {
        if let Some(code) = recover(root, crates, args.check)? {
            return Ok(code);
        }
    }
    let generated = generate(args.version, &spec_dir).and_then(|outputs| {
        let fixture = fixture_dir
            .as_deref()
            .map(|dir| {
                codegen::pipeline::generate_fixture(&dir.join("openapi"), &fixture_target())
                    .with_context(|| format!("fixture crate {}", dir.display()))
            })
            .transpose()?;
        Ok((outputs, fixture))
    });
    let (outputs, fixture) = match generated {
        Ok(generated) => generated,
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!("nothing under sdk/ was changed");
            return Ok(ExitCode::FAILURE);
        }
    };
    let versions: Vec<CrateDir> = outputs
        .iter()
        .map(|o| (o.version.name().to_string(), &o.files))
        .collect();
    let tables = conformance_tables(&outputs);
    let mut targets = vec![(sdk_dir, versions)];
    if let (Some(dir), Some(files)) = (&fixture_dir, &fixture) {
        targets.push((
            roots[1].0.clone(),
            vec![
                (crate_dir_name(dir), files),
                (codegen::conformance::TABLES_DIR.to_string(), &tables),
            ],
        ));
    }
    let mut code = ExitCode::SUCCESS;
    for (root, crates) in &targets {
        let result = if args.check {
            check(crates, root)?
        } else {
            write(crates, root)?
        };
        if result != ExitCode::SUCCESS {
            code = result;
        }
    }
    println!(
        "regen{} took {:.1} s",
        if args.check { " --check" } else { "" },
        started.elapsed().as_secs_f64()
    );
    Ok(code)
}

/// The conformance table of each generated version, by file name under
/// `tests/generated/`.
fn conformance_tables(outputs: &[VersionOutput]) -> CrateFiles {
    outputs
        .iter()
        .map(|output| {
            (
                codegen::conformance::table_file(output.version),
                codegen::conformance::table_source(&output.version.crate_ident(), &output.examples),
            )
        })
        .collect()
}

/// Where a regen stages its files, under the sdk directory.
const STAGING: &str = ".regen-staging";
/// The commit marker inside [`STAGING`]: one target a line, relative to the
/// sdk directory. Present only once every file is staged.
const MARKER: &str = "COMMIT";
/// The staged files inside [`STAGING`], at their paths relative to the sdk
/// directory.
const FILES: &str = "files";
/// Marks a marker line as a file to delete rather than one to move in:
/// a generated file the generator no longer writes.
const DELETE: &str = "-";
/// The suffix of the old scheme's temporary files, written beside targets.
const OLD_TEMP_SUFFIX: &str = ".regen-tmp";
/// See the module documentation.
const STOP_AFTER_RENAMES: &str = "XTASK_REGEN_STOP_AFTER_RENAMES";

fn crate_dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Deals with what an interrupted regen left under `sdk_dir`, whose
/// generated crates are the directories `crates`. Returns an exit code when
/// `--check` must stop here.
fn recover(sdk_dir: &Path, crates: &[String], check: bool) -> anyhow::Result<Option<ExitCode>> {
    remove_old_temp_files(sdk_dir)?;
    let staging = sdk_dir.join(STAGING);
    if !staging.exists() {
        return Ok(None);
    }
    if !staging.join(MARKER).exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove {}", staging.display()))?;
        println!(
            "discarded {}: an earlier regen stopped before its commit marker, so no file under {} had been replaced",
            relative_to_root(&staging),
            relative_to_root(sdk_dir)
        );
        return Ok(None);
    }
    if check {
        eprintln!(
            "error: an earlier regen was interrupted while moving files into place: {} holds the files it had not moved yet, so {} is part old, part new; run `cargo xtask regen` to finish it",
            relative_to_root(&staging),
            relative_to_root(sdk_dir)
        );
        return Ok(Some(ExitCode::FAILURE));
    }
    let moved = commit(sdk_dir, crates)?;
    println!(
        "finished an interrupted regen: moved the {moved} file(s) it had staged but not moved into place"
    );
    Ok(None)
}

/// Removes the `*.regen-tmp` files the old, unjournaled scheme could leave
/// beside the generated files (hidden by `.gitignore`).
fn remove_old_temp_files(sdk_dir: &Path) -> anyhow::Result<()> {
    let mut pending: Vec<PathBuf> = ApiVersion::ALL
        .iter()
        .map(|v| sdk_dir.join(v.name()))
        .collect();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue; // not generated yet
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(OLD_TEMP_SUFFIX) {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
                println!(
                    "removed stray {} (left by an interrupted regen of the old, unjournaled kind)",
                    relative_to_root(&path)
                );
            }
        }
    }
    Ok(())
}

/// Stages every changed file, writes the commit marker, then moves the
/// files into place. A failure before the marker leaves `sdk_dir` as it was.
fn write(crates: &[CrateDir], sdk_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut changed: Vec<(String, &str)> = Vec::new();
    for (name, files) in crates {
        for obsolete in obsolete_files(&sdk_dir.join(name), files)? {
            changed.push((format!("{DELETE}{name}/{obsolete}"), ""));
        }
        for (relative, text) in files.iter() {
            let relative = format!("{name}/{relative}");
            let target = sdk_dir.join(&relative);
            if std::fs::read_to_string(&target).is_ok_and(|old| old == *text) {
                continue;
            }
            changed.push((relative, text.as_str()));
        }
    }
    if changed.is_empty() {
        println!("  generated code is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    let staging = sdk_dir.join(STAGING);
    if let Err(e) = stage(&staging, &changed) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let names: Vec<String> = crates.iter().map(|(name, _)| name.clone()).collect();
    commit(sdk_dir, &names)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the files and, last, the marker, each synced to disk so that the
/// marker never stands for files that are not there.
fn stage(staging: &Path, changed: &[(String, &str)]) -> anyhow::Result<()> {
    let files = staging.join(FILES);
    for (relative, text) in changed {
        if !relative.starts_with(DELETE) {
            write_synced(&files.join(relative), text.as_bytes())?;
        }
    }
    let mut marker = String::new();
    for (relative, _) in changed {
        marker.push_str(relative);
        marker.push('\n');
    }
    // Written whole under another name, then renamed: a marker is either
    // complete or absent.
    let partial = staging.join(format!("{MARKER}.partial"));
    write_synced(&partial, marker.as_bytes())?;
    std::fs::rename(&partial, staging.join(MARKER))
        .with_context(|| format!("cannot write the commit marker in {}", staging.display()))?;
    sync_dir(staging)
}

fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))
}

/// Moves every staged file the marker lists into place, then removes the
/// staging directory. Files already moved (by an interrupted run) are
/// skipped, so running it again finishes the job. Returns how many moved.
///
/// The marker is checked whole first ([`journal_line_problem`]): a planted
/// or corrupt journal is refused before anything moves or is deleted.
fn commit(sdk_dir: &Path, crates: &[String]) -> anyhow::Result<usize> {
    let staging = sdk_dir.join(STAGING);
    let marker_path = staging.join(MARKER);
    let marker = std::fs::read_to_string(&marker_path)
        .with_context(|| format!("cannot read {}", marker_path.display()))?;
    let stop_after: Option<usize> = std::env::var(STOP_AFTER_RENAMES)
        .ok()
        .and_then(|n| n.parse().ok());
    let mut moved = 0;
    let mut touched_dirs = std::collections::BTreeSet::new();
    for (number, line) in marker.lines().enumerate() {
        let staged_link = !line.starts_with(DELETE)
            && std::fs::symlink_metadata(staging.join(FILES).join(line))
                .is_ok_and(|m| !m.is_file());
        let problem = journal_line_problem(sdk_dir, crates, line)
            .or_else(|| staged_link.then(|| "is staged as something else than a file".to_string()));
        if let Some(problem) = problem {
            anyhow::bail!(
                "{}:{}: {line:?} {problem}; nothing was moved or deleted: remove {} by hand and run `cargo xtask regen`",
                marker_path.display(),
                number + 1,
                staging.display()
            );
        }
    }
    for line in marker.lines() {
        if let Some(relative) = line.strip_prefix(DELETE) {
            let target = sdk_dir.join(relative);
            if target.exists() {
                std::fs::remove_file(&target)
                    .with_context(|| format!("cannot remove {}", target.display()))?;
                println!("  removed {}", relative_to_root(&target));
                if let Some(parent) = target.parent() {
                    // Gone with its last file; a directory still in use stays.
                    let _ = std::fs::remove_dir(parent);
                    touched_dirs.insert(parent.to_path_buf());
                }
                moved += 1;
                if stop_after == Some(moved) {
                    eprintln!("{STOP_AFTER_RENAMES}={moved}: stopping mid-swap, as a kill would");
                    std::process::exit(3);
                }
            }
            continue;
        }
        let relative = line;
        let staged = staging.join(FILES).join(relative);
        if !staged.exists() {
            continue;
        }
        let target = sdk_dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
            touched_dirs.insert(parent.to_path_buf());
        }
        std::fs::rename(&staged, &target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
        println!("  wrote {}", relative_to_root(&target));
        moved += 1;
        if stop_after == Some(moved) {
            eprintln!("{STOP_AFTER_RENAMES}={moved}: stopping mid-swap, as a kill would");
            std::process::exit(3);
        }
    }
    // The renames must be on disk before the journal that replays them goes.
    for dir in touched_dirs.iter().filter(|d| d.exists()) {
        sync_dir(dir)?;
    }
    std::fs::remove_dir_all(&staging)
        .with_context(|| format!("cannot remove {}", staging.display()))?;
    Ok(moved)
}

/// Why a marker line is not one regen could have written, if it is not.
///
/// A line names a file of one of the generated `crates` (a directory right
/// under `sdk_dir`): to move in, a file render writes
/// ([`codegen::render::is_rendered_file`]); to delete (`-` first), generated
/// code ([`codegen::render::is_generated_code`]), which is all
/// [`obsolete_files`] lists. No component may be `..`, absolute or a
/// symbolic link, so the line cannot reach outside those crates.
fn journal_line_problem(sdk_dir: &Path, crates: &[String], line: &str) -> Option<String> {
    let (deleting, path) = match line.strip_prefix(DELETE) {
        Some(path) => (true, path),
        None => (false, line),
    };
    let plain = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return Some(format!("is not a path inside {}", sdk_dir.display()));
    }
    let (crate_name, relative) = path.split_once('/').unwrap_or((path, ""));
    if !crates.iter().any(|c| c == crate_name) {
        return Some(format!(
            "is not in a generated crate (only {} under {})",
            crates.join(", "),
            sdk_dir.display()
        ));
    }
    let owned = if crate_name == codegen::conformance::TABLES_DIR {
        // The conformance tables beside the fixture crate: written, never
        // deleted.
        !deleting
            && ApiVersion::ALL
                .iter()
                .any(|v| codegen::conformance::table_file(*v) == relative)
    } else if deleting {
        codegen::render::is_generated_code(relative)
    } else {
        codegen::render::is_rendered_file(relative)
    };
    if !owned {
        let what = if deleting {
            "generated code regen may delete"
        } else {
            "a file regen writes"
        };
        return Some(format!("is not {what}"));
    }
    let mut walked = sdk_dir.to_path_buf();
    for part in path.split('/') {
        walked.push(part);
        if std::fs::symlink_metadata(&walked).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(format!(
                "goes through the symbolic link {}",
                walked.display()
            ));
        }
    }
    None
}

/// Files under `crate_dir` that render owns (`is_generated_code`) but did
/// not generate this time, crate-relative with `/` separators, sorted.
fn obsolete_files(crate_dir: &Path, files: &CrateFiles) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<_> = codegen::render::SOURCE_DIRS
        .iter()
        .map(|dir| crate_dir.join(dir))
        .collect();
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
        };
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot list {}", dir.display()))?
                .path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(crate_dir) else {
                continue;
            };
            let relative: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let relative = relative.join("/");
            if codegen::render::is_generated_code(&relative) && !files.contains_key(&relative) {
                out.push(relative);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn relative_to_root(path: &Path) -> String {
    path.strip_prefix(crate::workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn check(crates: &[CrateDir], sdk_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut stale = 0;
    for (name, files) in crates {
        let dir = sdk_dir.join(name);
        for obsolete in obsolete_files(&dir, files)? {
            stale += 1;
            println!(
                "stale: {} is no longer generated",
                relative_to_root(&dir.join(obsolete))
            );
        }
        for (relative, text) in files.iter() {
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
