//! Wipsy CRM API 1.1.0 (`shared/api/wipsy.openapi.yaml`): the 14 fields of
//! `ContactCreate` and what the API can and cannot do.

use super::{Capabilities, KeyHeader, Role, Role as R, Spec};
use crate::contact::fields::{CatalogKind as C, FieldKind as K, FieldSpec as F};

/// The 14 Wipsy create fields (`ContactCreate`), in contract and form order.
#[rustfmt::skip]
static FIELDS: &[F] = &[
    F::new("name",                "First name",          R::FirstName, K::Text).required(),
    F::new("last_name",           "Last name",           R::LastName,  K::Text),
    F::new("phone",               "Phone",               R::Phone,     K::Phone),
    F::new("email",               "Email",               R::Email,     K::Email),
    F::new("whatsapp_id",         "WhatsApp ID",         R::WhatsApp,  K::Text),
    F::new("company",             "Company",             R::Company,   K::Text),
    F::new("profile_picture_url", "Profile picture URL", R::Picture,   K::Url),
    F::new("pipeline_stage_id",   "Pipeline stage",      R::Stage,     K::SinglePick(C::Stages)),
    F::new("tags",                "Tags",                R::Labels,    K::MultiPick(C::Tags)),
    F::new("address",             "Address",             R::Address,   K::Text),
    F::new("city",                "City",                R::City,      K::Text),
    F::new("province",            "Province",            R::Region,    K::Text),
    F::new("notes",               "Notes",               R::Notes,     K::MultiLine),
    F::new("custom_fields",       "Custom fields",       R::Custom,    K::CustomFields),
];

/// Wipsy as data.
pub(super) static SPEC: Spec = Spec {
    name: "wipsy",
    title: "Wipsy",
    fields: FIELDS,
    same: &[],
    near: &[(Role::Status, Role::Stage)],
    marks: &[('#', Role::Labels), ('@', Role::Stage)],
    unique: &[Role::Phone],
    defaults: &[],
    profile_keys: &[
        "monthly_contact_limit",
        "tags",
        "tags_file",
        "stages",
        "stages_file",
        "custom_fields",
        "custom_fields_file",
    ],
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
        typed_custom_values: false,
        updates: false,
    },
};
