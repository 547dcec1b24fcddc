//! Configuration sources, precedence, validation and redaction. Every test
//! builds its own `Sources` over temporary directories, so none reads the
//! real environment, working directory or home directory.

use std::path::Path;

use sailpoint_runtime::{
    Config, ConfigBuilder, ConfigError, ConfigSource, Runtime, Sources, USER_AGENT_PREFIX,
};

const SECRET: &str = "cfg-super-secret-value";
const TOKEN: &str = "cfg-static-access-token";

fn builder(sources: Sources) -> ConfigBuilder {
    Config::builder().sources(sources).no_proxy()
}

fn env_vars(base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SAIL_BASE_URL", base.to_owned()),
        ("SAIL_CLIENT_ID", "env-id".to_owned()),
        ("SAIL_CLIENT_SECRET", SECRET.to_owned()),
    ]
}

fn write_json(dir: &Path, base: &str) {
    let body = serde_json::json!({"BaseURL": base, "ClientId": "json-id", "ClientSecret": SECRET});
    std::fs::write(dir.join("config.json"), body.to_string()).unwrap();
}

fn write_yaml(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join(".sailpoint")).unwrap();
    std::fs::write(home.join(".sailpoint/config.yaml"), text).unwrap();
}

fn cli_yaml(base: &str) -> String {
    format!(
        "activeenvironment: prod\nenvironments:\n  dev:\n    baseurl: https://dev.api.identitynow.com\n    pat:\n      clientid: dev-id\n      clientsecret: dev-secret\n  prod:\n    baseurl: {base}\n    pat:\n      clientid: yaml-id\n      clientsecret: {SECRET}\n"
    )
}

struct Dirs {
    cwd: tempfile::TempDir,
    home: tempfile::TempDir,
}

fn dirs() -> Dirs {
    Dirs {
        cwd: tempfile::tempdir().unwrap(),
        home: tempfile::tempdir().unwrap(),
    }
}

impl Dirs {
    fn sources(&self) -> Sources {
        Sources::none().cwd(self.cwd.path()).home(self.home.path())
    }
}

#[test]
fn precedence_explicit_then_env_then_config_json_then_cli_yaml() {
    let d = dirs();
    write_json(d.cwd.path(), "https://json.api.identitynow.com");
    write_yaml(d.home.path(), &cli_yaml("https://yaml.api.identitynow.com"));
    let env = env_vars("https://env.api.identitynow.com");

    let explicit = builder(d.sources().env(env.clone()))
        .base_url("https://explicit.api.identitynow.com")
        .client_credentials("id", "s")
        .build()
        .unwrap();
    assert_eq!(explicit.source(), &ConfigSource::Explicit);
    assert_eq!(
        explicit.tenant_url(),
        "https://explicit.api.identitynow.com"
    );

    let from_env = builder(d.sources().env(env)).build().unwrap();
    assert_eq!(from_env.source(), &ConfigSource::Environment);
    assert_eq!(from_env.tenant_url(), "https://env.api.identitynow.com");

    let from_json = builder(d.sources()).build().unwrap();
    assert_eq!(
        from_json.source(),
        &ConfigSource::ConfigJson(d.cwd.path().join("config.json"))
    );
    assert_eq!(from_json.tenant_url(), "https://json.api.identitynow.com");

    std::fs::remove_file(d.cwd.path().join("config.json")).unwrap();
    let from_yaml = builder(d.sources()).build().unwrap();
    assert_eq!(
        from_yaml.source(),
        &ConfigSource::CliConfig(d.home.path().join(".sailpoint/config.yaml"))
    );
    // The active environment, not the first one listed.
    assert_eq!(from_yaml.tenant_url(), "https://yaml.api.identitynow.com");
    assert_eq!(
        from_yaml.token_url(),
        "https://yaml.api.identitynow.com/oauth/token"
    );
}

#[test]
fn a_partial_source_is_an_error_not_a_fall_through() {
    let d = dirs();
    write_json(d.cwd.path(), "https://json.api.identitynow.com");
    let error = builder(
        d.sources()
            .env([("SAIL_BASE_URL", "https://env.api.identitynow.com")]),
    )
    .build()
    .unwrap_err();
    match &error {
        ConfigError::Incomplete { origin, missing } => {
            assert_eq!(origin, &ConfigSource::Environment);
            assert_eq!(missing, &["SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("SAIL_CLIENT_SECRET"), "{error}");

    // A builder with only a tenant is incomplete too.
    let error = builder(d.sources())
        .base_url("https://acme.api.identitynow.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &error,
            ConfigError::Incomplete { origin: ConfigSource::Explicit, missing }
                if missing == &["client_credentials or access_token"]
        ),
        "{error:?}"
    );
}

#[test]
fn nothing_found_lists_every_source_and_what_was_missing() {
    let d = dirs();
    let error = builder(d.sources()).build().unwrap_err();
    let ConfigError::NotFound { tried } = &error else {
        panic!("{error:?}");
    };
    let sources: Vec<_> = tried.iter().map(|t| t.source.clone()).collect();
    assert_eq!(
        sources,
        [
            ConfigSource::Explicit,
            ConfigSource::Environment,
            ConfigSource::ConfigJson(d.cwd.path().join("config.json")),
            ConfigSource::CliConfig(d.home.path().join(".sailpoint/config.yaml")),
        ]
    );
    let text = error.to_string();
    for needle in [
        "SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET not set",
        "config.json (not found)",
        "config.yaml (not found)",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }

    let error = builder(Sources::none()).build().unwrap_err();
    let text = error.to_string();
    assert!(text.contains("no working directory"), "{text}");
    assert!(text.contains("no home directory"), "{text}");
}

#[test]
fn malformed_config_json_names_file_and_key() {
    let d = dirs();
    let file = d.cwd.path().join("config.json");

    std::fs::write(&file, "{\"BaseURL\": ").unwrap();
    let error = builder(d.sources()).build().unwrap_err();
    let ConfigError::Malformed { file: f, key, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!((f, key.as_str()), (&file, "(document)"));
    assert!(error.to_string().contains("config.json"), "{error}");

    std::fs::write(
        &file,
        format!(r#"{{"BaseURL": "https://a.api.identitynow.com", "ClientId": 5, "ClientSecret": "{SECRET}"}}"#),
    )
    .unwrap();
    let error = builder(d.sources()).build().unwrap_err();
    let text = error.to_string();
    assert!(text.contains("`ClientId`"), "{text}");
    assert!(text.contains("expected a string, found a number"), "{text}");
    assert!(!text.contains(SECRET), "{text}");

    std::fs::write(&file, "[1, 2]").unwrap();
    let error = builder(d.sources()).build().unwrap_err();
    assert!(error.to_string().contains("expected an object"), "{error}");
}

#[test]
fn malformed_cli_yaml_names_file_and_key() {
    let d = dirs();
    write_yaml(
        d.home.path(),
        "activeenvironment: prod\nenvironments:\n  prod:\n    baseurl: https://a.api.identitynow.com\n    pat: just-a-string\n",
    );
    let error = builder(d.sources()).build().unwrap_err();
    let ConfigError::Malformed { file, key, problem } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(file, &d.home.path().join(".sailpoint/config.yaml"));
    assert_eq!(key, "environments.prod.pat");
    assert_eq!(problem, "expected a mapping, found a string");

    write_yaml(d.home.path(), "activeenvironment: [unclosed\n");
    let error = builder(d.sources()).build().unwrap_err();
    assert!(
        matches!(&error, ConfigError::Malformed { key, .. } if key == "(document)"),
        "{error:?}"
    );
    assert!(error.to_string().contains("config.yaml"), "{error}");
}

#[test]
fn cli_yaml_without_secret_or_active_environment_is_incomplete() {
    let d = dirs();
    write_yaml(
        d.home.path(),
        "activeenvironment: prod\nenvironments:\n  prod:\n    baseurl: https://a.api.identitynow.com\n    pat:\n      clientid: id\n",
    );
    let error = builder(d.sources()).build().unwrap_err();
    let ConfigError::Incomplete { missing, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0].starts_with("environments.prod.pat.clientsecret"),
        "{missing:?}"
    );

    write_yaml(
        d.home.path(),
        "environments:\n  prod:\n    baseurl: https://a.api.identitynow.com\n",
    );
    let error = builder(d.sources()).build().unwrap_err();
    assert!(
        matches!(&error, ConfigError::Incomplete { missing, .. } if missing == &["activeenvironment"]),
        "{error:?}"
    );
}

#[test]
fn tenant_url_is_normalized_and_versioned_per_crate() {
    for given in [
        "https://acme.api.identitynow.com",
        "https://acme.api.identitynow.com/",
        "https://acme.api.identitynow.com/v2025",
        "https://acme.api.identitynow.com/beta/",
        "https://acme.api.identitynow.com/v3",
        " https://acme.api.identitynow.com/V2024 ",
    ] {
        let config = builder(Sources::none())
            .base_url(given)
            .access_token(TOKEN)
            .build()
            .unwrap();
        assert_eq!(
            config.tenant_url(),
            "https://acme.api.identitynow.com",
            "{given}"
        );
        assert_eq!(
            config.base_url_for("/v2025"),
            "https://acme.api.identitynow.com/v2025"
        );
        assert_eq!(
            config.base_url_for("beta"),
            "https://acme.api.identitynow.com/beta"
        );
        assert_eq!(
            config.token_url(),
            "https://acme.api.identitynow.com/oauth/token"
        );
    }
    // A path prefix other than a version is kept (e.g. a gateway).
    let config = builder(Sources::none())
        .base_url("https://gw.example.com/sailpoint/v3")
        .access_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(config.tenant_url(), "https://gw.example.com/sailpoint");
}

#[test]
fn token_url_from_env_or_builder() {
    let mut env = env_vars("https://env.api.identitynow.com");
    env.push(("SAIL_TOKEN_URL", "https://auth.example.com/token".into()));
    let config = builder(Sources::none().env(env.clone())).build().unwrap();
    assert_eq!(config.token_url(), "https://auth.example.com/token");

    let config = builder(Sources::none().env(env))
        .token_url("https://other.example.com/oauth/token")
        .build()
        .unwrap();
    assert_eq!(config.token_url(), "https://other.example.com/oauth/token");
}

#[test]
fn plain_http_is_refused_unless_loopback_or_opted_in() {
    let error = builder(Sources::none())
        .base_url("http://acme.api.identitynow.com")
        .client_credentials("id", SECRET)
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, ConfigError::InsecureUrl { what: "tenant", .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("unencrypted"), "{error}");

    let mut env = env_vars("https://env.api.identitynow.com");
    env.push(("SAIL_TOKEN_URL", "http://auth.example.com/token".into()));
    let error = builder(Sources::none().env(env)).build().unwrap_err();
    assert!(
        matches!(&error, ConfigError::InsecureUrl { what: "token", .. }),
        "{error:?}"
    );

    for loopback in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        builder(Sources::none())
            .base_url(loopback)
            .access_token(TOKEN)
            .build()
            .unwrap_or_else(|e| panic!("{loopback}: {e}"));
    }
    builder(Sources::none())
        .base_url("http://acme.internal")
        .access_token(TOKEN)
        .allow_insecure_http(true)
        .build()
        .unwrap();

    for bad in [
        "ftp://acme.example.com",
        "not a url",
        "https://acme.example.com/?x=1",
    ] {
        let error = builder(Sources::none())
            .base_url(bad)
            .access_token(TOKEN)
            .build()
            .unwrap_err();
        assert!(
            matches!(&error, ConfigError::InvalidUrl { what: "tenant", .. }),
            "{bad}: {error:?}"
        );
    }
}

#[test]
fn user_agent_has_prefix_and_suffix() {
    let config = builder(Sources::none())
        .base_url("https://acme.api.identitynow.com")
        .access_token(TOKEN)
        .user_agent_suffix("my-tool/1.2")
        .build()
        .unwrap();
    assert_eq!(
        config.user_agent(),
        format!("{USER_AGENT_PREFIX} my-tool/1.2")
    );
    assert!(USER_AGENT_PREFIX.starts_with("sailpoint-rust-sdk/"));

    let error = builder(Sources::none())
        .base_url("https://acme.api.identitynow.com")
        .access_token(TOKEN)
        .user_agent_suffix("bad\nsuffix")
        .build()
        .unwrap_err();
    assert!(matches!(error, ConfigError::InvalidUserAgent), "{error:?}");
}

#[test]
fn debug_and_errors_never_show_secrets() {
    let d = dirs();
    write_json(d.cwd.path(), "https://json.api.identitynow.com");
    let sources = d.sources().env(env_vars("https://env.api.identitynow.com"));
    let oauth = builder(sources.clone())
        .proxy("http://user:proxy-password@127.0.0.1:3128")
        .build()
        .unwrap();
    let static_token = builder(Sources::none())
        .base_url("https://acme.api.identitynow.com")
        .access_token(TOKEN)
        .build()
        .unwrap();
    let pending = builder(sources.clone()).client_credentials("id", SECRET);
    let incomplete = builder(Sources::none().env([("SAIL_CLIENT_SECRET", SECRET)]))
        .build()
        .unwrap_err();
    let texts = [
        format!("{oauth:?}"),
        format!("{oauth:#?}"),
        format!("{static_token:?}"),
        format!("{:?}", Runtime::from_config(&oauth)),
        format!("{:?}", static_token.runtime()),
        format!("{pending:?}"),
        format!("{sources:?}"),
        format!("{incomplete:?}"),
        incomplete.to_string(),
    ];
    for text in &texts {
        for secret in [SECRET, TOKEN, "proxy-password"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(texts[0].contains("<redacted>"), "{}", texts[0]);
    assert!(texts[0].contains("env-id"), "client ids are not secret");
}

#[test]
fn urls_with_credentials_are_refused_from_every_source_without_repeating_them() {
    const USER: &str = "url-user-name";
    const PASSWORD: &str = "url-pass-word";
    let with_credentials = format!("https://{USER}:{PASSWORD}@acme.api.identitynow.com");
    let only_user = format!("https://{USER}@acme.api.identitynow.com");
    let token_url = format!("https://{USER}:{PASSWORD}@acme.api.identitynow.com/oauth/token");

    let json = dirs();
    write_json(json.cwd.path(), &with_credentials);
    let yaml = dirs();
    write_yaml(yaml.home.path(), &cli_yaml(&with_credentials));
    let explicit = |base: &str| {
        builder(Sources::none())
            .base_url(base)
            .client_credentials("id", SECRET)
    };
    let mut env_token_url = env_vars("https://acme.api.identitynow.com");
    env_token_url.push(("SAIL_TOKEN_URL", token_url.clone()));
    let cases = [
        ("builder base_url", explicit(&with_credentials), "tenant"),
        ("builder user only", explicit(&only_user), "tenant"),
        (
            "builder token_url",
            explicit("https://acme.api.identitynow.com").token_url(&token_url),
            "token",
        ),
        (
            "environment",
            builder(Sources::none().env(env_vars(&with_credentials))),
            "tenant",
        ),
        (
            "SAIL_TOKEN_URL",
            builder(Sources::none().env(env_token_url)),
            "token",
        ),
        ("config.json", builder(json.sources()), "tenant"),
        ("sailpoint-cli yaml", builder(yaml.sources()), "tenant"),
    ];
    for (source, builder, which) in cases {
        let pending = format!("{builder:?}");
        let error = builder.build().unwrap_err();
        match &error {
            ConfigError::InvalidUrl { what, problem, .. } => {
                assert_eq!(*what, which, "{source}");
                assert!(
                    problem.contains("user name or password"),
                    "{source}: {problem}"
                );
            }
            other => panic!("{source}: {other:?}"),
        }
        for text in [error.to_string(), format!("{error:?}"), pending] {
            for credential in [USER, PASSWORD] {
                assert!(
                    !text.contains(credential),
                    "{source}: {credential} in {text}"
                );
            }
        }
    }
}
