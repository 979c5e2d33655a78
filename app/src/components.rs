//! Reusable pieces of the pages.

pub mod application_steps;
pub mod calendar_feed;
pub mod documents;
pub mod error_summary;
pub mod information_requests;
pub mod outbox_messages;
pub mod page_frame;
pub mod progress_steps;
pub mod responsibility_bar;
pub mod statistics;
pub mod timeline;
pub mod webhook_settings;
