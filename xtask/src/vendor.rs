//! `cargo xtask vendor --from <api-specs checkout or bare git dir> [--rev <commit>]`
//!
//! Copies what each version's root reaches from an upstream revision into
//! `openapi/`, records provenance in `openapi/UPSTREAM.toml`, and prints what
//! changed per version. Everything is staged first: if any step fails,
//! `openapi/` is left as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, bail};
use codegen::load::SpecPath;
use codegen::vendor::{LICENSE_FILE, Reach, UPSTREAM_FILE, Upstream};

#[derive(clap::Args)]
pub struct Args {
    /// An api-specs checkout, or a bare git directory of it.
    #[arg(long)]
    from: PathBuf,
    /// The upstream commit to take (default: the checkout as it is on disk,
    /// or HEAD of a bare directory).
    #[arg(long)]
    rev: Option<String>,
    /// The upstream repository recorded in `UPSTREAM.toml`.
    #[arg(long, default_value = "sailpoint-oss/api-specs")]
    repository: String,
    /// Vendor into this directory instead of `openapi/` (for tests).
    #[arg(long, hide = true)]
    into: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(rev) = &args.rev {
        check_rev(rev)?;
    }
    let spec_dir = args.into.unwrap_or_else(crate::spec_dir);
    // Beside the target, so that the final rename stays on one filesystem.
    let parent = spec_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(crate::workspace_root);
    let scratch = tempfile::Builder::new()
        .prefix(".vendor-")
        .tempdir_in(&parent)
        .context("cannot create a scratch directory in the workspace")?;

    let source = Source::open(&args.from, args.rev.as_deref(), scratch.path())?;
    // Following the $refs first: the loader refuses a file reached through a
    // link anywhere (inside `idn/` or not) and names the `$ref`; the tree
    // scan then refuses links no `$ref` reaches, and `LICENSE`.
    let reach = Reach::scan(&source.dir)
        .with_context(|| format!("while following $refs in {}", source.dir.display()))?;
    refuse_symlinks(&source.dir)?;
    if !source.dir.join(LICENSE_FILE).is_file() {
        bail!("{} has no {LICENSE_FILE}", source.dir.display());
    }

    let staging = scratch.path().join("openapi");
    for file in reach
        .all_files()
        .iter()
        .map(SpecPath::as_str)
        .chain([LICENSE_FILE])
    {
        let to = staging.join(file);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(source.dir.join(file), &to).with_context(|| format!("cannot copy {file}"))?;
    }
    let upstream = Upstream {
        repository: args.repository,
        commit: source.commit,
        commit_date: source.commit_date,
        versions: reach.records(&staging)?,
    };
    std::fs::write(staging.join(UPSTREAM_FILE), upstream.to_toml())?;

    report_changes(&spec_dir, &staging, &reach);

    // Swap the staged tree in; the old one is removed with the scratch dir.
    if spec_dir.exists() {
        std::fs::rename(&spec_dir, scratch.path().join("previous"))
            .context("cannot move the old openapi/ aside")?;
    }
    if let Err(e) = std::fs::rename(&staging, &spec_dir) {
        let _ = std::fs::rename(scratch.path().join("previous"), &spec_dir);
        return Err(e).context("cannot move the new openapi/ in place");
    }
    println!(
        "vendored {} at {} ({}) into {}",
        upstream.repository,
        upstream.commit,
        upstream.commit_date,
        spec_dir.display()
    );
    for (name, v) in &upstream.versions {
        println!("  {name}: {} files reached from {}", v.files, v.root);
    }
    Ok(ExitCode::SUCCESS)
}

/// Accepts only a plain commit-ish (hash, tag, branch): `--rev` goes on
/// git's command line, where a value starting with `-` would be an option.
pub(crate) fn check_rev(rev: &str) -> anyhow::Result<()> {
    // Commit hashes, tags, branches and the suffixes git's revision syntax
    // puts after them (`HEAD~1`, `main^2`, `main@{1}`, `v1^{commit}`); no
    // range (`a..b`), path (`rev:file`) or space, and never an option.
    let plain = rev.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '_' | '/' | '-' | '~' | '^' | '@' | '{' | '}')
    });
    if rev.is_empty() || rev.starts_with('-') || !plain || rev.contains("..") {
        bail!(
            "--rev {rev:?} is not a commit-ish this command accepts: give a commit hash, tag or branch name, optionally followed by `~N`, `^N` or `@{{N}}`, made of letters, digits and `._/-~^@{{}}`, not starting with `-`"
        );
    }
    Ok(())
}

/// Refuses any symbolic link under the upstream `idn/` (or as `LICENSE`):
/// following one could copy files from outside the upstream tree into
/// `openapi/`.
pub(crate) fn refuse_symlinks(source: &Path) -> anyhow::Result<()> {
    let mut pending = vec![source.join("idn"), source.join(LICENSE_FILE)];
    while let Some(path) = pending.pop() {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            // A missing file is reported later, by what needs it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot inspect {}", path.display())),
        };
        let name = path.strip_prefix(source).unwrap_or(&path).display();
        if meta.file_type().is_symlink() {
            let to = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            bail!(
                "upstream {name} is a symbolic link (to {to}); refusing to follow links out of the upstream tree"
            );
        }
        if meta.is_dir() {
            for entry in
                std::fs::read_dir(&path).with_context(|| format!("cannot list upstream {name}"))?
            {
                pending.push(entry?.path());
            }
        }
    }
    Ok(())
}

pub(crate) struct Source {
    pub(crate) dir: PathBuf,
    pub(crate) commit: String,
    pub(crate) commit_date: String,
}

impl Source {
    /// A checkout is used in place; a bare directory, or any `--rev`, is
    /// exported with `git archive` into `scratch`.
    pub(crate) fn open(from: &Path, rev: Option<&str>, scratch: &Path) -> anyhow::Result<Source> {
        let git_dir = if from.join(".git").exists() {
            from.join(".git")
        } else {
            from.to_path_buf()
        };
        let is_checkout = from.join("idn").is_dir();
        let rev_name = rev.unwrap_or("HEAD");
        let commit = git(&git_dir, &["rev-parse", &format!("{rev_name}^{{commit}}")])
            .with_context(|| {
                format!(
                    "{} is not a git repository with revision {rev_name}",
                    from.display()
                )
            })?;
        let commit_date = git(&git_dir, &["log", "-1", "--format=%cI", &commit])?;
        if is_checkout && rev.is_none() {
            return Ok(Source {
                dir: from.to_path_buf(),
                commit,
                commit_date,
            });
        }
        let dir = scratch.join("upstream");
        std::fs::create_dir_all(&dir)?;
        let mut archive = Command::new("git")
            .arg("--git-dir")
            .arg(&git_dir)
            .args(["archive", "--format=tar", &commit, "idn", LICENSE_FILE])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run git archive")?;
        let stdout = archive.stdout.take().context("git archive has no stdout")?;
        let untar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&dir)
            .stdin(stdout)
            .status()
            .context("cannot run tar")?;
        let archived = archive.wait_with_output()?;
        if !archived.status.success() || !untar.success() {
            bail!(
                "exporting {commit} from {} failed: {}",
                git_dir.display(),
                String::from_utf8_lossy(&archived.stderr).trim()
            );
        }
        Ok(Source {
            dir,
            commit,
            commit_date,
        })
    }
}

fn git(git_dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .output()?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Prints, per version, the files added, removed and changed against what
/// `openapi/` holds now.
fn report_changes(old_dir: &Path, new_dir: &Path, new: &Reach) {
    let old = if old_dir.exists() {
        Reach::scan(old_dir).ok()
    } else {
        None
    };
    for (version, new_files) in &new.per_version {
        let empty = BTreeSet::new();
        let old_files = old
            .as_ref()
            .and_then(|o| o.per_version.get(version))
            .unwrap_or(&empty);
        let added: Vec<_> = new_files.difference(old_files).collect();
        let removed: Vec<_> = old_files.difference(new_files).collect();
        let changed: Vec<_> = new_files
            .intersection(old_files)
            .filter(|f| {
                std::fs::read(old_dir.join(f.as_str())).ok()
                    != std::fs::read(new_dir.join(f.as_str())).ok()
            })
            .collect();
        println!(
            "{version}: {} added, {} removed, {} changed ({} files)",
            added.len(),
            removed.len(),
            changed.len(),
            new_files.len()
        );
        for (mark, list) in [("+", &added), ("-", &removed), ("~", &changed)] {
            for f in list.iter() {
                println!("  {mark} {f}");
            }
        }
    }
}
