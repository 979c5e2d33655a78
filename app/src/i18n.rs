//! Languages: Danish (the default) and English. Every visible text lives in a translation file
//! (`app/locales/{da,en}.json`, flat keys) and is looked up here; dates and numbers are written
//! the way the chosen language writes them.

use chrono::{Datelike, NaiveDate, NaiveTime};
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

/// A language the site is available in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Locale {
    #[default]
    Da,
    En,
}

/// The name of the cookie that remembers the chosen language.
pub const LANGUAGE_COOKIE: &str = "sagsspor_sprog";

type Catalogue = HashMap<String, String>;

fn load(source: &str) -> Catalogue {
    // The files are compiled in and checked by the tests, so a parse failure cannot reach a
    // running server; an empty catalogue (keys shown as-is) is the harmless fallback.
    serde_json::from_str(source).unwrap_or_default()
}

static DANISH: LazyLock<Catalogue> = LazyLock::new(|| load(include_str!("../locales/da.json")));
static ENGLISH: LazyLock<Catalogue> = LazyLock::new(|| load(include_str!("../locales/en.json")));

const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Locale {
    /// Every language, Danish first.
    pub const ALL: [Locale; 2] = [Locale::Da, Locale::En];

    /// The ISO 639-1 code, as used in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Da => "da",
            Locale::En => "en",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Da => "Dansk",
            Locale::En => "English",
        }
    }

    /// The language with this code.
    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "da" => Some(Locale::Da),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    fn catalogue(self) -> &'static Catalogue {
        match self {
            Locale::Da => &DANISH,
            Locale::En => &ENGLISH,
        }
    }

    /// The text of a key. A missing key shows itself (and is logged), so a gap is visible
    /// rather than blank; the tests keep both catalogues complete.
    pub fn t(self, key: &'static str) -> &'static str {
        match self.catalogue().get(key) {
            Some(text) => text.as_str(),
            None => {
                tracing::warn!(key, locale = self.code(), "missing translation");
                key
            }
        }
    }

    /// Whether the catalogue has the key (the tests ask it of every code that becomes a text).
    pub fn has(self, key: &str) -> bool {
        self.catalogue().contains_key(key)
    }

    /// The text of a key built at run time (e.g. a field's label key); a missing key shows itself.
    pub fn t_owned(self, key: &str) -> String {
        match self.catalogue().get(key) {
            Some(text) => text.clone(),
            None => {
                tracing::warn!(key, locale = self.code(), "missing translation");
                key.to_string()
            }
        }
    }

    /// The text of a key with `{name}` placeholders filled in.
    pub fn tf(self, key: &'static str, args: &[(&str, &dyn Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// A number of days: "1 dag", "3 dage"; "1 day", "3 days".
    pub fn days(self, n: i64) -> String {
        let key = if n.abs() == 1 {
            "days.one"
        } else {
            "days.other"
        };
        self.tf(key, &[("n", &n)])
    }

    /// A date in words: "27. november 2026" or "27 November 2026".
    pub fn date_long(self, date: NaiveDate) -> String {
        let month = date.month0() as usize;
        match self {
            Locale::Da => format!("{}. {} {}", date.day(), MONTHS_DA[month], date.year()),
            Locale::En => format!("{} {} {}", date.day(), MONTHS_EN[month], date.year()),
        }
    }

    /// A date in digits: "27.11.2026" (Danish) or "27/11/2026" (British English).
    pub fn date_short(self, date: NaiveDate) -> String {
        match self {
            Locale::Da => date.format("%d.%m.%Y").to_string(),
            Locale::En => date.format("%d/%m/%Y").to_string(),
        }
    }

    /// A time of day: "14.05" in Danish, "14:05" in English.
    pub fn time(self, time: NaiveTime) -> String {
        match self {
            Locale::Da => time.format("%H.%M").to_string(),
            Locale::En => time.format("%H:%M").to_string(),
        }
    }

    /// The language chosen by a `Cookie` header's value, Danish when none is chosen.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANGUAGE_COOKIE)
            .and_then(|(_, value)| Locale::parse(value))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}'))
            .map(|(name, _)| name.to_string())
            .collect()
    }

    #[test]
    fn both_catalogues_parse_and_have_the_same_keys() {
        let da: Catalogue = serde_json::from_str(include_str!("../locales/da.json")).unwrap();
        let en: Catalogue = serde_json::from_str(include_str!("../locales/en.json")).unwrap();
        let only_da: Vec<_> = da.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !da.contains_key(*k)).collect();
        assert!(only_da.is_empty(), "keys only in Danish: {only_da:?}");
        assert!(only_en.is_empty(), "keys only in English: {only_en:?}");
        for (key, danish) in &da {
            assert!(
                !danish.trim().is_empty() && !en[key].trim().is_empty(),
                "{key} is empty"
            );
            assert_eq!(
                placeholders(danish),
                placeholders(&en[key]),
                "placeholders of {key} differ"
            );
        }
    }

    #[test]
    fn every_key_used_in_the_code_exists() {
        // Every string literal passed to `.t(`/`.tf(` in the sources must be a catalogue key.
        let da: Catalogue = serde_json::from_str(include_str!("../locales/da.json")).unwrap();
        let mut missing = Vec::new();
        for path in rust_sources(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))) {
            let source = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".tf(\""] {
                for piece in source.split(call).skip(1) {
                    if let Some((key, _)) = piece.split_once('"') {
                        if key.contains('.') && !da.contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:?}"
        );
    }

    fn rust_sources(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(rust_sources(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn dates_days_and_placeholders_follow_the_language() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(Locale::Da.date_long(date), "27. november 2026");
        assert_eq!(Locale::En.date_long(date), "27 November 2026");
        assert_eq!(Locale::Da.date_short(date), "27.11.2026");
        assert_eq!(Locale::Da.days(1), "1 dag");
        assert_eq!(Locale::Da.days(3), "3 dage");
        assert_eq!(Locale::En.days(1), "1 day");
        assert_eq!(
            Locale::En.tf("goal.missed", &[("days", &Locale::En.days(4))]),
            "The service goal was exceeded by 4 days"
        );
        assert_eq!(
            Locale::Da.time(NaiveTime::from_hms_opt(9, 5, 0).unwrap()),
            "09.05"
        );
    }

    #[test]
    fn the_cookie_chooses_the_language_and_danish_is_the_default() {
        assert_eq!(
            Locale::from_cookie_header("a=b; sagsspor_sprog=en"),
            Locale::En
        );
        assert_eq!(Locale::from_cookie_header("sagsspor_sprog=xx"), Locale::Da);
        assert_eq!(Locale::from_cookie_header(""), Locale::Da);
    }
}
