//! A mock tenant: a wiremock server speaking SailPoint's OAuth.

use sailpoint_runtime::{Config, ConfigBuilder, RetryPolicy, Sources};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The client id [`MockTenant::config`] authenticates with.
pub const CLIENT_ID: &str = "mock-client-id";
/// The client secret [`MockTenant::config`] authenticates with.
pub const CLIENT_SECRET: &str = "mock-client-secret";
/// The access token the mock tenant's token endpoint hands out.
pub const TOKEN: &str = "mock-access-token";

const TOKEN_PATH: &str = "/oauth/token";

/// A SailPoint tenant on 127.0.0.1, inside the test's process: its token
/// endpoint answers the client-credentials grant of [`CLIENT_ID`] and
/// [`CLIENT_SECRET`]; every API answer is a mock the test mounts.
/// Requests no mock matches get `404`.
pub struct MockTenant {
    server: MockServer,
    base_path: &'static str,
}

impl MockTenant {
    /// Starts a tenant serving the API version under `base_path`
    /// (`/v2025`). The generated crates' `start()` passes theirs.
    pub async fn start(base_path: &'static str) -> MockTenant {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .and(|request: &Request| {
                let form = String::from_utf8_lossy(&request.body);
                form.contains(&format!("client_id={CLIENT_ID}"))
                    && form.contains(&format!("client_secret={CLIENT_SECRET}"))
            })
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": TOKEN,
                "token_type": "bearer",
                "expires_in": 3600,
            })))
            .named("OAuth token")
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({
                "error": "invalid_client",
                "error_description": "Bad credentials",
            })))
            .with_priority(10)
            .named("OAuth token, wrong credentials")
            .mount(&server)
            .await;
        MockTenant { server, base_path }
    }

    /// The tenant's URL (`http://127.0.0.1:PORT`), the `base_url` of a
    /// [`Config`].
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The API version's path (`/v2025`).
    pub fn base_path(&self) -> &'static str {
        self.base_path
    }

    /// The wiremock server, for what this type does not wrap
    /// (`verify`, `reset`).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// A configuration for this tenant, ready to change: its URL, the
    /// mock credentials, nothing read from the environment or config files,
    /// and the default retry policy with a 10 ms first back-off.
    pub fn config_builder(&self) -> ConfigBuilder {
        Config::builder()
            .sources(Sources::none())
            .base_url(self.uri())
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .retry(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(10)))
    }

    /// [`config_builder`](Self::config_builder), built.
    ///
    /// # Panics
    /// Never for the builder's own settings; a panic here is a bug of
    /// this crate.
    pub fn config(&self) -> Config {
        self.config_builder()
            .build()
            .unwrap_or_else(|e| panic!("the mock tenant's own configuration is refused: {e}"))
    }

    /// Mounts `mock` (a generated operation mock's answer) on the tenant.
    pub async fn mount(&self, mock: Mock) {
        mock.mount(&self.server).await;
    }

    /// The API requests the tenant received, in order, the token requests
    /// left out.
    pub async fn requests(&self) -> Vec<Request> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() != TOKEN_PATH)
            .collect()
    }

    /// How many token requests the tenant received.
    pub async fn token_requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == TOKEN_PATH)
            .count()
    }
}
