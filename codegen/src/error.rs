//! Errors of the code generation pipeline. Each names the spec file and JSON
//! pointer it is about, so a maintainer can open the file and look.

use crate::pointer::{Site, SpecPath, Target};

fn referred(referrer: &Option<Site>) -> String {
    match referrer {
        Some(site) => format!(" (referenced from {site})"),
        None => String::new(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {file}{}: {message}", referred(referrer))]
    Read {
        file: SpecPath,
        referrer: Option<Site>,
        message: String,
    },
    #[error("cannot parse {file}{}: {message}", referred(referrer))]
    Parse {
        file: SpecPath,
        referrer: Option<Site>,
        message: String,
    },
    #[error(
        "refusing {file}{}: {link} is a symbolic link (to {to}); spec files are read only from the spec directory itself, never through a link",
        referred(referrer)
    )]
    SymbolicLink {
        file: SpecPath,
        referrer: Option<Site>,
        link: String,
        to: String,
    },
    #[error("{site}: tag {tag:?} cannot become a cargo feature: {reason}")]
    BadTag {
        site: Site,
        tag: String,
        reason: String,
    },
    #[error(
        "operationId `{id}` is used twice, at {first} and at {second}: each names a method, so ids must be unique"
    )]
    DuplicateOperationId {
        id: String,
        first: Site,
        second: Site,
    },
    #[error("{referrer}: $ref target {target} does not exist (no such JSON pointer in the file)")]
    MissingPointer { referrer: Site, target: Target },
    #[error(
        "{site}: cannot resolve $ref {reference:?} (only relative file paths inside the spec directory are supported)"
    )]
    BadReference { site: Site, reference: String },
    #[error("{site}: $ref cycle through non-schema objects: {}", cycle.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" -> "))]
    RefCycle { site: Site, cycle: Vec<Target> },
    #[error(
        "schema alias cycle: {} (each is nothing but a $ref, allOf, oneOf or anyOf of the next, so the type would contain itself; a recursive schema must go through properties, items or additionalProperties)",
        cycle.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" -> ")
    )]
    SchemaAliasCycle { cycle: Vec<Target> },
    #[error("{referrer}: $ref target {target} is not {expected} (found {found})")]
    NotAnObject {
        referrer: Site,
        target: Target,
        expected: &'static str,
        found: String,
    },
    #[error("{file}#/openapi: not an OpenAPI 3.0.x document (found {found})")]
    NotOpenApi30 { file: SpecPath, found: String },
    #[error("normalization pass `{pass}` failed at {pointer}: {message}")]
    Normalize {
        pass: &'static str,
        pointer: String,
        message: String,
    },
    #[error("generation failed{}: {message}", culprit.as_ref().map(|c| format!(" at {c}")).unwrap_or_default())]
    Generate {
        culprit: Option<String>,
        message: String,
    },
    #[error("{version}: {error}")]
    InVersion {
        version: &'static str,
        error: Box<Error>,
    },
    #[error("{0}")]
    Internal(String),
}
