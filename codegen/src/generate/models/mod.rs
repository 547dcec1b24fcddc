//! Post-processing of typify's types so that they survive real tenant data:
//! [`open_enums`] keeps enum values the spec does not list;
//! [`null_defaults`] reads `null` as the default of fields that have one;
//! [`codecs`] reads date-times in the forms tenants send and writes whole
//! numbers without a fraction;
//! [`variants`] decodes `oneOf`/`anyOf` to the right variant;
//! [`objects`] makes object structs keep undeclared members, `null`s and
//! values against the schema, and write them back (the structs it leaves
//! derived get [`null_defaults`] and [`codecs`]);
//! [`shared_enums`] (run after them, from `generate`) makes enums with the
//! same values one type.

pub mod codecs;
pub mod null_defaults;
pub mod objects;
pub mod open_enums;
pub mod shared_enums;
pub mod variants;

use serde_json::Value;
use syn::Item;

use crate::error::Error;

/// Runs every model rewrite over the items of `mod types`; returns the
/// variant-choice report ([`variants`]).
pub fn post_process(types: &mut Vec<Item>, document: &Value) -> Result<Vec<String>, Error> {
    open_enums::open_string_enums(types)
        .map_err(|e| Error::Internal(format!("open enums: {e}")))?;
    let report = variants::choose_variants(types, document).map_err(|e| Error::Generate {
        culprit: None,
        message: format!("oneOf/anyOf variants: {e}"),
    })?;
    objects::keep_everything(types).map_err(|e| Error::Internal(format!("objects: {e}")))?;
    null_defaults::null_as_default(types)
        .map_err(|e| Error::Internal(format!("null defaults: {e}")))?;
    codecs::field_codecs(types).map_err(|e| Error::Internal(format!("field codecs: {e}")))?;
    Ok(report)
}
