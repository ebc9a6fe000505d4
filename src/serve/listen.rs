//! The accept loop: how many connections are open at once, how long a client
//! may take to send a request's header, how long a connection may sit with
//! nothing read or written, and the graceful end. (`axum::serve` bounds none
//! of these: a client sending half a header was held for a minute and more.)

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tracing::debug;

/// What one client's connections may take.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    /// from the moment the server waits for a request (a new connection, or
    /// the next request on a kept-alive one) to its header's last byte
    pub header_time: Duration,
    /// nothing read and nothing written for this long closes the connection
    pub idle_time: Duration,
    /// connections open at once; the next waits in the system's queue
    pub open: usize,
}

/// How long the requests in flight are given to finish after a stop is asked for.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `stop` completes, then lets the requests
/// in flight finish (for at most `DRAIN`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Connections,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.open.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_time);
    tokio::pin!(stop);
    loop {
        // A place is taken before accepting: beyond the limit, clients wait in the backlog.
        let permit = tokio::select! {
            p = open.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            a = listener.accept() => match a {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, rather than spin.
                    debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let watched = Watched::new(stream);
        let last = watched.last.clone();
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(watched), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn.into_owned());
        let idle = limits.idle_time;
        tokio::spawn(async move {
            tokio::select! {
                _ = conn => {}
                () = idle_for(&last, idle) => debug!("closed a connection idle for {} s", idle.as_secs()),
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => debug!("closed connections still open after the drain"),
    }
    Ok(())
}

/// Completes once `last` (milliseconds since `EPOCH`) is `idle` in the past.
async fn idle_for(last: &AtomicU64, idle: Duration) {
    loop {
        let since = Duration::from_millis(millis().saturating_sub(last.load(Ordering::Relaxed)));
        if since >= idle {
            return;
        }
        tokio::time::sleep(idle - since).await;
    }
}

/// Milliseconds since the server's first use of this clock.
fn millis() -> u64 {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    u64::try_from(EPOCH.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A connection that notes when a byte last went either way.
struct Watched {
    stream: TcpStream,
    last: Arc<AtomicU64>,
}

impl Watched {
    fn new(stream: TcpStream) -> Self {
        Watched {
            stream,
            last: Arc::new(AtomicU64::new(millis())),
        }
    }

    fn touch(&self) {
        self.last.store(millis(), Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
