//! The downstream crate's configuration-delivery code, tested the way a
//! user of the published crates tests theirs: only through
//! `sailpoint-v2025-mock` (no hand-written JSON, no wiremock of its own),
//! each answer typed by the operation it mocks.

use std::time::Duration;

use sailpoint_downstream::sdk::types::{
    ConfigObject, ConfigurationHubBackupResponse, ConfigurationHubBackupResponseStatus,
    DeployResponse, DeployResponseStatus, ExportPayload, ImportOptions, SpConfigExportJob,
    SpConfigExportJobStatus, SpConfigExportResults, SpConfigImportJobStatus, SpConfigImportResults,
    SpConfigJob, SpConfigJobStatus,
};
use sailpoint_downstream::{Poll, config_hub, sdk, sp_config};
use sailpoint_v2025_mock::{
    CreateDeploy, CreateUploadedConfiguration, ExportSpConfig, GetDeploy, GetSpConfigExport,
    GetSpConfigExportStatus, GetSpConfigImport, GetSpConfigImportStatus, GetUploadedConfiguration,
    ImportSpConfig, ListUploadedConfigurations, MockTenant, OperationMock, start,
};

/// Poll at once: the mock answers the final status when the test says.
const NOW: Poll = Poll {
    interval: Duration::ZERO,
    max_polls: 10,
};

fn client(tenant: &MockTenant) -> sdk::Client {
    sdk::Client::from_config(&tenant.config())
}

fn exported() -> SpConfigExportResults {
    SpConfigExportResults {
        tenant: Some("acme-sb".to_owned()),
        version: Some(1),
        objects: Some(vec![ConfigObject {
            version: Some(1),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// Mounts the SP-Config export of `exported()` as job `e1`, running for one
/// poll before it completes.
async fn mount_export(tenant: &MockTenant) {
    let payload = ExportPayload {
        description: Some("nightly".to_owned()),
        ..Default::default()
    };
    tenant
        .mount(
            ExportSpConfig::when()
                .body(&payload)
                .respond_accepted(&SpConfigExportJob {
                    job_id: Some("e1".to_owned()),
                    status: Some(SpConfigJobStatus::NotStarted),
                    ..Default::default()
                }),
        )
        .await;
    let export_status = |status| SpConfigExportJobStatus {
        job_id: Some("e1".to_owned()),
        status: Some(status),
        ..Default::default()
    };
    tenant
        .mount(
            GetSpConfigExportStatus::when()
                .id("e1")
                .respond_ok(&export_status(SpConfigJobStatus::InProgress))
                .up_to_n_times(1)
                .with_priority(1),
        )
        .await;
    tenant
        .mount(
            GetSpConfigExportStatus::when()
                .id("e1")
                .respond_ok(&export_status(SpConfigJobStatus::Complete)),
        )
        .await;
    tenant
        .mount(GetSpConfigExport::when().id("e1").respond_ok(&exported()))
        .await;
}

/// Mounts an import (job `i1`) that accepts only a multipart upload
/// carrying the export of `exported()`, ending in `status`.
async fn mount_import(tenant: &MockTenant, status: SpConfigJobStatus) {
    tenant
        .mount(
            ImportSpConfig::when()
                .preview(false)
                .request_matches(|request| {
                    String::from_utf8_lossy(&request.body).contains("\"acme-sb\"")
                })
                .respond_accepted(&SpConfigJob {
                    job_id: Some("i1".to_owned()),
                    status: Some(SpConfigJobStatus::NotStarted),
                    ..Default::default()
                }),
        )
        .await;
    tenant
        .mount(
            GetSpConfigImportStatus::when()
                .id("i1")
                .respond_ok(&SpConfigImportJobStatus {
                    job_id: Some("i1".to_owned()),
                    status: Some(status),
                    message: Some("2 objects refer to a missing source".to_owned()),
                    ..Default::default()
                }),
        )
        .await;
    tenant
        .mount(
            GetSpConfigImport::when()
                .id("i1")
                .respond_ok(&SpConfigImportResults {
                    export_job_id: Some("e1".to_owned()),
                    ..Default::default()
                }),
        )
        .await;
}

#[tokio::test]
async fn sp_config_export_then_import_into_another_tenant() {
    let tenant = start().await;
    mount_export(&tenant).await;
    mount_import(&tenant, SpConfigJobStatus::Complete).await;
    let client = client(&tenant);

    let payload = ExportPayload {
        description: Some("nightly".to_owned()),
        ..Default::default()
    };
    let (job, results) = sp_config::export(&client, payload, NOW)
        .await
        .expect("the export completes");
    assert_eq!(job, "e1");
    assert_eq!(results.tenant.as_deref(), Some("acme-sb"));

    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("export.json");
    sp_config::save_export(&results, &file).expect("saved");
    let imported = sp_config::import(&client, &file, ImportOptions::default(), false, NOW)
        .await
        .expect("the import completes");
    assert_eq!(imported.export_job_id.as_deref(), Some("e1"));

    let paths: Vec<String> = tenant
        .requests()
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v2025/sp-config/export",
            "GET /v2025/sp-config/export/e1",
            "GET /v2025/sp-config/export/e1",
            "GET /v2025/sp-config/export/e1/download",
            "POST /v2025/sp-config/import",
            "GET /v2025/sp-config/import/i1",
            "GET /v2025/sp-config/import/i1/download",
        ]
    );
}

#[tokio::test]
async fn a_failed_import_job_is_an_error_naming_its_status() {
    let tenant = start().await;
    mount_import(&tenant, SpConfigJobStatus::Failed).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("export.json");
    sp_config::save_export(&exported(), &file).expect("saved");

    let error = sp_config::import(
        &client(&tenant),
        &file,
        ImportOptions::default(),
        false,
        NOW,
    )
    .await
    .expect_err("a failed job is no success");
    let message = error.to_string();
    assert!(message.contains("import ended FAILED"), "{message}");
    let downloads = tenant
        .requests()
        .await
        .iter()
        .filter(|r| r.url.path().ends_with("/download"))
        .count();
    assert_eq!(downloads, 0, "no results are read from a failed job");
}

#[tokio::test]
async fn config_hub_upload_and_deploy_wait_out_a_429_storm() {
    let tenant = start().await;
    let upload = |status| ConfigurationHubBackupResponse {
        job_id: Some("u1".to_owned()),
        status: Some(status),
        total_object_count: Some(12),
        ..Default::default()
    };
    tenant
        .mount(
            CreateUploadedConfiguration::when()
                .request_matches(|r| String::from_utf8_lossy(&r.body).contains("name=\"data\""))
                .respond_accepted(&upload(ConfigurationHubBackupResponseStatus::NotStarted)),
        )
        .await;
    // Three 429s (Retry-After: 0) before the tenant answers the poll.
    tenant
        .mount(
            GetUploadedConfiguration::when()
                .id("u1")
                .too_many_requests(Duration::ZERO)
                .up_to_n_times(3)
                .with_priority(1),
        )
        .await;
    tenant
        .mount(
            GetUploadedConfiguration::when()
                .id("u1")
                .respond_ok(&upload(ConfigurationHubBackupResponseStatus::Complete)),
        )
        .await;
    tenant
        .mount(ListUploadedConfigurations::when().respond_ok(&vec![upload(
            ConfigurationHubBackupResponseStatus::Complete,
        )]))
        .await;
    tenant
        .mount(
            CreateDeploy::when()
                .body_matches(|request: &sdk::types::DeployRequest| request.draft_id == "d1")
                .respond_accepted(&DeployResponse {
                    job_id: Some("dep1".to_owned()),
                    status: Some(DeployResponseStatus::NotStarted),
                    ..Default::default()
                }),
        )
        .await;
    tenant
        .mount(GetDeploy::when().id("dep1").respond_ok(&DeployResponse {
            job_id: Some("dep1".to_owned()),
            status: Some(DeployResponseStatus::Complete),
            ..Default::default()
        }))
        .await;
    let client = client(&tenant);

    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("backup.json");
    std::fs::write(&file, br#"{"objects": []}"#).expect("written");
    let (done, uploads) = config_hub::upload(&client, &file, "nightly", NOW)
        .await
        .expect("the upload is processed despite the 429s");
    assert_eq!(done.total_object_count, Some(12));
    assert_eq!(uploads.len(), 1);
    let deployed = config_hub::deploy(&client, "d1", NOW)
        .await
        .expect("the deploy completes");
    assert_eq!(deployed.job_id.as_deref(), Some("dep1"));

    let polls = tenant
        .requests()
        .await
        .iter()
        .filter(|r| r.url.path() == "/v2025/configuration-hub/backups/uploads/u1")
        .count();
    assert_eq!(polls, 4, "three 429s, then the answer");
    assert_eq!(
        tenant.token_requests().await,
        1,
        "one token for the whole flow"
    );
}
