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
use serde_json::Value;
use syn::{Expr, ImplItem, ImplItemFn, Item, ItemImpl};

use super::custom::is_success_arm;
use super::names::OperationKey;
use crate::error::Error;
use crate::openapi::{is_json_media_type, is_success_or_default, operations};

/// The operations with a success response offering several media types,
/// not all JSON, with those media types, in document order.
pub fn alternative_media_operations(document: &Value) -> Vec<(OperationKey, Vec<String>)> {
    operations(document)
        .into_iter()
        .filter_map(|op| {
            let operation = op.pointer.follow(document)?;
            let id = operation.get("operationId")?.as_str()?;
            let mut offered: Vec<String> = Vec::new();
            let mut several = false;
            for (_, response) in operation
                .get("responses")?
                .as_object()?
                .iter()
                .filter(|(status, _)| is_success_or_default(status) && *status != "default")
            {
                let content = response.get("content").and_then(Value::as_object);
                several |= content.is_some_and(|c| c.len() > 1);
                for media in content.into_iter().flat_map(|c| c.keys()) {
                    if !offered.contains(media) {
                        offered.push(media.clone());
                    }
                }
            }
            let not_json = offered.iter().any(|m| !is_json_media_type(m));
            (several && not_json).then(|| (OperationKey::new(id), offered))
        })
        .collect()
}

/// Adds `download` to the builder of each operation of
/// [`alternative_media_operations`]. Returns the builders changed, sorted.
pub fn add_downloads(builder: &mut [Item], document: &Value) -> Result<Vec<String>, Error> {
    let mut changed = Vec::new();
    for (key, media_types) in alternative_media_operations(document) {
        let name = key.builder_name();
        let culprit = || Some(format!("operation `{key}`"));
        let implementation = builder_impl(builder, &name).ok_or_else(|| Error::Generate {
            culprit: culprit(),
            message: format!("no builder `{name}` to add `download` to"),
        })?;
        let download =
            download_fn(implementation, &key, &media_types).map_err(|message| Error::Generate {
                culprit: culprit(),
                message,
            })?;
        implementation.items.push(ImplItem::Fn(download));
        changed.push(name);
    }
    changed.sort();
    Ok(changed)
}

/// The inherent `impl` of the builder named `name`.
pub(super) fn builder_impl<'i>(items: &'i mut [Item], name: &str) -> Option<&'i mut ItemImpl> {
    items.iter_mut().find_map(|item| match item {
        Item::Impl(i)
            if i.trait_.is_none()
                && matches!(&*i.self_ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == name)) =>
        {
            Some(i)
        }
        _ => None,
    })
}

/// A copy of the builder's `send`, to be renamed and changed: it keeps
/// every parameter, header, hook and error arm of the original.
pub(super) fn copy_of_send(implementation: &ItemImpl) -> Result<ImplItemFn, String> {
    implementation
        .items
        .iter()
        .find_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == "send" => Some(f.clone()),
            _ => None,
        })
        .ok_or_else(|| "the builder has no `send`".to_string())
}

fn download_fn(
    implementation: &ItemImpl,
    key: &OperationKey,
    media_types: &[String],
) -> Result<ImplItemFn, String> {
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
    let built = download
        .block
        .stmts
        .iter()
        .position(|stmt| {
            matches!(stmt, syn::Stmt::Local(local)
            if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "request"))
        })
        .ok_or_else(|| format!("`send` of `{}` builds no `request`", key.method_name()))?;
    let accept: Vec<syn::Stmt> = syn::parse_quote! {
        match ::reqwest::header::HeaderValue::from_str(media_type) {
            Ok(accept) => {
                request.headers_mut().insert(::reqwest::header::ACCEPT, accept);
            }
            Err(e) => return Err(Error::InvalidRequest(format!("media type {media_type:?}: {e}"))),
        }
    };
    download.block.stmts.splice(built + 1..built + 1, accept);

    let Some(syn::Stmt::Expr(Expr::Match(status_match), _)) = download.block.stmts.last_mut()
    else {
        return Err("`send` does not end in a status `match`".into());
    };
    let mut successes = 0;
    for arm in status_match
        .arms
        .iter_mut()
        .filter(|arm| is_success_arm(arm))
    {
        *arm.body = syn::parse_quote!(Ok(ResponseValue::stream(response)));
        successes += 1;
    }
    if successes == 0 {
        return Err("`send` has no success arm".into());
    }
    Ok(download)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::alternative_media_operations;

    /// An operation qualifies when one success response offers several
    /// media types, not all JSON; error responses do not count.
    #[test]
    fn operations_with_a_choice_of_media_types_are_found() {
        let answer = |media: &[&str]| {
            let content: serde_json::Map<String, Value> = media
                .iter()
                .map(|m| (m.to_string(), json!({"schema": {"type": "string"}})))
                .collect();
            json!({"description": "ok", "content": content})
        };
        let operation = |id: &str, ok: Value, error: Value| json!({"get": {"operationId": id, "responses": {"200": ok, "400": error}}});
        let json_only = answer(&["application/json"]);
        let document = json!({"paths": {
            "/a": operation("jsonOrCsv", answer(&["application/json", "text/csv"]), json_only.clone()),
            "/b": operation("csvOrPdf", answer(&["application/csv", "application/pdf"]), json_only.clone()),
            "/c": operation("csvOnly", answer(&["text/csv"]), answer(&["application/json", "text/csv"])),
            "/d": operation("jsonOnly", json_only.clone(), json_only),
        }});
        let found: Vec<(String, Vec<String>)> = alternative_media_operations(&document)
            .into_iter()
            .map(|(k, media)| (k.operation_id().to_string(), media))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "jsonOrCsv".to_string(),
                    vec!["application/json".to_string(), "text/csv".to_string()]
                ),
                (
                    "csvOrPdf".to_string(),
                    vec!["application/csv".to_string(), "application/pdf".to_string()]
                ),
            ]
        );
    }
}
