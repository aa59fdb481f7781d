//! Wipsy answers as they come off the wire: `STATUS\nheader: value\n...\n\nBODY`. The
//! status and body go through `create_outcome` (the body as JSON, or as a JSON string
//! when it is not JSON), the headers through the rate-limit and `Retry-After` reading,
//! free text through `field_for_message`, and a list answer's contacts through `harvest`
//! and the duplicate check that searches what it kept.

use super::super::{Answer, demo_catalog, lossy, show};
use rolo::api::{self, unwrap_data, wipsy};
use rolo::contact::{CatalogKind, Flavour, duplicates};
use serde_json::Value;

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let answer = Answer::parse(data);
    let catalog = demo_catalog();
    let (outcome, _rate) =
        answer.read(|status, json| wipsy::create_outcome(status, json, &catalog));
    let _ = show(&outcome);
    let _ = wipsy::field_for_message(&lossy(answer.body), &catalog);

    let (json, _) = answer.json();
    // `GET /api-get-contacts`: a list of contacts, under `data` or not.
    let contacts = unwrap_data(&json).as_array().cloned().unwrap_or_default();
    let mut learned = demo_catalog();
    api::harvest(Flavour::Wipsy, &mut learned, &contacts);
    let mut fresh = rolo::contact::Catalog::default();
    wipsy::harvest(&mut fresh, &contacts);

    for c in &contacts {
        for tag in c
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = tag.get("id").and_then(Value::as_str);
            if let (Some(id), Some(_)) = (id, tag.get("name").and_then(Value::as_str)) {
                for cat in [&learned, &fresh] {
                    assert!(
                        cat.items(CatalogKind::Tags).find(id).is_some(),
                        "tag {id:?} not learned"
                    );
                }
            }
        }
    }
    for cat in [&learned, &fresh] {
        let recent = &cat.recent;
        assert!(recent.len() <= 2000);
        for (i, k) in recent.iter().enumerate() {
            assert!(
                !recent[..i].iter().any(|o| o.id == k.id),
                "{:?} kept twice",
                k.id
            );
            let _ = duplicates::describe(k);
            let found = duplicates::find(recent, Some(&k.phone), Some(&k.email));
            if duplicates::digits(&k.phone).len() >= 7 || !k.email.trim().is_empty() {
                assert!(
                    found.iter().any(|f| f.id == k.id),
                    "{k:?} not found by its own phone or email"
                );
            }
        }
        for stage in &cat.stages {
            let _ = cat.resolve(CatalogKind::Stages, &stage.name);
        }
    }
}
