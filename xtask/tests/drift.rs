//! `cargo xtask drift` on fixture pairs: the vendored side is a directory
//! under `fixtures/drift/` (passed with the hidden `--spec-dir`), the
//! upstream side the matching directory committed to a throwaway git
//! repository, exported by the same code as `cargo xtask vendor`.
//!
//! - `kinds/`: made-up specs with one spot per change kind (the comments in
//!   `kinds/old/idn/sailpoint-api.v2024.yaml` say which).
//! - `real/`: extracts of two real upstream revisions, faea6780
//!   (2026-03-01) and acb717af (2026-06-15), made by `real/extract.py`:
//!   three v2024 paths and what they reach. Between the two, verified by
//!   hand with `git diff faea6780 acb717af -- idn/v2024`:
//!   `notification-preferences.yaml` renames `listNotificationPreferences`
//!   to `getNotificationPreferences`; `form-instances.yaml` adds the
//!   optional query parameters `offset` and `limit`;
//!   `notification-templates.yaml` drops the `X-SailPoint-Experimental`
//!   header from both operations; `Medium.yaml` and `TemplateDto.yaml` drop
//!   the enum values `SMS` and `PHONE`; `TemplateDto.slackTemplate` turns
//!   from a nullable string into a nullable `TemplateSlack.yaml`.

mod common;

use common::{copy_dir, fixture, git};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A git repository in `dir` whose one commit holds `tree`.
fn upstream(dir: &Path, tree: &Path) -> PathBuf {
    let repo = dir.join("api-specs");
    copy_dir(tree, &repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "upstream"]);
    repo
}

fn drift(from: &Path, spec_dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("drift")
        .arg("--from")
        .arg(from)
        .arg("--spec-dir")
        .arg(spec_dir)
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_changes(output: &Output) -> Vec<Value> {
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["format_version"], 1);
    report["versions"][0]["changes"].as_array().unwrap().clone()
}

/// `(impact, kind, subject, item)` of every change.
fn facts(changes: &[Value]) -> Vec<(String, String, String, String)> {
    changes
        .iter()
        .map(|c| {
            let s = |v: &Value| v.as_str().unwrap_or("").to_string();
            let subject = if c["operation"].is_null() {
                s(&c["schema"])
            } else {
                s(&c["operation"]["id"])
            };
            (s(&c["impact"]), s(&c["kind"]), subject, s(&c["item"]))
        })
        .collect()
}

fn has(
    facts: &[(String, String, String, String)],
    impact: &str,
    kind: &str,
    subject: &str,
    item: &str,
) -> bool {
    facts
        .iter()
        .any(|f| f.0 == impact && f.1 == kind && f.2 == subject && f.3 == item)
}

#[test]
fn every_change_kind_is_found_and_classified() {
    let dir = tempfile::tempdir().unwrap();
    let repo = upstream(dir.path(), &fixture("kinds/new"));
    let old = fixture("kinds/old");

    let json = drift(&repo, &old, &["--version", "v2024", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1), "{}", stderr(&json));
    let changes = json_changes(&json);
    let f = facts(&changes);
    let expected = [
        ("breaking", "operation_removed", "deleteThing", ""),
        ("breaking", "operation_renamed", "getThingTags", ""),
        ("compatible", "operation_added", "listWidgets", ""),
        ("compatible", "operation_moved", "searchThings", ""),
        ("breaking", "parameter_added", "listThings", "header tenant"),
        ("compatible", "parameter_added", "listThings", "query count"),
        (
            "breaking",
            "parameter_removed",
            "listThings",
            "query offset",
        ),
        (
            "breaking",
            "parameter_requiredness_changed",
            "listThings",
            "query limit",
        ),
        (
            "compatible",
            "parameter_requiredness_changed",
            "listThings",
            "query filter",
        ),
        (
            "breaking",
            "parameter_type_changed",
            "listThings",
            "query sort",
        ),
        ("breaking", "request_body_removed", "searchThings", ""),
        // The generated `body` setter and `send` are the same either way.
        (
            "compatible",
            "request_body_requiredness_changed",
            "createThing",
            "",
        ),
        ("breaking", "success_type_changed", "getThing", ""),
        ("compatible", "schema_added", "ThingDetail", ""),
        ("breaking", "schema_removed", "Obsolete", ""),
        ("breaking", "schema_type_changed", "Shape", ""),
        ("breaking", "property_added", "NewThing", "owner"),
        ("compatible", "property_added", "NewThing", "color"),
        ("compatible", "property_added", "Thing", "createdAt"),
        ("breaking", "property_removed", "Thing", "legacy"),
        ("breaking", "property_type_changed", "Thing", "size"),
        (
            "breaking",
            "property_nullability_changed",
            "NewThing",
            "name",
        ),
        // `Thing` only answers requests: its fields are `Option`s whether
        // or not the spec says nullable (`response_only_optional`).
        (
            "compatible",
            "property_nullability_changed",
            "Thing",
            "name",
        ),
        ("breaking", "enum_value_removed", "Status", "paused"),
        ("breaking", "enum_value_added", "Status", "archived"),
        ("compatible", "experimental_changed", "listBetaThings", ""),
        ("compatible", "deprecation_changed", "getThing", ""),
    ];
    for (impact, kind, subject, item) in expected {
        assert!(
            has(&f, impact, kind, subject, item),
            "missing {impact} {kind} {subject} {item} in {f:#?}"
        );
    }
    // `Thing.note` became required upstream, but `Thing` only answers
    // requests and keeps no `required` after normalization: nothing of the
    // generated surface changed, so nothing is reported.
    assert!(
        !has(
            &f,
            "compatible",
            "property_requiredness_changed",
            "Thing",
            "note"
        ),
        "{f:#?}"
    );
    // Beside the listed ones: `Shape` gains `sides` with its new type.
    assert!(has(&f, "compatible", "property_added", "Shape", "sides"));
    assert_eq!(f.len(), expected.len() + 1, "{f:#?}");

    // Breaking first; then the counts add up.
    let first_compatible = f.iter().position(|c| c.0 == "compatible").unwrap();
    assert!(f[first_compatible..].iter().all(|c| c.0 == "compatible"));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["versions"][0]["breaking"], first_compatible);
    assert_eq!(
        report["vendored"]["commit"],
        "0000000000000000000000000000000000000001"
    );
    // Pointers lead into the documents: a removed operation into the vendored one.
    let removed = changes
        .iter()
        .find(|c| c["kind"] == "operation_removed")
        .unwrap();
    assert_eq!(removed["pointer"], "/paths/~1things~1{id}/delete");
    let renamed = changes
        .iter()
        .find(|c| c["kind"] == "operation_renamed")
        .unwrap();
    assert_eq!(renamed["before"], "listThingTags");
    assert_eq!(renamed["operation"]["rust_method"], "get_thing_tags");

    let text = drift(&repo, &old, &["--version", "v2024"]);
    assert_eq!(text.status.code(), Some(1));
    insta::assert_snapshot!("kinds_text", stdout(&text));
}

#[test]
fn real_upstream_revisions_months_apart() {
    let dir = tempfile::tempdir().unwrap();
    let repo = upstream(dir.path(), &fixture("real/new"));
    let old = fixture("real/old");

    let json = drift(&repo, &old, &["--version", "v2024", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1), "{}", stderr(&json));
    let f = facts(&json_changes(&json));
    for (impact, kind, subject, item) in [
        (
            "breaking",
            "operation_renamed",
            "getNotificationPreferences",
            "",
        ),
        (
            "compatible",
            "parameter_added",
            "searchFormInstancesByTenant",
            "query offset",
        ),
        (
            "compatible",
            "parameter_added",
            "searchFormInstancesByTenant",
            "query limit",
        ),
        (
            "compatible",
            "experimental_changed",
            "listNotificationTemplates",
            "",
        ),
        (
            "compatible",
            "experimental_changed",
            "createNotificationTemplate",
            "",
        ),
        ("breaking", "enum_value_removed", "Medium", "SMS"),
        ("breaking", "enum_value_removed", "Medium", "PHONE"),
        (
            "breaking",
            "property_type_changed",
            "TemplateDto",
            "slackTemplate",
        ),
        ("compatible", "schema_added", "TemplateSlack", ""),
    ] {
        assert!(
            has(&f, impact, kind, subject, item),
            "missing {impact} {kind} {subject} {item} in {f:#?}"
        );
    }
    // `slackTemplate` stays nullable (`allOf: [$ref, {nullable: true}]`).
    assert!(
        !f.iter().any(|c| c.1 == "property_nullability_changed"),
        "{f:#?}"
    );

    let markdown = drift(&repo, &old, &["--version", "v2024", "--format", "markdown"]);
    assert_eq!(markdown.status.code(), Some(1));
    let text = stdout(&markdown);
    assert!(text.starts_with("# Spec drift\n"), "{text}");
    let breaking = text.find("### Breaking").unwrap();
    let compatible = text.find("### Compatible").unwrap();
    assert!(breaking < compatible);
    insta::assert_snapshot!("real_markdown", text);
}

#[test]
fn no_drift_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let old = fixture("kinds/old");
    let repo = upstream(dir.path(), &old);
    let out = drift(&repo, &old, &["--version", "v2024", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("No drift"), "{}", stdout(&out));
}

#[test]
fn bad_input_is_an_error_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let repo = upstream(dir.path(), &fixture("kinds/new"));
    let old = fixture("kinds/old");

    let missing_rev = drift(
        &repo,
        &old,
        &["--version", "v2024", "--rev", "0123456789abcdef"],
    );
    assert_eq!(missing_rev.status.code(), Some(2));
    assert!(
        stderr(&missing_rev).contains("with revision 0123456789abcdef"),
        "{}",
        stderr(&missing_rev)
    );

    let option_rev = drift(&repo, &old, &["--version", "v2024", "--rev=--output=x"]);
    assert_eq!(option_rev.status.code(), Some(2), "{}", stderr(&option_rev));
    assert!(
        stderr(&option_rev).contains("is not a commit-ish"),
        "{}",
        stderr(&option_rev)
    );

    let not_git = dir.path().join("plain");
    std::fs::create_dir_all(&not_git).unwrap();
    let out = drift(&not_git, &old, &["--version", "v2024"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not an api-specs checkout"),
        "{}",
        stderr(&out)
    );

    // A git repository, but not of api-specs: no idn/.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("LICENSE"), "MIT\n").unwrap();
    std::fs::write(other.join("README.md"), "hello\n").unwrap();
    git(&other, &["init", "-q"]);
    git(&other, &["add", "-A"]);
    git(&other, &["commit", "-qm", "x"]);
    let out = drift(&other, &old, &["--version", "v2024"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not an api-specs checkout"),
        "{}",
        stderr(&out)
    );

    // The v2025 root is missing at that revision.
    let out = drift(&repo, &old, &["--version", "v2025"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has no idn/sailpoint-api.v2025.yaml, the v2025 root"),
        "{}",
        stderr(&out)
    );

    // A $ref upstream that leads nowhere names the file.
    let broken = dir.path().join("broken");
    copy_dir(&fixture("kinds/new"), &broken);
    let root = broken.join("idn/sailpoint-api.v2024.yaml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        text.replace(
            "$ref: '#/components/schemas/ThingDetail'",
            "$ref: './gone.yaml'",
        ),
    )
    .unwrap();
    git(&broken, &["init", "-q"]);
    git(&broken, &["add", "-A"]);
    git(&broken, &["commit", "-qm", "x"]);
    let out = drift(&broken, &old, &["--version", "v2024"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("idn/gone.yaml"), "{}", stderr(&out));
}

/// A v2025 document without the spot a v2025-targeted pass repairs
/// (`privilege_criteria_property`): drift says that regen would fail, and
/// still compares, without the targeted passes, finding what it finds for
/// the same documents as v2024.
#[test]
fn a_failing_targeted_pass_is_reported_and_the_comparison_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let as_v2025 = |from: &str, to: &Path| {
        copy_dir(&fixture(from), to);
        std::fs::rename(
            to.join("idn/sailpoint-api.v2024.yaml"),
            to.join("idn/sailpoint-api.v2025.yaml"),
        )
        .unwrap();
    };
    let old = dir.path().join("old");
    as_v2025("kinds/old", &old);
    let tree = dir.path().join("new");
    as_v2025("kinds/new", &tree);
    let repo = upstream(dir.path(), &tree);

    let out = drift(&repo, &old, &["--version", "v2025", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let regen_error = report["versions"][0]["regen_error"].as_str().unwrap_or("");
    assert!(
        regen_error.contains("normalization pass `privilege_criteria_property` failed"),
        "{regen_error}"
    );
    let v2025 = facts(&json_changes(&out));

    let same = drift(
        &repo_v2024(dir.path()),
        &fixture("kinds/old"),
        &["--version", "v2024", "--format", "json"],
    );
    assert_eq!(v2025, facts(&json_changes(&same)));

    let text = drift(&repo, &old, &["--version", "v2025"]);
    assert!(
        stdout(&text).contains("regen would fail: "),
        "{}",
        stdout(&text)
    );
}

fn repo_v2024(dir: &Path) -> PathBuf {
    let sub = dir.join("v2024");
    std::fs::create_dir_all(&sub).unwrap();
    upstream(&sub, &fixture("kinds/new"))
}

/// `--verify` on both fixture pairs: the public APIs of the crates
/// generated from each side differ, and every difference is explained by a
/// drift entry, every breaking entry by a difference (exit 1, not 3).
#[test]
fn verify_agrees_with_the_generated_api_on_the_fixture_pairs() {
    for pair in ["kinds", "real"] {
        let dir = tempfile::tempdir().unwrap();
        let repo = upstream(dir.path(), &fixture(&format!("{pair}/new")));
        let old = fixture(&format!("{pair}/old"));
        let out = drift(
            &repo,
            &old,
            &["--version", "v2024", "--format", "json", "--verify"],
        );
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{pair}: {e}: {}", stderr(&out)));
        let verification = &report["versions"][0]["verification"];
        assert_eq!(out.status.code(), Some(1), "{pair}: {verification:#}");
        assert!(
            verification["api_changes"].as_u64().unwrap_or(0) > 0,
            "{pair}: {verification:#}"
        );
        assert_eq!(
            verification["explained"].as_u64().unwrap_or(0)
                + verification["generator_names"].as_u64().unwrap_or(0),
            verification["api_changes"].as_u64().unwrap_or(0),
            "{pair}: {verification:#}"
        );

        let text = drift(&repo, &old, &["--version", "v2024", "--verify"]);
        assert!(
            stdout(&text).contains("verify: "),
            "{pair}: {}",
            stdout(&text)
        );
    }
}

/// `--verify` fails (exit 3) when the API changes in a way no entry
/// explains: here the vendored side's drift model is blind to nothing, so
/// the test edits what only the generator sees, a schema's `title` (typify
/// names an inline type after it).
#[test]
fn verify_fails_on_an_api_change_drift_does_not_explain() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    copy_dir(&fixture("mutations"), &tree);
    let root = tree.join("idn/sailpoint-api.v2024.yaml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        text.replace(
            "              mode: {type: string, enum: [AUTO, MANUAL]} # M:map-value",
            "              mode: {title: Sync Mode, type: string, enum: [AUTO, MANUAL]}",
        ),
    )
    .unwrap();
    let repo = upstream(dir.path(), &tree);
    let out = drift(
        &repo,
        &fixture("mutations"),
        &["--version", "v2024", "--verify"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}{}", stderr(&out));
    assert!(text.contains("unexplained API change: "), "{text}");
}

/// Ordinary commit-ish forms work for `--rev`; options stay refused.
#[test]
fn rev_accepts_commit_ish_forms() {
    let dir = tempfile::tempdir().unwrap();
    let old = fixture("kinds/old");
    let repo = upstream(dir.path(), &old);
    // A second commit: HEAD~1 is the fixture as vendored, HEAD has drift.
    std::fs::copy(
        fixture("kinds/new/idn/sailpoint-api.v2024.yaml"),
        repo.join("idn/sailpoint-api.v2024.yaml"),
    )
    .unwrap();
    git(&repo, &["commit", "-qam", "drift"]);
    for (rev, code) in [("HEAD~1", 0), ("HEAD^", 0), ("HEAD@{1}", 0), ("HEAD", 1)] {
        let out = drift(&repo, &old, &["--version", "v2024", "--rev", rev]);
        assert_eq!(out.status.code(), Some(code), "{rev}: {}", stderr(&out));
    }
    let out = drift(&repo, &old, &["--version", "v2024", "--rev=-HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a commit-ish"),
        "{}",
        stderr(&out)
    );
}

/// A version whose upstream files cannot be read stops only itself: the
/// other version is compared and reported, the error names the file and
/// the upstream commit (not the scratch directory it was exported to), and
/// the exit code is 2. A number no `u64` holds loads.
#[test]
fn a_version_that_cannot_load_leaves_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let both = |from: &str, to: &Path| {
        copy_dir(&fixture(from), to);
        std::fs::copy(
            to.join("idn/sailpoint-api.v2024.yaml"),
            to.join("idn/sailpoint-api.v2025.yaml"),
        )
        .unwrap();
    };
    let old = dir.path().join("old");
    both("kinds/old", &old);
    let tree = dir.path().join("new");
    both("kinds/new", &tree);
    // v2024 gains an example no JSON number type holds; v2025 a file that
    // is no YAML.
    let v2024 = tree.join("idn/sailpoint-api.v2024.yaml");
    let text = std::fs::read_to_string(&v2024).unwrap();
    assert!(text.contains("openapi: 3.0.1\n"));
    std::fs::write(
        &v2024,
        text.replace(
            "openapi: 3.0.1\n",
            "openapi: 3.0.1\nx-big-example: 12345678901234567890123456789012\n",
        ),
    )
    .unwrap();
    let v2025 = tree.join("idn/sailpoint-api.v2025.yaml");
    std::fs::write(&v2025, "openapi: [unclosed\n").unwrap();
    let repo = upstream(dir.path(), &tree);
    let commit = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();

    let out = drift(&repo, &old, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let versions = report["versions"].as_array().unwrap();
    let by_name = |name: &str| versions.iter().find(|v| v["version"] == name).unwrap();
    assert!(by_name("v2024")["error"].is_null(), "{report:#}");
    assert!(by_name("v2024")["breaking"].as_u64().unwrap() > 0);
    let error = by_name("v2025")["error"].as_str().unwrap_or("");
    assert!(error.contains("idn/sailpoint-api.v2025.yaml"), "{error}");
    assert!(
        error.contains(&format!("upstream {}", commit.trim())),
        "{error}"
    );
    assert!(
        !error.contains(&dir.path().display().to_string()),
        "{error}"
    );
    let err = stderr(&out);
    assert!(err.contains("v2025: drift could not run"), "{err}");
}

/// Names only the generator chose: a collision qualifier that goes
/// (`V3DtoType` becomes `DtoType`, same schema) and an alias component that
/// goes while its target stays are reported as generator name changes,
/// not breaking, and what refers to them is not reported as changed;
/// `--verify` finds the API changes they cause explained.
#[test]
fn generator_name_changes_are_reported_as_such() {
    let spec = |schemas: &str| {
        format!(
            "openapi: 3.0.1\ninfo: {{title: names, version: v2024}}\npaths:\n  /holders:\n    post:\n      operationId: createHolder\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Holder'}}\n      responses:\n        '204': {{description: done}}\ncomponents:\n  schemas:\n{schemas}"
        )
    };
    let old_schemas = "    V3DtoType: {type: string, enum: [IDENTITY, ROLE]}\n    Target: {type: object, properties: {id: {type: string}}}\n    Alias: {$ref: '#/components/schemas/Target'}\n    Holder:\n      type: object\n      properties:\n        kind: {$ref: '#/components/schemas/V3DtoType'}\n        target: {$ref: '#/components/schemas/Alias'}\n";
    let new_schemas = "    DtoType: {type: string, enum: [IDENTITY, ROLE]}\n    Target: {type: object, properties: {id: {type: string}}}\n    Holder:\n      type: object\n      properties:\n        kind: {$ref: '#/components/schemas/DtoType'}\n        target: {$ref: '#/components/schemas/Target'}\n";
    let dir = tempfile::tempdir().unwrap();
    let write = |to: &Path, schemas: &str| {
        std::fs::create_dir_all(to.join("idn")).unwrap();
        std::fs::write(to.join("idn/sailpoint-api.v2024.yaml"), spec(schemas)).unwrap();
        std::fs::copy(fixture("kinds/old/LICENSE"), to.join("LICENSE")).unwrap();
    };
    let old = dir.path().join("old");
    write(&old, old_schemas);
    std::fs::copy(
        fixture("kinds/old/UPSTREAM.toml"),
        old.join("UPSTREAM.toml"),
    )
    .unwrap();
    let tree = dir.path().join("new");
    write(&tree, new_schemas);
    let repo = upstream(dir.path(), &tree);

    let out = drift(
        &repo,
        &old,
        &["--version", "v2024", "--format", "json", "--verify"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = &report["versions"][0];
    let f = facts(version["changes"].as_array().unwrap());
    assert!(
        has(&f, "compatible", "generator_name_changed", "V3DtoType", ""),
        "{f:#?}"
    );
    assert!(
        has(&f, "compatible", "generator_name_changed", "Alias", ""),
        "{f:#?}"
    );
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(version["breaking"], 0);
    let verification = &version["verification"];
    assert!(
        verification["api_changes"].as_u64().unwrap() > 0,
        "{verification:#}"
    );
    assert_eq!(
        verification["unexplained"],
        serde_json::json!([]),
        "{verification:#}"
    );
}
