//! Everything the case folder shows about one case, loaded in one place.

use crate::db::authorities::{Authority, CaseType, ServiceGoal};
use crate::db::cases::Case;
use crate::db::documents::Document;
use crate::db::events::CaseEvent;
use crate::db::requests::{InformationRequest, RequestWithItems};
use crate::db::{Conn, DbError};
use crate::domain::clock::{self, ClockFigures, ClockInput};
use crate::domain::reference::CaseReference;
use chrono::NaiveDateTime;

/// A case with its authority, type, service goal, history and clock figures.
#[derive(Debug, Clone)]
pub struct CaseFolder {
    pub case: Case,
    pub authority: Authority,
    pub case_type: CaseType,
    pub goal: Option<ServiceGoal>,
    pub history: Vec<CaseEvent>,
    pub figures: ClockFigures,
    /// Requests for information, newest first.
    pub requests: Vec<RequestWithItems>,
    /// Every document of the case, oldest first; what a viewer may see of them is the
    /// authorization policy's question.
    pub documents: Vec<Document>,
}

impl CaseFolder {
    /// Loads the folder of the case with this reference, or `None` when there is no such case.
    /// Whether the viewer may see it is the caller's question to the authorization policy.
    pub async fn load(
        conn: &mut Conn,
        reference: &CaseReference,
        now: NaiveDateTime,
    ) -> Result<Option<CaseFolder>, DbError> {
        let Some(case) = Case::find_by_reference(conn, reference).await? else {
            return Ok(None);
        };
        Self::for_case(conn, case, now).await.map(Some)
    }

    /// Loads the rest of the folder of a case already read.
    pub async fn for_case(
        conn: &mut Conn,
        case: Case,
        now: NaiveDateTime,
    ) -> Result<CaseFolder, DbError> {
        let authority = Authority::find(conn, case.authority_code)
            .await?
            .ok_or(DbError::NotFound)?;
        let case_type = CaseType::find(conn, &case.case_type_code)
            .await?
            .ok_or(DbError::NotFound)?;
        let goal = match case.service_goal_category.as_deref() {
            Some(category) => ServiceGoal::find(conn, category).await?,
            None => None,
        };
        let history = CaseEvent::for_case(conn, case.id).await?;
        let requests = InformationRequest::for_case(conn, case.id).await?;
        let documents = Document::for_case(conn, case.id).await?;
        let events = CaseEvent::clock_events(&history);
        let mut figures = clock::compute(&ClockInput {
            events: &events,
            now,
            goal_days: goal
                .as_ref()
                .and_then(|g| u32::try_from(g.target_days).ok()),
            not_covered_reason: case.not_covered_reason.as_deref(),
            // The estimate given at the latest event stands until the next one, so every page
            // reads the same date (below).
            estimate_days: None,
        });
        figures.expected = case.expected_decision(now);
        Ok(CaseFolder {
            case,
            authority,
            case_type,
            goal,
            history,
            figures,
            requests,
            documents,
        })
    }

    /// The events the applicant sees, newest first.
    pub fn visible_timeline(&self) -> impl Iterator<Item = &CaseEvent> {
        self.history.iter().rev().filter(|e| e.visible_to_applicant)
    }
}
