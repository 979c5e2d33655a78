//! The integration API under `/api/v1`: authorities' case systems (ESDH) register cases, read
//! them, post events and documents, pull a feed of changes, and register webhook receivers to
//! have the same changes pushed. JSON in and out, errors as
//! `application/problem+json`, described by an OpenAPI 3.1 document generated from the handlers
//! below (`/api/v1/openapi.json`).
//!
//! Every call carries a bearer token of a machine client (`sagsspor client create`); a client
//! acts only on its own authority's cases.

pub mod cases;
pub mod changes;
pub mod clients;
pub mod problem;
pub mod requests;
pub mod webhooks;

use crate::http::HttpState;
use app::db::api_clients::ApiClient;
use app::state::now_utc;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use problem::Problem;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::OpenApi;

/// The largest JSON body a write takes; far above any real case or event.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// The OpenAPI document of the API, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sagsspor integration API",
        version = "1",
        description = "For authorities' case systems (ESDH): register cases that arrived outside the portal, push events and decisions, upload documents, pull a feed of changes, and have the changes pushed to webhook receivers. Every POST takes an Idempotency-Key; writes take If-Match. Errors are application/problem+json.",
        license(name = "EUPL-1.2")
    ),
    paths(
        cases::register,
        cases::find,
        cases::read,
        cases::post_event,
        cases::upload_document,
        cases::download_document,
        changes::changes,
        webhooks::register,
        webhooks::list,
        webhooks::remove
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "cases", description = "Cases of the client's authority"),
        (name = "changes", description = "The feed of changes"),
        (name = "webhooks", description = "Events pushed to the case system")
    )
)]
pub struct ApiDoc;

/// Declares the bearer scheme the paths refer to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The caller of an API route: an active machine client, from the `Authorization` header.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub client: ApiClient,
}

impl FromRequestParts<HttpState> for ApiCaller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Problem::unauthorized(
                "send Authorization: Bearer <token> (see `sagsspor client create`)",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| {
                Problem::unauthorized("the Authorization header is not a bearer token")
            })?;
        let mut conn = state.app.db.conn().await?;
        let client = crate::api::clients::authenticate(&mut conn, token)
            .await?
            .ok_or_else(|| Problem::unauthorized("the token is unknown or has been revoked"))?;
        // A read must not write: the last use is noted only when the stored one is a minute old,
        // which the row just read already says (a write per request would queue every GET
        // behind SQLite's one writer).
        let now = now_utc();
        if ApiClient::last_use_is_stale(&client, now) {
            if let Err(error) = ApiClient::touch(&mut conn, client.id, now).await {
                tracing::warn!(%error, client_id = client.id, "could not note the client's last use");
            }
        }
        Ok(ApiCaller { client })
    }
}

/// The API's routes, to be nested at `/api/v1`.
pub fn router(max_file_bytes: u64) -> Router<HttpState> {
    let file_limit = usize::try_from(max_file_bytes).unwrap_or(usize::MAX);
    let json_routes = Router::new()
        .route("/cases", post(cases::register).get(cases::find))
        .route("/cases/{reference}", get(cases::read))
        .route("/cases/{reference}/events", post(cases::post_event))
        .route(
            "/cases/{reference}/documents/{id}",
            get(cases::download_document),
        )
        .route("/changes", get(changes::changes))
        .route("/webhooks", post(webhooks::register).get(webhooks::list))
        .route("/webhooks/{id}", axum::routing::delete(webhooks::remove))
        .layer(middleware::from_fn_with_state(
            MAX_JSON_BYTES,
            refuse_large_bodies,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_JSON_BYTES));
    let file_routes = Router::new()
        .route("/cases/{reference}/documents", post(cases::upload_document))
        .layer(middleware::from_fn_with_state(
            file_limit,
            refuse_large_bodies,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(file_limit));
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .merge(json_routes)
        .merge(file_routes)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
}

/// Refuses a body whose declared length is over the limit before reading any of it; a body
/// without a length is cut off at the limit while it arrives (`DefaultBodyLimit`), and that
/// refusal is turned into the same problem.
async fn refuse_large_bodies(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "The body is too large",
            format!("this operation takes at most {limit} bytes"),
        )
        .into_response()
    };
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return too_large();
    }
    let response = next.run(request).await;
    // axum answers a body cut off at the limit with a plain-text 413.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && response.headers().get(header::CONTENT_TYPE)
            != Some(&HeaderValue::from_static(problem::PROBLEM_JSON))
    {
        return too_large();
    }
    response
}

/// `GET /api/v1/openapi.json`: the API's description (public, so tools can read it).
async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            json,
        )
            .into_response(),
        Err(error) => Problem::internal("writing the OpenAPI document", &error).into_response(),
    }
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no-such-operation",
        "No such operation",
        "the API has no operation at this path; see /api/v1/openapi.json",
    )
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this path does not take this method; see /api/v1/openapi.json",
    )
}
