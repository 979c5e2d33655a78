//! The authority's own statistics (`/sagsbehandling/statistik`): the public figures for the
//! caseworker's authority across its application types, plus what only the authority sees — its
//! open cases at risk of missing the service goal, and how often applicants looked their case up
//! themselves this month.

use crate::app::use_locale;
use crate::auth::current_viewer;
use crate::authorization::Viewer;
use crate::components::page_frame::PageTitle;
use crate::components::statistics::StatisticsFigures;
use crate::db::authorities::{Authority, ServiceGoal};
use crate::db::queue::{AssigneeFilter, GoalFilter, QueueQuery, QueueSort, StateFilter};
use crate::db::statistics::status_lookups_in;
use crate::domain::local_time::copenhagen_date;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::pages::caseworker::caseworker_or_login;
use crate::pages::public::not_found::ErrorPage;
use crate::services::statistics::{self, Comparison, Statistics};
use crate::state::{now_utc, AppState};
use chrono::TimeDelta;
use leptos::prelude::*;

struct OwnStatistics {
    authority: String,
    figures: Statistics,
    at_risk: i64,
    lookups_this_month: i64,
}

async fn load(viewer: Viewer, locale: Locale) -> Result<Option<OwnStatistics>, AppError> {
    let state = AppState::from_context()?;
    let Some((_, authority_code)) = caseworker_or_login(&viewer, &state)? else {
        return Ok(None);
    };
    let mut conn = state.db.conn().await?;
    let now = now_utc();
    let today = copenhagen_date(now);
    let comparison = Comparison::TypesAtAuthority(authority_code);
    let figures = statistics::compute(
        &mut conn,
        &comparison,
        today - TimeDelta::days(364),
        today,
        locale,
    )
    .await?;
    let goals: Vec<(String, i32)> = ServiceGoal::all(&mut conn)
        .await?
        .into_iter()
        .map(|g| (g.category, g.target_days))
        .collect();
    // The queue's own "at risk" filter, so the number matches what the queue lists.
    let at_risk = QueueQuery {
        authority_code,
        state: StateFilter::Open,
        case_type: None,
        assignee: AssigneeFilter::Anyone,
        goal: GoalFilter::AtRisk,
        phase: None,
        search: None,
        sort: QueueSort::Expected,
        page: 1,
    }
    .run(&mut conn, today, &goals)
    .await?
    .total;
    let month = today.format("%Y-%m").to_string();
    let lookups_this_month = status_lookups_in(&mut conn, authority_code, &month).await?;
    let authority = Authority::find(&mut conn, authority_code)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    Ok(Some(OwnStatistics {
        authority,
        figures,
        at_risk,
        lookups_this_month,
    }))
}

/// The caseworker's statistics page.
#[component]
pub fn CaseworkerStatisticsPage() -> impl IntoView {
    let locale = use_locale();
    let found = load(current_viewer(), locale);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match found.await {
                    Ok(Some(own)) => view! {
                        <PageTitle locale text=locale.t("statistics.own_title").to_string() />
                        <p class="case-kicker"><a href="/sagsbehandling">{locale.t("caseworker.back_to_queue")}</a></p>
                        <h1>{locale.tf("statistics.own_heading", &[("authority", &own.authority)])}</h1>
                        <dl class="case-facts" data-testid="own-figures">
                            <div>
                                <dt>{locale.t("statistics.at_risk")}</dt>
                                <dd data-testid="at-risk"><a href="/sagsbehandling?servicemaal=i-fare">{own.at_risk}</a></dd>
                            </div>
                            <div>
                                <dt>{locale.t("statistics.lookups")}</dt>
                                <dd data-testid="lookups">{own.lookups_this_month}</dd>
                            </div>
                        </dl>
                        <p>{locale.t("statistics.lookups_explained")}</p>
                        <p>{locale.tf("statistics.period", &[("from", &locale.date_long(own.figures.from)), ("to", &locale.date_long(own.figures.to))])}</p>
                        <StatisticsFigures locale statistics=own.figures group_heading=locale.t("statistics.heading_types").to_string() />
                    }
                    .into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
