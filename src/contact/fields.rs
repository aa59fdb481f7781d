//! What a documented field is: its key and label, its role (what it holds, whatever
//! the flavour calls it), how it is edited and checked, whether it is required and its
//! maximum length. Each flavour lists its fields in its own spec (`flavour/`).

use serde::{Deserialize, Serialize};

pub use super::flavour::{Flavour, Role};

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
    /// Chatwoot labels, named by their titles (the title is the id sent).
    Labels,
    /// Chatwoot inboxes (`inbox_id`).
    Inboxes,
}

impl CatalogKind {
    /// Every catalog list, in declaration order.
    pub const ALL: [Self; 9] = [
        Self::Stages,
        Self::Tags,
        Self::Sources,
        Self::Statuses,
        Self::Groups,
        Self::Countries,
        Self::Assignees,
        Self::Labels,
        Self::Inboxes,
    ];

    /// Whether an entry is sent by its name (Chatwoot labels: their titles), never as a
    /// number even where the flavour's ids are integers (a label titled "2024").
    #[must_use]
    pub fn by_name(self) -> bool {
        matches!(self, Self::Labels)
    }

    /// Whether this catalog is only learned from contacts and the profile, never listed
    /// whole by its API (Chatwoot inboxes: the contract has no list of them), so an id it
    /// does not hold is not refused here.
    #[must_use]
    pub fn learned_only(self) -> bool {
        matches!(self, Self::Inboxes)
    }

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
            Self::Labels => "label",
            Self::Inboxes => "inbox",
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
    /// Custom fields (Wipsy) or attributes (Chatwoot), each typed by its definition.
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
    /// What the field holds, whatever the flavour calls it.
    pub role: Role,
    /// Editor and checks.
    pub kind: FieldKind,
    /// Whether a create needs it.
    pub required: bool,
    /// Maximum length in characters, where documented (the table's column width where it
    /// is narrower than the API's validator).
    pub max_len: Option<usize>,
    /// The largest id an integer id field takes (its column's range), where documented.
    pub max_id: Option<u64>,
    /// Set on a create only: an update cannot change it (Chatwoot's `inbox_id`).
    pub create_only: bool,
    /// Form section (from the role).
    pub section: Section,
}

impl FieldSpec {
    /// An optional field with no documented length limit.
    #[must_use]
    pub const fn new(key: &'static str, label: &'static str, role: Role, kind: FieldKind) -> Self {
        Self {
            key,
            label,
            role,
            kind,
            required: false,
            max_len: None,
            max_id: None,
            create_only: false,
            section: role.section(),
        }
    }

    /// The same field, required by a create.
    #[must_use]
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The same field, at most `n` characters long.
    #[must_use]
    pub const fn max(mut self, n: usize) -> Self {
        self.max_len = Some(n);
        self
    }

    /// The same field, its ids at most `n` (an INT column: 2,147,483,647).
    #[must_use]
    pub const fn max_id(mut self, n: u64) -> Self {
        self.max_id = Some(n);
        self
    }

    /// The same field, set on a create only.
    #[must_use]
    pub const fn create_only(mut self) -> Self {
        self.create_only = true;
        self
    }

    /// The catalog a picked field chooses from.
    #[must_use]
    pub fn catalog(&self) -> Option<CatalogKind> {
        match self.kind {
            FieldKind::SinglePick(k) | FieldKind::MultiPick(k) => Some(k),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_field_is_specified_once() {
        assert_eq!(Flavour::Wipsy.fields().len(), 14);
        assert_eq!(Flavour::Whatsmark.fields().len(), 16);
        for flavour in Flavour::ALL {
            let mut keys: Vec<_> = flavour.fields().iter().map(|f| f.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), flavour.fields().len());
            let mut roles: Vec<_> = flavour.fields().iter().map(|f| f.role).collect();
            roles.sort_unstable();
            roles.dedup();
            assert_eq!(
                roles.len(),
                flavour.fields().len(),
                "{flavour}: one field a role"
            );
            let sections: Vec<_> = flavour.fields().iter().map(|f| f.section).collect();
            assert!(sections.is_sorted(), "{flavour} fields are in form order");
        }
        let required: Vec<_> = Flavour::Whatsmark
            .fields()
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
