//! `WhatsMark` `SaaS` tenant API v2 (`shared/api/whatsmark.openapi.yaml`): the 16 fields
//! of `ContactCreate` and what the API can and cannot do.

use super::{Capabilities, KeyHeader, Role, Role as R, Spec};
use crate::contact::fields::{CatalogKind as C, FieldKind as K, FieldSpec as F};

/// `WhatsMark` contact types.
pub const CONTACT_TYPES: &[&str] = &["lead", "customer", "guest"];

/// The 16 `WhatsMark` create fields (`ContactCreate`), in contract and form order. Lengths
/// are the tenant table's column widths (the contract's `maxLength`), narrower than the
/// API's validator: a longer value passes validation and fails at INSERT with a 500.
#[rustfmt::skip]
static FIELDS: &[F] = &[
    F::new("firstname",   "First name",        R::FirstName, K::Text).required().max(191),
    F::new("lastname",    "Last name",         R::LastName,  K::Text).required().max(191),
    F::new("phone",       "Phone",             R::Phone,     K::Phone).required().max(20),
    F::new("email",       "Email",             R::Email,     K::Email).max(191),
    F::new("company",     "Company",           R::Company,   K::Text).max(191),
    F::new("type",        "Type",              R::Type,      K::Enum(CONTACT_TYPES)).required(),
    F::new("source_id",   "Source",            R::Source,    K::SinglePick(C::Sources)).required(),
    F::new("status_id",   "Status",            R::Status,    K::SinglePick(C::Statuses)).required(),
    F::new("groups",      "Groups",            R::Labels,    K::MultiPick(C::Groups)),
    F::new("assigned_id", "Assigned to",       R::Assignee,  K::SinglePick(C::Assignees)).max_id(9_223_372_036_854_775_807),
    F::new("country_id",  "Country",           R::Country,   K::SinglePick(C::Countries)).max_id(2_147_483_647),
    F::new("address",     "Address",           R::Address,   K::Text).max(500),
    F::new("city",        "City",              R::City,      K::Text).max(100),
    F::new("state",       "State",             R::Region,    K::Text).max(100),
    F::new("zip",         "ZIP / postal code", R::Zip,       K::Text).max(15),
    F::new("description", "Description",       R::Notes,     K::MultiLine),
];

/// `WhatsMark` as data.
pub(super) static SPEC: Spec = Spec {
    name: "whatsmark",
    title: "WhatsMark",
    fields: FIELDS,
    same: &[(Role::WhatsApp, Role::Phone)],
    near: &[(Role::Stage, Role::Status)],
    marks: &[('#', Role::Labels), ('@', Role::Status)],
    unique: &[Role::Phone, Role::Email],
    // The contract: a client defaults type to lead and offers guest only as an explicit
    // choice (some tenants' tables refuse guest).
    defaults: &[("type", "lead")],
    profile_keys: &["assignees", "assignees_file", "countries", "countries_file"],
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
        typed_custom_values: false,
        updates: true,
    },
};
