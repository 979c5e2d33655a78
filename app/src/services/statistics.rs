//! Processing-time statistics: per authority or per application type, for a period — received,
//! decided and open cases; median and 90th percentile of total days, days with the authority,
//! days with the applicant and service-goal days; the share decided within the service goal and
//! the share not covered by it. The day figures are the clock's own (kept per decided case by the
//! event path), so the statistics and the case folder can never disagree.

use crate::csv::{Cell, CsvFormat, CsvWriter};
use crate::db::authorities::{Authority, CaseType};
use crate::db::statistics::{self, DecisionFigures, Scope};
use crate::db::{Conn, DbError};
use crate::i18n::Locale;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// Which comparison the figures are grouped for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Every authority on one application type (ranked by median days with the authority).
    AuthoritiesOnType(String),
    /// One authority across its application types.
    TypesAtAuthority(i32),
}

impl Comparison {
    fn scope(&self) -> Scope {
        match self {
            Comparison::AuthoritiesOnType(code) => Scope {
                authority_code: None,
                case_type_code: Some(code.clone()),
            },
            Comparison::TypesAtAuthority(code) => Scope {
                authority_code: Some(*code),
                case_type_code: None,
            },
        }
    }
}

/// The median and the 90th percentile of a number of days (nearest rank: both are days that some
/// case actually took).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub median: i32,
    pub p90: i32,
}

/// The nearest-rank percentile `p` (0–100) of sorted values.
pub fn percentile(sorted: &[i32], p: u32) -> Option<i32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

fn spread(mut values: Vec<i32>) -> Option<Spread> {
    values.sort_unstable();
    Some(Spread {
        median: percentile(&values, 50)?,
        p90: percentile(&values, 90)?,
    })
}

/// The figures of one group (an authority, or an application type).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    /// The authority's code or the type's code.
    pub key: String,
    pub name: String,
    pub received: i64,
    pub decided: i64,
    pub open: i64,
    pub total_days: Option<Spread>,
    pub authority_days: Option<Spread>,
    pub applicant_days: Option<Spread>,
    /// Service-goal days, over the decided cases the goal covers.
    pub goal_days: Option<Spread>,
    /// Decided within the goal, of the decided cases the goal covers (0–1).
    pub within_goal_share: Option<f64>,
    /// Decided cases the goal does not cover, of all decided (0–1).
    pub not_covered_share: Option<f64>,
    /// Why not covered, with how many.
    pub not_covered_reasons: Vec<(String, i64)>,
}

/// One month of the trend: decisions made in it and their median days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub decided: i64,
    pub authority_days_median: Option<i32>,
    pub applicant_days_median: Option<i32>,
}

/// Everything a statistics page or download shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub groups: Vec<GroupFigures>,
    pub all: GroupFigures,
    pub trend: Vec<MonthFigures>,
}

fn figures_of(
    key: String,
    name: String,
    decided: &[&DecisionFigures],
    received: i64,
    open: i64,
) -> GroupFigures {
    let covered: Vec<&&DecisionFigures> = decided
        .iter()
        .filter(|f| f.goal_status != "not_covered")
        .collect();
    let kept = covered.iter().filter(|f| f.goal_status == "kept").count();
    let not_covered = decided.len() - covered.len();
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for f in decided {
        if let Some(reason) = &f.not_covered {
            *reasons.entry(reason.clone()).or_default() += 1;
        }
    }
    let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
    GroupFigures {
        key,
        name,
        received,
        decided: decided.len() as i64,
        open,
        total_days: spread(decided.iter().map(|f| f.total_days).collect()),
        authority_days: spread(decided.iter().map(|f| f.authority_days).collect()),
        applicant_days: spread(decided.iter().map(|f| f.applicant_days).collect()),
        goal_days: spread(covered.iter().filter_map(|f| f.goal_days_used).collect()),
        within_goal_share: share(kept, covered.len()),
        not_covered_share: share(not_covered, decided.len()),
        not_covered_reasons: reasons.into_iter().collect(),
    }
}

/// The statistics of one comparison over a period (Danish dates, both included).
pub async fn compute(
    conn: &mut Conn,
    comparison: &Comparison,
    from: NaiveDate,
    to: NaiveDate,
    locale: Locale,
) -> Result<Statistics, DbError> {
    let scope = comparison.scope();
    let decided = DecisionFigures::decided_between(conn, &scope, from, to).await?;
    let received = statistics::received_between(conn, &scope, from, to).await?;
    let open = statistics::open_now(conn, &scope).await?;
    let authorities: BTreeMap<i32, String> = Authority::all(conn)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let types: BTreeMap<String, String> = CaseType::all(conn)
        .await?
        .into_iter()
        .map(|t| (t.code.clone(), t.name(locale)))
        .collect();

    // Group by the compared dimension: the authority, or the application type.
    let key_of = |authority: i32, case_type: &str| match comparison {
        Comparison::AuthoritiesOnType(_) => authority.to_string(),
        Comparison::TypesAtAuthority(_) => case_type.to_string(),
    };
    let name_of = |key: &str| match comparison {
        Comparison::AuthoritiesOnType(_) => key
            .parse::<i32>()
            .ok()
            .and_then(|c| authorities.get(&c).cloned())
            .unwrap_or_else(|| key.to_string()),
        Comparison::TypesAtAuthority(_) => {
            types.get(key).cloned().unwrap_or_else(|| key.to_string())
        }
    };
    let mut by_key: BTreeMap<String, (Vec<&DecisionFigures>, i64, i64)> = BTreeMap::new();
    for f in &decided {
        by_key
            .entry(key_of(f.authority_code, &f.case_type_code))
            .or_default()
            .0
            .push(f);
    }
    for (authority, case_type, n) in &received {
        by_key.entry(key_of(*authority, case_type)).or_default().1 += n;
    }
    for (authority, case_type, n) in &open {
        by_key.entry(key_of(*authority, case_type)).or_default().2 += n;
    }
    let mut groups: Vec<GroupFigures> = by_key
        .iter()
        .map(|(key, (decided, received, open))| {
            figures_of(key.clone(), name_of(key), decided, *received, *open)
        })
        .collect();
    // Fastest first by the authority's own days; groups without decisions last, by name.
    groups.sort_by(|a, b| {
        let days = |g: &GroupFigures| g.authority_days.map_or(i32::MAX, |s| s.median);
        days(a).cmp(&days(b)).then_with(|| a.name.cmp(&b.name))
    });

    let everything: Vec<&DecisionFigures> = decided.iter().collect();
    let all = figures_of(
        "all".to_string(),
        String::new(),
        &everything,
        received.iter().map(|r| r.2).sum(),
        open.iter().map(|r| r.2).sum(),
    );
    Ok(Statistics {
        from,
        to,
        groups,
        all,
        trend: trend(&decided, from, to),
    })
}

/// Decisions per month of the period, with their median days.
fn trend(decided: &[DecisionFigures], from: NaiveDate, to: NaiveDate) -> Vec<MonthFigures> {
    let mut months: BTreeMap<String, Vec<&DecisionFigures>> = BTreeMap::new();
    let mut month = from.with_day(1).unwrap_or(from);
    while month <= to {
        months.insert(month.format("%Y-%m").to_string(), Vec::new());
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to + chrono::TimeDelta::days(1));
    }
    for f in decided {
        if let Some(list) = months.get_mut(&f.decided_on.format("%Y-%m").to_string()) {
            list.push(f);
        }
    }
    months
        .into_iter()
        .map(|(month, list)| {
            let median = |values: Vec<i32>| spread(values).map(|s| s.median);
            MonthFigures {
                month,
                decided: list.len() as i64,
                authority_days_median: median(list.iter().map(|f| f.authority_days).collect()),
                applicant_days_median: median(list.iter().map(|f| f.applicant_days).collect()),
            }
        })
        .collect()
}

/// The figures as CSV: one line per group, then one for all; the header names the columns as
/// the documented schema does.
pub fn to_csv(statistics: &Statistics) -> String {
    let format = CsvFormat {
        separator: ',',
        quote_all_text: true,
        line_end: "\n",
    };
    let mut csv = CsvWriter::new(format, "");
    csv.header(&[
        "key",
        "name",
        "period_from",
        "period_to",
        "received",
        "decided",
        "open",
        "total_days_median",
        "total_days_p90",
        "authority_days_median",
        "authority_days_p90",
        "applicant_days_median",
        "applicant_days_p90",
        "goal_days_median",
        "goal_days_p90",
        "within_goal_share",
        "not_covered_share",
    ]);
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let share = |v: Option<f64>| v.map(|s| format!("{s:.4}")).unwrap_or_default();
    let (from, to) = (statistics.from.to_string(), statistics.to.to_string());
    for g in statistics.groups.iter().chain([&statistics.all]) {
        let values = [
            g.received.to_string(),
            g.decided.to_string(),
            g.open.to_string(),
            number(g.total_days.map(|s| s.median)),
            number(g.total_days.map(|s| s.p90)),
            number(g.authority_days.map(|s| s.median)),
            number(g.authority_days.map(|s| s.p90)),
            number(g.applicant_days.map(|s| s.median)),
            number(g.applicant_days.map(|s| s.p90)),
            number(g.goal_days.map(|s| s.median)),
            number(g.goal_days.map(|s| s.p90)),
            share(g.within_goal_share),
            share(g.not_covered_share),
        ];
        let mut cells = vec![
            Cell::Text(&g.key),
            Cell::Text(&g.name),
            Cell::Value(&from),
            Cell::Value(&to),
        ];
        cells.extend(values.iter().map(|v| Cell::Value(v)));
        csv.row(&cells);
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(
        authority_days: i32,
        applicant_days: i32,
        goal: Option<i32>,
        status: &str,
    ) -> DecisionFigures {
        DecisionFigures {
            case_id: 0,
            authority_code: 851,
            case_type_code: "t".to_string(),
            decided_on: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap_or_default(),
            total_days: authority_days + applicant_days,
            authority_days,
            applicant_days,
            goal_days_used: goal,
            goal_status: status.to_string(),
            not_covered: (status == "not_covered").then(|| "no_national_goal".to_string()),
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&values, 50), Some(5));
        assert_eq!(percentile(&values, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[3, 9], 50), Some(3));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn the_goal_share_leaves_out_what_the_goal_does_not_cover() {
        let rows = [
            figures(10, 5, Some(10), "kept"),
            figures(30, 0, Some(30), "missed"),
            figures(20, 40, Some(20), "kept"),
            figures(50, 0, None, "not_covered"),
        ];
        let refs: Vec<&DecisionFigures> = rows.iter().collect();
        let g = figures_of("851".into(), "Aalborg".into(), &refs, 6, 2);
        assert_eq!(g.decided, 4);
        // Sorted authority days 10, 20, 30, 50: median (rank 2) 20, p90 (rank 4) 50.
        assert_eq!(
            g.authority_days,
            Some(Spread {
                median: 20,
                p90: 50
            })
        );
        // Applicant days 0, 0, 5, 40.
        assert_eq!(g.applicant_days, Some(Spread { median: 0, p90: 40 }));
        // Goal days only of the three covered: 10, 20, 30.
        assert_eq!(
            g.goal_days,
            Some(Spread {
                median: 20,
                p90: 30
            })
        );
        assert_eq!(g.within_goal_share, Some(2.0 / 3.0));
        assert_eq!(g.not_covered_share, Some(0.25));
        assert_eq!(
            g.not_covered_reasons,
            vec![("no_national_goal".to_string(), 1)]
        );
    }
}

/// The filters of the statistics page and its downloads, as the query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct StatisticsQuery {
    /// First day of the period (`YYYY-MM-DD`); default a year before `til`.
    pub fra: Option<String>,
    /// Last day of the period; default today.
    pub til: Option<String>,
    /// Compare every authority on this application type.
    #[serde(rename = "type")]
    pub case_type: Option<String>,
    /// Compare this authority's application types (wins over `type`).
    pub myndighed: Option<String>,
}

/// The application type compared when none is chosen: the commonest building application.
pub const DEFAULT_CASE_TYPE: &str = "byg_garage_carport_udhus";

/// The longest period one request may cover.
const LONGEST_PERIOD_DAYS: i64 = 5 * 366;

/// What was wrong with the filters: the field and a message code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterProblem {
    pub field: &'static str,
    pub code: &'static str,
}

impl StatisticsQuery {
    /// The comparison and period asked for, relative to `today`.
    pub fn resolve(
        &self,
        today: NaiveDate,
    ) -> Result<(Comparison, NaiveDate, NaiveDate), FilterProblem> {
        let date = |value: &Option<String>,
                    field: &'static str|
         -> Result<Option<NaiveDate>, FilterProblem> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| FilterProblem {
                        field,
                        code: "statistics.error.date",
                    }),
            }
        };
        let to = date(&self.til, "til")?.unwrap_or(today);
        let from = date(&self.fra, "fra")?.unwrap_or_else(|| to - chrono::TimeDelta::days(364));
        if from > to {
            return Err(FilterProblem {
                field: "fra",
                code: "statistics.error.order",
            });
        }
        if (to - from).num_days() > LONGEST_PERIOD_DAYS {
            return Err(FilterProblem {
                field: "fra",
                code: "statistics.error.too_long",
            });
        }
        let authority = self
            .myndighed
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let comparison = match authority {
            Some(code) => {
                Comparison::TypesAtAuthority(code.parse().map_err(|_| FilterProblem {
                    field: "myndighed",
                    code: "statistics.error.authority",
                })?)
            }
            None => Comparison::AuthoritiesOnType(
                self.case_type
                    .as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .unwrap_or(DEFAULT_CASE_TYPE)
                    .to_string(),
            ),
        };
        Ok((comparison, from, to))
    }

    /// The same filters as a query string (for the download links).
    pub fn query_string(comparison: &Comparison, from: NaiveDate, to: NaiveDate) -> String {
        let chosen = match comparison {
            Comparison::AuthoritiesOnType(code) => format!("type={code}"),
            Comparison::TypesAtAuthority(code) => format!("myndighed={code}"),
        };
        format!("fra={from}&til={to}&{chosen}")
    }
}

/// The licence of the published figures.
pub const LICENCE: &str = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), Sagsspor";
