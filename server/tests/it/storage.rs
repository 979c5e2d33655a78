//! Storage and the event path, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::db::authorities::{Authority, CaseType, ServiceGoal};
use app::db::cases::{Case, NewCase};
use app::db::events::CaseEvent;
use app::db::{Conn, Database, DbError};
use app::domain::clock::GoalStatus;
use app::domain::lifecycle::{replay, CaseState, EventKind, Party};
use app::domain::reference::CaseReference;
use app::in_transaction;
use app::services::case_events::{record, Actor, ActorKind, EventRequest, RecordError};
use app::services::case_view::CaseFolder;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use std::collections::HashSet;

const CASEWORKER: Actor<'static> = Actor {
    kind: ActorKind::Caseworker,
    user_id: None,
    label: "Test",
};
const APPLICANT: Actor<'static> = Actor {
    kind: ActorKind::Applicant,
    user_id: None,
    label: "Ansøger",
};

fn at(date: &str, time: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").unwrap()
}

async fn draft(
    conn: &mut Conn,
    authority: i32,
    type_code: &str,
    category: Option<&str>,
    created: NaiveDateTime,
) -> Case {
    Case::create(
        conn,
        &NewCase {
            authority_code: authority,
            case_type_code: type_code,
            service_goal_category: category,
            title: "Carport",
            channel: "portal",
            applicant_kind: "business",
            applicant_subject: None,
            applicant_cvr: Some("12345678"),
            applicant_name: "Nordbyg ApS",
            created_by_user_id: None,
            property_address: "Engvej 1, 9000 Aalborg",
            cadastral_number: "1a",
            description: "",
            form_data: "{}",
            state: "draft",
            declared_complete: false,
            must_act: "applicant",
            created_at: created,
            updated_at: created,
        },
    )
    .await
    .unwrap()
}

/// Records one event in its own transaction, as a handler would.
async fn act(
    conn: &mut Conn,
    case_id: i64,
    request: EventRequest<'_>,
) -> Result<Case, RecordError> {
    in_transaction!(conn, {
        record(conn, case_id, None, &request).await.map(|r| r.case)
    })
}

async fn submitted_case(db: &Database, authority: i32, when: NaiveDateTime) -> Case {
    let mut conn = db.conn().await.unwrap();
    let case = draft(
        &mut conn,
        authority,
        "byg_garage_carport_udhus",
        Some("simple_constructions"),
        when,
    )
    .await;
    act(
        &mut conn,
        case.id,
        EventRequest::new(EventKind::Submitted, APPLICANT, when),
    )
    .await
    .unwrap()
}

both_backends!(reference_data_is_loaded, |db| async move {
    let mut conn = db.conn().await.unwrap();
    let authorities = Authority::all(&mut conn).await.unwrap();
    assert_eq!(authorities.len(), 98);
    assert!(authorities
        .iter()
        .any(|a| a.code == 101 && a.name == "København"));
    assert!(authorities
        .iter()
        .any(|a| a.code == 851 && a.name == "Aalborg"));
    assert_eq!(ServiceGoal::all(&mut conn).await.unwrap().len(), 11);
    let types = CaseType::all(&mut conn).await.unwrap();
    assert_eq!(types.len(), 29);
    let office = types
        .iter()
        .find(|t| t.code == "byg_erhverv_etage")
        .unwrap();
    assert_eq!(office.goal_category_list().len(), 3);
});

both_backends!(migrations_revert_and_reapply, |db| async move {
    // As many migrations as there are folders, the same for both backends.
    let count = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/sqlite"))
        .unwrap()
        .count();
    assert_eq!(
        count,
        std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../migrations/postgres"
        ))
        .unwrap()
        .count()
    );
    let reverted = db.revert_all().await.unwrap();
    assert_eq!(reverted, count);
    let mut conn = db.conn().await.unwrap();
    assert!(
        Authority::all(&mut conn).await.is_err(),
        "tables are gone after every down.sql"
    );
    drop(conn);
    assert_eq!(db.migrate().await.unwrap(), count);
    let mut conn = db.conn().await.unwrap();
    assert_eq!(Authority::all(&mut conn).await.unwrap().len(), 98);
});

both_backends!(
    submitting_allocates_references_per_authority_and_year,
    |db| async move {
        let first = submitted_case(&db, 101, at("2026-03-02", "09:00")).await;
        let second = submitted_case(&db, 101, at("2026-03-02", "10:00")).await;
        let aalborg = submitted_case(&db, 851, at("2026-03-02", "10:30")).await;
        // 23:30 UTC on New Year's Eve is already 2027 in Denmark.
        let new_year = submitted_case(&db, 101, at("2026-12-31", "23:30")).await;
        let refs: Vec<String> = [&first, &second, &aalborg, &new_year]
            .iter()
            .map(|c| c.reference.clone().unwrap())
            .collect();
        let expected: Vec<String> = [
            (101, 2026, 1),
            (101, 2026, 2),
            (851, 2026, 1),
            (101, 2027, 1),
        ]
        .iter()
        .map(|&(a, y, s)| CaseReference::new(a, y, s).to_string())
        .collect();
        assert_eq!(refs, expected);
        assert_eq!(first.state, "submitted");
        assert_eq!(first.must_act, "authority");
        assert_eq!(first.version, 1);
        let parsed = CaseReference::parse(&refs[0]).unwrap();
        let mut conn = db.conn().await.unwrap();
        assert_eq!(
            Case::find_by_reference(&mut conn, &parsed)
                .await
                .unwrap()
                .unwrap()
                .id,
            first.id
        );
    }
);

both_backends!(
    concurrent_submissions_get_distinct_references,
    |db| async move {
        let mut tasks = Vec::new();
        for i in 0..12 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                submitted_case(&db, 851, at("2026-05-01", "08:00") + TimeDelta::minutes(i))
                    .await
                    .reference
                    .unwrap()
            }));
        }
        let mut references = HashSet::new();
        for task in tasks {
            references.insert(task.await.unwrap());
        }
        assert_eq!(references.len(), 12);
        let sequences: HashSet<u32> = references
            .iter()
            .map(|r| CaseReference::parse(r).unwrap().sequence)
            .collect();
        assert_eq!(sequences, (1..=12).collect::<HashSet<u32>>());
    }
);

both_backends!(refused_transition_changes_nothing, |db| async move {
    let case = submitted_case(&db, 101, at("2026-03-02", "09:00")).await;
    let mut conn = db.conn().await.unwrap();
    let refused = act(
        &mut conn,
        case.id,
        EventRequest::new(EventKind::Decided, CASEWORKER, at("2026-03-03", "09:00")),
    )
    .await;
    assert!(
        matches!(refused, Err(RecordError::Refused(_))),
        "{refused:?}"
    );
    let after = Case::find(&mut conn, case.id).await.unwrap().unwrap();
    assert_eq!(after, case);
    assert_eq!(
        CaseEvent::for_case(&mut conn, case.id).await.unwrap().len(),
        1
    );
});

both_backends!(
    esdh_numbers_are_unique_per_authority_and_failures_roll_back,
    |db| async move {
        let a = submitted_case(&db, 101, at("2026-03-02", "09:00")).await;
        let b = submitted_case(&db, 101, at("2026-03-02", "09:05")).await;
        let other = submitted_case(&db, 851, at("2026-03-02", "09:10")).await;
        let mut conn = db.conn().await.unwrap();
        let mut register =
            EventRequest::new(EventKind::Registered, CASEWORKER, at("2026-03-03", "09:00"));
        register.esdh_number = Some("2026-001");
        act(&mut conn, a.id, register.clone()).await.unwrap();
        let duplicate = act(&mut conn, b.id, register.clone()).await;
        assert!(
            matches!(duplicate, Err(RecordError::DuplicateEsdhNumber)),
            "{duplicate:?}"
        );
        // The event was inserted before the case row refused the number: the rollback removed it.
        assert_eq!(CaseEvent::for_case(&mut conn, b.id).await.unwrap().len(), 1);
        assert_eq!(
            Case::find(&mut conn, b.id).await.unwrap().unwrap().state,
            "submitted"
        );
        // Another authority may use the same number.
        act(&mut conn, other.id, register).await.unwrap();
        let missing = act(
            &mut conn,
            b.id,
            EventRequest::new(EventKind::Registered, CASEWORKER, at("2026-03-03", "10:00")),
        )
        .await;
        assert!(matches!(missing, Err(RecordError::MissingEsdhNumber)));
    }
);

both_backends!(stale_version_is_a_conflict, |db| async move {
    let case = submitted_case(&db, 101, at("2026-03-02", "09:00")).await;
    let mut first = db.conn().await.unwrap();
    let mut second = db.conn().await.unwrap();
    let mut register =
        EventRequest::new(EventKind::Registered, CASEWORKER, at("2026-03-03", "09:00"));
    register.esdh_number = Some("X-1");
    let seen = case.version;
    let ok: Result<_, RecordError> = in_transaction!(first, {
        record(&mut first, case.id, Some(seen), &register).await
    });
    ok.unwrap();
    let mut note = EventRequest::new(EventKind::NoteAdded, CASEWORKER, at("2026-03-03", "09:01"));
    note.internal_text = Some("Ring til ansøger");
    let late: Result<_, RecordError> = in_transaction!(second, {
        record(&mut second, case.id, Some(seen), &note).await
    });
    assert!(
        matches!(late, Err(RecordError::Conflict { current_version: 2 })),
        "{late:?}"
    );
});

both_backends!(history_drives_state_and_clock, |db| async move {
    // Submitted 2 March, registered 3 March, information requested 4 March, answered 14 March,
    // complete 16 March, decided 20 April: 35 service-goal days of a 40-day goal → kept.
    let case = submitted_case(&db, 851, at("2026-03-02", "09:00")).await;
    let mut conn = db.conn().await.unwrap();
    let mut register =
        EventRequest::new(EventKind::Registered, CASEWORKER, at("2026-03-03", "09:00"));
    register.esdh_number = Some("S-77");
    act(&mut conn, case.id, register).await.unwrap();
    let waiting = act(
        &mut conn,
        case.id,
        EventRequest::new(
            EventKind::InformationRequested,
            CASEWORKER,
            at("2026-03-04", "09:00"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(waiting.must_act, Party::Applicant.as_str());
    act(
        &mut conn,
        case.id,
        EventRequest::new(
            EventKind::InformationReceived,
            APPLICANT,
            at("2026-03-14", "09:00"),
        ),
    )
    .await
    .unwrap();
    let complete = act(
        &mut conn,
        case.id,
        EventRequest::new(
            EventKind::DeclaredComplete,
            CASEWORKER,
            at("2026-03-16", "09:00"),
        ),
    )
    .await
    .unwrap();
    assert!(complete.declared_complete);
    // Expected: 16 March + 40 days = 25 April.
    assert_eq!(
        complete.expected_decision_on,
        NaiveDate::from_ymd_opt(2026, 4, 25)
    );
    let decided = act(
        &mut conn,
        case.id,
        EventRequest::new(EventKind::Decided, CASEWORKER, at("2026-04-20", "12:00")),
    )
    .await
    .unwrap();
    assert_eq!(decided.state, CaseState::Decided.as_str());
    assert_eq!(decided.must_act, "nobody");
    assert_eq!(decided.expected_decision_on, None);

    let history = CaseEvent::for_case(&mut conn, case.id).await.unwrap();
    let replayed = replay(history.iter().filter_map(|e| e.event_kind())).unwrap();
    assert_eq!(replayed, decided.lifecycle());
    assert_eq!(history.last().unwrap().state_after, "decided");

    let folder = CaseFolder::load(
        &mut conn,
        &decided.case_reference().unwrap(),
        at("2026-05-01", "09:00"),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(folder.figures.total_days, 49);
    assert_eq!(folder.figures.applicant_days, 10);
    assert_eq!(folder.figures.authority_days, 39);
    assert_eq!(folder.figures.goal_days_used, Some(35));
    assert_eq!(folder.figures.status, GoalStatus::Kept { margin_days: 5 });
});

both_backends!(demo_data_covers_every_state, |db| async move {
    let mut conn = db.conn().await.unwrap();
    let now = app::state::now_utc();
    let documents =
        app::state::AppState::new(db.clone(), app::authorization::RunMode::Demo).documents;
    let letters = server::cli::demo::Letters {
        documents: &documents,
        public_url: "http://127.0.0.1:3000",
    };
    for index in 0..server::cli::demo::DEMO_CASES {
        server::cli::demo::seed_case(&mut conn, &letters, index, now)
            .await
            .unwrap();
    }
    let cases: Vec<Case> = {
        let mut all = Vec::new();
        for id in 1..=(server::cli::demo::DEMO_CASES as i64) {
            all.push(Case::find(&mut conn, id).await.unwrap().unwrap());
        }
        all
    };
    assert!(cases.len() >= 40);
    let states: HashSet<&str> = cases.iter().map(|c| c.state.as_str()).collect();
    for state in CaseState::ALL {
        assert!(states.contains(state.as_str()), "no demo case is {state:?}");
    }
    let authorities: HashSet<i32> = cases.iter().map(|c| c.authority_code).collect();
    assert!(authorities.len() >= 5 && authorities.contains(&101) && authorities.contains(&851));
    let mut statuses = HashSet::new();
    let mut had_applicant_time = false;
    for case in cases.iter().filter(|c| c.reference.is_some()) {
        let history = CaseEvent::for_case(&mut conn, case.id).await.unwrap();
        assert_eq!(
            replay(history.iter().filter_map(|e| e.event_kind())).unwrap(),
            case.lifecycle(),
            "case {}",
            case.id
        );
        // Every case that was decided has its generated letter.
        let was_decided = history.iter().any(|e| e.kind == "decided");
        let letter = app::db::documents::Document::latest_decision(&mut conn, case.id)
            .await
            .unwrap();
        assert_eq!(letter.is_some(), was_decided, "case {}", case.id);
        let folder = CaseFolder::for_case(&mut conn, case.clone(), now)
            .await
            .unwrap();
        had_applicant_time |= folder.figures.applicant_days > 0;
        statuses.insert(folder.figures.status.code());
    }
    assert!(had_applicant_time);
    for status in [
        "kept",
        "missed",
        "running",
        "at_risk",
        "not_started",
        "not_covered",
    ] {
        assert!(
            statuses.contains(status),
            "no demo case has goal status {status}: {statuses:?}"
        );
    }
});

both_backends!(generator_writes_consistent_cases, |db| async move {
    server::cli::generate::generate(&db, 700, 7, None)
        .await
        .unwrap();
    let mut conn = db.conn().await.unwrap();
    assert_eq!(Case::count(&mut conn).await.unwrap(), 700);
    for id in [1_i64, 350, 700] {
        let case = Case::find(&mut conn, id).await.unwrap().unwrap();
        let history = CaseEvent::for_case(&mut conn, id).await.unwrap();
        assert_eq!(
            replay(history.iter().filter_map(|e| e.event_kind())).unwrap(),
            case.lifecycle()
        );
        assert_eq!(case.version, history.len() as i64);
        assert!(case.case_reference().is_some());
    }
    // Ids and reference sequences continue after the bulk rows.
    let later = submitted_case(&db, 101, app::state::now_utc()).await;
    assert_eq!(later.id, 701);
    let references: Vec<Option<String>> = {
        let mut refs = Vec::new();
        for id in 1..=701 {
            refs.push(Case::find(&mut conn, id).await.unwrap().unwrap().reference);
        }
        refs
    };
    let unique: HashSet<&Option<String>> = references.iter().collect();
    assert_eq!(unique.len(), 701);
});

#[test]
fn database_errors_are_not_swallowed() {
    // A unique violation is recognised; other errors are not mistaken for one.
    assert!(!app::db::is_unique_violation(&DbError::NotFound));
}

both_backends!(
    sessions_are_stored_loaded_expired_and_deleted,
    |db| async move {
        use app::db::sessions::DatabaseSessionStore;
        use tower_sessions::cookie::time::{Duration, OffsetDateTime};
        use tower_sessions::session::{Id, Record};
        use tower_sessions::session_store::SessionStore;

        let store = DatabaseSessionStore::new(db.clone());
        let expiry = OffsetDateTime::now_utc() + Duration::hours(1);
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: expiry,
        };
        record
            .data
            .insert("user".into(), serde_json::json!({"name": "Mette"}));
        store.create(&mut record).await.unwrap();
        let loaded = store.load(&record.id).await.unwrap().unwrap();
        assert_eq!(loaded.data, record.data);
        assert_eq!(loaded.expiry_date.unix_timestamp(), expiry.unix_timestamp());

        record
            .data
            .insert("user".into(), serde_json::json!({"name": "Anders"}));
        store.save(&record).await.unwrap();
        assert_eq!(
            store.load(&record.id).await.unwrap().unwrap().data,
            record.data
        );

        // An expired session is not loaded, and the cleanup removes it.
        let mut old = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() - Duration::minutes(1),
        };
        store.create(&mut old).await.unwrap();
        assert!(store.load(&old.id).await.unwrap().is_none());
        assert_eq!(
            store.delete_expired(app::state::now_utc()).await.unwrap(),
            1
        );

        store.delete(&record.id).await.unwrap();
        assert!(store.load(&record.id).await.unwrap().is_none());
    }
);

both_backends!(
    information_requests_are_written_with_their_event_and_closed_on_answer,
    |db| async move {
        use app::db::requests::InformationRequest;
        use app::services::case_events::{information_received, request_information};
        let case = submitted_case(&db, 101, at("2026-03-02", "09:00")).await;
        let mut conn = db.conn().await.unwrap();
        let items = vec![
            (
                "Situationsplan".to_string(),
                NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
            ),
            (
                "Facadetegning".to_string(),
                NaiveDate::from_ymd_opt(2026, 3, 27).unwrap(),
            ),
        ];
        // Asking before the case is registered is refused, and leaves no request behind.
        let early: Result<_, RecordError> = in_transaction!(conn, {
            request_information(
                &mut conn,
                case.id,
                None,
                CASEWORKER,
                "Vi mangler tegninger",
                &items,
                at("2026-03-02", "10:00"),
            )
            .await
        });
        assert!(matches!(early, Err(RecordError::Refused(_))));
        assert!(InformationRequest::for_case(&mut conn, case.id)
            .await
            .unwrap()
            .is_empty());

        let mut register =
            EventRequest::new(EventKind::Registered, CASEWORKER, at("2026-03-03", "09:00"));
        register.esdh_number = Some("R-1");
        act(&mut conn, case.id, register).await.unwrap();
        let none: Result<_, RecordError> = in_transaction!(conn, {
            request_information(
                &mut conn,
                case.id,
                None,
                CASEWORKER,
                "Tom",
                &[],
                at("2026-03-04", "09:00"),
            )
            .await
        });
        assert!(matches!(none, Err(RecordError::MissingItems)));

        let asked: Result<_, RecordError> = in_transaction!(conn, {
            request_information(
                &mut conn,
                case.id,
                None,
                CASEWORKER,
                "Vi mangler tegninger",
                &items,
                at("2026-03-04", "09:00"),
            )
            .await
        });
        let asked = asked.unwrap();
        assert_eq!(asked.case.must_act, "applicant");
        let requests = InformationRequest::for_case(&mut conn, case.id)
            .await
            .unwrap();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].request.event_id, asked.event.id);
        assert_eq!(
            requests[0]
                .items
                .iter()
                .map(|i| (i.description.as_str(), i.deadline, i.is_open()))
                .collect::<Vec<_>>(),
            vec![
                ("Situationsplan", items[0].1, true),
                ("Facadetegning", items[1].1, true),
            ]
        );

        let answered: Result<_, RecordError> = in_transaction!(conn, {
            information_received(
                &mut conn,
                case.id,
                None,
                APPLICANT,
                Some("Vedhæftet"),
                at("2026-03-10", "09:00"),
            )
            .await
        });
        assert_eq!(answered.unwrap().case.must_act, "authority");
        let requests = InformationRequest::for_case(&mut conn, case.id)
            .await
            .unwrap();
        assert!(requests[0].request.closed_at.is_some());
        assert!(requests[0]
            .items
            .iter()
            .all(|i| i.status == "answered" && i.answer_comment.as_deref() == Some("Vedhæftet")));
    }
);

both_backends!(the_queue_answers_alike_on_both_databases, |db| async move {
    use app::db::queue::{AssigneeFilter, GoalFilter, QueueQuery, QueueSort, StateFilter};
    let mut conn = db.conn().await.unwrap();
    server::cli::generate::generate(&db, 400, 11, Some(851))
        .await
        .unwrap();
    let now = app::state::now_utc();
    let today = app::domain::local_time::copenhagen_date(now);
    let goals: Vec<(String, i32)> = ServiceGoal::all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|g| (g.category, g.target_days))
        .collect();
    let mut all = Vec::new();
    for id in 1..=400 {
        all.push(Case::find(&mut conn, id).await.unwrap().unwrap());
    }
    let open: Vec<&Case> = all.iter().filter(|c| c.case_state().is_open()).collect();
    let base = QueueQuery {
        authority_code: 851,
        state: StateFilter::Open,
        case_type: None,
        assignee: AssigneeFilter::Anyone,
        goal: GoalFilter::Any,
        phase: None,
        search: None,
        sort: QueueSort::Expected,
        page: 1,
    };
    let page = base.run(&mut conn, today, &goals).await.unwrap();
    assert_eq!(page.total, open.len() as i64);
    assert!(page.cases.iter().all(|c| c.case_state().is_open()));
    // Earliest expected date first, cases without one last.
    let dates: Vec<_> = page
        .cases
        .iter()
        .map(|c| {
            (
                c.expected_decision_on.is_none(),
                c.expected_decision_on,
                c.id,
            )
        })
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "expected-date order");
    let counted: i64 = page.state_counts.iter().map(|(_, n)| n).sum();
    assert_eq!(counted, 400);

    let everything = QueueQuery {
        state: StateFilter::All,
        sort: QueueSort::Received,
        ..base.clone()
    };
    let page = everything.run(&mut conn, today, &goals).await.unwrap();
    assert_eq!(page.total, 400);
    let received: Vec<_> = page.cases.iter().map(|c| c.submitted_at).collect();
    assert!(received.windows(2).all(|w| w[0] <= w[1]), "received order");

    let target = &all[17];
    let by_reference = QueueQuery {
        state: StateFilter::All,
        search: target.reference.clone(),
        ..base.clone()
    };
    let found = by_reference.run(&mut conn, today, &goals).await.unwrap();
    assert_eq!((found.total, found.cases[0].id), (1, target.id));
    let word = target
        .property_address
        .split_whitespace()
        .next()
        .unwrap()
        .to_uppercase();
    let by_word = QueueQuery {
        state: StateFilter::All,
        search: Some(word),
        ..base.clone()
    };
    assert!(
        by_word.run(&mut conn, today, &goals).await.unwrap().total >= 1,
        "case-insensitive address search"
    );

    let missed = QueueQuery {
        goal: GoalFilter::Missed,
        ..base.clone()
    };
    let expected_missed = open
        .iter()
        .filter(|c| {
            c.must_act == "authority"
                && c.declared_complete
                && c.not_covered_reason.is_none()
                && c.expected_decision_on.is_some_and(|d| d < today)
        })
        .count();
    assert_eq!(
        missed.run(&mut conn, today, &goals).await.unwrap().total,
        expected_missed as i64
    );
    let at_risk = QueueQuery {
        goal: GoalFilter::AtRisk,
        ..base.clone()
    };
    assert!(at_risk.run(&mut conn, today, &goals).await.unwrap().total >= expected_missed as i64);
    let elsewhere = QueueQuery {
        authority_code: 101,
        ..base
    };
    assert_eq!(
        elsewhere.run(&mut conn, today, &goals).await.unwrap().total,
        0
    );
});
