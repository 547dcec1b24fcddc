//! Repairs of upstream defects: the spec says something invalid or
//! self-contradictory (a type that is no JSON type, a default its schema
//! refuses, a path parameter the template lacks), found by its shape
//! wherever it occurs. Each one is something SailPoint could fix upstream;
//! `cargo xtask defects` lists them.

pub mod disjoint_property_enums;
pub mod empty_security;
pub mod enum_value_punctuation;
pub mod enum_values;
pub mod example_patterns;
pub mod invalid_defaults;
pub mod invalid_schema_types;
pub mod json_patch_schemas;
pub mod media_types_without_schema;
pub mod missing_operation_ids;
pub mod no_content_bodies;
pub mod object_items;
pub mod path_parameters;
