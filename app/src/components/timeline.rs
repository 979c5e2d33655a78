//! The timeline of events the applicant sees.

use crate::db::events::CaseEvent;
use crate::domain::local_time::copenhagen_datetime;
use crate::texts;
use leptos::prelude::*;

/// Newest first; each entry with its Danish time, what happened and any public text.
#[component]
pub fn Timeline(events: Vec<CaseEvent>) -> impl IntoView {
    let entries = events
        .into_iter()
        .map(|event| {
            let local = copenhagen_datetime(event.occurred_at);
            let when = format!("{} kl. {}", texts::date_short(local.date()), local.format("%H:%M"));
            let what = event.event_kind().map(texts::event_label).unwrap_or("Hændelse");
            view! {
                <li>
                    <time datetime=event.occurred_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()>{when}</time>
                    <span class="event-what">{what}</span>
                    {event.public_text.map(|text| view! { <p class="event-text">{text}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Sagens forløb"</h2>
            <ol class="timeline" data-testid="timeline">{entries}</ol>
        </section>
    }
}
