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

    /// Writes the body to a new file at `path` (replacing one there);
    /// returns the bytes written. On failure the partial file is removed.
    fn save_to(
        self,
        path: impl AsRef<Path> + Send,
    ) -> impl Future<Output = std::io::Result<u64>> + Send {
        async move {
            let path = path.as_ref();
            let mut file = tokio::fs::File::create(path).await?;
            match self.write_to(&mut file).await {
                Ok(written) => {
                    file.sync_all().await?;
                    Ok(written)
                }
                Err(e) => {
                    drop(file);
                    let _ = tokio::fs::remove_file(path).await;
                    Err(e)
                }
            }
        }
    }
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
