//! Adds to each operation's description what a caller needs and progenitor
//! does not say: that it is experimental, the OAuth scopes it requires
//! (`security`), and the user levels that may call it
//! (`x-sailpoint-userLevels`). progenitor turns the description into the
//! method's docs.

use serde_json::Value;

use crate::model::{ApiModel, SecurityRequirement};

pub fn enrich_descriptions(document: &mut Value, model: &ApiModel) {
    for op in &model.operations {
        let Some(Value::Object(operation)) = document.pointer_mut(op.pointer.as_str()) else {
            continue;
        };
        let mut notes = Vec::new();
        if op.experimental {
            notes.push(
                "**Experimental:** this API may change without notice. The client sends the \
                 `X-SailPoint-Experimental: true` header it requires."
                    .to_string(),
            );
        }
        if op.own_security
            && let Some(scopes) = op.security.as_deref().and_then(security_note)
        {
            notes.push(scopes);
        }
        if !op.user_levels.is_empty() {
            let levels: Vec<String> = op.user_levels.iter().map(|l| format!("`{l}`")).collect();
            notes.push(format!("User levels: {}.", levels.join(", ")));
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
fn security_note(requirements: &[SecurityRequirement]) -> Option<String> {
    let alternatives: Vec<String> = requirements
        .iter()
        .flatten()
        .map(|(scheme, scopes)| {
            if scopes.is_empty() {
                format!("`{scheme}`")
            } else {
                let scopes: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
                format!("`{scheme}` with scopes {}", scopes.join(", "))
            }
        })
        .collect();
    (!alternatives.is_empty()).then(|| format!("Authorization: {}.", alternatives.join("; or ")))
}
