//! The generated client's `ClientHooks` implementation, which hands every
//! request to the shared runtime (`sailpoint_runtime::Runtime`), and the
//! table of headers each operation sends with a fixed value.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::OperationKey;
use crate::normalize::Plan;

/// Fixed headers by progenitor's operation name, sorted.
pub fn fixed_headers(plan: &Plan) -> Vec<(String, Vec<(String, String)>)> {
    let mut table: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    for (id, headers) in &plan.fixed_headers {
        table
            .entry(OperationKey::new(id.as_str()).method_name())
            .or_default()
            .extend(headers.iter().cloned());
    }
    for (id, content_type) in &plan.request_content_types {
        table
            .entry(OperationKey::new(id.as_str()).method_name())
            .or_default()
            .push(("Content-Type".to_string(), content_type.clone()));
    }
    table.into_iter().collect()
}

pub fn tokens(plan: &Plan) -> TokenStream {
    let arms = fixed_headers(plan).into_iter().map(|(operation, headers)| {
        let pairs = headers
            .iter()
            .map(|(name, value)| quote! { (#name, #value) });
        quote! { #operation => &[#(#pairs),*], }
    });
    quote! {
        /// Headers operations send with a fixed value: the experimental
        /// opt-in, and request content types that are JSON under another
        /// name (`application/json-patch+json`). They are not method
        /// arguments.
        pub(crate) fn fixed_headers(operation_id: &str) -> &'static [(&'static str, &'static str)] {
            match operation_id {
                #(#arms)*
                _ => &[],
            }
        }

        impl ClientHooks<sailpoint_runtime::Runtime> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> std::result::Result<(), Error<E>> {
                self.inner.prepare(request, fixed_headers(info.operation_id))?;
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request, info.operation_id).await
            }
        }
    }
}
