//! The HTTP side: the router's state and the one login redirect (here), the router around the
//! Leptos pages (`router`), the guards every request passes (`guards`: methods, cross-site
//! writes, body deadlines, security headers, error pages in the visitor's language), the
//! operational endpoints and assets (`probes`), and the server that shuts down gracefully
//! (`serve`).

mod guards;
mod probes;
mod router;
mod serve;

pub use router::{router, router_with};
pub use serve::serve;

use crate::auth::oidc::OidcConfig;
use crate::auth::SessionSettings;
use crate::workers::webhooks::ReceiverScope;
use app::state::AppState;
use axum::extract::FromRef;
use axum::response::{IntoResponse, Response};
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

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
