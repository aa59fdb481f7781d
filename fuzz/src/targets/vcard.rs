//! The vCard reader: any text (`parse`), every card to a draft for both flavours
//! (`to_draft`), and the import's view of the same text (`read_vcards`, then the rows
//! `from_cards` checks). The import must see every card the reader read: it pairs each
//! card with its `BEGIN:VCARD` line.

use super::super::{catalog_for, lossy, region, split_control};
use rolo::contact::vcard;
use rolo::contact::{Draft, Flavour};
use rolo::engine::import::journal::Journal;
use rolo::engine::import::{Env, prepare, table};

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let (control, rest) = split_control(data);
    let text = lossy(rest);
    let region = region(control);
    let _ = vcard::looks_like_vcard(&text);
    let parsed = vcard::parse(&text);
    if let Ok(cards) = &parsed {
        for card in cards {
            for flavour in [Flavour::Wipsy, Flavour::Whatsmark] {
                let _ = vcard::to_draft(card, flavour, region);
            }
        }
    }

    let read = table::read_vcards(&text);
    match (&parsed, &read) {
        (Ok(cards), Ok(rows)) => assert_eq!(
            cards.len(),
            rows.len(),
            "the import paired {} of {} cards with a BEGIN line",
            rows.len(),
            cards.len()
        ),
        (Err(_), Err(_)) => {}
        _ => panic!("read_vcards and parse disagree: {parsed:?} / {read:?}"),
    }
    if let Ok(rows) = read {
        let catalog = catalog_for(control);
        let defaults = Draft::default();
        let env = Env {
            flavour: super::super::flavour(control),
            region,
            catalog: &catalog,
            defaults: &defaults,
        };
        let _ = prepare::from_cards(&rows, &env, &Journal::default());
    }
}
