//! What an attacker tried from outside, each kept out at the one place it belongs: hostile text
//! in heads and attributes, redirects off-site, CSV formulas, requests no route expects, cached
//! personal pages, forged form posts and runaway searches. In-process through the axum router,
//! on SQLite and, when configured, PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use support::web::*;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::Database;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

/// A title that, written into `<title>` as it is, would send the reader's browser off-site.
const HOSTILE_TITLE: &str =
    r#"</title><meta http-equiv="refresh" content="0;url=https://evil.example/"><title>"#;
/// An address that, written into an attribute as it is, would add an element.
const HOSTILE_ADDRESS: &str = r#""><img src=x onerror=alert(1)>Engvej 1"#;
/// A name with markup and both quotes.
const HOSTILE_NAME: &str = r#"<script>alert('x')</script>" Jensen"#;
/// Reference data a case system or an operator could get wrong.
const HOSTILE_AUTHORITY: &str = r#"Aalborg</title><base href="https://evil.example/">"#;
const HOSTILE_TYPE: &str = r#"Carport"><iframe src="https://evil.example/">"#;

fn form_encode(text: &str) -> String {
    app::components::page_frame::percent_encode(text)
}

/// A carport application at Aalborg sent by this applicant with a hostile title and address,
/// typed in the form as a user would.
async fn hostile_case(db: &Database, session: &str) -> Case {
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
    let details = format!(
        "title={}&property_address={}&cadastral_number=12a&description=En+carport.\
         &built_area_m2=30&height_m=2.8&building_use=bolig&handling=videre",
        form_encode(HOSTILE_TITLE),
        form_encode(HOSTILE_ADDRESS),
    );
    let saved = post_form(
        db,
        session,
        &format!("/handlinger/ansoegning/{id}"),
        &details,
    )
    .await;
    assert_eq!(location(&saved), format!("/ansoegning/{id}/gennemse"));
    let sent = post_form(
        db,
        session,
        &format!("/handlinger/ansoegning/{id}/send"),
        "",
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    // The name comes from the identity provider and the rest is reference data: set here.
    use app::db::schema::{authorities, case_types, cases};
    use diesel::{ExpressionMethods as _, QueryDsl as _};
    use diesel_async::RunQueryDsl as _;
    let mut conn = db.conn().await.unwrap();
    app::dispatch!(&mut conn, |c| {
        diesel::update(cases::table.find(id))
            .set(cases::applicant_name.eq(HOSTILE_NAME))
            .execute(c)
            .await
            .unwrap();
        diesel::update(authorities::table.find(851))
            .set(authorities::name.eq(HOSTILE_AUTHORITY))
            .execute(c)
            .await
            .unwrap();
        diesel::update(case_types::table.find("byg_garage_carport_udhus"))
            .set((
                case_types::name_da.eq(HOSTILE_TYPE),
                case_types::name_en.eq(HOSTILE_TYPE),
            ))
            .execute(c)
            .await
            .unwrap();
    });
    Case::find(&mut conn, id).await.unwrap().unwrap()
}

/// No hostile text became markup: one `<title>`, no element the text carried, and wherever
/// the title appears in the head it is escaped.
fn assert_inert(page: &Answer, what: &str) {
    assert_eq!(page.status, StatusCode::OK, "{what}: {}", page.body);
    let body = &page.body;
    assert_eq!(body.matches("<title>").count(), 1, "{what}: one title");
    for markup in [
        "<meta http-equiv",
        "<img src=x",
        "<script>alert",
        "<base href",
        "<iframe",
    ] {
        assert!(!body.contains(markup), "{what}: {markup} became markup");
    }
    let head = body.split("</head>").next().unwrap();
    assert!(!head.contains("evil.example/\">"), "{what}: {head}");
}

both_backends!(
    hostile_text_stays_text_in_every_head_and_attribute,
    |db| async move {
        let documents = app::state::AppState::new(db.clone(), RunMode::Demo).documents;
        server::cli::demo::seed_if_empty(&db, &documents, "http://127.0.0.1:3000")
            .await
            .unwrap();
        let applicant = login(&db, "borger").await;
        let case = hostile_case(&db, &applicant).await;
        let reference = case.reference.clone().unwrap();
        let caseworker = login(&db, "sagsbehandler-851").await;

        let folder = get_as(
            &db,
            RunMode::Demo,
            &format!("/sager/{reference}"),
            &applicant,
        )
        .await;
        assert_inert(&folder, "folder");
        assert!(
            folder.body.contains("<title>") && folder.body.contains("&lt;/title&gt;&lt;meta"),
            "the title is shown, escaped"
        );
        for path in [
            format!("/sager/{reference}/kvittering"),
            format!("/sager/{reference}/traek-tilbage"),
            "/mine-sager".to_string(),
        ] {
            let page = get_as(&db, RunMode::Demo, &path, &applicant).await;
            assert_inert(&page, &path);
        }
        let case_page = get_as(
            &db,
            RunMode::Demo,
            &format!("/sagsbehandling/sager/{reference}"),
            &caseworker,
        )
        .await;
        assert_inert(&case_page, "caseworker case page");
        assert!(case_page.body.contains("&lt;/title&gt;&lt;meta"));
        for path in [
            "/sagsbehandling".to_string(),
            format!("/sagsbehandling?soeg={}", form_encode("Engvej")),
            "/sagsbehandling/statistik".to_string(),
        ] {
            let page = get_as(&db, RunMode::Demo, &path, &caseworker).await;
            assert_inert(&page, &path);
        }
        let tracking = format!("/spor/{}", case.tracking_token.as_deref().unwrap());
        assert_inert(&get(&db, RunMode::Demo, &tracking).await, "tracking page");
        assert_inert(&get(&db, RunMode::Demo, "/statistik").await, "statistics");
    }
);

both_backends!(
    csv_cells_a_spreadsheet_would_run_are_neutralised,
    |db| async move {
        let applicant = login(&db, "borger").await;
        let case = submitted_case(&db, &applicant).await;
        use app::db::schema::cases;
        use diesel::{ExpressionMethods as _, QueryDsl as _};
        use diesel_async::RunQueryDsl as _;
        let mut conn = db.conn().await.unwrap();
        let formula = "=HYPERLINK(\"https://evil.example\",\"Se sagen\")";
        app::dispatch!(&mut conn, |c| diesel::update(cases::table.find(case.id))
            .set(cases::title.eq(formula))
            .execute(c)
            .await
            .unwrap());
        let csv = get_as(&db, RunMode::Demo, "/mine-sager.csv", &applicant).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body
                .contains("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"Se sagen\"\")\""),
            "{}",
            csv.body
        );
        assert!(!csv.body.contains(";=HYPERLINK"), "{}", csv.body);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_csv_neutralises_formulas_in_reference_data() {
    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    use app::db::schema::authorities;
    use diesel::{ExpressionMethods as _, QueryDsl as _};
    use diesel_async::RunQueryDsl as _;
    let mut conn = db.conn().await.unwrap();
    app::dispatch!(&mut conn, |c| diesel::update(authorities::table.find(851))
        .set(authorities::name.eq("@SUM(1+1)*cmd|' /C calc'!A0"))
        .execute(c)
        .await
        .unwrap());
    let csv = get(
        db,
        RunMode::Demo,
        "/statistik/data.csv?fra=2025-01-01&til=2026-12-31&type=byg_garage_carport_udhus",
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.contains("\"'@SUM(1+1)"), "{}", csv.body);
    assert!(!csv.body.contains(",\"@SUM"), "{}", csv.body);
}

/// Every return path a request can name: the language switch, the demo login and the login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_go_only_to_local_paths_and_never_fail() {
    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    let hostile = [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0ASet-Cookie:%20a=b",
        "/%00",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%252F%252Fevil.example",
        "/%2509/evil.example",
        "https://evil.example",
    ];
    for target in hostile {
        for (uri, fallback) in [
            (format!("/sprog/da?tilbage={target}"), "/"),
            (format!("/demo/login/borger?next={target}"), "/mine-sager"),
            (format!("/auth/login?next={target}"), "/demo/login?next=/"),
        ] {
            let answer = get(db, RunMode::Demo, &uri).await;
            assert!(
                answer.status.is_redirection(),
                "{uri}: {} {}",
                answer.status,
                answer.body
            );
            assert_eq!(location(&answer), fallback, "{uri}");
        }
    }
    // A local target is still followed.
    let answer = get(
        db,
        RunMode::Demo,
        "/demo/login/borger?next=%2Findstillinger",
    )
    .await;
    assert_eq!(location(&answer), "/indstillinger");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_answers_are_not_kept_by_caches() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let applicant = login(db, "borger").await;
    let caseworker = login(db, "sagsbehandler-851").await;
    let own = cases
        .iter()
        .find(|c| owner_of(c) == "borger")
        .and_then(|c| c.reference.clone())
        .unwrap();
    let at_851 = cases
        .iter()
        .find(|c| c.authority_code == 851)
        .and_then(|c| c.reference.clone())
        .unwrap();
    for (path, session) in [
        ("/mine-sager".to_string(), &applicant),
        ("/indstillinger".to_string(), &applicant),
        ("/ansoegning/ny".to_string(), &applicant),
        (format!("/sager/{own}"), &applicant),
        (format!("/sager/{own}/kvittering"), &applicant),
        (format!("/sager/{own}/traek-tilbage"), &applicant),
        ("/mine-sager.csv".to_string(), &applicant),
        ("/sagsbehandling".to_string(), &caseworker),
        (format!("/sagsbehandling/sager/{at_851}"), &caseworker),
        ("/sagsbehandling/statistik".to_string(), &caseworker),
    ] {
        let answer = get_as(db, RunMode::Demo, &path, session).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let policy = answer.headers[header::CACHE_CONTROL].to_str().unwrap();
        assert!(policy.contains("no-store"), "{path}: {policy}");
    }
    // Static assets keep their own caching.
    let css = get(db, RunMode::Demo, "/assets/main.css").await;
    assert_eq!(css.headers[header::CACHE_CONTROL], "public, max-age=300");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_no_route_expects_are_answered_before_the_pages() {
    let test_db = support::TestDb::sqlite().await;
    let db = &test_db.db;
    for method in ["CONNECT", "TRACE", "PROPFIND"] {
        let request = Request::builder()
            .method(method)
            .uri("/")
            .body(Body::empty())
            .unwrap();
        let answer = send(db, RunMode::Serve, request).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    // The request line `CONNECT x:1 HTTP/1.1` names an authority, not a path.
    let request = Request::builder()
        .method("CONNECT")
        .uri("x:1")
        .body(Body::empty())
        .unwrap();
    let answer = send(db, RunMode::Serve, request).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trailing_slash_leads_to_the_page_itself() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let reference = cases[0].reference.clone().unwrap();
    for (path, canonical) in [
        (
            format!("/sager/{reference}/"),
            format!("/sager/{reference}"),
        ),
        (
            format!("/sagsbehandling/sager/{reference}//"),
            format!("/sagsbehandling/sager/{reference}"),
        ),
        ("/ansoegning/1/".to_string(), "/ansoegning/1".to_string()),
        ("/spor/abc/?x=1".to_string(), "/spor/abc?x=1".to_string()),
    ] {
        let answer = get(db, RunMode::Demo, &path).await;
        assert_eq!(answer.status, StatusCode::PERMANENT_REDIRECT, "{path}");
        assert_eq!(location(&answer), canonical, "{path}");
    }
    // Never off-site: `//evil.example/` is not sent to `//evil.example`.
    let answer = get(db, RunMode::Demo, "//evil.example/").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.headers.get(header::LOCATION).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_post_referred_from_another_site_is_refused() {
    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    let session = login(db, "borger").await;
    let post = |referer: Option<&str>| {
        let mut request = Request::post("/handlinger/indstillinger/kalender")
            .header(header::COOKIE, session.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(referer) = referer {
            request = request.header(header::REFERER, referer);
        }
        request.body(Body::empty()).unwrap()
    };
    let foreign = send(db, RunMode::Demo, post(Some("https://evil.example/page"))).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let own = send(
        db,
        RunMode::Demo,
        post(Some("http://127.0.0.1:3000/indstillinger")),
    )
    .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER, "{}", own.body);
    // None of Origin, Sec-Fetch-Site and Referer: a program, not a forged page (README).
    let bare = send(db, RunMode::Demo, post(None)).await;
    assert_eq!(bare.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_sites_ask_for_https_and_secure_cookies() {
    let test_db = support::TestDb::sqlite().await;
    let state = app::state::AppState::new(test_db.db.clone(), RunMode::Serve);
    let router = server::http::router_with(
        state,
        server::http::HttpConfig::local("https://sagsspor.example.dk"),
    );
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let response = router
        .clone()
        .oneshot(Request::get("/sprog/en").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let _ = response.into_body().collect().await;

    let plain = get(&test_db.db, RunMode::Serve, "/sprog/en").await;
    assert!(plain
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
    assert!(!plain.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_that_trickles_in_is_cut_off() {
    let test_db = support::TestDb::sqlite().await;
    let db = test_db.db.clone();
    let (mut sender, body) = {
        let (tx, rx) = futures_channel_body();
        (tx, rx)
    };
    let session = login(&db, "borger").await;
    let request = Request::post("/handlinger/indstillinger")
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("origin", "http://127.0.0.1:3000")
        .body(body)
        .unwrap();
    let answer = tokio::spawn(async move { send(&db, RunMode::Demo, request).await });
    sender.send_byte().await;
    // Nothing more arrives: the idle limit ends the read within its 30 s.
    let answer = tokio::time::timeout(std::time::Duration::from_secs(45), answer)
        .await
        .expect("the server stopped waiting for the body")
        .unwrap();
    assert!(answer.status.is_client_error(), "{}", answer.status);
}

/// A body the test feeds by hand.
struct TrickleSender(tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>);

impl TrickleSender {
    async fn send_byte(&mut self) {
        self.0
            .send(Ok(axum::body::Bytes::from_static(b"x")))
            .await
            .unwrap();
    }
}

fn futures_channel_body() -> (TrickleSender, Body) {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    (TrickleSender(tx), Body::from_stream(stream))
}

both_backends!(
    a_search_for_wildcards_finds_only_what_holds_them,
    |db| async move {
        let documents = app::state::AppState::new(db.clone(), RunMode::Demo).documents;
        server::cli::demo::seed_if_empty(&db, &documents, "http://127.0.0.1:3000")
            .await
            .unwrap();
        let caseworker = login(&db, "sagsbehandler-851").await;
        let all = get_as(&db, RunMode::Demo, "/sagsbehandling", &caseworker).await;
        assert!(
            all.body.contains("/sagsbehandling/sager/"),
            "the queue has cases"
        );
        for wildcard in ["%25", "_", "%25%25", "%5C"] {
            let page = get_as(
                &db,
                RunMode::Demo,
                &format!("/sagsbehandling?soeg={wildcard}"),
                &caseworker,
            )
            .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                !page.body.contains("/sagsbehandling/sager/"),
                "{wildcard} matched cases"
            );
        }
    }
);
