//! How each person wants to hear about their cases (kontaktoplysninger og notifikationer).

use crate::db::schema::{contact_preferences, users};
use crate::db::users::User;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// One person's stored choices. A person without a row gets [`ContactPreferences::defaults`].
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contact_preferences, treat_none_as_null = true)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ContactPreferences {
    pub user_id: i64,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub language: String,
    /// `|`-separated topic codes wanted by e-mail.
    pub email_topics: String,
    /// `|`-separated topic codes wanted by SMS.
    pub sms_topics: String,
    pub company_cases: bool,
    pub updated_at: NaiveDateTime,
}

impl ContactPreferences {
    /// What a person who never chose gets: e-mail on every topic to the address their login
    /// gave (none if it gave none), no SMS, Danish, only the cases they started themselves.
    pub fn defaults(user: &User, every_topic: &str) -> ContactPreferences {
        ContactPreferences {
            user_id: user.id,
            email: user.email.clone(),
            mobile: None,
            language: "da".to_string(),
            email_topics: every_topic.to_string(),
            sms_topics: String::new(),
            company_cases: false,
            updated_at: user.created_at,
        }
    }

    /// The stored choices of one person.
    pub async fn find(conn: &mut Conn, user_id: i64) -> QueryResult<Option<ContactPreferences>> {
        dispatch!(conn, |c| contact_preferences::table
            .find(user_id)
            .select(ContactPreferences::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Stores a person's choices (replacing earlier ones).
    pub async fn save(conn: &mut Conn, preferences: &ContactPreferences) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::insert_into(contact_preferences::table)
            .values(preferences)
            .on_conflict(contact_preferences::user_id)
            .do_update()
            .set(preferences)
            .execute(c)
            .await)?;
        Ok(())
    }

    /// The applicant-side users who might hear about a case, with their stored choices: the
    /// citizen with the case's subject, or the employees of its CVR number. Who of them is
    /// notified is decided by the caller (the policy, and each person's choices).
    pub async fn applicants_of(
        conn: &mut Conn,
        applicant_subject: Option<&str>,
        applicant_cvr: Option<&str>,
    ) -> QueryResult<Vec<(User, Option<ContactPreferences>)>> {
        // Either the company's employees or the citizen: one filter on kind, one on the key.
        let (kind, key) = match (applicant_cvr, applicant_subject) {
            (Some(cvr), _) => ("business", cvr),
            (None, Some(subject)) => ("citizen", subject),
            (None, None) => return Ok(Vec::new()),
        };
        dispatch!(conn, |c| users::table
            .left_join(contact_preferences::table)
            .filter(users::kind.eq(kind))
            .filter(
                (users::kind.eq("business").and(users::cvr.eq(key)))
                    .or(users::kind.eq("citizen").and(users::subject.eq(key)))
            )
            .select((User::as_select(), Option::<ContactPreferences>::as_select(),))
            .order(users::id)
            .load(c)
            .await)
    }
}
