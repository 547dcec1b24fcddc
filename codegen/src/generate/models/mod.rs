//! Post-processing of typify's types so that they survive real tenant data:
//! [`open_enums`] keeps enum values the spec does not list;
//! [`null_defaults`] reads `null` as the default of fields that have one.

pub mod null_defaults;
pub mod open_enums;

use syn::Item;

use crate::error::Error;

/// Runs every model rewrite over the items of `mod types`.
pub fn post_process(types: &mut Vec<Item>) -> Result<(), Error> {
    open_enums::open_string_enums(types)
        .map_err(|e| Error::Internal(format!("open enums: {e}")))?;
    null_defaults::null_as_default(types)
        .map_err(|e| Error::Internal(format!("null defaults: {e}")))?;
    Ok(())
}
