//! Chatwoot Application API v1, contacts subset (`shared/api/chatwoot.openapi.yaml`): the
//! fields of `ContactCreate` a contact-entry client fills, the labels set after the
//! create, and what the API can and cannot do.
//!
//! The contact's name is one field (`name`, the full name): a first and a last name
//! typed apart are kept there together ([`Spec::same`]). `additional_attributes` is a
//! free object; the dashboard's keys are its fields here (a dotted key is a nested one
//! in the body). `blocked` and `source_id` are left out on purpose: a new contact is
//! never entered blocked, and the source id is the inbox's to make.

use super::{Capabilities, KeyHeader, Role, Role as R, Spec};
use crate::contact::fields::{CatalogKind as C, FieldKind as K, FieldSpec as F};

/// The Chatwoot fields, in form order. No lengths are documented (the model has no
/// rule), so none are checked here.
#[rustfmt::skip]
static FIELDS: &[F] = &[
    F::new("name",                                "Name",          R::FirstName,   K::Text),
    F::new("phone_number",                        "Phone",         R::Phone,       K::Phone),
    F::new("email",                               "Email",         R::Email,       K::Email),
    F::new("identifier",                          "Identifier",    R::Identifier,  K::Text),
    F::new("additional_attributes.company_name",  "Company",       R::Company,     K::Text),
    F::new("avatar_url",                          "Avatar URL",    R::Picture,     K::Url),
    F::new("inbox_id",                            "Inbox",         R::Inbox,       K::SinglePick(C::Inboxes)).max_id(2_147_483_647).create_only(),
    F::new("labels",                              "Labels",        R::Labels,      K::MultiPick(C::Labels)),
    F::new("additional_attributes.country",       "Country",       R::Country,     K::Text),
    F::new("additional_attributes.country_code",  "Country code",  R::CountryCode, K::Text).max(2),
    F::new("additional_attributes.city",          "City",          R::City,        K::Text),
    F::new("additional_attributes.description",   "Description",   R::Notes,       K::MultiLine),
    F::new("custom_attributes",                   "Custom attributes", R::Custom,  K::CustomFields),
];

/// Chatwoot as data.
pub(super) static SPEC: Spec = Spec {
    name: "chatwoot",
    title: "Chatwoot",
    fields: FIELDS,
    // One name field holds first and last name; a WhatsApp number is the phone.
    same: &[
        (Role::LastName, Role::FirstName),
        (Role::WhatsApp, Role::Phone),
    ],
    near: &[],
    marks: &[('#', Role::Labels)],
    unique: &[Role::Phone, Role::Email, Role::Identifier],
    defaults: &[],
    profile_keys: &["account_id", "inbox_id"],
    default_base_url: Some("https://app.chatwoot.com/api/v1"),
    key_header: KeyHeader::Plain("api_access_token"),
    caps: Capabilities {
        search: true,
        lists_catalogs: true,
        reports_usage: false,
        monthly_quota_estimate: false,
        rate_limit_headers: false,
        integer_ids: true,
        import_jobs: 4,
        typed_custom_values: true,
        updates: true,
    },
};
