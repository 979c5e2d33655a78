//! The synthetic national data set for benchmarks: N realistic cases across all 98
//! municipalities, with histories replayed through the domain's state machine and clock and
//! written in large batches.

use app::db::authorities::{Authority, CaseType, ServiceGoal};
use app::db::cases::{BulkCase, Case};
use app::db::events::{CaseEvent, NewCaseEvent};
use app::db::statistics::DecisionFigures;
use app::db::{Conn, Database};
use app::domain::clock::{self, ClockEvent, ClockInput};
use app::domain::lifecycle::{self, EventKind, Lifecycle};
use app::domain::local_time::copenhagen_date;
use app::domain::reference::CaseReference;
use app::in_transaction;
use app::services::case_events::{decision_figures, visible_to_applicant};
use app::state::now_utc;
use chrono::{Datelike, NaiveDateTime, TimeDelta};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use std::collections::HashMap;

/// Cases per transaction: large enough to amortise commits, small enough for both backends'
/// limits on bound parameters.
const CASES_PER_BATCH: usize = 500;
const EVENTS_PER_INSERT: usize = 2000;

const FIRST_NAMES: &[&str] = &[
    "Anne", "Jens", "Mette", "Lars", "Sofie", "Peter", "Ida", "Mads", "Karen", "Ahmad", "Fatima",
    "Niels",
];
const LAST_NAMES: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
];
const COMPANY_WORDS: &[&str] = &[
    "Byg",
    "Tømrer",
    "Energi",
    "Ejendomme",
    "Entreprise",
    "Anlæg",
    "Miljø",
    "Bolig",
];
const STREETS: &[&str] = &[
    "Vestergade",
    "Østergade",
    "Nørregade",
    "Søndergade",
    "Skovvej",
    "Engvej",
    "Kirkevej",
    "Møllevej",
    "Stationsvej",
    "Havnevej",
    "Bøgevej",
    "Ahornvej",
];

/// One synthetic case before it is written.
struct Planned {
    row_index: usize,
    events: Vec<(EventKind, NaiveDateTime)>,
    /// The clock's figures the statistics keep, when the case ends decided.
    figures: Option<DecisionFigures>,
}

/// Generates `count` cases (seeded for repeatability) and reports progress on stderr; all at
/// one authority when `only_authority` names it (to load one queue), else spread over all.
pub async fn generate(
    db: &Database,
    count: u64,
    seed: u64,
    only_authority: Option<i32>,
) -> anyhow::Result<()> {
    let mut conn = db.conn().await?;
    let authorities: Vec<Authority> = Authority::all(&mut conn)
        .await?
        .into_iter()
        .filter(|a| only_authority.is_none_or(|code| a.code == code))
        .collect();
    if authorities.is_empty() {
        anyhow::bail!("no such authority: {only_authority:?}");
    }
    let types = CaseType::all(&mut conn).await?;
    let goals: HashMap<String, u32> = ServiceGoal::all(&mut conn)
        .await?
        .into_iter()
        .filter_map(|g| Some((g.category, u32::try_from(g.target_days).ok()?)))
        .collect();
    let mut next_id = Case::max_id(&mut conn).await? + 1;
    let mut sequences = sequences_by_authority_year(&mut conn).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let now = now_utc();

    let progress = ProgressBar::new(count);
    progress.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} sager ({per_sec}, {eta} tilbage)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let mut remaining = count;
    while remaining > 0 {
        let batch = remaining.min(CASES_PER_BATCH as u64) as usize;
        let mut rows = Vec::with_capacity(batch);
        let mut plans = Vec::with_capacity(batch);
        for _ in 0..batch {
            let authority = authorities.choose(&mut rng).map_or(101, |a| a.code);
            let Some(case_type) = types.choose(&mut rng) else {
                anyhow::bail!("no application types")
            };
            let category = case_type
                .goal_category_list()
                .choose(&mut rng)
                .map(|c| c.to_string());
            let goal_days = category.as_ref().and_then(|c| goals.get(c).copied());
            let submitted = now - TimeDelta::minutes(rng.random_range(60..(3 * 365 * 24 * 60)));
            let events = plan_history(&mut rng, submitted, now);
            let plan_index = rows.len();
            let (row, figures) = build_row(
                &mut rng,
                next_id,
                authority,
                case_type,
                category,
                goal_days,
                &events,
                now,
                &mut sequences,
            );
            rows.push(row);
            plans.push(Planned {
                row_index: plan_index,
                events,
                figures,
            });
            next_id += 1;
        }
        write_batch(&mut conn, &rows, &plans).await?;
        remaining -= batch as u64;
        progress.inc(batch as u64);
    }
    for ((authority, year), last) in &sequences {
        Case::raise_sequence(&mut conn, *authority, *year, *last).await?;
    }
    advance_id_sequence(&mut conn).await?;
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        cases = count,
        seconds,
        per_second = count as f64 / seconds.max(0.001),
        "synthetic cases generated"
    );
    Ok(())
}

async fn sequences_by_authority_year(conn: &mut Conn) -> anyhow::Result<HashMap<(i32, i32), i64>> {
    Ok(Case::sequences(conn)
        .await?
        .into_iter()
        .map(|(a, y, v)| ((a, y), v))
        .collect())
}

/// A plausible history: most cases reach a decision, some wait for the applicant once or
/// twice, a few are withdrawn; nothing lies in the future.
fn plan_history(
    rng: &mut StdRng,
    submitted: NaiveDateTime,
    now: NaiveDateTime,
) -> Vec<(EventKind, NaiveDateTime)> {
    use EventKind::*;
    let mut events = vec![(Submitted, submitted)];
    let mut at = submitted;
    let mut step = |rng: &mut StdRng, min_days: i64, max_days: i64| -> Option<NaiveDateTime> {
        at += TimeDelta::hours(rng.random_range(min_days * 24..=max_days * 24));
        (at < now).then_some(at)
    };
    let script: Vec<(EventKind, i64, i64)> = {
        let mut s = vec![(Registered, 0, 4)];
        if rng.random_bool(0.35) {
            s.push((InformationRequested, 1, 8));
            s.push((InformationReceived, 2, 25));
        }
        if rng.random_bool(0.04) {
            s.push((Withdrawn, 1, 30));
            s
        } else {
            s.push((DeclaredComplete, 0, 10));
            if rng.random_bool(0.25) {
                s.push((InformationRequested, 3, 20));
                s.push((InformationReceived, 2, 30));
            }
            if rng.random_bool(0.15) {
                s.push((HearingStarted, 2, 15));
                s.push((HearingEnded, 14, 21));
            }
            s.push((Decided, 5, 45));
            if rng.random_bool(0.7) {
                s.push((Closed, 1, 30));
            }
            s
        }
    };
    for (kind, min, max) in script {
        match step(rng, min, max) {
            Some(t) => events.push((kind, t)),
            None => break,
        }
    }
    events
}

#[allow(clippy::too_many_arguments)]
fn build_row<'a>(
    rng: &mut StdRng,
    id: i64,
    authority: i32,
    case_type: &'a CaseType,
    category: Option<String>,
    goal_days: Option<u32>,
    events: &[(EventKind, NaiveDateTime)],
    now: NaiveDateTime,
    sequences: &mut HashMap<(i32, i32), i64>,
) -> (BulkCase<'a>, Option<DecisionFigures>) {
    let submitted = events[0].1;
    let year = copenhagen_date(submitted).year();
    let sequence = sequences.entry((authority, year)).or_insert(0);
    *sequence += 1;
    let reference = CaseReference::new(
        u16::try_from(authority).unwrap_or(0),
        u16::try_from(year).unwrap_or(0),
        u32::try_from(*sequence).unwrap_or(u32::MAX),
    );
    let lifecycle =
        lifecycle::replay(events.iter().map(|(k, _)| *k)).unwrap_or(Lifecycle::NEW_DRAFT);
    let clock_events: Vec<ClockEvent> = events
        .iter()
        .map(|&(kind, at)| ClockEvent { at, kind })
        .collect();
    let figures = clock::compute(&ClockInput {
        events: &clock_events,
        now,
        goal_days,
        not_covered_reason: None,
        estimate_days: None,
    });
    let kept = decision_figures(id, authority, &case_type.code, &figures);
    let at_of = |kind: EventKind| events.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t);
    let business = rng.random_bool(0.45);
    let (applicant_kind, applicant_subject, applicant_cvr, applicant_name) = if business {
        let cvr = format!("{:08}", rng.random_range(10_000_000..99_999_999));
        let name = format!(
            "{} {} ApS",
            LAST_NAMES.choose(rng).unwrap_or(&"Jensen"),
            COMPANY_WORDS.choose(rng).unwrap_or(&"Byg")
        );
        ("business", None, Some(cvr), name)
    } else {
        let name = format!(
            "{} {}",
            FIRST_NAMES.choose(rng).unwrap_or(&"Anne"),
            LAST_NAMES.choose(rng).unwrap_or(&"Jensen")
        );
        ("person", Some(format!("synthetic-{id}")), None, name)
    };
    let row = BulkCase {
        id,
        reference: Some(reference.to_string()),
        authority_code: authority,
        case_type_code: &case_type.code,
        service_goal_category: category,
        title: case_type.name_da.chars().take(60).collect(),
        channel: if rng.random_bool(0.9) {
            "portal"
        } else {
            "email"
        },
        applicant_kind,
        applicant_subject,
        applicant_cvr,
        applicant_name,
        property_address: format!(
            "{} {}, {}",
            STREETS.choose(rng).unwrap_or(&"Vestergade"),
            rng.random_range(1..200),
            authority
        ),
        cadastral_number: format!(
            "{}{} Bygrunde",
            rng.random_range(1..400),
            ["a", "b", "c", ""][rng.random_range(0..4)]
        ),
        description: "Syntetisk sag til belastningstest.",
        form_data: "{}",
        state: lifecycle.state.as_str(),
        declared_complete: lifecycle.declared_complete,
        must_act: lifecycle.must_act().as_str(),
        esdh_number: at_of(EventKind::Registered).map(|_| format!("{year}-{id:08}")),
        created_at: submitted,
        submitted_at: Some(submitted),
        complete_at: at_of(EventKind::DeclaredComplete),
        decided_at: at_of(EventKind::Decided),
        updated_at: events.last().map_or(submitted, |(_, t)| *t),
        expected_decision_on: figures.expected.map(|e| e.date),
        version: i64::try_from(events.len()).unwrap_or(0),
        // Not from the seeded generator: a tracking token must not be predictable.
        tracking_token: Some(app::db::cases::new_secret_token()),
    };
    (row, kept)
}

async fn write_batch(
    conn: &mut Conn,
    rows: &[BulkCase<'_>],
    plans: &[Planned],
) -> anyhow::Result<()> {
    let mut kinds: Vec<(
        i64,
        i32,
        EventKind,
        NaiveDateTime,
        &'static str,
        &'static str,
        i32,
    )> = Vec::new();
    for plan in plans {
        let row = &rows[plan.row_index];
        let mut current = Lifecycle::NEW_DRAFT;
        for (seq, (kind, at)) in plan.events.iter().enumerate() {
            current = lifecycle::apply(current, *kind).unwrap_or(current);
            kinds.push((
                row.id,
                i32::try_from(seq + 1).unwrap_or(i32::MAX),
                *kind,
                *at,
                current.state.as_str(),
                current.must_act().as_str(),
                row.authority_code,
            ));
        }
    }
    let figures: Vec<DecisionFigures> = plans.iter().filter_map(|p| p.figures.clone()).collect();
    let events: Vec<NewCaseEvent<'_>> = kinds
        .iter()
        .map(
            |(case_id, seq, kind, at, state, must_act, authority_code)| NewCaseEvent {
                case_id: *case_id,
                seq: *seq,
                kind: kind.as_str(),
                actor_kind: match kind {
                    EventKind::Submitted
                    | EventKind::InformationReceived
                    | EventKind::Withdrawn => "applicant",
                    _ => "caseworker",
                },
                actor_user_id: None,
                actor_label: "Syntetisk",
                occurred_at: *at,
                state_after: state,
                must_act_after: must_act,
                visible_to_applicant: visible_to_applicant(*kind),
                public_text: None,
                internal_text: None,
                data: "{}",
                authority_code: *authority_code,
            },
        )
        .collect();
    let result: Result<(), app::db::DbError> = in_transaction!(conn, {
        Case::insert_bulk(conn, rows).await?;
        for chunk in events.chunks(EVENTS_PER_INSERT) {
            CaseEvent::append_many(conn, chunk).await?;
        }
        DecisionFigures::insert_many(conn, &figures).await?;
        Ok(())
    });
    Ok(result?)
}

/// Explicit ids bypass PostgreSQL's identity sequence: move it past them.
async fn advance_id_sequence(conn: &mut Conn) -> anyhow::Result<()> {
    Case::advance_id_sequence(conn).await?;
    Ok(())
}
