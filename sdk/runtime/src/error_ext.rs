use std::time::{Duration, SystemTime};

use progenitor_client::Error;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::ApiError;

/// Convenience accessors for errors returned by the generated clients.
pub trait ErrorExt {
    /// The HTTP status of an error response (documented or not); `None` when
    /// no response was received.
    ///
    /// `progenitor_client::Error` has an inherent `status` method that wins in
    /// method-call syntax and also reports statuses carried by `reqwest`
    /// errors; call this one as `ErrorExt::status(&error)`.
    fn status(&self) -> Option<StatusCode>;

    /// The decoded body of a documented error response.
    fn api_error(&self) -> Option<&ApiError>;

    /// How long the server asked the client to wait before retrying, from the
    /// `Retry-After` header of an error response. An HTTP date in the past
    /// yields [`Duration::ZERO`]; a missing or malformed header yields `None`.
    fn retry_after(&self) -> Option<Duration>;
}

impl ErrorExt for Error<ApiError> {
    fn status(&self) -> Option<StatusCode> {
        match self {
            Error::ErrorResponse(response) => Some(response.status()),
            Error::UnexpectedResponse(response) => Some(response.status()),
            _ => None,
        }
    }

    fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::ErrorResponse(response) => Some(response.as_ref()),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        let headers = match self {
            Error::ErrorResponse(response) => response.headers(),
            Error::UnexpectedResponse(response) => response.headers(),
            _ => return None,
        };
        retry_after_at(headers, SystemTime::now())
    }
}

/// Parses `Retry-After` (RFC 9110 §10.2.3) relative to `now`: either
/// delta-seconds or an HTTP date.
fn retry_after_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(retry_after: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static(retry_after));
        headers
    }

    #[test]
    fn parses_delta_seconds() {
        let now = SystemTime::now();
        assert_eq!(
            retry_after_at(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(retry_after_at(&headers(" 0 "), now), Some(Duration::ZERO));
    }

    #[test]
    fn parses_http_date_relative_to_now() {
        // 1994-11-06T08:49:37Z, the example date of RFC 9110.
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let now = date - Duration::from_secs(90);
        assert_eq!(
            retry_after_at(&headers("Sun, 06 Nov 1994 08:49:37 GMT"), now),
            Some(Duration::from_secs(90))
        );
    }

    #[test]
    fn past_date_means_retry_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777 + 5);
        assert_eq!(
            retry_after_at(&headers("Sun, 06 Nov 1994 08:49:37 GMT"), now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn malformed_or_missing_is_none() {
        let now = SystemTime::now();
        assert_eq!(retry_after_at(&headers("soon"), now), None);
        assert_eq!(retry_after_at(&headers("-5"), now), None);
        assert_eq!(retry_after_at(&HeaderMap::new(), now), None);
    }

    #[test]
    fn non_response_errors_have_no_status_body_or_delay() {
        let error: Error<ApiError> = Error::InvalidRequest("bad".into());
        assert_eq!(ErrorExt::status(&error), None);
        assert!(error.api_error().is_none());
        assert_eq!(error.retry_after(), None);
    }
}
