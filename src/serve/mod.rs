//! `zhice serve DIR`: every policy of a directory over HTTP, for the portals
//! and finance systems that ask "what does this applicant get, and why".
//! The same front of the pipeline (`load`), decoder, evaluator and batch code
//! as the command line, behind axum on tokio.
//!
//! Safe by default: it listens on loopback unless told otherwise; bodies,
//! cases per request, request time and requests in flight are limited, each
//! limit answered with a JSON error; a policy is found by name in the list the
//! directory gave, never by a path a request spells.

mod api;
mod doc;
mod error;
mod grants;
mod listen;
mod logs;
mod registry;
mod stats;
mod stream;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use error::ApiError;
pub use registry::Event;
use registry::Registry;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tracing::{debug, info, warn};

pub use listen::Connections;
pub use logs::LogTo;

/// What a server is allowed to take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub body_bytes: usize,
    pub cases: usize,
    pub request_time: Duration,
    pub in_flight: usize,
}

pub struct Options {
    pub dir: PathBuf,
    pub listen: SocketAddr,
    pub limits: Limits,
    pub connections: Connections,
    /// how often the directory is looked at for changed files
    pub reload_every: Duration,
    pub log: LogTo,
    /// how often the log gets a line summing up the requests answered
    pub summary_every: Duration,
    /// worker threads for requests (batches also use every core through rayon)
    pub threads: usize,
    /// the grant registry cases are evaluated against, and rounds committed to
    pub grants: Option<Grants>,
}

/// A server's grant registry: where it is, and the token that allows writing to it.
#[derive(Clone)]
pub struct Grants {
    pub url: String,
    /// without it, the server only reads the registry: no endpoint writes
    pub token: Option<String>,
}

pub struct App {
    registry: Registry,
    limits: Limits,
    stats: stats::Stats,
    grants: Option<Grants>,
}

impl App {
    /// The request's body, refused with 413 beyond the limit.
    async fn read(&self, body: Body) -> Result<Bytes, ApiError> {
        axum::body::to_bytes(body, self.limits.body_bytes).await.map_err(|e| {
            let too_long = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit");
            if too_long {
                ApiError::too_large(words!(
                    "the body is over the limit of %{limit} bytes",
                    limit = self.limits.body_bytes
                ))
            } else {
                ApiError::bad_request(words!("the body could not be read: %{e}", e = e))
            }
        })
    }

    /// The policy served under `name`, at the version pinned (`digest`) if one is.
    fn entry(&self, name: &str, digest: Option<&str>) -> Result<Arc<registry::Entry>, ApiError> {
        let Some(e) = self.registry.get(name) else {
            return Err(match self.registry.refused(name) {
                Some(_) => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "zhice::serve::refused",
                    words!(
                        "policy `%{name}` failed to check and has no earlier version; see GET /v1/policies",
                        name = name
                    ),
                ),
                None => ApiError::not_found(words!("no policy named `%{name}`", name = name)),
            });
        };
        if let Some(d) = digest {
            if d != e.digest {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "zhice::serve::version",
                    words!(
                        "policy `%{name}` is now version %{digest}, not %{asked}",
                        name = name,
                        digest = e.digest,
                        asked = d
                    ),
                ));
            }
        }
        Ok(e)
    }

    fn check_count(&self, n: usize) -> Result<(), ApiError> {
        if n > self.limits.cases {
            return Err(ApiError::too_large(words!(
                "%{n} cases: a request may hold at most %{limit}",
                n = n,
                limit = self.limits.cases
            )));
        }
        Ok(())
    }
}

/// What a server of `dir` answers from, its policies loaded; with what the
/// loading found, for the log. (`router` of it is the whole service, which the
/// fuzz target drives in-process.)
pub fn app(dir: &std::path::Path, limits: Limits) -> (Arc<App>, Vec<Event>) {
    app_with(dir, limits, None)
}

/// As `app`, with a grant registry.
pub fn app_with(dir: &std::path::Path, limits: Limits, grants: Option<Grants>) -> (Arc<App>, Vec<Event>) {
    let app = Arc::new(App {
        registry: Registry::new(dir),
        limits,
        stats: stats::Stats::default(),
        grants,
    });
    let events = app.registry.scan();
    (app, events)
}

/// The routes, with every layer but logging: what the tests serve.
pub fn router(app: Arc<App>) -> Router {
    let limits = app.limits;
    // no token, no write endpoint
    let writes = app.grants.as_ref().is_some_and(|g| g.token.is_some());
    let router = Router::new();
    let router = if writes {
        router.route("/v1/policies/{name}/rounds/{round}", post(grants::commit))
    } else {
        router
    };
    router
        .route("/health", get(api::health))
        .route("/openapi.json", get(doc::openapi))
        .route("/v1/policies", get(api::list))
        .route("/v1/policies/{name}", get(api::one))
        .route("/v1/policies/{name}/eval", post(api::eval))
        .route("/v1/policies/{name}/batch", post(api::batch))
        .route("/v1/policies/{name}/explain", post(api::explain))
        .route("/v1/policies/{name}/bounds", get(api::bounds))
        .route("/v1/policies/{name}/schema", get(api::schema))
        .route("/v1/diff", post(api::diff))
        .fallback(api::fallback)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "zhice::serve::method",
                words!("this endpoint takes another method"),
            )
        })
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(limits.in_flight))
        .layer(middleware::from_fn_with_state(app.clone(), deadline))
        .layer(middleware::from_fn_with_state(app.clone(), request_id))
        .layer(middleware::from_fn(language))
        .with_state(app)
}

/// Answers each request in the language its `Accept-Language` asks for (of
/// Chinese and English), else the server's; says which in `Content-Language`.
/// Codes and field names are the same in both.
async fn language(req: Request, next: Next) -> Response {
    let asked = req
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::lang::from_accept_language);
    let lang = asked.unwrap_or_else(crate::lang::current);
    let mut response = InLanguage {
        lang,
        inner: Box::pin(next.run(req)),
    }
    .await;
    response.headers_mut().insert(
        axum::http::header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    response
}

/// A future that speaks `lang` whenever it runs: the request's language holds
/// across its awaits, on whichever worker thread polls it.
struct InLanguage<F> {
    lang: crate::lang::Lang,
    inner: std::pin::Pin<Box<F>>,
}

impl<F: std::future::Future> std::future::Future for InLanguage<F> {
    type Output = F::Output;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<F::Output> {
        let lang = self.lang;
        crate::lang::scoped(lang, || self.inner.as_mut().poll(cx))
    }
}

/// Answers 408 when a request (its body read, its answer begun) takes too long.
async fn deadline(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(app.limits.request_time, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::timeout(words!(
            "the request took longer than %{ms} ms",
            ms = app.limits.request_time.as_millis()
        ))
        .into_response(),
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Gives each request an id (the client's `x-request-id`, or a new one),
/// sends it back, counts the answer for the summary, and logs it: at `debug`,
/// or at `warn` when the server failed (5xx).
async fn request_id(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:x}", NEXT_ID.fetch_add(1, Ordering::Relaxed)));
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let started = std::time::Instant::now();
    let mut response = next.run(req).await;
    let status = response.status().as_u16();
    let took = started.elapsed();
    app.stats.record(status, took);
    let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
    if status >= 500 {
        warn!(request_id = %id, %method, %path, status, micros, "request");
    } else {
        debug!(request_id = %id, %method, %path, status, micros, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Writes the summary of each window with requests in it.
async fn summaries(app: Arc<App>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Some(s) = app.stats.take() {
            let (p50_ms, p99_ms) = (millis(s.p50), millis(s.p99));
            info!(requests = s.requests, errors = %s.errors_text(), %p50_ms, %p99_ms, "summary");
        }
    }
}

/// A duration in milliseconds with three places, as the log writes it.
fn millis(d: Duration) -> String {
    let micros = d.as_micros();
    format!("{}.{:03}", micros / 1000, micros % 1000)
}

/// Why a server could not start, or stopped on an error: data, worded by the
/// command line that started it.
#[derive(Debug)]
pub enum Failure {
    /// the runtime's threads could not be started
    Runtime(std::io::Error),
    NotADirectory(PathBuf),
    Listen {
        address: SocketAddr,
        error: std::io::Error,
    },
    /// the server stopped on an error
    Serve(std::io::Error),
    /// the log file could not be opened
    Log(std::io::Error),
}

/// Loads the directory, serves it, and reloads changed files until a signal
/// (Ctrl-C, SIGTERM) asks it to stop; requests in flight are finished first.
/// `listening` is told the address once the socket is bound (port 0 picks one).
pub fn run(options: Options, listening: impl FnOnce(&str)) -> Result<(), Failure> {
    let _flush_at_exit = logs::init(&options.log).map_err(Failure::Log)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.threads.max(1))
        .enable_all()
        .build()
        .map_err(Failure::Runtime)?;
    runtime.block_on(serve(options, listening))
}

async fn serve(options: Options, listening: impl FnOnce(&str)) -> Result<(), Failure> {
    if !options.dir.is_dir() {
        return Err(Failure::NotADirectory(options.dir));
    }
    let (app, events) = app_with(&options.dir, options.limits, options.grants.clone());
    log_events(events);
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|error| Failure::Listen {
            address: options.listen,
            error,
        })?;
    let addr = listener
        .local_addr()
        .map_or_else(|_| options.listen.to_string(), |a| a.to_string());
    info!(address = %addr, directory = %options.dir.display(), "listening");
    listening(&addr);
    let watcher = {
        let app = app.clone();
        let every = options.reload_every;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let app = app.clone();
                if let Ok(events) = tokio::task::spawn_blocking(move || app.registry.scan_settled()).await {
                    log_events(events);
                }
            }
        })
    };
    let summary = tokio::spawn(summaries(app.clone(), options.summary_every));
    let served = listen::serve(listener, router(app), options.connections, shutdown()).await;
    watcher.abort();
    summary.abort();
    served.map_err(Failure::Serve)?;
    info!("stopped");
    Ok(())
}

fn log_events(events: Vec<Event>) {
    for e in events {
        match e {
            Event::Loaded { name, digest } => info!(policy = %name, %digest, "loaded"),
            Event::Refused {
                name,
                diagnostics,
                serving: Some(digest),
            } => {
                warn!(policy = %name, %diagnostics, serving = %digest, "refused: the policy does not check; the version loaded before keeps serving")
            }
            Event::Refused {
                name,
                diagnostics,
                serving: None,
            } => {
                warn!(policy = %name, %diagnostics, "refused: the policy does not check; nothing is served under this name until it does")
            }
            Event::Removed { name } => info!(policy = %name, "removed"),
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    info!("stopping: finishing the requests in flight");
}
