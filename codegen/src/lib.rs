//! Code generation for the SailPoint Identity Security Cloud Rust SDK.
//!
//! The pipeline has one module per stage:
//! [`load`] reads spec files, [`bundle`] resolves them into one document per
//! API version. Later stages (normalize, generate, render) build on it.

pub mod bundle;
pub mod error;
pub mod load;
pub mod vendor;
pub mod versions;

pub use error::Error;
