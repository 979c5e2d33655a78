//! Form definitions and their validation, kept apart from pages so they can be tested alone.

pub mod application;
pub mod case_folder;
pub mod caseworker_actions;
#[cfg(feature = "ssr")]
pub mod contact_settings;
