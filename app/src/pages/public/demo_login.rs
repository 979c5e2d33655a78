//! The demo's persona login (`/demo/login`): pick who to be. Exists only in `demo`.

use crate::app::use_locale;
use crate::auth::{is_local_path, PersonaKind, DEMO_PERSONAS};
use crate::authorization::RunMode;
use crate::components::page_frame::{percent_encode, PageTitle};
use crate::pages::public::not_found::NotFoundPage;
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The persona list; in `serve` the page does not exist.
#[component]
pub fn DemoLoginPage() -> impl IntoView {
    let state = AppState::from_context().ok();
    let demo = state.as_ref().is_some_and(|s| s.mode == RunMode::Demo);
    let real_login = state.as_ref().is_some_and(|s| s.applicant_oidc);
    if !demo {
        return view! { <NotFoundPage /> }.into_any();
    }
    let locale = use_locale();
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| is_local_path(n));
    let suffix = next
        .map(|n| format!("?next={}", percent_encode(&n)))
        .unwrap_or_default();
    let personas = DEMO_PERSONAS
        .iter()
        .map(|persona| {
            let role = match persona.kind {
                PersonaKind::Citizen => locale.t("demo_login.citizen").to_string(),
                PersonaKind::Business { cvr, organisation } => {
                    locale.tf("demo_login.business", &[("organisation", &organisation), ("cvr", &cvr)])
                }
                PersonaKind::Caseworker { authority_code } => {
                    let name = match authority_code {
                        101 => "Københavns",
                        851 => "Aalborg",
                        _ => "",
                    };
                    locale.tf("demo_login.caseworker", &[("authority", &name)])
                }
            };
            view! {
                <li class="persona">
                    <a class="button button-secondary" href=format!("/demo/login/{}{}", persona.key, suffix)>
                        {locale.tf("demo_login.button", &[("name", &persona.name)])}
                    </a>
                    <span class="persona-role">{role}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <PageTitle locale text=locale.t("demo_login.title").to_string() />
        <h1>{locale.t("demo_login.title")}</h1>
        <p class="font-lead">{locale.t("demo_login.intro")}</p>
        <ul class="nobullet-list personas" data-testid="personas">{personas}</ul>
        {real_login.then(|| view! {
            <p>
                <a class="button button-primary" href=format!("/auth/login{suffix}")>{locale.t("demo_login.real")}</a>
            </p>
        })}
        <p><a href="/demo/udbakke">{locale.t("demo_outbox.link")}</a></p>
    }
    .into_any()
}
