//! A cargo feature per API tag, so that a crate calling a few endpoints
//! compiles only their code.
//!
//! The feature of a tag (its name in kebab case: `Configuration Hub` is
//! `configuration-hub`, `SP-Config` is `sp-config`) enables the tag's
//! extension trait, its operation builders, and exactly the types they
//! reach: the transitive closure of the type references in the generated
//! code of its builders (parameters, bodies, responses), computed by
//! [`super::references`] from the syntax tree, so that types typify
//! invents for inline schemas and its helper functions are covered too.
//! Error responses all decode into the runtime's `ApiError`, so no spec
//! error type is reached.
//!
//! A type reached by several tags compiles when any of them is on
//! (`#[cfg(any(feature = "a", feature = "b"))]`); one reached by every tag,
//! or by the code that is always compiled (the client, untagged
//! operations), has no `cfg`. A type no operation reaches compiles with
//! `full`, the default feature that enables every tag.
//!
//! The trait, its impl and the builders only its operations use move to
//! one file per tag at render, gated there as a whole; here they are
//! recorded in [`TagFeature`].

use std::collections::{BTreeMap, BTreeSet};

use syn::{Item, TraitItem, Type};

use super::references::{
    Node, closure, key_of_item, mentioned_in, operation_builder_key, type_graph, types_items,
};
use super::shape::{self, typify};
use crate::error::Error;
use crate::model::ApiModel;
use crate::names::pascal;

/// The feature enabling every tag; the crate's default.
pub const FULL: &str = "full";

/// One tag's feature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFeature {
    /// The tag as the spec names it.
    pub tag: String,
    /// The cargo feature (kebab case of the tag).
    pub feature: String,
    /// progenitor's extension trait of the tag (`ClientSourcesExt`).
    pub trait_ident: String,
    /// Operations (trait methods) of the tag.
    pub operations: usize,
    /// Operation builders used by this tag's operations only.
    pub builders: BTreeSet<String>,
    /// Types the tag reaches, its own and shared ones.
    pub types: usize,
}

/// The features of a crate, sorted by feature name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    pub tags: Vec<TagFeature>,
}

/// The cargo feature of a tag: its words, lowercased, joined by `-`.
pub fn feature_name(tag: &str) -> String {
    tag.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// The feature of a tag, or why the tag cannot have one: the name must be
/// a cargo feature crates.io accepts and, with `-` as `_`, part of a Rust
/// module name (`tag_<feature>`), so only ASCII letters, digits and `-`;
/// and neither empty nor one of the crate's own features.
pub fn tag_feature(tag: &str) -> Result<String, String> {
    let feature = feature_name(tag);
    if feature.is_empty() {
        return Err("it has no letter or digit to name a cargo feature after".into());
    }
    if let Some(c) = feature
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!(
            "its feature name `{feature}` has {c:?}, which neither a cargo feature nor a Rust identifier may hold (only ASCII letters, digits and `-`): rename the tag upstream or add a normalization pass"
        ));
    }
    if feature == FULL || feature == "default" {
        return Err(format!(
            "its feature name `{feature}` is one of the crate's own features"
        ));
    }
    Ok(feature)
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", ...))]`.
pub fn cfg_attribute(features: &BTreeSet<String>) -> syn::Attribute {
    let list: Vec<proc_macro2::TokenStream> = features
        .iter()
        .map(|f| quote::quote!(feature = #f))
        .collect();
    if list.len() == 1 {
        syn::parse_quote!(#[cfg(#(#list)*)])
    } else {
        syn::parse_quote!(#[cfg(any(#(#list),*))])
    }
}

/// The tag of each extension trait progenitor generates, by trait name.
fn tags_by_trait(model: &ApiModel) -> Result<BTreeMap<String, (String, String)>, Error> {
    let mut by_trait = BTreeMap::new();
    let mut by_feature: BTreeMap<String, String> = BTreeMap::new();
    for op in &model.operations {
        for tag in &op.tags {
            // `spec_names` checks this on the source files, naming them;
            // this is for documents that did not come through the pipeline.
            let feature = tag_feature(tag).map_err(|message| Error::Generate {
                culprit: Some(format!("tag `{tag}` at {}", op.pointer.child("tags"))),
                message,
            })?;
            if let Some(other) = by_feature.insert(feature.clone(), tag.to_string())
                && other != *tag
            {
                return Err(Error::Generate {
                    culprit: Some(format!("tags `{other}` and `{tag}`")),
                    message: format!("both would be the feature `{feature}`"),
                });
            }
            by_trait.insert(
                format!("Client{}Ext", pascal(tag)),
                (tag.to_string(), feature),
            );
        }
    }
    Ok(by_trait)
}

/// The name of the builder a trait method returns (`builder::X<'_>`).
fn returned_builder(output: &syn::ReturnType) -> Option<String> {
    match output {
        syn::ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        syn::ReturnType::Default => None,
    }
}

fn is_tag_item(item: &Item, traits: &BTreeMap<String, (String, String)>) -> bool {
    match item {
        Item::Trait(t) => traits.contains_key(&t.ident.to_string()),
        Item::Impl(i) => i
            .trait_
            .as_ref()
            .and_then(|t| t.0.get_ident())
            .is_some_and(|ident| traits.contains_key(&ident.to_string())),
        _ => false,
    }
}

/// Computes each tag's reach and gates the items of `file` with their
/// features (see the module docs).
pub fn apply(file: &mut syn::File, model: &ApiModel) -> Result<Features, Error> {
    let traits = tags_by_trait(model)?;
    // Builders of each tag, from the trait methods' return types.
    let mut tags: BTreeMap<String, TagFeature> = BTreeMap::new();
    let mut builder_features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &file.items {
        let Item::Trait(t) = item else { continue };
        let name = t.ident.to_string();
        let Some((tag, feature)) = traits.get(&name) else {
            if name.starts_with("Client") && name.ends_with("Ext") {
                return Err(Error::Internal(format!(
                    "trait `{name}` is no tag's trait as generate/features.rs names them"
                )));
            }
            continue;
        };
        let entry = tags.entry(feature.clone()).or_insert_with(|| TagFeature {
            tag: tag.clone(),
            feature: feature.clone(),
            trait_ident: name.clone(),
            operations: 0,
            builders: BTreeSet::new(),
            types: 0,
        });
        for member in &t.items {
            let TraitItem::Fn(f) = member else { continue };
            entry.operations += 1;
            let builder = returned_builder(&f.sig.output).ok_or_else(|| {
                Error::Internal(format!("`{name}::{}` returns no builder", f.sig.ident))
            })?;
            builder_features
                .entry(builder)
                .or_default()
                .insert(feature.clone());
        }
    }
    let all: BTreeSet<String> = tags.keys().cloned().collect();

    let types = shape::module(&file.items, shape::TYPES)?;
    let operations = shape::module(&file.items, shape::BUILDER)?;
    let nodes: BTreeMap<String, Node> = type_graph(types);
    let mut builder_mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut always_roots: BTreeSet<String> = BTreeSet::new();
    for item in operations {
        let found = mentioned_in(item, &nodes);
        match operation_builder_key(item) {
            Some(key) if builder_features.contains_key(&key) => {
                builder_mentions.entry(key).or_default().extend(found)
            }
            _ => always_roots.extend(found),
        }
    }
    for item in &file.items {
        if matches!(item, Item::Mod(m) if m.ident == shape::TYPES || m.ident == shape::BUILDER)
            || is_tag_item(item, &traits)
        {
            continue;
        }
        always_roots.extend(mentioned_in(item, &nodes));
    }
    for (item, place) in types_items(types) {
        if key_of_item(item, place).is_none_or(|k| !nodes.contains_key(&k)) {
            always_roots.extend(mentioned_in(item, &nodes));
        }
    }
    let edges = |k: &str| nodes.get(k).map(|n| &n.mentions);
    let always = closure(always_roots, edges);
    let mut type_features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for tag in tags.values_mut() {
        let roots = builder_features
            .iter()
            .filter(|(_, features)| features.contains(&tag.feature))
            .flat_map(|(builder, _)| builder_mentions.get(builder).into_iter().flatten())
            .cloned();
        let reach = closure(roots, edges);
        tag.types = reach.iter().filter(|k| nodes[*k].is_type).count();
        for key in reach {
            type_features
                .entry(key)
                .or_default()
                .insert(tag.feature.clone());
        }
        tag.builders = builder_features
            .iter()
            .filter(|(_, features)| features.len() == 1 && features.contains(&tag.feature))
            .map(|(builder, _)| builder.clone())
            .collect();
    }

    let full: BTreeSet<String> = [FULL.to_string()].into();
    let type_cfg = |key: &str| -> Option<syn::Attribute> {
        if always.contains(key) {
            return None;
        }
        match type_features.get(key) {
            // A private helper (`null_as_default`, `defaults::*`) is gated
            // even when every tag uses it: with no feature at all it would
            // be dead code.
            Some(features) if *features == all && nodes.get(key).is_some_and(|n| n.is_type) => None,
            Some(features) => Some(cfg_attribute(features)),
            None => Some(cfg_attribute(&full)),
        }
    };
    {
        for item in shape::module_mut(&mut file.items, shape::TYPES)?.iter_mut() {
            match item {
                Item::Mod(m)
                    if m.ident == typify::STRUCT_BUILDERS || m.ident == typify::DEFAULTS =>
                {
                    let place = if m.ident == typify::STRUCT_BUILDERS {
                        super::references::Place::StructBuilder
                    } else {
                        super::references::Place::Defaults
                    };
                    for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                        gate(inner, key_of_item(inner, place), &nodes, &type_cfg);
                    }
                }
                _ => {
                    let key = key_of_item(item, super::references::Place::Types);
                    gate(item, key, &nodes, &type_cfg);
                }
            }
        }
    }
    {
        for item in shape::module_mut(&mut file.items, shape::BUILDER)?.iter_mut() {
            if let Some(features) =
                operation_builder_key(item).and_then(|k| builder_features.get(&k))
                && features.len() > 1
            {
                push_attr(item, cfg_attribute(features));
            }
        }
    }
    gate_prelude(&mut file.items, &traits)?;
    Ok(Features {
        tags: tags.into_values().collect(),
    })
}

fn gate(
    item: &mut Item,
    key: Option<String>,
    nodes: &BTreeMap<String, Node>,
    cfg: &impl Fn(&str) -> Option<syn::Attribute>,
) {
    if let Some(key) = key.filter(|k| nodes.contains_key(k))
        && let Some(attr) = cfg(&key)
    {
        push_attr(item, attr);
    }
}

fn push_attr(item: &mut Item, attr: syn::Attribute) {
    let attrs = match item {
        Item::Struct(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Const(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return,
    };
    attrs.insert(0, attr);
}

/// `pub use super::ClientXExt as _;` in the prelude, gated by X's feature.
fn gate_prelude(
    items: &mut [Item],
    traits: &BTreeMap<String, (String, String)>,
) -> Result<(), Error> {
    for item in shape::module_mut(items, shape::PRELUDE)?.iter_mut() {
        let Item::Use(import) = item else { continue };
        let mut tree = &import.tree;
        let ident = loop {
            match tree {
                syn::UseTree::Path(p) => tree = &p.tree,
                syn::UseTree::Name(n) => break Some(&n.ident),
                syn::UseTree::Rename(r) => break Some(&r.ident),
                _ => break None,
            }
        };
        let feature = ident.and_then(|i| traits.get(&i.to_string()).map(|(_, f)| f.clone()));
        if let Some(feature) = feature {
            push_attr(item, cfg_attribute(&[feature].into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::{Value, json};

    use crate::normalize::{PassContext, normalize};

    fn schema_ref(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    fn get(id: &str, tags: &[&str], schema: &str) -> Value {
        json!({"get": {"operationId": id, "tags": tags, "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema_ref(schema)}}}}}})
    }

    /// The `#[cfg]` right before `pub struct <name>` or `pub enum <name>`
    /// in the generated types, or `None`.
    fn cfg_of(types: &str, name: &str) -> Option<String> {
        let at = types
            .find(&format!("pub struct {name} "))
            .or_else(|| types.find(&format!("pub enum {name} ")))
            .unwrap_or_else(|| panic!("no type {name} in {types}"));
        let before = &types[..at];
        let item_start = before.rfind("}\n").map_or(0, |i| i + 2);
        let attrs = &before[item_start..];
        attrs
            .lines()
            .find(|l| l.trim_start().starts_with("#[cfg("))
            .map(|l| l.trim().to_string())
    }

    #[test]
    fn each_type_is_gated_by_exactly_the_tags_reaching_it() {
        let document = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": get("getA", &["Alpha Things"], "OnlyA"),
                "/b": get("getB", &["SP-Beta"], "OnlyB"),
                "/both": get("getBoth", &["Alpha Things", "SP-Beta"], "Both"),
                "/untagged": get("getUntagged", &[], "Always"),
                "/c": get("getC", &["Gamma"], "Always"),
            },
            "components": {"schemas": {
                "OnlyA": {"type": "object", "properties": {"inner": schema_ref("Inner"), "mode": {"type": "string", "enum": ["x", "y"]}}},
                "Inner": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "OnlyB": {"type": "object", "properties": {"inner": schema_ref("Inner")}},
                "Both": {"type": "object", "properties": {"s": {"type": "string"}}},
                "Always": {"type": "object", "properties": {"s": {"type": "string"}}},
                "Unused": {"type": "object", "properties": {"s": {"type": "string"}}},
            }},
        });
        let normalized =
            normalize("features", &PassContext { version: None }, document).expect("normalizes");
        let model = crate::model::ApiModel::build(&normalized).expect("models");
        let generated = crate::generate::generate(&normalized, &model).expect("generates");
        let features: Vec<(&str, &str, usize)> = generated
            .features
            .tags
            .iter()
            .map(|t| (t.feature.as_str(), t.trait_ident.as_str(), t.operations))
            .collect();
        assert_eq!(
            features,
            [
                ("alpha-things", "ClientAlphaThingsExt", 2),
                ("gamma", "ClientGammaExt", 1),
                ("sp-beta", "ClientSpBetaExt", 2)
            ]
        );
        let alpha = &generated.features.tags[0];
        assert_eq!(
            alpha.builders,
            ["GetA".to_string()].into(),
            "GetBoth is shared"
        );
        let types = generated
            .file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Mod(m) if m.ident == "types" => Some(prettyplease::unparse(&syn::File {
                    shebang: None,
                    frontmatter: None,
                    attrs: vec![],
                    items: m.content.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
                })),
                _ => None,
            })
            .expect("types");
        assert_eq!(
            cfg_of(&types, "OnlyA").as_deref(),
            Some("#[cfg(feature = \"alpha-things\")]")
        );
        // typify's enum for the inline `mode` follows its struct.
        assert_eq!(
            cfg_of(&types, "OnlyAMode").as_deref(),
            Some("#[cfg(feature = \"alpha-things\")]")
        );
        assert_eq!(
            cfg_of(&types, "OnlyB").as_deref(),
            Some("#[cfg(feature = \"sp-beta\")]")
        );
        let two = "#[cfg(any(feature = \"alpha-things\", feature = \"sp-beta\"))]";
        assert_eq!(cfg_of(&types, "Inner").as_deref(), Some(two));
        assert_eq!(cfg_of(&types, "Both").as_deref(), Some(two));
        // Reached by the untagged operation (always compiled): no cfg.
        assert_eq!(cfg_of(&types, "Always"), None);
        assert_eq!(
            cfg_of(&types, "Unused").as_deref(),
            Some("#[cfg(feature = \"full\")]")
        );
    }

    /// A document that did not come through the pipeline's source check
    /// (`spec_names`) still gets an error, not render's panic on the
    /// module name `tag_level²_accounts`.
    #[test]
    fn a_tag_that_cannot_be_a_feature_fails_generation_with_its_pointer() {
        let document = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": get("getA", &["Level² Accounts"], "A")},
            "components": {"schemas": {"A": {"type": "object", "properties": {"s": {"type": "string"}}}}},
        });
        let normalized =
            normalize("features", &PassContext { version: None }, document).expect("normalizes");
        let model = crate::model::ApiModel::build(&normalized).expect("models");
        let Err(error) = crate::generate::generate(&normalized, &model) else {
            panic!("generated a crate with the feature `level²-accounts`");
        };
        let text = error.to_string();
        assert!(
            text.starts_with("generation failed at tag `Level² Accounts` at /paths/~1a/get/tags: its feature name `level²-accounts` has '²'"),
            "{text}"
        );
    }

    #[test]
    fn feature_names_are_the_tag_words_in_kebab_case() {
        assert_eq!(feature_name("Configuration Hub"), "configuration-hub");
        assert_eq!(feature_name("SP-Config"), "sp-config");
        assert_eq!(feature_name("OAuth Clients"), "oauth-clients");
        assert_eq!(
            feature_name("Shared Signals Framework (SSF)"),
            "shared-signals-framework-ssf"
        );
        assert_eq!(feature_name("IAI Outliers"), "iai-outliers");
    }
}
