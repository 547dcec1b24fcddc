//! Builds, with `quote`, the operations progenitor cannot express (see
//! [`super::split`]): multipart uploads, a choice of request bodies, and
//! success responses of different kinds. The builders look and behave like
//! progenitor's: same name, `new(client)`, one setter per parameter or
//! part, and `send()`, which goes through the client's hooks like every
//! other request. They replace the builders progenitor made for the
//! reduced copies of these operations.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::names::{builder_name, method_name};
use super::split::CustomOperation;
use crate::error::Error;
use crate::openapi::{is_json_media_type, is_success_or_default};

/// Builds the builder struct (and any body or response enum) of `op`.
pub fn generate(op: &CustomOperation, document: &Value) -> Result<TokenStream, Error> {
    Builder::new(op, document)
        .and_then(|b| b.tokens())
        .map_err(|message| Error::Generate {
            culprit: Some(format!(
                "operation `{}` ({} {})",
                op.id,
                op.method.to_uppercase(),
                op.path
            )),
            message,
        })
}

type Fallible<T> = Result<T, String>;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a schema, as progenitor and typify spell it.
fn rust_type(schema: &Value) -> Fallible<TokenStream> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("unsupported $ref {reference}"))?;
        if name == crate::normalize::error_responses::API_ERROR {
            return Ok(quote! { sailpoint_runtime::ApiError });
        }
        let ty = ident(&builder_name(name));
        return Ok(quote! { types::#ty });
    }
    if let Some(Value::Array(all)) = schema.get("allOf")
        && let [only] = all.as_slice()
    {
        return rust_type(only);
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if format == Some("date-time") => {
            Ok(quote! { ::chrono::DateTime<::chrono::offset::Utc> })
        }
        Some("string") => Ok(quote! { ::std::string::String }),
        Some("integer") if format == Some("int32") => Ok(quote! { i32 }),
        Some("integer") => Ok(quote! { i64 }),
        Some("number") => Ok(quote! { f64 }),
        Some("boolean") => Ok(quote! { bool }),
        Some("array") => {
            let items = rust_type(schema.get("items").unwrap_or(&Value::Null))?;
            Ok(quote! { ::std::vec::Vec<#items> })
        }
        Some("object") if schema.get("properties").is_none() => {
            Ok(quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> })
        }
        None if schema.as_object().is_some_and(Map::is_empty) => Ok(quote! { ::serde_json::Value }),
        _ => Err(format!(
            "no named type for schema {schema}; hoist it into a component in normalization"
        )),
    }
}

/// A path, query or header parameter.
struct Param {
    api_name: String,
    field: Ident,
    location: String,
    required: bool,
    ty: TokenStream,
}

/// One part of a multipart body.
struct Part {
    api_name: String,
    field: Ident,
    required: bool,
    kind: PartKind,
    description: Option<String>,
}

enum PartKind {
    /// `format: binary`: bytes or a stream with a file name.
    File { content_type: Option<String> },
    /// A string, number or boolean, sent as text.
    Text(TokenStream),
    /// Anything else, serialized as JSON with its own content type.
    Json(TokenStream),
}

enum Body {
    None,
    /// One JSON body (operations here for their responses).
    Json(TokenStream),
    Multipart(Vec<Part>),
    /// A choice of media types: an enum with one variant each.
    Alternatives(Vec<(Ident, String, TokenStream)>),
}

/// What a success status decodes into.
enum Success {
    Json(TokenStream),
    Stream,
    Empty,
}

struct Builder<'a> {
    op: &'a CustomOperation,
    name: Ident,
    params: Vec<Param>,
    body: Body,
    successes: Vec<(String, Success)>,
    errors: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(op: &'a CustomOperation, document: &'a Value) -> Fallible<Builder<'a>> {
        let params = op
            .operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(param)
            .collect::<Fallible<Vec<_>>>()?;
        let mut body = body(&op.operation, document)?;
        if let Body::Multipart(parts) = &mut body {
            // `PUT /brandings/{name}` has a `name` part too.
            for part in parts.iter_mut() {
                if params.iter().any(|p| p.field == part.field) {
                    part.field = format_ident!("{}_part", part.field);
                }
            }
        }
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        for (status, response) in op
            .operation
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if is_success_or_default(status) {
                successes.push((status.clone(), success(response)?));
            } else {
                errors.push(status.clone());
            }
        }
        Ok(Builder {
            op,
            name: ident(&builder_name(&op.id)),
            params,
            body,
            successes,
            errors,
        })
    }

    fn tokens(&self) -> Fallible<TokenStream> {
        let name = &self.name;
        let (response_type, response_enum) = self.response_type()?;
        let body_enum = self.body_enum();
        let fields = self.fields();
        let inits = self.initializers();
        let setters = self.setters();
        let send = self.send(&response_type)?;
        let method = method_name(&self.op.id);
        let doc = format!(
            "Builder for `{method}`: `{} {}`.\n\nprogenitor cannot express this operation ({}); it is built by the SDK's generator in the same style.",
            self.op.method.to_uppercase(),
            self.op.path,
            self.op
                .reasons
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub struct #name<'a> {
                client: &'a super::Client,
                #(#fields)*
            }

            impl<'a> #name<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self {
                        client,
                        #(#inits)*
                    }
                }

                #(#setters)*

                #send
            }

            #body_enum
            #response_enum
        })
    }

    fn fields(&self) -> Vec<TokenStream> {
        let mut out: Vec<TokenStream> = self
            .params
            .iter()
            .map(|p| {
                let (field, ty) = (&p.field, &p.ty);
                if p.required {
                    quote! { #field: Result<#ty, String>, }
                } else {
                    quote! { #field: Result<Option<#ty>, String>, }
                }
            })
            .collect();
        match &self.body {
            Body::None => {}
            Body::Json(ty) => out.push(quote! { body: Result<#ty, String>, }),
            Body::Alternatives(_) => {
                let ty = self.body_enum_name();
                out.push(quote! { body: Result<#ty, String>, });
            }
            Body::Multipart(parts) => {
                for part in parts {
                    let field = &part.field;
                    let ty = part.value_type();
                    out.push(quote! { #field: Option<#ty>, });
                }
                out.push(quote! { extra_parts: Vec<(String, reqwest::multipart::Part)>, });
            }
        }
        out
    }

    fn initializers(&self) -> Vec<TokenStream> {
        let mut out: Vec<TokenStream> = self
            .params
            .iter()
            .map(|p| {
                let field = &p.field;
                if p.required {
                    let message = format!("{} was not initialized", p.field);
                    quote! { #field: Err(#message.to_string()), }
                } else {
                    quote! { #field: Ok(None), }
                }
            })
            .collect();
        match &self.body {
            Body::None => {}
            Body::Json(_) | Body::Alternatives(_) => {
                out.push(quote! { body: Err("body was not initialized".to_string()), })
            }
            Body::Multipart(parts) => {
                for part in parts {
                    let field = &part.field;
                    out.push(quote! { #field: None, });
                }
                out.push(quote! { extra_parts: Vec::new(), });
            }
        }
        out
    }

    fn setters(&self) -> Vec<TokenStream> {
        let mut out: Vec<TokenStream> = self
            .params
            .iter()
            .map(|p| {
                let (field, ty) = (&p.field, &p.ty);
                let message = format!(
                    "conversion to `{}` for {} failed",
                    ty.to_string().replace(' ', ""),
                    p.field
                );
                let assign = if p.required {
                    quote! { value.try_into().map_err(|_| #message.to_string()) }
                } else {
                    quote! { value.try_into().map(Some).map_err(|_| #message.to_string()) }
                };
                let doc = format!("Sets the `{}` {} parameter.", p.api_name, p.location);
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
            })
            .collect();
        match &self.body {
            Body::None => {}
            Body::Json(ty) => out.push(quote! {
                /// Sets the JSON request body.
                pub fn body<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                    <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
                {
                    self.body = value.try_into().map_err(|e| format!("conversion to body failed: {e}"));
                    self
                }
            }),
            Body::Alternatives(_) => {
                let ty = self.body_enum_name();
                out.push(quote! {
                    /// Sets the request body; each variant is sent with its own `Content-Type`.
                    pub fn body(mut self, value: #ty) -> Self {
                        self.body = Ok(value);
                        self
                    }
                });
            }
            Body::Multipart(parts) => {
                for part in parts {
                    let field = &part.field;
                    let ty = part.value_type();
                    let mut doc = match &part.kind {
                        PartKind::File { .. } => format!("Sets the `{}` file part (bytes or a stream, with a file name).", part.api_name),
                        PartKind::Text(_) => format!("Sets the `{}` text part.", part.api_name),
                        PartKind::Json(_) => format!("Sets the `{}` part, sent as JSON with `Content-Type: application/json`.", part.api_name),
                    };
                    if let Some(description) = &part.description {
                        doc.push_str("\n\n");
                        doc.push_str(description);
                    }
                    out.push(quote! {
                        #[doc = #doc]
                        pub fn #field(mut self, value: #ty) -> Self {
                            self.#field = Some(value);
                            self
                        }
                    });
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
        out
    }

    fn body_enum_name(&self) -> Ident {
        format_ident!("{}Body", self.name)
    }

    fn response_enum_name(&self) -> Ident {
        format_ident!("{}Response", self.name)
    }

    fn body_enum(&self) -> TokenStream {
        let Body::Alternatives(variants) = &self.body else {
            return quote! {};
        };
        let name = self.body_enum_name();
        let defs = variants.iter().map(|(variant, media, ty)| {
            let doc = format!("Sent as `{media}`.");
            quote! { #[doc = #doc] #variant(#ty), }
        });
        let doc = format!(
            "The request body of `{}`: one of the media types it accepts.",
            method_name(&self.op.id)
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub enum #name {
                #(#defs)*
            }
        }
    }

    /// The success type, and the enum that defines it when the operation
    /// has several kinds of success.
    fn response_type(&self) -> Fallible<(TokenStream, TokenStream)> {
        let kinds: std::collections::BTreeSet<String> = self
            .successes
            .iter()
            .map(|(_, s)| match s {
                Success::Json(ty) => ty.to_string(),
                Success::Stream => "stream".into(),
                Success::Empty => "empty".into(),
            })
            .collect();
        if kinds.len() <= 1 {
            let ty = match self.successes.first().map(|(_, s)| s) {
                Some(Success::Json(ty)) => ty.clone(),
                Some(Success::Stream) => quote! { ByteStream },
                Some(Success::Empty) | None => quote! { () },
            };
            return Ok((ty, quote! {}));
        }
        let name = self.response_enum_name();
        let variants = self.successes.iter().map(|(status, success)| {
            let variant = status_variant(status);
            let doc = format!("Status {status}.");
            match success {
                Success::Json(ty) => quote! { #[doc = #doc] #variant(#ty), },
                Success::Stream => quote! { #[doc = #doc] #variant(ByteStream), },
                Success::Empty => quote! { #[doc = #doc] #variant, },
            }
        });
        let doc = format!(
            "What `{}` answers: one variant per success status.",
            method_name(&self.op.id)
        );
        Ok((
            quote! { #name },
            quote! {
                #[doc = #doc]
                #[derive(Debug)]
                pub enum #name {
                    #(#variants)*
                }
            },
        ))
    }

    fn send(&self, response_type: &TokenStream) -> Fallible<TokenStream> {
        let mut fields: Vec<&Ident> = self.params.iter().map(|p| &p.field).collect();
        let body_field = ident("body");
        let extra = ident("extra_parts");
        match &self.body {
            Body::None => {}
            Body::Json(_) | Body::Alternatives(_) => fields.push(&body_field),
            Body::Multipart(parts) => {
                fields.extend(parts.iter().map(|p| &p.field));
                fields.push(&extra);
            }
        }
        let unwrap_params = self.params.iter().map(|p| {
            let field = &p.field;
            quote! { let #field = #field.map_err(Error::InvalidRequest)?; }
        });
        let url = self.url()?;
        let method = ident(&self.op.method);
        let queries = self
            .params
            .iter()
            .filter(|p| p.location == "query")
            .map(|p| {
                let (api, field) = (&p.api_name, &p.field);
                quote! { .query(&progenitor_client::QueryParam::new(#api, &#field)) }
            });
        let headers = self
            .params
            .iter()
            .filter(|p| p.location == "header")
            .map(|p| {
                let (api, field) = (&p.api_name, &p.field);
                let insert = quote! {
                    let value = ::reqwest::header::HeaderValue::try_from(value.to_string())
                        .map_err(|e| Error::InvalidRequest(format!("header {}: {e}", #api)))?;
                    header_map.append(#api, value);
                };
                if p.required {
                    quote! { let value = &#field; #insert }
                } else {
                    quote! { if let Some(value) = &#field { #insert } }
                }
            });
        let (prepare_body, attach_body) = self.body_code();
        let operation_id = method_name(&self.op.id);
        let accept = match self
            .successes
            .iter()
            .any(|(_, s)| matches!(s, Success::Json(_)))
        {
            true => quote! {
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
            },
            false => quote! {},
        };
        let arms = self.response_arms();
        let doc = format!(
            "Sends a `{}` request to `{}`",
            self.op.method.to_uppercase(),
            self.op.path
        );
        Ok(quote! {
            #[doc = #doc]
            pub async fn send(self) -> Result<ResponseValue<#response_type>, Error<sailpoint_runtime::ApiError>> {
                let Self { client, #(#fields),* } = self;
                #(#unwrap_params)*
                #prepare_body
                let url = #url;
                let mut header_map = ::reqwest::header::HeaderMap::new();
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                #(#headers)*
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .#method(url)
                    #accept
                    #attach_body
                    #(#queries)*
                    .headers(header_map)
                    .build()?;
                let info = OperationInfo { operation_id: #operation_id };
                client.pre(&mut request, &info).await?;
                let result = client.exec(request, &info).await;
                client.post(&result, &info).await?;
                let response = result?;
                match response.status().as_u16() {
                    #(#arms)*
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        })
    }

    /// `format!("{}/path/{}", client.baseurl, encode_path(&id.to_string()))`
    fn url(&self) -> Fallible<TokenStream> {
        let mut template = String::from("{}");
        let mut args = Vec::new();
        let mut rest = self.op.path.as_str();
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}').ok_or("unclosed `{` in path")? + start;
            template.push_str(&rest[..start]);
            template.push_str("{}");
            let name = &rest[start + 1..end];
            let param = self
                .params
                .iter()
                .find(|p| p.location == "path" && p.api_name == name)
                .ok_or_else(|| format!("path placeholder `{name}` has no parameter"))?;
            let field = &param.field;
            args.push(quote! { encode_path(&#field.to_string()) });
            rest = &rest[end + 1..];
        }
        template.push_str(rest);
        Ok(quote! { format!(#template, client.baseurl, #(#args),*) })
    }

    /// Code run before the request is built, and the request-builder calls
    /// that attach the body.
    fn body_code(&self) -> (TokenStream, TokenStream) {
        match &self.body {
            Body::None => (quote! {}, quote! {}),
            Body::Json(_) => (
                quote! { let body = body.map_err(Error::InvalidRequest)?; },
                quote! { .json(&body) },
            ),
            Body::Alternatives(variants) => {
                let enum_name = self.body_enum_name();
                let arms = variants.iter().map(|(variant, media, _)| {
                    quote! {
                        #enum_name::#variant(value) => (
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
                let adds = parts.iter().map(|part| {
                    let (api, field) = (&part.api_name, &part.field);
                    let to_part = match &part.kind {
                        PartKind::File { content_type: Some(default) } => quote! {
                            value.with_default_content_type(#default).into_part().map_err(|e| Error::InvalidRequest(format!("part {}: {e}", #api)))?
                        },
                        PartKind::File { content_type: None } => quote! {
                            value.into_part().map_err(|e| Error::InvalidRequest(format!("part {}: {e}", #api)))?
                        },
                        PartKind::Text(_) => quote! { reqwest::multipart::Part::text(value.to_string()) },
                        PartKind::Json(_) => quote! {
                            reqwest::multipart::Part::text(
                                ::serde_json::to_string(&value).map_err(|e| Error::InvalidRequest(format!("part {}: {e}", #api)))?,
                            )
                            .mime_str("application/json")
                            .map_err(|e| Error::InvalidRequest(format!("part {}: {e}", #api)))?
                        },
                    };
                    let missing = format!("{api} was not initialized");
                    let absent = if part.required {
                        quote! { None => return Err(Error::InvalidRequest(#missing.to_string())), }
                    } else {
                        quote! { None => {} }
                    };
                    quote! {
                        match #field {
                            Some(value) => form = form.part(#api, #to_part),
                            #absent
                        }
                    }
                });
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

    fn response_arms(&self) -> Vec<TokenStream> {
        let several =
            self.successes.len() > 1 && !self.response_type().is_ok_and(|(_, e)| e.is_empty());
        let enum_name = self.response_enum_name();
        let mut arms: Vec<TokenStream> = self
            .successes
            .iter()
            .map(|(status, success)| {
                let pattern = status_pattern(status);
                let variant = status_variant(status);
                let decode = match (success, several) {
                    (Success::Json(_), false) => quote! { ResponseValue::from_response(response).await },
                    (Success::Stream, false) => quote! { Ok(ResponseValue::stream(response)) },
                    (Success::Empty, false) => quote! { Ok(ResponseValue::empty(response)) },
                    (Success::Json(ty), true) => quote! { ResponseValue::<#ty>::from_response(response).await?.map(#enum_name::#variant) },
                    (Success::Stream, true) => quote! { ResponseValue::stream(response).map(#enum_name::#variant) },
                    (Success::Empty, true) => quote! { ResponseValue::empty(response).map(|()| #enum_name::#variant) },
                };
                quote! { #pattern => { #decode } }
            })
            .collect();
        arms.extend(self.errors.iter().map(|status| {
            let pattern = status_pattern(status);
            quote! { #pattern => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)), }
        }));
        arms
    }
}

impl Part {
    fn value_type(&self) -> TokenStream {
        match &self.kind {
            PartKind::File { .. } => quote! { sailpoint_runtime::FilePart },
            PartKind::Text(ty) | PartKind::Json(ty) => ty.clone(),
        }
    }
}

fn status_pattern(status: &str) -> TokenStream {
    match status.parse::<u16>() {
        Ok(code) => quote! { #code },
        Err(_) if status == "default" => quote! { _ },
        Err(_) => {
            let hundreds = status
                .chars()
                .next()
                .and_then(|c| c.to_digit(10))
                .unwrap_or(5) as u16
                * 100;
            let last = hundreds + 99;
            quote! { #hundreds..=#last }
        }
    }
}

fn status_variant(status: &str) -> Ident {
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

fn param(p: &Value) -> Fallible<Param> {
    let api_name = p
        .get("name")
        .and_then(Value::as_str)
        .ok_or("parameter without a name")?
        .to_string();
    let location = p
        .get("in")
        .and_then(Value::as_str)
        .ok_or("parameter without `in`")?
        .to_string();
    let schema = p
        .get("schema")
        .ok_or_else(|| format!("parameter `{api_name}` has no schema"))?;
    Ok(Param {
        field: ident(&method_name(&api_name)),
        required: p.get("required") == Some(&Value::Bool(true)) || location == "path",
        ty: rust_type(schema)?,
        api_name,
        location,
    })
}

fn resolve<'d>(schema: &'d Value, document: &'d Value) -> &'d Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => document.pointer(pointer).unwrap_or(schema),
        None => schema,
    }
}

fn body(operation: &Map<String, Value>, document: &Value) -> Fallible<Body> {
    let Some(content) = operation
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
    else {
        return Ok(Body::None);
    };
    if let Some((_, media)) = content
        .iter()
        .find(|(k, _)| k.starts_with("multipart/form-data"))
    {
        return multipart(media, document).map(Body::Multipart);
    }
    if content.len() > 1 {
        let variants = content
            .iter()
            .map(|(media, m)| {
                if !is_json_media_type(media) {
                    return Err(format!("alternative body `{media}` is not JSON"));
                }
                let variant = match media.as_str() {
                    "application/json" => ident("Json"),
                    "application/json-patch+json" => ident("JsonPatch"),
                    other => ident(&builder_name(other)),
                };
                Ok((
                    variant,
                    media.clone(),
                    rust_type(m.get("schema").unwrap_or(&Value::Null))?,
                ))
            })
            .collect::<Fallible<Vec<_>>>()?;
        return Ok(Body::Alternatives(variants));
    }
    match content.iter().next() {
        Some((media, m)) if is_json_media_type(media) => Ok(Body::Json(rust_type(
            m.get("schema").unwrap_or(&Value::Null),
        )?)),
        Some((media, _)) => Err(format!("request body `{media}` is not supported here")),
        None => Ok(Body::None),
    }
}

fn multipart(media: &Value, document: &Value) -> Fallible<Vec<Part>> {
    let schema = resolve(media.get("schema").unwrap_or(&Value::Null), document);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let encoding = media.get("encoding");
    let mut parts = Vec::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let resolved = resolve(property, document);
        let ty = resolved.get("type").and_then(Value::as_str);
        let kind = if ty == Some("string")
            && resolved.get("format").and_then(Value::as_str) == Some("binary")
        {
            let content_type = encoding
                .and_then(|e| e.pointer(&format!("/{name}/contentType")))
                .and_then(Value::as_str)
                // "image/png, image/jpeg" lists the accepted types; the first is the default.
                .and_then(|c| c.split(',').next())
                .map(|c| c.trim().to_string());
            PartKind::File { content_type }
        } else if matches!(ty, Some("string" | "integer" | "number" | "boolean"))
            && property.get("$ref").is_none()
        {
            PartKind::Text(rust_type(resolved)?)
        } else {
            PartKind::Json(rust_type(property)?)
        };
        parts.push(Part {
            field: ident(&method_name(name)),
            required: required.contains(&name.as_str()),
            description: resolved
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            api_name: name.clone(),
            kind,
        });
    }
    Ok(parts)
}

fn success(response: &Value) -> Fallible<Success> {
    let Some(content) = response
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return Ok(Success::Empty);
    };
    match content.iter().find(|(k, _)| is_json_media_type(k)) {
        Some((_, media)) => Ok(Success::Json(rust_type(
            media.get("schema").unwrap_or(&Value::Null),
        )?)),
        None => Ok(Success::Stream),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::split::split;
    use serde_json::json;

    fn op_with(operation: Value) -> (CustomOperation, Value) {
        let document = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things/{id}/upload": {"post": operation}},
            "components": {"schemas": {
                "Options": {"type": "object", "properties": {"dryRun": {"type": "boolean"}}},
                "Thing": {"type": "object"}
            }}
        });
        let mut custom = split(&document).custom;
        assert_eq!(custom.len(), 1, "the operation should be custom");
        (custom.remove(0), document)
    }

    fn generated(operation: Value) -> String {
        let (op, document) = op_with(operation);
        let tokens = generate(&op, &document).expect("generates");
        let file: syn::File = syn::parse2(tokens).expect("parses");
        prettyplease::unparse(&file)
    }

    #[test]
    fn multipart_parts_are_typed_and_json_parts_carry_their_content_type() {
        let code = generated(json!({
            "operationId": "importThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["data"], "properties": {
                    "data": {"type": "string", "format": "binary"},
                    "options": {"$ref": "#/components/schemas/Options"},
                    "name": {"type": "string"}
                }},
                "encoding": {"data": {"contentType": "application/json"}}
            }}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
        }));
        assert!(code.contains("pub struct ImportThing<'a>"), "{code}");
        assert!(
            code.contains("pub fn data(mut self, value: sailpoint_runtime::FilePart)"),
            "{code}"
        );
        assert!(
            code.contains("pub fn options(mut self, value: types::Options)"),
            "{code}"
        );
        assert!(code.contains(".mime_str(\"application/json\")"), "{code}");
        assert!(
            code.contains("with_default_content_type(\"application/json\")"),
            "{code}"
        );
        assert!(code.contains("\"data was not initialized\""), "{code}");
        assert!(code.contains(".multipart(form)"), "{code}");
        assert!(code.contains("operation_id: \"import_thing\""), "{code}");
        assert!(code.contains("ResponseValue<types::Thing>"), "{code}");
    }

    #[test]
    fn mixed_success_responses_become_an_enum() {
        let code = generated(json!({
            "operationId": "getThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}},
                "204": {"description": "none"},
                "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}
            }
        }));
        assert!(code.contains("pub enum GetThingResponse"), "{code}");
        assert!(code.contains("Ok(::std::vec::Vec<types::Thing>)"), "{code}");
        assert!(code.contains("NoContent,"), "{code}");
        assert!(
            code.contains(
                "Result<ResponseValue<GetThingResponse>, Error<sailpoint_runtime::ApiError>>"
            ),
            "{code}"
        );
        assert!(code.contains("400u16 => {\n"), "{code}");
        assert!(
            code.contains("Error::ErrorResponse(ResponseValue::from_response(response).await?)"),
            "{code}"
        );
    }

    #[test]
    fn alternative_bodies_set_their_own_content_type() {
        let code = generated(json!({
            "operationId": "updateThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
                "application/json-patch+json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Options"}}}
            }},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
        }));
        assert!(code.contains("pub enum UpdateThingBody"), "{code}");
        assert!(
            code.contains("JsonPatch(::std::vec::Vec<types::Options>)"),
            "{code}"
        );
        assert!(code.contains("\"application/json-patch+json\""), "{code}");
        assert!(code.contains("::reqwest::header::CONTENT_TYPE"), "{code}");
    }

    #[test]
    fn unsupported_inline_schemas_are_errors_naming_the_operation() {
        // Built directly: `split` would have hoisted the inline schema.
        let operation = json!({
            "operationId": "odd",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
                "204": {"description": "none"}
            }
        });
        let op = CustomOperation {
            id: "odd".into(),
            method: "get".into(),
            path: "/odd".into(),
            operation: operation.as_object().cloned().unwrap_or_default(),
            reasons: [crate::generate::split::CustomReason::MixedSuccessResponses].into(),
        };
        let err = generate(&op, &json!({})).expect_err("an error").to_string();
        assert!(err.contains("operation `odd`"), "{err}");
        assert!(err.contains("hoist"), "{err}");
    }

    #[test]
    fn split_hoists_inline_response_schemas_into_components() {
        let document = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {"/odd": {"get": {"operationId": "odd", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
                "204": {"description": "none"}
            }}}},
            "components": {"schemas": {}}
        });
        let split = split(&document);
        let schema =
            &split.custom[0].operation["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema,
            &json!({"$ref": "#/components/schemas/OddResponse200"})
        );
        assert!(
            split
                .progenitor_document
                .pointer("/components/schemas/OddResponse200/properties/a")
                .is_some()
        );
        let code = prettyplease::unparse(
            &syn::parse2(generate(&split.custom[0], &document).expect("generates"))
                .expect("parses"),
        );
        assert!(code.contains("Ok(types::OddResponse200)"), "{code}");
    }
}
