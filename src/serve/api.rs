//! The HTTP API: one handler per endpoint, each documented for the OpenAPI
//! document (`doc.rs`) by the types it takes and gives.

use super::error::{ApiError, ErrorBody};
use super::registry::Entry;
use super::App;
use crate::diff::{compare, impact::impact, Side};
use crate::report::result::CaseResult;
use crate::run::{Mode, Ran};
use crate::syntax::ast::Date;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// `GET /health`
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// always `ok` when the server answers
    pub status: String,
    /// how many policies are being served
    pub policies: usize,
}

/// A policy being served: what its header says, and which version this is.
#[derive(Serialize, ToSchema)]
pub struct PolicyInfo {
    /// the file's stem: the policy's address (`/v1/policies/{name}`)
    pub name: String,
    pub title: String,
    pub version: Option<String>,
    /// `YYYY-MM-DD`
    pub effective: Option<String>,
    pub currency: Option<String>,
    /// a digest of the policy's text and its tests': which version is served
    pub digest: String,
    /// when this version was loaded, seconds since 1970
    pub loaded_at: u64,
    pub measures: Vec<MeasureInfo>,
    /// the ids of the services (not money) the policy grants
    pub benefits: Vec<String>,
    /// a newer version of the file that failed to check, still refused
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<RefusedInfo>,
}

#[derive(Serialize, ToSchema)]
pub struct MeasureInfo {
    pub id: String,
    pub clause: String,
    pub title: String,
}

/// A version of a policy file that failed to check.
#[derive(Serialize, ToSchema)]
pub struct RefusedInfo {
    pub digest: String,
    pub at: u64,
    /// its problems, as `zhice check --error-format plain` shows them
    pub diagnostics: String,
}

/// `GET /v1/policies`
#[derive(Serialize, ToSchema)]
pub struct PolicyList {
    pub policies: Vec<PolicyInfo>,
    /// files that have never loaded, by name, with why
    pub refused: BTreeMap<String, RefusedInfo>,
}

/// One case's result: what `zhice eval --format jsonl` writes for it. Its
/// schema is not written here: `report::schema` defines the result line once,
/// and the served document takes it from there (`doc::openapi`).
pub struct ResultLine;

impl utoipa::PartialSchema for ResultLine {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::Object::new().into()
    }
}

impl ToSchema for ResultLine {}

#[derive(Deserialize, IntoParams)]
pub struct EvalQuery {
    /// read dated parameters on this day (`YYYY-MM-DD`) instead of the case's own
    pub as_of: Option<String>,
    /// answer only if this version (a `digest`) is the one served; 409 otherwise
    pub digest: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct ExplainQuery {
    pub as_of: Option<String>,
    pub digest: Option<String>,
    /// `json` (default) or `text`
    pub format: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct SchemaQuery {
    /// `case` (default) or `result`
    pub format: Option<String>,
}

/// `POST /v1/diff`
#[derive(Deserialize, ToSchema)]
pub struct DiffRequest {
    /// the name of the old version
    pub old: String,
    /// the name of the new version
    pub new: String,
    /// cases to measure the impact on (objects, as `eval` takes them)
    #[serde(default)]
    pub cases: Vec<serde_json::Value>,
}

fn as_of(q: Option<&str>) -> Result<Option<Date>, ApiError> {
    q.map(|s| {
        crate::syntax::literal::date(s)
            .ok_or_else(|| ApiError::bad_request(words!("`%{text}` is not a date like 2025-01-01", text = s)))
    })
    .transpose()
}

/// What every request about cases starts with: the policy (at the version
/// pinned, if one is), the day dated parameters are read on, the body as text.
async fn cases_request(
    app: &App,
    name: &str,
    digest: Option<&str>,
    day: Option<&str>,
    body: Body,
) -> Result<(Arc<Entry>, Option<Date>, String), ApiError> {
    let e = app.entry(name, digest)?;
    let as_of = as_of(day)?;
    let bytes = app.read(body).await?;
    let text =
        String::from_utf8(bytes.into()).map_err(|_| ApiError::bad_request(words!("the body is not UTF-8 text")))?;
    Ok((e, as_of, text))
}

fn info(e: &Entry, refused: Option<super::registry::Refused>) -> PolicyInfo {
    let p = &e.loaded().program.policy;
    PolicyInfo {
        name: e.name.clone(),
        title: p.header.title.clone(),
        version: p.header.version.clone(),
        effective: p.header.effective.map(|d| d.to_string()),
        currency: p.header.currency.clone(),
        digest: e.digest.clone(),
        loaded_at: e.loaded_at,
        measures: p
            .measures
            .iter()
            .map(|m| MeasureInfo {
                id: m.id.clone(),
                clause: m.clause.clone(),
                title: m.title.clone(),
            })
            .collect(),
        benefits: p.benefits.iter().map(|b| b.id.clone()).collect(),
        refused: refused.map(refused_info),
    }
}

fn refused_info(r: super::registry::Refused) -> RefusedInfo {
    RefusedInfo {
        diagnostics: r.diagnostics(),
        digest: r.digest,
        at: r.at,
    }
}

#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
pub async fn health(State(app): State<Arc<App>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        policies: app.registry.all().0.len(),
    })
}

/// Every policy served, with its header and version.
#[utoipa::path(get, path = "/v1/policies", responses((status = 200, body = PolicyList)))]
pub async fn list(State(app): State<Arc<App>>) -> Json<PolicyList> {
    let (entries, mut refused) = app.registry.all();
    let policies = entries.iter().map(|e| info(e, refused.remove(&e.name))).collect();
    Json(PolicyList {
        policies,
        refused: refused.into_iter().map(|(n, r)| (n, refused_info(r))).collect(),
    })
}

#[utoipa::path(get, path = "/v1/policies/{name}", params(("name" = String, Path)),
    responses((status = 200, body = PolicyInfo), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version")))]
pub async fn one(State(app): State<Arc<App>>, Path(name): Path<String>) -> Result<Json<PolicyInfo>, ApiError> {
    let e = app.entry(&name, None)?;
    Ok(Json(info(&e, app.registry.refused(&name))))
}

/// Evaluates one case (a JSON object, as `zhice eval --case` takes it).
#[utoipa::path(post, path = "/v1/policies/{name}/eval", params(("name" = String, Path), EvalQuery),
    request_body(content = Object, content_type = "application/json", description = "one case"),
    responses(
        (status = 200, body = ResultLine, description = "the case's awards"),
        (status = 422, body = ResultLine, description = "the case was rejected: `errors` names each field"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version"), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 408, body = ErrorBody)))]
pub async fn eval(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<EvalQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    let (e, as_of, text) = cases_request(&app, &name, q.digest.as_deref(), q.as_of.as_deref(), body).await?;
    let history = super::grants::history(&app, &e, super::grants::applicants(&text)).await?;
    let text = text.as_str();
    let program = &e.loaded().program;
    let result = match super::grants::against(e.runner(as_of), history).one(text, Mode::Plain) {
        Ok((ran, _)) => CaseResult::Done {
            id: ran.case.id,
            outcome: ran.outcome,
        },
        Err(refused) => CaseResult::Rejected(refused.errors(program)),
    };
    let status = match result {
        CaseResult::Done { .. } => StatusCode::OK,
        CaseResult::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let line = e.lines.json_line(&result);
    Ok((status, [(header::CONTENT_TYPE, "application/json")], line).into_response())
}

/// Evaluates many cases: JSON lines (`application/x-ndjson`) or a JSON array.
/// The answer streams one result line per case, in order; a rejected case
/// gets its line with `errors` and every other case is still evaluated.
#[utoipa::path(post, path = "/v1/policies/{name}/batch", params(("name" = String, Path), EvalQuery),
    request_body(content = String, content_type = "application/x-ndjson", description = "one case per line, or a JSON array of cases"),
    responses(
        (status = 200, body = ResultLine, content_type = "application/x-ndjson", description = "one result line per case"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version"), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 408, body = ErrorBody)))]
pub async fn batch(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<EvalQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    let (e, as_of, text) = cases_request(&app, &name, q.digest.as_deref(), q.as_of.as_deref(), body).await?;
    let input = if text.trim_start().starts_with('[') {
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text)
            .map_err(|err| ApiError::bad_request(words!("the body is not a JSON array of cases: %{err}", err = err)))?;
        app.check_count(cases.len())?;
        cases.iter().map(|c| format!("{c}\n")).collect::<String>()
    } else {
        app.check_count(text.lines().count())?;
        text
    };
    let history = super::grants::history(&app, &e, super::grants::applicants(&input)).await?;
    let deadline = tokio::time::Instant::now() + app.limits.request_time;
    Ok(super::stream::batch(e, input, as_of, history, deadline.into_std()))
}

/// Explains one case: every award with its clause and each step of its arithmetic.
#[utoipa::path(post, path = "/v1/policies/{name}/explain", params(("name" = String, Path), ExplainQuery),
    request_body(content = Object, content_type = "application/json", description = "one case"),
    responses(
        (status = 200, body = Object, description = "the explanation as JSON (or text with `format=text`)"),
        (status = 422, body = ResultLine, description = "the case was rejected"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version"), (status = 413, body = ErrorBody)))]
pub async fn explain(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<ExplainQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    let (e, as_of, text) = cases_request(&app, &name, q.digest.as_deref(), q.as_of.as_deref(), body).await?;
    let history = super::grants::history(&app, &e, super::grants::applicants(&text)).await?;
    let text = text.as_str();
    let program = &e.loaded().program;
    let rejected = |r: CaseResult| {
        let line = e.lines.json_line(&r);
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(header::CONTENT_TYPE, "application/json")],
            line,
        )
            .into_response()
    };
    // A case on its own is a round of one, its pooled awards granted as `eval` grants them.
    let Ran { case, outcome, .. } = match super::grants::against(e.runner(as_of), history).one(text, Mode::Explained) {
        Ok((ran, _)) => ran,
        Err(refused) => return Ok(rejected(CaseResult::Rejected(refused.errors(program)))),
    };
    Ok(match q.format.as_deref() {
        Some("text") => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            crate::report::explain::text(program, &case, &outcome),
        )
            .into_response(),
        None | Some("json") => document(&crate::report::explain::json(program, &case, &outcome)),
        Some(other) => {
            return Err(ApiError::bad_request(words!(
                "format `%{other}`: use json or text",
                other = other
            )))
        }
    })
}

/// What changed between two policies served here, and its impact on the cases given.
#[utoipa::path(post, path = "/v1/diff", request_body = DiffRequest,
    responses((status = 200, body = Object, description = "as `zhice diff --format json`"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version"), (status = 413, body = ErrorBody)))]
pub async fn diff(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let bytes = app.read(body).await?;
    let req: DiffRequest = serde_json::from_slice(&bytes)
        .map_err(|err| ApiError::bad_request(words!("not a diff request: %{err}", err = err)))?;
    app.check_count(req.cases.len())?;
    let (old, new) = (app.entry(&req.old, None)?, app.entry(&req.new, None)?);
    let (old_name, o, new_name, n) = (&old.name, old.loaded(), &new.name, new.loaded());
    // Each named as the command line names it when run in the served directory.
    let (old_file, new_file) = (format!("{old_name}.policy"), format!("{new_name}.policy"));
    let old_side = Side {
        path: &old_file,
        policy: &o.program.policy,
        ast: &o.ast,
        source: o.source(),
    };
    let new_side = Side {
        path: &new_file,
        policy: &n.program.policy,
        ast: &n.ast,
        source: n.source(),
    };
    let d = compare(&old_side, &new_side);
    let imp = (!req.cases.is_empty()).then(|| {
        let cases: String = req.cases.iter().map(|c| format!("{c}\n")).collect();
        impact(&d, &o.program, &n.program, &cases, None)
    });
    Ok(document(&crate::report::diff::json(&d, imp.as_ref())))
}

/// The most each award can cost one applicant in a year.
#[utoipa::path(get, path = "/v1/policies/{name}/bounds", params(("name" = String, Path)),
    responses((status = 200, body = Object, description = "as `zhice bounds --format json`"), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version")))]
pub async fn bounds(State(app): State<Arc<App>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    let e = app.entry(&name, None)?;
    let loaded = e.loaded();
    let b = crate::bounds::bounds(&loaded.program.policy, loaded.source());
    Ok(document(&crate::report::bounds::json(&b, None, &loaded.program)))
}

/// The case format (or, with `format=result`, the result format) as JSON Schema 2020-12.
#[utoipa::path(get, path = "/v1/policies/{name}/schema", params(("name" = String, Path), SchemaQuery),
    responses((status = 200, body = Object, description = "a JSON Schema"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "the policy failed to check and has no earlier version")))]
pub async fn schema(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<SchemaQuery>,
) -> Result<Response, ApiError> {
    let e = app.entry(&name, None)?;
    let policy = &e.loaded().program.policy;
    Ok(match q.format.as_deref() {
        None | Some("case") => document(&crate::case::schema::case_schema(policy)),
        Some("result") => document(&crate::report::schema::result_schema(policy)),
        Some(other) => {
            return Err(ApiError::bad_request(words!(
                "format `%{other}`: use case or result",
                other = other
            )))
        }
    })
}

/// Any other path.
pub async fn fallback() -> ApiError {
    ApiError::not_found(words!("no such endpoint; see /openapi.json"))
}

/// A JSON answer in the one text form the command line prints too.
fn document(v: &serde_json::Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::report::document(v)).into_response()
}
