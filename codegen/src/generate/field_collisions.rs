//! Fix-up of typify's output: two JSON properties whose Rust field names
//! are the same (`_type` and `type` both become `type_`, in
//! `DocumentFields` and the search documents that include it). typify has
//! no way to name a field, so the generated struct, its builder and their
//! conversions declare the field twice and do not compile.
//!
//! Repair: in the generated syntax tree, the field whose wire name starts
//! with `_` is renamed `underscore_<name>` (its serde `rename` keeps the
//! wire name), everywhere the struct's items name it. Occurrences are
//! matched by order, which typify keeps the same as the field order in the
//! struct, its builder, the builder's setters and conversions.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use syn::{Fields, Item, ItemStruct};

use super::shape::typify::{self, FieldRenames, SerdeField};

/// Renames colliding fields in the `types` module; returns one line per
/// renamed field for the report.
pub fn rename_colliding_fields(items: &mut [Item]) -> Result<Vec<String>, String> {
    let mut plan: BTreeMap<String, Vec<FieldRenames>> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Struct(s) = item {
            let renames = colliding(s)?;
            if !renames.is_empty() {
                plan.insert(s.ident.to_string(), renames);
            }
        }
    }
    if plan.is_empty() {
        return Ok(Vec::new());
    }
    let mut report = Vec::new();
    for (owner, renames) in &plan {
        for r in renames {
            for (i, new) in r.per_occurrence.iter().enumerate() {
                if *new != r.duplicated {
                    report.push(format!(
                        "`{owner}` field #{} `{}` renamed `{new}`",
                        i + 1,
                        r.duplicated
                    ));
                }
            }
        }
    }
    typify::rename_fields(items, &plan);
    Ok(report)
}

fn colliding(s: &ItemStruct) -> Result<Vec<FieldRenames>, String> {
    let Fields::Named(fields) = &s.fields else {
        return Ok(Vec::new());
    };
    let owner = s.ident.to_string();
    let mut by_ident: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for field in &fields.named {
        if let Some(ident) = &field.ident {
            by_ident
                .entry(ident.to_string())
                .or_default()
                .push(SerdeField::read(&owner, field)?.key);
        }
    }
    Ok(by_ident
        .into_iter()
        .filter(|(_, wires)| wires.len() > 1)
        .map(|(duplicated, wires)| {
            let mut kept = false;
            let per_occurrence = wires
                .iter()
                .enumerate()
                .map(|(i, wire)| match wire.strip_prefix('_') {
                    Some(rest) => format!("underscore_{}", rest.to_snake_case()),
                    None if !kept => {
                        kept = true;
                        duplicated.clone()
                    }
                    None => format!("{duplicated}{}", i + 1),
                })
                .collect();
            FieldRenames {
                duplicated,
                per_occurrence,
            }
        })
        .collect())
}
