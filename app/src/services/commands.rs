//! The state-changing use cases, each written once: a typed command in, a typed outcome or a
//! typed refusal out, in one transaction. The portal's form handlers and the integration API's
//! handlers both call these and write nothing themselves.

pub mod api_clients;
pub mod applying;
pub mod case_actions;
pub mod contact_settings;
pub mod documents;
pub mod intake;
pub mod refusals;
pub mod secret_links;
pub mod webhook_receivers;
