//! The responsibility bar: days with the authority against days with the applicant.

use crate::texts;
use leptos::prelude::*;

/// A bar split by who held the case, with the same figures as text for screen readers and for
/// anyone who prefers numbers.
#[component]
pub fn ResponsibilityBar(
    authority_days: i64,
    applicant_days: i64,
    total_days: i64,
) -> impl IntoView {
    let counted = (authority_days + applicant_days).max(1);
    let authority_share = authority_days * 100 / counted;
    let applicant_share = 100 - authority_share;
    view! {
        <div class="responsibility">
            <div class="bar" aria-hidden="true">
                <span class="bar-authority" style=format!("width:{authority_share}%")></span>
                <span class="bar-applicant" style=format!("width:{applicant_share}%")></span>
            </div>
            <dl class="bar-legend">
                <div>
                    <dt><span class="swatch swatch-authority" aria-hidden="true"></span>"Hos myndigheden"</dt>
                    <dd data-testid="authority-days">{texts::days(authority_days)}</dd>
                </div>
                <div>
                    <dt><span class="swatch swatch-applicant" aria-hidden="true"></span>"Hos ansøger"</dt>
                    <dd data-testid="applicant-days">{texts::days(applicant_days)}</dd>
                </div>
                <div>
                    <dt>"I alt siden modtagelse"</dt>
                    <dd data-testid="total-days">{texts::days(total_days)}</dd>
                </div>
            </dl>
        </div>
    }
}
