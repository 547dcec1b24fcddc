//! Numbers (`type: number`, an `f64` in the models) written as they came:
//! serde_json writes every `f64` with a fraction, so a `2` read from a
//! response went back as `2.0`. Used by the generated models as
//! `#[serde(with = "sailpoint_runtime::numbers")]`
//! (`codegen/src/generate/models/codecs.rs` writes the attributes).

use serde::{Deserialize, Deserializer, Serializer};

/// Whole values within ±2^53 (where `f64` holds every integer) are written
/// as integers, the rest as serde_json writes them.
pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT {
        // Exact: a whole number within ±2^53.
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// Reads a number as serde does.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    f64::deserialize(deserializer)
}

/// For `Option<f64>` fields.
pub mod option {
    use super::*;

    /// Writes `Some` as [`serialize`](super::serialize) does, `None` as `null`.
    pub fn serialize<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a number or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<f64>, D::Error> {
        Option::<f64>::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn whole_numbers_lose_the_fraction_others_are_kept() -> Result<(), serde_json::Error> {
        let write = |v: f64| super::serialize(&v, serde_json::value::Serializer);
        assert_eq!(write(2.0)?, json!(2));
        assert_eq!(write(-0.0)?, json!(0));
        assert_eq!(write(0.92)?, json!(0.92));
        assert_eq!(write(1e300)?, json!(1e300));
        assert_eq!(
            super::option::serialize(&None, serde_json::value::Serializer)?,
            json!(null)
        );
        Ok(())
    }
}
