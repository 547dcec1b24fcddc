//! The README's mock-crate example, word for word: if it stops compiling
//! or passing, the README is wrong.

use sailpoint_v2025::types::{SpConfigImportJobStatus, SpConfigJobStatus};
use sailpoint_v2025::{Client, prelude::*};
use sailpoint_v2025_mock::{GetSpConfigImportStatus, start};

#[tokio::test]
async fn reports_a_failed_import() {
    let tenant = start().await;
    let failed = SpConfigImportJobStatus {
        status: Some(SpConfigJobStatus::Failed),
        ..Default::default()
    };
    let mock = GetSpConfigImportStatus::when().id("i1").respond_ok(&failed);
    tenant.mount(mock).await;
    let client = Client::from_config(&tenant.config());
    let job = client.get_sp_config_import_status().id("i1").send().await;
    assert_eq!(job.unwrap().status, Some(SpConfigJobStatus::Failed));
}

// Not in the README: the check that the README shows the code above.
#[test]
fn the_readme_shows_this_example_word_for_word() {
    let readme = include_str!("../../../README.md");
    let this = include_str!("readme.rs");
    let start = this
        .find("use sailpoint_v2025::types")
        .expect("the example's first line");
    let end = this
        .find("\n// Not in the README")
        .expect("this test's marker");
    let example = &this[start..end];
    assert!(
        readme.contains(example),
        "README.md's mock-crate example differs from tests/downstream/tests/readme.rs"
    );
}
