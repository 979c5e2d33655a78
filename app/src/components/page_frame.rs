//! The frame around every page, in Det Fælles Designsystem's markup: language switch, portal
//! header with login state, the demo notice, and the footer.

use crate::auth::{login_path, SessionUser};
use crate::i18n::Locale;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page title: "<page> — Sagsspor". The one place titles are made: leptos_meta writes a
/// title into `<head>` without escaping it, and page titles carry what users and case systems
/// typed (a case's title), so the text is escaped here.
#[component]
pub fn PageTitle(locale: Locale, text: String) -> impl IntoView {
    let title = format!("{} — {}", text, locale.t("site.title_suffix"));
    view! { <Title text=crate::escape::escape_html(&title) /> }
}

/// The language switch: a plain link per language that remembers the choice and returns here.
#[component]
pub fn LanguageSwitcher(locale: Locale, current_path: String) -> impl IntoView {
    let back = percent_encode(&current_path);
    let links = Locale::ALL
        .into_iter()
        .map(|language| {
            let href = format!("/sprog/{}?tilbage={}", language.code(), back);
            let current = (language == locale).then_some("true");
            view! {
                <li>
                    <a href=href lang=language.code() hreflang=language.code() aria-current=current>
                        {language.native_name()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="language-switcher">
            <div class="container">
                <ul aria-label=locale.t("site.language_label")>{links}</ul>
            </div>
        </div>
    }
}

/// The portal header with Sagsspor's name and the login state: who is logged in, with a
/// logout button (a POST form), or a login link that returns to this page.
#[component]
pub fn SiteHeader(
    locale: Locale,
    current_path: String,
    user: Option<SessionUser>,
    demo: bool,
) -> impl IntoView {
    let login_state = match user {
        Some(user) => {
            let who = match &user.organisation {
                Some(organisation) => format!("{}, {}", user.name, organisation),
                None => user.name.clone(),
            };
            // Applicants go to their cases, caseworkers to their queue.
            let my_cases = if user.viewer.is_applicant() {
                view! {
                    <a href="/mine-sager" class="header-link">{locale.t("header.my_cases")}</a>
                    <a href="/indstillinger" class="header-link">{locale.t("header.settings")}</a>
                }
                .into_any()
            } else {
                view! { <a href="/sagsbehandling" class="header-link">{locale.t("header.queue")}</a> }.into_any()
            };
            view! {
                <p class="user" data-testid="logged-in-as">{locale.tf("header.logged_in_as", &[("name", &who)])}</p>
                {my_cases}
                <form method="post" action="/auth/logout" class="logout-form">
                    <button type="submit" class="function-link log-off">{locale.t("header.logout")}</button>
                </form>
            }
            .into_any()
        }
        None => view! {
            <p class="user">{locale.t("site.not_logged_in")}</p>
            <a href=login_path(demo, &current_path) class="header-link">{locale.t("header.login")}</a>
        }
        .into_any(),
    };
    view! {
        <header class="header">
            <LanguageSwitcher locale current_path />
            <div class="portal-info">
                <div class="portal-info-inner container">
                    <a href="/" class="logo" aria-label=locale.t("site.portal_label")>
                        <span>{locale.t("site.name")}</span>
                    </a>
                    <div class="portal-user">{login_state}</div>
                </div>
            </div>
            <div class="solution-info">
                <div class="solution-info-inner container">
                    <div class="solution-heading">
                        <a href="/">{locale.t("site.name")}</a>
                    </div>
                    <div class="additional-info">
                        <p>{locale.t("site.tagline")}</p>
                    </div>
                </div>
            </div>
        </header>
    }
}

/// The notice that the demo's data is made up.
#[component]
pub fn DemoBanner(locale: Locale) -> impl IntoView {
    view! {
        <div class="container">
            <div class="alert alert-warning demo-banner mt-5">
                <div class="alert-body">
                    <p class="alert-text">{locale.t("site.demo_banner")}</p>
                </div>
            </div>
        </div>
    }
}

/// The footer, with the accessibility statement.
#[component]
pub fn SiteFooter(locale: Locale) -> impl IntoView {
    view! {
        <footer>
            <div class="footer">
                <div class="container">
                    <div class="row">
                        <div class="col-12 col-lg-6 footer-col">
                            <h2 class="h5">{locale.t("site.footer_heading")}</h2>
                            <p>{locale.t("site.footer_about")}</p>
                        </div>
                        <div class="col-12 col-lg-6 footer-col">
                            <ul class="footer-links nobullet-list">
                                <li>
                                    <a href="/tilgaengelighedserklaering">{locale.t("site.accessibility_link")}</a>
                                </li>
                                <li>
                                    <a href="/statistik">{locale.t("site.statistics_link")}</a>
                                </li>
                            </ul>
                        </div>
                    </div>
                </div>
            </div>
        </footer>
    }
}

/// Percent-encodes a path for use as a query value.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
