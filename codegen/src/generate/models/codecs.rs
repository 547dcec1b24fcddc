//! Field codecs from the runtime, for field types whose serde derive does
//! not read or write what tenants send:
//!
//! - `DateTime<FixedOffset>` (`format: date-time`, see
//!   [`DATE_TIME`]): serde's derive reads it with chrono's strict RFC 3339
//!   reader, so a timestamp without an offset (`2024-01-31T10:00:00`, which
//!   SailPoint sends) failed the whole response, and writes a zero offset as
//!   `+00:00`. `sailpoint_runtime::datetime` accepts the forms tenants send
//!   (no offset is UTC), reads an optional `""` as absent and writes a zero
//!   offset as `Z`.
//! - `f64` (`type: number`): serde_json writes a whole `f64` as `2.0`, so a
//!   count sent as `2` went back as `2.0`. `sailpoint_runtime::numbers`
//!   writes whole values without the fraction.
//!
//! Rewrite: every field of such a type `T`, or `Option<T>`, in the structs
//! that still derive serde (those [`super::objects`] rewrote call the
//! codecs themselves), gets `#[serde(with = "<module>")]`
//! (`<module>::option`, and `default` so that a missing field is still
//! `None`). Field types are unchanged.

use syn::punctuated::Punctuated;
use syn::{Item, Meta, Token};

use crate::generate::shape::typify::{DATE_TIME, compact, derives, is_named};

/// Field types (as tokens without spaces) and the runtime module that
/// reads and writes them.
const CODECS: &[(&str, &str)] = &[
    (DATE_TIME, "::sailpoint_runtime::datetime"),
    ("f64", "::sailpoint_runtime::numbers"),
];

/// Adds the attributes; returns how many fields got one.
pub fn field_codecs(items: &mut [Item]) -> Result<usize, String> {
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if !derives(&s.attrs).iter().any(|p| is_named(p, "Deserialize")) {
            continue;
        }
        for field in s.fields.iter_mut() {
            let ty = compact(&field.ty);
            let module = CODECS.iter().find_map(|(codec_ty, module)| {
                if ty == *codec_ty {
                    Some(module.to_string())
                } else if ty == format!("::std::option::Option<{codec_ty}>") {
                    Some(format!("{module}::option"))
                } else {
                    None
                }
            });
            let Some(module) = module else { continue };
            let mut metas: Vec<Meta> = Vec::new();
            for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                let parsed = attr
                    .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .map_err(|e| format!("`{}`: serde attribute: {e}", s.ident))?;
                metas.extend(parsed);
            }
            let taken = metas.iter().any(|m| {
                m.path().is_ident("with")
                    || m.path().is_ident("deserialize_with")
                    || m.path().is_ident("serialize_with")
            });
            if taken {
                continue;
            }
            // With `with`, serde no longer reads a missing `Option` as `None`.
            if module.ends_with("option") && !metas.iter().any(|m| m.path().is_ident("default")) {
                metas.insert(0, syn::parse_quote!(default));
            }
            let module = module.as_str();
            metas.push(syn::parse_quote!(with = #module));
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(syn::parse_quote!(#[serde(#(#metas),*)]));
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn date_time_and_number_fields_get_their_codec() {
        let mut items = syn::parse2::<syn::File>(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct A {
                pub created: ::chrono::DateTime<::chrono::offset::FixedOffset>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub modified: ::std::option::Option<::chrono::DateTime<::chrono::offset::FixedOffset>>,
                #[serde(rename = "at", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub at: ::std::option::Option<::chrono::DateTime<::chrono::offset::FixedOffset>>,
                pub name: ::std::string::String,
                pub score: ::std::option::Option<f64>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Stamp(pub ::chrono::DateTime<::chrono::offset::FixedOffset>);
            // Not derived: its impls are written by models/objects.rs.
            pub struct Written { pub at: ::chrono::DateTime<::chrono::offset::FixedOffset> }
        })
        .map(|f| f.items)
        .unwrap_or_default();
        assert_eq!(field_codecs(&mut items), Ok(5));
        let mut file: syn::File = syn::parse_quote!();
        file.items = items;
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[serde(with = \"::sailpoint_runtime::datetime\")]\n    pub created"),
            "{text}"
        );
        assert!(
            text.contains(
                "#[serde(\n        default,\n        skip_serializing_if = \"::std::option::Option::is_none\",\n        with = \"::sailpoint_runtime::datetime::option\"\n    )]\n    pub modified"
            ),
            "{text}"
        );
        assert_eq!(text.matches("default").count(), 3, "{text}");
        assert!(
            text.contains("with = \"::sailpoint_runtime::numbers::option\")]\n    pub score"),
            "{text}"
        );
        assert!(
            text.contains(
                "pub struct Stamp(\n    #[serde(with = \"::sailpoint_runtime::datetime\")]"
            ),
            "{text}"
        );
    }
}
