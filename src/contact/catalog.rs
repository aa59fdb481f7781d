//! What picked fields choose from, whatever the source: the API (WhatsMark lists), the
//! profile's configuration, contacts harvested from the API (Wipsy), or bundled data
//! (countries). Plain data; fetching lives in `api::catalog`, caching in `store`.

use std::sync::Arc;

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

/// The entries of one catalog, shared: a clone is a reference count, so the profile, its
/// catalog, the form and a picker all read one list (a tenant may have 100,000 tags), and a
/// change copies the list only while another holder still reads the old one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Items(Arc<Vec<Item>>);

impl Items {
    /// The list, to change (copied first if it is shared).
    pub fn to_mut(&mut self) -> &mut Vec<Item> {
        Arc::make_mut(&mut self.0)
    }

    /// Whether two lists are the same shared list (not merely equal).
    #[must_use]
    pub fn same(&self, other: &Items) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Items {
    type Target = [Item];

    fn deref(&self) -> &[Item] {
        &self.0
    }
}

impl From<Vec<Item>> for Items {
    fn from(items: Vec<Item>) -> Self {
        Self(Arc::new(items))
    }
}

impl FromIterator<Item> for Items {
    fn from_iter<I: IntoIterator<Item = Item>>(iter: I) -> Self {
        Self(Arc::new(iter.into_iter().collect()))
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = &'a Item;
    type IntoIter = std::slice::Iter<'a, Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
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
    pub stages: Items,
    /// Wipsy tags.
    pub tags: Items,
    /// WhatsMark sources.
    pub sources: Items,
    /// WhatsMark statuses (with colours).
    pub statuses: Items,
    /// WhatsMark groups.
    pub groups: Items,
    /// Countries for WhatsMark `country_id`.
    pub countries: Items,
    /// Staff for WhatsMark `assigned_id`.
    pub assignees: Items,
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

    /// One catalog's shared list.
    #[must_use]
    pub fn list(&self, kind: CatalogKind) -> &Items {
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

    /// One catalog's shared list, to replace or change.
    pub fn list_mut(&mut self, kind: CatalogKind) -> &mut Items {
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
    /// Nothing is copied when nothing changes (a shared list of 100,000 tags stays
    /// shared when a refresh learns what it already holds).
    pub fn merge_items(&mut self, kind: CatalogKind, incoming: impl IntoIterator<Item = Item>) {
        let incoming: Vec<Item> = incoming.into_iter().collect();
        if incoming.is_empty() {
            return;
        }
        let changes = changes(self.items(kind), incoming);
        if changes.is_empty() {
            return;
        }
        let items = self.list_mut(kind).to_mut();
        for (at, item) in changes {
            match at {
                Some(i) => items[i] = item,
                None => items.push(item),
            }
        }
        if kind == CatalogKind::Stages {
            items.sort_by_key(|i| i.order.unwrap_or(i64::MAX));
        }
    }

    /// Takes a whole shared list: as it is when this catalog has none of that kind
    /// (nothing copied), else merged entry by entry.
    pub fn merge_list(&mut self, kind: CatalogKind, incoming: &Items) {
        if self.items(kind).is_empty() {
            *self.list_mut(kind) = incoming.clone();
        } else {
            self.merge_items(kind, incoming.iter().cloned());
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

/// What merging `incoming` into `current` changes: `(Some(i), item)` replaces entry
/// `i`, `(None, item)` appends. Equal entries change nothing; an id given twice in
/// `incoming` counts once, the last one winning.
fn changes(current: &[Item], incoming: Vec<Item>) -> Vec<(Option<usize>, Item)> {
    // An index by id for a big merge, so merging 10,000 tags into 10,000 is linear; a
    // few entries into a big list are looked up directly, without indexing it.
    let index: Option<std::collections::HashMap<&str, usize>> = (incoming.len() > 16).then(|| {
        current
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id.as_str(), i))
            .collect()
    });
    let find = |id: &str| match &index {
        Some(index) => index.get(id).copied(),
        None => current.iter().position(|i| i.id == id),
    };
    let mut out: Vec<(Option<usize>, Item)> = Vec::new();
    for item in incoming {
        if let Some(earlier) = out.iter_mut().find(|(_, o)| o.id == item.id) {
            earlier.1 = item;
            continue;
        }
        match find(&item.id) {
            Some(i) if current[i] == item => {}
            at => out.push((at, item)),
        }
    }
    out
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
