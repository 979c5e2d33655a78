//! Pages anyone can open.

pub mod accessibility;
pub mod case_folder;
pub mod demo_login;
pub mod demo_outbox;
pub mod front;
pub mod logout;
pub mod not_found;
pub mod statistics;
pub mod tracking;
