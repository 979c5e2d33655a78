//! The HTTP side: the axum router around the Leptos pages, operational endpoints, security
//! headers, and a server that shuts down gracefully.

use crate::auth::{self, session_layer, SessionSettings};
use crate::documents;
use crate::oidc::{self, OidcConfig};
use crate::webhooks::ReceiverScope;
use app::app::{shell, App};
use app::authorization::RunMode;
use app::db::sessions::DatabaseSessionStore;
use app::i18n::{Locale, LANGUAGE_COOKIE};
use app::services::document_store::DocumentStore;
use app::state::{AppState, PublicUrl};
use axum::extract::Request;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::Method;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

/// Sends an anonymous visitor to log in (the persona page in demo mode) and back to `back`.
pub fn login_redirect(state: &HttpState, back: &str) -> Response {
    axum::response::Redirect::to(&app::auth::login_path(
        state.app.mode == app::authorization::RunMode::Demo,
        back,
    ))
    .into_response()
}

/// The router's state: Leptos's options, the application state and the login providers.
#[derive(Clone)]
pub struct HttpState {
    pub leptos: LeptosOptions,
    pub app: AppState,
    pub oidc: Arc<OidcConfig>,
    pub public_origin: String,
    /// Where companies' webhook receivers may be.
    pub webhook_receivers: ReceiverScope,
}

/// What the HTTP side needs beyond the application state.
pub struct HttpConfig {
    /// The address users see (redirect URIs, the allowed `Origin` of form posts).
    pub public_url: String,
    pub oidc: OidcConfig,
    pub sessions: SessionSettings,
    /// Where companies' webhook receivers may be.
    pub webhook_receivers: ReceiverScope,
}

impl HttpConfig {
    /// Plain http on this address, no OpenID providers, a one-hour idle timeout, webhooks also to
    /// this machine.
    pub fn local(public_url: &str) -> HttpConfig {
        HttpConfig {
            public_url: public_url.trim_end_matches('/').to_string(),
            oidc: OidcConfig {
                public_url: public_url.to_string(),
                ..OidcConfig::default()
            },
            sessions: SessionSettings {
                secure: public_url.starts_with("https://"),
                idle_minutes: 60,
            },
            webhook_receivers: ReceiverScope::AlsoThisMachine,
        }
    }
}

impl FromRef<HttpState> for LeptosOptions {
    fn from_ref(state: &HttpState) -> Self {
        state.leptos.clone()
    }
}

/// The stylesheet, compiled in so the binary serves the same look wherever it runs.
const MAIN_CSS: &str = include_str!("../../style/main.css");

/// The router with local defaults (the in-process tests).
pub fn router(app_state: AppState) -> Router {
    router_with(app_state, HttpConfig::local("http://127.0.0.1:3000"))
}

/// The routes that take files, with a body limit of one file plus room for the form's other
/// fields; a larger body is refused while it arrives, and the form says the file is too large.
fn upload_routes(max_file_bytes: u64) -> Router<HttpState> {
    let limit = usize::try_from(max_file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    Router::new()
        .route(
            "/handlinger/ansoegning/{id}/bilag",
            axum::routing::post(documents::attach_to_draft),
        )
        .route(
            "/handlinger/anmodning/{item}/svar",
            axum::routing::post(documents::answer_item),
        )
        .layer(axum::extract::DefaultBodyLimit::max(limit))
}

/// Builds the whole router.
pub fn router_with(app_state: AppState, config: HttpConfig) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name("sagsspor")
        // Never the default ".": that would serve the working directory.
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .build();
    let page_routes = generate_route_list(App);
    let demo = app_state.mode == RunMode::Demo;
    let login_origins = app_state.login_origins.clone();
    let session_store = DatabaseSessionStore::new(app_state.db.clone());
    let state = HttpState {
        leptos: leptos.clone(),
        app: app_state.clone(),
        oidc: Arc::new(config.oidc),
        public_origin: origin_of(&config.public_url),
        webhook_receivers: config.webhook_receivers,
    };
    let context_state = app_state.clone();
    let public_url = PublicUrl(config.public_url.trim_end_matches('/').to_string());
    let context_url = public_url.clone();
    let fallback_options = leptos.clone();
    let mut routes = Router::new()
        .route("/auth/login", get(oidc::applicant_login))
        .route("/auth/staff/login", get(oidc::staff_login))
        .route("/auth/callback", get(oidc::applicant_callback))
        .route("/auth/staff/callback", get(oidc::staff_callback))
        // Only the POST of the logout button ends a session; a GET gets the page with the button
        // (a Leptos page), so a link from another site cannot log anyone out.
        .route("/auth/logout", axum::routing::post(auth::logout))
        .route("/virk", get(auth::virk_entry))
        .route(
            "/handlinger/traek-tilbage",
            axum::routing::post(crate::actions::withdraw),
        )
        .route(
            "/handlinger/ansoegning/ny",
            axum::routing::post(crate::applications::start),
        )
        .route(
            "/handlinger/ansoegning/{id}",
            axum::routing::post(crate::applications::save),
        )
        .route(
            "/handlinger/ansoegning/{id}/send",
            axum::routing::post(crate::applications::submit),
        )
        .route(
            "/handlinger/ansoegning/{id}/bilag/{document}/fjern",
            axum::routing::post(documents::remove_from_draft),
        )
        .route(
            "/ansoegning/{id}/bilag/{document}",
            get(documents::draft_download),
        )
        .route(
            "/sager/{reference}/dokumenter/{document}",
            get(documents::download),
        )
        .route(
            "/handlinger/sagsbehandling/{reference}",
            axum::routing::post(crate::caseworker::act),
        )
        .route(
            "/sager/{reference}/afgoerelse.pdf",
            get(documents::latest_decision),
        )
        .route(
            "/handlinger/sager/{reference}/status",
            axum::routing::post(crate::actions::send_status),
        )
        .route(
            "/handlinger/sager/{reference}/sporingslink",
            axum::routing::post(crate::actions::rotate_tracking_link),
        )
        .route("/mine-sager.json", get(crate::my_cases::json))
        .route("/mine-sager.csv", get(crate::my_cases::csv))
        .route("/kalender/{file}", get(crate::my_cases::calendar))
        .route(
            "/handlinger/indstillinger/kalender",
            axum::routing::post(crate::my_cases::replace_calendar),
        )
        .route("/statistik/data.csv", get(crate::statistics::csv))
        .route("/statistik/data.json", get(crate::statistics::json))
        .route(
            "/handlinger/indstillinger",
            axum::routing::post(crate::settings::save),
        )
        .route(
            "/handlinger/indstillinger/webhooks",
            axum::routing::post(crate::webhooks::add),
        )
        .route(
            "/handlinger/indstillinger/webhooks/{id}/fjern",
            axum::routing::post(crate::webhooks::remove),
        )
        .merge(upload_routes(app_state.documents.max_bytes()));
    // Case systems revalidate with the ETag every answer carries; nothing else may keep one.
    let api = crate::api::router(app_state.documents.max_bytes())
        .with_state(state.clone())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ));
    let https = config.public_url.starts_with("https://");
    // The persona login exists only in the demo; `serve` has no way to switch it on.
    if demo {
        routes = routes.route("/demo/login/{persona}", get(auth::demo_login));
    }
    routes
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/assets/main.css", get(stylesheet))
        .route("/robots.txt", get(robots))
        .route("/sprog/{code}", get(choose_language))
        .nest("/assets", assets_service())
        .leptos_routes_with_context(
            &state,
            page_routes,
            move || {
                provide_context(context_state.clone());
                provide_context(context_url.clone());
            },
            move || shell(leptos.clone()),
        )
        // Any other address renders the site's own "not found" page (status 404).
        .fallback(move |request: axum::extract::Request| {
            let render = leptos_axum::render_app_to_stream_with_context(
                {
                    let s = app_state.clone();
                    let u = public_url.clone();
                    move || {
                        provide_context(s.clone());
                        provide_context(u.clone());
                    }
                },
                {
                    let o = fallback_options.clone();
                    move || shell(o.clone())
                },
            );
            async move { render(request).await }
        })
        .layer(middleware::from_fn(redirect_trailing_slash))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site_writes,
        ))
        .layer(middleware::from_fn(keep_secret_addresses_private))
        .layer(middleware::from_fn(auth::attach_user))
        .layer(session_layer(session_store, &config.sessions))
        .layer(middleware::from_fn(error_pages_in_the_visitors_language))
        .with_state(state)
        // The API has no sessions and no forms: machine clients with bearer tokens, outside the
        // site's session and cross-site layers.
        .nest("/api/v1", api)
        .layer(middleware::from_fn(limit_body_read_time))
        .layer(middleware::from_fn(refuse_unknown_methods))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            strict_transport_security(https, request, next)
        }))
        // Pages show who is logged in and what is theirs; only what sets its own policy (the
        // static assets, the API) may be kept by a cache.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(security_headers(login_origins))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            // One info line per request with status and latency; the span carries method and path.
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// Every error of a plain handler (login, form post, download) reaches the visitor as the site's
/// error page in their language: [`AppError`](app::error::AppError)'s answer carries the error,
/// and it is worded here for the language cookie of the request. A session that could not be
/// saved (the session layer answers an empty 500) means the database takes no writes: the
/// visitor gets the 503 page.
async fn error_pages_in_the_visitors_language(request: Request, next: Next) -> Response {
    let locale = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_cookie_header)
        .unwrap_or_default();
    let response = next.run(request).await;
    let error = match response.extensions().get::<app::error::AppError>() {
        Some(error) => error.clone(),
        None if response.status() == StatusCode::INTERNAL_SERVER_ERROR
            && !response.headers().contains_key(header::CONTENT_TYPE) =>
        {
            app::error::AppError::Unavailable
        }
        None => return response,
    };
    let page = error.page_response(locale);
    let (mut parts, _) = response.into_parts();
    let (page_parts, body) = page.into_parts();
    parts.status = page_parts.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(content_type) = page_parts.headers.get(header::CONTENT_TYPE) {
        parts
            .headers
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, body)
}

/// Addresses that are themselves secrets (the tracking page `/spor/{token}` and the calendar feed
/// `/kalender/{token}.ics`) must not leak through the `Referer` of a link followed from them, nor
/// be indexed by a search engine that came across one; this holds for their 404 answers too, so an
/// unknown token gets the same headers as a known one.
async fn keep_secret_addresses_private(request: Request, next: Next) -> Response {
    let secret = {
        let path = request.uri().path();
        path.starts_with("/spor/") || path.starts_with("/kalender/")
    };
    let mut response = next.run(request).await;
    if secret {
        let headers = response.headers_mut();
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    }
    response
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let trimmed = url.trim_end_matches('/');
    match trimmed.find("://") {
        Some(i) => match trimmed[i + 3..].find('/') {
            Some(j) => trimmed[..i + 3 + j].to_string(),
            None => trimmed.to_string(),
        },
        None => trimmed.to_string(),
    }
}

/// Cross-site request forgery guard: a request that changes something must come from this site.
/// Browsers say where a request comes from in `Sec-Fetch-Site`, `Origin` and `Referer`; a
/// state-changing request that any of the three places on another site is refused (an `Origin`
/// of `null` too).
///
/// A request with none of the three is let through: every browser the site supports sends
/// `Origin` or `Sec-Fetch-Site` with a form post, so such a request comes from a program (curl, a
/// script), not from a page an attacker made, and the session cookie is `SameSite=Lax`, so an old
/// browser's cross-site post carries no session. Nothing changes on GET.
async fn refuse_cross_site_writes(
    State(state): State<HttpState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("?"));
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("?"));
    let referer_origin = headers
        .get(header::REFERER)
        .map(|v| origin_of(v.to_str().unwrap_or("?")));
    let cross_site = matches!(fetch_site, Some(site) if site != "same-origin" && site != "none")
        || matches!(origin, Some(o) if o != state.public_origin)
        || matches!(&referer_origin, Some(o) if *o != state.public_origin);
    if cross_site {
        tracing::warn!(?fetch_site, ?origin, ?referer_origin, path = %request.uri().path(), "cross-site write refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

/// Answers methods the site has no use for (`CONNECT`, `TRACE`, extension methods) and request
/// targets without a path before any route sees them: the Leptos fallback assumes every request
/// has a path, and would panic on `CONNECT host:port`.
async fn refuse_unknown_methods(request: Request, next: Next) -> Response {
    let known = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    if !known.contains(request.method()) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD, POST")],
            "method not allowed",
        )
            .into_response();
    }
    if !request.uri().path().starts_with('/') {
        return (StatusCode::BAD_REQUEST, "bad request target").into_response();
    }
    next.run(request).await
}

/// A page's address has no trailing slash: `/sager/{reference}/` is sent on to
/// `/sager/{reference}` (308, keeping the query) instead of rendering an empty page. Only a
/// local target is followed ([`app::auth::is_local_path`]), so `//evil.example/` is not sent to
/// `//evil.example`; anything else is left to the routes, which answer 404.
async fn redirect_trailing_slash(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let reading = request.method() == Method::GET || request.method() == Method::HEAD;
    if reading && path.len() > 1 && path.ends_with('/') {
        let canonical = path.trim_end_matches('/');
        if app::auth::is_local_path(canonical) {
            let target = match request.uri().query() {
                Some(query) => format!("{canonical}?{query}"),
                None => canonical.to_string(),
            };
            if let Ok(location) = HeaderValue::from_str(&target) {
                return (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response();
            }
        }
    }
    next.run(request).await
}

/// How long a request body may take to arrive in all, and at most between two of its parts.
/// The whole limit leaves a 25 MB file room at a slow mobile connection (≈ 1 Mbit/s); the idle
/// limit ends a connection that has stopped sending.
const BODY_READ_TOTAL: std::time::Duration = std::time::Duration::from_secs(300);
const BODY_READ_IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Ends the reading of a request body that trickles in (an upload at 1 byte a second would
/// otherwise hold a connection and a handler for ever): past [`BODY_READ_TOTAL`] in all or
/// [`BODY_READ_IDLE`] without data the body ends in an error, which the handler answers as a
/// refused request.
async fn limit_body_read_time(request: Request, next: Next) -> Response {
    use futures_util::StreamExt as _;
    let method = request.method();
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let deadline = tokio::time::Instant::now() + BODY_READ_TOTAL;
    let frames = body.into_data_stream();
    let limited = futures_util::stream::unfold(Some(frames), move |frames| async move {
        let mut frames = frames?;
        let idle_end = (tokio::time::Instant::now() + BODY_READ_IDLE).min(deadline);
        match tokio::time::timeout_at(idle_end, frames.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(frames))),
            Ok(Some(Err(error))) => Some((Err(axum::Error::new(error)), None)),
            Ok(None) => None,
            Err(_) => {
                tracing::info!("request body too slow: reading stopped");
                Some((Err(axum::Error::new(BodyTooSlow)), None))
            }
        }
    });
    let request = Request::from_parts(parts, axum::body::Body::from_stream(limited));
    next.run(request).await
}

/// The error a request body ends in when it arrives too slowly.
#[derive(Debug)]
struct BodyTooSlow;

impl std::fmt::Display for BodyTooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body arrived too slowly")
    }
}

impl std::error::Error for BodyTooSlow {}

/// `Strict-Transport-Security` when the site is served over https, so a browser that has been
/// here once never tries plain http again (where a network could strip the https).
async fn strict_transport_security(https: bool, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// The Content-Security-Policy of every response that did not set its own (pages set one with
/// their nonce; everything else gets the same policy without any inline script).
fn security_headers(origins: Vec<String>) -> SetResponseHeaderLayer<HeaderValue> {
    let policy = app::app::content_security_policy(None, &origins);
    SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
    )
}

/// The process lives.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the instance can do its work: the database answers and takes writes, and the
/// document store can write a file (a full disk or a read-only mount answers 503, so a balancer
/// sends users elsewhere instead of to failing writes).
async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    if let Err(error) = state.app.db.check_writable().await {
        tracing::warn!(%error, "readiness check failed: database");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    let documents = state.app.documents.clone();
    let stored = tokio::task::spawn_blocking(move || documents.check_writable())
        .await
        .map_err(|e| e.to_string())
        .and_then(|checked| checked.map_err(|e| e.to_string()));
    if let Err(error) = stored {
        tracing::warn!(%error, "readiness check failed: document store");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "document store not writable",
        );
    }
    (StatusCode::OK, "ready")
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        MAIN_CSS,
    )
}

/// The folder of static assets (Det Fælles Designsystem's CSS, fonts and icons): the repository's
/// `public/` unless `SAGSSPOR_ASSETS_DIR` says otherwise (a deployment that moves the binary).
fn assets_dir() -> std::path::PathBuf {
    std::env::var_os("SAGSSPOR_ASSETS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        })
}

/// Static assets with a day of caching; the design system's files change only with its version.
fn assets_service() -> Router<HttpState> {
    Router::new()
        .fallback_service(ServeDir::new(assets_dir()))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
}

/// Query of the language switch: where to return.
#[derive(serde::Deserialize)]
struct LanguageChoice {
    tilbage: Option<String>,
}

/// Remembers the chosen language in a cookie and returns to the page the switch was used on.
/// Only a local path is followed, so the switch cannot be used to send people elsewhere.
async fn choose_language(
    State(state): State<HttpState>,
    Path(code): Path<String>,
    Query(choice): Query<LanguageChoice>,
) -> Response {
    let Some(locale) = Locale::parse(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let back = app::auth::local_path_or(choice.tilbage.as_deref(), "/");
    let secure = if state.public_origin.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        LANGUAGE_COOKIE,
        locale.code()
    );
    let mut response = Redirect::to(back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Case folders are private; the front page may be indexed.
async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        include_str!("../../public/robots.txt"),
    )
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(
    listen: SocketAddr,
    state: AppState,
    config: HttpConfig,
    demo_links: Vec<String>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    tracing::info!(%address, mode = ?state.mode, "Sagsspor is listening");
    println!("Sagsspor kører på http://{address}/");
    for line in &demo_links {
        // "label  /path" → "label  http://address/path"
        match line.rsplit_once(' ') {
            Some((label, path)) => println!("  {label} http://{address}{path}"),
            None => println!("  {line}"),
        }
    }
    spawn_hourly_cleanup(state.db.clone(), state.documents.clone());
    axum::serve(listener, router_with(state, config))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Once an hour deletes expired sessions and the API's kept answers older than
/// [`app::db::idempotency::KEPT_FOR`], so both tables hold only what can still be used, and
/// sweeps the document store of files no document refers to. Every instance may run it; the
/// deletes are idempotent.
fn spawn_hourly_cleanup(db: app::db::Database, documents: DocumentStore) {
    tokio::spawn(async move {
        let sessions = DatabaseSessionStore::new(db.clone());
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let now = app::state::now_utc();
            match sessions.delete_expired(now).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "expired sessions deleted"),
                Err(error) => tracing::warn!(%error, "could not delete expired sessions"),
            }
            match forget_old_idempotency_answers(&db, now).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "old idempotency answers deleted"),
                Err(error) => tracing::warn!(%error, "could not delete old idempotency answers"),
            }
            match sweep_orphan_documents(&db, &documents, now).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "unreferenced stored files removed"),
                Err(error) => tracing::warn!(%error, "could not sweep the document store"),
            }
        }
    });
}

/// How old a stored file no document refers to must be before the sweep removes it: older than
/// any upload's transaction, so a file just stored for a row not yet committed stays.
pub const ORPHAN_DOCUMENT_AGE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Removes the stored files that no document refers to (left by a transaction that failed after
/// storing, or by an attachment taken off a draft) and abandoned uploads, when older than
/// [`ORPHAN_DOCUMENT_AGE`]; returns how many.
pub async fn sweep_orphan_documents(
    db: &app::db::Database,
    documents: &DocumentStore,
    now: chrono::NaiveDateTime,
) -> Result<usize, app::services::document_store::StoreError> {
    documents.sweep(db, now - ORPHAN_DOCUMENT_AGE).await
}

/// Deletes the kept API answers that are past their time; returns how many.
pub async fn forget_old_idempotency_answers(
    db: &app::db::Database,
    now: chrono::NaiveDateTime,
) -> app::db::QueryResult<usize> {
    let mut conn = db.conn().await?;
    let cutoff = now - app::db::idempotency::KEPT_FOR;
    app::db::idempotency::IdempotencyRecord::delete_created_before(&mut conn, cutoff).await
}

async fn shutdown_signal() {
    crate::shutdown::terminated().await;
    tracing::info!("shutting down: finishing requests in flight");
}
