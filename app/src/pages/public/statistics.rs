//! Public statistics (`/statistik`): processing times per authority and application type for a
//! period — whose days a long case spent, the authority's or the applicant's, in aggregate. The
//! same figures download as CSV and JSON (`/statistik/data.csv`, `/statistik/data.json`).

use crate::app::use_locale;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_frame::PageTitle;
use crate::components::statistics::StatisticsFigures;
use crate::db::authorities::{Authority, CaseType};
use crate::domain::local_time::copenhagen_date;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::pages::public::not_found::{set_status, ErrorPage};
use crate::services::statistics::{self, Comparison, Statistics, StatisticsQuery, LICENCE};
use crate::state::{now_utc, AppState};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the page shows.
struct StatisticsPage {
    query: StatisticsQuery,
    authorities: Vec<Authority>,
    types: Vec<CaseType>,
    outcome: Result<(Comparison, Statistics), (String, String)>,
}

async fn load(query: StatisticsQuery, locale: Locale) -> Result<StatisticsPage, AppError> {
    let state = AppState::from_context()?;
    let mut conn = state.db.conn().await?;
    let authorities = Authority::all(&mut conn).await?;
    let types = CaseType::all(&mut conn).await?;
    let outcome = match query.resolve(copenhagen_date(now_utc())) {
        Ok((comparison, from, to)) => {
            let figures = statistics::compute(&mut conn, &comparison, from, to, locale).await?;
            Ok((comparison, figures))
        }
        Err(problem) => {
            set_status(http::StatusCode::UNPROCESSABLE_ENTITY);
            Err((problem.field.to_string(), locale.t_owned(problem.code)))
        }
    };
    Ok(StatisticsPage {
        query,
        authorities,
        types,
        outcome,
    })
}

/// The public statistics page.
#[component]
pub fn StatisticsPublicPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map().read_untracked();
    let query = StatisticsQuery {
        fra: params.get("fra"),
        til: params.get("til"),
        case_type: params.get("type"),
        myndighed: params.get("myndighed"),
    };
    let found = load(query, locale);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match found.await {
                    Ok(page) => view! { <StatisticsBody locale page /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatisticsBody(locale: Locale, page: StatisticsPage) -> impl IntoView {
    let StatisticsPage {
        query,
        authorities,
        types,
        outcome,
    } = page;
    let chosen_type = query.case_type.clone().unwrap_or_default();
    let chosen_authority = query.myndighed.clone().unwrap_or_default();
    let (from_value, to_value) = match &outcome {
        Ok((_, s)) => (s.from.to_string(), s.to.to_string()),
        Err(_) => (
            query.fra.clone().unwrap_or_default(),
            query.til.clone().unwrap_or_default(),
        ),
    };
    let type_options = types
        .iter()
        .map(|t| {
            let selected = t.code == chosen_type
                || (chosen_type.is_empty() && t.code == statistics::DEFAULT_CASE_TYPE);
            view! { <option value=t.code.clone() selected=selected>{t.name(locale)}</option> }
        })
        .collect_view();
    let authority_options = authorities
        .iter()
        .map(|a| {
            let selected = a.code.to_string() == chosen_authority;
            view! { <option value=a.code.to_string() selected=selected>{format!("{} ({})", a.name, a.code)}</option> }
        })
        .collect_view();
    let errors: Vec<(String, String)> = outcome
        .as_ref()
        .err()
        .map(|(field, message)| vec![(format!("statistik-{field}"), message.clone())])
        .unwrap_or_default();
    let body = outcome.ok().map(|(comparison, figures)| {
        let (heading, compared) = match &comparison {
            Comparison::AuthoritiesOnType(code) => (
                locale.t("statistics.heading_authorities").to_string(),
                types.iter().find(|t| &t.code == code).map(|t| t.name(locale)).unwrap_or_else(|| code.clone()),
            ),
            Comparison::TypesAtAuthority(code) => (
                locale.t("statistics.heading_types").to_string(),
                authorities.iter().find(|a| a.code == *code).map(|a| a.name.clone()).unwrap_or_else(|| code.to_string()),
            ),
        };
        let filters = StatisticsQuery::query_string(&comparison, figures.from, figures.to);
        let period = locale.tf(
            "statistics.period",
            &[("from", &locale.date_long(figures.from)), ("to", &locale.date_long(figures.to))],
        );
        view! {
            <p class="font-lead" data-testid="statistics-scope">{compared} " — " {period}</p>
            <StatisticsFigures locale statistics=figures group_heading=heading />
            <h2>{locale.t("statistics.download_heading")}</h2>
            <ul>
                <li><a href=format!("/statistik/data.csv?{filters}")>{locale.t("statistics.download_csv")}</a></li>
                <li><a href=format!("/statistik/data.json?{filters}")>{locale.t("statistics.download_json")}</a></li>
            </ul>
            <p class="licence">{locale.t("statistics.licence")} " " {LICENCE}</p>
        }
    });
    view! {
        <PageTitle locale text=locale.t("statistics.title").to_string() />
        <h1>{locale.t("statistics.title")}</h1>
        <p class="font-lead">{locale.t("statistics.intro")}</p>
        <ErrorSummary locale errors=errors />
        <form method="get" action="/statistik" class="statistics-filter">
            <div class="form-group">
                <label class="form-label" for="statistik-type">{locale.t("statistics.filter_type")}</label>
                <select class="form-select" id="statistik-type" name="type">{type_options}</select>
            </div>
            <div class="form-group">
                <label class="form-label" for="statistik-myndighed">{locale.t("statistics.filter_authority")}</label>
                <span class="form-hint" id="statistik-myndighed-hint">{locale.t("statistics.filter_authority_hint")}</span>
                <select class="form-select" id="statistik-myndighed" name="myndighed" aria-describedby="statistik-myndighed-hint">
                    <option value="">{locale.t("statistics.all_authorities")}</option>
                    {authority_options}
                </select>
            </div>
            <div class="form-group">
                <label class="form-label" for="statistik-fra">{locale.t("statistics.filter_from")}</label>
                <input class="form-input input-width-s" type="date" id="statistik-fra" name="fra" value=from_value />
            </div>
            <div class="form-group">
                <label class="form-label" for="statistik-til">{locale.t("statistics.filter_to")}</label>
                <input class="form-input input-width-s" type="date" id="statistik-til" name="til" value=to_value />
            </div>
            <button type="submit" class="button button-secondary">{locale.t("statistics.show")}</button>
        </form>
        {body}
    }
}
