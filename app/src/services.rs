//! Services: storage and domain combined into the operations the pages and the API call.

pub mod applications;
pub mod case_events;
pub mod case_view;
pub mod commands;
pub mod decisions;
pub mod document_store;
pub mod my_cases_export;
pub mod notifications;
pub mod statistics;
