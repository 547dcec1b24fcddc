//! Runs progenitor (and typify under it) on a normalized document, turning
//! its panics into errors that say what it was generating.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::error::Error;
use crate::openapi::is_http_method;
use crate::pointer::JsonPointer;

/// The last panic message seen by [`catching_panics`], with its location.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs `f`, converting a panic into `Err(message)` without printing a
/// backtrace to stderr.
pub fn catching_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "(non-string panic payload)".into()),
        };
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message}{location}"));
        }
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|_| {
        LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut l| l.take())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

/// Builder style with one extension trait per tag; every request goes
/// through `sailpoint_runtime::Runtime` (the client's inner value) by the
/// hooks in [`super::hooks`]; every error response decodes into the
/// runtime's one `ApiError`, shared by all versions.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_inner_type(quote::quote! { sailpoint_runtime::Runtime })
        .with_hooks(HooksMode::Expected)
        .with_replacement(
            crate::normalize::error_responses::API_ERROR,
            "sailpoint_runtime::ApiError",
            std::iter::empty(),
        )
        // SailPoint's exports, imports and reports can take well over
        // progenitor's default of 15 s.
        .with_timeout(120);
    settings
}

/// Generates the client for a whole document. If progenitor panics, the
/// error names the operation (or schema) that makes it panic, found by
/// bisection.
pub fn generate(document: &Value) -> Result<TokenStream, Error> {
    match run(document) {
        Ok(tokens) => Ok(tokens),
        Err(Failure::Error(message)) => Err(Error::Generate {
            culprit: None,
            message: format!("progenitor: {message}"),
        }),
        Err(Failure::Panic(message)) => Err(Error::Generate {
            culprit: narrow_down(document),
            message: format!("progenitor panicked: {message}"),
        }),
    }
}

enum Failure {
    Error(String),
    Panic(String),
}

fn run(document: &Value) -> Result<TokenStream, Failure> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(document.clone()).map_err(|e| {
        Failure::Error(format!(
            "the normalized document is not valid OpenAPI 3.0: {e}"
        ))
    })?;
    let mut generator = Generator::new(&settings());
    match catching_panics(|| generator.generate_tokens(&spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Failure::Error(e.to_string())),
        Err(panic) => Err(Failure::Panic(panic)),
    }
}

/// A copy of `document` with only the given operations (`(path, method)`).
fn with_operations(document: &Value, keep: &[(String, String)]) -> Value {
    let mut doc = document.clone();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            if let Value::Object(item) = item {
                item.retain(|method, _| {
                    !is_http_method(method) || keep.iter().any(|(p, m)| p == path && m == method)
                });
            }
        }
    }
    doc
}

/// Bisects the operations, then the schemas, to find one whose generation
/// panics on its own. Returns a description of it.
fn narrow_down(document: &Value) -> Option<String> {
    let panics = |doc: &Value| matches!(run(doc), Err(Failure::Panic(_)));
    let all: Vec<(String, String)> = crate::normalize::operations(document)
        .into_iter()
        .map(|op| (op.path, op.method))
        .collect();
    if !panics(&with_operations(document, &[])) {
        let mut suspects = all;
        while suspects.len() > 1 {
            let (left, right) = suspects.split_at(suspects.len() / 2);
            suspects = if panics(&with_operations(document, left)) {
                left.to_vec()
            } else if panics(&with_operations(document, right)) {
                right.to_vec()
            } else {
                // Only a combination panics; report the whole range.
                return Some(format!(
                    "one of {} operations (no single one panics alone)",
                    suspects.len()
                ));
            };
        }
        return suspects.first().map(|(path, method)| {
            let id = JsonPointer::from_segments(["paths", path, method, "operationId"])
                .follow(document)
                .and_then(Value::as_str)
                .unwrap_or("?");
            format!("operation `{id}` ({} {path})", method.to_uppercase())
        });
    }
    // The schemas alone panic: bisect the components.
    let empty = with_operations(document, &[]);
    let names: Vec<String> = empty
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let with_schemas = |keep: &[String]| {
        let mut doc = empty.clone();
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            schemas.retain(|name, _| keep.contains(name));
        }
        doc
    };
    let mut suspects = names;
    while suspects.len() > 1 {
        let (left, right) = suspects.split_at(suspects.len() / 2);
        suspects = if panics(&with_schemas(left)) {
            left.to_vec()
        } else if panics(&with_schemas(right)) {
            right.to_vec()
        } else {
            return Some(format!(
                "one of {} schemas (no single one panics alone)",
                suspects.len()
            ));
        };
    }
    suspects
        .first()
        .map(|name| format!("schema `#/components/schemas/{name}`"))
}
