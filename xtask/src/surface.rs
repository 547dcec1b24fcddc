//! `cargo xtask surface <version> [--json]`: one line per operation of the
//! generated client, tab-separated: operation id, HTTP method, path, Rust
//! method, tag, request body kind, success type, experimental.

use std::process::ExitCode;

use codegen::versions::ApiVersion;

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    version: ApiVersion,
    /// Print JSON instead of tab-separated lines.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let outputs = crate::regen::generate(Some(args.version), &crate::spec_dir())?;
    for output in outputs {
        if args.json {
            println!("{}", serde_json::to_string_pretty(&output.surface)?);
        } else {
            for row in &output.surface {
                println!("{}", row.to_tsv());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
