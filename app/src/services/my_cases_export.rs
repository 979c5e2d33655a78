//! *Mine sager* as data: the rows of the JSON and CSV downloads and the events of the calendar
//! feed, for one applicant (a citizen or every employee of a business), computed from the same
//! case folders and clock as the pages.

use crate::csv::{Cell, CsvFormat, CsvWriter};
use crate::db::cases::{ApplicantFilter, Case};
use crate::db::{Conn, DbError};
use crate::domain::lifecycle::CaseState;
use crate::i18n::Locale;
use crate::services::case_view::CaseFolder;
use crate::texts;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;

/// At most this many cases are exported (as many as *Mine sager* shows).
const LIMIT: i64 = 1000;

/// One case as exported. Codes are stable (for programs); the labels are Danish (for people).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportRow {
    pub reference: String,
    pub case_type_code: String,
    pub case_type: String,
    pub title: String,
    pub authority_code: i32,
    pub authority: String,
    pub state: String,
    pub state_label: String,
    pub phase: Option<String>,
    pub phase_label: Option<String>,
    /// `authority`, `applicant` or `nobody`.
    pub must_act: String,
    pub must_act_label: String,
    pub submitted_on: Option<NaiveDate>,
    pub expected_decision_on: Option<NaiveDate>,
    pub expected_is_estimate: bool,
    pub days_with_authority: i64,
    pub days_with_applicant: i64,
}

/// An all-day date in the applicant's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    /// Stable across feeds, so a calendar updates the event instead of adding another.
    pub uid: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// The submitted cases of this applicant with their folders, most recently changed first.
async fn folders(
    conn: &mut Conn,
    applicant: &ApplicantFilter<'_>,
    now: NaiveDateTime,
) -> Result<Vec<CaseFolder>, DbError> {
    let cases = Case::for_applicant(conn, applicant, None, None, LIMIT).await?;
    let mut folders = Vec::with_capacity(cases.len());
    // One folder per case: a handful of queries each, for one applicant's cases only.
    for case in cases.into_iter().filter(|c| c.reference.is_some()) {
        folders.push(CaseFolder::for_case(conn, case, now).await?);
    }
    Ok(folders)
}

/// The export rows of this applicant's submitted cases.
pub async fn rows(
    conn: &mut Conn,
    applicant: &ApplicantFilter<'_>,
    now: NaiveDateTime,
) -> Result<Vec<ExportRow>, DbError> {
    let locale = Locale::Da;
    Ok(folders(conn, applicant, now)
        .await?
        .into_iter()
        .map(|folder| {
            let case = &folder.case;
            let lifecycle = case.lifecycle();
            let phase = lifecycle.phase();
            let must_act = case.must_act_party();
            ExportRow {
                reference: case.reference.clone().unwrap_or_default(),
                case_type_code: case.case_type_code.clone(),
                case_type: folder.case_type.name(locale),
                title: case.title.clone(),
                authority_code: case.authority_code,
                authority: folder.authority.name.clone(),
                state: case.state.clone(),
                state_label: texts::state_label(locale, lifecycle.state).to_string(),
                phase: phase.map(|p| p.as_str().to_string()),
                phase_label: phase.map(|p| texts::phase_label(locale, p).to_string()),
                must_act: must_act.as_str().to_string(),
                must_act_label: texts::party_label(locale, must_act).to_string(),
                submitted_on: folder.figures.submitted_on,
                expected_decision_on: folder.figures.expected.as_ref().map(|e| e.date),
                expected_is_estimate: folder
                    .figures
                    .expected
                    .as_ref()
                    .is_some_and(|e| e.is_estimate),
                days_with_authority: folder.figures.authority_days,
                days_with_applicant: folder.figures.applicant_days,
            }
        })
        .collect())
}

/// The CSV columns, in Danish: the file is for people opening it in a spreadsheet.
const CSV_HEADER: [&str; 11] = [
    "Sagsnummer",
    "Type",
    "Titel",
    "Myndighed",
    "Status",
    "Fase",
    "Skal handle",
    "Indsendt",
    "Forventet afgørelse",
    "Dage hos myndigheden",
    "Dage hos ansøgeren",
];

/// The rows as CSV for a spreadsheet in Denmark.
///
/// Danish Excel reads a `.csv` with the list separator of the Danish regional settings, which is
/// `;` (the comma is the decimal separator), so a comma-separated file opens as one column.
/// Without a byte order mark Excel assumes the Windows code page and shows `æøå` as mojibake, so
/// the file starts with the UTF-8 BOM (LibreOffice and programs that read UTF-8 skip it). Lines
/// end in CRLF as RFC 4180 says; dates are ISO 8601, which Excel recognises as dates.
pub fn to_csv(rows: &[ExportRow]) -> String {
    let format = CsvFormat {
        separator: ';',
        quote_all_text: false,
        line_end: "\r\n",
    };
    let mut csv = CsvWriter::new(format, "\u{feff}");
    csv.header(&CSV_HEADER);
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for row in rows {
        let (submitted, expected) = (date(row.submitted_on), date(row.expected_decision_on));
        let (authority_days, applicant_days) = (
            row.days_with_authority.to_string(),
            row.days_with_applicant.to_string(),
        );
        csv.row(&[
            Cell::Value(&row.reference),
            Cell::Text(&row.case_type),
            Cell::Text(&row.title),
            Cell::Text(&row.authority),
            Cell::Text(&row.state_label),
            Cell::Text(row.phase_label.as_deref().unwrap_or_default()),
            Cell::Text(&row.must_act_label),
            Cell::Value(&submitted),
            Cell::Value(&expected),
            Cell::Value(&authority_days),
            Cell::Value(&applicant_days),
        ]);
    }
    csv.finish()
}

/// The calendar's dates: each open information request's deadline (one event per request and
/// deadline) and the expected decision date of each open case.
pub async fn calendar_entries(
    conn: &mut Conn,
    applicant: &ApplicantFilter<'_>,
    now: NaiveDateTime,
) -> Result<Vec<CalendarEntry>, DbError> {
    let locale = Locale::Da;
    let mut entries = Vec::new();
    for folder in folders(conn, applicant, now).await? {
        let case = &folder.case;
        let state = case.case_state();
        let open = !matches!(
            state,
            CaseState::Decided | CaseState::Closed | CaseState::Withdrawn | CaseState::Draft
        );
        if !open {
            continue;
        }
        let reference = case.reference.clone().unwrap_or_default();
        let case_type = folder.case_type.name(locale);
        for request in &folder.requests {
            let deadlines: BTreeSet<NaiveDate> = request
                .items
                .iter()
                .filter(|item| item.is_open())
                .map(|item| item.deadline)
                .collect();
            for deadline in deadlines {
                entries.push(CalendarEntry {
                    uid: format!("frist-{}-{}@sagsspor", request.request.id, deadline),
                    date: deadline,
                    summary: format!("Frist: svar til {} (sag {reference})", folder.authority.name),
                    description: format!(
                        "{} har bedt om oplysninger i sag {reference} ({case_type}). Svar i Sagsspor senest denne dag.",
                        folder.authority.name
                    ),
                });
            }
        }
        if let Some(expected) = &folder.figures.expected {
            entries.push(CalendarEntry {
                uid: format!("afgoerelse-{}@sagsspor", case.id),
                date: expected.date,
                summary: format!("Forventet afgørelse i sag {reference}"),
                description: format!(
                    "{} forventer at træffe afgørelse i sag {reference} ({case_type}){}.",
                    folder.authority.name,
                    if expected.is_estimate { " (skøn)" } else { "" }
                ),
            });
        }
    }
    Ok(entries)
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line is longer than 75 octets (RFC 5545 §3.1):
/// a continuation line starts with a space, and a fold never splits a UTF-8 character.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The entries as an iCalendar feed (RFC 5545) of all-day events.
pub fn to_ics(entries: &[CalendarEntry], now: NaiveDateTime) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sagsspor//Mine sager//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Sagsspor",
    ] {
        push_folded(&mut out, line);
    }
    for entry in entries {
        let next_day = entry.date.succ_opt().unwrap_or(entry.date);
        for line in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", ics_text(&entry.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", entry.date.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.format("%Y%m%d")),
            format!("SUMMARY:{}", ics_text(&entry.summary)),
            format!("DESCRIPTION:{}", ics_text(&entry.description)),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ] {
            push_folded(&mut out, &line);
        }
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod ics_tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let entry = CalendarEntry {
            uid: "x@sagsspor".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            summary: "æøå; ".repeat(40),
            description: "a,b\nc".into(),
        };
        let ics = to_ics(&[entry], NaiveDateTime::default());
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(ics.contains("DESCRIPTION:a\\,b\\nc"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
