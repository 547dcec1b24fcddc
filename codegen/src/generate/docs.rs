//! Adds to each operation's description what a caller needs and progenitor
//! does not say: that it is experimental, the OAuth scopes it requires
//! (`security`), and the user levels that may call it
//! (`x-sailpoint-userLevels`). progenitor turns the description into the
//! method's docs.

use serde_json::Value;

use crate::normalize::{Plan, operations};

pub fn enrich_descriptions(document: &mut Value, plan: &Plan) {
    for op in operations(document) {
        let Some(Value::Object(operation)) = document.pointer_mut(op.pointer.as_str()) else {
            continue;
        };
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut notes = Vec::new();
        if plan.experimental.contains(&id) {
            notes.push(
                "**Experimental:** this API may change without notice. The client sends the \
                 `X-SailPoint-Experimental: true` header it requires."
                    .to_string(),
            );
        }
        if let Some(scopes) = security_note(operation.get("security")) {
            notes.push(scopes);
        }
        if let Some(Value::Array(levels)) = operation.get("x-sailpoint-userLevels") {
            let levels: Vec<String> = levels
                .iter()
                .filter_map(Value::as_str)
                .map(|l| format!("`{l}`"))
                .collect();
            if !levels.is_empty() {
                notes.push(format!("User levels: {}.", levels.join(", ")));
            }
        }
        if notes.is_empty() {
            continue;
        }
        let description = operation
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let joined = if description.is_empty() {
            notes.join("\n\n")
        } else {
            format!("{}\n\n{}", description.trim_end(), notes.join("\n\n"))
        };
        operation.insert("description".into(), Value::String(joined));
    }
}

/// "Authorization: `userAuth` with scopes `a`, `b`; or `applicationAuth`."
fn security_note(security: Option<&Value>) -> Option<String> {
    let requirements = security?.as_array()?;
    let alternatives: Vec<String> = requirements
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|req| {
            req.iter().map(|(scheme, scopes)| {
                let scopes: Vec<String> = scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|s| format!("`{s}`"))
                    .collect();
                if scopes.is_empty() {
                    format!("`{scheme}`")
                } else {
                    format!("`{scheme}` with scopes {}", scopes.join(", "))
                }
            })
        })
        .collect();
    (!alternatives.is_empty()).then(|| format!("Authorization: {}.", alternatives.join("; or ")))
}
