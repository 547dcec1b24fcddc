//! `cargo xtask regen` end to end on a small fixture spec: it writes the
//! crate, `--check` notices drift, a spec that makes progenitor panic gives
//! an error naming the operation and changes nothing, hand-edited specs and
//! schema alias cycles are refused, recursive schemas generate, and an
//! interrupted write is finished by the next regen.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use codegen::load::Loader;
use codegen::vendor::{Upstream, content_hash};
use codegen::versions::ApiVersion;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/regen")
}

struct Workspace {
    _dir: tempfile::TempDir,
    specs: PathBuf,
    sdk: PathBuf,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let specs = dir.path().join("openapi");
        std::fs::create_dir_all(specs.join("idn")).unwrap();
        for file in ["UPSTREAM.toml", "idn/sailpoint-api.v2025.yaml"] {
            std::fs::copy(fixture().join(file), specs.join(file)).unwrap();
        }
        let sdk = dir.path().join("sdk");
        Workspace {
            _dir: dir,
            specs,
            sdk,
        }
    }

    /// The fixture root as all three versions, each recorded.
    fn all_versions() -> Workspace {
        let ws = Workspace::new();
        let root = std::fs::read_to_string(ws.specs.join("idn/sailpoint-api.v2025.yaml")).unwrap();
        let mut upstream = Upstream::read(&ws.specs).unwrap();
        let record = upstream.versions["v2025"].clone();
        for version in ApiVersion::ALL {
            std::fs::write(ws.specs.join(version.root().as_str()), &root).unwrap();
            let loader = Loader::new(&ws.specs);
            let files = loader.load_reachable(&[version.root()]).unwrap();
            let mut record = record.clone();
            record.root = version.root().to_string();
            record.sha256 = content_hash(&ws.specs, &files).unwrap();
            upstream.versions.insert(version.name().to_string(), record);
        }
        std::fs::write(ws.specs.join("UPSTREAM.toml"), upstream.to_toml()).unwrap();
        ws
    }

    /// `regen` over every version, as `cargo xtask regen` runs it.
    fn regen_all(&self, extra: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["regen", "--spec-dir"])
            .arg(&self.specs)
            .arg("--sdk-dir")
            .arg(&self.sdk)
            .args(extra)
            .output()
            .unwrap()
    }

    /// Every file under the sdk directory, with its bytes, in path order.
    fn tree(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pending = vec![self.sdk.clone()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    out.push((path, bytes));
                }
            }
        }
        out.sort();
        out
    }

    fn regen(&self, extra: &[&str]) -> Output {
        self.command(extra).output().unwrap()
    }

    fn command(&self, extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(["regen", "--version", "v2025", "--spec-dir"])
            .arg(&self.specs)
            .arg("--sdk-dir")
            .arg(&self.sdk)
            .args(extra);
        command
    }

    /// Edits the root and records the new spec hash, as `cargo xtask
    /// vendor` would after taking the edit from upstream.
    fn edit_spec(&self, from: &str, to: &str) {
        self.edit_spec_by_hand(from, to);
        self.record_hash();
    }

    /// Edits the root without touching `UPSTREAM.toml`.
    fn edit_spec_by_hand(&self, from: &str, to: &str) {
        let path = self.specs.join("idn/sailpoint-api.v2025.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "fixture lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// Adds a spec file beside the root (not recorded: call `record_hash`).
    fn add_spec_file(&self, relative: &str, text: &str) {
        let path = self.specs.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Records the hash of what the v2025 root reaches in `UPSTREAM.toml`.
    fn record_hash(&self) {
        let loader = Loader::new(&self.specs);
        let files = loader.load_reachable(&[ApiVersion::V2025.root()]).unwrap();
        let mut upstream = Upstream::read(&self.specs).unwrap();
        let record = upstream.versions.get_mut("v2025").unwrap();
        record.files = files.len();
        record.sha256 = content_hash(&self.specs, &files).unwrap();
        std::fs::write(self.specs.join("UPSTREAM.toml"), upstream.to_toml()).unwrap();
    }

    /// Every file of the v2025 crate, by crate-relative path, sorted.
    fn generated(&self) -> Vec<(String, Vec<u8>)> {
        let dir = self.sdk.join("v2025");
        let mut out = Vec::new();
        let mut pending = vec![dir.clone()];
        while let Some(current) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&current) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let relative = path
                        .strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.push((relative, std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    /// One file of the v2025 crate, empty if absent.
    fn file(&self, relative: &str) -> String {
        std::fs::read_to_string(self.sdk.join("v2025").join(relative)).unwrap_or_default()
    }

    /// All the Rust code of the v2025 crate.
    fn code(&self) -> String {
        self.generated()
            .into_iter()
            .filter(|(path, _)| path.ends_with(".rs"))
            .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
            .collect()
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn regen_writes_deterministic_code_and_check_passes() {
    let ws = Workspace::new();
    let first = ws.regen(&[]);
    assert!(first.status.success(), "{}", text(&first));
    let files = ws.generated();
    for name in [
        "Cargo.toml",
        "NORMALIZATION.md",
        "src/lib.rs",
        "src/generated/client.rs",
        "src/generated/builder.rs",
        "types/Cargo.toml",
        "types/src/lib.rs",
        "types/src/generated/types/mod.rs",
    ] {
        assert!(
            files
                .iter()
                .any(|(path, bytes)| path == name && !bytes.is_empty()),
            "{name} was not written"
        );
    }
    let client = ws.file("src/generated/client.rs");
    assert!(
        client.starts_with("// @generated by `cargo xtask regen`"),
        "{client}"
    );
    assert!(ws.code().contains("fn get_thing"), "{}", ws.code());

    let second = ws.regen(&[]);
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(files, ws.generated(), "two regens gave different bytes");

    let check = ws.regen(&["--check"]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(text(&check).contains("generated code matches the specs"));
}

#[test]
fn check_reports_drift_with_a_diff() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    ws.edit_spec(
        "        name:\n          type: string\n",
        "        name:\n          type: string\n        size:\n          type: integer\n",
    );
    let check = ws.regen(&["--check"]);
    assert!(!check.status.success(), "{}", text(&check));
    let out = text(&check);
    assert!(out.contains("stale: "), "{out}");
    assert!(out.contains("types/src/generated/types/"), "{out}");
    assert!(out.contains("+") && out.contains("size"), "{out}");
}

#[test]
fn a_spec_that_makes_progenitor_panic_names_the_operation_and_changes_nothing() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let before = ws.generated();
    // progenitor asserts that JSON response media types have no `encoding`.
    ws.edit_spec(
        "                $ref: '#/components/schemas/Thing'\n",
        "                $ref: '#/components/schemas/Thing'\n              encoding:\n                name:\n                  contentType: text/plain\n",
    );
    let failed = ws.regen(&[]);
    assert!(!failed.status.success(), "{}", text(&failed));
    let out = text(&failed);
    assert!(out.contains("v2025"), "{out}");
    assert!(
        out.contains("operation `getThing` (GET /things/{id})"),
        "{out}"
    );
    assert!(out.contains("progenitor panicked"), "{out}");
    assert!(!out.contains("stack backtrace"), "{out}");
    assert!(out.contains("nothing under sdk/ was changed"), "{out}");
    assert_eq!(before, ws.generated(), "a failed regen changed files");
}

#[test]
fn a_hand_edited_spec_fails_regen_and_check_naming_both_hashes() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let before = ws.generated();
    let recorded = Upstream::read(&ws.specs).unwrap().versions["v2025"]
        .sha256
        .clone();
    ws.edit_spec_by_hand("title: Regen fixture", "title: Edited fixture");
    let mut outputs = Vec::new();
    for extra in [&[][..], &["--check"][..]] {
        let failed = ws.regen(extra);
        let out = text(&failed);
        assert_eq!(failed.status.code(), Some(1), "{out}");
        assert!(out.contains("v2025: the specs under "), "{out}");
        assert!(
            out.contains(&format!("UPSTREAM.toml records {recorded}")),
            "{out}"
        );
        assert!(out.contains("run `cargo xtask vendor`"), "{out}");
        assert!(out.contains("or revert the edit"), "{out}");
        outputs.push(out);
    }
    assert_eq!(before, ws.generated(), "a refused regen changed files");
    // The hash it names as the actual one is what vendoring records.
    ws.record_hash();
    let actual = &Upstream::read(&ws.specs).unwrap().versions["v2025"].sha256;
    assert_ne!(actual, &recorded);
    for out in outputs {
        assert!(out.contains(&format!("hash to {actual}, but")), "{out}");
    }
    assert!(ws.regen(&[]).status.success());
}

const NODE_RESPONSE: (&str, &str) = (
    "                $ref: '#/components/schemas/Thing'\n",
    "                $ref: '#/components/schemas/Node'\n",
);

#[test]
fn recursive_schemas_generate() {
    let ws = Workspace::new();
    ws.add_spec_file(
        "idn/v2025/schemas/Node.yaml",
        "type: object\nproperties:\n  children:\n    type: array\n    items:\n      $ref: ./Node.yaml\n  parent:\n    $ref: ./Node.yaml\n  byName:\n    type: object\n    additionalProperties:\n      $ref: ./Node.yaml\n",
    );
    ws.edit_spec_by_hand(NODE_RESPONSE.0, NODE_RESPONSE.1);
    ws.edit_spec(
        "components:\n  schemas:\n",
        "components:\n  schemas:\n    Node:\n      $ref: './v2025/schemas/Node.yaml'\n",
    );
    let out = ws.regen(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let types = ws.code();
    assert!(types.contains("pub struct Node"), "{types}");
    assert!(types.contains("Vec<Node>"), "{types}");
}

#[test]
fn a_schema_alias_cycle_is_an_error_naming_its_files_not_a_crash() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let before = ws.generated();
    ws.add_spec_file("idn/v2025/schemas/A.yaml", "$ref: ./B.yaml\n");
    ws.add_spec_file("idn/v2025/schemas/B.yaml", "allOf:\n  - $ref: ./A.yaml\n");
    ws.edit_spec(
        NODE_RESPONSE.0,
        "                $ref: './v2025/schemas/A.yaml'\n",
    );
    let failed = ws.regen(&[]);
    let out = text(&failed);
    // Before, this generated `struct A(B)` and `struct B(Box<A>)`, which
    // overflow the stack on their first decode (the issue also reports
    // shapes that overflow typify itself, exit 134). Now: a plain error.
    assert_eq!(failed.status.code(), Some(1), "{out}");
    assert!(
        out.contains("v2025: schema alias cycle: idn/v2025/schemas/A.yaml -> idn/v2025/schemas/B.yaml -> idn/v2025/schemas/A.yaml"),
        "{out}"
    );
    assert!(out.contains("nothing under sdk/ was changed"), "{out}");
    assert_eq!(before, ws.generated());
}

const ADD_SIZE: (&str, &str) = (
    "        name:\n          type: string\n",
    "        name:\n          type: string\n        size:\n          type: integer\n",
);

#[test]
fn an_interrupted_swap_fails_check_and_the_next_regen_finishes_it() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let before = ws.generated();
    // Changes the types and, through the spec hash, Cargo.toml.
    ws.edit_spec(ADD_SIZE.0, ADD_SIZE.1);
    let killed = ws
        .command(&[])
        .env("XTASK_REGEN_STOP_AFTER_RENAMES", "1")
        .output()
        .unwrap();
    assert_eq!(killed.status.code(), Some(3), "{}", text(&killed));
    let staging = ws.sdk.join(".regen-staging");
    assert!(staging.join("COMMIT").is_file());
    let half: Vec<bool> = before
        .iter()
        .zip(ws.generated())
        .map(|(old, now)| *old == now)
        .collect();
    assert_eq!(
        half.iter().filter(|same| !**same).count(),
        1,
        "one file moved in"
    );

    let check = ws.regen(&["--check"]);
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(
        out.contains("an earlier regen was interrupted while moving files into place"),
        "{out}"
    );
    assert!(
        out.contains("run `cargo xtask regen` to finish it"),
        "{out}"
    );
    assert!(staging.exists(), "--check changed the staging directory");

    let finish = ws.regen(&[]);
    let out = text(&finish);
    assert!(finish.status.success(), "{out}");
    assert!(
        out.contains("finished an interrupted regen: moved the "),
        "{out}"
    );
    // Rolling forward alone brought every file up to date.
    assert!(out.contains("generated code is up to date"), "{out}");
    assert!(!staging.exists());
    assert!(ws.regen(&["--check"]).status.success());
}

#[test]
fn a_staging_directory_without_marker_is_discarded_untouched() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let before = ws.generated();
    let staged = ws
        .sdk
        .join(".regen-staging/files/v2025/types/src/generated/types/mod.rs");
    std::fs::create_dir_all(staged.parent().unwrap()).unwrap();
    std::fs::write(&staged, "half written").unwrap();
    let check = ws.regen(&["--check"]);
    let out = text(&check);
    assert!(check.status.success(), "{out}");
    assert!(
        out.contains("stopped before its commit marker, so no file under"),
        "{out}"
    );
    assert!(!ws.sdk.join(".regen-staging").exists());
    assert_eq!(before, ws.generated());
}

#[test]
fn stray_temporary_files_of_the_old_scheme_are_removed() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let stray = ws.sdk.join("v2025/src/generated_types.regen-tmp");
    std::fs::write(&stray, "old").unwrap();
    let out = ws.regen(&[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("removed stray "), "{}", text(&out));
    assert!(text(&out).contains("generated_types.regen-tmp"));
    assert!(!stray.exists());
}

#[test]
fn a_marker_naming_a_path_outside_the_sdk_directory_is_refused() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let staging = ws.sdk.join(".regen-staging");
    std::fs::create_dir_all(staging.join("files")).unwrap();
    std::fs::write(staging.join("COMMIT"), "v2025/Cargo.toml\n../outside\n").unwrap();
    let failed = ws.regen(&[]);
    let out = text(&failed);
    assert!(!failed.status.success(), "{out}");
    assert!(
        out.contains("COMMIT:2: \"../outside\" is not a path inside"),
        "{out}"
    );
}

/// A planted or corrupt journal may name only files regen itself writes in
/// the generated crates: a hand-written crate beside them (the runtime), a
/// hand-written file, a path out of the sdk directory or through a link is
/// refused when the journal is read, and nothing is deleted or replaced.
#[test]
fn a_journal_naming_files_regen_does_not_own_is_refused_and_deletes_nothing() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let runtime_lib = ws.sdk.join("runtime/src/lib.rs");
    std::fs::create_dir_all(runtime_lib.parent().unwrap()).unwrap();
    std::fs::write(&runtime_lib, "// hand-written\n").unwrap();
    std::fs::write(ws.sdk.join("v2025/src/hand_written.rs"), "// mine\n").unwrap();
    let outside = ws.sdk.parent().unwrap().join("x");
    std::fs::write(&outside, "outside\n").unwrap();
    std::os::unix::fs::symlink(
        ws.sdk.join("runtime"),
        ws.sdk.join("v2025/src/generated/linked"),
    )
    .unwrap();
    let before = ws.tree();
    let generated_file = "v2025/src/generated/client.rs";

    let planted = [
        (
            "-runtime/src/lib.rs",
            "is not in a generated crate (only beta, v2024, v2025 under",
        ),
        ("runtime/src/lib.rs", "is not in a generated crate"),
        ("-../x", "is not a path inside"),
        ("../x", "is not a path inside"),
        ("-/etc/passwd", "is not a path inside"),
        (
            "-v2025/src/lib.rs",
            "is not generated code regen may delete",
        ),
        (
            "-v2025/src/hand_written.rs",
            "is not generated code regen may delete",
        ),
        ("v2025/src/hand_written.rs", "is not a file regen writes"),
        (
            "-v2025/src/generated/linked/src/lib.rs",
            "goes through the symbolic link",
        ),
    ];
    for (line, expected) in planted {
        let staging = ws.sdk.join(".regen-staging");
        let staged = staging.join("files").join(line.trim_start_matches('-'));
        if !line.starts_with('-') && !line.contains("..") {
            std::fs::create_dir_all(staged.parent().unwrap()).unwrap();
            std::fs::write(&staged, "planted\n").unwrap();
        }
        std::fs::create_dir_all(&staging).unwrap();
        // A legitimate line first: the check is over the whole journal
        // before the first move or deletion.
        std::fs::write(
            staging.join("COMMIT"),
            format!("-{generated_file}\n{line}\n"),
        )
        .unwrap();
        for extra in [&[][..], &["--check"][..]] {
            let failed = ws.regen(extra);
            let out = text(&failed);
            assert!(!failed.status.success(), "{line} {extra:?}: {out}");
            if extra.is_empty() {
                assert!(
                    out.contains(&format!("COMMIT:2: {line:?} {expected}")),
                    "{line}: {out}"
                );
                assert!(
                    out.contains("nothing was moved or deleted"),
                    "{line}: {out}"
                );
            }
        }
        let mut after = ws.tree();
        after.retain(|(path, _)| !path.starts_with(&staging));
        assert_eq!(before, after, "{line}: the journal changed files");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside\n");
        std::fs::remove_dir_all(&staging).unwrap();
    }
    // Once the planted journal is gone, regen works again.
    std::fs::remove_file(ws.sdk.join("v2025/src/generated/linked")).unwrap();
    let ok = ws.regen(&[]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert_eq!(
        std::fs::read_to_string(&runtime_lib).unwrap(),
        "// hand-written\n"
    );
}

#[test]
fn versions_generated_in_parallel_come_out_in_order_and_byte_for_byte_the_same() {
    let ws = Workspace::all_versions();
    let first = ws.regen_all(&[]);
    assert!(first.status.success(), "{}", text(&first));
    let tree = ws.tree();
    // Manifest, report, lib.rs, client, builder, one tag, the two licence
    // texts; the types crate's manifest, lib.rs, `mod.rs`, one initial's
    // types and struct builders, and its two licence texts; the mock
    // crate's manifest, lib.rs, one tag and two licence texts.
    assert_eq!(tree.len(), 60, "twenty files for each of three versions");
    let stderr = String::from_utf8_lossy(&first.stderr).to_string();
    let order: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(v, _)| v))
        .filter(|v| ["beta", "v2024", "v2025"].contains(v))
        .collect();
    assert_eq!(order, ["beta", "v2024", "v2025"], "{stderr}");

    std::fs::remove_dir_all(&ws.sdk).unwrap();
    let second = ws.regen_all(&[]);
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(tree, ws.tree(), "two parallel regens gave different bytes");
    let wrote = |o: &Output| -> Vec<String> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.contains("wrote "))
            .map(String::from)
            .collect()
    };
    assert_eq!(wrote(&first).len(), tree.len());
    assert_eq!(
        wrote(&first),
        wrote(&second),
        "files written in another order"
    );
    assert!(ws.regen_all(&["--check"]).status.success());
}

#[test]
fn generated_files_no_longer_written_are_stale_and_removed_and_hand_written_ones_stay() {
    let ws = Workspace::new();
    assert!(ws.regen(&[]).status.success());
    let crate_dir = ws.sdk.join("v2025");
    let old_layout = crate_dir.join("src/generated_types.rs");
    let gone_tag = crate_dir.join("src/generated/tags/gone.rs");
    let hand_written = crate_dir.join("src/extra.rs");
    for path in [&old_layout, &gone_tag, &hand_written] {
        std::fs::write(path, "// old").unwrap();
    }
    let check = ws.regen(&["--check"]);
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(
        out.contains("src/generated_types.rs is no longer generated"),
        "{out}"
    );
    assert!(
        out.contains("src/generated/tags/gone.rs is no longer generated"),
        "{out}"
    );
    assert!(!out.contains("extra.rs"), "{out}");
    assert!(
        old_layout.exists() && gone_tag.exists(),
        "--check removed files"
    );

    // A kill after the first step leaves the journal; the next regen
    // finishes the deletions.
    let killed = ws
        .command(&[])
        .env("XTASK_REGEN_STOP_AFTER_RENAMES", "1")
        .output()
        .unwrap();
    assert_eq!(killed.status.code(), Some(3), "{}", text(&killed));
    assert!(
        gone_tag.exists() != old_layout.exists(),
        "one of two deletions done"
    );
    let finish = ws.regen(&[]);
    assert!(finish.status.success(), "{}", text(&finish));
    assert!(!old_layout.exists() && !gone_tag.exists());
    assert!(
        hand_written.exists(),
        "a file regen does not own was removed"
    );
    assert!(ws.regen(&["--check"]).status.success());
}
