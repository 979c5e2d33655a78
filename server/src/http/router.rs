//! The whole router: the Leptos pages, the portal's form posts, the integration API, logins,
//! assets, and the guards around them.

use super::guards::{
    error_pages_in_the_visitors_language, keep_secret_addresses_private, limit_body_read_time,
    origin_of, redirect_trailing_slash, refuse_cross_site_writes, refuse_unknown_methods,
    security_headers, strict_transport_security,
};
use super::probes::{assets_service, choose_language, healthz, readyz, robots, stylesheet};
use super::{HttpConfig, HttpState};
use crate::auth::oidc;
use crate::auth::{self, session_layer};
use crate::web::documents;
use app::app::{shell, App};
use app::authorization::RunMode;
use app::db::sessions::DatabaseSessionStore;
use app::state::{AppState, PublicUrl};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::routing::get;
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

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
            axum::routing::post(crate::web::applicant_actions::withdraw),
        )
        .route(
            "/handlinger/ansoegning/ny",
            axum::routing::post(crate::web::applications::start),
        )
        .route(
            "/handlinger/ansoegning/{id}",
            axum::routing::post(crate::web::applications::save),
        )
        .route(
            "/handlinger/ansoegning/{id}/send",
            axum::routing::post(crate::web::applications::submit),
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
            axum::routing::post(crate::web::caseworker_actions::act),
        )
        .route(
            "/sager/{reference}/afgoerelse.pdf",
            get(documents::latest_decision),
        )
        .route(
            "/handlinger/sager/{reference}/status",
            axum::routing::post(crate::web::applicant_actions::send_status),
        )
        .route(
            "/handlinger/sager/{reference}/sporingslink",
            axum::routing::post(crate::web::applicant_actions::rotate_tracking_link),
        )
        .route("/mine-sager.json", get(crate::web::my_cases::json))
        .route("/mine-sager.csv", get(crate::web::my_cases::csv))
        .route("/kalender/{file}", get(crate::web::my_cases::calendar))
        .route(
            "/handlinger/indstillinger/kalender",
            axum::routing::post(crate::web::my_cases::replace_calendar),
        )
        .route("/statistik/data.csv", get(crate::web::statistics::csv))
        .route("/statistik/data.json", get(crate::web::statistics::json))
        .route(
            "/handlinger/indstillinger",
            axum::routing::post(crate::web::settings::save),
        )
        .route(
            "/handlinger/indstillinger/webhooks",
            axum::routing::post(crate::web::webhook_receivers::add),
        )
        .route(
            "/handlinger/indstillinger/webhooks/{id}/fjern",
            axum::routing::post(crate::web::webhook_receivers::remove),
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
