//! Operational endpoints (`/healthz`, `/readyz`), the stylesheet and static assets, the
//! language switch and `robots.txt`.

use super::HttpState;
use app::i18n::{Locale, LANGUAGE_COOKIE};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The stylesheet, compiled in so the binary serves the same look wherever it runs.
const MAIN_CSS: &str = include_str!("../../../style/main.css");

/// The process lives.
pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the instance can do its work: the database answers and takes writes, and the
/// document store can write a file (a full disk or a read-only mount answers 503, so a balancer
/// sends users elsewhere instead of to failing writes).
pub(super) async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
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

pub(super) async fn stylesheet() -> impl IntoResponse {
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
pub(super) fn assets_service() -> Router<HttpState> {
    Router::new()
        .fallback_service(ServeDir::new(assets_dir()))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
}

/// Query of the language switch: where to return.
#[derive(serde::Deserialize)]
pub(super) struct LanguageChoice {
    tilbage: Option<String>,
}

/// Remembers the chosen language in a cookie and returns to the page the switch was used on.
/// Only a local path is followed, so the switch cannot be used to send people elsewhere.
pub(super) async fn choose_language(
    State(state): State<HttpState>,
    Path(code): Path<String>,
    Query(choice): Query<LanguageChoice>,
) -> Response {
    let Some(locale) = Locale::parse(&code) else {
        return app::error::AppError::NotFound.into_response();
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
pub(super) async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        include_str!("../../../public/robots.txt"),
    )
}
