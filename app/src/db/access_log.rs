//! The access log: who opened which case, when (part of the caseworker's audit trail).

use crate::db::schema::{case_access_log, users};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// One look at a case, with who looked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub user_name: String,
    pub user_kind: String,
    pub viewed_at: NaiveDateTime,
}

/// Records that a user opened a case.
pub async fn record_view(
    conn: &mut Conn,
    case_id: i64,
    user_id: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    dispatch!(conn, |c| diesel::insert_into(case_access_log::table)
        .values((
            case_access_log::case_id.eq(case_id),
            case_access_log::user_id.eq(user_id),
            case_access_log::viewed_at.eq(at),
        ))
        .execute(c)
        .await)?;
    Ok(())
}

/// The latest looks at a case, newest first.
pub async fn latest_views(
    conn: &mut Conn,
    case_id: i64,
    limit: i64,
) -> QueryResult<Vec<AccessEntry>> {
    let rows: Vec<(String, String, NaiveDateTime)> = dispatch!(conn, |c| case_access_log::table
        .inner_join(users::table)
        .filter(case_access_log::case_id.eq(case_id))
        .order((
            case_access_log::viewed_at.desc(),
            case_access_log::id.desc()
        ))
        .limit(limit)
        .select((users::name, users::kind, case_access_log::viewed_at))
        .load(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(user_name, user_kind, viewed_at)| AccessEntry {
            user_name,
            user_kind,
            viewed_at,
        })
        .collect())
}
