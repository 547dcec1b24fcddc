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
use serde_json::{Map, Value};
use syn::parse::Parser;
use syn::{Expr, ImplItem, ImplItemFn, Item, ItemImpl, ItemStruct, Pat, Stmt};

use super::shape::{self, is_success_arm};
use super::split::{CustomOperation, CustomReason};
use crate::error::Error;
use crate::names::{pascal, snake};
use crate::openapi::{is_json_media_type, is_success_or_default};

type Fallible<T> = Result<T, String>;

/// Adds to progenitor's builder of `op` (in `builder`) what progenitor could
/// not generate, the body and response enums it needs to `types`, and the
/// body's setters to the usage example in the docs (in `client`).
pub fn complete_builder(
    builder: &mut [Item],
    types: &mut Vec<Item>,
    client: &mut [Item],
    op: &CustomOperation,
    document: &Value,
) -> Result<(), Error> {
    let culprit = || {
        format!(
            "operation `{}` ({} {})",
            op.key,
            op.method.to_uppercase(),
            op.path
        )
    };
    let extension = Extension::new(op, document).map_err(|message| Error::Generate {
        culprit: Some(culprit()),
        message,
    })?;
    extension
        .apply(builder, types)
        .map_err(|message| Error::Generate {
            culprit: Some(culprit()),
            message,
        })?;
    complete_usage_docs(client, &extension);
    Ok(())
}

/// Adds the setters of the body to the usage example progenitor wrote,
/// from the reduced copy, into the operation's docs (in `client`, the
/// tag traits).
fn complete_usage_docs(client: &mut [Item], extension: &Extension) {
    let setters: Vec<String> = match &extension.body {
        Body::Progenitor => return,
        Body::Alternatives(_) => vec!["body".into()],
        Body::Multipart(parts) => parts.iter().map(|p| p.field.to_string()).collect(),
    };
    let method = extension.op.key.method_name();
    let added: String = setters.iter().map(|s| format!("    .{s}({s})\n")).collect();
    for item in client.iter_mut() {
        let Item::Trait(tag) = item else { continue };
        for member in &mut tag.items {
            let syn::TraitItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident != method {
                continue;
            }
            for attr in &mut f.attrs {
                if let syn::Meta::NameValue(doc) = &mut attr.meta
                    && doc.path.is_ident("doc")
                    && let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) = &mut doc.value
                    && text.value().contains("    .send()")
                {
                    let completed =
                        text.value()
                            .replacen("    .send()", &format!("{added}    .send()"), 1);
                    *text = syn::LitStr::new(&completed, text.span());
                }
            }
        }
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type typify gives a schema: components by their sanitized name
/// in `types::`, scalars by typify's format rules. Inline objects and enums
/// have no name here; `split` hoists them into components first.
fn rust_type(schema: &Value) -> Fallible<TokenStream> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("unsupported $ref {reference}"))?;
        if name == crate::normalize::error_responses::API_ERROR {
            return Ok(quote! { sailpoint_runtime::ApiError });
        }
        // `crate::` so that the same path serves in `builder` and `types`.
        let ty = ident(&pascal(name));
        return Ok(quote! { crate::types::#ty });
    }
    if let Some(Value::Array(all)) = schema.get("allOf")
        && let [only] = all.as_slice()
    {
        return rust_type(only);
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if schema.get("enum").is_some() => Err(format!(
            "inline string enum {schema} has no named type; hoist it into a component"
        )),
        Some("string") => Ok(match format {
            Some("date-time") => quote! { ::chrono::DateTime<::chrono::offset::Utc> },
            Some("date") => quote! { ::chrono::naive::NaiveDate },
            Some("uuid") => quote! { ::uuid::Uuid },
            _ => quote! { ::std::string::String },
        }),
        Some("integer") => Ok(match format {
            Some("int32") => quote! { i32 },
            _ => quote! { i64 },
        }),
        Some("number") => Ok(match format {
            Some("float") => quote! { f32 },
            _ => quote! { f64 },
        }),
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
    op: &'a CustomOperation,
    builder: Ident,
    body: Body,
    /// Every success status, when they are of different kinds.
    mixed_successes: Option<Vec<(String, Success)>>,
}

impl<'a> Extension<'a> {
    fn new(op: &'a CustomOperation, document: &Value) -> Fallible<Extension<'a>> {
        let body = if op.reasons.contains(&CustomReason::Multipart) {
            Body::Multipart(multipart(&op.operation, document)?)
        } else if op.reasons.contains(&CustomReason::AlternativeBodies) {
            Body::Alternatives(alternatives(&op.operation)?)
        } else {
            Body::Progenitor
        };
        let mixed_successes = if op.reasons.contains(&CustomReason::MixedSuccessResponses) {
            let mut successes = Vec::new();
            for (status, response) in op
                .operation
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(status, _)| is_success_or_default(status))
            {
                successes.push((status.clone(), success(response)?));
            }
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
        let type_names: Vec<String> = types.iter().filter_map(item_name).collect();
        self.check_types_exist(&type_names)?;
        let mut new_types = Vec::new();
        if matches!(self.body, Body::Alternatives(_)) {
            new_types.push(self.body_enum_item()?);
        }
        if self.mixed_successes.is_some() {
            new_types.push(self.response_enum_item()?);
        }
        for item in &new_types {
            if let Some(name) = item_name(item)
                && type_names.contains(&name)
            {
                return Err(format!(
                    "the generated type `types::{name}` would collide with a type of the spec"
                ));
            }
        }
        types.extend(new_types);

        let name = self.builder.to_string();
        let structure = find_struct(builder, &name)
            .ok_or_else(|| format!("progenitor generated no builder `{name}`"))?;
        self.extend_struct(structure)?;
        let implementation = find_impl(builder, &name)
            .ok_or_else(|| format!("progenitor generated no `impl {name}`"))?;
        self.extend_impl(implementation)
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

    fn extend_struct(&self, structure: &mut ItemStruct) -> Fallible<()> {
        let syn::Fields::Named(named) = &mut structure.fields else {
            return Err("progenitor's builder has no named fields".into());
        };
        for (field, ty, _) in self.fields() {
            let field = syn::Field::parse_named
                .parse2(quote! { #field: #ty })
                .map_err(|e| e.to_string())?;
            named.named.push(field);
        }
        if matches!(self.body, Body::Multipart(_)) {
            // File parts and streams cannot be cloned.
            for attr in &mut structure.attrs {
                if attr.path().is_ident("derive") {
                    *attr = syn::parse_quote!(#[derive(Debug)]);
                }
            }
        }
        Ok(())
    }

    fn extend_impl(&self, implementation: &mut ItemImpl) -> Fallible<()> {
        let fields = self.fields();
        let new = find_fn(implementation, "new").ok_or("progenitor's builder has no `new`")?;
        let Some(Stmt::Expr(Expr::Struct(init), _)) = new.block.stmts.last_mut() else {
            return Err("progenitor's `new` does not end in `Self { .. }`".into());
        };
        for (field, _, value) in &fields {
            init.fields
                .push(syn::parse2(quote! { #field: #value }).map_err(|e| e.to_string())?);
        }

        let send = find_fn(implementation, "send").ok_or("progenitor's builder has no `send`")?;
        self.extend_send(send, &fields)?;

        let setters = self.setters()?;
        let at = implementation
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
            .unwrap_or(implementation.items.len());
        implementation.items.splice(at..at, setters);
        Ok(())
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

    /// Threads the added fields through progenitor's `send`: destructured
    /// with the others, turned into a body before the URL is built, and
    /// attached to the request; then decodes every success status.
    fn extend_send(
        &self,
        send: &mut ImplItemFn,
        fields: &[(Ident, TokenStream, TokenStream)],
    ) -> Fallible<()> {
        let stmts = &mut send.block.stmts;
        let destructure = stmts
            .iter_mut()
            .find_map(|stmt| match stmt {
                Stmt::Local(local) => match &mut local.pat {
                    Pat::Struct(pat) if pat.path.is_ident("Self") => Some(pat),
                    _ => None,
                },
                _ => None,
            })
            .ok_or("progenitor's `send` does not destructure `Self`")?;
        for (field, _, _) in fields {
            let Pat::Struct(single) = Pat::parse_single
                .parse2(quote! { Self { #field } })
                .map_err(|e| e.to_string())?
            else {
                return Err("a field pattern does not parse".into());
            };
            destructure.fields.extend(single.fields);
        }

        let (prepare, attach) = self.body_code();
        let url = local_position(stmts, "url").ok_or("progenitor's `send` builds no `url`")?;
        let prepare: Vec<Stmt> = syn::Block::parse_within
            .parse2(prepare)
            .map_err(|e| e.to_string())?;
        stmts.splice(url..url, prepare);

        let request =
            local_position(stmts, "request").ok_or("progenitor's `send` builds no `request`")?;
        let Stmt::Local(local) = &mut stmts[request] else {
            return Err("`request` is not a `let`".into());
        };
        let init = local
            .init
            .as_mut()
            .ok_or("`let request` has no initializer")?;
        let Expr::Try(built) = &mut *init.expr else {
            return Err("`let request` is not `...build()?`".into());
        };
        let Expr::MethodCall(build) = &mut *built.expr else {
            return Err("`let request` is not `...build()?`".into());
        };
        let chain = build.receiver.clone();
        *build.receiver = syn::parse2(quote! { #chain #attach }).map_err(|e| e.to_string())?;

        if let Some(successes) = &self.mixed_successes {
            let name = self.response_enum();
            send.sig.output = syn::parse2(quote! {
                -> Result<ResponseValue<types::#name>, Error<sailpoint_runtime::ApiError>>
            })
            .map_err(|e| e.to_string())?;
            let status_match = shape::status_match_mut(send)?;
            status_match.arms.retain(|arm| !is_success_arm(arm));
            let arms = successes
                .iter()
                .map(|(status, success)| self.success_arm(status, success))
                .collect::<Fallible<Vec<_>>>()?;
            status_match.arms.splice(0..0, arms);
        }
        Ok(())
    }

    fn success_arm(&self, status: &str, success: &Success) -> Fallible<syn::Arm> {
        let pattern = status_pattern(status);
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
        syn::parse2(quote! { #pattern => { #decode } }).map_err(|e| e.to_string())
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

fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn find_struct<'i>(items: &'i mut [Item], name: &str) -> Option<&'i mut ItemStruct> {
    items.iter_mut().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

fn find_impl<'i>(items: &'i mut [Item], name: &str) -> Option<&'i mut ItemImpl> {
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

fn find_fn<'i>(implementation: &'i mut ItemImpl, name: &str) -> Option<&'i mut ImplItemFn> {
    implementation.items.iter_mut().find_map(|item| match item {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// The index of `let name = ...` or `let mut name = ...`.
fn local_position(stmts: &[Stmt], name: &str) -> Option<usize> {
    stmts.iter().position(|stmt| match stmt {
        Stmt::Local(local) => matches!(&local.pat, Pat::Ident(p) if p.ident == name),
        _ => false,
    })
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

fn request_content(operation: &Map<String, Value>) -> Option<&Map<String, Value>> {
    operation
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
}

fn alternatives(operation: &Map<String, Value>) -> Fallible<Vec<(Ident, String, TokenStream)>> {
    request_content(operation)
        .into_iter()
        .flatten()
        .map(|(media, m)| {
            if !is_json_media_type(media) {
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
                rust_type(m.get("schema").unwrap_or(&Value::Null))?,
            ))
        })
        .collect()
}

fn multipart(operation: &Map<String, Value>, document: &Value) -> Fallible<Vec<Part>> {
    let Some((_, media)) = request_content(operation)
        .into_iter()
        .flatten()
        .find(|(k, _)| k.starts_with("multipart/form-data"))
    else {
        return Err("no multipart/form-data body".into());
    };
    let schema = resolve(media.get("schema").unwrap_or(&Value::Null), document);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let encoding = media.get("encoding");
    let parameter_fields: Vec<String> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(snake))
        .collect();
    let mut parts = Vec::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let resolved = resolve(property, document);
        let ty = resolved.get("type").and_then(Value::as_str);
        let (kind, rust) = if ty == Some("string")
            && resolved.get("format").and_then(Value::as_str) == Some("binary")
        {
            // OpenAPI 3.0: a binary part is `application/octet-stream`
            // unless `encoding` says otherwise; "image/png, image/jpeg"
            // lists the accepted types, and the first is the default.
            let content_type = encoding
                .and_then(|e| e.pointer(&format!("/{name}/contentType")))
                .and_then(Value::as_str)
                .and_then(|c| c.split(',').next())
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "application/octet-stream".to_string());
            (
                PartKind::File { content_type },
                quote! { sailpoint_runtime::FilePart },
            )
        } else if matches!(ty, Some("string" | "integer" | "number" | "boolean")) {
            (PartKind::Text, rust_type(property)?)
        } else {
            (PartKind::Json, rust_type(property)?)
        };
        let mut field = snake(name);
        // `PUT /brandings/{name}` has a `name` part too.
        if parameter_fields.contains(&field) {
            field.push_str("_part");
        }
        parts.push(Part {
            field: ident(&field),
            required: required.contains(&name.as_str()),
            description: resolved
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            api_name: name.clone(),
            ty: rust,
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
