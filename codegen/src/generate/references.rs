//! Which generated items name which types, read from the syntax tree.
//!
//! The reach of an operation is computed from the generated code rather
//! than the spec's `$ref`s: typify names inline schemas itself
//! (`SourceOwner`, `ListSourcesResponseItem`...) and adds helpers (the
//! `defaults` functions, `null_as_default`) that no `$ref` mentions, and
//! the code is what must compile. Both [`super::features`] (a cargo
//! feature per tag) and [`super::struct_builders`] (struct builders only
//! for request types) read references this way.
//!
//! A *type key* names one node of the `types` module: a top-level item by
//! its identifier (a struct, enum, alias, or a private helper function),
//! or a function of `types::defaults` as `defaults::<name>`. Impls and the
//! struct builder of `types::builder` belong to the key of their self type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;
use syn::{Item, Type};

use super::shape::{self, typify};

/// The type key a path names, once the module prefixes a generated path may
/// carry (`crate::types::`, `super::`, `types::builder::`...) are removed.
/// Reads the identifiers in place (no string per segment): it runs on every
/// path of the generated code.
fn key_of_path(path: &syn::Path) -> Option<String> {
    let mut rest = path.segments.iter().map(|s| &s.ident).skip_while(|ident| {
        [
            "crate",
            "self",
            "super",
            shape::TYPES,
            shape::BUILDER,
            typify::STRUCT_BUILDERS,
        ]
        .iter()
        .any(|prefix| **ident == **prefix)
    });
    let first = rest.next()?;
    match rest.next() {
        Some(function) if first == typify::DEFAULTS => Some(format!("{first}::{function}")),
        _ => Some(first.to_string()),
    }
}

/// Every candidate key an item mentions: paths in code and types, paths
/// written as strings in `#[serde(...)]` (`deserialize_with`, `default`),
/// and any identifier inside a macro call (over-approximated: a macro's
/// tokens have no structure to read).
#[derive(Default)]
struct Mentions(BTreeSet<String>);

impl Mentions {
    fn tokens(&mut self, tokens: TokenStream, serde: bool) {
        for token in tokens {
            match token {
                TokenTree::Group(g) => self.tokens(g.stream(), serde),
                TokenTree::Ident(ident) if !serde => {
                    self.0.insert(ident.to_string());
                }
                TokenTree::Literal(literal) if serde => {
                    let Ok(syn::Lit::Str(text)) = syn::parse_str::<syn::Lit>(&literal.to_string())
                    else {
                        continue;
                    };
                    if let Ok(path) = syn::parse_str::<syn::ExprPath>(&text.value())
                        && let Some(key) = key_of_path(&path.path)
                    {
                        self.0.insert(key);
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Mentions {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(key) = key_of_path(path) {
            self.0.insert(key);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if attr.path().is_ident("serde")
            && let syn::Meta::List(list) = &attr.meta
        {
            self.tokens(list.tokens.clone(), true);
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        self.tokens(mac.tokens.clone(), false);
    }
}

/// The keys among `known` that `item` mentions.
pub fn mentioned_in(item: &Item, known: &BTreeMap<String, Node>) -> BTreeSet<String> {
    let mut mentions = Mentions::default();
    mentions.visit_item(item);
    mentions
        .0
        .into_iter()
        .filter(|k| known.contains_key(k))
        .collect()
}

/// The name of an impl's self type, without generics or module prefixes.
pub fn impl_self_key(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        Type::Path(p) => key_of_path(&p.path),
        _ => None,
    }
}

/// Where an item of the `types` module sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Directly in `types`.
    Types,
    /// In `types::builder` (typify's struct builders).
    StructBuilder,
    /// In `types::defaults`.
    Defaults,
}

/// One type key: whether it is a type definition, and what the items
/// belonging to it mention.
#[derive(Default, Debug)]
pub struct Node {
    /// The struct, enum or alias itself (not a function or an impl).
    pub is_type: bool,
    /// Keys its definition mentions (fields, variants, alias target).
    pub definition_mentions: BTreeSet<String>,
    /// Keys any of its items mentions (definition, impls, struct builder).
    pub mentions: BTreeSet<String>,
}

/// The key an item of `types` (at `place`) belongs to, if any: modules
/// other than `builder` and `defaults` (typify's `error`) and imports
/// belong to none and are always compiled.
pub fn key_of_item(item: &Item, place: Place) -> Option<String> {
    let ident = match item {
        Item::Struct(s) => &s.ident,
        Item::Enum(e) => &e.ident,
        Item::Type(t) => &t.ident,
        Item::Union(u) => &u.ident,
        Item::Fn(f) => &f.sig.ident,
        Item::Const(c) => &c.ident,
        Item::Static(s) => &s.ident,
        Item::Impl(i) => return impl_self_key(i),
        _ => return None,
    };
    Some(match place {
        Place::Defaults => format!("defaults::{ident}"),
        Place::Types | Place::StructBuilder => ident.to_string(),
    })
}

/// Every item of `types` with its place, the submodules `builder` and
/// `defaults` opened.
pub fn types_items(types: &[Item]) -> Vec<(&Item, Place)> {
    let mut out = Vec::new();
    for item in types {
        match item {
            Item::Mod(m) if m.ident == typify::STRUCT_BUILDERS || m.ident == typify::DEFAULTS => {
                let place = if m.ident == typify::STRUCT_BUILDERS {
                    Place::StructBuilder
                } else {
                    Place::Defaults
                };
                for inner in m.content.iter().flat_map(|(_, items)| items) {
                    out.push((inner, place));
                }
            }
            _ => out.push((item, Place::Types)),
        }
    }
    out
}

/// The graph of the `types` module's keys.
pub fn type_graph(types: &[Item]) -> BTreeMap<String, Node> {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let items = types_items(types);
    // Keys first: an impl's self type is a node only when the type is.
    for (item, place) in &items {
        if matches!(item, Item::Impl(_)) {
            continue;
        }
        if let Some(key) = key_of_item(item, *place)
            && *place != Place::StructBuilder
        {
            let node = nodes.entry(key).or_default();
            node.is_type |= matches!(item, Item::Struct(_) | Item::Enum(_) | Item::Type(_));
        }
    }
    let mut mentions: Vec<(String, BTreeSet<String>, bool)> = Vec::new();
    for (item, place) in &items {
        let Some(key) = key_of_item(item, *place).filter(|k| nodes.contains_key(k)) else {
            continue;
        };
        let definition = *place == Place::Types
            && matches!(item, Item::Struct(_) | Item::Enum(_) | Item::Type(_));
        mentions.push((key, mentioned_in(item, &nodes), definition));
    }
    for (key, found, definition) in mentions {
        if let Some(node) = nodes.get_mut(&key) {
            if definition {
                node.definition_mentions.extend(found.iter().cloned());
            }
            node.mentions.extend(found);
        }
    }
    nodes
}

/// The keys reachable from `roots` through `edges` (the roots included).
pub fn closure<'g>(
    roots: impl IntoIterator<Item = String>,
    edges: impl Fn(&str) -> Option<&'g BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(key) = stack.pop() {
        if !seen.insert(key.clone()) {
            continue;
        }
        if let Some(next) = edges(&key) {
            stack.extend(next.iter().filter(|k| !seen.contains(*k)).cloned());
        }
    }
    seen
}

/// The identifier an item of the operation `builder` module belongs to (a
/// builder struct, or an impl of one).
pub fn operation_builder_key(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Impl(i) => impl_self_key(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(code: &str) -> BTreeMap<String, Node> {
        let file: syn::File = syn::parse_str(code).expect("parses");
        type_graph(&file.items)
    }

    #[test]
    fn references_are_read_from_paths_serde_strings_and_submodules() {
        let nodes = graph(
            r#"
            pub struct A { #[serde(deserialize_with = "null_as_default")] pub b: Vec<B>, #[serde(default = "defaults::a_c")] pub c: super::C }
            pub struct B { pub x: u8 }
            pub enum C { B, Other }
            pub struct D { pub a: crate::types::A }
            impl From<&D> for D { fn from(d: &D) -> D { d.clone() } }
            impl ::std::convert::From<B> for D { fn from(_: B) -> D { todo!() } }
            pub mod builder { pub struct D { a: Result<super::A, String> } impl From<super::D> for D { fn from(_: super::D) -> D { todo!() } } }
            pub mod defaults { pub(super) fn a_c() -> super::C { super::C::Other } }
            pub mod error { pub struct ConversionError; }
            fn null_as_default() {}
            "#,
        );
        let keys: Vec<&str> = nodes.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["A", "B", "C", "D", "defaults::a_c", "null_as_default"]
        );
        let a = &nodes["A"];
        assert_eq!(
            a.definition_mentions,
            ["B", "C", "defaults::a_c", "null_as_default"]
                .map(String::from)
                .into()
        );
        // A variant named like a type is not a mention of the type.
        assert!(nodes["C"].mentions.is_empty(), "{:?}", nodes["C"].mentions);
        // The impl `From<B> for D` and the struct builder belong to D.
        assert_eq!(
            nodes["D"].definition_mentions,
            ["A"].map(String::from).into()
        );
        assert_eq!(
            nodes["D"].mentions,
            ["A", "B", "D"].map(String::from).into()
        );
        assert_eq!(
            nodes["defaults::a_c"].mentions,
            ["C"].map(String::from).into()
        );
        assert!(nodes["A"].is_type && !nodes["null_as_default"].is_type);
        let reach = closure(["D".to_string()], |k| nodes.get(k).map(|n| &n.mentions));
        assert_eq!(
            reach,
            ["A", "B", "C", "D", "defaults::a_c", "null_as_default"]
                .map(String::from)
                .into()
        );
    }
}
