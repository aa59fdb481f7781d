//! Wipsy CRM API 1.1.0 (`shared/api/wipsy.openapi.yaml`): the 14 fields of
//! `ContactCreate` and what the API can and cannot do.

use super::{Capabilities, KeyHeader, Role, Spec};
use crate::contact::fields::{CatalogKind as C, FieldKind as K, FieldSpec as F};

/// The 14 Wipsy create fields (`ContactCreate`).
static FIELDS: &[F] = &[
    F::new("name", "First name", Role::FirstName, K::Text).required(),
    F::new("last_name", "Last name", Role::LastName, K::Text),
    F::new("phone", "Phone", Role::Phone, K::Phone),
    F::new("email", "Email", Role::Email, K::Email),
    F::new("whatsapp_id", "WhatsApp ID", Role::WhatsApp, K::Text),
    F::new("company", "Company", Role::Company, K::Text),
    F::new(
        "profile_picture_url",
        "Profile picture URL",
        Role::Picture,
        K::Url,
    ),
    F::new(
        "pipeline_stage_id",
        "Pipeline stage",
        Role::Stage,
        K::SinglePick(C::Stages),
    ),
    F::new("tags", "Tags", Role::Labels, K::MultiPick(C::Tags)),
    F::new("address", "Address", Role::Address, K::Text),
    F::new("city", "City", Role::City, K::Text),
    F::new("province", "Province", Role::Region, K::Text),
    F::new("notes", "Notes", Role::Notes, K::MultiLine),
    F::new(
        "custom_fields",
        "Custom fields",
        Role::Custom,
        K::CustomFields,
    ),
];

/// Wipsy as data.
pub(super) static SPEC: Spec = Spec {
    name: "wipsy",
    fields: FIELDS,
    same: &[],
    near: &[(Role::Status, Role::Stage)],
    marks: &[('#', Role::Labels), ('@', Role::Stage)],
    unique: &[Role::Phone],
    profile_keys: &["monthly_contact_limit", "tags", "stages", "custom_fields"],
    default_base_url: Some("https://api.getwipsy.com/functions/v1"),
    key_header: KeyHeader::Plain("x-api-key"),
    caps: Capabilities {
        search: false,
        lists_catalogs: false,
        reports_usage: false,
        monthly_quota_estimate: true,
        rate_limit_headers: false,
        integer_ids: false,
        import_jobs: 4,
    },
};
