//! The statistics as the public page and the caseworker's page show them: key figures, a bar
//! chart per group with its table, the reasons cases fall outside the service goal, and the trend
//! per month — charts drawn on the server as SVG, each followed by a table of the same figures.

use crate::i18n::Locale;
use crate::services::statistics::{GroupFigures, MonthFigures, Spread, Statistics};
use leptos::prelude::*;

fn days(locale: Locale, spread: Option<Spread>) -> String {
    spread
        .map(|s| format!("{} / {}", s.median, s.p90))
        .unwrap_or_else(|| locale.t("statistics.none").to_string())
}

fn percent(locale: Locale, share: Option<f64>) -> String {
    share
        .map(|s| {
            let text = format!("{:.0} %", s * 100.0);
            match locale {
                Locale::Da => text,
                Locale::En => text.replace(" %", "%"),
            }
        })
        .unwrap_or_else(|| locale.t("statistics.none").to_string())
}

/// A reason code as words.
fn reason_label(locale: Locale, code: &str) -> String {
    match code {
        "no_national_goal" => locale.t("statistics.reason.no_national_goal").to_string(),
        "decided_before_complete" => locale
            .t("statistics.reason.decided_before_complete")
            .to_string(),
        "withdrawn" => locale.t("statistics.reason.withdrawn").to_string(),
        other => other.strip_prefix("marked:").unwrap_or(other).to_string(),
    }
}

const CHART_WIDTH: i32 = 640;
const LABEL_WIDTH: i32 = 220;
const ROW_HEIGHT: i32 = 22;

/// Median days with the authority and with the applicant per group, as stacked bars.
#[component]
fn GroupChart(locale: Locale, groups: Vec<GroupFigures>) -> impl IntoView {
    let with_days: Vec<&GroupFigures> = groups
        .iter()
        .filter(|g| g.authority_days.is_some())
        .collect();
    let largest = with_days
        .iter()
        .map(|g| {
            g.authority_days.map_or(0, |s| s.median) + g.applicant_days.map_or(0, |s| s.median)
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: i32| (n * (CHART_WIDTH - LABEL_WIDTH - 60)) / largest;
    let height = ROW_HEIGHT * i32::try_from(with_days.len()).unwrap_or(0) + 30;
    let bars = with_days
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let y = 24 + ROW_HEIGHT * i32::try_from(i).unwrap_or(0);
            let authority = g.authority_days.map_or(0, |s| s.median);
            let applicant = g.applicant_days.map_or(0, |s| s.median);
            let name: String = g.name.chars().take(32).collect();
            view! {
                <g>
                    <text x="0" y=y + 14 class="chart-label">{name}</text>
                    <rect x=LABEL_WIDTH y=y + 3 width=scale(authority) height="14" class="bar-authority" />
                    <rect x=LABEL_WIDTH + scale(authority) y=y + 3 width=scale(applicant) height="14" class="bar-applicant" />
                    <text x=LABEL_WIDTH + scale(authority + applicant) + 6 y=y + 14 class="chart-value">{format!("{authority} + {applicant}")}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_WIDTH} {height}") width="100%" role="img" aria-labelledby="group-chart-title">
                <title id="group-chart-title">{locale.t("statistics.chart_groups")}</title>
                <rect x="0" y="4" width="12" height="12" class="bar-authority" />
                <text x="18" y="15" class="chart-label">{locale.t("statistics.legend_authority")}</text>
                <rect x="250" y="4" width="12" height="12" class="bar-applicant" />
                <text x="268" y="15" class="chart-label">{locale.t("statistics.legend_applicant")}</text>
                {bars}
            </svg>
            <figcaption>{locale.t("statistics.chart_groups")}</figcaption>
        </figure>
    }
}

/// Decisions and their median days per month, as columns.
#[component]
fn TrendChart(locale: Locale, trend: Vec<MonthFigures>) -> impl IntoView {
    let largest = trend
        .iter()
        .map(|m| m.authority_days_median.unwrap_or(0) + m.applicant_days_median.unwrap_or(0))
        .max()
        .unwrap_or(0)
        .max(1);
    let count = i32::try_from(trend.len()).unwrap_or(1).max(1);
    let column = (CHART_WIDTH - 20) / count;
    let plot = 160;
    let scale = |n: i32| n * plot / largest;
    let columns = trend
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = 10 + column * i32::try_from(i).unwrap_or(0);
            let authority = m.authority_days_median.unwrap_or(0);
            let applicant = m.applicant_days_median.unwrap_or(0);
            let top = 30 + plot - scale(authority + applicant);
            view! {
                <g>
                    <rect x=x + 2 y=top width=(column - 4).max(1) height=scale(applicant) class="bar-applicant" />
                    <rect x=x + 2 y=top + scale(applicant) width=(column - 4).max(1) height=scale(authority) class="bar-authority" />
                    <text x=x + column / 2 y=30 + plot + 14 class="chart-axis" text-anchor="middle">{m.month.get(5..).unwrap_or_default().to_string()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_WIDTH} {}", plot + 52) width="100%" role="img" aria-labelledby="trend-chart-title">
                <title id="trend-chart-title">{locale.t("statistics.chart_trend")}</title>
                {columns}
            </svg>
            <figcaption>{locale.t("statistics.chart_trend")}</figcaption>
        </figure>
    }
}

/// Everything the statistics say for one comparison and period.
#[component]
pub fn StatisticsFigures(
    locale: Locale,
    statistics: Statistics,
    group_heading: String,
) -> impl IntoView {
    let all = statistics.all.clone();
    let rows = statistics
        .groups
        .iter()
        .map(|g| {
            view! {
                <tr>
                    <th scope="row">{g.name.clone()}</th>
                    <td class="number">{g.received}</td>
                    <td class="number">{g.decided}</td>
                    <td class="number">{g.open}</td>
                    <td class="number">{days(locale, g.total_days)}</td>
                    <td class="number">{days(locale, g.authority_days)}</td>
                    <td class="number">{days(locale, g.applicant_days)}</td>
                    <td class="number">{days(locale, g.goal_days)}</td>
                    <td class="number">{percent(locale, g.within_goal_share)}</td>
                    <td class="number">{percent(locale, g.not_covered_share)}</td>
                </tr>
            }
        })
        .collect_view();
    let reasons = all
        .not_covered_reasons
        .iter()
        .map(|(code, n)| view! { <li>{reason_label(locale, code)} ": " {*n}</li> })
        .collect_view();
    let trend_rows = statistics
        .trend
        .iter()
        .map(|m| {
            let median = |v: Option<i32>| {
                v.map(|n| n.to_string())
                    .unwrap_or_else(|| locale.t("statistics.none").to_string())
            };
            view! {
                <tr>
                    <th scope="row">{m.month.clone()}</th>
                    <td class="number">{m.decided}</td>
                    <td class="number">{median(m.authority_days_median)}</td>
                    <td class="number">{median(m.applicant_days_median)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="case-facts" data-testid="statistics-summary">
            <div><dt>{locale.t("statistics.received")}</dt><dd>{all.received}</dd></div>
            <div><dt>{locale.t("statistics.decided")}</dt><dd>{all.decided}</dd></div>
            <div><dt>{locale.t("statistics.open")}</dt><dd>{all.open}</dd></div>
            <div><dt>{locale.t("statistics.authority_days")}</dt><dd>{days(locale, all.authority_days)}</dd></div>
            <div><dt>{locale.t("statistics.applicant_days")}</dt><dd>{days(locale, all.applicant_days)}</dd></div>
            <div><dt>{locale.t("statistics.within_goal")}</dt><dd>{percent(locale, all.within_goal_share)}</dd></div>
            <div><dt>{locale.t("statistics.not_covered")}</dt><dd>{percent(locale, all.not_covered_share)}</dd></div>
        </dl>
        <p>{locale.t("statistics.days_explained")}</p>
        <h2>{group_heading}</h2>
        <GroupChart locale groups=statistics.groups.clone() />
        // Focusable, so the keyboard can scroll a table wider than the screen.
        <div class="table--responsive-scroll" tabindex="0" role="region" aria-label=locale.t("statistics.chart_groups")>
            <table class="table table--compact" data-testid="statistics-table">
                <caption class="sr-only">{locale.t("statistics.chart_groups")}</caption>
                <thead><tr>
                    <th scope="col">{locale.t("statistics.group")}</th>
                    <th scope="col">{locale.t("statistics.received")}</th>
                    <th scope="col">{locale.t("statistics.decided")}</th>
                    <th scope="col">{locale.t("statistics.open")}</th>
                    <th scope="col">{locale.t("statistics.total_days")}</th>
                    <th scope="col">{locale.t("statistics.authority_days")}</th>
                    <th scope="col">{locale.t("statistics.applicant_days")}</th>
                    <th scope="col">{locale.t("statistics.goal_days")}</th>
                    <th scope="col">{locale.t("statistics.within_goal")}</th>
                    <th scope="col">{locale.t("statistics.not_covered")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>{locale.t("statistics.reasons_heading")}</h2>
        {if all.not_covered_reasons.is_empty() {
            view! { <p>{locale.t("statistics.reasons_none")}</p> }.into_any()
        } else {
            view! { <ul data-testid="not-covered-reasons">{reasons}</ul> }.into_any()
        }}
        <h2>{locale.t("statistics.trend_heading")}</h2>
        <TrendChart locale trend=statistics.trend.clone() />
        <div class="table--responsive-scroll" tabindex="0" role="region" aria-label=locale.t("statistics.chart_trend")>
            <table class="table table--compact" data-testid="trend-table">
                <caption class="sr-only">{locale.t("statistics.chart_trend")}</caption>
                <thead><tr>
                    <th scope="col">{locale.t("statistics.month")}</th>
                    <th scope="col">{locale.t("statistics.decided")}</th>
                    <th scope="col">{locale.t("statistics.authority_median")}</th>
                    <th scope="col">{locale.t("statistics.applicant_median")}</th>
                </tr></thead>
                <tbody>{trend_rows}</tbody>
            </table>
        </div>
    }
}
