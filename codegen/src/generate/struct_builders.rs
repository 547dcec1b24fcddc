//! Keeps typify's struct builders only for types a request can reach.
//!
//! progenitor's builder interface turns on typify's struct builders for
//! every struct: `types::builder::X`, `X::builder()` and the `From`/`TryFrom`
//! impls between them, 65% of v2025's types file. A builder composes a
//! value to send; a type only ever decoded from a response needs none.
//! progenitor's `body_map` builds a JSON body through `types::builder::X`,
//! and a caller composes the types nested in parameters and bodies.
//!
//! A request reaches the types named by the fields of an operation builder
//! (its parameters and body), and, transitively, every type named by those
//! types' definitions (fields, variants, alias targets). The struct
//! builders of every other type, and their `builder()` functions, go.

use std::collections::BTreeSet;

use syn::Item;

use super::references::{Place, closure, key_of_item, mentioned_in, type_graph};
use super::shape::{self, typify};
use crate::error::Error;

/// How many struct builders were kept and dropped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Trimmed {
    pub kept: usize,
    pub dropped: usize,
}

/// The type keys a request can reach: those named by the operation
/// builders' structs, closed over type definitions.
pub fn request_types(types: &[Item], operations: &[Item]) -> BTreeSet<String> {
    let nodes = type_graph(types);
    let roots: BTreeSet<String> = operations
        .iter()
        .filter(|item| matches!(item, Item::Struct(_)))
        .flat_map(|item| mentioned_in(item, &nodes))
        .collect();
    closure(roots, |k| nodes.get(k).map(|n| &n.definition_mentions))
}

pub fn keep_request_builders(types: &mut Vec<Item>, operations: &[Item]) -> Result<Trimmed, Error> {
    let keep = request_types(types, operations);
    let mut trimmed = Trimmed::default();
    let has_structs = types.iter().any(|item| matches!(item, Item::Struct(_)));
    let builder = match shape::module_mut(types, typify::STRUCT_BUILDERS) {
        Ok(builder) => builder,
        Err(_) if !has_structs => return Ok(trimmed),
        Err(_) => {
            return Err(Error::Internal(
                "typify generated no `types::builder` module: struct builders are off, so \
                 generate/struct_builders.rs has nothing to trim; remove the pass"
                    .into(),
            ));
        }
    };
    builder.retain(|item| {
        let kept = key_of_item(item, Place::StructBuilder).is_none_or(|k| keep.contains(&k));
        if let Item::Struct(_) = item {
            if kept {
                trimmed.kept += 1;
            } else {
                trimmed.dropped += 1;
            }
        }
        kept
    });
    for item in types.iter_mut() {
        let Item::Impl(i) = item else { continue };
        if i.trait_.is_some() || key_of_item(item, Place::Types).is_none_or(|k| keep.contains(&k)) {
            continue;
        }
        if let Item::Impl(i) = item {
            i.items.retain(|member| !typify::is_builder_fn(member));
        }
    }
    // Inherent impls left empty by the removal.
    types.retain(|item| !matches!(item, Item::Impl(i) if i.trait_.is_none() && i.items.is_empty()));
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_types_reachable_from_a_request_keep_their_builders() {
        let types: syn::File = syn::parse_str(
            r#"
            pub struct Body { pub inner: Inner }
            pub struct Inner { pub x: u8 }
            pub struct Response { pub inner: Inner }
            impl Body { pub fn builder() -> builder::Body { Default::default() } }
            impl Inner { pub fn builder() -> builder::Inner { Default::default() } }
            impl Response { pub fn builder() -> builder::Response { Default::default() } }
            pub mod builder {
                pub struct Body { inner: Result<super::Inner, String> }
                impl From<super::Body> for Body { fn from(_: super::Body) -> Self { todo!() } }
                pub struct Inner { x: Result<u8, String> }
                pub struct Response { inner: Result<super::Inner, String> }
                impl ::std::convert::TryFrom<Response> for super::Response { type Error = String; fn try_from(_: Response) -> Result<Self, String> { todo!() } }
            }
            "#,
        )
        .expect("parses");
        let operations: syn::File = syn::parse_str(
            "pub struct SendBody<'a> { client: &'a super::Client, body: Result<types::builder::Body, String> }
             impl<'a> SendBody<'a> { pub async fn send(self) -> Result<types::Response, ()> { todo!() } }",
        )
        .expect("parses");
        let mut items = types.items;
        let trimmed = keep_request_builders(&mut items, &operations.items).expect("trims");
        assert_eq!(
            trimmed,
            Trimmed {
                kept: 2,
                dropped: 1
            }
        );
        let text = prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: vec![],
            items,
        });
        assert!(!text.contains("impl Response"), "{text}");
        assert!(
            !text.contains("pub struct Response {\n        inner"),
            "{text}"
        );
        assert!(!text.contains("TryFrom<Response>"), "{text}");
        assert!(text.contains("impl Inner {"), "{text}");
        assert!(text.contains("impl From<super::Body> for Body"), "{text}");
    }

    #[test]
    fn no_struct_builders_is_an_error() {
        let mut items = syn::parse_str::<syn::File>("pub struct A;")
            .expect("parses")
            .items;
        assert!(keep_request_builders(&mut items, &[]).is_err());
    }
}
