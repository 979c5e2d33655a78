//! `/api/v1/changes`: the feed of changes to the client's authority's cases, pulled with a
//! cursor (a high-watermark: ask again with the last cursor you got and you get what came since,
//! each change once, in the order they were written).

use super::problem::Problem;
use super::ApiCaller;
use crate::http::HttpState;
use app::db::events::{CaseEvent, FeedPosition};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most changes one page holds.
const MAX_LIMIT: i64 = 1000;

/// The feed's query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next_cursor` of the previous page (opaque); omit (or `0`) to start from the beginning.
    pub after: Option<String>,
    /// Changes per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

/// One page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesPage {
    /// Oldest first.
    pub changes: Vec<Change>,
    /// Pass as `after` for the next page; the same cursor again when nothing new has come.
    pub next_cursor: String,
    /// Whether more changes are waiting right now (ask again at once).
    pub has_more: bool,
}

/// One change: an event of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// This change's position in the feed.
    pub cursor: String,
    pub reference: String,
    pub event_id: i64,
    /// The event's position in the case's history; the case's version after it.
    pub seq: i32,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub state_after: String,
    pub must_act_after: String,
    pub visible_to_applicant: bool,
    pub public_text: Option<String>,
}

/// `GET /api/v1/changes`
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    operation_id = "read_changes",
    tag = "changes",
    summary = "Changes to this authority's cases since a cursor",
    description = "Pull the feed by asking with the `next_cursor` of the previous page until `has_more` is false, then poll. Every change comes exactly once, in a stable order. On PostgreSQL a change appears once every transaction that was running when it was written has finished, so a slower writer can never be skipped.",
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = ChangesPage),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is not acceptable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn changes(
    State(state): State<HttpState>,
    caller: ApiCaller,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let after = match query.after.as_deref() {
        None => FeedPosition::default(),
        Some(text) => FeedPosition::parse_cursor(text)
            .ok_or_else(|| Problem::invalid("after", "not a cursor this feed gave out"))?,
    };
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Problem::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let mut conn = state.app.db.conn().await?;
    let mut rows =
        CaseEvent::changes_for_authority(&mut conn, caller.client.authority_code, after, limit + 1)
            .await?;
    let has_more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = rows
        .last()
        .map_or(after, |(event, _)| event.feed_position())
        .to_cursor();
    let page = ChangesPage {
        changes: rows
            .into_iter()
            .map(|(event, reference)| Change {
                cursor: event.feed_position().to_cursor(),
                reference,
                event_id: event.id,
                seq: event.seq,
                kind: event.kind,
                occurred_at: event.occurred_at.and_utc(),
                actor_kind: event.actor_kind,
                state_after: event.state_after,
                must_act_after: event.must_act_after,
                visible_to_applicant: event.visible_to_applicant,
                public_text: event.public_text,
            })
            .collect(),
        next_cursor,
        has_more,
    };
    let mut response = Json(page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
