//! The calendar-feed section of the applicant's settings page (`/indstillinger`): the secret
//! address of the feed of deadlines and expected decision dates, and the button that makes (or
//! replaces) it. Self-contained: it loads what it shows itself.

use crate::app::use_locale;
use crate::auth::current_viewer;
use crate::db::users::User;
use crate::state::{AppState, PublicUrl};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The current feed address of the logged-in applicant, if one was made.
async fn feed_token() -> Option<String> {
    let viewer = current_viewer();
    let user_id = viewer.user_id().filter(|_| viewer.is_applicant())?;
    let state = AppState::from_context().ok()?;
    let mut conn = state.db.conn().await.ok()?;
    User::calendar_token(&mut conn, user_id).await.ok()?
}

/// The section; shows nothing to a viewer who is not an applicant.
#[component]
pub fn CalendarFeedSection() -> impl IntoView {
    let locale = use_locale();
    let viewer = current_viewer();
    let made = use_query_map().read_untracked().get("besked").as_deref() == Some("kalender");
    let base = PublicUrl::from_context();
    let token = feed_token();
    viewer.is_applicant().then(|| view! {
        <section class="case-section" id="kalender" aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">{locale.t("calendar.heading")}</h2>
            <p>{locale.t("calendar.intro")}</p>
            <Suspense fallback=|| ()>
                {Suspend::new({
                    let base = base.clone();
                    async move {
                        let token = token.await;
                        let has_feed = token.is_some();
                        view! {
                            {(made && has_feed).then(|| view! {
                                <div class="alert alert-success" role="status"><div class="alert-body"><p class="alert-text">{locale.t("calendar.made")}</p></div></div>
                            })}
                            {token.map(|token| {
                                let url = format!("{base}/kalender/{token}.ics");
                                view! {
                                    <p>{locale.t("calendar.address")}</p>
                                    <p class="secret-link"><code data-testid="calendar-url">{url}</code></p>
                                    <p>{locale.t("calendar.secret")}</p>
                                }
                            })}
                            <form method="post" action="/handlinger/indstillinger/kalender">
                                <button type="submit" class="button button-secondary">
                                    {if has_feed { locale.t("calendar.replace") } else { locale.t("calendar.make") }}
                                </button>
                            </form>
                        }
                    }
                })}
            </Suspense>
        </section>
    })
}
