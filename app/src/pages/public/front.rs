//! The front page: what Sagsspor is, and finding a case by its reference.

use crate::authorization::{may_view_case, RunMode, Viewer};
use crate::db::cases::Case;
use crate::domain::lifecycle::CaseState;
use crate::domain::reference::CaseReference;
use crate::error::AppError;
use crate::pages::public::not_found::{redirect_to, set_not_found_status};
use crate::state::AppState;
use crate::texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What looking up a typed reference came to.
enum Lookup {
    Nothing,
    Unreadable(&'static str),
    NotFound,
}

/// Looks the typed reference up; redirects to the case when it is one the visitor may see.
async fn lookup(state: Result<AppState, AppError>, typed: String) -> Result<Lookup, AppError> {
    if typed.trim().is_empty() {
        return Ok(Lookup::Nothing);
    }
    let reference = match CaseReference::parse(&typed) {
        Ok(reference) => reference,
        Err(error) => return Ok(Lookup::Unreadable(texts::reference_error(&error))),
    };
    let state = state?;
    let mut conn = state.db.conn().await?;
    match Case::find_by_reference(&mut conn, &reference).await? {
        Some(case) if may_view_case(state.mode, &Viewer::Anonymous, &case) => {
            redirect_to(&format!("/sager/{reference}"));
            Ok(Lookup::Nothing)
        }
        _ => Ok(Lookup::NotFound),
    }
}

/// A few demo cases, one per state, so a demo visitor has references to try.
async fn demo_examples(state: Result<AppState, AppError>) -> Vec<(String, CaseState)> {
    let Ok(state) = state else { return Vec::new() };
    if state.mode != RunMode::Demo {
        return Vec::new();
    }
    let Ok(mut conn) = state.db.conn().await else {
        return Vec::new();
    };
    let latest = Case::latest_submitted(&mut conn, 200)
        .await
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    latest
        .into_iter()
        .filter(|case| seen.insert(case.state.clone()))
        .filter_map(|case| Some((case.reference.clone()?, case.case_state())))
        .collect()
}

/// The front page.
#[component]
pub fn FrontPage() -> impl IntoView {
    let typed = use_query_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let state = AppState::from_context();
    let value = typed.clone();
    let examples = demo_examples(state.clone());
    let outcome = lookup(state, typed);
    view! {
        <Title text="Sagsspor — følg din sag" />
        <h1>"Følg din sag hos kommunen"</h1>
        <p class="lead">
            "Sagsspor viser, hvor din byggesag eller miljøsag står: om den er modtaget og registreret, "
            "hvem der har bolden, hvornår du kan forvente et svar — og hvor mange dage sagen har "
            "ligget hos myndigheden og hvor mange hos dig."
        </p>
        <section aria-labelledby="find-heading" class="panel">
            <h2 id="find-heading">"Find en sag"</h2>
            <Suspense fallback=|| ()>
                {
                    Suspend::new(async move {
                        let (error, not_found) = match outcome.await {
                            Ok(Lookup::Unreadable(message)) => (Some(message.to_string()), false),
                            Ok(Lookup::NotFound) => (None, true),
                            Ok(Lookup::Nothing) => (None, false),
                            Err(_) => (Some("Sagen kunne ikke slås op lige nu. Prøv igen om lidt.".to_string()), false),
                        };
                        if not_found {
                            set_not_found_status();
                        }
                        view! { <FindCaseForm value error not_found /> }
                    })
                }
            </Suspense>
        </section>
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let examples = examples.await;
                (!examples.is_empty())
                    .then(|| {
                        view! {
                            <section class="panel" aria-labelledby="demo-heading">
                                <h2 id="demo-heading">"Demo-sager du kan slå op"</h2>
                                <table class="table" data-testid="demo-cases">
                                    <thead>
                                        <tr><th scope="col">"Reference"</th><th scope="col">"Status"</th></tr>
                                    </thead>
                                    <tbody>
                                        {examples
                                            .into_iter()
                                            .map(|(reference, state)| {
                                                view! {
                                                    <tr>
                                                        <td><a href=format!("/sager/{reference}")>{reference.clone()}</a></td>
                                                        <td>{texts::state_label(state)}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// The reference form; shows the typed value again with the error next to the field.
#[component]
fn FindCaseForm(value: String, error: Option<String>, not_found: bool) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <form method="get" action="/" class="find-case" novalidate>
            <div class=if has_error { "form-group form-error" } else { "form-group" }>
                <label for="reference">"Sagens reference"</label>
                <span class="form-hint" id="reference-hint">"Fx 101-2026-000123-8. Mellemrum og bindestreger er ligegyldige."</span>
                {error
                    .map(|message| {
                        view! {
                            <span class="form-error-message" id="reference-error">
                                <span class="sr-only">"Fejl: "</span>
                                {message}
                            </span>
                        }
                    })}
                <input
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
            <button type="submit" class="button button-primary">"Find sagen"</button>
        </form>
        {not_found
            .then(|| {
                view! {
                    <div class="alert alert-info" role="status">
                        <p>
                            "Vi kan ikke vise en sag med den reference. Tjek referencen i din kvittering, "
                            "eller log ind for at se dine sager."
                        </p>
                    </div>
                }
            })}
    }
}
