//! Calling the integration API in-process as a case system does: a client's token, requests
//! with a bearer token and JSON, and the case a case system registers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::web::{send, Answer};
use app::authorization::RunMode;
use app::db::Database;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

/// A client of this authority; returns its bearer token.
pub async fn token_for(db: &Database, authority: i32) -> String {
    let mut conn = db.conn().await.unwrap();
    let (_, token) = server::api::clients::create(&mut conn, authority, "Test-ESDH")
        .await
        .unwrap();
    token
}

/// An API request with a token and, when given, a JSON body and extra headers.
pub fn api(
    method: &str,
    uri: &str,
    token: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => request.body(Body::empty()).unwrap(),
    }
}

pub async fn call(db: &Database, request: Request<Body>) -> (Answer, Value) {
    let answer = send(db, RunMode::Demo, request).await;
    let value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
    (answer, value)
}

pub fn content_type(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A case as Nordbyg ApS (the demo's company with CVR 12345678) sent it by e-mail.
pub fn new_case(esdh: &str) -> Value {
    json!({
        "case_type": "byg_garage_carport_udhus",
        "title": "Carport på Havnegade 4",
        "applicant": {"name": "Nordbyg ApS", "cvr": "12345678", "email": "post@nordbyg.example", "mobile": "+45 20 30 40 50"},
        "property": {"address": "Havnegade 4, 9000 Aalborg", "cadastral_number": "7b"},
        "esdh_number": esdh,
        "received_at": "2026-11-02T09:30:00+01:00",
        "channel": "email"
    })
}

pub async fn register(db: &Database, token: &str, esdh: &str) -> Value {
    let (answer, body) = call(
        db,
        api("POST", "/api/v1/cases", token, Some(&new_case(esdh)), &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    body
}
