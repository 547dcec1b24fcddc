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
//! spec `discriminator`): a generated `Deserialize` hands a table of the
//! variants (discriminator values, declared and required keys) to
//! `sailpoint_runtime::models::Variants::one_of`, which reads the value
//! once, chooses the variant from its keys (the discriminator value if it
//! maps one; else the variants whose required keys are all present first,
//! then the one declaring the most present keys, then the one declaring
//! fewer keys, then declaration order) and decodes that one. Serialization
//! is unchanged (untagged).
//!
//! Without a spec discriminator, a kind property is looked for: a string
//! property named `type` or `...Type` that every object variant declares
//! with an `example` of its own
//! (`accessType: app`, `accessType: role`...); those examples become the
//! variants' discriminator values, read from that property or, as
//! SailPoint's own examples also send it, from `type`.
//!
//! Rewrite of the `anyOf` structs: the same table, handed to
//! `Variants::any_of`, which sets only the branches that fit best (one
//! typed answer a caller can `match` on); serialization merges the
//! branches' objects (first branch first for a key several share); a value
//! no branch accepts is an error.
//!
//! The report lists every rewritten type, how it chooses, the variants the
//! old declaration order shadowed and the ones still indistinguishable.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::{Fields, Ident, Item, ItemEnum, ItemStruct, Type};

use crate::generate::shape::typify::{
    SerdeField, any_of_branches, derives, drop_derives, is_named, is_untagged_enum, plain_type_name,
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
/// variant's type name; or a kind property found in the variants
/// (`derived`).
#[derive(Clone, Debug, Default)]
struct Discriminator {
    property: String,
    tags: BTreeMap<String, Vec<String>>,
    derived: bool,
}

/// The member also read for a derived kind: SailPoint's examples send the
/// kind as `type` where the schemas say `accessType`.
const KIND_ALIAS: &str = "type";

/// Rewrites the `oneOf` enums and `anyOf` structs of `items` (the `types`
/// module); returns the report lines, one per rewritten type.
pub fn choose_variants(items: &mut Vec<Item>, document: &Value) -> Result<Vec<String>, String> {
    let shapes = shapes(items)?;
    let discriminators = discriminators(document);
    let examples = kind_examples(document);
    let mut report = Vec::new();
    let mut extra = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) if is_untagged_enum(e) => {
                let name = e.ident.to_string();
                let derived;
                let discriminator = match discriminators.get(&name) {
                    Some(d) => Some(d),
                    None => {
                        derived =
                            derived_kind(e.variants.iter().map(variant_type), &shapes, &examples);
                        derived.as_ref()
                    }
                };
                if let Some((tokens, line)) = rewrite_one_of(e, &shapes, discriminator)? {
                    extra.push(tokens);
                    report.push(line);
                }
            }
            Item::Struct(s) => {
                let name = s.ident.to_string();
                if let Some((tokens, how)) =
                    rewrite_any_of(s, &shapes, discriminators.get(&name), &examples)?
                {
                    let branches = s.fields.len();
                    extra.push(tokens);
                    report.push(format!(
                        "`{}` (anyOf): of its {branches} branches, only those fitting best are set ({how}); encoding merges them",
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
fn shapes(items: &[Item]) -> Result<BTreeMap<String, Shape>, String> {
    let mut out = BTreeMap::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        let owner = s.ident.to_string();
        let mut shape = Shape::default();
        let mut flattened = false;
        for field in &fields.named {
            let view = SerdeField::read(&owner, field)?;
            flattened |= view.flatten;
            if !view.optional && view.default.is_none() {
                shape.required.insert(view.key.clone());
            }
            shape.keys.insert(view.key);
        }
        if !flattened {
            out.insert(owner, shape);
        }
    }
    Ok(out)
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
                derived: false,
            },
        );
    }
    out
}

/// For each component schema (by Rust name), its string properties with a
/// string `example`.
fn kind_examples(document: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let examples: BTreeMap<String, String> = properties
            .iter()
            .filter(|(_, p)| p.get("type").and_then(Value::as_str) == Some("string"))
            .filter_map(|(k, p)| Some((k.clone(), p.get("example")?.as_str()?.to_string())))
            .collect();
        if !examples.is_empty() {
            out.insert(pascal(name), examples);
        }
    }
    out
}

/// A kind property of variants without a spec discriminator: the first
/// property (by name) named as a kind ([`is_kind_name`]) that every
/// variant, each an object, declares with an `example` of its own. Those examples become the variants' values.
fn derived_kind(
    variants: impl Iterator<Item = Option<String>>,
    shapes: &BTreeMap<String, Shape>,
    examples: &BTreeMap<String, BTreeMap<String, String>>,
) -> Option<Discriminator> {
    let variants: Vec<String> = variants.collect::<Option<Vec<_>>>()?;
    if variants.len() < 2 || variants.iter().any(|v| !shapes.contains_key(v)) {
        return None;
    }
    let first = examples.get(&variants[0])?;
    first
        .keys()
        .filter(|p| is_kind_name(p))
        .find_map(|property| {
            let mut tags = BTreeMap::new();
            let mut seen = BTreeSet::new();
            for variant in &variants {
                let example = examples.get(variant)?.get(property)?;
                if !seen.insert(example.clone()) {
                    return None;
                }
                tags.insert(variant.clone(), vec![example.clone()]);
            }
            Some(Discriminator {
                property: property.clone(),
                tags,
                derived: true,
            })
        })
}

/// A property named as a kind: `type`, or ending in `Type` (`accessType`,
/// `eventType`); other properties' examples (descriptions, dates) differ
/// without naming a kind.
fn is_kind_name(property: &str) -> bool {
    property == KIND_ALIAS || property.ends_with("Type")
}

/// The inner type name of a one-field tuple variant.
fn variant_type(variant: &syn::Variant) -> Option<String> {
    let Fields::Unnamed(fields) = &variant.fields else {
        return None;
    };
    let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    plain_type_name(&field.ty)
}

/// The properties whose value selects variants, as the runtime table
/// spells them.
fn discriminator_tokens(discriminator: Option<&Discriminator>) -> TokenStream {
    match discriminator {
        Some(d) if d.derived && d.property != KIND_ALIAS => {
            let p = &d.property;
            quote!(&[#p, #KIND_ALIAS])
        }
        Some(d) => {
            let p = &d.property;
            quote!(&[#p])
        }
        None => quote!(&[]),
    }
}

/// One row of the runtime table.
fn variant_row(ident: &str, shape: Option<&Shape>, tags: &[String]) -> TokenStream {
    let keys: Vec<&String> = shape.map(|s| s.keys.iter().collect()).unwrap_or_default();
    let required: Vec<&String> = shape
        .map(|s| s.required.iter().collect())
        .unwrap_or_default();
    quote! {
        ::sailpoint_runtime::models::Variant {
            name: #ident,
            tags: &[#(#tags),*],
            keys: &[#(#keys),*],
            required: &[#(#required),*],
        }
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
        let inner = plain_type_name(&field.ty);
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

    let table = variants
        .iter()
        .map(|(ident, _, shape, tags)| variant_row(&ident.to_string(), *shape, tags));
    let discriminators = discriminator_tokens(discriminator);
    let arms = variants.iter().enumerate().map(
        |(index, (ident, ty, _, _))| quote!(#index => candidate.decode::<#ty>().map(Self::#ident),),
    );
    let tokens = quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                static VARIANTS: ::sailpoint_runtime::models::Variants = ::sailpoint_runtime::models::Variants {
                    name: #name_text,
                    discriminators: #discriminators,
                    variants: &[#(#table),*],
                };
                VARIANTS.one_of(deserializer, |index, candidate| match index {
                    #(#arms)*
                    _ => ::std::result::Result::Err(<::serde_json::Error as ::serde::de::Error>::custom("no such variant")),
                })
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
            let what = if d.derived {
                format!(
                    "kind `{}` (or `{KIND_ALIAS}`) from the variants' examples",
                    d.property
                )
            } else {
                format!("discriminator `{}`", d.property)
            };
            format!(
                "{what} ({}{besides}), else the best fit by keys",
                mapped.join(", ")
            )
        }
        None => "the best fit by keys".to_string(),
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
/// fields named `subtype_N`. Returns the impls and how branches are chosen.
fn rewrite_any_of(
    s: &mut ItemStruct,
    shapes: &BTreeMap<String, Shape>,
    discriminator: Option<&Discriminator>,
    examples: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Option<(TokenStream, String)>, String> {
    let Some(branches) = any_of_branches(s) else {
        return Ok(None);
    };
    let derived;
    let discriminator = match discriminator {
        Some(d) => Some(d),
        None => {
            derived = derived_kind(branches.iter().map(|b| b.1.clone()), shapes, examples);
            derived.as_ref()
        }
    };
    let name = &s.ident;
    let name_text = name.to_string();
    let table = branches.iter().map(|(ident, inner)| {
        let shape = inner.as_ref().and_then(|n| shapes.get(n));
        let tags: Vec<String> = match (discriminator, inner) {
            (Some(d), Some(inner)) => d.tags.get(inner).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        variant_row(&ident.to_string(), shape, &tags)
    });
    let discriminators = discriminator_tokens(discriminator);
    let idents: Vec<&Ident> = branches.iter().map(|b| &b.0).collect();
    let arms = idents.iter().enumerate().map(|(index, ident)| {
        quote!(#index => this.#ident = ::std::option::Option::Some(candidate.decode()?),)
    });
    drop_derives(&mut s.attrs, &["Deserialize", "Serialize"]);
    for field in s.fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let how = match discriminator {
        Some(d) if d.derived => format!(
            "kind `{}` from the branches' examples, else by keys",
            d.property
        ),
        Some(d) => format!("discriminator `{}`, else by keys", d.property),
        None => "by keys".to_string(),
    };
    Ok(Some((
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    static BRANCHES: ::sailpoint_runtime::models::Variants = ::sailpoint_runtime::models::Variants {
                        name: #name_text,
                        discriminators: #discriminators,
                        variants: &[#(#table),*],
                    };
                    BRANCHES.any_of(
                        deserializer,
                        Self { #(#idents: ::std::option::Option::None,)* },
                        |this: &mut Self, index, candidate| {
                            match index {
                                #(#arms)*
                                _ => return ::std::result::Result::Err(<::serde_json::Error as ::serde::de::Error>::custom("no such branch")),
                            }
                            ::std::result::Result::Ok(())
                        },
                    )
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
        },
        how,
    )))
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
                "`Doc` (oneOf): the best fit by keys; shadowed before: IdentityDoc by ProfileDoc"
                    .to_string()
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
        assert!(text.contains(r#"required: &["id", "name"]"#), "{text}");
        assert!(text.contains("discriminators: &[]"), "{text}");
        assert!(
            text.contains(".one_of(\n                deserializer,"),
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
        assert!(
            report[0].starts_with(
                "`Either` (anyOf): of its 2 branches, only those fitting best are set"
            ),
            "{report:?}"
        );
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
        assert!(text.contains(".any_of("), "{text}");
    }

    #[test]
    fn variants_each_declaring_a_kind_with_its_own_example_choose_by_it() {
        let document = json!({"components": {"schemas": {
            "AppItem": {"type": "object", "properties": {
                "accessType": {"type": "string", "example": "app"},
                "id": {"type": "string", "example": "2c91"}}},
            "RoleItem": {"type": "object", "properties": {
                "accessType": {"type": "string", "example": "role"},
                "id": {"type": "string", "example": "2c91"}}}}}});
        let items = quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct AppItem { #[serde(rename = "accessType")] pub access_type: ::std::option::Option<String>, pub id: ::std::option::Option<String> }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct RoleItem { #[serde(rename = "accessType")] pub access_type: ::std::option::Option<String>, pub id: ::std::option::Option<String> }
        };
        let mut one_of = parse(quote! {
            #items
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Item { App(AppItem), Role(RoleItem) }
        });
        let report = choose_variants(&mut one_of, &document).unwrap_or_default();
        assert!(
            report[0].contains(
                "kind `accessType` (or `type`) from the variants' examples (app → App, role → Role)"
            ),
            "{report:?}"
        );
        let text = text(one_of);
        assert!(
            text.contains(r#"discriminators: &["accessType", "type"]"#),
            "{text}"
        );
        assert!(text.contains(r#"tags: &["role"]"#), "{text}");

        let mut any_of = parse(quote! {
            #items
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default)]
            pub struct Either {
                #[serde(flatten, skip_serializing_if = "::std::option::Option::is_none")]
                pub subtype_0: ::std::option::Option<AppItem>,
                #[serde(flatten, skip_serializing_if = "::std::option::Option::is_none")]
                pub subtype_1: ::std::option::Option<RoleItem>,
            }
        });
        let report = choose_variants(&mut any_of, &document).unwrap_or_default();
        assert!(
            report[0].contains("kind `accessType` from the branches' examples"),
            "{report:?}"
        );

        // The same example twice is no kind.
        let mut same = document.clone();
        same["components"]["schemas"]["RoleItem"]["properties"]["accessType"]["example"] =
            json!("app");
        let mut one_of = parse(quote! {
            #items
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Item { App(AppItem), Role(RoleItem) }
        });
        let report = choose_variants(&mut one_of, &same).unwrap_or_default();
        assert!(report[0].contains("the best fit by keys"), "{report:?}");
    }
}
