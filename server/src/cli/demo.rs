//! The demo data set: made-up cases in every state across several municipalities, written
//! through the same event path as real cases so their histories and clocks are genuine.

use app::db::cases::{Case, NewCase};
use app::db::contact_preferences::ContactPreferences;
use app::db::users::User;
use app::db::DbError;
use app::db::{Conn, Database};
use app::domain::lifecycle::EventKind;
use app::in_transaction;
use app::services::case_events::{record, Actor, ActorKind, EventRequest};
use app::services::commands::case_actions::{
    act_on_case, ActOnCase, ActionTime, CaseAction, DecisionLetterSource, ItemDraft,
};
use app::services::decisions::{render_letter, DecisionInput, Outcome};
use app::services::document_store::DocumentStore;
use app::services::notifications::{self, Topic};
use app::state::now_utc;
use chrono::{NaiveDateTime, TimeDelta};

/// One step of a scripted history: what happened, on which day after submission.
type Step = (EventKind, i64);

use EventKind::{
    Closed as X, Decided as D, DeclaredComplete as C, GoalNotCovered as N, HearingStarted as H,
    InformationReceived as A, InformationRequested as Q, Registered as R, Reopened as O,
    Submitted as S, Withdrawn as W,
};

/// A scripted history and how many days ago it was submitted.
struct Scenario {
    age_days: i64,
    steps: &'static [Step],
    /// Needs an application type with a national service goal to show what it is meant to.
    needs_goal: bool,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        age_days: 1,
        steps: &[(S, 0)],
        needs_goal: false,
    },
    Scenario {
        age_days: 4,
        steps: &[(S, 0), (R, 2)],
        needs_goal: false,
    },
    Scenario {
        age_days: 14,
        steps: &[(S, 0), (R, 2), (Q, 5)],
        needs_goal: false,
    },
    Scenario {
        age_days: 35,
        steps: &[(S, 0), (R, 1), (Q, 4), (A, 16), (C, 18)],
        needs_goal: true,
    },
    Scenario {
        age_days: 45,
        steps: &[(S, 0), (R, 1), (C, 6), (Q, 20)],
        needs_goal: true,
    },
    Scenario {
        age_days: 40,
        steps: &[(S, 0), (R, 2), (C, 7), (H, 25)],
        needs_goal: true,
    },
    Scenario {
        age_days: 70,
        steps: &[(S, 0), (R, 1), (C, 5), (D, 33)],
        needs_goal: true,
    },
    Scenario {
        age_days: 120,
        steps: &[(S, 0), (R, 3), (C, 8), (D, 60)],
        needs_goal: true,
    },
    Scenario {
        age_days: 150,
        steps: &[
            (S, 0),
            (R, 2),
            (Q, 5),
            (A, 19),
            (C, 21),
            (Q, 30),
            (A, 41),
            (D, 60),
            (X, 64),
        ],
        needs_goal: true,
    },
    Scenario {
        age_days: 50,
        steps: &[(S, 0), (R, 2), (Q, 6), (W, 20)],
        needs_goal: false,
    },
    Scenario {
        age_days: 45,
        steps: &[(S, 0), (R, 1), (C, 9)],
        needs_goal: true,
    },
    Scenario {
        age_days: 70,
        steps: &[(S, 0), (R, 2), (C, 10)],
        needs_goal: true,
    },
    Scenario {
        age_days: 30,
        steps: &[(S, 0), (R, 2), (N, 3), (C, 6)],
        needs_goal: true,
    },
    Scenario {
        age_days: 100,
        steps: &[(S, 0), (R, 1), (C, 4), (D, 30), (O, 45)],
        needs_goal: true,
    },
    Scenario {
        age_days: 20,
        steps: &[(S, 0), (R, 2), (D, 10)],
        needs_goal: false,
    },
    Scenario {
        age_days: 2,
        steps: &[],
        needs_goal: false,
    },
];

/// København, Aalborg, Aarhus, Odense, Frederiksberg, Esbjerg.
const AUTHORITIES: &[i32] = &[101, 851, 751, 461, 147, 561];

/// Types with a national goal (and the category a case of it counts under).
const GOAL_TYPES: &[(&str, &str, &str)] = &[
    ("byg_enfamiliehus", "single_family", "Nyt enfamiliehus"),
    (
        "byg_tilbygning_enfamiliehus",
        "single_family",
        "Tilbygning med kvist",
    ),
    (
        "byg_garage_carport_udhus",
        "simple_constructions",
        "Carport og redskabsrum",
    ),
    (
        "byg_industri_lager_landbrug",
        "industry_warehouse",
        "Ny lagerhal",
    ),
    (
        "byg_erhverv_etage",
        "multistorey_commercial",
        "Kontorbyggeri i fire etager",
    ),
];

/// Types without one.
const OTHER_TYPES: &[(&str, &str)] = &[
    (
        "mil_jordvarme_tilladelse",
        "Jordvarmeanlæg med lodrette boringer",
    ),
    ("mil_olietank_sloejfning", "Sløjfning af olietank"),
    ("byg_nedrivning", "Nedrivning af udhus"),
    (
        "mil_spildevand_nedsivning",
        "Nedsivningsanlæg til spildevand",
    ),
];

/// The applicants of the demo: a citizen and two companies (the personas of the demo login).
struct DemoApplicant {
    kind: &'static str,
    subject: Option<&'static str>,
    cvr: Option<&'static str>,
    name: &'static str,
}

const APPLICANTS: &[DemoApplicant] = &[
    DemoApplicant {
        kind: "person",
        subject: Some("demo-borger"),
        cvr: None,
        name: "Mette Borger",
    },
    DemoApplicant {
        kind: "business",
        subject: None,
        cvr: Some("12345678"),
        name: "Nordbyg ApS",
    },
    DemoApplicant {
        kind: "business",
        subject: None,
        cvr: Some("87654321"),
        name: "Sydvarme A/S",
    },
];

const STREETS: &[&str] = &[
    "Vesterbrogade",
    "Boulevarden",
    "Søndergade",
    "Kongensgade",
    "Strandvejen",
    "Skolevej",
    "Hovedgaden",
    "Engvej",
    "Bakkevej",
    "Havnegade",
];

/// How many cases the demo seeds.
pub const DEMO_CASES: usize = 48;

/// Seeds the demo data set when the database holds no cases; returns the lines to print at
/// start-up: a login link per persona and a few demo cases.
///
/// Decided cases get their decision letters, generated and stored like any other; `public_url`
/// is the address the letters point to.
pub async fn seed_if_empty(
    db: &Database,
    documents: &DocumentStore,
    public_url: &str,
) -> anyhow::Result<Vec<String>> {
    // Instances starting together on one database take turns, so only the first one seeds.
    db.exclusively(async || {
        let mut conn = db.conn().await?;
        if Case::count(&mut conn).await? == 0 {
            let now = now_utc();
            let letters = Letters {
                documents,
                public_url,
            };
            // The applicants exist before their cases, so the cases' histories notify them.
            seed_contact_preferences(&mut conn, now).await?;
            for index in 0..DEMO_CASES {
                seed_case(&mut conn, &letters, index, now).await?;
            }
            tracing::info!(cases = DEMO_CASES, "demo data seeded");
        }
        Ok::<(), anyhow::Error>(())
    })
    .await?;
    let mut conn = db.conn().await?;
    // One login link per persona, then one case per state to look at.
    let mut links: Vec<String> = app::auth::DEMO_PERSONAS
        .iter()
        .map(|p| format!("log ind som {:<18} /demo/login/{}", p.key, p.key))
        .collect();
    let latest = Case::latest_submitted(&mut conn, 200).await?;
    let mut seen = std::collections::HashSet::new();
    links.extend(
        latest
            .into_iter()
            .filter(|c| seen.insert(c.state.clone()))
            .filter_map(|c| {
                c.reference
                    .map(|r| format!("demo-sag ({:<18}) /sager/{r}", c.state))
            }),
    );
    Ok(links)
}

/// One demo applicant's contact choices.
struct DemoContact {
    persona: &'static str,
    email: &'static str,
    mobile: Option<&'static str>,
    language: &'static str,
    sms_topics: &'static [Topic],
    company_cases: bool,
}

/// Who of the demo's applicants hears what, and where: the citizen by e-mail and by SMS for what
/// needs action, one employee of each company (in English for Nordbyg) every company case by
/// e-mail. The second Nordbyg employee keeps the defaults (the demo login gives no e-mail).
const DEMO_CONTACTS: &[DemoContact] = &[
    DemoContact {
        persona: "borger",
        email: "mette.borger@example.dk",
        mobile: Some("+4520304050"),
        language: "da",
        sms_topics: &[
            Topic::InformationRequested,
            Topic::DeadlineReminder,
            Topic::Decided,
        ],
        company_cases: false,
    },
    DemoContact {
        persona: "virksomhed-a",
        email: "anders@nordbyg.example.dk",
        mobile: None,
        language: "en",
        sms_topics: &[],
        company_cases: true,
    },
    DemoContact {
        persona: "virksomhed-b",
        email: "carsten@sydvarme.example.dk",
        mobile: None,
        language: "da",
        sms_topics: &[],
        company_cases: true,
    },
];

/// Creates the demo applicants' users and their contact preferences.
async fn seed_contact_preferences(conn: &mut Conn, now: NaiveDateTime) -> anyhow::Result<()> {
    for contact in DEMO_CONTACTS {
        let Some(persona) = app::auth::demo_persona(contact.persona) else {
            continue;
        };
        let subject = app::auth::demo_subject(persona);
        let user = User::upsert_login(conn, &persona.identity(&subject), now).await?;
        ContactPreferences::save(
            conn,
            &ContactPreferences {
                user_id: user.id,
                email: Some(contact.email.to_string()),
                mobile: contact.mobile.map(str::to_string),
                language: contact.language.to_string(),
                email_topics: notifications::every_topic(),
                sms_topics: notifications::topic_list(contact.sms_topics),
                company_cases: contact.company_cases,
                updated_at: now,
            },
        )
        .await?;
    }
    Ok(())
}

/// Where the demo's decision letters go and the address they point to.
pub struct Letters<'a> {
    pub documents: &'a DocumentStore,
    pub public_url: &'a str,
}

/// Creates one demo case and plays its scripted history through the event path.
pub async fn seed_case(
    conn: &mut Conn,
    letters: &Letters<'_>,
    index: usize,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let scenario = &SCENARIOS[index % SCENARIOS.len()];
    let round = i64::try_from(index / SCENARIOS.len()).unwrap_or(0);
    let authority = AUTHORITIES[index % AUTHORITIES.len()];
    let applicant = &APPLICANTS[index % APPLICANTS.len()];
    let (type_code, category, title) = if scenario.needs_goal || index.is_multiple_of(2) {
        let (code, category, title) = GOAL_TYPES[index % GOAL_TYPES.len()];
        (code, Some(category), title)
    } else {
        let (code, title) = OTHER_TYPES[index % OTHER_TYPES.len()];
        (code, None, title)
    };
    let address = format!(
        "{} {}, {}",
        STREETS[index % STREETS.len()],
        index * 3 % 97 + 1,
        authority_town(authority)
    );
    let cadastral = format!(
        "{}a {} Bygrunde",
        index * 7 % 90 + 1,
        authority_town(authority)
    );
    // Submitted in the morning, Danish time, a few days apart per round.
    let submitted = now
        - TimeDelta::days(scenario.age_days + round * 3)
        - TimeDelta::hours(2 + (index as i64 % 5));
    let created = submitted - TimeDelta::hours(1);

    let outcome: anyhow::Result<()> = in_transaction!(conn, {
        let case = Case::create(
            conn,
            &NewCase {
                authority_code: authority,
                case_type_code: type_code,
                service_goal_category: category,
                title,
                channel: "portal",
                applicant_kind: applicant.kind,
                applicant_subject: applicant.subject,
                applicant_cvr: applicant.cvr,
                applicant_name: applicant.name,
                created_by_user_id: None,
                property_address: &address,
                cadastral_number: &cadastral,
                description: "Demo-ansøgning med opdigtede oplysninger.",
                form_data: "{}",
                state: "draft",
                declared_complete: false,
                must_act: "applicant",
                created_at: created,
                updated_at: created,
            },
        )
        .await?;
        for (step, &(kind, day)) in scenario.steps.iter().enumerate() {
            let at = submitted + TimeDelta::days(day) + TimeDelta::minutes(17 * step as i64);
            let actor = match kind {
                S | W => Actor {
                    kind: ActorKind::Applicant,
                    user_id: None,
                    label: applicant.name,
                },
                A => Actor {
                    kind: ActorKind::Applicant,
                    user_id: None,
                    label: applicant.name,
                },
                _ => Actor {
                    kind: ActorKind::Caseworker,
                    user_id: None,
                    label: "Sagsbehandler",
                },
            };
            let esdh = format!("{}-{:05}", at.format("%Y"), 1000 + index * 13);
            // The applicant's own steps (submitting, withdrawing) are theirs; the rest go through
            // the authority's command, as a caseworker's form or a case system would.
            let current = Case::find(conn, case.id).await?.ok_or(DbError::NotFound)?;
            let action = match kind {
                S | W => {
                    record(conn, case.id, None, &EventRequest::new(kind, actor, at)).await?;
                    continue;
                }
                R => CaseAction::Register { esdh_number: esdh },
                C => CaseAction::DeclareComplete,
                N => CaseAction::MarkNotCovered {
                    reason: "Lovliggørelse af opført byggeri (legaliseringssag)".to_string(),
                },
                H => CaseAction::StartHearing,
                X => CaseAction::Close,
                O => CaseAction::Reopen {
                    reason: "Klagenævnet har hjemvist sagen.".to_string(),
                },
                Q => CaseAction::RequestInformation {
                    message:
                        "Vi mangler en situationsplan med afstande til skel og en facadetegning."
                            .to_string(),
                    items: vec![
                        ItemDraft {
                            description: "Situationsplan med afstande til skel".to_string(),
                            deadline: (at + TimeDelta::days(14)).date(),
                        },
                        ItemDraft {
                            description: "Facadetegning med højder".to_string(),
                            deadline: (at + TimeDelta::days(21)).date(),
                        },
                    ],
                },
                A => CaseAction::ReceiveInformation {
                    comment: Some("Tegningerne er uploadet.".to_string()),
                },
                D => {
                    let decision = demo_decision(index, title);
                    let letter =
                        render_letter(conn, &current, &decision, letters.public_url, at).await?;
                    CaseAction::Decide {
                        outcome: Some(decision.outcome),
                        heading: decision.heading,
                        letter: DecisionLetterSource::Rendered(letter),
                    }
                }
                other => anyhow::bail!("the demo has no step {other:?}"),
            };
            act_on_case(
                conn,
                letters.documents,
                ActOnCase {
                    case: &current,
                    read_version: None,
                    actor,
                    time: ActionTime::Reported(at),
                    public_text: None,
                    action,
                },
            )
            .await?;
        }
        Ok(())
    });
    outcome?;
    Ok(())
}

/// A plausible decision for a demo case: most are permits, some with conditions, a few refusals.
fn demo_decision(index: usize, title: &str) -> DecisionInput {
    let outcome = match index % 4 {
        0 | 1 => Outcome::Approved,
        2 => Outcome::ApprovedWithConditions,
        _ => Outcome::Refused,
    };
    let conditions = if outcome == Outcome::ApprovedWithConditions {
        vec![
            "Tagvand skal nedsives på egen grund.".to_string(),
            "Byggeriet skal færdigmeldes senest 14 dage efter, at det er afsluttet.".to_string(),
        ]
    } else {
        Vec::new()
    };
    let text = match outcome {
        Outcome::Refused => format!(
            "Kommunen giver afslag på ansøgningen om {}. Projektet overholder ikke              bebyggelsesprocenten i lokalplanen, og der er ikke grundlag for at give dispensation.",
            title.to_lowercase()
        ),
        _ => format!(
            "Kommunen giver tilladelse til {} som ansøgt og beskrevet i ansøgningen med              tilhørende tegninger. Tilladelsen bortfalder, hvis arbejdet ikke er påbegyndt              inden et år.",
            title.to_lowercase()
        ),
    };
    DecisionInput {
        outcome,
        heading: format!("{}: {}", outcome.letter_label(), title),
        text,
        conditions,
        legal_basis: "Byggeloven og bygningsreglementet (BR18).".to_string(),
    }
}

fn authority_town(code: i32) -> &'static str {
    match code {
        101 => "1620 København V",
        851 => "9000 Aalborg",
        751 => "8000 Aarhus C",
        461 => "5000 Odense C",
        147 => "2000 Frederiksberg",
        561 => "6700 Esbjerg",
        _ => "Danmark",
    }
}
