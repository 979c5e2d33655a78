//! One file per page, grouped by who uses it.

pub mod applicant;
pub mod caseworker;
pub mod public;
