//! The generated surface of the three crates, from the real vendored specs:
//! every operation is a method, the surface and the normalization summary
//! are snapshots, and regeneration is deterministic.

use sailpoint_codegen as codegen;

mod common;

use std::path::Path;
use std::sync::OnceLock;

use codegen::load::Loader;
use codegen::pipeline::{VersionOutput, generate_version};
use codegen::render::REPORT_FILE;
use codegen::vendor::Upstream;
use codegen::versions::ApiVersion;

use common::spec_dir;

/// The allocator `cargo xtask regen` runs the pipeline with: under glibc's,
/// `malloc` and `free` were a third of the generator's CPU time (FIGURES.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every version's output, in `ApiVersion::ALL` order, generated once for
/// the tests that read it: one thread per version over one loader, as
/// `cargo xtask regen` runs them (and with its stack size: typify recurses
/// deeply on the big specs).
fn outputs() -> &'static [VersionOutput] {
    static OUTPUTS: OnceLock<Vec<VersionOutput>> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        let dir = spec_dir();
        let upstream = Upstream::read(&dir).unwrap();
        let loader = Loader::new(&dir);
        std::thread::scope(|scope| {
            let handles: Vec<_> = ApiVersion::ALL
                .into_iter()
                .map(|version| {
                    let (loader, upstream) = (&loader, &upstream);
                    std::thread::Builder::new()
                        .stack_size(64 << 20)
                        .spawn_scoped(scope, move || {
                            generate_version(loader, version, upstream).unwrap()
                        })
                        .unwrap()
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("a generator thread panicked"))
                .collect()
        })
    })
}

#[test]
fn every_operation_is_a_method_and_the_surface_is_reviewed() {
    let dir = spec_dir();
    for output in outputs() {
        let version = output.version;
        let expected = common::source_operation_count(&dir, version.root().as_str());
        assert_eq!(output.surface.len(), expected, "{version}: surface rows");
        assert_eq!(
            output.stats.methods_generated, expected,
            "{version}: client methods"
        );
        let unknown: Vec<&str> = output
            .surface
            .iter()
            .filter(|row| row.success_type == "?")
            .map(|row| row.operation_id.as_str())
            .collect();
        assert!(
            unknown.is_empty(),
            "{version}: no builder found for {unknown:?}"
        );

        // Each experimental operation says so in its method docs, once.
        let experimental = output.surface.iter().filter(|row| row.experimental).count();
        assert!(experimental > 0, "{version}: no experimental operations");
        // The operations' docs: the client file and one file per tag.
        let client_code: String = output
            .files
            .iter()
            .filter(|(path, _)| {
                path.as_str() == codegen::render::CLIENT_FILE
                    || path.starts_with(codegen::render::TAGS_DIR)
            })
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(
            client_code.matches("**Experimental:**").count(),
            experimental,
            "{version}: experimental notes"
        );
        assert!(
            client_code.contains("Authorization: `userAuth` with scopes"),
            "{version}: scopes in docs"
        );

        // Every `.stream()` is over a list, and the count is reviewed.
        let paginated: Vec<&str> = output
            .surface
            .iter()
            .filter(|row| row.paginated)
            .map(|row| row.success_type.as_str())
            .collect();
        assert!(
            paginated.iter().all(|ty| ty.starts_with("Vec<")),
            "{version}: a stream over a non-list: {paginated:?}"
        );
        insta::assert_snapshot!(
            format!("paginated_operations_{version}"),
            paginated.len().to_string()
        );

        check_features(version.name(), output);

        // The operations that can be asked for another media type, and the
        // search streams, found by the generator.
        let with = |pick: fn(&codegen::surface::SurfaceRow) -> bool| {
            output
                .surface
                .iter()
                .filter(|row| pick(row))
                .map(|row| row.operation_id.clone() + "\n")
                .collect::<String>()
        };
        insta::assert_snapshot!(
            format!("download_operations_{version}"),
            with(|row| row.download)
        );
        insta::assert_snapshot!(
            format!("search_after_operations_{version}"),
            with(|row| row.search_after)
        );

        let tsv: String = output
            .surface
            .iter()
            .map(|row| row.to_tsv() + "\n")
            .collect();
        insta::assert_snapshot!(format!("surface_{version}"), tsv);

        let summary: String = output
            .stats
            .normalization_changes
            .iter()
            .map(|(pass, count)| format!("{pass}\t{count}\n"))
            .collect();
        insta::assert_snapshot!(format!("normalization_summary_{version}"), summary);

        // Enums made aliases of another with the same values
        // (`generate/models/shared_enums.rs`): what the merge changed.
        let shared_enums = output.files[REPORT_FILE]
            .split("## Shared enums")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap_or_default();
        assert!(!shared_enums.is_empty(), "{version}: no shared-enum report");
        insta::assert_snapshot!(format!("shared_enums_{version}"), shared_enums);

        // How each oneOf/anyOf type picks its variant, and the variants
        // declaration order shadowed (`generate/models/variants.rs`).
        let variant_choice = output.files[REPORT_FILE]
            .split("## oneOf/anyOf variant choice")
            .nth(1)
            .unwrap_or_default();
        assert!(!variant_choice.is_empty(), "{version}: no variant report");
        insta::assert_snapshot!(format!("variant_choice_{version}"), variant_choice);

        // The committed report is what regeneration produces.
        let committed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../sdk/{version}/{REPORT_FILE}")),
        )
        .unwrap_or_default();
        assert!(
            committed == output.files[REPORT_FILE],
            "{version}: sdk/{version}/{REPORT_FILE} is stale; run `cargo xtask regen`"
        );
    }
}

#[test]
fn regeneration_is_deterministic() {
    let dir = spec_dir();
    let upstream = Upstream::read(&dir).unwrap();
    // Generated alone, and beside the other versions over a shared loader:
    // the same files. Alone first, so that it runs while the other test
    // thread fills `outputs()`.
    let version = ApiVersion::V2025;
    let second = generate_version(&Loader::new(&dir), version, &upstream).unwrap();
    let first = &outputs()[2];
    assert_eq!(first.version, version);
    assert_eq!(
        first.files.keys().collect::<Vec<_>>(),
        second.files.keys().collect::<Vec<_>>()
    );
    for (path, text) in &first.files {
        assert!(
            *text == second.files[path],
            "{path} differs between two runs"
        );
    }
}

#[test]
fn recorded_progenitor_version_is_the_one_built() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .unwrap();
    let entry = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"progenitor-impl\""))
        .expect("progenitor-impl in Cargo.lock");
    assert!(
        entry.contains(&format!(
            "version = \"{}\"",
            codegen::render::PROGENITOR_VERSION
        )),
        "Cargo.lock has {entry}"
    );
}

/// The features of a generated crate are the tags of its spec: one per
/// tag, each with its file, module and docs line; every generated file
/// stays reviewable. The features with their operation and type counts are
/// a snapshot.
fn check_features(version: &str, output: &codegen::pipeline::VersionOutput) {
    use codegen::generate::features::{FULL, feature_name};
    use codegen::render::{LIB_FILE, MANIFEST_FILE, MAX_FILE_BYTES, TAGS_DIR};

    let tags: std::collections::BTreeSet<String> = output
        .surface
        .iter()
        .flat_map(|row| row.tag.split(',').filter(|t| !t.is_empty()))
        .map(feature_name)
        .collect();
    let manifest: toml::Table = toml::from_str(&output.files[MANIFEST_FILE]).unwrap();
    let features = manifest["features"].as_table().unwrap();
    let declared: std::collections::BTreeSet<String> = features
        .keys()
        .filter(|f| *f != "default" && *f != FULL)
        .cloned()
        .collect();
    assert_eq!(declared, tags, "{version}: features are the spec's tags");
    // `full` enables every tag, and the types crate's `full` (the types no
    // tag reaches); each tag enables the same feature of the types crate.
    let types_crate = format!("sailpoint-{version}-types");
    let full: Vec<&str> = features[FULL]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let expected_full: Vec<String> = std::iter::once(format!("{types_crate}/{FULL}"))
        .chain(tags.iter().cloned())
        .collect();
    assert_eq!(full, expected_full, "{version}: full");
    for feature in &tags {
        assert_eq!(
            features[feature].as_array().map(Vec::as_slice),
            Some(&[toml::Value::String(format!("{types_crate}/{feature}"))][..]),
            "{version}: {feature} enables its types"
        );
    }
    let types_manifest: toml::Table =
        toml::from_str(&output.files[codegen::render::TYPES_MANIFEST_FILE]).unwrap();
    let types_features = types_manifest["features"].as_table().unwrap();
    let types_declared: std::collections::BTreeSet<String> = types_features
        .keys()
        .filter(|f| *f != "default" && *f != FULL)
        .cloned()
        .collect();
    assert_eq!(
        types_declared, tags,
        "{version}: the types crate's features"
    );
    assert_eq!(
        types_manifest["package"]["name"].as_str(),
        Some(types_crate.as_str())
    );
    assert_eq!(features["default"].as_array().unwrap().len(), 1);
    let lib = &output.files[LIB_FILE];
    for feature in &tags {
        assert!(
            output
                .files
                .contains_key(&format!("{TAGS_DIR}/{feature}.rs")),
            "{version}: no file for {feature}"
        );
        assert!(
            lib.contains(&format!("#[cfg(feature = \"{feature}\")]\n#[rustfmt::skip]\n#[path = \"generated/tags/{feature}.rs\"]")),
            "{version}: {feature} not declared in lib.rs"
        );
    }
    for (path, text) in &output.files {
        assert!(
            text.len() <= MAX_FILE_BYTES,
            "{version}: {path} is {} bytes",
            text.len()
        );
    }
    // The docs table: `| `feature` | tag | operations | types |`.
    let table: String = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! | `"))
        .map(|l| l.replace('`', "") + "\n")
        .collect();
    let operations: usize = table
        .lines()
        .filter_map(|l| l.split(" | ").nth(2)?.parse::<usize>().ok())
        .sum();
    assert!(
        operations >= output.surface.len(),
        "{version}: {operations} operations in the features table"
    );
    insta::assert_snapshot!(format!("features_{version}"), table);
}
