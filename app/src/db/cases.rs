//! Cases (sager): the row that holds a case's current state, derived from its history.

use crate::db::schema::{cases, reference_sequences};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use crate::domain::lifecycle::{CaseState, Lifecycle, Party};
use crate::domain::reference::CaseReference;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// A case as stored. `state`, `must_act` and the dates always agree with its events: they are
/// written in the same transaction as the event that produces them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = cases, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Case {
    pub id: i64,
    pub reference: Option<String>,
    pub authority_code: i32,
    pub case_type_code: String,
    pub service_goal_category: Option<String>,
    pub title: String,
    pub channel: String,
    pub applicant_kind: String,
    pub applicant_subject: Option<String>,
    pub applicant_cvr: Option<String>,
    pub applicant_name: String,
    pub created_by_user_id: Option<i64>,
    pub property_address: String,
    pub cadastral_number: String,
    pub description: String,
    pub form_data: String,
    pub state: String,
    pub declared_complete: bool,
    pub must_act: String,
    pub esdh_number: Option<String>,
    pub assignee_user_id: Option<i64>,
    pub not_covered_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub complete_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub expected_decision_on: Option<NaiveDate>,
    pub version: i64,
    /// The secret of the status-only page `/spor/{token}`.
    pub tracking_token: Option<String>,
    /// How to reach an applicant who has no portal login (a case registered by the ESDH).
    pub contact_email: Option<String>,
    /// A Danish mobile number (`+45` and eight digits) for the same.
    pub contact_mobile: Option<String>,
}

/// A fresh secret for an address only its holder should know (tracking links, calendar feeds):
/// 128 bits from a cryptographically secure generator seeded by the operating system, as 32 hex
/// digits.
pub fn new_secret_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Whose cases: a citizen's (by the login's subject) or a company's (by CVR number).
#[derive(Debug, Clone, Copy)]
pub enum ApplicantFilter<'a> {
    Citizen(&'a str),
    Business(&'a str),
}

/// A case about to be created (always as a draft; submitting is an event).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases)]
pub struct NewCase<'a> {
    pub authority_code: i32,
    pub case_type_code: &'a str,
    pub service_goal_category: Option<&'a str>,
    pub title: &'a str,
    pub channel: &'a str,
    pub applicant_kind: &'a str,
    pub applicant_subject: Option<&'a str>,
    pub applicant_cvr: Option<&'a str>,
    pub applicant_name: &'a str,
    pub created_by_user_id: Option<i64>,
    pub property_address: &'a str,
    pub cadastral_number: &'a str,
    pub description: &'a str,
    pub form_data: &'a str,
    pub state: &'a str,
    pub declared_complete: bool,
    pub must_act: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A complete case row, for the synthetic data generator's bulk inserts.
#[derive(Debug, Clone, Insertable)]
// NULL rather than DEFAULT for `None`: SQLite has no DEFAULT keyword in multi-row inserts.
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub struct BulkCase<'a> {
    pub id: i64,
    pub reference: Option<String>,
    pub authority_code: i32,
    pub case_type_code: &'a str,
    pub service_goal_category: Option<String>,
    pub title: String,
    pub channel: &'a str,
    pub applicant_kind: &'a str,
    pub applicant_subject: Option<String>,
    pub applicant_cvr: Option<String>,
    pub applicant_name: String,
    pub property_address: String,
    pub cadastral_number: String,
    pub description: &'a str,
    pub form_data: &'a str,
    pub state: &'a str,
    pub declared_complete: bool,
    pub must_act: &'a str,
    pub esdh_number: Option<String>,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub complete_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub expected_decision_on: Option<NaiveDate>,
    pub version: i64,
    pub tracking_token: Option<String>,
}

/// What the applicant typed into a draft.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = cases)]
pub struct DraftUpdate<'a> {
    pub title: &'a str,
    pub property_address: &'a str,
    pub cadastral_number: &'a str,
    pub description: &'a str,
    pub form_data: &'a str,
    pub service_goal_category: Option<&'a str>,
    pub updated_at: NaiveDateTime,
}

/// The columns an event changes on its case, written together with the event.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = cases)]
pub struct CaseStateChange<'a> {
    pub reference: Option<&'a str>,
    pub state: &'a str,
    pub declared_complete: bool,
    pub must_act: &'a str,
    pub esdh_number: Option<&'a str>,
    pub assignee_user_id: Option<Option<i64>>,
    pub not_covered_reason: Option<Option<&'a str>>,
    pub submitted_at: Option<NaiveDateTime>,
    pub complete_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub expected_decision_on: Option<Option<NaiveDate>>,
    pub version: i64,
}

impl Case {
    /// Creates a draft, with a fresh tracking token.
    pub async fn create(conn: &mut Conn, new: &NewCase<'_>) -> QueryResult<Case> {
        let token = new_secret_token();
        dispatch!(conn, |c| diesel::insert_into(cases::table)
            .values((new, cases::tracking_token.eq(&token)))
            .returning(Case::as_returning())
            .get_result(c)
            .await)
    }

    /// Stores how to reach an applicant who has no portal login.
    pub async fn set_contact(
        conn: &mut Conn,
        id: i64,
        email: Option<&str>,
        mobile: Option<&str>,
    ) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::update(cases::table.find(id))
            .set((
                cases::contact_email.eq(email),
                cases::contact_mobile.eq(mobile)
            ))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Stores what the applicant typed into a draft (only while it is a draft).
    pub async fn update_draft(
        conn: &mut Conn,
        id: i64,
        draft: &DraftUpdate<'_>,
    ) -> QueryResult<bool> {
        let updated = dispatch!(conn, |c| diesel::update(
            cases::table
                .filter(cases::id.eq(id))
                .filter(cases::state.eq("draft"))
        )
        .set(draft)
        .execute(c)
        .await)?;
        Ok(updated == 1)
    }

    /// The drafts of a citizen or a business, newest first.
    pub async fn drafts_of(
        conn: &mut Conn,
        applicant: &ApplicantFilter<'_>,
    ) -> QueryResult<Vec<Case>> {
        dispatch!(conn, |c| {
            let mut query = cases::table
                .select(Case::as_select())
                .filter(cases::state.eq("draft"))
                .into_boxed();
            query = match applicant {
                ApplicantFilter::Citizen(subject) => query
                    .filter(cases::applicant_kind.eq("person"))
                    .filter(cases::applicant_subject.eq(subject.to_string())),
                ApplicantFilter::Business(cvr) => {
                    query.filter(cases::applicant_cvr.eq(cvr.to_string()))
                }
            };
            query
                .order(cases::updated_at.desc())
                .limit(100)
                .load(c)
                .await
        })
    }

    /// Inserts fully formed rows (the synthetic data generator): one multi-row statement on
    /// PostgreSQL; row by row on SQLite, whose multi-row insert diesel-async cannot express
    /// (inside one transaction that is still fast).
    pub async fn insert_bulk(conn: &mut Conn, rows: &[BulkCase<'_>]) -> QueryResult<usize> {
        match conn {
            Conn::Postgres(c) => {
                diesel::insert_into(cases::table)
                    .values(rows)
                    .execute(&mut **c)
                    .await
            }
            Conn::Sqlite(c) => {
                for row in rows {
                    diesel::insert_into(cases::table)
                        .values(row)
                        .execute(&mut **c)
                        .await?;
                }
                Ok(rows.len())
            }
        }
    }

    /// One case by its internal id.
    pub async fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<Case>> {
        dispatch!(conn, |c| cases::table
            .find(id)
            .select(Case::as_select())
            .first(c)
            .await
            .optional())
    }

    /// A case's version and state, read together from its row.
    pub async fn version_and_state(conn: &mut Conn, id: i64) -> QueryResult<Option<(i64, String)>> {
        dispatch!(conn, |c| cases::table
            .find(id)
            .select((cases::version, cases::state))
            .first(c)
            .await
            .optional())
    }

    /// One case by its digital reference.
    pub async fn find_by_reference(
        conn: &mut Conn,
        reference: &CaseReference,
    ) -> QueryResult<Option<Case>> {
        let text = reference.to_string();
        dispatch!(conn, |c| cases::table
            .filter(cases::reference.eq(&text))
            .select(Case::as_select())
            .first(c)
            .await
            .optional())
    }

    /// The authority's case with this ESDH number (unique within an authority), if any.
    pub async fn find_by_esdh_number(
        conn: &mut Conn,
        authority: i32,
        esdh_number: &str,
    ) -> QueryResult<Option<Case>> {
        dispatch!(conn, |c| cases::table
            .filter(cases::authority_code.eq(authority))
            .filter(cases::esdh_number.eq(esdh_number))
            .select(Case::as_select())
            .first(c)
            .await
            .optional())
    }

    /// The submitted case whose status-only tracking page has this secret token. A draft has a
    /// token from its creation but is nobody's to track until it is sent.
    pub async fn find_by_tracking_token(conn: &mut Conn, token: &str) -> QueryResult<Option<Case>> {
        dispatch!(conn, |c| cases::table
            .filter(cases::tracking_token.eq(token))
            .filter(cases::reference.is_not_null())
            .select(Case::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Gives the case a new tracking token; the old one stops working at once. Returns the new
    /// token.
    pub async fn rotate_tracking_token(conn: &mut Conn, id: i64) -> QueryResult<String> {
        let token = new_secret_token();
        dispatch!(conn, |c| diesel::update(
            cases::table.filter(cases::id.eq(id))
        )
        .set(cases::tracking_token.eq(&token))
        .execute(c)
        .await)?;
        Ok(token)
    }

    /// Writes what an event changed, but only if nobody else wrote an event since `version`
    /// was read. Returns false when the case had moved on (the caller reports a conflict).
    pub async fn apply_change(
        conn: &mut Conn,
        id: i64,
        read_version: i64,
        change: &CaseStateChange<'_>,
    ) -> QueryResult<bool> {
        let updated = dispatch!(conn, |c| diesel::update(
            cases::table
                .filter(cases::id.eq(id))
                .filter(cases::version.eq(read_version))
        )
        .set(change)
        .execute(c)
        .await)?;
        Ok(updated == 1)
    }

    /// Allocates the next sequence number of an authority's year; run it inside the
    /// transaction that creates the reference, so a rolled-back case leaves no gap behind.
    pub async fn allocate_sequence(conn: &mut Conn, authority: i32, year: i32) -> QueryResult<i64> {
        use reference_sequences::dsl as rs;
        dispatch!(conn, |c| diesel::insert_into(rs::reference_sequences)
            .values((
                rs::authority_code.eq(authority),
                rs::year.eq(year),
                rs::last_value.eq(1_i64)
            ))
            .on_conflict((rs::authority_code, rs::year))
            .do_update()
            .set(rs::last_value.eq(rs::last_value + 1_i64))
            .returning(rs::last_value)
            .get_result::<i64>(c)
            .await)
    }

    /// Sets the sequence of an authority's year to at least `value` (after bulk inserts).
    pub async fn raise_sequence(
        conn: &mut Conn,
        authority: i32,
        year: i32,
        value: i64,
    ) -> QueryResult<()> {
        use reference_sequences::dsl as rs;
        dispatch!(conn, |c| diesel::insert_into(rs::reference_sequences)
            .values((
                rs::authority_code.eq(authority),
                rs::year.eq(year),
                rs::last_value.eq(value)
            ))
            .on_conflict((rs::authority_code, rs::year))
            .do_update()
            .set(rs::last_value.eq(value))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Every allocated sequence: (authority, year, last value).
    pub async fn sequences(conn: &mut Conn) -> QueryResult<Vec<(i32, i32, i64)>> {
        use reference_sequences::dsl as rs;
        dispatch!(conn, |c| rs::reference_sequences
            .select((rs::authority_code, rs::year, rs::last_value))
            .load(c)
            .await)
    }

    /// After rows were inserted with explicit ids, moves PostgreSQL's identity sequence past
    /// them (SQLite picks max(id) + 1 by itself).
    pub async fn advance_id_sequence(conn: &mut Conn) -> QueryResult<()> {
        use diesel_async::SimpleAsyncConnection as _;
        match conn {
            Conn::Postgres(c) => {
                c.batch_execute(
                    "SELECT setval(pg_get_serial_sequence('cases', 'id'), \
                     (SELECT COALESCE(MAX(id), 0) + 1 FROM cases), false)",
                )
                .await
            }
            Conn::Sqlite(_) => Ok(()),
        }
    }

    /// Processing times (submission → decision, in seconds) of this authority's most recently
    /// decided cases of one type, newest first: the basis of the estimate shown before a case
    /// is declared complete.
    pub async fn recent_processing_spans(
        conn: &mut Conn,
        authority: i32,
        case_type: &str,
        limit: i64,
    ) -> QueryResult<Vec<(NaiveDateTime, NaiveDateTime)>> {
        let rows: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> =
            dispatch!(conn, |c| cases::table
                .filter(cases::authority_code.eq(authority))
                .filter(cases::case_type_code.eq(case_type))
                .filter(cases::decided_at.is_not_null())
                .order(cases::decided_at.desc())
                .limit(limit)
                .select((cases::submitted_at, cases::decided_at))
                .load(c)
                .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(s, d)| Some((s?, d?)))
            .collect())
    }

    /// The cases a citizen or a business sees in *Mine sager*, most recently changed first,
    /// optionally only those in one state or at one authority.
    pub async fn for_applicant(
        conn: &mut Conn,
        applicant: &ApplicantFilter<'_>,
        state: Option<&str>,
        authority: Option<i32>,
        limit: i64,
    ) -> QueryResult<Vec<Case>> {
        // A boxed query is tied to one backend, so it is built inside each arm.
        dispatch!(conn, |c| {
            let mut query = cases::table.select(Case::as_select()).into_boxed();
            query = match applicant {
                ApplicantFilter::Citizen(subject) => query
                    .filter(cases::applicant_kind.eq("person"))
                    .filter(cases::applicant_subject.eq(subject.to_string())),
                ApplicantFilter::Business(cvr) => {
                    query.filter(cases::applicant_cvr.eq(cvr.to_string()))
                }
            };
            if let Some(state) = state {
                query = query.filter(cases::state.eq(state.to_string()));
            }
            if let Some(authority) = authority {
                query = query.filter(cases::authority_code.eq(authority));
            }
            query
                .order((cases::updated_at.desc(), cases::id.desc()))
                .limit(limit)
                .load(c)
                .await
        })
    }

    /// A handful of submitted cases, newest first (the demo's start-up links).
    pub async fn latest_submitted(conn: &mut Conn, limit: i64) -> QueryResult<Vec<Case>> {
        dispatch!(conn, |c| cases::table
            .filter(cases::reference.is_not_null())
            .order(cases::id.desc())
            .limit(limit)
            .select(Case::as_select())
            .load(c)
            .await)
    }

    /// How many cases there are.
    pub async fn count(conn: &mut Conn) -> QueryResult<i64> {
        dispatch!(conn, |c| cases::table.count().get_result(c).await)
    }

    /// The largest case id (the synthetic generator continues after it).
    pub async fn max_id(conn: &mut Conn) -> QueryResult<i64> {
        let max: Option<i64> = dispatch!(conn, |c| cases::table
            .select(diesel::dsl::max(cases::id))
            .first(c)
            .await)?;
        Ok(max.unwrap_or(0))
    }

    /// The state, parsed. A row always holds a known state (the event path writes it).
    pub fn case_state(&self) -> CaseState {
        CaseState::parse(&self.state).unwrap_or(CaseState::Draft)
    }

    /// The state plus completeness: what the state machine needs.
    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            state: self.case_state(),
            declared_complete: self.declared_complete,
        }
    }

    /// Who must act next.
    pub fn must_act_party(&self) -> Party {
        Party::parse(&self.must_act).unwrap_or(Party::Nobody)
    }

    /// When a decision can be expected, as the clock gives it on `now` (see
    /// [`crate::domain::clock::expected_as_of`]); `None` for a case no longer open.
    pub fn expected_decision(
        &self,
        now: NaiveDateTime,
    ) -> Option<crate::domain::clock::ExpectedDecision> {
        if !self.case_state().is_open() {
            return None;
        }
        let kept = self
            .expected_decision_on
            .map(|date| crate::domain::clock::ExpectedDecision {
                date,
                is_estimate: !self.declared_complete,
            });
        crate::domain::clock::expected_as_of(kept, self.updated_at, self.must_act_party(), now)
    }

    /// The digital reference, once submitted.
    pub fn case_reference(&self) -> Option<CaseReference> {
        self.reference
            .as_deref()
            .and_then(|r| CaseReference::parse(r).ok())
    }
}
