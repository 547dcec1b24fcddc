//! `cargo xtask release --dry-run` end to end on a throwaway git repository
//! (the hidden `--repo`): a release tagged with the v2024 extract of
//! faea6780 (`fixtures/drift/real/old`), then the vendored specs moved to
//! acb717af (`real/new`), which renames an operation and removes enum
//! values (see tests/drift.rs). Manifests only, no crate code: packaging
//! and cargo-semver-checks are left out (`--no-package
//! --no-semver-checks`); what is tested is the plan, the order and the
//! changelog.

mod common;

use common::{copy_dir, fixture, git};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn manifest(name: &str, version: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\n\n[features]\nnotifications = []\n"
    )
}

/// The repository: `release-2026-03-01` tags the old specs, HEAD has the
/// new ones; the runtime is the same in both.
fn repository(dir: &Path) -> PathBuf {
    let repo = dir.join("sdk-repo");
    copy_dir(&fixture("real/old"), &repo.join("openapi"));
    write(
        &repo.join("sdk/runtime/Cargo.toml"),
        &manifest("sailpoint-runtime", "0.1.0"),
    );
    write(
        &repo.join("sdk/mock/Cargo.toml"),
        &manifest("sailpoint-mock", "0.1.0"),
    );
    for (dir, name) in [
        ("sdk/v2024", "sailpoint-v2024"),
        ("sdk/v2024/types", "sailpoint-v2024-types"),
        ("sdk/v2024/mock", "sailpoint-v2024-mock"),
    ] {
        write(
            &repo.join(dir).join("Cargo.toml"),
            &manifest(name, "0.1.0+spec.2026-03-01"),
        );
    }
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "release"]);
    git(&repo, &["tag", "release-2026-03-01"]);

    std::fs::remove_dir_all(repo.join("openapi")).unwrap();
    copy_dir(&fixture("real/new"), &repo.join("openapi"));
    write(
        &repo.join("openapi/UPSTREAM.toml"),
        "repository = \"sailpoint-oss/api-specs\"\n\
         commit = \"acb717af0000000000000000000000000000beef\"\n\
         commit_date = \"2026-06-15T08:00:00Z\"\n\n\
         [versions.v2024]\nroot = \"idn/sailpoint-api.v2024.yaml\"\nfiles = 31\nsha256 = \"new\"\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "vendor acb717af"]);
    repo
}

fn release(repo: &Path, extra: &[&str]) -> Output {
    release_on(repo, "2026-12-07", extra)
}

fn release_on(repo: &Path, date: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["release", "--dry-run", "--no-package", "--no-semver-checks"])
        .args(["--date", date, "--repo"])
        .arg(repo)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn spec_drift_since_the_tag_proposes_versions_order_and_changelog() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let out = release(&repo, &["--write-changelog"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");

    // Breaking drift in v2024: 0.1.0 -> 0.2.0, with the new spec date;
    // the unchanged runtime and mock support are not published again;
    // types before client before mocks.
    let order: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("== proposed versions"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        order,
        [
            "1. sailpoint-runtime 0.1.0 -> 0.1.0 (not published: unchanged): unchanged",
            "2. sailpoint-mock 0.1.0 -> 0.1.0 (not published: unchanged): unchanged",
            "3. sailpoint-v2024-types 0.1.0+spec.2026-03-01 -> 0.2.0+spec.2026-06-15: 7 breaking spec changes (drift)",
            "4. sailpoint-v2024 0.1.0+spec.2026-03-01 -> 0.2.0+spec.2026-06-15: 7 breaking spec changes (drift)",
            "5. sailpoint-v2024-mock 0.1.0+spec.2026-03-01 -> 0.2.0+spec.2026-06-15: 7 breaking spec changes (drift)",
        ],
        "{stdout}"
    );

    let changelog = std::fs::read_to_string(repo.join("CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(
        changelog.contains("\n## 2026-12-07: spec `acb717af0000` (2026-06-15)\n"),
        "{changelog}"
    );
    assert!(
        changelog.contains("| sailpoint-v2024 | `0.2.0+spec.2026-06-15` | 0.1.0+spec.2026-03-01 |"),
        "{changelog}"
    );
    assert!(
        changelog.contains("| sailpoint-runtime | (not published) | 0.1.0 |"),
        "{changelog}"
    );
    // The drift report, headings two levels down, breaking first.
    assert!(
        changelog.contains("### Spec changes (drift): 7 breaking, 7 compatible\n"),
        "{changelog}"
    );
    let breaking = changelog.find("\n##### Breaking\n").expect(&changelog);
    let compatible = changelog.find("\n##### Compatible\n").expect(&changelog);
    assert!(breaking < compatible);
    assert!(
        changelog.contains("getNotificationPreferences"),
        "{changelog}"
    );

    // A second run adds its entry above the first.
    let again = release_on(&repo, "2026-12-08", &["--write-changelog"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let changelog = std::fs::read_to_string(repo.join("CHANGELOG.md")).unwrap();
    let newer = changelog.find("## 2026-12-08").unwrap();
    let older = changelog.find("## 2026-12-07").unwrap();
    assert!(newer < older, "{changelog}");
}

#[test]
fn a_declared_breaking_runtime_raises_every_crate() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    // Since HEAD: no drift, no change, but the runtime declared breaking.
    let out = release(&repo, &["--since", "HEAD", "--breaking", "runtime"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("1. sailpoint-runtime 0.1.0 -> 0.2.0: declared breaking"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2. sailpoint-mock 0.1.0 -> 0.2.0: declared breaking"),
        "{stdout}"
    );
    assert!(
        stdout.contains("4. sailpoint-v2024 0.1.0+spec.2026-03-01 -> 0.2.0+spec.2026-06-15: the runtime's breaking release"),
        "{stdout}"
    );
    assert!(
        stdout.contains("### Spec changes (drift): 0 breaking, 0 compatible"),
        "{stdout}"
    );
}

#[test]
fn without_a_tag_or_dry_run_it_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    git(&repo, &["tag", "-d", "release-2026-03-01"]);
    let out = release(&repo, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--since"), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["release", "--since", "HEAD", "--repo"])
        .arg(&repo)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("only --dry-run"), "{stderr}");
    assert!(!repo.join("CHANGELOG.md").exists());
}
