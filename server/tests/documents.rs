//! Documents: attachments to an application, answers to requests for information by upload, and
//! downloads — checked by content, bounded in size, and visible only to whom the policy allows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use app::authorization::RunMode;
use app::db::cases::Case;
use app::db::documents::Document;
use app::db::requests::InformationRequest;
use app::domain::reference::CaseReference;
use app::services::document_store::DocumentStore;
use app::state::AppState;
use axum::http::{header, StatusCode};
use support::web::*;

fn pdf(name: &str) -> UploadFile<'_> {
    UploadFile {
        name,
        content_type: "application/pdf",
        bytes: TINY_PDF,
    }
}

async fn upload(
    db: &app::db::Database,
    session: &str,
    uri: &str,
    file: Option<UploadFile<'_>>,
) -> Answer {
    send(
        db,
        RunMode::Demo,
        multipart_request(uri, session, &[], file),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_checked_by_content_and_follow_the_application() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let anders = login(db, "virksomhed-a").await;
    let colleague = login(db, "virksomhed-a2").await;
    let stranger = login(db, "virksomhed-b").await;
    let id = complete_draft(db, &anders).await;
    let attach = format!("/handlinger/ansoegning/{id}/bilag");
    let review = format!("/ansoegning/{id}/gennemse");

    let added = upload(db, &anders, &attach, Some(pdf("Tegning æøå.pdf"))).await;
    assert_eq!(location(&added), format!("{review}?bilag=tilfoejet#bilag"));
    let page = get_as(db, RunMode::Demo, &location(&added), &anders).await;
    assert!(page.body.contains("Tegning æøå.pdf") && page.body.contains("Filen er vedhæftet."));

    // A text file named .pdf, and no file at all: refused with the reason beside the field.
    let fake = UploadFile {
        name: "plan.pdf",
        content_type: "application/pdf",
        bytes: b"<html>this is not a PDF</html>",
    };
    let refused = upload(db, &anders, &attach, Some(fake)).await;
    assert_eq!(
        location(&refused),
        format!("{review}?bilag-fejl=forkert-type#fil")
    );
    let page = get_as(db, RunMode::Demo, &location(&refused), &anders).await;
    assert!(
        page.body.contains("Filen er ikke en PDF, PNG eller JPEG")
            && page.body.contains("href=\"#fil\"")
    );
    let nothing = upload(db, &anders, &attach, None).await;
    assert_eq!(
        location(&nothing),
        format!("{review}?bilag-fejl=mangler#fil")
    );

    // Larger than the configured limit: refused, nothing stored.
    let small_store = tempfile::tempdir().unwrap();
    let limited = AppState::new(db.clone(), RunMode::Demo)
        .with_documents(DocumentStore::new(small_store.path(), 1024 * 1024));
    let mut big = TINY_PDF.to_vec();
    big.resize(1024 * 1024 + 1, b' ');
    let too_big = send_to(
        limited.clone(),
        multipart_request(
            &attach,
            &anders,
            &[],
            Some(UploadFile {
                name: "stor.pdf",
                content_type: "application/pdf",
                bytes: &big,
            }),
        ),
    )
    .await;
    assert_eq!(
        location(&too_big),
        format!("{review}?bilag-fejl=for-stor#fil")
    );
    let page = send_to(limited, get_request(&location(&too_big), &anders)).await;
    assert!(
        page.body
            .contains("Filen er for stor. Den må højst fylde 1 MB."),
        "{}",
        page.body
    );

    // A second file, removed again.
    upload(
        db,
        &anders,
        &attach,
        Some(UploadFile {
            name: "foto.png",
            content_type: "image/png",
            bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        }),
    )
    .await;
    let mut conn = db.conn().await.unwrap();
    let documents = Document::for_case(&mut conn, id).await.unwrap();
    assert_eq!(documents.len(), 2, "only the two accepted files are stored");
    assert_eq!(documents[1].content_type, "image/png");
    let removed = post_form(
        db,
        &anders,
        &format!(
            "/handlinger/ansoegning/{id}/bilag/{}/fjern",
            documents[1].id
        ),
        "",
    )
    .await;
    assert_eq!(location(&removed), format!("{review}?bilag=fjernet#bilag"));
    let attachment = Document::for_case(&mut conn, id).await.unwrap().remove(0);

    // Another company can neither add to, remove from nor read the draft.
    assert_eq!(
        upload(db, &stranger, &attach, Some(pdf("x.pdf")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_form(
            db,
            &stranger,
            &format!("/handlinger/ansoegning/{id}/bilag/{}/fjern", attachment.id),
            ""
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_as(
            db,
            RunMode::Demo,
            &format!("/ansoegning/{id}/bilag/{}", attachment.id),
            &stranger
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    let sent = post_form(
        db,
        &anders,
        &format!("/handlinger/ansoegning/{id}/send"),
        "",
    )
    .await;
    let reference = location(&sent)
        .trim_start_matches("/sager/")
        .trim_end_matches("/kvittering")
        .to_string();
    let download = format!("/sager/{reference}/dokumenter/{}", attachment.id);

    // The colleague at the same CVR sees it in the folder and downloads the same bytes.
    let folder = get_as(
        db,
        RunMode::Demo,
        &format!("/sager/{reference}"),
        &colleague,
    )
    .await;
    assert!(folder.body.contains(&download) && folder.body.contains("Bilag til ansøgningen"));
    let file = get_bytes(db, &download, &colleague).await;
    assert_eq!(file.0, StatusCode::OK);
    assert_eq!(file.1[header::CONTENT_TYPE], "application/pdf");
    assert!(file.1[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''Tegning%20%C3%A6%C3%B8%C3%A5.pdf"));
    assert_eq!(file.2, TINY_PDF);

    // The authority it was sent to sees it; another authority, another company and a visitor do not.
    assert_eq!(
        get_bytes(db, &download, &login(db, "sagsbehandler-851").await)
            .await
            .0,
        StatusCode::OK
    );
    for outsider in ["sagsbehandler-101", "virksomhed-b", "borger"] {
        let session = login(db, outsider).await;
        assert_eq!(
            get_bytes(db, &download, &session).await.0,
            StatusCode::NOT_FOUND,
            "{outsider}"
        );
    }
    let anonymous = get(db, RunMode::Demo, &download).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(location(&anonymous).starts_with("/demo/login"));

    // The document's id under another case's reference — even one the stranger owns — finds nothing.
    let strangers_case = cases
        .iter()
        .find(|c| owner_of(c) == "virksomhed-b")
        .unwrap();
    let guessed = format!(
        "/sager/{}/dokumenter/{}",
        strangers_case.reference.clone().unwrap(),
        attachment.id
    );
    assert_eq!(
        get_bytes(db, &guessed, &stranger).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_bytes(
            db,
            &format!("/sager/{reference}/dokumenter/999999"),
            &anders
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // No decision yet: the stable decision address is not found.
    assert_eq!(
        get_bytes(db, &format!("/sager/{reference}/afgoerelse.pdf"), &anders)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn get_bytes(
    db: &app::db::Database,
    uri: &str,
    session: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let router = server::http::router(AppState::new(db.clone(), RunMode::Demo));
    let response = router.oneshot(get_request(uri, session)).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_every_item_returns_the_case_to_the_authority() {
    let (test_db, cases) = demo_db().await;
    let db = &test_db.db;
    let waiting = case_in_state(&cases, "awaiting_applicant");
    let reference = waiting.reference.clone().unwrap();
    let owner = login(db, owner_of(waiting)).await;
    let stranger = login(
        db,
        if owner_of(waiting) == "virksomhed-b" {
            "borger"
        } else {
            "virksomhed-b"
        },
    )
    .await;
    let mut conn = db.conn().await.unwrap();
    let requests = InformationRequest::for_case(&mut conn, waiting.id)
        .await
        .unwrap();
    let open: Vec<_> = requests
        .iter()
        .flat_map(|r| r.items.iter())
        .filter(|i| i.is_open())
        .cloned()
        .collect();
    assert!(open.len() >= 2, "the demo asks for at least two things");
    let folder_path = format!("/sager/{reference}");

    let folder = get_as(db, RunMode::Demo, &folder_path, &owner).await;
    for item in &open {
        assert!(
            folder
                .body
                .contains(&format!("/handlinger/anmodning/{}/svar", item.id)),
            "a form for each open item"
        );
    }
    let answer = |item: i64,
                  session: String,
                  fields: Vec<(&'static str, String)>,
                  file: Option<UploadFile<'static>>| {
        let reference = reference.clone();
        async move {
            let mut all: Vec<(&str, &str)> = vec![("reference", reference.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            send(
                db,
                RunMode::Demo,
                multipart_request(
                    &format!("/handlinger/anmodning/{item}/svar"),
                    &session,
                    &all,
                    file,
                ),
            )
            .await
        }
    };

    // Another company answering: not found, and nothing changes.
    let forged = answer(
        open[0].id,
        stranger.clone(),
        vec![("kommentar", "hej".into())],
        None,
    )
    .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    // Not even the bytes are taken: a stranger's upload never reaches the store.
    let watched = tempfile::tempdir().unwrap();
    let watched_state = AppState::new(db.clone(), RunMode::Demo)
        .with_documents(DocumentStore::new(watched.path(), 1024 * 1024));
    let fields = [("reference", reference.as_str())];
    let refused = send_to(
        watched_state,
        multipart_request(
            &format!("/handlinger/anmodning/{}/svar", open[0].id),
            &stranger,
            &fields,
            Some(pdf("fremmed.pdf")),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(std::fs::read_dir(watched.path()).unwrap().next().is_none());

    // Nothing given; then a comment with a file that is not allowed: the comment comes back.
    let empty = answer(open[0].id, owner.clone(), vec![], None).await;
    assert_eq!(
        location(&empty),
        format!("{folder_path}#svar-{}", open[0].id)
    );
    let shown = get_as(db, RunMode::Demo, &folder_path, &owner).await;
    assert!(shown
        .body
        .contains("Vedhæft en fil eller skriv en kommentar."));
    let wrong = UploadFile {
        name: "plan.exe",
        content_type: "application/octet-stream",
        bytes: b"MZ\x90\0",
    };
    answer(
        open[0].id,
        owner.clone(),
        vec![("kommentar", "Tegningen følger her".into())],
        Some(wrong),
    )
    .await;
    let shown = get_as(db, RunMode::Demo, &folder_path, &owner).await;
    assert!(
        shown.body.contains("Filen er ikke en PDF, PNG eller JPEG")
            && shown.body.contains(">Tegningen følger her</textarea>")
    );
    // The note shows once.
    let again = get_as(db, RunMode::Demo, &folder_path, &owner).await;
    assert!(!again.body.contains("Tegningen følger her"));
    assert_eq!(
        Case::find(&mut conn, waiting.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        waiting.version
    );

    // The first item by upload and comment: the applicant still holds the case.
    let first = answer(
        open[0].id,
        owner.clone(),
        vec![("kommentar", "Situationsplanen er vedhæftet".into())],
        Some(pdf("situationsplan.pdf")),
    )
    .await;
    assert_eq!(
        location(&first),
        format!("{folder_path}?besked=svar-modtaget#anmodninger")
    );
    let case = Case::find(&mut conn, waiting.id).await.unwrap().unwrap();
    assert_eq!(
        (case.state.as_str(), case.must_act.as_str()),
        ("awaiting_applicant", "applicant")
    );
    // The answer is an event of its own, so the case's version, feed and webhooks show it.
    assert_eq!(case.version, waiting.version + 1);
    let latest = app::db::events::CaseEvent::for_case(&mut conn, waiting.id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(latest.kind, "item_answered");
    assert_eq!(
        latest.public_text.as_deref(),
        Some(open[0].description.as_str())
    );
    assert!(latest.visible_to_applicant);
    let page = get_as(db, RunMode::Demo, &location(&first), &owner).await;
    assert!(
        page.body.contains("situationsplan.pdf")
            && page.body.contains("Situationsplanen er vedhæftet")
    );

    // The rest: the case returns to the authority in the same step, and the timeline says so.
    for item in &open[1..] {
        answer(
            item.id,
            owner.clone(),
            vec![("kommentar", "Se vedhæftede".into())],
            Some(pdf("facade.pdf")),
        )
        .await;
    }
    let case = Case::find(&mut conn, waiting.id).await.unwrap().unwrap();
    assert_eq!(case.must_act, "authority");
    assert_eq!(case.state, "in_progress");
    assert_eq!(
        case.version,
        waiting.version + i64::try_from(open.len()).unwrap(),
        "one event per item: item_answered for each but the last, then information_received"
    );
    let page = get_as(db, RunMode::Demo, &folder_path, &owner).await;
    assert!(
        page.body.contains("Tak, alle punkter er besvaret") || page.body.contains("Myndigheden")
    );
    assert!(
        !page.body.contains("/handlinger/anmodning/"),
        "no more answer forms"
    );
    let answers = Document::for_case(&mut conn, waiting.id).await.unwrap();
    assert_eq!(
        answers.iter().filter(|d| d.kind == "answer").count(),
        open.len()
    );

    // Answering again changes nothing.
    answer(
        open[0].id,
        owner.clone(),
        vec![("kommentar", "igen".into())],
        None,
    )
    .await;
    assert_eq!(
        Case::find(&mut conn, waiting.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        case.version
    );
    CaseReference::parse(&reference).unwrap();
}
