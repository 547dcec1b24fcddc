//! Generator plumbing: the spec is valid and the model is right, but
//! progenitor or typify cannot take it as written (one error type per
//! operation, no `application/json-patch+json`, a header every call sends
//! the same way, two types of one name). The generated client behaves as
//! the spec says; the plan carries what the spec can no longer say.

pub mod date_time_schemas;
pub mod error_responses;
pub mod experimental_header;
pub mod inline_type_names;
pub mod json_patch_bodies;
pub mod vacuous_constraints;
