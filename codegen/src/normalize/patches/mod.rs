//! Targeted patches: one known defective spot of one or more versions,
//! found by name rather than by shape. Each fails loudly when its spot is
//! there but no longer defective (upstream fixed it: remove the patch), and
//! the test below fails when a vendored version it targets no longer has
//! the spot at all. Like repairs, `cargo xtask defects` lists them.

pub mod forms_patch_operation;
pub mod multipart_file_parts;
pub mod privilege_criteria_property;
pub mod search_document_types;
