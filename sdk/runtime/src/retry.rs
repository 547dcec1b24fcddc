//! When and how long to wait before sending a request again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How [`Runtime::execute`](crate::Runtime::execute) retries.
///
/// | what | retried for | wait |
/// | --- | --- | --- |
/// | 429 Too Many Requests | every method (the server did not act on it) | `Retry-After` (seconds or HTTP date), else backoff |
/// | 502, 503, 504 | idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), others only with [`retry_non_idempotent`](Self::retry_non_idempotent) | `Retry-After` if sent, else backoff |
/// | connection refused / failed to connect | every method (nothing was sent) | backoff |
/// | timeout or connection lost mid-exchange | idempotent methods, others only when opted in | backoff |
///
/// Backoff is exponential with full jitter: before retry *n* the wait is a
/// random duration between zero and `min(max_wait, initial_backoff ×
/// 2^(n-1))`. A retry happens only while fewer than `max_attempts` attempts
/// were made, the wait is at most `max_wait` (a longer `Retry-After` is not
/// waited for: the response goes back to the caller, whose
/// `ErrorExt::retry_after` shows the delay), and the wait ends within
/// `max_elapsed` of the first attempt. A request whose body cannot be cloned
/// (a streamed upload) is sent once.
///
/// Defaults: 4 attempts, 60 s in all, 500 ms initial backoff, 30 s longest
/// single wait, non-idempotent requests not retried after a 5xx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    max_elapsed: Duration,
    initial_backoff: Duration,
    max_wait: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(60),
            initial_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Every request is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included; at least 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// No wait may end later than this after the first attempt started.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The upper bound of the first backoff wait; it doubles per retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest single wait, for backoff and `Retry-After` alike.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// Also retries POST and PATCH after 502, 503, 504 and mid-exchange
    /// connection failures. Only safe when the operation is idempotent in
    /// fact: the server may have acted on the first attempt.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Attempts in all, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn may_repeat(&self, method: &Method) -> bool {
        self.retry_non_idempotent
            || matches!(
                *method,
                Method::GET
                    | Method::HEAD
                    | Method::PUT
                    | Method::DELETE
                    | Method::OPTIONS
                    | Method::TRACE
            )
    }

    /// The full-jitter backoff before retry number `retry` (1 for the
    /// first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let ceiling = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_wait);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// Whether a wait of `wait` may start after `attempts_made` attempts,
    /// `elapsed` after the first began.
    pub(crate) fn allows(&self, attempts_made: u32, elapsed: Duration, wait: Duration) -> bool {
        attempts_made < self.max_attempts
            && wait <= self.max_wait
            && elapsed.saturating_add(wait) <= self.max_elapsed
    }

    /// The wait before retrying a response with `status`, or `None` when
    /// that status is not retried for `method`.
    pub(crate) fn wait_for_status(
        &self,
        method: &Method,
        status: StatusCode,
        headers: &HeaderMap,
        retry: u32,
    ) -> Option<Duration> {
        let retryable = status == StatusCode::TOO_MANY_REQUESTS
            || (matches!(
                status,
                StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ) && self.may_repeat(method));
        if !retryable {
            return None;
        }
        Some(retry_after_at(headers, SystemTime::now()).unwrap_or_else(|| self.backoff(retry)))
    }
}

/// Parses `Retry-After` (RFC 9110 §10.2.3) relative to `now`: either
/// delta-seconds or an HTTP date.
pub(crate) fn retry_after_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
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
    fn backoff_is_jittered_below_a_doubling_capped_ceiling() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_wait(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(350));
            assert!(policy.backoff(40) <= Duration::from_millis(350));
        }
        // Full jitter: not always the ceiling.
        let waits: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(3)).collect();
        assert!(waits.len() > 1);
    }

    #[test]
    fn idempotency_decides_5xx_but_not_429() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        for status in [502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(
                policy
                    .wait_for_status(&Method::GET, status, &none, 1)
                    .is_some()
            );
            assert!(
                policy
                    .wait_for_status(&Method::PUT, status, &none, 1)
                    .is_some()
            );
            assert!(
                policy
                    .wait_for_status(&Method::POST, status, &none, 1)
                    .is_none()
            );
            assert!(
                policy
                    .wait_for_status(&Method::PATCH, status, &none, 1)
                    .is_none()
            );
            let opted_in = policy.clone().retry_non_idempotent(true);
            assert!(
                opted_in
                    .wait_for_status(&Method::POST, status, &none, 1)
                    .is_some()
            );
        }
        for status in [500, 501, 400, 401, 404] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(
                policy
                    .wait_for_status(&Method::GET, status, &none, 1)
                    .is_none()
            );
        }
        assert_eq!(
            policy.wait_for_status(
                &Method::POST,
                StatusCode::TOO_MANY_REQUESTS,
                &headers("2"),
                1
            ),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn allows_respects_attempts_single_wait_and_total() {
        let policy = RetryPolicy::default()
            .max_attempts(3)
            .max_wait(Duration::from_secs(5))
            .max_elapsed(Duration::from_secs(10));
        let second = Duration::from_secs(1);
        assert!(policy.allows(2, Duration::ZERO, second));
        assert!(!policy.allows(3, Duration::ZERO, second));
        assert!(!policy.allows(1, Duration::ZERO, Duration::from_secs(6)));
        assert!(!policy.allows(1, Duration::from_secs(9), Duration::from_secs(2)));
        assert!(!RetryPolicy::none().allows(1, Duration::ZERO, Duration::ZERO));
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }
}
