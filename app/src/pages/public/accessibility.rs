//! The accessibility statement (tilgængelighedserklæring) Danish public sites must publish.

use crate::app::use_locale;
use crate::components::page_frame::PageTitle;
use leptos::prelude::*;

/// The statement, in the chosen language.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageTitle locale text=locale.t("accessibility.title").to_string() />
        <h1>{locale.t("accessibility.title")}</h1>
        <p class="font-lead">{locale.t("accessibility.intro")}</p>
        <h2>{locale.t("accessibility.status_heading")}</h2>
        <p>{locale.t("accessibility.status")}</p>
        <h2>{locale.t("accessibility.known_heading")}</h2>
        <p>{locale.t("accessibility.known")}</p>
        <h2>{locale.t("accessibility.feedback_heading")}</h2>
        <p>{locale.t("accessibility.feedback")}</p>
        <h2>{locale.t("accessibility.complaint_heading")}</h2>
        <p>{locale.t("accessibility.complaint")}</p>
        <p class="form-hint">{locale.t("accessibility.prepared")}</p>
    }
}
