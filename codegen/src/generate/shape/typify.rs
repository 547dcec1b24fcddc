//! What typify's output looks like: the derives and serde attributes it
//! writes and how it spells the types the model passes rewrite.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
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
    retain_derives(attrs, |p| !names.iter().any(|n| is_named(p, n)));
}

/// Keeps the derives that `keep` accepts.
pub fn retain_derives(attrs: &mut [syn::Attribute], keep: impl Fn(&Path) -> bool) {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&Path> = paths.iter().filter(|p| keep(p)).collect();
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

/// `T` of `Option<T>` (or of any one-argument generic type).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The value type of a field (of `T` in `Option<T>`), as far as the model
/// passes treat it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// [`DATE_TIME`].
    DateTime,
    /// `f64` (`type: number`).
    Number,
    Other,
}

/// A field's `default`: the type's `Default`, or a function.
#[derive(Debug, Clone)]
pub enum FieldDefault {
    Type,
    Function(Path),
}

/// One field of a struct typify wrote, its serde attributes read once:
/// the only place that knows which attributes typify puts on a field.
/// An attribute it does not know is an error naming `Type.field`.
#[derive(Debug, Clone)]
pub struct SerdeField {
    /// The Rust name, without `r#`.
    pub name: String,
    /// The JSON member (`rename`, else the name).
    pub key: String,
    /// `Option<T>`.
    pub optional: bool,
    /// The type of `T` (the field's type when not optional).
    pub value: ValueType,
    pub default: Option<FieldDefault>,
    pub skip_serializing_if: Option<Path>,
    pub flatten: bool,
    /// `with`, `deserialize_with` or `serialize_with` text, if any: the
    /// field is read or written by a function already.
    pub with: Option<String>,
    pub deserialize_with: Option<String>,
    pub serialize_with: Option<String>,
    /// The attribute's items in their order, to write back changed.
    pub metas: Vec<Meta>,
}

/// typify's `deserialize_with` on a required nullable field: any `Option`.
pub const OPTION_DESERIALIZE: &str = "::std::option::Option::deserialize";
/// typify's `skip_serializing_if` on an optional field.
pub const OPTION_IS_NONE: &str = "::std::option::Option::is_none";

impl SerdeField {
    /// Reads `field` of the type `owner`.
    pub fn read(owner: &str, field: &syn::Field) -> Result<Self, String> {
        let name = field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_string())
            .unwrap_or_default();
        let at = format!("`{owner}.{name}`");
        let mut metas = Vec::new();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let parsed = attr
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map_err(|e| format!("{at}: serde attribute: {e}"))?;
            metas.extend(parsed);
        }
        let optional = is_option(&field.ty);
        let inner = if optional {
            option_inner(&field.ty)
        } else {
            Some(&field.ty)
        };
        let value = match inner.map(compact).as_deref() {
            Some(DATE_TIME) => ValueType::DateTime,
            Some("f64") => ValueType::Number,
            _ => ValueType::Other,
        };
        let mut view = SerdeField {
            key: name.clone(),
            name,
            optional,
            value,
            default: None,
            skip_serializing_if: None,
            flatten: false,
            with: None,
            deserialize_with: None,
            serialize_with: None,
            metas: Vec::new(),
        };
        let text = |value: &syn::Expr, what: &str| {
            lit_text(value).ok_or_else(|| format!("{at}: `{what}` is not a string literal"))
        };
        let path = |value: &syn::Expr, what: &str| {
            text(value, what).and_then(|t| {
                syn::parse_str::<Path>(&t)
                    .map_err(|e| format!("{at}: `{what} = {t:?}` is not a path: {e}"))
            })
        };
        for meta in &metas {
            match meta {
                Meta::Path(p) if p.is_ident("default") => view.default = Some(FieldDefault::Type),
                Meta::Path(p) if p.is_ident("flatten") => view.flatten = true,
                Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                    view.key = text(&nv.value, "rename")?;
                }
                Meta::NameValue(nv) if nv.path.is_ident("default") => {
                    view.default = Some(FieldDefault::Function(path(&nv.value, "default")?));
                }
                Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    view.skip_serializing_if = Some(path(&nv.value, "skip_serializing_if")?);
                }
                Meta::NameValue(nv) if nv.path.is_ident("with") => {
                    view.with = Some(text(&nv.value, "with")?);
                }
                Meta::NameValue(nv) if nv.path.is_ident("deserialize_with") => {
                    view.deserialize_with = Some(text(&nv.value, "deserialize_with")?);
                }
                Meta::NameValue(nv) if nv.path.is_ident("serialize_with") => {
                    view.serialize_with = Some(text(&nv.value, "serialize_with")?);
                }
                other => {
                    return Err(format!(
                        "{at}: serde attribute `{}` is not one typify writes; revisit generate/shape/typify.rs",
                        other.to_token_stream()
                    ));
                }
            }
        }
        view.metas = metas;
        Ok(view)
    }

    /// Whether a function reads or writes the field already.
    pub fn has_codec(&self) -> bool {
        self.with.is_some() || self.deserialize_with.is_some() || self.serialize_with.is_some()
    }

    /// Whether it is written only when `Some` (typify's optional fields).
    pub fn skipped_when_none(&self) -> bool {
        self.skip_serializing_if
            .as_ref()
            .is_some_and(|p| compact(p) == OPTION_IS_NONE)
    }

    /// typify's required nullable field, read as any `Option`.
    pub fn reads_any_option(&self) -> bool {
        self.deserialize_with.as_deref() == Some(OPTION_DESERIALIZE)
    }
}

/// Gives `field` one serde attribute holding `metas`, where its first one
/// was (or last, if it had none).
pub fn set_serde_metas(field: &mut syn::Field, metas: &[Meta]) {
    let attribute: syn::Attribute = syn::parse_quote!(#[serde(#(#metas),*)]);
    match field.attrs.iter().position(|a| a.path().is_ident("serde")) {
        Some(first) => {
            field.attrs[first] = attribute;
            let mut index = 0;
            field.attrs.retain(|a| {
                index += 1;
                index - 1 == first || !a.path().is_ident("serde")
            });
        }
        None => field.attrs.push(attribute),
    }
}

/// The name of the type an `impl` is for, when it is a plain name.
pub fn impl_self_name(implementation: &syn::ItemImpl) -> Option<String> {
    plain_type_name(&implementation.self_ty)
}

/// Whether the `impl` is of the trait whose path ends in `name`.
pub fn implements(implementation: &syn::ItemImpl, name: &str) -> bool {
    implementation
        .trait_
        .as_ref()
        .is_some_and(|(path, _)| is_named(path, name))
}

/// The values of a string enum as typify's `FromStr` lists them: its
/// `"value" => Ok(Self::Variant)` arms, before the final `_ => Err(..)`.
/// `Ok(None)` for a `FromStr` of another kind (not a string enum's);
/// an error for one that starts like a string enum's and then differs.
pub fn string_enum_values(
    implementation: &syn::ItemImpl,
) -> Result<Option<Vec<(String, syn::Ident)>>, String> {
    let name = impl_self_name(implementation).unwrap_or_default();
    let Some(body) = implementation.items.iter().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == "from_str" => Some(&f.block),
        _ => None,
    }) else {
        return Err(format!("`{name}`: typify's `FromStr` has no `from_str`"));
    };
    let [syn::Stmt::Expr(syn::Expr::Match(m), None)] = body.stmts.as_slice() else {
        return Ok(None);
    };
    let Some((last, arms)) = m.arms.split_last() else {
        return Ok(None);
    };
    if !matches!(last.pat, syn::Pat::Wild(_)) {
        return Ok(None);
    }
    if !arms
        .iter()
        .any(|a| matches!(&a.pat, syn::Pat::Lit(l) if matches!(l.lit, syn::Lit::Str(_))))
    {
        return Ok(None);
    }
    arms.iter()
        .map(|arm| {
            string_enum_arm(arm).ok_or_else(|| {
                format!(
                    "`{name}`: typify's `FromStr` arm `{}` is not `\"value\" => Ok(Self::Variant)`; \
                     revisit generate/shape/typify.rs",
                    compact(&arm.pat)
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn string_enum_arm(arm: &syn::Arm) -> Option<(String, syn::Ident)> {
    let syn::Pat::Lit(lit) = &arm.pat else {
        return None;
    };
    let syn::Lit::Str(value) = &lit.lit else {
        return None;
    };
    let syn::Expr::Call(call) = &*arm.body else {
        return None;
    };
    let [syn::Expr::Path(variant)] = call.args.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    let segments: Vec<_> = variant.path.segments.iter().collect();
    match segments.as_slice() {
        [this, variant] if this.ident == "Self" => Some((value.value(), variant.ident.clone())),
        _ => None,
    }
}

/// The Rust type typify gives a schema, for the code written beside
/// progenitor's (`custom`): components by their sanitized name
/// in `types::`, scalars by typify's format rules. Inline objects and enums
/// have no name here; `split` hoists them into components first.
pub fn schema_type(schema: &Value) -> Result<TokenStream, String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("unsupported $ref {reference}"))?;
        if name == crate::normalize::error_responses::API_ERROR {
            return Ok(quote! { sailpoint_runtime::ApiError });
        }
        // `crate::` so that the same path serves in `builder` and `types`.
        let ty = syn::Ident::new(&crate::names::pascal(name), proc_macro2::Span::call_site());
        return Ok(quote! { crate::types::#ty });
    }
    if let Some(Value::Array(all)) = schema.get("allOf")
        && let [only] = all.as_slice()
    {
        return schema_type(only);
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if schema.get("enum").is_some() => Err(format!(
            "inline string enum {schema} has no named type; hoist it into a component"
        )),
        Some("string") => Ok(match format {
            Some("date-time") => DATE_TIME
                .parse()
                .map_err(|e| format!("typify's date-time `{DATE_TIME}`: {e}"))?,
            Some("date") => quote! { ::chrono::naive::NaiveDate },
            Some("uuid") => quote! { ::uuid::Uuid },
            _ => quote! { ::std::string::String },
        }),
        Some("integer") => Ok(match format {
            Some("int32") => quote! { i32 },
            _ => quote! { i64 },
        }),
        Some("number") => Ok(match format {
            Some("float") => quote! { f32 },
            _ => quote! { f64 },
        }),
        Some("boolean") => Ok(quote! { bool }),
        Some("array") => {
            let items = schema_type(schema.get("items").unwrap_or(&Value::Null))?;
            Ok(quote! { ::std::vec::Vec<#items> })
        }
        Some("object") if schema.get("properties").is_none() => {
            Ok(quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> })
        }
        None if schema.as_object().is_some_and(serde_json::Map::is_empty) => {
            Ok(quote! { ::serde_json::Value })
        }
        _ => Err(format!(
            "no named type for schema {schema}; hoist it into a component in normalization"
        )),
    }
}

/// Whether the enum is `#[serde(untagged)]`: typify's `oneOf`.
pub fn is_untagged_enum(e: &syn::ItemEnum) -> bool {
    has_flag(&serde_metas(&e.attrs), "untagged")
}

/// Whether the item derives both serde traits.
pub fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    derives(attrs)
        .iter()
        .filter(|p| is_named(p, "Deserialize") || is_named(p, "Serialize"))
        .count()
        == 2
}

/// The name of a plain type path (`Foo`), if it is one.
pub fn plain_type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

/// typify's struct for an `anyOf`: serde-derived, only
/// `#[serde(flatten)]` `Option` fields named `subtype_N`. Its branches:
/// each field and the name of its type.
pub fn any_of_branches(s: &syn::ItemStruct) -> Option<Vec<(syn::Ident, Option<String>)>> {
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let is_any_of = !fields.named.is_empty()
        && fields.named.iter().all(|f| {
            is_option(&f.ty)
                && has_flag(&serde_metas(&f.attrs), "flatten")
                && f.ident
                    .as_ref()
                    .is_some_and(|i| i.to_string().starts_with("subtype_"))
        });
    if !is_any_of || !derives_serde(&s.attrs) {
        return None;
    }
    Some(
        fields
            .named
            .iter()
            .filter_map(|f| {
                Some((
                    f.ident.clone()?,
                    option_inner(&f.ty).and_then(plain_type_name),
                ))
            })
            .collect(),
    )
}

/// For one struct: a Rust field name typify declared several times, and
/// for each of its occurrences (in field order) the name it gets.
#[derive(Debug, Clone)]
pub struct FieldRenames {
    pub duplicated: String,
    pub per_occurrence: Vec<String>,
}

/// Renames fields of the structs in `plan` (by struct name) everywhere
/// typify names them: the struct, its struct builder (`builder::X`), the
/// builder's setters and the struct expressions of its conversions.
/// Occurrences are matched by order, which typify keeps the same as the
/// field order in all of them.
pub fn rename_fields(
    items: &mut [syn::Item],
    plan: &std::collections::BTreeMap<String, Vec<FieldRenames>>,
) {
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                if let Some(renames) = plan.get(&s.ident.to_string()) {
                    rename_struct_fields(s, renames);
                }
            }
            syn::Item::Mod(builder) if builder.ident == STRUCT_BUILDERS => {
                let Some((_, builder_items)) = &mut builder.content else {
                    continue;
                };
                for item in builder_items.iter_mut() {
                    match item {
                        syn::Item::Struct(s) => {
                            if let Some(renames) = plan.get(&s.ident.to_string()) {
                                rename_struct_fields(s, renames);
                            }
                        }
                        syn::Item::Impl(imp) => {
                            if let Some(renames) =
                                super::self_type_name(imp).and_then(|n| plan.get(&n))
                            {
                                for r in renames {
                                    rename_in_impl(imp, r);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn field_ident(name: &str) -> syn::Ident {
    syn::Ident::new(name, proc_macro2::Span::call_site())
}

fn rename_struct_fields(s: &mut syn::ItemStruct, renames: &[FieldRenames]) {
    let syn::Fields::Named(fields) = &mut s.fields else {
        return;
    };
    for r in renames {
        let mut k = 0;
        for field in fields.named.iter_mut() {
            if field.ident.as_ref().is_some_and(|i| *i == r.duplicated) {
                if let Some(new) = r.per_occurrence.get(k) {
                    field.ident = Some(field_ident(new));
                }
                k += 1;
            }
        }
    }
}

/// Renames, inside an impl: the k-th setter named like the field, and in
/// each struct expression the k-th field initializer, with the field
/// accesses inside them.
fn rename_in_impl(imp: &mut syn::ItemImpl, r: &FieldRenames) {
    let mut k = 0;
    for item in imp.items.iter_mut() {
        if let syn::ImplItem::Fn(f) = item
            && f.sig.ident == r.duplicated
        {
            if let Some(new) = r.per_occurrence.get(k) {
                f.sig.ident = field_ident(new);
                FieldAccess {
                    from: &r.duplicated,
                    to: new,
                }
                .visit_block_mut(&mut f.block);
            }
            k += 1;
        }
    }
    StructExprs { renames: r }.visit_item_impl_mut(imp);
}

/// Renames `x.<from>` field accesses.
struct FieldAccess<'a> {
    from: &'a str,
    to: &'a str,
}

impl syn::visit_mut::VisitMut for FieldAccess<'_> {
    fn visit_expr_field_mut(&mut self, node: &mut syn::ExprField) {
        if let syn::Member::Named(name) = &node.member
            && name == self.from
        {
            node.member = syn::Member::Named(field_ident(self.to));
        }
        syn::visit_mut::visit_expr_field_mut(self, node);
    }
}

struct StructExprs<'a> {
    renames: &'a FieldRenames,
}

impl syn::visit_mut::VisitMut for StructExprs<'_> {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        let mut k = 0;
        for field in node.fields.iter_mut() {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            if *name != self.renames.duplicated {
                continue;
            }
            if let Some(new) = self.renames.per_occurrence.get(k) {
                field.member = syn::Member::Named(field_ident(new));
                FieldAccess {
                    from: &self.renames.duplicated,
                    to: new,
                }
                .visit_expr_mut(&mut field.expr);
            }
            k += 1;
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }
}
