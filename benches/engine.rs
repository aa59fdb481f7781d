//! Benchmarks of the contact engine: the work done on every keystroke and every submit,
//! measured on full drafts against catalogs the size a busy tenant has.
//!
//! Run with `cargo bench --bench engine`; one group per engine stage (`validate/...`,
//! `build_body/...`), all sharing the fixtures below.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rolo::api::body::create_body;
use rolo::contact::catalog::{Catalog, CustomFieldDef, CustomType, Item, Items};
use rolo::contact::validate::{Rules, validate_draft};
use rolo::contact::{Draft, Flavour};

// ---------------------------------------------------------------------------------------
// Fixtures: realistic catalogs and drafts with every field filled.
// ---------------------------------------------------------------------------------------

/// A Wipsy-style uuid, stable across runs so results compare.
fn uuid(kind: u8, n: usize) -> String {
    format!("7c9e6679-7425-40de-944b-{kind:02x}{n:010x}")
}

fn item(id: String, name: String) -> Item {
    Item {
        id,
        name,
        ..Item::default()
    }
}

fn named(kind: u8, names: &[&str]) -> Vec<Item> {
    let each = |(n, name): (usize, &&str)| item(uuid(kind, n), (*name).to_owned());
    names.iter().enumerate().map(each).collect()
}

/// Integer ids from `first`, as WhatsMark numbers its sources, statuses and groups.
fn numbered(first: usize, count: usize, what: &str) -> Vec<Item> {
    (first..first + count)
        .map(|id| item(id.to_string(), format!("{what} {id}")))
        .collect()
}

fn custom(n: usize, name: &str, kind: CustomType, options: &[&str]) -> CustomFieldDef {
    CustomFieldDef {
        id: uuid(0xcf, n),
        name: name.to_owned(),
        kind,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        required: n == 0,
        order: i64::try_from(n).unwrap_or_default(),
        pattern: None,
    }
}

fn wipsy_catalog() -> Catalog {
    let stages = ["New", "Contacted", "Qualified", "Proposal", "Won", "Lost"];
    let tags: Vec<String> = (0..40).map(|n| format!("Tag {n}")).collect();
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    Catalog {
        stages: named(0x57, &stages).into(),
        tags: named(0x7a, &tags).into(),
        custom_fields: vec![
            custom(
                0,
                "Plan",
                CustomType::Select,
                &["Basic", "Pro", "Enterprise"],
            ),
            custom(1, "Birthday", CustomType::Date, &[]),
            custom(2, "Budget", CustomType::Number, &[]),
            custom(3, "Billing email", CustomType::Email, &[]),
            custom(4, "Office phone", CustomType::Phone, &[]),
            custom(5, "Referred by", CustomType::Text, &[]),
            custom(6, "Tax id", CustomType::Text, &[]),
        ],
        ..Catalog::default()
    }
}

fn whatsmark_catalog() -> Catalog {
    Catalog {
        sources: numbered(101, 30, "Source").into(),
        statuses: numbered(280, 12, "Status").into(),
        groups: numbered(1, 45, "Group").into(),
        // The open countries dataset: about 250 rows, India at 101.
        countries: numbered(1, 250, "Country").into(),
        assignees: numbered(1, 25, "Agent").into(),
        ..Catalog::default()
    }
}

fn draft(values: &[(&str, &str)]) -> Draft {
    let mut draft = Draft::default();
    for (key, value) in values {
        draft.set(key, *value);
    }
    draft
}

fn wipsy_draft(catalog: &Catalog) -> Draft {
    let mut d = draft(&[
        ("name", "María José"),
        ("last_name", "Gómez Ñáñez"),
        ("phone", "318 877 9043"),
        ("email", "maria.gomez@example.com.co"),
        ("whatsapp_id", "573188779043"),
        ("company", "Café Ñandú S.A.S."),
        ("profile_picture_url", "https://cdn.example.com/p/maria.jpg"),
        ("address", "Calle 93 # 11-27, Apto 501"),
        ("city", "Bogotá"),
        ("province", "Cundinamarca"),
        (
            "notes",
            "Asked about the Pro plan 😀\nCall back after 3 pm.",
        ),
    ]);
    d.set("pipeline_stage_id", catalog.stages[2].id.clone());
    let tags = vec![catalog.tags[3].id.clone(), catalog.tags[17].id.clone()];
    d.lists.insert("tags".into(), tags);
    let values = [
        "Pro",
        "1988-04-17",
        "-1250.75",
        "facturas@example.com",
        "+57 601 555 0199",
        "Ana Torres",
        "900.123.456-7",
    ];
    for (def, value) in catalog.custom_fields.iter().zip(values) {
        d.custom.insert(def.id.clone(), value.to_owned());
    }
    d
}

fn whatsmark_draft() -> Draft {
    let mut d = draft(&[
        ("firstname", "Rahul"),
        ("lastname", "Sharma"),
        ("phone", "098765 43210"),
        ("email", "rahul.sharma@example.in"),
        ("company", "Sharma Textiles Pvt Ltd"),
        ("type", "customer"),
        ("source_id", "115"),
        ("status_id", "287"),
        ("assigned_id", "15"),
        ("country_id", "101"),
        ("address", "12 MG Road, near Jubilee Circle"),
        ("city", "Rajkot"),
        ("state", "Gujarat"),
        ("zip", "360001"),
        (
            "description",
            "Wholesale enquiry; prefers WhatsApp in Hindi.",
        ),
    ]);
    let groups = ["12", "31", "44"].map(String::from).to_vec();
    d.lists.insert("groups".into(), groups);
    d
}

// ---------------------------------------------------------------------------------------
// validate/...: the whole draft, as on submit (inline checks do one field of this).
// ---------------------------------------------------------------------------------------

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");

    let catalog = wipsy_catalog();
    let rules = Rules {
        flavour: Flavour::Wipsy,
        default_region: Some("CO"),
        catalog: &catalog,
    };
    let draft = wipsy_draft(&catalog);
    assert!(
        validate_draft(&rules, &draft).is_empty(),
        "fixture is valid"
    );
    group.bench_function("wipsy_full", |b| {
        b.iter(|| validate_draft(black_box(&rules), black_box(&draft)));
    });

    let catalog = whatsmark_catalog();
    let rules = Rules {
        flavour: Flavour::Whatsmark,
        default_region: Some("IN"),
        catalog: &catalog,
    };
    let draft = whatsmark_draft();
    assert!(
        validate_draft(&rules, &draft).is_empty(),
        "fixture is valid"
    );
    group.bench_function("whatsmark_full", |b| {
        b.iter(|| validate_draft(black_box(&rules), black_box(&draft)));
    });

    group.finish();
}

// ---------------------------------------------------------------------------------------
// build_body/...: the JSON a submit sends, from the same full drafts.
// ---------------------------------------------------------------------------------------

fn build_body(c: &mut Criterion) {
    let mut group = c.benchmark_group("build_body");
    let catalog = wipsy_catalog();
    let draft = wipsy_draft(&catalog);
    group.bench_function("wipsy_full", |b| {
        b.iter(|| {
            create_body(
                Flavour::Wipsy,
                black_box(&draft),
                Some("CO"),
                &catalog.custom_fields,
            )
        });
    });
    let draft = whatsmark_draft();
    group.bench_function("whatsmark_full", |b| {
        b.iter(|| create_body(Flavour::Whatsmark, black_box(&draft), Some("IN"), &[]));
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// quickadd/...: a quick-add line is parsed again on every keystroke, against the whole
// catalog (a tag typed by its start, plain words after the phone looked up in every
// picked field's list).
// ---------------------------------------------------------------------------------------

/// The line before the word being typed in the `quickadd/wipsy_*` cases below.
const HEAD: &str = "Ana María | Pérez +57 318 877 9043 ana@acme.co";

/// Keystrokes whose last word costs most against a big list, each as (case, line): a
/// tag by one letter and by three (every name fits: all are counted, the first named),
/// a plain word of three letters (a tag the line may mean), and a tag that fits no name
/// (the closest is suggested, by edit distance).
const LAST_WORDS: [(&str, &str); 4] = [
    ("tag_1_letter", "#c"),
    ("tag_3_letters", "#cli"),
    ("word_3_letters", "cli"),
    ("unknown_tag", "#mumbay"),
];

fn quickadd(c: &mut Criterion) {
    let mut group = c.benchmark_group("quickadd");
    for n in [40, 100_000] {
        let mut catalog = wipsy_catalog();
        let names: Vec<String> = (0..n).map(|i| format!("Tag {i} Cliente")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        catalog.tags = named(0x7a, &names).into();
        // What the app does on a worker thread once the lists are read: a keystroke is
        // what is timed, not the making of a list's name index (`quickadd/prepare_*`).
        catalog.prepare_for_matching();
        let line = "Ana María | Pérez +57 318 877 9043 ana@acme.co #tag 9 prop vip budget:1500";
        let parse = |line: &str| {
            rolo::contact::quickadd::parse(black_box(line), Flavour::Wipsy, &catalog, Some("CO"))
        };
        group.bench_function(format!("wipsy_line_{n}_tags"), |b| b.iter(|| parse(line)));
        for (case, last) in LAST_WORDS {
            let line = format!("{HEAD} {last}");
            group.bench_function(format!("wipsy_{case}_{n}_tags"), |b| {
                b.iter(|| parse(&line));
            });
        }
        group.bench_function(format!("prepare_{n}_tags"), |b| {
            b.iter_batched(
                || Items::from(catalog.tags.to_vec()),
                |tags| {
                    tags.prepare_for_matching();
                    tags
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

/// Normalising phones of 40 countries in turn, as an import of a multi-country sheet does:
/// with `phonenumber`'s own cache of 100 patterns, and kept as the app keeps them
/// (`rolo::contact::phone::load` sets it).
fn phone(c: &mut Criterion) {
    const NUMBERS: [&str; 40] = [
        "+57 3188779043",
        "+91 9847012345",
        "+55 11 91234 5678",
        "+34 612345678",
        "+1 2015550123",
        "+52 1 222 123 4567",
        "+54 9 11 2345 6789",
        "+56 9 6123 4567",
        "+51 912 345 678",
        "+971 50 123 4567",
        "+966 50 123 4567",
        "+44 7400 123456",
        "+49 1512 3456789",
        "+33 6 12 34 56 78",
        "+39 312 345 6789",
        "+234 802 123 4567",
        "+254 712 123456",
        "+27 71 123 4567",
        "+20 100 123 4567",
        "+92 301 2345678",
        "+880 1812-345678",
        "+62 812-345-678",
        "+63 905 123 4567",
        "+84 91 234 56 78",
        "+66 81 234 5678",
        "+60 12-345 6789",
        "+65 8123 4567",
        "+90 501 234 56 78",
        "+7 912 345-67-89",
        "+81 90-1234-5678",
        "+86 131 2345 6789",
        "+82 10-2000-0000",
        "+61 412 345 678",
        "+1 506 234 5678",
        "+593 99 123 4567",
        "+58 412-1234567",
        "+502 5123 4567",
        "+1 809 234 5678",
        "+351 912 345 678",
        "+31 6 12345678",
    ];
    let mut group = c.benchmark_group("phone");
    // First with the library's own cache of 100 patterns (what rolo had), then kept.
    rolo::contact::phone::load();
    let capacity = |patterns| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(patterns);
        }
    };
    capacity(100);
    group.bench_function("to_e164_40_countries_cache_100", |b| {
        let mut at = 0;
        b.iter(|| {
            at = (at + 1) % NUMBERS.len();
            rolo::contact::phone::to_e164(NUMBERS[at], Some("CO"))
        });
    });
    capacity(rolo::contact::phone::PATTERNS_KEPT);
    for countries in [5, 40] {
        let numbers = &NUMBERS[..countries];
        group.bench_function(format!("to_e164_{countries}_countries"), |b| {
            let mut at = 0;
            b.iter(|| {
                at = (at + 1) % numbers.len();
                rolo::contact::phone::to_e164(numbers[at], Some("CO"))
            });
        });
    }
    group.finish();
}

/// The macro's `pub fn` has no doc comment; inside a private module it is not public,
/// so `missing_docs` does not ask for one.
mod groups {
    use super::{build_body, criterion_group, phone, quickadd, validate};

    criterion_group!(benches, validate, build_body, quickadd, phone);
}

criterion_main!(groups::benches);
