//! Stage 3: normalize. Repairs the defects of the upstream specs that stop
//! progenitor or would make the generated client wrong, one module per
//! defect class. Every pass records each place it changed as a JSON pointer
//! with a one-line reason; [`Report`] renders them for `NORMALIZATION.md`.
//!
//! Passes repair rather than delete: no operation, request body, parameter
//! or error schema is dropped. What progenitor cannot express is handed to
//! the generator through [`Plan`] instead.

mod walk;

pub mod closed_objects;
pub mod empty_security;
pub mod enum_value_punctuation;
pub mod enum_values;
pub mod error_responses;
pub mod example_patterns;
pub mod experimental_header;
pub mod float_as_double;
pub mod forms_patch_operation;
pub mod inline_type_names;
pub mod invalid_defaults;
pub mod invalid_schema_types;
pub mod json_patch_bodies;
pub mod media_types_without_schema;
pub mod missing_operation_ids;
pub mod multipart_file_parts;
pub mod no_content_bodies;
pub mod nullable_components;
pub mod object_items;
pub mod optional_collections;
pub mod optional_defaults;
pub mod path_parameters;
pub mod privilege_criteria_property;
pub mod read_only_required;
pub mod response_only_optional;
pub mod search_document_types;
pub mod uuid_strings;
pub mod vacuous_constraints;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use crate::openapi::{OperationRef, operations};
pub use walk::{required_names, schemas_mut};

use crate::versions::ApiVersion;

/// One normalization pass.
pub struct Pass {
    /// Module name, used in the report.
    pub name: &'static str,
    /// One line: what is wrong upstream and what the pass does about it.
    pub summary: &'static str,
    pub run: fn(&mut Value, &PassContext, &mut Changes, &mut Plan) -> Result<(), PassError>,
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

/// All passes, in the order they run. Order matters where one pass relies on
/// another: operation ids first (later passes key on them), then schema
/// repairs, then request and response shapes.
pub const PASSES: &[Pass] = &[
    missing_operation_ids::PASS,
    empty_security::PASS,
    invalid_schema_types::PASS,
    object_items::PASS,
    privilege_criteria_property::PASS,
    enum_value_punctuation::PASS,
    enum_values::PASS,
    uuid_strings::PASS,
    float_as_double::PASS,
    invalid_defaults::PASS,
    vacuous_constraints::PASS,
    example_patterns::PASS,
    nullable_components::PASS,
    inline_type_names::PASS,
    no_content_bodies::PASS,
    media_types_without_schema::PASS,
    multipart_file_parts::PASS,
    path_parameters::PASS,
    experimental_header::PASS,
    json_patch_bodies::PASS,
    read_only_required::PASS,
    response_only_optional::PASS,
    optional_defaults::PASS,
    optional_collections::PASS,
    closed_objects::PASS,
    forms_patch_operation::PASS,
    search_document_types::PASS,
    error_responses::PASS,
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
    /// Markdown: a summary table, then every change of every pass.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "<!-- Generated by `cargo xtask regen`. Do not edit. -->\n# Spec normalization: {}\n\n\
             Every change made to the bundled upstream spec before generation, by pass. \
             Pointers are into the bundled document (`cargo xtask bundle`).\n\n\
             | pass | changes | what it repairs |\n|---|---:|---|\n",
            self.title
        );
        for pass in &self.passes {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                pass.name,
                pass.changes.len(),
                pass.summary
            ));
        }
        for pass in &self.passes {
            out.push_str(&format!(
                "\n## `{}` ({})\n\n{}\n\n",
                pass.name,
                pass.changes.len(),
                pass.summary
            ));
            if pass.changes.is_empty() {
                out.push_str("No changes.\n");
            }
            for change in &pass.changes {
                out.push_str(&format!("- `{}`: {}\n", change.pointer, change.reason));
            }
        }
        out
    }

    pub fn total_changes(&self) -> usize {
        self.passes.iter().map(|p| p.changes.len()).sum()
    }
}
