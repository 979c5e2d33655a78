//! Applications (ansøgninger) before they are sent: drafts, what was typed into them, and
//! whether the viewer may work on them.

use crate::authorization::{is_own_case, Viewer};
use crate::db::authorities::CaseType;
use crate::db::cases::Case;
use crate::forms::application::{all_fields, FieldSpec};
use std::collections::BTreeMap;

/// The draft's values by field name: the common ones from their columns, the type's own from
/// the stored form data.
pub fn form_values(case: &Case) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> =
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&case.form_data)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect();
    values.insert("title".into(), case.title.clone());
    values.insert("property_address".into(), case.property_address.clone());
    values.insert("cadastral_number".into(), case.cadastral_number.clone());
    values.insert("description".into(), case.description.clone());
    values
}

/// Whether this viewer may work on this draft: it is a draft, and the viewer's own (the citizen
/// who started it, or anyone at the company).
pub fn may_edit_draft(viewer: &Viewer, case: &Case) -> bool {
    case.state == "draft" && case.reference.is_none() && is_own_case(viewer, case)
}

/// The form's fields for the draft's type.
pub fn fields_of(case_type: &CaseType) -> Vec<FieldSpec> {
    all_fields(&case_type.domain, &case_type.code)
}
