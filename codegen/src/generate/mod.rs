//! Stage 4: generate. Turns a normalized document into the syntax tree of a
//! client crate:
//! 1. [`split`] decides which operations progenitor can express;
//! 2. [`docs`] adds experimental notes, scopes and user levels to the docs;
//! 3. [`progenitor`] runs progenitor (builder style, one trait per tag),
//!    turning its panics into errors that name the operation;
//! 4. [`field_collisions`] repairs field names typify generates twice;
//! 5. [`custom`] builds the operations progenitor cannot, replacing the
//!    builders it made for their reduced copies;
//! 6. [`hooks`] adds the runtime hooks and the fixed-header table.

pub mod custom;
pub mod docs;
pub mod field_collisions;
pub mod hooks;
pub mod names;
pub mod progenitor;
pub mod split;

use syn::{Item, ItemMod};

use crate::error::Error;
use crate::normalize::Normalized;

/// The generated syntax tree, and what the generator changed beyond the
/// spec, for the report.
pub struct Generated {
    pub file: syn::File,
    /// Field renames of [`field_collisions`].
    pub field_renames: Vec<String>,
    /// Operations built by [`custom`], with why.
    pub custom: Vec<(String, String)>,
}

pub fn generate(normalized: &Normalized) -> Result<Generated, Error> {
    let split = split::split(&normalized.document);
    let mut progenitor_document = split.progenitor_document;
    docs::enrich_descriptions(&mut progenitor_document, &normalized.plan);
    let tokens = progenitor::generate(&progenitor_document)?;
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Internal(format!("progenitor's output does not parse: {e}")))?;

    let field_renames = match module_mut(&mut file.items, "types") {
        Some(types) => field_collisions::rename_colliding_fields(types),
        None => return Err(Error::Internal("generated code has no `mod types`".into())),
    };

    let builder = module_mut(&mut file.items, "builder")
        .ok_or_else(|| Error::Internal("generated code has no `mod builder`".into()))?;
    let mut custom_report = Vec::new();
    for op in &split.custom {
        let tokens = custom::generate(op, &normalized.document)?;
        let items: syn::File = syn::parse2(tokens).map_err(|e| Error::Generate {
            culprit: Some(format!("operation `{}`", op.id)),
            message: format!("custom builder does not parse: {e}"),
        })?;
        replace_builder(builder, &names::builder_name(&op.id), items.items).map_err(|message| {
            Error::Generate {
                culprit: Some(format!("operation `{}`", op.id)),
                message,
            }
        })?;
        let reasons: Vec<&str> = op.reasons.iter().map(|r| r.as_str()).collect();
        custom_report.push((op.id.clone(), reasons.join(", ")));
    }

    let hooks: syn::File = syn::parse2(hooks::tokens(&normalized.plan))
        .map_err(|e| Error::Internal(format!("hooks do not parse: {e}")))?;
    file.items.extend(hooks.items);
    check_fixed_header_keys(&file, &normalized.plan)?;

    Ok(Generated {
        file,
        field_renames,
        custom: custom_report,
    })
}

fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut ItemMod> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}

/// Replaces progenitor's builder struct `name` and its impls with `items`.
fn replace_builder(builder: &mut ItemMod, name: &str, items: Vec<Item>) -> Result<(), String> {
    let Some((_, content)) = &mut builder.content else {
        return Err("`mod builder` is empty".into());
    };
    let is_ours = |item: &Item| match item {
        Item::Struct(s) => s.ident == name,
        Item::Impl(i) => {
            matches!(&*i.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
        }
        _ => false,
    };
    let position = content
        .iter()
        .position(is_ours)
        .ok_or_else(|| format!("progenitor generated no builder `{name}` to replace"))?;
    content.retain(|item| !is_ours(item));
    let at = position.min(content.len());
    content.splice(at..at, items);
    Ok(())
}

/// Every operation named in the fixed-header table must be one the code
/// sends, or its headers would silently never go out.
fn check_fixed_header_keys(file: &syn::File, plan: &crate::normalize::Plan) -> Result<(), Error> {
    let code = quote::ToTokens::to_token_stream(file).to_string();
    for (operation, _) in hooks::fixed_headers(plan) {
        let needle = format!("operation_id : \"{operation}\"");
        if !code.contains(&needle) {
            return Err(Error::Internal(format!(
                "fixed headers are planned for `{operation}`, but no generated method has that operation id"
            )));
        }
    }
    Ok(())
}
