//! `WhatsMark` `SaaS` tenant API v2 (`shared/api/whatsmark.openapi.yaml`): the 16 fields
//! of `ContactCreate` and what the API can and cannot do.

use super::{Capabilities, KeyHeader, Role, Spec};
use crate::contact::fields::{CatalogKind as C, FieldKind as K, FieldSpec as F};

/// `WhatsMark` contact types.
pub const CONTACT_TYPES: &[&str] = &["lead", "customer", "guest"];

/// The 16 `WhatsMark` create fields (`ContactCreate`).
static FIELDS: &[F] = &[
    F::new("firstname", "First name", Role::FirstName, K::Text)
        .required()
        .max(255),
    F::new("lastname", "Last name", Role::LastName, K::Text)
        .required()
        .max(255),
    F::new("phone", "Phone", Role::Phone, K::Phone)
        .required()
        .max(20),
    F::new("email", "Email", Role::Email, K::Email).max(191),
    F::new("company", "Company", Role::Company, K::Text).max(255),
    F::new("type", "Type", Role::Type, K::Enum(CONTACT_TYPES)).required(),
    F::new(
        "source_id",
        "Source",
        Role::Source,
        K::SinglePick(C::Sources),
    )
    .required(),
    F::new(
        "status_id",
        "Status",
        Role::Status,
        K::SinglePick(C::Statuses),
    )
    .required(),
    F::new("groups", "Groups", Role::Labels, K::MultiPick(C::Groups)),
    F::new(
        "assigned_id",
        "Assigned to",
        Role::Assignee,
        K::SinglePick(C::Assignees),
    ),
    F::new(
        "country_id",
        "Country",
        Role::Country,
        K::SinglePick(C::Countries),
    ),
    F::new("address", "Address", Role::Address, K::Text).max(500),
    F::new("city", "City", Role::City, K::Text).max(255),
    F::new("state", "State", Role::Region, K::Text).max(255),
    F::new("zip", "ZIP / postal code", Role::Zip, K::Text).max(20),
    F::new("description", "Description", Role::Notes, K::MultiLine),
];

/// `WhatsMark` as data.
pub(super) static SPEC: Spec = Spec {
    name: "whatsmark",
    fields: FIELDS,
    same: &[(Role::WhatsApp, Role::Phone)],
    near: &[(Role::Stage, Role::Status)],
    marks: &[('#', Role::Labels), ('@', Role::Status)],
    unique: &[Role::Phone, Role::Email],
    profile_keys: &["assignees", "countries"],
    default_base_url: None,
    key_header: KeyHeader::Bearer,
    caps: Capabilities {
        search: true,
        lists_catalogs: true,
        reports_usage: true,
        monthly_quota_estimate: false,
        rate_limit_headers: true,
        integer_ids: true,
        import_jobs: 8,
    },
};
