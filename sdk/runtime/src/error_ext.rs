use std::time::{Duration, SystemTime};

use progenitor_client::Error;

use crate::error_body::Attempts;
use crate::retry::retry_after_at;
use crate::{ApiError, RawBody, ResponseInfo, TokenError, UndecodableBody};

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

    /// Why no access token could be obtained, when that is why the call
    /// failed (the request was then not sent).
    ///
    /// Such an error is `Error::UnexpectedResponse` with a response the
    /// runtime built, not one a server sent: its URL is the token URL,
    /// header `x-sailpoint-token-error` holds [`TokenError`]'s message (so
    /// `Display` shows it), and `error.status()` is the token URL's status
    /// when it answered with an error or a redirect, 504 Gateway Timeout
    /// when it did not answer in time, and 502 Bad Gateway when it could
    /// not be reached or answered 2xx without a usable token (the statuses
    /// a gateway gives for its upstream). [`TokenError::status`] has the
    /// token URL's own status, `None` when it gave none.
    ///
    /// ```no_run
    /// # async fn demo(error: progenitor_client::Error<sailpoint_runtime::ApiError>) {
    /// use sailpoint_runtime::{ErrorExt, TokenError};
    /// match error.token_error() {
    ///     Some(token) if token.oauth_error() == Some("invalid_client") => {
    ///         eprintln!("check the client id and secret: {token}")
    ///     }
    ///     Some(TokenError::Transport { .. }) => eprintln!("the token URL is unreachable"),
    ///     Some(other) => eprintln!("no token: {other}"),
    ///     None => eprintln!("the API call failed: {error}"),
    /// }
    /// # }
    /// ```
    fn token_error(&self) -> Option<&TokenError>;
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

    fn token_error(&self) -> Option<&TokenError> {
        match self {
            Error::UnexpectedResponse(response) => response.extensions().get::<TokenError>(),
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
        assert!(error.token_error().is_none());
    }
}
