//! The timeline of events the applicant sees.

use crate::db::events::CaseEvent;
use crate::domain::local_time::copenhagen_datetime;
use crate::i18n::Locale;
use crate::texts;
use leptos::prelude::*;

/// Newest first; each entry with its Danish local time, what happened and any public text.
#[component]
pub fn Timeline(
    locale: Locale,
    events: Vec<CaseEvent>,
    /// The authority's view: internal notes and who did what are shown too.
    #[prop(optional)]
    internal: bool,
) -> impl IntoView {
    let entries = events
        .into_iter()
        .map(|event| {
            let local = copenhagen_datetime(event.occurred_at);
            let when = locale.tf(
                "timeline.at",
                &[("date", &locale.date_short(local.date())), ("time", &locale.time(local.time()))],
            );
            let what = event
                .event_kind()
                .map(|kind| texts::event_label(locale, kind))
                .unwrap_or(locale.t("timeline.unknown"));
            view! {
                <li>
                    <time datetime=event.occurred_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()>{when}</time>
                    <span class="event-what">{what}</span>
                    {internal.then(|| view! { <span class="event-actor">" — " {event.actor_label.clone()}</span> })}
                    {(internal && !event.visible_to_applicant).then(|| view! { " " <span class="badge">{locale.t("timeline.internal")}</span> })}
                    {event.public_text.map(|text| view! { <p class="event-text">{text}</p> })}
                    {event.internal_text.filter(|_| internal).map(|text| view! { <p class="event-text event-internal">{text}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="case-section" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{locale.t("timeline.heading")}</h2>
            <ol class="timeline" data-testid="timeline">{entries}</ol>
        </section>
    }
}
