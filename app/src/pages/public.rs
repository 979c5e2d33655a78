//! Pages anyone can open.

pub mod accessibility;
pub mod case_folder;
pub mod front;
pub mod not_found;
