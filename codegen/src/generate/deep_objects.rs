//! `style: deepObject` query parameters: progenitor refuses them, so
//! [`super::split`] hands them over as `form`, and progenitor's encoder
//! (`progenitor_client::QueryParam`) would then write an object's members
//! as pairs of their own (`department=Sales`), without the parameter's
//! name. Rewrite: in the builder's `send`, such a parameter's
//! `QueryParam::new(name, value)` becomes
//! `sailpoint_runtime::DeepObject::new(name, value)`, which writes
//! `name[department]=Sales`; the runtime unescapes the brackets (the
//! operation table names the parameter, `QueryStyle::DeepObject`).

use syn::visit_mut::VisitMut;
use syn::{Expr, ExprCall, ExprLit, Item, Lit};

use super::shape;
use crate::error::Error;
use crate::model::{ApiModel, QueryJoin};

/// Rewrites the `send` of each operation with a `deepObject` query
/// parameter; returns the parameters rewritten (`operationId.name`).
/// A parameter whose `QueryParam` is not found in `send` is an error: the
/// member pairs would go out without its name.
pub fn write_deep_objects(builder: &mut [Item], model: &ApiModel) -> Result<Vec<String>, Error> {
    let mut rewritten = Vec::new();
    for op in &model.operations {
        let names: Vec<&str> = op
            .parameters
            .iter()
            .filter(|p| p.query_join() == Some(QueryJoin::DeepObject))
            .map(|p| p.name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let implementation = shape::builder_mut(builder, &op.key.builder_name())?;
        let send = implementation
            .items
            .iter_mut()
            .find_map(|item| match item {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                _ => None,
            })
            .ok_or_else(|| Error::Generate {
                culprit: Some(format!("operation `{}`", op.key)),
                message: "its builder has no `send`".into(),
            })?;
        for name in names {
            let mut rewrite = Rewrite { name, found: 0 };
            rewrite.visit_block_mut(&mut send.block);
            if rewrite.found != 1 {
                return Err(Error::Generate {
                    culprit: Some(format!("operation `{}`", op.key)),
                    message: format!(
                        "`send` encodes the deepObject query parameter `{name}` {} times \
                         through `progenitor_client::QueryParam::new`, not once",
                        rewrite.found
                    ),
                });
            }
            rewritten.push(format!("{}.{name}", op.key));
        }
    }
    Ok(rewritten)
}

/// Replaces the function of `QueryParam::new(<name>, ..)` calls.
struct Rewrite<'a> {
    name: &'a str,
    found: usize,
}

impl VisitMut for Rewrite<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let Expr::Path(function) = &*call.func else {
            return;
        };
        let segments: Vec<String> = function
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let names_this_parameter = matches!(
            call.args.first(),
            Some(Expr::Lit(ExprLit { lit: Lit::Str(text), .. })) if text.value() == self.name
        );
        if segments.ends_with(&["QueryParam".to_owned(), "new".to_owned()]) && names_this_parameter
        {
            *call.func = syn::parse_quote!(sailpoint_runtime::DeepObject::new);
            self.found += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn only_the_named_parameter_is_written_through_deep_object() {
        let mut block: syn::Block = syn::parse_quote!({
            let request = client
                .get(url)
                .query(&progenitor_client::QueryParam::new(
                    "attributes",
                    &attributes,
                ))
                .query(&progenitor_client::QueryParam::new("filters", &filters))
                .build()?;
        });
        let mut rewrite = Rewrite {
            name: "attributes",
            found: 0,
        };
        rewrite.visit_block_mut(&mut block);
        assert_eq!(rewrite.found, 1);
        let text = block.to_token_stream().to_string();
        assert!(
            text.contains("sailpoint_runtime :: DeepObject :: new (\"attributes\" , & attributes"),
            "{text}"
        );
        assert!(
            text.contains("progenitor_client :: QueryParam :: new (\"filters\" , & filters)"),
            "{text}"
        );
    }
}
