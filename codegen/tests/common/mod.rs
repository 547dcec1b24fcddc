//! Support shared by the generator's integration tests.

use std::path::{Path, PathBuf};

/// The vendored specs, `openapi/` at the workspace root.
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi")
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Counts a spec's operations straight from its source files, without the
/// codegen library: the root's path entries, following each path-item
/// `$ref` once. The figure the bundle and the generated surface are checked
/// against.
pub fn source_operation_count(spec_dir: &Path, root: &str) -> usize {
    let root_path = spec_dir.join(root);
    let read = |p: &Path| -> serde_norway::Value {
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let root_doc = read(&root_path);
    let paths = root_doc["paths"].as_mapping().expect("paths");
    let mut count = 0;
    for item in paths.values() {
        let item = match item.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => read(&root_path.parent().expect("root dir").join(r)),
            None => item.clone(),
        };
        let map = item.as_mapping().expect("path item is a mapping");
        count += map
            .keys()
            .filter(|k| k.as_str().is_some_and(|k| METHODS.contains(&k)))
            .count();
    }
    count
}
