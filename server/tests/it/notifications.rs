//! Notifications end to end: events write outbox rows in their transaction, the worker sends
//! them to a real SMTP server and an HTTP SMS gateway, retries while the server is away, and
//! never delivers a message twice except after a crash between sending and acknowledging.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::db::contact_preferences::ContactPreferences;
use app::db::outbox::{NewOutboxMessage, OutboxMessage};
use app::db::users::{LoginIdentity, User};
use app::db::{Conn, Database};
use app::domain::lifecycle::EventKind;
use app::services::case_events::{self, Actor, ActorKind, EventRequest};
use app::services::notifications::{self, Topic};
use app::state::now_utc;
use chrono::{NaiveDateTime, TimeDelta};
use std::collections::{HashMap, HashSet};
use support::events::*;
use support::mail::*;
use support::web::*;

async fn user(conn: &mut Conn, kind: &str, subject: &str, cvr: Option<&str>) -> User {
    User::upsert_login(
        conn,
        &LoginIdentity {
            kind,
            issuer: "test",
            subject,
            name: subject,
            email: None,
            cvr,
            authority_code: None,
        },
        now_utc(),
    )
    .await
    .unwrap()
}

async fn prefer(
    conn: &mut Conn,
    user: &User,
    email: Option<&str>,
    mobile: Option<&str>,
    language: &str,
    sms_topics: &[Topic],
    company_cases: bool,
) {
    ContactPreferences::save(
        conn,
        &ContactPreferences {
            user_id: user.id,
            email: email.map(str::to_string),
            mobile: mobile.map(str::to_string),
            language: language.to_string(),
            email_topics: notifications::every_topic(),
            sms_topics: notifications::topic_list(sms_topics),
            company_cases,
            updated_at: now_utc(),
        },
    )
    .await
    .unwrap();
}

/// Every e-mail received, by its de-duplication key.
fn by_key(sink: &SmtpSink) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for message in sink.messages() {
        let key = header(&message, "X-Sagsspor-Dedup-Key").expect("dedup header");
        map.entry(key).or_default().push(message);
    }
    map
}

both_backends!(
    one_message_per_event_reaches_the_applicant_in_their_language,
    |db| async move {
        let smtp = SmtpSink::start();
        let sms = SmsGateway::start().await;
        let delivery = delivery(&smtp, &sms);
        let mut conn = db.conn().await.unwrap();
        let start = now_utc() - TimeDelta::days(30);

        let citizen = user(&mut conn, "citizen", "mette", None).await;
        prefer(
            &mut conn,
            &citizen,
            Some("mette@example.dk"),
            Some("+4520304050"),
            "en",
            &[Topic::InformationRequested, Topic::Decided],
            false,
        )
        .await;
        let stranger = user(&mut conn, "citizen", "someone-else", None).await;
        prefer(
            &mut conn,
            &stranger,
            Some("stranger@example.dk"),
            None,
            "da",
            &[],
            false,
        )
        .await;

        let mut case = sent_case(&mut conn, Some("mette"), None, Some(citizen.id), start).await;
        let reference = case.reference.clone().unwrap();
        case = event(
            &mut conn,
            &case,
            EventKind::Registered,
            start + TimeDelta::days(1),
        )
        .await;
        case = event(
            &mut conn,
            &case,
            EventKind::DeclaredComplete,
            start + TimeDelta::days(2),
        )
        .await;
        let deadline = (start + TimeDelta::days(20)).date();
        case = case_events::request_information(
            &mut conn,
            case.id,
            None,
            CASEWORKER,
            "Vi mangler en tegning.",
            &[("Facadetegning".to_string(), deadline)],
            start + TimeDelta::days(3),
        )
        .await
        .unwrap()
        .case;
        case = event(
            &mut conn,
            &case,
            EventKind::InformationReceived,
            start + TimeDelta::days(4),
        )
        .await;
        case = event(
            &mut conn,
            &case,
            EventKind::HearingStarted,
            start + TimeDelta::days(5),
        )
        .await;
        // Neither a hearing ending nor an assignment tells the applicant anything by message.
        case = event(
            &mut conn,
            &case,
            EventKind::HearingEnded,
            start + TimeDelta::days(6),
        )
        .await;
        case = event(
            &mut conn,
            &case,
            EventKind::Assigned,
            start + TimeDelta::days(6),
        )
        .await;
        case = event(
            &mut conn,
            &case,
            EventKind::Decided,
            start + TimeDelta::days(7),
        )
        .await;
        event(
            &mut conn,
            &case,
            EventKind::Closed,
            start + TimeDelta::days(8),
        )
        .await;

        let withdrawn = sent_case(&mut conn, Some("mette"), None, Some(citizen.id), start).await;
        let mut withdraw = EventRequest::new(
            EventKind::Withdrawn,
            Actor {
                kind: ActorKind::Applicant,
                user_id: Some(citizen.id),
                label: "Mette",
            },
            start + TimeDelta::days(1),
        );
        withdraw.public_text = None;
        case_events::record(&mut conn, withdrawn.id, None, &withdraw)
            .await
            .unwrap();
        drop(conn);

        let round =
            server::workers::outbox::deliver_due(&db, &delivery, &settings("w1"), now_utc())
                .await
                .unwrap();
        assert_eq!(round.failed + round.retried, 0, "{round:?}");

        let received = by_key(&smtp);
        assert_eq!(
            received.len(),
            10,
            "8 topics of one case and 2 of the other, once each"
        );
        assert!(received.values().all(|copies| copies.len() == 1));
        let mut subjects: Vec<String> = Vec::new();
        for copies in received.values() {
            let message = &copies[0];
            assert_eq!(header(message, "To").unwrap(), "mette@example.dk");
            let subject = header(message, "Subject").unwrap();
            let text = plain_text(message);
            assert!(message.contains("text/html"), "plain text and HTML");
            if !subject.contains(withdrawn.reference.as_deref().unwrap()) {
                assert!(text.contains(&reference), "{text}");
            }
            assert!(
                text.contains("Choose which messages you get"),
                "English, as chosen: {text}"
            );
            subjects.push(subject);
        }
        for expected in [
            "Application received",
            "has been registered",
            "is complete",
            "asks for information",
            "Information received",
            "sent for consultation",
            "Decision in case",
            "has been closed",
            "has been withdrawn",
        ] {
            assert!(
                subjects.iter().any(|s| s.contains(expected)),
                "no e-mail '{expected}' among {subjects:?}"
            );
        }
        let requested = received
            .values()
            .map(|c| &c[0])
            .find(|m| {
                header(m, "Subject")
                    .unwrap()
                    .contains("asks for information")
            })
            .unwrap();
        let text = plain_text(requested);
        assert!(text.contains("Facadetegning (deadline"), "{text}");
        assert!(text.contains("Vi mangler en tegning."), "{text}");

        // SMS only for the two topics chosen, with the gateway's token and the message's key.
        let texts = sms.requests();
        assert_eq!(texts.len(), 2, "{texts:?}");
        for request in &texts {
            assert_eq!(
                request.authorization.as_deref(),
                Some("Bearer gateway-secret")
            );
            assert_eq!(request.body["to"], "+4520304050");
            assert_eq!(request.body["from"], "Sagsspor");
            let text = request.body["text"].as_str().unwrap();
            assert!(
                text.contains(&reference) && text.chars().count() <= 160,
                "{text}"
            );
            assert!(request
                .idempotency_key
                .as_deref()
                .unwrap()
                .contains(":sms:+4520304050"));
        }
        // Nothing reached the other citizen, and a second round sends nothing more.
        assert!(smtp
            .messages()
            .iter()
            .all(|m| !m.contains("stranger@example.dk")));
        let again =
            server::workers::outbox::deliver_due(&db, &delivery, &settings("w1"), now_utc())
                .await
                .unwrap();
        assert_eq!(again.taken(), 0);
    }
);

both_backends!(
    a_company_case_notifies_its_starter_and_colleagues_who_asked,
    |db| async move {
        let mut conn = db.conn().await.unwrap();
        let starter = user(&mut conn, "business", "anders", Some("12345678")).await;
        prefer(
            &mut conn,
            &starter,
            Some("anders@nordbyg.dk"),
            None,
            "da",
            &[],
            false,
        )
        .await;
        let follower = user(&mut conn, "business", "birgitte", Some("12345678")).await;
        prefer(
            &mut conn,
            &follower,
            Some("birgitte@nordbyg.dk"),
            None,
            "da",
            &[],
            true,
        )
        .await;
        let quiet = user(&mut conn, "business", "carl", Some("12345678")).await;
        prefer(
            &mut conn,
            &quiet,
            Some("carl@nordbyg.dk"),
            None,
            "da",
            &[],
            false,
        )
        .await;
        let other_company = user(&mut conn, "business", "dorte", Some("87654321")).await;
        prefer(
            &mut conn,
            &other_company,
            Some("dorte@sydvarme.dk"),
            None,
            "da",
            &[],
            true,
        )
        .await;

        let case = sent_case(
            &mut conn,
            None,
            Some("12345678"),
            Some(starter.id),
            now_utc(),
        )
        .await;
        let messages = OutboxMessage::for_case(&mut conn, case.id).await.unwrap();
        let recipients: HashSet<&str> = messages.iter().map(|m| m.recipient.as_str()).collect();
        assert_eq!(
            recipients,
            HashSet::from(["anders@nordbyg.dk", "birgitte@nordbyg.dk"])
        );
        assert!(messages
            .iter()
            .all(|m| m.topic == "submitted" && m.status == "pending"));
    }
);

both_backends!(
    messages_wait_while_the_mail_server_is_down_and_each_arrives_once,
    |db| async move {
        let mut smtp = SmtpSink::start();
        let sms = SmsGateway::start().await;
        let delivery = delivery(&smtp, &sms);
        let settings = settings("w1");
        let mut conn = db.conn().await.unwrap();
        let citizen = user(&mut conn, "citizen", "mette", None).await;
        prefer(
            &mut conn,
            &citizen,
            Some("mette@example.dk"),
            Some("+4520304050"),
            "da",
            &[Topic::Submitted],
            false,
        )
        .await;

        smtp.stop();
        sms.refuse_next(3);
        let mut now = now_utc();
        let mut first = None;
        for _ in 0..12 {
            let case = sent_case(&mut conn, Some("mette"), None, Some(citizen.id), now).await;
            first.get_or_insert(case.id);
        }
        drop(conn);
        // Down: every e-mail waits with a growing delay; the gateway refuses three SMS at first.
        for attempt in 1..=3 {
            let round = server::workers::outbox::deliver_due(&db, &delivery, &settings, now)
                .await
                .unwrap();
            assert_eq!(round.failed, 0, "attempt {attempt}: {round:?}");
            assert!(round.retried >= 12, "attempt {attempt}: {round:?}");
            now += settings.backoff(attempt) + TimeDelta::seconds(1);
        }
        assert_eq!(smtp.messages().len(), 0);
        let mut conn = db.conn().await.unwrap();
        assert_eq!(
            OutboxMessage::count_by_status(&mut conn, "pending")
                .await
                .unwrap(),
            12
        );
        let waiting = OutboxMessage::for_case(&mut conn, first.unwrap())
            .await
            .unwrap();
        assert!(
            waiting
                .iter()
                .any(|m| m.last_error.is_some() && m.attempts >= 2),
            "{waiting:?}"
        );
        drop(conn);

        smtp.resume();
        now += settings.backoff_cap;
        let round = server::workers::outbox::deliver_due(&db, &delivery, &settings, now)
            .await
            .unwrap();
        assert_eq!(round.sent, 12, "the twelve e-mails: {round:?}");
        let received = by_key(&smtp);
        assert_eq!(received.len(), 12);
        assert!(
            received.values().all(|copies| copies.len() == 1),
            "none twice"
        );
        assert_eq!(
            sms.requests().len(),
            12,
            "every SMS once, after the refusals"
        );
        let mut conn = db.conn().await.unwrap();
        assert_eq!(
            OutboxMessage::count_by_status(&mut conn, "sent")
                .await
                .unwrap(),
            24
        );
    }
);

both_backends!(
    a_refused_address_fails_for_good_and_the_caseworker_sees_it,
    |db| async move {
        let smtp = SmtpSink::start();
        let sms = SmsGateway::start().await;
        let delivery = delivery(&smtp, &sms);
        let mut conn = db.conn().await.unwrap();
        let citizen = user(&mut conn, "citizen", "mette", None).await;
        // Stored before validation existed, say: lettre cannot address it.
        prefer(
            &mut conn,
            &citizen,
            Some("mette at example"),
            None,
            "da",
            &[],
            false,
        )
        .await;
        let case = sent_case(&mut conn, Some("mette"), None, Some(citizen.id), now_utc()).await;
        drop(conn);
        let round =
            server::workers::outbox::deliver_due(&db, &delivery, &settings("w1"), now_utc())
                .await
                .unwrap();
        assert_eq!(round.failed, 1);
        let mut conn = db.conn().await.unwrap();
        let messages = OutboxMessage::for_case(&mut conn, case.id).await.unwrap();
        assert_eq!(messages[0].status, "failed");
        assert!(messages[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("invalid address"));
    }
);

/// Writes `count` due e-mails straight into the outbox (the event path is tested above).
async fn fill_outbox(conn: &mut Conn, count: usize, at: NaiveDateTime) {
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
    for n in 0..count {
        let key = format!("load:{n}:email:user{n}@example.dk");
        let recipient = format!("user{n}@example.dk");
        OutboxMessage::enqueue(
            conn,
            &NewOutboxMessage {
                dedup_key: &key,
                case_id: None,
                event_id: None,
                user_id: None,
                topic: "submitted",
                channel: "email",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgresql_deliver_a_thousand_messages_exactly_once() {
    let Some(test_db) = support::TestDb::postgres().await else {
        eprintln!("TEST_DATABASE_URL is not set: skipped");
        return;
    };
    let db = test_db.db.clone();
    let smtp = SmtpSink::start();
    let sms = SmsGateway::start().await;
    let now = now_utc();
    fill_outbox(&mut db.conn().await.unwrap(), 1000, now).await;

    let run = |id: &'static str| {
        let db: Database = db.clone();
        let delivery = delivery(&smtp, &sms);
        tokio::spawn(async move {
            server::workers::outbox::deliver_due(&db, &delivery, &settings(id), now)
                .await
                .unwrap()
        })
    };
    let (a, b) = (run("worker-a"), run("worker-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a.sent + b.sent, 1000, "a {a:?}, b {b:?}");
    assert!(a.sent > 0 && b.sent > 0, "both took part: a {a:?}, b {b:?}");

    let received = by_key(&smtp);
    assert_eq!(received.len(), 1000);
    assert!(
        received.values().all(|copies| copies.len() == 1),
        "exactly once each"
    );
    let mut conn = db.conn().await.unwrap();
    assert_eq!(
        OutboxMessage::count_by_status(&mut conn, "sent")
            .await
            .unwrap(),
        1000
    );
}

both_backends!(
    a_crash_between_sending_and_acknowledging_repeats_the_message_once_with_its_key,
    |db| async move {
        let smtp = SmtpSink::start();
        let sms = SmsGateway::start().await;
        let delivery = delivery(&smtp, &sms);
        let now = now_utc();
        let mut conn = db.conn().await.unwrap();
        fill_outbox(&mut conn, 3, now).await;

        // Worker A takes the messages, sends one, and dies before recording it.
        let crashed = settings("worker-a");
        let taken = OutboxMessage::claim_due(&mut conn, "worker-a", now, now + crashed.lease, 10)
            .await
            .unwrap();
        assert_eq!(taken.len(), 3);
        delivery.send(&taken[0]).await.unwrap();
        drop(conn);

        // While A's lease holds, nobody else takes them.
        let early = server::workers::outbox::deliver_due(
            &db,
            &delivery,
            &settings("worker-b"),
            now + TimeDelta::seconds(10),
        )
        .await
        .unwrap();
        assert_eq!(early.taken(), 0);
        // After it runs out, worker B sends all three: the one A had sent arrives a second time.
        let later = now + crashed.lease + TimeDelta::seconds(1);
        let round =
            server::workers::outbox::deliver_due(&db, &delivery, &settings("worker-b"), later)
                .await
                .unwrap();
        assert_eq!(round.sent, 3);
        let received = by_key(&smtp);
        assert_eq!(received.len(), 3);
        let repeated = &received[&taken[0].dedup_key];
        assert_eq!(repeated.len(), 2, "at most one duplicate");
        assert_eq!(
            header(&repeated[0], "Message-ID"),
            header(&repeated[1], "Message-ID")
        );
        assert!(received
            .iter()
            .filter(|(k, _)| **k != taken[0].dedup_key)
            .all(|(_, c)| c.len() == 1));
        let again = server::workers::outbox::deliver_due(
            &db,
            &delivery,
            &settings("worker-b"),
            later + TimeDelta::hours(2),
        )
        .await
        .unwrap();
        assert_eq!(again.taken(), 0);
    }
);

both_backends!(
    reminders_come_once_a_few_days_before_a_deadline,
    |db| async move {
        let mut conn = db.conn().await.unwrap();
        let citizen = user(&mut conn, "citizen", "mette", None).await;
        prefer(
            &mut conn,
            &citizen,
            Some("mette@example.dk"),
            None,
            "da",
            &[],
            false,
        )
        .await;
        let now = now_utc();
        let today = app::domain::local_time::copenhagen_date(now);
        let case = sent_case(
            &mut conn,
            Some("mette"),
            None,
            Some(citizen.id),
            now - TimeDelta::days(20),
        )
        .await;
        event(
            &mut conn,
            &case,
            EventKind::Registered,
            now - TimeDelta::days(19),
        )
        .await;
        case_events::request_information(
            &mut conn,
            case.id,
            None,
            CASEWORKER,
            "",
            &[
                ("Situationsplan".to_string(), today + TimeDelta::days(2)),
                ("Facadetegning".to_string(), today + TimeDelta::days(2)),
                ("Snit".to_string(), today + TimeDelta::days(9)),
            ],
            now - TimeDelta::days(10),
        )
        .await
        .unwrap();
        // Asked only yesterday with a deadline two days away: the request itself was the notice.
        let fresh = sent_case(
            &mut conn,
            Some("mette"),
            None,
            Some(citizen.id),
            now - TimeDelta::days(5),
        )
        .await;
        let mut register =
            EventRequest::new(EventKind::Registered, CASEWORKER, now - TimeDelta::days(4));
        register.esdh_number = Some("ESDH-2");
        case_events::record(&mut conn, fresh.id, None, &register)
            .await
            .unwrap();
        case_events::request_information(
            &mut conn,
            fresh.id,
            None,
            CASEWORKER,
            "",
            &[("Tegning".to_string(), today + TimeDelta::days(2))],
            now - TimeDelta::days(1),
        )
        .await
        .unwrap();

        let written = notifications::enqueue_deadline_reminders(&mut conn, today, 3, now)
            .await
            .unwrap();
        assert_eq!(written, 1, "one reminder for the two items due together");
        let again = notifications::enqueue_deadline_reminders(
            &mut conn,
            today,
            3,
            now + TimeDelta::hours(1),
        )
        .await
        .unwrap();
        assert_eq!(again, 0, "never twice");
        let reminders: Vec<OutboxMessage> = OutboxMessage::for_case(&mut conn, case.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.topic == "deadline_reminder")
            .collect();
        assert_eq!(reminders.len(), 1);
        assert!(
            reminders[0].payload.contains("Situationsplan")
                && reminders[0].payload.contains("Facadetegning")
        );
        assert!(!reminders[0].payload.contains("Snit"));
        assert!(OutboxMessage::for_case(&mut conn, fresh.id)
            .await
            .unwrap()
            .iter()
            .all(|m| m.topic != "deadline_reminder"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_default_writes_eml_files_and_an_sms_log_from_the_demo_histories() {
    let (test_db, _cases) = demo_db().await;
    let folder = tempfile::tempdir().unwrap();
    let from: lettre::message::Mailbox = "Sagsspor <noreply@sagsspor.localhost>".parse().unwrap();
    let delivery = server::workers::outbox::Delivery {
        mail: server::workers::outbox::MailTransport::Files(folder.path().to_path_buf()),
        mail_from: from,
        sms: server::workers::outbox::SmsTransport::Log(folder.path().join("sms.log")),
        public_url: PUBLIC_URL.to_string(),
        webhook_receivers: server::workers::webhooks::ReceiverScope::AlsoThisMachine,
    };
    let mut conn = test_db.db.conn().await.unwrap();
    let pending = OutboxMessage::count_by_status(&mut conn, "pending")
        .await
        .unwrap();
    assert!(
        pending > 48,
        "the seeded histories caused messages: {pending}"
    );
    drop(conn);
    let round =
        server::workers::outbox::deliver_due(&test_db.db, &delivery, &settings("demo"), now_utc())
            .await
            .unwrap();
    assert_eq!(round.sent as i64, pending);
    let files: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    let sms_lines = std::fs::read_to_string(folder.path().join("sms.log")).unwrap_or_default();
    assert_eq!(files.len() + sms_lines.lines().count(), round.sent);
    assert!(
        sms_lines.lines().count() > 0,
        "the demo citizen gets SMS for some topics"
    );
    let one = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(header(&one, "Subject").is_some() && header(&one, "Message-ID").is_some());
    // The English-speaking employee of Nordbyg gets English.
    assert!(files
        .iter()
        .map(|f| std::fs::read_to_string(f.path()).unwrap())
        .any(
            |m| header(&m, "To").as_deref() == Some("anders@nordbyg.example.dk")
                && plain_text(&m).contains("See the case")
        ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_credentials_from_the_url_are_used() {
    let test_db = support::TestDb::sqlite().await;
    let db = test_db.db.clone();
    let smtp = SmtpSink::start_with(Some("sagsspor:hemmelig æ"));
    let sms = SmsGateway::start().await;
    let now = now_utc();
    fill_outbox(&mut db.conn().await.unwrap(), 1, now).await;
    let from: lettre::message::Mailbox = "noreply@sagsspor.example.dk".parse().unwrap();

    // Without credentials the server refuses (530): a configuration fault, so the message waits.
    let anonymous = delivery(&smtp, &sms);
    let refused = server::workers::outbox::deliver_due(&db, &anonymous, &settings("w1"), now)
        .await
        .unwrap();
    assert_eq!(refused.retried, 1, "{refused:?}");
    assert_eq!(smtp.messages().len(), 0);

    // The password percent-encoded, as a URL carries it.
    let mut with_login = delivery(&smtp, &sms);
    let url = format!("smtp://sagsspor:hemmelig%20%C3%A6@127.0.0.1:{}", smtp.port);
    with_login.mail = server::workers::outbox::MailTransport::Smtp(
        server::workers::outbox::smtp_transport(&url, &from).unwrap(),
    );
    let later = now + TimeDelta::hours(1);
    let sent = server::workers::outbox::deliver_due(&db, &with_login, &settings("w1"), later)
        .await
        .unwrap();
    assert_eq!(sent.sent, 1, "{sent:?}");
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_that_never_answers_costs_one_timeout_and_a_retry() {
    let test_db = support::TestDb::sqlite().await;
    let db = test_db.db.clone();
    // Accepts connections and says nothing, ever.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut stalled = delivery(&smtp, &sms);
    let from: lettre::message::Mailbox = "noreply@sagsspor.example.dk".parse().unwrap();
    stalled.mail = server::workers::outbox::MailTransport::Smtp(
        server::workers::outbox::smtp_transport(&format!("smtp://127.0.0.1:{port}"), &from)
            .unwrap(),
    );
    let now = now_utc();
    fill_outbox(&mut db.conn().await.unwrap(), 1, now).await;
    let mut settings = settings("w1");
    settings.send_timeout = std::time::Duration::from_millis(500);
    let started = std::time::Instant::now();
    let round = server::workers::outbox::deliver_due(&db, &stalled, &settings, now)
        .await
        .unwrap();
    assert_eq!(round.retried, 1, "{round:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let mut conn = db.conn().await.unwrap();
    let waiting = OutboxMessage::latest(&mut conn, 1).await.unwrap();
    assert!(
        waiting[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("did not answer"),
        "{waiting:?}"
    );
}
