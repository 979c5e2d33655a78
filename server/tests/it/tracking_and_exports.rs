//! Status-only tracking links, the *Mine sager* exports and the calendar feed, driven
//! in-process through the axum router on SQLite and, when configured, PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use support::web::*;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::Database;
use axum::http::{header, StatusCode};

async fn reload(db: &Database, case: &Case) -> Case {
    Case::find(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap()
        .unwrap()
}

fn tracking_path(case: &Case) -> String {
    format!("/spor/{}", case.tracking_token.as_deref().unwrap())
}

both_backends!(
    tracking_page_shows_state_and_hides_the_applicant,
    |db| async move {
        let session = login(&db, "borger").await;
        let case = submitted_case(&db, &session).await;
        let reference = case.reference.clone().unwrap();
        // Logged out: the link alone is enough.
        let page = get(&db, RunMode::Demo, &tracking_path(&case)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(page.headers["x-robots-tag"], "noindex");
        assert!(page.body.contains(&reference), "{}", page.body);
        assert!(page.body.contains("data-testid=\"state\""));
        assert!(page.body.contains("Modtaget"), "state or phase shown");
        assert!(
            page.body.contains("Aalborg"),
            "authority shown: {}",
            page.body
        );
        // Nothing about the applicant or the project.
        assert!(!page.body.contains(&case.applicant_name), "name leaked");
        assert!(!page.body.contains("Engvej"), "address leaked");
        assert!(!page.body.contains("Carport<"), "title leaked");
        assert!(!page.body.contains("En åben carport"), "description leaked");
    }
);

both_backends!(unknown_tracking_token_is_404, |db| async move {
    for path in [
        "/spor/00000000000000000000000000000000",
        "/spor/not-a-token",
        "/spor/ZZZZ",
    ] {
        let page = get(&db, RunMode::Demo, path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(page.headers["x-robots-tag"], "noindex");
    }
});

both_backends!(
    rotation_retires_the_old_link_and_only_the_owner_may_rotate,
    |db| async move {
        let owner = login(&db, "borger").await;
        let case = submitted_case(&db, &owner).await;
        let reference = case.reference.clone().unwrap();
        let old = tracking_path(&case);
        // The applicant sees the whole link on the folder.
        let folder = get_as(&db, RunMode::Demo, &format!("/sager/{reference}"), &owner).await;
        assert!(
            folder.body.contains(&format!("http://127.0.0.1:3000{old}")),
            "{}",
            folder.body
        );
        let action = format!("/handlinger/sager/{reference}/sporingslink");

        // Another applicant gets the same answer as for a case that does not exist.
        let other = login(&db, "virksomhed-b").await;
        let refused = post_form(&db, &other, &action, "").await;
        let missing = post_form(
            &db,
            &other,
            "/handlinger/sager/851-2026-999999/sporingslink",
            "",
        )
        .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(
            (refused.status, refused.body.clone()),
            (missing.status, missing.body.clone())
        );
        assert_eq!(reload(&db, &case).await.tracking_token, case.tracking_token);

        // The owner replaces it: the old link is gone at once, the new one works.
        let rotated = post_form(&db, &owner, &action, "").await;
        assert_eq!(rotated.status, StatusCode::SEE_OTHER);
        assert!(location(&rotated).contains("besked=nyt-sporingslink"));
        let now = reload(&db, &case).await;
        assert_ne!(now.tracking_token, case.tracking_token);
        assert_eq!(
            get(&db, RunMode::Demo, &old).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(&db, RunMode::Demo, &tracking_path(&now)).await.status,
            StatusCode::OK
        );
    }
);

/// A carport application at Aalborg with this title, sent by this applicant.
async fn submitted_with_title(db: &Database, session: &str, title: &str) -> Case {
    let case = submitted_case(db, session).await;
    // The title as the applicant's own words may hold anything a CSV must quote; the form keeps a
    // title on one line, so the stored row is changed here.
    use app::db::schema::cases;
    use diesel::{ExpressionMethods as _, QueryDsl as _};
    use diesel_async::RunQueryDsl as _;
    let mut conn = db.conn().await.unwrap();
    app::dispatch!(&mut conn, |c| diesel::update(cases::table.find(case.id))
        .set(cases::title.eq(title))
        .execute(c)
        .await
        .unwrap());
    reload(db, &case).await
}

both_backends!(
    exports_hold_exactly_the_users_cases_and_quote_csv,
    |db| async move {
        let citizen = login(&db, "borger").await;
        let business = login(&db, "virksomhed-a").await;
        let tricky = "Carport; \"stor\"\nog udhus";
        let mine = submitted_with_title(&db, &citizen, tricky).await;
        let theirs = submitted_case(&db, &business).await;
        let mine_ref = mine.reference.clone().unwrap();
        let theirs_ref = theirs.reference.clone().unwrap();

        let json = get_as(&db, RunMode::Demo, "/mine-sager.json", &citizen).await;
        assert_eq!(json.status, StatusCode::OK);
        let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        let references: Vec<&str> = value["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["reference"].as_str().unwrap())
            .collect();
        assert_eq!(references, vec![mine_ref.as_str()]);
        let row = &value["cases"][0];
        assert_eq!(row["title"], tricky);
        assert_eq!(row["state"], "submitted");
        assert_eq!(row["must_act"], "authority");
        assert!(row["days_with_authority"].is_i64());
        assert!(row["days_with_applicant"].is_i64());

        let csv = get_as(&db, RunMode::Demo, "/mine-sager.csv", &citizen).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(csv.body.starts_with('\u{feff}'), "BOM for Danish Excel");
        let lines: Vec<&str> = csv
            .body
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .collect();
        assert!(lines[0].starts_with("Sagsnummer;Type;Titel;Myndighed;"));
        assert!(csv.body.contains(&mine_ref));
        assert!(!csv.body.contains(&theirs_ref), "another applicant's case");
        assert!(
            csv.body.contains("\"Carport; \"\"stor\"\"\nog udhus\""),
            "{}",
            csv.body
        );
        // Header, one case (whose quoted title spans two lines), and the final line break.
        assert_eq!(lines.len(), 3, "{lines:?}");

        // The business sees its own case only.
        let json = get_as(&db, RunMode::Demo, "/mine-sager.json", &business).await;
        assert!(json.body.contains(&theirs_ref) && !json.body.contains(&mine_ref));

        // Without a login: 401 for the program, the login for the person.
        let anonymous = get(&db, RunMode::Demo, "/mine-sager.json").await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let anonymous = get(&db, RunMode::Demo, "/mine-sager.csv").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert!(
            location(&anonymous).contains("login"),
            "{}",
            location(&anonymous)
        );
    }
);

/// The calendar address shown on the settings page, as a path.
async fn calendar_path(db: &Database, session: &str) -> String {
    let made = post_form(db, session, "/handlinger/indstillinger/kalender", "").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let settings = get_as(db, RunMode::Demo, &location(&made), session).await;
    let start = settings
        .body
        .find("http://127.0.0.1:3000/kalender/")
        .expect("the calendar address is shown");
    let rest = &settings.body[start + "http://127.0.0.1:3000".len()..];
    rest[..rest.find(".ics").unwrap() + 4].to_string()
}

both_backends!(
    calendar_feed_is_valid_ics_with_one_event_per_deadline,
    |db| async move {
        let citizen = login(&db, "borger").await;
        let case = submitted_case(&db, &citizen).await;
        let reference = case.reference.clone().unwrap();
        let aalborg = login(&db, "sagsbehandler-851").await;
        let registered = post_form(
            &db,
            &aalborg,
            &format!("/handlinger/sagsbehandling/{reference}"),
            &format!(
                "handling=registrer&version={}&esdh_nummer=ESDH-1",
                case.version
            ),
        )
        .await;
        assert!(
            location(&registered).contains("udfoert="),
            "{}",
            location(&registered)
        );
        let case = reload(&db, &case).await;
        let asked = post_form(
            &db,
            &aalborg,
            &format!("/handlinger/sagsbehandling/{reference}"),
            &format!(
                "handling=anmod&version={}&besked=Vi+mangler+to+ting&punkt_1=Situationsplan%3B+ny&frist_1=2099-01-15&punkt_2=Facadetegning&frist_2=2099-02-01",
                case.version
            ),
        )
        .await;
        assert!(
            location(&asked).contains("udfoert=anmod"),
            "{}",
            location(&asked)
        );

        let path = calendar_path(&db, &citizen).await;
        let feed = get(&db, RunMode::Demo, &path).await;
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(
            feed.headers[header::CONTENT_TYPE],
            "text/calendar; charset=utf-8"
        );
        let ics = feed.body.as_str();
        assert!(ics.ends_with("\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF"
        );
        let lines: Vec<&str> = ics.trim_end_matches("\r\n").split("\r\n").collect();
        for line in &lines {
            assert!(line.len() <= 75, "line longer than 75 octets: {line}");
        }
        assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
        assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
        let count = |l: &str| lines.iter().filter(|x| **x == l).count();
        assert_eq!(count("BEGIN:VCALENDAR"), 1);
        assert_eq!(count("BEGIN:VEVENT"), count("END:VEVENT"));
        let deadlines = lines.iter().filter(|l| l.starts_with("UID:frist-")).count();
        assert_eq!(deadlines, 2, "one event per deadline: {ics}");
        let decisions = lines
            .iter()
            .filter(|l| l.starts_with("UID:afgoerelse-"))
            .count();
        assert_eq!(count("BEGIN:VEVENT"), deadlines + decisions);
        assert!(ics.contains("DTSTART;VALUE=DATE:20990115"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20990201"));
        assert!(lines
            .iter()
            .all(|l| !l.starts_with("DTSTAMP:") || l.len() == 24));
        // Stable UIDs: the same feed twice names the same events.
        let again = get(&db, RunMode::Demo, &path).await;
        let uids = |body: &str| {
            body.split("\r\n")
                .filter(|l| l.starts_with("UID:"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(uids(ics), uids(&again.body));

        // Another user's feed holds their own cases; an unknown or replaced token is a 404.
        let other = login(&db, "virksomhed-b").await;
        let other_path = calendar_path(&db, &other).await;
        let other_feed = get(&db, RunMode::Demo, &other_path).await;
        assert_eq!(other_feed.status, StatusCode::OK);
        assert!(!other_feed.body.contains(&reference));
        for missing in [
            "/kalender/00000000000000000000000000000000.ics",
            "/kalender/nonsense.ics",
        ] {
            assert_eq!(
                get(&db, RunMode::Demo, missing).await.status,
                StatusCode::NOT_FOUND
            );
        }
        let replaced = calendar_path(&db, &citizen).await;
        assert_ne!(replaced, path);
        assert_eq!(
            get(&db, RunMode::Demo, &path).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

// A complete case the applicant has held for three weeks: its date moved out every day since the
// request, and every surface gives the date the clock gives today — not the one kept at the
// request.
both_backends!(
    the_expected_date_is_the_same_on_every_surface,
    |db| async move {
        use app::domain::lifecycle::EventKind;
        use chrono::TimeDelta;
        use support::api::{api, call, token_for};
        use support::events::{event, sent_case};

        let now = app::state::now_utc();
        let mut conn = db.conn().await.unwrap();
        let case = sent_case(
            &mut conn,
            Some("demo-borger"),
            None,
            None,
            now - TimeDelta::days(30),
        )
        .await;
        let case = event(
            &mut conn,
            &case,
            EventKind::Registered,
            now - TimeDelta::days(29),
        )
        .await;
        let case = event(
            &mut conn,
            &case,
            EventKind::DeclaredComplete,
            now - TimeDelta::days(28),
        )
        .await;
        let case = event(
            &mut conn,
            &case,
            EventKind::InformationRequested,
            now - TimeDelta::days(21),
        )
        .await;
        drop(conn);
        let kept = case.expected_decision_on.expect("a goal-based date");
        let today = case.expected_decision(now).unwrap();
        assert!(!today.is_estimate);
        assert_eq!(
            (today.date - kept).num_days(),
            21,
            "three weeks with the applicant"
        );
        let reference = case.reference.clone().unwrap();

        let borger = login(&db, "borger").await;
        let list = get_as(&db, RunMode::Demo, "/mine-sager", &borger).await;
        assert!(
            list.body
                .contains(&today.date.format("%d.%m.%Y").to_string()),
            "Mine sager"
        );
        assert!(
            !list.body.contains(&kept.format("%d.%m.%Y").to_string()),
            "not the date kept at the request"
        );
        let folder = get_as(&db, RunMode::Demo, &format!("/sager/{reference}"), &borger).await;
        assert!(
            folder
                .body
                .contains(&app::i18n::Locale::Da.date_long(today.date)),
            "the folder"
        );
        let csv = get_as(&db, RunMode::Demo, "/mine-sager.csv", &borger).await;
        assert!(csv.body.contains(&today.date.to_string()), "the CSV");
        let token = token_for(&db, 851).await;
        let (_, body) = call(
            &db,
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
            body["expected_decision"]["date"],
            today.date.to_string(),
            "the API"
        );
        let caseworker = login(&db, "sagsbehandler-851").await;
        let queue = get_as(&db, RunMode::Demo, "/sagsbehandling", &caseworker).await;
        assert!(
            queue
                .body
                .contains(&today.date.format("%d.%m.%Y").to_string()),
            "the queue"
        );
    }
);
