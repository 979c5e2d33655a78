//! The receipt (`/sager/{reference}/kvittering`): the new case's reference and what happens next.

use crate::app::use_locale;
use crate::auth::current_viewer;
use crate::authorization::{may_rotate_tracking_link, may_view_case};
use crate::components::page_frame::PageTitle;
use crate::db::cases::Case;
use crate::domain::reference::CaseReference;
use crate::pages::public::not_found::NotFoundPage;
use crate::pages::public::tracking::TrackingLinkSection;
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The receipt page; like the case folder it shows only the viewer's own case.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let locale = use_locale();
    let raw = use_params_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let viewer = current_viewer();
    let state = AppState::from_context();
    let found = async move {
        let reference = CaseReference::parse(&raw).ok()?;
        let state = state.ok()?;
        let mut conn = state.db.conn().await.ok()?;
        let case = Case::find_by_reference(&mut conn, &reference)
            .await
            .ok()??;
        may_view_case(&viewer, &case).then(|| {
            let token = case
                .tracking_token
                .clone()
                .filter(|_| may_rotate_tracking_link(&viewer, &case));
            (reference.to_string(), token)
        })
    };
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let Some((reference, token)) = found.await else { return view! { <NotFoundPage /> }.into_any() };
                view! {
                    <PageTitle locale text=locale.t("receipt.title").to_string() />
                    <div class="alert alert-success" role="status">
                        <div class="alert-body">
                            <h1 class="alert-heading">{locale.t("receipt.title")}</h1>
                            <p class="alert-text">{locale.t("receipt.reference")} ": "
                                <strong class="reference" data-testid="receipt-reference">{reference.clone()}</strong>
                            </p>
                        </div>
                    </div>
                    <p>{locale.t("receipt.keep")}</p>
                    <h2>{locale.t("receipt.next_heading")}</h2>
                    <p>{locale.t("receipt.next")}</p>
                    {token.map(|token| view! {
                        <TrackingLinkSection reference=reference.clone() token rotatable=false />
                    })}
                    <p>
                        <a class="button button-primary" href=format!("/sager/{reference}")>{locale.t("receipt.to_case")}</a>
                        " "
                        <a class="button button-secondary" href="/mine-sager">{locale.t("receipt.to_my_cases")}</a>
                    </p>
                }
                .into_any()
            })}
        </Suspense>
    }
}
