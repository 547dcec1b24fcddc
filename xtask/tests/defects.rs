//! `cargo xtask defects` on `fixtures/defects/`, a v2025 root whose paths,
//! parameters and schemas live in files of their own, each with a defect:
//! every repair and patch is reported at its upstream file and pointer,
//! policy and plumbing are not, and examples that contradict their schema
//! are listed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/defects")
}

fn defects(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "defects",
            "--version",
            "v2025",
            "--format",
            format,
            "--spec-dir",
        ])
        .arg(fixture())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// `(pass, file, pointer)` of every reported change.
fn changes(report: &Value) -> Vec<(String, String, String)> {
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or("(none)").to_string();
    report["versions"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (text(c, "pass"), text(c, "file"), text(c, "pointer")))
        .collect()
}

#[test]
fn repairs_and_patches_are_traced_to_their_upstream_files() {
    let report: Value = serde_json::from_str(&defects("json")).unwrap();
    let found = changes(&report);
    let expected = [
        (
            "missing_operation_ids",
            "idn/v2025/paths/widget.yaml",
            "/delete/operationId",
        ),
        (
            "invalid_schema_types",
            "idn/v2025/schemas/Widget.yaml",
            "/properties/created/type",
        ),
        (
            "privilege_criteria_property",
            "idn/sailpoint-api.v2025.yaml",
            "/components/schemas/CreatePrivilegeCriteriaRequest/properties/groups/items/properties/criteriaItems/items/properties/operator/oneOf",
        ),
        (
            "path_parameters",
            "idn/v2025/parameters/widgetId.yaml",
            "/name",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(p, f, q)| (p.to_string(), f.to_string(), q.to_string()))
        .collect();
    assert_eq!(found, expected, "{report:#}");
    // The bundled pointer is kept beside the upstream one.
    assert_eq!(
        report["versions"][0]["changes"][1]["bundled_pointer"],
        "/components/schemas/Widget/properties/created/type"
    );
    assert_eq!(
        report["versions"][0]["changes"][1]["repair"],
        "`type: date-time` became `type: string, format: date-time`"
    );
}

#[test]
fn examples_contradicting_their_schema_are_listed_where_they_are_written() {
    let report: Value = serde_json::from_str(&defects("json")).unwrap();
    let examples: Vec<(String, String, Value)> = report["versions"][0]["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or_default().to_string(),
                e["pointer"].as_str().unwrap_or_default().to_string(),
                e["problems"].clone(),
            )
        })
        .collect();
    assert_eq!(
        examples,
        [
            (
                "idn/v2025/schemas/Widget.yaml".to_string(),
                "/example".to_string(),
                serde_json::json!(["/name: a number where the schema says `string`"])
            ),
            (
                "idn/v2025/paths/widget.yaml".to_string(),
                "/get/responses/200/content/application~1json/examples/broken/value".to_string(),
                serde_json::json!(["/: an array where the schema says `object`"])
            ),
        ]
    );
}

#[test]
fn markdown_and_text_name_the_files_and_leave_policy_out() {
    let markdown = defects("markdown");
    assert!(
        markdown.starts_with("# Upstream spec defects"),
        "{markdown}"
    );
    assert!(markdown.contains("| v2025 | 4 | 2 |"), "{markdown}");
    assert!(
        markdown.contains(
            "| `idn/v2025/schemas/Widget.yaml` | `/properties/created/type` | `type: date-time` became"
        ),
        "{markdown}"
    );
    let text = defects("text");
    assert!(
        text.contains(
            "idn/v2025/paths/widget.yaml#/delete/operationId: set to `deleteWidgetsById`"
        ),
        "{text}"
    );
    for output in [&markdown, &text] {
        for policy_or_plumbing in ["scalar_formats", "error_responses", "optional_collections"] {
            assert!(
                !output.contains(policy_or_plumbing),
                "{policy_or_plumbing}: {output}"
            );
        }
    }
}
