//! Sagsspor's application library: the pure domain core, and (with the `ssr` feature) the
//! storage layer, services and server-rendered pages.
//!
//! Pages are rendered on the server only; there is no hydration, so every page is complete
//! HTML that works without JavaScript.

pub mod domain;

#[cfg(feature = "ssr")]
pub mod app;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod authorization;
#[cfg(feature = "ssr")]
pub mod components;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod decision_pdf;
pub mod error;
pub mod escape;
#[cfg(feature = "ssr")]
pub mod flash;
pub mod forms;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod texts;
