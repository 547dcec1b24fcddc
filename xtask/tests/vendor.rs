//! `cargo xtask vendor` on a throwaway upstream git repository: it copies
//! only what the roots reach, reports what changed between revisions,
//! leaves the vendored directory alone when the new revision is broken, and
//! refuses symbolic links and revisions git would read as options.

use std::path::Path;
use std::process::{Command, Output};

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn write(repo: &Path, file: &str, text: &str) {
    let path = repo.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn root(version: &str, schema_ref: &str) -> String {
    format!(
        "openapi: 3.0.1\ninfo: {{title: t, version: {version}}}\npaths:\n  /things:\n    $ref: ./{version}/paths/things.yaml\ncomponents:\n  schemas:\n    Thing:\n      $ref: {schema_ref}\n"
    )
}

/// An upstream with the three roots; each reaches a path file and a schema.
fn upstream(dir: &Path) {
    git(dir, &["init", "-q"]);
    write(dir, "LICENSE", "MIT\n");
    for version in ["beta", "v2024", "v2025"] {
        write(
            dir,
            &format!("idn/sailpoint-api.{version}.yaml"),
            &root(version, &format!("./{version}/schemas/Thing.yaml")),
        );
        write(
            dir,
            &format!("idn/{version}/paths/things.yaml"),
            "get:\n  operationId: listThings\n  responses:\n    '200':\n      description: ok\n",
        );
        write(
            dir,
            &format!("idn/{version}/schemas/Thing.yaml"),
            "type: object\n",
        );
    }
    write(dir, "idn/v2025/schemas/Unreached.yaml", "type: string\n");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "first"]);
}

fn vendor(from: &Path, into: &Path, rev: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("vendor")
        .arg("--from")
        .arg(from)
        .arg("--into")
        .arg(into);
    if let Some(rev) = rev {
        command.args(["--rev", rev]);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn vendors_what_the_roots_reach_and_reports_changes_between_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("api-specs");
    let into = dir.path().join("openapi");
    std::fs::create_dir_all(&repo).unwrap();
    upstream(&repo);

    let first = vendor(&repo, &into, None);
    assert!(first.status.success(), "{}", text(&first));
    assert!(into.join("idn/v2025/schemas/Thing.yaml").is_file());
    assert!(into.join("LICENSE").is_file());
    assert!(
        !into.join("idn/v2025/schemas/Unreached.yaml").exists(),
        "vendored a file no root reaches"
    );
    let record = std::fs::read_to_string(into.join("UPSTREAM.toml")).unwrap();
    assert!(
        record.contains("[versions.v2025]") && record.contains("files = 3"),
        "{record}"
    );

    // Second revision: v2025 moves its schema and edits the path file.
    write(
        &repo,
        "idn/sailpoint-api.v2025.yaml",
        &root("v2025", "./v2025/schemas/Renamed.yaml"),
    );
    write(&repo, "idn/v2025/schemas/Renamed.yaml", "type: object\n");
    write(
        &repo,
        "idn/v2025/paths/things.yaml",
        "get:\n  operationId: listThings\n  responses:\n    '204':\n      description: none\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "second"]);
    let second = vendor(&repo, &into, Some("HEAD"));
    let out = text(&second);
    assert!(second.status.success(), "{out}");
    assert!(
        out.contains("v2025: 1 added, 1 removed, 2 changed"),
        "{out}"
    );
    assert!(out.contains("+ idn/v2025/schemas/Renamed.yaml"), "{out}");
    assert!(out.contains("- idn/v2025/schemas/Thing.yaml"), "{out}");
    assert!(out.contains("beta: 0 added, 0 removed, 0 changed"), "{out}");
    assert!(!into.join("idn/v2025/schemas/Thing.yaml").exists());
}

#[test]
fn a_broken_revision_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("api-specs");
    let into = dir.path().join("openapi");
    std::fs::create_dir_all(&repo).unwrap();
    upstream(&repo);
    assert!(vendor(&repo, &into, None).status.success());
    let before = std::fs::read_to_string(into.join("UPSTREAM.toml")).unwrap();

    write(
        &repo,
        "idn/sailpoint-api.v2024.yaml",
        &root("v2024", "./v2024/schemas/Missing.yaml"),
    );
    git(&repo, &["commit", "-qam", "broken"]);
    let failed = vendor(&repo, &into, Some("HEAD"));
    let out = text(&failed);
    assert!(!failed.status.success(), "{out}");
    assert!(out.contains("idn/v2024/schemas/Missing.yaml"), "{out}");
    assert!(
        out.contains("idn/sailpoint-api.v2024.yaml#/components/schemas/Thing/$ref"),
        "{out}"
    );
    assert_eq!(
        before,
        std::fs::read_to_string(into.join("UPSTREAM.toml")).unwrap()
    );
    assert!(into.join("idn/v2024/schemas/Thing.yaml").is_file());
}

#[test]
fn a_symbolic_link_in_the_upstream_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("api-specs");
    let into = dir.path().join("openapi");
    std::fs::create_dir_all(&repo).unwrap();
    upstream(&repo);
    std::fs::write(dir.path().join("secret.yaml"), "type: object\n").unwrap();
    // No $ref reaches this one: the tree scan refuses it.
    let link = repo.join("idn/v2025/schemas/Unreached.yaml");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("../../../../secret.yaml", &link).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "link"]);

    // From the checkout as it is, and exported from git with --rev.
    for rev in [None, Some("HEAD")] {
        let failed = vendor(&repo, &into, rev);
        let out = text(&failed);
        assert!(!failed.status.success(), "{out}");
        assert!(
            out.contains("upstream idn/v2025/schemas/Unreached.yaml is a symbolic link (to ../../../../secret.yaml); refusing"),
            "{out}"
        );
        assert!(!into.exists(), "vendored through a link");
    }
}

/// A `$ref` that reaches a file through a symbolic link, wherever the link
/// stands (a file outside `idn/`, a file or a directory inside it), is
/// refused from a checkout, from a checkout with `--rev`, and from a bare
/// git directory, with the error naming the file and the `$ref`.
#[test]
fn a_ref_through_a_symbolic_link_is_refused_in_every_mode() {
    // (the $ref in Thing.yaml, the link, where it points, the file reached)
    let cases = [
        (
            "../../../Leak.yaml",
            "Leak.yaml",
            "../Leak.yaml",
            "Leak.yaml",
        ),
        (
            "./Leak.yaml",
            "idn/v2025/schemas/Leak.yaml",
            "../../../../Leak.yaml",
            "idn/v2025/schemas/Leak.yaml",
        ),
        (
            "../shared/Leak.yaml",
            "idn/v2025/shared",
            "../../../outside",
            "idn/v2025/shared/Leak.yaml",
        ),
    ];
    for (reference, link, to, reached) in cases {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("api-specs");
        let into = dir.path().join("openapi");
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        let leak = "type: object\ndescription: LEAKED-OUTSIDE-FILE\n";
        std::fs::write(dir.path().join("Leak.yaml"), leak).unwrap();
        std::fs::write(dir.path().join("outside/Leak.yaml"), leak).unwrap();
        upstream(&repo);
        write(
            &repo,
            "idn/v2025/schemas/Thing.yaml",
            &format!("type: object\nproperties:\n  leak:\n    $ref: {reference}\n"),
        );
        std::os::unix::fs::symlink(to, repo.join(link)).unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-qm", "link"]);
        let bare = dir.path().join("bare.git");
        git(
            dir.path(),
            &["clone", "-q", "--bare", repo.to_str().unwrap(), "bare.git"],
        );

        let site = "referenced from idn/v2025/schemas/Thing.yaml#/properties/leak/$ref";
        for (from, rev) in [(&repo, None), (&repo, Some("HEAD")), (&bare, None)] {
            let failed = vendor(from, &into, rev);
            let out = text(&failed);
            let mode = format!("{reference} from {} rev {rev:?}", from.display());
            assert!(!failed.status.success(), "{mode}: {out}");
            assert!(out.contains(site), "{mode}: {out}");
            assert!(out.contains(reached), "{mode}: {out}");
            // `git archive` exports only `idn/` and `LICENSE`: a file outside
            // them is missing there rather than linked.
            let exported_without_it = rev.is_some() || from == &bare;
            if !exported_without_it || link.starts_with("idn/") {
                assert!(
                    out.contains(&format!(
                        "refusing {reached} ({site}): {link} is a symbolic link (to {to})"
                    )),
                    "{mode}: {out}"
                );
            }
            assert!(!into.exists(), "{mode}: vendored through a link");
        }
    }
}

#[test]
fn a_revision_that_git_would_read_as_an_option_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("api-specs");
    let into = dir.path().join("openapi");
    std::fs::create_dir_all(&repo).unwrap();
    upstream(&repo);
    for rev in ["--output=x", "-p", "HEAD x", "HEAD..main", "HEAD:idn", ""] {
        let failed = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(dir.path())
            .arg("vendor")
            .arg("--from")
            .arg(&repo)
            .arg("--into")
            .arg(&into)
            .arg(format!("--rev={rev}"))
            .output()
            .unwrap();
        let out = text(&failed);
        assert!(!failed.status.success(), "{rev}: {out}");
        assert!(
            out.contains(&format!(
                "--rev {rev:?} is not a commit-ish this command accepts"
            )),
            "{out}"
        );
        assert!(!dir.path().join("x").exists(), "git wrote --output");
        assert!(!into.exists());
    }
    // A plain revision still works.
    let ok = vendor(&repo, &into, Some("HEAD"));
    assert!(ok.status.success(), "{}", text(&ok));
}
