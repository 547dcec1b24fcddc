//! The generated surface: one row per operation, saying how a caller sees
//! it. `cargo xtask surface` prints it and the tests snapshot it, so that a
//! spec update or a generator change shows up in review as a readable diff.

use quote::ToTokens;
use serde::Serialize;
use serde_json::Value;

use crate::generate::names::OperationKey;
use crate::normalize::{Plan, operations};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SurfaceRow {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub rust_method: String,
    pub tag: String,
    pub request_body: String,
    pub success_type: String,
    pub experimental: bool,
    /// The builder has `.stream()` (a `limit`/`offset` list, or a search).
    pub paginated: bool,
    /// The `.stream()` pages with `searchAfter` (the search operation).
    pub search_after: bool,
    /// The builder has `.download(media_type)` (several media types).
    pub download: bool,
}

impl SurfaceRow {
    pub fn to_tsv(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.operation_id,
            self.method,
            self.path,
            self.rust_method,
            self.tag,
            self.request_body,
            self.success_type,
            if self.experimental { "yes" } else { "no" },
            match (self.search_after, self.paginated) {
                (true, _) => "searchAfter",
                (false, true) => "stream",
                (false, false) => "-",
            }
        )
    }
}

/// Rows for every operation of `document`, in document order, with success
/// types read from the generated builders.
pub fn surface(document: &Value, plan: &Plan, generated: &syn::File) -> Vec<SurfaceRow> {
    operations(document)
        .into_iter()
        .filter_map(|op| {
            let operation = op.pointer.follow(document)?;
            let id = operation.get("operationId")?.as_str()?.to_string();
            let tags: Vec<&str> = operation
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let builder = OperationKey::new(id.as_str()).builder_name();
            Some(SurfaceRow {
                paginated: builder_has_fn(generated, &builder, "stream"),
                search_after: builder_has_fn(generated, &builder, "send_as"),
                download: builder_has_fn(generated, &builder, "download"),
                rust_method: OperationKey::new(id.as_str()).method_name(),
                success_type: success_type(
                    generated,
                    &OperationKey::new(id.as_str()).builder_name(),
                )
                .unwrap_or_else(|| "?".into()),
                request_body: body_kind(operation, plan, &id),
                experimental: plan.experimental.contains(&id),
                tag: tags.join(","),
                method: op.method.to_uppercase(),
                path: op.path,
                operation_id: id,
            })
        })
        .collect()
}

fn body_kind(operation: &Value, plan: &Plan, id: &str) -> String {
    let Some(content) = operation
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    else {
        return "none".into();
    };
    let kinds: Vec<&str> = content
        .keys()
        .map(
            |media| match media.split(';').next().unwrap_or_default().trim() {
                "application/json" if plan.request_content_types.contains_key(id) => "json-patch",
                "application/json" => "json",
                "application/json-patch+json" => "json-patch",
                "multipart/form-data" => "multipart",
                "application/x-www-form-urlencoded" => "form",
                "application/octet-stream" => "bytes",
                "text/plain" => "text",
                _ => "other",
            },
        )
        .collect();
    kinds.join("|")
}

/// The method `name` of the builder named `builder`.
fn builder_fn<'f>(file: &'f syn::File, builder: &str, name: &str) -> Option<&'f syn::ImplItemFn> {
    let module = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    })?;
    module.1.iter().find_map(|item| {
        let syn::Item::Impl(imp) = item else {
            return None;
        };
        let syn::Type::Path(path) = &*imp.self_ty else {
            return None;
        };
        if path.path.segments.last()?.ident != builder {
            return None;
        }
        imp.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
    })
}

fn builder_has_fn(file: &syn::File, builder: &str, name: &str) -> bool {
    builder_fn(file, builder, name).is_some()
}

/// `T` of `send(self) -> Result<ResponseValue<T>, Error<E>>` in the
/// builder named `builder`.
fn success_type(file: &syn::File, builder: &str) -> Option<String> {
    let send = builder_fn(file, builder, "send")?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let ok = first_generic(ty)?; // ResponseValue<T>
    let inner = first_generic(&ok)?;
    Some(tidy(&inner.to_token_stream().to_string()))
}

fn first_generic(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

fn tidy(tokens: &str) -> String {
    tokens
        .replace(' ', "")
        .replace("::std::vec::", "")
        .replace("::std::string::", "")
        .replace("::std::option::", "")
        .replace("::serde_json::", "serde_json::")
}
