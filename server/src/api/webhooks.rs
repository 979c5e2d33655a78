//! `/api/v1/webhooks`: an authority's case system registers receivers that get every event on
//! its authority's cases pushed, signed after Standard Webhooks, as companies' receivers are
//! (same headers, same body, same retries). A receiver belongs to the machine client that
//! registered it; revoking the client removes it.

use super::problem::Problem;
use super::requests::{fingerprint, idempotency_key, once, parse_json, Answer, WriteRequest};
use super::ApiCaller;
use crate::http::HttpState;
use crate::workers::webhooks::{check_url, generate_secret, message_id};
use app::db::webhooks::{WebhookEndpoint, MAX_ENDPOINTS_PER_CVR};
use app::db::Conn;
use app::services::commands::webhook_receivers::{
    self, ReceiverOwner, ReceiverRefusal, RegisterReceiver,
};
use app::state::now_utc;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many of a receiver's latest deliveries the list shows.
const DELIVERIES_LISTED: i64 = 10;

/// A receiver to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Where to POST: a public `https://` address.
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "https://esdh.aalborg.example/sagsspor"
    )]
    pub url: String,
}

/// A receiver just registered, with its signing secret (shown only in this answer).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    pub id: i64,
    pub url: String,
    /// `whsec_` + base64 of the key (Standard Webhooks). Keep it: it is not shown again.
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

/// A registered receiver and its latest deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOutput {
    pub id: i64,
    pub url: String,
    pub created_at: DateTime<Utc>,
    /// Newest first, at most ten.
    pub deliveries: Vec<DeliveryOutput>,
}

/// One delivery of an event to a receiver.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOutput {
    /// The `webhook-id` header of the delivery (the same on every attempt).
    pub message_id: String,
    /// The event's kind, e.g. `submitted`.
    pub event_kind: String,
    /// `pending` (waiting or retrying), `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The client's receivers.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookOutput>,
}

/// What a receiver address the web form would refuse means to a program.
fn url_problem(code: &str) -> Problem {
    let detail = match code {
        "webhooks.error.url_missing" => "the receiver's address is empty",
        "webhooks.error.url_insecure" => "the address must start with https://",
        "webhooks.error.url_private" => {
            "the address points into a private network or this machine; use one reachable from the internet"
        }
        _ => "not an absolute http(s) URL without user name, password or fragment",
    };
    Problem::invalid("url", detail)
}

fn not_found(id: i64) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "No such webhook receiver",
        format!("this client has no webhook receiver with id {id}"),
    )
}

/// `POST /api/v1/webhooks`
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    operation_id = "register_webhook",
    tag = "webhooks",
    summary = "Register a webhook receiver for this authority's cases",
    description = "Every event on a case of the client's authority is then POSTed to the address, signed after Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the secret in the answer, and retried with backoff on 408, 429, 5xx and no answer. The secret is shown only in this answer. At most 10 receivers per client.",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key with the same request gets the first answer and changes nothing.")),
    request_body(content = WebhookInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Registered", body = WebhookCreated, headers(("location" = String, description = "The receiver's address in the API"))),
        (status = 400, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The client has 10 receivers already", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The address is missing or not acceptable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn register(
    State(state): State<HttpState>,
    caller: ApiCaller,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, Problem> {
    let key = idempotency_key(&headers)?;
    let input: WebhookInput = parse_json(&headers, &body)?;
    let url = check_url(&input.url, state.webhook_receivers).map_err(url_problem)?;
    let write = WriteRequest {
        client_id: caller.client.id,
        key: key.as_deref(),
        fingerprint: &fingerprint("POST", uri.path(), &body),
    };
    let client_id = caller.client.id;
    once(&state.app.db, write, async |conn: &mut Conn| {
        let secret = generate_secret();
        let command = RegisterReceiver {
            owner: ReceiverOwner::CaseSystem { client_id },
            url: &url,
            secret: &secret,
            created_by_user_id: None,
            at: now_utc(),
        };
        let endpoint = webhook_receivers::register_in_transaction(conn, command)
            .await
            .map_err(refusal_problem)?;
        tracing::info!(
            endpoint_id = endpoint.id,
            client_id,
            "authority webhook receiver registered"
        );
        let mut answer = Answer::json(
            StatusCode::CREATED,
            &WebhookCreated {
                id: endpoint.id,
                url: endpoint.url,
                secret,
                created_at: endpoint.created_at.and_utc(),
            },
        )?;
        answer.location = Some(format!("/api/v1/webhooks/{}", endpoint.id));
        Ok(answer)
    })
    .await
}

/// `GET /api/v1/webhooks`
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    operation_id = "list_webhooks",
    tag = "webhooks",
    summary = "This client's webhook receivers and their latest deliveries",
    responses(
        (status = 200, description = "The receivers, oldest first", body = WebhookList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list(State(state): State<HttpState>, caller: ApiCaller) -> Result<Response, Problem> {
    let mut conn = state.app.db.conn().await?;
    let mut webhooks = Vec::new();
    for endpoint in WebhookEndpoint::active_for_client(&mut conn, caller.client.id).await? {
        let deliveries = WebhookEndpoint::deliveries(&mut conn, endpoint.id, DELIVERIES_LISTED)
            .await?
            .into_iter()
            .map(|message| DeliveryOutput {
                message_id: message_id(&message),
                event_kind: message.topic,
                status: message.status,
                attempts: message.attempts,
                last_error: message.last_error,
                created_at: message.created_at.and_utc(),
                sent_at: message.sent_at.map(|at| at.and_utc()),
            })
            .collect();
        webhooks.push(WebhookOutput {
            id: endpoint.id,
            url: endpoint.url,
            created_at: endpoint.created_at.and_utc(),
            deliveries,
        });
    }
    let mut response = Json(WebhookList { webhooks }).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `DELETE /api/v1/webhooks/{id}`
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    operation_id = "remove_webhook",
    tag = "webhooks",
    summary = "Remove a webhook receiver",
    description = "Nothing more is sent to it; deliveries still waiting are marked failed. Another client's receiver answers 404, like one that does not exist.",
    params(("id" = i64, Path, description = "The receiver's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such receiver of this client", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn remove(
    State(state): State<HttpState>,
    caller: ApiCaller,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, Problem> {
    let Path(id) = id.map_err(|_| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "No such webhook receiver",
            "a receiver's id is a whole number",
        )
    })?;
    let mut conn = state.app.db.conn().await?;
    let owner = ReceiverOwner::CaseSystem {
        client_id: caller.client.id,
    };
    match webhook_receivers::remove(&mut conn, owner, id, now_utc()).await {
        Ok(()) => {}
        Err(ReceiverRefusal::NotFound | ReceiverRefusal::TooMany) => return Err(not_found(id)),
        Err(ReceiverRefusal::Db(error)) => return Err(error.into()),
    }
    tracing::info!(
        endpoint_id = id,
        client_id = caller.client.id,
        "authority webhook receiver removed"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// The problem answer of a refused registration.
fn refusal_problem(refusal: ReceiverRefusal) -> Problem {
    match refusal {
        ReceiverRefusal::TooMany => Problem::new(
            StatusCode::CONFLICT,
            "too-many-webhooks",
            "The client has as many receivers as it may",
            format!(
                "a client may have at most {MAX_ENDPOINTS_PER_CVR} receivers; remove one first"
            ),
        ),
        ReceiverRefusal::NotFound => Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "No such webhook receiver",
            "the receiver does not exist",
        ),
        ReceiverRefusal::Db(error) => error.into(),
    }
}
