//! Upstream defect (v2024 and v2025, `putConnectorTranslations`): the
//! `multipart/form-data` request body is a bare `type: object`, with no
//! properties. The generated builder then has no setter for it and sends an
//! empty form, which the API rejects. SailPoint's API reference and its
//! sibling operations (`putConnectorSourceConfig`, `putConnectorSourceTemplate`,
//! `putConnectorCorrelationConfig`) take the file as a required part named
//! `file`.
//!
//! Repair: the body of each listed operation gets a required binary `file`
//! part. Fails loudly when a listed operation of v2024 or v2025 has a
//! multipart body that is no longer bare (upstream fixed it: remove it from
//! [`TARGETS`]), and when any other multipart body is bare (its part names
//! must be looked up in the API reference before it can be given one). A
//! document without the operation (an extract, a test spec) is left alone.

use serde_json::{Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan, operations};
use crate::versions::ApiVersion;

pub const PASS: Pass = Pass {
    name: "multipart_file_parts",
    kind: Kind::Patch,
    after: &["missing_operation_ids"],
    summary: "Multipart bodies that are a bare `type: object` (`putConnectorTranslations`) get the required `file` part the API expects.",
    run,
};

/// `(operation id, versions where upstream has the defect, description of
/// the file part)`. Other documents (the fixture spec) are repaired where
/// they carry a listed operation, but not required to.
pub const TARGETS: &[(&str, &[ApiVersion], &str)] = &[(
    "putConnectorTranslations",
    &[ApiVersion::V2024, ApiVersion::V2025],
    "connector translations file (a Java properties file)",
)];

/// The versions whose vendored spec has one of the [`TARGETS`].
pub const VERSIONS: &[ApiVersion] = &[ApiVersion::V2024, ApiVersion::V2025];

fn run(
    doc: &mut Value,
    context: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    for op in operations(doc) {
        let schema_pointer = op
            .pointer
            .child("requestBody")
            .child("content")
            .child("multipart/form-data")
            .child("schema");
        let Some(schema) = schema_pointer.follow(doc) else {
            continue;
        };
        let id = op.id(doc).unwrap_or_default().to_owned();
        let target = TARGETS.iter().find(|(target, _, _)| *target == id);
        if !is_bare_object(schema) {
            if let (Some((_, versions, _)), Some(version)) = (target, context.version)
                && versions.contains(&version)
            {
                return Err(PassError::new(
                    schema_pointer.to_string(),
                    format!(
                        "`{id}` no longer has a bare multipart body in {}: the targeted defect \
                         is no longer there, check upstream and update this pass",
                        version.name()
                    ),
                ));
            }
            continue;
        }
        let Some((_, _, description)) = target else {
            return Err(PassError::new(
                schema_pointer.to_string(),
                format!(
                    "multipart body of `{id}` is a bare object with no parts: look up its part \
                     names in the API reference and add it to this pass's TARGETS"
                ),
            ));
        };
        let Some(schema) = schema_pointer.follow_mut(doc) else {
            continue;
        };
        *schema = json!({
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary", "description": description}
            }
        });
        changes.record(
            schema_pointer.to_string(),
            "bare object; given the required binary part `file`",
        );
    }
    Ok(())
}

/// `type: object` and nothing that says what is in it.
fn is_bare_object(schema: &Value) -> bool {
    let Some(schema) = schema.as_object() else {
        return false;
    };
    schema.get("type").and_then(Value::as_str) == Some("object")
        && ![
            "properties",
            "additionalProperties",
            "allOf",
            "oneOf",
            "anyOf",
            "$ref",
        ]
        .iter()
        .any(|key| schema.contains_key(*key))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::apply;

    fn put(id: &str, schema: Value) -> Value {
        json!({"paths": {"/c": {"put": {"operationId": id,
            "requestBody": {"content": {"multipart/form-data": {"schema": schema}}}}}}})
    }

    #[test]
    fn the_listed_bare_body_gets_its_file_part_and_a_fixed_or_unknown_one_fails() {
        let v2025 = PassContext::for_version(ApiVersion::V2025);
        let mut doc = put("putConnectorTranslations", json!({"type": "object"}));
        assert_eq!(
            apply(run, &mut doc, &v2025).map(|(c, _)| c.len()).ok(),
            Some(1)
        );
        let schema = "/paths/~1c/put/requestBody/content/multipart~1form-data/schema";
        assert_eq!(
            doc.pointer(&format!("{schema}/required")),
            Some(&json!(["file"]))
        );
        // Upstream fixed it (the body has parts now): the pass must go.
        let fixed = apply(run, &mut doc, &v2025).err();
        assert!(fixed.is_some_and(|e| e.message.contains("no longer has a bare multipart body")));
        // A bare body nobody listed: its parts are unknown, not guessed.
        let mut unknown = put("putOther", json!({"type": "object"}));
        let error = apply(run, &mut unknown, &v2025).err();
        assert!(error.is_some_and(|e| e.message.contains("add it to this pass's TARGETS")));
    }
}
