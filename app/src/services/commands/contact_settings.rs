//! The applicant's notification settings: which channels, which addresses, which messages.

use crate::db::contact_preferences::ContactPreferences;
use crate::db::Conn;
use crate::forms::contact_settings;
use crate::services::commands::refusals::CommandError;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

/// Why the settings were not stored: the form's problems as (field, message key), in the
/// order of the form, or a failure.
pub enum SettingsNotSaved {
    Problems(Vec<(String, &'static str)>),
    Failed(CommandError),
}

/// Checks the posted settings and stores them.
pub async fn save_contact_settings(
    conn: &mut Conn,
    user_id: i64,
    is_business: bool,
    values: &BTreeMap<String, String>,
    now: NaiveDateTime,
) -> Result<(), SettingsNotSaved> {
    let preferences = contact_settings::read(user_id, is_business, values, now)
        .map_err(SettingsNotSaved::Problems)?;
    ContactPreferences::save(conn, &preferences)
        .await
        .map_err(|error| SettingsNotSaved::Failed(error.into()))
}
