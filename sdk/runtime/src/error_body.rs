//! Makes every error response decodable and bounded before the generated
//! code reads it.
//!
//! The generated operations decode a documented error status as
//! [`ApiError`] over the whole body; a proxy's HTML page, a plain-text 401
//! or a truncated body would become `InvalidResponsePayload` holding every
//! byte of the body. So [`finish`] reads at most [`ERROR_BODY_LIMIT`] bytes
//! of each 4xx/5xx body: a JSON object that decodes as [`ApiError`] is
//! passed on as received; anything else is replaced by `{}`, its original
//! content type and a bounded excerpt kept in the [`ResponseInfo`]
//! extension, with the attempts made. The body is never rewritten to
//! carry these facts: [`decode_error`](crate::decode_error) puts them in
//! [`ApiError::runtime`], and [`ErrorExt`](crate::ErrorExt) reads them
//! from either. Status and other headers are kept.

use bytes::Bytes;
use reqwest::header::{
    CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, TRANSFER_ENCODING,
};

use crate::api_error::{ApiError, RawBody, ResponseInfo};
use crate::secret::redact_bytes;

/// Largest error body passed on (or inspected); larger bodies are replaced
/// by an excerpt.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Largest excerpt of an undecodable error body, in bytes.
pub const EXCERPT_LIMIT: usize = 4 * 1024;

/// How many attempts [`Runtime::execute`](crate::Runtime::execute) made for
/// the response that carries it, as a response extension:
/// `response.extensions().get::<Attempts>()`. For error responses the same
/// number is in the [`ResponseInfo`] extension and [`ApiError::runtime`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts(pub u32);

/// The first bytes of a body.
pub(crate) struct Bounded {
    pub(crate) bytes: Vec<u8>,
    /// The whole body was read and it fit.
    pub(crate) complete: bool,
    /// Reading failed before the end (connection lost, timeout).
    pub(crate) failed: bool,
}

/// Reads at most `limit` bytes of `response`'s body.
pub(crate) async fn read_bounded_full(mut response: reqwest::Response, limit: usize) -> Bounded {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit.saturating_sub(bytes.len());
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    return Bounded {
                        bytes,
                        complete: false,
                        failed: false,
                    };
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => {
                return Bounded {
                    bytes,
                    complete: true,
                    failed: false,
                };
            }
            Err(_) => {
                return Bounded {
                    bytes,
                    complete: false,
                    failed: true,
                };
            }
        }
    }
}

/// [`read_bounded_full`] as a tuple `(bytes, complete, failed)`.
pub(crate) async fn read_bounded(
    response: reqwest::Response,
    limit: usize,
) -> (Vec<u8>, bool, bool) {
    let b = read_bounded_full(response, limit).await;
    (b.bytes, b.complete, b.failed)
}

/// At most `max` bytes of `bytes` as text, cut on a character boundary
/// (invalid UTF-8 becomes U+FFFD), and whether anything was left out.
pub(crate) fn excerpt(bytes: &[u8], max: usize) -> (String, bool) {
    let mut cut = bytes.len().min(max);
    let mut truncated = cut < bytes.len();
    // Do not split a multi-byte sequence at the cut.
    if truncated
        && let Err(e) = std::str::from_utf8(&bytes[..cut])
        && e.error_len().is_none()
    {
        cut = e.valid_up_to();
    }
    let mut text = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    // Replacement characters are longer than the bytes they replace.
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        truncated = true;
    }
    (text, truncated)
}

fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?;
    Some(excerpt(value.as_bytes(), 256).0)
}

/// Records the attempt count on `response` and, for a 4xx/5xx response,
/// bounds and normalises its body as described in the module docs, with
/// each of `secrets` (credentials a server may echo) redacted from it.
pub(crate) async fn finish(
    mut response: reqwest::Response,
    attempts: u32,
    secrets: &[&str],
) -> reqwest::Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        response.extensions_mut().insert(Attempts(attempts));
        return response;
    }
    let Parts {
        status,
        version,
        mut headers,
        mut extensions,
        url,
    } = Parts::of(&mut response);
    let declared_length = response.content_length();
    let content_type = content_type(&headers);
    let mut read = read_bounded_full(response, ERROR_BODY_LIMIT).await;
    let bytes_read = read.bytes.len() as u64;
    redact_bytes(&mut read.bytes, secrets);

    let mut info = ResponseInfo {
        attempts,
        status: status.as_u16(),
        content_type: content_type.clone(),
        raw_body: None,
    };
    let decoded = if read.complete {
        decode_error_object(&read.bytes)
    } else {
        None
    };
    let body = match decoded {
        Some(()) => read.bytes,
        None => {
            let reason = if read.failed {
                "cut short: the connection failed while it was read"
            } else if !read.complete {
                "too large to keep"
            } else if read.bytes.iter().all(u8::is_ascii_whitespace) {
                "empty"
            } else if serde_json::from_slice::<serde_json::Value>(&read.bytes).is_ok() {
                "JSON that is not a SailPoint error object"
            } else {
                "not JSON"
            };
            let (text, truncated) = excerpt(&read.bytes, EXCERPT_LIMIT);
            info.raw_body = Some(RawBody {
                reason: reason.to_owned(),
                excerpt: text,
                truncated: truncated || !read.complete,
                bytes_read,
                declared_length,
            });
            b"{}".to_vec()
        }
    };
    extensions.insert(info);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    extensions.insert(Attempts(attempts));
    rebuild(
        Parts {
            status,
            version,
            headers,
            extensions,
            url,
        },
        Bytes::from(body),
    )
}

/// What a response keeps when its body is replaced by [`rebuild`].
pub(crate) struct Parts {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) version: http::Version,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) extensions: http::Extensions,
    /// The request's URL: a rebuilt response without it would name
    /// reqwest's placeholder `http://no.url.provided.local/` in errors.
    pub(crate) url: reqwest::Url,
}

impl Parts {
    /// Takes the status, version, headers and extensions of `response`,
    /// whose body is still to be read.
    pub(crate) fn of(response: &mut reqwest::Response) -> Parts {
        Parts {
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
            extensions: std::mem::take(response.extensions_mut()),
            url: response.url().clone(),
        }
    }
}

/// A response with `parts` and the body `body`, already read: the
/// headers describing the old body's length and encoding are replaced by
/// the new body's length. The one place a response is rebuilt (error
/// bodies, success bodies that did not decode).
pub(crate) fn rebuild(parts: Parts, body: Bytes) -> reqwest::Response {
    let Parts {
        status,
        version,
        mut headers,
        mut extensions,
        url,
    } = parts;
    for name in [CONTENT_LENGTH, CONTENT_ENCODING, TRANSFER_ENCODING] {
        headers.remove(name);
    }
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    extensions.extend(url_extension(url));
    *rebuilt.extensions_mut() = extensions;
    reqwest::Response::from(rebuilt)
}

/// The extension through which reqwest gives a response built from an
/// `http::Response` its URL; its type is private, so it is taken from a
/// builder that set it.
fn url_extension(url: reqwest::Url) -> http::Extensions {
    use reqwest::ResponseBuilderExt;
    match http::Response::builder().url(url).body(()) {
        Ok(response) => response.into_parts().0.extensions,
        // Unreachable: a builder with no status or header set cannot fail.
        Err(_) => http::Extensions::new(),
    }
}

/// `Some` if the body is a JSON object that decodes as [`ApiError`].
fn decode_error_object(bytes: &[u8]) -> Option<()> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !value.is_object() {
        return None;
    }
    serde_json::from_value::<ApiError>(value).ok().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuilt_response_keeps_the_request_url() {
        use reqwest::ResponseBuilderExt;
        let url = reqwest::Url::parse("http://127.0.0.1:9/v2025/sources?limit=5");
        let Ok(url) = url else {
            panic!("a valid URL: {url:?}");
        };
        let built = http::Response::builder()
            .status(200)
            .url(url.clone())
            .body(Vec::<u8>::new());
        let Ok(built) = built else {
            panic!("a response: {built:?}");
        };
        let mut response = reqwest::Response::from(built);
        let rebuilt = rebuild(Parts::of(&mut response), Bytes::from_static(b"[]"));
        assert_eq!(rebuilt.url(), &url);
    }

    #[test]
    fn excerpt_cuts_on_char_boundary() {
        // "é" is two bytes; a cut after its first byte must drop it whole.
        let text = "aé".repeat(10);
        for max in 0..text.len() + 2 {
            let (cut, truncated) = excerpt(text.as_bytes(), max);
            assert!(cut.len() <= max, "{max}: {cut:?}");
            assert!(text.starts_with(&cut), "{max}: {cut:?}");
            assert_eq!(truncated, cut.len() < text.len(), "{max}");
        }
    }

    #[test]
    fn excerpt_of_invalid_utf8_stays_within_bound() {
        let bytes = [0xffu8; 100];
        let (text, truncated) = excerpt(&bytes, 10);
        assert!(text.len() <= 10, "{}", text.len());
        assert!(text.chars().all(|c| c == '\u{fffd}'));
        assert!(truncated);
        let (whole, truncated) = excerpt(b"plain", 10);
        assert_eq!((whole.as_str(), truncated), ("plain", false));
    }

    #[test]
    fn only_error_objects_pass_through() {
        assert!(decode_error_object(br#"{"error":"x"}"#).is_some());
        assert!(decode_error_object(br#"["error"]"#).is_none());
        assert!(decode_error_object(br#"{"detailCode": 5}"#).is_none());
        assert!(decode_error_object(br#"{"error":"#).is_none());
        assert!(decode_error_object(b"<html>").is_none());
    }
}
