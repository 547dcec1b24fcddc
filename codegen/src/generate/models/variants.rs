//! `oneOf`/`anyOf` that decode to the right variant. typify makes a `oneOf`
//! of objects a `#[serde(untagged)]` enum, which takes the first variant
//! that decodes: an object variant with few required fields (the
//! access-profile search document requires only `id` and `name`) took every
//! later one's data and dropped the fields it does not declare. It makes an
//! `anyOf` a struct of flattened `Option`s, where the first branch consumes
//! the fields it shares with the others and a branch that fails is `None`
//! without a word (a campaign decoded as `{}`).
//!
//! Rewrite of the untagged enums with two or more object variants (or a
//! spec `discriminator`): a generated `Deserialize` reads the value once and
//! asks `sailpoint_runtime::models::Variants` which variants to try, in
//! order: the ones the discriminator value maps to, if the data carries a
//! mapped value; otherwise every variant, the one that declares the most of
//! the present keys first (then the one declaring fewer keys, then
//! declaration order). The first that decodes wins. Serialization is
//! unchanged (untagged).
//!
//! Rewrite of the `anyOf` structs: each branch decodes from the whole value
//! on its own, and serialization merges the branches' objects (first branch
//! first for a key several share); a value no branch accepts is an error.
//!
//! The report lists every rewritten type, how it chooses, the variants the
//! old declaration order shadowed and the ones still indistinguishable.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::{Fields, Ident, Item, ItemEnum, ItemStruct, Meta, Type};

use crate::generate::shape::typify::{
    derives, drop_derives, has_flag, is_named, is_option, rename, serde_metas,
};
use crate::names::pascal;

const COMPONENTS: &str = "#/components/schemas/";

/// The serde keys of a struct's fields, and those it requires.
#[derive(Clone, Debug, Default)]
struct Shape {
    keys: BTreeSet<String>,
    required: BTreeSet<String>,
}

/// A spec discriminator: its property, and the values mapped to each
/// variant's type name.
#[derive(Clone, Debug, Default)]
struct Discriminator {
    property: String,
    tags: BTreeMap<String, Vec<String>>,
}

/// Rewrites the `oneOf` enums and `anyOf` structs of `items` (the `types`
/// module); returns the report lines, one per rewritten type.
pub fn choose_variants(items: &mut Vec<Item>, document: &Value) -> Result<Vec<String>, String> {
    let shapes = shapes(items);
    let discriminators = discriminators(document);
    let mut report = Vec::new();
    let mut extra = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) if is_untagged(e) => {
                let name = e.ident.to_string();
                if let Some((tokens, line)) = rewrite_one_of(e, &shapes, discriminators.get(&name))?
                {
                    extra.push(tokens);
                    report.push(line);
                }
            }
            Item::Struct(s) => {
                if let Some(tokens) = rewrite_any_of(s) {
                    let branches = s.fields.len();
                    extra.push(tokens);
                    report.push(format!(
                        "`{}` (anyOf): each of its {branches} branches decodes from the whole value; encoding merges them",
                        s.ident
                    ));
                }
            }
            _ => {}
        }
    }
    for tokens in extra {
        let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        items.extend(file.items);
    }
    report.sort();
    Ok(report)
}

/// The shapes of the structs with named fields and no flattened field.
fn shapes(items: &[Item]) -> BTreeMap<String, Shape> {
    let mut out = BTreeMap::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        let mut shape = Shape::default();
        let mut flattened = false;
        for field in &fields.named {
            let metas = serde_metas(&field.attrs);
            flattened |= has_flag(&metas, "flatten");
            let key = rename(&metas).unwrap_or_else(|| {
                field
                    .ident
                    .as_ref()
                    .map(|i| i.to_string().trim_start_matches("r#").to_string())
                    .unwrap_or_default()
            });
            if !is_option(&field.ty) && !has_flag(&metas, "default") {
                shape.required.insert(key.clone());
            }
            shape.keys.insert(key);
        }
        if !flattened {
            out.insert(s.ident.to_string(), shape);
        }
    }
    out
}

/// The discriminators of the spec's `oneOf`/`anyOf` components, by the
/// Rust name of the component. Without a `mapping`, each variant's value
/// is its schema name (OpenAPI's implicit mapping).
fn discriminators(document: &Value) -> BTreeMap<String, Discriminator> {
    let mut out = BTreeMap::new();
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(property) = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let mut tags: BTreeMap<String, Vec<String>> = BTreeMap::new();
        match schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object)
        {
            Some(mapping) => {
                for (value, target) in mapping {
                    if let Some(target) = target.as_str().and_then(|t| t.strip_prefix(COMPONENTS)) {
                        tags.entry(pascal(target)).or_default().push(value.clone());
                    }
                }
            }
            None => {
                let refs = ["oneOf", "anyOf"]
                    .iter()
                    .filter_map(|k| schema.get(*k).and_then(Value::as_array))
                    .flatten()
                    .filter_map(|v| v.get("$ref").and_then(Value::as_str))
                    .filter_map(|r| r.strip_prefix(COMPONENTS));
                for target in refs {
                    tags.entry(pascal(target))
                        .or_default()
                        .push(target.to_string());
                }
            }
        }
        out.insert(
            pascal(name),
            Discriminator {
                property: property.to_string(),
                tags,
            },
        );
    }
    out
}

fn is_untagged(e: &ItemEnum) -> bool {
    serde_metas(&e.attrs)
        .iter()
        .any(|m| matches!(m, Meta::Path(p) if p.is_ident("untagged")))
}

/// The name of a plain type path (`Foo`), if it is one.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.get_ident().map(Ident::to_string),
        _ => None,
    }
}

fn rewrite_one_of(
    e: &mut ItemEnum,
    shapes: &BTreeMap<String, Shape>,
    discriminator: Option<&Discriminator>,
) -> Result<Option<(TokenStream, String)>, String> {
    if !derives(&e.attrs).iter().any(|p| is_named(p, "Deserialize")) {
        return Ok(None);
    }
    let mut variants = Vec::new();
    for variant in &e.variants {
        let Fields::Unnamed(fields) = &variant.fields else {
            return Ok(None);
        };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
            return Ok(None);
        };
        let inner = type_name(&field.ty);
        let shape = inner.as_ref().and_then(|n| shapes.get(n));
        let tags: Vec<String> = match (discriminator, &inner) {
            (Some(d), Some(inner)) => d.tags.get(inner).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        variants.push((variant.ident.clone(), field.ty.clone(), shape, tags));
    }
    let objects = variants.iter().filter(|v| v.2.is_some()).count();
    if objects < 2 && discriminator.is_none() {
        return Ok(None);
    }
    let name = &e.ident;
    let name_text = name.to_string();
    if let Some(d) = discriminator {
        // A variant that is no object (a typeahead hit's string) cannot
        // carry the discriminating property, so needs no value.
        let unmapped: Vec<String> = variants
            .iter()
            .filter(|v| v.2.is_some() && v.3.is_empty())
            .map(|v| v.0.to_string())
            .collect();
        if !unmapped.is_empty() {
            return Err(format!(
                "`{name_text}`: discriminator `{}` maps no value to {unmapped:?}",
                d.property
            ));
        }
    }
    drop_derives(&mut e.attrs, &["Deserialize"]);

    let table = variants.iter().map(|(ident, _, shape, tags)| {
        let ident = ident.to_string();
        let keys: Vec<&String> = shape.map(|s| s.keys.iter().collect()).unwrap_or_default();
        quote! {
            ::sailpoint_runtime::models::Variant { name: #ident, tags: &[#(#tags),*], keys: &[#(#keys),*] }
        }
    });
    let property = match discriminator {
        Some(d) => {
            let p = &d.property;
            quote!(::std::option::Option::Some(#p))
        }
        None => quote!(::std::option::Option::None),
    };
    let arms = variants.iter().enumerate().map(|(index, (ident, ty, _, _))| {
        quote!(#index => <#ty as ::serde::Deserialize>::deserialize(value).map(Self::#ident),)
    });
    let tokens = quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const VARIANTS: ::sailpoint_runtime::models::Variants = ::sailpoint_runtime::models::Variants {
                    name: #name_text,
                    discriminator: #property,
                    variants: &[#(#table),*],
                };
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                VARIANTS
                    .decode(&value, |index, value| match index {
                        #(#arms)*
                        _ => ::std::result::Result::Err(<::serde_json::Error as ::serde::de::Error>::custom("no such variant")),
                    })
                    .map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
    Ok(Some((
        tokens,
        report_line(&name_text, &variants, discriminator),
    )))
}

type VariantFacts<'a> = (Ident, Type, Option<&'a Shape>, Vec<String>);

fn report_line(
    name: &str,
    variants: &[VariantFacts<'_>],
    discriminator: Option<&Discriminator>,
) -> String {
    let how = match discriminator {
        Some(d) => {
            let mapped: Vec<String> = variants
                .iter()
                .filter(|(_, _, _, tags)| !tags.is_empty())
                .map(|(ident, _, _, tags)| format!("{} → {ident}", tags.join("|")))
                .collect();
            let untagged: Vec<String> = variants
                .iter()
                .filter(|(_, _, _, tags)| tags.is_empty())
                .map(|(ident, _, _, _)| ident.to_string())
                .collect();
            let besides = if untagged.is_empty() {
                String::new()
            } else {
                format!("; not an object: {}", untagged.join(", "))
            };
            format!(
                "discriminator `{}` ({}{besides}), else the most specific",
                d.property,
                mapped.join(", ")
            )
        }
        None => "the variant declaring most of the present keys".to_string(),
    };
    // Shadowed in declaration order: an earlier object variant whose
    // required keys a later one declares took the later one's data.
    let mut shadowed = Vec::new();
    let mut same = Vec::new();
    for (j, (later, _, later_shape, _)) in variants.iter().enumerate() {
        let Some(later_shape) = later_shape else {
            continue;
        };
        if let Some((earlier, _, earlier_shape, _)) = variants[..j]
            .iter()
            .find(|(_, _, shape, _)| shape.is_some_and(|s| s.required.is_subset(&later_shape.keys)))
        {
            shadowed.push(format!("{later} by {earlier}"));
            if discriminator.is_none() && earlier_shape.is_some_and(|s| s.keys == later_shape.keys)
            {
                same.push(format!("{later} (same keys as {earlier})"));
            }
        }
    }
    let mut line = format!("`{name}` (oneOf): {how}");
    if !shadowed.is_empty() {
        line.push_str(&format!("; shadowed before: {}", shadowed.join(", ")));
    }
    if !same.is_empty() {
        line.push_str(&format!(
            "; still indistinguishable, the first wins: {}",
            same.join(", ")
        ));
    }
    line
}

/// typify's struct for an `anyOf`: only `#[serde(flatten)]` `Option`
/// fields named `subtype_N`.
fn rewrite_any_of(s: &mut ItemStruct) -> Option<TokenStream> {
    let Fields::Named(fields) = &s.fields else {
        return None;
    };
    let is_any_of = !fields.named.is_empty()
        && fields.named.iter().all(|f| {
            is_option(&f.ty)
                && has_flag(&serde_metas(&f.attrs), "flatten")
                && f.ident
                    .as_ref()
                    .is_some_and(|i| i.to_string().starts_with("subtype_"))
        });
    let serde_derived = derives(&s.attrs)
        .iter()
        .filter(|p| is_named(p, "Deserialize") || is_named(p, "Serialize"))
        .count()
        == 2;
    if !is_any_of || !serde_derived {
        return None;
    }
    let idents: Vec<Ident> = fields
        .named
        .iter()
        .filter_map(|f| f.ident.clone())
        .collect();
    drop_derives(&mut s.attrs, &["Deserialize", "Serialize"]);
    for field in s.fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let name = &s.ident;
    let name_text = name.to_string();
    let count = idents.len();
    let value = Ident::new("value", Span::call_site());
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let #value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                ::sailpoint_runtime::models::any_of(
                    || Self {
                        #(#idents: ::sailpoint_runtime::models::any_of_branch(&#value),)*
                    },
                    |this: &Self| #(this.#idents.is_some())||*,
                )
                .ok_or_else(|| <D::Error as ::serde::de::Error>::custom(
                    ::sailpoint_runtime::models::no_branch(#name_text, #count),
                ))
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::sailpoint_runtime::models::serialize_any_of(
                    serializer,
                    [#(self.#idents.as_ref().map(::serde_json::to_value),)*],
                )
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(tokens: TokenStream) -> Vec<Item> {
        syn::parse2::<syn::File>(tokens)
            .map(|f| f.items)
            .unwrap_or_default()
    }

    fn text(items: Vec<Item>) -> String {
        let mut file: syn::File = syn::parse_quote!();
        file.items = items;
        prettyplease::unparse(&file)
    }

    fn documents() -> TokenStream {
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct ProfileDoc { pub id: String, pub name: String }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct IdentityDoc {
                pub id: String,
                pub name: String,
                #[serde(rename = "displayName", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub display_name: ::std::option::Option<String>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Doc { ProfileDoc(ProfileDoc), IdentityDoc(IdentityDoc) }
        }
    }

    #[test]
    fn object_one_ofs_get_a_choosing_deserialize_and_a_report() {
        let mut items = parse(documents());
        let report = choose_variants(&mut items, &json!({}));
        assert_eq!(
            report,
            Ok(vec![
                "`Doc` (oneOf): the variant declaring most of the present keys; shadowed before: IdentityDoc by ProfileDoc".to_string()
            ])
        );
        let text = text(items);
        assert!(
            text.contains(
                "#[derive(::serde::Serialize, Clone, Debug)]\n#[serde(untagged)]\npub enum Doc"
            ),
            "{text}"
        );
        assert!(
            text.contains("impl<'de> ::serde::Deserialize<'de> for Doc"),
            "{text}"
        );
        assert!(
            text.contains(r#"keys: &["displayName", "id", "name"]"#),
            "{text}"
        );
        assert!(
            text.contains("discriminator: ::std::option::Option::None"),
            "{text}"
        );
    }

    #[test]
    fn a_discriminator_maps_values_to_variants_and_must_cover_them() {
        let document = json!({"components": {"schemas": {"Doc": {
            "oneOf": [{"$ref": "#/components/schemas/ProfileDoc"}, {"$ref": "#/components/schemas/IdentityDoc"}],
            "discriminator": {"propertyName": "_type", "mapping": {
                "accessprofile": "#/components/schemas/ProfileDoc",
                "identity": "#/components/schemas/IdentityDoc"}}}}}});
        let mut items = parse(documents());
        let report = choose_variants(&mut items, &document).unwrap_or_default();
        assert!(
            report[0].contains(
                "discriminator `_type` (accessprofile → ProfileDoc, identity → IdentityDoc)"
            ),
            "{report:?}"
        );
        let text = text(items);
        assert!(text.contains(r#"tags: &["identity"]"#), "{text}");

        let partial = json!({"components": {"schemas": {"Doc": {
            "discriminator": {"propertyName": "_type", "mapping": {
                "identity": "#/components/schemas/IdentityDoc"}}}}}});
        let mut items = parse(documents());
        let error = choose_variants(&mut items, &partial)
            .err()
            .unwrap_or_default();
        assert!(
            error.contains("maps no value to [\"ProfileDoc\"]"),
            "{error}"
        );

        // A variant that is no object cannot carry the property: it needs
        // no value, and the report names it apart.
        let mut items = parse(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct IdentityDoc { pub id: String }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Doc { IdentityDoc(IdentityDoc), String(::std::string::String) }
        });
        let hits = json!({"components": {"schemas": {"Doc": {
            "discriminator": {"propertyName": "_type", "mapping": {
                "identity": "#/components/schemas/IdentityDoc"}}}}}});
        let report = choose_variants(&mut items, &hits).unwrap_or_default();
        assert!(
            report[0].contains("(identity → IdentityDoc; not an object: String)"),
            "{report:?}"
        );
    }

    #[test]
    fn primitive_one_ofs_are_left_alone_and_any_ofs_merge() {
        let mut items = parse(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Value { String(::std::string::String), Array(::std::vec::Vec<::std::string::String>) }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default)]
            pub struct Either {
                #[serde(flatten, skip_serializing_if = "::std::option::Option::is_none")]
                pub subtype_0: ::std::option::Option<A>,
                #[serde(flatten, skip_serializing_if = "::std::option::Option::is_none")]
                pub subtype_1: ::std::option::Option<B>,
            }
        });
        let report = choose_variants(&mut items, &json!({})).unwrap_or_default();
        assert_eq!(report.len(), 1, "{report:?}");
        assert!(report[0].starts_with("`Either` (anyOf)"), "{report:?}");
        let text = text(items);
        assert!(
            text.contains("#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]\n#[serde(untagged)]\npub enum Value"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Debug, Default)]\npub struct Either"),
            "{text}"
        );
        assert!(!text.contains("flatten"), "{text}");
        assert!(text.contains("serialize_any_of"), "{text}");
    }
}
