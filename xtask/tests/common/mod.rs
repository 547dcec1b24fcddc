//! Support shared by the xtask tests that build git repositories from the
//! drift fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/drift")
        .join(name)
}

pub fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        // Fixed dates: the same fixture always makes the same commit.
        .env("GIT_AUTHOR_DATE", "2026-06-15T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-06-15T00:00:00Z")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
