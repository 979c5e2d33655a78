//! Pages anyone can open.

pub mod case_folder;
pub mod front;
pub mod not_found;
