//! The vCard reader's rules on small inline cards, through the public API: structure
//! errors with their line, cards found inside other text, names and repeated properties,
//! and the draft a card becomes. Real files from phones are in `fixtures.rs` beside this file.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::contact::Flavour;
use crate::contact::vcard::{Card, Tel, VcardError, looks_like_vcard, parse, to_draft};

fn card(body: &str) -> Card {
    let mut cards = parse(&format!("BEGIN:VCARD\n{body}\nEND:VCARD\n")).unwrap();
    assert_eq!(cards.len(), 1);
    cards.remove(0)
}

#[test]
fn broken_structure_is_reported_with_its_line() {
    let stray = "BEGIN:VCARD\nFN:a\nEND:VCARD\nEND:VCARD";
    assert_eq!(parse(stray), Err(VcardError::UnexpectedEnd { line: 4 }));
    let bad = "hi\r\nBEGIN:VCARD\r\nNOTE:a\r\n b\r\nthis line lost its colon\r\nEND:VCARD";
    let err = parse(bad).unwrap_err();
    assert_eq!(
        err,
        VcardError::Malformed {
            line: 5,
            text: "this line lost its colon".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "line 5: \"this line lost its colon\" is not a vCard property (NAME:value)"
    );
}

#[test]
fn cards_are_found_in_any_text_around_them() {
    assert!(looks_like_vcard("\u{feff}begin:vcard\nEND:VCARD"));
    assert!(!looks_like_vcard("call BEGIN:VCARD people"));
    assert_eq!(parse("just a chat message"), Ok(vec![]));
    let chat = "Te paso el contacto 👇\nBEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\nGracias!";
    assert_eq!(parse(chat).unwrap()[0].full_name, "Ana");
}

#[test]
fn names_labels_and_repeated_properties() {
    let c = card("N:;;;;\nFN:Ana María Pérez\nitem1.TEL:1\nitem1.X-ABLabel:_$!<Mobile>!$_");
    assert_eq!(
        (c.given.as_str(), c.family.as_str()),
        ("Ana María", "Pérez")
    );
    assert_eq!(c.phones[0].types, ["mobile"]);
    let c = card(
        "N:Pérez;Ana;;Dra.;\nORG:Acme;Ventas\nORG:Other\nADR:;;A;B;;;\nADR:;;C;D;;;\nURL:a\nURL:b",
    );
    assert_eq!(c.full_name, "Dra. Ana Pérez");
    assert_eq!(
        c.extras,
        [
            "Department: Ventas",
            "Company: Other",
            "Other address: C, D",
            "Web: b"
        ]
    );
}

#[test]
fn drafts_split_a_bare_full_name_and_keep_a_different_whatsapp_id() {
    let card = Card {
        full_name: "Ana María Pérez".into(),
        phones: vec![Tel {
            number: "+57 601 234 5678".into(),
            types: vec![],
            waid: Some("573188779043".into()),
        }],
        ..Card::default()
    };
    let (draft, extra) = to_draft(&card, Flavour::Whatsmark, None);
    assert_eq!(draft.get("firstname"), "Ana");
    assert_eq!(draft.get("lastname"), "María Pérez");
    assert_eq!(draft.get("phone"), "+576012345678");
    assert_eq!(extra, ["WhatsApp: +573188779043"]);
    assert_eq!(draft.get("description"), "WhatsApp: +573188779043");
    let (draft, extra) = to_draft(&card, Flavour::Wipsy, None);
    assert_eq!(draft.get("whatsapp_id"), "+573188779043");
    assert!(extra.is_empty() && draft.get("notes").is_empty());
}
