//! The pure domain core of Sagsspor: the digital case reference, the case lifecycle (the state
//! machine) and the responsibility clock.
//!
//! Nothing here does I/O or knows about Leptos or the database. Handlers, storage and pages call
//! into these modules so that the rules that decide what a case *is* — which reference is valid,
//! which transition is allowed, how many days belong to whom — live in one tested place.

pub mod clock;
pub mod lifecycle;
pub mod local_time;
pub mod reference;
pub mod working_days;
