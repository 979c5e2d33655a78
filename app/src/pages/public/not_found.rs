//! The answer for an address that leads nowhere, and the response helpers pages share.

use crate::app::use_locale;
use crate::components::page_frame::PageTitle;
use leptos::prelude::*;

/// Sets the status of the response being rendered.
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// Sets the 404 status on the response being rendered.
pub fn set_not_found_status() {
    set_status(http::StatusCode::NOT_FOUND);
}

/// Answers the page being rendered with a redirect (303 See Other) to `path`.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(path);
    set_status(http::StatusCode::SEE_OTHER);
}

/// "Page not found", with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_not_found_status();
    let locale = use_locale();
    view! {
        <PageTitle locale text=locale.t("not_found.title").to_string() />
        <h1>{locale.t("not_found.title")}</h1>
        <p>{locale.t("not_found.body")}</p>
        <p><a href="/">{locale.t("not_found.front_link")}</a></p>
    }
}
