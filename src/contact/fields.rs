//! Field specs as data: every documented field of each flavour, with its label, kind,
//! whether it is required and its maximum length, as the contracts in `shared/api/` say.

use serde::{Deserialize, Serialize};

/// One CRM API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// Wipsy CRM API 1.1.0: `x-api-key`, 14 create fields.
    Wipsy,
    /// `WhatsMark` `SaaS` tenant API v2: bearer token, 16 create fields.
    Whatsmark,
}

impl Flavour {
    /// The name used in config files and on screen.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wipsy => "wipsy",
            Self::Whatsmark => "whatsmark",
        }
    }

    /// Every documented create field, in contract order.
    #[must_use]
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Self::Wipsy => WIPSY,
            Self::Whatsmark => WHATSMARK,
        }
    }

    /// The spec of one field by its contract key.
    #[must_use]
    pub fn field(self, key: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// "First Last" of a draft, trimmed ("" when both are empty).
    #[must_use]
    pub fn full_name(self, draft: &super::Draft) -> String {
        let (first, last) = match self {
            Self::Wipsy => ("name", "last_name"),
            Self::Whatsmark => ("firstname", "lastname"),
        };
        format!("{} {}", draft.get(first).trim(), draft.get(last).trim())
            .trim()
            .to_owned()
    }
}

impl std::fmt::Display for Flavour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A catalog a picked field chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    /// Wipsy pipeline stages.
    Stages,
    /// Wipsy tags.
    Tags,
    /// WhatsMark sources.
    Sources,
    /// WhatsMark statuses.
    Statuses,
    /// WhatsMark groups.
    Groups,
    /// Countries (WhatsMark `country_id`).
    Countries,
    /// Staff users (WhatsMark `assigned_id`).
    Assignees,
}

impl CatalogKind {
    /// One entry of this catalog, in words ("source", "staff member").
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Self::Stages => "stage",
            Self::Tags => "tag",
            Self::Sources => "source",
            Self::Statuses => "status",
            Self::Groups => "group",
            Self::Countries => "country",
            Self::Assignees => "staff member",
        }
    }
}

/// How a field is edited and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines (notes, description).
    MultiLine,
    /// An email address.
    Email,
    /// A phone number, normalised to E.164.
    Phone,
    /// An http(s) URL.
    Url,
    /// One of fixed values.
    Enum(&'static [&'static str]),
    /// One id from a catalog.
    SinglePick(CatalogKind),
    /// Several ids from a catalog.
    MultiPick(CatalogKind),
    /// Wipsy custom fields, each typed by its definition.
    CustomFields,
}

/// Where a field sits on the form: name and phone first, then contact details, CRM
/// data, address, and last notes and custom fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Name and phone.
    Identity,
    /// Email, company, WhatsApp id, picture.
    Details,
    /// Stage, tags, type, source, status, groups, assignee, country.
    Crm,
    /// Street address, city, region, postal code.
    Address,
    /// Notes, description and custom fields.
    Notes,
}

/// One documented create field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The contract's JSON key.
    pub key: &'static str,
    /// Label on the form.
    pub label: &'static str,
    /// Editor and checks.
    pub kind: FieldKind,
    /// Whether a create needs it.
    pub required: bool,
    /// Maximum length in characters, where documented.
    pub max_len: Option<usize>,
    /// Form section.
    pub section: Section,
}

const fn f(
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    required: bool,
    max_len: Option<usize>,
    section: Section,
) -> FieldSpec {
    FieldSpec {
        key,
        label,
        kind,
        required,
        max_len,
        section,
    }
}

use CatalogKind as C;
use FieldKind as K;
use Section as S;

/// WhatsMark contact types.
pub const CONTACT_TYPES: &[&str] = &["lead", "customer", "guest"];

/// The 14 Wipsy create fields (`ContactCreate` in `wipsy.openapi.yaml`).
pub static WIPSY: &[FieldSpec] = &[
    f("name", "First name", K::Text, true, None, S::Identity),
    f("last_name", "Last name", K::Text, false, None, S::Identity),
    f("phone", "Phone", K::Phone, false, None, S::Identity),
    f("email", "Email", K::Email, false, None, S::Details),
    f(
        "whatsapp_id",
        "WhatsApp ID",
        K::Text,
        false,
        None,
        S::Details,
    ),
    f("company", "Company", K::Text, false, None, S::Details),
    f(
        "profile_picture_url",
        "Profile picture URL",
        K::Url,
        false,
        None,
        S::Details,
    ),
    f(
        "pipeline_stage_id",
        "Pipeline stage",
        K::SinglePick(C::Stages),
        false,
        None,
        S::Crm,
    ),
    f("tags", "Tags", K::MultiPick(C::Tags), false, None, S::Crm),
    f("address", "Address", K::Text, false, None, S::Address),
    f("city", "City", K::Text, false, None, S::Address),
    f("province", "Province", K::Text, false, None, S::Address),
    f("notes", "Notes", K::MultiLine, false, None, S::Notes),
    f(
        "custom_fields",
        "Custom fields",
        K::CustomFields,
        false,
        None,
        S::Notes,
    ),
];

/// The 16 WhatsMark create fields (`ContactCreate` in `whatsmark.openapi.yaml`).
pub static WHATSMARK: &[FieldSpec] = &[
    f(
        "firstname",
        "First name",
        K::Text,
        true,
        Some(255),
        S::Identity,
    ),
    f(
        "lastname",
        "Last name",
        K::Text,
        true,
        Some(255),
        S::Identity,
    ),
    f("phone", "Phone", K::Phone, true, Some(20), S::Identity),
    f("email", "Email", K::Email, false, Some(191), S::Details),
    f("company", "Company", K::Text, false, Some(255), S::Details),
    f("type", "Type", K::Enum(CONTACT_TYPES), true, None, S::Crm),
    f(
        "source_id",
        "Source",
        K::SinglePick(C::Sources),
        true,
        None,
        S::Crm,
    ),
    f(
        "status_id",
        "Status",
        K::SinglePick(C::Statuses),
        true,
        None,
        S::Crm,
    ),
    f(
        "groups",
        "Groups",
        K::MultiPick(C::Groups),
        false,
        None,
        S::Crm,
    ),
    f(
        "assigned_id",
        "Assigned to",
        K::SinglePick(C::Assignees),
        false,
        None,
        S::Crm,
    ),
    f(
        "country_id",
        "Country",
        K::SinglePick(C::Countries),
        false,
        None,
        S::Crm,
    ),
    f("address", "Address", K::Text, false, Some(500), S::Address),
    f("city", "City", K::Text, false, Some(255), S::Address),
    f("state", "State", K::Text, false, Some(255), S::Address),
    f(
        "zip",
        "ZIP / postal code",
        K::Text,
        false,
        Some(20),
        S::Address,
    ),
    f(
        "description",
        "Description",
        K::MultiLine,
        false,
        None,
        S::Notes,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_field_is_specified_once() {
        assert_eq!(Flavour::Wipsy.fields().len(), 14);
        assert_eq!(Flavour::Whatsmark.fields().len(), 16);
        for flavour in [Flavour::Wipsy, Flavour::Whatsmark] {
            let mut keys: Vec<_> = flavour.fields().iter().map(|f| f.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), flavour.fields().len());
            let sections: Vec<_> = flavour.fields().iter().map(|f| f.section).collect();
            assert!(sections.is_sorted(), "{flavour} fields are in form order");
        }
        let required: Vec<_> = WHATSMARK
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key)
            .collect();
        assert_eq!(
            required,
            [
                "firstname",
                "lastname",
                "phone",
                "type",
                "source_id",
                "status_id"
            ]
        );
        assert_eq!(Flavour::Wipsy.field("name").map(|f| f.required), Some(true));
    }
}
