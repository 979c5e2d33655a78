//! The portal's form handlers: plain HTML form posts answered with a redirect
//! (post-redirect-get), so everything works without JavaScript, and the downloads and exports
//! beside the pages. The pages themselves are `app/src/pages/`.

pub mod applicant_actions;
pub mod applications;
pub mod caseworker_actions;
pub mod documents;
pub mod my_cases;
pub mod settings;
pub mod statistics;
pub mod webhook_receivers;
