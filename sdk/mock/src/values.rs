//! Typed values as they travel in a path, a query or a header.

use serde::Serialize;
use serde_json::Value;

/// The strings `value` travels as: one for a scalar (a string as it is, a
/// number or boolean as JSON writes it, an enum as its serde name), one
/// per item for an array, none for `null` (an absent `Option`).
///
/// # Panics
/// On a value that cannot travel in a URL or header (an object, or an
/// array holding one): a mock set up with one could never match, which is a
/// mistake in the test, not in the code under test.
pub fn wire_values<T: Serialize + ?Sized>(value: &T) -> Vec<String> {
    let value = serde_json::to_value(value)
        .unwrap_or_else(|e| panic!("a mocked parameter value does not serialize: {e}"));
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.into_iter().map(scalar).collect(),
        other => vec![scalar(other)],
    }
}

fn scalar(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => panic!(
            "a mocked parameter value must be a scalar or a list of scalars, not {other}: \
             match it with `request_matches` instead"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::wire_values;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum Kind {
        AccessProfile,
    }

    #[test]
    fn scalars_lists_enums_and_absence() {
        assert_eq!(wire_values("a b"), ["a b"]);
        assert_eq!(wire_values(&250_i64), ["250"]);
        assert_eq!(wire_values(&true), ["true"]);
        assert_eq!(wire_values(&Kind::AccessProfile), ["ACCESS_PROFILE"]);
        assert_eq!(wire_values(&vec!["x", "y"]), ["x", "y"]);
        assert!(wire_values(&None::<i64>).is_empty());
    }
}
