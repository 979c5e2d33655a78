//! Withdrawing an application (`/sager/{reference}/traek-tilbage`): a confirmation page whose
//! form posts to the withdraw action. Nothing changes until the applicant confirms.

use crate::app::{current_path, use_locale};
use crate::auth::{current_viewer, login_path};
use crate::authorization::{may_act_as_applicant, RunMode};
use crate::components::page_frame::PageTitle;
use crate::db::cases::Case;
use crate::domain::lifecycle::{self, EventKind};
use crate::domain::reference::CaseReference;
use crate::pages::public::not_found::{redirect_to, NotFoundPage};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// What the confirmation page found.
enum Withdrawable {
    Yes {
        reference: String,
        title: String,
        version: i64,
    },
    NotPossible {
        reference: String,
    },
    Missing,
    Redirected,
}

async fn load(raw: String) -> Withdrawable {
    let viewer = current_viewer();
    let Ok(state) = AppState::from_context() else {
        return Withdrawable::Missing;
    };
    if !viewer.is_logged_in() {
        redirect_to(&login_path(state.mode == RunMode::Demo, &current_path()));
        return Withdrawable::Redirected;
    }
    let Ok(reference) = CaseReference::parse(&raw) else {
        return Withdrawable::Missing;
    };
    let Ok(mut conn) = state.db.conn().await else {
        return Withdrawable::Missing;
    };
    match Case::find_by_reference(&mut conn, &reference).await {
        Ok(Some(case)) if may_act_as_applicant(&viewer, &case) => {
            if lifecycle::apply(case.lifecycle(), EventKind::Withdrawn).is_ok() {
                Withdrawable::Yes {
                    reference: reference.to_string(),
                    title: case.title,
                    version: case.version,
                }
            } else {
                Withdrawable::NotPossible {
                    reference: reference.to_string(),
                }
            }
        }
        _ => Withdrawable::Missing,
    }
}

/// The confirmation page.
#[component]
pub fn WithdrawPage() -> impl IntoView {
    let locale = use_locale();
    let raw = use_params_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let found = load(raw);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match found.await {
                    Withdrawable::Yes { reference, title, version } => view! {
                        <PageTitle locale text=locale.t("withdraw.title").to_string() />
                        <h1>{locale.t("withdraw.title")}</h1>
                        <p class="font-lead">{title} " (" <span class="reference">{reference.clone()}</span> ")"</p>
                        <div class="alert alert-warning">
                            <div class="alert-body"><p class="alert-text">{locale.t("withdraw.explain")}</p></div>
                        </div>
                        <form method="post" action="/handlinger/traek-tilbage" class="mt-5">
                            <input type="hidden" name="reference" value=reference.clone() />
                            <input type="hidden" name="version" value=version.to_string() />
                            <button type="submit" class="button button-warning">{locale.t("withdraw.confirm")}</button>
                            " "
                            <a class="button button-secondary" href=format!("/sager/{reference}")>{locale.t("withdraw.cancel")}</a>
                        </form>
                    }
                    .into_any(),
                    Withdrawable::NotPossible { reference } => view! {
                        <PageTitle locale text=locale.t("withdraw.title").to_string() />
                        <h1>{locale.t("withdraw.title")}</h1>
                        <p>{locale.t("withdraw.not_possible")}</p>
                        <p><a href=format!("/sager/{reference}")>{locale.t("withdraw.cancel")}</a></p>
                    }
                    .into_any(),
                    Withdrawable::Redirected => ().into_any(),
                    Withdrawable::Missing => view! { <NotFoundPage /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
