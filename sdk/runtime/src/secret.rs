//! A credential that must never reach logs, and the redaction of
//! server-supplied text that echoes one.

use std::borrow::Cow;
use std::fmt;

/// What a credential found in server-supplied text is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// Credentials shorter than this are not redacted from server text: no
/// SailPoint client secret or access token is that short, and a short value
/// would match ordinary words (a test token `t` would eat every `t`).
pub(crate) const MIN_REDACTED_LEN: usize = 8;

/// A credential (client secret or access token) whose `Debug` is redacted
/// and which has no `Display`, so it cannot end up in a log line or an
/// error message by accident. Read it with [`expose`](Self::expose) only
/// where it is put on the wire.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// The forms in which `secret` can appear in a server's text: as is, and
/// as a JSON string escapes it (a secret with `/`, `"` or control
/// characters). Empty when the secret is too short to redact safely.
fn spellings(secret: &str) -> Vec<String> {
    if secret.len() < MIN_REDACTED_LEN {
        return Vec::new();
    }
    let mut forms = vec![secret.to_owned()];
    if let Ok(json) = serde_json::to_string(secret) {
        let escaped = &json[1..json.len() - 1];
        if escaped != secret {
            forms.push(escaped.to_owned());
        }
    }
    forms
}

/// `text` with every occurrence of any of `secrets` replaced by
/// [`REDACTED`]; borrowed when nothing matched.
pub(crate) fn redact<'a>(text: &'a str, secrets: &[&str]) -> Cow<'a, str> {
    let mut result = Cow::Borrowed(text);
    for secret in secrets {
        for form in spellings(secret) {
            if result.contains(form.as_str()) {
                result = Cow::Owned(result.replace(form.as_str(), REDACTED));
            }
        }
    }
    result
}

/// [`redact`] over bytes that may not be UTF-8 (a raw response body):
/// occurrences are replaced in place, other bytes are kept as they are.
pub(crate) fn redact_bytes(bytes: &mut Vec<u8>, secrets: &[&str]) {
    for secret in secrets {
        for form in spellings(secret) {
            let needle = form.as_bytes();
            if !bytes.windows(needle.len()).any(|w| w == needle) {
                continue;
            }
            let mut out = Vec::with_capacity(bytes.len());
            let mut rest = bytes.as_slice();
            while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(REDACTED.as_bytes());
                rest = &rest[at + needle.len()..];
            }
            out.extend_from_slice(rest);
            *bytes = out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_plain_and_json_escaped_occurrences() {
        let secret = "abc/def\"ghi-123";
        let text = format!(r#"bad secret {secret}, as JSON "abc/def\"ghi-123" and {secret}"#);
        let redacted = redact(&text, &[secret]);
        assert!(!redacted.contains("ghi-123"), "{redacted}");
        assert_eq!(redacted.matches(REDACTED).count(), 3, "{redacted}");

        let mut bytes = b"\xff token-value-1 \xfe token-value-1".to_vec();
        redact_bytes(&mut bytes, &["token-value-1"]);
        assert_eq!(bytes, b"\xff <redacted> \xfe <redacted>");
    }

    #[test]
    fn short_values_and_clean_text_are_left_alone() {
        assert!(matches!(redact("a test text", &["t"]), Cow::Borrowed(_)));
        assert!(matches!(
            redact("nothing here", &["long-enough-secret"]),
            Cow::Borrowed(_)
        ));
        let mut bytes = b"a test text".to_vec();
        redact_bytes(&mut bytes, &["t", ""]);
        assert_eq!(bytes, b"a test text");
    }
}
