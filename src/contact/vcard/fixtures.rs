//! vCards as phones and WhatsApp really write them (`tests/fixtures/vcards/`): each file
//! is read into cards, and each card into a draft for both flavours, with exact values.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::contact::phone;
use crate::contact::vcard::{self, Address, Card, Tel, VcardError};
use crate::contact::{Draft, Flavour};
use proptest::prelude::*;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vcards")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cards(name: &str) -> Vec<Card> {
    let text = read(name);
    assert!(vcard::looks_like_vcard(&text), "{name}");
    vcard::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn one(name: &str) -> Card {
    let mut cards = cards(name);
    assert_eq!(cards.len(), 1, "{name}");
    cards.remove(0)
}

fn tel(number: &str, types: &[&str], waid: Option<&str>) -> Tel {
    Tel {
        number: number.to_owned(),
        types: types.iter().map(|t| (*t).to_owned()).collect(),
        waid: waid.map(str::to_owned),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Checks the draft's single values and the lines that went to the notes.
fn assert_draft(got: (Draft, Vec<String>), values: &[(&str, &str)], extra: &[&str]) {
    let (draft, lines) = got;
    let want: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(draft.values, want);
    assert!(draft.lists.is_empty() && draft.custom.is_empty());
    assert_eq!(lines, strings(extra));
}

#[test]
fn android_2_1_quoted_printable_with_soft_line_breaks() {
    let card = one("android_21_qp.vcf");
    let note = "Cliente desde 2019. Prefere falar pelo WhatsApp, não ligar antes das 9h.\n\
                Pedidos às sextas-feiras.";
    let want = Card {
        full_name: "Inês Núñez".into(),
        given: "Inês".into(),
        family: "Núñez".into(),
        phones: vec![
            tel("+55 11 96123-4567", &["cell", "pref"], None),
            tel("(21) 2345-6789", &["home"], None),
        ],
        emails: strings(&["ines.nunez@example.com.br"]),
        address: Some(Address {
            street: "Rua São João, 45 - apto 12".into(),
            city: "São Paulo".into(),
            region: "SP".into(),
            postal: "01310-100".into(),
            country: "Brasil".into(),
        }),
        note: Some(note.into()),
        ..Card::default()
    };
    assert_eq!(card, want);

    let extra = ["Other phone: +552123456789 (home)", "Country: Brasil"];
    assert_draft(
        vcard::to_draft(&card, Flavour::Wipsy, Some("BR")),
        &[
            ("name", "Inês"),
            ("last_name", "Núñez"),
            ("phone", "+5511961234567"),
            ("email", "ines.nunez@example.com.br"),
            ("address", "Rua São João, 45 - apto 12, 01310-100"),
            ("city", "São Paulo"),
            ("province", "SP"),
            ("notes", &format!("{note}\n{}", extra.join("\n"))),
        ],
        &extra,
    );
    // Without a default region the national landline cannot be placed: kept as typed.
    let extra = ["Other phone: (21) 2345-6789 (home)", "Country: Brasil"];
    assert_draft(
        vcard::to_draft(&card, Flavour::Whatsmark, None),
        &[
            ("firstname", "Inês"),
            ("lastname", "Núñez"),
            ("phone", "+5511961234567"),
            ("email", "ines.nunez@example.com.br"),
            ("address", "Rua São João, 45 - apto 12"),
            ("city", "São Paulo"),
            ("state", "SP"),
            ("zip", "01310-100"),
            ("description", &format!("{note}\n{}", extra.join("\n"))),
        ],
        &extra,
    );
}

#[test]
fn whatsapp_share_puts_the_whatsapp_number_first() {
    let card = one("whatsapp_30.vcf");
    let note = "Repuestos para motos. Envíos a toda Colombia.";
    let want = Card {
        full_name: "Carlos Rodríguez".into(),
        given: "Carlos".into(),
        family: "Rodríguez".into(),
        phones: vec![
            tel("+34 612 34 56 78", &["cell", "voice"], None),
            tel("+57 318 8779043", &["móvil"], Some("573188779043")),
        ],
        org: Some("Repuestos Rodríguez".into()),
        note: Some(note.into()),
        ..Card::default()
    };
    assert_eq!(card, want);

    let extra = ["Other phone: +34612345678 (cell)"];
    let notes = format!("{note}\n{}", extra[0]);
    assert_draft(
        vcard::to_draft(&card, Flavour::Wipsy, Some("CO")),
        &[
            ("name", "Carlos"),
            ("last_name", "Rodríguez"),
            ("phone", "+573188779043"),
            ("whatsapp_id", "+573188779043"),
            ("company", "Repuestos Rodríguez"),
            ("notes", &notes),
        ],
        &extra,
    );
    assert_draft(
        vcard::to_draft(&card, Flavour::Whatsmark, Some("CO")),
        &[
            ("firstname", "Carlos"),
            ("lastname", "Rodríguez"),
            ("phone", "+573188779043"),
            ("company", "Repuestos Rodríguez"),
            ("description", &notes),
        ],
        &extra,
    );
}

fn iphone_card() -> Card {
    Card {
        full_name: "Dr. Adaeze Chioma Okafor".into(),
        given: "Adaeze Chioma".into(),
        family: "Okafor".into(),
        phones: vec![
            tel("+1 (415) 555-2671", &["work", "voice", "pref"], None),
            tel("+234 803 123 4567", &["iphone", "cell", "voice"], None),
            tel("+44 20 7946 0018", &["other"], None),
        ],
        emails: strings(&["adaeze@lagosfintech.example", "ada.okafor@example.com"]),
        org: Some("Lagos Fintech Ltd.".into()),
        title: Some("Head of Partnerships".into()),
        address: Some(Address {
            street: "12 Admiralty Way\nLekki Phase 1".into(),
            city: "Lagos".into(),
            region: "Lagos State".into(),
            postal: "106104".into(),
            country: "Nigeria".into(),
        }),
        note: Some(
            "Met at Fintech Expo, Lagos. Interested in the WhatsApp API; wants pricing \
             for 3 numbers.\nCall after 3pm WAT."
                .into(),
        ),
        url: Some("https://lagosfintech.example".into()),
        extras: strings(&["Department: Customer Success", "Birthday: 1988-04-12"]),
    }
}

#[test]
fn iphone_card_with_folding_escapes_and_several_phones() {
    let card = one("iphone_30.vcf");
    assert_eq!(card, iphone_card());

    let extra = [
        "Full name: Dr. Adaeze Chioma Okafor",
        "Other phone: +14155552671 (work)",
        "Other phone: +442079460018 (other)",
        "Email: ada.okafor@example.com",
        "Title: Head of Partnerships",
        "Web: https://lagosfintech.example",
        "Country: Nigeria",
        "Department: Customer Success",
        "Birthday: 1988-04-12",
    ];
    let notes = format!("{}\n{}", card.note.as_deref().unwrap(), extra.join("\n"));
    assert_draft(
        vcard::to_draft(&card, Flavour::Wipsy, None),
        &[
            ("name", "Adaeze Chioma"),
            ("last_name", "Okafor"),
            ("phone", "+2348031234567"),
            ("email", "adaeze@lagosfintech.example"),
            ("company", "Lagos Fintech Ltd."),
            ("address", "12 Admiralty Way, Lekki Phase 1, 106104"),
            ("city", "Lagos"),
            ("province", "Lagos State"),
            ("notes", &notes),
        ],
        &extra,
    );
    assert_draft(
        vcard::to_draft(&card, Flavour::Whatsmark, Some("NG")),
        &[
            ("firstname", "Adaeze Chioma"),
            ("lastname", "Okafor"),
            ("phone", "+2348031234567"),
            ("email", "adaeze@lagosfintech.example"),
            ("company", "Lagos Fintech Ltd."),
            ("address", "12 Admiralty Way, Lekki Phase 1"),
            ("city", "Lagos"),
            ("state", "Lagos State"),
            ("zip", "106104"),
            ("description", &notes),
        ],
        &extra,
    );
}

#[test]
fn version_4_tel_uris_and_quoted_type_lists() {
    let card = one("v40.vcf");
    let want = Card {
        full_name: "Priya Sharma".into(),
        given: "Priya".into(),
        family: "Sharma".into(),
        phones: vec![
            tel("+91-22-2345-6789", &["voice", "home"], None),
            tel("+91-98765-43210", &["pref", "cell", "voice"], None),
        ],
        emails: strings(&["priya@sharmatextiles.example"]),
        org: Some("Sharma Textiles".into()),
        address: Some(Address {
            street: "Shop 4, MG Road".into(),
            city: "Pune".into(),
            region: "Maharashtra".into(),
            postal: "411001".into(),
            country: "India".into(),
        }),
        note: Some("Wholesale buyer, cotton only.".into()),
        url: Some("https://sharmatextiles.example".into()),
        ..Card::default()
    };
    assert_eq!(card, want);

    let extra = [
        "Other phone: +912223456789 (home)",
        "Web: https://sharmatextiles.example",
        "Country: India",
    ];
    let notes = format!("Wholesale buyer, cotton only.\n{}", extra.join("\n"));
    assert_draft(
        vcard::to_draft(&card, Flavour::Wipsy, Some("IN")),
        &[
            ("name", "Priya"),
            ("last_name", "Sharma"),
            ("phone", "+919876543210"),
            ("email", "priya@sharmatextiles.example"),
            ("company", "Sharma Textiles"),
            ("address", "Shop 4, MG Road, 411001"),
            ("city", "Pune"),
            ("province", "Maharashtra"),
            ("notes", &notes),
        ],
        &extra,
    );
    assert_draft(
        vcard::to_draft(&card, Flavour::Whatsmark, None),
        &[
            ("firstname", "Priya"),
            ("lastname", "Sharma"),
            ("phone", "+919876543210"),
            ("email", "priya@sharmatextiles.example"),
            ("company", "Sharma Textiles"),
            ("address", "Shop 4, MG Road"),
            ("city", "Pune"),
            ("state", "Maharashtra"),
            ("zip", "411001"),
            ("description", &notes),
        ],
        &extra,
    );
}

#[test]
fn a_file_of_several_cards_in_mixed_versions() {
    let cards = cards("several.vcf");
    let names: Vec<&str> = cards.iter().map(|c| c.full_name.as_str()).collect();
    assert_eq!(
        names,
        ["John Smith", "王芳", "Lucía Fernández", "Ana María Pérez"]
    );

    // 2.1 with no mobile and no preference: the first phone is the phone.
    assert_eq!(
        cards[0].phones,
        [
            tel("+1 415 555 2671", &["work", "voice"], None),
            tel("+1 415 555 2672", &["work", "fax"], None),
        ]
    );
    let extra = ["Other phone: +14155552672 (work, fax)"];
    assert_draft(
        vcard::to_draft(&cards[0], Flavour::Whatsmark, None),
        &[
            ("firstname", "John"),
            ("lastname", "Smith"),
            ("phone", "+14155552671"),
            ("description", extra[0]),
        ],
        &extra,
    );

    // CJK: FN is the family-first form of N, so it adds nothing to the notes.
    let wang = Card {
        full_name: "王芳".into(),
        given: "芳".into(),
        family: "王".into(),
        phones: vec![tel("+86 138 0013 8000", &["cell"], None)],
        emails: strings(&["wangfang@example.cn"]),
        org: Some("深圳华强贸易有限公司".into()),
        ..Card::default()
    };
    assert_eq!(cards[1], wang);
    let cjk = [
        ("phone", "+8613800138000"),
        ("email", "wangfang@example.cn"),
        ("company", "深圳华强贸易有限公司"),
    ];
    let mut values = vec![("name", "芳"), ("last_name", "王")];
    values.extend(cjk);
    assert_draft(vcard::to_draft(&wang, Flavour::Wipsy, None), &values, &[]);
    let mut values = vec![("firstname", "芳"), ("lastname", "王")];
    values.extend(cjk);
    assert_draft(
        vcard::to_draft(&wang, Flavour::Whatsmark, None),
        &values,
        &[],
    );

    let note = "Le encantó el catálogo 🎉👍 — enviar precios el viernes";
    assert_eq!(cards[2].note.as_deref(), Some(note));
    assert_draft(
        vcard::to_draft(&cards[2], Flavour::Wipsy, None),
        &[
            ("name", "Lucía"),
            ("last_name", "Fernández"),
            ("phone", "+34612345678"),
            ("notes", note),
        ],
        &[],
    );
}

#[test]
fn a_card_without_n_takes_its_names_from_fn() {
    let card = cards("several.vcf").remove(3);
    let want = Card {
        full_name: "Ana María Pérez".into(),
        given: "Ana María".into(),
        family: "Pérez".into(),
        phones: vec![tel("318 877 9043", &["cell"], None)],
        ..Card::default()
    };
    assert_eq!(card, want);
    assert_draft(
        vcard::to_draft(&card, Flavour::Wipsy, Some("CO")),
        &[
            ("name", "Ana María"),
            ("last_name", "Pérez"),
            ("phone", "+573188779043"),
        ],
        &[],
    );
    // A national number with no region stays as typed for the agent to complete.
    assert_draft(
        vcard::to_draft(&card, Flavour::Whatsmark, None),
        &[
            ("firstname", "Ana María"),
            ("lastname", "Pérez"),
            ("phone", "318 877 9043"),
        ],
        &[],
    );
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark() {
    let text = read("crlf_bom.vcf");
    assert!(text.starts_with('\u{feff}') && text.contains("\r\n"));
    let card = one("crlf_bom.vcf");
    let want = Card {
        full_name: "Jürgen Müller".into(),
        given: "Jürgen".into(),
        family: "Müller".into(),
        phones: vec![
            tel("+49 30 12345678", &["work", "voice"], None),
            tel("+49 151 23456789", &["cell"], None),
        ],
        emails: strings(&["j.mueller@mueller-soehne.example"]),
        org: Some("Müller & Söhne GmbH".into()),
        address: Some(Address {
            street: "Friedrichstraße 123".into(),
            city: "Berlin".into(),
            region: "Berlin".into(),
            postal: "10117".into(),
            country: "Deutschland".into(),
        }),
        note: Some("Lieferung nur werktags; bitte vorher anrufen.".into()),
        ..Card::default()
    };
    assert_eq!(card, want);

    let extra = ["Other phone: +493012345678 (work)", "Country: Deutschland"];
    let notes = format!(
        "Lieferung nur werktags; bitte vorher anrufen.\n{}",
        extra.join("\n")
    );
    let common = [
        ("phone", "+4915123456789"),
        ("email", "j.mueller@mueller-soehne.example"),
        ("company", "Müller & Söhne GmbH"),
        ("city", "Berlin"),
    ];
    let mut values = vec![
        ("name", "Jürgen"),
        ("last_name", "Müller"),
        ("address", "Friedrichstraße 123, 10117"),
        ("province", "Berlin"),
        ("notes", &notes),
    ];
    values.extend(common);
    assert_draft(
        vcard::to_draft(&card, Flavour::Wipsy, Some("DE")),
        &values,
        &extra,
    );
    let mut values = vec![
        ("firstname", "Jürgen"),
        ("lastname", "Müller"),
        ("address", "Friedrichstraße 123"),
        ("state", "Berlin"),
        ("zip", "10117"),
        ("description", &notes),
    ];
    values.extend(common);
    assert_draft(
        vcard::to_draft(&card, Flavour::Whatsmark, None),
        &values,
        &extra,
    );
}

#[test]
fn a_card_cut_off_before_its_end_is_refused_naming_its_line() {
    let text = read("broken_cut_off.vcf");
    assert!(vcard::looks_like_vcard(&text));
    let err = vcard::parse(&text).unwrap_err();
    assert_eq!(err, VcardError::Unclosed { line: 1 });
    assert_eq!(
        err.to_string(),
        "line 1: this card never ends (no END:VCARD); was the text cut off?"
    );
}

#[test]
fn a_card_missing_its_end_inside_a_file_names_both_lines() {
    let err = vcard::parse(&read("broken_missing_end.vcf")).unwrap_err();
    assert_eq!(err, VcardError::UnclosedBefore { line: 6, next: 11 });
    assert_eq!(
        err.to_string(),
        "line 6: this card has no END:VCARD before the next card on line 11"
    );
}

#[test]
fn every_fixture_but_the_broken_ones_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vcards");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = vcard::parse(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(result.is_err(), name.starts_with("broken"), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 8);
}

/// One property line as phones write them, with awkward but legal values.
fn property() -> impl Strategy<Value = String> {
    let name = r"(item[12]\.)?(TEL|N|FN|ADR|NOTE|EMAIL|ORG|TITLE|URL|X-ABLabel|X-FOO)";
    let params = r#"(;(TYPE=[a-z,"]{1,9}|waid=[0-9]{1,12}|CELL|PREF|QUOTED-PRINTABLE)){0,3}"#;
    let value = r"([A-Za-zñ王🎉0-9 ;,\\=+:.\-]|=C3=B1){0,30}";
    (name, params, value).prop_map(|(n, p, v)| format!("{n}{p}:{v}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Whatever a phone or a clumsy paste puts between BEGIN and END (multi-byte text,
    /// stray `=`, `\`, quotes, folds), reading it returns, never panics.
    #[test]
    fn any_card_body_reads_without_panicking(
        body in r#"([A-Za-z.;=,"\\:\- \t\nñ王🎉0-9]|=C3|=\n|\r\n){0,200}"#,
    ) {
        let _ = vcard::parse(&format!("BEGIN:VCARD\nVERSION:2.1\n{body}\nEND:VCARD\n"));
    }

    /// Every phone, email, title, web site and note of a card ends up in the draft,
    /// either in its own field or in the notes.
    #[test]
    fn nothing_on_a_card_is_dropped(
        lines in proptest::collection::vec(property(), 0..12),
        version in "2\\.1|3\\.0|4\\.0",
        region in proptest::option::of("CO|BR|XX"),
    ) {
        let text = format!("BEGIN:VCARD\nVERSION:{version}\n{}\nEND:VCARD", lines.join("\n"));
        let cards = vcard::parse(&text).unwrap();
        prop_assert_eq!(cards.len(), 1);
        let card = &cards[0];
        for flavour in [Flavour::Wipsy, Flavour::Whatsmark] {
            let (draft, _) = vcard::to_draft(card, flavour, region.as_deref());
            let notes = draft.get(if flavour == Flavour::Wipsy { "notes" } else { "description" });
            let kept = |s: &str| notes.contains(s) || draft.values.values().any(|v| v == s);
            for tel in &card.phones {
                let shown = phone::to_e164(&tel.number, region.as_deref())
                    .unwrap_or_else(|_| tel.number.trim().to_owned());
                prop_assert!(kept(&shown), "{shown:?} lost from {draft:?}");
            }
            let singles = [&card.org, &card.title, &card.url, &card.note];
            for text in card.emails.iter().chain(singles.into_iter().flatten()).chain(&card.extras) {
                prop_assert!(kept(text), "{text:?} lost from {draft:?}");
            }
        }
    }
}
