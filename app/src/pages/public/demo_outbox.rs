//! The demo's outbox (`/demo/udbakke`): every e-mail and SMS the demo "sent" — written as files
//! instead, since the demo has no mail server — with its text. Exists only in `demo`.

use crate::app::use_locale;
use crate::authorization::RunMode;
use crate::components::outbox_messages::OutboxTable;
use crate::components::page_frame::PageTitle;
use crate::db::outbox::OutboxMessage;
use crate::pages::public::not_found::NotFoundPage;
use crate::state::AppState;
use leptos::prelude::*;

/// How many of the newest messages the page lists.
const SHOWN: i64 = 200;

/// The demo's outbox; in `serve` the page does not exist.
#[component]
pub fn DemoOutboxPage() -> impl IntoView {
    let locale = use_locale();
    let state = AppState::from_context()
        .ok()
        .filter(|s| s.mode == RunMode::Demo);
    let messages = async move {
        let state = state?;
        let mut conn = state.db.conn().await.ok()?;
        OutboxMessage::latest(&mut conn, SHOWN).await.ok()
    };
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let Some(messages) = messages.await else {
                    return view! { <NotFoundPage /> }.into_any();
                };
                view! {
                    <PageTitle locale text=locale.t("demo_outbox.title").to_string() />
                    <h1>{locale.t("demo_outbox.title")}</h1>
                    <p class="font-lead">{locale.t("demo_outbox.intro")}</p>
                    <OutboxTable locale messages with_text=true />
                }
                .into_any()
            })}
        </Suspense>
    }
}
