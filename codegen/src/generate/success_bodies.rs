//! Routes every documented success status with a JSON body through
//! `sailpoint_runtime::decode_success` instead of progenitor's
//! `ResponseValue::from_response`, so that an empty, truncated or
//! differently shaped success body fails with the response's status,
//! headers and a bounded excerpt (progenitor's `InvalidResponsePayload`
//! keeps none of the first two and all of the body); and every documented
//! error status through `sailpoint_runtime::decode_error`, which adds the
//! runtime's facts from the response's extensions to the `ApiError`.

use syn::visit_mut::VisitMut;
use syn::{Expr, Item};

use super::shape::{self, is_success_arm};
use crate::error::Error;
use crate::model::ApiModel;

/// Whether any operation of the model documents a JSON success body.
pub fn has_json_success(model: &ApiModel) -> bool {
    model.operations.iter().any(|op| {
        op.responses
            .iter()
            .filter(|r| r.is_success_or_default())
            .any(|r| r.json().is_some())
    })
}

/// Rewrites the success arms of every builder's `send` in `builder`.
/// `expected` says whether the spec has any JSON success response: then
/// finding none to rewrite means progenitor changed their shape.
pub fn decode_with_runtime(builder: &mut [Item], expected: bool) -> Result<usize, Error> {
    let mut rewrite = Rewrite { count: 0 };
    for (name, send) in shape::sends_mut(builder) {
        let status_match = shape::status_match_mut(send).map_err(|message| Error::Generate {
            culprit: Some(format!("builder `{name}`")),
            message,
        })?;
        for arm in status_match.arms.iter_mut() {
            if is_success_arm(arm) {
                rewrite.visit_expr_mut(&mut arm.body);
            } else {
                ErrorRewrite.visit_expr_mut(&mut arm.body);
            }
        }
    }
    if expected && rewrite.count == 0 {
        return Err(Error::Internal(
            "no success arm decodes with `ResponseValue::from_response`: progenitor's `send` changed; revisit generate/success_bodies.rs".into(),
        ));
    }
    Ok(rewrite.count)
}

struct Rewrite {
    count: usize,
}

impl VisitMut for Rewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(decode) = shape::from_response(expr) {
            let args = decode.args;
            let rewritten: Expr = match decode.ty {
                Some(generics) => {
                    let inner = &generics.args;
                    syn::parse_quote!(sailpoint_runtime::decode_success::<#inner, _>(#args))
                }
                None => syn::parse_quote!(sailpoint_runtime::decode_success(#args)),
            };
            *expr = rewritten;
            self.count += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Rewrites `Error::ErrorResponse(ResponseValue::from_response(r).await?)`
/// to decode with `sailpoint_runtime::decode_error`, which adds the
/// runtime's facts (attempts, the excerpt of a body that was not an error
/// object) from the response's extensions to the `ApiError`. An arm
/// decoding another type (`from_response::<T>`) is left alone.
struct ErrorRewrite;

impl VisitMut for ErrorRewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(decode) = shape::from_response(expr)
            && decode.ty.is_none()
            && !decode.generic_method
        {
            let args = decode.args;
            let rewritten: Expr = syn::parse_quote!(sailpoint_runtime::decode_error(#args));
            *expr = rewritten;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn success_and_error_arms_decode_with_the_runtime() {
        let send: syn::ItemImpl = syn::parse2(quote! {
            impl<'a> GetThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<ApiError>> {
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        201u16 => { ResponseValue::<types::Thing>::from_response(response).await?.map(Wrap::Created) }
                        204u16 => Ok(ResponseValue::empty(response)),
                        400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        })
        .expect("parses");
        let mut items = vec![Item::Impl(send)];
        assert_eq!(decode_with_runtime(&mut items, true).expect("rewrites"), 2);
        let code = quote!(#(#items)*).to_string();
        assert!(
            code.contains("200u16 => sailpoint_runtime :: decode_success (response)"),
            "{code}"
        );
        assert!(
            code.contains(
                "sailpoint_runtime :: decode_success :: < types :: Thing , _ > (response)"
            ),
            "{code}"
        );
        assert!(
            code.contains("Error :: ErrorResponse (sailpoint_runtime :: decode_error (response)"),
            "{code}"
        );
        assert!(!code.contains("from_response"), "{code}");
        assert!(decode_with_runtime(&mut [], true).is_err());
        assert_eq!(decode_with_runtime(&mut [], false).ok(), Some(0));
    }
}
