//! What progenitor's and typify's output looks like, known here and only
//! here. Every post-pass reaches the generated syntax through these views:
//! the `types`, `builder` and `prelude` modules, a builder's inherent
//! `impl` and its methods, its `send` and the status `match` it ends in,
//! the success type `send` returns; [`typify`] reads typify's derives,
//! serde attributes and its spelling of a date-time.
//!
//! A shape these functions do not recognise is an error naming the
//! builder or type, never a silent no-op: after an upgrade of progenitor or
//! typify, `tests/shape.rs`-style golden checks (`shape::tests`) and these
//! errors say what changed. Upgrading either crate means reading this
//! file's tests against the new output first.

use std::collections::{BTreeMap, BTreeSet};

use syn::{
    Arm, Expr, ExprMatch, GenericArgument, ImplItem, ImplItemFn, Item, ItemImpl, Pat,
    PathArguments, ReturnType, Stmt, Type,
};

use crate::error::Error;

pub mod builder;
pub mod fields;
pub mod typify;

pub use typify::{DATE_TIME, compact};

/// The modules of progenitor's output the post-passes work on.
pub const TYPES: &str = "types";
pub const BUILDER: &str = "builder";
pub const PRELUDE: &str = "prelude";

fn missing_module(name: &str) -> Error {
    Error::Internal(format!(
        "generated code has no `mod {name}`: progenitor's output changed; revisit generate/shape.rs"
    ))
}

/// The items of the inline module `name`.
pub fn module<'a>(items: &'a [Item], name: &str) -> Result<&'a [Item], Error> {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, c)| c.as_slice()),
            _ => None,
        })
        .ok_or_else(|| missing_module(name))
}

/// The items of the inline module `name`, to change.
pub fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Result<&'a mut Vec<Item>, Error> {
    items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, c)| c),
            _ => None,
        })
        .ok_or_else(|| missing_module(name))
}

/// Takes the items of module `name` out, to work on them apart; give them
/// back with [`put_module`].
pub fn take_module(items: &mut [Item], name: &str) -> Result<Vec<Item>, Error> {
    module_mut(items, name).map(std::mem::take)
}

pub fn put_module(items: &mut [Item], name: &str, content: Vec<Item>) -> Result<(), Error> {
    *module_mut(items, name)? = content;
    Ok(())
}

/// The name of the type an `impl` is for (`Thing` of `impl<'a> Thing<'a>`).
pub fn self_type_name(implementation: &ItemImpl) -> Option<String> {
    match &*implementation.self_ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_inherent_impl_of(item: &Item, name: &str) -> bool {
    matches!(item, Item::Impl(i) if i.trait_.is_none() && self_type_name(i).as_deref() == Some(name))
}

/// The inherent `impl` of the builder named `name` in the `builder` module.
pub fn builder<'i>(items: &'i [Item], name: &str) -> Option<&'i ItemImpl> {
    items.iter().find_map(|item| match item {
        Item::Impl(i) if is_inherent_impl_of(item, name) => Some(i),
        _ => None,
    })
}

/// [`builder()`], to change; a missing builder is an error naming it.
pub fn builder_mut<'i>(items: &'i mut [Item], name: &str) -> Result<&'i mut ItemImpl, Error> {
    items
        .iter_mut()
        .find_map(|item| {
            if !is_inherent_impl_of(item, name) {
                return None;
            }
            match item {
                Item::Impl(i) => Some(i),
                _ => None,
            }
        })
        .ok_or_else(|| Error::Generate {
            culprit: Some(format!("builder `{name}`")),
            message: "progenitor generated no inherent `impl` for it".into(),
        })
}

/// The method `name` of an `impl`.
pub fn method<'i>(implementation: &'i ItemImpl, name: &str) -> Option<&'i ImplItemFn> {
    implementation.items.iter().find_map(|item| match item {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// The builder's `send`.
pub fn send(implementation: &ItemImpl) -> Result<&ImplItemFn, String> {
    method(implementation, "send").ok_or_else(|| "the builder has no `send`".to_string())
}

/// A copy of the builder's `send`, to be renamed and changed: it keeps
/// every parameter, header, hook and error arm of the original.
pub fn copy_of_send(implementation: &ItemImpl) -> Result<ImplItemFn, String> {
    send(implementation).cloned()
}

/// Every builder's `send` in the `builder` module, with the builder's name.
pub fn sends_mut(builder: &mut [Item]) -> impl Iterator<Item = (String, &mut ImplItemFn)> {
    builder.iter_mut().filter_map(|item| match item {
        Item::Impl(i) if i.trait_.is_none() => {
            let name = self_type_name(i)?;
            i.items.iter_mut().find_map(|member| match member {
                ImplItem::Fn(f) if f.sig.ident == "send" => Some((name.clone(), f)),
                _ => None,
            })
        }
        _ => None,
    })
}

/// The status `match` a `send` (or a copy of it) ends in: progenitor's
/// `match response.status().as_u16() { 200u16 => ..., _ => ... }`.
pub fn status_match_mut(send: &mut ImplItemFn) -> Result<&mut ExprMatch, String> {
    match send.block.stmts.last_mut() {
        Some(Stmt::Expr(Expr::Match(status_match), None)) => Ok(status_match),
        _ => Err(format!(
            "`{}` does not end in a status `match`: progenitor's `send` changed; revisit generate/shape.rs",
            send.sig.ident
        )),
    }
}

/// `T` of `-> Result<ResponseValue<T>, _>`, what `send` returns on success.
pub fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let value = first_generic(ty, "Result")?;
    first_generic(&value, "ResponseValue")
}

/// `T` of `-> Result<ResponseValue<Vec<T>>, _>`, the item of a list.
pub fn listed_item(output: &ReturnType) -> Option<Type> {
    first_generic(&success_type(output)?, "Vec")
}

fn first_generic(ty: &Type, outer: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    first_generic_of_path(&path.path, outer)
}

/// `T` of a path ending in `outer<T, ..>`.
fn first_generic_of_path(path: &syn::Path, outer: &str) -> Option<Type> {
    let last = path.segments.last()?;
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

/// Whether a status-match arm is for a 2xx status (`200u16 => ...` or
/// `200u16..=299u16 => ...`).
pub fn is_success_arm(arm: &Arm) -> bool {
    let code = |expr: &Expr| match expr {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse::<u16>().ok(),
            _ => None,
        },
        _ => None,
    };
    let first = match &arm.pat {
        Pat::Range(range) => range.start.as_deref().and_then(code),
        Pat::Lit(lit) => code(&Expr::Lit(lit.clone())),
        _ => None,
    };
    first.is_some_and(|s| (200..300).contains(&s))
}

/// An unguarded status-match arm for one status literal (`404u16`) or a
/// range of them (`400u16..=499u16`): not `_`, not guarded (a guard is a
/// pattern of its own, `Pat::Guard`, in syn 3).
pub fn is_status_arm(arm: &Arm) -> bool {
    matches!(arm.pat, Pat::Lit(_) | Pat::Range(_))
}

/// progenitor's decoding of a body in a status arm:
/// `ResponseValue::from_response(response)`, or
/// `ResponseValue::<T>::from_response(response)` (`T` in `types`).
pub struct FromResponse<'e> {
    /// `<T>` of `ResponseValue::<T>`, if spelled.
    pub ty: Option<&'e syn::AngleBracketedGenericArguments>,
    /// Whether `from_response` itself has generic arguments.
    pub generic_method: bool,
    pub args: &'e syn::punctuated::Punctuated<Expr, syn::token::Comma>,
}

/// [`FromResponse`], if `expr` is one.
pub fn from_response(expr: &Expr) -> Option<FromResponse<'_>> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Path(function) = &*call.func else {
        return None;
    };
    let [ty, method] = function.path.segments.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if ty.ident != "ResponseValue" || method.ident != "from_response" {
        return None;
    }
    Some(FromResponse {
        ty: match &ty.arguments {
            PathArguments::AngleBracketed(generics) => Some(generics),
            _ => None,
        },
        generic_method: !method.arguments.is_none(),
        args: &call.args,
    })
}

/// The `OperationInfo::operation_id` of every builder's `send`: the names
/// the hooks see at run time.
pub fn sent_operation_names(file: &syn::File) -> BTreeSet<String> {
    sent_operations(file).into_keys().collect()
}

/// The builder of each operation, by the `OperationInfo::operation_id`
/// its `send` names (progenitor's method name): the builder's name is
/// progenitor's to choose, this is where to look it up.
pub fn sent_operations(file: &syn::File) -> BTreeMap<String, String> {
    let builders = module(&file.items, BUILDER).unwrap_or_default();
    let mut operations = BTreeMap::new();
    for implementation in builders.iter().filter_map(|item| match item {
        Item::Impl(i) => Some(i),
        _ => None,
    }) {
        let Some(send) = method(implementation, "send") else {
            continue;
        };
        let Some(builder) = self_type_name(implementation) else {
            continue;
        };
        for statement in &send.block.stmts {
            let Stmt::Local(local) = statement else {
                continue;
            };
            let Some(Expr::Struct(info)) = local.init.as_ref().map(|i| &*i.expr) else {
                continue;
            };
            if !info.path.is_ident("OperationInfo") {
                continue;
            }
            for field in &info.fields {
                if let (syn::Member::Named(member), Expr::Lit(lit)) = (&field.member, &field.expr)
                    && member == "operation_id"
                    && let syn::Lit::Str(name) = &lit.lit
                {
                    operations.insert(name.value(), builder.clone());
                }
            }
        }
    }
    operations
}

#[cfg(test)]
mod tests {
    //! Golden checks of the shapes above on progenitor's real output for a
    //! small spec: after an upgrade of progenitor or typify, these fail
    //! first and say which view to revisit.

    use serde_json::json;
    use syn::ImplItem;

    use super::*;

    /// One property per kind of schema `typify::schema_type` restates.
    static SCALARS: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
        json!({
            "id": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date"},
            "uid": {"type": "string", "format": "uuid"},
            "count": {"type": "integer", "format": "int64"},
            "small": {"type": "integer", "format": "int32"},
            "plain": {"type": "integer"},
            "ratio": {"type": "number", "format": "double"},
            "fraction": {"type": "number", "format": "float"},
            "score": {"type": "number"},
            "flag": {"type": "boolean"},
            "names": {"type": "array", "items": {"type": "string"}},
            "bag": {"type": "object"},
            "anything": {},
            "kind": {"$ref": "#/components/schemas/Kind"},
            "_type": {"type": "string"}
        })
    });

    fn progenitor_output() -> syn::File {
        let document = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/things": {"get": {
                    "operationId": "listThings",
                    "tags": ["Things"],
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}},
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "format": "int32"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {
                            "type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}},
                        "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                    }
                }},
                "/things/{id}": {"put": {
                    "operationId": "putThing",
                    "tags": ["Things"],
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
                    }
                }}
            },
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {
                    "created": {"type": "string", "format": "date-time"}
                }},
                "Problem": {"type": "object", "properties": {"message": {"type": "string"}}},
                "Scalars": {"type": "object", "required": ["id"], "properties": SCALARS.clone()},
                "Kind": {"type": "string", "enum": ["ROLE", "ENTITLEMENT"]},
                "Doc": {"type": "object", "properties": {"type": {"type": "string"}, "_type": {"type": "string"}}},
                "Choice": {"oneOf": [{"$ref": "#/components/schemas/Thing"}, {"$ref": "#/components/schemas/Problem"}]},
                "Either": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"$ref": "#/components/schemas/Problem"}]}
            }}
        });
        let tokens = super::super::progenitor::generate(&document).expect("progenitor runs");
        syn::parse2(tokens).expect("parses")
    }

    #[test]
    fn progenitor_and_typify_output_has_the_shapes_the_views_read() {
        let mut file = progenitor_output();
        assert!(module(&file.items, PRELUDE).is_ok());
        let types = module(&file.items, TYPES).expect("types");
        let thing = types
            .iter()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == "Thing" => Some(s),
                _ => None,
            })
            .expect("struct Thing");
        let created = thing.fields.iter().next().expect("a field");
        assert_eq!(
            compact(&created.ty),
            format!("::std::option::Option<{DATE_TIME}>"),
            "typify's date-time spelling"
        );

        let thing_builder = types.iter().find_map(|item| match item {
            Item::Impl(i)
                if i.trait_.is_none() && self_type_name(i).as_deref() == Some("Thing") =>
            {
                i.items.iter().find(|m| typify::is_builder_fn(m))
            }
            _ => None,
        });
        assert!(thing_builder.is_some(), "typify's `Thing::builder()`");
        let struct_builders = module(types, typify::STRUCT_BUILDERS).expect("types::builder");
        assert!(
            struct_builders
                .iter()
                .any(|item| matches!(item, Item::Struct(s) if s.ident == "Thing")),
            "typify's `types::builder::Thing`"
        );

        let builders = module(&file.items, BUILDER).expect("builder");
        let list = builder(builders, "ListThings").expect("builder ListThings");
        let send = send(list).expect("send");
        let item = listed_item(&send.sig.output).expect("send returns a list");
        assert_eq!(compact(&item), "types::Thing");
        assert!(method(list, "limit").is_some() && method(list, "offset").is_some());
        assert_eq!(
            sent_operation_names(&file).into_iter().collect::<Vec<_>>(),
            ["list_things", "put_thing"]
        );

        let builders = module_mut(&mut file.items, BUILDER).expect("builder");
        let mut sends: Vec<(String, &mut ImplItemFn)> = sends_mut(builders).collect();
        assert_eq!(sends.len(), 2);
        let (name, send) = &mut sends[0];
        assert_eq!(name, "ListThings");
        let status_match = status_match_mut(send).expect("ends in a status match");
        let successes = status_match
            .arms
            .iter()
            .filter(|a| is_success_arm(a))
            .count();
        assert_eq!(
            (successes, status_match.arms.len()),
            (1, 3),
            "200, 400 and `_`"
        );
        let statuses: Vec<bool> = status_match.arms.iter().map(is_status_arm).collect();
        assert_eq!(statuses, [true, true, false], "literals, then `_`");
        // The 200 and 400 arms decode with `ResponseValue::from_response`.
        struct Decodes(Vec<bool>);
        impl<'e> syn::visit::Visit<'e> for Decodes {
            fn visit_expr(&mut self, expr: &'e Expr) {
                match from_response(expr) {
                    Some(decode) => self.0.push(decode.ty.is_none() && !decode.generic_method),
                    None => syn::visit::visit_expr(self, expr),
                }
            }
        }
        let mut decodes = Decodes(Vec::new());
        for arm in &status_match.arms {
            syn::visit::Visit::visit_expr(&mut decodes, &arm.body);
        }
        assert_eq!(
            decodes.0,
            [true, true],
            "untyped `from_response` in 200 and 400"
        );
    }

    /// The shapes `custom` and `downloads` change: a builder's struct,
    /// `new`, setters, the `let url`/`let request = ...build()?` positions
    /// of its `send`, its status arms' spelling and the usage example.
    #[test]
    fn builders_can_be_extended_through_the_builder_views() {
        use quote::quote;

        let mut file = progenitor_output();
        let builders = module_mut(&mut file.items, BUILDER).expect("builder");
        let put = builder(builders, "PutThing").expect("builder PutThing");
        assert_eq!(
            builder::setter_type(put, "body")
                .map(|t| compact(&t))
                .as_deref(),
            Some("types::Thing"),
            "the body setter's `V: TryInto<T>`"
        );
        let progenitor_success = send(put).expect("send").block.stmts.last().cloned();
        let Some(Stmt::Expr(Expr::Match(progenitor_match), None)) = progenitor_success else {
            panic!("`send` ends in a status match");
        };
        let spelled = builder::status_arm("200", quote!(x)).expect("an arm");
        assert_eq!(
            compact(&spelled.pat),
            compact(&progenitor_match.arms[0].pat),
            "a status arm spelled as progenitor spells it"
        );

        let mut extended = builder::extend(builders, "PutThing").expect("struct and impl");
        extended
            .add_field(&quote!(extra), &quote!(u8), &quote!(7u8))
            .expect("a field added to the struct, `new` and `send`");
        extended.derive_debug_only().expect("a derive to replace");
        let setter: ImplItem = syn::parse_quote! { pub fn extra(self) -> Self { self } };
        extended
            .add_setters(vec![setter])
            .expect("setters before `send`");
        let mut send = extended.send().expect("send");
        send.insert_before_url(quote! { let prepared = 1; })
            .expect("a `let url`");
        send.extend_request_chain(quote! { .header("x", "y") })
            .expect("a `let request = ...build()?`");
        send.insert_after_request(quote! { let after = 2; })
            .expect("a `let request`");
        assert_eq!(send.success_arms().expect("a success arm").len(), 1);
        send.replace_success_arms(vec![spelled]).expect("replaced");
        assert_eq!(
            compact(&send.status_match().expect("match").arms[0].body),
            "{x}"
        );

        let code = compact(builder(builders, "PutThing").expect("still there"));
        for expected in [
            "extra:7u8}",
            "letSelf{client,id,body,extra}=self;",
            "letprepared=1;leturl=",
            ".header(\"x\",\"y\").build()?;letafter=2;",
            "pubfnextra(self)->Self{self}#[doc=\"Sendsa`PUT`requestto`/things/{id}`\"]pubasyncfnsend",
        ] {
            assert!(code.contains(expected), "{expected} not in {code}");
        }
        let structure = builders
            .iter()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == "PutThing" => Some(compact(s)),
                _ => None,
            })
            .expect("struct PutThing");
        assert!(
            structure.contains("#[derive(Debug)]pubstructPutThing"),
            "{structure}"
        );
        assert!(structure.ends_with("extra:u8}"), "{structure}");

        builder::add_to_usage_example(&mut file.items, "put_thing", "    .extra(extra)\n")
            .expect("the tag trait's usage example");
        let client = prettyplease::unparse(&file);
        assert!(
            client.contains("    .extra(extra)\n    .send()"),
            "usage example not completed"
        );
    }

    #[test]
    fn unrecognised_builder_shapes_are_errors_saying_what_is_missing() {
        use quote::quote;

        let mut items: Vec<Item> = vec![
            syn::parse_quote! { pub struct Odd<'a> { client: &'a Client } },
            syn::parse_quote! {
                impl<'a> Odd<'a> {
                    pub fn new(client: &'a Client) -> Self { let s = Self { client }; s }
                    pub async fn send(self) -> Result<(), ()> { let url = 1; match 1 { _ => Ok(()) } }
                }
            },
        ];
        let missing = builder::extend(&mut items, "Gone")
            .err()
            .expect("no builder");
        assert!(missing.contains("`Gone`"), "{missing}");
        let mut odd = builder::extend(&mut items, "Odd").expect("struct and impl");
        let error = odd
            .add_field(&quote!(x), &quote!(u8), &quote!(0))
            .expect_err("`new` ends in a `let`");
        assert!(error.contains("`new`"), "{error}");
        let mut send = odd.send().expect("send");
        let error = send
            .extend_request_chain(quote!(.body(b)))
            .expect_err("no request");
        assert!(error.contains("`request`"), "{error}");
        let error = send.success_arms().expect_err("no success arm");
        assert!(error.contains("success arm"), "{error}");
        let error = builder::add_to_usage_example(&mut items, "odd", "").expect_err("no tag trait");
        assert!(error.contains("`odd`"), "{error}");
        assert!(builder::status_arm("abc", quote!(x)).is_err());
    }

    #[test]
    fn unrecognised_shapes_are_errors_naming_the_culprit() {
        let mut items: Vec<Item> = vec![syn::parse_quote! { pub struct Orphan; }];
        let error = builder_mut(&mut items, "Orphan").expect_err("no impl");
        assert!(error.to_string().contains("`Orphan`"), "{error}");
        let error = module(&items, TYPES).expect_err("no types module");
        assert!(error.to_string().contains("mod types"), "{error}");
        let mut send: ImplItemFn = syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> { let x = 1; x }
        };
        let error = status_match_mut(&mut send).expect_err("no match");
        assert!(error.contains("`send`"), "{error}");
    }

    fn types_struct<'a>(file: &'a syn::File, name: &str) -> &'a syn::ItemStruct {
        module(&file.items, TYPES)
            .expect("types")
            .iter()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
            .unwrap_or_else(|| panic!("struct {name}"))
    }

    /// `typify::schema_type` restates typify's type for a schema (for the
    /// code `custom` writes beside progenitor's): it must name what typify
    /// itself declares for each property of `Scalars`.
    #[test]
    fn schema_types_are_the_ones_typify_declares() {
        let file = progenitor_output();
        let scalars = types_struct(&file, "Scalars");
        let properties = SCALARS.as_object().expect("an object");
        let mut checked = 0;
        for field in &scalars.fields {
            let view = typify::SerdeField::read("Scalars", field).expect("typify's attributes");
            let schema = &properties[&view.key];
            let declared = if view.optional {
                typify::option_inner(&field.ty).expect("Option<T>")
            } else {
                &field.ty
            };
            let declared = compact(declared).replace("crate::types::", "");
            let restated = typify::schema_type(schema)
                .map(|t| compact(&t).replace("crate::types::", ""))
                .expect("a type");
            assert_eq!(restated, declared, "property `{}` ({schema})", view.key);
            checked += 1;
        }
        assert_eq!(checked, properties.len());
    }

    /// The serde attributes typify writes on fields, read by
    /// `typify::SerdeField`: JSON keys, optionality, defaults, the value
    /// types the codecs hang on; an attribute it does not know is an error.
    #[test]
    fn typify_field_attributes_read_as_serde_fields() {
        let file = progenitor_output();
        let scalars = types_struct(&file, "Scalars");
        let views: Vec<typify::SerdeField> = scalars
            .fields
            .iter()
            .map(|f| typify::SerdeField::read("Scalars", f).expect("typify's attributes"))
            .collect();
        let view = |key: &str| {
            views
                .iter()
                .find(|v| v.key == key)
                .unwrap_or_else(|| panic!("a field for `{key}`"))
        };
        let id = view("id");
        assert!(!id.optional && id.default.is_none() && id.skip_serializing_if.is_none());
        let at = view("at");
        assert!(at.optional && at.skipped_when_none() && !at.has_codec());
        assert_eq!(at.value, typify::ValueType::DateTime);
        assert_eq!(view("score").value, typify::ValueType::Number);
        assert_eq!(view("ratio").value, typify::ValueType::Number);
        assert_eq!(view("count").value, typify::ValueType::Other);
        let names = view("names");
        assert!(!names.optional, "typify's optional arrays are plain `Vec`s");
        assert!(matches!(names.default, Some(typify::FieldDefault::Type)));
        assert_eq!(
            names.skip_serializing_if.as_ref().map(compact).as_deref(),
            Some("::std::vec::Vec::is_empty")
        );
        assert_eq!(view("_type").name, "type_", "renamed from `_type`");

        let odd: syn::Field = syn::parse_quote!(#[serde(alias = "x")] pub y: u8);
        let error = typify::SerdeField::read("Odd", &odd).expect_err("alias is not typify's");
        assert!(
            error.contains("`Odd.y`") && error.contains("alias"),
            "{error}"
        );
    }

    /// typify's `FromStr` of a string enum lists its values; another shape
    /// of it is an error, not a silently closed enum.
    #[test]
    fn string_enum_values_are_read_from_typify_from_str() {
        let file = progenitor_output();
        let from_str = module(&file.items, TYPES)
            .expect("types")
            .iter()
            .find_map(|item| match item {
                Item::Impl(i)
                    if typify::implements(i, "FromStr")
                        && typify::impl_self_name(i).as_deref() == Some("Kind") =>
                {
                    Some(i)
                }
                _ => None,
            })
            .expect("typify's `impl FromStr for Kind`");
        let values: Vec<(String, String)> = typify::string_enum_values(from_str)
            .expect("a string enum's arms")
            .expect("read")
            .into_iter()
            .map(|(value, variant)| (value, variant.to_string()))
            .collect();
        assert_eq!(
            values,
            [
                ("ROLE".to_string(), "Role".to_string()),
                ("ENTITLEMENT".to_string(), "Entitlement".to_string())
            ]
        );
        let changed: syn::ItemImpl = syn::parse_quote! {
            impl ::std::str::FromStr for Kind {
                type Err = ();
                fn from_str(value: &str) -> Result<Self, ()> {
                    match value { "ROLE" => Ok(Self::Role), "ENTITLEMENT" => Ok(Kind::Entitlement), _ => Err(()) }
                }
            }
        };
        let error = typify::string_enum_values(&changed).expect_err("an arm of another shape");
        assert!(error.contains("`Kind`"), "{error}");
    }

    /// typify's `oneOf` (an untagged enum) and `anyOf` (a struct of
    /// flattened optional `subtype_N` branches), as `models::variants`
    /// finds them.
    #[test]
    fn one_of_and_any_of_have_the_shapes_variants_reads() {
        let file = progenitor_output();
        let types = module(&file.items, TYPES).expect("types");
        let choice = types
            .iter()
            .find_map(|item| match item {
                Item::Enum(e) if e.ident == "Choice" => Some(e),
                _ => None,
            })
            .expect("enum Choice");
        assert!(typify::is_untagged_enum(choice));
        let either = types_struct(&file, "Either");
        let branches: Vec<(String, Option<String>)> = typify::any_of_branches(either)
            .expect("an anyOf struct")
            .into_iter()
            .map(|(field, ty)| (field.to_string(), ty))
            .collect();
        assert_eq!(
            branches,
            [
                ("subtype_0".to_string(), Some("Thing".to_string())),
                ("subtype_1".to_string(), Some("Problem".to_string()))
            ]
        );
        assert!(typify::any_of_branches(types_struct(&file, "Thing")).is_none());
    }

    /// typify declares `type` and `_type` both as `type_`; the renamed
    /// field must be renamed in the struct, its struct builder, the
    /// builder's setter and the conversions alike.
    #[test]
    fn colliding_fields_are_renamed_wherever_typify_names_them() {
        let mut file = progenitor_output();
        let types = module_mut(&mut file.items, TYPES).expect("types");
        let report = crate::generate::field_collisions::rename_colliding_fields(types)
            .expect("typify's attributes");
        assert_eq!(report, ["`Doc` field #1 `type_` renamed `underscore_type`"]);
        let doc = compact(types_struct(&file, "Doc"));
        assert!(
            doc.contains("pubunderscore_type:") && doc.contains("pubtype_:"),
            "{doc}"
        );
        let types = module(&file.items, TYPES).expect("types");
        let builders = module(types, typify::STRUCT_BUILDERS).expect("types::builder");
        let doc_builder: String = builders
            .iter()
            .filter(|item| match item {
                Item::Struct(s) => s.ident == "Doc",
                Item::Impl(i) => self_type_name(i).as_deref() == Some("Doc"),
                _ => false,
            })
            .map(compact)
            .collect();
        for expected in [
            "underscore_type:::std::result::Result<",
            "pubfnunderscore_type<T>",
            "underscore_type:value.underscore_type?",
            "underscore_type:Ok(value.underscore_type)",
        ] {
            assert!(
                doc_builder.contains(expected),
                "{expected} not in {doc_builder}"
            );
        }
        for expected in [
            "self.underscore_type=value",
            "underscore_type:Ok(Default::default()),type_:Ok(Default::default())",
            "self.type_=value",
        ] {
            assert!(
                doc_builder.contains(expected),
                "{expected} not in {doc_builder}"
            );
        }
    }

    #[test]
    fn success_arms_are_2xx_literals_and_ranges() {
        let m: ExprMatch = syn::parse_quote! {
            match status { 200u16 => a, 201u16..=299u16 => b, 404u16 => c, 400u16..=499u16 => d, _ => e }
        };
        let found: Vec<bool> = m.arms.iter().map(is_success_arm).collect();
        assert_eq!(found, [true, true, false, false, false]);
    }
}
