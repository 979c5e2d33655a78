//! *Mine sager*: every case the logged-in applicant may see, across all authorities — for a
//! business, every case of its CVR number, so access survives staff changes.

use crate::app::{current_path, use_locale};
use crate::auth::{current_user, login_path, SessionUser};
use crate::authorization::{RunMode, Viewer};
use crate::components::page_frame::PageTitle;
use crate::db::authorities::{Authority, CaseType};
use crate::db::cases::{ApplicantFilter, Case};
use crate::db::users::User;
use crate::domain::lifecycle::CaseState;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::pages::public::not_found::redirect_to;
use crate::state::{now_utc, AppState};
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;

/// How many cases the overview shows at most.
const LIMIT: i64 = 1000;

/// One row of the overview.
struct Row {
    reference: String,
    type_name: String,
    authority: String,
    state: CaseState,
    must_act: crate::domain::lifecycle::Party,
    expected: Option<(chrono::NaiveDate, bool)>,
    is_new: bool,
}

/// What the page shows.
enum Overview {
    NotApplicant,
    /// Sent to login; nothing to render.
    Redirected,
    Cases {
        rows: Vec<Row>,
        authorities: Vec<(i32, String)>,
        drafts: Vec<(i64, String)>,
    },
}

async fn load(
    locale: Locale,
    user: Option<SessionUser>,
    state: Result<AppState, AppError>,
    state_filter: Option<String>,
    authority_filter: Option<i32>,
) -> Result<Overview, AppError> {
    let state = state?;
    let Some(user) = user else {
        redirect_to(&login_path(state.mode == RunMode::Demo, &current_path()));
        return Ok(Overview::Redirected);
    };
    let filter = match &user.viewer {
        Viewer::Citizen { subject, .. } => ApplicantFilter::Citizen(subject),
        Viewer::Business { cvr, .. } => ApplicantFilter::Business(cvr),
        _ => return Ok(Overview::NotApplicant),
    };
    let mut conn = state.db.conn().await?;
    let now = now_utc();
    let all = Case::for_applicant(&mut conn, &filter, None, None, LIMIT).await?;
    let drafts = Case::drafts_of(&mut conn, &filter).await?;
    let authority_names: HashMap<i32, String> = Authority::all(&mut conn)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let type_names: HashMap<String, CaseType> = CaseType::all(&mut conn)
        .await?
        .into_iter()
        .map(|t| (t.code.clone(), t))
        .collect();
    let ids: Vec<i64> = all.iter().map(|c| c.id).collect();
    let seen = match user.viewer.user_id() {
        Some(user_id) => User::last_seen(&mut conn, user_id, &ids).await?,
        None => HashMap::new(),
    };

    let mut authorities: Vec<(i32, String)> = all
        .iter()
        .map(|c| {
            (
                c.authority_code,
                authority_names
                    .get(&c.authority_code)
                    .cloned()
                    .unwrap_or_default(),
            )
        })
        .collect();
    authorities.sort_by(|a, b| a.1.cmp(&b.1));
    authorities.dedup();

    let rows = all
        .into_iter()
        .filter(|c| c.reference.is_some())
        .filter(|c| state_filter.as_deref().is_none_or(|s| c.state == s))
        .filter(|c| authority_filter.is_none_or(|a| c.authority_code == a))
        .map(|case| {
            let type_name = type_names
                .get(&case.case_type_code)
                .map(|t| t.name(locale))
                .unwrap_or_default();
            Row {
                is_new: seen.get(&case.id).is_none_or(|at| case.updated_at > *at),
                reference: case.reference.clone().unwrap_or_default(),
                authority: authority_names
                    .get(&case.authority_code)
                    .cloned()
                    .unwrap_or_default(),
                state: case.case_state(),
                must_act: case.must_act_party(),
                expected: case.expected_decision(now).map(|e| (e.date, e.is_estimate)),
                type_name,
            }
        })
        .collect();
    let drafts = drafts
        .into_iter()
        .map(|d| {
            let name = type_names
                .get(&d.case_type_code)
                .map(|t| t.name(locale))
                .unwrap_or_default();
            let title = if d.title.trim().is_empty() {
                locale.t("application.untitled").to_string()
            } else {
                d.title.clone()
            };
            (d.id, format!("{title} — {name}"))
        })
        .collect();
    Ok(Overview::Cases {
        rows,
        authorities,
        drafts,
    })
}

/// The *Mine sager* page.
#[component]
pub fn MyCasesPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map().read_untracked();
    let state_filter = query
        .get("status")
        .filter(|s| CaseState::parse(s).is_some());
    let authority_filter = query.get("myndighed").and_then(|a| a.parse::<i32>().ok());
    let user = current_user();
    let intro = match user.as_ref().map(|u| &u.viewer) {
        Some(Viewer::Business { cvr, .. }) => locale.tf(
            "my_cases.intro_business",
            &[
                (
                    "organisation",
                    &user
                        .as_ref()
                        .and_then(|u| u.organisation.clone())
                        .unwrap_or_default(),
                ),
                ("cvr", cvr),
            ],
        ),
        _ => locale.t("my_cases.intro_citizen").to_string(),
    };
    let overview = load(
        locale,
        user,
        AppState::from_context(),
        state_filter.clone(),
        authority_filter,
    );
    view! {
        <PageTitle locale text=locale.t("my_cases.title").to_string() />
        <h1>{locale.t("my_cases.title")}</h1>
        <p class="downloads">
            {locale.t("my_cases.download")} " "
            <a href="/mine-sager.csv" download="mine-sager.csv">{locale.t("my_cases.download_csv")}</a>
            " · "
            <a href="/mine-sager.json">{locale.t("my_cases.download_json")}</a>
        </p>
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match overview.await {
                    Ok(Overview::Cases { rows, authorities, drafts }) => {
                        let drafts_view = (!drafts.is_empty()).then(|| {
                            let items = drafts
                                .into_iter()
                                .map(|(id, label)| view! { <li><a href=format!("/ansoegning/{id}")>{label}</a></li> })
                                .collect_view();
                            view! {
                                <section class="case-section" aria-labelledby="drafts-heading">
                                    <h2 id="drafts-heading" class="h3">{locale.t("application.drafts")}</h2>
                                    <ul data-testid="drafts">{items}</ul>
                                </section>
                            }
                        });
                        view! {
                            <p class="font-lead">{intro}</p>
                            <p><a class="button button-primary" href="/ansoegning/ny">{locale.t("application.new_link")}</a></p>
                            {drafts_view}
                            <Filters locale authorities state_filter authority_filter />
                            <CaseTable locale rows />
                        }
                            .into_any()
                    }
                    Ok(Overview::Redirected) => ().into_any(),
                    Ok(Overview::NotApplicant) => view! { <p>{locale.t("my_cases.caseworker")}</p> }.into_any(),
                    Err(error) => view! { <crate::pages::public::not_found::ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filter form (a GET form: filtering changes nothing).
#[component]
fn Filters(
    locale: Locale,
    authorities: Vec<(i32, String)>,
    state_filter: Option<String>,
    authority_filter: Option<i32>,
) -> impl IntoView {
    let states = CaseState::ALL
        .into_iter()
        .filter(|s| *s != CaseState::Draft)
        .map(|s| {
            let selected = state_filter.as_deref() == Some(s.as_str());
            view! { <option value=s.as_str() selected=selected>{texts::state_label(locale, s)}</option> }
        })
        .collect_view();
    let authority_options = authorities
        .into_iter()
        .map(|(code, name)| {
            let selected = authority_filter == Some(code);
            view! { <option value=code.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/mine-sager" class="case-filters" aria-labelledby="filter-heading">
            <h2 id="filter-heading" class="h4">{locale.t("my_cases.filter_heading")}</h2>
            <div class="filter-row">
                <div class="form-group">
                    <label class="form-label" for="status">{locale.t("my_cases.filter_state")}</label>
                    <select class="form-select" id="status" name="status">
                        <option value="">{locale.t("my_cases.filter_all")}</option>
                        {states}
                    </select>
                </div>
                <div class="form-group">
                    <label class="form-label" for="myndighed">{locale.t("my_cases.filter_authority")}</label>
                    <select class="form-select" id="myndighed" name="myndighed">
                        <option value="">{locale.t("my_cases.filter_all")}</option>
                        {authority_options}
                    </select>
                </div>
            </div>
            <button type="submit" class="button button-secondary">{locale.t("my_cases.filter_button")}</button>
        </form>
    }
}

/// The overview table.
#[component]
fn CaseTable(locale: Locale, rows: Vec<Row>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p data-testid="no-cases">{locale.t("my_cases.none")}</p> }.into_any();
    }
    let count = locale.tf("my_cases.count", &[("n", &rows.len())]);
    let body = rows
        .into_iter()
        .map(|row| {
            let expected = match row.expected {
                Some((date, true)) => locale.tf("my_cases.expected_estimate", &[("date", &locale.date_short(date))]),
                Some((date, false)) => locale.date_short(date),
                None => "—".to_string(),
            };
            view! {
                <tr>
                    <td>
                        <a href=format!("/sager/{}", row.reference) class="reference">{row.reference.clone()}</a>
                        {row.is_new.then(|| view! {
                            <span class="badge badge-info new-marker" title=locale.t("my_cases.new_explained")>
                                {locale.t("my_cases.new")}
                                <span class="sr-only">": " {locale.t("my_cases.new_explained")}</span>
                            </span>
                        })}
                    </td>
                    <td>{row.type_name}</td>
                    <td>{row.authority}</td>
                    <td>{texts::state_label(locale, row.state)}</td>
                    <td>{texts::party_label(locale, row.must_act)}</td>
                    <td>{expected}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p role="status">{count}</p>
        <div class="table--responsive-scroll">
            <table class="table table--compact" data-testid="my-cases">
                <thead>
                    <tr>
                        <th scope="col">{locale.t("my_cases.col_reference")}</th>
                        <th scope="col">{locale.t("my_cases.col_type")}</th>
                        <th scope="col">{locale.t("my_cases.col_authority")}</th>
                        <th scope="col">{locale.t("my_cases.col_state")}</th>
                        <th scope="col">{locale.t("my_cases.col_must_act")}</th>
                        <th scope="col">{locale.t("my_cases.col_expected")}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}
