//! progenitor's operation builders seen from outside: the type each
//! parameter field holds, and what a setter converts into. Read by the
//! mock generator ([`crate::generate::mocks`]), which matches a request by
//! the same Rust types the client sends it with.

use syn::{
    Fields, GenericArgument, ImplItem, Item, ItemEnum, ItemImpl, ItemStruct, PathArguments, Type,
    TypeParamBound, WherePredicate,
};

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

/// `T` of a setter `fn name<V>(mut self, value: V) -> Self where V:
/// TryInto<T>`: the type the builder stores.
pub fn setter_target(implementation: &ItemImpl, name: &str) -> Option<Type> {
    let setter = implementation.items.iter().find_map(|item| match item {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })?;
    let clause = setter.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let WherePredicate::Type(bound) = predicate else {
            return None;
        };
        bound.bounds.iter().find_map(|b| match b {
            TypeParamBound::Trait(t) => {
                let last = t.path.segments.last()?;
                if last.ident != "TryInto" {
                    return None;
                }
                match &last.arguments {
                    PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                        GenericArgument::Type(t) => Some(t.clone()),
                        _ => None,
                    }),
                    _ => None,
                }
            }
            _ => None,
        })
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

fn first_generic(ty: &Type, outer: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}
