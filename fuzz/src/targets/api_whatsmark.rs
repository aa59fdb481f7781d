//! WhatsMark answers as they come off the wire: `STATUS\nheader: value\n...\n\nBODY`.
//! The status and body go through `outcome` (the body as JSON, or as a JSON string when
//! it is not JSON), the `X-RateLimit-*` and `Retry-After` headers are read, and a search
//! answer's contacts go through `known` and the duplicate check, which must find each
//! contact by its own phone or email.

use super::super::{Answer, show};
use rolo::api::{RateLimit, unwrap_data, whatsmark};
use rolo::contact::duplicates;
use serde_json::Value;

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let answer = Answer::parse(data);
    let (outcome, rate) = answer.read(whatsmark::outcome);
    let _ = show(&outcome);
    if let Some(rate) = rate {
        // What the pacer keeps between runs.
        let _ = serde_json::to_string(&rate).map(|s| serde_json::from_str::<RateLimit>(&s));
    }

    let (json, _) = answer.json();
    // `GET /contacts?search=`: contacts under `data`; a single resource, unwrapped.
    let listed = json
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let found: Vec<_> = listed.iter().map(whatsmark::known).collect();
    let _ = whatsmark::known(unwrap_data(&json));
    for k in &found {
        let _ = duplicates::describe(k);
        let hits = duplicates::find(&found, Some(&k.phone), Some(&k.email));
        if duplicates::digits(&k.phone).len() >= 7 || !k.email.trim().is_empty() {
            assert!(
                hits.iter().any(|f| f.id == k.id),
                "{k:?} not found by its own phone or email"
            );
        }
    }
}
