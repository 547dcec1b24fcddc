//! Upstream design: error responses have different schemas per status: 401
//! is `{error}`, 429 is `{message}`, the rest `ErrorResponseDto`
//! (`detailCode`, `trackingId`, `messages`, `causes`), and some have no body
//! schema at all. progenitor asserts that all error responses of an
//! operation share one type.
//!
//! Repair: every 4xx/5xx response is described by one `ApiError` schema
//! holding the fields of all of them, so every error decodes into one type
//! that keeps what the server said. The status and headers (`Retry-After`)
//! travel beside it in the response value. The report names the schema each
//! response had.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};
use crate::openapi::is_error_status;

pub const PASS: Pass = Pass {
    name: "error_responses",
    kind: Kind::Plumbing,
    after: &["optional_collections"],
    summary: "All 4xx/5xx responses are described by one `ApiError` schema that unites ErrorResponseDto, the 401 `error` and the 429 `message` bodies.",
    run,
};

pub const API_ERROR: &str = "ApiError";

fn api_error_schema() -> Value {
    let message = json!({
        "type": "object",
        "properties": {
            "locale": {"type": "string", "nullable": true, "description": "The locale of the message text."},
            "localeOrigin": {"type": "string", "nullable": true, "description": "Where the locale came from: `DEFAULT` or `REQUEST`."},
            "text": {"type": "string", "description": "The message."}
        }
    });
    json!({
        "description": "Any error the API returns: the fields of `ErrorResponseDto`, of 401 responses (`error`) and of 429 responses (`message`). Fields a response does not carry are empty.",
        "type": "object",
        "properties": {
            "detailCode": {"type": "string", "description": "Fine-grained error code, e.g. `400.1 Bad Request Content`."},
            "trackingId": {"type": "string", "description": "Identifier to quote to SailPoint support."},
            "messages": {"type": "array", "items": message.clone(), "description": "Messages in the available locales."},
            "causes": {"type": "array", "items": message, "description": "Underlying causes."},
            "error": {"type": "string", "description": "The reason of a 401 response."},
            "message": {"type": "string", "description": "The reason of a 429 response."}
        }
    })
}

/// Says what a response described before, for the report.
fn described(response: &Value) -> String {
    let Some(Value::Object(content)) = response.get("content") else {
        return "no body".to_string();
    };
    let mut parts: Vec<String> = content
        .iter()
        .map(|(media, mt)| {
            let schema = match mt.pointer("/schema/$ref").and_then(Value::as_str) {
                Some(r) => format!("`{}`", r.rsplit('/').next().unwrap_or(r)),
                None if mt.get("schema").is_some() => "an inline schema".to_string(),
                None => "no schema".to_string(),
            };
            format!("{schema} as {media}")
        })
        .collect();
    parts.sort();
    parts.join(", ")
}

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| PassError::new("/components/schemas", "no schema components"))?;
    if schemas.contains_key(API_ERROR) {
        return Err(PassError::new(
            format!("/components/schemas/{API_ERROR}"),
            "upstream now has a schema of this name; rename the synthesized one",
        ));
    }
    schemas.insert(API_ERROR.to_string(), api_error_schema());
    changes.record(
        format!("/components/schemas/{API_ERROR}"),
        "added: the one error type".to_string(),
    );

    let unified = json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{API_ERROR}")}}});
    for op in operations(doc) {
        let pointer = op.pointer.child("responses");
        let Some(Value::Object(responses)) = pointer.follow_mut(doc) else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if !is_error_status(status) {
                continue;
            }
            let before = described(response);
            if let Value::Object(response) = response {
                response.insert("content".into(), unified.clone());
            }
            changes.record(
                pointer.child(status).child("content"),
                format!("was {before}"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    #[test]
    fn error_responses_share_api_error_and_success_ones_stay() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"operationId": "a", "responses": {
                "200": {"content": {"application/json": {"schema": {"type": "string"}}}},
                "401": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unauthorized"}}}},
                "500": {"description": "oops"}}}}},
            "components": {"schemas": {"Unauthorized": {"type": "object"}}}});
        let result = apply(run, &mut doc, &PassContext::default());
        let reasons: Vec<String> = result
            .map(|(changes, _)| changes.into_iter().map(|c| c.reason).collect())
            .unwrap_or_default();
        let unified =
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}});
        let responses = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(responses["401"]["content"], unified);
        assert_eq!(responses["500"]["content"], unified);
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            json!({"type": "string"})
        );
        assert!(
            doc.pointer("/components/schemas/ApiError/properties/trackingId")
                .is_some()
        );
        assert_eq!(
            reasons,
            [
                "added: the one error type",
                "was `Unauthorized` as application/json",
                "was no body"
            ]
        );
        // An upstream `ApiError` would be silently replaced: an error instead.
        let error = apply(run, &mut doc, &PassContext::default()).err();
        assert!(error.is_some_and(|e| e.message.contains("rename the synthesized one")));
    }
}
