//! The Sagsspor process: command line, HTTP wiring, demo data and the synthetic generator.
//! A library as well as a binary so the tests can drive the router in-process.

pub mod actions;
pub mod api;
pub mod api_clients;
pub mod applications;
pub mod auth;
pub mod bench;
pub mod caseworker;
pub mod cli;
pub mod demo;
pub mod documents;
pub mod generate;
pub mod http;
pub mod my_cases;
pub mod oidc;
pub mod outbox_worker;
pub mod settings;
pub mod shutdown;
pub mod statistics;
pub mod telemetry;
pub mod webhooks;
