//! The HTML shell and the routes of the site.

use crate::authorization::RunMode;
use crate::pages::public::case_folder::CaseFolderPage;
use crate::pages::public::front::FrontPage;
use crate::pages::public::not_found::NotFoundPage;
use crate::state::AppState;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around every page. No hydration scripts: every page is complete HTML that
/// works without JavaScript.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="da">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href="/assets/main.css" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The site: header, the routed page, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let demo = use_context::<AppState>().is_some_and(|s| s.mode == RunMode::Demo);
    view! {
        <Title text="Sagsspor" />
        <a class="skip-link" href="#main">"Gå til indhold"</a>
        <header class="site-header">
            <div class="container">
                <a class="site-name" href="/">"Sagsspor"</a>
                <span class="site-tagline">"Følg din sag hos myndigheden"</span>
            </div>
        </header>
        {demo
            .then(|| {
                view! {
                    <div class="demo-banner" role="note">
                        <div class="container">
                            "Demo: alle sager og personer her er opdigtede."
                        </div>
                    </div>
                }
            })}
        <Router>
            <main id="main" class="container">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=FrontPage ssr=SsrMode::Async />
                    <Route path=path!("/sager/:reference") view=CaseFolderPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
        <footer class="site-footer">
            <div class="container">
                <p>"Sagsspor — én reference for hver sag, på tværs af alle myndigheder."</p>
            </div>
        </footer>
    }
}
