//! The bundled country list. Its ids follow the open countries dataset that WhatsMark's
//! `country_id` values use in the wild (India = 101), from
//! `dr5hn/countries-states-cities-database` `csv/countries.csv` at commit
//! `02256acb38deee47819f244526f410f9fdfbb5ce`. A profile's `countries` entries replace it.

use serde::Deserialize;

use super::catalog::Item;

#[derive(Deserialize)]
struct Country {
    id: i64,
    name: String,
    #[serde(default)]
    iso2: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    native: Option<String>,
}

/// Every country, sorted by name, as catalog entries. The name carries the ISO code,
/// the calling code and the native name, so typing any of them finds it.
#[must_use]
pub fn bundled() -> Vec<Item> {
    let list: Vec<Country> =
        serde_json::from_str(include_str!("../../assets/countries.json")).unwrap_or_default();
    list.into_iter()
        .map(|c| {
            let native = c
                .native
                .filter(|n| !n.trim().is_empty())
                .map(|n| format!(" · {}", n.trim()))
                .unwrap_or_default();
            Item {
                id: c.id.to_string(),
                name: format!("{} ({}, +{}){native}", c.name.trim(), c.iso2, c.phone),
                ..Item::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_ids_follow_the_open_dataset() {
        let all = bundled();
        assert_eq!(all.len(), 250);
        let id = |prefix: &str| {
            all.iter()
                .find(|c| c.name.starts_with(prefix))
                .map(|c| c.id.clone())
        };
        assert_eq!(id("India").as_deref(), Some("101"));
        assert_eq!(id("Colombia").as_deref(), Some("48"));
        assert_eq!(id("Brazil").as_deref(), Some("31"));
        assert_eq!(id("Spain").as_deref(), Some("207"));
    }
}
