//! What picked fields choose from, whatever the source: the API (WhatsMark lists), the
//! profile's configuration, contacts harvested from the API (Wipsy), or bundled data
//! (countries). Plain data; fetching lives in `api::catalog`, caching in `store`.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::fields::CatalogKind;
use super::quickadd::index::NameIndex;

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
/// catalog, the form and a picker all read one list (a tenant may have 100,000 tags).
///
/// Two parts, read as one list: the list as given (a profile's declaration, or what the
/// server listed) and the entries learned since (tags a Wipsy echo named that the
/// profile does not declare). Learning a few entries adds to the second part and never
/// copies a big first one; changing an entry of the first copies it only while another
/// holder still reads the old one. Ids of the first part are indexed once, when first
/// looked up, and the index is shared with every clone; so are its names as quick add
/// compares them ([`Items::prepare_for_matching`] makes both ahead of time).
#[derive(Clone, Default)]
pub struct Items {
    base: Arc<Vec<Item>>,
    more: Arc<Vec<Item>>,
    index: Arc<OnceLock<IdIndex>>,
    /// The first part's names by [`fold_name`] and where their words start, made when
    /// first asked for and shared (`None` inside: names beyond 32-bit offsets).
    names: Arc<OnceLock<Option<NameIndex>>>,
}

/// A name as typed names are compared with it when they are plain ASCII: lower case,
/// accents dropped, words one space apart (`  Ñandú   Club` → `nandu club`); into `out`.
pub fn fold_name(name: &str, out: &mut String) {
    out.clear();
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .flat_map(char::to_lowercase)
                .map(nucleo_matcher::chars::normalize),
        );
    }
}

/// Where each id of a list is: Fx hashes kept beside positions, so building it never
/// goes back to the strings and a lookup compares one id.
#[derive(Default)]
struct IdIndex(hashbrown::HashTable<(u64, u32)>);

/// Lists shorter than this are searched, not indexed.
const INDEX_FROM: usize = 64;

fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher as _;
    rustc_hash::FxBuildHasher.hash_one(id)
}

impl IdIndex {
    fn of(items: &[Item]) -> Self {
        let mut table = hashbrown::HashTable::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let hash = id_hash(&item.id);
            let at = u32::try_from(i).unwrap_or(u32::MAX);
            table.insert_unique(hash, (hash, at), |&(h, _)| h);
        }
        Self(table)
    }

    fn find(&self, items: &[Item], id: &str) -> Option<usize> {
        let hash = id_hash(id);
        let (_, at) = self
            .0
            .find(hash, |&(h, i)| h == hash && items[i as usize].id == id)?;
        Some(*at as usize)
    }
}

impl Items {
    /// How many entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.base.len() + self.more.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry, in order.
    pub fn iter(&self) -> std::iter::Chain<std::slice::Iter<'_, Item>, std::slice::Iter<'_, Item>> {
        self.base.iter().chain(self.more.iter())
    }

    /// The entry at position `i`.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&Item> {
        self.base
            .get(i)
            .or_else(|| self.more.get(i.checked_sub(self.base.len())?))
    }

    /// The position of the entry with this id.
    #[must_use]
    pub fn position(&self, id: &str) -> Option<usize> {
        let in_base = if self.base.len() >= INDEX_FROM {
            self.index
                .get_or_init(|| IdIndex::of(&self.base))
                .find(&self.base, id)
        } else {
            self.base.iter().position(|i| i.id == id)
        };
        in_base.or_else(|| {
            let at = self.more.iter().position(|i| i.id == id)?;
            Some(self.base.len() + at)
        })
    }

    /// Every name by [`fold_name`], in order. A long list's are made once and shared
    /// with its clones: quick add compares what is typed with whole catalogs (100,000
    /// tags) on every keystroke, and folding each name each time cost 15 ms a pass.
    pub fn folded_names(&self) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
        use std::borrow::Cow;
        let fold = |name: &str| {
            let mut out = String::new();
            fold_name(name, &mut out);
            out
        };
        let base: Box<dyn Iterator<Item = Cow<'_, str>> + '_> = match self.name_index() {
            Some(names) => Box::new(names.names().map(Cow::Borrowed)),
            None => Box::new(self.base.iter().map(move |it| Cow::Owned(fold(&it.name)))),
        };
        base.chain(self.more.iter().map(move |it| Cow::Owned(fold(&it.name))))
    }

    /// Makes now what a long list otherwise makes when first needed: the index of its
    /// ids, its names folded and the index of their words (see
    /// `contact::quickadd::index`): 35–75 ms and 7–9 MB at 100,000 entries, by the
    /// names' length. Call it on a worker thread right after the lists are read, so
    /// that neither the first quick-add keystroke nor the first lookup pays it. Shared
    /// with every clone; a second call, or one on a short list (which is searched,
    /// not indexed), costs nothing.
    pub fn prepare_for_matching(&self) {
        if self.base.len() >= INDEX_FROM {
            self.index.get_or_init(|| IdIndex::of(&self.base));
            self.names.get_or_init(|| NameIndex::of(&self.base));
        }
    }

    /// Whether [`Items::prepare_for_matching`] has nothing left to make: what the app
    /// checks in tests that a worker, not a keystroke, made a long list's indexes.
    #[must_use]
    pub fn is_prepared_for_matching(&self) -> bool {
        self.base.len() < INDEX_FROM || (self.index.get().is_some() && self.names.get().is_some())
    }

    /// The index of the first part's names, for a long list (made when first asked
    /// for); the entries learned after them are [`Items::learned`].
    pub(crate) fn name_index(&self) -> Option<&NameIndex> {
        if self.base.len() < INDEX_FROM {
            return None;
        }
        self.names
            .get_or_init(|| NameIndex::of(&self.base))
            .as_ref()
    }

    /// The entries after the first part, at positions from its length on: few, so
    /// compared one by one.
    pub(crate) fn learned(&self) -> &[Item] {
        &self.more
    }

    /// The most words one name has (`None` for an empty list): how far a name typed
    /// in quick add may run on.
    pub(crate) fn most_words(&self) -> Option<usize> {
        let words = |items: &[Item]| {
            items
                .iter()
                .map(|i| i.name.split_whitespace().count())
                .max()
        };
        let base = match self.name_index() {
            Some(names) => names.most_words(),
            None => words(&self.base),
        };
        base.max(words(&self.more))
    }

    /// The entry with this id.
    #[must_use]
    pub fn find(&self, id: &str) -> Option<&Item> {
        self.get(self.position(id)?)
    }

    /// Every entry, copied into one vector.
    #[must_use]
    pub fn to_vec(&self) -> Vec<Item> {
        self.iter().cloned().collect()
    }

    /// Whether two lists are the same shared list (not merely equal).
    #[must_use]
    pub fn same(&self, other: &Items) -> bool {
        Arc::ptr_eq(&self.base, &other.base) && Arc::ptr_eq(&self.more, &other.more)
    }

    /// `self` with the entries of `extra` it lacks added after it (the first part
    /// shared, not copied): a profile's declared list with what the server taught.
    #[must_use]
    pub fn with_extra(&self, extra: &Items) -> Items {
        let mut out = self.clone();
        let new: Vec<Item> = extra
            .iter()
            .filter(|i| out.position(&i.id).is_none())
            .cloned()
            .collect();
        if !new.is_empty() {
            Arc::make_mut(&mut out.more).extend(new);
        }
        out
    }

    /// The entries of this list that `declared` does not hold (by id): what a server
    /// told beyond a profile's own list. Cheap when this list is `declared` plus entries
    /// learned after it.
    #[must_use]
    pub fn beyond(&self, declared: &Items) -> Items {
        if Arc::ptr_eq(&self.base, &declared.base) && declared.more.is_empty() {
            return Items::from((*self.more).clone());
        }
        self.iter()
            .filter(|i| declared.position(&i.id).is_none())
            .cloned()
            .collect()
    }

    /// Adds or replaces entries by id: a replaced entry keeps its place, a new one goes
    /// last. An id given twice in `incoming` counts once, the last one winning.
    fn merge(&mut self, incoming: Vec<Item>) {
        for item in incoming {
            match self.position(&item.id) {
                Some(i) if self.get(i) == Some(&item) => {}
                Some(i) if i < self.base.len() => {
                    Arc::make_mut(&mut self.base)[i] = item;
                    // Its name may have changed.
                    self.names = Arc::default();
                }
                Some(i) => Arc::make_mut(&mut self.more)[i - self.base.len()] = item,
                None => Arc::make_mut(&mut self.more).push(item),
            }
        }
    }

    /// The entries in one part, sorted by `key` (for short lists kept in an order, like
    /// pipeline stages).
    pub fn sort_by_key<K: Ord>(&mut self, key: impl FnMut(&Item) -> K) {
        let mut all = self.to_vec();
        all.sort_by_key(key);
        *self = Items::from(all);
    }
}

impl std::ops::Index<usize> for Items {
    type Output = Item;

    /// The entry at position `i`; out of range panics, as a slice's index does.
    fn index(&self, i: usize) -> &Item {
        match self.base.get(i) {
            Some(item) => item,
            None => &self.more[i - self.base.len()],
        }
    }
}

impl std::fmt::Debug for Items {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Items {
    fn eq(&self, other: &Items) -> bool {
        self.same(other) || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl Eq for Items {}

impl From<Vec<Item>> for Items {
    fn from(items: Vec<Item>) -> Self {
        Self {
            base: Arc::new(items),
            more: Arc::default(),
            index: Arc::default(),
            names: Arc::default(),
        }
    }
}

impl FromIterator<Item> for Items {
    fn from_iter<I: IntoIterator<Item = Item>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = &'a Item;
    type IntoIter = std::iter::Chain<std::slice::Iter<'a, Item>, std::slice::Iter<'a, Item>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Serialize for Items {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Item>::deserialize(deserializer).map(Items::from)
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
    /// An http(s) URL (Chatwoot `link`).
    Link,
    /// Yes or no, sent as a JSON boolean (Chatwoot `checkbox`).
    Checkbox,
    /// An amount of money, sent as a JSON number (Chatwoot `currency`).
    Currency,
    /// A percentage, sent as a JSON number (Chatwoot `percent`).
    Percent,
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

    /// Whether the value is a number on the wire where the API types its values.
    #[must_use]
    pub fn numeric(self) -> bool {
        matches!(self, Self::Number | Self::Currency | Self::Percent)
    }
}

/// A checkbox value as typed or stored: `Some(true)` for yes (`yes`, `y`, `true`, `sí`,
/// `si`, `x`, `1`), `Some(false)` for no (`no`, `n`, `false`, `0`), `None` otherwise.
#[must_use]
pub fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "sí" | "si" | "x" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A custom-field definition (Wipsy) or contact-attribute definition (Chatwoot).
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
    /// A pattern the value must match (Chatwoot `regex_pattern`), when the tenant set one.
    /// (Always written: the cache's binary form has no optional fields.)
    #[serde(default)]
    pub pattern: Option<String>,
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
    /// Chatwoot labels (id and name are the title; with colours).
    pub labels: Items,
    /// Chatwoot inboxes the profile's contacts were seen in, and its default one.
    pub inboxes: Items,
    /// Custom-field definitions (Wipsy, in `field_order`; Chatwoot's contact
    /// attributes, in the order listed).
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
    /// [`Items::prepare_for_matching`] for every list of this catalog: what a worker
    /// thread calls once the lists are read, before the user can type.
    pub fn prepare_for_matching(&self) {
        for items in [
            &self.stages,
            &self.tags,
            &self.sources,
            &self.statuses,
            &self.groups,
            &self.countries,
            &self.assignees,
            &self.labels,
            &self.inboxes,
        ] {
            items.prepare_for_matching();
        }
    }

    /// The entries of one catalog.
    #[must_use]
    pub fn items(&self, kind: CatalogKind) -> &Items {
        match kind {
            CatalogKind::Stages => &self.stages,
            CatalogKind::Tags => &self.tags,
            CatalogKind::Sources => &self.sources,
            CatalogKind::Statuses => &self.statuses,
            CatalogKind::Groups => &self.groups,
            CatalogKind::Countries => &self.countries,
            CatalogKind::Assignees => &self.assignees,
            CatalogKind::Labels => &self.labels,
            CatalogKind::Inboxes => &self.inboxes,
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
            CatalogKind::Labels => &mut self.labels,
            CatalogKind::Inboxes => &mut self.inboxes,
        }
    }

    /// Finds an entry by id, or else by name (case-insensitive), as users type either.
    #[must_use]
    pub fn resolve(&self, kind: CatalogKind, id_or_name: &str) -> Option<&Item> {
        let items = self.items(kind);
        let wanted = id_or_name.trim();
        items.find(wanted).or_else(|| {
            // Compared a character at a time: no copy of each of 100,000 names.
            let lower = wanted.to_lowercase();
            let same = |name: &str| name.chars().flat_map(char::to_lowercase).eq(lower.chars());
            // Quick add asks this of every name that fits nothing: when the list's
            // name index is made, only the names starting with the same letter (as
            // the index keeps it, folded) are compared. A one-off lookup (`rolo add`)
            // does not make it: a scan costs less than making it.
            let first = lower.chars().next().map(nucleo_matcher::chars::normalize);
            match (items.names.get().and_then(Option::as_ref), first) {
                (Some(index), Some(first)) => {
                    let mut key = [0; 4];
                    let names = index.starting(first.encode_utf8(&mut key));
                    let names = names.iter().filter_map(|&at| items.get(at));
                    names.chain(items.learned()).find(|i| same(&i.name))
                }
                _ => items.iter().find(|i| same(&i.name)),
            }
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
    /// Nothing is copied when nothing changes, and new entries never copy a big list
    /// (see [`Items`]).
    pub fn merge_items(&mut self, kind: CatalogKind, incoming: impl IntoIterator<Item = Item>) {
        let incoming: Vec<Item> = incoming.into_iter().collect();
        if incoming.is_empty() {
            return;
        }
        let items = self.list_mut(kind);
        if items.is_empty() {
            let mut fresh = Items::default();
            fresh.merge(incoming);
            *items = Items::from(fresh.to_vec());
        } else {
            items.merge(incoming);
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

    /// A long list's name lookup reads its name index once made (as quick add and
    /// `prepare_for_matching` make it) and answers as the scan of a list without one.
    #[test]
    fn resolve_by_name_answers_alike_with_the_name_index() {
        let words = [
            "Ñandú",
            "nandu",
            "VIP",
            "vip",
            "ΟΔΟΣ",
            "οδος",
            "Σ",
            "İstanbul",
            "ß",
            "a",
        ];
        let mut names: Vec<String> = Vec::new();
        for first in words {
            for second in ["", " Club", "  club", "\tClub ", " 2026"] {
                names.push(format!("{first}{second}"));
            }
            names.push(format!(" {first}"));
        }
        names.extend((0..40).map(|n| format!("Tag {n} Cliente")));
        let list: Vec<Item> = names
            .iter()
            .enumerate()
            .map(|(n, name)| item(&format!("t{n}"), name, None))
            .collect();
        let learned = [item("l1", "Último", None), item("l2", "vip learned", None)];
        let catalog = |prepared: bool| {
            let mut c = Catalog::default();
            c.merge_list(CatalogKind::Tags, &Items::from(list.clone()));
            c.merge_items(CatalogKind::Tags, learned.clone());
            if prepared {
                c.prepare_for_matching();
                assert!(c.tags.names.get().is_some_and(Option::is_some));
            }
            c
        };
        let (scan, indexed) = (catalog(false), catalog(true));
        assert!(
            scan.tags.names.get().is_none(),
            "a lookup alone makes no index"
        );
        let mut queries: Vec<String> = vec![String::new(), " ".into(), "ΟΔΟς".into(), "t3".into()];
        for name in names
            .iter()
            .chain(["Último".to_owned(), "VIP LEARNED".into()].iter())
        {
            queries.extend([
                name.clone(),
                name.to_uppercase(),
                name.to_lowercase(),
                format!(" {name} "),
            ]);
        }
        for query in &queries {
            let id = |c: &Catalog| c.resolve(CatalogKind::Tags, query).map(|i| i.id.clone());
            assert_eq!(id(&indexed), id(&scan), "{query:?}");
        }
        assert!(scan.tags.names.get().is_none());
    }

    /// Preparing makes each index once, shared with clones; a short list gets none.
    #[test]
    fn prepare_for_matching_makes_each_index_once() {
        let long: Items = (0..100)
            .map(|n| item(&format!("t{n}"), &format!("Tag {n}"), None))
            .collect();
        let clone = long.clone();
        long.prepare_for_matching();
        let made = long.name_index().map(std::ptr::from_ref);
        long.prepare_for_matching();
        assert!(made.is_some() && clone.name_index().map(std::ptr::from_ref) == made);
        assert!(long.index.get().is_some() && clone.index.get().is_some());
        let short: Items = (0..3)
            .map(|n| item(&format!("s{n}"), "Short", None))
            .collect();
        short.prepare_for_matching();
        assert!(short.names.get().is_none() && short.name_index().is_none());
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
