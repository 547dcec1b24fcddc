//! Decoding of `oneOf`/`anyOf` models, shared by the generated crates
//! (`codegen/src/generate/models/variants.rs` writes the calls).
//!
//! # How a variant is chosen
//!
//! serde's untagged enums take the first variant that decodes, so a
//! variant declaring few fields swallowed richer ones and dropped their
//! fields. Here the variant is chosen from the value's keys, before any
//! variant is decoded ([`Variants::order`]):
//!
//! 1. a discriminator value some variants map (the spec's discriminator,
//!    or a kind property the generator found): those variants only;
//! 2. the variants whose required members are all present (not `null`)
//!    before the others;
//! 3. the variant declaring the most of the present keys first, then the
//!    one declaring fewer keys (the closest fit), then declaration order.
//!
//! The first variant in that order is decoded. The values decide nothing:
//! a best-fitting variant with one value its field cannot hold (`"false"`
//! in a boolean) is still the answer, and that value is kept in the
//! variant's `extra` ([`object::from_slice`](crate::object::from_slice)
//! decodes a body that did not match its schema leniently). A variant
//! missing a member it requires, with no default to stand in, does not
//! decode; the next one is tried.
//!
//! # `anyOf`: one typed answer
//!
//! typify makes an `anyOf` a struct of `Option` branches (`subtype_0`,
//! `subtype_1`...). Only the branches that fit the value best by the same
//! rule are set: for an object, the branches ranking first on 1-3 above
//! (usually one, several only when they declare the present keys equally
//! well); for any other value, the first branch that decodes. So a caller
//! can `match` on which branch is `Some`; an object none of whose keys any
//! branch declares (`{}`) sets the first branch that decodes.
//!
//! # Speed
//!
//! The value is read once, as raw JSON text (no tree is built); its
//! top-level keys are scanned from that text, and the chosen variant is
//! decoded straight from it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor,
};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lenient::{CHOICE, Lenient};
use crate::object::Text;

/// One variant of a `oneOf` (or branch of an `anyOf`): its Rust name, the
/// discriminator values that select it, and the JSON keys it declares and
/// requires (empty for a non-object).
#[derive(Debug)]
pub struct Variant {
    /// The Rust variant, for errors.
    pub name: &'static str,
    /// The discriminator values that select it.
    pub tags: &'static [&'static str],
    /// The JSON keys its object declares, sorted (the generator emits
    /// them so; the choice looks them up by binary search).
    pub keys: &'static [&'static str],
    /// The JSON keys its object requires (a subset of `keys`).
    pub required: &'static [&'static str],
}

/// The variants of one `oneOf` or `anyOf` type, in declaration order.
#[derive(Debug)]
pub struct Variants {
    /// The Rust type, for errors.
    pub name: &'static str,
    /// The properties whose string value selects variants by their `tags`,
    /// first that maps a value wins: the spec's discriminator, or a kind
    /// property the generator found (each variant declaring it with its own
    /// example value).
    pub discriminators: &'static [&'static str],
    /// In declaration order.
    pub variants: &'static [Variant],
}

/// How well a variant fits (see [`Variants::rank`]), best lowest.
type Rank = (bool, std::cmp::Reverse<usize>, usize, usize);

/// What is known of a value before any variant is decoded: its top-level
/// keys (and whether each is non-`null`) and the discriminators' values.
#[derive(Debug, Default)]
pub struct Keys<'a> {
    /// Whether the value is an object.
    pub object: bool,
    /// Each member's key, and whether its value is not `null`.
    pub members: Vec<(Cow<'a, str>, bool)>,
    /// The string values of the discriminating properties, by property.
    pub tags: Vec<(&'static str, Cow<'a, str>)>,
}

impl<'a> Keys<'a> {
    /// The keys of a parsed value.
    pub fn of(value: &'a Value, discriminators: &'static [&'static str]) -> Self {
        let Value::Object(object) = value else {
            return Keys::default();
        };
        Keys {
            object: true,
            members: object
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), !v.is_null()))
                .collect(),
            tags: discriminators
                .iter()
                .filter_map(|&p| Some((p, Cow::Borrowed(object.get(p)?.as_str()?))))
                .collect(),
        }
    }

    fn present(&self, key: &str) -> bool {
        self.members.iter().any(|(k, set)| *set && k == key)
    }
}

impl Variants {
    /// The indexes of the variants to decode `keys` as, best first (see
    /// the module docs).
    ///
    /// A variant declaring none of the keys is tried only when no variant
    /// declares any (an empty object, or one of keys no variant knows): it
    /// would decode by ignoring every field, which is a guess, not a match.
    /// A value that is no object: declaration order.
    pub fn order(&self, keys: &Keys<'_>) -> Vec<usize> {
        let all = 0..self.variants.len();
        if !keys.object {
            return all.collect();
        }
        for &(property, ref tag) in &keys.tags {
            let tagged: Vec<usize> = all
                .clone()
                .filter(|&i| self.variants[i].tags.contains(&tag.as_ref()))
                .collect();
            if !tagged.is_empty() && self.discriminators.contains(&property) {
                return tagged;
            }
        }
        let ranks: Vec<Rank> = all.clone().map(|i| self.rank(i, keys)).collect();
        let mut order: Vec<usize> = all.collect();
        order.sort_by_key(|&i| ranks[i]);
        if order.first().is_some_and(|&best| ranks[best].1.0 > 0) {
            order.retain(|&i| ranks[i].1.0 > 0);
        }
        order
    }

    /// How many of the present keys variant `index` declares.
    fn declared(&self, index: usize, keys: &Keys<'_>) -> usize {
        let declared = self.variants[index].keys;
        debug_assert!(declared.is_sorted(), "{}: keys not sorted", self.name);
        keys.members
            .iter()
            .filter(|(k, _)| declared.binary_search(&k.as_ref()).is_ok())
            .count()
    }

    /// Whether every member variant `index` requires is present.
    fn complete(&self, index: usize, keys: &Keys<'_>) -> bool {
        self.variants[index]
            .required
            .iter()
            .all(|k| keys.present(k))
    }

    /// Sorts best first: complete, declaring the most present keys,
    /// declaring the fewest keys, declared first.
    fn rank(&self, index: usize, keys: &Keys<'_>) -> Rank {
        (
            !self.complete(index, keys),
            std::cmp::Reverse(self.declared(index, keys)),
            self.variants[index].keys.len(),
            index,
        )
    }

    /// The `Deserialize` of a `oneOf`: reads the value once, chooses the
    /// variant from its keys ([`order`](Self::order)) and decodes it with
    /// `decode` (index of a variant, the value). When a variant whose
    /// required members are all present does not decode, that is the
    /// answer (in a strict decode, the body is then decoded leniently, the
    /// misfit kept in `extra`); a variant missing required members gives
    /// way to the next. The error names the type and the variant.
    pub fn one_of<'de, D, T>(
        &'static self,
        deserializer: D,
        decode: impl Fn(usize, &Candidate<'_>) -> Result<T, serde_json::Error>,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
    {
        let captured = capture(deserializer)?;
        let candidate = captured.candidate();
        let keys = candidate.keys(self.discriminators);
        let mut first_error = None;
        for index in self.order(&keys) {
            match decode(index, &candidate) {
                Ok(decoded) => return Ok(decoded),
                Err(e) if keys.object && self.complete(index, &keys) => {
                    return Err(self.failed(index, e));
                }
                Err(e) => {
                    first_error.get_or_insert((index, e));
                }
            }
        }
        Err(match first_error {
            Some((index, e)) => self.failed(index, e),
            None => D::Error::custom(format!("{} has no variants", self.name)),
        })
    }

    /// The `Deserialize` of an `anyOf` (see the module docs): starts from
    /// `empty` (no branch set) and lets `set` decode and set the branches
    /// that fit best, by index.
    pub fn any_of<'de, D, T>(
        &'static self,
        deserializer: D,
        mut empty: T,
        set: impl Fn(&mut T, usize, &Candidate<'_>) -> Result<(), serde_json::Error>,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
    {
        let captured = capture(deserializer)?;
        let candidate = captured.candidate();
        let keys = candidate.keys(self.discriminators);
        let mut chosen = None;
        let mut first_error = None;
        for index in self.order(&keys) {
            let rank = self.rank(index, &keys);
            if let Some((best_complete, best_declared, _, _)) = chosen {
                // Only branches as good as the first that decoded; on an
                // object of keys no branch declares, that one alone.
                let tied = (rank.0, rank.1) == (best_complete, best_declared);
                if !tied || !keys.object || rank.1.0 == 0 {
                    break;
                }
            }
            match set(&mut empty, index, &candidate) {
                Ok(()) => {
                    chosen.get_or_insert(rank);
                }
                Err(e) if keys.object && self.complete(index, &keys) && chosen.is_none() => {
                    return Err(self.failed(index, e));
                }
                Err(e) => {
                    first_error.get_or_insert((index, e));
                }
            }
        }
        match (chosen, first_error) {
            (Some(_), _) => Ok(empty),
            (None, Some((index, e))) => Err(self.failed(index, e)),
            (None, None) => Err(D::Error::custom(no_branch(self.name, self.variants.len()))),
        }
    }

    fn failed<E: serde::de::Error>(&self, index: usize, e: serde_json::Error) -> E {
        E::custom(format!(
            "data matched no variant of {}; the closest, {}, failed: {e}",
            self.name,
            self.variants.get(index).map_or("?", |v| v.name)
        ))
    }
}

/// The value a `oneOf`/`anyOf` chooses for, read once.
enum Captured<'de> {
    /// Its JSON text (from serde_json's deserializers, without a copy when
    /// the input is borrowed).
    Text(Text<'de>),
    /// Parsed, from a deserializer that cannot give its text (serde's
    /// buffer in an untagged enum or a flattened struct).
    Value(Value),
    /// Parsed, in a lenient decode.
    Lenient(Value),
}

impl Captured<'_> {
    fn candidate(&self) -> Candidate<'_> {
        match self {
            Captured::Text(text) => Candidate::Text(text.as_str()),
            Captured::Value(value) => Candidate::Value(value),
            Captured::Lenient(value) => Candidate::Lenient(value),
        }
    }
}

/// The value a variant is decoded from.
#[derive(Debug)]
pub enum Candidate<'a> {
    /// JSON text, decoded strictly.
    Text(&'a str),
    /// A parsed value, decoded strictly.
    Value(&'a Value),
    /// A parsed value, decoded leniently.
    Lenient(&'a Value),
}

impl Candidate<'_> {
    /// Decodes the value as `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self {
            Candidate::Text(text) => serde_json::from_str(text),
            Candidate::Value(value) => T::deserialize(*value),
            Candidate::Lenient(value) => T::deserialize(Lenient(value)),
        }
    }

    /// Its top-level keys, scanned without building the value.
    fn keys(&self, discriminators: &'static [&'static str]) -> Keys<'_> {
        match self {
            Candidate::Text(text) => {
                let mut scanner = serde_json::Deserializer::from_str(text);
                // The text came from serde_json, so it is JSON; a failure
                // only loses the choice by keys.
                KeyScan(discriminators)
                    .deserialize(&mut scanner)
                    .unwrap_or_default()
            }
            Candidate::Value(value) | Candidate::Lenient(value) => Keys::of(value, discriminators),
        }
    }
}

/// Reads the value to choose for: under [`CHOICE`], so that a lenient
/// decode hands it over marked so; from serde_json, as raw text.
fn capture<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Captured<'de>, D::Error> {
    struct ChoiceVisitor;
    impl<'de> Visitor<'de> for ChoiceVisitor {
        type Value = Captured<'de>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> Result<Captured<'de>, D::Error> {
            d.deserialize_newtype_struct(RAW_VALUE, RawVisitor)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Captured<'de>, A::Error> {
            map.next_key::<IgnoredAny>()?;
            Ok(Captured::Lenient(map.next_value()?))
        }
    }
    /// serde_json hands a raw value over as a map of one member whose
    /// value is the text; any other deserializer visits a newtype.
    struct RawVisitor;
    impl<'de> Visitor<'de> for RawVisitor {
        type Value = Captured<'de>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Captured<'de>, A::Error> {
            map.next_key::<IgnoredAny>()?;
            Ok(Captured::Text(map.next_value()?))
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> Result<Captured<'de>, D::Error> {
            Value::deserialize(d).map(Captured::Value)
        }
    }
    deserializer.deserialize_newtype_struct(CHOICE, ChoiceVisitor)
}

/// The name under which serde_json hands over a value's raw text
/// (`serde_json::value::RawValue`). Should serde_json rename it, its
/// deserializers visit a newtype instead and the value is parsed into a
/// [`Value`]: slower, same result (a test pins the fast way).
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Scans the top-level keys of a value, skipping the values.
struct KeyScan(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyScan {
    type Value = Keys<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Keys<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyScan {
    type Value = Keys<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys<'de>, A::Error> {
        let mut keys = Keys {
            object: true,
            ..Keys::default()
        };
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let key = key.into_cow();
            if let Some(&property) = self.0.iter().find(|&&p| p == key) {
                let value: Value = map.next_value()?;
                if let Value::String(tag) = &value {
                    keys.tags.push((property, Cow::Owned(tag.clone())));
                }
                keys.members.push((key, !value.is_null()));
            } else {
                let set = map.next_value::<Option<IgnoredAny>>()?.is_some();
                keys.members.push((key, set));
            }
        }
        Ok(keys)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Keys<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Keys::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Keys<'de>, E> {
        Ok(Keys::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Keys<'de>, E> {
        Ok(Keys::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Keys<'de>, E> {
        Ok(Keys::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Keys<'de>, E> {
        Ok(Keys::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Keys<'de>, E> {
        Ok(Keys::default())
    }
    fn visit_unit<E>(self) -> Result<Keys<'de>, E> {
        Ok(Keys::default())
    }
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
    use serde::de::MapAccess;
    use serde_json::json;

    use super::*;
    use crate::object::{self, Extra, Object, Text, field, required, undeclared};

    static DOCUMENTS: Variants = Variants {
        name: "Doc",
        discriminators: &["_type"],
        variants: &[
            Variant {
                name: "Profile",
                tags: &["accessprofile"],
                keys: &["_type", "id", "name"],
                required: &["id"],
            },
            Variant {
                name: "Identity",
                tags: &["identity"],
                keys: &["_type", "email", "id", "isManager", "name"],
                required: &["id"],
            },
            Variant {
                name: "Role",
                tags: &["role"],
                keys: &["_type", "id", "name", "owner"],
                required: &["id", "owner"],
            },
        ],
    };

    fn order(variants: &Variants, value: Value) -> Vec<usize> {
        variants.order(&Keys::of(&value, variants.discriminators))
    }

    #[test]
    fn the_discriminator_decides_when_it_maps_the_value() {
        let hit = json!({"id": "1", "name": "a", "_type": "role"});
        assert_eq!(order(&DOCUMENTS, hit), vec![2]);
    }

    #[test]
    fn otherwise_the_variant_declaring_most_present_keys_comes_first() {
        let hit = json!({"id": "1", "name": "a", "email": "x@y", "_type": "new-kind"});
        assert_eq!(order(&DOCUMENTS, hit), vec![1, 0, 2]);
        // Variants declaring none of the keys only when none declares any.
        static SCHEDULES: Variants = Variants {
            name: "Attributes",
            discriminators: &[],
            variants: &[
                Variant {
                    name: "Event",
                    tags: &[],
                    keys: &["filter", "id"],
                    required: &[],
                },
                Variant {
                    name: "Scheduled",
                    tags: &[],
                    keys: &["cronString", "frequency"],
                    required: &[],
                },
            ],
        };
        assert_eq!(
            order(&SCHEDULES, json!({"cronString": "0 * * * *"})),
            vec![1]
        );
        assert_eq!(order(&SCHEDULES, json!({"unknown": 1})), vec![0, 1]);
        assert_eq!(order(&SCHEDULES, json!({})), vec![0, 1]);
        // A tie on present keys: the closest fit (fewest declared) first.
        assert_eq!(
            order(&DOCUMENTS, json!({"id": "1", "name": "a"})),
            vec![0, 1, 2]
        );
        assert_eq!(order(&DOCUMENTS, json!("text")), vec![0, 1, 2]);
    }

    #[test]
    fn a_variant_missing_a_required_member_gives_way() {
        // Role declares the most present keys, but its `owner` is null.
        let hit = json!({"id": "1", "name": "a", "_type": "x", "owner": null});
        assert_eq!(order(&DOCUMENTS, hit), vec![0, 1, 2]);
        let hit = json!({"id": "1", "name": "a", "_type": "x", "owner": {}});
        assert_eq!(order(&DOCUMENTS, hit), vec![2, 0, 1]);
    }

    /// What the generator writes for `{ id: string (required), name?: string }`.
    #[derive(Debug, PartialEq)]
    struct Profile {
        id: String,
        name: Option<String>,
        extra: Extra,
    }

    /// What the generator writes for
    /// `{ id: string (required), name?: string, email?: string, isManager?: boolean }`.
    #[derive(Debug, PartialEq)]
    struct Identity {
        id: String,
        name: Option<String>,
        email: Option<String>,
        is_manager: Option<bool>,
        extra: Extra,
    }

    impl Object for Profile {
        const NAME: &'static str = "Profile";
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut extra = Extra::new();
            let (mut id, mut name) = (None, None);
            while let Some(key) = map.next_key::<Text<'de>>()? {
                match key.as_str() {
                    "id" => id = field(&mut map, &key, &mut extra)?,
                    "name" => name = field(&mut map, &key, &mut extra)?,
                    _ => undeclared(&mut map, key, &mut extra)?,
                }
            }
            Ok(Profile {
                id: required(id, "id", &extra)?,
                name,
                extra,
            })
        }
    }

    impl Object for Identity {
        const NAME: &'static str = "Identity";
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut extra = Extra::new();
            let (mut id, mut name, mut email, mut is_manager) = (None, None, None, None);
            while let Some(key) = map.next_key::<Text<'de>>()? {
                match key.as_str() {
                    "id" => id = field(&mut map, &key, &mut extra)?,
                    "name" => name = field(&mut map, &key, &mut extra)?,
                    "email" => email = field(&mut map, &key, &mut extra)?,
                    "isManager" => is_manager = field(&mut map, &key, &mut extra)?,
                    _ => undeclared(&mut map, key, &mut extra)?,
                }
            }
            Ok(Identity {
                id: required(id, "id", &extra)?,
                name,
                email,
                is_manager,
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Profile {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object::deserialize(d)
        }
    }

    impl<'de> Deserialize<'de> for Identity {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object::deserialize(d)
        }
    }

    /// What the generator writes for `oneOf: [Profile, Identity]`.
    #[derive(Debug, PartialEq)]
    enum Doc {
        Profile(Profile),
        Identity(Identity),
    }

    static DOC: Variants = Variants {
        name: "Doc",
        discriminators: &["_type"],
        variants: &[
            Variant {
                name: "Profile",
                tags: &["accessprofile"],
                keys: &["id", "name"],
                required: &["id"],
            },
            Variant {
                name: "Identity",
                tags: &["identity"],
                keys: &["email", "id", "isManager", "name"],
                required: &["id"],
            },
        ],
    };

    impl<'de> Deserialize<'de> for Doc {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            DOC.one_of(d, |index, candidate| match index {
                0 => candidate.decode().map(Doc::Profile),
                1 => candidate.decode().map(Doc::Identity),
                _ => Err(serde_json::Error::custom("no such variant")),
            })
        }
    }

    #[test]
    fn the_best_fit_wins_with_a_misfit_value_kept_in_its_extra() -> Result<(), serde_json::Error> {
        let hit = br#"[{"id": "1", "name": "a", "email": "x@y", "isManager": "false"}]"#;
        let docs: Vec<Doc> = object::from_slice(hit)?;
        let [Doc::Identity(identity)] = &docs[..] else {
            panic!("not an identity: {docs:?}");
        };
        assert_eq!(identity.email.as_deref(), Some("x@y"));
        assert_eq!(identity.is_manager, None);
        assert_eq!(
            identity.extra,
            json!({"isManager": "false"})
                .as_object()
                .cloned()
                .unwrap_or_default()
        );
        // Plain serde_json is strict: the misfit fails, and nothing of that
        // lenient decode lingers.
        assert!(serde_json::from_slice::<Vec<Doc>>(hit).is_err());
        let fits: Vec<Doc> =
            serde_json::from_slice(br#"[{"id": "1", "email": "x@y", "isManager": false}]"#)?;
        assert!(matches!(&fits[..], [Doc::Identity(i)] if i.is_manager == Some(false)));
        Ok(())
    }

    #[test]
    fn a_variant_missing_what_it_requires_is_passed_over() -> Result<(), serde_json::Error> {
        // No `id`: neither decodes; the error names the type.
        let error = object::from_slice::<Doc>(br#"{"email": "x@y"}"#).map(|_| ());
        assert!(
            error.is_err_and(|e| e.to_string().contains("matched no variant of Doc")),
            "a missing required member fails"
        );
        // The discriminator decides over the keys.
        let doc: Doc =
            object::from_slice(br#"{"id": "1", "email": "x@y", "_type": "accessprofile"}"#)?;
        assert!(matches!(doc, Doc::Profile(p) if p.extra.contains_key("email")));
        Ok(())
    }

    #[test]
    fn text_values_and_buffered_ones_choose_alike() -> Result<(), serde_json::Error> {
        let hit = json!({"id": "1", "email": "x@y"});
        // From text (raw, the fast way), from a parsed value, and inside
        // serde's buffer (an untagged enum holding it).
        let from_text: Doc = serde_json::from_str(&hit.to_string())?;
        let from_value: Doc = serde_json::from_value(hit.clone())?;
        #[derive(Deserialize, Debug)]
        #[serde(untagged)]
        enum Buffered {
            One(Doc),
        }
        let Buffered::One(buffered) = serde_json::from_value(hit)?;
        for doc in [from_text, from_value, buffered] {
            assert!(matches!(doc, Doc::Identity(ref i) if i.email.as_deref() == Some("x@y")));
        }
        Ok(())
    }

    #[test]
    fn raw_text_is_captured_without_parsing_a_tree() -> Result<(), serde_json::Error> {
        // serde_json hands over the raw text under `RAW_VALUE`: the fast
        // way, which a rename in serde_json would silently lose.
        struct Probe(bool);
        impl<'de> Deserialize<'de> for Probe {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                capture(d).map(|c| Probe(matches!(c, Captured::Text(_))))
            }
        }
        let probe: Probe = serde_json::from_str(r#"{"id": "1"}"#)?;
        assert!(probe.0, "captured as text");
        Ok(())
    }

    /// What the generator writes for `anyOf: [Profile, Identity]`.
    #[derive(Debug, Default)]
    struct Either {
        subtype_0: Option<Profile>,
        subtype_1: Option<Identity>,
    }

    impl<'de> Deserialize<'de> for Either {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            DOC.any_of(
                d,
                Either::default(),
                |this: &mut Either, index, candidate| {
                    match index {
                        0 => this.subtype_0 = Some(candidate.decode()?),
                        1 => this.subtype_1 = Some(candidate.decode()?),
                        _ => return Err(serde_json::Error::custom("no such branch")),
                    }
                    Ok(())
                },
            )
        }
    }

    #[test]
    fn an_any_of_sets_only_the_branches_fitting_best() -> Result<(), serde_json::Error> {
        let identity: Either = object::from_slice(br#"{"id": "1", "email": "x@y"}"#)?;
        assert!(identity.subtype_0.is_none() && identity.subtype_1.is_some());
        // Both declare `id` and `name` alone: both fit as well, both set.
        let both: Either = object::from_slice(br#"{"id": "1", "name": "a"}"#)?;
        assert!(both.subtype_0.is_some() && both.subtype_1.is_some());
        // A misfit in the best branch stays in its extra.
        let misfit: Either = object::from_slice(br#"{"id": "1", "isManager": "no"}"#)?;
        let identity = misfit.subtype_1.as_ref().map(|i| &i.extra);
        assert_eq!(
            identity.and_then(|e| e.get("isManager")),
            Some(&json!("no"))
        );
        assert!(misfit.subtype_0.is_none());
        assert!(object::from_slice::<Either>(br#"{"name": "no id"}"#).is_err());
        Ok(())
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
