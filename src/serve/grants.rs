//! The server and the grant registry: cases read against what it holds (each
//! names its `applicant`), and rounds committed to it by a client that shows
//! the write token. Every database call runs on a blocking thread.

use super::error::ApiError;
use super::registry::Entry;
use super::App;
use crate::grants::{self, Committed, History, Refusal, Registry, Request};
use crate::run::{Mode, Runner};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tracing::info;

/// The applicants the cases of a request name (JSON lines, an array, or one case).
pub(super) fn applicants(text: &str) -> Vec<String> {
    let named = |v: &serde_json::Value| {
        v.get(crate::case::APPLICANT)
            .and_then(|a| a.as_str())
            .map(str::to_string)
    };
    let mut out: Vec<String> = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(cases)) => cases.iter().filter_map(named).collect(),
        Ok(one) => named(&one).into_iter().collect(),
        Err(_) => text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| named(&v))
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

fn unavailable(e: String) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "zhice::serve::registry",
        words!("the grant registry cannot be read: %{e}", e = e),
    )
}

/// What the registry holds for these applicants, when the server has a registry.
pub(super) async fn history(app: &App, e: &Arc<Entry>, applicants: Vec<String>) -> Result<Option<History>, ApiError> {
    let Some(g) = &app.grants else {
        return Ok(None);
    };
    let (url, e) = (g.url.clone(), e.clone());
    let read = tokio::task::spawn_blocking(move || {
        let mut registry = Registry::open(&url)?;
        let names: Vec<&str> = applicants.iter().map(String::as_str).collect();
        registry.history_of(&e.loaded().program, &names)
    })
    .await
    .map_err(|e| unavailable(e.to_string()))?;
    read.map(Some).map_err(unavailable)
}

/// A runner that reads cases against the history, when there is one.
pub(super) fn against(runner: Runner<'_>, history: Option<History>) -> Runner<'_> {
    match history {
        Some(h) => runner.ledger(h.pools).registered(Arc::new(h.registered)),
        None => runner,
    }
}

/// Whether the request shows the write token (`Authorization: Bearer …`).
fn allowed(app: &App, headers: &HeaderMap) -> bool {
    let held = app.grants.as_ref().and_then(|g| g.token.as_deref());
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (given, held) {
        (Some(given), Some(held)) => grants::same_secret(given, held),
        _ => false,
    }
}

/// Commits a round (JSON lines, one case per line, each naming its
/// `applicant`) to the registry under the id in the path: every award and
/// each fund's share, or nothing. Committing the same round again changes
/// nothing; other cases under the same id are refused (409).
#[utoipa::path(post, path = "/v1/policies/{name}/rounds/{round}", params(("name" = String, Path), ("round" = String, Path)),
    request_body(content = String, content_type = "application/x-ndjson", description = "the round: one case per line"),
    responses(
        (status = 200, body = Object, description = "committed, or committed before with the same cases"),
        (status = 401, body = super::error::ErrorBody, description = "no write token, or the wrong one"),
        (status = 409, body = super::error::ErrorBody, description = "the round id was committed with other cases"),
        (status = 422, body = super::error::ErrorBody, description = "some case was rejected: nothing written")))]
pub async fn commit(
    State(app): State<Arc<App>>,
    Path((name, round)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !allowed(&app, &headers) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "zhice::serve::token",
            words!("writing to the registry needs the write token: `Authorization: Bearer …`"),
        ));
    }
    let e = app.entry(&name, None)?;
    let bytes = app.read(body).await?;
    let text =
        String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::bad_request(words!("the body is not UTF-8 text")))?;
    app.check_count(text.lines().count())?;
    let url = app.grants.as_ref().map(|g| g.url.clone()).unwrap_or_default();
    let id = round.clone();
    let lang = crate::lang::current();
    let done = tokio::task::spawn_blocking(move || {
        crate::lang::scoped(lang, || {
            let program = &e.loaded().program;
            let mut registry = Registry::open(&url).map_err(Refusal::Store)?;
            let policy_digest = grants::digest(&[program.source.as_bytes()]);
            let input_digest = grants::digest(&[text.as_bytes(), b"", b""]);
            let request = Request {
                id: &id,
                policy_digest: &policy_digest,
                input_digest: &input_digest,
            };
            registry.commit(program, &request, &mut |history| {
                let runner = against(e.runner(None), Some(history));
                let ran = runner.round(&text, Mode::Plain);
                grants::run_of(program, &ran, None).map_err(|n| n.to_string())
            })
        })
    })
    .await
    .map_err(|e| unavailable(e.to_string()))?;
    match done {
        Ok(Committed::Written { awards, granted }) => {
            info!(round = %round, policy = %name, awards, granted = %granted, "round committed");
            let body =
                serde_json::json!({"round": round, "written": true, "awards": awards, "granted": granted.to_string()});
            Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
        }
        Ok(Committed::Already { committed_at }) => {
            info!(round = %round, policy = %name, "round committed before: nothing changed");
            let body = serde_json::json!({"round": round, "written": false, "committed_at": committed_at});
            Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
        }
        Err(Refusal::Different { committed_at, .. }) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "zhice::serve::round-committed",
            words!(
                "round `%{round}` was committed on %{at} with other cases: a committed round is never changed",
                round = round,
                at = committed_at
            ),
        )),
        Err(Refusal::Run(rejected)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "zhice::serve::round-rejected",
            words!(
                "%{n} case(s) of the round were rejected (see the batch endpoint for why): nothing was written",
                n = rejected
            ),
        )),
        Err(Refusal::Store(e)) => Err(unavailable(e)),
    }
}
