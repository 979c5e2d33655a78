//! The caseworker's case (`/sagsbehandling/sager/{reference}`): everything the applicant sees,
//! plus internal notes, the audit trail, and the actions the case's state allows — each a plain
//! form that becomes one event.

use crate::app::use_locale;
use crate::auth::current_viewer;
use crate::authorization::{may_act_as_authority, Viewer};
use crate::components::documents::DocumentTable;
use crate::components::error_summary::ErrorSummary;
use crate::components::information_requests::InformationRequests;
use crate::components::outbox_messages::OutboxTable;
use crate::components::page_frame::PageTitle;
use crate::components::progress_steps::ProgressSteps;
use crate::components::timeline::Timeline;
use crate::db::access_log::{self, AccessEntry};
use crate::db::documents::Document;
use crate::db::events::CaseEvent;
use crate::db::outbox::OutboxMessage;
use crate::db::users::User;
use crate::decision_pdf::complaint_deadline;
use crate::domain::lifecycle::{self, EventKind, Lifecycle};
use crate::domain::local_time::{copenhagen_date, copenhagen_datetime};
use crate::domain::reference::CaseReference;
use crate::error::AppError;
use crate::flash::{take_caseworker_flash, CaseworkerFlash};
use crate::forms::caseworker_actions::{field, CaseworkerAction};
use crate::i18n::Locale;
use crate::pages::caseworker::caseworker_or_login;
use crate::pages::public::case_folder::ClockSection;
use crate::pages::public::not_found::ErrorPage;
use crate::services::case_view::CaseFolder;
use crate::services::commands::refusals::RefusalCode;
use crate::services::decisions::Outcome;
use crate::state::{now_utc, AppState};
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What the page shows.
struct CasePageData {
    folder: CaseFolder,
    messages: Vec<OutboxMessage>,
    colleagues: Vec<User>,
    views: Vec<AccessEntry>,
    me: i64,
    flash: Option<CaseworkerFlash>,
}

async fn load(
    viewer: Viewer,
    state: Result<AppState, AppError>,
    raw: String,
) -> Result<Option<CasePageData>, AppError> {
    let state = state?;
    let Some((user_id, _)) = caseworker_or_login(&viewer, &state)? else {
        return Ok(None);
    };
    let reference = CaseReference::parse(&raw).map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.conn().await?;
    let now = now_utc();
    let folder = CaseFolder::load(&mut conn, &reference, now)
        .await?
        .filter(|f| may_act_as_authority(&viewer, &f.case))
        .ok_or(AppError::NotFound)?;
    access_log::record_view(&mut conn, folder.case.id, user_id, now).await?;
    let colleagues = User::caseworkers_of(&mut conn, folder.case.authority_code).await?;
    let views = access_log::latest_views(&mut conn, folder.case.id, 30).await?;
    let messages = OutboxMessage::for_case(&mut conn, folder.case.id).await?;
    Ok(Some(CasePageData {
        folder,
        messages,
        colleagues,
        views,
        me: user_id,
        flash: take_caseworker_flash().await,
    }))
}

/// The caseworker's case page.
#[component]
pub fn CaseworkerCasePage() -> impl IntoView {
    let locale = use_locale();
    let raw = use_params_map()
        .read_untracked()
        .get("reference")
        .unwrap_or_default();
    let data = load(current_viewer(), AppState::from_context(), raw);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match data.await {
                    Ok(Some(data)) => view! { <CaseView locale data /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseView(locale: Locale, data: CasePageData) -> impl IntoView {
    let CasePageData {
        folder,
        messages,
        colleagues,
        views,
        me,
        flash,
    } = data;
    let case = folder.case.clone();
    let lifecycle = case.lifecycle();
    let reference = case.reference.clone().unwrap_or_default();
    // Only a known action is confirmed (the query is the visitor's to change).
    let done = use_query_map()
        .read_untracked()
        .get("udfoert")
        .and_then(|code| CaseworkerAction::parse(&code))
        .map(|action| action.code().to_string());
    let assignee = case
        .assignee_user_id
        .and_then(|id| colleagues.iter().find(|c| c.id == id))
        .map(|c| c.name.clone())
        .unwrap_or_else(|| locale.t("caseworker.unassigned").to_string());
    let problem = flash.as_ref().map(|f| {
        let message = texts::caseworker_problem(locale, f);
        let field = if f.field.is_empty() {
            format!("handling-{}", f.action)
        } else {
            format!("{}-{}", f.action, f.field)
        };
        (field, message)
    });
    // After a conflict: what others did since the form was read.
    let changed_since: Vec<CaseEvent> = flash
        .as_ref()
        .filter(|f| f.problem == RefusalCode::Changed.message_key())
        .and_then(|f| {
            f.values
                .get(field::VERSION)
                .and_then(|v| v.parse::<i32>().ok())
        })
        .map(|seen| {
            folder
                .history
                .iter()
                .filter(|e| e.seq > seen)
                .rev()
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let href = {
        let reference = reference.clone();
        move |d: &Document| format!("/sager/{reference}/dokumenter/{}", d.id)
    };
    let history: Vec<CaseEvent> = folder.history.iter().rev().cloned().collect();
    let forms = ActionForms {
        reference: reference.clone(),
        version: case.version,
        lifecycle,
        flash: flash.clone(),
        colleagues,
        me,
        open_items: folder
            .requests
            .iter()
            .flat_map(|r| r.items.iter())
            .filter(|i| i.is_open())
            .map(|i| (i.id, i.description.clone()))
            .collect(),
    };
    view! {
        <PageTitle locale text=format!("{} — {}", reference, case.title) />
        <ErrorSummary locale errors=problem.into_iter().collect() />
        {done.map(|action| view! {
            <div class="alert alert-success" role="status"><div class="alert-body">
                <p class="alert-text">{locale.tf("caseworker.done", &[("action", &texts::caseworker_action_label(locale, &action))])}</p>
            </div></div>
        })}
        {(!changed_since.is_empty()).then(|| view! {
            <div class="alert alert-warning" role="alert" data-testid="conflict"><div class="alert-body">
                <h2 class="alert-heading">{locale.t("caseworker.conflict_heading")}</h2>
                <p class="alert-text">{locale.t("caseworker.conflict_body")}</p>
                <Timeline locale events=changed_since internal=true />
            </div></div>
        })}
        <p class="case-kicker"><a href="/sagsbehandling">{locale.t("caseworker.back_to_queue")}</a></p>
        <h1>{case.title.clone()}</h1>
        <dl class="case-facts">
            <div><dt>{locale.t("case.fact_reference")}</dt><dd class="reference" data-testid="reference">{reference.clone()}</dd></div>
            <div><dt>{locale.t("case.fact_state")}</dt><dd data-testid="state">{texts::state_label(locale, lifecycle.state)}</dd></div>
            <div><dt>{locale.t("case.fact_must_act")}</dt><dd data-testid="must-act">{texts::party_label(locale, case.must_act_party())}</dd></div>
            <div><dt>{locale.t("caseworker.applicant")}</dt><dd>{case.applicant_name.clone()} {case.applicant_cvr.clone().map(|cvr| format!(" (CVR {cvr})"))}</dd></div>
            <div><dt>{locale.t("case.fact_address")}</dt><dd>{case.property_address.clone()} {(!case.cadastral_number.is_empty()).then(|| format!(" — matr.nr. {}", case.cadastral_number))}</dd></div>
            <div><dt>{locale.t("case.fact_esdh")}</dt><dd data-testid="esdh">{case.esdh_number.clone().unwrap_or_else(|| "—".into())}</dd></div>
            <div><dt>{locale.t("caseworker.assignee")}</dt><dd data-testid="assignee">{assignee}</dd></div>
            <div><dt>{locale.t("caseworker.received")}</dt><dd>{case.submitted_at.map(|at| locale.date_long(copenhagen_date(at)))}</dd></div>
        </dl>
        {(!case.description.is_empty()).then(|| view! { <p class="case-description">{case.description.clone()}</p> })}
        <ProgressSteps locale lifecycle />
        <ClockSection locale figures=folder.figures.clone() />
        <ActionsSection locale forms />
        <InformationRequests locale requests=folder.requests.clone() answering=None answers=folder.documents.clone() document_href=href.clone() />
        <Timeline locale events=history internal=true />
        <section class="case-section" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{locale.t("documents.heading")}</h2>
            {if folder.documents.is_empty() {
                view! { <p>{locale.t("documents.none")}</p> }.into_any()
            } else {
                view! { <DocumentTable locale documents=folder.documents.clone() href=href /> }.into_any()
            }}
        </section>
        <MessagesSection locale messages />
        <AuditSection locale views />
    }
}

/// What the applicant was told by e-mail and SMS, and what could not be delivered — so the
/// caseworker knows when to reach the applicant another way.
#[component]
fn MessagesSection(locale: Locale, messages: Vec<OutboxMessage>) -> impl IntoView {
    let failed = messages.iter().filter(|m| m.status == "failed").count();
    view! {
        <section class="case-section" aria-labelledby="messages-heading">
            <h2 id="messages-heading">{locale.t("caseworker.messages_heading")}</h2>
            {(failed > 0).then(|| view! {
                <div class="alert alert-warning" role="alert" data-testid="failed-messages"><div class="alert-body">
                    <p class="alert-text">{locale.tf("caseworker.messages_failed", &[("n", &failed)])}</p>
                </div></div>
            })}
            {if messages.is_empty() {
                view! { <p>{locale.t("caseworker.messages_none")}</p> }.into_any()
            } else {
                view! { <OutboxTable locale messages with_text=false /> }.into_any()
            }}
        </section>
    }
}

/// Who opened the case, newest first (changes are in the timeline above, with who made them).
#[component]
fn AuditSection(locale: Locale, views: Vec<AccessEntry>) -> impl IntoView {
    let rows = views
        .into_iter()
        .map(|entry| {
            let at = copenhagen_datetime(entry.viewed_at);
            view! {
                <tr>
                    <td>{entry.user_name}</td>
                    <td>{texts::user_kind_label(locale, &entry.user_kind)}</td>
                    <td>{locale.tf("timeline.at", &[("date", &locale.date_short(at.date())), ("time", &locale.time(at.time()))])}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="case-section" aria-labelledby="audit-heading">
            <h2 id="audit-heading">{locale.t("caseworker.audit_heading")}</h2>
            <p>{locale.t("caseworker.audit_intro")}</p>
            <table class="table table--compact" data-testid="audit">
                <thead><tr>
                    <th scope="col">{locale.t("caseworker.audit_who")}</th>
                    <th scope="col">{locale.t("caseworker.audit_role")}</th>
                    <th scope="col">{locale.t("caseworker.audit_when")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// What the action forms need.
#[derive(Clone)]
struct ActionForms {
    reference: String,
    version: i64,
    lifecycle: Lifecycle,
    flash: Option<CaseworkerFlash>,
    colleagues: Vec<User>,
    me: i64,
    open_items: Vec<(i64, String)>,
}

impl ActionForms {
    fn allows(&self, kind: EventKind) -> bool {
        lifecycle::apply(self.lifecycle, kind).is_ok()
    }

    /// What was typed into this action's form before it came back.
    fn typed(&self, action: &str, field: &str) -> String {
        self.flash
            .as_ref()
            .filter(|f| f.action == action)
            .and_then(|f| f.values.get(field).cloned())
            .unwrap_or_default()
    }

    /// The problem with this field of this action, if that is what came back.
    fn problem(&self, locale: Locale, action: &str, field: &str) -> Option<String> {
        self.flash
            .as_ref()
            .filter(|f| f.action == action && f.field == field)
            .map(|f| texts::caseworker_problem(locale, f))
    }
}

/// An action whose form has nothing but the optional public text.
fn simple_action(
    locale: Locale,
    f: &ActionForms,
    action: &'static str,
    kind: EventKind,
    explain: &'static str,
) -> Option<AnyView> {
    let forms = f.clone();
    let inner = f.clone();
    f.allows(kind).then(move || {
        view! {
            <ActionForm locale forms action title=texts::caseworker_action_label(locale, action) explain=Some(locale.t(explain))>
                <PublicTextField locale forms=inner action />
            </ActionForm>
        }
        .into_any()
    })
}

/// An action with one text field.
fn text_action(
    locale: Locale,
    f: &ActionForms,
    action: &'static str,
    kind: EventKind,
    field: &'static str,
    label: &'static str,
    explain: Option<&'static str>,
) -> Option<AnyView> {
    let forms = f.clone();
    let inner = f.clone();
    f.allows(kind).then(move || {
        view! {
            <ActionForm locale forms action title=texts::caseworker_action_label(locale, action) explain=explain.map(|k| locale.t(k))>
                <TextField locale forms=inner action name=field.to_string() label=locale.t(label).to_string() />
            </ActionForm>
        }
        .into_any()
    })
}

#[component]
fn ActionsSection(locale: Locale, forms: ActionForms) -> impl IntoView {
    let f = forms;
    let received_forms = f
        .open_items
        .iter()
        .map(|(id, text)| {
            view! {
                <form method="post" action=format!("/handlinger/sagsbehandling/{}", f.reference) class="inline-form">
                    <input type="hidden" name=field::ACTION value=CaseworkerAction::ReceiveItem.code() />
                    <input type="hidden" name=field::VERSION value=f.version.to_string() />
                    <input type="hidden" name=field::ITEM value=id.to_string() />
                    <button type="submit" class="button button-secondary">{locale.tf("caseworker.mark_received", &[("item", text)])}</button>
                </form>
            }
        })
        .collect_view();
    let received = (!f.open_items.is_empty()).then(|| {
        view! {
            <div class="action" id="handling-modtaget">
                <h3 class="h4">{texts::caseworker_action_label(locale, CaseworkerAction::ReceiveItem.code())}</h3>
                <p>{locale.t("caseworker.explain_received")}</p>
                {received_forms}
            </div>
        }
    });
    let assign_options = f
        .colleagues
        .iter()
        .filter(|c| c.id != f.me)
        .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
        .collect_view();
    let assign = view! {
        <ActionForm locale forms=f.clone() action=CaseworkerAction::Assign.code() title=texts::caseworker_action_label(locale, CaseworkerAction::Assign.code()) explain=None>
            <div class="form-group">
                <label class="form-label" for="tildel-tildel_til">{locale.t("caseworker.assign_to")}</label>
                <select class="form-select" id="tildel-tildel_til" name=field::ASSIGNEE>
                    <option value=field::ASSIGN_TO_ME>{locale.t("caseworker.assign_me")}</option>
                    {assign_options}
                    <option value="">{locale.t("caseworker.assign_nobody")}</option>
                </select>
            </div>
        </ActionForm>
    };
    let request = f.allows(EventKind::InformationRequested).then(|| {
        let (outer, inner) = (f.clone(), f.clone());
        let rows = (1..=5)
            .map(|n| {
                view! {
                    <div class="request-row">
                        <TextField locale forms=f.clone() action=CaseworkerAction::RequestInformation.code() name=field::item_text(n) label=locale.tf("caseworker.item_label", &[("n", &n)]) />
                        <TextField locale forms=f.clone() action=CaseworkerAction::RequestInformation.code() name=field::item_deadline(n) label=locale.tf("caseworker.deadline_label", &[("n", &n)]) input_type="date" />
                    </div>
                }
            })
            .collect_view();
        view! {
            <ActionForm locale forms=outer action=CaseworkerAction::RequestInformation.code() title=texts::caseworker_action_label(locale, CaseworkerAction::RequestInformation.code()) explain=Some(locale.t("caseworker.explain_request"))>
                <TextArea locale forms=inner action=CaseworkerAction::RequestInformation.code() name=field::MESSAGE label=locale.t("caseworker.request_message") />
                {rows}
            </ActionForm>
        }
    });
    let (note_form, note_text, note_public) = (f.clone(), f.clone(), f.clone());
    let decide = f.allows(EventKind::Decided).then(|| {
        let (outer, a, b, c, d) = (f.clone(), f.clone(), f.clone(), f.clone(), f.clone());
        let chosen = f.typed(CaseworkerAction::Decide.code(), field::OUTCOME);
        let outcome_error = f.problem(locale, CaseworkerAction::Decide.code(), field::OUTCOME);
        let outcome_class = if outcome_error.is_some() { "form-group form-error" } else { "form-group" };
        let options = Outcome::ALL
            .into_iter()
            .map(|o| {
                let selected = chosen == o.code();
                view! { <option value=o.code() selected=selected>{texts::outcome_label(locale, o)}</option> }
            })
            .collect_view();
        let deadline = complaint_deadline(copenhagen_date(now_utc()));
        view! {
            <ActionForm locale forms=outer action=CaseworkerAction::Decide.code() title=texts::caseworker_action_label(locale, CaseworkerAction::Decide.code()) explain=Some(locale.t("caseworker.explain_decide"))>
                <div class=outcome_class>
                    <label class="form-label" for="afgoer-udfald">{locale.t("decision.outcome")}</label>
                    {outcome_error.map(|m| view! { <span class="form-error-message" id="afgoer-udfald-error">{m}</span> })}
                    <select class="form-select" id="afgoer-udfald" name=field::OUTCOME>
                        <option value="">{locale.t("decision.choose")}</option>
                        {options}
                    </select>
                </div>
                <TextField locale forms=a action=CaseworkerAction::Decide.code() name=field::HEADING.into() label=locale.t("decision.heading_label").into() />
                <TextArea locale forms=b action=CaseworkerAction::Decide.code() name=field::DECISION_TEXT label=locale.t("decision.text_label") />
                <TextArea locale forms=c action=CaseworkerAction::Decide.code() name=field::CONDITIONS label=locale.t("decision.conditions_label") />
                <TextField locale forms=d action=CaseworkerAction::Decide.code() name=field::LEGAL_BASIS.into() label=locale.t("decision.legal_basis_label").into() />
                <p class="form-hint">{locale.tf("decision.complaint_note", &[("date", &locale.date_long(deadline))])}</p>
            </ActionForm>
        }
    });
    let note = view! {
        <ActionForm locale forms=note_form action=CaseworkerAction::Note.code() title=texts::caseworker_action_label(locale, CaseworkerAction::Note.code()) explain=Some(locale.t("caseworker.explain_note"))>
            <TextArea locale forms=note_text action=CaseworkerAction::Note.code() name=field::INTERNAL_TEXT label=locale.t("caseworker.internal_text") />
            <PublicTextField locale forms=note_public action=CaseworkerAction::Note.code() />
        </ActionForm>
    };
    view! {
        <section class="case-section" aria-labelledby="actions-heading" data-testid="actions">
            <h2 id="actions-heading">{locale.t("caseworker.actions_heading")}</h2>
            {text_action(locale, &f, CaseworkerAction::Register.code(), EventKind::Registered, field::ESDH_NUMBER, "caseworker.esdh_label", None)}
            {simple_action(locale, &f, CaseworkerAction::DeclareComplete.code(), EventKind::DeclaredComplete, "caseworker.explain_complete")}
            {assign}
            {request}
            {received}
            {simple_action(locale, &f, CaseworkerAction::StartHearing.code(), EventKind::HearingStarted, "caseworker.explain_hearing")}
            {simple_action(locale, &f, CaseworkerAction::EndHearing.code(), EventKind::HearingEnded, "caseworker.explain_hearing_end")}
            {text_action(locale, &f, CaseworkerAction::NotCovered.code(), EventKind::GoalNotCovered, field::REASON, "caseworker.reason", Some("caseworker.explain_not_covered"))}
            {decide}
            {simple_action(locale, &f, CaseworkerAction::Close.code(), EventKind::Closed, "caseworker.explain_close")}
            {text_action(locale, &f, CaseworkerAction::Reopen.code(), EventKind::Reopened, field::REASON, "caseworker.reason", None)}
            {note}
        </section>
    }
}

/// One action: a heading, an optional explanation, its fields, and a button; it carries the
/// version the caseworker saw, so a change in between is caught.
#[component]
fn ActionForm(
    locale: Locale,
    forms: ActionForms,
    action: &'static str,
    title: String,
    explain: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let general = forms.problem(locale, action, "");
    view! {
        <form method="post" action=format!("/handlinger/sagsbehandling/{}", forms.reference) class="action" id=format!("handling-{action}")>
            <h3 class="h4">{title.clone()}</h3>
            {explain.map(|text| view! { <p>{text}</p> })}
            {general.map(|message| view! { <p class="form-error-message">{message}</p> })}
            <input type="hidden" name=field::ACTION value=action />
            <input type="hidden" name=field::VERSION value=forms.version.to_string() />
            {children()}
            <button type="submit" class="button button-secondary">{title}</button>
        </form>
    }
}

/// A one-line input of an action's form, filled with what was typed when the form came back.
#[component]
fn TextField(
    locale: Locale,
    forms: ActionForms,
    action: &'static str,
    name: String,
    label: String,
    #[prop(optional)] input_type: Option<&'static str>,
) -> impl IntoView {
    view! { <Field locale forms action name label input_type=input_type.unwrap_or("text") /> }
}

/// A text area of an action's form.
#[component]
fn TextArea(
    locale: Locale,
    forms: ActionForms,
    action: &'static str,
    name: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! { <Field locale forms action name=name.to_string() label=label.to_string() input_type="textarea" /> }
}

/// A labelled field with its error message; `input_type` "textarea" gives a text area.
#[component]
fn Field(
    locale: Locale,
    forms: ActionForms,
    action: &'static str,
    name: String,
    label: String,
    input_type: &'static str,
) -> impl IntoView {
    let id = format!("{action}-{name}");
    let error = forms.problem(locale, action, &name);
    let value = forms.typed(action, &name);
    let class = if error.is_some() {
        "form-group form-error"
    } else {
        "form-group"
    };
    let described_by = error.is_some().then(|| format!("{id}-error"));
    let input = if input_type == "textarea" {
        view! { <textarea class="form-input" id=id.clone() name=name rows="3" aria-describedby=described_by>{value}</textarea> }.into_any()
    } else {
        view! { <input class="form-input" type=input_type id=id.clone() name=name value=value aria-describedby=described_by /> }.into_any()
    };
    view! {
        <div class=class>
            <label class="form-label" for=id.clone()>{label}</label>
            {error.map(|message| view! {
                <span class="form-error-message" id=format!("{id}-error")><span class="sr-only">{locale.t("error.prefix")} " "</span>{message}</span>
            })}
            {input}
        </div>
    }
}

/// The plain-language text the applicant sees with the event.
#[component]
fn PublicTextField(locale: Locale, forms: ActionForms, action: &'static str) -> impl IntoView {
    view! { <TextArea locale forms action name=field::PUBLIC_TEXT label=locale.t("caseworker.public_text") /> }
}
