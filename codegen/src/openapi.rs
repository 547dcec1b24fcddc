//! What OpenAPI 3.0 itself says, stated once for every stage: the HTTP
//! methods of a path item, which media types are JSON, what a response
//! status key means, and the operations of a document.

use serde_json::Value;

use crate::pointer::JsonPointer;

/// The keys of a path item that are operations (OpenAPI 3.0 §4.7.9).
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether `key` of a path item is an operation.
pub fn is_http_method(key: &str) -> bool {
    HTTP_METHODS.contains(&key)
}

/// Whether a media type carries JSON: `application/json`, or any structured
/// syntax suffix `+json` (RFC 6839: `application/json-patch+json`,
/// `application/scim+json`). Parameters (`; charset=utf-8`) are ignored and
/// the comparison is case-insensitive, as media types are (RFC 2045 §5.1).
/// `application/jsonl` and `text/json` are not JSON by this rule.
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    !kind.is_empty() && (essence == "application/json" || subtype.ends_with("+json"))
}

/// What a key of an operation's `responses` stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusClass {
    /// 1XX.
    Informational,
    /// 2XX.
    Success,
    /// 3XX.
    Redirection,
    /// 4XX.
    ClientError,
    /// 5XX.
    ServerError,
    /// `default`: every status the other keys do not name.
    Default,
}

impl StatusClass {
    /// The class of a `responses` key: a status code (`200`), a range
    /// (`2XX`, or `2xx` as some specs write it), or `default`. `None` for
    /// anything else, which OpenAPI does not allow.
    pub fn of(key: &str) -> Option<StatusClass> {
        if key == "default" {
            return Some(StatusClass::Default);
        }
        let bytes = key.as_bytes();
        let [first, rest @ ..] = bytes else {
            return None;
        };
        let is_code = rest.len() == 2 && rest.iter().all(u8::is_ascii_digit);
        let is_range = rest.eq_ignore_ascii_case(b"xx");
        if !is_code && !is_range {
            return None;
        }
        match first {
            b'1' => Some(StatusClass::Informational),
            b'2' => Some(StatusClass::Success),
            b'3' => Some(StatusClass::Redirection),
            b'4' => Some(StatusClass::ClientError),
            b'5' => Some(StatusClass::ServerError),
            _ => None,
        }
    }
}

/// Whether a `responses` key can describe a successful response: a 2XX
/// status, or `default`. `default` counts because progenitor takes the
/// success type from it too (`is_success_or_default`); an operation whose
/// only response is `default` still returns something.
pub fn is_success_or_default(key: &str) -> bool {
    matches!(
        StatusClass::of(key),
        Some(StatusClass::Success | StatusClass::Default)
    )
}

/// Whether a `responses` key is an error status, 4XX or 5XX. `default` is
/// not: what it means is up to the other keys.
pub fn is_error_status(key: &str) -> bool {
    matches!(
        StatusClass::of(key),
        Some(StatusClass::ClientError | StatusClass::ServerError)
    )
}

/// An operation of the document: its path, method, and pointer.
#[derive(Clone, Debug)]
pub struct OperationRef {
    pub path: String,
    pub method: String,
    pub pointer: JsonPointer,
}

impl OperationRef {
    /// The pointer of the path item that holds the operation.
    pub fn path_item_pointer(&self) -> JsonPointer {
        JsonPointer::from_segments(["paths", &self.path])
    }

    /// The operation's id; passes after `missing_operation_ids` may rely on it.
    pub fn id<'d>(&self, doc: &'d Value) -> Option<&'d str> {
        self.pointer.follow(doc)?.get("operationId")?.as_str()
    }
}

/// Every operation under `paths`, in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in item.keys().filter(|key| is_http_method(key)) {
            out.push(OperationRef {
                path: path.clone(),
                method: method.clone(),
                pointer: JsonPointer::from_segments(["paths", path, method]),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn path_item_keys_that_are_operations() {
        assert!(is_http_method("get"));
        assert!(is_http_method("trace"));
        assert!(!is_http_method("parameters"));
        assert!(!is_http_method("GET"));
        assert!(!is_http_method("x-get"));
    }

    #[test]
    fn json_media_types_by_essence_and_suffix() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/json-patch+json",
            "application/scim+json;charset=utf-8",
            "application/vnd.api+JSON",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in [
            "application/jsonl",
            "application/json-seq",
            "text/json",
            "text/plain",
            "multipart/form-data",
            "+json",
            "/x+json",
            "",
        ] {
            assert!(!is_json_media_type(other), "{other}");
        }
    }

    #[test]
    fn status_keys_by_class() {
        assert_eq!(StatusClass::of("200"), Some(StatusClass::Success));
        assert_eq!(StatusClass::of("204"), Some(StatusClass::Success));
        assert_eq!(StatusClass::of("2XX"), Some(StatusClass::Success));
        assert_eq!(StatusClass::of("2xx"), Some(StatusClass::Success));
        assert_eq!(StatusClass::of("101"), Some(StatusClass::Informational));
        assert_eq!(StatusClass::of("302"), Some(StatusClass::Redirection));
        assert_eq!(StatusClass::of("404"), Some(StatusClass::ClientError));
        assert_eq!(StatusClass::of("5XX"), Some(StatusClass::ServerError));
        assert_eq!(StatusClass::of("default"), Some(StatusClass::Default));
        for bad in ["", "2", "20", "2000", "2x", "600", "6XX", "Default", "2X0"] {
            assert_eq!(StatusClass::of(bad), None, "{bad}");
        }
    }

    #[test]
    fn success_includes_default_and_errors_do_not() {
        assert!(is_success_or_default("200"));
        assert!(is_success_or_default("2XX"));
        assert!(is_success_or_default("default"));
        assert!(!is_success_or_default("302"));
        assert!(!is_success_or_default("400"));
        assert!(is_error_status("400"));
        assert!(is_error_status("5xx"));
        assert!(!is_error_status("default"));
        assert!(!is_error_status("200"));
    }

    #[test]
    fn operations_in_document_order_with_escaped_pointers() {
        let doc = json!({"paths": {
            "/things/{id}": {"parameters": [], "get": {}, "x-get": {}, "delete": {}},
            "/b": {"post": {"operationId": "makeB"}},
        }});
        let ops = operations(&doc);
        let found: Vec<_> = ops
            .iter()
            .map(|op| (op.method.as_str(), op.pointer.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("get", "/paths/~1things~1{id}/get"),
                ("delete", "/paths/~1things~1{id}/delete"),
                ("post", "/paths/~1b/post"),
            ]
        );
        assert_eq!(ops[0].path_item_pointer().as_str(), "/paths/~1things~1{id}");
        assert_eq!(ops[2].id(&doc), Some("makeB"));
        assert_eq!(ops[0].id(&doc), None);
        assert!(operations(&json!({})).is_empty());
    }
}
