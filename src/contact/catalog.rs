//! What picked fields choose from, whatever the source: the API (WhatsMark lists), the
//! profile's configuration, contacts harvested from the API (Wipsy), or bundled data
//! (countries). Plain data; fetching lives in `api::catalog`, caching in `store`.

use serde::{Deserialize, Serialize};

use super::fields::CatalogKind;

/// One choosable entry: a stage, tag, source, status, group, country or staff member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Item {
    /// The id sent to the API (uuid string for Wipsy, integer as text for WhatsMark).
    pub id: String,
    /// The name shown and matched.
    pub name: String,
    /// `#RRGGBB`, where the catalog has colours.
    pub color: Option<String>,
    /// Position (Wipsy `stage_order`).
    pub order: Option<i64>,
    /// A stage the product manages itself (Wipsy `is_system`).
    pub system: bool,
}

/// The type of a Wipsy custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomType {
    /// Free text.
    Text,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A number.
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Select,
}

impl CustomType {
    /// Reads the API's `field_type`; unknown types are edited as text.
    #[must_use]
    pub fn parse(s: &str) -> Self {
        match s {
            "email" => Self::Email,
            "phone" => Self::Phone,
            "number" => Self::Number,
            "date" => Self::Date,
            "select" => Self::Select,
            _ => Self::Text,
        }
    }
}

/// A Wipsy custom-field definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldDef {
    /// The key in `custom_fields`.
    pub id: String,
    /// `field_name`, the label.
    pub name: String,
    /// `field_type`.
    pub kind: CustomType,
    /// `field_options` of a select.
    #[serde(default)]
    pub options: Vec<String>,
    /// `is_required`.
    #[serde(default)]
    pub required: bool,
    /// `field_order`.
    #[serde(default)]
    pub order: i64,
}

/// The tenant as the API describes it (WhatsMark `GET /account`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tenant {
    /// Tenant name.
    pub name: String,
    /// Subscription plan.
    pub plan: Option<String>,
}

/// Contacts used against the plan's limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Contacts counted so far.
    pub current: i64,
    /// The limit; `None` is unlimited.
    pub limit: Option<i64>,
}

/// Everything the pickers and validators of one profile choose from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Catalog {
    /// Wipsy pipeline stages, in `stage_order`.
    pub stages: Vec<Item>,
    /// Wipsy tags.
    pub tags: Vec<Item>,
    /// WhatsMark sources.
    pub sources: Vec<Item>,
    /// WhatsMark statuses (with colours).
    pub statuses: Vec<Item>,
    /// WhatsMark groups.
    pub groups: Vec<Item>,
    /// Countries for WhatsMark `country_id`.
    pub countries: Vec<Item>,
    /// Staff for WhatsMark `assigned_id`.
    pub assignees: Vec<Item>,
    /// Wipsy custom-field definitions, in `field_order`.
    pub custom_fields: Vec<CustomFieldDef>,
    /// The tenant, when the API says.
    pub tenant: Option<Tenant>,
    /// Contact usage against the plan, when the API says.
    pub usage: Option<Usage>,
    /// When it was fetched (RFC 3339), `None` if never.
    pub fetched_at: Option<String>,
    /// Recent contacts (Wipsy, which cannot search): for the duplicate check.
    pub recent: Vec<super::duplicates::Known>,
}

impl Catalog {
    /// The entries of one catalog.
    #[must_use]
    pub fn items(&self, kind: CatalogKind) -> &[Item] {
        match kind {
            CatalogKind::Stages => &self.stages,
            CatalogKind::Tags => &self.tags,
            CatalogKind::Sources => &self.sources,
            CatalogKind::Statuses => &self.statuses,
            CatalogKind::Groups => &self.groups,
            CatalogKind::Countries => &self.countries,
            CatalogKind::Assignees => &self.assignees,
        }
    }

    /// Mutable access to one catalog's entries.
    pub fn items_mut(&mut self, kind: CatalogKind) -> &mut Vec<Item> {
        match kind {
            CatalogKind::Stages => &mut self.stages,
            CatalogKind::Tags => &mut self.tags,
            CatalogKind::Sources => &mut self.sources,
            CatalogKind::Statuses => &mut self.statuses,
            CatalogKind::Groups => &mut self.groups,
            CatalogKind::Countries => &mut self.countries,
            CatalogKind::Assignees => &mut self.assignees,
        }
    }

    /// Finds an entry by id, or else by name (case-insensitive), as users type either.
    #[must_use]
    pub fn resolve(&self, kind: CatalogKind, id_or_name: &str) -> Option<&Item> {
        let items = self.items(kind);
        let wanted = id_or_name.trim();
        items.iter().find(|i| i.id == wanted).or_else(|| {
            items
                .iter()
                .find(|i| i.name.to_lowercase() == wanted.to_lowercase())
        })
    }

    /// A custom-field definition by id, or else by name (case-insensitive).
    #[must_use]
    pub fn custom_field(&self, id_or_name: &str) -> Option<&CustomFieldDef> {
        let wanted = id_or_name.trim();
        self.custom_fields
            .iter()
            .find(|d| d.id == wanted)
            .or_else(|| {
                self.custom_fields
                    .iter()
                    .find(|d| d.name.to_lowercase() == wanted.to_lowercase())
            })
    }

    /// Adds or replaces entries by id, keeping the existing order and appending new ones.
    pub fn merge_items(&mut self, kind: CatalogKind, incoming: impl IntoIterator<Item = Item>) {
        let items = self.items_mut(kind);
        // An index by id, so merging 10,000 tags into 10,000 is linear, not quadratic.
        let mut at: std::collections::HashMap<String, usize> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id.clone(), i))
            .collect();
        for item in incoming {
            if let Some(&i) = at.get(&item.id) {
                items[i] = item;
            } else {
                at.insert(item.id.clone(), items.len());
                items.push(item);
            }
        }
        if kind == CatalogKind::Stages {
            items.sort_by_key(|i| i.order.unwrap_or(i64::MAX));
        }
    }

    /// Adds or replaces custom-field definitions by id, kept in `field_order`.
    pub fn merge_custom_fields(&mut self, incoming: impl IntoIterator<Item = CustomFieldDef>) {
        for def in incoming {
            match self.custom_fields.iter_mut().find(|d| d.id == def.id) {
                Some(existing) => *existing = def,
                None => self.custom_fields.push(def),
            }
        }
        self.custom_fields.sort_by_key(|d| d.order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, name: &str, order: Option<i64>) -> Item {
        Item {
            id: id.into(),
            name: name.into(),
            order,
            ..Item::default()
        }
    }

    #[test]
    fn resolve_takes_an_id_or_a_name_in_any_case() {
        let mut c = Catalog::default();
        c.merge_items(
            CatalogKind::Tags,
            [item("t1", "Soporte", None), item("t2", "Ñandú Club", None)],
        );
        assert_eq!(
            c.resolve(CatalogKind::Tags, "t2").map(|i| i.name.as_str()),
            Some("Ñandú Club")
        );
        assert_eq!(
            c.resolve(CatalogKind::Tags, "ñandú club")
                .map(|i| i.id.as_str()),
            Some("t2")
        );
        assert!(c.resolve(CatalogKind::Tags, "VIP").is_none());
    }

    #[test]
    fn merging_updates_by_id_and_keeps_stages_in_order() {
        let mut c = Catalog::default();
        c.merge_items(
            CatalogKind::Stages,
            [item("b", "Won", Some(2)), item("a", "New", Some(0))],
        );
        c.merge_items(
            CatalogKind::Stages,
            [item("b", "Won!", Some(2)), item("c", "Talking", Some(1))],
        );
        let names: Vec<_> = c.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["New", "Talking", "Won!"]);
    }
}
