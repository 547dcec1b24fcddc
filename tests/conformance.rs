//! Conformance: every example in the three specs decodes into the generated
//! type for its location and re-encodes to the same JSON (key order free,
//! `1` equal to `1.0`). The tables (`generated/conformance_<version>.rs`)
//! are written by `cargo xtask regen` (`codegen::conformance`). Known
//! failures are an insta snapshot per version, so a test fails only when the
//! set changes.
//!
//! Each example also lists the members its schema declares
//! (`codegen::conformance::declared_members`); a decoded example of which
//! one is missing from the typed-only encoding
//! (`sailpoint_runtime::object::typed_only`) kept a declared member only in
//! an `extra` map (a value in the wrong variant, or one its field could
//! not hold): counted, and listed as `in extra`.
//!
//! Such an example is "a valid example" (a model defect) when it decodes
//! strictly and holds no value its schema disallows that the open models
//! accept (`codegen::conformance::unlisted_values`: a value its `enum`
//! does not list, a discriminator value mapping no variant); else "the
//! example contradicts its schema" (the spec's defect).
//!
//! With `SAILPOINT_CONFORMANCE_REPORT=DIR` the tests write each version's
//! figures and failures to `DIR/<version>.json` (`codegen::conformance::Report`)
//! and skip the snapshot: `cargo xtask conformance` runs them that way and
//! reads the files.

use codegen::conformance::{Failure, FailureKind, Report};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What became of one example.
pub enum Outcome {
    RoundTripped,
    /// Decoded, but re-encoded differently: where first, and how.
    Changed(String),
    NotDecoded(String),
}

/// What became of one example, and the declared members (JSON pointers)
/// that only an `extra` map holds once it is decoded.
pub struct Checked {
    pub outcome: Outcome,
    pub in_extra: Vec<String>,
    /// The example decodes strictly (`serde_json` alone, which fails on a
    /// value its field cannot hold). It agrees with its schema if it also
    /// has no unlisted value (see the module docs).
    pub valid: bool,
}

/// The check of one example: its JSON and the members its schema declares.
pub type Check = fn(&str, &[&str]) -> Checked;

pub fn check<T: DeserializeOwned + Serialize>(json: &str, declared: &[&str]) -> Checked {
    let done = |outcome| Checked {
        outcome,
        in_extra: Vec::new(),
        valid: false,
    };
    let original: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return done(Outcome::NotDecoded(format!("table JSON: {e}"))),
    };
    let decoded: T = match sailpoint_runtime::object::from_slice(json.as_bytes()) {
        Ok(t) => t,
        Err(e) => return done(Outcome::NotDecoded(e.to_string())),
    };
    let outcome = match serde_json::to_value(&decoded) {
        Ok(again) => match difference(&original, &again, &mut String::new()) {
            None => Outcome::RoundTripped,
            Some(d) => Outcome::Changed(d),
        },
        Err(e) => Outcome::Changed(format!("does not re-encode: {e}")),
    };
    let typed = sailpoint_runtime::object::typed_only(|| serde_json::to_value(&decoded))
        .unwrap_or(Value::Null);
    let in_extra = declared
        .iter()
        .filter(|pointer| typed.pointer(pointer).is_none())
        .map(|pointer| pointer.to_string())
        .collect();
    let valid = serde_json::from_str::<T>(json).is_ok();
    Checked {
        outcome,
        in_extra,
        valid,
    }
}

/// The first place where `a` and `b` differ, as `pointer: a -> b`.
fn difference(a: &Value, b: &Value, at: &mut String) -> Option<String> {
    let show = |v: Option<&Value>| v.map_or_else(|| "absent".to_string(), short);
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (u, v) = (x.get(key), y.get(key));
                let len = at.len();
                at.push('/');
                at.push_str(key);
                let found = match (u, v) {
                    (Some(u), Some(v)) => difference(u, v, at),
                    _ => Some(format!("{at}: {} -> {}", show(u), show(v))),
                };
                at.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (u, v))| {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                let found = difference(u, v, at);
                at.truncate(len);
                found
            })
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
        (Value::String(x), Value::String(y)) if same_instant(x, y) => None,
        _ if a == b => None,
        _ => Some(format!(
            "{}: {} -> {}",
            if at.is_empty() { "/" } else { at },
            show(Some(a)),
            show(Some(b))
        )),
    }
}

/// Two RFC 3339 date-times of the same instant (`.000Z` and `Z`), unless
/// `SAILPOINT_CONFORMANCE_STRICT_TIMES` is set.
fn same_instant(a: &str, b: &str) -> bool {
    if std::env::var_os("SAILPOINT_CONFORMANCE_STRICT_TIMES").is_some() {
        return false;
    }
    let parse = chrono::DateTime::parse_from_rfc3339;
    matches!((parse(a), parse(b)), (Ok(x), Ok(y)) if x == y)
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}

/// Location, check (or why there is none), JSON, declared members,
/// unlisted values (`codegen::conformance::Example`).
type Table = Vec<(
    &'static str,
    Result<Check, &'static str>,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)>;

fn run(version: &str, table: Table) {
    let mut report = Report {
        version: version.to_string(),
        examples: table.len(),
        decoded: 0,
        round_tripped: 0,
        in_extra: 0,
        in_extra_valid: 0,
        failures: Vec::new(),
    };
    for (location, target, json, declared, unlisted) in table {
        let failure = |kind, reason: String| Failure {
            location: location.to_string(),
            kind,
            reason,
        };
        let checked = target.map(|check| check(json, declared));
        if let Ok(Checked {
            in_extra, valid, ..
        }) = &checked
            && !in_extra.is_empty()
        {
            // An example that agrees with its schema (it decodes strictly,
            // and no open enum or discriminator let a value through that
            // the schema disallows) yet leaves a declared member only in
            // `extra` is a model defect; one that contradicts its schema
            // is the spec's.
            let whose = if *valid && unlisted.is_empty() {
                report.in_extra_valid += 1;
                "a valid example".to_string()
            } else if *valid {
                format!(
                    "the example contradicts its schema: {} not allowed",
                    unlisted.join(", ")
                )
            } else {
                "the example contradicts its schema".to_string()
            };
            report.in_extra += 1;
            report.failures.push(failure(
                FailureKind::InExtra,
                format!(
                    "declared, only in `extra` ({whose}): {}",
                    in_extra.join(", ")
                ),
            ));
        }
        match checked.map(|checked| checked.outcome) {
            Ok(Outcome::RoundTripped) => {
                report.decoded += 1;
                report.round_tripped += 1;
            }
            Ok(Outcome::Changed(why)) => {
                report.decoded += 1;
                report.failures.push(failure(FailureKind::Changed, why));
            }
            Ok(Outcome::NotDecoded(why)) => {
                report.failures.push(failure(FailureKind::NotDecoded, why))
            }
            Err(why) => report
                .failures
                .push(failure(FailureKind::Untyped, why.to_string())),
        }
    }
    if let Some(dir) = std::env::var_os("SAILPOINT_CONFORMANCE_REPORT") {
        let path = std::path::Path::new(&dir).join(format!("{version}.json"));
        let json = serde_json::to_string_pretty(&report).expect("a report serializes");
        std::fs::write(&path, json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    assert!(report.examples > 0, "{version}: no examples collected");

    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{}\n    {}: {}", f.location, f.kind.label(), f.reason))
        .collect();
    insta::assert_snapshot!(
        format!("failures_{version}"),
        format!("{}\n\n{}", report.figures(), failures.join("\n"))
    );
}

mod beta {
    use super::{Check, Table, check};
    include!("generated/conformance_beta.rs");
}
mod v2024 {
    use super::{Check, Table, check};
    include!("generated/conformance_v2024.rs");
}
mod v2025 {
    use super::{Check, Table, check};
    include!("generated/conformance_v2025.rs");
}

#[test]
fn beta_examples() {
    run("beta", beta::examples());
}

#[test]
fn v2024_examples() {
    run("v2024", v2024::examples());
}

#[test]
fn v2025_examples() {
    run("v2025", v2025::examples());
}

#[test]
fn differences_are_found_and_located() {
    let a = serde_json::json!({"a": [1, {"b": null}], "c": 1.0});
    let same = serde_json::json!({"c": 1, "a": [1, {"b": null}]});
    assert_eq!(difference(&a, &same, &mut String::new()), None);
    let missing = serde_json::json!({"a": [1, {}], "c": 1});
    assert_eq!(
        difference(&a, &missing, &mut String::new()).as_deref(),
        Some("/a/1/b: null -> absent")
    );
    let instant = serde_json::json!("2020-07-11T21:23:15.000Z");
    let same = serde_json::json!("2020-07-11T23:23:15+02:00");
    assert_eq!(difference(&instant, &same, &mut String::new()), None);
    assert!(
        difference(
            &instant,
            &serde_json::json!("2020-07-11T21:23:16Z"),
            &mut String::new()
        )
        .is_some()
    );
    assert!(matches!(
        check::<u8>("300", &[]).outcome,
        Outcome::NotDecoded(_)
    ));
    assert!(matches!(
        check::<f64>("1", &[]).outcome,
        Outcome::RoundTripped
    ));
    assert!(matches!(
        check::<Option<u8>>("{}", &[]).outcome,
        Outcome::NotDecoded(_)
    ));
}

/// A declared member a model could not hold is found in `extra`; one it
/// holds is not.
#[test]
fn declared_members_only_in_extra_are_found() {
    use sailpoint_fixture_client::types::TaskStatus;
    let checked = check::<TaskStatus>(
        r#"{"id": "t1", "percentComplete": "half", "retry": true}"#,
        &["/id", "/percentComplete", "/retry"],
    );
    assert!(matches!(checked.outcome, Outcome::RoundTripped));
    assert_eq!(checked.in_extra, ["/percentComplete"]);
}

/// Enum values the spec does not list are kept and sent back unchanged;
/// listed ones stay typed, and `Display`/`FromStr` agree with serde.
mod open_enums {
    use sailpoint_v2025::types::{
        ApplicationDiscoveryResponseCompletionStatus as Status, SourceFeatureItem,
    };
    use serde_json::json;

    #[test]
    fn listed_value_stays_typed_and_another_case_is_kept() {
        let listed: Status = serde_json::from_value(json!("SUCCESS")).expect("decodes");
        assert_eq!(listed, Status::Success);
        assert_eq!(listed.to_string(), "SUCCESS");
        let other: Status = serde_json::from_value(json!("Success")).expect("decodes");
        assert_eq!(other, Status::Unknown("Success".into()));
        assert_eq!(serde_json::to_value(&other).ok(), Some(json!("Success")));
        assert_eq!("Success".parse::<Status>().ok(), Some(other));
    }

    /// `APPLICATION_DISCOVERY`, unknown to older specs, is listed now; a
    /// feature the spec does not list yet is kept.
    #[test]
    fn unknown_source_feature_round_trips() {
        let wire = json!(["AUTHENTICATE", "APPLICATION_DISCOVERY", "AGENT_DISCOVERY"]);
        let features: Vec<SourceFeatureItem> =
            serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(
            features,
            [
                SourceFeatureItem::Authenticate,
                SourceFeatureItem::ApplicationDiscovery,
                SourceFeatureItem::Unknown("AGENT_DISCOVERY".into())
            ]
        );
        assert_eq!(features[2].as_str(), "AGENT_DISCOVERY");
        assert_eq!(serde_json::to_value(&features).ok(), Some(wire));
        assert!(serde_json::from_value::<SourceFeatureItem>(json!(1)).is_err());
    }
}

/// A 204 decodes as "no content", also where the spec declared a JSON body
/// for it (`deleteFormDefinition`, repaired by `no_content_bodies`).
#[tokio::test]
async fn no_content_is_not_decoded_as_json() {
    use sailpoint_v2025::prelude::*;
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let runtime = sailpoint_v2025::Runtime::new()
        .with_bearer_token("test-token-not-a-secret")
        .with_retry_policy(sailpoint_runtime::RetryPolicy::none());
    let client = sailpoint_v2025::Client::new(&server.uri(), runtime);
    let response = client
        .delete_form_definition()
        .form_definition_id("f1")
        .send()
        .await;
    assert!(response.is_ok(), "{response:?}");
    let requests = server.received_requests().await.unwrap_or_default();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["DELETE"]);
}
