//! The OpenAPI 3.1 document, generated from the handlers and their types
//! (utoipa) and served at `/openapi.json`.

use super::error::{ErrorBody, ErrorDetail};
use super::{api, grants};
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zhice",
        description = "智策: subsidy policies as code. Evaluate and explain cases, compare versions, bound the budget."
    ),
    paths(
        api::health,
        api::list,
        api::one,
        api::eval,
        api::batch,
        api::explain,
        api::diff,
        api::bounds,
        api::schema,
        grants::commit
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        api::Health,
        api::PolicyList,
        api::PolicyInfo,
        api::MeasureInfo,
        api::RefusedInfo,
        api::ResultLine,
        api::DiffRequest
    ))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<serde_json::Value> {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    // The result line as `report::schema` defines it, for any policy.
    doc["components"]["schemas"]["ResultLine"] = crate::report::schema::result_line_schema(None);
    Json(doc)
}
