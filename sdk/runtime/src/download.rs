//! Streams a non-JSON success body (files, reports, CSV, images) to any
//! writer as it arrives, so memory stays flat whatever the size: the
//! generated operations return such bodies as progenitor's `ByteStream`.

use std::future::Future;
use std::path::Path;

use futures::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Writes a downloaded body out chunk by chunk.
///
/// ```no_run
/// # async fn demo(body: progenitor_client::ByteStream) -> std::io::Result<()> {
/// use sailpoint_runtime::Download;
/// let bytes = body.save_to("export.zip").await?;
/// # let _ = bytes; Ok(()) }
/// ```
pub trait Download: Sized + Send {
    /// Copies the body into `writer` and flushes it; returns the bytes
    /// written. A connection cut mid-body is an `io::Error`.
    fn write_to<W>(self, writer: &mut W) -> impl Future<Output = std::io::Result<u64>> + Send
    where
        W: AsyncWrite + Unpin + Send + ?Sized;

    /// Writes the body to the file at `path`, replacing any file there only
    /// once the whole body arrived; returns the bytes written.
    ///
    /// The body goes to a temporary file in the same directory (named
    /// `.<file name>.<random>.part`), which is flushed to disk and then
    /// renamed to `path`, so `path` holds either its earlier content or the
    /// whole new body, never a part. On failure (connection cut, disk
    /// full) the temporary file is removed and an earlier file at `path` is
    /// untouched. A new file gets the permissions `File::create` would give
    /// (`0o666` less the umask on Unix); a replaced file keeps its own.
    fn save_to(
        self,
        path: impl AsRef<Path> + Send,
    ) -> impl Future<Output = std::io::Result<u64>> + Send {
        async move {
            let path = path.as_ref().to_owned();
            let temp = {
                let path = path.clone();
                tokio::task::spawn_blocking(move || temp_file_beside(&path))
                    .await
                    .map_err(std::io::Error::other)??
            };
            let (file, temp_path) = temp.into_parts();
            let mut file = tokio::fs::File::from_std(file);
            let written = self.write_to(&mut file).await?;
            file.sync_all().await?;
            drop(file);
            // Dropping `temp_path` (on any error above) removes the file.
            tokio::task::spawn_blocking(move || temp_path.persist(&path))
                .await
                .map_err(std::io::Error::other)?
                .map_err(|e| e.error)?;
            Ok(written)
        }
    }
}

/// An empty temporary file in `target`'s directory, with (on Unix) the
/// permissions `target` has, or a new file would get.
fn temp_file_beside(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".part");
    #[cfg(unix)]
    let existing = {
        use std::os::unix::fs::PermissionsExt;
        let existing = std::fs::metadata(target).ok().map(|m| m.permissions());
        // Created with this mode less the umask, as `File::create` does.
        builder.permissions(
            existing
                .clone()
                .unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)),
        );
        existing
    };
    let temp = builder.tempfile_in(dir)?;
    // The umask may have narrowed an existing file's mode: restore it.
    #[cfg(unix)]
    if let Some(existing) = existing {
        temp.as_file().set_permissions(existing)?;
    }
    Ok(temp)
}

impl Download for ByteStream {
    async fn write_to<W>(self, writer: &mut W) -> std::io::Result<u64>
    where
        W: AsyncWrite + Unpin + Send + ?Sized,
    {
        let mut chunks = self.into_inner();
        let mut written = 0u64;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(std::io::Error::other)?;
            writer.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        writer.flush().await?;
        Ok(written)
    }
}

impl Download for ResponseValue<ByteStream> {
    async fn write_to<W>(self, writer: &mut W) -> std::io::Result<u64>
    where
        W: AsyncWrite + Unpin + Send + ?Sized,
    {
        self.into_inner().write_to(writer).await
    }
}
