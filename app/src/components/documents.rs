//! The documents of a case: name (a download link), kind, size and date.

use crate::db::documents::Document;
use crate::domain::local_time::copenhagen_date;
use crate::i18n::Locale;
use crate::texts;
use leptos::prelude::*;

/// A table of documents; `href` gives each its download address.
#[component]
pub fn DocumentTable(
    locale: Locale,
    documents: Vec<Document>,
    href: impl Fn(&Document) -> String + 'static,
) -> impl IntoView {
    let rows = documents
        .into_iter()
        .map(|document| {
            let link = href(&document);
            view! {
                <tr>
                    <td><a href=link download>{document.filename.clone()}</a></td>
                    <td>{texts::document_kind_label(locale, &document.kind)}</td>
                    <td>{texts::file_size(locale, document.size_bytes)}</td>
                    <td>{locale.date_short(copenhagen_date(document.uploaded_at))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table--responsive-scroll">
            <table class="table table--compact" data-testid="documents">
                <thead>
                    <tr>
                        <th scope="col">{locale.t("documents.col_name")}</th>
                        <th scope="col">{locale.t("documents.col_kind")}</th>
                        <th scope="col">{locale.t("documents.col_size")}</th>
                        <th scope="col">{locale.t("documents.col_date")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
