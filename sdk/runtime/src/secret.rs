//! A credential that must never reach logs.

use std::fmt;

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
        f.write_str("<redacted>")
    }
}
