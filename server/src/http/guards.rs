//! What every request passes on its way in and out: unknown methods, a trailing slash,
//! cross-site writes, slow bodies, security headers and HSTS, no caching of secret addresses,
//! and error pages in the visitor's language.

use super::HttpState;
use app::i18n::Locale;
use axum::extract::Request;
use axum::extract::State;
use axum::http::Method;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

/// Every error of a plain handler (login, form post, download) reaches the visitor as the site's
/// error page in their language: [`AppError`](app::error::AppError)'s answer carries the error,
/// and it is worded here for the language cookie of the request. A session that could not be
/// saved (the session layer answers an empty 500) means the database takes no writes: the
/// visitor gets the 503 page.
pub(super) async fn error_pages_in_the_visitors_language(request: Request, next: Next) -> Response {
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
pub(super) async fn keep_secret_addresses_private(request: Request, next: Next) -> Response {
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
pub(super) fn origin_of(url: &str) -> String {
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
pub(super) async fn refuse_cross_site_writes(
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
        // The site's 403 page in the visitor's language (the error-page layer words it).
        return app::error::AppError::Forbidden.into_response();
    }
    next.run(request).await
}

/// Answers methods the site has no use for (`CONNECT`, `TRACE`, extension methods) and request
/// targets without a path before any route sees them: the Leptos fallback assumes every request
/// has a path, and would panic on `CONNECT host:port`.
pub(super) async fn refuse_unknown_methods(request: Request, next: Next) -> Response {
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
pub(super) async fn redirect_trailing_slash(request: Request, next: Next) -> Response {
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
pub(super) async fn limit_body_read_time(request: Request, next: Next) -> Response {
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
pub(super) async fn strict_transport_security(
    https: bool,
    request: Request,
    next: Next,
) -> Response {
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
pub(super) fn security_headers(origins: Vec<String>) -> SetResponseHeaderLayer<HeaderValue> {
    let policy = app::app::content_security_policy(None, &origins);
    SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
    )
}
