//! The whole pipeline for one API version: bundle, normalize, generate,
//! render. Nothing here writes files; the caller decides what to do with
//! the result (write it, or compare it with what is committed).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::bundle::{bundle_loaded, count_operations};
use crate::conformance::Example;
use crate::error::Error;
use crate::generate::{Generated, generate};
use crate::load::Loader;
use crate::model::ApiModel;
use crate::normalize::{Normalized, PassContext, normalize};
use crate::render::{CrateFiles, Provenance, render};
use crate::surface::{SurfaceRow, surface};
use crate::vendor::Upstream;
use crate::versions::ApiVersion;
use crate::versions::CrateTarget;

/// Figures about one generated crate, for regen's report.
#[derive(Debug, Clone)]
pub struct Stats {
    pub operations_in_spec: usize,
    /// Client methods generated (tag-trait methods, plus inherent ones for
    /// untagged operations), counted in the generated code.
    pub methods_generated: usize,
    pub schemas: usize,
    pub normalization_changes: Vec<(&'static str, usize)>,
    pub custom_operations: usize,
    pub lines: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

pub struct VersionOutput {
    pub version: ApiVersion,
    pub files: CrateFiles,
    pub stats: Stats,
    pub surface: Vec<SurfaceRow>,
    /// The spec's examples with the generated type each should decode
    /// into: the conformance table `regen` writes for the tests.
    pub examples: Vec<Example>,
}

/// What one run of the stages gives besides the files.
struct Run {
    files: CrateFiles,
    stats: Stats,
    surface: Vec<SurfaceRow>,
    examples: Vec<Example>,
}

/// Runs the pipeline for `version`. Errors name the version.
pub fn generate_version(
    loader: &Loader,
    version: ApiVersion,
    upstream: &Upstream,
) -> Result<VersionOutput, Error> {
    let record = upstream.versions.get(version.name());
    let provenance = |operations, schemas| Provenance {
        upstream_repository: upstream.repository.clone(),
        upstream_commit: upstream.commit.clone(),
        upstream_commit_date: upstream.commit_date.clone(),
        spec_sha256: record.map(|r| r.sha256.clone()).unwrap_or_default(),
        operations,
        schemas,
    };
    let context = PassContext::for_version(version);
    run(loader, &version.target(), &context, provenance)
        .map(|run| VersionOutput {
            version,
            files: run.files,
            stats: run.stats,
            surface: run.surface,
            examples: run.examples,
        })
        .map_err(|error| Error::InVersion {
            version: version.name(),
            error: Box::new(error),
        })
}

/// Runs the pipeline for a spec that is none of SailPoint's versions (the
/// generator's test fixture), with the same stages and templates.
pub fn generate_fixture(spec_dir: &Path, target: &CrateTarget) -> Result<CrateFiles, Error> {
    let loader = Loader::new(spec_dir);
    loader.load_reachable(std::slice::from_ref(&target.root))?;
    let provenance = |operations, schemas| Provenance {
        upstream_repository: "(test fixture)".into(),
        upstream_commit: String::new(),
        upstream_commit_date: String::new(),
        spec_sha256: String::new(),
        operations,
        schemas,
    };
    run(&loader, target, &PassContext { version: None }, provenance).map(|run| run.files)
}

fn run(
    loader: &Loader,
    target: &CrateTarget,
    context: &PassContext,
    provenance: impl FnOnce(usize, usize) -> Provenance,
) -> Result<Run, Error> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };

    crate::spec_names::check(loader, &target.root)?;
    let bundle = bundle_loaded(loader, &target.root)?;
    let operations_in_spec = count_operations(&bundle.document);
    lap("bundle", &mut timings);

    let title = format!("{} ({})", target.name, target.root);
    let normalized = normalize(&title, context, bundle.document)?;
    lap("normalize", &mut timings);

    let origins = bundle
        .components
        .iter()
        .map(|c| (c.name.clone(), c.origin.clone()))
        .collect();
    let model = ApiModel::build_with_origins(&normalized, &origins)?;
    lap("model", &mut timings);

    let generated = generate(&normalized, &model)?;
    lap("generate", &mut timings);

    let methods_generated = count_methods(&generated.file);
    let surface = surface(&model, &generated.file);
    let examples = crate::conformance::collect(
        &normalized.document,
        &crate::conformance::model_operations(&model),
        &crate::conformance::type_names(&generated.file),
    );
    let schemas = normalized
        .document
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map_or(0, |s| s.len());
    let provenance = provenance(operations_in_spec, schemas);
    let report = report_markdown(&normalized, &generated);
    let custom_operations = generated.custom.len();
    let features = generated.features.clone();
    let mut files = render(target, generated.file, &features, report, &provenance)?;
    files.extend(crate::render::mock::render(
        target,
        generated.mocks,
        &features,
        &provenance,
    )?);
    lap("render", &mut timings);

    let lines = files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| text.lines().count())
        .sum();
    let stats = Stats {
        operations_in_spec,
        methods_generated,
        schemas,
        normalization_changes: normalized
            .report
            .passes
            .iter()
            .map(|p| (p.name, p.changes.len()))
            .collect(),
        custom_operations,
        lines,
        timings,
    };
    Ok(Run {
        files,
        stats,
        surface,
        examples,
    })
}

/// The normalization report, followed by what generation did beyond it.
fn report_markdown(normalized: &Normalized, generated: &Generated) -> String {
    let mut out = normalized.report.to_markdown();
    out.push_str(&format!(
        "\n# Generation\n\n## Operations built outside progenitor ({})\n\n\
         progenitor cannot express all of these; it generates their builders from a reduced copy, and `codegen/src/generate/custom.rs` adds the rest (body parts, body choices, success variants).\n\n",
        generated.custom.len()
    ));
    for (id, why) in &generated.custom {
        out.push_str(&format!("- `{id}`: {why}\n"));
    }
    out.push_str(&format!(
        "\n## Field renames ({})\n\nRust fields typify would have declared twice (`codegen/src/generate/field_collisions.rs`).\n\n",
        generated.field_renames.len()
    ));
    for line in &generated.field_renames {
        out.push_str(&format!("- {line}\n"));
    }
    out.push_str(&format!(
        "\n## Shared enums ({})\n\nEnums with the values and impls of others, made aliases of one shared enum named after its variants: `Alias = Shared` (`codegen/src/generate/models/shared_enums.rs`).\n\n",
        generated.shared_enums.len()
    ));
    for line in &generated.shared_enums {
        out.push_str(&format!("- `{line}`\n"));
    }
    out.push_str(&format!(
        "\n## oneOf/anyOf variant choice ({})\n\nHow each such type picks its variant when decoding, and the variants declaration order shadowed before (`codegen/src/generate/models/variants.rs`).\n\n",
        generated.variant_choice.len()
    ));
    for line in &generated.variant_choice {
        out.push_str(&format!("- {line}\n"));
    }
    out
}

fn count_methods(file: &syn::File) -> usize {
    file.items
        .iter()
        .map(|item| match item {
            syn::Item::Trait(t) if t.ident.to_string().starts_with("Client") => {
                t.items.iter().filter(|i| matches!(i, syn::TraitItem::Fn(_))).count()
            }
            syn::Item::Impl(i) if i.trait_.is_none() && matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) => i
                .items
                .iter()
                .filter(|item| matches!(item, syn::ImplItem::Fn(f) if f.sig.ident != "new" && f.sig.ident != "new_with_client"))
                .count(),
            _ => 0,
        })
        .sum()
}
