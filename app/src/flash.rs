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

/// Takes a note out of the session of the current request: it shows once.
#[cfg(feature = "ssr")]
async fn take<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let session = parts.extensions.get::<tower_sessions::Session>()?.clone();
    session.remove::<T>(key).await.ok().flatten()
}

/// Takes the answer form's note out of the session of the current request.
#[cfg(feature = "ssr")]
pub async fn take_answer_flash() -> Option<AnswerFlash> {
    take(ANSWER_FLASH_KEY).await
}

/// The session key of the caseworker action forms' note.
pub const CASEWORKER_FLASH_KEY: &str = "flash.caseworker";

/// A caseworker action that was not carried out, with everything that was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseworkerFlash {
    pub action: String,
    /// The field the problem is about (empty: the form as a whole).
    pub field: String,
    /// The message code.
    pub problem: String,
    /// The limit the message names (`{max}`), when it names one.
    #[serde(default)]
    pub limit: Option<usize>,
    pub values: std::collections::BTreeMap<String, String>,
}

/// Takes the caseworker forms' note out of the session of the current request.
#[cfg(feature = "ssr")]
pub async fn take_caseworker_flash() -> Option<CaseworkerFlash> {
    take(CASEWORKER_FLASH_KEY).await
}

/// The session key of the notification settings form's note.
pub const SETTINGS_FLASH_KEY: &str = "flash.settings";

/// The notification settings as posted, with what was wrong (field → message code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsFlash {
    pub values: std::collections::BTreeMap<String, String>,
    pub problems: Vec<(String, String)>,
}

/// Takes the settings form's note out of the session of the current request.
#[cfg(feature = "ssr")]
pub async fn take_settings_flash() -> Option<SettingsFlash> {
    take(SETTINGS_FLASH_KEY).await
}

/// The session key of the webhook form's note.
pub const WEBHOOK_FLASH_KEY: &str = "flash.webhooks";

/// What the webhook form left for the settings page: the address as typed with what was wrong,
/// or the signing secret of a receiver just registered (shown this once, never again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFlash {
    pub url: String,
    /// The message code of what was wrong.
    pub problem: Option<String>,
    /// The new receiver's signing secret.
    pub new_secret: Option<String>,
}

/// Takes the webhook form's note out of the session of the current request.
#[cfg(feature = "ssr")]
pub async fn take_webhook_flash() -> Option<WebhookFlash> {
    take(WEBHOOK_FLASH_KEY).await
}
