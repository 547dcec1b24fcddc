//! The generated client's `ClientHooks` implementation, which hands every
//! request to the shared runtime (`sailpoint_runtime::Runtime`), and the
//! table of what the runtime must know about each operation
//! (`sailpoint_runtime::Operation`): its spec id, whether it is
//! authenticated or experimental, and the headers it sends with a fixed
//! value.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::names::OperationKey;
use crate::normalize::{Plan, operations};

/// What the runtime is told about one operation.
pub struct OperationFacts {
    pub key: OperationKey,
    pub authenticated: bool,
    pub experimental: bool,
    pub fixed_headers: Vec<(String, String)>,
}

/// Whether `security` (the operation's, else the document's) lets the
/// operation be called without credentials: `security: [{}]`, or no
/// requirement at all.
fn authenticated(operation: &Value, document: &Value) -> bool {
    let security = operation
        .get("security")
        .or_else(|| document.get("security"))
        .and_then(Value::as_array);
    match security {
        None => false,
        Some(requirements) => {
            !requirements.is_empty()
                && !requirements
                    .iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
        }
    }
}

/// Facts for every operation, sorted by progenitor's method name (the
/// `OperationInfo::operation_id` the hooks look them up by).
pub fn operation_facts(document: &Value, plan: &Plan) -> Vec<OperationFacts> {
    let mut facts = BTreeMap::new();
    for op in operations(document) {
        let Some(operation) = document.pointer(op.pointer.as_str()) else {
            continue;
        };
        let Some(id) = op.id(document) else { continue };
        let key = OperationKey::new(id);
        let mut fixed_headers = plan.fixed_headers.get(id).cloned().unwrap_or_default();
        if let Some(content_type) = plan.request_content_types.get(id) {
            fixed_headers.push(("Content-Type".to_string(), content_type.clone()));
        }
        facts.insert(
            key.method_name(),
            OperationFacts {
                authenticated: authenticated(operation, document),
                experimental: plan.experimental.contains(id),
                fixed_headers,
                key,
            },
        );
    }
    facts.into_values().collect()
}

pub fn tokens(facts: &[OperationFacts]) -> TokenStream {
    let entries = facts.iter().map(|fact| {
        let name = fact.key.method_name();
        let id = fact.key.operation_id();
        let (authenticated, experimental) = (fact.authenticated, fact.experimental);
        let headers = fact
            .fixed_headers
            .iter()
            .map(|(name, value)| quote! { (#name, #value) });
        quote! {
            (#name, sailpoint_runtime::Operation {
                id: #id,
                authenticated: #authenticated,
                experimental: #experimental,
                fixed_headers: &[#(#headers),*],
            }),
        }
    });
    quote! {
        /// What the runtime needs to know about each operation, sorted by
        /// method name (progenitor's `OperationInfo::operation_id`).
        static OPERATIONS: &[(&str, sailpoint_runtime::Operation)] = &[
            #(#entries)*
        ];

        /// The runtime facts of the operation progenitor calls `name`.
        fn operation(name: &str) -> &'static sailpoint_runtime::Operation {
            // Every generated `send` names an operation of the table; the
            // fallback only serves a hand-made `OperationInfo`.
            static UNLISTED: sailpoint_runtime::Operation = sailpoint_runtime::Operation::new("");
            match OPERATIONS.binary_search_by(|(listed, _)| (*listed).cmp(name)) {
                Ok(index) => &OPERATIONS[index].1,
                Err(_) => &UNLISTED,
            }
        }

        impl ClientHooks<sailpoint_runtime::Runtime> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> std::result::Result<(), Error<E>> {
                self.inner.prepare(request, operation(info.operation_id)).await?;
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner
                    .execute(&self.client, request, operation(info.operation_id))
                    .await
            }
        }
    }
}
