//! Pages of caseworkers (sagsbehandlere): the queue and the case with its actions.

pub mod case_page;
pub mod queue;
