//! Gives the search operation (`POST /search`) a `.stream()` that pages
//! with `searchAfter` instead of `offset`: the search API refuses
//! `offset + limit` past 10,000 hits. The operation is found by its body
//! (a JSON object with `sort` and `searchAfter` arrays) and its `limit`
//! query parameter and list response; the paging itself is
//! `sailpoint_runtime::search_after_stream`.

use quote::{format_ident, quote};
use syn::{ImplItem, ImplItemFn, Item};

use super::shape::builder::setter_type;
use super::shape::{self, copy_of_send, listed_item};
use crate::error::Error;
use crate::model::{ApiModel, Paging};
use crate::names::snake;

/// The body properties `searchAfter` paging reads and writes (the model
/// finds the operation by them: [`Paging::SearchAfter`]).
const SORT: &str = "sort";
const SEARCH_AFTER: &str = "searchAfter";

/// Adds `send_as`, `stream`, `stream_with` and `stream_as` to the builder
/// of each operation the model pages by `searchAfter`.
pub fn add_search_streams(builder: &mut [Item], model: &ApiModel) -> Result<(), Error> {
    for op in model.paged(Paging::SearchAfter) {
        let key = &op.key;
        let name = key.builder_name();
        let implementation = shape::builder_mut(builder, &name)?;
        let methods = search_methods(implementation).map_err(|message| Error::Generate {
            culprit: Some(format!("operation `{key}`")),
            message,
        })?;
        implementation.items.extend(methods);
    }
    Ok(())
}

fn search_methods(implementation: &syn::ItemImpl) -> Result<Vec<ImplItem>, String> {
    let send = copy_of_send(implementation)?;
    let item = listed_item(&send.sig.output).ok_or("`send` does not return a list")?;
    let body =
        setter_type(implementation, "body").ok_or("the builder has no typed `body` setter")?;
    let sort = format_ident!("{}", snake(SORT));
    let search_after = format_ident!("{}", snake(SEARCH_AFTER));

    let mut send_as = send;
    let signature: ImplItemFn = syn::parse2(quote! {
        /// Sends the search like `send`, decoding each hit as `T` (a
        /// document type, or `serde_json::Value` for every field as sent).
        pub async fn send_as<T: ::serde::de::DeserializeOwned + Send + 'static>(
            self,
        ) -> Result<ResponseValue<::std::vec::Vec<T>>, Error<sailpoint_runtime::ApiError>> {}
    })
    .map_err(|e| e.to_string())?;
    send_as.attrs = signature.attrs;
    send_as.sig = signature.sig;

    let methods: syn::ItemImpl = syn::parse2(quote! {
        impl X {
            /// Streams every hit, past the search API's 10,000-hit window:
            /// each page after the first is asked for with `searchAfter`,
            /// the sort values of the previous page's last hit, 250 hits a
            /// page. The body must have a `sort`, ending with a unique field
            /// (`["name", "id"]`): without one the stream yields an error
            /// and sends nothing. A `searchAfter` set in the body is where
            /// the stream starts. A failed page is yielded once and ends
            /// the stream. [`stream_with`](Self::stream_with) sets another
            /// page size (up to 10,000) or a cap.
            pub fn stream(
                self,
            ) -> ::futures::stream::BoxStream<'a, Result<#item, Error<sailpoint_runtime::ApiError>>> {
                self.stream_as(sailpoint_runtime::Paging::default())
            }

            /// [`stream`](Self::stream) with the page size and cap of `paging`.
            pub fn stream_with(
                self,
                paging: sailpoint_runtime::Paging,
            ) -> ::futures::stream::BoxStream<'a, Result<#item, Error<sailpoint_runtime::ApiError>>> {
                self.stream_as(paging)
            }

            /// [`stream_with`](Self::stream_with), each hit decoded as `T`.
            pub fn stream_as<T: ::serde::de::DeserializeOwned + Send + 'static>(
                self,
                paging: sailpoint_runtime::Paging,
            ) -> ::futures::stream::BoxStream<'a, Result<T, Error<sailpoint_runtime::ApiError>>> {
                let search = match self
                    .body
                    .clone()
                    .and_then(|v| #body::try_from(v).map_err(|e| e.to_string()))
                {
                    Ok(search) => search,
                    Err(e) => {
                        return ::futures::StreamExt::boxed(::futures::stream::once(async move {
                            Err(Error::InvalidRequest(e))
                        }));
                    }
                };
                let keys = sailpoint_runtime::SearchKeys {
                    sort: sailpoint_runtime::SortList::to_list(&search.#sort),
                    search_after: sailpoint_runtime::SortList::to_list(&search.#search_after),
                };
                sailpoint_runtime::search_after_stream(
                    paging,
                    keys,
                    move |#search_after, limit| {
                        let mut page = self
                            .clone()
                            .limit(limit)
                            .body(#body {
                                #search_after: sailpoint_runtime::SortList::from_list(#search_after),
                                ..search.clone()
                            });
                        page.offset = Ok(None);
                        async move {
                            page.send_as::<sailpoint_runtime::RawHit>()
                                .await
                                .map(ResponseValue::into_inner)
                        }
                    },
                    Error::InvalidRequest,
                    Error::InvalidResponsePayload,
                )
            }
        }
    })
    .map_err(|e| format!("search stream methods do not parse: {e}"))?;
    let mut items = vec![ImplItem::Fn(send_as)];
    items.extend(methods.items);
    Ok(items)
}
