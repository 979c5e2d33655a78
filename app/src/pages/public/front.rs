//! The front page: what Sagsspor is, and finding a case by its reference.

use crate::app::use_locale;
use crate::auth::current_viewer;
use crate::authorization::{may_view_case, RunMode, Viewer};
use crate::components::page_frame::PageTitle;
use crate::db::cases::Case;
use crate::domain::lifecycle::CaseState;
use crate::domain::reference::CaseReference;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::pages::public::not_found::{redirect_to, set_not_found_status};
use crate::state::AppState;
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What looking up a typed reference came to.
enum Lookup {
    Nothing,
    Unreadable(&'static str),
    NotFound,
}

/// Looks the typed reference up; redirects to the case when it is one the visitor may see.
async fn lookup(
    locale: Locale,
    viewer: Viewer,
    state: Result<AppState, AppError>,
    typed: String,
) -> Result<Lookup, AppError> {
    if typed.trim().is_empty() {
        return Ok(Lookup::Nothing);
    }
    let reference = match CaseReference::parse(&typed) {
        Ok(reference) => reference,
        Err(error) => return Ok(Lookup::Unreadable(texts::reference_error(locale, &error))),
    };
    // Someone not logged in goes to the case's address (and from there through login) whether
    // or not the case exists, so a lookup reveals nothing about other people's references.
    if !viewer.is_logged_in() {
        redirect_to(&format!("/sager/{reference}"));
        return Ok(Lookup::Nothing);
    }
    let state = state?;
    let mut conn = state.db.conn().await?;
    match Case::find_by_reference(&mut conn, &reference).await? {
        Some(case) if may_view_case(&viewer, &case) => {
            redirect_to(&format!("/sager/{reference}"));
            Ok(Lookup::Nothing)
        }
        _ => Ok(Lookup::NotFound),
    }
}

/// A demo case to try: reference, state and applicant.
struct DemoExample {
    reference: String,
    state: CaseState,
    applicant: String,
}

/// A few demo cases, one per state, so a demo visitor has references to try: the visitor's
/// own when logged in, otherwise anyone's with the applicant named (to know whom to log in as).
async fn demo_examples(viewer: Viewer, state: Result<AppState, AppError>) -> Vec<DemoExample> {
    let Ok(state) = state else { return Vec::new() };
    if state.mode != RunMode::Demo {
        return Vec::new();
    }
    let Ok(mut conn) = state.db.conn().await else {
        return Vec::new();
    };
    let latest = Case::latest_submitted(&mut conn, 400)
        .await
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    latest
        .into_iter()
        .filter(|case| !viewer.is_logged_in() || may_view_case(&viewer, case))
        .filter(|case| seen.insert(case.state.clone()))
        .filter_map(|case| {
            Some(DemoExample {
                reference: case.reference.clone()?,
                state: case.case_state(),
                applicant: case.applicant_name.clone(),
            })
        })
        .collect()
}

/// The front page.
#[component]
pub fn FrontPage() -> impl IntoView {
    let locale = use_locale();
    let typed = use_query_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let state = AppState::from_context();
    let value = typed.clone();
    let examples = demo_examples(current_viewer(), state.clone());
    let outcome = lookup(locale, current_viewer(), state, typed);
    view! {
        <PageTitle locale text=locale.t("front.title").to_string() />
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let (error, not_found) = match outcome.await {
                    Ok(Lookup::Unreadable(message)) => (Some(message.to_string()), false),
                    Ok(Lookup::NotFound) => (None, true),
                    Ok(Lookup::Nothing) => (None, false),
                    Err(_) => (Some(locale.t("front.lookup_failed").to_string()), false),
                };
                if not_found {
                    set_not_found_status();
                }
                view! {
                    {error.clone().map(|message| view! { <ErrorSummary locale field="reference" message /> })}
                    <h1>{locale.t("front.heading")}</h1>
                    <p class="font-lead">{locale.t("front.lead")}</p>
                    <section aria-labelledby="find-heading" class="case-section">
                        <h2 id="find-heading">{locale.t("front.find_heading")}</h2>
                        <FindCaseForm locale value error not_found />
                    </section>
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let examples = examples.await;
                (!examples.is_empty()).then(|| view! { <DemoExamples locale examples /> })
            })}
        </Suspense>
    }
}

/// The error summary at the top of a form: each problem links to its field.
#[component]
pub fn ErrorSummary(locale: Locale, field: &'static str, message: String) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert" aria-labelledby="error-summary-heading">
            <div class="alert-body">
                <h2 class="alert-heading" id="error-summary-heading">{locale.t("error_summary.heading")}</h2>
                <ul class="alert-text nobullet-list">
                    <li><a class="function-link" href=format!("#{field}")>{message}</a></li>
                </ul>
            </div>
        </div>
    }
}

/// The reference form; shows the typed value again with the error next to the field.
#[component]
fn FindCaseForm(
    locale: Locale,
    value: String,
    error: Option<String>,
    not_found: bool,
) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <form method="get" action="/" class="find-case" novalidate>
            <div class=if has_error { "form-group form-error" } else { "form-group" }>
                <label class="form-label" for="reference">{locale.t("front.reference_label")}</label>
                <span class="form-hint" id="reference-hint">{locale.t("front.reference_hint")}</span>
                {error
                    .map(|message| {
                        view! {
                            <span class="form-error-message" id="reference-error">
                                <span class="sr-only">{locale.t("error.prefix")} " "</span>
                                {message}
                            </span>
                        }
                    })}
                <input
                    class="form-input"
                    type="text"
                    id="reference"
                    name="reference"
                    inputmode="numeric"
                    autocomplete="off"
                    value=value
                    aria-describedby=if has_error { "reference-hint reference-error" } else { "reference-hint" }
                    aria-invalid=if has_error { "true" } else { "false" }
                />
            </div>
            <button type="submit" class="button button-primary">{locale.t("front.find_button")}</button>
        </form>
        {not_found
            .then(|| {
                view! {
                    <div class="alert alert-info mt-5" role="status">
                        <div class="alert-body">
                            <p class="alert-text">{locale.t("front.not_found")}</p>
                        </div>
                    </div>
                }
            })}
    }
}

/// The demo's example cases.
#[component]
fn DemoExamples(locale: Locale, examples: Vec<DemoExample>) -> impl IntoView {
    let rows = examples
        .into_iter()
        .map(|example| {
            view! {
                <tr>
                    <td><a href=format!("/sager/{}", example.reference)>{example.reference.clone()}</a></td>
                    <td>{texts::state_label(locale, example.state)}</td>
                    <td>{example.applicant}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="case-section" aria-labelledby="demo-heading">
            <h2 id="demo-heading">{locale.t("front.demo_heading")}</h2>
            <div class="table--responsive-scroll">
            <table class="table table--compact" data-testid="demo-cases">
                <thead>
                    <tr>
                        <th scope="col">{locale.t("front.col_reference")}</th>
                        <th scope="col">{locale.t("front.col_state")}</th>
                        <th scope="col">{locale.t("front.col_applicant")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
        </section>
    }
}
