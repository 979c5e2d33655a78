//! Background work: the hourly cleanup, the outbox worker that sends e-mail, SMS and webhook deliveries, the
//! webhook delivery itself, and the one shutdown signal they all listen to.

pub mod cleanup;
pub mod outbox;
pub mod shutdown;
pub mod webhooks;
