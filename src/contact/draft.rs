//! The contact being typed: plain strings keyed by contract field, so every face (form,
//! `rolo add`, quick-add, import) fills the same thing and validation sees one shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A contact in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// Single values by contract key: text, an enum value, or a picked id.
    pub values: BTreeMap<String, String>,
    /// List fields (Wipsy `tags`, WhatsMark `groups`): ids in the order chosen.
    pub lists: BTreeMap<String, Vec<String>>,
    /// Wipsy custom fields: field id → value.
    pub custom: BTreeMap<String, String>,
}

impl Draft {
    /// The value of a single field, or "" when unset.
    #[must_use]
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    /// Sets a single field; an empty value removes it.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() {
            self.values.remove(key);
        } else {
            self.values.insert(key.to_owned(), value);
        }
    }

    /// The ids of a list field.
    #[must_use]
    pub fn list(&self, key: &str) -> &[String] {
        self.lists.get(key).map_or(&[], Vec::as_slice)
    }

    /// Whether nothing has been entered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.values().all(|v| v.trim().is_empty())
            && self.lists.values().all(Vec::is_empty)
            && self.custom.values().all(|v| v.trim().is_empty())
    }
}
