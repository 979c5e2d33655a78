//! Documents over HTTP: attachments to a draft and answers to requests for information, sent as
//! plain HTML multipart forms; and downloads. Every handler asks the authorization policy, and a
//! document the viewer may not see answers exactly like one that does not exist.

use crate::http::HttpState;
use app::auth::SessionUser;
use app::authorization::{may_act_as_applicant, may_view_document};
use app::db::cases::Case;
use app::db::documents::Document;
use app::db::requests::RequestItem;
use app::db::Conn;
use app::domain::reference::CaseReference;
use app::error::AppError;
use app::flash::{AnswerFlash, ANSWER_FLASH_KEY};
use app::forms::case_folder::{AnswerProblem, FolderNotice, UploadProblem};
use app::in_transaction;
use app::services::case_events::ItemAnswered;
use app::services::commands;
use app::services::commands::applying::{applicant_actor, own_draft_case};
use app::services::commands::documents::{AnswerItem, NamedFile};
use app::services::commands::refusals::{CommandError, CommandError::Refused, RefusalCode};
use app::services::document_store::{clean_filename, DocumentStore, Received, StoreError};
use app::state::now_utc;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The form field that carries the file.
const FILE_FIELD: &str = "fil";

/// A multipart form as received: its text fields and, if one was chosen, the checked file —
/// not yet in the store: it is kept only when the request is accepted, and dropped otherwise.
struct ReceivedForm {
    fields: BTreeMap<String, String>,
    file: Result<Option<NamedFile>, UploadProblem>,
}

/// Reads a multipart form, streaming its one file to a temporary file as it arrives. A second
/// file refuses the form (and what was received of the first is dropped); the text fields are
/// still read, so the form can be shown again with what was typed.
async fn receive(store: &DocumentStore, mut multipart: Multipart) -> ReceivedForm {
    let mut fields = BTreeMap::new();
    let mut file: Result<Option<NamedFile>, UploadProblem> = Ok(None);
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                file = Err(problem_of(&error));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != FILE_FIELD {
            match field.text().await {
                Ok(text) => {
                    fields.insert(name, text);
                }
                Err(error) => {
                    file = Err(problem_of(&error));
                    break;
                }
            }
            continue;
        }
        let given_name = field.file_name().unwrap_or_default().to_string();
        if matches!(file, Ok(Some(_)) | Err(UploadProblem::TooMany)) {
            // One file was chosen already: this one is read past, not written anywhere.
            if !skip_field(&mut field).await {
                break;
            }
            if !given_name.is_empty() {
                file = Err(UploadProblem::TooMany);
            }
            continue;
        }
        match receive_field(store, &mut field).await {
            // A file input left empty arrives as an empty part without a name.
            Err(UploadProblem::NoFile) if given_name.is_empty() => {}
            Err(problem) => file = Err(problem),
            Ok(received) => {
                let filename = clean_filename(&given_name, received.file().file_type);
                if file.is_ok() {
                    file = Ok(Some(NamedFile { received, filename }));
                }
            }
        }
    }
    ReceivedForm { fields, file }
}

/// Reads a part to its end without keeping it; `false` when the form broke off.
async fn skip_field(field: &mut axum::extract::multipart::Field<'_>) -> bool {
    loop {
        match field.chunk().await {
            Ok(Some(_)) => {}
            Ok(None) => return true,
            Err(error) => {
                tracing::info!(error = %error, "multipart form could not be read");
                return false;
            }
        }
    }
}

async fn receive_field(
    store: &DocumentStore,
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<Received, UploadProblem> {
    let mut upload = store.begin().await.map_err(|e| store_problem(&e))?;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => upload.write(&chunk).await.map_err(|e| store_problem(&e))?,
            Ok(None) => break,
            Err(error) => return Err(problem_of(&error)),
        }
    }
    upload.finish().await.map_err(|e| store_problem(&e))
}

fn store_problem(error: &StoreError) -> UploadProblem {
    match error {
        StoreError::TooLarge { .. } => UploadProblem::TooLarge,
        StoreError::Empty => UploadProblem::NoFile,
        StoreError::UnsupportedType => UploadProblem::WrongType,
        StoreError::Io(io) => {
            tracing::error!(error = %io, "document store failed");
            UploadProblem::Broken
        }
        StoreError::Database(error) => {
            tracing::error!(error = %error, "document store failed");
            UploadProblem::Broken
        }
    }
}

fn problem_of(error: &MultipartError) -> UploadProblem {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadProblem::TooLarge
    } else {
        tracing::info!(error = %error, "multipart form could not be read");
        UploadProblem::Broken
    }
}

/// `POST /handlinger/ansoegning/{id}/bilag`: attaches a file to a draft.
pub async fn attach_to_draft(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let review = format!("/ansoegning/{id}/gennemse");
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, &review);
    };
    let outcome = async {
        let mut conn = state.app.db.conn().await?;
        // Nothing is received for a draft that is not the user's.
        let draft = own_draft_case(&mut conn, &user, id).await?;
        let file = match receive(&state.app.documents, multipart).await.file {
            Ok(Some(file)) => file,
            Ok(None) => return Ok(Err(UploadProblem::NoFile)),
            Err(problem) => return Ok(Err(problem)),
        };
        let store = &state.app.documents;
        in_transaction!(conn, {
            commands::documents::attach_to_draft(
                &mut conn,
                store,
                &draft,
                &file,
                applicant_actor(&user),
                now_utc(),
            )
            .await
        })?;
        Ok::<_, CommandError>(Ok(()))
    }
    .await;
    match outcome {
        Ok(Ok(())) => Redirect::to(&format!("{review}?bilag=tilfoejet#bilag")).into_response(),
        Ok(Err(problem)) => {
            Redirect::to(&format!("{review}?bilag-fejl={}#fil", problem.code())).into_response()
        }
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `POST /handlinger/ansoegning/{id}/bilag/{document}/fjern`: takes an attachment off a draft.
pub async fn remove_from_draft(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path((id, document_id)): Path<(i64, i64)>,
) -> Response {
    let review = format!("/ansoegning/{id}/gennemse");
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, &review);
    };
    let outcome = async {
        let mut conn = state.app.db.conn().await?;
        let draft = own_draft_case(&mut conn, &user, id).await?;
        commands::documents::remove_from_draft(&mut conn, &draft, document_id).await
    }
    .await;
    match outcome {
        Ok(()) => Redirect::to(&format!("{review}?bilag=fjernet#bilag")).into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `POST /handlinger/anmodning/{item}/svar`: the applicant answers one item of a request for
/// information with a file, a comment or both. When it was the last open item, the case returns
/// to the authority in the same transaction.
pub async fn answer_item(
    State(state): State<HttpState>,
    session: Session,
    user: Option<Extension<SessionUser>>,
    Path(item_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, "/mine-sager");
    };
    // Nothing is received for an item the user may not answer, so no stranger fills the store.
    match may_answer(&state, &user, item_id).await {
        Ok(true) => {}
        Ok(false) => return AppError::NotFound.into_response(),
        Err(error) => return error.into_response(),
    }
    let received = receive(&state.app.documents, multipart).await;
    let raw_reference = received
        .fields
        .get("reference")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    let Ok(reference) = CaseReference::parse(&raw_reference) else {
        return AppError::NotFound.into_response();
    };
    let folder = format!("/sager/{reference}");
    let comment = received
        .fields
        .get("kommentar")
        .map(|c| c.trim().to_string())
        .unwrap_or_default();
    let outcome = answer(&state, &user, &reference, item_id, &comment, received.file).await;
    match outcome {
        Ok(ItemAnswered::SomeStillOpen { .. }) => {
            Redirect::to(&FolderNotice::AnswerReceived.folder_path(&reference)).into_response()
        }
        Ok(ItemAnswered::AllAnswered(_)) => {
            Redirect::to(&FolderNotice::AllAnswered.folder_path(&reference)).into_response()
        }
        Err(AnswerError::Problem(problem)) => {
            // Keep what was typed for the form shown after the redirect.
            let flash = AnswerFlash {
                item_id,
                comment,
                problem: problem.code().to_string(),
            };
            if let Err(error) = session.insert(ANSWER_FLASH_KEY, flash).await {
                tracing::warn!(error = %error, "could not keep the answer for the form");
            }
            Redirect::to(&format!("{folder}#svar-{item_id}")).into_response()
        }
        Err(AnswerError::Failed(error)) => AppError::from(error).into_response(),
    }
}

/// Whether the item belongs to a case the user may answer for.
async fn may_answer(state: &HttpState, user: &SessionUser, item_id: i64) -> Result<bool, AppError> {
    let mut conn = state.app.db.conn().await?;
    let Some(case_id) = RequestItem::case_of(&mut conn, item_id).await? else {
        return Ok(false);
    };
    Ok(Case::find(&mut conn, case_id)
        .await?
        .is_some_and(|case| may_act_as_applicant(&user.viewer, &case)))
}

enum AnswerError {
    /// Something the applicant can put right.
    Problem(AnswerProblem),
    Failed(CommandError),
}

impl From<CommandError> for AnswerError {
    fn from(error: CommandError) -> Self {
        let Refused(refusal) = &error else {
            return AnswerError::Failed(error);
        };
        AnswerError::Problem(match refusal.code {
            RefusalCode::ItemNotOpen => AnswerProblem::AlreadyAnswered,
            RefusalCode::TooLong => AnswerProblem::CommentTooLong,
            RefusalCode::Required => AnswerProblem::Empty,
            RefusalCode::UnknownItem => return AnswerError::Failed(CommandError::NotFound),
            _ => AnswerProblem::NotPossible,
        })
    }
}

async fn answer(
    state: &HttpState,
    user: &SessionUser,
    reference: &CaseReference,
    item_id: i64,
    comment: &str,
    file: Result<Option<NamedFile>, UploadProblem>,
) -> Result<ItemAnswered, AnswerError> {
    let mut conn = state.app.db.conn().await.map_err(CommandError::from)?;
    let case = Case::find_by_reference(&mut conn, reference)
        .await
        .map_err(CommandError::from)?
        .filter(|c| may_act_as_applicant(&user.viewer, c))
        .ok_or(CommandError::NotFound)?;
    let file = file.map_err(|problem| AnswerError::Problem(AnswerProblem::Upload(problem)))?;
    let store = &state.app.documents;
    let answered = in_transaction!(conn, {
        commands::documents::answer_item(
            &mut conn,
            store,
            AnswerItem {
                case: &case,
                item_id,
                actor: applicant_actor(user),
                comment,
                file,
                at: now_utc(),
            },
        )
        .await
    })?;
    Ok(answered)
}

/// `GET /sager/{reference}/dokumenter/{id}`: one document of a case.
pub async fn download(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path((raw_reference, document_id)): Path<(String, i64)>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(
            &state,
            &format!("/sager/{raw_reference}/dokumenter/{document_id}"),
        );
    };
    let outcome = async {
        let (mut conn, case) = case_at(&state, &raw_reference).await?;
        let document = Document::find_in_case(&mut conn, case.id, document_id).await?;
        send_document(&state, &user, &case, document, Disposition::Attachment).await
    }
    .await;
    outcome.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /sager/{reference}/afgoerelse.pdf`: the latest decision of a case, at a stable address.
pub async fn latest_decision(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(raw_reference): Path<String>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(
            &state,
            &format!("/sager/{raw_reference}/afgoerelse.pdf"),
        );
    };
    let outcome = async {
        let (mut conn, case) = case_at(&state, &raw_reference).await?;
        let document = Document::latest_decision(&mut conn, case.id).await?;
        send_document(&state, &user, &case, document, Disposition::Inline).await
    }
    .await;
    outcome.unwrap_or_else(IntoResponse::into_response)
}

/// The case at a reference in an address (whether the viewer may see it is asked later, of the
/// document).
async fn case_at(state: &HttpState, raw_reference: &str) -> Result<(Conn, Case), AppError> {
    let reference = CaseReference::parse(raw_reference).map_err(|_| AppError::NotFound)?;
    let mut conn = state.app.db.conn().await?;
    let case = Case::find_by_reference(&mut conn, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((conn, case))
}

/// `GET /ansoegning/{id}/bilag/{document}`: an attachment of the user's own draft.
pub async fn draft_download(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path((id, document_id)): Path<(i64, i64)>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, &format!("/ansoegning/{id}/gennemse"));
    };
    let outcome = async {
        let mut conn = state.app.db.conn().await?;
        let case = own_draft_case(&mut conn, &user, id)
            .await
            .map_err(AppError::from)?;
        let document = Document::find_in_case(&mut conn, case.id, document_id).await?;
        send_document(&state, &user, &case, document, Disposition::Attachment).await
    }
    .await;
    outcome.unwrap_or_else(IntoResponse::into_response)
}

enum Disposition {
    Inline,
    Attachment,
}

async fn send_document(
    state: &HttpState,
    user: &SessionUser,
    case: &Case,
    document: Option<Document>,
    disposition: Disposition,
) -> Result<Response, AppError> {
    let document = document
        .filter(|d| may_view_document(&user.viewer, case, d))
        .ok_or(AppError::NotFound)?;
    let contents = open_contents(state, &document).await?;
    let disposition = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&document.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_DISPOSITION,
            content_disposition(disposition, &document.filename),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, axum::body::Body::from_stream(contents.chunks)).into_response())
}

/// The bytes of a document's row. Bytes the store does not have (lost, or kept in the local
/// folder of another instance) answer 404, and a store that cannot be read answers 503 — never
/// a 500, and logged so the operator learns of it.
pub(crate) async fn open_contents(
    state: &HttpState,
    document: &Document,
) -> Result<app::services::document_store::Contents, AppError> {
    match state
        .app
        .documents
        .open(&state.app.db, &document.sha256)
        .await?
    {
        Some(contents) => Ok(contents),
        None => {
            tracing::error!(
                document_id = document.id,
                sha256 = %document.sha256,
                "a document's bytes are missing from the document store"
            );
            Err(AppError::NotFound)
        }
    }
}

/// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266), so
/// Danish names arrive intact.
pub(crate) fn content_disposition(disposition: &str, filename: &str) -> HeaderValue {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::content_disposition;

    #[test]
    fn content_disposition_keeps_danish_names() {
        let value = content_disposition("attachment", "Tegning æøå 1.pdf");
        assert_eq!(
            value.to_str().unwrap(),
            "attachment; filename=\"Tegning ___ 1.pdf\"; filename*=UTF-8''Tegning%20%C3%A6%C3%B8%C3%A5%201.pdf"
        );
    }
}
