//! What typify's output looks like: the derives and serde attributes it
//! writes and how it spells the types the model passes rewrite.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Meta, Path, Token, Type};

/// typify's submodule of `types` holding its struct builders
/// (`types::builder::X`).
pub const STRUCT_BUILDERS: &str = "builder";
/// typify's submodule of `types` holding default-value functions.
pub const DEFAULTS: &str = "defaults";

/// typify's `X::builder()` in `impl X`: the entry to a struct's builder.
pub fn is_builder_fn(member: &syn::ImplItem) -> bool {
    matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "builder" && f.sig.inputs.is_empty())
}

/// The type of `format: date-time`, as [`compact`] text: typify's
/// `DateTime<Utc>` would lose the offset a value was sent with, so
/// progenitor's settings ([`crate::generate::progenitor::settings`]) convert
/// such schemas into this one. The lenient date-time codec hangs on it:
/// `shape::tests` pins it, so a different spelling fails loudly instead of
/// dropping the codec.
pub const DATE_TIME: &str = "::chrono::DateTime<::chrono::offset::FixedOffset>";

/// The items of every `#[serde(...)]` attribute.
pub fn serde_metas(attrs: &[syn::Attribute]) -> Vec<Meta> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// Whether `name` is among `metas` (as a flag or `name = ...`).
pub fn has_flag(metas: &[Meta], name: &str) -> bool {
    metas.iter().any(|m| match m {
        Meta::Path(p) => p.is_ident(name),
        Meta::NameValue(nv) => nv.path.is_ident(name),
        Meta::List(_) => false,
    })
}

/// The `rename = "..."` value.
pub fn rename(metas: &[Meta]) -> Option<String> {
    metas.iter().find_map(|m| match m {
        Meta::NameValue(nv) if nv.path.is_ident("rename") => lit_text(&nv.value),
        _ => None,
    })
}

/// The text of a string literal (a serde attribute's value).
pub fn lit_text(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// Tokens as text without spaces, to compare a type with a known one.
pub fn compact(tokens: &impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Whether the type is an `Option<_>`.
pub fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The paths of every `#[derive(...)]`.
pub fn derives(attrs: &[syn::Attribute]) -> Vec<Path> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// Whether the path ends in `name`.
pub fn is_named(path: &Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Removes the derives named `names`.
pub fn drop_derives(attrs: &mut [syn::Attribute], names: &[&str]) {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&Path> = paths
            .iter()
            .filter(|p| !names.iter().any(|n| is_named(p, n)))
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// The name of a type item typify wrote (struct, enum or alias).
pub fn type_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}
