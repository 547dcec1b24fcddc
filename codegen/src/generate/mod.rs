//! Stage 4: generate. Turns a normalized document into the syntax tree of a
//! client crate:
//! 1. [`split`] decides which operations progenitor can express;
//! 2. [`docs`] adds experimental notes, scopes and user levels to the docs;
//! 3. [`progenitor`] runs progenitor (builder style, one trait per tag),
//!    turning its panics into errors that name the operation;
//! 4. [`field_collisions`] repairs field names typify generates twice;
//! 5. [`custom`] completes progenitor's builders of the operations it
//!    cannot express (multipart and alternative bodies, mixed successes);
//! 6. [`prelude`] makes the prelude's trait imports anonymous;
//! 7. [`success_bodies`] decodes success bodies with the runtime, which keeps
//!    the status when a body does not decode, and [`status_arms`] merges
//!    the status arms that do the same thing;
//! 8. [`search`] gives the search operation a `searchAfter` `.stream()`,
//!    and [`pagination`] every other `limit`/`offset` list an offset one;
//! 9. [`downloads`] lets operations answering JSON or another media type
//!    be asked for the other one (`.download(media_type)`), and
//!    [`deep_objects`] writes `deepObject` query parameters with the runtime;
//! 10. [`struct_builders`] keeps typify's struct builders of request
//!     types only (before the model passes, which then need not rewrite
//!     the ones that go);
//! 11. [`models`] makes typify's types keep what tenants send (open enums,
//!     variant choice, `extra`, codecs), then merges duplicate enums;
//! 12. [`hooks`] adds the runtime hooks and the operation table;
//! 13. [`features`] gates each tag's code behind its cargo feature;
//! 14. [`mocks`] writes the typed mock of every operation, for the mock
//!     crate beside the client.

pub mod custom;
pub mod deep_objects;
pub mod docs;
pub mod downloads;
pub mod features;
pub mod field_collisions;
pub mod hooks;
pub mod mocks;
pub mod models;
pub mod pagination;
pub mod prelude;
pub mod progenitor;
pub mod references;
pub mod search;
pub mod shape;
pub mod split;
pub mod status_arms;
pub mod struct_builders;
pub mod success_bodies;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::model::ApiModel;
use crate::normalize::Normalized;

/// The generated syntax tree, and what the generator changed beyond the
/// spec, for the report.
pub struct Generated {
    pub file: syn::File,
    /// Field renames of [`field_collisions`].
    pub field_renames: Vec<String>,
    /// Operations completed by [`custom`], with why.
    pub custom: Vec<(crate::names::OperationKey, String)>,
    /// Builders given a `.stream()` by [`pagination`].
    pub paginated: Vec<String>,
    /// Struct builders kept and dropped by [`struct_builders`].
    pub struct_builders: struct_builders::Trimmed,
    /// The cargo feature of each tag, from [`features`].
    pub features: features::Features,
    /// How each `oneOf`/`anyOf` type chooses its variant ([`models::variants`]).
    pub variant_choice: Vec<String>,
    /// `Alias = Shared` for each enum made an alias of the shared enum of
    /// its values ([`models::shared_enums`]).
    pub shared_enums: Vec<String>,
    /// The typed mock of every operation ([`mocks`]), for the mock crate.
    pub mocks: mocks::Mocks,
}

pub fn generate(normalized: &Normalized, model: &ApiModel) -> Result<Generated, Error> {
    let split = split::split(&normalized.document, model);
    let mut progenitor_document = split.progenitor_document;
    docs::enrich_descriptions(&mut progenitor_document, model);
    let tokens = progenitor::generate(&progenitor_document)?;
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Internal(format!("progenitor's output does not parse: {e}")))?;
    check_names(&file, model)?;
    prelude::anonymous_trait_imports(&mut file.items)?;

    let field_renames = field_collisions::rename_colliding_fields(shape::module_mut(
        &mut file.items,
        shape::TYPES,
    )?)
    .map_err(|e| Error::Internal(format!("field collisions: {e}")))?;
    let mut types = shape::take_module(&mut file.items, shape::TYPES)?;
    let mut builder = shape::take_module(&mut file.items, shape::BUILDER)?;
    let mut custom_report = Vec::new();
    for op in &split.custom {
        custom::complete_builder(&mut builder, &mut types, &mut file.items, op)?;
        let reasons: Vec<&str> = op.reasons.iter().map(|r| r.as_str()).collect();
        custom_report.push((op.operation.key.clone(), reasons.join(", ")));
    }
    let json_successes = success_bodies::has_json_success(model);
    success_bodies::decode_with_runtime(&mut builder, json_successes)?;
    status_arms::merge_same_arms(&mut builder)?;
    search::add_search_streams(&mut builder, model)?;
    let paginated = pagination::add_streams(&mut builder, model)?;
    downloads::add_downloads(&mut builder, model)?;
    deep_objects::write_deep_objects(&mut builder, model)?;
    // Before the model passes: most struct builders go (no request reaches
    // their types), and those passes need not rewrite them.
    let trimmed = struct_builders::keep_request_builders(&mut types, &builder)?;
    let variant_choice = models::post_process(&mut types, &progenitor_document)?;
    let shared_enums = models::shared_enums::merge_duplicate_enums(&mut types);
    shape::put_module(&mut file.items, shape::TYPES, types)?;
    shape::put_module(&mut file.items, shape::BUILDER, builder)?;

    check_operation_table(&file, model)?;
    let hooks: syn::File = syn::parse2(hooks::tokens(model))
        .map_err(|e| Error::Internal(format!("hooks do not parse: {e}")))?;
    file.items.extend(hooks.items);
    let features = features::apply(&mut file, model)?;
    let custom_reasons: BTreeMap<String, BTreeSet<split::CustomReason>> = split
        .custom
        .iter()
        .map(|op| {
            (
                op.operation.key.builder_name(),
                op.reasons.iter().copied().collect(),
            )
        })
        .collect();
    let mocks = mocks::generate(&file, model, &custom_reasons)?;

    Ok(Generated {
        file,
        field_renames,
        custom: custom_report,
        paginated,
        struct_builders: trimmed,
        features,
        variant_choice,
        shared_enums,
        mocks,
    })
}

/// [`crate::names`] restates progenitor's private naming rules; every operation's
/// name as [`crate::names::OperationKey`] derives it must be one progenitor generated, or
/// the header table and custom builders would name nothing.
fn check_names(file: &syn::File, model: &ApiModel) -> Result<(), Error> {
    let sent = shape::sent_operation_names(file);
    for op in &model.operations {
        let key = &op.key;
        if !sent.contains(&key.method_name()) {
            return Err(Error::Generate {
                culprit: Some(format!("operation `{key}`")),
                message: format!(
                    "progenitor named it differently than `{}`: update generate/names.rs",
                    key.method_name()
                ),
            });
        }
    }
    Ok(())
}

/// The runtime's operation table and the generated `send`s must name the
/// same operations: a send missing from the table would go out without its
/// fixed headers and with the wrong authentication.
fn check_operation_table(file: &syn::File, model: &ApiModel) -> Result<(), Error> {
    let sent = shape::sent_operation_names(file);
    let listed: BTreeSet<String> = model
        .operations
        .iter()
        .map(|o| o.key.method_name())
        .collect();
    if let Some(name) = sent.symmetric_difference(&listed).next() {
        let side = if listed.contains(name) {
            "is in the operation table, but no generated `send` names it"
        } else {
            "is sent, but missing from the operation table"
        };
        return Err(Error::Internal(format!("operation `{name}` {side}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::normalize::{PassContext, normalize};

    /// `names` restates progenitor's private naming; on awkward operation
    /// ids, generation (which checks every name against progenitor's output)
    /// must succeed, and the table must hold progenitor's names.
    #[test]
    fn restated_names_match_progenitor_on_awkward_operation_ids() {
        let ids = [
            "get-thing.v2",
            "type",
            "+1",
            "9lives",
            "listÜmlauts",
            "Self",
        ];
        let mut paths = serde_json::Map::new();
        for (i, id) in ids.iter().enumerate() {
            paths.insert(
                format!("/p{i}"),
                json!({"get": {"operationId": id, "responses": {"204": {"description": "none"}}}}),
            );
        }
        let document = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {"schemas": {}},
        });
        let normalized =
            normalize("names", &PassContext { version: None }, document).expect("normalizes");
        let model = crate::model::ApiModel::build(&normalized).expect("models");
        let generated =
            super::generate(&normalized, &model).expect("names agree with progenitor's");
        let sent = super::shape::sent_operation_names(&generated.file);
        for expected in [
            "get_thing_v2",
            "type_",
            "plus1",
            "_9lives",
            "list_ümlauts",
            "self_",
        ] {
            assert!(sent.contains(expected), "{expected} not in {sent:?}");
        }
    }
}
