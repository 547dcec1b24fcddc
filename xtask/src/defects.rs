//! `cargo xtask defects [--version V] [--format text|markdown|json]`: the
//! upstream spec's defects SailPoint could act on, from the vendored specs
//! (`codegen::defects`): each repair and targeted patch with its upstream
//! file and pointer, what is wrong and what the repair did, and the spec
//! examples that contradict their own schemas. The weekly drift workflow
//! puts the markdown form in its job summary.

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::defects::{SpecDefects, spec_defects};
use codegen::load::Loader;
use codegen::normalize::PassContext;
use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct Args {
    /// Only this version (default: all three).
    #[arg(long, value_enum)]
    version: Option<ApiVersion>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Read specs from here instead of `openapi/` (for tests).
    #[arg(long, hide = true)]
    spec_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let versions = match args.version {
        Some(version) => vec![version],
        None => ApiVersion::ALL.to_vec(),
    };
    let loader = Loader::new(args.spec_dir.unwrap_or_else(crate::spec_dir));
    let roots: Vec<_> = versions.iter().map(|v| v.root()).collect();
    loader.load_reachable(&roots)?;
    let mut reports = Vec::new();
    for version in versions {
        let report = spec_defects(
            &loader,
            &version.root(),
            version.name(),
            &PassContext::for_version(version),
        )
        .map_err(|error| anyhow::anyhow!("{}: {error}", version.name()))?;
        reports.push(report);
    }
    print!("{}", render(&reports, args.format)?);
    Ok(ExitCode::SUCCESS)
}

fn render(reports: &[SpecDefects], format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Json => {
            let json = serde_json::json!({"versions": reports});
            serde_json::to_string_pretty(&json)? + "\n"
        }
        Format::Text => reports
            .iter()
            .map(SpecDefects::to_text)
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Markdown => {
            let mut out = String::from(
                "# Upstream spec defects\n\n\
                 Repairs and targeted patches the SDK generator applies to the vendored specs \
                 (`cargo xtask defects`), each at its upstream file and JSON pointer, and the \
                 spec examples that contradict their own schema.\n\n\
                 | version | repairs and patches | contradicting examples |\n|---|---:|---:|\n",
            );
            for report in reports {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    report.version,
                    report.changes.len(),
                    report.examples.len()
                ));
            }
            for report in reports {
                out.push('\n');
                out.push_str(&report.to_markdown());
            }
            out
        }
    })
}
