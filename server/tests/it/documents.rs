//! Documents: attachments to an application, answers to requests for information by upload, and
//! downloads — checked by content, bounded in size, and visible only to whom the policy allows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

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

// ---------------------------------------------------------------------------------------------
// The document store: what a refused request leaves, the sweep, and documents shared by
// several instances on one database.

use app::db::Database;
use app::services::document_store::StoreKind;
use std::path::Path;

/// The demo data set, its decision letters stored in `store`; returns the submitted cases.
async fn seeded(db: &Database, store: &DocumentStore) -> Vec<Case> {
    server::cli::demo::seed_if_empty(db, store, "http://127.0.0.1:3000")
        .await
        .unwrap();
    let mut conn = db.conn().await.unwrap();
    Case::latest_submitted(&mut conn, 100).await.unwrap()
}

/// One instance of Sagsspor on `db`, with its own local folder for documents.
fn instance(db: &Database, root: &Path, kind: StoreKind) -> AppState {
    AppState::new(db.clone(), RunMode::Demo)
        .with_documents(DocumentStore::new(root, 2 * 1024 * 1024).with_kind(kind))
}

/// How many files lie anywhere under `root`.
fn files_under(root: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    entries
        .map(|entry| entry.unwrap().path())
        .map(|path| if path.is_dir() { files_under(&path) } else { 1 })
        .sum()
}

/// How many files the database store holds.
async fn blobs_in(db: &Database) -> i64 {
    use app::db::schema::document_blobs;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = db.conn().await.unwrap();
    app::dispatch!(&mut conn, |c| document_blobs::table
        .count()
        .get_result::<i64>(c)
        .await
        .unwrap())
}

/// Files in the store of this kind: on disk under `root`, or in the database.
async fn stored(db: &Database, root: &Path, kind: StoreKind) -> i64 {
    match kind {
        StoreKind::Files => i64::try_from(files_under(root)).unwrap(),
        StoreKind::Database => {
            assert_eq!(files_under(root), 0, "nothing is left on disk");
            blobs_in(db).await
        }
    }
}

/// A form with the text fields and `count` different PDFs in `fil` parts.
fn many_files(
    uri: &str,
    session: &str,
    fields: &[(&str, &str)],
    count: usize,
) -> axum::http::Request<axum::body::Body> {
    const BOUNDARY: &str = "----sagsspor-many-files";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for n in 0..count {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"del-{n}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(TINY_PDF);
        body.extend_from_slice(format!("% part {n}\r\n").as_bytes());
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    axum::http::Request::post(uri)
        .header(header::COOKIE, session)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("origin", "http://127.0.0.1:3000")
        .body(axum::body::Body::from(body))
        .unwrap()
}

/// Status, headers and the bytes of an answer.
async fn fetch(
    state: &AppState,
    request: axum::http::Request<axum::body::Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let response = server::http::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes.to_vec())
}

fn api_get(uri: &str, token: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap()
}

fn api_upload(uri: &str, token: &str, bytes: &[u8]) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(axum::body::Body::from(bytes.to_vec()))
        .unwrap()
}

both_backends!(
    a_refused_upload_leaves_no_file_and_a_form_takes_one_file,
    |db| async move {
        let seed_store = tempfile::tempdir().unwrap();
        let cases = seeded(&db, &DocumentStore::new(seed_store.path(), 1024 * 1024)).await;
        let waiting = case_in_state(&cases, "awaiting_applicant");
        let reference = waiting.reference.clone().unwrap();
        let owner = login(&db, owner_of(waiting)).await;
        let mut conn = db.conn().await.unwrap();
        let open: Vec<_> = InformationRequest::for_case(&mut conn, waiting.id)
            .await
            .unwrap()
            .iter()
            .flat_map(|r| r.items.iter())
            .filter(|i| i.is_open())
            .cloned()
            .collect();
        let anders = login(&db, "virksomhed-a").await;

        for (round, kind) in [StoreKind::Files, StoreKind::Database]
            .into_iter()
            .enumerate()
        {
            let root = tempfile::tempdir().unwrap();
            let state = instance(&db, root.path(), kind);

            // 300 files in one attachment form: refused beside the field, nothing stored.
            let id = complete_draft(&db, &anders).await;
            let review = format!("/ansoegning/{id}/gennemse");
            let refused = send_to(
                state.clone(),
                many_files(
                    &format!("/handlinger/ansoegning/{id}/bilag"),
                    &anders,
                    &[],
                    300,
                ),
            )
            .await;
            assert_eq!(
                location(&refused),
                format!("{review}?bilag-fejl=flere-filer#fil"),
                "{kind:?}"
            );
            let page = send_to(state.clone(), get_request(&location(&refused), &anders)).await;
            assert!(
                page.body.contains("Vedhæft én fil ad gangen")
                    && page.body.contains("href=\"#fil\""),
                "{}",
                page.body
            );
            assert!(Document::for_case(&mut conn, id).await.unwrap().is_empty());
            assert_eq!(
                stored(&db, root.path(), kind).await,
                0,
                "{kind:?}: 300 parts"
            );

            // An answer refused after its file arrived (the comment is too long): no file.
            let item = open[round].id;
            let answer_uri = format!("/handlinger/anmodning/{item}/svar");
            let long = "x".repeat(4001);
            let too_long = send_to(
                state.clone(),
                multipart_request(
                    &answer_uri,
                    &owner,
                    &[
                        ("reference", reference.as_str()),
                        ("kommentar", long.as_str()),
                    ],
                    Some(pdf("situationsplan.pdf")),
                ),
            )
            .await;
            assert_eq!(too_long.status, StatusCode::SEE_OTHER);
            let shown = send_to(
                state.clone(),
                get_request(&format!("/sager/{reference}"), &owner),
            )
            .await;
            assert!(
                shown.body.contains("Kommentaren er for lang"),
                "{}",
                shown.body
            );
            assert_eq!(
                stored(&db, root.path(), kind).await,
                0,
                "{kind:?}: refused answer"
            );

            // Two files in one answer: refused, the comment comes back.
            send_to(
                state.clone(),
                many_files(
                    &answer_uri,
                    &owner,
                    &[
                        ("reference", reference.as_str()),
                        ("kommentar", "To tegninger"),
                    ],
                    2,
                ),
            )
            .await;
            let shown = send_to(
                state.clone(),
                get_request(&format!("/sager/{reference}"), &owner),
            )
            .await;
            assert!(
                shown.body.contains("Send én fil ad gangen")
                    && shown.body.contains(">To tegninger</textarea>"),
                "{}",
                shown.body
            );
            assert_eq!(
                stored(&db, root.path(), kind).await,
                0,
                "{kind:?}: two files"
            );

            // An accepted answer is stored, once.
            let accepted = send_to(
                state.clone(),
                multipart_request(
                    &answer_uri,
                    &owner,
                    &[("reference", reference.as_str())],
                    Some(pdf("situationsplan.pdf")),
                ),
            )
            .await;
            assert!(
                location(&accepted).contains("besked="),
                "{}",
                location(&accepted)
            );
            assert_eq!(
                stored(&db, root.path(), kind).await,
                1,
                "{kind:?}: accepted"
            );
        }
    }
);

both_backends!(
    the_sweep_removes_old_files_no_document_refers_to,
    |db| async move {
        let seed_store = tempfile::tempdir().unwrap();
        seeded(&db, &DocumentStore::new(seed_store.path(), 1024 * 1024)).await;
        let anders = login(&db, "virksomhed-a").await;
        for kind in [StoreKind::Files, StoreKind::Database] {
            let root = tempfile::tempdir().unwrap();
            let state = instance(&db, root.path(), kind);
            let store = &state.documents;
            let id = complete_draft(&db, &anders).await;
            let attach = format!("/handlinger/ansoegning/{id}/bilag");
            let kept = |name: &'static str, bytes: &'static [u8]| UploadFile {
                name,
                content_type: "application/pdf",
                bytes,
            };
            send_to(
                state.clone(),
                multipart_request(
                    &attach,
                    &anders,
                    &[],
                    Some(kept("beholdt.pdf", b"%PDF-1.4 kept")),
                ),
            )
            .await;
            send_to(
                state.clone(),
                multipart_request(
                    &attach,
                    &anders,
                    &[],
                    Some(kept("fjernet.pdf", b"%PDF-1.4 gone")),
                ),
            )
            .await;
            let mut conn = db.conn().await.unwrap();
            let documents = Document::for_case(&mut conn, id).await.unwrap();
            assert_eq!(documents.len(), 2);
            // Left by a transaction that failed after storing: a file no row refers to.
            let orphan = store
                .store_bytes(&mut conn, b"%PDF-1.4 orphan")
                .await
                .unwrap();
            // Taken off the draft again: its file is no longer referred to either.
            post_form(
                &db,
                &anders,
                &format!(
                    "/handlinger/ansoegning/{id}/bilag/{}/fjern",
                    documents[1].id
                ),
                "",
            )
            .await;
            // An upload abandoned by a process that died mid-way.
            let mut abandoned = store.begin().await.unwrap();
            abandoned.write(b"%PDF-1.4 half").await.unwrap();
            std::mem::forget(abandoned);
            // Files: two attachments, the orphan and the abandoned upload; the database: three
            // files in it and the abandoned upload on disk.
            let everything = || async {
                i64::try_from(files_under(root.path())).unwrap()
                    + if kind == StoreKind::Database {
                        blobs_in(&db).await
                    } else {
                        0
                    }
            };
            assert_eq!(everything().await, 4, "{kind:?}");

            // Young files stay: a row may be on its way.
            let now = app::state::now_utc();
            assert_eq!(
                server::workers::cleanup::sweep_orphan_documents(&db, store, now)
                    .await
                    .unwrap(),
                0
            );
            // An hour and more later, what no row refers to goes; the attachment stays.
            let later = now + chrono::TimeDelta::minutes(61);
            let removed = server::workers::cleanup::sweep_orphan_documents(&db, store, later)
                .await
                .unwrap();
            assert_eq!(removed, 3, "{kind:?}");
            assert_eq!(everything().await, 1, "{kind:?}");
            assert!(store.read(&db, &orphan.sha256).await.unwrap().is_none());
            assert_eq!(
                store
                    .read(&db, &documents[0].sha256)
                    .await
                    .unwrap()
                    .as_deref(),
                Some(&b"%PDF-1.4 kept"[..])
            );
            let download = fetch(
                &state,
                get_request(
                    &format!("/ansoegning/{id}/bilag/{}", documents[0].id),
                    &anders,
                ),
            )
            .await;
            assert_eq!(download.0, StatusCode::OK);
            drop(conn);
        }
    }
);

both_backends!(
    instances_on_one_database_share_documents_in_it,
    |db| async move {
        let root_a = tempfile::tempdir().unwrap();
        let root_b = tempfile::tempdir().unwrap();
        let a = instance(&db, root_a.path(), StoreKind::Database);
        let b = instance(&db, root_b.path(), StoreKind::Database);
        // The demo's decision letters are stored through instance A.
        let cases = seeded(&db, &a.documents).await;
        let decided = case_in_state(&cases, "decided");
        let owner = login(&db, owner_of(decided)).await;
        let letter = fetch(
            &b,
            get_request(
                &format!(
                    "/sager/{}/afgoerelse.pdf",
                    decided.reference.clone().unwrap()
                ),
                &owner,
            ),
        )
        .await;
        assert_eq!(letter.0, StatusCode::OK);
        assert!(letter.2.starts_with(b"%PDF-"));

        // A file larger than one chunk, attached through A, downloads through B byte for byte.
        let anders = login(&db, "virksomhed-a").await;
        let id = complete_draft(&db, &anders).await;
        let mut big = TINY_PDF.to_vec();
        big.extend((0..700_000u32).map(|n| u8::try_from(n % 251).unwrap()));
        for _ in 0..2 {
            let added = send_to(
                a.clone(),
                multipart_request(
                    &format!("/handlinger/ansoegning/{id}/bilag"),
                    &anders,
                    &[],
                    Some(UploadFile {
                        name: "stor tegning.pdf",
                        content_type: "application/pdf",
                        bytes: &big,
                    }),
                ),
            )
            .await;
            assert_eq!(
                location(&added),
                format!("/ansoegning/{id}/gennemse?bilag=tilfoejet#bilag")
            );
        }
        let mut conn = db.conn().await.unwrap();
        let documents = Document::for_case(&mut conn, id).await.unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].sha256, documents[1].sha256);
        let letters = i64::try_from(cases.iter().filter(|c| c.state == "decided").count()).unwrap();
        assert!(blobs_in(&db).await >= letters);
        {
            use app::db::schema::document_chunks;
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            let sha = documents[0].sha256.clone();
            let chunks: i64 = app::dispatch!(&mut conn, |c| document_chunks::table
                .filter(document_chunks::sha256.eq(&sha))
                .count()
                .get_result(c)
                .await
                .unwrap());
            assert_eq!(
                chunks, 3,
                "the same bytes twice are stored once, in 256 KiB chunks"
            );
        }
        let download = fetch(
            &b,
            get_request(
                &format!("/ansoegning/{id}/bilag/{}", documents[1].id),
                &anders,
            ),
        )
        .await;
        assert_eq!(download.0, StatusCode::OK);
        assert_eq!(download.2, big);
        assert_eq!(files_under(root_a.path()) + files_under(root_b.path()), 0);

        // Through the API: uploaded through A, downloaded through B.
        let (_, token) = server::api::clients::create(&mut conn, 851, "ESDH")
            .await
            .unwrap();
        let mut uploaded = None;
        for case in cases.iter().filter(|c| c.authority_code == 851) {
            let reference = case.reference.clone().unwrap();
            let answer = fetch(
                &a,
                api_upload(
                    &format!("/api/v1/cases/{reference}/documents?filename=notat.pdf"),
                    &token,
                    b"%PDF-1.4 notat fra ESDH",
                ),
            )
            .await;
            if answer.0 == StatusCode::CREATED {
                let body: serde_json::Value = serde_json::from_slice(&answer.2).unwrap();
                uploaded = Some((reference, body["document"]["id"].as_i64().unwrap()));
                break;
            }
        }
        let (reference, document_id) = uploaded.expect("a case of 851 takes documents");
        let download = fetch(
            &b,
            api_get(
                &format!("/api/v1/cases/{reference}/documents/{document_id}"),
                &token,
            ),
        )
        .await;
        assert_eq!(download.0, StatusCode::OK);
        assert_eq!(download.2, b"%PDF-1.4 notat fra ESDH");
    }
);

both_backends!(
    a_document_whose_bytes_are_missing_is_not_found_not_an_error,
    |db| async move {
        // Two instances each with its own folder: the letters are on A's disk only.
        let root_a = tempfile::tempdir().unwrap();
        let root_b = tempfile::tempdir().unwrap();
        let a = instance(&db, root_a.path(), StoreKind::Files);
        let b = instance(&db, root_b.path(), StoreKind::Files);
        let cases = seeded(&db, &a.documents).await;
        let decided = cases
            .iter()
            .find(|c| c.state == "decided" && c.authority_code == 851)
            .unwrap_or_else(|| case_in_state(&cases, "decided"));
        let reference = decided.reference.clone().unwrap();
        let owner = login(&db, owner_of(decided)).await;
        let uri = format!("/sager/{reference}/afgoerelse.pdf");
        assert_eq!(fetch(&a, get_request(&uri, &owner)).await.0, StatusCode::OK);
        // Not a 500: the store does not have it, and the browser gets the site's 404 page.
        let missing = fetch(&b, get_request(&uri, &owner)).await;
        assert_eq!(missing.0, StatusCode::NOT_FOUND);
        let page = String::from_utf8_lossy(&missing.2);
        assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(page.contains("Siden findes ikke"), "{page}");
        assert!(!page.contains("error.not_found"), "no raw code: {page}");

        let mut conn = db.conn().await.unwrap();
        let letter = Document::latest_decision(&mut conn, decided.id)
            .await
            .unwrap()
            .unwrap();
        let (_, token) = server::api::clients::create(&mut conn, decided.authority_code, "ESDH")
            .await
            .unwrap();
        let api_uri = format!("/api/v1/cases/{reference}/documents/{}", letter.id);
        assert_eq!(fetch(&a, api_get(&api_uri, &token)).await.0, StatusCode::OK);
        let missing = fetch(&b, api_get(&api_uri, &token)).await;
        assert_eq!(missing.0, StatusCode::NOT_FOUND);
        assert_eq!(missing.1[header::CONTENT_TYPE], "application/problem+json");
        let problem: serde_json::Value = serde_json::from_slice(&missing.2).unwrap();
        assert!(
            problem["type"]
                .as_str()
                .unwrap()
                .ends_with("document-content-missing"),
            "{problem}"
        );
    }
);
