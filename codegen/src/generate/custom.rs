//! Completes progenitor's builders for the operations it cannot express
//! (see [`super::split`]). progenitor generates each of them from a reduced
//! copy, so the builder struct, its parameter fields and setters, the URL,
//! headers, hooks and error arms are progenitor's own. Only what progenitor
//! cannot say is added to that builder here:
//! - a `multipart/form-data` body: one setter per part (progenitor's
//!   `TryInto` convention), files as [`FilePart`], plain values (strings,
//!   string enums, numbers, booleans) as `text/plain`, anything else as
//!   JSON with its own `Content-Type`;
//! - a choice of request media types: `types::<Builder>Body`, an enum with
//!   one variant per media type;
//! - success responses of different kinds: `types::<Builder>Response`, an
//!   enum with one variant per success status.
//!
//! `send` stays progenitor's: the body is attached to its request chain and
//! the success arms of its status match are replaced.
//!
//! [`FilePart`]: https://docs.rs/sailpoint-runtime

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{ImplItem, Item};

use super::shape::builder::{self, BuilderMut, SendMut};
use super::shape::typify::{schema_type, type_name};
use super::split::{CustomOperation, CustomReason};
use crate::error::Error;
use crate::model::{Content, Operation, Response};
use crate::names::{pascal, snake};

type Fallible<T> = Result<T, String>;

/// Adds to progenitor's builder of `op` (in `builder`) what progenitor could
/// not generate, the body and response enums it needs to `types`, and the
/// body's setters to the usage example in the docs (in `client`).
pub fn complete_builder(
    builder: &mut [Item],
    types: &mut Vec<Item>,
    client: &mut [Item],
    op: &CustomOperation,
) -> Result<(), Error> {
    let operation = &op.operation;
    let failed = |message| Error::Generate {
        culprit: Some(format!(
            "operation `{}` ({} {})",
            operation.key, operation.method, operation.path
        )),
        message,
    };
    let extension = Extension::new(op).map_err(failed)?;
    extension.apply(builder, types).map_err(failed)?;
    complete_usage_docs(client, &extension).map_err(failed)
}

/// Adds the setters of the body to the usage example progenitor wrote,
/// from the reduced copy, into the operation's docs (in `client`, the
/// tag traits).
fn complete_usage_docs(client: &mut [Item], extension: &Extension) -> Fallible<()> {
    let setters: Vec<String> = match &extension.body {
        Body::Progenitor => return Ok(()),
        Body::Alternatives(_) => vec!["body".into()],
        Body::Multipart(parts) => parts.iter().map(|p| p.field.to_string()).collect(),
    };
    let added: String = setters.iter().map(|s| format!("    .{s}({s})\n")).collect();
    builder::add_to_usage_example(client, &extension.op.key.method_name(), &added)
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The `types::X` paths in a type, for checking that they exist.
fn named_types(ty: &TokenStream, out: &mut Vec<String>) {
    let mut tokens = ty.clone().into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            proc_macro2::TokenTree::Ident(i) if i == "types" => {
                // `types :: Name`
                let _colons: Vec<_> = tokens.by_ref().take(2).collect();
                if let Some(proc_macro2::TokenTree::Ident(name)) = tokens.next() {
                    out.push(name.to_string());
                }
            }
            proc_macro2::TokenTree::Group(g) => named_types(&g.stream(), out),
            _ => {}
        }
    }
}

/// One part of a multipart body.
struct Part {
    api_name: String,
    field: Ident,
    required: bool,
    kind: PartKind,
    ty: TokenStream,
    description: Option<String>,
}

enum PartKind {
    /// `format: binary`: a [`FilePart`] with the spec's content type as
    /// its default.
    File { content_type: String },
    /// A string, string enum, number or boolean: `text/plain`, the bare
    /// value (OpenAPI 3.0's rule for primitive parts).
    Text,
    /// Objects and arrays: JSON with `Content-Type: application/json`.
    Json,
}

enum Body {
    /// progenitor attaches the body, if any.
    Progenitor,
    Multipart(Vec<Part>),
    /// A choice of media types: `(variant, media type, type)`.
    Alternatives(Vec<(Ident, String, TokenStream)>),
}

/// What a success status decodes into.
enum Success {
    Json(TokenStream),
    Stream,
    Empty,
}

struct Extension<'a> {
    op: &'a Operation,
    builder: Ident,
    body: Body,
    /// Every success status, when they are of different kinds.
    mixed_successes: Option<Vec<(String, Success)>>,
}

impl<'a> Extension<'a> {
    fn new(custom: &'a CustomOperation) -> Fallible<Extension<'a>> {
        let (op, reasons) = (&custom.operation, &custom.reasons);
        let body = if reasons.contains(&CustomReason::Multipart) {
            Body::Multipart(multipart(op)?)
        } else if reasons.contains(&CustomReason::AlternativeBodies) {
            Body::Alternatives(alternatives(op)?)
        } else {
            Body::Progenitor
        };
        let mixed_successes = if reasons.contains(&CustomReason::MixedSuccessResponses) {
            let successes = op
                .responses
                .iter()
                .filter(|r| r.is_success_or_default())
                .map(|r| Ok((r.status.clone(), success(r)?)))
                .collect::<Fallible<Vec<_>>>()?;
            Some(successes)
        } else {
            None
        };
        Ok(Extension {
            op,
            builder: ident(&op.key.builder_name()),
            body,
            mixed_successes,
        })
    }

    fn body_enum(&self) -> Ident {
        format_ident!("{}Body", self.builder)
    }

    fn response_enum(&self) -> Ident {
        format_ident!("{}Response", self.builder)
    }

    fn apply(&self, builder: &mut [Item], types: &mut Vec<Item>) -> Fallible<()> {
        let type_names: Vec<String> = types.iter().filter_map(type_name).collect();
        self.check_types_exist(&type_names)?;
        let mut new_types = Vec::new();
        if matches!(self.body, Body::Alternatives(_)) {
            new_types.push(self.body_enum_item()?);
        }
        if self.mixed_successes.is_some() {
            new_types.push(self.response_enum_item()?);
        }
        for item in &new_types {
            if let Some(name) = type_name(item)
                && type_names.contains(&name)
            {
                return Err(format!(
                    "the generated type `types::{name}` would collide with a type of the spec"
                ));
            }
        }
        types.extend(new_types);

        let mut target = builder::extend(builder, &self.builder.to_string())?;
        self.extend_builder(&mut target)
    }

    /// Every `types::X` this extension names must be a type typify made.
    fn check_types_exist(&self, type_names: &[String]) -> Fallible<()> {
        let mut named = Vec::new();
        match &self.body {
            Body::Progenitor => {}
            Body::Multipart(parts) => parts.iter().for_each(|p| named_types(&p.ty, &mut named)),
            Body::Alternatives(variants) => variants
                .iter()
                .for_each(|(_, _, ty)| named_types(ty, &mut named)),
        }
        for (_, success) in self.mixed_successes.iter().flatten() {
            if let Success::Json(ty) = success {
                named_types(ty, &mut named);
            }
        }
        match named.iter().find(|n| !type_names.contains(n)) {
            Some(missing) => Err(format!(
                "no generated type `types::{missing}`: typify named the schema differently"
            )),
            None => Ok(()),
        }
    }

    /// `(field, type, initial value)` of each field added to the builder.
    fn fields(&self) -> Vec<(Ident, TokenStream, TokenStream)> {
        match &self.body {
            Body::Progenitor => Vec::new(),
            Body::Alternatives(_) => {
                let ty = self.body_enum();
                vec![(
                    ident("body"),
                    quote! { Result<types::#ty, String> },
                    quote! { Err("body was not initialized".to_string()) },
                )]
            }
            Body::Multipart(parts) => {
                let mut out: Vec<_> = parts
                    .iter()
                    .map(|part| {
                        let ty = &part.ty;
                        if part.required {
                            let missing = format!("{} was not initialized", part.field);
                            (
                                part.field.clone(),
                                quote! { Result<#ty, String> },
                                quote! { Err(#missing.to_string()) },
                            )
                        } else {
                            (
                                part.field.clone(),
                                quote! { Result<Option<#ty>, String> },
                                quote! { Ok(None) },
                            )
                        }
                    })
                    .collect();
                out.push((
                    ident("extra_parts"),
                    quote! { Vec<(String, reqwest::multipart::Part)> },
                    quote! { Vec::new() },
                ));
                out
            }
        }
    }

    /// Adds the fields, their setters and their use in `send` to
    /// progenitor's builder.
    fn extend_builder(&self, target: &mut BuilderMut) -> Fallible<()> {
        for (field, ty, initial) in self.fields() {
            target.add_field(&quote! { #field }, &ty, &initial)?;
        }
        if matches!(self.body, Body::Multipart(_)) {
            // File parts and streams cannot be cloned.
            target.derive_debug_only()?;
        }
        self.extend_send(&mut target.send()?)?;
        target.add_setters(self.setters()?)
    }

    fn setters(&self) -> Fallible<Vec<ImplItem>> {
        let mut out = Vec::new();
        match &self.body {
            Body::Progenitor => {}
            Body::Alternatives(_) => {
                let ty = self.body_enum();
                out.push(quote! {
                    /// Sets the request body; each variant is sent with its own `Content-Type`.
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::#ty>,
                    {
                        self.body = value.try_into().map_err(|_| "conversion to the body failed".to_string());
                        self
                    }
                });
            }
            Body::Multipart(parts) => {
                for part in parts {
                    out.push(part.setter());
                }
                out.push(quote! {
                    /// Adds a part the spec does not describe.
                    pub fn part(mut self, name: impl Into<String>, part: reqwest::multipart::Part) -> Self {
                        self.extra_parts.push((name.into(), part));
                        self
                    }
                });
            }
        }
        out.into_iter()
            .map(|tokens| syn::parse2(tokens).map_err(|e| e.to_string()))
            .collect()
    }

    /// Threads the added fields (destructured by `add_field`) through
    /// progenitor's `send`: turned into a body before the URL is built,
    /// and attached to the request; then decodes every success status.
    fn extend_send(&self, send: &mut SendMut) -> Fallible<()> {
        let (prepare, attach) = self.body_code();
        send.insert_before_url(prepare)?;
        send.extend_request_chain(attach)?;

        if let Some(successes) = &self.mixed_successes {
            let name = self.response_enum();
            send.0.sig.output = syn::parse2(quote! {
                -> Result<ResponseValue<types::#name>, Error<sailpoint_runtime::ApiError>>
            })
            .map_err(|e| e.to_string())?;
            let arms = successes
                .iter()
                .map(|(status, success)| self.success_arm(status, success))
                .collect::<Fallible<Vec<_>>>()?;
            send.replace_success_arms(arms)?;
        }
        Ok(())
    }

    fn success_arm(&self, status: &str, success: &Success) -> Fallible<syn::Arm> {
        let name = self.response_enum();
        let variant = status_variant(status);
        let decode = match success {
            Success::Json(ty) => quote! {
                ResponseValue::<#ty>::from_response(response).await?.map(types::#name::#variant)
            },
            Success::Stream => {
                quote! { ResponseValue::stream(response).map(types::#name::#variant) }
            }
            Success::Empty => {
                quote! { ResponseValue::empty(response).map(|()| types::#name::#variant) }
            }
        };
        builder::status_arm(status, decode)
    }

    /// Statements that turn the added fields into a body, and the request
    /// builder calls that attach it.
    fn body_code(&self) -> (TokenStream, TokenStream) {
        match &self.body {
            Body::Progenitor => (quote! {}, quote! {}),
            Body::Alternatives(variants) => {
                let name = self.body_enum();
                let arms = variants.iter().map(|(variant, media, _)| {
                    quote! {
                        types::#name::#variant(value) => (
                            #media,
                            ::serde_json::to_vec(&value).map_err(|e| Error::InvalidRequest(e.to_string()))?,
                        ),
                    }
                });
                (
                    quote! {
                        let (content_type, body) = match body.map_err(Error::InvalidRequest)? {
                            #(#arms)*
                        };
                    },
                    quote! {
                        .header(
                            ::reqwest::header::CONTENT_TYPE,
                            ::reqwest::header::HeaderValue::from_static(content_type),
                        )
                        .body(body)
                    },
                )
            }
            Body::Multipart(parts) => {
                let adds = parts.iter().map(Part::add_to_form);
                (
                    quote! {
                        let mut form = reqwest::multipart::Form::new();
                        #(#adds)*
                        for (name, part) in extra_parts {
                            form = form.part(name, part);
                        }
                    },
                    quote! { .multipart(form) },
                )
            }
        }
    }

    fn body_enum_item(&self) -> Fallible<Item> {
        let name = self.body_enum();
        let Body::Alternatives(variants) = &self.body else {
            return Err("no alternative bodies".into());
        };
        let defs = variants.iter().map(|(variant, media, ty)| {
            let doc = format!("Sent as `{media}`.");
            quote! { #[doc = #doc] #variant(#ty), }
        });
        let doc = format!(
            "The request body of `{}`: one of the media types it accepts.",
            self.op.key.method_name()
        );
        syn::parse2(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub enum #name {
                #(#defs)*
            }
        })
        .map_err(|e| e.to_string())
    }

    fn response_enum_item(&self) -> Fallible<Item> {
        let name = self.response_enum();
        let variants = self
            .mixed_successes
            .iter()
            .flatten()
            .map(|(status, success)| {
                let variant = status_variant(status);
                let doc = format!("Status {status}.");
                match success {
                    Success::Json(ty) => quote! { #[doc = #doc] #variant(#ty), },
                    Success::Stream => {
                        quote! { #[doc = #doc] #variant(::progenitor_client::ByteStream), }
                    }
                    Success::Empty => quote! { #[doc = #doc] #variant, },
                }
            });
        let doc = format!(
            "What `{}` answers: one variant per success status.",
            self.op.key.method_name()
        );
        syn::parse2(quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub enum #name {
                #(#variants)*
            }
        })
        .map_err(|e| e.to_string())
    }
}

impl Part {
    fn setter(&self) -> TokenStream {
        let (field, ty) = (&self.field, &self.ty);
        let mut doc = match &self.kind {
            PartKind::File { .. } => format!(
                "Sets the `{}` file part (bytes or a stream, with a file name).",
                self.api_name
            ),
            PartKind::Text => format!("Sets the `{}` part, sent as `text/plain`.", self.api_name),
            PartKind::Json => format!(
                "Sets the `{}` part, sent as JSON with `Content-Type: application/json`.",
                self.api_name
            ),
        };
        if let Some(description) = &self.description {
            doc.push_str("\n\n");
            doc.push_str(description);
        }
        let message = format!(
            "conversion to `{}` for {} failed",
            ty.to_string().replace(' ', ""),
            self.field
        );
        let assign = if self.required {
            quote! { value.try_into().map_err(|_| #message.to_string()) }
        } else {
            quote! { value.try_into().map(Some).map_err(|_| #message.to_string()) }
        };
        quote! {
            #[doc = #doc]
            pub fn #field<V>(mut self, value: V) -> Self
            where
                V: std::convert::TryInto<#ty>,
            {
                self.#field = #assign;
                self
            }
        }
    }

    fn add_to_form(&self) -> TokenStream {
        let (api, field) = (&self.api_name, &self.field);
        let to_part = match &self.kind {
            PartKind::File {
                content_type: default,
            } => quote! { value.with_default_content_type(#default).into_part() },
            PartKind::Text => quote! { sailpoint_runtime::text_part(&value) },
            PartKind::Json => quote! { sailpoint_runtime::json_part(&value) },
        };
        let add = quote! {
            form = form.part(
                #api,
                #to_part.map_err(|e| Error::InvalidRequest(format!("part {}: {e}", #api)))?,
            );
        };
        if self.required {
            quote! {
                let value = #field.map_err(Error::InvalidRequest)?;
                #add
            }
        } else {
            quote! {
                if let Some(value) = #field.map_err(Error::InvalidRequest)? {
                    #add
                }
            }
        }
    }
}

pub(crate) fn status_variant(status: &str) -> Ident {
    ident(match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritative",
        "204" => "NoContent",
        "206" => "PartialContent",
        other => {
            return format_ident!(
                "Status{}",
                other.replace(|c: char| !c.is_ascii_alphanumeric(), "")
            );
        }
    })
}

/// The request body's contents, in document order.
fn request_contents(op: &Operation) -> &[Content] {
    op.request_body
        .as_ref()
        .map_or(&[], |b| b.contents.as_slice())
}

fn alternatives(op: &Operation) -> Fallible<Vec<(Ident, String, TokenStream)>> {
    request_contents(op)
        .iter()
        .map(|content| {
            let media = &content.media_type;
            if !content.is_json() {
                return Err(format!("alternative body `{media}` is not JSON"));
            }
            let variant = match media.as_str() {
                "application/json" => ident("Json"),
                "application/json-patch+json" => ident("JsonPatch"),
                other => ident(&pascal(other)),
            };
            Ok((
                variant,
                media.clone(),
                schema_type(content.schema.as_ref().unwrap_or(&Value::Null))?,
            ))
        })
        .collect()
}

fn multipart(op: &Operation) -> Fallible<Vec<Part>> {
    let content = request_contents(op)
        .iter()
        .find(|c| c.media_type.starts_with("multipart/form-data"))
        .ok_or("no multipart/form-data body")?;
    let parameter_fields: Vec<String> = op.parameters.iter().map(|p| snake(&p.name)).collect();
    let mut parts = Vec::new();
    for part in &content.parts {
        let (kind, rust) = if part.is_binary() {
            // OpenAPI 3.0: a binary part is `application/octet-stream`
            // unless `encoding` says otherwise; "image/png, image/jpeg"
            // lists the accepted types, and the first is the default.
            let content_type = part
                .content_type
                .as_deref()
                .and_then(|c| c.split(',').next())
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "application/octet-stream".to_string());
            (
                PartKind::File { content_type },
                quote! { sailpoint_runtime::FilePart },
            )
        } else if matches!(
            part.json_type.as_deref(),
            Some("string" | "integer" | "number" | "boolean")
        ) {
            (PartKind::Text, schema_type(&part.schema)?)
        } else {
            (PartKind::Json, schema_type(&part.schema)?)
        };
        let mut field = snake(&part.name);
        // `PUT /brandings/{name}` has a `name` part too.
        if parameter_fields.contains(&field) {
            field.push_str("_part");
        }
        parts.push(Part {
            field: ident(&field),
            required: part.required,
            description: part.description.clone(),
            api_name: part.name.clone(),
            ty: rust,
            kind,
        });
    }
    Ok(parts)
}

fn success(response: &Response) -> Fallible<Success> {
    if response.contents.is_empty() {
        return Ok(Success::Empty);
    }
    match response.json() {
        Some(json) => Ok(Success::Json(schema_type(
            json.schema.as_ref().unwrap_or(&Value::Null),
        )?)),
        None => Ok(Success::Stream),
    }
}
