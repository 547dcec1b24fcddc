//! Model policy: a scalar is kept as the wire carries it where the Rust type
//! typify picks for its `format` would change the value. Two formats do:
//!
//! - `format: float` on decimal values (scores, ratios, amounts such as
//!   `0.92`). typify makes them `f32`, which cannot hold most decimals:
//!   `0.92` came back as `0.9200000166893005`.
//! - `format: uuid` on SailPoint ids, which are mostly 32 hex digits without
//!   dashes (`2c9180835d2e5168015d32f890ca1581`) and sometimes not UUIDs at
//!   all. typify makes them `uuid::Uuid`, which rejects the latter and
//!   writes the former back with dashes: an id read from one response is
//!   not the same string when sent back.
//!
//! - `format: int32` (and the narrower `int`, `int8`, `int16`) on counts
//!   and hashes the server does not keep within 32 bits: a tenant's
//!   `attributesHash: 2843118224` did not fit typify's `i32` and was only
//!   in the object's `extra`, the typed field `None`.
//!
//! The format is removed, so such numbers are `f64` (which round-trips every
//! decimal serde_json reads) and such ids are `String`s; the signed integer
//! formats narrower than 64 bits become `int64`, so every such integer is an
//! `i64` (`int64` and the unsigned formats are kept as they are). One pass,
//! because it is one rule: a format whose Rust type does not round-trip the
//! wire value is dropped or widened. (Until the merge these were
//! `float_as_double` and `uuid_strings`.)

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, schemas_mut};

pub const PASS: Pass = Pass {
    name: "scalar_formats",
    kind: Kind::Policy,
    after: &[],
    summary: "`format: float` and `format: uuid` are removed and `format: int32` is widened to `int64`: as `f32` decimals such as `0.92` did not survive a round trip, SailPoint ids, often not UUIDs in canonical form, must go back as received, and tenants send `int32` values beyond 32 bits.",
    run,
};

/// The formats dropped or widened: each with the format that replaces it
/// (none: removed) and what the value is instead.
const REWRITTEN: [(&str, Option<&str>, &str); 6] = [
    ("uuid", None, "`uuid` removed: kept as a string"),
    ("float", None, "`float` removed: an `f64`"),
    ("int", Some("int64"), "`int` widened to `int64`: an `i64`"),
    ("int8", Some("int64"), "`int8` widened to `int64`: an `i64`"),
    (
        "int16",
        Some("int64"),
        "`int16` widened to `int64`: an `i64`",
    ),
    (
        "int32",
        Some("int64"),
        "`int32` widened to `int64`: an `i64`",
    ),
];

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    schemas_mut(doc, &mut |pointer, schema| {
        let format = schema.get("format").and_then(Value::as_str);
        let Some((_, replacement, reason)) = REWRITTEN
            .iter()
            .find(|(rewritten, _, _)| Some(*rewritten) == format)
        else {
            return;
        };
        match replacement {
            Some(wider) => {
                schema.insert("format".to_owned(), Value::from(*wider));
            }
            None => {
                schema.remove("format");
            }
        }
        changes.record(pointer.child("format"), *reason);
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn float_and_uuid_formats_are_removed_int32_widened_and_others_kept() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "score": {"type": "number", "format": "float"},
            "ratio": {"type": "number", "format": "double"},
            "count": {"type": "integer", "format": "int64"},
            "hash": {"type": "integer", "format": "int32"},
            "size": {"type": "integer", "format": "uint32"},
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"}}}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/A/properties"),
            Some(&json!({
                "score": {"type": "number"},
                "ratio": {"type": "number", "format": "double"},
                "count": {"type": "integer", "format": "int64"},
                "hash": {"type": "integer", "format": "int64"},
                "size": {"type": "integer", "format": "uint32"},
                "id": {"type": "string"},
                "at": {"type": "string", "format": "date-time"}}))
        );
        let mut recorded: Vec<(&str, &str)> = changes
            .0
            .iter()
            .map(|c| (c.pointer.as_str(), c.reason.as_str()))
            .collect();
        recorded.sort();
        assert_eq!(
            recorded,
            [
                (
                    "/components/schemas/A/properties/hash/format",
                    "`int32` widened to `int64`: an `i64`"
                ),
                (
                    "/components/schemas/A/properties/id/format",
                    "`uuid` removed: kept as a string"
                ),
                (
                    "/components/schemas/A/properties/score/format",
                    "`float` removed: an `f64`"
                ),
            ]
        );
    }
}
