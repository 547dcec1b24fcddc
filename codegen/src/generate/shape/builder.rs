//! Views to extend one of progenitor's builders: its struct, `new`, setters
//! and the statements of its `send`. progenitor writes each builder as
//!
//! ```text
//! #[derive(Debug, Clone)]
//! pub struct Name<'a> { client: &'a super::Client, field: Result<T, String>, .. }
//! impl<'a> Name<'a> {
//!     pub fn new(client: &'a super::Client) -> Self { Self { client: client, field: .., .. } }
//!     pub fn field<V>(mut self, value: V) -> Self where V: TryInto<T> { .. }
//!     pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {
//!         let Self { client, field, .. } = self;
//!         let field = field.map_err(Error::InvalidRequest)?;
//!         let url = format!(..);
//!         ..
//!         let mut request = client.client.post(url).header(..).query(..).build()?;
//!         ..
//!         match response.status().as_u16() { 200u16 => .., _ => .. }
//!     }
//! }
//! ```
//!
//! and every view here fails with a message saying which of these shapes
//! it did not find; the caller adds the operation's name.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::{
    Arm, Expr, ExprMatch, ImplItem, ImplItemFn, Item, ItemImpl, ItemStruct, Pat, Stmt, Type,
    WherePredicate,
};

use super::{first_generic_of_path, is_success_arm, method, self_type_name, status_match_mut};

type Fallible<T> = Result<T, String>;

/// A builder's struct and inherent `impl`, to add fields and methods to.
pub struct BuilderMut<'i> {
    structure: &'i mut ItemStruct,
    implementation: &'i mut ItemImpl,
}

/// The builder `name` in the `builder` module: its struct and its inherent
/// `impl`.
pub fn extend<'i>(items: &'i mut [Item], name: &str) -> Fallible<BuilderMut<'i>> {
    let mut structure = None;
    let mut implementation = None;
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) if s.ident == name => structure = Some(s),
            Item::Impl(i) if i.trait_.is_none() && self_type_name(i).as_deref() == Some(name) => {
                implementation = Some(i)
            }
            _ => {}
        }
    }
    Ok(BuilderMut {
        structure: structure.ok_or_else(|| format!("progenitor generated no builder `{name}`"))?,
        implementation: implementation
            .ok_or_else(|| format!("progenitor generated no `impl {name}`"))?,
    })
}

fn method_mut<'i>(implementation: &'i mut ItemImpl, name: &str) -> Fallible<&'i mut ImplItemFn> {
    implementation
        .items
        .iter_mut()
        .find_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor's builder has no `{name}`"))
}

impl BuilderMut<'_> {
    /// Adds the field `name: ty` to the struct, initialized to `initial` in
    /// `new`, and destructured with the others in `send`.
    pub fn add_field(
        &mut self,
        name: &TokenStream,
        ty: &TokenStream,
        initial: &TokenStream,
    ) -> Fallible<()> {
        let syn::Fields::Named(named) = &mut self.structure.fields else {
            return Err("progenitor's builder has no named fields".into());
        };
        named.named.push(
            syn::Field::parse_named
                .parse2(quote! { #name: #ty })
                .map_err(|e| e.to_string())?,
        );

        let new = method_mut(self.implementation, "new")?;
        let Some(Stmt::Expr(Expr::Struct(init), _)) = new.block.stmts.last_mut() else {
            return Err("progenitor's `new` does not end in `Self { .. }`".into());
        };
        init.fields
            .push(syn::parse2(quote! { #name: #initial }).map_err(|e| e.to_string())?);

        let send = method_mut(self.implementation, "send")?;
        let destructure = send
            .block
            .stmts
            .iter_mut()
            .find_map(|stmt| match stmt {
                Stmt::Local(local) => match &mut local.pat {
                    Pat::Struct(pat) if pat.path.is_ident("Self") => Some(pat),
                    _ => None,
                },
                _ => None,
            })
            .ok_or("progenitor's `send` does not destructure `Self`")?;
        let Pat::Struct(single) = Pat::parse_single
            .parse2(quote! { Self { #name } })
            .map_err(|e| e.to_string())?
        else {
            return Err("a field pattern does not parse".into());
        };
        destructure.fields.extend(single.fields);
        Ok(())
    }

    /// Derives `Debug` only: for fields that cannot be cloned (files,
    /// streams).
    pub fn derive_debug_only(&mut self) -> Fallible<()> {
        let mut found = false;
        for attr in &mut self.structure.attrs {
            if attr.path().is_ident("derive") {
                *attr = syn::parse_quote!(#[derive(Debug)]);
                found = true;
            }
        }
        if found {
            Ok(())
        } else {
            Err("progenitor's builder has no `#[derive(..)]`".into())
        }
    }

    /// Adds methods before `send`, after progenitor's setters.
    pub fn add_setters(&mut self, methods: Vec<ImplItem>) -> Fallible<()> {
        let at = self
            .implementation
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
            .ok_or("progenitor's builder has no `send`")?;
        self.implementation.items.splice(at..at, methods);
        Ok(())
    }

    /// The builder's `send`, to change.
    pub fn send(&mut self) -> Fallible<SendMut<'_>> {
        method_mut(self.implementation, "send").map(SendMut)
    }
}

/// The statements of a `send` (or a copy of it), to change.
pub struct SendMut<'s>(pub &'s mut ImplItemFn);

impl SendMut<'_> {
    fn local_position(&self, name: &str) -> Fallible<usize> {
        self.0
            .block
            .stmts
            .iter()
            .position(|stmt| match stmt {
                Stmt::Local(local) => matches!(&local.pat, Pat::Ident(p) if p.ident == name),
                _ => false,
            })
            .ok_or_else(|| format!("progenitor's `{}` builds no `{name}`", self.0.sig.ident))
    }

    /// Inserts statements before `let url = ...`, after the builder's
    /// fields are checked: where a body is prepared.
    pub fn insert_before_url(&mut self, statements: TokenStream) -> Fallible<()> {
        let url = self.local_position("url")?;
        let statements: Vec<Stmt> = syn::Block::parse_within
            .parse2(statements)
            .map_err(|e| e.to_string())?;
        self.0.block.stmts.splice(url..url, statements);
        Ok(())
    }

    /// Appends calls (`.header(..).body(..)`) to the request chain of
    /// `let request = client.client.post(url)...build()?`, before `build()`.
    pub fn extend_request_chain(&mut self, calls: TokenStream) -> Fallible<()> {
        let request = self.local_position("request")?;
        let Stmt::Local(local) = &mut self.0.block.stmts[request] else {
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
        if build.method != "build" {
            return Err("`let request` is not `...build()?`".into());
        }
        let chain = &build.receiver;
        *build.receiver = syn::parse2(quote! { #chain #calls }).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Inserts statements right after `let request = ...build()?`, where
    /// the built request's headers can still change.
    pub fn insert_after_request(&mut self, statements: TokenStream) -> Fallible<()> {
        let request = self.local_position("request")?;
        let statements: Vec<Stmt> = syn::Block::parse_within
            .parse2(statements)
            .map_err(|e| e.to_string())?;
        self.0
            .block
            .stmts
            .splice(request + 1..request + 1, statements);
        Ok(())
    }

    /// The status `match` the `send` ends in.
    pub fn status_match(&mut self) -> Fallible<&mut ExprMatch> {
        status_match_mut(self.0)
    }

    /// The arms of the status `match` for 2xx statuses; none is an error.
    pub fn success_arms(&mut self) -> Fallible<Vec<&mut Arm>> {
        let arms: Vec<&mut Arm> = self
            .status_match()?
            .arms
            .iter_mut()
            .filter(|arm| is_success_arm(arm))
            .collect();
        if arms.is_empty() {
            return Err("`send` has no success arm".into());
        }
        Ok(arms)
    }

    /// Replaces the success arms of the status `match` by `arms`, which
    /// come first.
    pub fn replace_success_arms(&mut self, arms: Vec<Arm>) -> Fallible<()> {
        let status_match = self.status_match()?;
        status_match.arms.retain(|arm| !is_success_arm(arm));
        status_match.arms.splice(0..0, arms);
        Ok(())
    }
}

/// A status-match arm in progenitor's spelling: `200u16 => ...` for a
/// status, `200u16..=299u16 => ...` for a class (`2XX`), `_ => ...` for
/// `default`.
pub fn status_arm(status: &str, body: TokenStream) -> Fallible<Arm> {
    let pattern = match status.parse::<u16>() {
        Ok(code) => quote! { #code },
        Err(_) if status == "default" => quote! { _ },
        Err(_) => {
            let hundreds = status
                .chars()
                .next()
                .and_then(|c| c.to_digit(10))
                .and_then(|d| u16::try_from(d * 100).ok())
                .ok_or_else(|| format!("`{status}` is no status"))?;
            let last = hundreds + 99;
            quote! { #hundreds..=#last }
        }
    };
    syn::parse2(quote! { #pattern => { #body } }).map_err(|e| e.to_string())
}

/// Adds `lines` before `    .send()` in the usage example progenitor
/// writes into the docs of the tag-trait method `method` (in `client`, the
/// tag traits); a method found in no trait, or without the example, is an
/// error.
pub fn add_to_usage_example(client: &mut [Item], method: &str, lines: &str) -> Fallible<()> {
    const SEND: &str = "    .send()";
    let mut completed = 0;
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
                    && text.value().contains(SEND)
                {
                    let example = text.value().replacen(SEND, &format!("{lines}{SEND}"), 1);
                    *text = syn::LitStr::new(&example, text.span());
                    completed += 1;
                }
            }
        }
    }
    if completed == 0 {
        return Err(format!(
            "no tag-trait method `{method}` has progenitor's usage example ending in `.send()`"
        ));
    }
    Ok(())
}

/// `T` of the setter `name`'s `V: TryInto<T>` bound: the type the field
/// is set to (a body's type, `types::builder::X` for a struct).
pub fn setter_type(implementation: &ItemImpl, name: &str) -> Option<Type> {
    method(implementation, name)?
        .sig
        .generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .filter_map(|p| match p {
            WherePredicate::Type(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| t.bounds.iter())
        .find_map(|bound| match bound {
            syn::TypeParamBound::Trait(bound) => first_generic_of_path(&bound.path, "TryInto"),
            _ => None,
        })
}
