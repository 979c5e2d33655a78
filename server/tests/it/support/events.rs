//! Cases written through the event path at chosen times, for tests that need a history.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::db::cases::Case;
use app::db::Conn;
use app::domain::lifecycle::EventKind;
use app::services::case_events::{self, Actor, ActorKind, EventRequest};
use chrono::NaiveDateTime;

pub const CASEWORKER: Actor<'static> = Actor {
    kind: ActorKind::Caseworker,
    user_id: None,
    label: "Aalborg Kommune",
};

/// A case of this applicant at Aalborg, sent through the event path at `at`.
pub async fn sent_case(
    conn: &mut Conn,
    subject: Option<&str>,
    cvr: Option<&str>,
    creator: Option<i64>,
    at: NaiveDateTime,
) -> Case {
    sent_case_to(conn, 851, subject, cvr, creator, at).await
}

/// A carport application to this authority, sent through the event path at `at`.
pub async fn sent_case_to(
    conn: &mut Conn,
    authority: i32,
    subject: Option<&str>,
    cvr: Option<&str>,
    creator: Option<i64>,
    at: NaiveDateTime,
) -> Case {
    let case = Case::create(
        conn,
        &app::db::cases::NewCase {
            authority_code: authority,
            case_type_code: "byg_garage_carport_udhus",
            service_goal_category: Some("simple_constructions"),
            title: "Carport",
            channel: "portal",
            applicant_kind: if cvr.is_some() { "business" } else { "person" },
            applicant_subject: subject,
            applicant_cvr: cvr,
            applicant_name: "Ansøger",
            created_by_user_id: creator,
            property_address: "Engvej 1, 9000 Aalborg",
            cadastral_number: "12a",
            description: "",
            form_data: "{}",
            state: "draft",
            declared_complete: false,
            must_act: "applicant",
            created_at: at,
            updated_at: at,
        },
    )
    .await
    .unwrap();
    let applicant = Actor {
        kind: ActorKind::Applicant,
        user_id: creator,
        label: "Ansøger",
    };
    case_events::record(
        conn,
        case.id,
        None,
        &EventRequest::new(EventKind::Submitted, applicant, at),
    )
    .await
    .unwrap()
    .case
}

pub async fn event(conn: &mut Conn, case: &Case, kind: EventKind, at: NaiveDateTime) -> Case {
    let mut request = EventRequest::new(kind, CASEWORKER, at);
    request.esdh_number = Some("ESDH-1");
    case_events::record(conn, case.id, None, &request)
        .await
        .unwrap()
        .case
}
