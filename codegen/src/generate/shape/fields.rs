//! progenitor's operation builders seen from outside: the type each
//! parameter field holds (a setter's type is [`super::builder::setter_type`]),
//! and the per-status variants of a response enum. Read by the
//! mock generator ([`crate::generate::mocks`]), which matches a request by
//! the same Rust types the client sends it with.

use syn::{Fields, Item, ItemEnum, ItemStruct, Type};

use super::first_generic;

/// A parameter field of an operation builder: `name: Result<T, String>`
/// (required) or `name: Result<Option<T>, String>` (optional).
#[derive(Clone, Debug)]
pub struct BuilderField {
    pub ty: Type,
    pub optional: bool,
}

/// The operation builder struct `name` in the `builder` module's items.
pub fn builder_struct<'i>(items: &'i [Item], name: &str) -> Option<&'i ItemStruct> {
    items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

/// The field `field` of an operation builder, or why it is not one.
pub fn builder_field(builder: &ItemStruct, field: &str) -> Result<BuilderField, String> {
    let Fields::Named(named) = &builder.fields else {
        return Err(format!("`{}` has no named fields", builder.ident));
    };
    let found = named
        .named
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
        .ok_or_else(|| format!("`{}` has no field `{field}`", builder.ident))?;
    let held = first_generic(&found.ty, "Result").ok_or_else(|| {
        format!(
            "`{}::{field}` is not `Result<_, String>`: progenitor's builder shape changed",
            builder.ident
        )
    })?;
    Ok(match first_generic(&held, "Option") {
        Some(inner) => BuilderField {
            ty: inner,
            optional: true,
        },
        None => BuilderField {
            ty: held,
            optional: false,
        },
    })
}

/// The type held by variant `variant` of the enum `name` in `types`
/// (`Ok(T)`), for the per-status response enums the generator writes.
pub fn enum_variant_type(types: &[Item], name: &str, variant: &str) -> Option<Type> {
    let found: &ItemEnum = types.iter().find_map(|item| match item {
        Item::Enum(e) if e.ident == name => Some(e),
        _ => None,
    })?;
    let variant = found.variants.iter().find(|v| v.ident == variant)?;
    match &variant.fields {
        Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| f.ty.clone()),
        _ => None,
    }
}
