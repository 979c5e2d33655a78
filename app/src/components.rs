//! Reusable pieces of the pages.

pub mod page_frame;
pub mod progress_steps;
pub mod responsibility_bar;
pub mod timeline;
