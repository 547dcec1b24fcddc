//! Field codecs from the runtime, for field types whose serde derive does
//! not read or write what tenants send:
//!
//! - `DateTime<FixedOffset>` (`format: date-time`, see
//!   [`DATE_TIME`](crate::generate::shape::typify::DATE_TIME)): serde's derive reads it with chrono's strict RFC 3339
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

use syn::Item;

use crate::generate::shape::typify::{SerdeField, ValueType, derives, is_named, set_serde_metas};

/// The runtime module that reads and writes each value type.
fn codec(value: ValueType) -> Option<&'static str> {
    match value {
        ValueType::DateTime => Some("::sailpoint_runtime::datetime"),
        ValueType::Number => Some("::sailpoint_runtime::numbers"),
        ValueType::Other => None,
    }
}

/// Adds the attributes; returns how many fields got one.
pub fn field_codecs(items: &mut [Item]) -> Result<usize, String> {
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if !derives(&s.attrs).iter().any(|p| is_named(p, "Deserialize")) {
            continue;
        }
        let owner = s.ident.to_string();
        for field in s.fields.iter_mut() {
            let view = SerdeField::read(&owner, field)?;
            let Some(module) = codec(view.value) else {
                continue;
            };
            if view.has_codec() {
                continue;
            }
            let mut metas = view.metas;
            let module = if view.optional {
                // With `with`, serde no longer reads a missing `Option` as `None`.
                if view.default.is_none() {
                    metas.insert(0, syn::parse_quote!(default));
                }
                format!("{module}::option")
            } else {
                module.to_string()
            };
            let module = module.as_str();
            metas.push(syn::parse_quote!(with = #module));
            set_serde_metas(field, &metas);
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
