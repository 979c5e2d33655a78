//! Requests for information, item by item: what is missing, by when, and what has arrived — with
//! a form per open item that answers it by upload and comment.

use crate::db::documents::Document;
use crate::db::requests::{RequestItem, RequestWithItems};
use crate::domain::local_time::copenhagen_date;
use crate::flash::AnswerFlash;
use crate::i18n::Locale;
use crate::texts;
use leptos::prelude::*;

/// How the applicant may answer, when they may.
#[derive(Debug, Clone)]
pub struct Answering {
    pub reference: String,
    pub max_mb: u64,
    /// An answer that came back with a problem, to show again in its form.
    pub flash: Option<AnswerFlash>,
}

/// Every request of the case, newest first; open items are marked as missing with their deadline
/// and, when `answering` is given, each has its answer form.
#[component]
pub fn InformationRequests(
    locale: Locale,
    requests: Vec<RequestWithItems>,
    answering: Option<Answering>,
    /// The documents sent as answers, shown with their items.
    answers: Vec<Document>,
    document_href: impl Fn(&Document) -> String + Clone + 'static,
) -> impl IntoView {
    if requests.is_empty() {
        return ().into_any();
    }
    let any_open = requests.iter().any(|r| r.items.iter().any(|i| i.is_open()));
    let blocks = requests
        .into_iter()
        .map(|request| {
            let asked = locale.tf(
                "requests.asked_on",
                &[(
                    "date",
                    &locale.date_long(copenhagen_date(request.request.created_at)),
                )],
            );
            let items = request
                .items
                .into_iter()
                .map(|item| {
                    let files: Vec<Document> = answers
                        .iter()
                        .filter(|d| d.request_item_id == Some(item.id))
                        .cloned()
                        .collect();
                    view! {
                        <RequestItemView
                            locale
                            item
                            answering=answering.clone()
                            files
                            document_href=document_href.clone()
                        />
                    }
                })
                .collect_view();
            view! {
                <div class="request">
                    <p class="request-asked">{asked}</p>
                    <p class="request-message">{request.request.message}</p>
                    <ul class="request-items nobullet-list">{items}</ul>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="case-section" id="anmodninger" aria-labelledby="requests-heading" data-testid="requests">
            <h2 id="requests-heading">{locale.t("requests.heading")}</h2>
            {any_open.then(|| view! { <p>{locale.t("requests.open_intro")}</p> })}
            {blocks}
        </section>
    }
    .into_any()
}

#[component]
fn RequestItemView(
    locale: Locale,
    item: RequestItem,
    answering: Option<Answering>,
    files: Vec<Document>,
    document_href: impl Fn(&Document) -> String + 'static,
) -> impl IntoView {
    let (badge, status) = match item.status.as_str() {
        "open" => ("badge badge-warning", locale.t("requests.status_open")),
        "answered" => ("badge badge-success", locale.t("requests.status_answered")),
        _ => ("badge", locale.t("requests.status_withdrawn")),
    };
    let comment = item
        .answer_comment
        .clone()
        .filter(|c| !c.is_empty())
        .map(|c| view! { <p class="request-answer">{locale.tf("answer.your_comment", &[("comment", &c)])}</p> });
    let file_links = (!files.is_empty()).then(|| {
        let links = files
            .iter()
            .map(|d| view! { <li><a href=document_href(d) download>{d.filename.clone()}</a></li> })
            .collect_view();
        view! { <ul class="request-files">{links}</ul> }
    });
    let form = answering
        .filter(|_| item.is_open())
        .map(|answering| view! { <AnswerForm locale item=item.clone() answering /> });
    view! {
        <li class="request-item" data-testid="request-item">
            <span class="request-text">{item.description.clone()}</span>
            " "
            <span class=badge>{status}</span>
            <span class="request-deadline">
                {locale.tf("requests.deadline", &[("date", &locale.date_long(item.deadline))])}
            </span>
            {comment}
            {file_links}
            {form}
        </li>
    }
}

/// A plain multipart form: a file, a comment, or both.
#[component]
fn AnswerForm(locale: Locale, item: RequestItem, answering: Answering) -> impl IntoView {
    let id = item.id;
    let flash = answering.flash.filter(|f| f.item_id == id);
    let problem = flash
        .as_ref()
        .map(|f| texts::answer_problem(locale, &f.problem, answering.max_mb));
    let comment = flash
        .as_ref()
        .map(|f| f.comment.clone())
        .unwrap_or_default();
    let file_id = format!("fil-{id}");
    let comment_id = format!("kommentar-{id}");
    let group_class = if problem.is_some() {
        "form-group form-error"
    } else {
        "form-group"
    };
    view! {
        <form
            method="post"
            enctype="multipart/form-data"
            action=format!("/handlinger/anmodning/{id}/svar")
            id=format!("svar-{id}")
            class="answer-form"
        >
            <input type="hidden" name="reference" value=answering.reference />
            <fieldset>
                <legend class="h5">{locale.tf("answer.legend", &[("item", &item.description)])}</legend>
                <div class=group_class>
                    {problem.map(|message| view! {
                        <span class="form-error-message" id=format!("svar-fejl-{id}") role="alert">
                            <span class="sr-only">{locale.t("error.prefix")} " "</span>{message}
                        </span>
                        <p class="form-hint">{locale.t("answer.choose_again")}</p>
                    })}
                    <label class="form-label" for=file_id.clone()>{locale.t("answer.file_label")}</label>
                    <span class="form-hint" id=format!("{file_id}-hint")>
                        {locale.tf("answer.file_hint", &[("mb", &answering.max_mb)])}
                    </span>
                    <input
                        type="file"
                        class="form-file-input"
                        id=file_id.clone()
                        name="fil"
                        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                        aria-describedby=format!("{file_id}-hint")
                    />
                </div>
                <div class="form-group">
                    <label class="form-label" for=comment_id.clone()>{locale.t("answer.comment_label")}</label>
                    <span class="form-hint" id=format!("{comment_id}-hint")>{locale.t("answer.comment_hint")}</span>
                    <textarea
                        class="form-input"
                        id=comment_id.clone()
                        name="kommentar"
                        rows="3"
                        maxlength="4000"
                        aria-describedby=format!("{comment_id}-hint")
                    >{comment}</textarea>
                </div>
                <button type="submit" class="button button-secondary">{locale.t("answer.submit")}</button>
            </fieldset>
        </form>
    }
}
