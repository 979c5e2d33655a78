//! The HTML shell, the frame every page shares, and the routes of the site.

use crate::authorization::RunMode;
use crate::components::page_frame::{DemoBanner, SiteFooter, SiteHeader};
use crate::i18n::Locale;
use crate::pages::applicant::application::{
    ApplicationDetailsPage, ApplicationReviewPage, NewApplicationPage,
};
use crate::pages::applicant::my_cases::MyCasesPage;
use crate::pages::applicant::notification_settings::NotificationSettingsPage;
use crate::pages::applicant::receipt::ReceiptPage;
use crate::pages::applicant::withdraw::WithdrawPage;
use crate::pages::caseworker::case_page::CaseworkerCasePage;
use crate::pages::caseworker::queue::QueuePage;
use crate::pages::caseworker::statistics::CaseworkerStatisticsPage;
use crate::pages::public::accessibility::AccessibilityPage;
use crate::pages::public::case_folder::CaseFolderPage;
use crate::pages::public::demo_login::DemoLoginPage;
use crate::pages::public::demo_outbox::DemoOutboxPage;
use crate::pages::public::front::FrontPage;
use crate::pages::public::logout::LogoutPage;
use crate::pages::public::not_found::NotFoundPage;
use crate::pages::public::statistics::StatisticsPublicPage;
use crate::pages::public::tracking::TrackingPage;
use crate::state::AppState;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Which portal's look a page wears (Det Fælles Designsystem ships one theme per portal):
/// business users see virk.dk's, citizens and everyone else borger.dk's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Borger,
    Virk,
}

impl Theme {
    /// The design system's stylesheet for this theme.
    pub fn stylesheet(self) -> &'static str {
        match self {
            Theme::Borger => "/assets/dkfds/css/dkfds-borgerdk.min.css",
            Theme::Virk => "/assets/dkfds/css/dkfds-virkdk.min.css",
        }
    }
}

/// The request being rendered, as leptos_axum provides it.
fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The language of the request being rendered: the remembered choice, else Danish.
pub fn request_locale() -> Locale {
    request_parts()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(Locale::from_cookie_header)
        })
        .unwrap_or_default()
}

/// The language of the page being rendered (provided by the shell).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(request_locale)
}

/// The path and query of the request being rendered (where the language switch returns to).
pub fn current_path() -> String {
    request_parts()
        .and_then(|parts| parts.uri.path_and_query().map(|pq| pq.as_str().to_string()))
        .unwrap_or_else(|| "/".to_string())
}

/// The Content-Security-Policy of a page: only the site's own resources, and no inline script
/// but the renderer's own bootstrap lines, which carry this response's nonce.
/// `{form_origins}` lists the login providers: the logout form's answer redirects to them.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'{nonce}; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; frame-ancestors 'none'; form-action 'self'{form_origins}; base-uri 'self'";

/// The policy with this response's nonce (or none) and the providers' origins filled in.
pub fn content_security_policy(nonce: Option<&str>, form_origins: &[String]) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let origins: String = form_origins.iter().map(|o| format!(" {o}")).collect();
    CONTENT_SECURITY_POLICY
        .replace("{nonce}", &nonce)
        .replace("{form_origins}", &origins)
}

fn set_content_security_policy() {
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    let origins = use_context::<AppState>()
        .map(|s| s.login_origins)
        .unwrap_or_default();
    let policy = content_security_policy(nonce.as_deref(), &origins);
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The document around every page. No hydration scripts: every page is complete HTML that
/// works without JavaScript. `<html lang>` is the language the page is written in.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    provide_context(locale);
    set_content_security_policy();
    // Business users see virk.dk's look, as they would arriving from Virk.
    let theme = match crate::auth::current_viewer() {
        crate::authorization::Viewer::Business { .. } => Theme::Virk,
        _ => Theme::Borger,
    };
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href=theme.stylesheet() />
                <link rel="stylesheet" href="/assets/main.css" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The site: skip link, header, the routed page, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = use_locale();
    provide_context(locale);
    let demo = use_context::<AppState>().is_some_and(|s| s.mode == RunMode::Demo);
    view! {
        <a class="skipnav" href="#main-content">{locale.t("site.skip")}</a>
        <SiteHeader locale current_path=current_path() user=crate::auth::current_user() demo />
        {demo.then(|| view! { <DemoBanner locale /> })}
        <Router>
            <main id="main-content" class="container page-content">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=FrontPage ssr=SsrMode::Async />
                    <Route path=path!("/sager/:reference") view=CaseFolderPage ssr=SsrMode::Async />
                    <Route path=path!("/sager/:reference/traek-tilbage") view=WithdrawPage ssr=SsrMode::Async />
                    <Route path=path!("/tilgaengelighedserklaering") view=AccessibilityPage />
                    <Route path=path!("/mine-sager") view=MyCasesPage ssr=SsrMode::Async />
                    <Route path=path!("/indstillinger") view=NotificationSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/ansoegning/ny") view=NewApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("/ansoegning/:id") view=ApplicationDetailsPage ssr=SsrMode::Async />
                    <Route path=path!("/ansoegning/:id/gennemse") view=ApplicationReviewPage ssr=SsrMode::Async />
                    <Route path=path!("/sager/:reference/kvittering") view=ReceiptPage ssr=SsrMode::Async />
                    <Route path=path!("/sagsbehandling") view=QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/sagsbehandling/sager/:reference") view=CaseworkerCasePage ssr=SsrMode::Async />
                    <Route path=path!("/statistik") view=StatisticsPublicPage ssr=SsrMode::Async />
                    <Route path=path!("/spor/:token") view=TrackingPage ssr=SsrMode::Async />
                    <Route path=path!("/sagsbehandling/statistik") view=CaseworkerStatisticsPage ssr=SsrMode::Async />
                    <Route path=path!("/auth/logout") view=LogoutPage />
                    <Route path=path!("/demo/login") view=DemoLoginPage />
                    <Route path=path!("/demo/udbakke") view=DemoOutboxPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
        <SiteFooter locale />
    }
}
