//! The "Webhooks" section of `/indstillinger` for a business user: the company's receivers with
//! their latest deliveries, a form to add one, and the signing secret of a receiver just added —
//! shown once. Posts to `/handlinger/indstillinger/webhooks` and `…/webhooks/{id}/fjern`.

use crate::db::outbox::OutboxMessage;
use crate::db::webhooks::WebhookEndpoint;
use crate::db::{Conn, QueryResult};
use crate::domain::local_time::copenhagen_datetime;
use crate::flash::WebhookFlash;
use crate::i18n::Locale;
use chrono::NaiveDateTime;
use leptos::prelude::*;

/// How many deliveries the page lists per receiver.
pub const DELIVERIES_SHOWN: i64 = 10;

/// What the section shows.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub cvr: String,
    /// Each active receiver with its newest deliveries, newest first.
    pub endpoints: Vec<(WebhookEndpoint, Vec<OutboxMessage>)>,
    /// What the last post left: the address as typed and what was wrong, or the new secret.
    pub flash: Option<WebhookFlash>,
}

impl WebhookSettings {
    /// The receivers of a CVR with their newest deliveries. The caller has asked the policy
    /// that the viewer may manage this CVR's webhooks.
    pub async fn load(
        conn: &mut Conn,
        cvr: &str,
        flash: Option<WebhookFlash>,
    ) -> QueryResult<WebhookSettings> {
        let mut endpoints = Vec::new();
        for endpoint in WebhookEndpoint::active_for_cvr(conn, cvr).await? {
            let deliveries =
                WebhookEndpoint::deliveries(conn, endpoint.id, DELIVERIES_SHOWN).await?;
            endpoints.push((endpoint, deliveries));
        }
        Ok(WebhookSettings {
            cvr: cvr.to_string(),
            endpoints,
            flash,
        })
    }
}

fn when(locale: Locale, at: NaiveDateTime) -> String {
    let at = copenhagen_datetime(at);
    locale.tf(
        "timeline.at",
        &[
            ("date", &locale.date_short(at.date())),
            ("time", &locale.time(at.time())),
        ],
    )
}

/// A delivery's status as a badge: delivered, retrying, waiting or failed.
fn status_of(locale: Locale, message: &OutboxMessage) -> (&'static str, &'static str) {
    match message.status.as_str() {
        "sent" => ("badge badge-success", locale.t("webhooks.status.delivered")),
        "failed" => ("badge badge-error", locale.t("webhooks.status.failed")),
        _ if message.attempts > 0 => ("badge badge-warning", locale.t("webhooks.status.retrying")),
        _ => ("badge", locale.t("webhooks.status.waiting")),
    }
}

/// The section.
#[component]
pub fn WebhookSection(locale: Locale, settings: WebhookSettings) -> impl IntoView {
    let flash = settings.flash.clone();
    let typed = flash.as_ref().map(|f| f.url.clone()).unwrap_or_default();
    let problem = flash
        .as_ref()
        .and_then(|f| f.problem.clone())
        .map(|code| locale.t_owned(&code));
    let secret = flash.as_ref().and_then(|f| f.new_secret.clone());
    let endpoints = settings
        .endpoints
        .into_iter()
        .map(|(endpoint, deliveries)| {
            let rows = deliveries
                .into_iter()
                .map(|message| {
                    let (badge, status) = status_of(locale, &message);
                    view! {
                        <tr data-status=message.status.clone()>
                            <td>{when(locale, message.created_at)}</td>
                            <td><code>{format!("case.{}", message.topic)}</code></td>
                            <td><span class=badge>{status}</span></td>
                            <td>{message.attempts}</td>
                            <td>{message.last_error.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>();
            let empty = rows.is_empty();
            let remove_label = locale.tf("webhooks.remove_label", &[("url", &endpoint.url)]);
            view! {
                <li class="mb-5" data-testid="webhook-endpoint">
                    <p><strong class="webhook-url">{endpoint.url.clone()}</strong>" "
                        <span class="form-hint">{locale.tf("webhooks.added", &[("at", &when(locale, endpoint.created_at))])}</span></p>
                    <form method="post" action=format!("/handlinger/indstillinger/webhooks/{}/fjern", endpoint.id)>
                        <button type="submit" class="button button-tertiary" aria-label=remove_label>{locale.t("webhooks.remove")}</button>
                    </form>
                    {if empty {
                        view! { <p>{locale.t("webhooks.no_deliveries")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table--responsive-scroll">
                                <table class="table table--compact" data-testid="webhook-deliveries">
                                    <caption>{locale.tf("webhooks.deliveries_caption", &[("url", &endpoint.url)])}</caption>
                                    <thead><tr>
                                        <th scope="col">{locale.t("webhooks.col.time")}</th>
                                        <th scope="col">{locale.t("webhooks.col.event")}</th>
                                        <th scope="col">{locale.t("webhooks.col.status")}</th>
                                        <th scope="col">{locale.t("webhooks.col.attempts")}</th>
                                        <th scope="col">{locale.t("webhooks.col.error")}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let none = endpoints.is_empty();
    let group_class = if problem.is_some() {
        "form-group form-error"
    } else {
        "form-group"
    };
    view! {
        <section id="webhooks" class="mt-8" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">{locale.t("webhooks.heading")}</h2>
            <p>{locale.tf("webhooks.intro", &[("cvr", &settings.cvr)])}</p>
            {secret.map(|secret| view! {
                <div class="alert alert-success" role="status" data-testid="webhook-secret">
                    <div class="alert-body">
                        <p class="alert-heading">{locale.t("webhooks.secret_heading")}</p>
                        <p class="alert-text">{locale.t("webhooks.secret_once")}</p>
                        <p class="alert-text"><code>{secret}</code></p>
                    </div>
                </div>
            })}
            {if none {
                view! { <p>{locale.t("webhooks.none")}</p> }.into_any()
            } else {
                view! { <ul class="nobullet-list">{endpoints}</ul> }.into_any()
            }}
            <form method="post" action="/handlinger/indstillinger/webhooks" novalidate>
                <div class=group_class>
                    <label class="form-label" for="felt-webhook-url">{locale.t("webhooks.url")}</label>
                    <span class="form-hint" id="felt-webhook-url-hint">{locale.t("webhooks.url_hint")}</span>
                    {problem.map(|m| view! { <span class="form-error-message" id="felt-webhook-url-error"><span class="sr-only">{locale.t("error.prefix")} " "</span>{m}</span> })}
                    <input class="form-input" type="url" id="felt-webhook-url" name="url" inputmode="url" aria-describedby="felt-webhook-url-hint" value=typed />
                </div>
                <button type="submit" class="button button-secondary">{locale.t("webhooks.add")}</button>
            </form>
        </section>
    }
}
