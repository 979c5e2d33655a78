//! The case folder (`/sager/{reference}`): where the case stands, who must act, the clock and
//! the history.

use crate::app::current_path;
use crate::app::use_locale;
use crate::auth::{current_viewer, login_path};
use crate::authorization::{
    may_act_as_applicant, may_rotate_tracking_link, may_view_case, may_view_document, RunMode,
    Viewer,
};
use crate::components::documents::DocumentTable;
use crate::components::information_requests::{Answering, InformationRequests};
use crate::components::page_frame::PageTitle;
use crate::components::progress_steps::ProgressSteps;
use crate::components::responsibility_bar::ResponsibilityBar;
use crate::components::timeline::Timeline;
use crate::db::documents::Document;
use crate::db::statistics::count_status_lookup;
use crate::db::users::User;
use crate::domain::clock::ClockFigures;
use crate::domain::lifecycle::{self, EventKind};
use crate::domain::local_time::copenhagen_date;
use crate::domain::reference::CaseReference;
use crate::error::AppError;
use crate::flash::{take_answer_flash, AnswerFlash};
use crate::forms::case_folder::FolderNotice;
use crate::i18n::Locale;
use crate::pages::public::not_found::{redirect_to, set_not_found_status, ErrorPage};
use crate::pages::public::tracking::TrackingLinkSection;
use crate::services::case_view::CaseFolder;
use crate::state::{now_utc, AppState};
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What the page found for the address.
enum Found {
    Folder {
        folder: Box<CaseFolder>,
        max_upload_mb: u64,
        answer_flash: Option<AnswerFlash>,
    },
    Unreadable(&'static str),
    Missing,
    /// Sent to login; nothing to render.
    Redirected,
}

async fn load(
    locale: Locale,
    viewer: Viewer,
    state: Result<AppState, AppError>,
    raw: String,
) -> Result<Found, AppError> {
    let reference = match CaseReference::parse(&raw) {
        Ok(reference) => reference,
        Err(error) => return Ok(Found::Unreadable(texts::reference_error(locale, &error))),
    };
    let state = state?;
    if !viewer.is_logged_in() {
        redirect_to(&login_path(state.mode == RunMode::Demo, &current_path()));
        return Ok(Found::Redirected);
    }
    let mut conn = state.db.conn().await?;
    let now = now_utc();
    match CaseFolder::load(&mut conn, &reference, now).await? {
        // A case the viewer may not see answers exactly like one that does not exist.
        Some(folder) if may_view_case(&viewer, &folder.case) => {
            if let (Some(user_id), true) = (viewer.user_id(), viewer.is_applicant()) {
                User::mark_case_seen(&mut conn, user_id, folder.case.id, now).await?;
                // Each look-up by the applicant is a status call the authority did not get.
                let month = copenhagen_date(now).format("%Y-%m").to_string();
                count_status_lookup(&mut conn, folder.case.authority_code, &month).await?;
            }
            Ok(Found::Folder {
                folder: Box::new(folder),
                max_upload_mb: state.documents.max_bytes() / (1024 * 1024),
                answer_flash: take_answer_flash().await,
            })
        }
        _ => Ok(Found::Missing),
    }
}

/// The case folder page.
#[component]
pub fn CaseFolderPage() -> impl IntoView {
    let locale = use_locale();
    let raw = use_params_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let found = load(locale, current_viewer(), AppState::from_context(), raw);
    view! {
        <Suspense fallback=move || view! { <p>{locale.t("case.loading")}</p> }>
            {Suspend::new(async move {
                match found.await {
                    Ok(Found::Folder { folder, max_upload_mb, answer_flash }) => {
                        view! { <FolderView locale folder=*folder max_upload_mb answer_flash /> }.into_any()
                    }
                    Ok(Found::Unreadable(message)) => {
                        set_not_found_status();
                        view! {
                            <PageTitle locale text=locale.t("case.unreadable_title").to_string() />
                            <h1>{locale.t("case.unreadable_heading")}</h1>
                            <div class="alert alert-error" role="alert">
                                <div class="alert-body"><p class="alert-text">{message}</p></div>
                            </div>
                            <p><a href="/">{locale.t("case.other_lookup")}</a></p>
                        }
                            .into_any()
                    }
                    Ok(Found::Redirected) => ().into_any(),
                    Ok(Found::Missing) | Err(AppError::NotFound) => {
                        set_not_found_status();
                        view! {
                            <PageTitle locale text=locale.t("case.missing_title").to_string() />
                            <h1>{locale.t("case.missing_heading")}</h1>
                            <p>{locale.t("case.missing_body")}</p>
                            <p><a href="/">{locale.t("case.other_lookup")}</a></p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The folder of one case.
#[component]
fn FolderView(
    locale: Locale,
    folder: CaseFolder,
    max_upload_mb: u64,
    answer_flash: Option<AnswerFlash>,
) -> impl IntoView {
    let case = &folder.case;
    let lifecycle = case.lifecycle();
    let reference = case.reference.clone().unwrap_or_default();
    let figures = folder.figures.clone();
    let case_type = folder.case_type.name(locale);
    let timeline: Vec<_> = folder.visible_timeline().cloned().collect();
    let viewer = current_viewer();
    let may_ask_status = may_act_as_applicant(&viewer, case);
    // The tracking link is the applicant's to hand on and replace; caseworkers do not see it.
    let tracking = case
        .tracking_token
        .clone()
        .filter(|_| may_rotate_tracking_link(&viewer, case));
    let can_withdraw = may_act_as_applicant(&viewer, case)
        && lifecycle::apply(lifecycle, EventKind::Withdrawn).is_ok();
    // Only what this viewer may see of the case's documents.
    let documents: Vec<Document> = folder
        .documents
        .iter()
        .filter(|d| may_view_document(&viewer, case, d))
        .cloned()
        .collect();
    let answers: Vec<Document> = documents
        .iter()
        .filter(|d| d.request_item_id.is_some())
        .cloned()
        .collect();
    let document_href = {
        let reference = reference.clone();
        move |d: &Document| format!("/sager/{reference}/dokumenter/{}", d.id)
    };
    let decision_link = documents
        .iter()
        .any(|d| d.kind == "decision")
        .then(|| format!("/sager/{reference}/afgoerelse.pdf"));
    let answering = (may_act_as_applicant(&viewer, case)
        && lifecycle.state == lifecycle::CaseState::AwaitingApplicant)
        .then(|| Answering {
            reference: reference.clone(),
            max_mb: max_upload_mb,
            flash: answer_flash,
        });
    let notice = use_query_map()
        .read_untracked()
        .get("besked")
        .and_then(|code| FolderNotice::parse(&code))
        .map(|notice| {
            let (key, success) = notice.message();
            let class = if success {
                "alert alert-success"
            } else {
                "alert alert-warning"
            };
            (class, locale.t(key))
        });
    view! {
        <PageTitle locale text=format!("{} — {}", reference, case.title) />
        {notice.map(|(class, text)| view! {
            <div class=class role="status"><div class="alert-body"><p class="alert-text">{text}</p></div></div>
        })}
        <p class="case-kicker">{folder.authority.name.clone()} " · " {case_type}</p>
        <h1>{case.title.clone()}</h1>
        <dl class="case-facts">
            <div><dt>{locale.t("case.fact_reference")}</dt><dd class="reference" data-testid="reference">{reference.clone()}</dd></div>
            <div><dt>{locale.t("case.fact_state")}</dt><dd data-testid="state">{texts::state_label(locale, lifecycle.state)}</dd></div>
            <div><dt>{locale.t("case.fact_must_act")}</dt><dd data-testid="must-act">{texts::party_label(locale, case.must_act_party())}</dd></div>
            <div><dt>{locale.t("case.fact_address")}</dt><dd>{case.property_address.clone()}</dd></div>
            {case.esdh_number.clone().map(|n| view! { <div><dt>{locale.t("case.fact_esdh")}</dt><dd>{n}</dd></div> })}
        </dl>
        <p class="must-act">{texts::must_act_sentence(locale, case.must_act_party())}</p>
        <ProgressSteps locale lifecycle />
        <ClockSection locale figures />
        {decision_link.map(|href| view! {
            <section class="case-section decision" aria-labelledby="decision-heading" data-testid="decision">
                <h2 id="decision-heading">{locale.t("decision.heading")}</h2>
                <p>{locale.t("decision.available")}</p>
                <p><a class="button button-primary" href=href>{locale.t("decision.download")}</a></p>
            </section>
        })}
        <InformationRequests
            locale
            requests=folder.requests.clone()
            answering
            answers=answers
            document_href=document_href.clone()
        />
        <Timeline locale events=timeline />
        <section class="case-section" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{locale.t("documents.heading")}</h2>
            {if documents.is_empty() {
                view! { <p>{locale.t("documents.none")}</p> }.into_any()
            } else {
                view! { <DocumentTable locale documents href=document_href /> }.into_any()
            }}
        </section>
        {may_ask_status.then(|| view! {
            <section class="case-section" id="beskeder" aria-labelledby="notify-heading">
                <h2 id="notify-heading">{locale.t("folder.notify_heading")}</h2>
                <p>{locale.t("folder.notify_intro")} " " <a href="/indstillinger">{locale.t("folder.notify_settings")}</a></p>
                <form method="post" action=format!("/handlinger/sager/{reference}/status")>
                    <button type="submit" name="kanal" value="email" class="button button-secondary">{locale.t("folder.status_email")}</button>
                    " "
                    <button type="submit" name="kanal" value="sms" class="button button-secondary">{locale.t("folder.status_sms")}</button>
                </form>
            </section>
        })}
        {tracking.map(|token| view! {
            <TrackingLinkSection reference=reference.clone() token rotatable=true />
        })}
        {can_withdraw.then(|| view! {
            <section class="case-section" aria-labelledby="withdraw-heading">
                <h2 id="withdraw-heading" class="h4">{locale.t("withdraw.title")}</h2>
                <p><a href=format!("/sager/{reference}/traek-tilbage")>{locale.t("withdraw.link")}</a></p>
            </section>
        })}
    }
}

/// The responsibility bar, the expected date and the service-goal status.
#[component]
pub fn ClockSection(locale: Locale, figures: ClockFigures) -> impl IntoView {
    let expected = expected_sentence(locale, &figures);
    let status = texts::goal_status_label(locale, &figures.status);
    let goal_line = match (figures.goal_days, figures.goal_days_used) {
        (Some(goal), Some(used)) => Some(locale.tf(
            "clock.goal_line",
            &[
                ("goal", &locale.days(goal.into())),
                ("used", &locale.days(used)),
            ],
        )),
        _ => None,
    };
    view! {
        <section class="case-section clock" aria-labelledby="clock-heading">
            <h2 id="clock-heading">{locale.t("clock.heading")}</h2>
            <ResponsibilityBar
                locale
                authority_days=figures.authority_days
                applicant_days=figures.applicant_days
                total_days=figures.total_days
            />
            <p class="expected" data-testid="expected">{expected}</p>
            <p class="goal-status" data-testid="goal-status">{status}</p>
            {goal_line.map(|line| view! { <p>{line}</p> })}
        </section>
    }
}

/// One sentence that says when an answer can be expected and how that date was reached.
fn expected_sentence(locale: Locale, figures: &ClockFigures) -> String {
    if let Some(decided) = figures.decided_on {
        return locale.tf("expected.decided", &[("date", &locale.date_long(decided))]);
    }
    match (&figures.expected, figures.complete_on, figures.goal_days) {
        (Some(expected), _, _) if expected.is_estimate => locale.tf(
            "expected.estimate",
            &[("date", &locale.date_long(expected.date))],
        ),
        (Some(expected), Some(complete), Some(goal)) => {
            let paused = (expected.date - complete).num_days() - i64::from(goal);
            locale.tf(
                "expected.complete",
                &[
                    ("date", &locale.date_long(expected.date)),
                    ("complete", &locale.date_long(complete)),
                    ("goal", &locale.days(goal.into())),
                    ("paused", &locale.days(paused)),
                ],
            )
        }
        (Some(expected), _, _) => locale.tf(
            "expected.plain",
            &[("date", &locale.date_long(expected.date))],
        ),
        (None, _, _) => locale.t("expected.none").to_string(),
    }
}
