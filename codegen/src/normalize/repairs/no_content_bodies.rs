//! Upstream defect: a body declared for a response that has none by HTTP
//! (204 No Content, 205, 304; RFC 9110 §15.3.5), as `deleteFormDefinition`'s
//! 204 with `application/json` `Nil`. The client would then try to decode
//! the empty body as JSON and report an error for a successful call.
//!
//! Repair: the response's `content` is removed, so the status decodes as
//! "no content" (and, beside a 200 with a body, as the mixed-success
//! enum's no-content variant).

use serde_json::Value;

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};

pub const PASS: Pass = Pass {
    name: "no_content_bodies",
    kind: Kind::Repair,
    after: &[],
    summary: "Bodies declared for 204, 205 and 304 responses, which have none, are removed.",
    run,
};

fn run(
    doc: &mut Value,
    _: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    for op in operations(doc) {
        for status in ["204", "205", "304"] {
            let pointer = op.pointer.child("responses").child(status);
            let Some(response) = pointer.follow_mut(doc).and_then(Value::as_object_mut) else {
                continue;
            };
            if let Some(content) = response.remove("content") {
                let media: Vec<&str> = content
                    .as_object()
                    .into_iter()
                    .flat_map(|c| c.keys().map(String::as_str))
                    .collect();
                changes.record(
                    pointer.child("content"),
                    format!("removed ({}): a {status} has no body", media.join(", ")),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_content_responses_lose_their_body_and_others_keep_it() {
        let mut doc = json!({"paths": {"/f/{id}": {"delete": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "204": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nil"}}}}
        }}}}});
        let changes = crate::normalize::run_alone(run, &mut doc);
        let responses = doc.pointer("/paths/~1f~1{id}/delete/responses");
        assert_eq!(
            responses,
            Some(&json!({
                "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "204": {"description": "x"}
            }))
        );
        assert_eq!(changes.0.len(), 1);
        assert_eq!(
            changes.0[0].pointer,
            "/paths/~1f~1{id}/delete/responses/204/content"
        );
    }
}
