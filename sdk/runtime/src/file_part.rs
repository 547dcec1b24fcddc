//! A file to upload in a multipart request: bytes, a stream, any
//! `AsyncRead` or a file on disk, with the file name the server sees.
//! SailPoint rejects file parts without a file name ("No files were
//! supplied"), so one is always given. Readers and files are sent as they
//! are read, never held whole in memory.

use std::fmt;
use std::path::Path;

use bytes::{Bytes, BytesMut};
use futures::TryStream;
use tokio::io::{AsyncRead, AsyncReadExt};

/// The content type of a file part when neither the caller nor the spec
/// gives one: what OpenAPI 3.0 prescribes for `format: binary`.
pub const DEFAULT_FILE_CONTENT_TYPE: &str = "application/octet-stream";

/// How much of a reader is read at a time.
const CHUNK: usize = 64 * 1024;

enum Content {
    Bytes(Bytes),
    /// A body of unknown length, sent chunked.
    Stream(reqwest::Body),
    /// A body whose length is known (a file), sent with it.
    Sized(reqwest::Body, u64),
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

    /// A file read from `reader` as it is sent, 64 KiB at a time.
    pub fn reader<R>(file_name: impl Into<String>, reader: R) -> FilePart
    where
        R: AsyncRead + Send + Sync + Unpin + 'static,
    {
        FilePart {
            file_name: file_name.into(),
            content: Content::Stream(reqwest::Body::wrap_stream(read_chunks(reader))),
            content_type: None,
        }
    }

    /// The file at `path`, read as it is sent, with its length announced and
    /// its own name as the file name (change it with
    /// [`with_file_name`](Self::with_file_name)).
    pub async fn open(path: impl AsRef<Path>) -> std::io::Result<FilePart> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_string());
        Ok(FilePart {
            file_name,
            content: Content::Sized(reqwest::Body::wrap_stream(read_chunks(file)), length),
            content_type: None,
        })
    }

    /// Sets the file name the server sees.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> FilePart {
        self.file_name = file_name.into();
        self
    }

    /// Sets the part's `Content-Type` (default: the one the spec gives the
    /// part, else [`DEFAULT_FILE_CONTENT_TYPE`]).
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

    /// The content type the part will be sent with.
    pub fn content_type(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or(DEFAULT_FILE_CONTENT_TYPE)
    }

    /// The reqwest part. Fails only for a malformed content type.
    pub fn into_part(self) -> Result<reqwest::multipart::Part, reqwest::Error> {
        let content_type = self.content_type().to_string();
        let part = match self.content {
            Content::Bytes(bytes) => {
                let length = bytes.len() as u64;
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(bytes), length)
            }
            Content::Stream(body) => reqwest::multipart::Part::stream(body),
            Content::Sized(body, length) => {
                reqwest::multipart::Part::stream_with_length(body, length)
            }
        }
        .file_name(self.file_name);
        part.mime_str(&content_type)
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content = match &self.content {
            Content::Bytes(b) => format!("{} bytes", b.len()),
            Content::Stream(_) => "a stream".to_string(),
            Content::Sized(_, length) => format!("a stream of {length} bytes"),
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content", &content)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// `reader`'s bytes as a stream of chunks of at most [`CHUNK`] bytes.
fn read_chunks<R>(
    reader: R,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + Sync + 'static
where
    R: AsyncRead + Send + Sync + Unpin + 'static,
{
    futures::stream::try_unfold(reader, |mut reader| async move {
        let mut buffer = BytesMut::with_capacity(CHUNK);
        match reader.read_buf(&mut buffer).await? {
            0 => Ok(None),
            _ => Ok(Some((buffer.freeze(), reader))),
        }
    })
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
