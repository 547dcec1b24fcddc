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
use proc_macro2::Span;
use syn::visit_mut::{self, VisitMut};
use syn::{Fields, Ident, Item, ItemStruct, Member};

use super::shape::self_type_name;
use super::shape::typify::{self, SerdeField};

/// For one struct: the duplicated ident, and for each of its occurrences
/// (in field order) the ident it gets.
#[derive(Debug)]
struct Renames {
    duplicated: String,
    per_occurrence: Vec<String>,
}

/// Renames colliding fields in the `types` module; returns one line per
/// renamed field for the report.
pub fn rename_colliding_fields(items: &mut [Item]) -> Result<Vec<String>, String> {
    let mut plan: BTreeMap<String, Vec<Renames>> = BTreeMap::new();
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
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                if let Some(renames) = plan.get(&s.ident.to_string()) {
                    rename_struct_fields(s, renames);
                    for r in renames {
                        for (i, new) in r.per_occurrence.iter().enumerate() {
                            if *new != r.duplicated {
                                report.push(format!(
                                    "`{}` field #{} `{}` renamed `{new}`",
                                    s.ident,
                                    i + 1,
                                    r.duplicated
                                ));
                            }
                        }
                    }
                }
            }
            Item::Mod(builder) if builder.ident == typify::STRUCT_BUILDERS => {
                let Some((_, builder_items)) = &mut builder.content else {
                    continue;
                };
                for item in builder_items.iter_mut() {
                    match item {
                        Item::Struct(s) => {
                            if let Some(renames) = plan.get(&s.ident.to_string()) {
                                rename_struct_fields(s, renames);
                            }
                        }
                        Item::Impl(imp) => {
                            if let Some(renames) = self_type_name(imp).and_then(|n| plan.get(&n)) {
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
    Ok(report)
}

fn colliding(s: &ItemStruct) -> Result<Vec<Renames>, String> {
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
            Renames {
                duplicated,
                per_occurrence,
            }
        })
        .collect())
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn rename_struct_fields(s: &mut ItemStruct, renames: &[Renames]) {
    let Fields::Named(fields) = &mut s.fields else {
        return;
    };
    for r in renames {
        let mut k = 0;
        for field in fields.named.iter_mut() {
            if field.ident.as_ref().is_some_and(|i| *i == r.duplicated) {
                if let Some(new) = r.per_occurrence.get(k) {
                    field.ident = Some(ident(new));
                }
                k += 1;
            }
        }
    }
}

/// Renames, inside an impl: the k-th setter named like the field, and in
/// each struct expression the k-th field initializer, with the field
/// accesses inside them.
fn rename_in_impl(imp: &mut syn::ItemImpl, r: &Renames) {
    let mut k = 0;
    for item in imp.items.iter_mut() {
        if let syn::ImplItem::Fn(f) = item
            && f.sig.ident == r.duplicated
        {
            if let Some(new) = r.per_occurrence.get(k) {
                f.sig.ident = ident(new);
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

impl VisitMut for FieldAccess<'_> {
    fn visit_expr_field_mut(&mut self, node: &mut syn::ExprField) {
        if let Member::Named(name) = &node.member
            && name == self.from
        {
            node.member = Member::Named(ident(self.to));
        }
        visit_mut::visit_expr_field_mut(self, node);
    }
}

struct StructExprs<'a> {
    renames: &'a Renames,
}

impl VisitMut for StructExprs<'_> {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        let mut k = 0;
        for field in node.fields.iter_mut() {
            let Member::Named(name) = &field.member else {
                continue;
            };
            if *name != self.renames.duplicated {
                continue;
            }
            if let Some(new) = self.renames.per_occurrence.get(k) {
                field.member = Member::Named(ident(new));
                FieldAccess {
                    from: &self.renames.duplicated,
                    to: new,
                }
                .visit_expr_mut(&mut field.expr);
            }
            k += 1;
        }
        visit_mut::visit_expr_struct_mut(self, node);
    }
}
