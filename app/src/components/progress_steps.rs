//! The phases as a step indicator: Modtaget → Registreret → Screening → Sagsbehandling → Afgjort.

use crate::domain::lifecycle::{Lifecycle, Phase};
use crate::i18n::Locale;
use crate::texts;
use leptos::prelude::*;

/// Steps before the current phase are done; the current one carries `aria-current="step"`.
#[component]
pub fn ProgressSteps(locale: Locale, lifecycle: Lifecycle) -> impl IntoView {
    let current = lifecycle.phase();
    let steps = Phase::ALL
        .into_iter()
        .map(|phase| {
            let (class, status) = match current {
                Some(now) if phase < now => ("step step-done", locale.t("step.done")),
                Some(now) if phase == now => ("step step-current", locale.t("step.current")),
                _ => ("step", locale.t("step.todo")),
            };
            let is_current = current == Some(phase);
            view! {
                <li class=class aria-current=is_current.then_some("step")>
                    <span class="step-name">{texts::phase_label(locale, phase)}</span>
                    <span class="sr-only">" (" {status} ")"</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label=locale.t("case.phases_label") class="case-progress">
            <ol class="steps" data-testid="phases">{steps}</ol>
        </nav>
    }
}
