//! Date-times in the forms tenants send. typify decodes `format: date-time`
//! as `chrono::DateTime<Utc>` with chrono's strict RFC 3339 reader, so a
//! timestamp without an offset (`2024-01-31T10:00:00`, which SailPoint
//! sends) failed the whole response.
//!
//! Rewrite: every struct field of type `DateTime<Utc>` or
//! `Option<DateTime<Utc>>` is read with `sailpoint_runtime::datetime`
//! (`datetime::option`), which accepts RFC 3339 with or without fractional
//! seconds, `Z` or an offset, and no offset (taken as UTC); an optional one
//! reads `""` as absent. The field type stays `DateTime<Utc>`.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Item, Meta, Token, Type};

const DATE_TIME: &str = "::chrono::DateTime<::chrono::offset::Utc>";

/// Adds the attributes; returns how many fields got one.
pub fn lenient_date_times(items: &mut [Item]) -> Result<usize, String> {
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            let module = match compact(&field.ty).as_str() {
                t if t == DATE_TIME => "::sailpoint_runtime::datetime",
                t if t == format!("::std::option::Option<{DATE_TIME}>") => {
                    "::sailpoint_runtime::datetime::option"
                }
                _ => continue,
            };
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
            metas.push(syn::parse_quote!(with = #module));
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(syn::parse_quote!(#[serde(#(#metas),*)]));
            count += 1;
        }
    }
    Ok(count)
}

fn compact(ty: &Type) -> String {
    ty.to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn date_time_fields_are_read_leniently() {
        let mut items = syn::parse2::<syn::File>(quote! {
            pub struct A {
                pub created: ::chrono::DateTime<::chrono::offset::Utc>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub modified: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                #[serde(rename = "at", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                pub name: ::std::string::String,
            }
            pub struct Stamp(pub ::chrono::DateTime<::chrono::offset::Utc>);
        })
        .map(|f| f.items)
        .unwrap_or_default();
        assert_eq!(lenient_date_times(&mut items), Ok(4));
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
        assert_eq!(text.matches("default").count(), 2, "{text}");
        assert!(
            text.contains(
                "pub struct Stamp(\n    #[serde(with = \"::sailpoint_runtime::datetime\")]"
            ),
            "{text}"
        );
    }
}
