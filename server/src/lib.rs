//! The Sagsspor process: HTTP wiring, the portal's form handlers, the integration API, logins,
//! background workers and the command line (with the demo data and the synthetic generator).
//! A library as well as a binary so the tests can drive the router in-process.
//!
//! The use cases themselves live in `app::services::commands`; a handler here parses the
//! request, asks the authorization policy, calls the command and maps its answer to a redirect,
//! a page or a problem.

pub mod api;
pub mod auth;
pub mod cli;
pub mod http;
pub mod telemetry;
pub mod web;
pub mod workers;
