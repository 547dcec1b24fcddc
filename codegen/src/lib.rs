//! Code generation for the SailPoint Identity Security Cloud Rust SDK.
//!
//! The pipeline has one module per stage:
//! [`load`] reads spec files, [`bundle`] resolves them into one document per
//! API version, [`normalize`] repairs the spec's defects, [`model`] reads the
//! normalized document once into the typed model every later stage and tool
//! uses, [`generate`] runs progenitor and builds what it cannot, and
//! [`render`] writes the crate's files. [`pipeline`] runs them in order for
//! one version.

pub mod bundle;
pub mod conformance;
pub mod defects;
pub mod drift;
pub mod error;
pub mod generate;
pub mod load;
pub mod model;
pub mod names;
pub mod normalize;
pub mod openapi;
pub mod pipeline;
pub mod pointer;
pub mod public_api;
pub mod render;
pub mod spec_names;
pub mod surface;
pub mod vendor;
pub mod verify;
pub mod versions;

pub use error::Error;
