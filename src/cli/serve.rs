//! `zhice serve DIR`: the HTTP API over every policy of a directory.

use super::status;
use crate::serve::{self, Connections, Failure, Limits, LogTo, Options};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(super) struct ServeArgs {
    /// The directory whose .policy files (and their .tests files) are served, each under its file's name.
    dir: PathBuf,
    /// The address to listen on. Loopback unless you choose otherwise; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body: usize,
    /// The most cases one request may hold.
    #[arg(long, default_value_t = 100_000)]
    max_cases: usize,
    /// The longest a request may take, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    timeout_ms: u64,
    /// The most requests handled at once; more wait their turn.
    #[arg(long, default_value_t = 512)]
    max_in_flight: usize,
    /// The longest a client may take to send a request's header, in
    /// milliseconds, counted from when the server waits for it (so also the
    /// longest a kept-alive connection may wait between requests).
    #[arg(long, default_value_t = 10_000)]
    header_timeout_ms: u64,
    /// A connection with nothing read or written for this long is closed, in milliseconds.
    #[arg(long, default_value_t = 60_000)]
    idle_timeout_ms: u64,
    /// The most connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 1_024)]
    max_connections: usize,
    /// How often the directory is looked at for changed files, in milliseconds.
    #[arg(long, default_value_t = 1_000)]
    reload_ms: u64,
    /// How the log (on standard error) is written: text or json.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Write the log to this file instead of standard error.
    #[arg(long)]
    log_file: Option<PathBuf>,
    /// The most a log file holds, in bytes, before it is moved to FILE.1 and a new one started.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    log_max_bytes: u64,
    /// How often the log sums up the requests answered (count, errors by status, p50, p99), in milliseconds.
    #[arg(long, default_value_t = 60_000)]
    summary_ms: u64,
    /// Threads answering requests (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Evaluate cases against this grant registry (each names its `applicant`): a file (SQLite) or a PostgreSQL server (`postgres://USER@HOST/DB`). Read only, unless a write token is given.
    #[arg(long, value_name = "URL")]
    registry: Option<String>,
    /// With --registry: a file holding the token that lets a client commit rounds (`Authorization: Bearer …`); also the environment variable ZHICE_WRITE_TOKEN. Without one, no endpoint writes.
    #[arg(long, value_name = "FILE", requires = "registry")]
    write_token_file: Option<PathBuf>,
}

/// The write token: from its file, else from ZHICE_WRITE_TOKEN; none when empty.
fn write_token(args: &ServeArgs) -> Result<Option<String>, String> {
    let token = match &args.write_token_file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| {
            t!(
                "cannot read `%{path}`: %{reason}",
                path = path.display(),
                reason = crate::lang::io_error(&e)
            )
            .into_owned()
        })?,
        None => std::env::var("ZHICE_WRITE_TOKEN").unwrap_or_default(),
    };
    let token = token.trim().to_string();
    if token.is_empty() {
        return Ok(None);
    }
    if token.len() < 16 {
        return Err(t!("the write token is shorter than 16 characters: give a long random one").into_owned());
    }
    Ok(Some(token))
}

pub(super) fn run(args: &ServeArgs) -> u8 {
    let token = match write_token(args) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("zhice serve: {message}");
            return status::USAGE;
        }
    };
    if token.is_some() && args.registry.is_none() {
        eprintln!(
            "zhice serve: {}",
            t!("a write token is for a grant registry: add `--registry URL`")
        );
        return status::USAGE;
    }
    let grants = args.registry.as_ref().map(|url| serve::Grants {
        url: url.clone(),
        token,
    });
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from));
    let served = serve::run(
        Options {
            dir: args.dir.clone(),
            listen: args.listen,
            limits: Limits {
                body_bytes: args.max_body,
                cases: args.max_cases,
                request_time: Duration::from_millis(args.timeout_ms),
                in_flight: args.max_in_flight.max(1),
            },
            connections: Connections {
                header_time: Duration::from_millis(args.header_timeout_ms.max(1)),
                idle_time: Duration::from_millis(args.idle_timeout_ms.max(1)),
                open: args.max_connections.max(1),
            },
            reload_every: Duration::from_millis(args.reload_ms.max(10)),
            log: LogTo {
                json: args.log_format == LogFormat::Json,
                file: args.log_file.clone(),
                max_bytes: args.log_max_bytes,
            },
            summary_every: Duration::from_millis(args.summary_ms.max(10)),
            threads,
            grants,
        },
        // Tests and scripts read the address from here when they asked for port 0.
        |addr| eprintln!("zhice serve: {}", t!("listening on http://%{addr}", addr = addr)),
    );
    let Err(failure) = served else {
        return status::OK;
    };
    let (message, code) = match failure {
        Failure::Runtime(e) => (e.to_string(), status::USAGE),
        Failure::NotADirectory(dir) => (
            t!("`%{dir}` is not a directory", dir = dir.display()).into_owned(),
            status::USAGE,
        ),
        Failure::Listen { address, error } => (
            t!(
                "cannot listen on %{address}: %{error}",
                address = address,
                error = error
            )
            .into_owned(),
            status::USAGE,
        ),
        Failure::Serve(e) => (e.to_string(), status::ERRORS),
        Failure::Log(e) => (
            t!("cannot open the log file: %{error}", error = e).into_owned(),
            status::USAGE,
        ),
    };
    eprintln!("zhice serve: {message}");
    code
}
