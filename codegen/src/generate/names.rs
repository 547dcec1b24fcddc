//! The Rust names progenitor gives an operation, so that code we generate
//! beside its output (header tables, custom builders) names the same items.
//! Mirrors `progenitor_impl::util::sanitize`.

use heck::{ToPascalCase, ToSnakeCase};

fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let cleaned = input
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-");
    let out = to_case(&cleaned);
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("_{out}"),
    };
    if syn::parse_str::<syn::Ident>(&out).is_ok() {
        out
    } else {
        format!("{out}_")
    }
}

/// The client method (and `OperationInfo::operation_id`) of an operation.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, |s| s.to_snake_case())
}

/// The builder struct of an operation.
pub fn builder_name(operation_id: &str) -> String {
    sanitize(operation_id, |s| s.to_pascal_case())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_match_progenitor() {
        assert_eq!(super::method_name("getSource"), "get_source");
        assert_eq!(super::builder_name("importSpConfig"), "ImportSpConfig");
        assert_eq!(super::method_name("type"), "type_");
    }
}
