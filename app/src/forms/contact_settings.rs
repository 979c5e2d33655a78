//! The notification settings form: what the page posts, read and checked into the choices to
//! store — or the problems to show beside the fields, with everything typed kept.

use crate::db::contact_preferences::ContactPreferences;
use crate::services::notifications::{
    is_plausible_email, normalize_danish_mobile, parse_topic_list, topic_list, Channel, Topic,
};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

/// The field name of a topic's checkbox on a channel, e.g. `sms.decided`.
pub fn topic_field(channel: Channel, topic: Topic) -> String {
    format!("{}.{}", channel.as_str(), topic.as_str())
}

/// The form's values for stored choices (what the page shows before anything is posted).
pub fn values_of(preferences: &ContactPreferences) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    values.insert(
        "email".to_string(),
        preferences.email.clone().unwrap_or_default(),
    );
    values.insert(
        "mobil".to_string(),
        preferences.mobile.clone().unwrap_or_default(),
    );
    values.insert("sprog".to_string(), preferences.language.clone());
    if preferences.company_cases {
        values.insert("firmaets_sager".to_string(), "ja".to_string());
    }
    for (channel, list) in [
        (Channel::Email, &preferences.email_topics),
        (Channel::Sms, &preferences.sms_topics),
    ] {
        for topic in parse_topic_list(list) {
            values.insert(topic_field(channel, topic), "ja".to_string());
        }
    }
    values
}

/// Checks the posted form. `Ok` holds the choices to store; `Err` the problems as
/// (field, message code) in the order of the form.
pub fn read(
    user_id: i64,
    is_business: bool,
    values: &BTreeMap<String, String>,
    now: NaiveDateTime,
) -> Result<ContactPreferences, Vec<(String, &'static str)>> {
    let text = |name: &str| values.get(name).map(|v| v.trim()).unwrap_or_default();
    let chosen = |channel: Channel| -> Vec<Topic> {
        Topic::CHOOSABLE
            .into_iter()
            .filter(|t| values.contains_key(&topic_field(channel, *t)))
            .collect()
    };
    let email_topics = chosen(Channel::Email);
    let sms_topics = chosen(Channel::Sms);
    let mut problems = Vec::new();

    let email = text("email");
    if !email.is_empty() && !is_plausible_email(email) {
        problems.push(("email".to_string(), "settings.error.email_invalid"));
    } else if email.is_empty() && !email_topics.is_empty() {
        problems.push(("email".to_string(), "settings.error.email_missing"));
    }
    let mobile_text = text("mobil");
    let mobile = normalize_danish_mobile(mobile_text);
    if !mobile_text.is_empty() && mobile.is_none() {
        problems.push(("mobil".to_string(), "settings.error.mobile_invalid"));
    } else if mobile_text.is_empty() && !sms_topics.is_empty() {
        problems.push(("mobil".to_string(), "settings.error.mobile_missing"));
    }
    let language = match text("sprog") {
        "en" => "en",
        _ => "da",
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ContactPreferences {
        user_id,
        email: (!email.is_empty()).then(|| email.to_string()),
        mobile,
        language: language.to_string(),
        email_topics: topic_list(&email_topics),
        sms_topics: topic_list(&sms_topics),
        company_cases: is_business && values.contains_key("firmaets_sager"),
        updated_at: now,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn now() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_780_000_000, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default()
    }

    #[test]
    fn a_good_form_becomes_the_choices_to_store() {
        let values = form(&[
            ("email", " mette@example.dk "),
            ("mobil", "20 30 40 50"),
            ("sprog", "en"),
            ("email.submitted", "ja"),
            ("email.decided", "ja"),
            ("sms.deadline_reminder", "ja"),
            ("firmaets_sager", "ja"),
        ]);
        let stored = read(7, false, &values, now()).expect("valid");
        assert_eq!(stored.email.as_deref(), Some("mette@example.dk"));
        assert_eq!(stored.mobile.as_deref(), Some("+4520304050"));
        assert_eq!(stored.language, "en");
        assert_eq!(stored.email_topics, "submitted|decided");
        assert_eq!(stored.sms_topics, "deadline_reminder");
        assert!(
            !stored.company_cases,
            "only business users follow a company"
        );
        // And the page shows what was stored.
        let shown = values_of(&stored);
        assert_eq!(
            shown.get("sms.deadline_reminder").map(String::as_str),
            Some("ja")
        );
        assert!(!shown.contains_key("sms.decided"));
    }

    #[test]
    fn problems_name_their_fields() {
        let values = form(&[("email", "mette"), ("mobil", "1234"), ("sms.decided", "ja")]);
        let problems = read(7, true, &values, now()).expect_err("invalid");
        assert_eq!(
            problems,
            vec![
                ("email".to_string(), "settings.error.email_invalid"),
                ("mobil".to_string(), "settings.error.mobile_invalid"),
            ]
        );
        let missing = read(
            7,
            true,
            &form(&[("email.decided", "ja"), ("sms.decided", "ja")]),
            now(),
        )
        .expect_err("addresses missing");
        assert_eq!(
            missing,
            vec![
                ("email".to_string(), "settings.error.email_missing"),
                ("mobil".to_string(), "settings.error.mobile_missing"),
            ]
        );
        // Nothing chosen and no addresses: fine — the person hears nothing.
        assert!(read(7, true, &form(&[]), now()).is_ok());
    }
}
