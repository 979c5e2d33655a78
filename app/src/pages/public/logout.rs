//! `/auth/logout` opened as an address (a link, a bookmark, another site): a page with the
//! logout button. Only the button's POST ends a session, so a cross-site link or image cannot
//! log anyone out.

use crate::app::use_locale;
use crate::auth::current_user;
use crate::components::page_frame::PageTitle;
use leptos::prelude::*;

/// Asks a logged-in visitor to confirm with the button; tells anyone else they are logged out.
#[component]
pub fn LogoutPage() -> impl IntoView {
    let locale = use_locale();
    let body = match current_user() {
        Some(_) => view! {
            <p class="font-lead">{locale.t("logout.question")}</p>
            <form method="post" action="/auth/logout">
                <button type="submit" class="button button-primary">{locale.t("header.logout")}</button>
            </form>
        }
        .into_any(),
        None => view! {
            <p class="font-lead">{locale.t("logout.not_logged_in")}</p>
            <p><a href="/">{locale.t("not_found.front_link")}</a></p>
        }
        .into_any(),
    };
    view! {
        <PageTitle locale text=locale.t("header.logout").to_string() />
        <h1>{locale.t("header.logout")}</h1>
        {body}
    }
}
