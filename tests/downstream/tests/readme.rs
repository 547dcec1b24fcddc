//! The README's mock-crate example, word for word: if it stops compiling
//! or passing, the README is wrong.

use sailpoint_v2025::{Client, prelude::*, types::{SpConfigImportJobStatus, SpConfigJobStatus}};
use sailpoint_v2025_mock::{GetSpConfigImportStatus, start};

#[tokio::test]
async fn reports_a_failed_import() {
    let tenant = start().await;
    tenant.mount(GetSpConfigImportStatus::when().id("i1").respond_ok(&SpConfigImportJobStatus {
        status: Some(SpConfigJobStatus::Failed), ..Default::default() })).await;
    let client = Client::from_config(&tenant.config());
    let status = client.get_sp_config_import_status().id("i1").send().await.unwrap();
    assert_eq!(status.status, Some(SpConfigJobStatus::Failed));
}
