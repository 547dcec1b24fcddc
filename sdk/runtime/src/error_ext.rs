use std::time::{Duration, SystemTime};

use progenitor_client::Error;

use crate::error_body::Attempts;
use crate::retry::retry_after_at;
use crate::{ApiError, RawBody, ResponseInfo, UndecodableBody};

/// Convenience accessors for errors returned by the generated clients.
///
/// **Reading the status:** use `progenitor_client::Error`'s own inherent
/// `error.status()`. Every 4xx/5xx response that went through
/// [`Runtime::execute`](crate::Runtime::execute) decodes into
/// `Error::ErrorResponse` (documented status) or arrives as
/// `Error::UnexpectedResponse` (undocumented status), and `status()`
/// reports both. This trait deliberately has no method of that name.
pub trait ErrorExt {
    /// The decoded body of a documented error response.
    fn api_error(&self) -> Option<&ApiError>;

    /// How long the server asked the client to wait before retrying, from the
    /// `Retry-After` header of an error response. An HTTP date in the past
    /// yields [`Duration::ZERO`]; a missing or malformed header yields `None`.
    fn retry_after(&self) -> Option<Duration>;

    /// How many times the runtime sent the request before giving up with
    /// this response, the first attempt included; `None` when no response
    /// came through the runtime.
    fn attempts(&self) -> Option<u32>;

    /// The start of an error body that was not a SailPoint error object
    /// (an HTML proxy page, plain text, a truncated or huge body), or of a
    /// success body that did not decode.
    fn raw_body(&self) -> Option<&RawBody>;

    /// Why a success response's body did not decode as the documented type
    /// (empty, truncated, another shape); the error is then
    /// `Error::UnexpectedResponse` with the response's status and headers.
    fn undecodable_body(&self) -> Option<&UndecodableBody>;
}

impl ErrorExt for Error<ApiError> {
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

    fn attempts(&self) -> Option<u32> {
        match self {
            Error::ErrorResponse(response) => response.runtime.as_ref().map(|r| r.attempts),
            Error::UnexpectedResponse(response) => {
                response.extensions().get::<Attempts>().map(|a| a.0)
            }
            _ => None,
        }
    }

    fn raw_body(&self) -> Option<&RawBody> {
        if let Some(undecodable) = self.undecodable_body() {
            return Some(&undecodable.raw);
        }
        let info = match self {
            Error::ErrorResponse(response) => response.runtime.as_ref(),
            Error::UnexpectedResponse(response) => response.extensions().get::<ResponseInfo>(),
            _ => None,
        };
        info?.raw_body.as_ref()
    }

    fn undecodable_body(&self) -> Option<&UndecodableBody> {
        match self {
            Error::UnexpectedResponse(response) => response.extensions().get::<UndecodableBody>(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_response_errors_have_no_body_delay_or_attempts() {
        let error: Error<ApiError> = Error::InvalidRequest("bad".into());
        assert_eq!(error.status(), None);
        assert!(error.api_error().is_none());
        assert_eq!(error.retry_after(), None);
        assert_eq!(error.attempts(), None);
        assert!(error.raw_body().is_none());
    }
}
