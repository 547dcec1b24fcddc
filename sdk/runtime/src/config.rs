//! Where the runtime finds the tenant, the credentials and the HTTP settings.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderValue, USER_AGENT};

use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::token::{self, TokenCache};

/// Time allowed to open a TCP (and TLS) connection, unless
/// [`ConfigBuilder::connect_timeout`] says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Time allowed for one whole HTTP exchange (connect, send, and read the full
/// response), unless [`ConfigBuilder::timeout`] says otherwise. Each retry
/// gets this time again.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long before its announced expiry a cached access token is replaced,
/// unless [`ConfigBuilder::token_refresh_margin`] says otherwise. For tokens
/// living less than twice this margin, half their lifetime is used instead.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The `User-Agent` every request carries, before any
/// [`ConfigBuilder::user_agent_suffix`].
pub const USER_AGENT_PREFIX: &str = concat!("sailpoint-rust-sdk/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the tenant URL.
pub const ENV_BASE_URL: &str = "SAIL_BASE_URL";
/// Environment variable holding the OAuth client id (or personal access token id).
pub const ENV_CLIENT_ID: &str = "SAIL_CLIENT_ID";
/// Environment variable holding the OAuth client secret.
pub const ENV_CLIENT_SECRET: &str = "SAIL_CLIENT_SECRET";
/// Environment variable overriding the token URL (default `<tenant>/oauth/token`).
pub const ENV_TOKEN_URL: &str = "SAIL_TOKEN_URL";

/// One place configuration can come from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigSource {
    /// Values given to [`ConfigBuilder`] in code.
    Explicit,
    /// The `SAIL_*` environment variables.
    Environment,
    /// `config.json` in the working directory (keys `BaseURL`, `ClientId`,
    /// `ClientSecret`), as read by SailPoint's own SDKs.
    ConfigJson(PathBuf),
    /// The sailpoint-cli file `~/.sailpoint/config.yaml`.
    CliConfig(PathBuf),
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::Explicit => f.write_str("explicit configuration"),
            ConfigSource::Environment => f.write_str("environment variables"),
            ConfigSource::ConfigJson(path) | ConfigSource::CliConfig(path) => {
                write!(f, "{}", path.display())
            }
        }
    }
}

/// What one source held when a configuration was looked for: part of
/// [`ConfigError::NotFound`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceAttempt {
    /// The source looked at.
    pub source: ConfigSource,
    /// Why it gave no configuration, e.g. `not found` or
    /// `SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET not set`.
    pub outcome: String,
}

/// Configuration could not be assembled. No variant ever holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No source held any configuration.
    #[error("no SailPoint configuration found; tried {}", list_attempts(.tried))]
    NotFound {
        /// Every source looked at, highest precedence first.
        tried: Vec<SourceAttempt>,
    },
    /// The highest-precedence source that held anything did not hold
    /// everything; lower sources are not used to fill the gaps.
    #[error("incomplete SailPoint configuration in {origin}: missing {}", .missing.join(", "))]
    Incomplete {
        /// The source with some but not all values.
        origin: ConfigSource,
        /// The names (as that source spells them) of the missing values.
        missing: Vec<String>,
    },
    /// A configuration file exists but cannot be understood.
    #[error("malformed configuration file {}: `{key}`: {problem}", .file.display())]
    Malformed {
        /// The file.
        file: PathBuf,
        /// The key at fault, or `(document)` when the file does not parse.
        key: String,
        /// What is wrong with it (never its value).
        problem: String,
    },
    /// A configuration file exists but cannot be read.
    #[error("cannot read configuration file {}: {error}", .file.display())]
    Unreadable {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        #[source]
        error: std::io::Error,
    },
    /// A URL does not parse or cannot be used.
    #[error("invalid {what} URL `{url}` from {origin}: {problem}")]
    InvalidUrl {
        /// Which URL: `tenant`, `token` or `proxy`.
        what: &'static str,
        /// The URL, without any user name or password it contained.
        url: String,
        /// Where it came from.
        origin: ConfigSource,
        /// What is wrong with it.
        problem: String,
    },
    /// A plain `http://` URL to a host other than loopback, without
    /// [`ConfigBuilder::allow_insecure_http`]: the token would travel in clear
    /// text.
    #[error(
        "refusing plain-http {what} URL `{url}`: credentials would be sent unencrypted; use https, or allow_insecure_http(true) for a trusted network"
    )]
    InsecureUrl {
        /// Which URL: `tenant` or `token`.
        what: &'static str,
        /// The URL.
        url: String,
    },
    /// The `User-Agent` suffix is not a valid header value.
    #[error("invalid User-Agent suffix: it must be visible ASCII")]
    InvalidUserAgent,
    /// The HTTP client could not be built (e.g. TLS initialisation failed).
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

fn list_attempts(tried: &[SourceAttempt]) -> String {
    tried
        .iter()
        .map(|t| format!("{} ({})", t.source, t.outcome))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The outside inputs configuration is read from: environment variables, the
/// working directory (for `config.json`) and the home directory (for
/// `.sailpoint/config.yaml`). [`Sources::system`] reads the real ones;
/// tests build their own so they never depend on the machine they run on.
#[derive(Clone, Default)]
pub struct Sources {
    env: HashMap<String, String>,
    cwd: Option<PathBuf>,
    home: Option<PathBuf>,
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.env.keys().collect();
        names.sort();
        f.debug_struct("Sources")
            .field("env_names", &names)
            .field("cwd", &self.cwd)
            .field("home", &self.home)
            .finish()
    }
}

impl Sources {
    /// The process's `SAIL_*` environment variables, current directory and
    /// home directory, as they are now.
    pub fn system() -> Self {
        Sources {
            env: std::env::vars()
                .filter(|(name, _)| name.starts_with("SAIL_"))
                .collect(),
            cwd: std::env::current_dir().ok(),
            home: std::env::home_dir(),
        }
    }

    /// No environment variables, no working directory and no home directory:
    /// only explicit configuration is found.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds environment variables.
    pub fn env<K: Into<String>, V: Into<String>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.env
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets the directory `config.json` is looked for in.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets the home directory `.sailpoint/config.yaml` is looked for in.
    pub fn home(mut self, dir: impl Into<PathBuf>) -> Self {
        self.home = Some(dir.into());
        self
    }

    fn var(&self, name: &str) -> Option<String> {
        self.env
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// Values found in one source, before validation.
#[derive(Default)]
struct Found {
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    access_token: Option<Secret>,
    token_url: Option<String>,
}

impl Found {
    fn is_empty(&self) -> bool {
        self.base_url.is_none()
            && self.client_id.is_none()
            && self.client_secret.is_none()
            && self.access_token.is_none()
    }
}

/// How a source spells each value, for error messages.
struct Names {
    base_url: String,
    client_id: String,
    client_secret: String,
}

enum Lookup {
    /// The source holds nothing; the string says what was looked for.
    Absent(String),
    /// The source holds something; `resolve` checks it is complete.
    Found(Found, Names),
    /// The source is meant to be used but lacks these keys.
    Incomplete(Vec<String>),
}

#[derive(Clone)]
pub(crate) enum Credentials {
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
    AccessToken(Secret),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", client_secret)
                .finish(),
            Credentials::AccessToken(token) => f.debug_tuple("AccessToken").field(token).finish(),
        }
    }
}

/// Everything a [`Runtime`](crate::Runtime) needs: the tenant, the
/// credentials, HTTP settings and the retry policy.
///
/// Build one with [`Config::builder`] (or [`Config::load`] to read only the
/// outside sources). Cloning is cheap and clones share one access-token
/// cache, so every client built from one `Config` (e.g. a `v2025` and a
/// `beta` client) fetches tokens once.
///
/// # Where values come from
///
/// Sources, highest precedence first:
///
/// 1. explicit values on the [`ConfigBuilder`];
/// 2. the environment variables `SAIL_BASE_URL`, `SAIL_CLIENT_ID`,
///    `SAIL_CLIENT_SECRET` (and `SAIL_TOKEN_URL` if set);
/// 3. `./config.json` with keys `BaseURL`, `ClientId`, `ClientSecret`;
/// 4. `~/.sailpoint/config.yaml` as written by the sailpoint CLI:
///    `activeenvironment`, then `environments.<env>.baseurl`,
///    `environments.<env>.pat.clientid` and
///    `environments.<env>.pat.clientsecret`.
///
/// **The first source holding anything wins, and must be complete.** Sources
/// are not merged field by field: mixing a client id from one place with a
/// secret or tenant from another would send credentials to a tenant they do
/// not belong to, and a half-set environment silently falling back to a
/// file would hide a typo. A source that holds some values but not all is an
/// error ([`ConfigError::Incomplete`]) naming the missing keys; when no
/// source holds anything, [`ConfigError::NotFound`] lists every source
/// tried. HTTP settings (timeouts, proxy, User-Agent, retries) and an
/// explicit [`token_url`](ConfigBuilder::token_url) are not credentials and
/// always come from the builder.
///
/// # Defaults
///
/// | setting | default |
/// | --- | --- |
/// | token URL | `<tenant>/oauth/token` |
/// | connect timeout | [`DEFAULT_CONNECT_TIMEOUT`] (10 s) |
/// | whole-request timeout | [`DEFAULT_TIMEOUT`] (120 s, per attempt) |
/// | proxy | the system proxy variables, as `reqwest` reads them |
/// | User-Agent | [`USER_AGENT_PREFIX`] (`sailpoint-rust-sdk/<version>`) |
/// | retries | [`RetryPolicy::default`] |
/// | plain `http://` | refused unless the host is loopback |
///
/// `Debug` shows no secret.
#[derive(Clone)]
pub struct Config {
    tenant: String,
    token_url: String,
    source: ConfigSource,
    http: reqwest::Client,
    user_agent: String,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    proxy: Option<String>,
    retry: RetryPolicy,
    auth: Auth,
}

#[derive(Clone, Debug)]
pub(crate) enum Auth {
    Static(Secret),
    OAuth(Arc<TokenCache>),
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("tenant", &self.tenant)
            .field("token_url", &self.token_url)
            .field("source", &self.source)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy)
            .field("retry", &self.retry)
            .field("auth", &self.auth)
            .finish()
    }
}

impl Config {
    /// A builder; see [`Config`] for the sources it reads.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the configuration from the environment, `./config.json` and
    /// `~/.sailpoint/config.yaml` with default settings.
    pub fn load() -> Result<Config, ConfigError> {
        Self::builder().build()
    }

    /// The tenant URL without version suffix or trailing slash, e.g.
    /// `https://acme.api.identitynow.com`.
    pub fn tenant_url(&self) -> &str {
        &self.tenant
    }

    /// The base URL of one API version, for a generated crate's
    /// `Client::new`: `base_url_for("/v2025")` (or `"v2025"`) gives
    /// `https://acme.api.identitynow.com/v2025`.
    pub fn base_url_for(&self, version: &str) -> String {
        let version = version.trim_matches('/');
        if version.is_empty() {
            self.tenant.clone()
        } else {
            format!("{}/{version}", self.tenant)
        }
    }

    /// The OAuth2 token URL.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// Where the credentials came from.
    pub fn source(&self) -> &ConfigSource {
        &self.source
    }

    /// The `User-Agent` header value sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The HTTP client with this configuration's timeouts, proxy and
    /// User-Agent, for a generated crate's `Client::new_with_client`. It is
    /// built once; clones share its connection pool.
    pub fn http_client(&self) -> reqwest::Client {
        self.http.clone()
    }

    /// A [`Runtime`](crate::Runtime) using these credentials and retry
    /// policy; the same as [`Runtime::from_config`](crate::Runtime::from_config).
    pub fn runtime(&self) -> crate::Runtime {
        crate::Runtime::from_config(self)
    }

    pub(crate) fn auth(&self) -> &Auth {
        &self.auth
    }
}

/// Builds a [`Config`]; every setter is optional.
#[derive(Default)]
pub struct ConfigBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    token_url: Option<String>,
    sources: Option<Sources>,
    connect_timeout: Option<Duration>,
    timeout: Option<Option<Duration>>,
    proxy: Option<String>,
    no_proxy: bool,
    user_agent_suffix: Option<String>,
    retry: Option<RetryPolicy>,
    allow_insecure_http: bool,
    token_refresh_margin: Option<Duration>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("base_url", &self.base_url.as_deref().map(without_userinfo))
            .field("credentials", &self.credentials)
            .field(
                "token_url",
                &self.token_url.as_deref().map(without_userinfo),
            )
            .field("sources", &self.sources)
            .field("proxy", &self.proxy.as_deref().map(strip_password))
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The tenant URL, e.g. `https://acme.api.identitynow.com`. A trailing
    /// slash and a version suffix (`/v3`, `/v2024`, `/v2025`, `/beta`) are
    /// removed: give the tenant once, and get each version's base from
    /// [`Config::base_url_for`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticate with OAuth2 client credentials (a personal access token
    /// is such a pair).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
        });
        self
    }

    /// Authenticate with a fixed access token; the token URL is never called
    /// and the token is never refreshed.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::AccessToken(Secret::new(token)));
        self
    }

    /// The OAuth2 token URL, overriding `SAIL_TOKEN_URL` and the default
    /// `<tenant>/oauth/token`.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Where to read the environment and configuration files; default
    /// [`Sources::system`]. Use [`Sources::none`] to use explicit values only.
    pub fn sources(mut self, sources: Sources) -> Self {
        self.sources = Some(sources);
        self
    }

    /// Time allowed to establish a connection; default
    /// [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one whole HTTP exchange, body included; `None` for
    /// no limit. Default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends every request through this proxy (e.g. `http://proxy:3128`),
    /// instead of the system proxy settings.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Uses no proxy at all, ignoring the system proxy settings.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Appended to the `User-Agent` after a space, e.g. `my-tool/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The retry policy; default [`RetryPolicy::default`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Allows plain `http://` tenant and token URLs to non-loopback hosts.
    /// Off by default: the client secret and tokens would cross the network
    /// unencrypted. Loopback (`127.0.0.1`, `::1`, `localhost`) is always
    /// allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long before expiry a cached token is replaced; default
    /// [`DEFAULT_TOKEN_REFRESH_MARGIN`].
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = Some(margin);
        self
    }

    /// Looks through the sources, validates the URLs and builds the HTTP
    /// client.
    pub fn build(self) -> Result<Config, ConfigError> {
        let sources = self.sources.clone().unwrap_or_else(Sources::system);
        let (found, origin) = self.resolve(&sources)?;

        let tenant_raw = found.base_url.unwrap_or_default();
        let tenant = normalize_tenant(&tenant_raw, self.allow_insecure_http, &origin)?;
        let (token_url_raw, token_origin) = match (&self.token_url, found.token_url) {
            (Some(url), _) => (url.clone(), ConfigSource::Explicit),
            (None, Some(url)) => (url, origin.clone()),
            (None, None) => (format!("{tenant}/oauth/token"), origin.clone()),
        };
        let token_url = check_url(
            "token",
            &token_url_raw,
            self.allow_insecure_http,
            &token_origin,
        )?;

        let mut user_agent = USER_AGENT_PREFIX.to_owned();
        if let Some(suffix) = self.user_agent_suffix.as_deref().map(str::trim)
            && !suffix.is_empty()
        {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let user_agent_value =
            HeaderValue::from_str(&user_agent).map_err(|_| ConfigError::InvalidUserAgent)?;

        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let timeout = self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT));
        let proxy =
            match &self.proxy {
                Some(proxy) => Some(reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
                    ConfigError::InvalidUrl {
                        what: "proxy",
                        url: strip_password(proxy),
                        origin: ConfigSource::Explicit,
                        problem: e.to_string(),
                    }
                })?),
                None => None,
            };
        let client_builder = || {
            let mut http = reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                .default_headers(
                    [(USER_AGENT, user_agent_value.clone())]
                        .into_iter()
                        .collect(),
                );
            if let Some(timeout) = timeout {
                http = http.timeout(timeout);
            }
            if self.no_proxy {
                http = http.no_proxy();
            }
            if let Some(proxy) = &proxy {
                http = http.proxy(proxy.clone());
            }
            http
        };
        let http = client_builder().build().map_err(ConfigError::HttpClient)?;
        let retry = self.retry.clone().unwrap_or_default();

        let credentials = match (
            found.client_id,
            found.client_secret,
            found.access_token,
            self.credentials,
        ) {
            (_, _, _, Some(credentials)) => credentials,
            (_, _, Some(token), None) => Credentials::AccessToken(token),
            (Some(client_id), Some(client_secret), None, None) => Credentials::ClientCredentials {
                client_id,
                client_secret,
            },
            // `resolve` only returns complete sources.
            _ => {
                return Err(ConfigError::Incomplete {
                    origin,
                    missing: vec!["credentials".into()],
                });
            }
        };
        let auth = match credentials {
            Credentials::AccessToken(token) => Auth::Static(token),
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                // Its own client: the token request carries the client
                // secret, so it never follows a redirect to another origin.
                let token_http = client_builder()
                    .redirect(token::redirect_policy())
                    .build()
                    .map_err(ConfigError::HttpClient)?;
                Auth::OAuth(Arc::new(TokenCache::new(
                    token_http,
                    token_url.clone(),
                    client_id,
                    client_secret,
                    self.token_refresh_margin
                        .unwrap_or(DEFAULT_TOKEN_REFRESH_MARGIN),
                    retry.clone(),
                )))
            }
        };

        Ok(Config {
            tenant,
            token_url,
            source: origin,
            http,
            user_agent,
            connect_timeout,
            timeout,
            proxy: self.proxy.as_deref().map(strip_password),
            retry,
            auth,
        })
    }

    /// The first source holding anything, checked for completeness.
    fn resolve(&self, sources: &Sources) -> Result<(Found, ConfigSource), ConfigError> {
        let mut tried = Vec::new();
        let lookups = [
            (ConfigSource::Explicit, self.explicit()),
            (ConfigSource::Environment, Ok(from_env(sources))),
        ];
        let mut all: Vec<(ConfigSource, Result<Lookup, ConfigError>)> = lookups.into();
        match &sources.cwd {
            Some(cwd) => {
                let path = cwd.join("config.json");
                let lookup = from_config_json(&path);
                all.push((ConfigSource::ConfigJson(path), lookup));
            }
            None => tried.push(SourceAttempt {
                source: ConfigSource::ConfigJson(PathBuf::from("./config.json")),
                outcome: "no working directory".into(),
            }),
        }
        match &sources.home {
            Some(home) => {
                let path = home.join(".sailpoint").join("config.yaml");
                let lookup = from_cli_config(&path);
                all.push((ConfigSource::CliConfig(path), lookup));
            }
            None => tried.push(SourceAttempt {
                source: ConfigSource::CliConfig(PathBuf::from("~/.sailpoint/config.yaml")),
                outcome: "no home directory".into(),
            }),
        }
        let mut absent = Vec::new();
        for (source, lookup) in all {
            match lookup? {
                Lookup::Absent(outcome) => absent.push(SourceAttempt { source, outcome }),
                Lookup::Incomplete(missing) => {
                    return Err(ConfigError::Incomplete {
                        origin: source,
                        missing,
                    });
                }
                Lookup::Found(found, names) => {
                    let mut missing = Vec::new();
                    if found.base_url.is_none() {
                        missing.push(names.base_url);
                    }
                    if found.access_token.is_none() {
                        if found.client_id.is_none() {
                            missing.push(names.client_id);
                        }
                        if found.client_secret.is_none() && !names.client_secret.is_empty() {
                            missing.push(names.client_secret);
                        }
                    }
                    if !missing.is_empty() {
                        return Err(ConfigError::Incomplete {
                            origin: source,
                            missing,
                        });
                    }
                    return Ok((found, source));
                }
            }
        }
        absent.extend(tried);
        Err(ConfigError::NotFound { tried: absent })
    }

    fn explicit(&self) -> Result<Lookup, ConfigError> {
        let mut found = Found {
            base_url: self.base_url.clone(),
            ..Found::default()
        };
        match &self.credentials {
            Some(Credentials::AccessToken(token)) => found.access_token = Some(token.clone()),
            Some(Credentials::ClientCredentials {
                client_id,
                client_secret,
            }) => {
                found.client_id = Some(client_id.clone());
                found.client_secret = Some(client_secret.clone());
            }
            None => {}
        }
        if found.is_empty() {
            return Ok(Lookup::Absent("nothing set".into()));
        }
        Ok(Lookup::Found(
            found,
            Names {
                base_url: "base_url".into(),
                // The builder sets id and secret together, so only the
                // credentials as a whole can be missing.
                client_id: "client_credentials or access_token".into(),
                client_secret: String::new(),
            },
        ))
    }
}

fn from_env(sources: &Sources) -> Lookup {
    let found = Found {
        base_url: sources.var(ENV_BASE_URL),
        client_id: sources.var(ENV_CLIENT_ID),
        client_secret: sources.var(ENV_CLIENT_SECRET).map(Secret::new),
        access_token: None,
        token_url: sources.var(ENV_TOKEN_URL),
    };
    if found.is_empty() {
        return Lookup::Absent(format!(
            "{ENV_BASE_URL}, {ENV_CLIENT_ID}, {ENV_CLIENT_SECRET} not set"
        ));
    }
    Lookup::Found(
        found,
        Names {
            base_url: ENV_BASE_URL.into(),
            client_id: ENV_CLIENT_ID.into(),
            client_secret: ENV_CLIENT_SECRET.into(),
        },
    )
}

fn read_file(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            Err(ConfigError::Malformed {
                file: path.to_owned(),
                key: "(document)".into(),
                problem: "not UTF-8 text".into(),
            })
        }
        Err(error) => Err(ConfigError::Unreadable {
            file: path.to_owned(),
            error,
        }),
    }
}

fn malformed(path: &Path, key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Malformed {
        file: path.to_owned(),
        key: key.to_owned(),
        problem: problem.into(),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn from_config_json(path: &Path) -> Result<Lookup, ConfigError> {
    let Some(text) = read_file(path)? else {
        return Ok(Lookup::Absent("not found".into()));
    };
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        malformed(
            path,
            "(document)",
            format!("not valid JSON (line {}, column {})", e.line(), e.column()),
        )
    })?;
    let serde_json::Value::Object(map) = document else {
        return Err(malformed(
            path,
            "(document)",
            format!("expected an object, found {}", json_kind(&document)),
        ));
    };
    let field = |key: &str| -> Result<Option<String>, ConfigError> {
        match map.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(malformed(
                path,
                key,
                format!("expected a string, found {}", json_kind(other)),
            )),
        }
    };
    let found = Found {
        base_url: field("BaseURL")?,
        client_id: field("ClientId")?,
        client_secret: field("ClientSecret")?.map(Secret::new),
        access_token: None,
        token_url: None,
    };
    if found.is_empty() {
        return Ok(Lookup::Absent(
            "no BaseURL, ClientId or ClientSecret".into(),
        ));
    }
    Ok(Lookup::Found(
        found,
        Names {
            base_url: "BaseURL".into(),
            client_id: "ClientId".into(),
            client_secret: "ClientSecret".into(),
        },
    ))
}

fn yaml_kind(value: &serde_norway::Value) -> &'static str {
    match value {
        serde_norway::Value::Null => "null",
        serde_norway::Value::Bool(_) => "a boolean",
        serde_norway::Value::Number(_) => "a number",
        serde_norway::Value::String(_) => "a string",
        serde_norway::Value::Sequence(_) => "a list",
        serde_norway::Value::Mapping(_) => "a mapping",
        serde_norway::Value::Tagged(_) => "a tagged value",
    }
}

fn from_cli_config(path: &Path) -> Result<Lookup, ConfigError> {
    use serde_norway::Value;

    let Some(text) = read_file(path)? else {
        return Ok(Lookup::Absent("not found".into()));
    };
    let document: Value = serde_norway::from_str(&text).map_err(|e| {
        let place = e
            .location()
            .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
            .unwrap_or_default();
        malformed(path, "(document)", format!("not valid YAML{place}"))
    })?;
    if document.is_null() {
        return Ok(Lookup::Absent("empty".into()));
    }
    if !document.is_mapping() {
        return Err(malformed(
            path,
            "(document)",
            format!("expected a mapping, found {}", yaml_kind(&document)),
        ));
    }
    // Walks `keys` from `value`; a missing or null key is `None`, a
    // non-string leaf or a non-mapping on the way is an error.
    let string_at = |keys: &[&str]| -> Result<Option<String>, ConfigError> {
        let mut current = &document;
        for (i, key) in keys.iter().enumerate() {
            let dotted = keys[..=i].join(".");
            match current.get(*key) {
                None | Some(Value::Null) => return Ok(None),
                Some(next) if i + 1 < keys.len() && !next.is_mapping() => {
                    return Err(malformed(
                        path,
                        &dotted,
                        format!("expected a mapping, found {}", yaml_kind(next)),
                    ));
                }
                Some(next) => current = next,
            }
        }
        let dotted = keys.join(".");
        match current {
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => Ok(Some(s.trim().to_owned())),
            other => Err(malformed(
                path,
                &dotted,
                format!("expected a string, found {}", yaml_kind(other)),
            )),
        }
    };
    let Some(env) = string_at(&["activeenvironment"])? else {
        if document.get("environments").is_some() {
            return Ok(Lookup::Incomplete(vec!["activeenvironment".into()]));
        }
        return Ok(Lookup::Absent("no activeenvironment".into()));
    };
    let prefix = ["environments", env.as_str()];
    let key = |rest: &[&'static str]| -> Vec<&str> {
        prefix.iter().copied().chain(rest.iter().copied()).collect()
    };
    let found = Found {
        base_url: string_at(&key(&["baseurl"]))?,
        client_id: string_at(&key(&["pat", "clientid"]))?,
        client_secret: string_at(&key(&["pat", "clientsecret"]))?.map(Secret::new),
        access_token: None,
        token_url: None,
    };
    let names = Names {
        base_url: format!("environments.{env}.baseurl"),
        client_id: format!("environments.{env}.pat.clientid"),
        client_secret: format!(
            "environments.{env}.pat.clientsecret (the CLI may keep it in the OS keyring instead)"
        ),
    };
    // `activeenvironment` is set, so the source is meant to be used even
    // when the environment holds nothing: `resolve` reports what it lacks.
    Ok(Lookup::Found(found, names))
}

/// Removes a password from a URL before it is shown.
fn strip_password(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("redacted"));
            }
            parsed.to_string()
        }
        Err(_) => url.chars().take(200).collect(),
    }
}

/// `raw` with any `user:password@` removed, for an error message about a
/// tenant or token URL. Unparsable text loses everything before the last
/// `@` of its authority too.
fn without_userinfo(raw: &str) -> String {
    let raw = raw.trim();
    if let Ok(mut url) = Url::parse(raw) {
        let _ = url.set_username("");
        let _ = url.set_password(None);
        return url.to_string();
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), raw),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let shown = format!("{scheme}{host}{path}");
    shown.chars().take(200).collect()
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_url(
    what: &'static str,
    raw: &str,
    allow_http: bool,
    origin: &ConfigSource,
) -> Result<String, ConfigError> {
    let invalid = |problem: &str| ConfigError::InvalidUrl {
        what,
        url: without_userinfo(raw),
        origin: origin.clone(),
        problem: problem.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    // Credentials in the URL would show wherever the URL does (Debug,
    // logs, errors), and reqwest would send them as Basic auth.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "a user name or password in the URL is not allowed; give credentials as client id and secret",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&url) => {}
        "http" => {
            return Err(ConfigError::InsecureUrl {
                what,
                url: without_userinfo(raw),
            });
        }
        _ => return Err(invalid("the scheme must be https")),
    }
    if url.host().is_none() {
        return Err(invalid("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query or fragment is not allowed"));
    }
    Ok(url.to_string())
}

/// Validates the tenant URL and removes a trailing slash and version suffix.
fn normalize_tenant(
    raw: &str,
    allow_http: bool,
    origin: &ConfigSource,
) -> Result<String, ConfigError> {
    let checked = check_url("tenant", raw, allow_http, origin)?;
    let mut url = Url::parse(&checked).map_err(|e| ConfigError::InvalidUrl {
        what: "tenant",
        url: without_userinfo(raw),
        origin: origin.clone(),
        problem: e.to_string(),
    })?;
    let mut segments: Vec<String> = url
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if segments.last().is_some_and(|s| is_version_segment(s)) {
        segments.pop();
    }
    url.set_path(&segments.join("/"));
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_version_segment(segment: &str) -> bool {
    segment.eq_ignore_ascii_case("beta")
        || segment
            .strip_prefix(['v', 'V'])
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
