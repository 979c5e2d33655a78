//! The answers for an address that leads nowhere and for a page that could not be made, and the
//! response helpers pages share.

use crate::app::use_locale;
use crate::components::page_frame::PageTitle;
use crate::error::AppError;
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

/// A page that could not be made, inside the site's frame, in the visitor's language and with the
/// error's status: 404, 403, 409, 503 when the database does not answer, 500 with the id of the
/// log line a person can quote. Never a raw code.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <NotFoundPage /> }.into_any();
    }
    set_status(
        http::StatusCode::from_u16(error.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    let locale = use_locale();
    let (title, body) = error.page_keys();
    let reference = match &error {
        AppError::Internal(id) => Some(locale.tf("error.internal.reference", &[("id", id)])),
        // A conflict names what stood in the way when it carries a message of its own.
        AppError::Conflict(key) if locale.has(key) => Some(locale.t_owned(key)),
        _ => None,
    };
    view! {
        <PageTitle locale text=locale.t(title).to_string() />
        <h1>{locale.t(title)}</h1>
        <p>{locale.t(body)}</p>
        {reference.map(|text| view! { <p>{text}</p> })}
        <p><a href="/">{locale.t("not_found.front_link")}</a></p>
    }
    .into_any()
}
