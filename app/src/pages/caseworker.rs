//! Pages of caseworkers (sagsbehandlere): the queue and the case with its actions.

pub mod case_page;
pub mod queue;
pub mod statistics;

use crate::app::current_path;
use crate::auth::staff_login_path;
use crate::authorization::{RunMode, Viewer};
use crate::error::AppError;
use crate::pages::public::not_found::redirect_to;
use crate::state::AppState;

/// The caseworker's user id and authority; an anonymous visitor is sent to the staff login
/// (`Ok(None)`), anyone else finds nothing here.
pub fn caseworker_or_login(
    viewer: &Viewer,
    state: &AppState,
) -> Result<Option<(i64, i32)>, AppError> {
    match viewer {
        Viewer::Caseworker {
            user_id,
            authority_code,
        } => Ok(Some((*user_id, *authority_code))),
        Viewer::Anonymous => {
            redirect_to(&staff_login_path(
                state.mode == RunMode::Demo,
                &current_path(),
            ));
            Ok(None)
        }
        _ => Err(AppError::NotFound),
    }
}
