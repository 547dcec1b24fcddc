// Connectors: list them, read a connector's configuration files, upload
// them back, patch a connector, create and delete a custom one. Included
// with `include!` after `common.rs` into a module that names the API
// crate `sdk` (v2024 or v2025), by the `connector_configs` example and by
// tests/flows.rs.

use sdk::prelude::*;
use sdk::types::{
    ConnectorDetail, GetConnectorListLocale, JsonPatchOperation, JsonPatchOperationOp,
    JsonPatchOperationValue, PutConnectorTranslationsLocale, UpdateDetail, V3ConnectorDto,
    V3CreateConnectorDto,
};

/// A connector's four configuration files, as the API serves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorFiles {
    pub source_config: Vec<u8>,
    pub source_template: Vec<u8>,
    pub correlation_config: Vec<u8>,
    /// The translations of one locale (a properties file).
    pub translations: Vec<u8>,
}

/// File names of [`ConnectorFiles`] in a directory.
pub const FILE_NAMES: [&str; 4] = [
    "source-config.xml",
    "source-template.xml",
    "correlation-config.xml",
    "translations.properties",
];

/// One page of connectors matching `filters`, and the total the server
/// counted (`X-Total-Count`, sent because `count=true`).
pub async fn list(
    client: &sdk::Client,
    filters: Option<&str>,
    limit: i32,
    offset: i32,
    locale: GetConnectorListLocale,
) -> Result<(Vec<V3ConnectorDto>, Option<u64>), FlowError> {
    let mut request = client
        .get_connector_list()
        .limit(limit)
        .offset(offset)
        .count(true)
        .locale(locale);
    if let Some(filters) = filters {
        request = request.filters(filters);
    }
    let response = request.send().await?;
    let total = response
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let connectors = response.into_inner();
    for c in &connectors {
        println!(
            "  {}\t{}",
            c.script_name.as_deref().unwrap_or("-"),
            c.name.as_deref().unwrap_or("-")
        );
    }
    println!(
        "{} connector(s) listed, {} in total",
        connectors.len(),
        total.map_or_else(|| "?".to_owned(), |t: u64| t.to_string())
    );
    Ok((connectors, total))
}

/// A connector by script name.
pub async fn get(client: &sdk::Client, script_name: &str) -> Result<ConnectorDetail, FlowError> {
    let detail = client
        .get_connector()
        .script_name(script_name)
        .send()
        .await?
        .into_inner();
    println!(
        "connector {script_name}: {} ({})",
        detail.name.as_deref().unwrap_or("-"),
        detail.class_name.as_deref().unwrap_or("-")
    );
    Ok(detail)
}

/// Downloads the source config, source template, correlation config (XML)
/// and the translations of `locale` (text).
pub async fn read_files(
    client: &sdk::Client,
    script_name: &str,
    locale: PutConnectorTranslationsLocale,
) -> Result<ConnectorFiles, FlowError> {
    let source_config = read_stream(
        client
            .get_connector_source_config()
            .script_name(script_name)
            .send()
            .await?,
    )
    .await?;
    let source_template = read_stream(
        client
            .get_connector_source_template()
            .script_name(script_name)
            .send()
            .await?,
    )
    .await?;
    let correlation_config = read_stream(
        client
            .get_connector_correlation_config()
            .script_name(script_name)
            .send()
            .await?,
    )
    .await?;
    let translations = read_stream(
        client
            .get_connector_translations()
            .script_name(script_name)
            .locale(locale.as_str())
            .send()
            .await?,
    )
    .await?;
    Ok(ConnectorFiles {
        source_config,
        source_template,
        correlation_config,
        translations,
    })
}

/// Writes the files into `dir`, under [`FILE_NAMES`].
pub fn save_files(files: &ConnectorFiles, dir: &std::path::Path) -> Result<(), FlowError> {
    std::fs::create_dir_all(dir).map_err(|e| flow_error(format!("{}: {e}", dir.display())))?;
    let contents = [
        &files.source_config,
        &files.source_template,
        &files.correlation_config,
        &files.translations,
    ];
    for (name, content) in FILE_NAMES.iter().zip(contents) {
        let path = dir.join(name);
        std::fs::write(&path, content)
            .map_err(|e| flow_error(format!("{}: {e}", path.display())))?;
        println!("  saved {} ({} bytes)", path.display(), content.len());
    }
    Ok(())
}

/// Reads the files [`save_files`] wrote.
pub fn load_files(dir: &std::path::Path) -> Result<ConnectorFiles, FlowError> {
    let [a, b, c, d] = FILE_NAMES.map(|name| read_file(&dir.join(name)));
    Ok(ConnectorFiles {
        source_config: a?,
        source_template: b?,
        correlation_config: c?,
        translations: d?,
    })
}

/// Uploads each file as the multipart part `file`; returns the server's
/// update details in the order of [`FILE_NAMES`].
pub async fn upload_files(
    client: &sdk::Client,
    script_name: &str,
    locale: PutConnectorTranslationsLocale,
    files: &ConnectorFiles,
) -> Result<Vec<UpdateDetail>, FlowError> {
    use sailpoint_runtime::FilePart;
    let xml = |name: &str, bytes: &Vec<u8>| {
        FilePart::bytes(name.to_owned(), bytes.clone()).with_content_type("application/xml")
    };
    let details = vec![
        client
            .put_connector_source_config()
            .script_name(script_name)
            .file(xml(FILE_NAMES[0], &files.source_config))
            .send()
            .await?
            .into_inner(),
        client
            .put_connector_source_template()
            .script_name(script_name)
            .file(xml(FILE_NAMES[1], &files.source_template))
            .send()
            .await?
            .into_inner(),
        client
            .put_connector_correlation_config()
            .script_name(script_name)
            .file(xml(FILE_NAMES[2], &files.correlation_config))
            .send()
            .await?
            .into_inner(),
        client
            .put_connector_translations()
            .script_name(script_name)
            .locale(locale)
            .file(
                FilePart::bytes(FILE_NAMES[3], files.translations.clone())
                    .with_content_type("text/plain"),
            )
            .send()
            .await?
            .into_inner(),
    ];
    for (name, detail) in FILE_NAMES.iter().zip(&details) {
        println!(
            "  {name}: {}{}",
            detail
                .status
                .as_ref()
                .map_or_else(|| "?".to_owned(), ToString::to_string),
            detail
                .message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        );
    }
    Ok(details)
}

/// Creates a custom connector, renames it with a JSON Patch, and deletes
/// it: the lifecycle of a connector built outside ISC.
pub async fn custom_connector_lifecycle(
    client: &sdk::Client,
    name: &str,
    class_name: &str,
    new_name: &str,
) -> Result<(V3ConnectorDto, ConnectorDetail), FlowError> {
    let created = client
        .create_custom_connector()
        .body(V3CreateConnectorDto {
            class_name: class_name.to_owned(),
            direct_connect: Some(true),
            name: name.to_owned(),
            status: None,
            // The server derives it: `custom <name>`.
            type_: None,
            extra: Default::default(),
        })
        .send()
        .await?
        .into_inner();
    let script_name = created
        .script_name
        .clone()
        .ok_or_else(|| flow_error("the created connector has no script name"))?;
    println!("created custom connector {script_name}");
    let patched = client
        .update_connector()
        .script_name(script_name.as_str())
        .body(vec![JsonPatchOperation {
            op: JsonPatchOperationOp::Replace,
            path: "/name".to_owned(),
            value: Some(JsonPatchOperationValue::String(new_name.to_owned())),
            extra: Default::default(),
        }])
        .send()
        .await?
        .into_inner();
    println!("renamed it to {}", patched.name.as_deref().unwrap_or("-"));
    client
        .delete_custom_connector()
        .script_name(script_name.as_str())
        .send()
        .await?;
    println!("deleted {script_name}");
    Ok((created, patched))
}
