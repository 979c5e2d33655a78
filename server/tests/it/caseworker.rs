//! The caseworker's case page and actions, through the router as a browser uses them: each action
//! one event, refused with a reason that keeps what was typed, and nothing at all for a case of
//! another authority.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::requests::InformationRequest;
use axum::http::StatusCode;
use support::web::*;

const ACTIONS: [&str; 12] = [
    "registrer",
    "fuldt-oplyst",
    "tildel",
    "anmod",
    "modtaget",
    "hoering-start",
    "hoering-slut",
    "ikke-omfattet",
    "luk",
    "genaabn",
    "note",
    "afgoer",
];

async fn act(db: &app::db::Database, session: &str, reference: &str, body: &str) -> Answer {
    post_form(
        db,
        session,
        &format!("/handlinger/sagsbehandling/{reference}"),
        body,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_authoritys_caseworker_finds_nothing_on_any_page_or_action() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let copenhagen = login(db, "sagsbehandler-101").await;
    let applicant = login(db, "virksomhed-a").await;
    for case in cases.iter().filter(|c| c.authority_code == 851) {
        let reference = case.reference.clone().unwrap();
        let page = get_as(
            db,
            RunMode::Demo,
            &format!("/sagsbehandling/sager/{reference}"),
            &copenhagen,
        )
        .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{reference}");
        for action in ACTIONS {
            let body = format!("handling={action}&version={}&esdh_nummer=X-1&punkt=1&punkt_1=a&frist_1=2099-01-01&besked=b&begrundelse=c&intern_tekst=d", case.version);
            let answer = act(db, &copenhagen, &reference, &body).await;
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "{action} on {reference}"
            );
        }
        let unchanged = Case::find(&mut db.conn().await.unwrap(), case.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(unchanged.version, case.version);
    }
    // An applicant is not a caseworker, not even on their own case.
    let own = cases
        .iter()
        .find(|c| owner_of(c) == "virksomhed-a")
        .unwrap();
    let reference = own.reference.clone().unwrap();
    assert_eq!(
        get_as(
            db,
            RunMode::Demo,
            &format!("/sagsbehandling/sager/{reference}"),
            &applicant
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(
            db,
            &applicant,
            &reference,
            &format!("handling=note&version={}&intern_tekst=x", own.version)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_registers_requests_and_is_told_what_changed_meanwhile() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let aalborg = login(db, "sagsbehandler-851").await;
    let anders = login(db, "virksomhed-a").await;
    let case = &submitted_case(db, &anders).await;
    let reference = case.reference.clone().unwrap();
    let page_path = format!("/sagsbehandling/sager/{reference}");

    let page = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Registrer sagen") && page.body.contains("Adgangslog"));
    assert!(
        !page.body.contains("Afslut høring"),
        "only the actions the state allows"
    );

    // Missing ESDH number: refused beside the field.
    let missing = act(
        db,
        &aalborg,
        &reference,
        &format!("handling=registrer&version={}&esdh_nummer=", case.version),
    )
    .await;
    assert_eq!(
        location(&missing),
        format!("{page_path}#handling-registrer")
    );
    let shown = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert!(
        shown.body.contains("Udfyld feltet.")
            && shown.body.contains("href=\"#registrer-esdh_nummer\"")
    );

    // An ESDH number another case of the authority has: refused, the number kept in the form.
    let taken = cases
        .iter()
        .filter(|c| c.authority_code == 851)
        .find_map(|c| c.esdh_number.clone())
        .expect("a registered case at Aalborg");
    act(
        db,
        &aalborg,
        &reference,
        &format!(
            "handling=registrer&version={}&esdh_nummer={taken}",
            case.version
        ),
    )
    .await;
    let shown = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert!(
        shown.body.contains("Sagsnummeret bruges allerede")
            && shown.body.contains(&format!("value=\"{taken}\""))
    );

    let registered = act(
        db,
        &aalborg,
        &reference,
        &format!(
            "handling=registrer&version={}&esdh_nummer=851-2026-77",
            case.version
        ),
    )
    .await;
    assert_eq!(
        location(&registered),
        format!("{page_path}?udfoert=registrer")
    );
    let now = Case::find(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (now.state.as_str(), now.esdh_number.as_deref()),
        ("registered", Some("851-2026-77"))
    );

    // A colleague's form read before the registration: not carried out, and told what happened.
    act(
        db,
        &aalborg,
        &reference,
        &format!(
            "handling=note&version={}&intern_tekst=Ringede+til+ansøger",
            case.version
        ),
    )
    .await;
    let shown = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert!(
        shown.body.contains("Sagen blev ændret, mens du arbejdede")
            && shown.body.contains("data-testid=\"conflict\"")
    );
    assert!(
        shown.body.contains(">Ringede til ansøger</textarea>"),
        "what was typed is kept"
    );
    assert_eq!(
        Case::find(&mut db.conn().await.unwrap(), case.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        now.version
    );

    // A request with a deadline in the past, then a good one with two items.
    let past = act(
        db,
        &aalborg,
        &reference,
        &format!(
            "handling=anmod&version={}&besked=Vi+mangler&punkt_1=Tegning&frist_1=01-01-2020",
            now.version
        ),
    )
    .await;
    assert_eq!(location(&past), format!("{page_path}#handling-anmod"));
    let requested = act(
        db,
        &aalborg,
        &reference,
        &format!("handling=anmod&version={}&besked=Vi+mangler+to+ting&punkt_1=Situationsplan&frist_1=2099-01-15&punkt_2=Facadetegning&frist_2=15.01.2099", now.version),
    )
    .await;
    assert_eq!(location(&requested), format!("{page_path}?udfoert=anmod"));
    let waiting = Case::find(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (waiting.state.as_str(), waiting.must_act.as_str()),
        ("awaiting_applicant", "applicant")
    );
    let requests = InformationRequest::for_case(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap();
    assert_eq!(requests[0].items.len(), 2);

    // Both items arrive by post: the second returns the case to the authority.
    for item in &requests[0].items {
        act(
            db,
            &aalborg,
            &reference,
            &format!(
                "handling=modtaget&version={}&punkt={}",
                waiting.version, item.id
            ),
        )
        .await;
    }
    let back = Case::find(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.must_act, "authority");

    // Assign to me; an internal note the applicant never sees; a public note they do.
    act(
        db,
        &aalborg,
        &reference,
        &format!("handling=tildel&version={}&tildel_til=mig", back.version),
    )
    .await;
    act(
        db,
        &aalborg,
        &reference,
        &format!(
            "handling=note&version={}&intern_tekst=Tjek+skel",
            back.version + 1
        ),
    )
    .await;
    act(
        db,
        &aalborg,
        &reference,
        &format!(
            "handling=note&version={}&offentlig_tekst=Vi+ser+på+sagen+i+næste+uge",
            back.version + 2
        ),
    )
    .await;
    let last = Case::find(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.version, back.version + 3);
    assert!(last.assignee_user_id.is_some());
    let owner = login(db, owner_of(case)).await;
    let folder = get_as(db, RunMode::Demo, &format!("/sager/{reference}"), &owner).await;
    assert!(
        folder.body.contains("Vi ser på sagen i næste uge") && !folder.body.contains("Tjek skel")
    );
    let staff_page = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert!(
        staff_page.body.contains("Tjek skel")
            && staff_page.body.contains("Sagsbehandler (Aalborg)")
            || staff_page.body.contains("Tjek skel")
    );
}

/// How the queue words its number of matches.
fn total(n: usize) -> String {
    if n == 1 {
        "1 sag<".to_string()
    } else {
        format!("{n} sager<")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_filters_searches_sorts_and_counts_the_authoritys_cases_only() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let aalborg = login(db, "sagsbehandler-851").await;
    let ours: Vec<&Case> = cases.iter().filter(|c| c.authority_code == 851).collect();
    let open: Vec<&Case> = ours
        .iter()
        .copied()
        .filter(|c| !matches!(c.state.as_str(), "decided" | "closed" | "withdrawn"))
        .collect();

    let queue = get_as(db, RunMode::Demo, "/sagsbehandling", &aalborg).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains(&total(open.len())),
        "open cases by default"
    );
    for case in &cases {
        let reference = case.reference.clone().unwrap();
        let listed = queue
            .body
            .contains(&format!("/sagsbehandling/sager/{reference}"));
        let expected = open.iter().any(|c| c.id == case.id);
        assert_eq!(listed, expected, "{reference} in {}", case.state);
    }
    let all = get_as(db, RunMode::Demo, "/sagsbehandling?status=alle", &aalborg).await;
    assert!(all.body.contains(&total(ours.len())));

    // One state, with its count in the filter.
    let waiting = ours
        .iter()
        .filter(|c| c.state == "awaiting_applicant")
        .count();
    let filtered = get_as(
        db,
        RunMode::Demo,
        "/sagsbehandling?status=awaiting_applicant",
        &aalborg,
    )
    .await;
    assert!(filtered.body.contains(&total(waiting)));
    assert!(
        filtered
            .body
            .contains(&format!("Venter på ansøger ({waiting})"))
            || filtered.body.contains(&format!("({waiting})"))
    );

    // Search by reference, by ESDH number and by a word of the address; another authority's
    // reference finds nothing.
    let one = open[0];
    let by_reference = get_as(
        db,
        RunMode::Demo,
        &format!("/sagsbehandling?soeg={}", one.reference.clone().unwrap()),
        &aalborg,
    )
    .await;
    assert!(by_reference.body.contains(&total(1)));
    if let Some(esdh) = ours.iter().find_map(|c| c.esdh_number.clone()) {
        let by_esdh = get_as(
            db,
            RunMode::Demo,
            &format!("/sagsbehandling?status=alle&soeg={esdh}"),
            &aalborg,
        )
        .await;
        assert!(by_esdh.body.contains(&total(1)), "{esdh}");
    }
    let street = one
        .property_address
        .split_whitespace()
        .next()
        .unwrap()
        .to_lowercase();
    let by_address = get_as(
        db,
        RunMode::Demo,
        &format!("/sagsbehandling?status=alle&soeg={}", street),
        &aalborg,
    )
    .await;
    assert!(by_address.body.contains(&one.reference.clone().unwrap()));
    let elsewhere = cases.iter().find(|c| c.authority_code != 851).unwrap();
    let foreign = get_as(
        db,
        RunMode::Demo,
        &format!(
            "/sagsbehandling?status=alle&soeg={}",
            elsewhere.reference.clone().unwrap()
        ),
        &aalborg,
    )
    .await;
    assert!(foreign.body.contains(&total(0)));

    // Sorted by expected date, earliest first.
    let positions: Vec<usize> = {
        let mut dated: Vec<&Case> = open
            .iter()
            .copied()
            .filter(|c| c.expected_decision_on.is_some())
            .collect();
        dated.sort_by_key(|c| (c.expected_decision_on, c.id));
        dated
            .iter()
            .map(|c| queue.body.find(&c.reference.clone().unwrap()).unwrap())
            .collect()
    };
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "expected-date order"
    );

    // Unassigned and mine: none are mine until one is assigned to me.
    let mine = get_as(
        db,
        RunMode::Demo,
        "/sagsbehandling?sagsbehandler=mig",
        &aalborg,
    )
    .await;
    assert!(mine.body.contains(&total(0)));
    act(
        db,
        &aalborg,
        &one.reference.clone().unwrap(),
        &format!("handling=tildel&version={}&tildel_til=mig", one.version),
    )
    .await;
    let mine = get_as(
        db,
        RunMode::Demo,
        "/sagsbehandling?sagsbehandler=mig",
        &aalborg,
    )
    .await;
    assert!(mine.body.contains(&total(1)) && mine.body.contains(&one.reference.clone().unwrap()));

    // Past the expected date while the authority holds a complete case: missed.
    let today = app::domain::local_time::copenhagen_date(app::state::now_utc());
    let missed = open
        .iter()
        .filter(|c| {
            c.must_act == "authority"
                && c.declared_complete
                && c.not_covered_reason.is_none()
                && c.expected_decision_on.is_some_and(|d| d < today)
        })
        .count();
    let late = get_as(
        db,
        RunMode::Demo,
        "/sagsbehandling?servicemaal=overskredet",
        &aalborg,
    )
    .await;
    assert!(late.body.contains(&total(missed)), "{missed} missed");

    // Applicants have no queue.
    let applicant = login(db, "virksomhed-a").await;
    assert_eq!(
        get_as(db, RunMode::Demo, "/sagsbehandling", &applicant)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// The text `pdftotext` extracts from a PDF, and whether `qpdf --check` accepts it.
fn pdf_text_and_check(bytes: &[u8]) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("afgoerelse.pdf");
    std::fs::write(&path, bytes).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils) must be installed");
    let check = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf must be installed");
    (
        String::from_utf8_lossy(&text.stdout).into_owned(),
        check.status.success(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deciding_issues_a_pdf_letter_the_applicant_downloads_at_once() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let aalborg = login(db, "sagsbehandler-851").await;
    let case = cases
        .iter()
        .find(|c| c.authority_code == 851 && c.state == "in_progress")
        .expect("a case in progress at Aalborg");
    let reference = case.reference.clone().unwrap();
    let page_path = format!("/sagsbehandling/sager/{reference}");

    // Conditions chosen but none written: refused, everything typed kept.
    let body = format!(
        "handling=afgoer&version={}&udfald=godkendt-med-vilkaar&overskrift=Tilladelse+til+carport\
         &afgoerelse=Carporten+m%C3%A5+opf%C3%B8res+som+ans%C3%B8gt.&vilkaar=&lovgrundlag=Byggeloven+%C2%A7+16",
        case.version
    );
    let refused = act(db, &aalborg, &reference, &body).await;
    assert_eq!(location(&refused), format!("{page_path}#handling-afgoer"));
    let shown = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert!(
        shown.body.contains("Skriv mindst ét vilkår")
            && shown.body.contains("value=\"Tilladelse til carport\"")
    );

    let body = format!(
        "handling=afgoer&version={}&udfald=godkendt-med-vilkaar&overskrift=Tilladelse+til+carport\
         &afgoerelse=Carporten+m%C3%A5+opf%C3%B8res+som+ans%C3%B8gt+med+%C3%A6+%C3%B8+og+%C3%A5.\
         &vilkaar=Tagvand+skal+nedsives+p%C3%A5+egen+grund.%0D%0AF%C3%A6rdigmelding+senest+1+%C3%A5r+efter+start.\
         &lovgrundlag=Byggeloven+og+BR18",
        case.version
    );
    let decided = act(db, &aalborg, &reference, &body).await;
    assert_eq!(location(&decided), format!("{page_path}?udfoert=afgoer"));
    let now = Case::find(&mut db.conn().await.unwrap(), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.state, "decided");

    let owner = login(db, owner_of(case)).await;
    let folder = get_as(db, RunMode::Demo, &format!("/sager/{reference}"), &owner).await;
    assert!(folder
        .body
        .contains(&format!("/sager/{reference}/afgoerelse.pdf")));
    let router = server::http::router(app::state::AppState::new(db.clone(), RunMode::Demo));
    let response = tower::ServiceExt::oneshot(
        router,
        get_request(&format!("/sager/{reference}/afgoerelse.pdf"), &owner),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let (text, valid) = pdf_text_and_check(&bytes);
    assert!(valid, "qpdf --check");
    let today = app::domain::local_time::copenhagen_date(app::state::now_utc());
    let deadline = app::decision_pdf::complaint_deadline(today);
    let deadline_text = app::i18n::Locale::Da.date_long(deadline);
    for expected in [
        reference.as_str(),
        "Tilladelse til carport",
        "æ ø og å",
        "Tagvand skal nedsives",
        "Byggeklageenheden",
        deadline_text.as_str(),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} in the letter:\n{text}"
        );
    }

    // Nobody else gets it.
    for outsider in [
        "sagsbehandler-101",
        if owner_of(case) == "virksomhed-b" {
            "borger"
        } else {
            "virksomhed-b"
        },
    ] {
        let session = login(db, outsider).await;
        let other = get_as(
            db,
            RunMode::Demo,
            &format!("/sager/{reference}/afgoerelse.pdf"),
            &session,
        )
        .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{outsider}");
    }
}

/// Posts one action on the case as it is now; returns where it went, the case after, and the
/// version before.
async fn step(
    db: &app::db::Database,
    session: &str,
    reference: &str,
    body: &str,
) -> (String, Case, i64) {
    let parsed = app::domain::reference::CaseReference::parse(reference).unwrap();
    let before = Case::find_by_reference(&mut db.conn().await.unwrap(), &parsed)
        .await
        .unwrap()
        .unwrap();
    let answer = act(
        db,
        session,
        reference,
        &format!("{body}&version={}", before.version),
    )
    .await;
    let after = Case::find(&mut db.conn().await.unwrap(), before.id)
        .await
        .unwrap()
        .unwrap();
    (location(&answer), after, before.version)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hearing_goal_exemption_close_and_reopen_each_write_one_event() {
    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    let aalborg = login(db, "sagsbehandler-851").await;
    let anders = login(db, "virksomhed-a").await;
    let sent = submitted_case(db, &anders).await;
    let (draft, reference) = (sent.id, sent.reference.unwrap());
    let page_path = format!("/sagsbehandling/sager/{reference}");
    let steps = [
        ("handling=registrer&esdh_nummer=H-1", "registered"),
        ("handling=fuldt-oplyst", "in_progress"),
        (
            "handling=hoering-start&offentlig_tekst=Naboerne+h%C3%B8res+i+14+dage",
            "hearing",
        ),
        ("handling=hoering-slut", "in_progress"),
        (
            "handling=ikke-omfattet&begrundelse=Lovligg%C3%B8relsessag",
            "in_progress",
        ),
        (
            "handling=afgoer&udfald=afslag&overskrift=Afslag&afgoerelse=Afslag.&lovgrundlag=BR18",
            "decided",
        ),
        ("handling=luk", "closed"),
        (
            "handling=genaabn&begrundelse=Klage+gav+medhold",
            "in_progress",
        ),
    ];
    for (body, state) in steps {
        let (went_to, after, version_before) = step(db, &aalborg, &reference, body).await;
        assert!(
            went_to.starts_with(&format!("{page_path}?udfoert=")),
            "{body}: {went_to}"
        );
        assert_eq!(after.state, state, "{body}");
        assert_eq!(after.version, version_before + 1, "{body}: one event");
    }
    let case = Case::find(&mut db.conn().await.unwrap(), draft)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        case.not_covered_reason.as_deref(),
        Some("Lovliggørelsessag")
    );

    // A reopen without a reason, and an action the state does not allow, are refused unchanged.
    let (went_to, after, version_before) =
        step(db, &aalborg, &reference, "handling=genaabn&begrundelse=").await;
    assert_eq!(went_to, format!("{page_path}#handling-genaabn"));
    assert_eq!(after.version, version_before);
    let (_, after, version_before) = step(db, &aalborg, &reference, "handling=hoering-slut").await;
    assert_eq!(after.version, version_before);
    let shown = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert!(shown
        .body
        .contains("Handlingen er ikke mulig i sagens nuværende status."));

    // The applicant sees the hearing's public text and the exemption, never the internal side.
    let folder = get_as(db, RunMode::Demo, &format!("/sager/{reference}"), &anders).await;
    assert!(folder.body.contains("Naboerne høres i 14 dage"));
}

/// The caseworker's form and the case system's API are two doors to one command: the same
/// actions leave the same events and case rows behind, and refuse the same things the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_and_the_api_carry_out_the_same_command() {
    use app::db::events::CaseEvent;
    use serde_json::json;
    use support::api::{api, call, token_for};

    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    let aalborg = login(db, "sagsbehandler-851").await;
    let anders = login(db, "virksomhed-a").await;
    let token = token_for(db, 851).await;
    let through_portal = submitted_case(db, &anders).await;
    let through_api = submitted_case(db, &anders).await;
    let portal_ref = through_portal.reference.clone().unwrap();
    let api_ref = through_api.reference.clone().unwrap();
    let deadline = (app::domain::local_time::copenhagen_date(app::state::now_utc())
        + chrono::TimeDelta::days(14))
    .format("%Y-%m-%d")
    .to_string();
    let version = |case_id: i64| async move {
        Case::find(&mut db.conn().await.unwrap(), case_id)
            .await
            .unwrap()
            .unwrap()
            .version
    };

    // The same steps, each through its door.
    let steps: Vec<(String, serde_json::Value)> = vec![
        (
            "handling=registrer&esdh_nummer=851-2026-{n}".into(),
            json!({"kind": "registered", "esdh_number": "851-2026-{n}"}),
        ),
        (
            "handling=note&intern_tekst=Ringet+til+ansøger&offentlig_tekst=Vi+ser+på+sagen".into(),
            json!({"kind": "note_added", "internal_text": "Ringet til ansøger", "public_text": "Vi ser på sagen"}),
        ),
        (
            format!(
                "handling=anmod&besked=Send+tegningen&punkt_1=Facadetegning&frist_1={deadline}"
            ),
            json!({"kind": "information_requested", "message": "Send tegningen", "items": [{"description": "Facadetegning", "deadline": deadline}]}),
        ),
        (
            "handling=ikke-omfattet&begrundelse=Legalisering".into(),
            json!({"kind": "goal_not_covered", "reason": "Legalisering"}),
        ),
    ];
    for (n, (form, event)) in steps.iter().enumerate() {
        let form = form.replace("{n}", &format!("{}{n}", 1));
        let answer = act(
            db,
            &aalborg,
            &portal_ref,
            &format!("{form}&version={}", version(through_portal.id).await),
        )
        .await;
        assert!(
            location(&answer).contains("?udfoert="),
            "portal step {n}: {}",
            location(&answer)
        );
        let event: serde_json::Value =
            serde_json::from_str(&event.to_string().replace("{n}", &format!("{}{n}", 2))).unwrap();
        let (answer, _) = call(
            db,
            api(
                "POST",
                &format!("/api/v1/cases/{api_ref}/events"),
                &token,
                Some(&event),
                &[],
            ),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "api step {n}: {}",
            answer.body
        );
    }

    let mut conn = db.conn().await.unwrap();
    let shape = |events: Vec<CaseEvent>| {
        events
            .into_iter()
            .map(|e| {
                (
                    e.kind,
                    e.state_after,
                    e.must_act_after,
                    e.public_text,
                    e.internal_text,
                    e.visible_to_applicant,
                )
            })
            .collect::<Vec<_>>()
    };
    let portal_events = shape(
        CaseEvent::for_case(&mut conn, through_portal.id)
            .await
            .unwrap(),
    );
    let api_events = shape(
        CaseEvent::for_case(&mut conn, through_api.id)
            .await
            .unwrap(),
    );
    assert_eq!(portal_events, api_events);
    let portal_case = Case::find(&mut conn, through_portal.id)
        .await
        .unwrap()
        .unwrap();
    let api_case = Case::find(&mut conn, through_api.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            &portal_case.state,
            &portal_case.must_act,
            &portal_case.not_covered_reason,
            portal_case.version
        ),
        (
            &api_case.state,
            &api_case.must_act,
            &api_case.not_covered_reason,
            api_case.version
        )
    );
    assert_eq!(portal_case.esdh_number.as_deref(), Some("851-2026-10"));
    assert_eq!(api_case.esdh_number.as_deref(), Some("851-2026-20"));
    for case_id in [through_portal.id, through_api.id] {
        let requests = InformationRequest::for_case(&mut conn, case_id)
            .await
            .unwrap();
        let asked: Vec<_> = requests
            .iter()
            .map(|r| (r.request.message.clone(), r.items.len()))
            .collect();
        assert_eq!(asked, vec![("Send tegningen".to_string(), 1)]);
    }
    drop(conn);

    // Refused the same way: an ESDH number the other case has, and a text over the limit.
    let fresh_portal = submitted_case(db, &anders).await;
    let fresh_ref = fresh_portal.reference.clone().unwrap();
    let taken = act(
        db,
        &aalborg,
        &fresh_ref,
        &format!(
            "handling=registrer&esdh_nummer=851-2026-20&version={}",
            fresh_portal.version
        ),
    )
    .await;
    assert!(location(&taken).ends_with("#handling-registrer"));
    let page = get_as(
        db,
        RunMode::Demo,
        &format!("/sagsbehandling/sager/{fresh_ref}"),
        &aalborg,
    )
    .await;
    assert!(page.body.contains("Sagsnummeret bruges allerede"));
    let fresh_api = submitted_case(db, &anders).await;
    let fresh_api_ref = fresh_api.reference.clone().unwrap();
    let (answer, problem) = call(
        db,
        api(
            "POST",
            &format!("/api/v1/cases/{fresh_api_ref}/events"),
            &token,
            Some(&json!({"kind": "registered", "esdh_number": "851-2026-10"})),
            &[],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "/api/v1/problems/duplicate-esdh-number");
    assert_eq!(problem["existing_reference"], portal_ref.as_str());

    let long = "x".repeat(2001);
    act(
        db,
        &aalborg,
        &portal_ref,
        &format!(
            "handling=genaabn&begrundelse={long}&version={}",
            version(through_portal.id).await
        ),
    )
    .await;
    let page = get_as(
        db,
        RunMode::Demo,
        &format!("/sagsbehandling/sager/{portal_ref}"),
        &aalborg,
    )
    .await;
    assert!(
        page.body.contains("Skriv højst 2000 tegn."),
        "the portal names the limit"
    );
    let (answer, problem) = call(
        db,
        api(
            "POST",
            &format!("/api/v1/cases/{api_ref}/events"),
            &token,
            Some(&json!({"kind": "note_added", "internal_text": "x".repeat(5001)})),
            &[],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "internal_text");
    assert!(problem["detail"].as_str().unwrap().contains("at most 5000"));
}

/// A page that cannot be made says so inside the site's frame with the right status and the id
/// of the log line, in the visitor's language — not the 404 page, not a code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_page_that_fails_shows_the_error_page_with_an_id() {
    use diesel::connection::SimpleConnection as _;
    let (test_db, _) = demo_db().await;
    let db = &test_db.db;
    let aalborg = login(db, "sagsbehandler-851").await;
    let anders = login(db, "virksomhed-a").await;
    let case = submitted_case(db, &anders).await;
    let page_path = format!("/sagsbehandling/sager/{}", case.reference.clone().unwrap());
    assert_eq!(
        get_as(db, RunMode::Demo, &page_path, &aalborg).await.status,
        StatusCode::OK
    );
    // The page writes who looked at the case; without its table that write fails.
    let app::db::Conn::Sqlite(c) = &mut db.conn().await.unwrap() else {
        unreachable!("demo_db is SQLite")
    };
    c.spawn_blocking(|inner| inner.batch_execute("DROP TABLE case_access_log"))
        .await
        .unwrap();
    let page = get_as(db, RunMode::Demo, &page_path, &aalborg).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("Der skete en fejl"), "{}", page.body);
    assert!(page.body.contains("Fejl-id: "), "{}", page.body);
    assert!(
        page.body.contains("class=\"header"),
        "inside the site's frame"
    );
    assert!(!page.body.contains("Siden findes ikke"));
    assert!(!page.body.contains("error."), "no raw code");
}
