//! Pages of logged-in applicants: citizens and business users.

pub mod my_cases;
pub mod withdraw;
