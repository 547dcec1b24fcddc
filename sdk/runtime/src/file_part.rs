//! A file to upload in a multipart request: bytes or a stream, with the file
//! name the server sees. SailPoint rejects file parts without a file name
//! ("No files were supplied"), so one is always given.

use std::fmt;

use bytes::Bytes;
use futures::TryStream;

enum Content {
    Bytes(Bytes),
    Stream(reqwest::Body),
}

/// One file part of a multipart upload.
pub struct FilePart {
    file_name: String,
    content: Content,
    content_type: Option<String>,
}

impl FilePart {
    /// A file held in memory.
    pub fn bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> FilePart {
        FilePart {
            file_name: file_name.into(),
            content: Content::Bytes(bytes.into()),
            content_type: None,
        }
    }

    /// A file read as it is sent, e.g. from `tokio_util::io::ReaderStream`.
    pub fn stream<S>(file_name: impl Into<String>, stream: S) -> FilePart
    where
        S: TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        FilePart {
            file_name: file_name.into(),
            content: Content::Stream(reqwest::Body::wrap_stream(stream)),
            content_type: None,
        }
    }

    /// Sets the part's `Content-Type` (default: the operation's, if the spec
    /// gives one, else none).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> FilePart {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the content type unless the caller chose one. Used by generated
    /// code for the type the spec declares for the part.
    pub fn with_default_content_type(mut self, content_type: &str) -> FilePart {
        if self.content_type.is_none() {
            self.content_type = Some(content_type.to_string());
        }
        self
    }

    /// The file name the server sees.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The reqwest part. Fails only for a malformed content type.
    pub fn into_part(self) -> Result<reqwest::multipart::Part, reqwest::Error> {
        let part = match self.content {
            Content::Bytes(bytes) => reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(bytes.clone()),
                bytes.len() as u64,
            ),
            Content::Stream(body) => reqwest::multipart::Part::stream(body),
        }
        .file_name(self.file_name);
        match self.content_type {
            Some(content_type) => part.mime_str(&content_type),
            None => Ok(part),
        }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content = match &self.content {
            Content::Bytes(b) => format!("{} bytes", b.len()),
            Content::Stream(_) => "a stream".to_string(),
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content", &content)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// A multipart part holding a plain value (string, string enum, number,
/// boolean) as OpenAPI 3.0 sends it: `text/plain`, the bare value, so the
/// string `true` goes out as `true`, not as the JSON string `"true"`.
pub fn text_part<T: serde::Serialize>(value: &T) -> Result<reqwest::multipart::Part, String> {
    let text = match serde_json::to_value(value).map_err(|e| e.to_string())? {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    };
    reqwest::multipart::Part::text(text)
        .mime_str("text/plain")
        .map_err(|e| e.to_string())
}

/// A multipart part holding an object or array, as JSON with its own
/// `Content-Type: application/json` (SailPoint rejects untyped JSON parts).
pub fn json_part<T: serde::Serialize>(value: &T) -> Result<reqwest::multipart::Part, String> {
    let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
    reqwest::multipart::Part::text(json)
        .mime_str("application/json")
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_bare_text() {
        // A `Part`'s content is private; its Debug shows the mime type, and
        // the wire form is covered by the fixture client's tests.
        for part in [text_part(&"true"), text_part(&true), text_part(&42)] {
            let debug = format!("{:?}", part.expect("a part"));
            assert!(debug.contains("text/plain"), "{debug}");
        }
        let debug = format!(
            "{:?}",
            json_part(&serde_json::json!({"a": 1})).expect("a part")
        );
        assert!(debug.contains("application/json"), "{debug}");
    }
}
