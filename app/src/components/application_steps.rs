//! The step indicator of the application flow: authority and type → details → review and send.

use crate::i18n::Locale;
use leptos::prelude::*;

/// `current` is 1, 2 or 3.
#[component]
pub fn ApplicationSteps(locale: Locale, current: u8) -> impl IntoView {
    let steps = [
        "application.step_choose",
        "application.step_details",
        "application.step_review",
    ]
    .into_iter()
    .zip(1u8..)
    .map(|(key, number)| {
        let (class, status) = match number.cmp(&current) {
            std::cmp::Ordering::Less => ("step step-done", locale.t("step.done")),
            std::cmp::Ordering::Equal => ("step step-current", locale.t("step.current")),
            std::cmp::Ordering::Greater => ("step", locale.t("step.todo")),
        };
        view! {
            <li class=class aria-current=(number == current).then_some("step")>
                <span class="step-name">{format!("{number}. {}", locale.t(key))}</span>
                <span class="sr-only">" (" {status} ")"</span>
            </li>
        }
    })
    .collect_view();
    view! {
        <nav aria-label=locale.t("application.steps_label") class="case-progress">
            <ol class="steps" data-testid="application-steps">{steps}</ol>
        </nav>
    }
}
