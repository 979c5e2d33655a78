//! The answer for an address that leads nowhere, and the response helpers pages share.

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the 404 status on the response being rendered.
pub fn set_not_found_status() {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// Answers the page being rendered with a redirect (303 See Other) to `path`.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(path);
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SEE_OTHER);
    }
}

/// "Page not found", with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_not_found_status();
    view! {
        <Title text="Siden findes ikke — Sagsspor" />
        <h1>"Siden findes ikke"</h1>
        <p>"Adressen fører ikke til en side. Gå til " <a href="/">"forsiden"</a> "."</p>
    }
}
