//! Gives every operation whose success response comes in several media
//! types, one of them not JSON (JSON or CSV, CSV or PDF), a
//! `.download(media_type)` beside its `send`: progenitor types the JSON one
//! only, sending `Accept: application/json`, or returns the body of
//! whichever type the server picks, so the others could not be asked for.
//! `download` sends the caller's `Accept` and returns the body as a byte
//! stream, which `sailpoint_runtime::Download` writes to any `AsyncWrite`
//! as it arrives. Operations with one non-JSON media type already return a
//! byte stream from `send`.

use quote::quote;
use syn::{ImplItem, ImplItemFn, Item, ItemImpl};

use super::shape::builder::SendMut;
use super::shape::{self, copy_of_send};
use crate::error::Error;
use crate::model::ApiModel;

/// Adds `download` to the builder of each operation the model gives
/// alternative media types. Returns the builders changed, sorted.
pub fn add_downloads(builder: &mut [Item], model: &ApiModel) -> Result<Vec<String>, Error> {
    let mut changed = Vec::new();
    for op in model
        .operations
        .iter()
        .filter(|op| !op.alternative_media.is_empty())
    {
        let key = &op.key;
        let name = key.builder_name();
        let culprit = || Some(format!("operation `{key}`"));
        let implementation = shape::builder_mut(builder, &name)?;
        let download = download_fn(implementation, &op.alternative_media).map_err(|message| {
            Error::Generate {
                culprit: culprit(),
                message,
            }
        })?;
        implementation.items.push(ImplItem::Fn(download));
        changed.push(name);
    }
    changed.sort();
    Ok(changed)
}

fn download_fn(implementation: &ItemImpl, media_types: &[String]) -> Result<ImplItemFn, String> {
    let mut download = copy_of_send(implementation)?;
    let listed: Vec<String> = media_types.iter().map(|m| format!("`{m}`")).collect();
    let doc = format!(
        "Sends the request asking for `media_type` (`Accept`; the spec offers {}) and \
         returns the body as it arrives, whatever its type. Write it out with \
         `sailpoint_runtime::Download` (`write_to`, `save_to`).",
        listed.join(", ")
    );
    let signature: ImplItemFn = syn::parse2(quote! {
        #[doc = #doc]
        pub async fn download(
            self,
            media_type: &str,
        ) -> Result<ResponseValue<ByteStream>, Error<sailpoint_runtime::ApiError>> {}
    })
    .map_err(|e| e.to_string())?;
    download.attrs = signature.attrs;
    download.sig = signature.sig;

    // After the request is built, its `Accept` (progenitor's JSON one, or
    // none) is replaced by the caller's.
    let mut send = SendMut(&mut download);
    send.insert_after_request(quote! {
        match ::reqwest::header::HeaderValue::from_str(media_type) {
            Ok(accept) => {
                request.headers_mut().insert(::reqwest::header::ACCEPT, accept);
            }
            Err(e) => return Err(Error::InvalidRequest(format!("media type {media_type:?}: {e}"))),
        }
    })?;
    for arm in send.success_arms()? {
        *arm.body = syn::parse_quote!(Ok(ResponseValue::stream(response)));
    }
    Ok(download)
}
