//! Merges the status arms of each builder's `send` that do the same thing.
//!
//! progenitor writes one `match` arm per documented status, and most
//! operations document five or six error statuses that all decode the same
//! error type with the same expression. Each arm is an `.await` of its
//! own, so each adds a state to the `send` future that rustc type-checks,
//! borrow-checks and lays out separately: across the 812 operations of
//! v2025 that was most of the arms of the crate. `400u16 | 401u16 | ... =>`
//! behaves the same and costs one state.

use quote::ToTokens;
use syn::{Arm, Item, Pat};

use super::shape;
use crate::error::Error;

/// Merges, in every builder's `send` in `builder`, the status arms whose
/// bodies are the same tokens; returns how many arms went. An arm keeps
/// the place of the first of its group; `_` and guarded arms stay as they
/// are (the statuses are disjoint literals, so order among them does not
/// matter, but it does for a wildcard).
pub fn merge_same_arms(builder: &mut [Item]) -> Result<usize, Error> {
    let mut merged = 0;
    for (name, send) in shape::sends_mut(builder) {
        let status_match = shape::status_match_mut(send).map_err(|message| Error::Generate {
            culprit: Some(format!("builder `{name}`")),
            message,
        })?;
        let before = status_match.arms.len();
        status_match.arms = merge(std::mem::take(&mut status_match.arms));
        merged += before - status_match.arms.len();
    }
    Ok(merged)
}

fn merge(arms: Vec<Arm>) -> Vec<Arm> {
    let mut out: Vec<Arm> = Vec::with_capacity(arms.len());
    let mut bodies: Vec<Option<String>> = Vec::with_capacity(arms.len());
    for arm in arms {
        let key = shape::is_status_arm(&arm).then(|| arm.body.to_token_stream().to_string());
        let same = key
            .as_ref()
            .and_then(|key| bodies.iter().position(|b| b.as_ref() == Some(key)));
        match same {
            Some(index) => {
                let first = &mut out[index];
                let mut cases =
                    match std::mem::replace(&mut first.pat, Pat::Verbatim(Default::default())) {
                        Pat::Or(or) => or.cases,
                        single => std::iter::once(single).collect(),
                    };
                cases.push(arm.pat);
                first.pat = Pat::Or(syn::PatOr {
                    attrs: Vec::new(),
                    leading_vert: None,
                    cases,
                });
            }
            None => {
                out.push(arm);
                bodies.push(key);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn send_match(send: syn::ItemImpl) -> String {
        let mut items = vec![Item::Impl(send)];
        let merged = merge_same_arms(&mut items).expect("every send ends in a status match");
        let Item::Impl(send) = &items[0] else {
            unreachable!()
        };
        format!("{merged}: {}", send.to_token_stream())
    }

    #[test]
    fn error_arms_with_the_same_body_become_one_and_the_rest_stay() {
        let send: syn::ItemImpl = syn::parse2(quote! {
            impl<'a> GetThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<ApiError>> {
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => decode_success(response).await,
                        400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        404u16 => Err(Error::ErrorResponse(ResponseValue::from_response::<types::Other>(response).await?)),
                        401u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        500u16..=599u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        })
        .expect("parses");
        let merged = send_match(send);
        let expected: syn::ItemImpl = syn::parse2(quote! {
            impl<'a> GetThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<ApiError>> {
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => decode_success(response).await,
                        400u16 | 401u16 | 500u16..=599u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        404u16 => Err(Error::ErrorResponse(ResponseValue::from_response::<types::Other>(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        })
        .expect("parses");
        assert_eq!(merged, format!("2: {}", expected.to_token_stream()));
    }

    #[test]
    fn a_wildcard_with_the_same_body_as_an_arm_is_left_alone() {
        let send: syn::ItemImpl = syn::parse2(quote! {
            impl<'a> GetThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                    match response.status().as_u16() {
                        204u16 => Ok(ResponseValue::empty(response)),
                        _ => Ok(ResponseValue::empty(response)),
                    }
                }
            }
        })
        .expect("parses");
        assert!(send_match(send).starts_with("0: "));
    }
}
