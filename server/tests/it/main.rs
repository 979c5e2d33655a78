//! Sagsspor's integration tests, one binary (one link, one process start) with a module per
//! area. Each drives the real router, workers and databases: SQLite always, PostgreSQL as well
//! when `TEST_DATABASE_URL` points at a server; `support/` builds the test databases, logins,
//! API clients, mail and SMS sinks and webhook receivers.

#[macro_use]
mod support;

mod api;
mod caseworker;
mod documents;
mod faults;
mod hardening;
mod http;
mod login;
mod notification_pages;
mod notifications;
mod process;
mod statistics;
mod storage;
mod tracking_and_exports;
mod webhooks;
