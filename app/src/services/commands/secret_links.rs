//! The secret addresses an applicant hands out: a case's status-only tracking link and the
//! personal calendar feed. Replacing one makes the old address stop working at once.

use crate::db::cases::Case;
use crate::db::users::User;
use crate::db::Conn;
use crate::services::commands::refusals::CommandError;

/// Gives the case a new tracking link. The caller has asked the policy
/// (`authorization::may_rotate_tracking_link`).
pub async fn replace_tracking_link(conn: &mut Conn, case: &Case) -> Result<(), CommandError> {
    Case::rotate_tracking_token(conn, case.id).await?;
    tracing::info!(case_id = case.id, "tracking link replaced");
    Ok(())
}

/// Gives the applicant a new calendar feed address.
pub async fn replace_calendar_feed(conn: &mut Conn, user_id: i64) -> Result<(), CommandError> {
    User::replace_calendar_token(conn, user_id).await?;
    tracing::info!(user_id, "calendar feed address replaced");
    Ok(())
}
