//! The responsibility clock (*ansvarsuret*): from a case's history alone, how many days the case
//! has spent with the authority and with the applicant, how the national service goal
//! (*servicemål*) stands, and when a decision can be expected.
//!
//! # Counting rules
//!
//! - **Calendar days on Danish dates.** Every count is in calendar days between Danish local
//!   dates ([`copenhagen_date`]) of UTC timestamps, as the national service goals count them: a
//!   span from Monday 16:00 to Tuesday 09:00 is one day, and an event at 23:30 UTC in summer
//!   belongs to the next Danish day.
//! - **Spans.** The history is cut at every state-changing event. Each span — from one such event
//!   to the next, and from the last one to `now` while the case is open — is held by the party who
//!   must act in the state in force during it ([`CaseState::must_act`]). The state is found by
//!   replaying the kinds through [`apply`]; an event that `apply` refuses is skipped rather than
//!   trusted, so the clock is total even on a history the database should never have.
//! - **Span length.** Danish date of its end minus Danish date of its start. Because every span
//!   ends where the next begins, the lengths telescope: authority days + applicant days + days
//!   held by nobody = total days, exactly.
//! - **Total days.** From the submission date to the decision date (the latest decision, when the
//!   case is decided or closed), the withdrawal date, or today while the case is open. Time after
//!   a decision or a withdrawal counts to nobody; after a reopening the clock runs again.
//! - **Service-goal days.** From the date the case was first declared complete (*fuldt oplyst*)
//!   to the decision date (or today while open), minus the days the applicant held the case in
//!   that span — which is the authority's days since completion. (Should a decided case be
//!   reopened, the days it lay decided are not the authority's either and are left out the same
//!   way.)
//! - **Expected decision date.** After completion: the complete date + the goal + the days since
//!   completion that were not the authority's (the applicant's, including a span still running up
//!   to today). Before completion: the submission date + the authority's typical processing time
//!   for the type, labelled as an estimate. None when the case is not open, or when there is no
//!   basis (no estimate; no goal, or a goal that does not apply to this case).
//! - **Status**, first match wins: marked not covered; withdrawn; the type has no national goal;
//!   decided without ever being complete; decided → kept or missed; open and not complete → not
//!   started; open and complete → missed, at risk or running. A case that was never submitted is
//!   not started, with every count zero.

use chrono::{Days, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::domain::lifecycle::{apply, CaseState, EventKind, Lifecycle, Party};
use crate::domain::local_time::copenhagen_date;

/// One event as the clock needs it (timestamps are UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockEvent {
    /// When it happened, in UTC.
    pub at: NaiveDateTime,
    /// What happened.
    pub kind: EventKind,
}

/// What the case's type says about service goals (servicemål).
///
/// Everything the clock needs besides the history, so that it can be computed for any case and
/// any moment without touching the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockInput<'a> {
    /// The whole history, oldest first.
    pub events: &'a [ClockEvent],
    /// The moment to compute for, in UTC.
    pub now: NaiveDateTime,
    /// The national service goal of the case's type in calendar days; `None` when the type has
    /// none.
    pub goal_days: Option<u32>,
    /// Set when a caseworker marked the case as not covered by the goal (e.g. "legalisation
    /// case").
    pub not_covered_reason: Option<&'a str>,
    /// Before completeness: the typical number of days from submission to decision for this
    /// authority and type, if known.
    pub estimate_days: Option<u32>,
}

/// A span of time, e.g. one during which the applicant held the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interval {
    /// Start, in UTC.
    pub from: NaiveDateTime,
    /// End, in UTC; `None` while the span is still running.
    pub to: Option<NaiveDateTime>,
}

/// When a decision can be expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedDecision {
    /// The Danish date.
    pub date: NaiveDate,
    /// True when the date comes from the authority's typical processing time rather than the
    /// service goal, and must be shown as an estimate.
    pub is_estimate: bool,
}

/// Why the service goal does not apply to a case — always shown, never an empty field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCoveredReason {
    /// The case's type has no national service goal.
    NoNationalGoal,
    /// A caseworker marked the case as not covered, with this reason (e.g. a legalisation case).
    Marked(String),
    /// The applicant withdrew the case.
    Withdrawn,
    /// The case was decided (e.g. dismissed) before it was ever declared complete, so the goal's
    /// clock never started.
    DecidedBeforeComplete,
}

/// Where a case stands against its service goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// Open and not yet declared complete: the clock starts when it is.
    NotStarted,
    /// Open, complete, and comfortably inside the goal.
    Running {
        /// Service-goal days left until the goal.
        days_left: i64,
    },
    /// Open, complete, and close to the goal: `days_left <= at_risk_threshold(goal)`.
    AtRisk {
        /// Service-goal days left until the goal; 0 on the deadline day.
        days_left: i64,
    },
    /// Decided within the goal.
    Kept {
        /// Days to spare; 0 when decided on the deadline day.
        margin_days: i64,
    },
    /// Decided late, or still open and already past the goal.
    Missed {
        /// Days beyond the goal.
        days_over: i64,
    },
    /// The goal does not apply, and why.
    NotCovered(NotCoveredReason),
}

impl GoalStatus {
    /// A stable code for styling, sorting and translated labels.
    pub fn code(&self) -> &'static str {
        match self {
            GoalStatus::NotStarted => "not_started",
            GoalStatus::Running { .. } => "running",
            GoalStatus::AtRisk { .. } => "at_risk",
            GoalStatus::Kept { .. } => "kept",
            GoalStatus::Missed { .. } => "missed",
            GoalStatus::NotCovered(_) => "not_covered",
        }
    }
}

/// How many days before the goal a running case counts as at risk: a fifth of the goal, rounded
/// up, and at least 3 days so that short goals still give the caseworker a warning in time.
pub fn at_risk_threshold(goal_days: u32) -> i64 {
    ((i64::from(goal_days) + 4) / 5).max(3)
}

/// Everything the clock says about a case at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockFigures {
    /// Danish date of the submission; `None` for a draft.
    pub submitted_on: Option<NaiveDate>,
    /// Danish date the case was first declared complete (*fuldt oplyst*).
    pub complete_on: Option<NaiveDate>,
    /// Danish date of the decision in force (the latest one), while the case is decided or
    /// closed.
    pub decided_on: Option<NaiveDate>,
    /// Days from submission to decision, withdrawal, or today.
    pub total_days: i64,
    /// Days the authority held the case.
    pub authority_days: i64,
    /// Days the applicant held the case.
    pub applicant_days: i64,
    /// service-goal days: complete→decision (or →now while open) minus applicant days in that span; None before complete
    pub goal_days_used: Option<i64>,
    /// The service goal of the case's type, as given.
    pub goal_days: Option<u32>,
    /// None when decided/closed/withdrawn or no basis
    pub expected: Option<ExpectedDecision>,
    /// Where the case stands against its goal.
    pub status: GoalStatus,
    /// every span the applicant held the case
    pub applicant_intervals: Vec<Interval>,
    /// Who must act after the last event.
    pub must_act: Party,
}

/// One span of the history: held by one party from one state-changing event to the next.
struct Span {
    from: NaiveDateTime,
    to: NaiveDateTime,
    party: Party,
    /// Whether the span lies after the (first) declaration of completeness.
    after_complete: bool,
}

/// Computes the clock's figures for a case at `input.now`, following the counting rules in the
/// module documentation.
pub fn compute(input: &ClockInput<'_>) -> ClockFigures {
    let mut life = Lifecycle::NEW_DRAFT;
    let mut spans: Vec<Span> = Vec::new();
    // The span in progress: its start, its holder and whether it follows completion.
    let mut running: Option<(NaiveDateTime, Party, bool)> = None;
    // Time only moves forward: an event stamped earlier than its predecessor (clock skew between
    // servers, an ESDH that reports late) is taken as simultaneous with it, so no span is negative.
    let mut cursor: Option<NaiveDateTime> = None;
    let mut submitted_at = None;
    let mut complete_at = None;
    let mut last_decided_at = None;
    let mut withdrawn_at = None;

    for event in input.events {
        let at = cursor.map_or(event.at, |c| c.max(event.at));
        cursor = Some(at);
        let Ok(next) = apply(life, event.kind) else {
            continue;
        };
        life = next;
        if !event.kind.changes_state() {
            continue;
        }
        match event.kind {
            EventKind::Submitted => {
                submitted_at.get_or_insert(at);
            }
            EventKind::DeclaredComplete => {
                complete_at.get_or_insert(at);
            }
            EventKind::Decided => last_decided_at = Some(at),
            EventKind::Withdrawn => withdrawn_at = Some(at),
            _ => {}
        }
        if let Some((from, party, after_complete)) = running.take() {
            spans.push(Span {
                from,
                to: at,
                party,
                after_complete,
            });
        }
        running = Some((at, life.must_act(), complete_at.is_some()));
    }

    let Some(submitted_at) = submitted_at else {
        return draft_figures(input, life);
    };

    let is_open = life.state.is_open();
    let is_decided = matches!(life.state, CaseState::Decided | CaseState::Closed);
    let now = cursor.map_or(input.now, |c| c.max(input.now));
    // Where counting stops. The fallbacks cannot happen (a decided case has a decision event, a
    // withdrawn one a withdrawal) but keep the function total.
    let end = match life.state {
        CaseState::Decided | CaseState::Closed => last_decided_at.unwrap_or(now),
        CaseState::Withdrawn => withdrawn_at.unwrap_or(now),
        _ => now,
    };
    // The index of a span that is still running: the last one, while the case is open.
    let mut still_running = None;
    if let Some((from, party, after_complete)) = running {
        if is_open {
            still_running = Some(spans.len());
        }
        spans.push(Span {
            from,
            // A finished case's last span is held by nobody; its length does not matter.
            to: if is_open { end } else { from },
            party,
            after_complete,
        });
    }

    let end_date = copenhagen_date(end);
    let submitted_on = copenhagen_date(submitted_at);
    let complete_on = complete_at.map(copenhagen_date);
    // Spans are clipped to the end of counting, so that the time a case lies decided after its
    // final decision (and before a close) adds nothing.
    let days_of = |span: &Span| {
        let from = copenhagen_date(span.from.min(end));
        let to = copenhagen_date(span.to.min(end));
        to.signed_duration_since(from).num_days().max(0)
    };
    let sum_days = |keep: &dyn Fn(&Span) -> bool| -> i64 {
        spans.iter().filter(|s| keep(s)).map(days_of).sum()
    };

    let total_days = end_date
        .signed_duration_since(submitted_on)
        .num_days()
        .max(0);
    let authority_days = sum_days(&|s| s.party == Party::Authority);
    let applicant_days = sum_days(&|s| s.party == Party::Applicant);
    let goal_days_used =
        complete_at.map(|_| sum_days(&|s| s.after_complete && s.party == Party::Authority));
    // Days since completion that were not the authority's: they push the expected date out.
    let not_authority_since_complete =
        sum_days(&|s| s.after_complete && s.party != Party::Authority);

    let applicant_intervals = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.party == Party::Applicant)
        .map(|(i, s)| Interval {
            from: s.from,
            to: (still_running != Some(i)).then_some(s.to),
        })
        .collect();

    let marked = input.not_covered_reason;
    let expected = if !is_open {
        None
    } else {
        match (complete_on, input.goal_days) {
            (Some(complete_on), Some(goal)) if marked.is_none() => {
                add_days(complete_on, i64::from(goal) + not_authority_since_complete).map(|date| {
                    ExpectedDecision {
                        date,
                        is_estimate: false,
                    }
                })
            }
            (Some(_), _) => None,
            (None, _) => input
                .estimate_days
                .and_then(|days| add_days(submitted_on, i64::from(days)))
                .map(|date| ExpectedDecision {
                    date,
                    is_estimate: true,
                }),
        }
    };

    let status = if let Some(reason) = marked {
        GoalStatus::NotCovered(NotCoveredReason::Marked(reason.to_owned()))
    } else if life.state == CaseState::Withdrawn {
        GoalStatus::NotCovered(NotCoveredReason::Withdrawn)
    } else if let Some(goal_days) = input.goal_days {
        let goal = i64::from(goal_days);
        match (goal_days_used, is_decided) {
            (None, true) => GoalStatus::NotCovered(NotCoveredReason::DecidedBeforeComplete),
            (None, false) => GoalStatus::NotStarted,
            (Some(used), true) if used <= goal => GoalStatus::Kept {
                margin_days: goal - used,
            },
            (Some(used), _) if used > goal => GoalStatus::Missed {
                days_over: used - goal,
            },
            (Some(used), _) if goal - used <= at_risk_threshold(goal_days) => GoalStatus::AtRisk {
                days_left: goal - used,
            },
            (Some(used), _) => GoalStatus::Running {
                days_left: goal - used,
            },
        }
    } else {
        GoalStatus::NotCovered(NotCoveredReason::NoNationalGoal)
    };

    ClockFigures {
        submitted_on: Some(submitted_on),
        complete_on,
        decided_on: if is_decided {
            last_decided_at.map(copenhagen_date)
        } else {
            None
        },
        total_days,
        authority_days,
        applicant_days,
        goal_days_used,
        goal_days: input.goal_days,
        expected,
        status,
        applicant_intervals,
        must_act: life.must_act(),
    }
}

/// The figures of a case that was never submitted: nothing has started, nothing is counted.
fn draft_figures(input: &ClockInput<'_>, life: Lifecycle) -> ClockFigures {
    ClockFigures {
        submitted_on: None,
        complete_on: None,
        decided_on: None,
        total_days: 0,
        authority_days: 0,
        applicant_days: 0,
        goal_days_used: None,
        goal_days: input.goal_days,
        expected: None,
        status: GoalStatus::NotStarted,
        applicant_intervals: Vec::new(),
        must_act: life.must_act(),
    }
}

/// `date` moved by `days` (which may be negative); `None` outside chrono's range.
/// The expected date on `now`, from the one [`compute`] gave at `as_of` (the case's latest
/// event, after which nothing happened): while anyone but the authority holds a complete case
/// counted by the goal, each Danish day pushes the date out by one; an estimate, or a case the
/// authority holds, keeps its date. Every list, page, export and answer reads the date through
/// this, so none can show yesterday's (the property test below holds it to [`compute`]).
pub fn expected_as_of(
    at_last_event: Option<ExpectedDecision>,
    as_of: NaiveDateTime,
    holder: Party,
    now: NaiveDateTime,
) -> Option<ExpectedDecision> {
    let expected = at_last_event?;
    if expected.is_estimate || holder == Party::Authority {
        return Some(expected);
    }
    let waited = copenhagen_date(now.max(as_of))
        .signed_duration_since(copenhagen_date(as_of))
        .num_days();
    add_days(expected.date, waited).map(|date| ExpectedDecision {
        date,
        is_estimate: false,
    })
}

fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    let magnitude = Days::new(days.unsigned_abs());
    if days >= 0 {
        date.checked_add_days(magnitude)
    } else {
        date.checked_sub_days(magnitude)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::lifecycle::replay;
    use proptest::prelude::*;
    use EventKind as E;

    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An event at 10:00 UTC (11:00 or 12:00 in Copenhagen, the same date).
    fn at10(y: i32, m: u32, d: u32, kind: EventKind) -> ClockEvent {
        ClockEvent {
            at: utc(y, m, d, 10, 0),
            kind,
        }
    }

    fn input(events: &[ClockEvent], now: NaiveDateTime, goal: Option<u32>) -> ClockInput<'_> {
        ClockInput {
            events,
            now,
            goal_days: goal,
            not_covered_reason: None,
            estimate_days: None,
        }
    }

    #[test]
    fn simple_case_decided_inside_the_goal() {
        let events = [
            at10(2026, 2, 2, E::Submitted),
            at10(2026, 2, 3, E::Assigned),
            at10(2026, 2, 4, E::Registered),
            at10(2026, 2, 10, E::DeclaredComplete),
            at10(2026, 3, 2, E::Decided),
        ];
        let f = compute(&input(&events, utc(2026, 3, 10, 12, 0), Some(56)));
        // 2 Feb → 2 Mar 2026 (February has 28 days) = 28 days, all the authority's.
        assert_eq!(f.total_days, 28);
        assert_eq!(f.authority_days, 28);
        assert_eq!(f.applicant_days, 0);
        // 10 Feb → 2 Mar = 18 + 2 = 20 service-goal days; 56 − 20 = 36 to spare.
        assert_eq!(f.goal_days_used, Some(20));
        assert_eq!(f.status, GoalStatus::Kept { margin_days: 36 });
        assert_eq!(f.status.code(), "kept");
        assert_eq!(f.submitted_on, Some(date(2026, 2, 2)));
        assert_eq!(f.complete_on, Some(date(2026, 2, 10)));
        assert_eq!(f.decided_on, Some(date(2026, 3, 2)));
        assert_eq!(f.expected, None);
        assert_eq!(f.must_act, Party::Nobody);
        assert!(f.applicant_intervals.is_empty());
        assert_eq!(f.goal_days, Some(56));
    }

    fn twice_to_the_applicant() -> Vec<ClockEvent> {
        vec![
            at10(2026, 4, 1, E::Submitted),
            at10(2026, 4, 2, E::Registered),
            at10(2026, 4, 3, E::InformationRequested), // in screening
            at10(2026, 4, 10, E::InformationReceived), // back to Registered
            at10(2026, 4, 13, E::DeclaredComplete),
            at10(2026, 4, 20, E::InformationRequested), // after completion
            at10(2026, 4, 25, E::InformationReceived),  // back to InProgress
            at10(2026, 5, 11, E::Decided),
        ]
    }

    #[test]
    fn applicant_twice_only_the_second_counts_against_the_goal() {
        let events = twice_to_the_applicant();
        let f = compute(&input(&events, utc(2026, 6, 1, 10, 0), Some(40)));
        // Spans: 1→2 Apr authority 1; 2→3 authority 1; 3→10 applicant 7; 10→13 authority 3;
        // 13→20 authority 7; 20→25 applicant 5; 25 Apr→11 May authority 5 + 11 = 16.
        // Total 1 Apr → 11 May = 30 + 10 = 40 = 28 + 12.
        assert_eq!(f.total_days, 40);
        assert_eq!(f.authority_days, 1 + 1 + 3 + 7 + 16);
        assert_eq!(f.applicant_days, 7 + 5);
        // Goal days: 13 Apr → 11 May = 28, minus the 5 applicant days after completion = 23.
        // The 7 days in screening do not count: the clock had not started.
        assert_eq!(f.goal_days_used, Some(23));
        assert_eq!(f.status, GoalStatus::Kept { margin_days: 17 });
        assert_eq!(
            f.applicant_intervals,
            vec![
                Interval {
                    from: utc(2026, 4, 3, 10, 0),
                    to: Some(utc(2026, 4, 10, 10, 0))
                },
                Interval {
                    from: utc(2026, 4, 20, 10, 0),
                    to: Some(utc(2026, 4, 25, 10, 0))
                },
            ]
        );
    }

    #[test]
    fn applicant_holds_the_case_now() {
        let events = twice_to_the_applicant();
        // Midway through the second request, on 22 Apr.
        let f = compute(&input(&events[..6], utc(2026, 4, 22, 15, 0), Some(40)));
        // Goal days: 13 → 22 Apr = 9, minus 20 → 22 Apr = 2 applicant days = 7; 40 − 7 = 33 left,
        // more than the threshold ceil(40 / 5) = 8.
        assert_eq!(f.goal_days_used, Some(7));
        assert_eq!(f.status, GoalStatus::Running { days_left: 33 });
        // Expected: 13 Apr + 40 + 2 = 13 Apr + 42 days = 25 May (= today 22 Apr + 33).
        assert_eq!(
            f.expected,
            Some(ExpectedDecision {
                date: date(2026, 5, 25),
                is_estimate: false
            })
        );
        assert_eq!(f.must_act, Party::Applicant);
        // Total 1 → 22 Apr = 21 = authority 1 + 1 + 3 + 7 + applicant 7 + 2.
        assert_eq!(f.total_days, 21);
        assert_eq!(f.authority_days, 12);
        assert_eq!(f.applicant_days, 9);
        assert_eq!(
            f.applicant_intervals.last(),
            Some(&Interval {
                from: utc(2026, 4, 20, 10, 0),
                to: None
            })
        );
        assert_eq!(f.applicant_intervals[0].to, Some(utc(2026, 4, 10, 10, 0)));
    }

    fn decided_on(day: (i32, u32, u32)) -> ClockFigures {
        let events = [
            at10(2026, 3, 2, E::Submitted),
            at10(2026, 3, 3, E::Registered),
            at10(2026, 3, 5, E::DeclaredComplete),
            at10(day.0, day.1, day.2, E::Decided),
        ];
        compute(&input(&events, utc(2026, 5, 1, 10, 0), Some(28)))
    }

    #[test]
    fn decided_on_the_deadline_day_is_kept() {
        // 5 Mar + 28 days = 2 Apr (26 days to 31 Mar, then 2).
        let f = decided_on((2026, 4, 2));
        assert_eq!(f.goal_days_used, Some(28));
        assert_eq!(f.status, GoalStatus::Kept { margin_days: 0 });
    }

    #[test]
    fn decided_a_day_late_is_missed() {
        let f = decided_on((2026, 4, 3));
        assert_eq!(f.goal_days_used, Some(29));
        assert_eq!(f.status, GoalStatus::Missed { days_over: 1 });
        assert_eq!(f.status.code(), "missed");
    }

    #[test]
    fn never_complete_uses_the_estimate() {
        let events = [
            at10(2026, 5, 4, E::Submitted),
            at10(2026, 5, 5, E::Registered),
            at10(2026, 5, 6, E::InformationRequested),
        ];
        let mut inp = input(&events, utc(2026, 5, 20, 12, 0), Some(56));
        inp.estimate_days = Some(70);
        let f = compute(&inp);
        assert_eq!(f.status, GoalStatus::NotStarted);
        assert_eq!(f.goal_days_used, None);
        assert_eq!(f.complete_on, None);
        // 4 May + 70 days = 13 July (27 days to 31 May, 30 in June, then 13).
        assert_eq!(
            f.expected,
            Some(ExpectedDecision {
                date: date(2026, 7, 13),
                is_estimate: true
            })
        );
        // 4 → 20 May = 16 days: authority 4→5→6 = 2, applicant 6→20 = 14.
        assert_eq!(f.total_days, 16);
        assert_eq!(f.authority_days, 2);
        assert_eq!(f.applicant_days, 14);
        assert_eq!(f.must_act, Party::Applicant);

        // Without an estimate there is no basis for a date.
        inp.estimate_days = None;
        assert_eq!(compute(&inp).expected, None);
    }

    #[test]
    fn withdrawn_case() {
        let events = [
            at10(2026, 6, 1, E::Submitted),
            at10(2026, 6, 2, E::Registered),
            at10(2026, 6, 3, E::DeclaredComplete),
            at10(2026, 6, 15, E::Withdrawn),
            at10(2026, 6, 16, E::NoteAdded), // refused after withdrawal: ignored
        ];
        let mut inp = input(&events, utc(2026, 7, 1, 10, 0), Some(56));
        inp.estimate_days = Some(30);
        let f = compute(&inp);
        // Counting stops at the withdrawal: 1 → 15 Jun = 14, all the authority's.
        assert_eq!(f.total_days, 14);
        assert_eq!(f.authority_days, 14);
        assert_eq!(f.goal_days_used, Some(12));
        assert_eq!(
            f.status,
            GoalStatus::NotCovered(NotCoveredReason::Withdrawn)
        );
        assert_eq!(f.expected, None);
        assert_eq!(f.decided_on, None);
        assert_eq!(f.must_act, Party::Nobody);
    }

    fn complete_on_2_september(now: NaiveDateTime) -> ClockFigures {
        let events = [
            at10(2026, 9, 1, E::Submitted),
            ClockEvent {
                at: utc(2026, 9, 1, 12, 0),
                kind: E::Registered,
            },
            at10(2026, 9, 2, E::DeclaredComplete),
        ];
        compute(&input(&events, now, Some(28)))
    }

    #[test]
    fn running_case_at_risk() {
        // Threshold for 28 days: ceil(28 / 5) = 6. On 25 Sep: 2 → 25 Sep = 23 used, 5 left.
        assert_eq!(at_risk_threshold(28), 6);
        let f = complete_on_2_september(utc(2026, 9, 25, 10, 0));
        assert_eq!(f.goal_days_used, Some(23));
        assert_eq!(f.status, GoalStatus::AtRisk { days_left: 5 });
        // 2 Sep + 28 = 30 Sep (= today 25 Sep + 5).
        assert_eq!(
            f.expected,
            Some(ExpectedDecision {
                date: date(2026, 9, 30),
                is_estimate: false
            })
        );
        assert_eq!(f.must_act, Party::Authority);
        // One day earlier, 6 left: still at risk; two days earlier, 7 left: running.
        let f = complete_on_2_september(utc(2026, 9, 24, 10, 0));
        assert_eq!(f.status, GoalStatus::AtRisk { days_left: 6 });
        let f = complete_on_2_september(utc(2026, 9, 23, 10, 0));
        assert_eq!(f.status, GoalStatus::Running { days_left: 7 });
    }

    #[test]
    fn open_case_past_its_goal() {
        // 2 Sep → 2 Oct = 30 used of 28.
        let f = complete_on_2_september(utc(2026, 10, 2, 10, 0));
        assert_eq!(f.goal_days_used, Some(30));
        assert_eq!(f.status, GoalStatus::Missed { days_over: 2 });
        // The expected date stays what the goal said, now in the past.
        assert_eq!(f.expected.map(|e| e.date), Some(date(2026, 9, 30)));
        // On the deadline day itself nothing is missed yet.
        let f = complete_on_2_september(utc(2026, 9, 30, 10, 0));
        assert_eq!(f.status, GoalStatus::AtRisk { days_left: 0 });
    }

    #[test]
    fn no_national_goal() {
        let events = [
            at10(2026, 9, 1, E::Submitted),
            at10(2026, 9, 2, E::Registered),
            at10(2026, 9, 3, E::DeclaredComplete),
        ];
        let f = compute(&input(&events, utc(2026, 9, 10, 10, 0), None));
        assert_eq!(
            f.status,
            GoalStatus::NotCovered(NotCoveredReason::NoNationalGoal)
        );
        assert_eq!(f.status.code(), "not_covered");
        assert_eq!(f.expected, None);
        // The days are still counted: 3 → 10 Sep = 7.
        assert_eq!(f.goal_days_used, Some(7));
        assert_eq!(f.goal_days, None);
    }

    #[test]
    fn marked_not_covered() {
        let events = [
            at10(2026, 1, 5, E::Submitted),
            at10(2026, 1, 6, E::Registered),
            at10(2026, 1, 7, E::GoalNotCovered),
            at10(2026, 1, 8, E::DeclaredComplete),
            at10(2026, 6, 1, E::Decided),
        ];
        let mut inp = input(&events, utc(2026, 6, 2, 10, 0), Some(28));
        inp.not_covered_reason = Some("legalisation case");
        let f = compute(&inp);
        // Decided far beyond 28 days, but the goal does not apply.
        assert_eq!(
            f.status,
            GoalStatus::NotCovered(NotCoveredReason::Marked("legalisation case".into()))
        );
        // While open, the goal is no basis for a date either.
        let open = &events[..4];
        let mut inp = input(open, utc(2026, 1, 20, 10, 0), Some(28));
        inp.not_covered_reason = Some("legalisation case");
        assert_eq!(compute(&inp).expected, None);
    }

    #[test]
    fn dismissed_at_screening() {
        let events = [
            at10(2026, 1, 5, E::Submitted),
            at10(2026, 1, 6, E::Registered),
            at10(2026, 1, 9, E::Decided),
        ];
        let f = compute(&input(&events, utc(2026, 2, 1, 10, 0), Some(28)));
        assert_eq!(
            f.status,
            GoalStatus::NotCovered(NotCoveredReason::DecidedBeforeComplete)
        );
        assert_eq!(f.goal_days_used, None);
        assert_eq!(f.total_days, 4);
        assert_eq!(f.decided_on, Some(date(2026, 1, 9)));
    }

    #[test]
    fn midnight_in_copenhagen_is_not_midnight_in_utc() {
        // Around the spring switch (01:00 UTC on Sunday 29 March 2026):
        // - submitted 28 Mar 22:30 UTC = 23:30 CET → Danish 28 Mar;
        // - registered 28 Mar 23:30 UTC = 00:30 CET → Danish 29 Mar (UTC still says 28 Mar);
        // - complete 29 Mar 21:30 UTC = 23:30 CEST → Danish 29 Mar;
        // - decided 3 Apr 22:30 UTC = 00:30 CEST → Danish 4 Apr (UTC says 3 Apr).
        let events = [
            ClockEvent {
                at: utc(2026, 3, 28, 22, 30),
                kind: E::Submitted,
            },
            ClockEvent {
                at: utc(2026, 3, 28, 23, 30),
                kind: E::Registered,
            },
            ClockEvent {
                at: utc(2026, 3, 29, 21, 30),
                kind: E::DeclaredComplete,
            },
            ClockEvent {
                at: utc(2026, 4, 3, 22, 30),
                kind: E::Decided,
            },
        ];
        let f = compute(&input(&events, utc(2026, 4, 10, 10, 0), Some(5)));
        assert_eq!(f.submitted_on, Some(date(2026, 3, 28)));
        assert_eq!(f.complete_on, Some(date(2026, 3, 29)));
        assert_eq!(f.decided_on, Some(date(2026, 4, 4)));
        // Danish dates: 28 Mar → 4 Apr = 7 (UTC dates would give 6).
        assert_eq!(f.total_days, 7);
        // 29 Mar → 4 Apr = 6 (UTC dates would give 5, and the goal of 5 kept).
        assert_eq!(f.goal_days_used, Some(6));
        assert_eq!(f.status, GoalStatus::Missed { days_over: 1 });

        // Summer: 23:30 UTC is 01:30 the next Danish day.
        let events = [
            at10(2026, 7, 1, E::Submitted),
            at10(2026, 7, 1, E::Registered),
            ClockEvent {
                at: utc(2026, 7, 1, 23, 30),
                kind: E::DeclaredComplete,
            },
            ClockEvent {
                at: utc(2026, 7, 10, 23, 30),
                kind: E::Decided,
            },
        ];
        let f = compute(&input(&events, utc(2026, 8, 1, 10, 0), Some(28)));
        assert_eq!(f.complete_on, Some(date(2026, 7, 2)));
        assert_eq!(f.decided_on, Some(date(2026, 7, 11)));
        assert_eq!(f.total_days, 10);
        assert_eq!(f.goal_days_used, Some(9));
    }

    #[test]
    fn draft_counts_nothing() {
        let events = [at10(2026, 1, 5, E::DocumentAdded)];
        let mut inp = input(&events, utc(2026, 2, 1, 10, 0), Some(28));
        inp.estimate_days = Some(30);
        let f = compute(&inp);
        assert_eq!(f.submitted_on, None);
        assert_eq!(
            (f.total_days, f.authority_days, f.applicant_days),
            (0, 0, 0)
        );
        assert_eq!(f.status, GoalStatus::NotStarted);
        assert_eq!(f.expected, None);
        assert_eq!(f.must_act, Party::Applicant);
        assert_eq!(compute(&input(&[], utc(2026, 2, 1, 10, 0), None)), {
            let mut empty = f.clone();
            empty.goal_days = None;
            empty
        });
    }

    #[test]
    fn reopened_case_runs_again_and_skips_the_decided_days() {
        let events = [
            at10(2026, 1, 5, E::Submitted),
            at10(2026, 1, 6, E::Registered),
            at10(2026, 1, 7, E::DeclaredComplete),
            at10(2026, 1, 17, E::Decided),
            at10(2026, 1, 20, E::Closed),
            at10(2026, 2, 1, E::Reopened),
            at10(2026, 2, 6, E::Decided),
        ];
        let f = compute(&input(&events, utc(2026, 3, 1, 10, 0), Some(28)));
        // Total 5 Jan → 6 Feb = 32; of which 17 Jan → 1 Feb = 15 the case lay decided (nobody's):
        // authority 5 Jan → 17 Jan = 12 and 1 → 6 Feb = 5, so 17.
        assert_eq!(f.total_days, 32);
        assert_eq!(f.authority_days, 17);
        assert_eq!(f.applicant_days, 0);
        // Goal days: 7 → 17 Jan = 10, plus 1 → 6 Feb = 5.
        assert_eq!(f.goal_days_used, Some(15));
        assert_eq!(f.decided_on, Some(date(2026, 2, 6)));
        assert_eq!(f.status, GoalStatus::Kept { margin_days: 13 });

        // While reopened and open, the decided days push the expected date out:
        // 7 Jan + 28 + 15 = 19 Feb (= today 3 Feb + (28 − 12)).
        let f = compute(&input(&events[..6], utc(2026, 2, 3, 10, 0), Some(28)));
        assert_eq!(f.goal_days_used, Some(12));
        assert_eq!(f.decided_on, None);
        assert_eq!(f.expected.map(|e| e.date), Some(date(2026, 2, 19)));
    }

    #[test]
    fn refused_and_out_of_order_events_do_not_break_the_clock() {
        let events = [
            at10(2026, 1, 5, E::Decided), // refused: still a draft
            at10(2026, 1, 5, E::Submitted),
            at10(2026, 1, 10, E::Registered),
            at10(2026, 1, 8, E::DeclaredComplete), // earlier than its predecessor: taken as 10 Jan
            at10(2026, 1, 9, E::HearingEnded),     // refused: no hearing
        ];
        let f = compute(&input(&events, utc(2026, 1, 1, 10, 0), Some(28)));
        // `now` before the last event is taken as the last event: 5 → 10 Jan.
        assert_eq!(f.total_days, 5);
        assert_eq!(f.authority_days, 5);
        assert_eq!(f.complete_on, Some(date(2026, 1, 10)));
        assert_eq!(f.goal_days_used, Some(0));
    }

    #[test]
    fn threshold_values() {
        assert_eq!(at_risk_threshold(0), 3);
        assert_eq!(at_risk_threshold(10), 3);
        assert_eq!(at_risk_threshold(16), 4);
        assert_eq!(at_risk_threshold(56), 12);
        assert_eq!(at_risk_threshold(u32::MAX), (i64::from(u32::MAX) + 4) / 5);
    }

    /// A random valid history: at each step one of the events `apply` allows, after a random gap
    /// of up to five days, at a random time of day.
    fn valid_history() -> impl Strategy<Value = (Vec<ClockEvent>, NaiveDateTime)> {
        let steps = prop::collection::vec((0usize..15, 0i64..5 * 24 * 60), 0..40);
        (steps, 0i64..30 * 24 * 60).prop_map(|(steps, tail)| {
            let mut at = utc(2026, 1, 1, 0, 0);
            let mut life = Lifecycle::NEW_DRAFT;
            let mut events = Vec::new();
            for (pick, gap) in steps {
                at += chrono::TimeDelta::minutes(gap);
                let allowed: Vec<EventKind> = EventKind::ALL
                    .into_iter()
                    .filter(|&k| apply(life, k).is_ok())
                    .collect();
                if allowed.is_empty() {
                    break;
                }
                let kind = allowed[pick % allowed.len()];
                life = apply(life, kind).unwrap();
                events.push(ClockEvent { at, kind });
            }
            (events, at + chrono::TimeDelta::minutes(tail))
        })
    }

    proptest! {
        #[test]
        fn counts_add_up_on_valid_histories(
            (events, now) in valid_history(),
            goal in prop::option::of(0u32..120),
            estimate in prop::option::of(0u32..200),
        ) {
            let mut inp = input(&events, now, goal);
            inp.estimate_days = estimate;
            let f = compute(&inp);
            prop_assert!(f.total_days >= 0);
            prop_assert!(f.authority_days >= 0);
            prop_assert!(f.applicant_days >= 0);
            prop_assert!(f.authority_days + f.applicant_days <= f.total_days);
            if let Some(used) = f.goal_days_used {
                prop_assert!(used >= 0);
                prop_assert!(used <= f.authority_days);
            }
            // Without a reopening nobody holds an open or finished case before its end, so the
            // two parties' days make up the whole.
            if !events.iter().any(|e| e.kind == E::Reopened) {
                prop_assert_eq!(f.authority_days + f.applicant_days, f.total_days);
            }
            // The intervals are the applicant's days.
            let today = copenhagen_date(now);
            let interval_days: i64 = f
                .applicant_intervals
                .iter()
                .map(|i| {
                    let to = i.to.map_or(today, copenhagen_date);
                    to.signed_duration_since(copenhagen_date(i.from)).num_days()
                })
                .sum();
            prop_assert_eq!(interval_days, f.applicant_days);
            let life = replay(events.iter().map(|e| e.kind)).unwrap();
            prop_assert_eq!(f.must_act, life.must_act());
            if !life.state.is_open() {
                prop_assert_eq!(&f.expected, &None);
            }
        }

        #[test]
        fn the_date_read_later_is_the_date_computed_later(
            (events, now) in valid_history(),
            goal in prop::option::of(0u32..120),
            estimate in prop::option::of(0u32..200),
            later_minutes in 0i64..(60 * 24 * 90),
        ) {
            // What the case row keeps: the figures at its latest event.
            let as_of = events.iter().map(|e| e.at).max().unwrap_or(now);
            let mut at_event = input(&events, as_of, goal);
            at_event.estimate_days = estimate;
            let kept = compute(&at_event);
            // What the clock says on any later day, with nothing happening in between.
            let later = as_of + chrono::TimeDelta::minutes(later_minutes);
            let mut read_later = input(&events, later, goal);
            read_later.estimate_days = estimate;
            prop_assert_eq!(
                expected_as_of(kept.expected, as_of, kept.must_act, later),
                compute(&read_later).expected
            );
        }

        #[test]
        fn total_on_any_history(
            raw in prop::collection::vec((0usize..15, -3000i64..3000), 0..30),
            now_offset in -3000i64..3000,
        ) {
            let base = utc(2026, 6, 1, 0, 0);
            let events: Vec<ClockEvent> = raw
                .into_iter()
                .map(|(k, m)| ClockEvent {
                    at: base + chrono::TimeDelta::minutes(m * 7),
                    kind: EventKind::ALL[k],
                })
                .collect();
            let f = compute(&input(&events, base + chrono::TimeDelta::minutes(now_offset), Some(10)));
            prop_assert!(f.total_days >= 0 && f.authority_days >= 0 && f.applicant_days >= 0);
            prop_assert!(f.authority_days + f.applicant_days <= f.total_days);
        }
    }
}
