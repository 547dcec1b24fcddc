//! Stage 3: normalize. Repairs the defects of the upstream specs that stop
//! progenitor or would make the generated client wrong, one module per
//! defect class. Every pass records each place it changed as a JSON pointer
//! with a one-line reason; [`Report`] renders them for `NORMALIZATION.md`.
//!
//! Passes repair rather than delete: no operation, request body, parameter
//! or error schema is dropped. What progenitor cannot express is handed to
//! the generator through [`Plan`] instead.

mod walk;

pub mod patches;
pub mod plumbing;
pub mod policy;
pub mod repairs;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use crate::openapi::{OperationRef, operations};
pub use walk::{required_names, schemas_mut};
// The error schema's name is the generator's vocabulary too.
pub use plumbing::error_responses;

use crate::versions::ApiVersion;

/// What a pass's run function does to a document.
pub type RunPass = fn(&mut Value, &PassContext, &mut Changes, &mut Plan) -> Result<(), PassError>;

/// Runs one pass on `doc` with no version context and a fresh plan, for
/// the passes' unit tests; panics (failing the test) when the pass fails.
#[cfg(test)]
pub(crate) fn run_alone(run: RunPass, doc: &mut Value) -> Changes {
    let mut changes = Changes::default();
    if let Err(error) = run(
        doc,
        &PassContext::default(),
        &mut changes,
        &mut Plan::default(),
    ) {
        panic!("the pass failed: {error:?}");
    }
    changes
}

/// One normalization pass.
pub struct Pass {
    /// Module name, used in the report.
    pub name: &'static str,
    /// Which of the four kinds of change it makes; also its folder.
    pub kind: Kind,
    /// The passes whose output this one relies on, which must run before it
    /// (checked by a test against [`PASSES`]).
    pub after: &'static [&'static str],
    /// One line: what is wrong upstream and what the pass does about it.
    pub summary: &'static str,
    pub run: RunPass,
}

/// The four kinds of pass, each a folder of `normalize/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An upstream defect found by its shape wherever it occurs.
    Repair,
    /// One known defective spot, found by name.
    Patch,
    /// A valid spec rewritten so the generated model keeps the wire data.
    Policy,
    /// A valid spec rewritten into what progenitor and typify accept.
    Plumbing,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Repair, Kind::Patch, Kind::Policy, Kind::Plumbing];

    /// One word, as in reports (`repair`, `patch`, `policy`, `plumbing`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Repair => "repair",
            Kind::Patch => "patch",
            Kind::Policy => "policy",
            Kind::Plumbing => "plumbing",
        }
    }

    /// A heading for the passes of this kind.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Repair => "Repairs of upstream defects",
            Kind::Patch => "Targeted patches of upstream defects",
            Kind::Policy => "Model policy",
            Kind::Plumbing => "Generator plumbing",
        }
    }

    /// Whether the change is an upstream defect SailPoint could fix.
    pub fn is_upstream_defect(self) -> bool {
        matches!(self, Kind::Repair | Kind::Patch)
    }
}

/// What a pass knows about the document beyond its content: which API
/// version it is. Passes ask this rather than read the document's own
/// `info`, which upstream writes as it likes (`3.1.0-beta` for beta).
#[derive(Clone, Copy, Debug, Default)]
pub struct PassContext {
    /// `None` for a document that is none of SailPoint's versions (a test
    /// fixture); version-targeted passes then leave it alone.
    pub version: Option<ApiVersion>,
}

impl PassContext {
    pub fn for_version(version: ApiVersion) -> PassContext {
        PassContext {
            version: Some(version),
        }
    }
}

/// All passes, in the order they run. Each pass names in `after` the
/// passes it relies on; the rest of the order is kept as it was when the
/// generated crates were last reviewed, since moving a pass can change
/// them (the test below checks the declared order, `regen --check` the rest).
pub const PASSES: &[Pass] = &[
    repairs::missing_operation_ids::PASS,
    repairs::empty_security::PASS,
    repairs::invalid_schema_types::PASS,
    repairs::object_items::PASS,
    patches::privilege_criteria_property::PASS,
    repairs::enum_value_punctuation::PASS,
    repairs::enum_values::PASS,
    repairs::disjoint_property_enums::PASS,
    policy::scalar_formats::PASS,
    repairs::invalid_defaults::PASS,
    plumbing::vacuous_constraints::PASS,
    plumbing::date_time_schemas::PASS,
    repairs::example_patterns::PASS,
    policy::nullable_components::PASS,
    plumbing::inline_type_names::PASS,
    repairs::no_content_bodies::PASS,
    repairs::media_types_without_schema::PASS,
    patches::multipart_file_parts::PASS,
    repairs::path_parameters::PASS,
    plumbing::experimental_header::PASS,
    repairs::json_patch_schemas::PASS,
    plumbing::json_patch_bodies::PASS,
    policy::read_only_required::PASS,
    policy::response_only_optional::PASS,
    policy::optional_defaults::PASS,
    policy::optional_collections::PASS,
    policy::closed_objects::PASS,
    patches::forms_patch_operation::PASS,
    patches::search_document_types::PASS,
    plumbing::error_responses::PASS,
];

/// A pass that cannot do its job: its target moved, or the spec has a shape
/// the pass does not know how to repair.
#[derive(Debug)]
pub struct PassError {
    pub pointer: String,
    pub message: String,
}

impl PassError {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> PassError {
        PassError {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// A change made by a pass: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub pointer: String,
    pub reason: String,
}

#[derive(Default)]
pub struct Changes(Vec<Change>);

impl Changes {
    pub fn record(&mut self, pointer: impl Into<String>, reason: impl Into<String>) {
        self.0.push(Change {
            pointer: pointer.into(),
            reason: reason.into(),
        });
    }
}

/// What the passes tell the generator about operations, beyond the spec.
#[derive(Default, Debug, Clone)]
pub struct Plan {
    /// Headers the client sends with a fixed value, by operation id. They are
    /// not method arguments.
    pub fixed_headers: BTreeMap<String, Vec<(String, String)>>,
    /// The request `Content-Type` for operations whose body is JSON on the
    /// wire under another media type (`application/json-patch+json`).
    pub request_content_types: BTreeMap<String, String>,
    /// Operations marked experimental upstream.
    pub experimental: BTreeSet<String>,
}

/// The result of normalizing one document.
pub struct Normalized {
    pub document: Value,
    pub report: Report,
    pub plan: Plan,
}

pub struct PassReport {
    pub name: &'static str,
    pub kind: Kind,
    pub summary: &'static str,
    pub changes: Vec<Change>,
}

pub struct Report {
    pub title: String,
    pub passes: Vec<PassReport>,
}

/// Runs every pass over `document`; `title` heads the report.
pub fn normalize(
    title: &str,
    context: &PassContext,
    mut document: Value,
) -> Result<Normalized, crate::Error> {
    let mut plan = Plan::default();
    let mut passes = Vec::new();
    for pass in PASSES {
        let mut changes = Changes::default();
        (pass.run)(&mut document, context, &mut changes, &mut plan).map_err(|e| {
            crate::Error::Normalize {
                pass: pass.name,
                pointer: e.pointer,
                message: e.message,
            }
        })?;
        passes.push(PassReport {
            name: pass.name,
            kind: pass.kind,
            summary: pass.summary,
            changes: changes.0,
        });
    }
    Ok(Normalized {
        document,
        report: Report {
            title: title.to_string(),
            passes,
        },
        plan,
    })
}

impl Report {
    /// Markdown: the upstream defects first (repairs and targeted patches,
    /// each change with its pointer), then model policy and generator
    /// plumbing summarised by pass, their changes listed last, folded.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "<!-- Generated by `cargo xtask regen`. Do not edit. -->\n# Spec normalization: {}\n\n\
             Every change made to the bundled upstream spec before generation, by pass. \
             Pointers are into the bundled document (`cargo xtask bundle`); \
             `cargo xtask defects` names the upstream file of each repair and patch.\n\n\
             | kind | passes | changes |\n|---|---:|---:|\n",
            self.title
        );
        for kind in Kind::ALL {
            let passes: Vec<&PassReport> = self.of_kind(kind).collect();
            let changes: usize = passes.iter().map(|p| p.changes.len()).sum();
            out.push_str(&format!(
                "| {} | {} | {changes} |\n",
                kind.title(),
                passes.len()
            ));
        }
        for kind in Kind::ALL {
            let changes: usize = self.of_kind(kind).map(|p| p.changes.len()).sum();
            out.push_str(&format!(
                "\n## {} ({changes})\n\n| pass | changes | what it does |\n|---|---:|---|\n",
                kind.title()
            ));
            for pass in self.of_kind(kind) {
                out.push_str(&format!(
                    "| `{}` | {} | {} |\n",
                    pass.name,
                    pass.changes.len(),
                    pass.summary
                ));
            }
            if kind.is_upstream_defect() {
                for pass in self.of_kind(kind) {
                    pass.write_changes(&mut out, false);
                }
            }
        }
        out.push_str("\n## Every policy and plumbing change\n");
        for kind in [Kind::Policy, Kind::Plumbing] {
            for pass in self.of_kind(kind) {
                pass.write_changes(&mut out, true);
            }
        }
        out
    }

    /// The reports of one kind of pass, in the order the passes ran.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &PassReport> {
        self.passes.iter().filter(move |p| p.kind == kind)
    }

    pub fn total_changes(&self) -> usize {
        self.passes.iter().map(|p| p.changes.len()).sum()
    }
}

impl PassReport {
    /// A heading, the summary and every change; `folded` puts the changes in
    /// a `<details>` block.
    fn write_changes(&self, out: &mut String, folded: bool) {
        out.push_str(&format!(
            "\n### `{}` ({}, {})\n\n{}\n\n",
            self.name,
            self.kind.as_str(),
            self.changes.len(),
            self.summary
        ));
        if self.changes.is_empty() {
            out.push_str("No changes.\n");
            return;
        }
        if folded {
            out.push_str(&format!(
                "<details><summary>{} changes</summary>\n\n",
                self.changes.len()
            ));
        }
        for change in &self.changes {
            out.push_str(&format!("- `{}`: {}\n", change.pointer, change.reason));
        }
        if folded {
            out.push_str("\n</details>\n");
        }
    }
}

/// Runs one pass's `run` on `doc` for a unit test: its changes and plan.
#[cfg(test)]
pub(crate) fn apply(
    run: RunPass,
    doc: &mut Value,
    context: &PassContext,
) -> Result<(Vec<Change>, Plan), PassError> {
    let mut changes = Changes::default();
    let mut plan = Plan::default();
    run(doc, context, &mut changes, &mut plan)?;
    Ok((changes.0, plan))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    #[test]
    fn every_pass_runs_after_the_passes_it_declares() {
        let names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "a pass name is used twice");
        for (position, pass) in PASSES.iter().enumerate() {
            for before in pass.after {
                let at = names.iter().position(|name| name == before);
                assert!(
                    at.is_some(),
                    "`{}` runs after `{before}`, which is no pass",
                    pass.name
                );
                assert!(
                    at < Some(position),
                    "`{}` must run after `{before}`, but runs before it",
                    pass.name
                );
            }
        }
    }

    #[test]
    fn every_pass_lives_in_the_folder_of_its_kind() {
        // The folder is in the module path of the pass's `run` function only
        // through its file; a pass declared with another kind than its
        // folder's would be filed wrongly in the report and in `defects`.
        let folders: [(Kind, &[&str]); 4] = [
            (
                Kind::Repair,
                &[
                    "missing_operation_ids",
                    "empty_security",
                    "invalid_schema_types",
                    "object_items",
                    "enum_value_punctuation",
                    "enum_values",
                    "disjoint_property_enums",
                    "invalid_defaults",
                    "example_patterns",
                    "no_content_bodies",
                    "media_types_without_schema",
                    "path_parameters",
                    "json_patch_schemas",
                ],
            ),
            (
                Kind::Patch,
                &[
                    "privilege_criteria_property",
                    "multipart_file_parts",
                    "forms_patch_operation",
                    "search_document_types",
                ],
            ),
            (
                Kind::Policy,
                &[
                    "scalar_formats",
                    "nullable_components",
                    "read_only_required",
                    "response_only_optional",
                    "optional_defaults",
                    "optional_collections",
                    "closed_objects",
                ],
            ),
            (
                Kind::Plumbing,
                &[
                    "vacuous_constraints",
                    "date_time_schemas",
                    "inline_type_names",
                    "experimental_header",
                    "json_patch_bodies",
                    "error_responses",
                ],
            ),
        ];
        let listed: usize = folders.iter().map(|(_, names)| names.len()).sum();
        assert_eq!(listed, PASSES.len());
        for pass in PASSES {
            let folder = folders
                .iter()
                .find(|(_, names)| names.contains(&pass.name))
                .map(|(kind, _)| *kind);
            assert_eq!(folder, Some(pass.kind), "{}", pass.name);
        }
    }

    #[test]
    fn the_report_leads_with_upstream_defects_and_folds_policy_and_plumbing() {
        let document = json!({
            "openapi": "3.0.1",
            "paths": {"/a": {"get": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}},
                "400": {"description": "bad"}}}}},
            "components": {"schemas": {"T": {"type": "object", "properties": {
                "at": {"type": "date-time"},
                "id": {"type": "string", "format": "uuid"}}}}}
        });
        let normalized = normalize("test", &PassContext::default(), document);
        let markdown = normalized
            .map(|n| n.report.to_markdown())
            .unwrap_or_default();
        let at = |text: &str| markdown.find(text).unwrap_or(usize::MAX);
        assert!(
            at("| Repairs of upstream defects | 13 | 2 |") < at("## Repairs"),
            "{markdown}"
        );
        // The repair's change, with its pointer, comes before any policy.
        let repair = at("- `/components/schemas/T/properties/at/type`: `type: date-time` became");
        let policy_table = at("## Model policy");
        let policy_change = at("- `/components/schemas/T/properties/id/format`");
        assert!(repair < policy_table, "{markdown}");
        assert!(policy_table < at("| `scalar_formats` | 1 |"), "{markdown}");
        assert!(
            at("## Every policy and plumbing change") < policy_change,
            "{markdown}"
        );
        assert!(
            markdown[..policy_change].ends_with("<details><summary>1 changes</summary>\n\n"),
            "{markdown}"
        );
        for pass in PASSES {
            let heading = format!("### `{}` ({}, ", pass.name, pass.kind.as_str());
            assert_eq!(markdown.matches(&heading).count(), 1, "{heading}");
        }
    }
}
