//! `cargo xtask bundle <version> [--out FILE] [--time]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::ValueEnum;
use codegen::bundle::bundle_loaded;
use codegen::load::Loader;
use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct Args {
    /// `beta`, `v2024`, `v2025`, or `all`.
    #[arg(value_parser = parse_selection)]
    version: Selection,
    /// Write the bundled document here (`.json` for JSON, else YAML).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print how long each stage took.
    #[arg(long)]
    time: bool,
    /// List every schema component: name, how it was named, origin.
    #[arg(long)]
    components: bool,
}

/// The versions to bundle: one, or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Selection {
    All,
    One(ApiVersion),
}

impl Selection {
    fn versions(self) -> Vec<ApiVersion> {
        match self {
            Selection::All => ApiVersion::ALL.to_vec(),
            Selection::One(version) => vec![version],
        }
    }
}

fn parse_selection(text: &str) -> Result<Selection, String> {
    if text == "all" {
        return Ok(Selection::All);
    }
    ApiVersion::from_str(text, false)
        .map(Selection::One)
        .map_err(|_| {
            let names: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.name()).collect();
            format!("expected one of {}, or all", names.join(", "))
        })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let versions = args.version.versions();
    if args.out.is_some() && versions.len() != 1 {
        anyhow::bail!("--out needs a single version");
    }
    let started = Instant::now();
    let loader = Loader::new(crate::spec_dir());
    let roots: Vec<_> = versions.iter().map(|v| v.root()).collect();
    loader.load_reachable(&roots)?;
    let loaded = started.elapsed();
    let mut bundles = Vec::new();
    for version in &versions {
        let t = Instant::now();
        let bundle = bundle_loaded(&loader, &version.root())?;
        bundles.push((*version, bundle, t.elapsed()));
    }
    let total = started.elapsed();
    for (version, bundle, took) in &bundles {
        let ops = codegen::bundle::count_operations(&bundle.document);
        println!(
            "{version}: {ops} operations, {} schema components",
            bundle.components.len()
        );
        if args.components {
            print!("{}", codegen::bundle::components_table(&bundle.components));
        }
        if args.time {
            println!(
                "  bundle (walk, name, rewrite): {:>8.1} ms",
                took.as_secs_f64() * 1e3
            );
        }
    }
    if args.time {
        println!(
            "load (read + parse {} files): {:>8.1} ms",
            loader.files_loaded(),
            loaded.as_secs_f64() * 1e3
        );
        println!(
            "total, files on disk to in-memory documents: {:>8.1} ms",
            total.as_secs_f64() * 1e3
        );
    }
    if let (Some(out), Some((_, bundle, _))) = (&args.out, bundles.first()) {
        let t = Instant::now();
        let text = if out.extension().is_some_and(|e| e == "json") {
            serde_json::to_string_pretty(&bundle.document)?
        } else {
            serde_norway::to_string(&bundle.document)?
        };
        std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
        if args.time {
            println!(
                "serialize + write: {:>8.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_is_a_version_name_or_all() {
        assert_eq!(parse_selection("all"), Ok(Selection::All));
        assert_eq!(
            parse_selection("v2024"),
            Ok(Selection::One(ApiVersion::V2024))
        );
        assert_eq!(Selection::All.versions(), ApiVersion::ALL);
        let error = parse_selection("v2023").err().unwrap_or_default();
        assert!(error.contains("beta, v2024, v2025, or all"), "{error}");
    }
}
