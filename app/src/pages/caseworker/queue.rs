//! The queue (`/sagsbehandling`): the authority's cases, filtered, searched, sorted and paged,
//! as a plain GET form so every view has an address that can be bookmarked and shared.

use crate::app::use_locale;
use crate::auth::current_viewer;
use crate::authorization::Viewer;
use crate::components::page_frame::{percent_encode, PageTitle};
use crate::db::authorities::{Authority, CaseType, ServiceGoal};
use crate::db::queue::{
    AssigneeFilter, GoalFilter, QueuePage, QueueQuery, QueueSort, StateFilter, PAGE_SIZE,
};
use crate::db::users::User;
use crate::domain::lifecycle::{CaseState, Phase};
use crate::domain::local_time::copenhagen_date;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::pages::caseworker::caseworker_or_login;
use crate::pages::public::not_found::ErrorPage;
use crate::state::{now_utc, AppState};
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// The form's values as they came in the address (so the form shows what was asked).
#[derive(Debug, Clone, Default)]
struct QueueForm {
    state: String,
    case_type: String,
    assignee: String,
    goal: String,
    phase: String,
    search: String,
    sort: String,
    page: i64,
}

impl QueueForm {
    fn from_query(query: &ParamsMap) -> QueueForm {
        let get = |name: &str| query.get(name).unwrap_or_default();
        QueueForm {
            state: get("status"),
            case_type: get("type"),
            assignee: get("sagsbehandler"),
            goal: get("servicemaal"),
            phase: get("fase"),
            search: get("soeg"),
            sort: get("sorter"),
            page: get("side").parse().unwrap_or(1).max(1),
        }
    }

    fn to_query(&self, authority_code: i32, me: i64) -> QueueQuery {
        QueueQuery {
            authority_code,
            state: match self.state.as_str() {
                "" | "aabne" => StateFilter::Open,
                "alle" => StateFilter::All,
                code => CaseState::parse(code).map_or(StateFilter::Open, StateFilter::One),
            },
            case_type: Some(self.case_type.clone()).filter(|t| !t.is_empty()),
            assignee: match self.assignee.as_str() {
                "mig" => AssigneeFilter::Me(me),
                "ingen" => AssigneeFilter::Unassigned,
                _ => AssigneeFilter::Anyone,
            },
            goal: match self.goal.as_str() {
                "i-fare" => GoalFilter::AtRisk,
                "overskredet" => GoalFilter::Missed,
                _ => GoalFilter::Any,
            },
            phase: Phase::ALL.into_iter().find(|p| p.as_str() == self.phase),
            search: Some(self.search.clone()).filter(|s| !s.trim().is_empty()),
            sort: if self.sort == "modtaget" {
                QueueSort::Received
            } else {
                QueueSort::Expected
            },
            page: self.page,
        }
    }

    /// The address of another page of the same view.
    fn page_href(&self, page: i64) -> String {
        let pairs = [
            ("status", &self.state),
            ("type", &self.case_type),
            ("sagsbehandler", &self.assignee),
            ("servicemaal", &self.goal),
            ("fase", &self.phase),
            ("soeg", &self.search),
            ("sorter", &self.sort),
        ];
        let mut query: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        query.push(format!("side={page}"));
        format!("/sagsbehandling?{}", query.join("&"))
    }
}

struct QueueData {
    authority: String,
    page: QueuePage,
    case_types: Vec<CaseType>,
    colleagues: Vec<User>,
    today: chrono::NaiveDate,
}

async fn load(
    viewer: Viewer,
    state: Result<AppState, AppError>,
    form: QueueForm,
) -> Result<Option<QueueData>, AppError> {
    let state = state?;
    let Some((user_id, authority_code)) = caseworker_or_login(&viewer, &state)? else {
        return Ok(None);
    };
    let mut conn = state.db.conn().await?;
    let today = copenhagen_date(now_utc());
    let goals: Vec<(String, i32)> = ServiceGoal::all(&mut conn)
        .await?
        .into_iter()
        .map(|g| (g.category, g.target_days))
        .collect();
    let page = form
        .to_query(authority_code, user_id)
        .run(&mut conn, today, &goals)
        .await?;
    let authority = Authority::find(&mut conn, authority_code)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    Ok(Some(QueueData {
        authority,
        page,
        case_types: CaseType::all(&mut conn).await?,
        colleagues: User::caseworkers_of(&mut conn, authority_code).await?,
        today,
    }))
}

/// The queue page.
#[component]
pub fn QueuePage() -> impl IntoView {
    let locale = use_locale();
    let form = QueueForm::from_query(&use_query_map().read_untracked());
    let data = load(current_viewer(), AppState::from_context(), form.clone());
    view! {
        <PageTitle locale text=locale.t("queue.title").to_string() />
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match data.await {
                    Ok(Some(data)) => view! { <QueueView locale data form /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn option(value: &str, label: String, selected: &str) -> impl IntoView {
    let is_selected = value == selected;
    view! { <option value=value.to_string() selected=is_selected>{label}</option> }
}

#[component]
fn QueueView(locale: Locale, data: QueueData, form: QueueForm) -> impl IntoView {
    let count_of = |state: &str| {
        data.page
            .state_counts
            .iter()
            .find(|(s, _)| s == state)
            .map_or(0, |(_, n)| *n)
    };
    let open_total: i64 = CaseState::ALL
        .into_iter()
        .filter(|s| s.is_open() && *s != CaseState::Draft)
        .map(|s| count_of(s.as_str()))
        .sum();
    let all_total: i64 = data.page.state_counts.iter().map(|(_, n)| n).sum();
    let state_options = CaseState::ALL
        .into_iter()
        .filter(|s| *s != CaseState::Draft)
        .map(|s| {
            let label = format!(
                "{} ({})",
                texts::state_label(locale, s),
                count_of(s.as_str())
            );
            option(s.as_str(), label, &form.state)
        })
        .collect_view();
    let type_options = data
        .case_types
        .iter()
        .map(|t| option(&t.code, t.name(locale), &form.case_type))
        .collect_view();
    let phase_options = Phase::ALL
        .into_iter()
        .filter(|p| *p != Phase::Registered)
        .map(|p| {
            option(
                p.as_str(),
                texts::phase_label(locale, p).to_string(),
                &form.phase,
            )
        })
        .collect_view();
    let names = data.colleagues.clone();
    let today = data.today;
    let now = now_utc();
    let rows = data
        .page
        .cases
        .iter()
        .map(|case| {
            let reference = case.reference.clone().unwrap_or_default();
            let assignee = case
                .assignee_user_id
                .and_then(|id| names.iter().find(|u| u.id == id))
                .map(|u| u.name.clone())
                .unwrap_or_else(|| "—".to_string());
            let expected = case.expected_decision(now).map(|e| e.date);
            let overdue = case.must_act == "authority" && expected.is_some_and(|d| d < today);
            view! {
                <tr>
                    <td><a href=format!("/sagsbehandling/sager/{reference}") class="reference">{reference.clone()}</a></td>
                    <td>{case.title.clone()} <br /><span class="muted">{case.applicant_name.clone()}</span></td>
                    <td>{texts::state_label(locale, case.case_state())}</td>
                    <td>{texts::party_label(locale, case.must_act_party())}</td>
                    <td>{assignee}</td>
                    <td>{case.submitted_at.map(|at| locale.date_short(copenhagen_date(at)))}</td>
                    <td>
                        {expected.map(|d| locale.date_short(d))}
                        {overdue.then(|| view! { " " <span class="badge badge-error">{locale.t("queue.overdue")}</span> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let pages = (data.page.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let current = form.page;
    let previous = (current > 1).then(|| form.page_href(current - 1));
    let next = (current < pages).then(|| form.page_href(current + 1));
    view! {
        <h1>{locale.tf("queue.heading", &[("authority", &data.authority)])}</h1>
        <p><a href="/sagsbehandling/statistik">{locale.t("statistics.own_link")}</a></p>
        <form method="get" action="/sagsbehandling" class="queue-filters" aria-labelledby="queue-filter-heading">
            <h2 id="queue-filter-heading" class="h4">{locale.t("queue.filter_heading")}</h2>
            <div class="filter-row">
                <div class="form-group">
                    <label class="form-label" for="soeg">{locale.t("queue.search")}</label>
                    <span class="form-hint" id="soeg-hint">{locale.t("queue.search_hint")}</span>
                    <input class="form-input" type="search" id="soeg" name="soeg" value=form.search.clone() aria-describedby="soeg-hint" />
                </div>
            </div>
            <div class="filter-row">
                <div class="form-group">
                    <label class="form-label" for="status">{locale.t("queue.state")}</label>
                    <select class="form-select" id="status" name="status">
                        {option("aabne", locale.tf("queue.open_states", &[("n", &open_total)]), &form.state)}
                        {option("alle", locale.tf("queue.all_states", &[("n", &all_total)]), &form.state)}
                        {state_options}
                    </select>
                </div>
                <div class="form-group">
                    <label class="form-label" for="fase">{locale.t("queue.phase")}</label>
                    <select class="form-select" id="fase" name="fase">
                        {option("", locale.t("queue.any").to_string(), &form.phase)}
                        {phase_options}
                    </select>
                </div>
                <div class="form-group">
                    <label class="form-label" for="type">{locale.t("queue.type")}</label>
                    <select class="form-select" id="type" name="type">
                        {option("", locale.t("queue.any").to_string(), &form.case_type)}
                        {type_options}
                    </select>
                </div>
                <div class="form-group">
                    <label class="form-label" for="sagsbehandler">{locale.t("queue.assignee")}</label>
                    <select class="form-select" id="sagsbehandler" name="sagsbehandler">
                        {option("", locale.t("queue.anyone").to_string(), &form.assignee)}
                        {option("mig", locale.t("queue.me").to_string(), &form.assignee)}
                        {option("ingen", locale.t("queue.unassigned").to_string(), &form.assignee)}
                    </select>
                </div>
                <div class="form-group">
                    <label class="form-label" for="servicemaal">{locale.t("queue.goal")}</label>
                    <select class="form-select" id="servicemaal" name="servicemaal">
                        {option("", locale.t("queue.any").to_string(), &form.goal)}
                        {option("i-fare", locale.t("queue.at_risk").to_string(), &form.goal)}
                        {option("overskredet", locale.t("queue.missed").to_string(), &form.goal)}
                    </select>
                </div>
                <div class="form-group">
                    <label class="form-label" for="sorter">{locale.t("queue.sort")}</label>
                    <select class="form-select" id="sorter" name="sorter">
                        {option("", locale.t("queue.sort_expected").to_string(), &form.sort)}
                        {option("modtaget", locale.t("queue.sort_received").to_string(), &form.sort)}
                    </select>
                </div>
            </div>
            <button type="submit" class="button button-secondary">{locale.t("queue.apply")}</button>
        </form>
        <p role="status" data-testid="queue-total">{if data.page.total == 1 { locale.t("queue.total_one").to_string() } else { locale.tf("queue.total", &[("n", &data.page.total)]) }}</p>
        <div class="table--responsive-scroll">
            <table class="table table--compact" data-testid="queue">
                <thead><tr>
                    <th scope="col">{locale.t("queue.col_reference")}</th>
                    <th scope="col">{locale.t("queue.col_case")}</th>
                    <th scope="col">{locale.t("queue.col_state")}</th>
                    <th scope="col">{locale.t("queue.col_must_act")}</th>
                    <th scope="col">{locale.t("queue.col_assignee")}</th>
                    <th scope="col">{locale.t("queue.col_received")}</th>
                    <th scope="col">{locale.t("queue.col_expected")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label=locale.t("queue.pages_label")>
                {previous.map(|href| view! { <a href=href rel="prev">{locale.t("queue.previous")}</a> })}
                " " <span>{locale.tf("queue.page_of", &[("page", &current), ("pages", &pages)])}</span> " "
                {next.map(|href| view! { <a href=href rel="next">{locale.t("queue.next")}</a> })}
            </nav>
        })}
    }
}
