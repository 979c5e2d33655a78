//! Requests for information, item by item: what is missing, by when, and what has arrived.

use crate::db::requests::RequestWithItems;
use crate::domain::local_time::copenhagen_date;
use crate::i18n::Locale;
use leptos::prelude::*;

/// Every request of the case, newest first; open items are marked as missing with their deadline.
#[component]
pub fn InformationRequests(locale: Locale, requests: Vec<RequestWithItems>) -> impl IntoView {
    if requests.is_empty() {
        return ().into_any();
    }
    let any_open = requests.iter().any(|r| r.items.iter().any(|i| i.is_open()));
    let blocks = requests
        .into_iter()
        .map(|request| {
            let asked = locale.tf("requests.asked_on", &[("date", &locale.date_long(copenhagen_date(request.request.created_at)))]);
            let items = request
                .items
                .into_iter()
                .map(|item| {
                    let (badge, status) = match item.status.as_str() {
                        "open" => ("badge badge-warning", locale.t("requests.status_open")),
                        "answered" => ("badge badge-success", locale.t("requests.status_answered")),
                        _ => ("badge", locale.t("requests.status_withdrawn")),
                    };
                    view! {
                        <li class="request-item">
                            <span class="request-text">{item.description}</span>
                            " "
                            <span class=badge>{status}</span>
                            <span class="request-deadline">
                                {locale.tf("requests.deadline", &[("date", &locale.date_long(item.deadline))])}
                            </span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="request">
                    <p class="request-asked">{asked}</p>
                    <p class="request-message">{request.request.message}</p>
                    <ul class="request-items nobullet-list">{items}</ul>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="case-section" aria-labelledby="requests-heading" data-testid="requests">
            <h2 id="requests-heading">{locale.t("requests.heading")}</h2>
            {any_open.then(|| view! { <p>{locale.t("requests.open_intro")}</p> })}
            {blocks}
        </section>
    }
    .into_any()
}
