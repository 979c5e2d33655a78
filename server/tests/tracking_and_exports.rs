//! Status-only tracking links, the *Mine sager* exports and the calendar feed, driven
//! in-process through the axum router on SQLite and, when configured, PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

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
