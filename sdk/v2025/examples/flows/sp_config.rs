// SP-Config: export a tenant's configuration, import it into another.
// Included with `include!` after `common.rs` into a module that names the
// API crate `sdk` (beta, v2024 or v2025: the operations are the same), by
// the `sp_config_export_import` example and by tests/flows.rs.

use sdk::prelude::*;
use sdk::types::{
    ExportPayload, ImportOptions, SpConfigExportResults, SpConfigImportResults, SpConfigJobStatus,
    SpConfigObject,
};

/// `Some(Ok)` when a job completed, `Some(Err)` when it ended otherwise,
/// `None` while it runs (or while the tenant leaves its status out).
fn job_outcome(status: Option<&SpConfigJobStatus>) -> Option<Result<(), String>> {
    match status? {
        SpConfigJobStatus::Complete => Some(Ok(())),
        SpConfigJobStatus::NotStarted | SpConfigJobStatus::InProgress => None,
        other => Some(Err(format!("ended {other}"))),
    }
}

/// A job status as printed: `?` when the tenant left it out.
fn status_text(status: Option<&SpConfigJobStatus>) -> String {
    status.map_or_else(|| "?".to_owned(), ToString::to_string)
}

/// The id of a job the tenant started: response fields are `Option`s, and
/// without an id there is nothing to poll.
fn started_job_id(job_id: Option<String>) -> Result<String, FlowError> {
    job_id.ok_or_else(|| flow_error("the tenant answered a job without a jobId".to_owned()))
}

/// Starts an export, polls it until it completes and downloads its results.
/// Returns the job id and the results.
pub async fn export(
    client: &sdk::Client,
    payload: ExportPayload,
    poll: Poll,
) -> Result<(String, SpConfigExportResults), FlowError> {
    let job = client
        .export_sp_config()
        .body(payload)
        .send()
        .await?
        .into_inner();
    let job_id = started_job_id(job.job_id)?;
    println!(
        "export job {job_id} started ({})",
        status_text(job.status.as_ref())
    );
    poll_until("export", poll, || async {
        let status = client
            .get_sp_config_export_status()
            .id(job_id.as_str())
            .send()
            .await?
            .into_inner();
        Ok((
            status_text(status.status.as_ref()),
            job_outcome(status.status.as_ref()),
        ))
    })
    .await?;
    let results = client
        .get_sp_config_export()
        .id(job_id.as_str())
        .send()
        .await?
        .into_inner();
    println!(
        "exported {} object(s) from tenant {}",
        results.objects.as_ref().map_or(0, Vec::len),
        results.tenant.as_deref().unwrap_or("?")
    );
    Ok((job_id, results))
}

/// Writes export results to a JSON file, the form `import` reads. The file
/// is the typed results encoded again; each object's body is a free-form
/// map, kept as the tenant sent it.
pub fn save_export(
    results: &SpConfigExportResults,
    path: &std::path::Path,
) -> Result<(), FlowError> {
    let json = serde_json::to_vec_pretty(results)
        .map_err(|e| flow_error(format!("encoding the export: {e}")))?;
    std::fs::write(path, json).map_err(|e| flow_error(format!("{}: {e}", path.display())))?;
    println!("saved the export to {}", path.display());
    Ok(())
}

/// Uploads an export file (multipart part `data`, JSON, with `options` as
/// a JSON part), polls the import until it completes and reads its
/// results. With `preview`, the tenant only reports what it would change.
pub async fn import(
    client: &sdk::Client,
    file: &std::path::Path,
    options: ImportOptions,
    preview: bool,
    poll: Poll,
) -> Result<SpConfigImportResults, FlowError> {
    let bytes = read_file(file)?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.json".to_owned());
    let job = client
        .import_sp_config()
        .preview(preview)
        .data(
            sailpoint_runtime::FilePart::bytes(file_name, bytes)
                .with_content_type("application/json"),
        )
        .options(options)
        .send()
        .await?
        .into_inner();
    let job_id = started_job_id(job.job_id)?;
    println!(
        "{} job {job_id} started ({})",
        if preview { "import preview" } else { "import" },
        status_text(job.status.as_ref())
    );
    poll_until("import", poll, || async {
        let status = client
            .get_sp_config_import_status()
            .id(job_id.as_str())
            .send()
            .await?
            .into_inner();
        Ok((
            status_text(status.status.as_ref()),
            job_outcome(status.status.as_ref()),
        ))
    })
    .await?;
    let results = client
        .get_sp_config_import()
        .id(job_id.as_str())
        .send()
        .await?
        .into_inner();
    let mut types: Vec<_> = results.results.iter().flatten().collect();
    types.sort_by(|a, b| a.0.cmp(b.0));
    for (object_type, result) in types {
        println!(
            "  {object_type}: {} imported, {} error(s), {} warning(s)",
            result.imported_objects.as_ref().map_or(0, Vec::len),
            result.errors.as_ref().map_or(0, Vec::len),
            result.warnings.as_ref().map_or(0, Vec::len)
        );
    }
    Ok(results)
}

/// The object types the tenant can export and import.
pub async fn config_objects(client: &sdk::Client) -> Result<Vec<SpConfigObject>, FlowError> {
    let objects = client.list_sp_config_objects().send().await?.into_inner();
    let exportable: Vec<&str> = objects
        .iter()
        .filter(|o| o.exportable == Some(true))
        .filter_map(|o| o.object_type.as_deref())
        .collect();
    println!(
        "{} object types, exportable: {}",
        objects.len(),
        exportable.join(", ")
    );
    Ok(objects)
}
