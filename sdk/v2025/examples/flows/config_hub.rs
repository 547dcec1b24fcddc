// Configuration Hub (v2025): backups, drafts, uploaded configurations,
// deploys, object mappings and scheduled actions. Included with `include!`
// after `common.rs` into a module that names `sailpoint_v2025` `sdk`, by
// the `config_hub_backup_and_deploy` and `upload_configuration` examples
// and by tests/flows.rs.

use sdk::prelude::*;
use sdk::types::{
    BackupResponse, ConfigurationHubBackupResponse, ConfigurationHubBackupResponseStatus,
    DeployRequest, DeployResponse, DeployResponseStatus, DraftResponse, JsonPatchOperation,
    ObjectMappingBulkCreateRequest, ObjectMappingBulkCreateResponse, ObjectMappingBulkPatchRequest,
    ObjectMappingBulkPatchResponse, ObjectMappingRequest, ObjectMappingResponse,
    ScheduledActionPayload, ScheduledActionResponse,
};

/// Lists the tenant's backups and drafts.
pub async fn backups_and_drafts(
    client: &sdk::Client,
) -> Result<(Vec<BackupResponse>, Vec<DraftResponse>), FlowError> {
    let backups = client.list_backups().send().await?.into_inner();
    println!("{} backup(s)", backups.len());
    for b in &backups {
        println!(
            "  {}\t{}\t{}",
            b.job_id.as_deref().unwrap_or("-"),
            b.status
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string),
            b.name.as_deref().unwrap_or("-")
        );
    }
    let drafts = client.list_drafts().send().await?.into_inner();
    println!("{} draft(s)", drafts.len());
    for d in &drafts {
        println!(
            "  {}\t{}\t{}",
            d.job_id.as_deref().unwrap_or("-"),
            d.status
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string),
            d.name.as_deref().unwrap_or("-")
        );
    }
    Ok((backups, drafts))
}

/// Deletes a backup and a draft the caller no longer needs.
pub async fn delete_backup_and_draft(
    client: &sdk::Client,
    backup_id: Option<&str>,
    draft_id: Option<&str>,
) -> Result<(), FlowError> {
    if let Some(id) = backup_id {
        client.delete_backup().id(id).send().await?;
        println!("deleted backup {id}");
    }
    if let Some(id) = draft_id {
        client.delete_draft().id(id).send().await?;
        println!("deleted draft {id}");
    }
    Ok(())
}

/// Deploys a draft and polls the deploy until it completes.
pub async fn deploy(
    client: &sdk::Client,
    draft_id: &str,
    poll: Poll,
) -> Result<DeployResponse, FlowError> {
    let started = client
        .create_deploy()
        .body(DeployRequest {
            draft_id: draft_id.to_owned(),
            // Members the spec does not declare; none to send.
            extra: Default::default(),
        })
        .send()
        .await?
        .into_inner();
    let job_id = started
        .job_id
        .ok_or_else(|| flow_error("the deploy has no job id"))?;
    println!("deploy {job_id} of draft {draft_id} started");
    poll_until("deploy", poll, || async {
        let deploy = client
            .get_deploy()
            .id(job_id.as_str())
            .send()
            .await?
            .into_inner();
        let status = deploy
            .status
            .as_ref()
            .map_or_else(|| "?".to_owned(), ToString::to_string);
        let outcome = match &deploy.status {
            Some(DeployResponseStatus::Complete) => Some(Ok(deploy)),
            Some(DeployResponseStatus::NotStarted | DeployResponseStatus::InProgress) | None => {
                None
            }
            Some(other) => Some(Err(format!(
                "ended {other}: {}",
                deploy.message.as_deref().unwrap_or("no message")
            ))),
        };
        Ok((status, outcome))
    })
    .await
}

/// Uploads a configuration file (multipart: `data`, the JSON file, and
/// `name`), polls it until it is processed, and lists the uploads.
pub async fn upload(
    client: &sdk::Client,
    file: &std::path::Path,
    name: &str,
    poll: Poll,
) -> Result<
    (
        ConfigurationHubBackupResponse,
        Vec<ConfigurationHubBackupResponse>,
    ),
    FlowError,
> {
    let bytes = read_file(file)?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload.json".to_owned());
    let accepted = client
        .create_uploaded_configuration()
        .data(
            sailpoint_runtime::FilePart::bytes(file_name, bytes)
                .with_content_type("application/json"),
        )
        .name(name)
        .send()
        .await?
        .into_inner();
    let id = accepted
        .job_id
        .ok_or_else(|| flow_error("the upload has no job id"))?;
    println!("upload {id} accepted");
    let done = poll_until("upload", poll, || async {
        let upload = client
            .get_uploaded_configuration()
            .id(id.as_str())
            .send()
            .await?
            .into_inner();
        let status = upload
            .status
            .as_ref()
            .map_or_else(|| "?".to_owned(), ToString::to_string);
        let outcome = match &upload.status {
            Some(ConfigurationHubBackupResponseStatus::Complete) => Some(Ok(upload)),
            Some(
                ConfigurationHubBackupResponseStatus::NotStarted
                | ConfigurationHubBackupResponseStatus::InProgress,
            )
            | None => None,
            Some(other) => Some(Err(format!("ended {other}"))),
        };
        Ok((status, outcome))
    })
    .await?;
    println!(
        "upload {id}: {} object(s)",
        done.total_object_count.unwrap_or_default()
    );
    let uploads = client
        .list_uploaded_configurations()
        .send()
        .await?
        .into_inner();
    println!("{} uploaded configuration(s)", uploads.len());
    Ok((done, uploads))
}

/// Deletes an uploaded configuration.
pub async fn delete_upload(client: &sdk::Client, id: &str) -> Result<(), FlowError> {
    client.delete_uploaded_configuration().id(id).send().await?;
    println!("deleted upload {id}");
    Ok(())
}

/// What [`object_mappings`] did.
#[derive(Debug)]
pub struct MappingChanges {
    pub created: ObjectMappingResponse,
    pub bulk_created: ObjectMappingBulkCreateResponse,
    pub bulk_patched: ObjectMappingBulkPatchResponse,
    pub listed: Vec<ObjectMappingResponse>,
}

/// Object mappings of a source org (`default` for the tenant's own): one
/// created, several created at once, several patched at once (JSON Patch
/// per mapping id), the list read back, and `delete` removed.
pub async fn object_mappings(
    client: &sdk::Client,
    source_org: &str,
    one: ObjectMappingRequest,
    several: Vec<ObjectMappingRequest>,
    patches: std::collections::HashMap<String, Vec<JsonPatchOperation>>,
    delete: Option<&str>,
) -> Result<MappingChanges, FlowError> {
    let created = client
        .create_object_mapping()
        .source_org(source_org)
        .body(one)
        .send()
        .await?
        .into_inner();
    println!(
        "created mapping {}",
        created.object_mapping_id.as_deref().unwrap_or("-")
    );
    let bulk_created = client
        .create_object_mappings()
        .source_org(source_org)
        .body(ObjectMappingBulkCreateRequest {
            new_objects_mappings: several,
            extra: Default::default(),
        })
        .send()
        .await?
        .into_inner();
    println!(
        "created {} mapping(s) at once",
        bulk_created.added_objects.as_ref().map_or(0, Vec::len)
    );
    let bulk_patched = client
        .update_object_mappings()
        .source_org(source_org)
        .body(ObjectMappingBulkPatchRequest {
            patches,
            extra: Default::default(),
        })
        .send()
        .await?
        .into_inner();
    println!(
        "patched {} mapping(s)",
        bulk_patched.patched_objects.as_ref().map_or(0, Vec::len)
    );
    let listed = client
        .get_object_mappings()
        .source_org(source_org)
        .send()
        .await?
        .into_inner();
    println!("{} mapping(s) for source org {source_org}", listed.len());
    if let Some(id) = delete {
        client
            .delete_object_mapping()
            .source_org(source_org)
            .object_mapping_id(id)
            .send()
            .await?;
        println!("deleted mapping {id}");
    }
    Ok(MappingChanges {
        created,
        bulk_created,
        bulk_patched,
        listed,
    })
}

/// Creates a scheduled action, lists them, updates it with a JSON Patch and
/// deletes it when `keep` is false.
pub async fn scheduled_action(
    client: &sdk::Client,
    payload: ScheduledActionPayload,
    patch: Vec<JsonPatchOperation>,
    keep: bool,
) -> Result<
    (
        ScheduledActionResponse,
        Vec<ScheduledActionResponse>,
        ScheduledActionResponse,
    ),
    FlowError,
> {
    let created = client
        .create_scheduled_action()
        .body(payload)
        .send()
        .await?
        .into_inner();
    let id = created
        .id
        .clone()
        .ok_or_else(|| flow_error("the scheduled action has no id"))?;
    println!(
        "scheduled action {id} created ({})",
        created.cron_string.as_deref().unwrap_or("once")
    );
    let all = client.list_scheduled_actions().send().await?.into_inner();
    println!("{} scheduled action(s)", all.len());
    let updated = client
        .update_scheduled_action()
        .id(id.as_str())
        .body(patch)
        .send()
        .await?
        .into_inner();
    println!(
        "scheduled action {id} updated ({})",
        updated.cron_string.as_deref().unwrap_or("once")
    );
    if !keep {
        client
            .delete_scheduled_action()
            .id(id.as_str())
            .send()
            .await?;
        println!("scheduled action {id} deleted");
    }
    Ok((created, all, updated))
}

/// The object mappings of a source org and the scheduled actions: what
/// will be rewritten, and what runs by itself, before a deploy.
pub async fn mappings_and_schedules(
    client: &sdk::Client,
    source_org: &str,
) -> Result<(Vec<ObjectMappingResponse>, Vec<ScheduledActionResponse>), FlowError> {
    let mappings = client
        .get_object_mappings()
        .source_org(source_org)
        .send()
        .await?
        .into_inner();
    println!(
        "{} object mapping(s) for source org {source_org}",
        mappings.len()
    );
    for m in &mappings {
        println!(
            "  {}\t{}: {} -> {}",
            m.object_type
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string),
            m.json_path.as_deref().unwrap_or("-"),
            m.source_value.as_deref().unwrap_or("-"),
            m.target_value.as_deref().unwrap_or("-")
        );
    }
    let actions = client.list_scheduled_actions().send().await?.into_inner();
    println!("{} scheduled action(s)", actions.len());
    for a in &actions {
        println!(
            "  {}\t{}\t{}",
            a.id.as_deref().unwrap_or("-"),
            a.job_type
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string),
            a.cron_string.as_deref().unwrap_or("once")
        );
    }
    Ok((mappings, actions))
}
