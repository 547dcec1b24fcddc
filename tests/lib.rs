//! Integration tests for the SailPoint SDK workspace live in `tests/*.rs`.
