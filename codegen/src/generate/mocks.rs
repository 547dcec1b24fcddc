//! The typed mock crate of a client (`sailpoint-v2025-mock`): for every
//! operation of the [`ApiModel`], a mock with one matcher method per
//! declared parameter (path, query, header) taking the Rust type the
//! client's builder takes, a body matcher by the body's Rust type, and one
//! answer per declared status (`respond_ok(&T)`, `respond_not_found(&ApiError)`,
//! `respond_no_content()`), plus `respond_pages` for offset lists and
//! `respond_search_pages` for `searchAfter` search. Wire facts (names,
//! styles, statuses, media types, tags) come from the model; Rust types
//! from the finished client's builders, through [`shape::fields`], so a
//! mock matches what the client sends by construction. The matching and
//! answering itself is the hand-written `sailpoint-mock` crate.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, Type};

use super::custom::status_variant;
use super::features::tag_feature;
use super::shape::{self, fields};
use super::split::CustomReason;
use crate::error::Error;
use crate::model::{ApiModel, Location, Operation, Paging, QueryJoin, Response};
use crate::names::snake;

/// The mock items of each tag feature, the operations of several tags in
/// the file of the first (gated on any of them); those of untagged
/// operations, always compiled as their client methods are.
#[derive(Default)]
pub struct Mocks {
    pub by_feature: BTreeMap<String, MockFile>,
    pub untagged: Vec<Item>,
}

/// The mocks of one tag's file, and every feature one of them is gated on
/// (the file's module is compiled when any is on).
#[derive(Default)]
pub struct MockFile {
    pub features: BTreeSet<String>,
    pub items: Vec<Item>,
}

/// Mocks for every operation of `model`, typed by the builders and types
/// of `file` (the finished client). `custom`: why [`super::custom`]
/// completed a builder: successes of different kinds are one enum, a
/// variant per status; a multipart or alternative body is no single JSON
/// type (`request_matches` matches it).
pub fn generate(
    file: &syn::File,
    model: &ApiModel,
    custom: &BTreeMap<String, BTreeSet<CustomReason>>,
) -> Result<Mocks, Error> {
    let builders = shape::module(&file.items, shape::BUILDER)?;
    let builder_names = shape::sent_operations(file);
    let types = shape::module(&file.items, shape::TYPES)?;
    let mut mocks = Mocks::default();
    for op in &model.operations {
        let fail = |message: String| Error::Generate {
            culprit: Some(format!("operation `{}` (mock)", op.key)),
            message,
        };
        let features: BTreeSet<String> = op
            .tags
            .iter()
            .map(|t| tag_feature(t))
            .collect::<Result<_, _>>()
            .map_err(fail)?;

        let reasons = custom.get(&op.key.builder_name());
        let has = |reason| reasons.is_some_and(|r| r.contains(&reason));
        let completed = MockShape {
            mixed_successes: has(CustomReason::MixedSuccessResponses),
            json_body: !has(CustomReason::Multipart) && !has(CustomReason::AlternativeBodies),
        };
        let builder_name = builder_names
            .get(&op.key.method_name())
            .ok_or_else(|| fail("no builder's `send` names it".into()))?;
        let tokens = operation_mock(op, builder_name, builders, types, &features, completed)
            .map_err(fail)?;
        let item: syn::File =
            syn::parse2(tokens).map_err(|e| fail(format!("the mock does not parse: {e}")))?;
        match features.iter().next() {
            Some(first) => {
                let file = mocks.by_feature.entry(first.clone()).or_default();
                file.features.extend(features.iter().cloned());
                file.items.extend(item.items);
            }
            None => mocks.untagged.extend(item.items),
        }
    }
    Ok(mocks)
}

/// What [`super::custom`] changed of a builder, as far as its mock cares.
#[derive(Clone, Copy)]
struct MockShape {
    mixed_successes: bool,
    json_body: bool,
}

fn operation_mock(
    op: &Operation,
    builder_name: &str,
    builders: &[Item],
    types: &[Item],
    features: &BTreeSet<String>,
    completed: MockShape,
) -> Result<TokenStream, String> {
    let mixed = completed.mixed_successes;
    let builder = fields::builder_struct(builders, builder_name)
        .ok_or_else(|| format!("the client has no builder `{builder_name}`"))?;
    let implementation = shape::builder(builders, builder_name)
        .ok_or_else(|| format!("the client has no `impl {builder_name}`"))?;
    let send = shape::send(implementation)?;
    let success = shape::success_type(&send.sig.output)
        .ok_or_else(|| format!("`{builder_name}::send` returns no `ResponseValue`"))?;

    let mut methods = Vec::new();
    let mut names = BTreeSet::new();
    let mut claim = |name: String| -> Result<syn::Ident, String> {
        if !names.insert(name.clone()) {
            return Err(format!("two mock methods would be named `{name}`"));
        }
        Ok(format_ident!("{}", raw(&name)))
    };
    for parameter in &op.parameters {
        let field = snake(&parameter.name);
        let found = fields::builder_field(builder, &field)?;
        let ty = found.ty;
        let api = &parameter.name;
        let setter = claim(field.clone())?;
        let (matcher, absent) = match parameter.location {
            Location::Path => (quote! { self.0.path_param(#api, &value) }, None),
            Location::Query => {
                let join = match parameter.query_join() {
                    None => quote! { ::sailpoint_mock::Join::Explode },
                    Some(QueryJoin::Comma) => quote! { ::sailpoint_mock::Join::Comma },
                    Some(QueryJoin::Space) => quote! { ::sailpoint_mock::Join::Space },
                    Some(QueryJoin::Pipe) => quote! { ::sailpoint_mock::Join::Pipe },
                    Some(QueryJoin::DeepObject) => quote! { ::sailpoint_mock::Join::DeepObject },
                };
                (
                    quote! { self.0.query(#api, &value, #join) },
                    Some(quote! { self.0.without_query(#api, #join) }),
                )
            }
            Location::Header => (
                quote! { self.0.header(#api, &value) },
                Some(quote! { self.0.without_header(#api) }),
            ),
            Location::Cookie => {
                return Err(format!("cookie parameter `{api}`: the client sends none"));
            }
        };
        let doc = format!(
            " Only requests whose {} parameter `{api}` is `value`.",
            parameter.location.as_str()
        );
        methods.push(quote! {
            #[doc = #doc]
            pub fn #setter(self, value: impl ::std::convert::Into<#ty>) -> Self {
                let value: #ty = value.into();
                Self(#matcher)
            }
        });
        if let (true, Some(absent)) = (found.optional, absent) {
            let without = claim(format!("without_{field}"))?;
            let doc = format!(" Only requests that leave out `{api}`.");
            methods.push(quote! {
                #[doc = #doc]
                pub fn #without(self) -> Self {
                    Self(#absent)
                }
            });
        }
    }
    if let Some(body) = &op.request_body
        && completed.json_body
        && body.json().is_some()
        && let Some(body_type) = shape::builder::setter_type(implementation, "body")
    {
        let exact = claim("body".into())?;
        let matches = claim("body_matches".into())?;
        methods.push(quote! {
            /// Only requests whose JSON body equals `value`.
            pub fn #exact(self, value: &#body_type) -> Self {
                Self(self.0.json_body(value))
            }
            /// Only requests whose body decodes as the operation's body
            /// type and satisfies `predicate`.
            pub fn #matches<F>(self, predicate: F) -> Self
            where
                F: Fn(&#body_type) -> bool + ::std::marker::Send + ::std::marker::Sync + 'static,
            {
                Self(self.0.body_matches(predicate))
            }
        });
    }
    for response in &op.responses {
        let name = claim(format!("respond_{}", status_name(&response.status)))?;
        methods.push(answer(op, response, &name, &success, mixed, types)?);
    }
    let listed = shape::listed_item(&send.sig.output);
    match (op.paging, listed) {
        (Paging::Offset, Some(item)) => {
            let name = claim("respond_pages".into())?;
            methods.push(quote! {
                /// Answers with `items` as offset pages: the page `offset`
                /// and `limit` ask for, the total in `X-Total-Count` when
                /// the request sends `count=true`.
                pub fn #name(self, items: &[#item]) -> ::sailpoint_mock::Mock {
                    self.0.respond_offset_pages(items)
                }
            });
        }
        (Paging::SearchAfter, Some(item)) => {
            let name = claim("respond_search_pages".into())?;
            methods.push(quote! {
                /// Answers with `hits` as search pages: sorted by the
                /// body's `sort`, after its `searchAfter`, `limit` a page.
                pub fn #name(self, hits: &[#item]) -> ::sailpoint_mock::Mock {
                    self.0.respond_search_pages(hits)
                }
            });
        }
        (Paging::None, _) => {}
        (paging, None) => {
            return Err(format!(
                "paged ({paging:?}) but `send` returns no list to page"
            ));
        }
    }

    let mock = format_ident!("{}", builder_name);
    let cfg = (!features.is_empty()).then(|| super::features::cfg_attribute(features));
    let id = op.id();
    let method = op.method.as_str().to_uppercase();
    let path = op.path.as_str();
    let doc = format!(
        " Mocks `{}` (`{method} {path}`): [`when`](Self::when) matches its requests, \
         the methods after narrow them, a `respond_*` method answers.",
        op.key.method_name()
    );
    Ok(quote! {
        #cfg
        #[doc = #doc]
        #[must_use = "a mock answers nothing until a `respond_*` method makes it a `Mock` and it is mounted"]
        pub struct #mock(::sailpoint_mock::Expectation);

        #cfg
        impl ::sailpoint_mock::OperationMock for #mock {
            fn from_expectation(expectation: ::sailpoint_mock::Expectation) -> Self {
                Self(expectation)
            }
            fn into_expectation(self) -> ::sailpoint_mock::Expectation {
                self.0
            }
        }

        #cfg
        impl #mock {
            /// Every request of this operation.
            pub fn when() -> Self {
                Self(::sailpoint_mock::Expectation::new(#id, #method, crate::BASE_PATH, #path))
            }
            #(#methods)*
        }
    })
}

/// The answer method of one declared status.
fn answer(
    op: &Operation,
    response: &Response,
    name: &syn::Ident,
    success: &Type,
    mixed: bool,
    types: &[Item],
) -> Result<TokenStream, String> {
    let status = &response.status;
    let (code, fixed) = match status.parse::<u16>() {
        Ok(code) => (quote! { #code }, true),
        Err(_) => (quote! { status }, false),
    };
    let status_arg = (!fixed).then(|| quote! { status: u16, });
    let range_check = match status.as_bytes().first() {
        Some(c @ b'1'..=b'5') if !fixed => {
            let class = u16::from(c - b'0');
            let message = format!("status {{status}} is not a {status} status");
            Some(quote! { assert!(status / 100 == #class, #message); })
        }
        _ => None,
    };
    let doc = format!(" Answers `{status}`.");
    let body = response.json();
    let other = response.contents.iter().find(|c| !c.is_json());
    if response.is_success_or_default() && body.is_some() {
        let ty = if mixed {
            let enum_name = format!("{}Response", op.key.builder_name());
            let variant = status_variant(status).to_string();
            let held = fields::enum_variant_type(types, &enum_name, &variant).ok_or_else(|| {
                format!("no `types::{enum_name}::{variant}` for the success `{status}`")
            })?;
            types_path(held)
        } else {
            success.clone()
        };
        return Ok(quote! {
            #[doc = #doc]
            pub fn #name(self, #status_arg body: &#ty) -> ::sailpoint_mock::Mock {
                #range_check
                self.0.respond_json(#code, body)
            }
        });
    }
    if body.is_some() {
        return Ok(quote! {
            #[doc = #doc]
            pub fn #name(self, #status_arg error: &::sailpoint_mock::ApiError) -> ::sailpoint_mock::Mock {
                #range_check
                self.0.respond_json(#code, error)
            }
        });
    }
    if let Some(content) = other {
        let media = &content.media_type;
        return Ok(quote! {
            #[doc = #doc]
            pub fn #name(self, #status_arg body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> ::sailpoint_mock::Mock {
                #range_check
                self.0.respond_bytes(#code, body, #media)
            }
        });
    }
    Ok(quote! {
        #[doc = #doc]
        pub fn #name(self, #status_arg) -> ::sailpoint_mock::Mock {
            #range_check
            self.0.respond_empty(#code)
        }
    })
}

/// A type as written inside the `types` module (`Foo`,
/// `::std::vec::Vec<Foo>`) made to name the crate's `types` (`types::Foo`):
/// every path without a leading `::` that is not a prelude type, and
/// `crate::types::X` as `types::X`.
fn types_path(mut ty: Type) -> Type {
    struct Qualify;
    impl syn::visit_mut::VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, path);
            let prelude = [
                "String", "Vec", "Option", "Box", "bool", "str", "i8", "i16", "i32", "i64", "u8",
                "u16", "u32", "u64", "f32", "f64", "usize", "isize",
            ];
            let Some(first) = path.path.segments.first() else {
                return;
            };
            // The client's `crate::types::X` is the mock crate's `types::X`.
            if first.ident == "crate" && path.path.segments.len() > 1 {
                path.path.segments = path.path.segments.iter().skip(1).cloned().collect();
                return;
            }
            if path.qself.is_none()
                && path.path.leading_colon.is_none()
                && first.ident != "types"
                && !prelude.contains(&first.ident.to_string().as_str())
            {
                path.path.segments.insert(0, syn::parse_quote!(types));
            }
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify, &mut ty);
    ty
}

/// `ok`, `not_found`, `client_error` (`4XX`), `default`, `status_418`.
fn status_name(status: &str) -> String {
    let known = match status {
        "200" => "ok",
        "201" => "created",
        "202" => "accepted",
        "203" => "non_authoritative",
        "204" => "no_content",
        "206" => "partial_content",
        "207" => "multi_status",
        "400" => "bad_request",
        "401" => "unauthorized",
        "403" => "forbidden",
        "404" => "not_found",
        "405" => "method_not_allowed",
        "409" => "conflict",
        "412" => "precondition_failed",
        "413" => "payload_too_large",
        "415" => "unsupported_media_type",
        "422" => "unprocessable_entity",
        "429" => "too_many_requests",
        "500" => "internal_server_error",
        "501" => "not_implemented",
        "503" => "service_unavailable",
        "1XX" | "1xx" => "informational",
        "2XX" | "2xx" => "success",
        "3XX" | "3xx" => "redirect",
        "4XX" | "4xx" => "client_error",
        "5XX" | "5xx" => "server_error",
        "default" => "default",
        other => return format!("status_{}", other.to_lowercase()),
    };
    known.to_owned()
}

/// A method name that is a Rust keyword gets a trailing `_`, as
/// progenitor does for fields.
fn raw(name: &str) -> String {
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        name.to_owned()
    } else {
        format!("{name}_")
    }
}
