//! The generated surface: one row per operation, saying how a caller sees
//! it. `cargo xtask surface` prints it and the tests snapshot it, so that a
//! spec update or a generator change shows up in review as a readable diff.

use quote::ToTokens;
use serde::Serialize;

use crate::generate::shape;
use crate::model::{ApiModel, Operation};

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

/// Rows for every operation of the model, in document order, with success
/// types read from the generated builders.
pub fn surface(model: &ApiModel, generated: &syn::File) -> Vec<SurfaceRow> {
    let builders = shape::module(&generated.items, shape::BUILDER).unwrap_or_default();
    model
        .operations
        .iter()
        .map(|op| {
            let builder = shape::builder(builders, &op.key.builder_name());
            let has = |name: &str| builder.is_some_and(|b| shape::method(b, name).is_some());
            SurfaceRow {
                paginated: has("stream"),
                search_after: has("send_as"),
                download: has("download"),
                rust_method: op.key.method_name(),
                success_type: builder
                    .and_then(|b| shape::send(b).ok())
                    .and_then(|send| shape::success_type(&send.sig.output))
                    .map(|ty| tidy(&ty.to_token_stream().to_string()))
                    .unwrap_or_else(|| "?".into()),
                request_body: body_kind(op),
                experimental: op.experimental,
                tag: op.tags.join(","),
                method: op.method.as_str().to_string(),
                path: op.path.as_str().to_string(),
                operation_id: op.id().to_string(),
            }
        })
        .collect()
}

fn body_kind(op: &Operation) -> String {
    let Some(body) = &op.request_body else {
        return "none".into();
    };
    let kinds: Vec<&str> = body
        .contents
        .iter()
        .map(|content| {
            match content
                .media_type
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
            {
                "application/json" if body.wire_content_type.is_some() => "json-patch",
                "application/json" => "json",
                "application/json-patch+json" => "json-patch",
                "multipart/form-data" => "multipart",
                "application/x-www-form-urlencoded" => "form",
                "application/octet-stream" => "bytes",
                "text/plain" => "text",
                _ => "other",
            }
        })
        .collect();
    kinds.join("|")
}

fn tidy(tokens: &str) -> String {
    tokens
        .replace(' ', "")
        .replace("::std::vec::", "")
        .replace("::std::string::", "")
        .replace("::std::option::", "")
        .replace("::serde_json::", "serde_json::")
}
