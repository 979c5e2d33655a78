//! Login and logout over HTTP, driven in-process through the axum router with an OpenID provider
//! configured: a small local stand-in serves the provider's discovery document, keys and token
//! endpoint (the whole flow against the real provider runs in end2end/tests/login.spec.ts).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::schema::web_sessions;
use app::db::Database;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use diesel::QueryDsl as _;
use diesel_async::RunQueryDsl as _;
use http_body_util::BodyExt as _;
use server::auth::oidc::{ClaimMapping, LoginKind, OidcProvider, ProviderSettings, DEFAULT_SCOPES};
use server::http::HttpConfig;
use std::sync::Arc;
use support::web::{login, Answer};
use tower::ServiceExt as _;

/// A stand-in provider on a local port: discovery (advertising RFC 9207's `iss` parameter),
/// an empty key set, and a token endpoint that refuses every code. Returns its issuer URL.
async fn stand_in_provider() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let discovery = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/me"),
        "jwks_uri": format!("{issuer}/jwks"),
        "end_session_endpoint": format!("{issuer}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "authorization_response_iss_parameter_supported": true
    });
    let router = Router::new()
        .route(
            "/.well-known/openid-configuration",
            axum::routing::get(move || async move { axum::Json(discovery) }),
        )
        .route(
            "/jwks",
            axum::routing::get(|| async { axum::Json(serde_json::json!({ "keys": [] })) }),
        )
        .route(
            "/token",
            axum::routing::post(|| async {
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(serde_json::json!({ "error": "invalid_grant" })),
                )
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    issuer
}

/// The site in `serve` mode with the applicant login at `issuer`, asking for these scopes.
fn site(db: &Database, issuer: &str, scopes: &str) -> Router {
    let mut config = HttpConfig::local("http://127.0.0.1:3000");
    let settings = ProviderSettings {
        issuer: issuer.to_string(),
        client_id: "sagsspor".into(),
        client_secret: "sagsspor-secret".into(),
        claims: ClaimMapping {
            cvr: "https://data.gov.dk/model/core/eid/professional/cvr".into(),
            organisation: "https://data.gov.dk/model/core/eid/professional/orgName".into(),
            authority: String::new(),
            role: String::new(),
        },
        scopes: scopes.to_string(),
    };
    config.oidc.applicant = Some(Arc::new(
        OidcProvider::new(LoginKind::Applicant, settings, "http://127.0.0.1:3000").unwrap(),
    ));
    let state = AppState {
        applicant_oidc: true,
        ..AppState::new(db.clone(), RunMode::Serve)
    };
    server::http::router_with(state, config)
}

async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str, cookies: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookies)
        .body(Body::empty())
        .unwrap()
}

fn set_cookies(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// A login begun at `/auth/login`: the cookie the browser got (`name=value`) and the
/// authorization request's query parameters.
struct Started {
    cookie: String,
    params: Vec<(String, String)>,
}

impl Started {
    fn param(&self, name: &str) -> String {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no {name} in the authorization request"))
    }
}

async fn start_login(router: &Router, issuer: &str) -> Started {
    let answer = send(router, get("/auth/login?next=/mine-sager", "")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with(&format!("{issuer}/auth?")),
        "{location}"
    );
    let params = url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let cookies = set_cookies(&answer);
    assert_eq!(cookies.len(), 1, "only the login cookie: {cookies:?}");
    let cookie = cookies[0].split(';').next().unwrap().to_string();
    assert!(cookie.starts_with("sagsspor_login="), "{cookie}");
    Started { cookie, params }
}

async fn session_rows(db: &Database) -> i64 {
    let mut conn = db.conn().await.unwrap();
    app::dispatch!(&mut conn, |c| web_sessions::table
        .count()
        .get_result::<i64>(c)
        .await)
    .unwrap()
}

both_backends!(anonymous_logins_write_no_session_rows, |db| async move {
    let issuer = stand_in_provider().await;
    let router = site(&db, &issuer, DEFAULT_SCOPES);
    for _ in 0..100 {
        let started = start_login(&router, &issuer).await;
        assert!(!started.cookie.starts_with("sagsspor_session"));
    }
    assert_eq!(session_rows(&db).await, 0);
});

both_backends!(
    a_callback_without_the_issuer_or_from_another_is_refused,
    |db| async move {
        let issuer = stand_in_provider().await;
        let router = site(&db, &issuer, DEFAULT_SCOPES);
        let callback = |started: &Started, iss: Option<&str>, language: &str| {
            let mut uri = format!(
                "/auth/callback?code=the-code&state={}",
                started.param("state")
            );
            if let Some(iss) = iss {
                uri.push_str(&format!(
                    "&iss={}",
                    url::form_urlencoded::byte_serialize(iss.as_bytes()).collect::<String>()
                ));
            }
            get(
                &uri,
                &format!("{}; sagsspor_sprog={language}", started.cookie),
            )
        };
        let refusals = [
            (
                None,
                "da",
                "Svaret kom ikke fra den login-tjeneste, Sagsspor sendte dig til",
            ),
            (
                Some("http://evil.example".to_string()),
                "da",
                "Svaret kom ikke fra den login-tjeneste, Sagsspor sendte dig til",
            ),
            (
                None,
                "en",
                "The answer did not come from the login service Sagsspor sent you to",
            ),
            (
                Some(format!("{issuer}/")),
                "en",
                "The answer did not come from the login service Sagsspor sent you to",
            ),
        ];
        for (iss, language, message) in &refusals {
            let started = start_login(&router, &issuer).await;
            let answer = send(&router, callback(&started, iss.as_deref(), language)).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "iss {iss:?}: {}",
                answer.body
            );
            assert!(
                answer.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html"),
                "an HTML page"
            );
            assert!(
                answer.body.contains(&format!("<html lang=\"{language}\">")),
                "{}",
                answer.body
            );
            assert!(
                answer.body.contains(message),
                "iss {iss:?}: {}",
                answer.body
            );
            // The pending login is spent either way.
            assert!(
                set_cookies(&answer)
                    .iter()
                    .any(|c| c.starts_with("sagsspor_login=;") && c.contains("Max-Age=0")),
                "{:?}",
                set_cookies(&answer)
            );
        }
        // With the right issuer the login goes on to the token endpoint (which the stand-in refuses).
        let started = start_login(&router, &issuer).await;
        let answer = send(&router, callback(&started, Some(&issuer), "da")).await;
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{}", answer.body);
        assert!(answer.body.contains("Login mislykkedes"), "{}", answer.body);
        assert_eq!(session_rows(&db).await, 0);
    }
);

both_backends!(
    a_pending_login_is_good_only_sealed_and_in_its_browser,
    |db| async move {
        let issuer = stand_in_provider().await;
        let router = site(&db, &issuer, DEFAULT_SCOPES);
        let started = start_login(&router, &issuer).await;
        let uri = format!(
            "/auth/callback?code=c&state={}&iss={}",
            started.param("state"),
            url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>()
        );
        // Another browser (no cookie), a cookie changed by one character, and the right cookie with
        // another state all start over.
        // One character of the sealed payload changed (its first, right after the name).
        let at = "sagsspor_login=".len();
        let mut tampered = started.cookie.clone();
        let first = if &tampered[at..=at] == "e" { "f" } else { "e" };
        tampered.replace_range(at..=at, first);
        for (cookies, message) in [
            (String::new(), "Login-forsøget er ikke længere gyldigt"),
            (tampered, "Login-forsøget er ikke længere gyldigt"),
        ] {
            let answer = send(&router, get(&uri, &cookies)).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST);
            assert!(answer.body.contains(message), "{}", answer.body);
        }
        let other_state = uri.replace(&started.param("state"), "another-state");
        let answer = send(&router, get(&other_state, &started.cookie)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert!(
            answer.body.contains("passer ikke til denne browser"),
            "{}",
            answer.body
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_asks_for_the_configured_scopes() {
    let test_db = support::TestDb::sqlite().await;
    let issuer = stand_in_provider().await;
    let default = start_login(&site(&test_db.db, &issuer, DEFAULT_SCOPES), &issuer).await;
    assert_eq!(default.param("scope"), "openid profile email");
    let broker = site(&test_db.db, &issuer, "openid profile email nemlogin");
    assert_eq!(
        start_login(&broker, &issuer).await.param("scope"),
        "openid profile email nemlogin"
    );
    // `openid` is always asked for, listed or not.
    let bare = site(&test_db.db, &issuer, "nemlogin");
    assert_eq!(
        start_login(&bare, &issuer).await.param("scope"),
        "openid nemlogin"
    );
}

both_backends!(
    logout_by_get_shows_the_button_and_ends_nothing,
    |db| async move {
        let session = login(&db, "borger").await;
        let demo = server::http::router(AppState::new(db.clone(), RunMode::Demo));
        for (language, button) in [("da", "Log af"), ("en", "Log out")] {
            let cookies = format!("{session}; sagsspor_sprog={language}");
            let request = Request::get("/auth/logout")
                .header(header::COOKIE, &cookies)
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .unwrap();
            let page = send(&demo, request).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains(&format!("<html lang=\"{language}\">")));
            assert!(
                page.body
                    .contains("<form method=\"post\" action=\"/auth/logout\">"),
                "{}",
                page.body
            );
            assert!(
                page.body.contains(&format!(">{button}</h1>")),
                "{}",
                page.body
            );
            assert!(
                page.body.contains("class=\"footer\""),
                "in the site's frame"
            );
            // Still logged in.
            let mine = send(&demo, get("/mine-sager", &cookies)).await;
            assert_eq!(mine.status, StatusCode::OK);
        }
        // Without a login the page says so and offers no button.
        let anonymous = send(&demo, get("/auth/logout", "")).await;
        assert_eq!(anonymous.status, StatusCode::OK);
        assert!(anonymous.body.contains("Du er ikke logget ind."));
        assert!(!anonymous.body.contains("action=\"/auth/logout\">"));
        // The button's POST from the site itself logs out.
        let post = Request::post("/auth/logout")
            .header(header::COOKIE, &session)
            .header("origin", "http://127.0.0.1:3000")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&demo, post).await.status, StatusCode::SEE_OTHER);
        assert_eq!(
            send(&demo, get("/mine-sager", &session)).await.status,
            StatusCode::SEE_OTHER
        );
    }
);
