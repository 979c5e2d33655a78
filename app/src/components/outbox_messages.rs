//! A table of the messages sent (or waiting, or failed) from the outbox: on the caseworker's
//! case page (did the applicant hear about it?) and on the demo's outbox page.

use crate::db::outbox::OutboxMessage;
use crate::domain::local_time::copenhagen_datetime;
use crate::i18n::Locale;
use crate::services::notifications::{render, Payload, Topic};
use chrono::NaiveDateTime;
use leptos::prelude::*;

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

/// The words of a message's status: sent when, waiting since how many attempts, failed why.
fn status_of(locale: Locale, message: &OutboxMessage) -> (&'static str, String) {
    match message.status.as_str() {
        "sent" => (
            "badge badge-success",
            locale.tf(
                "outbox.sent_at",
                &[(
                    "at",
                    &message
                        .sent_at
                        .map(|at| when(locale, at))
                        .unwrap_or_default(),
                )],
            ),
        ),
        "failed" => (
            "badge badge-error",
            locale.tf(
                "outbox.failed",
                &[("error", &message.last_error.clone().unwrap_or_default())],
            ),
        ),
        _ if message.attempts > 0 => (
            "badge badge-warning",
            locale.tf(
                "outbox.retrying",
                &[
                    ("attempts", &message.attempts),
                    ("next", &when(locale, message.next_attempt_at)),
                ],
            ),
        ),
        _ => ("badge", locale.t("outbox.waiting").to_string()),
    }
}

/// The messages, newest first. With `with_text`, each row can unfold the message as rendered.
#[component]
pub fn OutboxTable(locale: Locale, messages: Vec<OutboxMessage>, with_text: bool) -> impl IntoView {
    let rows = messages
        .into_iter()
        .map(|message| {
            let topic = Topic::parse(&message.topic);
            let topic_label = topic.map(|t| t.label(locale)).unwrap_or("—");
            let channel = match message.channel.as_str() {
                "sms" => locale.t("settings.channel_sms"),
                "webhook" => locale.t("webhooks.channel"),
                _ => locale.t("settings.channel_email"),
            };
            let (badge, status) = status_of(locale, &message);
            let rendered = with_text
                .then(|| {
                    let payload: Payload = serde_json::from_str(&message.payload).ok()?;
                    let reader = Locale::parse(&message.language).unwrap_or_default();
                    Some(render(topic?, reader, &payload, ""))
                })
                .flatten();
            let text = rendered.map(|r| {
                let body = if message.channel == "sms" {
                    r.sms
                } else {
                    format!("{}\n\n{}", r.subject, r.text)
                };
                view! {
                    <details>
                        <summary>{locale.t("outbox.show_text")}</summary>
                        <pre class="outbox-text">{body}</pre>
                    </details>
                }
            });
            view! {
                <tr data-status=message.status.clone()>
                    <td>{when(locale, message.created_at)}</td>
                    <td>{topic_label}{text}</td>
                    <td>{channel}</td>
                    <td>{message.recipient.clone()}</td>
                    <td><span class=badge>{status}</span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table--responsive-scroll">
            <table class="table table--compact" data-testid="outbox">
                <thead><tr>
                    <th scope="col">{locale.t("outbox.when")}</th>
                    <th scope="col">{locale.t("outbox.topic")}</th>
                    <th scope="col">{locale.t("outbox.channel")}</th>
                    <th scope="col">{locale.t("outbox.recipient")}</th>
                    <th scope="col">{locale.t("outbox.status")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
