//! The case folder (`/sager/{reference}`): where the case stands, who must act, the clock and
//! the history.

use crate::authorization::{may_view_case, Viewer};
use crate::components::progress_steps::ProgressSteps;
use crate::components::responsibility_bar::ResponsibilityBar;
use crate::components::timeline::Timeline;
use crate::domain::clock::ClockFigures;
use crate::domain::reference::CaseReference;
use crate::error::AppError;
use crate::pages::public::not_found::set_not_found_status;
use crate::services::case_view::CaseFolder;
use crate::state::{now_utc, AppState};
use crate::texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// What the page found for the address.
enum Found {
    Folder(Box<CaseFolder>),
    Unreadable(&'static str),
    Missing,
}

async fn load(state: Result<AppState, AppError>, raw: String) -> Result<Found, AppError> {
    let reference = match CaseReference::parse(&raw) {
        Ok(reference) => reference,
        Err(error) => return Ok(Found::Unreadable(texts::reference_error(&error))),
    };
    let state = state?;
    let mut conn = state.db.conn().await?;
    match CaseFolder::load(&mut conn, &reference, now_utc()).await? {
        // A case the viewer may not see answers exactly like one that does not exist.
        Some(folder) if may_view_case(state.mode, &Viewer::Anonymous, &folder.case) => {
            Ok(Found::Folder(Box::new(folder)))
        }
        _ => Ok(Found::Missing),
    }
}

/// The case folder page.
#[component]
pub fn CaseFolderPage() -> impl IntoView {
    let raw = use_params_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let state = AppState::from_context();
    let found = load(state, raw);
    view! {
        <Suspense fallback=|| view! { <p>"Henter sagen …"</p> }>
            {Suspend::new(async move {
                match found.await {
                    Ok(Found::Folder(folder)) => view! { <FolderView folder=*folder /> }.into_any(),
                    Ok(Found::Unreadable(message)) => {
                        set_not_found_status();
                        view! {
                            <Title text="Ukendt reference — Sagsspor" />
                            <h1>"Referencen kan ikke læses"</h1>
                            <p class="alert alert-error">{message}</p>
                            <p><a href="/">"Slå en anden reference op"</a></p>
                        }
                            .into_any()
                    }
                    Ok(Found::Missing) | Err(AppError::NotFound) => {
                        set_not_found_status();
                        view! {
                            <Title text="Sagen findes ikke — Sagsspor" />
                            <h1>"Sagen findes ikke"</h1>
                            <p>"Vi kan ikke vise en sag med den reference."</p>
                            <p><a href="/">"Slå en anden reference op"</a></p>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response
                                .set_status(
                                    http::StatusCode::from_u16(error.status())
                                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                                );
                        }
                        view! {
                            <h1>"Sagen kan ikke vises lige nu"</h1>
                            <p>"Prøv igen om lidt."</p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The folder of one case.
#[component]
fn FolderView(folder: CaseFolder) -> impl IntoView {
    let case = &folder.case;
    let lifecycle = case.lifecycle();
    let reference = case.reference.clone().unwrap_or_default();
    let figures = folder.figures.clone();
    let title = format!("{} — {} — Sagsspor", reference, case.title);
    let timeline: Vec<_> = folder.visible_timeline().cloned().collect();
    view! {
        <Title text=title />
        <p class="case-kicker">{folder.authority.name.clone()} " · " {folder.case_type.name_da.clone()}</p>
        <h1>{case.title.clone()}</h1>
        <dl class="case-facts">
            <div><dt>"Reference"</dt><dd class="reference" data-testid="reference">{reference.clone()}</dd></div>
            <div><dt>"Status"</dt><dd data-testid="state">{texts::state_label(lifecycle.state)}</dd></div>
            <div><dt>"Hvem har bolden"</dt><dd data-testid="must-act">{texts::party_label(case.must_act_party())}</dd></div>
            <div><dt>"Adresse"</dt><dd>{case.property_address.clone()}</dd></div>
            {case.esdh_number.clone().map(|n| view! { <div><dt>"Myndighedens sagsnummer"</dt><dd>{n}</dd></div> })}
        </dl>
        <p class="must-act">{texts::must_act_sentence(case.must_act_party())}</p>
        <ProgressSteps lifecycle />
        <ClockSection figures />
        <Timeline events=timeline />
    }
}

/// The responsibility bar, the expected date and the service-goal status.
#[component]
fn ClockSection(figures: ClockFigures) -> impl IntoView {
    let expected = expected_sentence(&figures);
    let status = texts::goal_status_label(&figures.status);
    let goal_line = match (figures.goal_days, figures.goal_days_used) {
        (Some(goal), Some(used)) => Some(format!(
            "Servicemålet er {} fra sagen blev fuldt oplyst; brugt indtil nu: {}.",
            texts::days(goal.into()),
            texts::days(used)
        )),
        _ => None,
    };
    view! {
        <section class="panel clock" aria-labelledby="clock-heading">
            <h2 id="clock-heading">"Tid og forventet svar"</h2>
            <ResponsibilityBar
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
fn expected_sentence(figures: &ClockFigures) -> String {
    if let Some(decided) = figures.decided_on {
        return format!(
            "Der blev truffet afgørelse den {}.",
            texts::date_long(decided)
        );
    }
    match (&figures.expected, figures.complete_on, figures.goal_days) {
        (Some(expected), _, _) if expected.is_estimate => format!(
            "Forventet afgørelse omkring {} — et skøn ud fra myndighedens seneste sager af samme type, \
             indtil sagen er fuldt oplyst.",
            texts::date_long(expected.date)
        ),
        (Some(expected), Some(complete), Some(goal)) => {
            let waited = (expected.date - complete).num_days() - i64::from(goal);
            format!(
                "Forventet afgørelse senest {}: sagen blev fuldt oplyst den {}, servicemålet er {}, \
                 og uret har siden stået stille i {} (dage hos ansøger tæller ikke med).",
                texts::date_long(expected.date),
                texts::date_long(complete),
                texts::days(goal.into()),
                texts::days(waited)
            )
        }
        (Some(expected), _, _) => format!("Forventet afgørelse {}.", texts::date_long(expected.date)),
        (None, _, _) => "Der kan ikke beregnes en forventet dato for afgørelsen endnu.".to_string(),
    }
}
