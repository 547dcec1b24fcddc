//! Targeted patches: one known defective spot of one or more versions,
//! found by name rather than by shape. Each fails loudly when its spot is
//! there but no longer defective (upstream fixed it: remove the patch), and
//! the test below fails when a vendored version it targets no longer has
//! the spot at all. Like repairs, `cargo xtask defects` lists them.

pub mod forms_patch_operation;
pub mod multipart_file_parts;
pub mod privilege_criteria_property;
pub mod search_document_types;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::bundle::bundle_loaded;
    use crate::load::Loader;
    use crate::normalize::{Kind, PASSES, PassContext, normalize};
    use crate::versions::ApiVersion;

    /// Each patch with the versions it targets.
    const PATCHES: [(&str, &[ApiVersion]); 4] = [
        (
            "forms_patch_operation",
            super::forms_patch_operation::VERSIONS,
        ),
        (
            "multipart_file_parts",
            super::multipart_file_parts::VERSIONS,
        ),
        (
            "privilege_criteria_property",
            super::privilege_criteria_property::VERSIONS,
        ),
        (
            "search_document_types",
            super::search_document_types::VERSIONS,
        ),
    ];

    /// A patch fails on its own when its spot is there but fixed. When a
    /// vendored spec no longer has the spot at all, some patches (those a
    /// partial spec must pass, as drift's extracts) change nothing instead:
    /// this makes that loud too.
    #[test]
    fn every_patch_changes_each_vendored_version_it_targets() {
        let patches: Vec<&str> = PASSES
            .iter()
            .filter(|p| p.kind == Kind::Patch)
            .map(|p| p.name)
            .collect();
        let listed: Vec<&str> = PATCHES.iter().map(|(name, _)| *name).collect();
        assert_eq!(patches.len(), listed.len());
        assert!(patches.iter().all(|p| listed.contains(p)), "{patches:?}");

        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
        let loader = Loader::new(specs);
        for version in ApiVersion::ALL {
            let bundle = bundle_loaded(&loader, &version.root());
            let normalized = bundle.and_then(|b| {
                normalize(
                    version.name(),
                    &PassContext::for_version(version),
                    b.document,
                )
            });
            let normalized = match normalized {
                Ok(normalized) => normalized,
                Err(error) => panic!("{}: {error}", version.name()),
            };
            for (name, versions) in PATCHES {
                let changes = normalized
                    .report
                    .passes
                    .iter()
                    .find(|p| p.name == name)
                    .map_or(0, |p| p.changes.len());
                assert_eq!(
                    changes > 0,
                    versions.contains(&version),
                    "`{name}` made {changes} changes in {}: its spot is gone upstream or it \
                     targets the wrong versions",
                    version.name()
                );
            }
        }
    }
}
