//! JSON objects that keep everything they are sent, for the generated
//! models (`codegen/src/generate/models/objects.rs` writes the impls that
//! call this module).
//!
//! Every generated struct of a JSON object has a field
//! `pub extra: serde_json::Map<String, serde_json::Value>`, the members its
//! typed fields do not hold:
//!
//! - a member the spec does not declare, as received;
//! - `null` in a declared member: the field reads `None` (or its default),
//!   and `extra` keeps the `null` so that it is written back;
//! - `""` in a date-time member: the field reads `None` (an empty string is
//!   no instant), and `extra` keeps the `""`;
//! - a date-time sent in another form than RFC 3339 (see
//!   [`datetime`](crate::datetime)): the field holds the instant, and
//!   `extra` keeps the text, written back while the field still holds that
//!   instant;
//! - an empty list or map in a member whose field defaults to one;
//! - `null` in a required member whose type has a default (`""`, `0`,
//!   `false`, an empty list or map, an object of optional fields): the
//!   field reads that default, and `null` is written back while it holds
//!   it ([`Writer::filled`]). A required member that is missing reads as the
//!   default too, and is written back as that default;
//! - when a body did not match its schema ([`from_slice`]): each value that
//!   did not fit its field, as received.
//!
//! Encoding writes the typed fields, then the entries of `extra` that no
//! typed field wrote: a typed field that is set wins over an entry of the
//! same name. So decoding then encoding gives back the JSON received, and
//! a caller can send a member the spec does not declare, or an explicit
//! `null` where a field is `None`, by putting it in `extra`.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, FixedOffset};
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{FIELD, Lenient};

/// The members of an object that its typed fields do not hold.
pub type Extra = Map<String, Value>;

/// Decodes a JSON body as `T`: the one entry point of every response body
/// (`send`, the offset streams and the search streams alike). First
/// strictly, at full speed; if that fails, the body is read as a [`Value`]
/// and decoded leniently, so that a value contradicting the schema (a
/// string where the spec says list, an `int32` beyond `i32`) stays in its
/// object's `extra` instead of failing the whole body. Still an error:
/// malformed JSON, and a value whose type cannot hold what was sent at a
/// place that has no `extra` (a body that is a list where the spec says
/// object, a missing required field whose type has no default).
/// On an error, the strict decode's is returned.
///
/// The lenient reading is told to the generated models by the deserializer
/// they read from (see `lenient.rs`), not by any state of the thread: a
/// model decoded with plain `serde_json::from_slice` reads strictly, and
/// nothing a decode does changes how another one reads.
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let strict = match strict(body) {
        Ok(decoded) => return Ok(decoded),
        Err(e) => e,
    };
    if !strict.is_data() {
        return Err(strict);
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(strict);
    };
    match T::deserialize(Lenient(&value)) {
        Ok(decoded) => {
            // Where, not what: serde's message quotes the value, which may
            // be a secret.
            tracing::debug!(
                target: "sailpoint_runtime::object",
                line = strict.line(),
                column = strict.column(),
                "the body did not match its schema; decoded leniently, the values that did not fit kept in `extra`"
            );
            Ok(decoded)
        }
        Err(_) => Err(strict),
    }
}

/// `serde_json::from_slice`, with the UTF-8 of `body` checked once.
///
/// `from_slice` checks each string it reads on its own (a `from_utf8`
/// per key and value: 8% of decoding a page of accounts); `from_str`
/// trusts its input, so one pass over the whole body does that work. A
/// body that is not UTF-8 is read by `from_slice`, for its error.
fn strict<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// A generated object model: how it reads the members of a JSON object.
pub trait Object: Sized {
    /// The type's name, for errors.
    const NAME: &'static str;
    /// Reads the members of one object.
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Deserialize` of an [`Object`].
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an object {}", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::read(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// A member's name or a string value, borrowed from the input when it can
/// be.
#[derive(Debug)]
pub struct Text<'de>(Cow<'de, str>);

impl<'de> Text<'de> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, borrowed from the input when it was.
    #[inline]
    pub fn into_cow(self) -> Cow<'de, str> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// One typed field as read: the value (`None` for `null`) or, read
/// leniently, the value as received when it did not fit.
struct Read<T> {
    value: Result<Option<T>, Value>,
    lenient: bool,
}

/// Reads a typed field: from serde_json strictly (a misfit fails the
/// decode), from [`Lenient`] with a second look at a value that did not
/// fit.
struct FieldSeed<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = Read<T>;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Read<T>, D::Error> {
        deserializer.deserialize_newtype_struct(FIELD, self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldSeed<T> {
    type Value = Read<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field's value")
    }
    #[inline]
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Read<T>, D::Error> {
        Ok(Read {
            value: Ok(Option::<T>::deserialize(d)?),
            lenient: false,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut retry: A) -> Result<Read<T>, A::Error> {
        if let Some(Some(fits)) = retry.next_element_seed(Attempt::<Option<T>>(PhantomData))? {
            return Ok(Read {
                value: Ok(fits),
                lenient: true,
            });
        }
        let received: Option<Value> = retry.next_element()?;
        Ok(Read {
            value: Err(received.unwrap_or(Value::Null)),
            lenient: true,
        })
    }
}

/// `Some` if the value decodes as `T`; its error is dropped, the value
/// being read again as received.
struct Attempt<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Attempt<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        Ok(T::deserialize(deserializer).ok())
    }
}

/// Reads the value of the declared member `key`: `None` for `null` (kept in
/// `extra`) and, in a lenient decode ([`from_slice`]), for a value that
/// does not decode as `T` (kept in `extra` as received).
#[inline]
pub fn field<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    map: &mut A,
    key: &Text<'de>,
    extra: &mut Extra,
) -> Result<Option<T>, A::Error> {
    match map.next_value_seed(FieldSeed::<T>(PhantomData))?.value {
        Ok(Some(value)) => Ok(Some(value)),
        Ok(None) => {
            keep(extra, key, Value::Null);
            Ok(None)
        }
        Err(received) => {
            keep(extra, key, received);
            Ok(None)
        }
    }
}

/// Reads a member whose field is not written when `skipped` (an empty list
/// or map): as [`field`], and a value the field would not write is kept in
/// `extra` too, so that `[]` comes back as `[]`.
pub fn collection<'de, T, A>(
    map: &mut A,
    key: &Text<'de>,
    extra: &mut Extra,
    skipped: fn(&T) -> bool,
) -> Result<Option<T>, A::Error>
where
    T: DeserializeOwned + Serialize,
    A: MapAccess<'de>,
{
    let value: Option<T> = field(map, key, extra)?;
    if let Some(unwritten) = value.as_ref().filter(|v| skipped(v)) {
        let kept = serde_json::to_value(unwritten).map_err(A::Error::custom)?;
        keep(extra, key, kept);
    }
    Ok(value)
}

/// Reads a date-time member in the forms [`datetime`](crate::datetime)
/// accepts: `null` and `""` are `None` (kept in `extra`), and the text of
/// a form other than RFC 3339 is kept in `extra` beside the instant.
#[inline]
pub fn instant<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: &Text<'de>,
    extra: &mut Extra,
) -> Result<Option<DateTime<FixedOffset>>, A::Error> {
    let read = map.next_value_seed(FieldSeed::<Text<'de>>(PhantomData))?;
    let lenient = read.lenient;
    let text = match read.value {
        Ok(Some(text)) => text,
        Ok(None) => {
            keep(extra, key, Value::Null);
            return Ok(None);
        }
        Err(received) => {
            keep(extra, key, received);
            return Ok(None);
        }
    };
    let text = text.as_str();
    if text.is_empty() {
        keep(extra, key, Value::String(String::new()));
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at));
    }
    match crate::datetime::parse(text) {
        Ok(at) => {
            keep(extra, key, Value::String(text.to_owned()));
            Ok(Some(at))
        }
        Err(_) if lenient => {
            keep(extra, key, Value::String(text.to_owned()));
            Ok(None)
        }
        Err(message) => Err(A::Error::custom(message)),
    }
}

thread_local! {
    /// Set while [`typed_only`] runs.
    static TYPED_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every model written by a [`Writer`] serializing what its
/// typed fields hold only: no member of `extra`, and no kept value in
/// place of a required field's default. What is missing from such an
/// encoding of a decoded value, and was sent, only `extra` holds (the
/// conformance suite counts these members).
pub fn typed_only<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            TYPED_ONLY.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(TYPED_ONLY.with(|flag| flag.replace(true)));
    f()
}

/// Keeps what `key` held in `extra`.
#[inline]
fn keep(extra: &mut Extra, key: &Text<'_>, value: Value) {
    extra.insert(key.as_str().to_owned(), value);
}

/// Keeps a member the type does not declare.
#[inline]
pub fn undeclared<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Text<'de>,
    extra: &mut Extra,
) -> Result<(), A::Error> {
    let value: Value = map.next_value()?;
    extra.insert(key.0.into_owned(), value);
    Ok(())
}

/// The value of a required member whose type has a default: that default
/// if the member was missing or `null` (written back by
/// [`Writer::filled`]). A `oneOf` variant missing a member it requires is
/// not chosen while another has all of its own
/// ([`models`](crate::models)), so filling in here never makes a variant
/// win.
#[inline]
pub fn filled<T: Default, E: serde::de::Error>(
    value: Option<T>,
    _key: &'static str,
    _extra: &Extra,
) -> Result<T, E> {
    Ok(value.unwrap_or_default())
}

/// The value of a required member whose type has no default to stand in
/// (a date-time, an enum, an object with required fields): an error if it
/// was missing or `null`.
#[inline]
pub fn required<T, E: serde::de::Error>(
    value: Option<T>,
    key: &'static str,
    extra: &Extra,
) -> Result<T, E> {
    match value {
        Some(value) => Ok(value),
        None if extra.get(key).is_some_and(Value::is_null) => Err(E::custom(format!(
            "`{key}` is null, which its type does not allow"
        ))),
        None => Err(E::missing_field(key)),
    }
}

/// Writes an object's members: typed fields first, then `extra`.
pub struct Writer<'a, M> {
    map: M,
    extra: &'a Extra,
    /// The keys typed fields wrote, kept only when `extra` has entries.
    written: Vec<&'static str>,
}

/// Starts writing an object whose `extra` is `extra`.
pub fn writer<S: Serializer>(
    serializer: S,
    extra: &Extra,
) -> Result<Writer<'_, S::SerializeMap>, S::Error> {
    Ok(Writer {
        map: serializer.serialize_map(None)?,
        extra,
        written: Vec::new(),
    })
}

impl<M: SerializeMap> Writer<'_, M> {
    /// Writes a typed field.
    #[inline]
    pub fn entry<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        if !self.extra.is_empty() {
            self.written.push(key);
        }
        self.map.serialize_entry(key, value)
    }

    /// Writes a date-time field: the text it was received as, if `extra`
    /// kept one and it still reads as this instant; RFC 3339 otherwise.
    pub fn instant(
        &mut self,
        key: &'static str,
        value: &DateTime<FixedOffset>,
    ) -> Result<(), M::Error> {
        if let Some(Value::String(text)) = self.extra.get(key)
            && crate::datetime::parse(text).is_ok_and(|at| at == *value)
        {
            self.written.push(key);
            return self.map.serialize_entry(key, text);
        }
        self.entry(key, &crate::datetime::format(value))
    }

    /// Writes a required field that decoding fills with its type's default
    /// when the member is missing, `null` or (leniently) does not fit: while
    /// it still holds that default and `extra` kept what was received under
    /// its name, that is written instead.
    pub fn filled<T: Serialize + Default>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        if let Some(kept) = self.extra.get(key)
            && serde_json::to_value(value).ok() == serde_json::to_value(T::default()).ok()
        {
            self.written.push(key);
            if TYPED_ONLY.with(Cell::get) {
                return Ok(());
            }
            return self.map.serialize_entry(key, kept);
        }
        self.entry(key, value)
    }

    /// Writes a number field, whole values without a fraction
    /// ([`numbers`](crate::numbers)).
    pub fn number(&mut self, key: &'static str, value: &f64) -> Result<(), M::Error> {
        self.entry(key, &Whole(*value))
    }

    /// Writes the entries of `extra` that no typed field wrote, and ends the
    /// object.
    pub fn end(mut self) -> Result<M::Ok, M::Error> {
        if TYPED_ONLY.with(Cell::get) {
            return self.map.end();
        }
        for (key, value) in self.extra {
            if !self.written.contains(&key.as_str()) {
                self.map.serialize_entry(key, value)?;
            }
        }
        self.map.end()
    }
}

/// An `f64` written as [`numbers::serialize`](crate::numbers::serialize)
/// writes it.
struct Whole(f64);

impl Serialize for Whole {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::numbers::serialize(&self.0, serializer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// What the generator writes for
    /// `{ id: string (required), note?: string, at?: date-time, n?: number, tags?: string[] (default []) }`.
    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        id: String,
        note: Option<String>,
        at: Option<DateTime<FixedOffset>>,
        n: Option<f64>,
        tags: Vec<String>,
        extra: Extra,
    }

    impl Object for Thing {
        const NAME: &'static str = "Thing";
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut extra = Extra::new();
            let (mut id, mut note, mut at, mut n, mut tags) = (None, None, None, None, None);
            while let Some(key) = map.next_key::<Text<'de>>()? {
                match key.as_str() {
                    "id" => id = field(&mut map, &key, &mut extra)?,
                    "note" => note = field(&mut map, &key, &mut extra)?,
                    "at" => at = instant(&mut map, &key, &mut extra)?,
                    "n" => n = field(&mut map, &key, &mut extra)?,
                    "tags" => tags = collection(&mut map, &key, &mut extra, Vec::is_empty)?,
                    _ => undeclared(&mut map, key, &mut extra)?,
                }
            }
            Ok(Thing {
                id: required(id, "id", &extra)?,
                note,
                at,
                n,
                tags: tags.unwrap_or_default(),
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    impl Serialize for Thing {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut w = writer(serializer, &self.extra)?;
            w.entry("id", &self.id)?;
            if let Some(v) = &self.note {
                w.entry("note", v)?;
            }
            if let Some(v) = &self.at {
                w.instant("at", v)?;
            }
            if let Some(v) = &self.n {
                w.number("n", v)?;
            }
            if !self.tags.is_empty() {
                w.entry("tags", &self.tags)?;
            }
            w.end()
        }
    }

    fn round_trip(sent: Value) -> Result<(Thing, Value), serde_json::Error> {
        let bytes = serde_json::to_vec(&sent)?;
        let thing: Thing = from_slice(&bytes)?;
        let again = serde_json::to_value(&thing)?;
        Ok((thing, again))
    }

    #[test]
    fn undeclared_members_nulls_empties_and_date_forms_come_back_as_sent()
    -> Result<(), serde_json::Error> {
        let sent = json!({
            "id": "a", "note": null, "tags": [], "n": 2,
            "at": "2009-11-10 23:00:00 +0000 UTC", "newField": {"x": [1, null]}
        });
        let (thing, again) = round_trip(sent.clone())?;
        assert_eq!(thing.note, None);
        assert_eq!(thing.n, Some(2.0));
        assert_eq!(
            thing.at.map(|t| t.to_rfc3339()),
            Some("2009-11-10T23:00:00+00:00".into())
        );
        assert_eq!(thing.extra.get("newField"), Some(&json!({"x": [1, null]})));
        assert_eq!(again, sent);
        // An RFC 3339 date keeps nothing in `extra`, and its offset in
        // the field.
        for at in ["2024-01-31T10:00:00Z", "2024-01-01T00:00:00-05:00"] {
            let (thing, again) = round_trip(json!({"id": "a", "at": at}))?;
            assert!(thing.extra.is_empty(), "{:?}", thing.extra);
            assert_eq!(again, json!({"id": "a", "at": at}));
        }
        // `""` is no instant and comes back as `""`.
        let (thing, again) = round_trip(json!({"id": "a", "at": ""}))?;
        assert_eq!(thing.at, None);
        assert_eq!(again, json!({"id": "a", "at": ""}));
        Ok(())
    }

    #[test]
    fn typed_only_leaves_out_what_only_extra_holds() -> Result<(), serde_json::Error> {
        let sent = json!({"id": "a", "n": "seven", "newField": 1, "at": "2024-01-31T10:00:00Z"});
        let (thing, again) = round_trip(sent.clone())?;
        assert_eq!(again, sent);
        let typed = typed_only(|| serde_json::to_value(&thing))?;
        assert_eq!(typed, json!({"id": "a", "at": "2024-01-31T10:00:00Z"}));
        // The flag is restored after.
        assert_eq!(serde_json::to_value(&thing)?, sent);
        Ok(())
    }

    #[test]
    fn a_typed_field_that_is_set_wins_over_extra() -> Result<(), serde_json::Error> {
        let (mut thing, _) =
            round_trip(json!({"id": "a", "note": null, "at": "2024-01-31 10:00:00"}))?;
        thing.note = Some("now set".into());
        thing.at = DateTime::from_timestamp(0, 0).map(|t| t.fixed_offset());
        assert_eq!(
            serde_json::to_value(&thing)?,
            json!({"id": "a", "note": "now set", "at": "1970-01-01T00:00:00Z"})
        );
        // A caller sends an explicit null through `extra`.
        let mut request = Thing {
            id: "b".into(),
            ..Thing::default()
        };
        request.extra.insert("note".into(), Value::Null);
        assert_eq!(
            serde_json::to_string(&request)?,
            r#"{"id":"b","note":null}"#
        );
        Ok(())
    }

    #[test]
    fn a_value_against_the_schema_fails_strictly_and_stays_in_extra_leniently()
    -> Result<(), serde_json::Error> {
        let sent = json!([{"id": "a", "note": ["a", "list"], "n": "7", "at": "31/01/2024"}]);
        let strict = serde_json::from_value::<Vec<Thing>>(sent.clone());
        assert!(strict.is_err());
        let bytes = serde_json::to_vec(&sent)?;
        let things: Vec<Thing> = from_slice(&bytes)?;
        assert_eq!(things[0].note, None);
        assert_eq!(things[0].n, None);
        assert_eq!(things[0].at, None);
        assert_eq!(things[0].extra.get("note"), Some(&json!(["a", "list"])));
        assert_eq!(serde_json::to_value(&things)?, sent);
        Ok(())
    }

    #[test]
    fn a_missing_or_null_required_member_fails_even_leniently() {
        let missing = from_slice::<Thing>(br#"{"note": "x"}"#).map(|_| ());
        assert_eq!(
            missing.map_err(|e| e.to_string()),
            Err("missing field `id` at line 1 column 13".into())
        );
        let null = from_slice::<Thing>(br#"{"id": null}"#).map(|_| ());
        assert!(
            null.is_err_and(|e| e.to_string().contains("`id` is null")),
            "null in a required member is named"
        );
        // Malformed JSON is an error, not a lenient decode.
        assert!(from_slice::<Thing>(br#"{"id": "a""#).is_err());
    }

    /// What the generator writes for `{ name: string (required) }`.
    #[derive(Debug, Default)]
    struct Named {
        name: String,
        extra: Extra,
    }

    impl Object for Named {
        const NAME: &'static str = "Named";
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut extra = Extra::new();
            let mut name = None;
            while let Some(key) = map.next_key::<Text<'de>>()? {
                match key.as_str() {
                    "name" => name = field(&mut map, &key, &mut extra)?,
                    _ => undeclared(&mut map, key, &mut extra)?,
                }
            }
            Ok(Named {
                name: filled(name, "name", &extra)?,
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Named {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    impl Serialize for Named {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut w = writer(serializer, &self.extra)?;
            w.filled("name", &self.name)?;
            w.end()
        }
    }

    #[test]
    fn a_filled_required_field_writes_back_what_came_until_it_is_set()
    -> Result<(), serde_json::Error> {
        for sent in [json!({"name": null}), json!({"name": ["not", "text"]})] {
            let mut named: Named = from_slice(&serde_json::to_vec(&sent)?)?;
            assert_eq!(named.name, "");
            assert_eq!(serde_json::to_value(&named)?, sent);
            named.name = "set".into();
            assert_eq!(serde_json::to_value(&named)?, json!({"name": "set"}));
        }
        // Missing: the default, written back as the default.
        let named: Named = from_slice(b"{}")?;
        assert_eq!(serde_json::to_value(&named)?, json!({"name": ""}));
        Ok(())
    }
}
