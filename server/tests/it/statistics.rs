//! The statistics on a small fixed data set whose figures are worked out by hand below, on both
//! databases: the page, the CSV and JSON downloads, and the caseworker's own figures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::statistics::{DecisionFigures, Scope};
use app::db::Conn;
use app::domain::lifecycle::EventKind;
use app::services::case_events::{self, EventRequest};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use support::events::*;
use support::web::*;

/// Day `n` of the data set, at noon UTC (the same date in Denmark).
fn day(n: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        + TimeDelta::days(n)
}

async fn step(conn: &mut Conn, case_id: i64, kind: EventKind, at: i64) {
    let mut request = EventRequest::new(kind, CASEWORKER, day(at));
    let esdh = format!("ESDH-{case_id}");
    request.esdh_number = Some(&esdh);
    request.not_covered_reason = Some("Lovliggørelse");
    case_events::record(conn, case_id, None, &request)
        .await
        .unwrap();
}

/// Four decided carport cases and one open one:
///
/// | case | authority | history (days)                                           | total | authority | applicant | goal days | goal |
/// |------|-----------|----------------------------------------------------------|-------|-----------|-----------|-----------|------|
/// | A    | 851       | sent 0, registered 1, complete 2, decided 12             | 12    | 12        | 0         | 10        | kept |
/// | B    | 851       | sent 0, registered 1, asked 2, answered 7, complete 8, decided 58 | 58 | 53 | 5    | 50        | missed (goal 40) |
/// | C    | 851       | sent 0, registered 1, not covered 1, complete 2, decided 22 | 22  | 22        | 0         | —         | not covered |
/// | D    | 101       | sent 0, registered 0, complete 1, decided 6              | 6     | 6         | 0         | 5         | kept |
/// | E    | 851       | sent 3, still open                                        |       |           |           |           |      |
async fn fixed_data_set(conn: &mut Conn) {
    let a = sent_case_to(conn, 851, Some("a"), None, None, day(0)).await;
    step(conn, a.id, EventKind::Registered, 1).await;
    step(conn, a.id, EventKind::DeclaredComplete, 2).await;
    step(conn, a.id, EventKind::Decided, 12).await;

    let b = sent_case_to(conn, 851, Some("b"), None, None, day(0)).await;
    step(conn, b.id, EventKind::Registered, 1).await;
    case_events::request_information(
        conn,
        b.id,
        None,
        CASEWORKER,
        "",
        &[("Tegning".to_string(), day(20).date())],
        day(2),
    )
    .await
    .unwrap();
    step(conn, b.id, EventKind::InformationReceived, 7).await;
    step(conn, b.id, EventKind::DeclaredComplete, 8).await;
    step(conn, b.id, EventKind::Decided, 58).await;

    let c = sent_case_to(conn, 851, Some("c"), None, None, day(0)).await;
    step(conn, c.id, EventKind::Registered, 1).await;
    step(conn, c.id, EventKind::GoalNotCovered, 1).await;
    step(conn, c.id, EventKind::DeclaredComplete, 2).await;
    step(conn, c.id, EventKind::Decided, 22).await;

    let d = sent_case_to(conn, 101, Some("d"), None, None, day(0)).await;
    step(conn, d.id, EventKind::Registered, 0).await;
    step(conn, d.id, EventKind::DeclaredComplete, 1).await;
    step(conn, d.id, EventKind::Decided, 6).await;

    sent_case_to(conn, 851, Some("e"), None, None, day(3)).await;
}

const FILTER: &str = "type=byg_garage_carport_udhus&fra=2026-03-01&til=2026-06-30";

both_backends!(figures_match_the_hand_computed_data_set, |db| async move {
    let mut conn = db.conn().await.unwrap();
    fixed_data_set(&mut conn).await;

    // The clock's figures as kept per case: the applicant's five days never count as the authority's.
    let scope = Scope {
        authority_code: Some(851),
        case_type_code: None,
    };
    let mut kept =
        DecisionFigures::decided_between(&mut conn, &scope, day(0).date(), day(90).date())
            .await
            .unwrap();
    kept.sort_by_key(|f| f.total_days);
    let rows: Vec<(i32, i32, i32, Option<i32>, &str)> = kept
        .iter()
        .map(|f| {
            (
                f.total_days,
                f.authority_days,
                f.applicant_days,
                f.goal_days_used,
                f.goal_status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (12, 12, 0, Some(10), "kept"),
            (22, 22, 0, None, "not_covered"),
            (58, 53, 5, Some(50), "missed"),
        ]
    );
    drop(conn);

    let json = get(
        &db,
        RunMode::Demo,
        &format!("/statistik/data.json?{FILTER}"),
    )
    .await;
    assert_eq!(json.status, StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert!(body["licence"].as_str().unwrap().starts_with("CC BY 4.0"));
    let groups = body["statistics"]["groups"].as_array().unwrap();
    // Ranked by median days with the authority: Copenhagen (6) before Aalborg (22).
    assert_eq!(
        groups
            .iter()
            .map(|g| g["key"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["101", "851"]
    );
    let aalborg = &groups[1];
    assert_eq!(aalborg["received"], 4);
    assert_eq!(aalborg["decided"], 3);
    assert_eq!(aalborg["open"], 1);
    // Nearest rank of three values: median is the 2nd, the 90th percentile the 3rd.
    assert_eq!(
        aalborg["total_days"],
        serde_json::json!({"median": 22, "p90": 58})
    );
    assert_eq!(
        aalborg["authority_days"],
        serde_json::json!({"median": 22, "p90": 53})
    );
    assert_eq!(
        aalborg["applicant_days"],
        serde_json::json!({"median": 0, "p90": 5})
    );
    // Service-goal days of the two covered cases only: 10 and 50.
    assert_eq!(
        aalborg["goal_days"],
        serde_json::json!({"median": 10, "p90": 50})
    );
    assert_eq!(
        aalborg["within_goal_share"], 0.5,
        "C is left out of the goal share"
    );
    assert!(
        (aalborg["not_covered_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9,
        "and counted here"
    );
    assert_eq!(
        aalborg["not_covered_reasons"],
        serde_json::json!([["marked:Lovliggørelse", 1]])
    );
    let all = &body["statistics"]["all"];
    assert_eq!(
        (all["received"].as_i64(), all["decided"].as_i64()),
        (Some(5), Some(4))
    );
    // The trend: March holds A, C and D; April holds B.
    let trend = body["statistics"]["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 4);
    assert_eq!(
        (trend[0]["month"].as_str(), trend[0]["decided"].as_i64()),
        (Some("2026-03"), Some(3))
    );
    assert_eq!(
        (trend[1]["month"].as_str(), trend[1]["decided"].as_i64()),
        (Some("2026-04"), Some(1))
    );
    assert_eq!(trend[1]["authority_days_median"], 53);

    let csv = get(&db, RunMode::Demo, &format!("/statistik/data.csv?{FILTER}")).await;
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].starts_with("key,name,period_from,period_to,received,decided,open,"));
    assert_eq!(
        lines[2],
        "\"851\",\"Aalborg\",2026-03-01,2026-06-30,4,3,1,22,58,22,53,0,5,10,50,0.5000,0.3333"
    );
    assert_eq!(lines.len(), 4, "two authorities and the total");

    let page = get(&db, RunMode::Serve, &format!("/statistik?{FILTER}")).await;
    assert_eq!(page.status, StatusCode::OK, "public, no login");
    assert!(page.body.contains("<svg") && page.body.contains("data-testid=\"statistics-table\""));
    let reasons = page
        .body
        .split("data-testid=\"not-covered-reasons\"")
        .nth(1)
        .unwrap();
    assert!(reasons[..200].contains("Lovliggørelse"), "{reasons}");
    assert!(page.body.contains(
        "/statistik/data.csv?fra=2026-03-01&amp;til=2026-06-30&amp;type=byg_garage_carport_udhus"
    ));

    // One authority across its types: only Aalborg's cases.
    let own = get(
        &db,
        RunMode::Demo,
        "/statistik/data.json?myndighed=851&fra=2026-03-01&til=2026-06-30",
    )
    .await;
    let body: serde_json::Value = serde_json::from_str(&own.body).unwrap();
    assert_eq!(body["statistics"]["all"]["decided"], 3);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_filters_are_named_on_the_page_and_in_the_download() {
    let test_db = support::TestDb::sqlite().await;
    let page = get(&test_db.db, RunMode::Demo, "/statistik?fra=31-12-2026").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Skriv datoen som ÅÅÅÅ-MM-DD")
            && page.body.contains("value=\"31-12-2026\"")
    );
    let json = get(
        &test_db.db,
        RunMode::Demo,
        "/statistik/data.json?fra=2026-06-01&til=2026-01-01",
    )
    .await;
    assert_eq!(json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json.headers["content-type"], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(problem["field"], "fra");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseworker_sees_the_own_authority_with_look_ups_and_cases_at_risk() {
    let (test_db, cases) = demo_db().await;
    let db = test_db.db.clone();
    let anonymous = get(&db, RunMode::Demo, "/sagsbehandling/statistik").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let citizen = login(&db, "borger").await;
    assert_eq!(
        get_as(&db, RunMode::Demo, "/sagsbehandling/statistik", &citizen)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The citizen looks up one of their cases twice: two look-ups for that authority this month.
    let case = cases
        .iter()
        .find(|c| {
            [101, 851].contains(&c.authority_code)
                && c.applicant_subject.as_deref() == Some("demo-borger")
        })
        .unwrap();
    let folder = format!("/sager/{}", case.reference.as_deref().unwrap());
    let caseworker = login(&db, &format!("sagsbehandler-{}", case.authority_code)).await;
    let lookups = |body: &str| -> i64 {
        let at = body.find("data-testid=\"lookups\">").unwrap() + "data-testid=\"lookups\">".len();
        body[at..]
            .split('<')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let before = get_as(&db, RunMode::Demo, "/sagsbehandling/statistik", &caseworker).await;
    assert_eq!(before.status, StatusCode::OK);
    let first = lookups(&before.body);
    for _ in 0..2 {
        assert_eq!(
            get_as(&db, RunMode::Demo, &folder, &citizen).await.status,
            StatusCode::OK
        );
    }
    // A caseworker's own look at the folder is no applicant's look-up.
    get_as(&db, RunMode::Demo, &folder, &caseworker).await;
    let after = get_as(&db, RunMode::Demo, "/sagsbehandling/statistik", &caseworker).await;
    assert_eq!(lookups(&after.body), first + 2);
    assert!(after.body.contains("data-testid=\"at-risk\""));
    assert!(after.body.contains("data-testid=\"statistics-table\""));
}
