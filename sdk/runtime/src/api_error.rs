use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The body of any error response from the SailPoint APIs.
///
/// Most errors use SailPoint's `ErrorResponseDto` (`detailCode`, `trackingId`,
/// `messages`, `causes`), but 401 bodies are `{"error": "..."}` and 429
/// bodies are `{"message": "..."}`, so all of those fields are optional, any
/// of them may be `null`, and fields this type does not know are kept in
/// [`other`](Self::other).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Fine-grained error code, e.g. `400.1 Bad Request Content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_code: Option<String>,
    /// Identifier SailPoint support can use to find the request in its logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_id: Option<String>,
    /// Human-readable descriptions of the error, possibly one per locale.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub messages: Vec<ErrorMessage>,
    /// Descriptions of underlying errors that led to this one.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub causes: Vec<ErrorMessage>,
    /// The `error` field of 401 Unauthorized bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The `message` field of 429 Too Many Requests bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the runtime recorded about the response: attempts made, status,
    /// content type and, when the server's body was not a SailPoint error
    /// object, a bounded excerpt of it. Not part of the body: the runtime
    /// carries it in the response's extensions and
    /// [`decode_error`](crate::decode_error) sets it here; `None` for a
    /// response that did not pass through
    /// [`Runtime::execute`](crate::Runtime::execute). Never read from or
    /// written to JSON.
    #[serde(skip)]
    pub runtime: Option<ResponseInfo>,
    /// Any other fields of the body, kept as received.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// Facts [`Runtime::execute`](crate::Runtime::execute) records on every error
/// response, as a response extension
/// (`response.extensions().get::<ResponseInfo>()`), and in
/// [`ApiError::runtime`] once decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseInfo {
    /// How many times the request was sent, the first included.
    pub attempts: u32,
    /// The HTTP status of the last attempt.
    pub status: u16,
    /// The `Content-Type` the server sent (at most 256 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Set when the server's body was not a SailPoint error object (HTML,
    /// plain text, truncated or too large) and was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<RawBody>,
}

/// The start of an error body that could not be decoded as an [`ApiError`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawBody {
    /// Why it was replaced: `not JSON`, `empty`, `too large to keep`, ...
    pub reason: String,
    /// At most 4 KiB of the body as text, cut on a character boundary.
    pub excerpt: String,
    /// Whether the body was longer than `excerpt`.
    pub truncated: bool,
    /// How many bytes of the body were read (reading stops at 64 KiB).
    pub bytes_read: u64,
    /// The `Content-Length` the server announced, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_length: Option<u64>,
}

/// One localized message of an [`ApiError`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorMessage {
    /// The locale of `text`, e.g. `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// How the locale was chosen, e.g. `DEFAULT` or `REQUEST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale_origin: Option<String>,
    /// The message itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl ApiError {
    /// The most useful human-readable description the body offers: the first
    /// message text, else the first cause text, else `error`, else `message`.
    pub fn headline(&self) -> Option<&str> {
        fn first_text(list: &[ErrorMessage]) -> Option<&str> {
            list.iter()
                .filter_map(|m| m.text.as_deref())
                .find(|t| !t.trim().is_empty())
        }
        first_text(&self.messages)
            .or_else(|| first_text(&self.causes))
            .or(self.error.as_deref())
            .or(self.message.as_deref())
    }

    /// One line for humans; the same text as `Display`.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.headline(), &self.runtime) {
            (Some(headline), _) => f.write_str(headline)?,
            (
                None,
                Some(ResponseInfo {
                    status,
                    content_type,
                    raw_body: Some(raw),
                    ..
                }),
            ) => {
                write!(f, "HTTP {status} response")?;
                if let Some(content_type) = content_type {
                    write!(f, " ({content_type})")?;
                }
                write!(f, " whose body is {}", raw.reason)?;
                let snippet: String = raw.excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
                let short: String = snippet.chars().take(200).collect();
                if !short.is_empty() {
                    let more = if short.len() < snippet.len() || raw.truncated {
                        "…"
                    } else {
                        ""
                    };
                    write!(f, ": {short}{more}")?;
                }
            }
            (None, _) => f.write_str("unspecified API error")?,
        }
        let details: Vec<String> = [
            self.detail_code
                .as_ref()
                .map(|c| format!("detail code: {c}")),
            self.tracking_id
                .as_ref()
                .map(|t| format!("tracking id: {t}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn decode(body: serde_json::Value) -> ApiError {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn decodes_error_response_dto() {
        let error = decode(json!({
            "detailCode": "400.1 Bad Request Content",
            "trackingId": "e7eab60924f64aa284175b9fa3309599",
            "messages": [
                {"locale": "en-US", "localeOrigin": "DEFAULT", "text": "The request was syntactically correct but its content is semantically invalid."}
            ],
            "causes": [
                {"locale": "en-US", "localeOrigin": "DEFAULT", "text": "The value of 'name' is too long."}
            ]
        }));
        assert_eq!(
            error.detail_code.as_deref(),
            Some("400.1 Bad Request Content")
        );
        assert_eq!(
            error.tracking_id.as_deref(),
            Some("e7eab60924f64aa284175b9fa3309599")
        );
        assert_eq!(
            error.messages,
            [ErrorMessage {
                locale: Some("en-US".into()),
                locale_origin: Some("DEFAULT".into()),
                text: Some(
                    "The request was syntactically correct but its content is semantically invalid."
                        .into()
                ),
            }]
        );
        assert_eq!(
            error.causes[0].text.as_deref(),
            Some("The value of 'name' is too long.")
        );
        assert!(error.other.is_empty());
    }

    #[test]
    fn decodes_unauthorized_body() {
        let error = decode(json!({"error": "JWT validation failed: JWT is expired"}));
        assert_eq!(
            error.error.as_deref(),
            Some("JWT validation failed: JWT is expired")
        );
        assert!(error.messages.is_empty());
        assert_eq!(error.to_string(), "JWT validation failed: JWT is expired");
    }

    #[test]
    fn decodes_rate_limit_body() {
        let error = decode(json!({"message": "Rate Limit Exceeded"}));
        assert_eq!(error.message.as_deref(), Some("Rate Limit Exceeded"));
        assert_eq!(error.to_string(), "Rate Limit Exceeded");
    }

    #[test]
    fn tolerates_nulls_everywhere() {
        let error = decode(json!({
            "detailCode": null,
            "trackingId": null,
            "messages": null,
            "causes": null,
            "error": null,
            "message": null
        }));
        assert_eq!(error, ApiError::default());

        let error = decode(json!({
            "messages": [{"locale": null, "localeOrigin": null, "text": null}]
        }));
        assert_eq!(error.messages, [ErrorMessage::default()]);
        assert_eq!(error.to_string(), "unspecified API error");
    }

    #[test]
    fn keeps_unknown_fields_and_round_trips() {
        let body = json!({
            "detailCode": "404 Not found",
            "status": 404,
            "path": "/v3/sources/x"
        });
        let error = decode(body.clone());
        assert_eq!(error.other["status"], json!(404));
        assert_eq!(error.other["path"], json!("/v3/sources/x"));
        assert!(!error.other.contains_key("detailCode"));
        assert_eq!(serde_json::to_value(&error).unwrap(), body);
    }

    #[test]
    fn display_prefers_message_text_and_adds_codes() {
        let error = decode(json!({
            "detailCode": "400.1 Bad Request Content",
            "trackingId": "abc123",
            "messages": [
                {"locale": "en-US", "text": " "},
                {"locale": "en-US", "text": "Name is required."}
            ],
            "error": "ignored when messages exist"
        }));
        assert_eq!(
            error.to_string(),
            "Name is required. (detail code: 400.1 Bad Request Content, tracking id: abc123)"
        );
        assert_eq!(error.summary(), error.to_string());

        let only_tracking = decode(json!({"message": "Rate Limit Exceeded", "trackingId": "t1"}));
        assert_eq!(
            only_tracking.to_string(),
            "Rate Limit Exceeded (tracking id: t1)"
        );
    }

    #[test]
    fn display_falls_back_to_causes() {
        let error = decode(json!({"causes": [{"text": "Underlying failure"}]}));
        assert_eq!(error.to_string(), "Underlying failure");
    }
}
