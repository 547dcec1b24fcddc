//! Decoding of `oneOf`/`anyOf` models, shared by the generated crates
//! (`codegen/src/generate/models/variants.rs` writes the calls).
//!
//! A `oneOf` of objects is tried variant by variant, in an order chosen from
//! the data: serde's untagged enums take the first variant that decodes, so
//! a variant declaring few fields swallowed richer ones and dropped their
//! fields. An `anyOf` decodes each branch from the whole value.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::object::{Mode, in_mode, mode};

/// One variant of a `oneOf`: its Rust name, the discriminator values that
/// select it, and the JSON keys it declares (empty for a non-object).
#[derive(Debug)]
pub struct Variant {
    /// The Rust variant, for errors.
    pub name: &'static str,
    /// The discriminator values that select it.
    pub tags: &'static [&'static str],
    /// The JSON keys its object declares.
    pub keys: &'static [&'static str],
}

/// The variants of one `oneOf` type, in declaration order.
#[derive(Debug)]
pub struct Variants {
    /// The Rust type, for errors.
    pub name: &'static str,
    /// The discriminating property, if the spec (or a normalization pass)
    /// names one.
    pub discriminator: Option<&'static str>,
    /// In declaration order.
    pub variants: &'static [Variant],
}

impl Variants {
    /// The indexes of the variants to try on `value`, best first.
    ///
    /// - An object whose discriminator property holds a value some variants
    ///   map: those variants only (a hit that says it is an identity is
    ///   never decoded as something else).
    /// - Any other object: the variants declaring any of its keys, the one
    ///   declaring the most of them first; on a tie the one declaring fewer
    ///   keys (the closest fit), then declaration order. A variant declaring
    ///   none of them is tried only when no variant declares any (an empty
    ///   object, or one of keys no variant knows): it would decode by
    ///   ignoring every field, which is a guess, not a match.
    /// - Anything else: declaration order.
    pub fn preference(&self, value: &Value) -> Vec<usize> {
        let Value::Object(object) = value else {
            return (0..self.variants.len()).collect();
        };
        if let Some(tag) = self
            .discriminator
            .and_then(|property| object.get(property))
            .and_then(Value::as_str)
        {
            let tagged: Vec<usize> = (0..self.variants.len())
                .filter(|&i| self.variants[i].tags.contains(&tag))
                .collect();
            if !tagged.is_empty() {
                return tagged;
            }
        }
        let present = |i: usize| {
            let keys = self.variants[i].keys;
            object.keys().filter(|k| keys.contains(&k.as_str())).count()
        };
        let mut order: Vec<usize> = (0..self.variants.len()).collect();
        order.sort_by_key(|&i| {
            (
                std::cmp::Reverse(present(i)),
                self.variants[i].keys.len(),
                i,
            )
        });
        if order.first().is_some_and(|&best| present(best) > 0) {
            order.retain(|&i| present(i) > 0);
        }
        order
    }

    /// Decodes `value` with `decode` (index of a variant, value) trying the
    /// variants in [`preference`](Self::preference) order; the first that
    /// decodes wins. Variants are first tried in
    /// [`Mode::Exact`](crate::object::Mode::Exact), where a variant missing
    /// a member it requires does not decode; only if none decodes so are
    /// they tried again in the decode's own mode (a required member filled
    /// in with its default, or when lenient, a misfit kept in `extra`). The
    /// error names the type and says why its preferred variant did not
    /// decode.
    pub fn decode<T>(
        &self,
        value: &Value,
        decode: impl Fn(usize, &Value) -> Result<T, serde_json::Error>,
    ) -> Result<T, String> {
        let preference = self.preference(value);
        let mut first_error = None;
        for &index in &preference {
            match in_mode(Mode::Exact, || decode(index, value)) {
                Ok(decoded) => return Ok(decoded),
                Err(e) => {
                    first_error.get_or_insert((index, e));
                }
            }
        }
        if mode() != Mode::Exact
            && let Some(decoded) = preference.iter().find_map(|&i| decode(i, value).ok())
        {
            return Ok(decoded);
        }
        Err(match first_error {
            Some((index, e)) => format!(
                "data matched no variant of {}; the closest, {}, failed: {e}",
                self.name,
                self.variants.get(index).map_or("?", |v| v.name)
            ),
            None => format!("{} has no variants", self.name),
        })
    }
}

/// Decodes an `anyOf` with `branches` (each branch with
/// [`any_of_branch`]): first in [`Mode::Exact`], so that only the branches
/// the value really matches are set; if none is (`matched`), again in the
/// decode's own mode, where a required member may be filled in or, when
/// lenient, a misfit kept in `extra`. `None` if no branch decodes.
pub fn any_of<T>(branches: impl Fn() -> T, matched: impl Fn(&T) -> bool) -> Option<T> {
    let exact = in_mode(Mode::Exact, &branches);
    if matched(&exact) {
        return Some(exact);
    }
    if mode() == Mode::Exact {
        return None;
    }
    Some(branches()).filter(|again| matched(again))
}

/// One branch of an `anyOf`, decoded from the whole value in the current
/// [`Mode`]: `None` if it does not decode.
pub fn any_of_branch<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// The error for a value that none of an `anyOf`'s branches accepts.
pub fn no_branch(name: &str, branches: usize) -> String {
    format!("data matched none of the {branches} branches of {name}")
}

/// Serializes the present branches of an `anyOf` as one object: their
/// keys merged, the first branch's value kept for a key several share. A
/// branch that is not an object is written alone if it is the only one.
pub fn serialize_any_of<S: Serializer, const N: usize>(
    serializer: S,
    branches: [Option<Result<Value, serde_json::Error>>; N],
) -> Result<S::Ok, S::Error> {
    let mut merged = Map::new();
    let mut other = None;
    for branch in branches.into_iter().flatten() {
        match branch.map_err(serde::ser::Error::custom)? {
            Value::Object(object) => {
                for (key, value) in object {
                    merged.entry(key).or_insert(value);
                }
            }
            value => {
                other.get_or_insert(value);
            }
        }
    }
    match other {
        Some(value) if merged.is_empty() => value.serialize(serializer),
        _ => merged.serialize(serializer),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DOCUMENTS: Variants = Variants {
        name: "Doc",
        discriminator: Some("_type"),
        variants: &[
            Variant {
                name: "Profile",
                tags: &["accessprofile"],
                keys: &["id", "name", "_type"],
            },
            Variant {
                name: "Identity",
                tags: &["identity"],
                keys: &["id", "name", "_type", "email", "manager"],
            },
            Variant {
                name: "Role",
                tags: &["role"],
                keys: &["id", "name", "_type", "owner"],
            },
        ],
    };

    #[test]
    fn the_discriminator_decides_when_it_maps_the_value() {
        let hit = json!({"id": "1", "name": "a", "_type": "role"});
        assert_eq!(DOCUMENTS.preference(&hit), vec![2]);
    }

    #[test]
    fn otherwise_the_variant_declaring_most_present_keys_comes_first() {
        let hit = json!({"id": "1", "name": "a", "email": "x@y", "_type": "new-kind"});
        assert_eq!(DOCUMENTS.preference(&hit), vec![1, 0, 2]);
        // Variants declaring none of the keys only when none declares any.
        let schedules = Variants {
            name: "Attributes",
            discriminator: None,
            variants: &[
                Variant {
                    name: "Event",
                    tags: &[],
                    keys: &["id", "filter"],
                },
                Variant {
                    name: "Scheduled",
                    tags: &[],
                    keys: &["cronString", "frequency"],
                },
            ],
        };
        assert_eq!(
            schedules.preference(&json!({"cronString": "0 * * * *"})),
            vec![1]
        );
        assert_eq!(schedules.preference(&json!({"unknown": 1})), vec![0, 1]);
        assert_eq!(schedules.preference(&json!({})), vec![0, 1]);
        // A tie on present keys: the closest fit (fewest declared) first.
        let bare = json!({"id": "1", "name": "a"});
        assert_eq!(DOCUMENTS.preference(&bare), vec![0, 2, 1]);
        assert_eq!(DOCUMENTS.preference(&json!("text")), vec![0, 1, 2]);
    }

    #[test]
    fn decode_takes_the_first_that_decodes_and_names_the_closest_on_failure() {
        let hit = json!({"id": "1", "email": "x@y"});
        let decoded = DOCUMENTS.decode(&hit, |index, _| {
            if index == 1 {
                Err(serde::de::Error::custom("bad email"))
            } else {
                Ok(index)
            }
        });
        assert_eq!(decoded, Ok(0));
        let failed = DOCUMENTS.decode(&hit, |_, _| {
            Err::<usize, _>(serde::de::Error::custom("bad email"))
        });
        assert_eq!(
            failed,
            Err("data matched no variant of Doc; the closest, Identity, failed: bad email".into())
        );
    }

    #[test]
    fn any_of_branches_merge_first_wins() -> Result<(), serde_json::Error> {
        let merged = serialize_any_of(
            serde_json::value::Serializer,
            [
                Some(Ok(json!({"id": "1", "eventType": "A"}))),
                None,
                Some(Ok(json!({"id": "2", "identityId": "x"}))),
            ],
        )?;
        assert_eq!(
            merged,
            json!({"id": "1", "eventType": "A", "identityId": "x"})
        );
        let alone = serialize_any_of(serde_json::value::Serializer, [Some(Ok(json!("s")))])?;
        assert_eq!(alone, json!("s"));
        Ok(())
    }
}
