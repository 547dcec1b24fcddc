//! The real vendored specs: what the bundler makes of them, checked against
//! figures computed here independently from the source files.

use sailpoint_codegen as codegen;

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use codegen::bundle::{Bundle, bundle_loaded, components_table, count_operations};
use codegen::load::Loader;
use codegen::vendor::{Reach, Upstream};
use codegen::versions::ApiVersion;

use common::spec_dir;

fn source_operation_count(version: ApiVersion) -> usize {
    common::source_operation_count(&spec_dir(), version.root().as_str())
}

/// Every version's bundle, made once for the tests that only read them,
/// with one loader, in `ApiVersion::ALL` order.
fn bundles() -> &'static [Bundle] {
    static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        let loader = Loader::new(spec_dir());
        ApiVersion::ALL
            .iter()
            .map(|version| bundle_loaded(&loader, &version.root()).unwrap())
            .collect()
    })
}

#[test]
fn bundles_hold_exactly_the_operations_of_the_source() {
    for (version, bundle) in ApiVersion::ALL.into_iter().zip(bundles()) {
        let expected = source_operation_count(version);
        assert!(
            expected > 500,
            "{version}: implausible source count {expected}"
        );
        assert_eq!(count_operations(&bundle.document), expected, "{version}");
        let text = serde_json::to_string(&bundle.document).unwrap();
        let dangling: BTreeSet<&str> = text
            .match_indices("\"$ref\":\"")
            .map(|(i, m)| {
                let rest = &text[i + m.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .filter(|r| {
                let Some(name) = r.strip_prefix("#/components/schemas/") else {
                    return true;
                };
                bundle.document["components"]["schemas"].get(name).is_none()
            })
            .collect();
        assert!(
            dangling.is_empty(),
            "{version}: refs that point nowhere: {dangling:?}"
        );
    }
}

#[test]
fn component_names_and_origins() {
    for (version, bundle) in ApiVersion::ALL.into_iter().zip(bundles()) {
        insta::assert_snapshot!(
            format!("components_{version}"),
            components_table(&bundle.components)
        );
    }
}

#[test]
fn bundling_does_not_depend_on_what_was_loaded_before() {
    let fresh = Loader::new(spec_dir());
    let alone = bundle_loaded(&fresh, &ApiVersion::V2025.root()).unwrap();
    // `bundles()` made v2025's with the loader that had made beta's and
    // v2024's first.
    assert_eq!(ApiVersion::ALL.last(), Some(&ApiVersion::V2025));
    let after_others = &bundles()[2];
    assert_eq!(
        serde_json::to_string(&alone.document).unwrap(),
        serde_json::to_string(&after_others.document).unwrap()
    );
}

/// `openapi/` holds exactly what the roots reach, and `UPSTREAM.toml`
/// describes it.
#[test]
fn vendored_files_match_upstream_record() {
    let dir = spec_dir();
    let upstream = Upstream::read(&dir).unwrap();
    let reach = Reach::scan(&dir).unwrap();
    assert_eq!(upstream.versions, reach.records(&dir).unwrap());

    let mut on_disk = BTreeSet::new();
    let mut stack = vec![dir.join("idn")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                on_disk.insert(rel);
            }
        }
    }
    let reached: BTreeSet<String> = reach.all_files().iter().map(|f| f.to_string()).collect();
    assert_eq!(
        on_disk, reached,
        "vendored files that no root reaches, or reached files missing"
    );
    assert!(dir.join("LICENSE").is_file());
}
