//! The statistics as open data: `/statistik/data.csv` and `/statistik/data.json`, with the same
//! filters as the page (`fra`, `til`, `type`, `myndighed`). The columns are documented in the
//! README ("Statistics data").

use crate::http::HttpState;
use app::domain::local_time::copenhagen_date;
use app::error::AppError;
use app::i18n::Locale;
use app::services::statistics::{self, Comparison, StatisticsQuery, LICENCE};
use app::state::now_utc;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// A refused filter, as `application/problem+json` naming the field.
fn problem(field: &str, code: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Invalid filter",
        "status": 422,
        "detail": Locale::En.t_owned(code),
        "field": field,
    });
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

async fn figures(
    state: &HttpState,
    query: &StatisticsQuery,
) -> Result<(Comparison, statistics::Statistics), Response> {
    let (comparison, from, to) = query
        .resolve(copenhagen_date(now_utc()))
        .map_err(|p| problem(p.field, p.code))?;
    let mut conn = state
        .app
        .db
        .conn()
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    let figures = statistics::compute(&mut conn, &comparison, from, to, Locale::Da)
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    Ok((comparison, figures))
}

/// `GET /statistik/data.csv`
pub async fn csv(State(state): State<HttpState>, Query(query): Query<StatisticsQuery>) -> Response {
    match figures(&state, &query).await {
        Ok((_, figures)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"sagsspor-statistik.csv\"",
                ),
            ],
            statistics::to_csv(&figures),
        )
            .into_response(),
        Err(response) => response,
    }
}

/// `GET /statistik/data.json`
pub async fn json(
    State(state): State<HttpState>,
    Query(query): Query<StatisticsQuery>,
) -> Response {
    match figures(&state, &query).await {
        Ok((comparison, figures)) => {
            let compared = match &comparison {
                Comparison::AuthoritiesOnType(code) => {
                    serde_json::json!({ "authorities_on_type": code })
                }
                Comparison::TypesAtAuthority(code) => {
                    serde_json::json!({ "types_at_authority": code })
                }
            };
            let body = serde_json::json!({
                "licence": LICENCE,
                "comparison": compared,
                "statistics": figures,
            });
            (
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
        Err(response) => response,
    }
}
