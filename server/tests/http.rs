//! The HTTP surface, driven in-process through the axum router on a demo database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::Database;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(db: &Database, mode: RunMode, uri: &str) -> Answer {
    let router = server::http::router(AppState {
        db: db.clone(),
        mode,
    });
    let response = router
        .oneshot(
            Request::get(uri)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn demo_db() -> (support::TestDb, Vec<Case>) {
    let test_db = support::TestDb::sqlite().await;
    server::demo::seed_if_empty(&test_db.db).await.unwrap();
    let mut conn = test_db.db.conn().await.unwrap();
    let cases = Case::latest_submitted(&mut conn, 100).await.unwrap();
    (test_db, cases)
}

fn case_in_state<'a>(cases: &'a [Case], state: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.state == state)
        .unwrap_or_else(|| panic!("a demo case in state {state}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness() {
    let test_db = support::TestDb::sqlite().await;
    let health = get(&test_db.db, RunMode::Serve, "/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let ready = get(&test_db.db, RunMode::Serve, "/readyz").await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_when_the_database_is_gone() {
    // A PostgreSQL URL nobody listens on: the process lives, the database does not answer.
    let db = Database::open(
        Some("postgres://nobody@127.0.0.1:9/none"),
        std::path::Path::new("."),
    )
    .unwrap();
    assert_eq!(
        get(&db, RunMode::Serve, "/healthz").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&db, RunMode::Serve, "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_page_explains_and_offers_lookup() {
    let (test_db, _) = demo_db().await;
    let page = get(&test_db.db, RunMode::Demo, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"da\">"));
    assert!(page.body.contains("Find en sag"));
    assert!(page.body.contains("name=\"reference\""));
    assert!(
        page.body.contains("Demo: alle sager"),
        "the demo says it is a demo"
    );
    let production = get(&test_db.db, RunMode::Serve, "/").await;
    assert!(!production.body.contains("Demo:"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_redirects_to_the_case_forgiving_spaces() {
    let (test_db, cases) = demo_db().await;
    let reference = cases[0].reference.clone().unwrap();
    let typed = format!("sag+{}", reference.replace('-', "+"));
    let answer = get(&test_db.db, RunMode::Demo, &format!("/?reference={typed}")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers[header::LOCATION],
        format!("/sager/{reference}").as_str()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistyped_reference_gets_the_check_digit_message_and_keeps_the_input() {
    let (test_db, cases) = demo_db().await;
    let reference = cases[0].reference.clone().unwrap();
    // Change the last digit of the sequence: a single mistyped digit.
    let mut chars: Vec<char> = reference.chars().collect();
    let i = chars.len() - 3;
    chars[i] = if chars[i] == '9' {
        '0'
    } else {
        char::from(chars[i] as u8 + 1)
    };
    let typo: String = chars.into_iter().collect();
    let answer = get(&test_db.db, RunMode::Demo, &format!("/?reference={typo}")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer
        .body
        .contains("Kontrolcifferet passer ikke — er et ciffer tastet forkert?"));
    assert!(
        answer.body.contains(&format!("value=\"{typo}\"")),
        "the typed value is shown again"
    );
    assert!(answer.body.contains("aria-invalid=\"true\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_reference_is_not_found() {
    let (test_db, _) = demo_db().await;
    let unknown = app::domain::reference::CaseReference::new(999, 2026, 424242).to_string();
    let answer = get(
        &test_db.db,
        RunMode::Demo,
        &format!("/?reference={unknown}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer
        .body
        .contains("Vi kan ikke vise en sag med den reference"));
    let page = get(&test_db.db, RunMode::Demo, &format!("/sager/{unknown}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Sagen findes ikke"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_page_shows_state_phase_who_acts_history_and_clock() {
    let (test_db, cases) = demo_db().await;
    let waiting = case_in_state(&cases, "awaiting_applicant");
    let reference = waiting.reference.clone().unwrap();
    let page = get(&test_db.db, RunMode::Demo, &format!("/sager/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(&reference));
    assert!(body.contains("Afventer dine oplysninger"));
    assert!(body.contains("Myndigheden venter på oplysninger fra dig."));
    assert!(body.contains("aria-current=\"step\""));
    assert!(body.contains("Hos myndigheden") && body.contains("Hos ansøger"));
    assert!(
        body.contains("Myndigheden har bedt om flere oplysninger"),
        "timeline shows the request"
    );
    assert!(body.contains("data-testid=\"expected\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_pages_are_closed_in_serve_mode() {
    let (test_db, cases) = demo_db().await;
    let reference = cases[0].reference.clone().unwrap();
    let page = get(&test_db.db, RunMode::Serve, &format!("/sager/{reference}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        !page.body.contains("case-facts"),
        "no case details are rendered"
    );
    let lookup = get(
        &test_db.db,
        RunMode::Serve,
        &format!("/?reference={reference}"),
    )
    .await;
    assert_eq!(
        lookup.status,
        StatusCode::NOT_FOUND,
        "a lookup in serve reveals nothing either"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_reference_in_the_address_is_explained() {
    let (test_db, _) = demo_db().await;
    let valid = app::domain::reference::CaseReference::new(101, 2026, 1);
    let wrong_digit = (valid.check_digit() + 1) % 10;
    let page = get(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/101-2026-000001-{wrong_digit}"),
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Referencen kan ikke læses"));
    assert!(page.body.contains("Kontrolcifferet passer ikke"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_answer_404_with_the_site_page() {
    let test_db = support::TestDb::sqlite().await;
    let answer = get(&test_db.db, RunMode::Serve, "/no/such/page").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.body.contains("Siden findes ikke"));
    let cargo = get(&test_db.db, RunMode::Serve, "/Cargo.toml").await;
    assert_eq!(
        cargo.status,
        StatusCode::NOT_FOUND,
        "the working directory is never served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_security_headers() {
    let test_db = support::TestDb::sqlite().await;
    for uri in ["/", "/healthz", "/no/such/page", "/assets/main.css"] {
        let answer = get(&test_db.db, RunMode::Serve, uri).await;
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{uri}"
        );
        assert_eq!(
            answer.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{uri}"
        );
        assert_eq!(
            answer.headers[header::REFERRER_POLICY],
            "same-origin",
            "{uri}"
        );
    }
}

async fn get_with_cookie(db: &Database, uri: &str, cookie: &str) -> Answer {
    let router = server::http::router(AppState {
        db: db.clone(),
        mode: RunMode::Demo,
    });
    let response = router
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remembered_language_sets_texts_and_html_lang() {
    let (test_db, cases) = demo_db().await;
    let reference = case_in_state(&cases, "decided").reference.clone().unwrap();
    let english = get_with_cookie(
        &test_db.db,
        &format!("/sager/{reference}"),
        "sagsspor_sprog=en",
    )
    .await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(
        english.body.contains("History of the case")
            && english.body.contains("A decision was made on")
    );
    assert!(!english.body.contains("Sagens historik"));
    let danish = get_with_cookie(&test_db.db, &format!("/sager/{reference}"), "other=1").await;
    assert!(danish.body.contains("<html lang=\"da\">") && danish.body.contains("Sagens historik"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_remembers_and_returns_only_to_local_pages() {
    let test_db = support::TestDb::sqlite().await;
    let switched = get(
        &test_db.db,
        RunMode::Serve,
        "/sprog/en?tilbage=%2Ftilgaengelighedserklaering",
    )
    .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(
        switched.headers[header::LOCATION],
        "/tilgaengelighedserklaering"
    );
    let cookie = switched.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("sagsspor_sprog=en;")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("HttpOnly")
    );
    for hostile in [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let answer = get(
            &test_db.db,
            RunMode::Serve,
            &format!("/sprog/da?tilbage={hostile}"),
        )
        .await;
        assert_eq!(answer.headers[header::LOCATION], "/", "{hostile}");
    }
    assert_eq!(
        get(&test_db.db, RunMode::Serve, "/sprog/xx").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_design_system_is_served_from_the_repository() {
    let test_db = support::TestDb::sqlite().await;
    let css = get(
        &test_db.db,
        RunMode::Serve,
        "/assets/dkfds/css/dkfds-borgerdk.min.css",
    )
    .await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let font = get(
        &test_db.db,
        RunMode::Serve,
        "/assets/dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Regular.woff2",
    )
    .await;
    assert_eq!(font.status, StatusCode::OK);
    let page = get(&test_db.db, RunMode::Serve, "/").await;
    assert!(page
        .body
        .contains("/assets/dkfds/css/dkfds-borgerdk.min.css"));
    assert!(
        !page.body.contains("style=\""),
        "no inline styles: the CSP forbids them"
    );
    // The only scripts are the renderer's bootstrap lines, allowed by this response's nonce.
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP");
    for script in page.body.split("<script").skip(1) {
        assert!(
            script.starts_with(&format!(" nonce=\"{nonce}\">")),
            "script without this response's nonce: {script}"
        );
        assert!(!script.contains(" src="), "no script files");
    }
}
