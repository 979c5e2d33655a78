//! The phases as a step indicator: Modtaget → Registreret → Screening → Sagsbehandling → Afgjort.

use crate::domain::lifecycle::{Lifecycle, Phase};
use crate::texts;
use leptos::prelude::*;

/// Steps before the current phase are done, the current one is marked with `aria-current`.
#[component]
pub fn ProgressSteps(lifecycle: Lifecycle) -> impl IntoView {
    let current = lifecycle.phase();
    let steps = Phase::ALL
        .into_iter()
        .map(|phase| {
            let (class, status) = match current {
                Some(now) if phase < now => ("step step-done", "fuldført"),
                Some(now) if phase == now => ("step step-current", "nuværende trin"),
                _ => ("step", "ikke nået"),
            };
            let is_current = current == Some(phase);
            view! {
                <li class=class aria-current=is_current.then_some("step")>
                    <span class="step-name">{texts::phase_label(phase)}</span>
                    <span class="sr-only">" (" {status} ")"</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Sagens forløb" class="progress">
            <ol class="steps" data-testid="phases">{steps}</ol>
        </nav>
    }
}
