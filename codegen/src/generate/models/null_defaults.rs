//! `null` in fields that have a default. typify gives optional arrays and
//! maps (and fields with a spec `default`) `#[serde(default)]` and a plain
//! type, so an absent field decodes but `null`, which tenants send for
//! empty lists (`"alerts": null`), fails the whole response.
//!
//! Rewrite: such fields also get `deserialize_with = "null_as_default"`, a
//! function added to `types` that reads `null` as the field's default.
//! Only a bare `default` (the type's `Default`) is handled.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

use crate::generate::shape::typify::{FieldDefault, SerdeField, set_serde_metas};

const FUNCTION: &str = "null_as_default";

/// Adds the function and uses it; returns how many fields use it.
pub fn null_as_default(items: &mut Vec<Item>) -> Result<usize, String> {
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let owner = s.ident.to_string();
        for field in s.fields.iter_mut() {
            let view = SerdeField::read(&owner, field)?;
            let bare_default = matches!(view.default, Some(FieldDefault::Type));
            if view.optional
                || !bare_default
                || view.with.is_some()
                || view.deserialize_with.is_some()
            {
                continue;
            }
            let mut metas = view.metas;
            metas.push(syn::parse_quote!(deserialize_with = #FUNCTION));
            set_serde_metas(field, &metas);
            count += 1;
        }
    }
    if count > 0 {
        let file: syn::File = syn::parse2(function()).map_err(|e| e.to_string())?;
        items.extend(file.items);
    }
    Ok(count)
}

fn function() -> TokenStream {
    quote! {
        /// Reads `null` as the field's default (an empty list or map).
        fn null_as_default<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            T: ::std::default::Default + ::serde::Deserialize<'de>,
        {
            ::std::result::Result::Ok(
                <::std::option::Option<T> as ::serde::Deserialize>::deserialize(deserializer)?
                    .unwrap_or_default(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_defaults_of_plain_types_accept_null() {
        let mut items = syn::parse2::<syn::File>(quote! {
            pub struct A {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub list: ::std::vec::Vec<u8>,
                #[serde(default = "defaults::default_bool::<true>")]
                pub flag: bool,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub maybe: ::std::option::Option<u8>,
                pub required: u8,
            }
        })
        .map(|f| f.items)
        .unwrap_or_default();
        assert_eq!(null_as_default(&mut items), Ok(1));
        let mut file: syn::File = syn::parse_quote!();
        file.items = items;
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("deserialize_with = \"null_as_default\""),
            "{text}"
        );
        assert_eq!(text.matches("deserialize_with").count(), 1, "{text}");
        assert!(text.contains("fn null_as_default<"), "{text}");
    }
}
