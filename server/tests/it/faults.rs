//! Sagsspor under faults: clients that go away in the middle of a write, retries racing each
//! other, conflicts answered while another write commits, several instances starting at once, a
//! worker stopped mid-batch, and storage that takes no writes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::outbox::{NewOutboxMessage, OutboxMessage};
use app::db::Database;
use app::services::document_store::DocumentStore;
use app::services::notifications;
use app::state::{now_utc, AppState};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::api::{api, call, new_case, register, token_for};
use support::web::{send_to, Answer};
use tower::ServiceExt as _;

/// Sends the same requests at once through one router; answers in the order sent.
async fn all_at_once(db: &Database, requests: Vec<Request<Body>>) -> Vec<(StatusCode, String)> {
    let router = server::http::router(AppState::new(db.clone(), RunMode::Demo));
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let router = router.clone();
            tokio::spawn(async move {
                let response = router.oneshot(request).await.unwrap();
                let status = response.status();
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                (status, String::from_utf8_lossy(&bytes).into_owned())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

// --- 14: a client that goes away in the middle of a write ---------------------------------

both_backends!(
    writes_dropped_mid_flight_leave_no_transaction_behind,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let case = register(db, &token, "ESDH-DROP-0").await;
        let reference = case["reference"].as_str().unwrap().to_string();
        let router = server::http::router(AppState::new(db.clone(), RunMode::Demo));
        // A pool that has served a busy moment: several idle connections, handed out oldest first.
        let busy: Vec<_> = futures_util::future::join_all((0..8).map(|_| db.conn())).await;
        drop(busy);

        // Fifty registrations, each abandoned at another moment of its work (the client resets
        // the connection and hyper drops the request's future wherever it is), each followed by
        // a registration that must not wait for the abandoned one: a stall is SQLite's busy
        // timeout (10 s) or, on PostgreSQL, a row lock held until the pool happens to hand the
        // abandoned connection out again.
        let timed = |request| async move {
            let started = Instant::now();
            let answer = tokio::time::timeout(Duration::from_secs(5), call(db, request))
                .await
                .expect("the request is answered")
                .0;
            (answer, started.elapsed())
        };
        let mut slowest = Duration::ZERO;
        for n in 0..50_u64 {
            let request = api(
                "POST",
                "/api/v1/cases",
                &token,
                Some(&new_case(&format!("ESDH-DROP-{n}"))),
                &[],
            );
            let abandoned = router.clone().oneshot(request);
            let _ = tokio::time::timeout(Duration::from_millis(1 + 2 * n), abandoned).await;
            let next = new_case(&format!("ESDH-NEXT-{n}"));
            let (answer, took) =
                timed(api("POST", "/api/v1/cases", &token, Some(&next), &[])).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
            slowest = slowest.max(took);
        }
        assert!(
            slowest < Duration::from_secs(1),
            "slowest next write {slowest:?}"
        );
        // PostgreSQL shows it directly: no session of the pool is left inside a transaction.
        let mut conn = db.conn().await.unwrap();
        if let app::db::Conn::Postgres(c) = &mut conn {
            use diesel_async::RunQueryDsl as _;
            let open: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM pg_stat_activity \
                  WHERE datname = current_database() AND state LIKE 'idle in transaction%')",
            ))
            .get_result(&mut **c)
            .await
            .unwrap();
            assert_eq!(open, 0, "sessions left inside a transaction");
        }
        drop(conn);

        // Then the next read and the next write are as fast as ever.
        let (read, read_took) = timed(api(
            "GET",
            &format!("/api/v1/cases/{reference}"),
            &token,
            None,
            &[],
        ))
        .await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        let (written, write_took) = timed(api(
            "POST",
            "/api/v1/cases",
            &token,
            Some(&new_case("ESDH-AFTER")),
            &[],
        ))
        .await;
        assert_eq!(written.status, StatusCode::CREATED, "{}", written.body);
        assert!(
            read_took <= Duration::from_millis(100) && write_took <= Duration::from_millis(100),
            "after abandoned writes: read {read_took:?}, write {write_took:?}"
        );
    }
);

/// SQLite has one writer at a time: a read that wrote the client's last use would queue behind
/// every write (PostgreSQL's update skips a row its filter rules out without waiting).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_reads_do_not_wait_for_a_writer_to_note_the_clients_last_use() {
    let test_db = support::TestDb::sqlite().await;
    let db = &test_db.db;
    let token = token_for(db, 851).await;
    let case = register(db, &token, "ESDH-TOUCH-1").await;
    let uri = format!("/api/v1/cases/{}", case["reference"].as_str().unwrap());

    // Another writer holds the write lock while the case system reads.
    let mut writer = db.conn().await.unwrap();
    writer.begin().await.unwrap();
    let started = Instant::now();
    let (read, _) = tokio::time::timeout(
        Duration::from_secs(5),
        call(db, api("GET", &uri, &token, None, &[])),
    )
    .await
    .expect("a read does not wait for a writer");
    assert_eq!(read.status, StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    writer.rollback().await.unwrap();
}

// --- 15: retries racing with the same Idempotency-Key --------------------------------------

/// Every answer is the first one, byte for byte.
fn all_the_same(answers: &[(StatusCode, String)], expected: StatusCode) {
    for (status, body) in answers {
        assert_eq!(*status, expected, "{body}");
        assert_eq!(body, &answers[0].1, "a replay is the very same answer");
    }
}

both_backends!(
    identical_requests_sent_at_once_with_one_key_get_one_answer,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let body = new_case("ESDH-RACE-1");
        let key = [("idempotency-key", "race-case-1")];
        let requests = (0..8)
            .map(|_| api("POST", "/api/v1/cases", &token, Some(&body), &key))
            .collect();
        let answers = all_at_once(db, requests).await;
        all_the_same(&answers, StatusCode::CREATED);
        let mut conn = db.conn().await.unwrap();
        assert_eq!(Case::count(&mut conn).await.unwrap(), 1, "one case");
        drop(conn);

        let created: Value = serde_json::from_str(&answers[0].1).unwrap();
        let reference = created["reference"].as_str().unwrap();
        let etag = format!("\"{}\"", created["version"]);
        let uri = format!("/api/v1/cases/{reference}/events");
        // Without If-Match and with it: eight copies of one event, one recorded, one answer.
        let complete = json!({"kind": "declared_complete"});
        let key = [("idempotency-key", "race-event-1")];
        let requests = (0..8)
            .map(|_| api("POST", &uri, &token, Some(&complete), &key))
            .collect();
        all_the_same(&all_at_once(db, requests).await, StatusCode::CREATED);
        let note = json!({"kind": "note_added", "internal_text": "Talt med ansøger."});
        let (_, read) = call(
            db,
            api(
                "GET",
                &format!("/api/v1/cases/{reference}"),
                &token,
                None,
                &[],
            ),
        )
        .await;
        let etag_now = format!("\"{}\"", read["version"]);
        assert_ne!(etag_now, etag);
        let headers = [
            ("idempotency-key", "race-event-2"),
            ("if-match", etag_now.as_str()),
        ];
        let requests = (0..8)
            .map(|_| api("POST", &uri, &token, Some(&note), &headers))
            .collect();
        all_the_same(&all_at_once(db, requests).await, StatusCode::CREATED);

        let (_, read) = call(
            db,
            api(
                "GET",
                &format!("/api/v1/cases/{reference}"),
                &token,
                None,
                &[],
            ),
        )
        .await;
        let kinds: Vec<&str> = read["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["submitted", "registered", "declared_complete", "note_added"]
        );
    }
);

// --- 19: a conflict answered while another write commits -----------------------------------

both_backends!(
    a_conflict_reports_version_and_state_of_the_same_row,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        for round in 0..3 {
            let case = register(db, &token, &format!("ESDH-CONFLICT-{round}")).await;
            let reference = case["reference"].as_str().unwrap().to_string();
            let etag = format!("\"{}\"", case["version"]);
            let uri = format!("/api/v1/cases/{reference}/events");
            let complete = json!({"kind": "declared_complete"});
            // Half of the writers name the version they read, half do not.
            let requests = (0..8)
                .map(|n| {
                    let if_match = [("if-match", etag.as_str())];
                    let headers: &[(&str, &str)] = if n % 2 == 0 { &if_match } else { &[] };
                    api("POST", &uri, &token, Some(&complete), headers)
                })
                .collect();
            let answers = all_at_once(db, requests).await;
            let (_, read) = call(
                db,
                api(
                    "GET",
                    &format!("/api/v1/cases/{reference}"),
                    &token,
                    None,
                    &[],
                ),
            )
            .await;
            let state_at = |version: i64| {
                read["history"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["seq"].as_i64() == Some(version))
                    .map(|e| e["state_after"].as_str().unwrap().to_string())
            };
            let winners = answers
                .iter()
                .filter(|(status, _)| *status == StatusCode::CREATED)
                .count();
            assert_eq!(winners, 1, "{answers:?}");
            for (status, body) in &answers {
                let problem: Value = serde_json::from_str(body).unwrap();
                let Some(current_etag) = problem["current_etag"].as_str() else {
                    continue;
                };
                assert!(
                    *status == StatusCode::PRECONDITION_FAILED || *status == StatusCode::CONFLICT,
                    "{body}"
                );
                let version: i64 = current_etag.trim_matches('"').parse().unwrap();
                assert_eq!(
                    problem["current_state"].as_str().map(str::to_string),
                    state_at(version),
                    "current_state is the state of version {version}: {body}"
                );
            }
        }
    }
);

// --- 17: several instances starting together -----------------------------------------------

/// A fresh PostgreSQL database without migrations, its URL and a guard that drops it.
async fn empty_postgres() -> Option<(String, impl Drop)> {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
    let name = format!("sagsspor_test_{:016x}", rand::random::<u64>());
    let mut admin = AsyncPgConnection::establish(&admin_url).await.unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    struct DropDatabase(String, String);
    impl Drop for DropDatabase {
        fn drop(&mut self) {
            let (admin_url, name) = (self.0.clone(), self.1.clone());
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let mut admin = AsyncPgConnection::establish(&admin_url).await.ok()?;
                    admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
    let url = support::database_url_with_name(&admin_url, &name);
    Some((url, DropDatabase(admin_url, name)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_migrate_and_seed_one_postgresql_database_together() {
    let Some((url, _guard)) = empty_postgres().await else {
        eprintln!("TEST_DATABASE_URL is not set: skipped");
        return;
    };
    // Three instances: each its own pool, as three processes would have.
    let instances: Vec<Database> = (0..3)
        .map(|_| Database::open(Some(&url), std::path::Path::new("unused")).unwrap())
        .collect();
    let migrations: Vec<_> = instances
        .iter()
        .cloned()
        .map(|db| tokio::spawn(async move { db.migrate().await }))
        .collect();
    let mut applied = Vec::new();
    for migration in migrations {
        applied.push(migration.await.unwrap().expect("every instance migrates"));
    }
    applied.sort();
    assert_eq!(
        applied[..2],
        [0, 0],
        "the later instances find nothing to do"
    );
    assert!(applied[2] > 0);

    let documents = tempfile::tempdir().unwrap();
    let seeds: Vec<_> = instances
        .iter()
        .cloned()
        .map(|db| {
            let store = DocumentStore::new(documents.path(), 1024 * 1024);
            tokio::spawn(async move {
                server::cli::demo::seed_if_empty(&db, &store, "http://127.0.0.1:3000").await
            })
        })
        .collect();
    for seed in seeds {
        seed.await.unwrap().expect("every instance starts");
    }
    let mut conn = instances[0].conn().await.unwrap();
    assert_eq!(Case::count(&mut conn).await.unwrap(), 48, "the demo once");
}

// --- 16: the outbox worker stopped in the middle of a batch --------------------------------

/// An SMS gateway that takes its time: each message is answered after `delay`, and every
/// `Idempotency-Key` it got is recorded the moment the message arrives.
async fn slow_gateway(delay: Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    let log = received.clone();
    let router = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let log = log.clone();
            async move {
                let key = headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                log.lock().unwrap().push(key);
                tokio::time::sleep(delay).await;
                StatusCode::ACCEPTED
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received)
}

async fn fill_sms_outbox(db: &Database, count: usize, at: chrono::NaiveDateTime) {
    let payload = serde_json::to_string(&notifications::Payload {
        reference: "851-2026-000001-1".to_string(),
        title: "Carport".to_string(),
        authority: "Aalborg Kommune".to_string(),
        state: app::domain::lifecycle::CaseState::Submitted,
        must_act: app::domain::lifecycle::Party::Authority,
        expected_decision_on: None,
        public_text: None,
        items: Vec::new(),
        reader: notifications::Reader::PortalUser,
    })
    .unwrap();
    let mut conn = db.conn().await.unwrap();
    for n in 0..count {
        let key = format!("shutdown:{n}:sms:+452030405{n}");
        let recipient = format!("+452030405{n}");
        OutboxMessage::enqueue(
            &mut conn,
            &NewOutboxMessage {
                dedup_key: &key,
                case_id: None,
                event_id: None,
                user_id: None,
                topic: "submitted",
                channel: "sms",
                recipient: &recipient,
                language: "da",
                payload: &payload,
                status: "pending",
                next_attempt_at: at,
                created_at: at,
            },
        )
        .await
        .unwrap();
    }
}

both_backends!(
    a_stopping_worker_finishes_its_message_and_gives_the_rest_back,
    |db| async move {
        let db = &db;
        let dir = tempfile::tempdir().unwrap();
        let (url, received) = slow_gateway(Duration::from_millis(400)).await;
        let mut delivery = support::receiver::delivery(dir.path());
        delivery.sms = server::workers::outbox::SmsTransport::Gateway {
            url,
            token: None,
            sender: "Sagsspor".to_string(),
            client: openidconnect::reqwest::Client::new(),
        };
        let now = now_utc();
        fill_sms_outbox(db, 4, now).await;

        let (trigger, shutdown) = server::workers::shutdown::channel();
        let worker = {
            let (db, delivery) = (db.clone(), delivery.clone());
            let settings = support::mail::settings("stopping");
            tokio::spawn(async move {
                server::workers::outbox::deliver_due_until(
                    &db, &delivery, &settings, now, &shutdown,
                )
                .await
            })
        };
        // SIGTERM arrives while the first message is with the gateway.
        while received.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        trigger.trigger();
        let round = tokio::time::timeout(Duration::from_secs(5), worker)
            .await
            .expect("the worker stops within its grace period")
            .unwrap()
            .unwrap();
        assert_eq!(
            (round.sent, round.retried, round.failed),
            (1, 0, 0),
            "{round:?}"
        );

        // The other three are free at once — no lease to wait out, no attempt counted — and
        // another instance sends them: each message reached the gateway exactly once.
        let mut conn = db.conn().await.unwrap();
        assert_eq!(
            OutboxMessage::count_by_status(&mut conn, "sent")
                .await
                .unwrap(),
            1
        );
        let taken = OutboxMessage::claim_due(
            &mut conn,
            "other",
            now,
            now + chrono::TimeDelta::minutes(5),
            10,
        )
        .await
        .unwrap();
        assert_eq!(taken.len(), 3, "{taken:?}");
        assert!(taken.iter().all(|m| m.attempts == 1), "{taken:?}");
        let released: Vec<i64> = taken.iter().map(|m| m.id).collect();
        OutboxMessage::release(&mut conn, &released, "other")
            .await
            .unwrap();
        drop(conn);
        let rest = server::workers::outbox::deliver_due(
            db,
            &delivery,
            &support::mail::settings("other"),
            now,
        )
        .await
        .unwrap();
        assert_eq!(rest.sent, 3);
        let mut keys = received.lock().unwrap().clone();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 4);
        assert_eq!(received.lock().unwrap().len(), 4, "nothing sent twice");

        // The long-running worker task ends on the same signal.
        let (trigger, shutdown) = server::workers::shutdown::channel();
        let task = server::workers::outbox::spawn(
            db.clone(),
            delivery,
            support::mail::settings("spawned"),
            shutdown,
        );
        trigger.trigger();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the worker task ends")
            .unwrap();
    }
);

// --- 20: storage that takes no writes ------------------------------------------------------

/// The same database, opened so that it takes no writes: SQLite read-only, PostgreSQL with
/// read-only transactions (as on a full disk or a standby).
async fn read_only(db: &Database, sqlite_dir: Option<&std::path::Path>) -> Database {
    use diesel_async::SimpleAsyncConnection as _;
    match db.backend() {
        app::db::Backend::Sqlite => {
            let path = sqlite_dir.unwrap().join("sagsspor.db");
            Database::open(
                Some(&format!("file:{}?mode=ro", path.display())),
                std::path::Path::new("unused"),
            )
            .unwrap()
        }
        app::db::Backend::Postgres => {
            use diesel_async::RunQueryDsl;
            let mut conn = db.conn().await.unwrap();
            let app::db::Conn::Postgres(c) = &mut conn else {
                unreachable!()
            };
            let name: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "current_database()",
            ))
            .get_result(&mut **c)
            .await
            .unwrap();
            c.batch_execute(&format!(
                "ALTER DATABASE {name} SET default_transaction_read_only = on"
            ))
            .await
            .unwrap();
            // A new pool: its sessions start read-only.
            let url = std::env::var("TEST_DATABASE_URL").unwrap();
            Database::open(
                Some(&support::database_url_with_name(&url, &name)),
                std::path::Path::new("unused"),
            )
            .unwrap()
        }
    }
}

async fn readiness(state: AppState) -> Answer {
    send_to(state, Request::get("/readyz").body(Body::empty()).unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_reports_storage_that_takes_no_writes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(None, dir.path()).unwrap();
    db.migrate().await.unwrap();
    readiness_body(&db, Some(dir.path())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_reports_storage_that_takes_no_writes_on_postgresql() {
    let Some(test_db) = support::TestDb::postgres().await else {
        eprintln!("TEST_DATABASE_URL is not set: skipped");
        return;
    };
    readiness_body(&test_db.db, None).await;
}

async fn readiness_body(db: &Database, sqlite_dir: Option<&std::path::Path>) {
    let documents = tempfile::tempdir().unwrap();
    let store = DocumentStore::new(documents.path(), 1024);
    let state = |db: &Database, store: &DocumentStore| {
        AppState::new(db.clone(), RunMode::Demo).with_documents(store.clone())
    };
    assert_eq!(readiness(state(db, &store)).await.status, StatusCode::OK);

    // A document store that cannot take a file (here: a file where its folder should be).
    let blocked = documents.path().join("not-a-folder");
    std::fs::write(&blocked, b"x").unwrap();
    let unwritable = DocumentStore::new(&blocked, 1024);
    let answer = readiness(state(db, &unwritable)).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );

    // A database that takes no writes.
    let frozen = read_only(db, sqlite_dir).await;
    let answer = readiness(state(&frozen, &store)).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_without_a_writable_database_gets_the_503_page_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(None, dir.path()).unwrap();
    db.migrate().await.unwrap();
    login_page_body(&db, Some(dir.path())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_without_a_writable_database_gets_the_503_page_on_postgresql() {
    let Some(test_db) = support::TestDb::postgres().await else {
        eprintln!("TEST_DATABASE_URL is not set: skipped");
        return;
    };
    login_page_body(&test_db.db, None).await;
}

async fn login_page_body(db: &Database, sqlite_dir: Option<&std::path::Path>) {
    let documents = tempfile::tempdir().unwrap();
    let store = DocumentStore::new(documents.path(), 1024);
    let state = |db: &Database, store: &DocumentStore| {
        AppState::new(db.clone(), RunMode::Demo).with_documents(store.clone())
    };
    let frozen = read_only(db, sqlite_dir).await;
    // A login meets the site's 503 page in the visitor's language, not plain text.
    let login = Request::get("/demo/login/borger")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, "sagsspor_sprog=en")
        .body(Body::empty())
        .unwrap();
    let answer = send_to(state(&frozen, &store), login).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    let content_type = answer.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(answer.body.contains("<html lang=\"en\""), "{}", answer.body);
    assert!(
        answer
            .body
            .contains("Sagsspor cannot save anything right now"),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("error.internal"), "{}", answer.body);

    // In Danish by default.
    let login = Request::get("/demo/login/borger")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let answer = send_to(state(&frozen, &store), login).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.body.contains("<html lang=\"da\""), "{}", answer.body);
    assert!(
        answer
            .body
            .contains("Sagsspor kan ikke gemme noget lige nu"),
        "{}",
        answer.body
    );
}

// --- a database that does not answer ---------------------------------------------------------

/// With the database gone (nothing listens where it should be), every page and form post a
/// visitor can reach answers the site's 503 page in their language — never a raw code, never
/// plain text, never the 404 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_form_posts_answer_the_503_page_when_the_database_does_not_answer() {
    let port = support::mail::free_port();
    let gone = Database::open(
        Some(&format!("postgres://postgres@127.0.0.1:{port}/sagsspor")),
        std::path::Path::new("unused"),
    )
    .unwrap();
    let documents = tempfile::tempdir().unwrap();
    let state = AppState::new(gone, RunMode::Demo)
        .with_documents(DocumentStore::new(documents.path(), 1024));
    let requests = [
        ("GET", "/statistik", ""),
        ("GET", "/statistik/data.csv", ""),
        ("GET", "/spor/0123456789abcdef0123456789abcdef", ""),
        (
            "GET",
            "/ansoegning/ny",
            "sagsspor_session=AAAAAAAAAAAAAAAAAAAAAA",
        ),
        ("GET", "/demo/login/borger", ""),
        (
            "GET",
            "/mine-sager",
            "sagsspor_session=AAAAAAAAAAAAAAAAAAAAAA",
        ),
        (
            "POST",
            "/handlinger/ansoegning/ny",
            "sagsspor_session=AAAAAAAAAAAAAAAAAAAAAA",
        ),
    ];
    for language in ["da", "en"] {
        for (method, uri, session) in requests {
            let cookies = format!("sagsspor_sprog={language}; {session}");
            let request = Request::builder()
                .method(method)
                .uri(uri)
                .header(header::COOKIE, cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("myndighed=851&type=byg_garage_carport_udhus"))
                .unwrap();
            let answer = send_to(state.clone(), request).await;
            assert_eq!(
                answer.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{method} {uri}: {}",
                answer.body
            );
            let content_type = answer.headers[header::CONTENT_TYPE].to_str().unwrap();
            assert!(
                content_type.starts_with("text/html"),
                "{uri}: {content_type}"
            );
            assert!(
                answer.body.contains(&format!("<html lang=\"{language}\"")),
                "{uri}: {}",
                answer.body
            );
            let title = match language {
                "da" => "Sagsspor kan ikke gemme noget lige nu",
                _ => "Sagsspor cannot save anything right now",
            };
            assert!(
                answer.body.contains(title),
                "{method} {uri}: {}",
                answer.body
            );
            assert!(!answer.body.contains("error."), "{uri}: a raw code");
        }
    }
}
