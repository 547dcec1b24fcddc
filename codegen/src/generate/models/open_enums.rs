//! Forward-compatible string enums. typify makes every string `enum` of the
//! spec a closed Rust enum, so a value the spec does not list (a new source
//! feature, `Success` where the spec says `SUCCESS`) fails the whole
//! response. Tenants send such values all the time.
//!
//! Rewrite: each plain string enum (unit variants, typify's `FromStr` with
//! one string literal per variant) gets a variant `Unknown(String)` (or
//! `UnknownValue` if the spec has an `UNKNOWN`) that keeps any other value
//! and serializes it back unchanged. serde's derives are replaced by impls
//! going through `as_str`, which `Display` and `FromStr` share; `FromStr`
//! no longer fails. The enums, and every type that holds one, lose `Copy`.

use std::collections::{BTreeMap, BTreeSet};

use crate::generate::shape::typify::{
    derives, impl_self_name, implements, is_named, retain_derives, string_enum_values,
};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Fields, Ident, Item, ItemEnum};

/// Rewrites the string enums of `items` (the `types` module); returns the
/// names of those rewritten.
pub fn open_string_enums(items: &mut Vec<Item>) -> Result<Vec<String>, String> {
    let mut values: BTreeMap<String, Vec<(String, Ident)>> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Impl(imp) = item
            && implements(imp, "FromStr")
            && let Some(name) = impl_self_name(imp)
            && let Some(arms) = string_enum_values(imp)?
        {
            values.insert(name, arms);
        }
    }
    let mut rewritten = BTreeSet::new();
    let mut extra = Vec::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let name = e.ident.to_string();
        let Some(arms) = values.get(&name) else {
            continue;
        };
        if !is_plain(e, arms) {
            continue;
        }
        extra.push(rewrite(e, arms)?);
        rewritten.insert(name);
    }
    // typify's `Display` and `FromStr` of the rewritten enums are replaced.
    items.retain(|item| match item {
        Item::Impl(imp) if implements(imp, "Display") || implements(imp, "FromStr") => {
            !impl_self_name(imp).is_some_and(|n| rewritten.contains(&n))
        }
        _ => true,
    });
    for tokens in extra {
        let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        items.extend(file.items);
    }
    drop_copy_of_holders(items, rewritten.clone());
    Ok(rewritten.into_iter().collect())
}

/// Unit variants only, exactly those of the arms, and serde-derived.
fn is_plain(e: &ItemEnum, arms: &[(String, Ident)]) -> bool {
    let variants: BTreeSet<&Ident> = e.variants.iter().map(|v| &v.ident).collect();
    let named: BTreeSet<&Ident> = arms.iter().map(|(_, v)| v).collect();
    e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
        && variants == named
        && derives(&e.attrs).iter().any(|p| is_named(p, "Deserialize"))
}

/// Rewrites the enum in place; returns its new impls.
fn rewrite(e: &mut ItemEnum, arms: &[(String, Ident)]) -> Result<TokenStream, String> {
    retain_derives(&mut e.attrs, |p| {
        !is_named(p, "Copy") && !is_named(p, "Deserialize") && !is_named(p, "Serialize")
    });
    e.attrs.retain(|a| !a.path().is_ident("serde"));
    for variant in e.variants.iter_mut() {
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let taken: BTreeSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    let unknown = ["Unknown", "UnknownValue", "UnlistedValue"]
        .into_iter()
        .find(|n| !taken.contains(*n))
        .ok_or_else(|| format!("enum `{}`: no free name for its unknown variant", e.ident))?;
    let unknown = Ident::new(unknown, Span::call_site());
    e.variants.push(syn::parse_quote! {
        /// A value the spec does not list, kept as received.
        #unknown(::std::string::String)
    });
    let name = &e.ident;
    let strings: Vec<&String> = arms.iter().map(|(s, _)| s).collect();
    let variants: Vec<&Ident> = arms.iter().map(|(_, v)| v).collect();
    Ok(quote! {
        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #strings,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
            fn from_listed(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #(#strings => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                ::std::result::Result::Ok(
                    Self::from_listed(value).unwrap_or_else(|| Self::#unknown(value.to_string())),
                )
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from_listed(&value).unwrap_or(Self::#unknown(value)))
            }
        }
    })
}

/// Types deriving `Copy` that hold a type of `not_copy` lose `Copy`, until
/// none is left.
fn drop_copy_of_holders(items: &mut [Item], mut not_copy: BTreeSet<String>) {
    loop {
        let mut changed = false;
        for item in items.iter_mut() {
            let (ident, attrs, body) = match item {
                Item::Struct(s) => (&s.ident, &mut s.attrs, s.fields.to_token_stream()),
                Item::Enum(e) => (&e.ident, &mut e.attrs, e.variants.to_token_stream()),
                _ => continue,
            };
            if not_copy.contains(&ident.to_string()) || !mentions(body, &not_copy) {
                continue;
            }
            let had_copy = derives(attrs).iter().any(|p| is_named(p, "Copy"));
            if had_copy {
                retain_derives(attrs, |p| !is_named(p, "Copy"));
                not_copy.insert(ident.to_string());
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

fn mentions(tokens: TokenStream, names: &BTreeSet<String>) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(i) => names.contains(&i.to_string()),
        TokenTree::Group(g) => mentions(g.stream(), names),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(tokens: TokenStream) -> Vec<Item> {
        syn::parse2::<syn::File>(tokens)
            .map(|f| f.items)
            .unwrap_or_default()
    }

    fn typify_enum() -> TokenStream {
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, PartialEq)]
            pub enum Status {
                #[serde(rename = "SUCCESS")]
                Success,
                #[serde(rename = "Unknown")]
                Unknown,
            }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self {
                        Self::Success => f.write_str("SUCCESS"),
                        Self::Unknown => f.write_str("Unknown"),
                    }
                }
            }
            impl ::std::str::FromStr for Status {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value {
                        "SUCCESS" => Ok(Self::Success),
                        "Unknown" => Ok(Self::Unknown),
                        _ => Err("invalid value".into()),
                    }
                }
            }
            #[derive(Clone, Copy, Debug)]
            pub struct Holder { pub status: Status }
            #[derive(Clone, Copy, Debug)]
            pub struct Outer { pub holder: ::std::option::Option<Holder> }
            #[derive(Clone, Copy, Debug)]
            pub struct Unrelated { pub n: i64 }
        }
    }

    #[test]
    fn string_enums_get_an_unknown_variant_and_lose_copy() {
        let mut items = items(typify_enum());
        let rewritten = open_string_enums(&mut items);
        assert_eq!(rewritten, Ok(vec!["Status".to_string()]));
        let mut file: syn::File = syn::parse_quote!();
        file.items = items;
        let text = prettyplease::unparse(&file);
        // `Unknown` is a listed value here, so the catch-all is named apart.
        assert!(
            text.contains("UnknownValue(::std::string::String)"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Debug, PartialEq)]\npub enum Status"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Debug)]\npub struct Holder"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Debug)]\npub struct Outer"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Copy, Debug)]\npub struct Unrelated"),
            "{text}"
        );
        assert!(!text.contains("serde(rename"), "{text}");
        assert!(!text.contains("invalid value"), "{text}");
        assert_eq!(
            text.matches("impl ::std::fmt::Display for Status").count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn enums_with_data_are_left_alone() {
        let mut items = items(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum Value { Text(::std::string::String) }
            impl ::std::str::FromStr for Value {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    Ok(Self::Text(value.to_string()))
                }
            }
        });
        let before = items.clone();
        assert_eq!(open_string_enums(&mut items), Ok(vec![]));
        assert_eq!(items, before);
    }
}
