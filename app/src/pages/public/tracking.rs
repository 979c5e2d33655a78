//! The status-only tracking page (`/spor/{token}`, *sporingsside*): anyone holding the secret
//! link sees where a case stands — state, phase, who must act, dates, the authority and the
//! expected decision — and nothing personal: no names, addresses, CVR or CPR numbers, titles
//! typed by the applicant, documents or messages. An applicant can hand the link to an advisor or
//! a colleague without giving them a login.

use crate::app::use_locale;
use crate::components::page_frame::PageTitle;
use crate::components::progress_steps::ProgressSteps;
use crate::db::cases::Case;
use crate::error::AppError;
use crate::pages::public::case_folder::ClockSection;
use crate::pages::public::not_found::NotFoundPage;
use crate::services::case_view::CaseFolder;
use crate::state::{now_utc, AppState};
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Whether a path segment can be a tracking token at all (32 lower-case hex digits); anything
/// else is answered as not found without asking the database.
fn looks_like_token(raw: &str) -> bool {
    raw.len() == 32 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The folder of the case with this token, or `None` when there is none. The lookup is one
/// indexed equality on a unique column, whether or not the token exists; a wrong token and a
/// rotated one get the same answer.
async fn load(
    state: Result<AppState, AppError>,
    raw: String,
) -> Result<Option<CaseFolder>, AppError> {
    if !looks_like_token(&raw) {
        return Ok(None);
    }
    let state = state?;
    let mut conn = state.db.conn().await?;
    let Some(case) = Case::find_by_tracking_token(&mut conn, &raw).await? else {
        return Ok(None);
    };
    Ok(Some(
        CaseFolder::for_case(&mut conn, case, now_utc()).await?,
    ))
}

/// The tracking page.
#[component]
pub fn TrackingPage() -> impl IntoView {
    let raw = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let found = load(AppState::from_context(), raw);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match found.await {
                    Ok(Some(folder)) => view! { <TrackingView folder /> }.into_any(),
                    Ok(None) | Err(AppError::NotFound) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <crate::pages::public::not_found::ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the tracking page shows of a case: only facts about the process, never about the
/// applicant or the project.
#[component]
fn TrackingView(folder: CaseFolder) -> impl IntoView {
    let locale = use_locale();
    let case = &folder.case;
    let lifecycle = case.lifecycle();
    let reference = case.reference.clone().unwrap_or_default();
    let case_type = folder.case_type.name(locale);
    let phase = lifecycle
        .phase()
        .map(|p| texts::phase_label(locale, p).to_string())
        .unwrap_or_else(|| "—".to_string());
    let submitted = folder
        .figures
        .submitted_on
        .map(|d| locale.date_long(d))
        .unwrap_or_else(|| "—".to_string());
    let expected = folder
        .figures
        .expected
        .as_ref()
        .map(|e| locale.date_long(e.date))
        .unwrap_or_else(|| "—".to_string());
    let goal = folder
        .figures
        .goal_days
        .map(|g| locale.days(g.into()))
        .unwrap_or_else(|| locale.t("tracking.no_goal").to_string());
    let figures = folder.figures.clone();
    view! {
        <PageTitle locale text=format!("{} — {}", locale.t("tracking.title"), reference) />
        <p class="case-kicker">{locale.t("tracking.kicker")}</p>
        <h1>{locale.tf("tracking.heading", &[("reference", &reference)])}</h1>
        <p>{locale.t("tracking.intro")}</p>
        <dl class="case-facts">
            <div><dt>{locale.t("case.fact_reference")}</dt><dd class="reference" data-testid="reference">{reference.clone()}</dd></div>
            <div><dt>{locale.t("tracking.fact_type")}</dt><dd data-testid="case-type">{case_type}</dd></div>
            <div><dt>{locale.t("tracking.fact_authority")}</dt><dd data-testid="authority">{folder.authority.name.clone()}</dd></div>
            <div><dt>{locale.t("case.fact_state")}</dt><dd data-testid="state">{texts::state_label(locale, lifecycle.state)}</dd></div>
            <div><dt>{locale.t("tracking.fact_phase")}</dt><dd data-testid="phase">{phase}</dd></div>
            <div><dt>{locale.t("case.fact_must_act")}</dt><dd data-testid="must-act">{texts::party_label(locale, case.must_act_party())}</dd></div>
            <div><dt>{locale.t("tracking.fact_submitted")}</dt><dd data-testid="submitted">{submitted}</dd></div>
            <div><dt>{locale.t("tracking.fact_expected")}</dt><dd data-testid="expected-date">{expected}</dd></div>
            <div><dt>{locale.t("tracking.fact_goal")}</dt><dd data-testid="service-goal">{goal}</dd></div>
        </dl>
        <p class="must-act">{texts::must_act_sentence(locale, case.must_act_party())}</p>
        <ProgressSteps locale lifecycle />
        <ClockSection locale figures />
    }
}

/// The applicant's own view of the tracking link, on the case folder and the receipt: the whole
/// link and, on the folder, the button that replaces it.
#[component]
pub fn TrackingLinkSection(reference: String, token: String, rotatable: bool) -> impl IntoView {
    let locale = use_locale();
    let link = crate::state::PublicUrl::tracking_link(&token);
    view! {
        <section class="case-section" id="sporingslink" aria-labelledby="tracking-link-heading">
            <h2 id="tracking-link-heading">{locale.t("tracking.link_heading")}</h2>
            <p>{locale.t("tracking.link_intro")}</p>
            <p class="secret-link"><a href=link.clone() data-testid="tracking-link" rel="noreferrer">{link.clone()}</a></p>
            {rotatable.then(|| view! {
                <form method="post" action=format!("/handlinger/sager/{reference}/sporingslink")>
                    <p>{locale.t("tracking.rotate_intro")}</p>
                    <button type="submit" class="button button-secondary">{locale.t("tracking.rotate")}</button>
                </form>
            })}
        </section>
    }
}
