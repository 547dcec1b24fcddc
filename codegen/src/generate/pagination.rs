//! Gives every list operation paged by `limit` and `offset` query
//! parameters a `.stream()` of its items: SailPoint pages this way
//! everywhere, and progenitor only generates streams for Dropshot-style
//! pagination. The paging itself is `sailpoint_runtime::Runtime::offset_stream`.

use quote::quote;
use syn::{GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

use crate::error::Error;

/// Adds `stream` and `stream_with` to each builder in `builder` that has
/// `limit` and `offset` fields and sends for a JSON array, except those in
/// `searched` (which page by `searchAfter`, see [`super::search`]). Returns
/// the builders changed, sorted.
pub fn add_streams(builder: &mut [Item], searched: &[String]) -> Result<Vec<String>, Error> {
    // Each paged builder, and whether it has a `count` query parameter.
    let paged: Vec<(String, bool)> = builder
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s),
            _ => None,
        })
        .filter_map(|s| {
            let names: Vec<String> = s
                .fields
                .iter()
                .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                .collect();
            let has = |name: &str| names.iter().any(|n| n == name);
            (has("limit") && has("offset")).then(|| (s.ident.to_string(), has("count")))
        })
        .collect();
    let mut changed = Vec::new();
    for item in builder.iter_mut() {
        let Item::Impl(implementation) = item else {
            continue;
        };
        let Type::Path(self_type) = &*implementation.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(&(_, counted)) = paged.iter().find(|(paged, _)| *paged == name) else {
            continue;
        };
        if implementation.trait_.is_some() || searched.contains(&name) {
            continue;
        }
        // The first page asks for `X-Total-Count` (unless the caller set
        // `count`), so that no page past the end is asked for and several
        // pages can be in flight (`sailpoint_runtime::Paging::concurrency`).
        let ask_total = if counted {
            quote! {
                if offset == 0 && matches!(page.count, Ok(None)) {
                    page.count = Ok(Some(true));
                }
            }
        } else {
            quote! {}
        };
        let Some(item_type) = implementation.items.iter().find_map(|member| match member {
            ImplItem::Fn(f) if f.sig.ident == "send" => listed_item(&f.sig.output),
            _ => None,
        }) else {
            continue;
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

/// `T` of `-> Result<ResponseValue<Vec<T>>, _>`.
pub(super) fn listed_item(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let value = first_generic(ty, "Result")?;
    let list = first_generic(&value, "ResponseValue")?;
    first_generic(&list, "Vec")
}

fn first_generic(ty: &Type, outer: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}
