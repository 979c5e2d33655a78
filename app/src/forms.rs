//! Form definitions and their validation, kept apart from pages so they can be tested alone.

pub mod application;
pub mod case_folder;
#[cfg(feature = "ssr")]
pub mod contact_settings;
