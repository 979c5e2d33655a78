//! The application flow: choose authority and type (`/ansoegning/ny`), fill in the details
//! (`/ansoegning/{id}`), review and send (`/ansoegning/{id}/gennemse`). Every step is a plain
//! form; what was typed is saved in the draft, so nothing is lost when a form comes back.

use crate::app::{current_path, use_locale};
use crate::auth::{current_user, login_path, SessionUser};
use crate::authorization::RunMode;
use crate::components::application_steps::ApplicationSteps;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_frame::PageTitle;
use crate::db::authorities::{Authority, CaseType};
use crate::db::cases::Case;
use crate::db::documents::Document;
use crate::error::AppError;
use crate::forms::application::{validate, FieldKind, FieldSpec};
use crate::i18n::Locale;
use crate::pages::public::not_found::{redirect_to, ErrorPage};
use crate::services::applications::{fields_of, form_values, may_edit_draft};
use crate::state::AppState;
use crate::texts;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::BTreeMap;

/// Sends a visitor who is not a logged-in applicant to log in; returns the user otherwise.
fn applicant_or_login(state: &AppState) -> Option<SessionUser> {
    match current_user() {
        Some(user) if user.viewer.is_applicant() => Some(user),
        Some(_) => None,
        None => {
            redirect_to(&login_path(state.mode == RunMode::Demo, &current_path()));
            None
        }
    }
}

/// Step 1: authority and application type.
#[component]
pub fn NewApplicationPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map().read_untracked();
    let chosen_authority = query.get("myndighed").unwrap_or_default();
    let chosen_type = query.get("type").unwrap_or_default();
    let show_errors = query.get("fejl").is_some();
    let state = AppState::from_context();
    let load = async move {
        let state = state?;
        if applicant_or_login(&state).is_none() {
            return Ok(None);
        }
        let mut conn = state.db.conn().await?;
        Ok::<_, AppError>(Some((
            Authority::all(&mut conn).await?,
            CaseType::all(&mut conn).await?,
        )))
    };
    view! {
        <PageTitle locale text=locale.t("application.title").to_string() />
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let Ok(Some((authorities, types))) = load.await else { return ().into_any() };
                let authority_ok = authorities.iter().any(|a| a.code.to_string() == chosen_authority);
                let type_ok = types.iter().any(|t| t.code == chosen_type);
                let mut errors = Vec::new();
                if show_errors && !authority_ok {
                    errors.push(("myndighed".to_string(), locale.t("field.choice").to_string()));
                }
                if show_errors && !type_ok {
                    errors.push(("type".to_string(), locale.t("field.choice").to_string()));
                }
                let authority_error = errors.iter().find(|(f, _)| f == "myndighed").map(|(_, m)| m.clone());
                let type_error = errors.iter().find(|(f, _)| f == "type").map(|(_, m)| m.clone());
                let authority_options = authorities
                    .into_iter()
                    .map(|a| {
                        let code = a.code.to_string();
                        let selected = code == chosen_authority;
                        view! { <option value=code selected=selected>{format!("{} ({})", a.name, a.code)}</option> }
                    })
                    .collect_view();
                let groups = ["building", "environment"]
                    .into_iter()
                    .map(|domain| {
                        let options = types
                            .iter()
                            .filter(|t| t.domain == domain)
                            .map(|t| {
                                let selected = t.code == chosen_type;
                                view! { <option value=t.code.clone() selected=selected>{t.name(locale)}</option> }
                            })
                            .collect_view();
                        let label = if domain == "building" { locale.t("application.domain.building") } else { locale.t("application.domain.environment") };
                        view! { <optgroup label=label>{options}</optgroup> }
                    })
                    .collect_view();
                view! {
                    <ErrorSummary locale errors />
                    <h1>{locale.t("application.title")}</h1>
                    <ApplicationSteps locale current=1 />
                    <form method="post" action="/handlinger/ansoegning/ny" novalidate>
                        <FieldFrame locale id="myndighed".to_string() label=locale.t("application.authority").to_string() hint=Some(locale.t("application.authority_hint").to_string()) error=authority_error.clone()>
                            <select class="form-select" id="myndighed" name="myndighed" aria-describedby="myndighed-hint" aria-invalid=authority_error.is_some().to_string()>
                                <option value="">{locale.t("application.choose_prompt")}</option>
                                {authority_options}
                            </select>
                        </FieldFrame>
                        <FieldFrame locale id="type".to_string() label=locale.t("application.type").to_string() hint=Some(locale.t("application.type_hint").to_string()) error=type_error.clone()>
                            <select class="form-select" id="type" name="type" aria-describedby="type-hint" aria-invalid=type_error.is_some().to_string()>
                                <option value="">{locale.t("application.choose_prompt")}</option>
                                {groups}
                            </select>
                        </FieldFrame>
                        <button type="submit" class="button button-primary">{locale.t("application.start")}</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// A form group: label, hint, the error next to the field, and the field itself.
#[component]
fn FieldFrame(
    locale: Locale,
    id: String,
    label: String,
    hint: Option<String>,
    error: Option<String>,
    children: Children,
) -> impl IntoView {
    let class = if error.is_some() {
        "form-group form-error"
    } else {
        "form-group"
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class=class>
            <label class="form-label" for=id.clone()>{label}</label>
            {hint.map(|h| view! { <span class="form-hint" id=hint_id.clone()>{h}</span> })}
            {error.map(|message| view! {
                <span class="form-error-message" id=error_id.clone()>
                    <span class="sr-only">{locale.t("error.prefix")} " "</span>
                    {message}
                </span>
            })}
            {children()}
        </div>
    }
}

/// What the draft pages need.
struct DraftView {
    case: Case,
    case_type: CaseType,
    authority: String,
    fields: Vec<FieldSpec>,
    values: BTreeMap<String, String>,
    attachments: Vec<Document>,
    max_upload_mb: u64,
}

async fn load_draft(
    state: Result<AppState, AppError>,
    raw_id: String,
) -> Result<Option<DraftView>, AppError> {
    let state = state?;
    let Some(user) = applicant_or_login(&state) else {
        return Ok(None);
    };
    let id: i64 = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.conn().await?;
    let case = Case::find(&mut conn, id)
        .await?
        .filter(|c| may_edit_draft(&user.viewer, c))
        .ok_or(AppError::NotFound)?;
    let case_type = CaseType::find(&mut conn, &case.case_type_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let authority = Authority::find(&mut conn, case.authority_code)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let fields = fields_of(&case_type);
    let values = form_values(&case);
    let attachments = Document::for_case(&mut conn, case.id).await?;
    Ok(Some(DraftView {
        case,
        case_type,
        authority,
        fields,
        values,
        attachments,
        max_upload_mb: state.documents.max_bytes() / (1024 * 1024),
    }))
}

/// One input, by its kind.
fn field_input(
    locale: Locale,
    spec: FieldSpec,
    value: String,
    described_by: String,
    invalid: bool,
) -> AnyView {
    let name = spec.name;
    match spec.kind {
        FieldKind::Text => view! {
            <input class="form-input" type="text" id=name name=name value=value aria-describedby=described_by aria-invalid=invalid.to_string() />
        }
        .into_any(),
        FieldKind::LongText => view! {
            <textarea class="form-input" id=name name=name rows="5" aria-describedby=described_by aria-invalid=invalid.to_string()>{value}</textarea>
        }
        .into_any(),
        FieldKind::Number { unit } => view! {
            <div class="form-input-wrapper form-input-wrapper--suffix">
                <input class="form-input" type="text" inputmode="decimal" id=name name=name value=value aria-describedby=described_by aria-invalid=invalid.to_string() />
                <div class="form-input-suffix" aria-hidden="true">{unit}</div>
            </div>
        }
        .into_any(),
        FieldKind::Choice { options } => {
            let options = options
                .iter()
                .map(|option| {
                    let selected = *option == value;
                    view! { <option value=*option selected=selected>{locale.t_owned(&format!("application.use.{option}"))}</option> }
                })
                .collect_view();
            view! {
                <select class="form-select" id=name name=name aria-describedby=described_by aria-invalid=invalid.to_string()>
                    <option value="">{locale.t("application.choose_prompt")}</option>
                    {options}
                </select>
            }
            .into_any()
        }
    }
}

/// Step 2: the details.
#[component]
pub fn ApplicationDetailsPage() -> impl IntoView {
    let locale = use_locale();
    let raw_id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let query = use_query_map().read_untracked();
    let show_errors = query.get("fejl").is_some();
    let saved = query.get("gemt").is_some();
    let draft = load_draft(AppState::from_context(), raw_id);
    view! {
        <PageTitle locale text=locale.t("application.title").to_string() />
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let draft = match draft.await {
                    Ok(Some(draft)) => draft,
                    Ok(None) => return ().into_any(),
                    Err(error) => return view! { <ErrorPage error /> }.into_any(),
                };
                let errors = if show_errors { validate(&draft.fields, &draft.values) } else { BTreeMap::new() };
                let summary: Vec<(String, String)> = draft
                    .fields
                    .iter()
                    .filter_map(|f| errors.get(f.name).map(|key| (f.name.to_string(), format!("{}: {}", locale.t_owned(&f.label_key()), locale.t_owned(key)))))
                    .collect();
                let id = draft.case.id;
                let inputs = draft
                    .fields
                    .iter()
                    .map(|spec| {
                        let error = errors.get(spec.name).map(|key| locale.t_owned(key));
                        let described_by = if error.is_some() { format!("{}-error", spec.name) } else { String::new() };
                        let value = draft.values.get(spec.name).cloned().unwrap_or_default();
                        let input = field_input(locale, *spec, value, described_by, error.is_some());
                        view! {
                            <FieldFrame locale id=spec.name.to_string() label=locale.t_owned(&spec.label_key()) hint=None error>
                                {input}
                            </FieldFrame>
                        }
                    })
                    .collect_view();
                let intro = locale.tf(
                    "application.details_intro",
                    &[("authority", &draft.authority), ("type", &draft.case_type.name(locale))],
                );
                view! {
                    <ErrorSummary locale errors=summary />
                    {saved.then(|| view! {
                        <div class="alert alert-success" role="status"><div class="alert-body"><p class="alert-text">{locale.t("application.saved")}</p></div></div>
                    })}
                    <h1>{locale.t("application.title")}</h1>
                    <ApplicationSteps locale current=2 />
                    <p class="font-lead">{intro}</p>
                    <form method="post" action=format!("/handlinger/ansoegning/{id}") novalidate>
                        {inputs}
                        <div class="button-row">
                            <button type="submit" name="handling" value="videre" class="button button-primary">{locale.t("application.to_review")}</button>
                            " "
                            <button type="submit" name="handling" value="gem" class="button button-secondary">{locale.t("application.save")}</button>
                        </div>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// Step 3: review and send.
#[component]
pub fn ApplicationReviewPage() -> impl IntoView {
    let locale = use_locale();
    let raw_id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let draft = load_draft(AppState::from_context(), raw_id);
    view! {
        <PageTitle locale text=locale.t("application.step_review").to_string() />
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let draft = match draft.await {
                    Ok(Some(draft)) => draft,
                    Ok(None) => return ().into_any(),
                    Err(error) => return view! { <ErrorPage error /> }.into_any(),
                };
                let id = draft.case.id;
                let rows = draft
                    .fields
                    .iter()
                    .map(|spec| {
                        let value = draft.values.get(spec.name).cloned().unwrap_or_default();
                        let shown = match spec.kind {
                            FieldKind::Choice { .. } if !value.is_empty() => locale.t_owned(&format!("application.use.{value}")),
                            FieldKind::Number { unit } if !value.is_empty() => format!("{value} {unit}"),
                            _ => value,
                        };
                        view! { <div><dt>{locale.t_owned(&spec.label_key())}</dt><dd>{shown}</dd></div> }
                    })
                    .collect_view();
                view! {
                    <h1>{locale.t("application.step_review")}</h1>
                    <ApplicationSteps locale current=3 />
                    <p class="font-lead">{locale.t("application.review_intro")}</p>
                    <dl class="review-list">
                        <div><dt>{locale.t("application.authority")}</dt><dd>{draft.authority.clone()}</dd></div>
                        <div><dt>{locale.t("application.type")}</dt><dd>{draft.case_type.name(locale)}</dd></div>
                        {rows}
                    </dl>
                    <p><a href=format!("/ansoegning/{id}")>{locale.t("application.edit")}</a></p>
                    <Attachments locale draft_id=id attachments=draft.attachments max_mb=draft.max_upload_mb />
                    <form method="post" action=format!("/handlinger/ansoegning/{id}/send")>
                        <button type="submit" class="button button-primary">{locale.t("application.submit")}</button>
                    </form>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The draft's attachments: what is attached, a remove button for each, and an upload form
/// (plain multipart; the handler answers with a redirect back here).
#[component]
fn Attachments(
    locale: Locale,
    draft_id: i64,
    attachments: Vec<Document>,
    max_mb: u64,
) -> impl IntoView {
    let query = use_query_map().read_untracked().clone();
    let notice = query.get("bilag").and_then(|code| match code.as_str() {
        "tilfoejet" => Some(locale.t("attachments.added")),
        "fjernet" => Some(locale.t("attachments.removed")),
        _ => None,
    });
    let problem = query
        .get("bilag-fejl")
        .map(|code| texts::attachment_problem(locale, &code, max_mb));
    let summary: Vec<(String, String)> = problem
        .iter()
        .map(|p| ("fil".to_string(), p.clone()))
        .collect();
    let list = if attachments.is_empty() {
        view! { <p data-testid="attachments-none">{locale.t("attachments.none")}</p> }.into_any()
    } else {
        let rows = attachments
            .into_iter()
            .map(|document| {
                let name = document.filename.clone();
                view! {
                    <li class="attachment" data-testid="attachment">
                        <a href=format!("/ansoegning/{draft_id}/bilag/{}", document.id) download>{name.clone()}</a>
                        " (" {texts::file_size(locale, document.size_bytes)} ") "
                        <form method="post" class="inline-form" action=format!("/handlinger/ansoegning/{draft_id}/bilag/{}/fjern", document.id)>
                            <button type="submit" class="button button-tertiary" aria-label=locale.tf("attachments.remove_label", &[("name", &name)])>
                                {locale.t("attachments.remove")}
                            </button>
                        </form>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="attachments nobullet-list">{rows}</ul> }.into_any()
    };
    let group_class = if problem.is_some() {
        "form-group form-error"
    } else {
        "form-group"
    };
    view! {
        <section class="case-section" id="bilag" aria-labelledby="attachments-heading">
            <ErrorSummary locale errors=summary />
            <h2 id="attachments-heading">{locale.t("attachments.heading")}</h2>
            {notice.map(|text| view! {
                <div class="alert alert-success" role="status"><div class="alert-body"><p class="alert-text">{text}</p></div></div>
            })}
            <p>{locale.tf("attachments.intro", &[("mb", &max_mb)])}</p>
            {list}
            <form method="post" enctype="multipart/form-data" action=format!("/handlinger/ansoegning/{draft_id}/bilag")>
                <div class=group_class>
                    <label class="form-label" for="fil">{locale.t("attachments.file_label")}</label>
                    {problem.map(|message| view! {
                        <span class="form-error-message" id="fil-error">
                            <span class="sr-only">{locale.t("error.prefix")} " "</span>{message}
                        </span>
                    })}
                    <input
                        type="file"
                        class="form-file-input"
                        id="fil"
                        name="fil"
                        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                    />
                </div>
                <button type="submit" class="button button-secondary">{locale.t("attachments.add")}</button>
            </form>
        </section>
    }
}
