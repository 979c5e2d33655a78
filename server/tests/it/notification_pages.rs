//! The notification pages through the router as a browser uses them: the settings form (refused
//! input comes back kept, with messages beside the fields), "send me the status now" with its rate
//! limit and the policy, the caseworker's view of undelivered messages, and the demo's outbox.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::contact_preferences::ContactPreferences;
use app::db::outbox::OutboxMessage;
use app::db::users::User;
use axum::http::StatusCode;
use support::web::*;

async fn user_of(db: &app::db::Database, subject: &str) -> User {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = db.conn().await.unwrap();
    let app::db::Conn::Sqlite(c) = &mut conn else {
        panic!("these tests run on SQLite");
    };
    app::db::schema::users::table
        .filter(app::db::schema::users::subject.eq(subject))
        .select(User::as_select())
        .first(&mut **c)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_keep_what_was_typed_and_store_what_is_valid() {
    let test_db = support::TestDb::sqlite().await;
    let db = test_db.db.clone();
    let anonymous = get(&db, RunMode::Demo, "/indstillinger").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(
        location(&anonymous).starts_with("/demo/login?next=")
            && location(&anonymous).ends_with("indstillinger")
    );

    let session = login(&db, "borger").await;
    let page = get_as(&db, RunMode::Demo, "/indstillinger", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"email.submitted\""));
    // A citizen has no company to follow.
    assert!(!page.body.contains("firmaets_sager"));

    let refused = post_form(
        &db,
        &session,
        "/handlinger/indstillinger",
        "email=mette&mobil=123&sprog=en&sms.decided=ja&email.decided=ja",
    )
    .await;
    assert_eq!(location(&refused), "/indstillinger");
    let again = get_as(&db, RunMode::Demo, "/indstillinger", &session).await;
    assert!(
        again.body.contains("E-mailadressen ser ikke rigtig ud"),
        "{}",
        again.body
    );
    assert!(again
        .body
        .contains("Mobilnummeret skal være et dansk nummer med 8 cifre"));
    assert!(again.body.contains("value=\"mette\"") && again.body.contains("value=\"123\""));
    assert!(
        again.body.contains("href=\"#felt-email\""),
        "the summary links to the field"
    );
    let sms_decided = again.body.split("name=\"sms.decided\"").nth(1).unwrap();
    assert!(sms_decided[..40].contains("checked"), "the tick is kept");
    let mut conn = db.conn().await.unwrap();
    let me = user_of(&db, "demo-borger").await;
    assert_eq!(
        ContactPreferences::find(&mut conn, me.id).await.unwrap(),
        None,
        "nothing stored"
    );

    let saved = post_form(&db, &session, "/handlinger/indstillinger",
        "email=mette%40example.dk&mobil=20+30+40+50&sprog=en&sms.decided=ja&email.decided=ja&firmaets_sager=ja").await;
    assert_eq!(location(&saved), "/indstillinger?besked=gemt");
    let stored = ContactPreferences::find(&mut conn, me.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.email.as_deref(), Some("mette@example.dk"));
    assert_eq!(stored.mobile.as_deref(), Some("+4520304050"));
    assert_eq!(
        (
            stored.language.as_str(),
            stored.email_topics.as_str(),
            stored.sms_topics.as_str()
        ),
        ("en", "decided", "decided")
    );
    assert!(!stored.company_cases);
    let shown = get_as(&db, RunMode::Demo, "/indstillinger?besked=gemt", &session).await;
    assert!(
        shown.body.contains("Dine valg er gemt") && shown.body.contains("value=\"+4520304050\"")
    );

    // A business user may follow the company's cases; a caseworker has no such page.
    let employee = login(&db, "virksomhed-a").await;
    let business_page = get_as(&db, RunMode::Demo, "/indstillinger", &employee).await;
    assert!(business_page.body.contains("CVR 12345678"));
    let caseworker = login(&db, "sagsbehandler-851").await;
    assert_eq!(
        get_as(&db, RunMode::Demo, "/indstillinger", &caseworker)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let refused = post_form(
        &db,
        &caseworker,
        "/handlinger/indstillinger",
        "email=a%40b.dk",
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_now_is_sent_once_a_quarter_and_only_to_the_applicant() {
    let test_db = support::TestDb::sqlite().await;
    let db = test_db.db.clone();
    let session = login(&db, "virksomhed-a").await;
    post_form(
        &db,
        &session,
        "/handlinger/indstillinger",
        "email=anders%40nordbyg.dk&mobil=&sprog=da&email.submitted=ja",
    )
    .await;
    let case = submitted_case(&db, &session).await;
    let reference = case.reference.clone().unwrap();
    let uri = format!("/handlinger/sager/{reference}/status");

    let folder = get_as(&db, RunMode::Demo, &format!("/sager/{reference}"), &session).await;
    assert!(folder.body.contains(&format!("action=\"{uri}\"")));

    let first = post_form(&db, &session, &uri, "kanal=email").await;
    assert_eq!(
        location(&first),
        format!("/sager/{reference}?besked=status-sendt#beskeder")
    );
    let second = post_form(&db, &session, &uri, "kanal=email").await;
    assert_eq!(
        location(&second),
        format!("/sager/{reference}?besked=status-vent#beskeder")
    );
    let no_mobile = post_form(&db, &session, &uri, "kanal=sms").await;
    assert!(
        location(&no_mobile).contains("status-vent")
            || location(&no_mobile).contains("status-ingen-mobil")
    );
    let shown = get_as(
        &db,
        RunMode::Demo,
        &format!("/sager/{reference}?besked=status-vent"),
        &session,
    )
    .await;
    assert!(shown.body.contains("Du kan bede om den igen om et kvarter"));

    // Another company, a caseworker of the authority, and nonsense get nothing.
    let other = login(&db, "virksomhed-b").await;
    assert_eq!(
        post_form(&db, &other, &uri, "kanal=email").await.status,
        StatusCode::NOT_FOUND
    );
    let caseworker = login(&db, "sagsbehandler-851").await;
    assert_eq!(
        post_form(&db, &caseworker, &uri, "kanal=email")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_form(&db, &session, &uri, "kanal=brevdue").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let mut conn = db.conn().await.unwrap();
    let messages = OutboxMessage::for_case(&mut conn, case.id).await.unwrap();
    let status: Vec<_> = messages.iter().filter(|m| m.topic == "status").collect();
    assert_eq!(status.len(), 1, "{messages:?}");
    assert_eq!(status[0].recipient, "anders@nordbyg.dk");
    assert!(
        messages.iter().any(|m| m.topic == "submitted"),
        "the receipt went to the outbox when the case was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseworker_sees_what_could_not_be_delivered() {
    let (test_db, cases) = demo_db().await;
    let db = test_db.db.clone();
    let case = cases
        .iter()
        .find(|c| {
            [101, 851].contains(&c.authority_code)
                && c.applicant_subject.as_deref() == Some("demo-borger")
        })
        .unwrap();
    let mut conn = db.conn().await.unwrap();
    let messages = OutboxMessage::for_case(&mut conn, case.id).await.unwrap();
    assert!(
        !messages.is_empty(),
        "the demo history of a citizen case wrote messages"
    );
    OutboxMessage::mark_failed(&mut conn, messages[0].id, "550 mailbox unavailable")
        .await
        .unwrap();
    let caseworker = login(&db, &format!("sagsbehandler-{}", case.authority_code)).await;
    let page = get_as(
        &db,
        RunMode::Demo,
        &format!(
            "/sagsbehandling/sager/{}",
            case.reference.as_deref().unwrap()
        ),
        &caseworker,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"failed-messages\""));
    assert!(page.body.contains("550 mailbox unavailable"));
    assert!(page.body.contains("mette.borger@example.dk"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_lists_what_it_sent_and_serve_has_no_such_page() {
    let (test_db, _) = demo_db().await;
    let page = get(&test_db.db, RunMode::Demo, "/demo/udbakke").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"outbox\""));
    assert!(page.body.contains("anders@nordbyg.example.dk") && page.body.contains("+4520304050"));
    assert!(
        page.body.contains("See the case in Sagsspor"),
        "Anders reads English"
    );
    assert_eq!(
        get(&test_db.db, RunMode::Serve, "/demo/udbakke")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
