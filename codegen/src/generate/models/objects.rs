//! Object models that keep everything a tenant sends. typify derives serde
//! for each object struct, and serde's derive:
//!
//! - drops every member the spec does not declare, so re-encoding a
//!   response (or passing it on) lost fields SailPoint added since the spec;
//! - reads `null` in an optional member as `None` and writes `None` back as
//!   absent, so `"description": null` did not survive a round trip;
//! - fails the whole response on one value that contradicts the schema (a
//!   string where the spec says list), though the rest decodes.
//!
//! Rewrite of every struct of named fields that derives both serde traits
//! (not the `#[serde(flatten)]` ones, whose extra map is typify's): a field
//! `pub extra: Map<String, Value>` is added, and the serde derives become
//! impls calling `sailpoint_runtime::object`, which keeps undeclared
//! members, `null`s, empty defaults, `""` and non-RFC 3339 date-times, and
//! (when a body is decoded leniently) values against the schema in
//! `extra`, and writes them back after the typed fields. Field types,
//! names and JSON keys are unchanged. A required field of a type with a
//! `Default` (text, numbers, lists, maps, objects of optional fields)
//! reads a missing or `null` member as that default, the `null` kept in
//! `extra`: tenants leave out or null fields the spec requires, and one
//! such item failed a whole page. Date-time and number fields get the
//! runtime's codecs ([`super::codecs`] does the same for the structs left
//! derived). typify's struct builders set `extra` to empty.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Field, Fields, Item, ItemStruct, Type};

use crate::generate::shape::typify::{
    FieldDefault, OPTION_IS_NONE, STRUCT_BUILDERS, SerdeField, ValueType, compact, derives,
    derives_serde, drop_derives, has_flag, is_named, serde_metas,
};

/// The field every rewritten struct gets.
pub const EXTRA: &str = "extra";

/// Rewrites the structs of `items` (the `types` module, its `builder`
/// module included); returns how many were rewritten.
pub fn keep_everything(items: &mut Vec<Item>) -> Result<usize, String> {
    let defaulted: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if derives(&s.attrs).iter().any(|p| is_named(p, "Default")) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let mut rewritten = BTreeSet::new();
    let mut out = Vec::with_capacity(items.len());
    for mut item in std::mem::take(items) {
        let impls = match &mut item {
            Item::Struct(s) if is_object(s) => {
                let impls = rewrite(s, &defaulted)?;
                rewritten.insert(s.ident.to_string());
                Some(impls)
            }
            _ => None,
        };
        out.push(item);
        if let Some(impls) = impls {
            let file: syn::File = syn::parse2(impls).map_err(|e| e.to_string())?;
            out.extend(file.items);
        }
    }
    *items = out;
    for item in items.iter_mut() {
        if let Item::Mod(m) = item
            && m.ident == STRUCT_BUILDERS
            && let Some((_, builder_items)) = m.content.as_mut()
        {
            builder_items
                .iter_mut()
                .for_each(|i| fill_builder_literals(i, &rewritten));
        }
    }
    Ok(rewritten.len())
}

/// A struct of named fields deriving both serde traits, with no container
/// attribute and no flattened field.
fn is_object(s: &ItemStruct) -> bool {
    let Fields::Named(fields) = &s.fields else {
        return false;
    };
    derives_serde(&s.attrs)
        && serde_metas(&s.attrs).is_empty()
        && !fields
            .named
            .iter()
            .any(|f| has_flag(&serde_metas(&f.attrs), "flatten"))
}

/// How a field is read and written.
struct Plan {
    key: String,
    /// `Option<T>`: `None` when absent.
    optional: bool,
    /// `#[serde(default)]` or `default = "path"` on a plain type.
    default: Option<Option<syn::Path>>,
    /// `skip_serializing_if`.
    skip_if: Option<syn::Path>,
    codec: Codec,
    /// Required, and of a type with a `Default` that stands in when the
    /// member is missing, `null` or (leniently) does not fit.
    filled: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Codec {
    Plain,
    DateTime,
    Number,
}

fn plan(owner: &str, field: &Field, defaulted: &BTreeSet<String>) -> Result<Plan, String> {
    let view = SerdeField::read(owner, field)?;
    let name = &view.name;
    // typify's required nullable fields are read as any `Option` here too.
    if view.flatten || view.with.is_some() || view.serialize_with.is_some() {
        return Err(format!(
            "`{owner}.{name}`: a flattened field or a serde codec is not handled by models/objects.rs"
        ));
    }
    if view.deserialize_with.is_some() && !view.reads_any_option() {
        return Err(format!(
            "`{owner}.{name}`: `deserialize_with` is not handled by models/objects.rs"
        ));
    }
    let codec = match view.value {
        ValueType::DateTime => Codec::DateTime,
        ValueType::Number => Codec::Number,
        ValueType::Other => Codec::Plain,
    };
    if view.optional && codec != Codec::Plain && !view.skipped_when_none() {
        return Err(format!(
            "`{owner}.{name}`: an optional date-time or number written when `None` is not handled"
        ));
    }
    let default = view.default.map(|d| match d {
        FieldDefault::Type => None,
        FieldDefault::Function(path) => Some(path),
    });
    let filled = !view.optional
        && default.is_none()
        && codec == Codec::Plain
        && has_default(&field.ty, defaulted);
    Ok(Plan {
        key: view.key,
        optional: view.optional,
        default,
        skip_if: view.skip_serializing_if,
        codec,
        filled,
    })
}

/// Whether a field type has a `Default` that can stand in for a value a
/// tenant left out: text, numbers, flags, lists, maps, JSON values, and
/// the generated types that derive `Default` (`defaulted`). Not date-times:
/// an absent instant never becomes the epoch.
fn has_default(ty: &Type, defaulted: &BTreeSet<String>) -> bool {
    let text = compact(ty);
    const PLAIN: &[&str] = &[
        "::std::string::String",
        "::serde_json::Value",
        "bool",
        "i8",
        "i16",
        "i32",
        "i64",
        "u8",
        "u16",
        "u32",
        "u64",
        "f32",
    ];
    const COLLECTIONS: &[&str] = &[
        "::std::vec::Vec<",
        "::serde_json::Map<",
        "::std::collections::HashMap<",
        "::std::collections::BTreeMap<",
    ];
    PLAIN.contains(&text.as_str())
        || COLLECTIONS.iter().any(|c| text.starts_with(c))
        || defaulted.contains(&text)
}

fn rewrite(s: &mut ItemStruct, defaulted: &BTreeSet<String>) -> Result<TokenStream, String> {
    let owner = s.ident.to_string();
    let Fields::Named(fields) = &mut s.fields else {
        return Err(format!("`{owner}` has no named fields"));
    };
    if fields
        .named
        .iter()
        .any(|f| f.ident.as_ref().is_some_and(|i| i == EXTRA))
    {
        return Err(format!(
            "`{owner}` already has a field `{EXTRA}`: rename the property (normalize) or the field"
        ));
    }
    let plans = fields
        .named
        .iter()
        .map(|f| plan(&owner, f, defaulted))
        .collect::<Result<Vec<_>, _>>()?;
    let idents: Vec<_> = fields
        .named
        .iter()
        .filter_map(|f| f.ident.clone())
        .collect();
    let locals: Vec<_> = (0..plans.len()).map(|i| format_ident!("f{i}")).collect();

    let arms = plans.iter().zip(&locals).map(|(plan, local)| {
        let key = &plan.key;
        let read = match plan.codec {
            Codec::DateTime => quote!(o::instant(&mut map, &key, &mut extra)?),
            _ if plan.skip_if.is_some() && !plan.optional => {
                let skip = &plan.skip_if;
                quote!(o::collection(&mut map, &key, &mut extra, #skip)?)
            }
            _ => quote!(o::field(&mut map, &key, &mut extra)?),
        };
        quote!(#key => #local = #read,)
    });
    let values = plans.iter().zip(&locals).map(|(plan, local)| {
        let key = &plan.key;
        match (&plan.default, plan.optional) {
            (_, true) => quote!(#local),
            (Some(None), false) => quote!(#local.unwrap_or_default()),
            (Some(Some(path)), false) => quote!(#local.unwrap_or_else(#path)),
            (None, false) if plan.filled => quote!(o::filled(#local, #key, &extra)?),
            (None, false) => quote!(o::required(#local, #key, &extra)?),
        }
    });
    let loop_body = if plans.is_empty() {
        quote!(o::undeclared(&mut map, key, &mut extra)?;)
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => o::undeclared(&mut map, key, &mut extra)?,
            }
        }
    };
    let writes = plans.iter().zip(&idents).map(|(plan, ident)| {
        let key = &plan.key;
        let method = match plan.codec {
            Codec::Plain => quote!(entry),
            Codec::DateTime => quote!(instant),
            Codec::Number => quote!(number),
        };
        match &plan.skip_if {
            Some(path) if compact(path) == OPTION_IS_NONE => {
                quote!(if let ::std::option::Option::Some(v) = &self.#ident { w.#method(#key, v)?; })
            }
            Some(path) => quote!(if !#path(&self.#ident) { w.#method(#key, &self.#ident)?; }),
            None if plan.filled => quote!(w.filled(#key, &self.#ident)?;),
            None => quote!(w.#method(#key, &self.#ident)?;),
        }
    });

    for field in fields.named.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let extra = format_ident!("{EXTRA}");
    fields.named.push(syn::parse_quote! {
        /// Members of the JSON object that no typed field holds, kept as
        /// received and written back after the typed fields: undeclared
        /// members, `null`s, and values that did not fit their field (see
        /// `sailpoint_runtime::object`).
        pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    });
    drop_derives(&mut s.attrs, &["Deserialize", "Serialize"]);

    let ident = &s.ident;
    Ok(quote! {
        impl ::sailpoint_runtime::object::Object for #ident {
            const NAME: &'static str = #owner;
            fn read<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::std::result::Result<Self, A::Error> {
                use ::sailpoint_runtime::object as o;
                let mut extra = o::Extra::new();
                #(let mut #locals = ::std::option::Option::None;)*
                while let ::std::option::Option::Some(key) = map.next_key::<o::Text<'de>>()? {
                    #loop_body
                }
                ::std::result::Result::Ok(Self { #(#idents: #values,)* #extra })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::sailpoint_runtime::object::deserialize(deserializer)
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut w = ::sailpoint_runtime::object::writer(serializer, &self.#extra)?;
                #(#writes)*
                w.end()
            }
        }
    })
}

/// typify's struct builder of a rewritten `X` carries `extra` too, so that
/// a value set whole (`.body(x)` converts `X` into its builder and back)
/// keeps its undeclared members and explicit `null`s: the builder struct
/// gets the field, and each `Self { .. }` literal in the impls of `X` and
/// of `super::X` (typify's `Default`, `From<super::X>` and
/// `TryFrom<builder::X>`) fills it, from `value.extra` in a conversion,
/// empty otherwise.
fn fill_builder_literals(item: &mut Item, rewritten: &BTreeSet<String>) {
    struct Fill {
        from_value: bool,
    }
    impl VisitMut for Fill {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            self.from_value = f.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(t)
                    if matches!(&*t.pat, syn::Pat::Ident(p) if p.ident == "value"))
            });
            syn::visit_mut::visit_impl_item_fn_mut(self, f);
        }
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            if e.path.is_ident("Self") && e.rest.is_none() {
                let extra = format_ident!("{EXTRA}");
                e.fields.push(if self.from_value {
                    syn::parse_quote!(#extra: value.#extra)
                } else {
                    syn::parse_quote!(#extra: ::std::default::Default::default())
                });
            }
            syn::visit_mut::visit_expr_struct_mut(self, e);
        }
    }
    let named = |ty: &Type| match ty {
        Type::Path(target) => target
            .path
            .segments
            .last()
            .is_some_and(|s| rewritten.contains(&s.ident.to_string())),
        _ => false,
    };
    match item {
        Item::Struct(s) if rewritten.contains(&s.ident.to_string()) => {
            if let Fields::Named(fields) = &mut s.fields {
                let extra = format_ident!("{EXTRA}");
                fields.named.push(syn::parse_quote!(
                    #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>
                ));
            }
        }
        Item::Impl(imp) if named(&imp.self_ty) => {
            Fill { from_value: false }.visit_item_impl_mut(imp);
            if imp.trait_.is_none() {
                let extra = format_ident!("{EXTRA}");
                imp.items.push(syn::parse_quote! {
                    /// Members to send beside the typed fields: undeclared
                    /// ones, or an explicit `null` for a field left unset.
                    pub fn #extra(
                        mut self,
                        value: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                    ) -> Self {
                        self.#extra = value;
                        self
                    }
                });
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(tokens: TokenStream) -> Result<String, String> {
        let mut items = syn::parse2::<syn::File>(tokens)
            .map(|f| f.items)
            .map_err(|e| e.to_string())?;
        keep_everything(&mut items)?;
        let mut file: syn::File = syn::parse_quote!();
        file.items = items;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn object_structs_get_extra_and_runtime_impls() -> Result<(), String> {
        let text = rewritten(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default)]
            pub struct Thing {
                #[serde(rename = "createdAt", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub created_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::FixedOffset>>,
                pub id: ::std::string::String,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub name: ::std::option::Option<::std::string::String>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub score: ::std::option::Option<f64>,
                // Required, no `Default` to stand in: still required.
                pub stamp: ::chrono::DateTime<::chrono::offset::FixedOffset>,
                pub kind: Kind,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Keep {
                #[serde(flatten)]
                pub extra: ::std::collections::HashMap<::std::string::String, ::std::string::String>,
            }
            pub mod builder {
                #[derive(Clone, Debug)]
                pub struct Thing {
                    id: ::std::result::Result<::std::string::String, ::std::string::String>,
                }
                impl Thing {
                    pub fn id<T>(mut self, value: T) -> Self
                    where
                        T: ::std::convert::TryInto<::std::string::String>,
                    {
                        self.id = value.try_into().map_err(|_| "bad".to_string());
                        self
                    }
                }
                impl ::std::default::Default for Thing {
                    fn default() -> Self {
                        Self { id: Err("no value supplied for id".to_string()) }
                    }
                }
                impl ::std::convert::TryFrom<Thing> for super::Thing {
                    type Error = super::error::ConversionError;
                    fn try_from(value: Thing) -> ::std::result::Result<Self, super::error::ConversionError> {
                        Ok(Self { id: value.id? })
                    }
                }
                impl ::std::convert::From<super::Thing> for Thing {
                    fn from(value: super::Thing) -> Self {
                        Self { id: Ok(value.id) }
                    }
                }
            }
        })?;
        for expected in [
            "#[derive(Clone, Debug, Default)]\npub struct Thing",
            "pub extra: ::serde_json::Map<",
            "\"createdAt\" => f0 = o::instant(&mut map, &key, &mut extra)?",
            "\"id\" => f1 = o::field(&mut map, &key, &mut extra)?",
            "f2 = o::collection(\n                        &mut map,\n                        &key,\n                        &mut extra,\n                        ::std::vec::Vec::is_empty,",
            "id: o::filled(f1, \"id\", &extra)?",
            "w.filled(\"id\", &self.id)?",
            "stamp: o::required(f5, \"stamp\", &extra)?",
            "kind: o::required(f6, \"kind\", &extra)?",
            "tags: f2.unwrap_or_default()",
            "w.instant(\"createdAt\", v)?",
            "w.entry(\"name\", &self.name)?",
            "w.number(\"score\", v)?",
            "if !::std::vec::Vec::is_empty(&self.tags)",
            "Ok(Self {\n                id: value.id?,\n                extra: value.extra,",
            "extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,\n    }",
            "Self {\n                id: Err(\"no value supplied for id\".to_string()),\n                extra: ::std::default::Default::default(),",
            "Self {\n                id: Ok(value.id),\n                extra: value.extra,",
            "self.extra = value;",
            // The struct with typify's own flattened map stays derived.
            "#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]\npub struct Keep",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert_eq!(text.matches("#[serde(").count(), 1, "{text}");
        Ok(())
    }

    #[test]
    fn an_attribute_it_does_not_know_or_a_field_named_extra_is_an_error() {
        let unknown = rewritten(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Odd { #[serde(alias = "x")] pub y: u8 }
        });
        assert!(
            unknown
                .as_ref()
                .is_err_and(|e| e.contains("`Odd.y`") && e.contains("alias")),
            "{unknown:?}"
        );
        let taken = rewritten(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Taken { pub extra: u8 }
        });
        assert!(
            taken
                .as_ref()
                .is_err_and(|e| e.contains("`Taken` already has a field `extra`")),
            "{taken:?}"
        );
    }
}
