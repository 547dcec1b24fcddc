//! The Rust names progenitor and typify give to OpenAPI names, so that code
//! generated beside their output (the fixed-header table, the parts of
//! operations progenitor cannot express) names the same items.
//!
//! progenitor's `sanitize` is private, so it is restated here, rule for
//! rule (progenitor-impl 0.15 `util::sanitize`, which typify 0.8 shares for
//! type names). `generate::check_names` compares the result with the
//! names found in progenitor's output on every generation, and a test does
//! the same on awkward operation ids, so a drift fails loudly.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// The snake-case Rust name of an OpenAPI name (methods, fields, setters).
pub fn snake(name: &str) -> String {
    sanitize(name, |s| s.to_snake_case())
}

/// The Pascal-case Rust name of an OpenAPI name (builders, types).
pub fn pascal(name: &str) -> String {
    sanitize(name, |s| s.to_pascal_case())
}

/// An operation, by its spec `operationId`, carried from split to render so
/// that every stage derives progenitor's names for it the same way.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationKey(String);

impl OperationKey {
    pub fn new(operation_id: impl Into<String>) -> OperationKey {
        OperationKey(operation_id.into())
    }

    /// The spec's `operationId`.
    pub fn operation_id(&self) -> &str {
        &self.0
    }

    /// The client method, which is also `OperationInfo::operation_id` in the
    /// generated code.
    pub fn method_name(&self) -> String {
        snake(&self.0)
    }

    /// The builder struct in `builder::`.
    pub fn builder_name(&self) -> String {
        pascal(&self.0)
    }
}

impl std::fmt::Display for OperationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitor_rules() {
        let key = OperationKey::new("getSource");
        assert_eq!(key.method_name(), "get_source");
        assert_eq!(key.builder_name(), "GetSource");
        assert_eq!(snake("type"), "type_");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(snake("+1"), "plus1");
        assert_eq!(snake("-1"), "minus1");
        assert_eq!(snake("9lives"), "_9lives");
        assert_eq!(pascal("put-it.v2"), "PutItV2");
    }
}
