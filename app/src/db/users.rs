//! Users (brugere) as their login identifies them, and what each has seen.

use crate::db::schema::{case_views, users};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use std::collections::HashMap;

/// A person who has logged in: a citizen, an employee of a business, or a caseworker.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct User {
    pub id: i64,
    pub kind: String,
    pub issuer: String,
    pub subject: String,
    pub name: String,
    pub email: Option<String>,
    pub cvr: Option<String>,
    pub authority_code: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// What a login says about a person.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct LoginIdentity<'a> {
    pub kind: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub cvr: Option<&'a str>,
    pub authority_code: Option<i32>,
}

impl User {
    /// The caseworkers of an authority who have logged in, by name (whom a case can be assigned).
    pub async fn caseworkers_of(conn: &mut Conn, authority_code: i32) -> QueryResult<Vec<User>> {
        dispatch!(conn, |c| users::table
            .filter(users::kind.eq("caseworker"))
            .filter(users::authority_code.eq(Some(authority_code)))
            .order(users::name)
            .select(User::as_select())
            .load(c)
            .await)
    }

    /// Records a login: creates the user on first login and updates name, e-mail, CVR and
    /// authority from the latest login afterwards (a person may change employer).
    pub async fn upsert_login(
        conn: &mut Conn,
        identity: &LoginIdentity<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<User> {
        dispatch!(conn, |c| diesel::insert_into(users::table)
            .values((identity, users::created_at.eq(now)))
            .on_conflict((users::issuer, users::subject))
            .do_update()
            .set(identity)
            .returning(User::as_returning())
            .get_result(c)
            .await)
    }

    /// The secret of the user's calendar feed (`/kalender/{token}.ics`), if one was made.
    pub async fn calendar_token(conn: &mut Conn, id: i64) -> QueryResult<Option<String>> {
        let token: Option<Option<String>> = dispatch!(conn, |c| users::table
            .find(id)
            .select(users::calendar_token)
            .first(c)
            .await
            .optional())?;
        Ok(token.flatten())
    }

    /// Makes a new calendar feed secret for the user; an earlier feed address stops working.
    pub async fn replace_calendar_token(conn: &mut Conn, id: i64) -> QueryResult<String> {
        let token = crate::db::cases::new_secret_token();
        dispatch!(conn, |c| diesel::update(users::table.find(id))
            .set(users::calendar_token.eq(Some(&token)))
            .execute(c)
            .await)?;
        Ok(token)
    }

    /// The user whose calendar feed has this secret.
    pub async fn find_by_calendar_token(conn: &mut Conn, token: &str) -> QueryResult<Option<User>> {
        dispatch!(conn, |c| users::table
            .filter(users::calendar_token.eq(token))
            .select(User::as_select())
            .first(c)
            .await
            .optional())
    }

    /// One user by id.
    pub async fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<User>> {
        dispatch!(conn, |c| users::table
            .find(id)
            .select(User::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Notes that the user has now seen the case as it is.
    pub async fn mark_case_seen(
        conn: &mut Conn,
        user_id: i64,
        case_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::insert_into(case_views::table)
            .values((
                case_views::user_id.eq(user_id),
                case_views::case_id.eq(case_id),
                case_views::last_seen_at.eq(now)
            ))
            .on_conflict((case_views::user_id, case_views::case_id))
            .do_update()
            .set(case_views::last_seen_at.eq(now))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// When the user last looked at each of these cases.
    pub async fn last_seen(
        conn: &mut Conn,
        user_id: i64,
        case_ids: &[i64],
    ) -> QueryResult<HashMap<i64, NaiveDateTime>> {
        let rows: Vec<(i64, NaiveDateTime)> = dispatch!(conn, |c| case_views::table
            .filter(case_views::user_id.eq(user_id))
            .filter(case_views::case_id.eq_any(case_ids))
            .select((case_views::case_id, case_views::last_seen_at))
            .load(c)
            .await)?;
        Ok(rows.into_iter().collect())
    }
}
