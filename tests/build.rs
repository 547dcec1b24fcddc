//! Writes the conformance tables (`$OUT_DIR/conformance_<version>.rs`) from
//! the vendored specs and the committed generated types: every example with
//! the Rust type it should decode into (`codegen::conformance`).

use std::path::{Path, PathBuf};

use codegen::load::Loader;
use codegen::versions::ApiVersion;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let root = manifest.parent().ok_or("tests/ has no parent")?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let spec_dir = root.join("openapi");
    println!("cargo::rerun-if-changed={}", spec_dir.display());
    let loader = Loader::new(&spec_dir);
    for version in ApiVersion::ALL {
        // The types are split into files (`mod.rs`, one per initial); the
        // struct builders in `builder/` are not types.
        let types = root
            .join("sdk")
            .join(version.name())
            .join(codegen::render::TYPES_DIR);
        println!("cargo::rerun-if-changed={}", types.display());
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&types)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        paths.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        paths.sort();
        let mut text = String::new();
        for path in paths {
            text.push_str(&std::fs::read_to_string(&path)?);
        }
        let examples = codegen::conformance::examples_of_version(&loader, version, &text)?;
        let table = codegen::conformance::table_source(&version.crate_ident(), &examples);
        write(
            &out.join(format!("conformance_{}.rs", version.name())),
            &table,
        )?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    // Unchanged tables keep their timestamp, so the test is not rebuilt.
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}
