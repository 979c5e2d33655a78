//! The error summary at the top of a form: each problem links to its field.

use crate::i18n::Locale;
use leptos::prelude::*;

/// `errors` are (field id, message) pairs in the order of the form.
#[component]
pub fn ErrorSummary(locale: Locale, errors: Vec<(String, String)>) -> impl IntoView {
    if errors.is_empty() {
        return ().into_any();
    }
    let items = errors
        .into_iter()
        .map(|(field, message)| view! { <li><a class="function-link" href=format!("#{field}")>{message}</a></li> })
        .collect_view();
    view! {
        <div class="alert alert-error" role="alert" aria-labelledby="error-summary-heading">
            <div class="alert-body">
                <h2 class="alert-heading" id="error-summary-heading">{locale.t("error_summary.heading")}</h2>
                <ul class="alert-text nobullet-list">{items}</ul>
            </div>
        </div>
    }
    .into_any()
}
