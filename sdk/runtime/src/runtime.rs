use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

/// Per-client state and behaviour shared by all generated operations.
///
/// Generated clients hold one of these as their inner value and call
/// [`prepare`](Self::prepare) and [`execute`](Self::execute) from their
/// progenitor hooks. Cloning is cheap: the state sits behind an [`Arc`].
#[derive(Clone, Default)]
pub struct Runtime {
    inner: Arc<Inner>,
}

#[derive(Clone, Default)]
struct Inner {
    bearer_token: Option<Secret>,
}

/// A credential that must never reach logs: its `Debug` is redacted and it has
/// no `Display`.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("bearer_token", &self.inner.bearer_token)
            .finish()
    }
}

/// A header could not be added to an outgoing request.
///
/// Only the header name is reported, never the value, because the value may
/// be a credential.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// The header name is not a valid HTTP header name.
    #[error("invalid header name `{0}`")]
    InvalidHeaderName(String),
    /// The value is not a valid HTTP header value for the named header.
    #[error("invalid value for header `{0}`")]
    InvalidHeaderValue(String),
}

/// Lets a `pre` hook use `?`: the request cannot be sent as built, which is
/// what [`progenitor_client::Error::InvalidRequest`] means.
impl<E> From<PrepareError> for progenitor_client::Error<E> {
    fn from(error: PrepareError) -> Self {
        progenitor_client::Error::InvalidRequest(error.to_string())
    }
}

impl Runtime {
    /// A runtime without credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `Authorization: Bearer <token>` on every request that does not
    /// already carry an `Authorization` header.
    pub fn with_bearer_token(mut self, token: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.inner).bearer_token = Some(Secret(token.into()));
        self
    }

    /// Readies `request` to be sent.
    ///
    /// Each of `fixed_headers` replaces any value the request already has for
    /// that name: the spec may require e.g. `Content-Type:
    /// application/json-patch+json` where the generated code set
    /// `application/json`. Then, if a bearer token is configured and the
    /// request has no `Authorization` header, the token is added (marked
    /// sensitive, so HTTP/2 never indexes it and `Debug` of the header hides
    /// it). A caller-supplied `Authorization` header is left alone.
    pub fn prepare(
        &self,
        request: &mut reqwest::Request,
        fixed_headers: &[(&'static str, &'static str)],
    ) -> Result<(), PrepareError> {
        let headers = request.headers_mut();
        for &(name, value) in fixed_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| PrepareError::InvalidHeaderName(name.to_owned()))?;
            let header_value = HeaderValue::from_str(value)
                .map_err(|_| PrepareError::InvalidHeaderValue(name.to_owned()))?;
            headers.insert(header_name, header_value);
        }

        if let Some(Secret(token)) = &self.inner.bearer_token
            && !headers.contains_key(AUTHORIZATION)
        {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| PrepareError::InvalidHeaderValue(AUTHORIZATION.to_string()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Ok(())
    }

    /// Sends `request` with `client`: the request execution point of every
    /// generated operation.
    ///
    /// `_operation_id` is the OpenAPI operationId of the request. It is part
    /// of the signature so that per-operation policy (such as retries) can be
    /// added here without regenerating the client crates; today the request
    /// is sent exactly once.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        _operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        client.execute(request).await
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::CONTENT_TYPE;

    use super::*;

    const TOKEN: &str = "s3cr3t-token-value";

    fn json_post() -> reqwest::Request {
        reqwest::Client::new()
            .post("http://127.0.0.1:9/v2025/accounts/a1")
            .json(&serde_json::json!([{"op": "replace", "path": "/name", "value": "x"}]))
            .build()
            .unwrap()
    }

    #[test]
    fn prepare_replaces_content_type_and_adds_experimental_header() {
        let mut request = json_post();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");

        Runtime::new()
            .prepare(
                &mut request,
                &[
                    ("Content-Type", "application/json-patch+json"),
                    ("X-SailPoint-Experimental", "true"),
                ],
            )
            .unwrap();

        let content_types: Vec<_> = request.headers().get_all(CONTENT_TYPE).iter().collect();
        assert_eq!(content_types, ["application/json-patch+json"]);
        assert_eq!(request.headers()["x-sailpoint-experimental"], "true");
    }

    #[test]
    fn prepare_adds_sensitive_bearer_token() {
        let mut request = json_post();
        Runtime::new()
            .with_bearer_token(TOKEN)
            .prepare(&mut request, &[])
            .unwrap();

        let authorization = &request.headers()[AUTHORIZATION];
        assert_eq!(authorization, &format!("Bearer {TOKEN}"));
        assert!(authorization.is_sensitive());
    }

    #[test]
    fn prepare_keeps_existing_authorization() {
        let mut request = json_post();
        request.headers_mut().insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer caller-chosen"),
        );
        Runtime::new()
            .with_bearer_token(TOKEN)
            .prepare(&mut request, &[])
            .unwrap();

        let values: Vec<_> = request.headers().get_all(AUTHORIZATION).iter().collect();
        assert_eq!(values, ["Bearer caller-chosen"]);
    }

    #[test]
    fn prepare_without_token_adds_no_authorization() {
        let mut request = json_post();
        Runtime::new().prepare(&mut request, &[]).unwrap();
        assert!(!request.headers().contains_key(AUTHORIZATION));
    }

    #[test]
    fn prepare_rejects_invalid_header_name_and_value() {
        let mut request = json_post();
        let error = Runtime::new()
            .prepare(&mut request, &[("Bad Name", "x")])
            .unwrap_err();
        assert_eq!(error, PrepareError::InvalidHeaderName("Bad Name".into()));

        let error = Runtime::new()
            .prepare(&mut request, &[("X-Fixed", "line\nbreak")])
            .unwrap_err();
        assert_eq!(error.to_string(), "invalid value for header `X-Fixed`");
    }

    #[test]
    fn invalid_token_error_names_header_but_not_token() {
        let token = "leaky\ntoken";
        let error = Runtime::new()
            .with_bearer_token(token)
            .prepare(&mut json_post(), &[])
            .unwrap_err();

        let converted: progenitor_client::Error<()> = error.clone().into();
        for text in [
            error.to_string(),
            format!("{error:?}"),
            converted.to_string(),
        ] {
            assert!(text.contains("authorization"), "{text}");
            assert!(!text.contains("leaky"), "{text}");
        }
    }

    #[test]
    fn debug_redacts_token() {
        let runtime = Runtime::new().with_bearer_token(TOKEN);
        for text in [format!("{runtime:?}"), format!("{runtime:#?}")] {
            assert!(!text.contains(TOKEN), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }

    #[test]
    fn clones_share_state_and_builder_does_not_mutate_clones() {
        let plain = Runtime::new();
        let with_token = plain.clone().with_bearer_token(TOKEN);

        let mut request = json_post();
        plain.prepare(&mut request, &[]).unwrap();
        assert!(!request.headers().contains_key(AUTHORIZATION));

        let copy = with_token.clone();
        assert!(Arc::ptr_eq(&copy.inner, &with_token.inner));
    }
}
