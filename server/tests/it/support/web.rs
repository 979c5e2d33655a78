//! Driving the router in-process as a browser would: sessions from the demo login, form posts
//! with the site's own origin, and the answers read as text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::TestDb;
use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::Database;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

pub async fn get(db: &Database, mode: RunMode, uri: &str) -> Answer {
    get_as(db, mode, uri, "").await
}

/// A GET with these cookies (e.g. a session from [`login`]).
pub async fn get_as(db: &Database, mode: RunMode, uri: &str, cookies: &str) -> Answer {
    send(
        db,
        mode,
        Request::get(uri)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

pub async fn send(db: &Database, mode: RunMode, request: Request<Body>) -> Answer {
    send_to(AppState::new(db.clone(), mode), request).await
}

/// Sends a request to a router on this application state.
pub async fn send_to(state: AppState, request: Request<Body>) -> Answer {
    let router = server::http::router(state);
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn demo_db() -> (TestDb, Vec<Case>) {
    let test_db = TestDb::sqlite().await;
    let documents = AppState::new(test_db.db.clone(), RunMode::Demo).documents;
    server::cli::demo::seed_if_empty(&test_db.db, &documents, "http://127.0.0.1:3000")
        .await
        .unwrap();
    let mut conn = test_db.db.conn().await.unwrap();
    let cases = Case::latest_submitted(&mut conn, 100).await.unwrap();
    (test_db, cases)
}

/// Logs in as a demo persona; returns the session cookie to send.
pub async fn login(db: &Database, persona: &str) -> String {
    let answer = get(db, RunMode::Demo, &format!("/demo/login/{persona}")).await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "demo login as {persona}"
    );
    let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_string()
}

/// The demo persona who applied for this case.
pub fn owner_of(case: &Case) -> &'static str {
    match (
        case.applicant_cvr.as_deref(),
        case.applicant_subject.as_deref(),
    ) {
        (Some("12345678"), _) => "virksomhed-a",
        (Some("87654321"), _) => "virksomhed-b",
        (_, Some("demo-borger")) => "borger",
        other => panic!("no persona owns {other:?}"),
    }
}

pub fn case_in_state<'a>(cases: &'a [Case], state: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.state == state)
        .unwrap_or_else(|| panic!("a demo case in state {state}"))
}

pub async fn post_form(db: &Database, session: &str, uri: &str, body: &str) -> Answer {
    let request = Request::post(uri)
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("origin", "http://127.0.0.1:3000")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(db, RunMode::Demo, request).await
}

pub fn location(answer: &Answer) -> String {
    answer.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

/// A file to upload: name, declared media type and bytes.
pub struct UploadFile<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// A `multipart/form-data` post as a browser sends it: text fields and one file field `fil`
/// (an empty, nameless part when no file was chosen).
pub fn multipart_request(
    uri: &str,
    session: &str,
    fields: &[(&str, &str)],
    file: Option<UploadFile<'_>>,
) -> Request<Body> {
    const BOUNDARY: &str = "----sagsspor-test-boundary-7d93";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (filename, content_type, bytes) = match &file {
        Some(f) => (f.name, f.content_type, f.bytes),
        None => ("", "application/octet-stream", &[][..]),
    };
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post(uri)
        .header(header::COOKIE, session)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("origin", "http://127.0.0.1:3000")
        .body(Body::from(body))
        .unwrap()
}

/// The smallest file every PDF reader recognises as a PDF.
pub const TINY_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Starts a complete carport application at Aalborg as this applicant; returns the draft's id.
pub async fn complete_draft(db: &Database, session: &str) -> i64 {
    let started = post_form(
        db,
        session,
        "/handlinger/ansoegning/ny",
        "myndighed=851&type=byg_garage_carport_udhus",
    )
    .await;
    let id: i64 = location(&started)
        .trim_start_matches("/ansoegning/")
        .parse()
        .unwrap();
    let details = "title=Carport&property_address=Engvej+1%2C+9000+Aalborg&cadastral_number=12a\
        &description=En+%C3%A5ben+carport.&built_area_m2=30&height_m=2.8&building_use=bolig&handling=videre";
    let saved = post_form(
        db,
        session,
        &format!("/handlinger/ansoegning/{id}"),
        details,
    )
    .await;
    assert_eq!(location(&saved), format!("/ansoegning/{id}/gennemse"));
    id
}

/// A GET as a browser with this session sends it.
pub fn get_request(uri: &str, session: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, session)
        .body(Body::empty())
        .unwrap()
}

/// A carport application at Aalborg sent by this applicant; returns the case as sent.
pub async fn submitted_case(db: &Database, session: &str) -> Case {
    let draft = complete_draft(db, session).await;
    post_form(
        db,
        session,
        &format!("/handlinger/ansoegning/{draft}/send"),
        "",
    )
    .await;
    Case::find(&mut db.conn().await.unwrap(), draft)
        .await
        .unwrap()
        .unwrap()
}
