//! Reusable pieces of the case pages.

pub mod progress_steps;
pub mod responsibility_bar;
pub mod timeline;
