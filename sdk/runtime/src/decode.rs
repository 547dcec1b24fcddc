//! Decodes the JSON body of a success response, keeping the status when it
//! cannot.
//!
//! progenitor decodes a documented success status with
//! `ResponseValue::from_response`, whose failures (`InvalidResponsePayload`
//! for an empty or truncated body, `ResponseBodyError` for a body cut off
//! by the connection) carry no status, no headers and, for the first, every
//! byte of the body. The generator routes every success status through
//! [`decode_success`] instead: a body that decodes is returned as
//! progenitor would; one that does not comes back as
//! `Error::UnexpectedResponse` with the response's status and headers, a
//! bounded copy of the body, and an [`UndecodableBody`] extension saying
//! why (read it with [`ErrorExt::undecodable_body`](crate::ErrorExt)),
//! with the JSON path of the value that did not decode.

use std::any::{Any, TypeId};

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

use crate::api_error::{ApiError, RawBody, ResponseInfo};
use crate::error_body::{EXCERPT_LIMIT, Parts, excerpt, rebuild};
use crate::search::RawHit;

/// Why a success body did not decode as the type the spec documents,
/// attached to the `Error::UnexpectedResponse` that [`decode_success`]
/// returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndecodableBody {
    /// The decoder's message, after the path of the failing value if it is
    /// not the whole body (`[3].created: invalid date-time ...`, `EOF while
    /// parsing a value at line 1 column 0`), or why the body could not be
    /// read.
    pub message: String,
    /// A bounded excerpt of the body.
    pub raw: RawBody,
}

/// Decodes `response`'s body as `T`, or fails with its status kept (see the
/// module docs). Called by the generated `send` of every operation for each
/// documented success status with a JSON body.
pub async fn decode_success<T: DeserializeOwned + Send + 'static, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let mut parts = Parts::of(&mut response);
    let declared_length = response.content_length();

    // Presized from `Content-Length` (bounded, as it comes from outside) so
    // that a large page is not copied again each time the buffer doubles.
    let capacity = declared_length.map_or(0, |n| n.min(PRESIZE_LIMIT) as usize);
    let mut body = Vec::with_capacity(capacity);
    let mut read_error = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                read_error = Some(format!("the body was cut short: {e}"));
                break;
            }
        }
    }
    let (body, message, reason) = match read_error {
        Some(cut) => (
            body,
            cut,
            "cut short: the connection failed while it was read",
        ),
        None => match decode_off_the_runtime::<T>(body).await {
            (_, Ok(inner)) => return Ok(ResponseValue::new(inner, parts.status, parts.headers)),
            (body, Err(e)) if body.iter().all(u8::is_ascii_whitespace) => (body, e, "empty"),
            (body, Err(e)) => (body, e, "not the documented type"),
        },
    };

    let (text, truncated) = excerpt(&body, EXCERPT_LIMIT);
    let kept = Bytes::from(text.clone().into_bytes());
    parts.extensions.insert(UndecodableBody {
        message,
        raw: RawBody {
            reason: reason.to_owned(),
            excerpt: text,
            truncated,
            bytes_read: body.len() as u64,
            declared_length,
        },
    });
    Err(Error::UnexpectedResponse(rebuild(parts, kept)))
}

/// Decodes a documented error response's body as [`ApiError`], with the
/// facts the runtime recorded on the response (its [`ResponseInfo`]
/// extension: attempts, status, content type, the excerpt of a body that
/// was not a SailPoint error object) in [`ApiError::runtime`]. Called by
/// the generated `send` of every operation for each documented error
/// status, in place of progenitor's `ResponseValue::from_response`.
///
/// A body that does not decode (one that did not come through
/// [`Runtime::execute`](crate::Runtime::execute), which makes every error
/// body decodable) is `Error::InvalidResponsePayload`, as progenitor's.
pub async fn decode_error<E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<ApiError>, Error<E>> {
    let info = response.extensions_mut().remove::<ResponseInfo>();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let mut error: ApiError =
        serde_json::from_slice(&body).map_err(|e| Error::InvalidResponsePayload(body, e))?;
    error.runtime = info;
    Ok(ResponseValue::new(error, status, headers))
}

/// Bodies from this size on are decoded on tokio's blocking pool.
///
/// Decoding a page of 250 accounts (about 350 KB) takes a millisecond or
/// more of CPU: on the runtime's thread that stalls every other task, the
/// prefetch of the next page included. On the blocking pool the next
/// page's bytes arrive while this one decodes. Smaller bodies decode in
/// place, where a thread hand-off would cost more than it saves.
const OFF_RUNTIME_FROM: usize = 64 * 1024;

/// The most `Content-Length` may presize the body buffer by.
const PRESIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// Decodes `body` with [`decode_json`], on the blocking pool when it is
/// large (see [`OFF_RUNTIME_FROM`]); gives the body back for the error
/// excerpt.
async fn decode_off_the_runtime<T: DeserializeOwned + Send + 'static>(
    body: Vec<u8>,
) -> (Vec<u8>, Result<T, String>) {
    if body.len() < OFF_RUNTIME_FROM {
        return decode_body(body);
    }
    let task = tokio::task::spawn_blocking(move || decode_body(body));
    match task.await {
        Ok(done) => done,
        // A panic in a `Deserialize` impl is passed on as it would have
        // been in place.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => (
            Vec::new(),
            Err("the runtime shut down before the body was decoded".to_owned()),
        ),
    }
}

/// Decodes `body` with [`decode_json`]; gives the body back for the error
/// excerpt. A page of search hits (`Vec<RawHit>`, what the generated
/// search streams ask for) is split into hits that share the body instead
/// (see [`raw_hits`](crate::search::raw_hits)).
fn decode_body<T: DeserializeOwned + 'static>(body: Vec<u8>) -> (Vec<u8>, Result<T, String>) {
    if TypeId::of::<T>() == TypeId::of::<Vec<RawHit>>() {
        match crate::search::raw_hits(body) {
            Ok(hits) => {
                let hits: Box<dyn Any> = Box::new(hits);
                return match hits.downcast::<T>() {
                    Ok(hits) => (Vec::new(), Ok(*hits)),
                    // `T` is `Vec<RawHit>`: the downcast cannot fail.
                    Err(_) => (Vec::new(), Err("a page of hits is no Vec<RawHit>".into())),
                };
            }
            Err(body) => {
                let decoded = decode_json(&body);
                return (body, decoded);
            }
        }
    }
    let decoded = decode_json(&body);
    (body, decoded)
}

/// Decodes a JSON body as `T`, leniently if it must
/// ([`object::from_slice`](crate::object::from_slice)); a failure names where in the body it
/// happened (`[3].created: invalid date-time "31/01/2024" ...`), so a
/// value a model cannot read is found without the whole body at hand.
///
/// The path is tracked only once a body has failed: tracking costs on every
/// value, and a body that decodes needs none.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    crate::object::from_slice(body).map_err(|_| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer)
            .map_err(|e| e.to_string())
            .and_then(|_| deserializer.end().map_err(|e| e.to_string()))
        {
            Err(message) => message,
            // Decoding is deterministic, so the second pass fails too; this
            // arm only keeps the function total.
            Ok(()) => "the body did not decode".to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorExt;
    use crate::error_body::Attempts;

    fn response(status: u16, body: &'static str) -> reqwest::Response {
        let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
        response.extensions_mut().insert(Attempts(2));
        reqwest::Response::from(response)
    }

    #[derive(serde::Deserialize, Debug)]
    struct Thing {
        id: String,
    }

    #[test]
    fn a_value_that_does_not_decode_is_named_by_its_path() {
        let error = decode_json::<Vec<Thing>>(br#"[{"id": "a"}, {"id": 7}]"#).err();
        assert_eq!(
            error.as_deref(),
            Some("[1].id: invalid type: integer `7`, expected a string at line 1 column 22")
        );
        let trailing = decode_json::<Thing>(br#"{"id": "a"} x"#).err();
        assert!(
            trailing.is_some_and(|e| e.starts_with("trailing characters")),
            "trailing input is refused as serde_json::from_slice does"
        );
    }

    #[tokio::test]
    async fn a_decodable_body_is_returned_with_its_status() {
        let value = decode_success::<Thing, crate::ApiError>(response(201, r#"{"id":"a"}"#))
            .await
            .expect("decodes");
        assert_eq!(value.status(), 201);
    }

    #[tokio::test]
    async fn undecodable_bodies_keep_status_attempts_and_an_excerpt() {
        for (body, reason) in [
            ("", "empty"),
            (r#"{"id": "trunc"#, "not the documented type"),
            (r#"{"name": "no id"}"#, "not the documented type"),
        ] {
            let error = decode_success::<Thing, crate::ApiError>(response(200, body))
                .await
                .expect_err("does not decode");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{body}");
            assert_eq!(error.attempts(), Some(2), "{body}");
            let why = error.undecodable_body().expect("the reason");
            assert_eq!(why.raw.reason, reason, "{body}");
            assert_eq!(why.raw.excerpt, body);
            assert!(!why.message.is_empty());
        }
    }

    #[tokio::test]
    async fn error_bodies_carry_no_runtime_member_and_decode_with_the_runtime_facts() {
        let html = response(502, "<html>bad gateway</html>");
        let finished = crate::error_body::finish(html, 3, &[]).await;
        let error = decode_error::<()>(finished).await.expect("decodable");
        let info = error.runtime.as_ref().expect("the runtime's facts");
        assert_eq!((info.attempts, info.status), (3, 502));
        let raw = info.raw_body.as_ref().expect("an excerpt");
        assert_eq!(
            (raw.reason.as_str(), raw.excerpt.as_str()),
            ("not JSON", "<html>bad gateway</html>")
        );

        let sent = r#"{"detailCode":"400.1","messages":[{"text":"bad filter"}]}"#;
        let finished = crate::error_body::finish(response(400, sent), 1, &[]).await;
        let info = finished.extensions().get::<ResponseInfo>().cloned();
        let body = finished.bytes().await.expect("body");
        assert_eq!(&body[..], sent.as_bytes(), "passed on as received");
        let decoded: ApiError = serde_json::from_slice(&body).expect("ApiError");
        assert_eq!(decoded.runtime, None, "nothing injected");
        assert_eq!(info.map(|i| i.attempts), Some(1));
    }

    /// Records the thread it was decoded on.
    struct DecodedOn(std::thread::ThreadId);

    impl<'de> serde::Deserialize<'de> for DecodedOn {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde::de::IgnoredAny::deserialize(d)?;
            Ok(DecodedOn(std::thread::current().id()))
        }
    }

    #[tokio::test]
    async fn large_bodies_decode_off_the_runtime_thread_and_small_ones_in_place() {
        let here = std::thread::current().id();
        let small = decode_success::<DecodedOn, crate::ApiError>(response(200, "[1, 2, 3]"))
            .await
            .expect("decodes");
        assert_eq!(small.into_inner().0, here);

        let items = vec![r#"{"id":"an id"}"#; OFF_RUNTIME_FROM / 10];
        let large: &'static str = Box::leak(format!("[{}]", items.join(",")).into_boxed_str());
        assert!(large.len() >= OFF_RUNTIME_FROM);
        let value = decode_success::<DecodedOn, crate::ApiError>(response(200, large))
            .await
            .expect("decodes");
        assert_ne!(value.into_inner().0, here);
        let things = decode_success::<Vec<Thing>, crate::ApiError>(response(200, large))
            .await
            .expect("decodes");
        assert_eq!(things.len(), items.len());
    }

    #[tokio::test]
    async fn a_page_of_raw_hits_shares_the_body_and_decodes_as_any_body() {
        use crate::SearchHit;
        let hits: Vec<String> = (0..2_000)
            .map(|i| format!(r#"{{"id": "{i:05}", "name": "n\u00e9{i}"}}"#))
            .collect();
        for body in [
            format!("[{}]", hits[..3].join(",")),
            format!("[{}]", hits.join(", ")),
        ] {
            let body: &'static str = Box::leak(body.into_boxed_str());
            let page = decode_success::<Vec<RawHit>, crate::ApiError>(response(200, body))
                .await
                .expect("decodes")
                .into_inner();
            assert_eq!(page.len(), body.matches(r#""id""#).count());
            for (hit, sent) in page.iter().zip(&hits) {
                assert_eq!(hit.json(), sent);
            }
            // One buffer: the hits lie in it as they lay in the body.
            let start = page[0].json().as_ptr() as usize;
            let offset = page[2].json().as_ptr() as usize - start;
            assert_eq!(
                offset,
                body.find(&hits[2]).unwrap_or(0) - body.find(&hits[0]).unwrap_or(0)
            );
            let thing: Thing = page[1].decode().expect("a Thing");
            assert_eq!(thing.id, "00001");
        }
        // Not an array: the error of any other body.
        let error = decode_success::<Vec<RawHit>, crate::ApiError>(response(200, r#"{"id": 1}"#))
            .await
            .expect_err("not a page");
        let why = error.undecodable_body().expect("the reason");
        assert!(
            why.message.contains("expected a sequence"),
            "{}",
            why.message
        );
    }

    #[tokio::test]
    async fn a_huge_undecodable_body_is_bounded() {
        let huge: &'static str = Box::leak("x".repeat(1 << 20).into_boxed_str());
        let error = decode_success::<Thing, crate::ApiError>(response(200, huge))
            .await
            .expect_err("not JSON");
        let why = error.undecodable_body().expect("the reason");
        assert!(why.raw.truncated);
        assert!(why.raw.excerpt.len() <= EXCERPT_LIMIT);
        assert_eq!(why.raw.bytes_read, 1 << 20);
        let shown = format!("{error} {error:?}");
        assert!(shown.len() < 20_000, "{} bytes of message", shown.len());
    }
}
