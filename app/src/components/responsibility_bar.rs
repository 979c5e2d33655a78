//! The responsibility bar: days with the authority against days with the applicant.

use crate::i18n::Locale;
use leptos::prelude::*;

/// A bar split by who held the case, drawn as SVG (no inline styles, so the Content-Security-
/// Policy can forbid them), with the same figures as text beside it.
#[component]
pub fn ResponsibilityBar(
    locale: Locale,
    authority_days: i64,
    applicant_days: i64,
    total_days: i64,
) -> impl IntoView {
    let counted = (authority_days + applicant_days).max(1);
    let authority_share = authority_days * 100 / counted;
    let applicant_share = if authority_days + applicant_days == 0 {
        0
    } else {
        100 - authority_share
    };
    let label = locale.tf(
        "clock.bar_label",
        &[
            ("authority", &locale.days(authority_days)),
            ("applicant", &locale.days(applicant_days)),
        ],
    );
    view! {
        <div class="responsibility">
            <svg class="bar" role="img" aria-label=label viewBox="0 0 100 6" preserveAspectRatio="none" focusable="false">
                <rect class="bar-authority" x="0" y="0" height="6" width=authority_share.to_string() />
                <rect class="bar-applicant" x=authority_share.to_string() y="0" height="6" width=applicant_share.to_string() />
            </svg>
            <dl class="bar-legend">
                <div>
                    <dt><span class="swatch swatch-authority" aria-hidden="true"></span>{locale.t("clock.authority")}</dt>
                    <dd data-testid="authority-days">{locale.days(authority_days)}</dd>
                </div>
                <div>
                    <dt><span class="swatch swatch-applicant" aria-hidden="true"></span>{locale.t("clock.applicant")}</dt>
                    <dd data-testid="applicant-days">{locale.days(applicant_days)}</dd>
                </div>
                <div>
                    <dt>{locale.t("clock.total")}</dt>
                    <dd data-testid="total-days">{locale.days(total_days)}</dd>
                </div>
            </dl>
        </div>
    }
}
