//! One enum for each set of values, instead of one per inline schema.
//!
//! typify makes a Rust enum of every inline `enum` of the spec, and the
//! specs repeat the same inline enums everywhere (`type: [IDENTITY]` in
//! every reference object, `[ASC, DESC]`, ...): in v2025 about 380 of the
//! 650 enums have the values of another, each compiled with its own serde,
//! `Display`, `FromStr` and conversion impls. An enum whose definition and
//! impls are, token for token, those of another but for its name becomes
//! `pub type Name = Shared;`, keeping its name and docs: a caller's paths,
//! variants and patterns (`Name::Identity`, `Name::Unknown(s)`) still
//! work, and the compiler sees one type. The shared enum is the one with
//! the shortest name of its group (then the first alphabetically).
//!
//! Two enums that differ in anything but their name and docs (a variant's
//! docs, a default, an extra impl) stay apart, and so does an enum another
//! type implements a trait for in its name (`impl From<Name> for X`), which
//! would conflict once the names are one type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Item, ItemType};

use crate::generate::references::{Place, key_of_item, types_items};

/// Merges the duplicate enums of `types` (the `types` module's items);
/// returns `alias = shared` for each enum that became an alias, sorted.
pub fn merge_duplicate_enums(types: &mut Vec<Item>) -> Vec<String> {
    let enums: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let pinned = named_by_foreign_impls(types, &enums);

    // Each enum's definition and impls with its name made generic.
    let mut parts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for item in types.iter() {
        let Some(key) = key_of_item(item, Place::Types) else {
            continue;
        };
        let Some(name) = enums.get(&key) else {
            continue;
        };
        if pinned.contains(name) {
            continue;
        }
        parts
            .entry(name.as_str())
            .or_default()
            .push(anonymous(item, name));
    }
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, mut items) in parts {
        items.sort();
        groups.entry(items.join("\n")).or_default().push(name);
    }

    let mut alias_of: BTreeMap<String, String> = BTreeMap::new();
    for names in groups.into_values().filter(|names| names.len() > 1) {
        let Some(shared) = names.iter().min_by_key(|n| (n.len(), **n)) else {
            continue;
        };
        for name in &names {
            if name != shared {
                alias_of.insert(name.to_string(), shared.to_string());
            }
        }
    }

    let mut out = Vec::with_capacity(types.len());
    for item in std::mem::take(types) {
        let key = key_of_item(&item, Place::Types);
        match (key.as_ref().and_then(|k| alias_of.get(k)), item) {
            (Some(shared), Item::Enum(e)) => {
                let shared = Ident::new(shared, Span::call_site());
                let name = &e.ident;
                let docs = e.attrs.iter().filter(|a| a.path().is_ident("doc"));
                let alias: ItemType = syn::parse_quote! {
                    #(#docs)*
                    pub type #name = #shared;
                };
                out.push(Item::Type(alias));
            }
            // The shared enum's impls serve the alias.
            (Some(_), _) => {}
            (None, item) => out.push(item),
        }
    }
    *types = out;
    alias_of
        .into_iter()
        .map(|(alias, shared)| format!("{alias} = {shared}"))
        .collect()
}

/// Enums named in the trait of an impl for another type, anywhere in
/// `types` (its submodules included).
fn named_by_foreign_impls(types: &[Item], enums: &BTreeSet<String>) -> BTreeSet<String> {
    let mut pinned = BTreeSet::new();
    for (item, place) in types_items(types) {
        let Item::Impl(imp) = item else { continue };
        let Some((trait_path, _)) = &imp.trait_ else {
            continue;
        };
        let own = key_of_item(item, place);
        let mut named = BTreeSet::new();
        idents(trait_path.to_token_stream(), &mut named);
        for name in named {
            if enums.contains(&name) && own.as_deref() != Some(name.as_str()) {
                pinned.insert(name);
            }
        }
    }
    pinned
}

fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for token in tokens {
        match token {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

/// `item` as tokens, `name` replaced by a placeholder and the enum's own
/// docs left out.
fn anonymous(item: &Item, name: &str) -> String {
    let mut item = item.clone();
    if let Item::Enum(e) = &mut item {
        e.attrs.retain(|a| !a.path().is_ident("doc"));
    }
    rename(item.to_token_stream(), name).to_string()
}

fn rename(tokens: TokenStream, name: &str) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(i) if i == name => {
                TokenTree::Ident(Ident::new("__SharedEnum", i.span()))
            }
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), rename(g.stream(), name));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn items(tokens: TokenStream) -> Vec<Item> {
        syn::parse2::<syn::File>(tokens).expect("parses").items
    }

    fn names(types: &[Item]) -> Vec<String> {
        types
            .iter()
            .filter_map(|item| match item {
                Item::Enum(e) => Some(format!("enum {}", e.ident)),
                Item::Type(t) => Some(format!("type {} = {}", t.ident, t.ty.to_token_stream())),
                Item::Impl(i) => Some(format!("impl {}", i.self_ty.to_token_stream())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn enums_with_the_same_values_and_impls_become_aliases_of_the_shortest() {
        let mut types = items(quote! {
            /// Owner type.
            pub enum AccessItemOwnerType { Identity, Unknown(String) }
            impl Display for AccessItemOwnerType {
                fn fmt(&self) { match self { AccessItemOwnerType::Identity => "IDENTITY", AccessItemOwnerType::Unknown(s) => s } }
            }
            /// Type of the reviewer.
            pub enum ReviewerType { Identity, Unknown(String) }
            impl Display for ReviewerType {
                fn fmt(&self) { match self { ReviewerType::Identity => "IDENTITY", ReviewerType::Unknown(s) => s } }
            }
            /// Same variants, another wire value: stays.
            pub enum OtherType { Identity, Unknown(String) }
            impl Display for OtherType {
                fn fmt(&self) { match self { OtherType::Identity => "identity", OtherType::Unknown(s) => s } }
            }
            pub struct Owner { pub type_: AccessItemOwnerType }
        });
        let merged = merge_duplicate_enums(&mut types);
        assert_eq!(merged, ["AccessItemOwnerType = ReviewerType"]);
        assert_eq!(
            names(&types),
            [
                "type AccessItemOwnerType = ReviewerType",
                "enum ReviewerType",
                "impl ReviewerType",
                "enum OtherType",
                "impl OtherType",
            ]
        );
        let Item::Type(alias) = &types[0] else {
            unreachable!()
        };
        assert_eq!(
            alias.attrs[0].to_token_stream().to_string(),
            quote!(#[doc = r" Owner type."]).to_string()
        );
    }

    #[test]
    fn an_enum_named_by_another_types_impl_stays() {
        let mut types = items(quote! {
            pub enum A { X }
            pub enum B { X }
            impl From<B> for String { fn from(b: B) -> String { String::new() } }
        });
        assert!(merge_duplicate_enums(&mut types).is_empty());
        assert_eq!(names(&types), ["enum A", "enum B", "impl String"]);
    }
}
