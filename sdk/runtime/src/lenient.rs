//! The lenient reading of a body that did not match its schema
//! ([`object::from_slice`](crate::object::from_slice)), passed to the
//! generated models through the deserializer they read from, never through
//! a thread-local.
//!
//! [`Lenient`] reads a parsed [`Value`] as serde_json's own `&Value`
//! deserializer does, and answers two requests the generated models make
//! with a private name (serde's `deserialize_newtype_struct`, which every
//! other deserializer passes through unchanged):
//!
//! - [`FIELD`]: a typed field is read through [`Retry`], which offers the
//!   same value again, so that a value that does not fit its field can be
//!   kept in `extra` as received ([`object::field`](crate::object::field));
//! - [`CHOICE`]: a `oneOf`/`anyOf` receives the whole value, marked
//!   lenient ([`models`](crate::models)).
//!
//! From any other deserializer (serde_json's, serde's buffers) the models
//! read strictly: a value that does not fit fails the decode, which
//! `from_slice` then retries here.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::Value;

/// The name under which a generated object reads one of its typed fields.
pub(crate) const FIELD: &str = "$sailpoint_runtime::field";
/// The name under which a `oneOf`/`anyOf` reads the value it chooses for.
pub(crate) const CHOICE: &str = "$sailpoint_runtime::choice";

/// Reads a [`Value`] leniently (see the module docs).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lenient<'a>(pub(crate) &'a Value);

impl<'de> Deserializer<'de> for Lenient<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => {
                let mut seq = Items(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                match seq.0.len() {
                    0 => Ok(value),
                    _ => Err(serde_json::Error::invalid_length(
                        items.len(),
                        &"fewer elements in array",
                    )),
                }
            }
            Value::Object(object) => visitor.visit_map(Members {
                members: object.iter(),
                value: None,
            }),
            // Scalars read as serde_json reads them (a string borrowed).
            scalar => scalar.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match name {
            FIELD => visitor.visit_seq(Retry(self.0)),
            CHOICE => visitor.visit_map(Choice(Some(self.0))),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // typify's closed enums are strings; serde_json knows their forms.
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier
    }
}

/// The items of an array, each read leniently.
struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Lenient(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The members of an object, each value read leniently.
struct Members<'a> {
    members: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Members<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key.as_str()))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Lenient(value)),
            None => Err(serde_json::Error::custom("a value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// The value of one field, offered as often as it is asked for: first to
/// its field's type, then, if it did not fit, as it was received.
struct Retry<'a>(&'a Value);

impl<'de> SeqAccess<'de> for Retry<'de> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        seed.deserialize(Lenient(self.0)).map(Some)
    }
}

/// The value a `oneOf`/`anyOf` chooses for, as one member named [`CHOICE`].
struct Choice<'a>(Option<&'a Value>);

impl<'de> MapAccess<'de> for Choice<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.0 {
            Some(_) => seed
                .deserialize(BorrowedStrDeserializer::new(CHOICE))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0.take() {
            Some(value) => seed.deserialize(Lenient(value)),
            None => Err(serde_json::Error::custom("a value was read before its key")),
        }
    }
}
