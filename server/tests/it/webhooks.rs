//! Webhooks of a company end to end: registering and removing receivers on `/indstillinger`
//! (only a business user of the CVR may), deliveries written with every event the applicant may
//! see, posted by the outbox worker to a real local HTTP receiver, signed after Standard Webhooks
//! and checked by an independent implementation (Python's `hmac`), retried and failed as the
//! receiver answers, and listed on the settings page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::outbox::OutboxMessage;
use app::db::webhooks::{NewWebhookEndpoint, WebhookEndpoint, WEBHOOK_CHANNEL};
use app::db::{Conn, Database};
use app::domain::lifecycle::EventKind;
use app::services::case_events::{self, EventRequest};
use app::state::now_utc;
use axum::http::StatusCode;
use chrono::TimeDelta;
use server::workers::outbox::{deliver_due, Delivery};
use server::workers::webhooks::ReceiverScope;
use support::events::*;
use support::mail::settings;
use support::receiver::{delivery, python_verifies, Receiver};
use support::web::*;

/// The demo company A's CVR number (persona `virksomhed-a`).
const CVR_A: &str = "12345678";

async fn endpoint(conn: &mut Conn, cvr: &str, url: &str) -> WebhookEndpoint {
    let secret = server::workers::webhooks::generate_secret();
    WebhookEndpoint::create(
        conn,
        &NewWebhookEndpoint {
            cvr: Some(cvr),
            api_client_id: None,
            url,
            secret: &secret,
            created_by_user_id: None,
            created_at: now_utc(),
        },
    )
    .await
    .unwrap()
}

async fn webhook_messages(db: &Database, case_id: i64) -> Vec<OutboxMessage> {
    let mut conn = db.conn().await.unwrap();
    OutboxMessage::for_case(&mut conn, case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == WEBHOOK_CHANNEL)
        .collect()
}

async fn settings_page(db: &Database, session: &str) -> String {
    let page = get_as(db, RunMode::Demo, "/indstillinger", session).await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

fn endpoint_ids(page: &str) -> Vec<i64> {
    page.split("/handlinger/indstillinger/webhooks/")
        .skip(1)
        .filter_map(|rest| rest.split('/').next()?.parse().ok())
        .collect()
}

both_backends!(
    a_business_user_adds_a_receiver_sees_its_secret_once_and_removes_it,
    |db| async move {
        let session = login(&db, "virksomhed-a").await;
        let page = settings_page(&db, &session).await;
        assert!(
            page.contains("id=\"webhooks\""),
            "business users see the section"
        );

        let answer = post_form(
            &db,
            &session,
            "/handlinger/indstillinger/webhooks",
            "url=https%3A%2F%2Ferp.example.dk%2Fhooks",
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&answer), "/indstillinger#webhooks");

        let page = settings_page(&db, &session).await;
        assert!(page.contains("https://erp.example.dk/hooks"));
        let secret_start = page.find("whsec_").expect("the secret is shown once");
        let secret: String = page[secret_start..]
            .chars()
            .take_while(|c| *c != '<')
            .collect();
        let mut conn = db.conn().await.unwrap();
        let stored = WebhookEndpoint::active_for_cvr(&mut conn, CVR_A)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].secret, secret);
        assert_eq!(stored[0].url, "https://erp.example.dk/hooks");

        let again = settings_page(&db, &session).await;
        assert!(!again.contains("whsec_"), "the secret is shown only once");
        assert_eq!(endpoint_ids(&again), vec![stored[0].id]);

        let answer = post_form(
            &db,
            &session,
            &format!("/handlinger/indstillinger/webhooks/{}/fjern", stored[0].id),
            "",
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let page = settings_page(&db, &session).await;
        assert!(endpoint_ids(&page).is_empty());
        assert!(!page.contains("https://erp.example.dk/hooks"));
        assert!(WebhookEndpoint::active_for_cvr(&mut conn, CVR_A)
            .await
            .unwrap()
            .is_empty());
    }
);

both_backends!(
    a_bad_address_comes_back_as_typed_with_the_reason,
    |db| async move {
        let session = login(&db, "virksomhed-a").await;
        for (typed, encoded, message) in [
            (
                "http://erp.example.dk/hooks",
                "http%3A%2F%2Ferp.example.dk%2Fhooks",
                "Adressen skal begynde med https://",
            ),
            (
                "ikke en adresse",
                "ikke+en+adresse",
                "Adressen er ikke en gyldig URL",
            ),
        ] {
            let answer = post_form(
                &db,
                &session,
                "/handlinger/indstillinger/webhooks",
                &format!("url={encoded}"),
            )
            .await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER);
            let page = settings_page(&db, &session).await;
            assert!(page.contains(message), "{typed}: {page}");
            assert!(page.contains(&format!("value=\"{typed}\"")), "{typed}");
        }
        let mut conn = db.conn().await.unwrap();
        assert!(WebhookEndpoint::active_for_cvr(&mut conn, CVR_A)
            .await
            .unwrap()
            .is_empty());
        // At most ten receivers per CVR.
        for n in 0..10 {
            endpoint(&mut conn, CVR_A, &format!("https://erp.example.dk/{n}")).await;
        }
        post_form(
            &db,
            &session,
            "/handlinger/indstillinger/webhooks",
            "url=https%3A%2F%2Ferp.example.dk%2F11",
        )
        .await;
        let page = settings_page(&db, &session).await;
        assert!(page.contains("allerede 10 modtagere"));
        assert_eq!(
            WebhookEndpoint::active_for_cvr(&mut conn, CVR_A)
                .await
                .unwrap()
                .len(),
            10
        );
    }
);

both_backends!(
    a_citizen_cannot_add_and_another_company_cannot_remove,
    |db| async move {
        let citizen = login(&db, "borger").await;
        let page = settings_page(&db, &citizen).await;
        assert!(
            !page.contains("id=\"webhooks\""),
            "citizens do not see the section"
        );
        let answer = post_form(
            &db,
            &citizen,
            "/handlinger/indstillinger/webhooks",
            "url=https%3A%2F%2Ferp.example.dk%2Fhooks",
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);

        let mut conn = db.conn().await.unwrap();
        let a = endpoint(&mut conn, CVR_A, "https://erp.example.dk/hooks").await;
        let other = login(&db, "virksomhed-b").await;
        for session in [&other, &citizen] {
            let answer = post_form(
                &db,
                session,
                &format!("/handlinger/indstillinger/webhooks/{}/fjern", a.id),
                "",
            )
            .await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND);
        }
        let page = settings_page(&db, &other).await;
        assert!(!page.contains("https://erp.example.dk/hooks"));
        assert_eq!(
            WebhookEndpoint::active_for_cvr(&mut conn, CVR_A)
                .await
                .unwrap()
                .len(),
            1
        );
        // Without a login the form sends the visitor to log in.
        let answer = post_form(
            &db,
            "",
            "/handlinger/indstillinger/webhooks",
            "url=https%3A%2F%2Ferp.example.dk%2Fhooks",
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
);

both_backends!(
    visible_events_are_delivered_signed_and_hidden_ones_are_not,
    |db| async move {
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db.conn().await.unwrap();
        let hook = endpoint(&mut conn, CVR_A, &receiver.url).await;
        let other = endpoint(&mut conn, "87654321", &receiver.url).await;
        let at = now_utc() - TimeDelta::minutes(5);
        let case = sent_case(&mut conn, None, Some(CVR_A), None, at).await;
        let written = webhook_messages(&db, case.id).await;
        assert_eq!(written.len(), 1, "one delivery per receiver of the CVR");
        assert_eq!(written[0].recipient, format!("webhook:{}", hook.id));

        // An internal note is not the applicant's to see: no delivery.
        let mut note = EventRequest::new(EventKind::NoteAdded, CASEWORKER, at);
        note.internal_text = Some("Intern bemærkning");
        note.hidden_from_applicant = true;
        case_events::record(&mut conn, case.id, None, &note)
            .await
            .unwrap();
        assert_eq!(webhook_messages(&db, case.id).await.len(), 1);

        let round = deliver_due(&db, &delivery(dir.path()), &settings("w1"), now_utc())
            .await
            .unwrap();
        assert_eq!(round.sent, 1);
        let requests = receiver.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.id, format!("msg_{}", written[0].id));
        assert!(request.signature.starts_with("v1,"));
        assert!(
            python_verifies(&hook.secret, request),
            "Python verifies the signature"
        );
        assert!(
            !python_verifies(&other.secret, request),
            "another secret does not verify"
        );
        let mut tampered = request.clone();
        tampered.body.push(b' ');
        assert!(!python_verifies(&hook.secret, &tampered));

        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["type"], "case.submitted");
        assert_eq!(body["data"]["reference"], case.reference.clone().unwrap());
        assert_eq!(body["data"]["kind"], "submitted");
        assert_eq!(body["data"]["state"], "submitted");
        assert_eq!(body["data"]["phase"], "received");
        assert_eq!(body["data"]["must_act"], "authority");
        assert!(body["data"]["event_id"].is_i64());
        assert!(chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().unwrap()).is_ok());
        let text = String::from_utf8_lossy(&request.body);
        assert!(!text.contains("Intern bemærkning") && !text.contains("Engvej"));
        // The body's whole shape, with what differs between runs redacted.
        insta::assert_snapshot!("webhook_body_case_submitted", redacted(body));
    }
);

both_backends!(
    a_failing_receiver_is_retried_and_a_refusing_one_is_shown_as_failed,
    |db| async move {
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap();
        let delivery = delivery(dir.path());
        let settings = settings("w1");
        let mut conn = db.conn().await.unwrap();
        let hook = endpoint(&mut conn, CVR_A, &receiver.url).await;
        let now = now_utc();
        let case = sent_case(&mut conn, None, Some(CVR_A), None, now).await;

        receiver.answer_next(&[500]);
        let round = deliver_due(&db, &delivery, &settings, now_utc())
            .await
            .unwrap();
        assert_eq!(round.retried, 1);
        let session = login(&db, "virksomhed-a").await;
        let page = settings_page(&db, &session).await;
        assert!(page.contains("Prøver igen"), "retrying is shown");
        assert!(page.contains("500"), "the last error is shown");

        // Not due again before the backoff has passed.
        let round = deliver_due(&db, &delivery, &settings, now_utc())
            .await
            .unwrap();
        assert_eq!(round.taken(), 0);
        let later = now_utc() + TimeDelta::hours(2);
        let round = deliver_due(&db, &delivery, &settings, later).await.unwrap();
        assert_eq!(round.sent, 1);
        let requests = receiver.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(
            requests[0].id, requests[1].id,
            "the same webhook-id on retry"
        );
        assert_eq!(requests[0].body, requests[1].body, "the same body on retry");
        assert!(python_verifies(&hook.secret, &requests[1]));

        // A 400 is final.
        receiver.answer_next(&[400]);
        event(&mut conn, &case, EventKind::Registered, now_utc()).await;
        let round = deliver_due(&db, &delivery, &settings, later).await.unwrap();
        assert_eq!(round.failed, 1);
        let messages = webhook_messages(&db, case.id).await;
        assert_eq!(
            messages
                .iter()
                .map(|m| m.status.as_str())
                .collect::<Vec<_>>(),
            ["failed", "sent"]
        );
        let page = settings_page(&db, &session).await;
        assert!(page.contains("data-status=\"failed\""));
        assert!(page.contains("Mislykkedes"));
        assert!(page.contains("case.registered"));
        assert!(page.contains("Leveret"));
    }
);

both_backends!(
    registrations_at_once_never_pass_the_limit,
    |db| async move {
        let session = login(&db, "virksomhed-a").await;
        let mut conn = db.conn().await.unwrap();
        for n in 0..8 {
            endpoint(&mut conn, CVR_A, &format!("https://erp.example.dk/{n}")).await;
        }
        let posts = (0..4).map(|n| {
            let db = db.clone();
            let session = session.clone();
            tokio::spawn(async move {
                post_form(
                    &db,
                    &session,
                    "/handlinger/indstillinger/webhooks",
                    &format!("url=https%3A%2F%2Ferp.example.dk%2Fat-once-{n}"),
                )
                .await
                .status
            })
        });
        for post in posts.collect::<Vec<_>>() {
            assert_eq!(post.await.unwrap(), StatusCode::SEE_OTHER);
        }
        assert_eq!(
            WebhookEndpoint::active_for_cvr(&mut conn, CVR_A)
                .await
                .unwrap()
                .len(),
            10
        );
    }
);

both_backends!(
    removing_a_receiver_stops_its_waiting_deliveries,
    |db| async move {
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db.conn().await.unwrap();
        let hook = endpoint(&mut conn, CVR_A, &receiver.url).await;
        let case = sent_case(&mut conn, None, Some(CVR_A), None, now_utc()).await;
        assert_eq!(webhook_messages(&db, case.id).await[0].status, "pending");

        let session = login(&db, "virksomhed-a").await;
        let answer = post_form(
            &db,
            &session,
            &format!("/handlinger/indstillinger/webhooks/{}/fjern", hook.id),
            "",
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let round = deliver_due(&db, &delivery(dir.path()), &settings("w1"), now_utc())
            .await
            .unwrap();
        assert_eq!(round.taken(), 0);
        assert!(
            receiver.requests().is_empty(),
            "nothing goes to a removed receiver"
        );
        let messages = webhook_messages(&db, case.id).await;
        assert_eq!(messages[0].status, "failed");
        assert_eq!(messages[0].last_error.as_deref(), Some("receiver removed"));
        // Later events write nothing for it.
        event(&mut conn, &case, EventKind::Registered, now_utc()).await;
        assert_eq!(webhook_messages(&db, case.id).await.len(), 1);
    }
);

both_backends!(
    in_production_nothing_is_posted_to_this_machine,
    |db| async move {
        let receiver = Receiver::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db.conn().await.unwrap();
        // Stored while the process allowed this machine; by address and by name.
        let by_address = endpoint(&mut conn, CVR_A, &receiver.url).await;
        let by_name_url = receiver.url.replace("127.0.0.1", "localhost");
        let by_name = endpoint(&mut conn, CVR_A, &by_name_url).await;
        let case = sent_case(&mut conn, None, Some(CVR_A), None, now_utc()).await;

        let production = Delivery {
            webhook_receivers: ReceiverScope::PublicOnly,
            ..delivery(dir.path())
        };
        let round = deliver_due(&db, &production, &settings("w1"), now_utc())
            .await
            .unwrap();
        assert_eq!(round.failed, 2, "refused at once, not retried");
        assert!(
            receiver.requests().is_empty(),
            "nothing reached this machine"
        );
        let messages = webhook_messages(&db, case.id).await;
        for message in &messages {
            assert_eq!(message.status, "failed");
            let error = message.last_error.as_deref().unwrap_or_default();
            assert!(error.contains("not allowed"), "{error}");
        }

        // Where this machine is allowed, the name resolves and the delivery goes out.
        event(&mut conn, &case, EventKind::Registered, now_utc()).await;
        let round = deliver_due(&db, &delivery(dir.path()), &settings("w1"), now_utc())
            .await
            .unwrap();
        assert_eq!(round.sent, 2);
        let ids: Vec<String> = webhook_messages(&db, case.id)
            .await
            .iter()
            .filter(|m| m.status == "sent")
            .map(|m| m.recipient.clone())
            .collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&format!("webhook:{}", by_address.id)));
        assert!(ids.contains(&format!("webhook:{}", by_name.id)));
        assert_eq!(receiver.requests().len(), 2);
    }
);

/// A webhook body with its run-specific values (reference, ids, times, dates) replaced by what
/// they are, for a snapshot.
fn redacted(mut body: serde_json::Value) -> String {
    let mark = |value: &mut serde_json::Value, what: &str| {
        if !value.is_null() {
            *value = serde_json::Value::String(format!("[{what}]"));
        }
    };
    mark(&mut body["timestamp"], "time");
    let data = &mut body["data"];
    mark(&mut data["reference"], "reference");
    mark(&mut data["event_id"], "id");
    mark(&mut data["occurred_at"], "time");
    mark(&mut data["expected_decision_on"], "date");
    serde_json::to_string_pretty(&body).unwrap()
}
