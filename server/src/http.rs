//! The HTTP side: the axum router around the Leptos pages, operational endpoints, security
//! headers, and a server that shuts down gracefully.

use app::app::{shell, App};
use app::state::AppState;
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

/// The router's state: Leptos's options plus the application state.
#[derive(Clone)]
pub struct HttpState {
    pub leptos: LeptosOptions,
    pub app: AppState,
}

impl FromRef<HttpState> for LeptosOptions {
    fn from_ref(state: &HttpState) -> Self {
        state.leptos.clone()
    }
}

/// The stylesheet, compiled in so the binary serves the same look wherever it runs.
const MAIN_CSS: &str = include_str!("../../style/main.css");

/// Builds the whole router (also used by the in-process tests).
pub fn router(app_state: AppState) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name("sagsspor")
        // Never the default ".": that would serve the working directory.
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .build();
    let routes = generate_route_list(App);
    let state = HttpState {
        leptos: leptos.clone(),
        app: app_state.clone(),
    };
    let context_state = app_state.clone();
    let fallback_options = leptos.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/assets/main.css", get(stylesheet))
        .route("/robots.txt", get(robots))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(leptos.clone()),
        )
        // Any other address renders the site's own "not found" page (status 404).
        .fallback(move |request: axum::extract::Request| {
            let render = leptos_axum::render_app_to_stream_with_context(
                {
                    let s = app_state.clone();
                    move || provide_context(s.clone())
                },
                {
                    let o = fallback_options.clone();
                    move || shell(o.clone())
                },
            );
            async move { render(request).await }
        })
        .with_state(state)
        .layer(security_headers())
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

/// A Content-Security-Policy that allows only the site's own resources and no inline script.
fn security_headers() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        ),
    )
}

/// The process lives.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
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
    demo_links: Vec<String>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    tracing::info!(%address, mode = ?state.mode, "Sagsspor is listening");
    println!("Sagsspor kører på http://{address}/");
    for link in &demo_links {
        println!("  demo-sag: http://{address}{link}");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
