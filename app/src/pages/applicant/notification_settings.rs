//! Notification settings (`/indstillinger`): the applicant's e-mail, mobile number, language, and
//! which messages they want on which channel. Posts to `/handlinger/indstillinger`; a refused form
//! comes back with everything typed and a message beside each field.

use crate::app::{current_path, use_locale};
use crate::auth::{current_viewer, login_path};
use crate::authorization::{may_manage_webhooks, RunMode, Viewer};
use crate::components::calendar_feed::CalendarFeedSection;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_frame::PageTitle;
use crate::components::webhook_settings::{WebhookSection, WebhookSettings};
use crate::db::users::User;
use crate::flash::{take_settings_flash, take_webhook_flash};
use crate::forms::contact_settings::{topic_field, values_of};
use crate::i18n::Locale;
use crate::pages::public::not_found::{redirect_to, NotFoundPage};
use crate::services::notifications::{preferences_of, Channel, Topic};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

/// What the page shows: the form's values and any problems (field, message code).
struct SettingsForm {
    values: BTreeMap<String, String>,
    problems: Vec<(String, String)>,
    cvr: Option<String>,
    /// A business user's webhook receivers (their own section, below the form).
    webhooks: Option<WebhookSettings>,
}

enum Found {
    Form(SettingsForm),
    Missing,
    Redirected,
}

async fn load() -> Found {
    let viewer = current_viewer();
    let Ok(state) = AppState::from_context() else {
        return Found::Missing;
    };
    let cvr = match &viewer {
        Viewer::Anonymous => {
            redirect_to(&login_path(state.mode == RunMode::Demo, &current_path()));
            return Found::Redirected;
        }
        // Caseworkers are told nothing by message about their own authority's cases.
        Viewer::Caseworker { .. } => return Found::Missing,
        Viewer::Citizen { .. } => None,
        Viewer::Business { cvr, .. } => Some(cvr.clone()),
    };
    let Some(user_id) = viewer.user_id() else {
        return Found::Missing;
    };
    let Ok(mut conn) = state.db.conn().await else {
        return Found::Missing;
    };
    let webhooks = match cvr.as_deref() {
        Some(cvr) if may_manage_webhooks(&viewer, cvr) => {
            let flash = take_webhook_flash().await;
            match WebhookSettings::load(&mut conn, cvr, flash).await {
                Ok(settings) => Some(settings),
                Err(_) => return Found::Missing,
            }
        }
        _ => None,
    };
    if let Some(flash) = take_settings_flash().await {
        return Found::Form(SettingsForm {
            values: flash.values,
            problems: flash.problems,
            cvr,
            webhooks,
        });
    }
    let Ok(Some(user)) = User::find(&mut conn, user_id).await else {
        return Found::Missing;
    };
    match preferences_of(&mut conn, &user).await {
        Ok(preferences) => Found::Form(SettingsForm {
            values: values_of(&preferences),
            problems: Vec::new(),
            cvr,
            webhooks,
        }),
        Err(_) => Found::Missing,
    }
}

/// The settings page.
#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let locale = use_locale();
    let notice = use_query_map().read_untracked().get("besked");
    let saved = notice.as_deref() == Some("gemt");
    let webhook_removed = notice.as_deref() == Some("webhook-fjernet");
    let found = load();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match found.await {
                    Found::Form(form) => view! { <SettingsView locale form saved webhook_removed /> <CalendarFeedSection /> }.into_any(),
                    Found::Redirected => ().into_any(),
                    Found::Missing => view! { <NotFoundPage /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsView(
    locale: Locale,
    form: SettingsForm,
    saved: bool,
    webhook_removed: bool,
) -> impl IntoView {
    let problem = |field: &str| {
        form.problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, code)| locale.t_owned(code))
    };
    let summary: Vec<(String, String)> = form
        .problems
        .iter()
        .map(|(field, code)| (format!("felt-{field}"), locale.t_owned(code)))
        .collect();
    let value = |name: &str| form.values.get(name).cloned().unwrap_or_default();
    let checked = |name: &str| form.values.contains_key(name);
    let english = value("sprog") == "en";
    let rows = Topic::CHOOSABLE
        .into_iter()
        .map(|topic| {
            let label = topic.label(locale);
            let cells = Channel::ALL
                .into_iter()
                .map(|channel| {
                    let name = topic_field(channel, topic);
                    let id = format!("felt-{}", name.replace('.', "-"));
                    let channel_name = match channel {
                        Channel::Email => locale.t("settings.channel_email"),
                        Channel::Sms => locale.t("settings.channel_sms"),
                    };
                    view! {
                        <td>
                            <div class="form-group-checkbox">
                                <input class="form-checkbox" type="checkbox" id=id.clone() name=name.clone() value="ja" checked=checked(&name) />
                                <label class="form-label" for=id><span class="sr-only">{format!("{channel_name}: {label}")}</span></label>
                            </div>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    let field_class = |field: &str| {
        if problem(field).is_some() {
            "form-group form-error"
        } else {
            "form-group"
        }
    };
    let email_problem = problem("email");
    let mobile_problem = problem("mobil");
    view! {
        <PageTitle locale text=locale.t("settings.title").to_string() />
        <h1>{locale.t("settings.title")}</h1>
        {saved.then(|| view! {
            <div class="alert alert-success" role="status"><div class="alert-body"><p class="alert-text">{locale.t("settings.saved")}</p></div></div>
        })}
        <ErrorSummary locale errors=summary />
        <p class="font-lead">{locale.t("settings.intro")}</p>
        <form method="post" action="/handlinger/indstillinger" novalidate>
            <fieldset>
                <legend class="h3">{locale.t("settings.contact_heading")}</legend>
                <div class=field_class("email")>
                    <label class="form-label" for="felt-email">{locale.t("settings.email")}</label>
                    {email_problem.map(|m| view! { <span class="form-error-message" id="felt-email-error"><span class="sr-only">{locale.t("error.prefix")} " "</span>{m}</span> })}
                    <input class="form-input" type="email" id="felt-email" name="email" autocomplete="email" value=value("email") />
                </div>
                <div class=field_class("mobil")>
                    <label class="form-label" for="felt-mobil">{locale.t("settings.mobile")}</label>
                    <span class="form-hint" id="felt-mobil-hint">{locale.t("settings.mobile_hint")}</span>
                    {mobile_problem.map(|m| view! { <span class="form-error-message" id="felt-mobil-error"><span class="sr-only">{locale.t("error.prefix")} " "</span>{m}</span> })}
                    <input class="form-input input-width-s" type="tel" id="felt-mobil" name="mobil" autocomplete="tel" aria-describedby="felt-mobil-hint" value=value("mobil") />
                </div>
                <fieldset class="form-group">
                    <legend class="form-label">{locale.t("settings.language")}</legend>
                    <div class="form-group-radio">
                        <input class="form-radio" type="radio" id="sprog-da" name="sprog" value="da" checked=!english />
                        <label class="form-label" for="sprog-da">"Dansk"</label>
                    </div>
                    <div class="form-group-radio">
                        <input class="form-radio" type="radio" id="sprog-en" name="sprog" value="en" checked=english />
                        <label class="form-label" for="sprog-en" lang="en">"English"</label>
                    </div>
                </fieldset>
            </fieldset>
            {form.cvr.clone().map(|cvr| view! {
                <div class="form-group-checkbox mt-5">
                    <input class="form-checkbox" type="checkbox" id="felt-firmaets-sager" name="firmaets_sager" value="ja" checked=checked("firmaets_sager") />
                    <label class="form-label" for="felt-firmaets-sager">{locale.tf("settings.company_cases", &[("cvr", &cvr)])}</label>
                </div>
            })}
            <h2 class="h3">{locale.t("settings.topics_heading")}</h2>
            <p>{locale.t("settings.topics_intro")}</p>
            <div class="table--responsive-scroll">
                <table class="table table--compact">
                    <caption class="sr-only">{locale.t("settings.topics_heading")}</caption>
                    <thead><tr>
                        <th scope="col">{locale.t("settings.topic")}</th>
                        <th scope="col">{locale.t("settings.channel_email")}</th>
                        <th scope="col">{locale.t("settings.channel_sms")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <button type="submit" class="button button-primary mt-5">{locale.t("settings.save")}</button>
        </form>
        {webhook_removed.then(|| view! {
            <div class="alert alert-success mt-8" role="status"><div class="alert-body"><p class="alert-text">{locale.t("webhooks.removed")}</p></div></div>
        })}
        {form.webhooks.map(|settings| view! { <WebhookSection locale settings /> })}
    }
}
