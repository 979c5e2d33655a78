//! `sagsspor bench`: the caseworker queue, the statistics, the decision letters and the integration
//! API's changes feed measured on the configured database, as median and 99th percentile. Figures for the README and the notes, never asserted
//! in a test (a timed test fails on a busy machine and proves nothing on an idle one).

use app::db::authorities::ServiceGoal;
use app::db::events::{CaseEvent, FeedPosition};
use app::db::queue::{AssigneeFilter, GoalFilter, QueueQuery, QueueSort, StateFilter};
use app::db::Database;
use app::decision_pdf::{complaint_guidance, render, DecisionDomain, DecisionLetter};
use app::domain::lifecycle::{CaseState, Phase};
use app::domain::local_time::copenhagen_date;
use app::services::statistics::{self, Comparison};
use app::state::now_utc;
use std::time::{Duration, Instant};

/// The varied views a caseworker asks for, cycled through.
fn queue_views(authority_code: i32, me: i64) -> Vec<QueueQuery> {
    let base = QueueQuery {
        authority_code,
        state: StateFilter::Open,
        case_type: None,
        assignee: AssigneeFilter::Anyone,
        goal: GoalFilter::Any,
        phase: None,
        search: None,
        sort: QueueSort::Expected,
        page: 1,
    };
    let with = |change: &dyn Fn(&mut QueueQuery)| {
        let mut q = base.clone();
        change(&mut q);
        q
    };
    vec![
        base.clone(),
        with(&|q| q.page = 40),
        with(&|q| q.sort = QueueSort::Received),
        with(&|q| q.state = StateFilter::One(CaseState::AwaitingApplicant)),
        with(&|q| q.state = StateFilter::All),
        with(&|q| q.case_type = Some("byg_enfamiliehus".into())),
        with(&|q| q.assignee = AssigneeFilter::Me(me)),
        with(&|q| q.assignee = AssigneeFilter::Unassigned),
        with(&|q| q.goal = GoalFilter::AtRisk),
        with(&|q| q.goal = GoalFilter::Missed),
        with(&|q| q.phase = Some(Phase::Processing)),
        with(&|q| q.search = Some("vej".into())),
        with(&|q| q.search = Some("12345678".into())),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    println!(
        "{what}: n={} median={:.2} ms p99={:.2} ms max={:.2} ms",
        times.len(),
        percentile(&times, 50.0).as_secs_f64() * 1000.0,
        percentile(&times, 99.0).as_secs_f64() * 1000.0,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
}

/// Runs both benchmarks and prints their figures.
pub async fn run(db: &Database, authority_code: i32, requests: usize) -> anyhow::Result<()> {
    let mut conn = db.conn().await?;
    let total = app::db::cases::Case::count(&mut conn).await?;
    println!("database: {total} cases");
    let goals: Vec<(String, i32)> = ServiceGoal::all(&mut conn)
        .await?
        .into_iter()
        .map(|g| (g.category, g.target_days))
        .collect();
    let today = copenhagen_date(now_utc());
    let views = queue_views(authority_code, 1);
    let mut times = Vec::with_capacity(requests);
    let mut per_view: Vec<Vec<Duration>> = vec![Vec::new(); views.len()];
    for i in 0..requests {
        let view = &views[i % views.len()];
        let started = Instant::now();
        let page = view.run(&mut conn, today, &goals).await?;
        let took = started.elapsed();
        if i < views.len() {
            println!("  view {i:>2}: {} matches", page.total);
        }
        times.push(took);
        per_view[i % views.len()].push(took);
    }
    report(
        &format!("queue of {authority_code} (page, total and state counts)"),
        times,
    );
    for (i, view_times) in per_view.into_iter().enumerate() {
        report(&format!("  view {i:>2}"), view_times);
    }

    // The statistics page's work: one comparison over the latest year, alternating between every
    // authority on a common type and one authority across its types.
    let comparisons = [
        Comparison::AuthoritiesOnType(statistics::DEFAULT_CASE_TYPE.to_string()),
        Comparison::TypesAtAuthority(authority_code),
        Comparison::AuthoritiesOnType("byg_enfamiliehus".to_string()),
    ];
    let mut times = Vec::new();
    let mut per_comparison: Vec<Vec<Duration>> = vec![Vec::new(); comparisons.len()];
    for i in 0..(requests / 10).max(comparisons.len()) {
        let comparison = &comparisons[i % comparisons.len()];
        let started = Instant::now();
        let figures = statistics::compute(
            &mut conn,
            comparison,
            today - chrono::TimeDelta::days(364),
            today,
            app::i18n::Locale::Da,
        )
        .await?;
        let took = started.elapsed();
        if i < comparisons.len() {
            println!(
                "  statistics {i}: {} groups, {} decided, {} received",
                figures.groups.len(),
                figures.all.decided,
                figures.all.received
            );
        }
        times.push(took);
        per_comparison[i % comparisons.len()].push(took);
    }
    report("statistics for a year (figures, not page rendering)", times);
    for (i, comparison_times) in per_comparison.into_iter().enumerate() {
        report(&format!("  statistics {i}"), comparison_times);
    }

    // The integration API's changes feed: an ESDH walking its authority's whole history in pages
    // of 100 from the start, then polling at the end (the steady state: nothing new).
    let mut times = Vec::new();
    let mut position = FeedPosition::default();
    let mut handed_out = 0;
    for _ in 0..(requests / 10).max(1) {
        let started = Instant::now();
        let page =
            CaseEvent::changes_for_authority(&mut conn, authority_code, position, 100).await?;
        times.push(started.elapsed());
        handed_out += page.len();
        match page.last() {
            Some((event, _)) => position = event.feed_position(),
            None => break,
        }
    }
    report(
        &format!(
            "changes feed of {authority_code}, pages of 100 from the start ({handed_out} changes)"
        ),
        times,
    );
    let mut times = Vec::new();
    let mut end = position;
    loop {
        let page = CaseEvent::changes_for_authority(&mut conn, authority_code, end, 1000).await?;
        match page.last() {
            Some((event, _)) => end = event.feed_position(),
            None => break,
        }
    }
    for _ in 0..requests {
        let started = Instant::now();
        CaseEvent::changes_for_authority(&mut conn, authority_code, end, 100).await?;
        times.push(started.elapsed());
    }
    report("changes feed, polling at the end", times);

    let letter = DecisionLetter {
        authority_name: "Aalborg Kommune".into(),
        authority_address_lines: vec!["Region Nordjylland".into()],
        letter_date: today,
        reference: "851-2026-000123-4".into(),
        esdh_number: Some("2026-01234".into()),
        applicant_name: "Nordbyg ApS".into(),
        property_address: "Engvej 7, 9000 Aalborg".into(),
        cadastral_number: "7b Aalborg Bygrunde".into(),
        heading: "Tilladelse til carport".into(),
        outcome_label: "Tilladelse med vilkår".into(),
        decision_text: "Kommunen giver tilladelse til en åben carport på 36 m² som ansøgt. "
            .repeat(12),
        conditions: vec![
            "Tagvand skal nedsives på egen grund.".into(),
            "Byggeriet skal færdigmeldes senest 14 dage efter afslutning.".into(),
        ],
        legal_basis: "Byggeloven og bygningsreglementet (BR18).".into(),
        complaint_guidance: complaint_guidance(DecisionDomain::Building, today),
        contact: "Aalborg Kommune — skriv til os på sagen i Sagsspor.".into(),
        case_folder_url: "https://sagsspor.example.dk/sager/851-2026-000123-4".into(),
    };
    let mut times = Vec::with_capacity(requests);
    let mut size = 0;
    for _ in 0..requests {
        let started = Instant::now();
        size = render(&letter)?.len();
        times.push(started.elapsed());
    }
    report(&format!("decision letter PDF ({size} bytes)"), times);
    Ok(())
}
