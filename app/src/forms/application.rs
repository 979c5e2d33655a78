//! The application form: the fields every application has, the fields of each application type,
//! and validation that reports a message key per field.

use std::collections::BTreeMap;

/// What kind of input a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// A positive number, with its unit.
    Number { unit: &'static str },
    /// One of a few values.
    Choice { options: &'static [&'static str] },
}

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The form field's name (and the key in the stored form data).
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

impl FieldSpec {
    /// The catalogue key of the field's label (`application.field.<name>`).
    pub fn label_key(&self) -> String {
        format!("application.field.{}", self.name)
    }
}

const fn field(name: &'static str, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required,
    }
}

/// The uses a building can have (they decide the service-goal category of some types).
pub const BUILDING_USES: &[&str] = &["bolig", "erhverv", "landbrug", "andet"];

/// Fields every application has.
pub const COMMON_FIELDS: &[FieldSpec] = &[
    field("title", FieldKind::Text, true),
    field("property_address", FieldKind::Text, true),
    field("cadastral_number", FieldKind::Text, true),
    field("description", FieldKind::LongText, true),
];

const BUILDING_FIELDS: &[FieldSpec] = &[
    field("built_area_m2", FieldKind::Number { unit: "m²" }, true),
    field("height_m", FieldKind::Number { unit: "m" }, true),
    field(
        "building_use",
        FieldKind::Choice {
            options: BUILDING_USES,
        },
        true,
    ),
];
const GEOTHERMAL_FIELDS: &[FieldSpec] = &[
    field("depth_m", FieldKind::Number { unit: "m" }, true),
    field("capacity_kw", FieldKind::Number { unit: "kW" }, true),
];
const TANK_FIELDS: &[FieldSpec] = &[field(
    "tank_volume_l",
    FieldKind::Number { unit: "l" },
    true,
)];

/// The fields of one application type, beyond the common ones.
pub fn type_fields(domain: &str, type_code: &str) -> &'static [FieldSpec] {
    match (domain, type_code) {
        ("building", "byg_nedrivning") => &[],
        ("building", _) => BUILDING_FIELDS,
        (_, code) if code.starts_with("mil_jordvarme") => GEOTHERMAL_FIELDS,
        (_, code) if code.starts_with("mil_olietank") || code == "mil_tank_kemikalie_stor" => {
            TANK_FIELDS
        }
        _ => &[],
    }
}

/// Every field of the form for this type, common ones first.
pub fn all_fields(domain: &str, type_code: &str) -> Vec<FieldSpec> {
    COMMON_FIELDS
        .iter()
        .chain(type_fields(domain, type_code))
        .copied()
        .collect()
}

/// Checks the values; returns field name → message key for every problem (empty: all good).
/// A draft may be saved with problems; it can only be submitted without.
pub fn validate(
    fields: &[FieldSpec],
    values: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    for spec in fields {
        let value = values.get(spec.name).map(|v| v.trim()).unwrap_or("");
        if value.is_empty() {
            if spec.required {
                errors.insert(spec.name.to_string(), "field.required".to_string());
            }
            continue;
        }
        let problem = match spec.kind {
            FieldKind::Number { .. } => match parse_number(value) {
                Some(n) if n > 0.0 && n < 1_000_000.0 => None,
                Some(_) => Some("field.number_range"),
                None => Some("field.number"),
            },
            FieldKind::Choice { options } => (!options.contains(&value)).then_some("field.choice"),
            FieldKind::LongText => (value.chars().count() < 10).then_some("field.too_short"),
            FieldKind::Text => (value.chars().count() > 200).then_some("field.too_long"),
        };
        if let Some(key) = problem {
            errors.insert(spec.name.to_string(), key.to_string());
        }
    }
    errors
}

/// A number as people write it here: "12,5" as well as "12.5".
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim()
        .replace(' ', "")
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

/// The service-goal category a case of this type counts under: its only one, or — for types
/// whose category depends on the building's use — the residential one for housing and the
/// first other one otherwise.
pub fn goal_category<'a>(categories: &[&'a str], building_use: Option<&str>) -> Option<&'a str> {
    match categories {
        [] => None,
        [only] => Some(only),
        many if building_use == Some("bolig") => many
            .iter()
            .find(|c| c.contains("residential"))
            .or(many.first())
            .copied(),
        many => many
            .iter()
            .find(|c| !c.contains("residential"))
            .or(many.first())
            .copied(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn building_types_ask_for_area_height_and_use_but_demolition_does_not() {
        let names = |d, t| all_fields(d, t).iter().map(|f| f.name).collect::<Vec<_>>();
        assert!(names("building", "byg_garage_carport_udhus").contains(&"built_area_m2"));
        assert!(!names("building", "byg_nedrivning").contains(&"built_area_m2"));
        assert!(names("environment", "mil_jordvarme_tilladelse").contains(&"depth_m"));
        assert!(names("environment", "mil_olietank_etablering").contains(&"tank_volume_l"));
        assert_eq!(
            names("environment", "mil_boring").len(),
            COMMON_FIELDS.len()
        );
    }

    #[test]
    fn validation_names_each_problem_by_field() {
        let fields = all_fields("building", "byg_garage_carport_udhus");
        let errors = validate(
            &fields,
            &values(&[
                ("title", "Carport"),
                ("description", "kort"),
                ("built_area_m2", "tolv"),
                ("height_m", "-2"),
                ("building_use", "slot"),
            ]),
        );
        assert_eq!(
            errors.get("property_address").map(String::as_str),
            Some("field.required")
        );
        assert_eq!(
            errors.get("cadastral_number").map(String::as_str),
            Some("field.required")
        );
        assert_eq!(
            errors.get("description").map(String::as_str),
            Some("field.too_short")
        );
        assert_eq!(
            errors.get("built_area_m2").map(String::as_str),
            Some("field.number")
        );
        assert_eq!(
            errors.get("height_m").map(String::as_str),
            Some("field.number_range")
        );
        assert_eq!(
            errors.get("building_use").map(String::as_str),
            Some("field.choice")
        );
        assert!(!errors.contains_key("title"));
        let good = values(&[
            ("title", "Carport"),
            ("property_address", "Engvej 1, 9000 Aalborg"),
            ("cadastral_number", "12a"),
            ("description", "En åben carport på 30 m²."),
            ("built_area_m2", "30,5"),
            ("height_m", "2.8"),
            ("building_use", "bolig"),
        ]);
        assert!(validate(&fields, &good).is_empty());
    }

    #[test]
    fn the_category_follows_the_building_use_where_the_type_has_several() {
        let office = [
            "industry_warehouse",
            "multistorey_commercial",
            "multistorey_residential",
        ];
        assert_eq!(
            goal_category(&office, Some("bolig")),
            Some("multistorey_residential")
        );
        assert_eq!(
            goal_category(&office, Some("erhverv")),
            Some("industry_warehouse")
        );
        assert_eq!(
            goal_category(&["single_family"], Some("erhverv")),
            Some("single_family")
        );
        assert_eq!(goal_category(&[], None), None);
    }
}
