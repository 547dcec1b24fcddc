//! Gives every list operation paged by `limit` and `offset` query
//! parameters a `.stream()` of its items: SailPoint pages this way
//! everywhere, and progenitor only generates streams for Dropshot-style
//! pagination. The paging itself is `sailpoint_runtime::Runtime::offset_stream`.

use quote::quote;
use syn::Item;

use super::shape;
use crate::error::Error;
use crate::model::{ApiModel, Location, Paging};

/// Adds `stream` and `stream_with` to the builder of each operation the
/// model pages by `limit` and `offset` ([`Paging::Offset`]). Returns the
/// builders changed, sorted. A paged operation whose `send` does not return
/// a list is an error: the model and progenitor disagree.
pub fn add_streams(builder: &mut [Item], model: &ApiModel) -> Result<Vec<String>, Error> {
    let mut changed = Vec::new();
    for op in model.paged(Paging::Offset) {
        let name = op.key.builder_name();
        let implementation = shape::builder_mut(builder, &name)?;
        let item_type = shape::send(implementation)
            .ok()
            .and_then(|send| shape::listed_item(&send.sig.output))
            .ok_or_else(|| Error::Generate {
                culprit: Some(format!("operation `{}`", op.key)),
                message: "paged by `limit` and `offset`, but its `send` does not return a list"
                    .into(),
            })?;
        // The first page asks for `X-Total-Count` (unless the caller set
        // `count`), so that no page past the end is asked for and several
        // pages can be in flight (`sailpoint_runtime::Paging::concurrency`).
        let ask_total = if op.parameter(Location::Query, "count").is_some() {
            quote! {
                if offset == 0 && matches!(page.count, Ok(None)) {
                    page.count = Ok(Some(true));
                }
            }
        } else {
            quote! {}
        };
        let methods: syn::ItemImpl = syn::parse2(quote! {
            impl X {
                /// Streams every item of every page, with `limit` and
                /// `offset` set page by page, 250 items a page; every other
                /// parameter set on the builder goes with each page. Pages
                /// come in order; once the listing's total is known, up to
                /// four are in flight (fewer after a 429), otherwise one
                /// ahead of the page being read. A failed page is yielded
                /// once and ends the stream. [`stream_with`](Self::stream_with)
                /// sets another page size, a cap or the pages in flight
                /// ([`sailpoint_runtime::Paging`]).
                pub fn stream(
                    self,
                ) -> ::futures::stream::BoxStream<'a, Result<#item_type, Error<sailpoint_runtime::ApiError>>> {
                    self.stream_with(sailpoint_runtime::Paging::default())
                }

                /// [`stream`](Self::stream) with the page size and cap of `paging`.
                pub fn stream_with(
                    self,
                    paging: sailpoint_runtime::Paging,
                ) -> ::futures::stream::BoxStream<'a, Result<#item_type, Error<sailpoint_runtime::ApiError>>> {
                    let client = self.client;
                    client.inner.offset_stream(paging, move |offset, limit| {
                        #[allow(unused_mut)]
                        let mut page = self.clone().offset(offset).limit(limit);
                        #ask_total
                        async move { page.send().await }
                    })
                }
            }
        })
        .map_err(|e| Error::Internal(format!("stream methods do not parse: {e}")))?;
        implementation.items.extend(methods.items);
        changed.push(name);
    }
    changed.sort();
    Ok(changed)
}
