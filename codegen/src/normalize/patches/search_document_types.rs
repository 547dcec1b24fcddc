//! Upstream defect (v2024, v2025): `SearchDocument` and `SearchDocuments`
//! are a `oneOf` of six document kinds without a `discriminator`, although
//! every search hit says its kind in `_type` (`DocumentType`: `identity`,
//! `role`, ...). Decoded in declaration order, an identity, role or
//! entitlement hit matched the access-profile document (which requires only
//! `id` and `name`) and lost every other field.
//!
//! Repair: a `discriminator` on `_type` is added, mapping each
//! `DocumentType` value to the one variant whose schema name starts with it
//! (`identity` → `IdentityDocument`, `accountactivity` →
//! `AccountActivitySearchedItem`). Targeted: fails when the schemas are
//! gone, already have a discriminator, or a value maps to no variant or to
//! several, so the pass is revisited when upstream changes them. A document
//! with none of the three schemas (a partial spec, as in drift's extracts
//! and the pass tests) is left alone; that the pass still applies to the
//! vendored specs is what the normalization summary snapshots show.
//!
//! Also: a `typeAheadQuery` search answers a list of strings (the spec's
//! own `typeAheadQuery` examples of `searchPost`), which no document
//! variant holds, so such a search failed to decode. `SearchDocuments`, the
//! item of that list, gets a string variant.

use serde_json::{Map, Value, json};

use crate::normalize::{Changes, Kind, Pass, PassContext, PassError, Plan};
use crate::versions::ApiVersion;

pub const PASS: Pass = Pass {
    name: "search_document_types",
    kind: Kind::Patch,
    after: &["enum_value_punctuation", "enum_values"],
    summary: "v2024/v2025 `SearchDocument(s)`: a `discriminator` on `_type` (each `DocumentType` value to its document schema), which upstream leaves out.",
    run,
};

/// The versions whose vendored spec has the defect.
pub const VERSIONS: &[ApiVersion] = &[ApiVersion::V2024, ApiVersion::V2025];

const COMPONENTS: &str = "#/components/schemas/";
const TARGETS: [&str; 2] = ["SearchDocument", "SearchDocuments"];
/// The item of `searchPost`'s list, which a `typeAheadQuery` fills with
/// strings.
const TYPEAHEAD_TARGET: &str = "SearchDocuments";

fn run(
    doc: &mut Value,
    context: &PassContext,
    changes: &mut Changes,
    _: &mut Plan,
) -> Result<(), PassError> {
    if !context.version.is_some_and(|v| VERSIONS.contains(&v)) {
        return Ok(());
    }
    let has_schema = |name: &str| {
        doc.pointer(&format!("/components/schemas/{name}"))
            .is_some()
    };
    if !has_schema("DocumentType") && !TARGETS.iter().any(|target| has_schema(target)) {
        return Ok(());
    }
    let values: Vec<String> = doc
        .pointer("/components/schemas/DocumentType/enum")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            PassError::new(
                "/components/schemas/DocumentType/enum",
                "`DocumentType` has no enum: check upstream and revisit this pass",
            )
        })?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    for target in TARGETS {
        let pointer = format!("/components/schemas/{target}");
        let schema = doc
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| PassError::new(&pointer, "schema gone: revisit this pass"))?;
        if schema.contains_key("discriminator") {
            return Err(PassError::new(
                format!("{pointer}/discriminator"),
                "upstream added a discriminator: remove this pass",
            ));
        }
        let refs: Vec<String> = schema
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("$ref").and_then(Value::as_str))
            .filter_map(|r| r.strip_prefix(COMPONENTS))
            .map(str::to_string)
            .collect();
        let mut mapping = Map::new();
        for value in &values {
            let matching: Vec<&String> = refs
                .iter()
                .filter(|name| name.to_ascii_lowercase().starts_with(value.as_str()))
                .collect();
            let [name] = matching.as_slice() else {
                return Err(PassError::new(
                    format!("{pointer}/oneOf"),
                    format!(
                        "`_type` value `{value}` names {} variants ({matching:?}): revisit this pass",
                        matching.len()
                    ),
                ));
            };
            mapping.insert(value.clone(), json!(format!("{COMPONENTS}{name}")));
        }
        schema.insert(
            "discriminator".into(),
            json!({"propertyName": "_type", "mapping": mapping}),
        );
        changes.record(
            format!("{pointer}/discriminator"),
            format!("added: `_type` selects one of {} documents", mapping.len()),
        );
        if target == TYPEAHEAD_TARGET
            && let Some(Value::Array(one_of)) = schema.get_mut("oneOf")
        {
            changes.record(
                format!("{pointer}/oneOf/{}", one_of.len()),
                "added: a string, the hit of a `typeAheadQuery`",
            );
            one_of.push(json!({
                "type": "string",
                "description": "A hit of a `typeAheadQuery`: the matched text."
            }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(extra_variant: Option<&str>) -> Value {
        let mut one_of = vec![
            json!({"$ref": "#/components/schemas/IdentityDocument"}),
            json!({"$ref": "#/components/schemas/RoleDocument"}),
        ];
        if let Some(name) = extra_variant {
            one_of.push(json!({"$ref": format!("#/components/schemas/{name}")}));
        }
        json!({"components": {"schemas": {
            "DocumentType": {"type": "string", "enum": ["identity", "role"]},
            "SearchDocument": {"oneOf": one_of.clone()},
            "SearchDocuments": {"oneOf": one_of},
        }}})
    }

    fn pass(doc: &mut Value) -> Result<Vec<crate::normalize::Change>, PassError> {
        let mut changes = Changes::default();
        run(
            doc,
            &PassContext::for_version(ApiVersion::V2025),
            &mut changes,
            &mut Plan::default(),
        )
        .map(|()| changes.0)
    }

    #[test]
    fn each_type_value_maps_to_its_document() {
        let mut doc = document(None);
        assert_eq!(pass(&mut doc).map(|c| c.len()).ok(), Some(3));
        assert_eq!(
            doc.pointer("/components/schemas/SearchDocument/discriminator"),
            Some(&json!({"propertyName": "_type", "mapping": {
                "identity": "#/components/schemas/IdentityDocument",
                "role": "#/components/schemas/RoleDocument"}}))
        );
        // The list item of `searchPost` also holds a typeahead hit.
        assert_eq!(
            doc.pointer("/components/schemas/SearchDocuments/oneOf/2/type"),
            Some(&json!("string"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/SearchDocument/oneOf/2"),
            None
        );
    }

    #[test]
    fn an_ambiguous_value_or_an_upstream_discriminator_fails() {
        let mut doc = document(Some("RoleDocumentLegacy"));
        let error = pass(&mut doc).err().map(|e| e.message);
        assert!(error.is_some_and(|m| m.contains("`role` names 2 variants")));
        let mut doc = document(None);
        if let Some(schema) = doc.pointer_mut("/components/schemas/SearchDocument") {
            schema["discriminator"] = json!({"propertyName": "_type"});
        }
        let error = pass(&mut doc).err().map(|e| e.message);
        assert!(error.is_some_and(|m| m.contains("remove this pass")));
    }

    #[test]
    fn other_documents_are_left_alone() {
        let mut doc = document(None);
        let before = doc.clone();
        let mut changes = Changes::default();
        assert!(
            run(
                &mut doc,
                &PassContext::default(),
                &mut changes,
                &mut Plan::default()
            )
            .is_ok()
        );
        assert_eq!(doc, before);
    }

    #[test]
    fn a_partial_spec_without_the_schemas_is_left_alone_but_a_half_one_fails() {
        let mut partial = json!({"components": {"schemas": {"Other": {"type": "object"}}}});
        let before = partial.clone();
        assert!(pass(&mut partial).is_ok_and(|changes| changes.is_empty()));
        assert_eq!(partial, before);

        let mut without_enum = document(None);
        without_enum["components"]["schemas"]["DocumentType"] = json!({"type": "string"});
        let error = pass(&mut without_enum).err().map(|e| e.message);
        assert!(error.is_some_and(|m| m.contains("has no enum")));
    }
}
