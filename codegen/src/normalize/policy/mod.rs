//! Model policy: the spec is valid, but the types typify would make from it
//! lose or invent data on the wire (an `f32` for a decimal, a required
//! field tenants leave out, a default filled in on decode). Each pass
//! rewrites the spec so that the generated model keeps what the server
//! sent and sends only what the caller set.

pub mod closed_objects;
pub mod nullable_components;
pub mod optional_collections;
pub mod optional_defaults;
pub mod read_only_required;
pub mod response_only_optional;
pub mod scalar_formats;
