//! One enum for each set of values, instead of one per inline schema.
//!
//! typify makes a Rust enum of every inline `enum` of the spec, and the
//! specs repeat the same inline enums everywhere (`type: [IDENTITY]` in
//! every reference object, `[ASC, DESC]`, ...): in v2025 about 380 of the
//! 650 enums have the values of another, each compiled with its own serde,
//! `Display`, `FromStr` and conversion impls. Enums whose definitions and
//! impls are, token for token, the same but for their names form a group;
//! the group's definition and impls are emitted once, as a shared enum, and
//! every member becomes `pub type Member = Shared;`, keeping its name and
//! docs: a caller's paths, variants and patterns (`Member::Identity`,
//! `Member::Unknown(s)`) still work, and the compiler sees one type.
//!
//! # Which shared enum an alias names
//!
//! The shared enum is named after the group's own definition, never after
//! a member: its variant names joined, then `Enum` (`IdentityEnum`,
//! `AscDescEnum`; past `MAX_VARIANTS_CHARS` (40) characters, the leading
//! variants and `And<N>More`), without the open enums' `Unknown` fallback. So a member
//! leaving the group (upstream adds a value to `OwnerDto.type`) or a new
//! member joining it re-points no other alias: only the enum that changed
//! changes, and that change is the spec's, which drift reports as such.
//! (The earlier rule, the member with the shortest name, re-pointed 68
//! aliases of v2025 from `OwnerDtoType` to `PatOwnerType` when
//! `OwnerDtoType` gained a value.)
//!
//! The one case where the name depends on other enums: two groups whose
//! names would be equal (same variant names, other wire values or impls),
//! or a name taken by another type. Each of them then ends in the first
//! hex digits of a SHA-256 over its own definition, which no other group's
//! change alters; a group gains or loses that suffix only when such a
//! collision starts or ends. A group of one is no group: the enum stays as
//! it is, under its own name.
//!
//! Two enums that differ in anything but their name and docs (a variant's
//! docs, a default, an extra impl) stay apart, and so does an enum another
//! type implements a trait for in its name (`impl From<Name> for X`), which
//! would conflict once the names are one type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use sha2::{Digest, Sha256};
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
    // Each item's key, computed once: the loops below would otherwise
    // recompute it for every item once per group (quadratic, and the
    // largest cost of generation before).
    let keys: Vec<Option<String>> = types
        .iter()
        .map(|item| key_of_item(item, Place::Types))
        .collect();

    // Each enum's definition and impls with its name made generic.
    let mut parts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (item, key) in types.iter().zip(&keys) {
        let Some(key) = key else {
            continue;
        };
        let Some(name) = enums.get(key) else {
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
    groups.retain(|_, names| names.len() > 1);

    let taken: BTreeSet<String> = keys.iter().flatten().cloned().collect();
    // The items of each enum by its key, in order, for the groups' first
    // members below.
    let mut items_of: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for (item, key) in types.iter().zip(&keys) {
        if let Some(key) = key.as_deref().filter(|k| enums.contains(*k)) {
            items_of.entry(key).or_default().push(item);
        }
    }
    let shared_names = shared_names(types, &groups, &taken);

    let mut alias_of: BTreeMap<String, String> = BTreeMap::new();
    // Each group's items, taken from its first member, renamed to the shared name.
    let mut shared_items: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for (key, names) in &groups {
        let (Some(shared), Some(first)) = (shared_names.get(key), names.first()) else {
            continue;
        };
        for name in names {
            alias_of.insert(name.to_string(), shared.clone());
        }
        let items = items_of
            .get(first)
            .into_iter()
            .flatten()
            .map(|item| shared_item(item, first, shared))
            .collect();
        shared_items.insert(shared.clone(), items);
    }

    drop(items_of);
    let mut out = Vec::with_capacity(types.len() + shared_items.len());
    for (item, key) in std::mem::take(types).into_iter().zip(keys) {
        // Shared enums go before the first type that sorts after them, as
        // typify orders its types by name.
        if let (Some(key), Item::Enum(_) | Item::Struct(_) | Item::Type(_)) = (&key, &item) {
            let before: Vec<String> = shared_items
                .range(..key.clone())
                .map(|(name, _)| name.clone())
                .collect();
            for name in before {
                out.extend(shared_items.remove(&name).unwrap_or_default());
            }
        }
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
    out.extend(shared_items.into_values().flatten());
    *types = out;
    alias_of
        .into_iter()
        .map(|(alias, shared)| format!("{alias} = {shared}"))
        .collect()
}

/// A shared enum's name lists all its variants if they fit in this many
/// characters; otherwise the leading ones that fit in
/// [`LEADING_VARIANTS_CHARS`] (at least one) and how many more there are.
const MAX_VARIANTS_CHARS: usize = 40;
const LEADING_VARIANTS_CHARS: usize = 32;
/// Hex digits of the definition's hash that tell colliding names apart.
const HASH_DIGITS: usize = 8;

/// The shared enum's name of each group (by group key), see the module
/// documentation.
fn shared_names(
    types: &[Item],
    groups: &BTreeMap<String, Vec<&str>>,
    taken: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut base_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut groups_per_base: BTreeMap<String, usize> = BTreeMap::new();
    for (key, names) in groups {
        let Some(first) = names.first() else { continue };
        let variants = types.iter().find_map(|item| match item {
            Item::Enum(e) if e.ident == first => Some(
                e.variants
                    .iter()
                    .filter(|v| !is_unlisted_fallback(v))
                    .map(|v| v.ident.to_string())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        });
        let base = base_name(&variants.unwrap_or_default());
        *groups_per_base.entry(base.clone()).or_default() += 1;
        base_of.insert(key.as_str(), base);
    }
    base_of
        .into_iter()
        .map(|(key, base)| {
            let collides = groups_per_base[&base] > 1 || taken.contains(&base);
            let name = if collides {
                let hash: String = Sha256::digest(key.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                format!("{base}{}", &hash[..HASH_DIGITS])
            } else {
                base
            };
            (key.to_string(), name)
        })
        .collect()
}

/// The variant [`super::open_enums`] adds for values the spec does not
/// list (`Unknown(String)`), the same in every open enum.
fn is_unlisted_fallback(variant: &syn::Variant) -> bool {
    let name = variant.ident.to_string();
    matches!(variant.fields, syn::Fields::Unnamed(_))
        && ["Unknown", "UnknownValue", "UnlistedValue"].contains(&name.as_str())
}

/// `IdentityEnum`, `AscDescEnum`, `ManualReassignmentAnd3MoreEnum`.
fn base_name(variants: &[String]) -> String {
    let all = variants.concat();
    if all.len() <= MAX_VARIANTS_CHARS {
        return format!("{all}Enum");
    }
    let mut name = String::new();
    let mut listed = 0;
    for variant in variants {
        if listed > 0 && name.len() + variant.len() > LEADING_VARIANTS_CHARS {
            break;
        }
        name.push_str(variant);
        listed += 1;
    }
    format!("{name}And{}MoreEnum", variants.len() - listed)
}

/// One of a group's items (the enum or an impl) for the shared enum: its
/// name made `shared`, and the member's own docs replaced on the enum.
fn shared_item(item: &Item, name: &str, shared: &str) -> Item {
    let mut item = item.clone();
    if let Item::Enum(e) = &mut item {
        e.attrs.retain(|a| !a.path().is_ident("doc"));
        e.attrs.insert(
            0,
            syn::parse_quote!(#[doc = " The values of several enums of the spec, each an alias of this one."]),
        );
    }
    let tokens = rename_to(item.to_token_stream(), name, shared);
    syn::parse2(tokens).unwrap_or(item)
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
    rename_to(tokens, name, "__SharedEnum")
}

fn rename_to(tokens: TokenStream, name: &str, to: &str) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(i) if i == name => TokenTree::Ident(Ident::new(to, i.span())),
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), rename_to(g.stream(), name, to));
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
    fn enums_with_the_same_values_and_impls_become_aliases_of_one_named_after_them() {
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
        assert_eq!(
            merged,
            [
                "AccessItemOwnerType = IdentityEnum",
                "ReviewerType = IdentityEnum"
            ]
        );
        assert_eq!(
            names(&types),
            [
                "type AccessItemOwnerType = IdentityEnum",
                "enum IdentityEnum",
                "impl IdentityEnum",
                "type ReviewerType = IdentityEnum",
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
        // The shared impl matches on the shared name, with the wire values.
        let Item::Impl(shared_impl) = &types[2] else {
            unreachable!()
        };
        let text = shared_impl.to_token_stream().to_string();
        assert!(
            text.contains("IdentityEnum :: Identity => \"IDENTITY\""),
            "{text}"
        );
    }

    /// `type: [IDENTITY]` enums, one per reference object: the merge of
    /// the groups in `enums`, each an open enum of `values` with a
    /// `Display` impl, as `alias -> shared` pairs.
    fn merged(enums: &[(&str, &[&str])]) -> BTreeMap<String, String> {
        let mut tokens = TokenStream::new();
        for (name, values) in enums {
            let name = Ident::new(name, Span::call_site());
            let variants: Vec<Ident> = values
                .iter()
                .map(|v| Ident::new(&heck::ToPascalCase::to_pascal_case(*v), Span::call_site()))
                .collect();
            tokens.extend(quote! {
                pub enum #name { #(#variants,)* Unknown(String) }
                impl Display for #name {
                    fn fmt(&self) { match self { #(Self::#variants => #values,)* Self::Unknown(s) => s } }
                }
            });
        }
        let mut types = items(tokens);
        merge_duplicate_enums(&mut types)
            .iter()
            .filter_map(|line| line.split_once(" = "))
            .map(|(alias, shared)| (alias.to_string(), shared.to_string()))
            .collect()
    }

    /// v2025's case: 69 `[IDENTITY]` enums, the one with the shortest name
    /// `OwnerDtoType`. Upstream adds a value to `OwnerDto.type`: it leaves
    /// the group, and every other member keeps the enum it aliases (the
    /// shortest-name rule re-pointed them all to `PatOwnerType`). A new,
    /// shorter member joining re-points nothing either.
    #[test]
    fn a_member_leaving_or_joining_a_group_re_points_no_other_alias() {
        let identity: &[&str] = &["IDENTITY"];
        let with_machine: &[&str] = &["IDENTITY", "MACHINE_IDENTITY"];
        let others = [
            ("PatOwnerType", identity),
            ("AccessAppsOwnerType", identity),
            ("ReviewerDtoType", identity),
            ("SortOrder", &["ASC", "DESC"][..]),
            ("SearchSortOrder", &["ASC", "DESC"][..]),
        ];
        let today: Vec<_> = [("OwnerDtoType", identity)]
            .into_iter()
            .chain(others)
            .collect();
        let before = merged(&today);
        assert_eq!(before["PatOwnerType"], "IdentityEnum");
        assert_eq!(before["OwnerDtoType"], "IdentityEnum");
        assert_eq!(before["SortOrder"], "AscDescEnum");

        let upstream: Vec<_> = [("OwnerDtoType", with_machine)]
            .into_iter()
            .chain(others)
            .collect();
        let after = merged(&upstream);
        assert!(
            !after.contains_key("OwnerDtoType"),
            "it has its own values now"
        );
        for (alias, _) in others {
            assert_eq!(before[alias], after[alias], "{alias} re-pointed");
        }

        let joined: Vec<_> = [("Type", identity)].into_iter().chain(today).collect();
        let with_newcomer = merged(&joined);
        for (alias, shared) in &before {
            assert_eq!(&with_newcomer[alias], shared, "{alias} re-pointed");
        }
        assert_eq!(with_newcomer["Type"], "IdentityEnum");
    }

    /// Two groups whose names would be one: each is told apart by its own
    /// definition's hash, whatever else changes.
    #[test]
    fn colliding_shared_names_are_told_apart_by_their_own_definition() {
        let upper: &[&str] = &["HIGH", "LOW"];
        let lower: &[&str] = &["high", "low"];
        let groups = [
            ("ApprovalPriority", upper),
            ("WorkItemPriority", upper),
            ("RiskLevel", lower),
            ("AppRiskLevel", lower),
        ];
        let first = merged(&groups);
        let (upper_name, lower_name) = (&first["ApprovalPriority"], &first["RiskLevel"]);
        assert_ne!(upper_name, lower_name);
        assert!(upper_name.starts_with("HighLowEnum"), "{upper_name}");
        assert_eq!(upper_name.len(), "HighLowEnum".len() + HASH_DIGITS);
        // An unrelated group joins with the same variant names: no rename.
        let more: Vec<_> = groups
            .into_iter()
            .chain([
                ("Severity", &["High", "Low"][..]),
                ("Level", &["High", "Low"][..]),
            ])
            .collect();
        let second = merged(&more);
        assert_eq!(&second["ApprovalPriority"], upper_name);
        assert_eq!(&second["RiskLevel"], lower_name);
        // Long value lists name the leading variants and count the rest.
        let long: &[&str] = &[
            "ACCESS_PROFILE",
            "ACCESS_REQUEST_CONFIG",
            "ATTR_SYNC_SOURCE_CONFIG",
            "AUTH_ORG",
        ];
        let names = merged(&[("X", long), ("Y", long)]);
        assert_eq!(names["X"], "AccessProfileAccessRequestConfigAnd2MoreEnum");
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
