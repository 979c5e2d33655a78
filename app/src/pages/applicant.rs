//! Pages of logged-in applicants: citizens and business users.

pub mod application;
pub mod my_cases;
pub mod notification_settings;
pub mod receipt;
pub mod withdraw;
