//! Reference data: authorities (municipalities), application types and service goals.

use crate::db::schema::{authorities, case_types, service_goals};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// An authority (myndighed): a municipality with its official three-digit code.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = authorities, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Authority {
    pub code: i32,
    pub name: String,
    pub region: String,
}

/// An application type (ansøgningstype) and the service-goal categories it can fall in.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = case_types, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CaseType {
    pub code: String,
    pub domain: String,
    pub name_da: String,
    pub name_en: String,
    pub goal_categories: String,
}

impl CaseType {
    /// The type's name in the chosen language.
    pub fn name(&self, locale: crate::i18n::Locale) -> String {
        match locale {
            crate::i18n::Locale::Da => self.name_da.clone(),
            crate::i18n::Locale::En => self.name_en.clone(),
        }
    }

    /// The service-goal categories a case of this type may be counted under (empty: none).
    pub fn goal_category_list(&self) -> Vec<&str> {
        self.goal_categories
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect()
    }
}

/// A national service goal (servicemål) in calendar days.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = service_goals, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ServiceGoal {
    pub category: String,
    pub name_da: String,
    pub name_en: String,
    pub target_days: i32,
}

impl Authority {
    /// Every authority, by code.
    pub async fn all(conn: &mut Conn) -> QueryResult<Vec<Authority>> {
        dispatch!(conn, |c| authorities::table
            .order(authorities::code)
            .select(Authority::as_select())
            .load(c)
            .await)
    }

    /// One authority by its code.
    pub async fn find(conn: &mut Conn, code: i32) -> QueryResult<Option<Authority>> {
        dispatch!(conn, |c| authorities::table
            .find(code)
            .select(Authority::as_select())
            .first(c)
            .await
            .optional())
    }
}

impl CaseType {
    /// Every application type, by code.
    pub async fn all(conn: &mut Conn) -> QueryResult<Vec<CaseType>> {
        dispatch!(conn, |c| case_types::table
            .order(case_types::code)
            .select(CaseType::as_select())
            .load(c)
            .await)
    }

    /// One application type by its code.
    pub async fn find(conn: &mut Conn, code: &str) -> QueryResult<Option<CaseType>> {
        dispatch!(conn, |c| case_types::table
            .find(code)
            .select(CaseType::as_select())
            .first(c)
            .await
            .optional())
    }
}

impl ServiceGoal {
    /// Every service goal.
    pub async fn all(conn: &mut Conn) -> QueryResult<Vec<ServiceGoal>> {
        dispatch!(conn, |c| service_goals::table
            .order(service_goals::category)
            .select(ServiceGoal::as_select())
            .load(c)
            .await)
    }

    /// One service goal by its category code.
    pub async fn find(conn: &mut Conn, category: &str) -> QueryResult<Option<ServiceGoal>> {
        dispatch!(conn, |c| service_goals::table
            .find(category)
            .select(ServiceGoal::as_select())
            .first(c)
            .await
            .optional())
    }
}
