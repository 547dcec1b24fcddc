//! The generated client's `ClientHooks` implementation, which hands every
//! request to the shared runtime (`sailpoint_runtime::Runtime`), and the
//! table of what the runtime must know about each operation
//! (`sailpoint_runtime::Operation`): its spec id, whether it is
//! authenticated or experimental, and the headers it sends with a fixed
//! value.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{ApiModel, QueryJoin};

/// The operation table, sorted by progenitor's method name (the
/// `OperationInfo::operation_id` the hooks look operations up by), and the
/// hooks.
pub fn tokens(model: &ApiModel) -> TokenStream {
    let mut operations: Vec<_> = model.operations.iter().collect();
    operations.sort_by_key(|op| op.key.method_name());
    operations.dedup_by_key(|op| op.key.method_name());
    let entries = operations.iter().map(|op| {
        let name = op.key.method_name();
        let id = op.key.operation_id();
        let (authenticated, experimental) = (op.authenticated(), op.experimental);
        let headers = op
            .fixed_headers
            .iter()
            .map(|(name, value)| quote! { (#name, #value) });
        let query_styles = op.parameters.iter().filter_map(|p| {
            let name = &p.name;
            let style = match p.query_join()? {
                QueryJoin::Comma => quote!(Comma),
                QueryJoin::Space => quote!(Space),
                QueryJoin::Pipe => quote!(Pipe),
                QueryJoin::DeepObject => quote!(DeepObject),
            };
            Some(quote! { (#name, sailpoint_runtime::QueryStyle::#style) })
        });
        quote! {
            (#name, sailpoint_runtime::Operation {
                id: #id,
                authenticated: #authenticated,
                experimental: #experimental,
                fixed_headers: &[#(#headers),*],
                query_styles: &[#(#query_styles),*],
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
