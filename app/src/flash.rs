//! One-time notes carried across a post-redirect-get in the session: what the user typed into a
//! form that came back with an error, so the page shown after the redirect loses nothing.

use serde::{Deserialize, Serialize};

/// The session key of the answer form's note.
pub const ANSWER_FLASH_KEY: &str = "flash.answer";

/// An answer to an item of a request for information that was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerFlash {
    pub item_id: i64,
    pub comment: String,
    /// The message code of what was wrong.
    pub problem: String,
}

/// Takes the answer form's note out of the session of the current request (it shows once).
#[cfg(feature = "ssr")]
pub async fn take_answer_flash() -> Option<AnswerFlash> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let session = parts.extensions.get::<tower_sessions::Session>()?.clone();
    session
        .remove::<AnswerFlash>(ANSWER_FLASH_KEY)
        .await
        .ok()
        .flatten()
}
