//! The HTTP surface, driven in-process through the axum router on a demo database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use support::web::*;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::Database;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

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
    // Not logged in: any readable reference goes to its address, existing or not.
    let anonymous = get(
        &test_db.db,
        RunMode::Demo,
        &format!("/?reference={unknown}"),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let session = login(&test_db.db, "borger").await;
    let answer = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/?reference={unknown}"),
        &session,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer
        .body
        .contains("Vi kan ikke vise en sag med den reference"));
    let page = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{unknown}"),
        &session,
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Sagen findes ikke"));
    // A colleague without access understands why, and the page reveals nothing: another
    // applicant's case answers with the same words.
    assert!(page.body.contains("eller du har ikke adgang til den"));
    let others = cases_of_other_applicants(&test_db.db, "demo-borger").await;
    let page = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{}", others.reference.clone().unwrap()),
        &session,
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("eller du har ikke adgang til den"));
}

/// A submitted case somebody other than this citizen applied for.
async fn cases_of_other_applicants(db: &app::db::Database, subject: &str) -> app::db::cases::Case {
    let mut conn = db.conn().await.unwrap();
    app::db::cases::Case::latest_submitted(&mut conn, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.applicant_subject.as_deref() != Some(subject) && c.reference.is_some())
        .expect("a case of another applicant")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_page_shows_state_phase_who_acts_history_and_clock() {
    let (test_db, cases) = demo_db().await;
    let waiting = case_in_state(&cases, "awaiting_applicant");
    let reference = waiting.reference.clone().unwrap();
    let session = login(&test_db.db, owner_of(waiting)).await;
    let page = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{reference}"),
        &session,
    )
    .await;
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
async fn case_pages_need_login_and_serve_has_no_demo_login() {
    let (test_db, cases) = demo_db().await;
    let reference = cases[0].reference.clone().unwrap();
    let page = get(&test_db.db, RunMode::Serve, &format!("/sager/{reference}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers[header::LOCATION],
        format!("/auth/login?next=/sager/{reference}").as_str()
    );
    assert!(
        !page.body.contains("case-facts"),
        "no case details are rendered"
    );
    // The persona login does not exist in serve, neither the page nor the login itself.
    assert_eq!(
        get(&test_db.db, RunMode::Serve, "/demo/login/borger")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&test_db.db, RunMode::Serve, "/demo/login").await.status,
        StatusCode::NOT_FOUND
    );
    // Without a configured provider, serve's login says so rather than pretending.
    assert_eq!(
        get(&test_db.db, RunMode::Serve, "/auth/login").await.status,
        StatusCode::SERVICE_UNAVAILABLE
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
    let router = server::http::router(AppState::new(db.clone(), RunMode::Demo));
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
    let session = login(&test_db.db, owner_of(case_in_state(&cases, "decided"))).await;
    let english = get_with_cookie(
        &test_db.db,
        &format!("/sager/{reference}"),
        &format!("sagsspor_sprog=en; {session}"),
    )
    .await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(
        english.body.contains("History of the case")
            && english.body.contains("A decision was made on")
    );
    assert!(!english.body.contains("Sagens historik"));
    let danish = get_with_cookie(
        &test_db.db,
        &format!("/sager/{reference}"),
        &format!("other=1; {session}"),
    )
    .await;
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

/// Who may see what: every demo persona against every demo case, on the case folder and in
/// *Mine sager*, with the expected answer worked out from the case row independently of the
/// policy code. A case that is not yours answers exactly like one that does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_persona_sees_exactly_its_own_cases() {
    let (test_db, cases) = demo_db().await;
    let unknown = app::domain::reference::CaseReference::new(101, 2026, 999_999).to_string();
    for persona in app::auth::DEMO_PERSONAS {
        let session = login(&test_db.db, persona.key).await;
        let not_found = get_as(
            &test_db.db,
            RunMode::Demo,
            &format!("/sager/{unknown}"),
            &session,
        )
        .await;
        assert_eq!(not_found.status, StatusCode::NOT_FOUND);
        let my_cases = get_as(&test_db.db, RunMode::Demo, "/mine-sager", &session).await;
        for case in &cases {
            let reference = case.reference.clone().unwrap();
            let expected = match persona.kind {
                app::auth::PersonaKind::Citizen => {
                    case.applicant_subject.as_deref() == Some("demo-borger")
                }
                app::auth::PersonaKind::Business { cvr, .. } => {
                    case.applicant_cvr.as_deref() == Some(cvr)
                }
                app::auth::PersonaKind::Caseworker { authority_code } => {
                    case.authority_code == authority_code
                }
            };
            let page = get_as(
                &test_db.db,
                RunMode::Demo,
                &format!("/sager/{reference}"),
                &session,
            )
            .await;
            if expected {
                assert_eq!(
                    page.status,
                    StatusCode::OK,
                    "{} should see {reference}",
                    persona.key
                );
                assert!(page.body.contains(&reference));
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::NOT_FOUND,
                    "{} must not see {reference}",
                    persona.key
                );
                let scrub = |body: &str| {
                    without_nonces(&body.replace(&reference, "").replace(&unknown, ""))
                };
                assert_eq!(
                    scrub(&page.body),
                    scrub(&not_found.body),
                    "not yours looks exactly like not found"
                );
            }
            let applicant_sees =
                expected && !matches!(persona.kind, app::auth::PersonaKind::Caseworker { .. });
            assert_eq!(
                my_cases.body.contains(&format!(">{reference}<")),
                applicant_sees,
                "{} in Mine sager: {reference}",
                persona.key
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colleagues_at_one_cvr_share_cases_and_the_new_marker_is_per_person() {
    let (test_db, cases) = demo_db().await;
    let anders = login(&test_db.db, "virksomhed-a").await;
    let birgitte = login(&test_db.db, "virksomhed-a2").await;
    let own: Vec<&Case> = cases
        .iter()
        .filter(|c| c.applicant_cvr.as_deref() == Some("12345678"))
        .collect();
    assert!(own.len() >= 10);
    let before = get_as(&test_db.db, RunMode::Demo, "/mine-sager", &anders).await;
    assert_eq!(
        before.body.matches("new-marker").count(),
        own.len(),
        "everything is new at first"
    );
    let looked_at = own[0].reference.clone().unwrap();
    let opened = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{looked_at}"),
        &anders,
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK);
    let after = get_as(&test_db.db, RunMode::Demo, "/mine-sager", &anders).await;
    assert_eq!(after.body.matches("new-marker").count(), own.len() - 1);
    let colleague = get_as(&test_db.db, RunMode::Demo, "/mine-sager", &birgitte).await;
    assert_eq!(
        colleague.body.matches("new-marker").count(),
        own.len(),
        "the colleague has not looked yet"
    );
    let filtered = get_as(
        &test_db.db,
        RunMode::Demo,
        "/mine-sager?status=decided&myndighed=147",
        &anders,
    )
    .await;
    for case in &own {
        let listed = filtered
            .body
            .contains(&format!(">{}<", case.reference.clone().unwrap()));
        assert_eq!(
            listed,
            case.state == "decided" && case.authority_code == 147
        );
    }
    assert!(
        filtered.body.contains("dkfds-virkdk.min.css"),
        "business users get the virk.dk look"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused() {
    let (test_db, _) = demo_db().await;
    let session = login(&test_db.db, "borger").await;
    let post = |headers: &[(&'static str, &'static str)]| {
        let mut request = Request::post("/auth/logout").header(header::COOKIE, session.clone());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::empty()).unwrap()
    };
    let foreign = send(
        &test_db.db,
        RunMode::Demo,
        post(&[("origin", "https://evil.example")]),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    // The site's 403 page, not a plain text.
    let content_type = foreign.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        foreign.body.contains("Du har ikke adgang"),
        "{}",
        foreign.body
    );
    let unknown_language = get(&test_db.db, RunMode::Demo, "/sprog/xx").await;
    assert_eq!(unknown_language.status, StatusCode::NOT_FOUND);
    assert!(unknown_language.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let cross = send(
        &test_db.db,
        RunMode::Demo,
        post(&[("sec-fetch-site", "cross-site")]),
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    // Still logged in after both refusals.
    assert_eq!(
        get_as(&test_db.db, RunMode::Demo, "/mine-sager", &session)
            .await
            .status,
        StatusCode::OK
    );
    let own = send(
        &test_db.db,
        RunMode::Demo,
        post(&[
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ]),
    )
    .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    // Logged out: the session is gone from the database, so the cookie no longer works.
    let after = get_as(&test_db.db, RunMode::Demo, "/mine-sager", &session).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

/// A page without its per-response nonces (they differ on every response by design).
fn without_nonces(body: &str) -> String {
    let mut out = String::new();
    for (i, piece) in body.split("nonce=\"").enumerate() {
        match i {
            0 => out.push_str(piece),
            _ => out.push_str(piece.split_once('"').map_or(piece, |(_, rest)| rest)),
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_from_virk_goes_through_login_to_the_case_or_mine_sager() {
    let (test_db, cases) = demo_db().await;
    let own = cases
        .iter()
        .find(|c| c.applicant_cvr.as_deref() == Some("12345678"))
        .unwrap();
    let reference = own.reference.clone().unwrap();
    let anonymous = get(
        &test_db.db,
        RunMode::Demo,
        &format!("/virk?cvr=12345678&sag={reference}"),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let location = anonymous.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.starts_with("/demo/login?next=/virk"), "{location}");
    let session = login(&test_db.db, "virksomhed-a").await;
    let to_case = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/virk?cvr=12345678&sag={reference}"),
        &session,
    )
    .await;
    assert_eq!(
        to_case.headers[header::LOCATION],
        format!("/sager/{reference}").as_str()
    );
    let to_list = get_as(&test_db.db, RunMode::Demo, "/virk?cvr=12345678", &session).await;
    assert_eq!(to_list.headers[header::LOCATION], "/mine-sager");
    let other_company = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/virk?cvr=87654321&sag={reference}"),
        &session,
    )
    .await;
    assert_eq!(
        other_company.headers[header::LOCATION],
        "/mine-sager",
        "the login decides the company, not the link"
    );
}

async fn withdraw(db: &Database, session: &str, reference: &str, version: i64) -> Answer {
    let request = Request::post("/handlinger/traek-tilbage")
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("origin", "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!(
            "reference={reference}&version={version}"
        )))
        .unwrap();
    send(db, RunMode::Demo, request).await
}

async fn reload(db: &Database, case: &Case) -> Case {
    let mut conn = db.conn().await.unwrap();
    Case::find(&mut conn, case.id).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applicant_withdraws_after_confirming_and_nobody_else_can() {
    let (test_db, cases) = demo_db().await;
    let open = cases
        .iter()
        .find(|c| c.state == "in_progress" && c.applicant_cvr.as_deref() == Some("12345678"))
        .or_else(|| {
            cases
                .iter()
                .find(|c| c.state == "registered" && c.applicant_cvr.is_some())
        })
        .unwrap();
    let reference = open.reference.clone().unwrap();
    let owner = login(&test_db.db, owner_of(open)).await;
    let stranger = login(
        &test_db.db,
        if owner_of(open) == "virksomhed-b" {
            "virksomhed-a"
        } else {
            "virksomhed-b"
        },
    )
    .await;
    let caseworker = login(
        &test_db.db,
        if open.authority_code == 851 {
            "sagsbehandler-851"
        } else {
            "sagsbehandler-101"
        },
    )
    .await;

    // The folder offers it, and the confirmation page asks before anything changes.
    let folder = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{reference}"),
        &owner,
    )
    .await;
    assert!(folder
        .body
        .contains(&format!("/sager/{reference}/traek-tilbage")));
    let confirm = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{reference}/traek-tilbage"),
        &owner,
    )
    .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Ja, træk ansøgningen tilbage"));
    assert_eq!(
        reload(&test_db.db, open).await.state,
        open.state,
        "showing the page changes nothing"
    );
    let not_theirs = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{reference}/traek-tilbage"),
        &stranger,
    )
    .await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);

    // Another company and a caseworker cannot withdraw it, even with a forged post.
    for session in [&stranger, &caseworker] {
        let forged = withdraw(&test_db.db, session, &reference, open.version).await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND);
    }
    // A stale version is a conflict, not a silent change.
    let stale = withdraw(&test_db.db, &owner, &reference, open.version - 1).await;
    assert_eq!(
        stale.headers[header::LOCATION],
        format!("/sager/{reference}?besked=konflikt").as_str()
    );
    assert_eq!(reload(&test_db.db, open).await.state, open.state);

    let done = withdraw(&test_db.db, &owner, &reference, open.version).await;
    assert_eq!(
        done.headers[header::LOCATION],
        format!("/sager/{reference}?besked=trukket").as_str()
    );
    let after = reload(&test_db.db, open).await;
    assert_eq!(
        (after.state.as_str(), after.must_act.as_str()),
        ("withdrawn", "nobody")
    );
    let page = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{reference}?besked=trukket"),
        &owner,
    )
    .await;
    assert!(page.body.contains("Ansøgningen er trukket tilbage."));
    assert!(
        page.body.contains("Ansøgningen er trukket tilbage")
            && !page.body.contains("/traek-tilbage\"")
    );
    // Twice is refused by the state machine.
    let again = withdraw(&test_db.db, &owner, &reference, after.version).await;
    assert_eq!(
        again.headers[header::LOCATION],
        format!("/sager/{reference}?besked=umuligt").as_str()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_folder_lists_what_the_authority_asked_for_item_by_item() {
    let (test_db, cases) = demo_db().await;
    let waiting = case_in_state(&cases, "awaiting_applicant");
    let session = login(&test_db.db, owner_of(waiting)).await;
    let page = get_as(
        &test_db.db,
        RunMode::Demo,
        &format!("/sager/{}", waiting.reference.clone().unwrap()),
        &session,
    )
    .await;
    assert!(page.body.contains("Oplysninger, myndigheden har bedt om"));
    assert!(
        page.body.contains("Situationsplan med afstande til skel")
            && page.body.contains("Facadetegning med højder")
    );
    assert!(page.body.contains("Mangler") && page.body.contains("Frist: "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_applies_step_by_step_and_gets_a_reference() {
    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    let anders = login(db, "virksomhed-a").await;
    let colleague = login(db, "virksomhed-a2").await;
    let stranger = login(db, "virksomhed-b").await;

    let choose = get_as(db, RunMode::Demo, "/ansoegning/ny", &anders).await;
    assert_eq!(choose.status, StatusCode::OK);
    assert!(
        choose.body.contains("Aalborg (851)") && choose.body.contains("byg_garage_carport_udhus")
    );
    // Nothing chosen: back with the error next to each field.
    let nothing = post_form(db, &anders, "/handlinger/ansoegning/ny", "myndighed=&type=").await;
    assert!(location(&nothing).starts_with("/ansoegning/ny?fejl=1"));
    let again = get_as(db, RunMode::Demo, &location(&nothing), &anders).await;
    assert!(
        again.body.contains("Der er en fejl i formularen")
            && again.body.contains("href=\"#myndighed\"")
    );

    let started = post_form(
        db,
        &anders,
        "/handlinger/ansoegning/ny",
        "myndighed=851&type=byg_garage_carport_udhus",
    )
    .await;
    let details_path = location(&started);
    let id: i64 = details_path
        .trim_start_matches("/ansoegning/")
        .parse()
        .unwrap();

    // Half filled in and a word where a number belongs: saved as typed, errors shown beside the fields.
    let half = post_form(
        db,
        &anders,
        &format!("/handlinger/ansoegning/{id}"),
        "title=Carport&built_area_m2=tolv&handling=videre",
    )
    .await;
    assert_eq!(location(&half), format!("/ansoegning/{id}?fejl=1"));
    let shown = get_as(db, RunMode::Demo, &location(&half), &anders).await;
    assert!(
        shown.body.contains("value=\"tolv\"") && shown.body.contains("value=\"Carport\""),
        "nothing typed is lost"
    );
    assert!(shown.body.contains("Skriv et tal, fx 12,5.") && shown.body.contains("Udfyld feltet."));
    assert!(
        shown.body.contains("href=\"#built_area_m2\""),
        "the summary links to the field"
    );

    // Strangers cannot see or touch the draft; the colleague finds it in Mine sager.
    assert_eq!(
        get_as(db, RunMode::Demo, &details_path, &stranger)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_form(
            db,
            &stranger,
            &format!("/handlinger/ansoegning/{id}/send"),
            ""
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let shared = get_as(db, RunMode::Demo, "/mine-sager", &colleague).await;
    assert!(shared.body.contains(&format!("/ansoegning/{id}")));

    // Sending an incomplete draft goes back to the details.
    let early = post_form(
        db,
        &anders,
        &format!("/handlinger/ansoegning/{id}/send"),
        "",
    )
    .await;
    assert_eq!(location(&early), format!("/ansoegning/{id}?fejl=1"));

    let complete = "title=Carport+ved+huset&property_address=Engvej+1%2C+9000+Aalborg&cadastral_number=12a\
        &description=En+%C3%A5ben+carport+p%C3%A5+30+m2+ved+gavlen.&built_area_m2=30%2C5&height_m=2.8&building_use=bolig&handling=videre";
    let onward = post_form(
        db,
        &anders,
        &format!("/handlinger/ansoegning/{id}"),
        complete,
    )
    .await;
    assert_eq!(location(&onward), format!("/ansoegning/{id}/gennemse"));
    let review = get_as(db, RunMode::Demo, &location(&onward), &anders).await;
    assert!(
        review.body.contains("Carport ved huset")
            && review.body.contains("30,5 m²")
            && review.body.contains("Bolig")
    );

    let sent = post_form(
        db,
        &anders,
        &format!("/handlinger/ansoegning/{id}/send"),
        "",
    )
    .await;
    let receipt_path = location(&sent);
    let reference = receipt_path
        .trim_start_matches("/sager/")
        .trim_end_matches("/kvittering")
        .to_string();
    assert!(reference.starts_with("851-"), "{reference}");
    app::domain::reference::CaseReference::parse(&reference).unwrap();
    let receipt = get_as(db, RunMode::Demo, &receipt_path, &anders).await;
    assert!(receipt.body.contains("Ansøgningen er sendt") && receipt.body.contains(&reference));
    assert_eq!(
        get_as(db, RunMode::Demo, &receipt_path, &stranger)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let folder = get_as(
        db,
        RunMode::Demo,
        &format!("/sager/{reference}"),
        &colleague,
    )
    .await;
    assert!(folder.body.contains("Modtaget") && folder.body.contains("Carport ved huset"));
    // A sent application is no longer a draft anyone can edit.
    assert_eq!(
        get_as(db, RunMode::Demo, &details_path, &anders)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
