//! The integration API (/api/v1) as an authority's case system uses it: a whole ESDH flow through
//! the API (with the applicant answering in the portal), safe retries, optimistic concurrency,
//! the authority boundary, the changes feed, precise errors and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::webhooks::WebhookEndpoint;
use app::db::Database;
use app::state::now_utc;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use server::workers::outbox::deliver_due;
use support::api::{api, call, content_type, new_case, register, token_for};
use support::mail::settings;
use support::receiver::{delivery, python_verifies, Receiver};
use support::web::{login, multipart_request, send, send_to, Answer, UploadFile, TINY_PDF};

async fn post_event(db: &Database, token: &str, reference: &str, event: Value) -> (Answer, Value) {
    call(
        db,
        api(
            "POST",
            &format!("/api/v1/cases/{reference}/events"),
            token,
            Some(&event),
            &[],
        ),
    )
    .await
}

fn upload(uri: &str, token: &str, bytes: &[u8]) -> Request<Body> {
    Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(bytes.to_vec()))
        .unwrap()
}

/// The applicant answers one item of a request in the portal, with `situationsplan.pdf` (a tiny
/// PDF) and the comment.
async fn answer_in_portal(db: &Database, session: &str, item: i64, reference: &str, comment: &str) {
    let answered = send(
        db,
        RunMode::Demo,
        multipart_request(
            &format!("/handlinger/anmodning/{item}/svar"),
            session,
            &[("reference", reference), ("kommentar", comment)],
            Some(UploadFile {
                name: "situationsplan.pdf",
                content_type: "application/pdf",
                bytes: TINY_PDF,
            }),
        ),
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
}

fn kinds(case: &Value) -> Vec<String> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

both_backends!(an_esdh_flow_through_the_api_alone, |db| async move {
    let db = &db;
    let token = token_for(db, 851).await;

    // Registered: submitted when it arrived, registered now, with the applicant's contact details.
    let case = register(db, &token, "ESDH-2026-001").await;
    let reference = case["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("851-2026-"), "{reference}");
    assert_eq!(case["state"], "registered");
    assert_eq!(case["phase"], "screening");
    assert_eq!(case["channel"], "email");
    assert_eq!(case["esdh_number"], "ESDH-2026-001");
    assert_eq!(case["applicant"]["mobile"], "+4520304050");
    assert_eq!(case["received_at"], "2026-11-02T08:30:00Z");
    assert_eq!(kinds(&case), ["submitted", "registered"]);
    assert!(case["tracking_url"].as_str().unwrap().contains("/spor/"));

    let (answer, posted) =
        post_event(db, &token, &reference, json!({"kind": "declared_complete"})).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(posted["case"]["state"], "in_progress");
    assert!(posted["case"]["expected_decision"]["date"].is_string());

    let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(14)).to_string();
    let (answer, posted) = post_event(
        db,
        &token,
        &reference,
        json!({
            "kind": "information_requested",
            "message": "Vi mangler tegninger.",
            "items": [{"description": "Situationsplan", "deadline": deadline}]
        }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(posted["case"]["state"], "awaiting_applicant");
    assert_eq!(posted["case"]["must_act"], "applicant");
    let item = posted["case"]["information_requests"][0]["items"][0]["id"]
        .as_i64()
        .unwrap();

    // The company answers in the portal: the case is theirs by CVR though nobody of theirs sent it.
    let company = login(db, "virksomhed-a").await;
    answer_in_portal(db, &company, item, &reference, "Her er planen.").await;

    let (answer, case) = call(
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
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(case["state"], "in_progress", "back with the authority");
    assert_eq!(
        case["information_requests"][0]["items"][0]["status"],
        "answered"
    );
    // The case system fetches the applicant's answer to journalise it: the very bytes sent.
    let answer_document = case["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "answer")
        .expect("the answer is among the documents")
        .clone();
    let document_uri = format!(
        "/api/v1/cases/{reference}/documents/{}",
        answer_document["id"]
    );
    let (download, _) = call(db, api("GET", &document_uri, &token, None, &[])).await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.body);
    assert_eq!(download.body.as_bytes(), TINY_PDF);
    assert_eq!(content_type(&download), "application/pdf");
    assert!(download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("situationsplan.pdf"));
    let etag = download.headers[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(
        etag,
        format!("\"{}\"", answer_document["sha256"].as_str().unwrap())
    );
    let (unchanged, _) = call(
        db,
        api(
            "GET",
            &document_uri,
            &token,
            None,
            &[("if-none-match", &etag)],
        ),
    )
    .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.body.is_empty());

    // The decision: the ESDH's own letter uploaded, then named by the decision.
    let uploaded = send(
        db,
        RunMode::Demo,
        upload(
            &format!("/api/v1/cases/{reference}/documents?filename=afgoerelse.pdf"),
            &token,
            TINY_PDF,
        ),
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let document: Value = serde_json::from_str(&uploaded.body).unwrap();
    assert_eq!(document["document"]["visible_to_applicant"], false);
    let document_id = document["document"]["id"].as_i64().unwrap();

    // Not yet visible: the applicant's folder has no decision.
    let folder = support::web::get_as(
        db,
        RunMode::Demo,
        &format!("/sager/{reference}/afgoerelse.pdf"),
        &company,
    )
    .await;
    assert_eq!(folder.status, StatusCode::NOT_FOUND);

    let (answer, posted) = post_event(
        db,
        &token,
        &reference,
        json!({"kind": "decided", "outcome": "approved", "heading": "Tilladelse til carport", "decision_document_id": document_id}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(posted["case"]["state"], "decided");
    assert_eq!(posted["case"]["clock"]["goal_status"], "kept");
    let pdf = support::web::get_as(
        db,
        RunMode::Demo,
        &format!("/sager/{reference}/afgoerelse.pdf"),
        &company,
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(
        pdf.body.as_bytes(),
        TINY_PDF,
        "the ESDH's letter, byte for byte"
    );

    let (answer, posted) = post_event(db, &token, &reference, json!({"kind": "closed"})).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let case = &posted["case"];
    assert_eq!(case["state"], "closed");
    assert_eq!(
        kinds(case),
        [
            "submitted",
            "registered",
            "declared_complete",
            "information_requested",
            "information_received",
            "document_added",
            "decided",
            "closed"
        ]
    );
    let clock = &case["clock"];
    assert_eq!(
        clock["total_days"].as_i64().unwrap(),
        clock["authority_days"].as_i64().unwrap() + clock["applicant_days"].as_i64().unwrap()
    );

    // The applicant's contact details got the case's messages (received, registered, …).
    let mut conn = db.conn().await.unwrap();
    let case_row = Case::find_by_reference(&mut conn, &reference.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let messages = app::db::outbox::OutboxMessage::for_case(&mut conn, case_row.id)
        .await
        .unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m.recipient == "post@nordbyg.example" && m.topic == "decided"),
        "the contact e-mail hears of the decision: {:?}",
        messages
            .iter()
            .map(|m| (&m.recipient, &m.topic))
            .collect::<Vec<_>>()
    );
});

both_backends!(
    a_retried_post_gets_the_first_answer_and_changes_nothing,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let key = [("idempotency-key", "0b7e2f1c-retry-1")];
        let body = new_case("ESDH-RETRY-1");
        let (first, first_body) =
            call(db, api("POST", "/api/v1/cases", &token, Some(&body), &key)).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        let (again, again_body) =
            call(db, api("POST", "/api/v1/cases", &token, Some(&body), &key)).await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again_body, first_body, "the very same answer");
        assert_eq!(again.headers["idempotency-replayed"], "true");
        assert_eq!(again.headers[header::ETAG], first.headers[header::ETAG]);
        let mut conn = db.conn().await.unwrap();
        assert_eq!(
            Case::count(&mut conn).await.unwrap(),
            1,
            "one case, not two"
        );

        // The same key with another body is a client error, not a silent replay.
        let other = new_case("ESDH-RETRY-2");
        let (reused, problem) =
            call(db, api("POST", "/api/v1/cases", &token, Some(&other), &key)).await;
        assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "Idempotency-Key");

        // An event retried: recorded once.
        let reference = first_body["reference"].as_str().unwrap();
        let event = json!({"kind": "declared_complete"});
        let uri = format!("/api/v1/cases/{reference}/events");
        let key = [("idempotency-key", "event-retry-1")];
        let (one, one_body) = call(db, api("POST", &uri, &token, Some(&event), &key)).await;
        let (two, two_body) = call(db, api("POST", &uri, &token, Some(&event), &key)).await;
        assert_eq!(
            (one.status, two.status),
            (StatusCode::CREATED, StatusCode::CREATED)
        );
        assert_eq!(one_body, two_body);
        let (_, case) = call(
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
        assert_eq!(
            kinds(&case)
                .iter()
                .filter(|k| *k == "declared_complete")
                .count(),
            1
        );
        // Without a key the same post is a new request, and the state machine refuses it.
        let (three, problem) = call(db, api("POST", &uri, &token, Some(&event), &[])).await;
        assert_eq!(three.status, StatusCode::CONFLICT);
        assert_eq!(problem["current_state"], "in_progress");
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("already been declared complete"));
        assert_eq!(content_type(&three), "application/problem+json");
    }
);

both_backends!(
    a_concurrent_update_is_answered_409_or_412,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let case = register(db, &token, "ESDH-CONC-1").await;
        let reference = case["reference"].as_str().unwrap().to_string();
        let (read, _) = call(
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
        let etag = read.headers[header::ETAG].to_str().unwrap().to_string();
        assert_eq!(etag, format!("\"{}\"", case["version"]));

        // Unchanged: 304 on a conditional read.
        let (unchanged, _) = call(
            db,
            api(
                "GET",
                &format!("/api/v1/cases/{reference}"),
                &token,
                None,
                &[("if-none-match", &etag)],
            ),
        )
        .await;
        assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);

        // Two case-system workers post different events on the same version at the same moment.
        let uri = format!("/api/v1/cases/{reference}/events");
        let note = json!({"kind": "note_added", "internal_text": "Ringet til ansøger."});
        let complete = json!({"kind": "declared_complete"});
        let (a, b) = tokio::join!(
            call(
                db,
                api("POST", &uri, &token, Some(&note), &[("if-match", &etag)])
            ),
            call(
                db,
                api(
                    "POST",
                    &uri,
                    &token,
                    Some(&complete),
                    &[("if-match", &etag)]
                )
            ),
        );
        let mut statuses = [a.0.status, b.0.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::PRECONDITION_FAILED],
            "{} / {}",
            a.0.body,
            b.0.body
        );
        let loser = if a.0.status == StatusCode::PRECONDITION_FAILED {
            &a
        } else {
            &b
        };
        assert_eq!(
            loser.1["current_etag"],
            format!("\"{}\"", case["version"].as_i64().unwrap() + 1)
        );
        assert_eq!(content_type(&loser.0), "application/problem+json");

        // Without If-Match the race is still caught: one wins, the other answers 409 or (when it ran
        // second) the state machine's own 409.
        let (_, now) = call(
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
        let note2 = json!({"kind": "note_added", "internal_text": "Notat 2"});
        let note3 = json!({"kind": "note_added", "internal_text": "Notat 3"});
        let (c, d) = tokio::join!(
            call(db, api("POST", &uri, &token, Some(&note2), &[])),
            call(db, api("POST", &uri, &token, Some(&note3), &[])),
        );
        for (answer, _) in [&c, &d] {
            assert!(
                answer.status == StatusCode::CREATED || answer.status == StatusCode::CONFLICT,
                "{}",
                answer.body
            );
        }
        let (_, after) = call(
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
        let created = [&c, &d]
            .iter()
            .filter(|(a, _)| a.status == StatusCode::CREATED)
            .count();
        assert_eq!(
            after["version"].as_i64().unwrap(),
            now["version"].as_i64().unwrap() + i64::try_from(created).unwrap(),
            "each success is one event, each 409 none"
        );
    }
);

both_backends!(another_authoritys_client_gets_404, |db| async move {
    let db = &db;
    let aalborg = token_for(db, 851).await;
    let odense = token_for(db, 461).await;
    let case = register(db, &aalborg, "ESDH-AAL-1").await;
    let reference = case["reference"].as_str().unwrap();
    let (read, _) = call(
        db,
        api(
            "GET",
            &format!("/api/v1/cases/{reference}"),
            &odense,
            None,
            &[],
        ),
    )
    .await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    assert_eq!(content_type(&read), "application/problem+json");
    assert!(!read.body.contains("Nordbyg"), "nothing of the case leaks");
    let (nonexistent, _) = call(
        db,
        api("GET", "/api/v1/cases/851-2026-99999", &odense, None, &[]),
    )
    .await;
    assert_eq!(
        nonexistent.status,
        StatusCode::NOT_FOUND,
        "the same answer as for a case that does not exist"
    );
    let (write, _) = post_event(db, &odense, reference, json!({"kind": "declared_complete"})).await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    let uploaded = send(
        db,
        RunMode::Demo,
        upload(
            &format!("/api/v1/cases/{reference}/documents?filename=x.pdf"),
            &odense,
            TINY_PDF,
        ),
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::NOT_FOUND);
    let (_, untouched) = call(
        db,
        api(
            "GET",
            &format!("/api/v1/cases/{reference}"),
            &aalborg,
            None,
            &[],
        ),
    )
    .await;
    assert_eq!(untouched["version"], case["version"]);
    // Aalborg's own document: Aalborg downloads it, Odense is told the case does not exist.
    let own = send(
        db,
        RunMode::Demo,
        upload(
            &format!("/api/v1/cases/{reference}/documents?filename=notat.pdf"),
            &aalborg,
            TINY_PDF,
        ),
    )
    .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let own: Value = serde_json::from_str(&own.body).unwrap();
    let document_uri = format!(
        "/api/v1/cases/{reference}/documents/{}",
        own["document"]["id"]
    );
    let (mine, _) = call(db, api("GET", &document_uri, &aalborg, None, &[])).await;
    assert_eq!(mine.status, StatusCode::OK);
    let (theirs, _) = call(db, api("GET", &document_uri, &odense, None, &[])).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(content_type(&theirs), "application/problem+json");
    assert!(
        !theirs.body.contains("notat"),
        "nothing of the document leaks"
    );
    for missing in ["999999", "x"] {
        let (answer, problem) = call(
            db,
            api(
                "GET",
                &format!("/api/v1/cases/{reference}/documents/{missing}"),
                &aalborg,
                None,
                &[],
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(problem["type"], "/api/v1/problems/document-not-found");
    }
    // Odense's look-up by Aalborg's ESDH number finds nothing.
    let (found, list) = call(
        db,
        api(
            "GET",
            "/api/v1/cases?esdh_number=ESDH-AAL-1",
            &odense,
            None,
            &[],
        ),
    )
    .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(list["cases"], json!([]));
    let (feed, page) = call(db, api("GET", "/api/v1/changes", &odense, None, &[])).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(
        page["changes"].as_array().unwrap().len(),
        0,
        "Odense's feed has none of Aalborg's"
    );

    // A revoked client is refused at once; a made-up token too.
    let mut conn = db.conn().await.unwrap();
    let odense_id: i64 = odense.split('_').nth(1).unwrap().parse().unwrap();
    assert!(
        app::db::api_clients::ApiClient::revoke(&mut conn, odense_id, app::state::now_utc())
            .await
            .unwrap()
    );
    let (revoked, _) = call(db, api("GET", "/api/v1/changes", &odense, None, &[])).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    assert!(revoked.headers.contains_key(header::WWW_AUTHENTICATE));
    let last = if aalborg.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &aalborg[..aalborg.len() - 1]);
    let (refused, _) = call(db, api("GET", "/api/v1/changes", &forged, None, &[])).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
});

both_backends!(
    a_case_system_finds_its_case_by_esdh_number_and_is_told_whose_number_is_taken,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let case = register(db, &token, "ESDH-FIND-1").await;
        let reference = case["reference"].as_str().unwrap();

        let (found, list) = call(
            db,
            api(
                "GET",
                "/api/v1/cases?esdh_number=ESDH-FIND-1",
                &token,
                None,
                &[],
            ),
        )
        .await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        let cases = list["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0]["reference"], reference);
        assert_eq!(cases[0]["state"], "registered");
        assert_eq!(cases[0]["url"], format!("/api/v1/cases/{reference}"));
        let (_, none) = call(
            db,
            api(
                "GET",
                "/api/v1/cases?esdh_number=ESDH-NONE",
                &token,
                None,
                &[],
            ),
        )
        .await;
        assert_eq!(none["cases"], json!([]));
        let (missing, problem) = call(db, api("GET", "/api/v1/cases", &token, None, &[])).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "esdh_number");

        // A case registered in the ESDH before it is reported here keeps its registration time.
        let mut earlier = new_case("ESDH-FIND-3");
        earlier["registered_at"] = json!("2026-11-03T10:00:00+01:00");
        let (answer, registered) = call(
            db,
            api("POST", "/api/v1/cases", &token, Some(&earlier), &[]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        assert_eq!(registered["history"][1]["kind"], "registered");
        assert_eq!(
            registered["history"][1]["occurred_at"],
            "2026-11-03T09:00:00Z"
        );
        let mut backwards = new_case("ESDH-FIND-4");
        backwards["registered_at"] = json!("2026-11-01T10:00:00+01:00");
        let (answer, problem) = call(
            db,
            api("POST", "/api/v1/cases", &token, Some(&backwards), &[]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "registered_at");

        // Registering the same number again (a lost answer, retried without a key) names the
        // case that has it, and makes no second case.
        let (again, problem) = call(
            db,
            api(
                "POST",
                "/api/v1/cases",
                &token,
                Some(&new_case("ESDH-FIND-1")),
                &[],
            ),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert_eq!(problem["type"], "/api/v1/problems/duplicate-esdh-number");
        assert_eq!(problem["field"], "esdh_number");
        assert_eq!(problem["existing_reference"], reference);
        let mut conn = db.conn().await.unwrap();
        assert_eq!(Case::count(&mut conn).await.unwrap(), 2);

        // A case sent through the portal, registered by the case system with a taken number.
        let portal = support::events::sent_case(
            &mut conn,
            None,
            Some("12345678"),
            None,
            now_utc() - chrono::TimeDelta::days(1),
        )
        .await;
        let portal_reference = portal.reference.clone().unwrap();
        let (taken, problem) = post_event(
            db,
            &token,
            &portal_reference,
            json!({"kind": "registered", "esdh_number": "ESDH-FIND-1"}),
        )
        .await;
        assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
        assert_eq!(problem["existing_reference"], reference);
        let (registered, posted) = post_event(
            db,
            &token,
            &portal_reference,
            json!({"kind": "registered", "esdh_number": "ESDH-FIND-2"}),
        )
        .await;
        assert_eq!(
            registered.status,
            StatusCode::CREATED,
            "{}",
            registered.body
        );
        assert_eq!(posted["case"]["esdh_number"], "ESDH-FIND-2");
        let (_, list) = call(
            db,
            api(
                "GET",
                "/api/v1/cases?esdh_number=ESDH-FIND-2",
                &token,
                None,
                &[],
            ),
        )
        .await;
        assert_eq!(list["cases"][0]["reference"], portal_reference.as_str());
    }
);

both_backends!(
    a_citizen_without_a_login_is_sent_the_tracking_link,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        // A citizen who applied on paper: no CVR number, so no portal login can open the case.
        let mut letter = new_case("ESDH-PAPER-1");
        letter["applicant"] = json!({"name": "Mette Jensen", "email": "mette@example.dk"});
        letter["channel"] = json!("post");
        let (answer, case) =
            call(db, api("POST", "/api/v1/cases", &token, Some(&letter), &[])).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let reference = case["reference"].as_str().unwrap();
        let tracking_path = case["tracking_url"]
            .as_str()
            .unwrap()
            .split_once("/spor/")
            .map(|(_, token)| format!("/spor/{token}"))
            .unwrap();
        let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(14)).to_string();
        let (answer, _) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "information_requested", "message": "Vi mangler en tegning.",
                   "items": [{"description": "Facadetegning", "deadline": deadline}]}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

        let mut conn = db.conn().await.unwrap();
        let row = Case::find_by_reference(&mut conn, &reference.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        let messages = app::db::outbox::OutboxMessage::for_case(&mut conn, row.id)
            .await
            .unwrap();
        let to_mette: Vec<_> = messages
            .iter()
            .filter(|m| m.recipient == "mette@example.dk")
            .collect();
        assert!(
            to_mette.iter().any(|m| m.topic == "information_requested"),
            "{:?}",
            to_mette.iter().map(|m| &m.topic).collect::<Vec<_>>()
        );
        for message in to_mette {
            let topic = app::services::notifications::Topic::parse(&message.topic).unwrap();
            let payload = serde_json::from_str(&message.payload).unwrap();
            let rendered = app::services::notifications::render(
                topic,
                app::i18n::Locale::Da,
                &payload,
                "https://sagsspor.example.dk",
            );
            assert!(
                rendered.text.contains(&tracking_path),
                "{}: {}",
                message.topic,
                rendered.text
            );
            assert!(!rendered.text.contains("/sager/"), "{}", rendered.text);
        }
        // The link opens the status page without a login.
        let page = support::web::get(db, RunMode::Serve, &tracking_path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(reference));
        assert!(
            !page.body.contains("Mette"),
            "no names on the tracking page"
        );
    }
);

both_backends!(
    each_answered_item_is_a_change_the_case_system_sees,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let case = register(db, &token, "ESDH-ITEMS-1").await;
        let reference = case["reference"].as_str().unwrap();
        let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(14)).to_string();
        let (answer, posted) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "information_requested", "message": "Vi mangler to ting.",
                   "items": [{"description": "Situationsplan", "deadline": deadline},
                             {"description": "Facadetegning", "deadline": deadline}]}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let items: Vec<i64> = posted["case"]["information_requests"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        let case_uri = format!("/api/v1/cases/{reference}");
        let (read, _) = call(db, api("GET", &case_uri, &token, None, &[])).await;
        let etag = read.headers[header::ETAG].to_str().unwrap().to_string();
        // submitted, registered, information_requested
        let (_, cursor) = drain_at_least(db, &token, "0", 100, 3).await;

        // The company answers the first item in the portal, with a file.
        let company = login(db, "virksomhed-a").await;
        answer_in_portal(db, &company, items[0], reference, "").await;
        // A cached copy is out of date, and the feed says why.
        let (fresh, case) = call(
            db,
            api("GET", &case_uri, &token, None, &[("if-none-match", &etag)]),
        )
        .await;
        assert_eq!(fresh.status, StatusCode::OK, "the case changed: no 304");
        assert_eq!(case["state"], "awaiting_applicant");
        assert_eq!(
            case["information_requests"][0]["items"][0]["status"],
            "answered"
        );
        let (changes, _) = drain_at_least(db, &token, &cursor, 100, 1).await;
        let kinds: Vec<&str> = changes
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["item_answered"]);
        assert_eq!(changes[0]["public_text"], "Situationsplan");

        // The second item arrives by post; the case system says so, and the case is back.
        let (unknown, problem) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "item_received", "item_id": 999_999}),
        )
        .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "item_id");
        let (answer, posted) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "item_received", "item_id": items[1], "comment": "Modtaget med posten"}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        assert_eq!(posted["event"]["kind"], "information_received");
        assert_eq!(posted["case"]["state"], "registered");
        assert_eq!(posted["case"]["must_act"], "authority");
        assert_eq!(
            posted["case"]["information_requests"][0]["items"][1]["answer_comment"],
            "Modtaget med posten"
        );
        let (again, problem) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "item_received", "item_id": items[1]}),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(problem["type"], "/api/v1/problems/item-not-open");
        // item_id belongs to item_received only.
        let (misplaced, problem) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "declared_complete", "item_id": items[0]}),
        )
        .await;
        assert_eq!(misplaced.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "item_id");
    }
);

both_backends!(
    a_withdrawal_by_letter_is_recorded_by_the_case_system,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let case = register(db, &token, "ESDH-WD-1").await;
        let reference = case["reference"].as_str().unwrap();
        let (answer, posted) = post_event(
            db,
            &token,
            reference,
            json!({"kind": "withdrawn", "public_text": "Du trak ansøgningen tilbage i dit brev af 20. november."}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        assert_eq!(posted["case"]["state"], "withdrawn");
        assert_eq!(posted["case"]["must_act"], "nobody");
        assert_eq!(posted["event"]["actor_kind"], "esdh");
        // The company sees it in its folder, with the authority's words.
        let company = login(db, "virksomhed-a").await;
        let folder =
            support::web::get_as(db, RunMode::Demo, &format!("/sager/{reference}"), &company).await;
        assert_eq!(folder.status, StatusCode::OK);
        assert!(folder.body.contains("i dit brev af 20. november"));

        // A decided case cannot be withdrawn.
        let decided = register(db, &token, "ESDH-WD-2").await;
        let decided_reference = decided["reference"].as_str().unwrap();
        let uploaded = send(
            db,
            RunMode::Demo,
            upload(
                &format!("/api/v1/cases/{decided_reference}/documents?filename=afgoerelse.pdf"),
                &token,
                TINY_PDF,
            ),
        )
        .await;
        let document: Value = serde_json::from_str(&uploaded.body).unwrap();
        let (answer, _) = post_event(
            db,
            &token,
            decided_reference,
            json!({"kind": "decided", "outcome": "refused", "heading": "Afslag", "decision_document_id": document["document"]["id"]}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let (refused, problem) =
            post_event(db, &token, decided_reference, json!({"kind": "withdrawn"})).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert_eq!(problem["current_state"], "decided");
    }
);

both_backends!(kept_answers_are_forgotten_after_a_week, |db| async move {
    let db = &db;
    let token = token_for(db, 851).await;
    let key = [("idempotency-key", "kept-1")];
    let body = new_case("ESDH-KEPT-1");
    let (first, _) = call(db, api("POST", "/api/v1/cases", &token, Some(&body), &key)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let other_key = [("idempotency-key", "kept-2")];
    let (second, _) = call(
        db,
        api(
            "POST",
            "/api/v1/cases",
            &token,
            Some(&new_case("ESDH-KEPT-2")),
            &other_key,
        ),
    )
    .await;
    assert_eq!(second.status, StatusCode::CREATED);

    // Six days on both are kept; eight days on both are gone.
    let now = now_utc();
    let kept = server::workers::cleanup::forget_old_idempotency_answers(
        db,
        now + chrono::TimeDelta::days(6),
    )
    .await
    .unwrap();
    assert_eq!(kept, 0);
    let (replayed, _) = call(db, api("POST", "/api/v1/cases", &token, Some(&body), &key)).await;
    assert_eq!(replayed.headers["idempotency-replayed"], "true");
    let forgotten = server::workers::cleanup::forget_old_idempotency_answers(
        db,
        now + chrono::TimeDelta::days(8),
    )
    .await
    .unwrap();
    assert_eq!(forgotten, 2);
    // The key now counts as new: the request is made again, and the ESDH number says no.
    let (fresh, problem) = call(db, api("POST", "/api/v1/cases", &token, Some(&body), &key)).await;
    assert_eq!(fresh.status, StatusCode::CONFLICT);
    assert!(!fresh.headers.contains_key("idempotency-replayed"));
    assert_eq!(problem["type"], "/api/v1/problems/duplicate-esdh-number");
});

/// The webhook receivers of this client, as the API lists them.
async fn listed_webhooks(db: &Database, token: &str) -> Vec<Value> {
    let (answer, list) = call(db, api("GET", "/api/v1/webhooks", token, None, &[])).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    list["webhooks"].as_array().unwrap().clone()
}

both_backends!(
    an_authority_system_gets_its_cases_events_pushed_signed,
    |db| async move {
        let db = &db;
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap();
        let aalborg = token_for(db, 851).await;
        let odense = token_for(db, 461).await;

        let hook = json!({"url": receiver.url});
        let key = [("Idempotency-Key", "hook-1")];
        let (created, receiver_row) = call(
            db,
            api("POST", "/api/v1/webhooks", &aalborg, Some(&hook), &key),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = receiver_row["id"].as_i64().unwrap();
        let secret = receiver_row["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(
            created.headers[header::LOCATION],
            format!("/api/v1/webhooks/{id}").as_str()
        );
        // A retry registers nothing more.
        let (again, same) = call(
            db,
            api("POST", "/api/v1/webhooks", &aalborg, Some(&hook), &key),
        )
        .await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(same["id"], id);
        assert_eq!(listed_webhooks(db, &aalborg).await.len(), 1);
        // Addresses a receiver may not have are refused naming the field.
        for url in ["https://10.1.2.3/hooks", "ftp://esdh.example/x", ""] {
            let (refused, problem) = call(
                db,
                api(
                    "POST",
                    "/api/v1/webhooks",
                    &aalborg,
                    Some(&json!({"url": url})),
                    &[],
                ),
            )
            .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
            assert_eq!(content_type(&refused), "application/problem+json");
            assert_eq!(problem["field"], "url", "{url}");
        }

        // Every event of Aalborg's cases is pushed, internal notes too; Odense's are not.
        let case = register(db, &aalborg, "ESDH-HOOK-1").await;
        let reference = case["reference"].as_str().unwrap();
        let (noted, _) = post_event(
            db,
            &aalborg,
            reference,
            json!({"kind": "note_added", "internal_text": "Ringet til ansøger."}),
        )
        .await;
        assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.body);
        let (_, odense_row) = call(
            db,
            api("POST", "/api/v1/webhooks", &odense, Some(&hook), &[]),
        )
        .await;
        let odense_hook = odense_row["id"].as_i64().unwrap();
        register(db, &odense, "ESDH-ODENSE-1").await;
        let round = deliver_due(db, &delivery(dir.path()), &settings("w1"), now_utc())
            .await
            .unwrap();
        assert_eq!(round.failed + round.retried, 0);
        assert_eq!(
            receiver.requests().len(),
            5,
            "three for Aalborg's receiver, two for Odense's"
        );
        let aalborg_posts: Vec<_> = receiver
            .requests()
            .into_iter()
            .filter(|r| python_verifies(&secret, r))
            .collect();
        let kinds: Vec<String> = aalborg_posts
            .iter()
            .map(|r| {
                let body: Value = serde_json::from_slice(&r.body).unwrap();
                assert_eq!(body["data"]["reference"], reference);
                body["type"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(
            kinds,
            ["case.submitted", "case.registered", "case.note_added"]
        );
        let text: String = aalborg_posts
            .iter()
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .collect();
        assert!(
            !text.contains("Ringet til"),
            "internal text is read from the API"
        );

        // The list shows the deliveries; another client neither sees nor removes the receiver.
        let listed = listed_webhooks(db, &aalborg).await;
        let deliveries = listed[0]["deliveries"].as_array().unwrap();
        assert_eq!(deliveries.len(), 3);
        assert!(deliveries.iter().all(|d| d["status"] == "sent"));
        assert_eq!(deliveries[0]["event_kind"], "note_added");
        let odense_sees = listed_webhooks(db, &odense).await;
        assert_eq!(odense_sees.len(), 1);
        assert_eq!(odense_sees[0]["id"], odense_hook);
        let uri = format!("/api/v1/webhooks/{id}");
        let (foreign, _) = call(db, api("DELETE", &uri, &odense, None, &[])).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        assert_eq!(content_type(&foreign), "application/problem+json");

        let (removed, _) = call(db, api("DELETE", &uri, &aalborg, None, &[])).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT);
        let (gone, _) = call(db, api("DELETE", &uri, &aalborg, None, &[])).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        assert!(listed_webhooks(db, &aalborg).await.is_empty());
        post_event(
            db,
            &aalborg,
            reference,
            json!({"kind": "declared_complete"}),
        )
        .await;
        deliver_due(db, &delivery(dir.path()), &settings("w1"), now_utc())
            .await
            .unwrap();
        assert_eq!(
            receiver.requests().len(),
            5,
            "nothing for a removed receiver"
        );

        // Revoking a client removes its receivers with it.
        let mut conn = db.conn().await.unwrap();
        let odense_id: i64 = odense.split('_').nth(1).unwrap().parse().unwrap();
        assert_eq!(
            server::api::clients::revoke(&mut conn, odense_id)
                .await
                .unwrap(),
            Some(1)
        );
        assert!(WebhookEndpoint::active_for_client(&mut conn, odense_id)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            server::api::clients::revoke(&mut conn, odense_id)
                .await
                .unwrap(),
            None
        );
    }
);

/// Every `$ref` in a JSON document.
fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => into.push(target.clone()),
                    _ => collect_refs(inner, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, into)),
        _ => {}
    }
}

/// Drains the feed until it has handed out at least `expected` changes (or ten seconds passed).
/// On PostgreSQL a writing transaction still open anywhere on the cluster, such as another test's,
/// holds the feed back for a moment; a client simply polls again.
async fn drain_at_least(
    db: &Database,
    token: &str,
    after: &str,
    limit: u32,
    expected: usize,
) -> (Vec<Value>, String) {
    let mut cursor = after.to_string();
    let mut seen = Vec::new();
    for _ in 0..200 {
        let (more, next) = drain(db, token, &cursor, limit).await;
        seen.extend(more);
        cursor = next;
        if seen.len() >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    (seen, cursor)
}

/// Every change of the feed, following `next_cursor` page by page from `after`.
async fn drain(db: &Database, token: &str, after: &str, limit: u32) -> (Vec<Value>, String) {
    let mut cursor = after.to_string();
    let mut seen = Vec::new();
    loop {
        let (answer, page) = call(
            db,
            api(
                "GET",
                &format!("/api/v1/changes?after={cursor}&limit={limit}"),
                token,
                None,
                &[],
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let changes = page["changes"].as_array().unwrap();
        assert!(changes.len() <= limit as usize);
        seen.extend(changes.iter().cloned());
        cursor = page["next_cursor"].as_str().unwrap().to_string();
        if !page["has_more"].as_bool().unwrap() {
            return (seen, cursor);
        }
    }
}

both_backends!(
    the_feed_returns_every_change_once_across_pages,
    |db| async move {
        let db = &db;
        let token = token_for(db, 851).await;
        let odense = token_for(db, 461).await;
        let mut references = Vec::new();
        for n in 0..3 {
            let case = register(db, &token, &format!("ESDH-FEED-{n}")).await;
            let reference = case["reference"].as_str().unwrap().to_string();
            post_event(db, &token, &reference, json!({"kind": "declared_complete"})).await;
            post_event(
                db,
                &token,
                &reference,
                json!({"kind": "note_added", "internal_text": "x"}),
            )
            .await;
            references.push(reference);
        }
        // Another authority's case, which this client's feed must not show.
        let mut odense_case = new_case("ESDH-ODENSE");
        odense_case["esdh_number"] = json!("ODENSE-1");
        let (answer, _) = call(
            db,
            api("POST", "/api/v1/cases", &odense, Some(&odense_case), &[]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED);
        let (seen, cursor) = drain_at_least(db, &token, "0", 4, 3 * 4).await;
        let ids: Vec<i64> = seen
            .iter()
            .map(|c| c["event_id"].as_i64().unwrap())
            .collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "no change twice, in order");
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "stable ascending order"
        );
        assert_eq!(
            seen.len(),
            3 * 4,
            "submitted, registered, complete, note for each of three cases"
        );
        assert!(seen
            .iter()
            .all(|c| references.contains(&c["reference"].as_str().unwrap().to_string())));

        // Polling again at the end: nothing, and the same cursor.
        let (again, same) = drain(db, &token, &cursor, 4).await;
        assert!(again.is_empty());
        assert_eq!(same, cursor);

        // New changes after the cursor, and only those.
        post_event(
            db,
            &token,
            &references[0],
            json!({"kind": "hearing_started"}),
        )
        .await;
        let (new, _) = drain_at_least(db, &token, &cursor, 4, 1).await;
        assert_eq!(new.len(), 1);
        assert_eq!(new[0]["kind"], "hearing_started");
        assert_eq!(new[0]["reference"], references[0].as_str());

        // A cursor that is not one: a precise refusal.
        let (bad, problem) = call(
            db,
            api("GET", "/api/v1/changes?after=abc", &token, None, &[]),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "after");
        let (bad, problem) =
            call(db, api("GET", "/api/v1/changes?limit=0", &token, None, &[])).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "limit");
    }
);

/// On PostgreSQL an event id is taken at insert and seen at commit: a writer that holds its
/// transaction open must not be skipped by a client that reads the feed meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_does_not_skip_a_slow_writer_on_postgres() {
    use diesel_async::SimpleAsyncConnection;
    let Some(test_db) = support::TestDb::postgres().await else {
        return;
    };
    let db = &test_db.db;
    let token = token_for(db, 851).await;
    let slow = register(db, &token, "ESDH-SLOW").await;
    let fast = register(db, &token, "ESDH-FAST").await;
    let slow_reference = slow["reference"].as_str().unwrap().to_string();
    let (_, cursor) = drain_at_least(db, &token, "0", 100, 4).await;

    // The slow writer appends an event (taking the next id) and keeps its transaction open.
    let mut slow_conn = db.conn().await.unwrap();
    let app::db::Conn::Postgres(slow_pg) = &mut slow_conn else {
        unreachable!("a PostgreSQL test database")
    };
    slow_pg
        .batch_execute(&format!(
            "BEGIN; INSERT INTO case_events (case_id, seq, kind, actor_kind, actor_label, \
             occurred_at, state_after, must_act_after, visible_to_applicant, authority_code) \
             SELECT id, 1000, 'note_added', 'esdh', 'slow writer', now(), state, 'authority', \
             false, authority_code FROM cases WHERE reference = '{slow_reference}'"
        ))
        .await
        .unwrap();

    // Meanwhile another event (a higher id) commits; the feed must hold it back.
    let (answer, _) = post_event(
        db,
        &token,
        fast["reference"].as_str().unwrap(),
        json!({"kind": "declared_complete"}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let (while_open, same_cursor) = drain(db, &token, &cursor, 100).await;
    assert!(
        while_open.is_empty(),
        "nothing may pass a transaction still running: {while_open:?}"
    );
    assert_eq!(same_cursor, cursor);

    slow_pg.batch_execute("COMMIT").await.unwrap();
    let (after_commit, _) = drain_at_least(db, &token, &cursor, 1, 2).await;
    let kinds: Vec<&str> = after_commit
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["note_added", "declared_complete"],
        "both, once each, the slow writer's first"
    );
    assert_eq!(after_commit[0]["reference"], slow_reference.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_naming_what_is_wrong() {
    let test_db = support::TestDb::sqlite().await;
    let db = &test_db.db;
    let token = token_for(db, 851).await;

    let raw = |body: &str, content_type: &str| {
        Request::post("/api/v1/cases")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (answer, problem) = call(db, raw("{\"case_type\": ", "application/json")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&answer), "application/problem+json");
    assert_eq!(problem["type"], "/api/v1/problems/malformed-json");

    let mut unknown = new_case("E-1");
    unknown["colour"] = json!("red");
    let (answer, problem) = call(
        db,
        api("POST", "/api/v1/cases", &token, Some(&unknown), &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "colour");

    let mut wrong_type = new_case("E-1");
    wrong_type["applicant"]["cvr"] = json!(12345678);
    let (answer, problem) = call(
        db,
        api("POST", "/api/v1/cases", &token, Some(&wrong_type), &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "applicant.cvr");
    assert!(problem["detail"].as_str().unwrap().contains("invalid type"));

    let mut missing = new_case("E-1");
    missing["property"]
        .as_object_mut()
        .unwrap()
        .remove("address");
    let (answer, problem) = call(
        db,
        api("POST", "/api/v1/cases", &token, Some(&missing), &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "property.address");

    let mut future = new_case("E-1");
    future["received_at"] = json!("2099-01-01T00:00:00Z");
    let (answer, problem) =
        call(db, api("POST", "/api/v1/cases", &token, Some(&future), &[])).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "received_at");

    let mut unknown_type = new_case("E-1");
    unknown_type["case_type"] = json!("rumraket");
    let (answer, problem) = call(
        db,
        api("POST", "/api/v1/cases", &token, Some(&unknown_type), &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "case_type");

    // The registration command's own checks, each naming its field and what is wrong.
    let refused = [
        (
            "/applicant/cvr",
            json!("1234567"),
            "applicant.cvr",
            "eight digits",
        ),
        (
            "/applicant/email",
            json!("ikke en adresse"),
            "applicant.email",
            "not an e-mail address",
        ),
        (
            "/applicant/mobile",
            json!("12"),
            "applicant.mobile",
            "Danish mobile number",
        ),
        (
            "/applicant/name",
            json!("   "),
            "applicant.name",
            "required",
        ),
        (
            "/title",
            json!("x".repeat(201)),
            "title",
            "at most 200 characters",
        ),
        ("/esdh_number", json!(""), "esdh_number", "required"),
        (
            "/service_goal_category",
            json!("rumfart"),
            "service_goal_category",
            "the type's categories are: ",
        ),
        (
            "/registered_at",
            json!("2026-11-01T09:30:00+01:00"),
            "registered_at",
            "before received_at",
        ),
    ];
    for (pointer, value, field, detail) in refused {
        let mut body = new_case("E-1");
        let (parent, name) = pointer.rsplit_once('/').unwrap();
        let target = if parent.is_empty() {
            &mut body
        } else {
            body.pointer_mut(parent).unwrap()
        };
        target[name] = value;
        let (answer, problem) =
            call(db, api("POST", "/api/v1/cases", &token, Some(&body), &[])).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pointer}: {}",
            answer.body
        );
        assert_eq!(
            problem["type"], "/api/v1/problems/invalid-field",
            "{pointer}"
        );
        assert_eq!(problem["field"], field, "{pointer}");
        let said = problem["detail"].as_str().unwrap();
        assert!(said.contains(detail), "{pointer}: {said}");
    }

    let (answer, _) = call(db, raw(&new_case("E-1").to_string(), "text/plain")).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Nothing of the refused requests was stored.
    let mut conn = db.conn().await.unwrap();
    assert_eq!(Case::count(&mut conn).await.unwrap(), 0);

    // Event fields: a wrongly typed deadline is named by its path; a field of another kind too.
    let case = register(db, &token, "E-2").await;
    let reference = case["reference"].as_str().unwrap();
    let (answer, problem) = post_event(
        db,
        &token,
        reference,
        json!({"kind": "information_requested", "message": "m", "items": [{"description": "a", "deadline": "i morgen"}]}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "items[0].deadline");
    let (answer, problem) = post_event(
        db,
        &token,
        reference,
        json!({"kind": "closed", "esdh_number": "x"}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "esdh_number");
    let (answer, problem) = post_event(db, &token, reference, json!({"kind": "teleported"})).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "kind");
    // The state machine: a hearing needs a complete case.
    let (answer, problem) =
        post_event(db, &token, reference, json!({"kind": "hearing_started"})).await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
    assert_eq!(problem["current_state"], "registered");
    assert_eq!(problem["type"], "/api/v1/problems/transition-refused");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("declared complete"));
    // A decision must name a PDF the case system uploaded to this very case.
    let (answer, problem) = post_event(
        db,
        &token,
        reference,
        json!({"kind": "decided", "outcome": "approved", "heading": "h", "decision_document_id": 999}),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert_eq!(problem["field"], "decision_document_id");

    // Oversized: refused from the declared length, before the body is read.
    let big = Request::post("/api/v1/cases")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "10000000")
        .body(Body::from("{}"))
        .unwrap();
    let (answer, problem) = call(db, big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["type"], "/api/v1/problems/body-too-large");
    // …and without a declared length, cut off while it arrives.
    let stream = futures_like_body(vec![b'x'; server::api::MAX_JSON_BYTES + 10]);
    let chunked = Request::post("/api/v1/cases")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(stream)
        .unwrap();
    let (answer, problem) = call(db, chunked).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["type"], "/api/v1/problems/body-too-large");

    // Not a PDF, PNG or JPEG.
    let text = send(
        db,
        RunMode::Demo,
        upload(
            &format!("/api/v1/cases/{reference}/documents?filename=a.pdf"),
            &token,
            b"hello",
        ),
    )
    .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // No token at all.
    let anonymous = send(
        db,
        RunMode::Demo,
        Request::get("/api/v1/changes").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(content_type(&anonymous), "application/problem+json");
}

/// A body without a Content-Length (as a chunked upload arrives).
fn futures_like_body(bytes: Vec<u8>) -> Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(8192).map(|c| Ok(c.to_vec())).collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_served_and_matches_the_routes() {
    let test_db = support::TestDb::sqlite().await;
    let db = &test_db.db;
    let answer = send_to(
        AppState::new(db.clone(), RunMode::Serve),
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let document: Value = serde_json::from_str(&answer.body).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    // The whole contract: a change to any operation, schema or problem shows in review.
    insta::assert_snapshot!(
        "openapi_document",
        serde_json::to_string_pretty(&document).unwrap()
    );
    // Every reference resolves, so a generator of clients can read the whole document.
    let mut references = Vec::new();
    collect_refs(&document, &mut references);
    assert!(!references.is_empty());
    for reference in &references {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{reference} is not local"));
        assert!(
            document.pointer(pointer).is_some(),
            "{reference} does not resolve"
        );
    }
    let paths = document["paths"].as_object().unwrap();
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                operations.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    operations.sort();
    // Client generators name their methods by operationId: each must be there, and unique.
    let mut operation_ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    operation_ids.sort_unstable();
    let count = operation_ids.len();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "{operation_ids:?}");
    assert_eq!(
        operations,
        [
            "DELETE /api/v1/webhooks/{id}",
            "GET /api/v1/cases",
            "GET /api/v1/cases/{reference}",
            "GET /api/v1/cases/{reference}/documents/{id}",
            "GET /api/v1/changes",
            "GET /api/v1/webhooks",
            "POST /api/v1/cases",
            "POST /api/v1/cases/{reference}/documents",
            "POST /api/v1/cases/{reference}/events",
            "POST /api/v1/webhooks",
        ]
    );
    // Every documented operation is routed (it asks for a token rather than answering "no such
    // operation"), and every other method on those paths is refused as such.
    for operation in &operations {
        let (method, path) = operation.split_once(' ').unwrap();
        let uri = path
            .replace("{reference}", "851-2026-00001")
            .replace("{id}", "1");
        let answer = send(
            db,
            RunMode::Serve,
            Request::builder()
                .method(method)
                .uri(&uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{operation}: {}",
            answer.body
        );
        let other = if method == "GET" { "PATCH" } else { "PUT" };
        let answer = send(
            db,
            RunMode::Serve,
            Request::builder()
                .method(other)
                .uri(&uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{other} {path}"
        );
    }
    let unknown = send(
        db,
        RunMode::Serve,
        Request::get("/api/v1/sager").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(content_type(&unknown), "application/problem+json");
    // Every error answer is described as problem+json, and the bearer scheme is declared.
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for (path, item) in paths {
        for (_, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert!(
                        response["content"]
                            .get("application/problem+json")
                            .is_some(),
                        "{path} {status}"
                    );
                }
            }
        }
    }
}
