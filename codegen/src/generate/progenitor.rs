//! Runs progenitor (and typify under it) on a normalized document, turning
//! its panics into errors that say what it was generating.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind};
use std::sync::Once;

use proc_macro2::TokenStream;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use serde_json::Value;

use crate::error::Error;
use crate::openapi::is_http_method;
use crate::pointer::JsonPointer;

thread_local! {
    /// Whether this thread is inside [`catching_panics`]. Per thread, so that
    /// versions generated in parallel (and parallel tests) do not see each
    /// other's panics.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    /// The message of the last panic captured on this thread.
    static CAPTURED: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL_HOOK: Once = Once::new();

/// Installs, once per process, a panic hook that records panics of capturing
/// threads and hands every other panic to the hook that was there before.
/// Swapping the process-wide hook per call instead races between threads.
fn install_hook() {
    INSTALL_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // `try_with`: a panic while thread-locals are torn down must
            // still be reported, not turned into an abort.
            if CAPTURING.try_with(Cell::get).unwrap_or(false) {
                let message = describe(info);
                let _ = CAPTURED.try_with(|c| *c.borrow_mut() = Some(message));
            } else {
                previous(info);
            }
        }));
    });
}

fn describe(info: &PanicHookInfo<'_>) -> String {
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
    format!("{message}{location}")
}

/// Whether the current thread is inside [`catching_panics`].
pub fn capturing() -> bool {
    CAPTURING.with(Cell::get)
}

/// Runs `f`, converting a panic into `Err(message)` without printing a
/// backtrace to stderr. Safe to call from several threads at once; panics
/// of other threads still reach the previously installed hook.
pub fn catching_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let outer = CAPTURING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(outer));
    let captured = CAPTURED.with(|c| c.borrow_mut().take());
    result.map_err(|_| captured.unwrap_or_else(|| "unknown panic".into()))
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
        // A date-time keeps the offset it was sent with (typify's own
        // choice is `DateTime<Utc>`); typify matches the schema without its
        // description, example and other metadata.
        .with_conversion(
            date_time_schema(),
            super::shape::DATE_TIME,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        // SailPoint's exports, imports and reports can take well over
        // progenitor's default of 15 s.
        .with_timeout(120);
    settings
}

/// `{type: string, format: date-time}` as typify sees it.
fn date_time_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("date-time".to_owned()),
        ..Default::default()
    }
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
    // Deserialized from a borrow: a clone of the whole document first cost
    // time and, while progenitor ran, memory.
    let spec = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(document).map_err(|e| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[test]
    fn concurrent_captures_each_get_their_own_panic() {
        // Many rounds: the old per-call hook swap lost or swapped messages
        // in most of them.
        for round in 0..50 {
            let barrier = Barrier::new(2);
            let results: Vec<Result<(), String>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..2)
                    .map(|i| {
                        let barrier = &barrier;
                        s.spawn(move || {
                            catching_panics(|| {
                                barrier.wait();
                                panic!("thread {i} round {round}");
                            })
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Err("escaped".into())))
                    .collect()
            });
            for (i, result) in results.iter().enumerate() {
                let message = result.as_ref().err().cloned().unwrap_or_default();
                assert!(
                    message.starts_with(&format!("thread {i} round {round} at ")),
                    "thread {i}: {message:?}"
                );
                assert!(message.contains("progenitor.rs"), "{message}");
            }
        }
    }

    #[test]
    fn capture_is_per_thread_and_ends_with_the_call() {
        assert!(!capturing());
        let inside = catching_panics(|| {
            // Another thread running now is not capturing: its panics go to
            // the previous hook, which prints them.
            let other = std::thread::scope(|s| s.spawn(capturing).join().unwrap_or(true));
            (capturing(), other)
        });
        assert_eq!(inside, Ok((true, false)));
        assert!(!capturing());
        // Nested captures restore the outer state.
        let nested = catching_panics(|| {
            let inner = catching_panics(|| panic!("inner"));
            (inner.is_err(), capturing())
        });
        assert_eq!(nested, Ok((true, true)));
        assert!(!capturing());
    }

    #[test]
    fn a_value_is_returned_when_nothing_panics() {
        assert_eq!(catching_panics(|| 7), Ok(7));
    }
}
