//! One file per page, grouped by who uses it.

pub mod public;
