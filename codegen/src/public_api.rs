//! The public API of a generated crate, read from its syntax tree (the
//! output of [`generate`](crate::generate::generate), before render), not
//! from a build: every public type, field with its Rust type, enum variant,
//! trait method with its trait and cargo feature, builder setter and
//! inherent function.
//!
//! `cargo xtask drift --verify` regenerates both sides of a comparison in
//! memory, diffs their [`PublicApi`]s with [`PublicApi::diff`], and checks
//! every API change against drift's report: drift's model of the spec and
//! what the generator makes of it must agree.
//!
//! Types and signatures are compared as token text, with the paths that
//! only say where the code sits (`crate::`, `super::`) removed, so that a
//! type spelled `types::Thing` in one module and `crate::types::Thing` in
//! another is the same.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde::Serialize;
use syn::{FnArg, GenericParam, ImplItem, Item, ReturnType, TraitItem, Type, Visibility};

use crate::generate::Generated;

/// What an [`ApiItem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A struct, enum or type alias; the signature says which (`struct`,
    /// `enum`, `= Target`).
    Type,
    /// A public field; the signature is its type.
    Field,
    /// An enum variant; the signature is its payload (empty for a unit).
    Variant,
    /// A trait method (the client's methods are the tag traits' methods).
    Method,
    /// A builder setter `fn name<V: TryInto<T>>(self, V)`; the signature is
    /// `T`, followed by ` (required)` when `send` fails unless it was called.
    Setter,
    /// Any other public inherent function; the signature is its inputs and
    /// output.
    Function,
}

impl ItemKind {
    fn as_str(self) -> &'static str {
        match self {
            ItemKind::Type => "type",
            ItemKind::Field => "field",
            ItemKind::Variant => "variant",
            ItemKind::Method => "method",
            ItemKind::Setter => "setter",
            ItemKind::Function => "fn",
        }
    }
}

/// One public item of a generated crate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiItem {
    pub kind: ItemKind,
    /// The type or trait the item belongs to, with its module
    /// (`types::Account`, `builder::ListSources`, `ClientSourcesExt`); the
    /// type itself for [`ItemKind::Type`].
    pub owner: String,
    /// The field, variant, method or setter; empty for a type.
    pub name: String,
    /// Its Rust type or signature, as token text.
    pub signature: String,
    /// The cargo feature a trait method or a builder is behind, when it is
    /// one tag's.
    pub feature: Option<String>,
    /// The owner's name is the generator's own (a shared enum named after
    /// its variants), not one the spec gives.
    pub generator_name: bool,
}

impl ApiItem {
    /// The item's key in a [`PublicApi`]: `field types::Account.identity_id`.
    pub fn key(&self) -> String {
        if self.name.is_empty() {
            format!("{} {}", self.kind.as_str(), self.owner)
        } else {
            format!("{} {}.{}", self.kind.as_str(), self.owner, self.name)
        }
    }

    /// The owner without its module (`Account`).
    pub fn owner_name(&self) -> &str {
        self.owner.rsplit("::").next().unwrap_or(&self.owner)
    }

    fn describe(&self) -> String {
        let mut text = self.signature.clone();
        if let Some(feature) = &self.feature {
            text.push_str(&format!(" [feature {feature}]"));
        }
        text
    }
}

/// How an item differs between two [`PublicApi`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiChangeKind {
    Added,
    Removed,
    /// Same key, another signature or feature.
    Changed,
}

/// One difference between two public APIs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiChange {
    pub kind: ApiChangeKind,
    /// [`ApiItem::key`].
    pub key: String,
    pub before: Option<ApiItem>,
    pub after: Option<ApiItem>,
}

impl ApiChange {
    /// The item as it is after the change, or before for a removal.
    pub fn item(&self) -> &ApiItem {
        match (&self.after, &self.before) {
            (Some(item), _) | (None, Some(item)) => item,
            // `diff` never builds a change without an item.
            (None, None) => unreachable!("an API change has a side"),
        }
    }

    /// One line: `removed field types::Account.identity_id: Option<String>`.
    pub fn summary(&self) -> String {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => format!(
                "changed {}: `{}` -> `{}`",
                self.key,
                b.describe(),
                a.describe()
            ),
            (Some(b), None) => format!("removed {}: `{}`", self.key, b.describe()),
            (None, Some(a)) => format!("added {}: `{}`", self.key, a.describe()),
            (None, None) => format!("? {}", self.key),
        }
    }
}

/// Every public item of one generated crate, by [`ApiItem::key`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicApi {
    pub items: BTreeMap<String, ApiItem>,
}

impl PublicApi {
    /// The public API of a generation's syntax tree, with the tag features
    /// and shared enums it recorded.
    pub fn of(generated: &Generated) -> PublicApi {
        let mut trait_features = BTreeMap::new();
        let mut builder_features = BTreeMap::new();
        for tag in &generated.features.tags {
            trait_features.insert(tag.trait_ident.clone(), tag.feature.clone());
            for builder in &tag.builders {
                builder_features.insert(builder.clone(), tag.feature.clone());
            }
        }
        // `Alias = Shared`: the shared enums' names are the generator's.
        let shared: BTreeSet<String> = generated
            .shared_enums
            .iter()
            .filter_map(|line| line.split_once('=').map(|(_, s)| s.trim().to_string()))
            .collect();
        let context = Context {
            trait_features,
            builder_features,
            shared,
        };
        let mut api = PublicApi::default();
        walk(&generated.file.items, "", &context, &mut api);
        api.expand_aliases();
        api
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn insert(&mut self, item: ApiItem) {
        self.items.insert(item.key(), item);
    }

    /// An alias of a type of the same module (`pub type Member = Shared;`)
    /// lists the target's fields and variants as its own: what a caller
    /// writes against `Member::X` is the alias's API, whichever type the
    /// generator points it to.
    ///
    /// An alias of a type the generator named (a shared enum) is that type
    /// to its users: it is listed as the type itself (`enum`, with the
    /// target's functions), so that an enum joining or leaving a group of
    /// shared enums, the Rust type staying the same, is no API change.
    fn expand_aliases(&mut self) {
        let mut copies = Vec::new();
        for alias in self.items.values().filter(|i| i.kind == ItemKind::Type) {
            let Some(target) = alias.signature.strip_prefix("= ") else {
                continue;
            };
            let module = alias
                .owner
                .rsplit_once("::")
                .map_or("", |(module, _)| module);
            let target_owner = if module.is_empty() || target.contains("::") {
                target.to_string()
            } else {
                format!("{module}::{target}")
            };
            let shared = self
                .items
                .get(&format!("type {target_owner}"))
                .filter(|t| t.generator_name);
            if let Some(shared) = shared {
                copies.push(ApiItem {
                    owner: alias.owner.clone(),
                    generator_name: false,
                    ..shared.clone()
                });
            }
            for member in self.items.values().filter(|i| {
                i.owner == target_owner
                    && (matches!(i.kind, ItemKind::Field | ItemKind::Variant)
                        || (shared.is_some() && i.kind == ItemKind::Function))
            }) {
                copies.push(ApiItem {
                    owner: alias.owner.clone(),
                    generator_name: false,
                    ..member.clone()
                });
            }
        }
        for copy in copies {
            self.insert(copy);
        }
    }

    /// Every item added, removed or changed from `old` to `new`, by key.
    pub fn diff(old: &PublicApi, new: &PublicApi) -> Vec<ApiChange> {
        let mut changes = Vec::new();
        for (key, before) in &old.items {
            match new.items.get(key) {
                None => changes.push(ApiChange {
                    kind: ApiChangeKind::Removed,
                    key: key.clone(),
                    before: Some(before.clone()),
                    after: None,
                }),
                Some(after)
                    if after.signature != before.signature || after.feature != before.feature =>
                {
                    changes.push(ApiChange {
                        kind: ApiChangeKind::Changed,
                        key: key.clone(),
                        before: Some(before.clone()),
                        after: Some(after.clone()),
                    })
                }
                Some(_) => {}
            }
        }
        for (key, after) in &new.items {
            if !old.items.contains_key(key) {
                changes.push(ApiChange {
                    kind: ApiChangeKind::Added,
                    key: key.clone(),
                    before: None,
                    after: Some(after.clone()),
                });
            }
        }
        changes
    }
}

struct Context {
    trait_features: BTreeMap<String, String>,
    builder_features: BTreeMap<String, String>,
    shared: BTreeSet<String>,
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn qualified(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

/// Token text without spaces and without the prefixes that only say where
/// the code sits.
pub fn tokens(tokens: &impl ToTokens) -> String {
    let text: String = tokens
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.replace("crate::", "").replace("super::", "")
}

fn walk(items: &[Item], module: &str, context: &Context, api: &mut PublicApi) {
    // A builder field `new()` starts as `Err(..)` ("was not initialized")
    // makes its setter required: `send` fails unless it was called.
    let mut required_fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        if let Item::Impl(implementation) = item
            && implementation.trait_.is_none()
            && let Type::Path(self_ty) = &*implementation.self_ty
            && let Some(last) = self_ty.path.segments.last()
        {
            let required = uninitialized_fields(implementation);
            if !required.is_empty() {
                required_fields.insert(last.ident.to_string(), required);
            }
        }
    }
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, content)) = &m.content
                    && is_pub(&m.vis)
                {
                    walk(
                        content,
                        &qualified(module, &m.ident.to_string()),
                        context,
                        api,
                    );
                }
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let name = s.ident.to_string();
                let owner = qualified(module, &name);
                let generator_name = context.shared.contains(&name);
                let feature = context.builder_features.get(&name).cloned();
                api.insert(ApiItem {
                    kind: ItemKind::Type,
                    owner: owner.clone(),
                    name: String::new(),
                    signature: format!("struct{}", tokens(&s.generics)),
                    feature,
                    generator_name,
                });
                for (index, field) in s.fields.iter().enumerate() {
                    if !is_pub(&field.vis) {
                        continue;
                    }
                    let field_name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| index.to_string(), ToString::to_string);
                    api.insert(ApiItem {
                        kind: ItemKind::Field,
                        owner: owner.clone(),
                        name: field_name,
                        signature: tokens(&field.ty),
                        feature: None,
                        generator_name,
                    });
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let name = e.ident.to_string();
                let owner = qualified(module, &name);
                let generator_name = context.shared.contains(&name);
                api.insert(ApiItem {
                    kind: ItemKind::Type,
                    owner: owner.clone(),
                    name: String::new(),
                    signature: format!("enum{}", tokens(&e.generics)),
                    feature: None,
                    generator_name,
                });
                for variant in &e.variants {
                    api.insert(ApiItem {
                        kind: ItemKind::Variant,
                        owner: owner.clone(),
                        name: variant.ident.to_string(),
                        signature: tokens(&variant.fields),
                        feature: None,
                        generator_name,
                    });
                }
            }
            Item::Type(t) if is_pub(&t.vis) => {
                let name = t.ident.to_string();
                api.insert(ApiItem {
                    kind: ItemKind::Type,
                    owner: qualified(module, &name),
                    name: String::new(),
                    signature: format!("= {}", tokens(&t.ty)),
                    feature: None,
                    generator_name: context.shared.contains(&name),
                });
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                let name = t.ident.to_string();
                let feature = context.trait_features.get(&name).cloned();
                for member in &t.items {
                    if let TraitItem::Fn(f) = member {
                        api.insert(ApiItem {
                            kind: ItemKind::Method,
                            owner: qualified(module, &name),
                            name: f.sig.ident.to_string(),
                            signature: signature(&f.sig),
                            feature: feature.clone(),
                            generator_name: false,
                        });
                    }
                }
            }
            Item::Impl(implementation) if implementation.trait_.is_none() => {
                let Type::Path(self_ty) = &*implementation.self_ty else {
                    continue;
                };
                let Some(last) = self_ty.path.segments.last() else {
                    continue;
                };
                let name = last.ident.to_string();
                let owner = qualified(module, &name);
                let feature = context.builder_features.get(&name).cloned();
                let required = required_fields.get(&name);
                for member in &implementation.items {
                    let ImplItem::Fn(f) = member else { continue };
                    if !is_pub(&f.vis) {
                        continue;
                    }
                    let method = f.sig.ident.to_string();
                    let item = match setter_type(&f.sig) {
                        Some(ty) => {
                            let required = required.is_some_and(|r| r.contains(&method));
                            ApiItem {
                                kind: ItemKind::Setter,
                                owner: owner.clone(),
                                name: method,
                                signature: if required {
                                    format!("{ty} (required)")
                                } else {
                                    ty
                                },
                                feature: feature.clone(),
                                generator_name: false,
                            }
                        }
                        None => ApiItem {
                            kind: ItemKind::Function,
                            owner: owner.clone(),
                            name: method,
                            signature: signature(&f.sig),
                            feature: feature.clone(),
                            generator_name: context.shared.contains(&name),
                        },
                    };
                    api.insert(item);
                }
            }
            _ => {}
        }
    }
}

/// The fields a builder's `new()` sets to `Err(..)`.
fn uninitialized_fields(implementation: &syn::ItemImpl) -> BTreeSet<String> {
    let mut fields = BTreeSet::new();
    for member in &implementation.items {
        let ImplItem::Fn(f) = member else { continue };
        if f.sig.ident != "new" {
            continue;
        }
        for statement in &f.block.stmts {
            let syn::Stmt::Expr(syn::Expr::Struct(init), _) = statement else {
                continue;
            };
            for field in &init.fields {
                if let (syn::Member::Named(name), syn::Expr::Call(call)) =
                    (&field.member, &field.expr)
                    && let syn::Expr::Path(function) = &*call.func
                    && function.path.is_ident("Err")
                {
                    fields.insert(name.to_string());
                }
            }
        }
    }
    fields
}

/// `T` of a setter `fn name<V>(self, value: V) -> Self where V: TryInto<T>`
/// (progenitor's and typify's builders).
fn setter_type(sig: &syn::Signature) -> Option<String> {
    let mut params = sig.generics.params.iter();
    let (Some(GenericParam::Type(param)), None) = (params.next(), params.next()) else {
        return None;
    };
    let bounds = param.bounds.iter().chain(
        sig.generics
            .where_clause
            .iter()
            .flat_map(|w| w.predicates.iter())
            .filter_map(|p| match p {
                syn::WherePredicate::Type(t) if param.ident == tokens(&t.bounded_ty) => {
                    Some(t.bounds.iter())
                }
                _ => None,
            })
            .flatten(),
    );
    for bound in bounds {
        let syn::TypeParamBound::Trait(bound) = bound else {
            continue;
        };
        let Some(last) = bound.path.segments.last() else {
            continue;
        };
        if last.ident != "TryInto" && last.ident != "Into" {
            continue;
        }
        if let syn::PathArguments::AngleBracketed(arguments) = &last.arguments
            && let Some(syn::GenericArgument::Type(ty)) = arguments.args.first()
        {
            return Some(tokens(ty));
        }
    }
    None
}

/// `(inputs) -> output`, receivers included, generics and where clauses
/// included.
fn signature(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|input| match input {
            FnArg::Receiver(r) => tokens(r),
            FnArg::Typed(t) => tokens(&t.ty),
        })
        .collect();
    let output = match &sig.output {
        ReturnType::Default => String::new(),
        ReturnType::Type(_, ty) => format!("->{}", tokens(ty)),
    };
    format!(
        "{}({}){output}{}",
        tokens(&sig.generics),
        inputs.join(","),
        sig.generics
            .where_clause
            .as_ref()
            .map(tokens)
            .unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> PublicApi {
        let file: syn::File = syn::parse_str(code).expect("test code parses");
        let context = Context {
            trait_features: [("ClientThingsExt".to_string(), "things".to_string())].into(),
            builder_features: [("ListThings".to_string(), "things".to_string())].into(),
            shared: ["AscDescEnum".to_string()].into(),
        };
        let mut api = PublicApi::default();
        walk(&file.items, "", &context, &mut api);
        api.expand_aliases();
        api
    }

    const CODE: &str = r#"
        pub mod types {
            pub struct Thing { pub size: Option<i64>, secret: u8 }
            pub enum AscDescEnum { Asc, Desc, Unknown(String) }
            pub type ThingOrder = AscDescEnum;
        }
        pub trait ClientThingsExt { fn list_things(&self) -> builder::ListThings<'_>; }
        pub mod builder {
            pub struct ListThings<'a> {
                client: &'a super::Client,
                id: Result<String, String>,
                order: Result<Option<crate::types::ThingOrder>, String>,
            }
            impl<'a> ListThings<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self {
                        client: client,
                        id: Err("id was not initialized".to_string()),
                        order: Ok(None),
                    }
                }
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String> { self }
                pub fn order<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::ThingOrder> { self }
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error> { todo!() }
                fn private(self) {}
            }
        }
    "#;

    #[test]
    fn lists_types_fields_variants_methods_and_setters() {
        let api = api(CODE);
        let get = |key: &str| api.items.get(key).map(|i| i.signature.clone());
        assert_eq!(
            get("field types::Thing.size").as_deref(),
            Some("Option<i64>")
        );
        assert_eq!(get("field types::Thing.secret"), None);
        assert_eq!(
            get("variant types::AscDescEnum.Unknown").as_deref(),
            Some("(String)")
        );
        // The alias lists its target's variants as its own.
        assert_eq!(get("variant types::ThingOrder.Desc").as_deref(), Some(""));
        // An alias of a shared enum is listed as the enum it is.
        assert_eq!(get("type types::ThingOrder").as_deref(), Some("enum"));
        assert!(api.items["type types::AscDescEnum"].generator_name);
        assert!(!api.items["variant types::ThingOrder.Desc"].generator_name);
        let method = &api.items["method ClientThingsExt.list_things"];
        assert_eq!(method.feature.as_deref(), Some("things"));
        assert_eq!(
            get("setter builder::ListThings.id").as_deref(),
            Some("String (required)")
        );
        assert_eq!(
            get("setter builder::ListThings.order").as_deref(),
            Some("types::ThingOrder")
        );
        assert!(
            get("fn builder::ListThings.send")
                .is_some_and(|s| s.contains("ResponseValue<types::Thing>"))
        );
        assert_eq!(get("fn builder::ListThings.private"), None);
    }

    #[test]
    fn diff_finds_added_removed_and_changed_items() {
        let old = api(CODE);
        let new = api(&CODE
            .replace("pub size: Option<i64>", "pub size: Option<String>")
            .replace("Asc, Desc,", "Asc,")
            .replace("ClientThingsExt", "ClientOtherExt"));
        let changes = PublicApi::diff(&old, &new);
        let summary: Vec<String> = changes.iter().map(ApiChange::summary).collect();
        assert!(
            summary.contains(
                &"changed field types::Thing.size: `Option<i64>` -> `Option<String>`".to_string()
            ),
            "{summary:#?}"
        );
        assert!(
            summary
                .iter()
                .any(|s| s.starts_with("removed variant types::ThingOrder.Desc")),
            "{summary:#?}"
        );
        assert!(
            summary
                .iter()
                .any(|s| s.starts_with("removed method ClientThingsExt.list_things")),
            "{summary:#?}"
        );
        assert!(
            summary
                .iter()
                .any(|s| s.starts_with("added method ClientOtherExt.list_things")),
            "{summary:#?}"
        );
        assert!(PublicApi::diff(&old, &old).is_empty());
    }
}
