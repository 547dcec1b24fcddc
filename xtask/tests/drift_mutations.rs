//! Mutation tests of `cargo xtask drift`: each edit, at each depth the
//! generated code has, applied alone to a copy of
//! `fixtures/drift/mutations/` (the upstream side), must be reported with
//! its kind, impact and path; and `--verify`, which generates both sides
//! and diffs their public APIs, must find every API change explained
//! (exit code 1, not 3).

mod common;

use common::{copy_dir, fixture, git};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Mutation {
    name: &'static str,
    /// The marked line's text to replace, and its replacement.
    from: &'static str,
    to: &'static str,
    /// `(impact, kind, path, item)` drift must report.
    expected: (&'static str, &'static str, &'static str, &'static str),
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        name: "property of an allOf member removed",
        from: "identityId: {type: string} # M:allof-removed",
        to: "",
        expected: (
            "breaking",
            "property_removed",
            "Account.identityId",
            "identityId",
        ),
    },
    Mutation {
        name: "property of an allOf member changes type",
        from: "sourceName: {type: string} # M:allof-type",
        to: "sourceName: {type: integer, format: int64}",
        expected: (
            "breaking",
            "property_type_changed",
            "Account.sourceName",
            "sourceName",
        ),
    },
    Mutation {
        name: "optional property added to an allOf member",
        from: "sourceName: {type: string} # M:allof-type",
        to: "sourceName: {type: string}\n            owner: {type: string}",
        expected: ("compatible", "property_added", "Account.owner", "owner"),
    },
    Mutation {
        name: "enum value of array items removed",
        from: "enum: [AUTHENTICATE, DELETE, DISCOVER_SCHEMA] # M:array-enum",
        to: "enum: [AUTHENTICATE, DISCOVER_SCHEMA]",
        expected: (
            "breaking",
            "enum_value_removed",
            "SourceFeature[]",
            "DELETE",
        ),
    },
    Mutation {
        name: "enum value in an array of inline objects removed",
        from: "identityType: {type: string, enum: [IDENTITY, GOVERNANCE_GROUP, MANAGER]} # M:nested-enum",
        to: "identityType: {type: string, enum: [IDENTITY, GOVERNANCE_GROUP]}",
        expected: (
            "breaking",
            "enum_value_removed",
            "ApprovalConfig.serialChain[].identityType",
            "MANAGER",
        ),
    },
    Mutation {
        name: "enum value in an array of inline objects added",
        from: "identityType: {type: string, enum: [IDENTITY, GOVERNANCE_GROUP, MANAGER]} # M:nested-enum",
        to: "identityType: {type: string, enum: [IDENTITY, GOVERNANCE_GROUP, MANAGER, WORKGROUP]}",
        expected: (
            "breaking",
            "enum_value_added",
            "ApprovalConfig.serialChain[].identityType",
            "WORKGROUP",
        ),
    },
    Mutation {
        name: "nested enum becomes a plain string",
        from: "identityType: {type: string, enum: [IDENTITY, GOVERNANCE_GROUP, MANAGER]} # M:nested-enum",
        to: "identityType: {type: string}",
        expected: (
            "breaking",
            "enum_value_removed",
            "ApprovalConfig.serialChain[].identityType",
            "IDENTITY",
        ),
    },
    Mutation {
        name: "operation moves to another tag",
        from: "tags: [Sources] # M:tag",
        to: "tags: [Source Admin]",
        expected: ("breaking", "operation_tag_changed", "listSources", ""),
    },
    Mutation {
        name: "enum value of a map value removed",
        from: "mode: {type: string, enum: [AUTO, MANUAL]} # M:map-value",
        to: "mode: {type: string, enum: [AUTO]}",
        expected: (
            "breaking",
            "enum_value_removed",
            "Source.settings{}.mode",
            "MANUAL",
        ),
    },
    Mutation {
        name: "enum value of an inline response body removed",
        from: "enum: [HEALTHY, DEGRADED, FAILED] # M:inline-response",
        to: "enum: [HEALTHY, DEGRADED]",
        expected: (
            "breaking",
            "enum_value_removed",
            "getSourceSummary.responses.200.health",
            "FAILED",
        ),
    },
];

fn run_drift(repo: &Path, spec_dir: &Path) -> (Option<i32>, Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("drift")
        .arg("--from")
        .arg(repo)
        .arg("--spec-dir")
        .arg(spec_dir)
        .args(["--version", "v2024", "--format", "json", "--verify"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (output.status.code(), report, stderr)
}

#[test]
fn every_edit_at_every_depth_is_reported_and_verified() {
    let vendored = fixture("mutations");
    let root = "idn/sailpoint-api.v2024.yaml";
    let original = std::fs::read_to_string(vendored.join(root)).unwrap();
    let mut failures = Vec::new();
    for mutation in MUTATIONS {
        assert_eq!(
            original.matches(mutation.from).count(),
            1,
            "{}: the marked line must be unique",
            mutation.name
        );
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("api-specs");
        copy_dir(&vendored, &repo);
        std::fs::write(
            repo.join(root),
            original.replace(mutation.from, mutation.to),
        )
        .unwrap();
        git(&repo, &["init", "-q"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-qm", mutation.name]);

        let (code, report, stderr) = run_drift(&repo, &vendored);
        let version = &report["versions"][0];
        let changes = version["changes"].as_array().cloned().unwrap_or_default();
        let (impact, kind, path, item) = mutation.expected;
        let found = changes.iter().any(|c| {
            c["impact"] == impact
                && c["kind"] == kind
                && c["path"] == path
                && c["item"].as_str().unwrap_or("") == item
        });
        let verification = &version["verification"];
        let agrees = verification["unexplained"]
            .as_array()
            .is_some_and(Vec::is_empty)
            && verification["breaking_without_api_change"]
                .as_array()
                .is_some_and(Vec::is_empty);
        let api_changes = verification["api_changes"].as_u64().unwrap_or(0);
        if !found || code != Some(1) || !agrees || api_changes == 0 {
            failures.push(format!(
                "{}: expected {impact} {kind} at {path} ({item}); exit {code:?}; changes {changes:#?}; verification {verification:#}; stderr {stderr}",
                mutation.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The unedited copy: no drift, and the generated APIs are equal.
#[test]
fn the_unedited_fixture_has_no_drift_and_no_api_change() {
    let vendored = fixture("mutations");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("api-specs");
    copy_dir(&vendored, &repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "same"]);
    let (code, report, stderr) = run_drift(&repo, &vendored);
    assert_eq!(code, Some(0), "{report:#} {stderr}");
    assert_eq!(report["versions"][0]["verification"]["api_changes"], 0);
}
