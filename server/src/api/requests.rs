//! What every write of the integration API shares: a strict JSON body, an optional
//! `Idempotency-Key` whose first answer is kept with the change it made, and `If-Match`.

use super::problem::{etag_of, Problem};
use app::db::idempotency::IdempotencyRecord;
use app::db::{Conn, Database};
use app::in_transaction;
use app::state::now_utc;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A successful answer of a write, as it is sent and as it is kept for a retry.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    /// The JSON body.
    pub body: String,
    pub etag: Option<String>,
    pub location: Option<String>,
    /// Whether this is the kept answer of an earlier request with the same key.
    pub replayed: bool,
}

impl Answer {
    /// An answer with this status and body.
    pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Result<Answer, Problem> {
        let body = serde_json::to_string(body)
            .map_err(|e| Problem::internal("serialising an answer", &e))?;
        Ok(Answer {
            status,
            body,
            etag: None,
            location: None,
            replayed: false,
        })
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let mut set = |name: &'static str, value: Option<&str>| {
            if let Some(value) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, value);
            }
        };
        set("etag", self.etag.as_deref());
        set("location", self.location.as_deref());
        if self.replayed {
            set("idempotency-replayed", Some("true"));
        }
        response
    }
}

/// Reads a JSON body strictly: `Content-Type: application/json`, no trailing data, unknown fields
/// refused. Syntax errors answer 400; a missing, unknown or mistyped field answers 422 naming it.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Problem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "The body must be JSON",
            format!("Content-Type must be application/json, not {content_type:?}"),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => value,
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            return Err(match inner.classify() {
                serde_json::error::Category::Data => {
                    let message = inner.to_string();
                    Problem::invalid(field_of(&path, &message), strip_position(&message))
                }
                _ => Problem::malformed(inner.to_string()),
            });
        }
    };
    deserializer
        .end()
        .map_err(|e| Problem::malformed(format!("data after the JSON value: {e}")))?;
    Ok(value)
}

/// The field a serde message is about: the path, extended by the name in "unknown field `x`" and
/// "missing field `x`" (serde reports those at the enclosing object).
fn field_of(path: &str, message: &str) -> String {
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (".", Some(name)) => name.to_string(),
        // serde_path_to_error already names an unknown field itself.
        (path, Some(name)) if path == name || path.ends_with(&format!(".{name}")) => {
            path.to_string()
        }
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_string(),
    }
}

/// serde_json's "… at line 1 column 20" says nothing to someone who sent one line.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The `If-Match` version the client expects the case to be at, if it sent one.
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    let version = text
        .strip_prefix("W/")
        .unwrap_or(text)
        .trim_matches('"')
        .parse::<i64>()
        .map_err(|_| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "bad-if-match",
                "If-Match is not an ETag of this API",
                format!(
                    "If-Match must be an ETag such as {}, not {text:?}",
                    etag_of(7)
                ),
            )
            .at("If-Match")
        })?;
    Ok(Some(version))
}

/// Whether `If-None-Match` names this ETag, so a GET can answer 304 (weak comparison, as
/// RFC 9110 asks of If-None-Match: `W/"3"` matches `"3"`).
pub fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == etag)
        })
}

/// The `Idempotency-Key` header, if sent: 1–255 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-idempotency-key",
            "The Idempotency-Key is not usable",
            "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
        )
        .at("Idempotency-Key"));
    }
    Ok(Some(key.to_string()))
}

/// What identifies a request for its idempotency key: method, path with query, and body.
pub fn fingerprint(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b"\n");
    hash.update(path_and_query.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The identity of one write for [`once`].
pub struct WriteRequest<'a> {
    pub client_id: i64,
    pub key: Option<&'a str>,
    pub fingerprint: &'a str,
}

/// Runs a write in one transaction. With an idempotency key, a request seen before gets its
/// first answer again and `work` does not run; otherwise the key is claimed first and its answer
/// kept in the same transaction as the change, so a crash keeps neither and a retry does the
/// work once. Requests racing with the same key: the first claims it, the others wait at their
/// claim until its transaction ends (PostgreSQL's unique index; SQLite's one writer) and then
/// replay its answer — or, when it failed and kept nothing, claim the key themselves.
///
/// A problem that reports the case's current version and state ([`Problem::of_case`]) gets
/// both read again from the case row, in one statement, after the transaction has ended.
pub async fn once(
    db: &Database,
    request: WriteRequest<'_>,
    work: impl AsyncFnOnce(&mut Conn) -> Result<Answer, Problem>,
) -> Result<Answer, Problem> {
    let mut conn = db.conn().await?;
    if let Some(key) = request.key {
        if let Some(answer) = kept_answer(&mut conn, &request, key).await? {
            return Ok(answer);
        }
    }
    let result = in_transaction!(conn, {
        let mut record = request.key.map(|key| IdempotencyRecord {
            client_id: request.client_id,
            idempotency_key: key.to_string(),
            request_sha256: request.fingerprint.to_string(),
            status_code: 0,
            response_body: String::new(),
            etag: None,
            location: None,
            created_at: now_utc(),
        });
        if let Some(record) = &record {
            if !IdempotencyRecord::claim(&mut conn, record).await? {
                return kept_answer(&mut conn, &request, &record.idempotency_key)
                    .await?
                    .ok_or_else(|| {
                        Problem::internal("idempotency", &"a claimed key has no answer")
                    });
            }
        }
        let answer = work(&mut conn).await?;
        if let Some(record) = &mut record {
            record.status_code = i32::from(answer.status.as_u16());
            record.response_body = answer.body.clone();
            record.etag = answer.etag.clone();
            record.location = answer.location.clone();
            IdempotencyRecord::keep_answer(&mut conn, record).await?;
        }
        Ok::<Answer, Problem>(answer)
    });
    match result {
        Err(problem) if problem.case_to_reread().is_some() => {
            Err(problem.with_current_case(&mut conn).await)
        }
        result => result,
    }
}

/// The kept answer for this key, refusing a different request under the same key.
async fn kept_answer(
    conn: &mut Conn,
    request: &WriteRequest<'_>,
    key: &str,
) -> Result<Option<Answer>, Problem> {
    let Some(record) = IdempotencyRecord::find(conn, request.client_id, key).await? else {
        return Ok(None);
    };
    if record.request_sha256 != request.fingerprint {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "The Idempotency-Key was used for another request",
            "this key was first used with a different method, path or body; use a new key for a new request",
        )
        .at("Idempotency-Key"));
    }
    Ok(Some(Answer {
        status: StatusCode::from_u16(u16::try_from(record.status_code).unwrap_or(200))
            .unwrap_or(StatusCode::OK),
        body: record.response_body,
        etag: record.etag,
        location: record.location,
        replayed: true,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_at_fault_is_named() {
        assert_eq!(
            field_of(".", "unknown field `colour`, expected one of"),
            "colour"
        );
        assert_eq!(
            field_of("colour", "unknown field `colour`, expected one of"),
            "colour"
        );
        assert_eq!(
            field_of("applicant.colour", "unknown field `colour`, expected"),
            "applicant.colour"
        );
        assert_eq!(
            field_of("applicant", "missing field `name`"),
            "applicant.name"
        );
        assert_eq!(
            field_of("items[0].deadline", "input contains invalid characters"),
            "items[0].deadline"
        );
        assert_eq!(
            strip_position("invalid type: string \"x\", expected i64 at line 1 column 9"),
            "invalid type: string \"x\", expected i64"
        );
    }
}
